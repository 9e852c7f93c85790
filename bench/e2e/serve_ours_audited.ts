/**
 * E2E, ours with the audit trail and quotas on: the same triage function as
 * serve_ours.ts, with SUPABASE_DB_URL pointing at the run's PostgreSQL and a
 * per-caller quota, so every request makes the quota call before SageMaker
 * and writes its audit row before answering (failing closed, the default).
 *
 * @module
 */
import {
  createEdgeFunction,
  runtimeDeps,
} from "../../edge/_shared/edge_function.ts";
import { oursEnv, serve } from "./_serve.ts";

const databaseUrl = Deno.env.get("BENCH_DATABASE_URL");
if (!databaseUrl) throw new Error("BENCH_DATABASE_URL is not set");

const overlay: Record<string, string> = {
  ...oursEnv(),
  SUPABASE_DB_URL: databaseUrl,
  // The largest quota: checked on every request, never reached by the load.
  CALLER_QUOTA_PER_MINUTE: "100000",
};
const triage = createEdgeFunction("sagemaker-triage", {
  ...runtimeDeps(),
  env: (name) => overlay[name],
});
serve((request) => triage.fetch(request));
