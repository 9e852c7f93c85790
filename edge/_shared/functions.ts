/**
 * The three functions, named one way everywhere (their Supabase slugs), and
 * the HTTP methods each answers. Image analysis also answers GET, which
 * reads an asynchronous result; everything else is POST (and OPTIONS for
 * CORS preflight).
 *
 * @module
 */
import type { FunctionName } from "./wasm_gateway.ts";

/** Every function, by name. */
export const FUNCTION_NAMES = [
  "sagemaker-triage",
  "sagemaker-image-analysis",
  "sagemaker-risk-score",
] as const satisfies readonly FunctionName[];

/** Whether `GET` reads asynchronous results on this function. */
export function servesAsyncResults(functionName: FunctionName): boolean {
  return functionName === "sagemaker-image-analysis";
}

/** The `Allow` / `Access-Control-Allow-Methods` value. */
export function allowedMethods(functionName: FunctionName): string {
  return servesAsyncResults(functionName)
    ? "GET, POST, OPTIONS"
    : "POST, OPTIONS";
}

/** The 405 detail. */
export function methodHint(functionName: FunctionName): string {
  return servesAsyncResults(functionName)
    ? "Use POST with a JSON body, or GET with an asynchronous result id."
    : "Use POST with a JSON body.";
}
