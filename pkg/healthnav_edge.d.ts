/* tslint:disable */
/* eslint-disable */

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



/** One patient of a batch: sent to the model, or refused with its field errors. */
export interface BatchSlot {
    index: number;
    ok: boolean;
    errors?: FieldError[];
    /** Triage: ids of the red-flag rules this patient matched. */
    redFlags?: string[];
}

/** Where each patient of a batch went; pass it back to normalizeBatch. */
export interface BatchPlan {
    slots: BatchSlot[];
    /** True when the slots list fewer errors than were found (at most 100 in all). */
    truncated?: boolean;
}

/** One patient's outcome, in request order. */
export type BatchSlotResult =
| { index: number; ok: true; result: TriageResult | RiskResult }
| { index: number; ok: false; errors: FieldError[] };

/** The answer to a batch request. */
export interface BatchResult {
    results: BatchSlotResult[];
    /** True when the refused slots list fewer errors than were found (at most 100 in all). */
    truncated?: boolean;
}



/** One row of the error-code table. */
export interface ErrorCodeInfo {
    code: ErrorCode;
    /** The HTTP status a client gets with this code. */
    status: number;
    /** Whether sending the same request again is safe and may succeed. */
    retryable: boolean;
}



/** The 202 body of an accepted asynchronous request. */
export interface AsyncAccepted {
    status: "pending";
    /** Poll GET /sagemaker-image-analysis/<id> (or ?id=<id>) with it. */
    id: string;
    /** SageMaker's InferenceId, for support cases. */
    inference_id: string | null;
}

/** The S3 objects to GET (SigV4, service "s3") for one result id. */
export interface AsyncResultLocation {
    /** The result id, as given. */
    id: string;
    outputUrl: string;
    failureUrl: string | null;
    /** When the inference was accepted, ms since 1970. */
    submittedAtMs: number;
}


/** Every stable code the gateway answers with (see errorCodeTable). */
export type ErrorCode =
| "validation_failed"
| "invalid_json"
| "empty_body"
| "body_too_large"
| "method_not_allowed"
| "unsupported_media_type"
| "client_closed_request"
| "unauthorized"
| "invalid_jwt"
| "expired_jwt"
| "sign_in_required"
| "auth_unavailable"
| "gateway_busy"
| "caller_quota_exceeded"
| "audit_unavailable"
| "async_not_enabled"
| "missing_async_id"
| "unknown_async_id"
| "async_id_expired"
| "throttled"
| "model_not_ready"
| "model_timeout"
| "model_rejected_input"
| "model_error"
| "invalid_model_output"
| "sagemaker_internal_failure"
| "sagemaker_unavailable"
| "sagemaker_dependency_failure"
| "sagemaker_validation_error"
| "upstream_auth_failed"
| "upstream_unavailable"
| "upstream_error"
| "upstream_timeout"
| "upstream_unreachable"
| "upstream_redirect"
| "upstream_response_too_large"
| "invalid_configuration"
| "invalid_signing_request"
| "invalid_argument"
| "internal_error";



/**
 * Validates, builds, signs and normalises for one function.
 */
export class Gateway {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * SageMaker's answer to InvokeEndpointAsync → the client's 202 body with
     * a result id only `callerId` (the verified JWT `sub`) can open, or the
     * mapped error.
     */
    acceptAsync(response: UpstreamResponse, timeMs: number, callerId: string): AsyncAccepted;
    /**
     * Every endpoint name this deployment can call (the asynchronous one
     * included), for metric labels: anything else is reported as `other`.
     */
    endpointNames(): string[];
    /**
     * Checks the settings once and binds the gateway to `functionName`;
     * throws `invalid_configuration` naming each bad setting, or
     * `invalid_signing_request` naming each bad credential field.
     * Credentials let `prepare` sign and `signAttempt` work.
     */
    constructor(settings: GatewaySettings, functionName: FunctionName, credentials: AwsCredentials | undefined);
    /**
     * Maps a batch answer to one result per patient, in request order, or
     * throws the stable error (a count mismatch is `invalid_model_output`).
     */
    normalizeBatch(response: UpstreamResponse, batch: BatchPlan): BatchResult;
    /**
     * Turns a SageMaker answer into the guide's output, or throws its
     * stable error. A triage answer is floored by `redFlags`, the
     * invocation's.
     */
    normalize(response: UpstreamResponse, redFlags?: string[] | null): NormalizedResult;
    /**
     * Checks the result id in a GET's path or query (`/<slug>/<id>` or
     * `?id=`) for `callerId` and returns the S3 URLs to read; throws
     * `missing_async_id` (400), `unknown_async_id` (404: also someone
     * else's id), `async_id_expired` (410) or `async_not_enabled` (501).
     */
    openAsyncResult(pathAndQuery: string, timeMs: number, callerId?: string | null): AsyncResultLocation;
    /**
     * Validates a client body and builds its SageMaker call; for a small
     * body it also hashes the payload and signs the first attempt at
     * `timeMs`. `callerId` is the verified caller (the JWT `sub`).
     */
    prepare(body: Uint8Array | number[], timeMs: number, callerId?: string | null): Invocation;
    /**
     * The S3 answer for the failure object: returns while it does not exist
     * (still pending); throws the failure it reports, or the S3 error.
     */
    readAsyncFailure(response: UpstreamResponse): void;
    /**
     * The S3 answer for the output object → the normalised result, or
     * `null` while it does not exist; throws S3 errors.
     */
    readAsyncOutput(response: UpstreamResponse): ImageResult | null;
    /**
     * What a failed triage answer carries for `redFlags` (the invocation's):
     * the flags and a fixed safety message, or `null` when there are none.
     */
    safetyNotice(redFlags: string[]): SafetyNotice | null;
    /**
     * The headers that sign one attempt of `invocation` at `timeMs`
     * (`x-amz-date`, `authorization`, and `x-amz-security-token` with
     * temporary credentials). `invocation.payloadSha256` must be set.
     */
    signAttempt(invocation: Invocation, timeMs: number): [string, string][];
    /**
     * Every field problem of a client body, or an empty array when it is valid.
     * Body-level problems (not JSON, empty, too large) come back with path "".
     * `callerId` is the signed-in caller the body would be sent as.
     */
    validate(body: Uint8Array | number[], callerId?: string | null): FieldError[];
    /**
     * The function this gateway serves.
     */
    readonly functionName: FunctionName;
}

export function __wbg_reset_state(): void;

/**
 * Every code the gateway answers with, its status and retryability.
 */
export function errorCodeTable(): ErrorCodeInfo[];

/**
 * Signs any AWS request with SigV4 and returns the headers to set
 * (`x-amz-date`, `authorization`, and `x-amz-security-token` /
 * `x-amz-content-sha256` when they apply); they replace any the request
 * already carries from an earlier attempt.
 */
export function signAwsRequest(request: AwsRequestToSign): Record<string, string>;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_gateway_free: (a: number, b: number) => void;
    readonly errorCodeTable: () => [number, number, number];
    readonly gateway_acceptAsync: (a: number, b: any, c: number, d: number, e: number) => [number, number, number];
    readonly gateway_endpointNames: (a: number) => [number, number, number];
    readonly gateway_functionName: (a: number) => [number, number];
    readonly gateway_new: (a: any, b: number, c: number, d: any) => [number, number, number];
    readonly gateway_normalize: (a: number, b: any, c: number, d: number) => [number, number, number];
    readonly gateway_normalizeBatch: (a: number, b: any, c: any) => [number, number, number];
    readonly gateway_openAsyncResult: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
    readonly gateway_prepare: (a: number, b: number, c: number, d: number, e: number, f: number) => [number, number, number];
    readonly gateway_readAsyncFailure: (a: number, b: any) => [number, number];
    readonly gateway_readAsyncOutput: (a: number, b: any) => [number, number, number];
    readonly gateway_safetyNotice: (a: number, b: number, c: number) => [number, number, number];
    readonly gateway_signAttempt: (a: number, b: any, c: number) => [number, number, number];
    readonly gateway_validate: (a: number, b: number, c: number, d: number, e: number) => [number, number, number];
    readonly signAwsRequest: (a: any) => [number, number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __externref_drop_slice: (a: number, b: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
