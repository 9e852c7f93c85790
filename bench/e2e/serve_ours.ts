/**
 * E2E, ours: the real triage function (createEdgeFunction("sagemaker-triage")), its
 * runtime deps, and an env overlay pointing it at the stand-in. It verifies
 * each caller's token itself and logs one JSON line per request as in
 * production (bench/run.ts discards stdout).
 *
 * @module
 */
import {
  createEdgeFunction,
  runtimeDeps,
} from "../../edge/_shared/edge_function.ts";
import { oursEnv, serve } from "./_serve.ts";

const overlay = oursEnv();
const triage = createEdgeFunction("sagemaker-triage", {
  ...runtimeDeps(),
  env: (name) => overlay[name],
});
serve((request) => triage.fetch(request));
