/**
 * Local SageMaker Runtime stand-in for HealthNav.
 *
 * Emulates `POST /endpoints/{EndpointName}/invocations` on 127.0.0.1 with
 * real SigV4 verification, AWS-shaped errors, four deterministic
 * NON-CLINICAL reference models in real container formats, and fault
 * injection for tests; and InvokeEndpointAsync with the results in a small
 * SigV4-checked S3 on a second port. See docs/stand-in.md.
 *
 * The models are keyword rules, hashes and a hand-written formula. They are
 * not medical models and their output must never inform care.
 *
 * @example
 * ```ts
 * import { startSageMakerStandIn } from "./local/sagemaker_stand_in/mod.ts";
 * const standIn = await startSageMakerStandIn({ log: () => {} });
 * standIn.faults.inject({ fault: "throttling", endpoint: "patient-risk-scorer" });
 * // … point the gateway at standIn.url …
 * await standIn.close();
 * ```
 *
 * @module
 */

export {
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type StandInCredentials,
} from "./credentials.ts";
export {
  DEFAULT_FAULT_SEED,
  type StandIn,
  type StandInOptions,
  startSageMakerStandIn,
} from "./server.ts";
export {
  DEFAULT_SLOW_DELAY_MS,
  FAULT_NAMES,
  type FaultController,
  type FaultName,
  type FaultSpec,
  type QueuedFault,
  RANDOM_FAULTS,
} from "./faults.ts";
export {
  MALFORMED_BODY,
  MODEL_CRASH_MESSAGE,
  OVERSIZED_BODY_BYTES,
  STALL_BODY_PREFIX,
} from "./fault_responses.ts";
export type { InvocationStats } from "./stats.ts";
export { type ModelErrorBody, modelErrorBody } from "./aws_errors.ts";
export { ENDPOINT_NAMES, ENDPOINT_VARIANTS } from "./endpoints.ts";
export { MAX_PAYLOAD_BYTES } from "./request_body.ts";
export {
  DEFAULT_ASYNC_DELAY_MS,
  DEFAULT_ASYNC_FAILURE_S3_URI,
  DEFAULT_ASYNC_OUTPUT_S3_URI,
} from "./async_queue.ts";
export {
  ASYNC_INVOCATIONS_PATH,
  MAX_ASYNC_BODY_BYTES,
} from "./invoke_endpoint_async.ts";
export { parseS3Uri, type S3Object, S3Store } from "./s3_store.ts";
export { SIGNATURE_MISMATCH_MESSAGE, SIGNING_SERVICE } from "./sigv4_verify.ts";
export {
  TRIAGE_MODEL_VERSION,
  type TriageResponse,
} from "./models/medical_triage_endpoint.ts";
export { TRIAGE_CLASSES } from "./models/medical_triage_xgboost.ts";
export { IMAGE_CLASSES } from "./models/medical_image_classifier.ts";
export { RISK_FEATURES } from "./models/patient_risk_scorer.ts";
