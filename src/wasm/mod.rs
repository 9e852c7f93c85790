//! The JavaScript face of the crate, and the only module that knows about
//! wasm-bindgen: one file per exported concept. Plain data crosses: strings,
//! numbers, `Uint8Array`s and JSON-compatible objects. Errors cross as real
//! `Error` objects with a stable `code`, the HTTP `status`, `retryable` and
//! field `errors`.

use wasm_bindgen::prelude::*;

mod async_api;
mod batch_api;
mod convert;
mod error_table;
mod gateway;
mod invocation_object;
mod sign_aws_request;
mod upstream;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A function, by its Supabase slug. */
export type FunctionName = "sagemaker-triage" | "sagemaker-image-analysis" | "sagemaker-risk-score";

/** Gateway settings, usually read from env by the edge shim. */
export interface GatewaySettings {
  /** AWS region, e.g. "us-east-1". */
  region: string;
  /** Override of the SageMaker Runtime base URL (AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME). http only for loopback. */
  endpointUrl?: string;
  /** Use the region's FIPS endpoint. */
  useFips?: boolean;
  /**
   * Extra endpoints (exact names) a client may name per function, beside the
   * function's default. Default: none, so each function reaches its default only.
   */
  allowedEndpoints?: { triage?: string[]; imageAnalysis?: string[]; riskScore?: string[] };
  /** S3 buckets image_data may point at. Default: none (s3:// images refused). */
  allowedBuckets?: string[];
  /** Key prefix every s3:// image must have; "{sub}" stands for the caller's id, e.g. "patients/{sub}/". */
  s3KeyPrefix?: string;
  /** Production variants a client may name in "variant". Default: none. A sticky arm of weight 0 is never choosable. */
  clientVariants?: string[];
  /** Default endpoint per function. Defaults: the guide's names. */
  endpoints?: { triage?: string; imageAnalysis?: string; riskScore?: string };
  /** Image classifier labels in output order. */
  imageLabels?: string[];
  /** What a single number from the triage model means. Default "class_index". */
  triageScoreMeaning?: "class_index" | "probability";
  /** Asynchronous image analysis (InvokeEndpointAsync); off without a resultSecret. */
  asyncInference?: {
    /** At least 32 bytes; authenticates result ids (ASYNC_RESULT_SECRET). */
    resultSecret?: string;
    /** Default endpoint of async requests (default "medical-image-classifier-async"). */
    imageEndpoint?: string;
    /** S3 base URL override (AWS_ENDPOINT_URL_S3); objects addressed path style. http only for loopback. */
    s3EndpointUrl?: string;
  };
  /**
   * Sticky A/B weights, e.g. ["model-v1:50", "model-v2:50"]: a caller id given
   * to prepare always reaches the same variant when the request names none.
   * Off when unset.
   */
  stickyVariants?: string[];
  /**
   * The clinical red-flag floor of triage answers, on by default with the
   * embedded rules. `rules` (a rule file, JSON) replaces them, `extraRules`
   * adds to them; `enabled: false` switches the floor off.
   */
  redFlags?: { enabled?: boolean; rules?: string; extraRules?: string };
}

/** AWS credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A SageMaker InvokeEndpoint(Async) call, built and ready to sign. */
export interface Invocation {
  endpoint: string;
  variant: string | null;
  method: "POST";
  url: string;
  /** Lower-case header names, sent with every attempt (unsigned: signAttempt adds the signature). */
  headers: [string, string][];
  body: Uint8Array;
  /** SHA-256 of body, hex; null for a large body: hash it natively before signAttempt. */
  payloadSha256: string | null;
  /** The headers that sign the first attempt at prepare's timeMs (null when payloadSha256 is). */
  firstAttemptSignature: [string, string][] | null;
  /** Triage: ids of the red-flag rules the request matched (pass them to normalize and safetyNotice). */
  redFlags: string[];
  /** For a batch: the slot plan to pass to normalizeBatch. */
  batch: BatchPlan | null;
  /** InvokeEndpointAsync: read the answer with acceptAsync. */
  async: boolean;
  /** The model reads its input from S3 (an s3:// image): equal bodies may not be equal inputs. */
  inputInS3: boolean;
}

/** One problem with one field. */
export interface FieldError {
  /** Dotted path, e.g. "patient_data.age" or "symptoms[2]". */
  path: string;
  /** Stable machine code, e.g. "out_of_range". */
  code: string;
  /** Human sentence, e.g. "must be between 0 and 130". */
  message: string;
}

/** What SageMaker said, without its message (which may quote patient data). */
export interface UpstreamDetails {
  status: number;
  awsCode: string | null;
  originalStatusCode: number | null;
}

/** The Error every export throws. */
export interface HealthNavError extends Error {
  name: "HealthNavError";
  /** Stable machine code, e.g. "validation_failed" or "throttled". */
  code: ErrorCode;
  /** HTTP status for the client. */
  status: number;
  /** Whether sending the same request again is safe. */
  retryable: boolean;
  errors: FieldError[];
  /** True when more field errors were found than `errors` lists. */
  truncated: boolean;
  upstream: UpstreamDetails | null;
}

/** A SageMaker answer as received. */
export interface UpstreamResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
  /** Milliseconds the call took, measured by the caller. */
  elapsedMs: number;
}

export type RiskLevel = "low" | "moderate" | "high" | "critical";

/** A published emergency warning sign a triage request showed. */
export interface RedFlag {
  /** The rule, e.g. "stroke_fast". */
  id: string;
  /** The warning sign and what to do. */
  finding: string;
  /** The public page it is published on. */
  source: { organisation: string; title: string; url: string };
}

/** The guide's triage output, floored by the red flags the request showed. */
export interface TriageResult {
  /** The model's score: the floor never invents a number. */
  urgency_score: number;
  /** The higher of model_risk_level and the red flags' floor. */
  risk_level: RiskLevel;
  /** The model's own level. */
  model_risk_level: RiskLevel;
  /** What decided risk_level. */
  risk_level_source: "model" | "red_flags";
  red_flags: RedFlag[];
  /** The red-flag rules applied; null when the operator switched the floor off. */
  red_flag_rules_version: string | null;
  recommended_specialty: string | null;
  confidence: number | null;
  key_findings: string[];
  /** The model's own version, when its output names one. */
  model_version: string | null;
  /** The production variant that answered. */
  invoked_variant: string | null;
  inference_time_ms: number;
  output_format: string;
}

/** What a failed triage answer carries when the request showed red flags. */
export interface SafetyNotice {
  red_flags: RedFlag[];
  /** A fixed message: seek care now. */
  safety_message: string;
  red_flag_rules_version: string;
}

export interface ImagePrediction {
  condition: string;
  confidence: number;
  severity: string | null;
}

/** The guide's image-analysis output. */
export interface ImageResult {
  predictions: ImagePrediction[];
  model_version: string | null;
  invoked_variant: string | null;
  inference_time_ms: number;
  output_format: string;
}

/** The risk-score output. */
export interface RiskResult {
  risk_score: number;
  risk_level: RiskLevel;
  factors: string[];
  model_version: string | null;
  invoked_variant: string | null;
  inference_time_ms: number;
  output_format: string;
}

export type NormalizedResult = TriageResult | ImageResult | RiskResult;

/** Any AWS request to sign with SigV4. */
export interface AwsRequestToSign {
  method: string;
  /** Absolute, percent-encoded URL. */
  url: string;
  headers?: [string, string][] | Record<string, string>;
  /** The payload; or give bodySha256 instead (hex), e.g. from crypto.subtle for large bodies. */
  body?: Uint8Array | string;
  bodySha256?: string;
  region: string;
  /** Signing name, e.g. "sagemaker" or "s3". */
  service: string;
  credentials: AwsCredentials;
  /** Milliseconds since 1970, e.g. Date.now(). */
  timeMs: number;
}
"#;
