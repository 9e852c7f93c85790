/**
 * Supabase Edge Function `sagemaker-triage`: see README.md for the request and
 * response formats. The handler is exported so tests and the local router can
 * import it.
 *
 * @module
 */
import { createEdgeFunction } from "../_shared/edge_function.ts";

export default createEdgeFunction("sagemaker-triage");
