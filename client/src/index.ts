/**
 * HealthNav's client for React Native (and any JavaScript runtime): typed
 * calls of `sagemaker-triage`, `sagemaker-image-analysis` and
 * `sagemaker-risk-score` through the app's `@supabase/supabase-js` client.
 * No WebAssembly, no `fetch` of its own, no `URL`, `TextEncoder` or `Intl`:
 * it runs on Hermes.
 *
 * ```ts
 * const healthNav = createHealthNavClient(supabase);
 * const result = await healthNav.triage({ symptoms: ["fever"], patient_data: { age: 35, gender: "female" } });
 * ```
 *
 * @module
 */
export {
  type CallOptions,
  createHealthNavClient,
  type HealthNavClient,
  type HealthNavClientOptions,
  type ImageAnalysisJob,
  type ImageLaterRequest,
  type ImageNowRequest,
  type TriageSingleRequest,
  type WaitOptions,
} from "./client.ts";
export {
  type ClientFailureCode,
  HealthNavError,
  type HealthNavErrorInit,
  isHealthNavError,
} from "./health_nav_error.ts";
export type {
  AbortSignalLike,
  InvokeAnswer,
  InvokeOptions,
  ResponseLike,
  SupabaseFunctionsClient,
} from "./transport.ts";
export type * from "./types.ts";
