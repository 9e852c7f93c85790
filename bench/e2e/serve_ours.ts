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
import {
  benchJwks,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  serve,
  standInUrl,
} from "./_serve.ts";

const overlay: Record<string, string> = {
  AWS_REGION: LOCAL_REGION,
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: standInUrl(),
  // The function verifies its callers itself, against the project's keys.
  SUPABASE_JWKS: benchJwks(),
};
const triage = createEdgeFunction("sagemaker-triage", {
  ...runtimeDeps(),
  env: (name) => overlay[name],
});
serve((request) => triage.fetch(request));
