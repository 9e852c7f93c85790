//! The JavaScript face of the crate, and the only module that knows about
//! wasm-bindgen. Plain data crosses: strings, numbers, `Uint8Array`s and
//! JSON-compatible objects. Errors cross as real `Error` objects with a stable
//! `code`, the HTTP `status`, `retryable` and field `errors`.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::config::{GatewayConfig, GatewaySettings};
use crate::error::{FieldError, GatewayError};
use crate::function::ModelFunction;
use crate::invocation::build_invocation;
use crate::invocation_signer::InvocationSigner;
use crate::normalize::normalize_response;
use crate::signing::{sign_request, Credentials, PayloadHash, SigningRequest};

mod async_api;
mod batch_api;
mod invocation_object;
mod upstream;

use invocation_object::invocation_to_js;
use upstream::UpstreamParts;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A function by short name or Supabase slug. */
export type FunctionName =
  | "triage" | "image-analysis" | "risk-score"
  | "sagemaker-triage" | "sagemaker-image-analysis" | "sagemaker-risk-score";

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
   * to buildInvocation/prepareInvocation always reaches the same variant when
   * the request names none. Off when unset.
   */
  stickyVariants?: string[];
}

/** AWS credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An unsigned SageMaker InvokeEndpoint request. */
export interface Invocation {
  endpoint: string;
  variant: string | null;
  method: "POST";
  url: string;
  /** Lower-case header names, to be signed and sent. */
  headers: [string, string][];
  body: Uint8Array;
  /** For a batch: the slot plan to pass to normalizeBatchResponse. */
  batch: BatchPlan | null;
  /** InvokeEndpointAsync: read the answer with acceptAsyncResponse. */
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
  code: string;
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

/** The guide's triage output. */
export interface TriageResult {
  urgency_score: number;
  risk_level: RiskLevel;
  recommended_specialty: string | null;
  confidence: number | null;
  key_findings: string[];
  model_version: string | null;
  inference_time_ms: number;
  output_format: string;
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
  inference_time_ms: number;
  output_format: string;
}

/** The risk-score output. */
export interface RiskResult {
  risk_score: number;
  risk_level: RiskLevel;
  factors: string[];
  model_version: string | null;
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

/// Validates, builds and normalises for one deployment's settings.
#[wasm_bindgen]
pub struct Gateway {
    config: GatewayConfig,
    /// Set by `setCredentials`, for `prepareInvocation`.
    signer: Option<InvocationSigner>,
}

#[wasm_bindgen]
impl Gateway {
    /// Checks the settings once; throws `invalid_configuration` naming each bad setting.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "GatewaySettings")] settings: JsValue,
    ) -> Result<Gateway, JsValue> {
        let settings: serde_json::Value = from_js(settings, "settings")?;
        let settings = GatewaySettings::from_json(settings).map_err(to_js_error)?;
        GatewayConfig::new(settings)
            .map(|config| Gateway {
                config,
                signer: None,
            })
            .map_err(to_js_error)
    }

    /// Validates a client body and builds the unsigned SageMaker request.
    /// `callerId` (e.g. the JWT `sub`) picks the sticky variant, if configured.
    #[wasm_bindgen(js_name = buildInvocation, unchecked_return_type = "Invocation")]
    pub fn build_invocation(
        &self,
        #[wasm_bindgen(js_name = functionName, unchecked_param_type = "FunctionName")]
        function_name: &str,
        body: &[u8],
        #[wasm_bindgen(js_name = callerId)] caller_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let function = function_from_name(function_name)?;
        let invocation = build_invocation(&self.config, function, body, caller_id.as_deref())
            .map_err(to_js_error)?;
        Ok(invocation_to_js(&invocation, &[]))
    }

    /// Keeps credentials in this Gateway for `prepareInvocation`, so the hot
    /// path neither converts nor checks them on every request, and derives
    /// the signing key once a day. Throws `invalid_signing_request` naming
    /// each bad credential field.
    #[wasm_bindgen(js_name = setCredentials)]
    pub fn set_credentials(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "AwsCredentials")] credentials: JsValue,
    ) -> Result<(), JsValue> {
        let credentials: Credentials = from_js(credentials, "credentials")?;
        self.signer =
            Some(InvocationSigner::new(credentials, &self.config.region).map_err(to_js_error)?);
        Ok(())
    }

    /// Validates, builds and signs in one call (service `sagemaker`, the
    /// payload hashed in wasm, the signing key derived once per UTC day): the
    /// fast path for small bodies. Its headers include `x-amz-date`,
    /// `authorization` and, with temporary credentials, `x-amz-security-token`,
    /// exactly as `signAwsRequest` would sign them. For large bodies use
    /// `buildInvocation`, hash natively and call `signAwsRequest` with `bodySha256`.
    #[wasm_bindgen(js_name = prepareInvocation, unchecked_return_type = "Invocation")]
    pub fn prepare_invocation(
        &mut self,
        #[wasm_bindgen(js_name = functionName, unchecked_param_type = "FunctionName")]
        function_name: &str,
        body: &[u8],
        #[wasm_bindgen(js_name = timeMs)] time_ms: f64,
        #[wasm_bindgen(js_name = callerId)] caller_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let function = function_from_name(function_name)?;
        let signer = self
            .signer
            .as_mut()
            .ok_or_else(|| bad_argument("credentials", "must be set with setCredentials first"))?;
        let invocation = build_invocation(&self.config, function, body, caller_id.as_deref())
            .map_err(to_js_error)?;
        let signed = signer
            .sign(
                &invocation.url,
                &invocation.headers,
                &invocation.body,
                time_ms,
            )
            .map_err(to_js_error)?;
        Ok(invocation_to_js(&invocation, &signed))
    }

    /// Every field problem of a client body, or an empty array when it is valid.
    /// Body-level problems (not JSON, empty, too large) come back with path "".
    /// `callerId` is the signed-in caller the body would be sent as.
    #[wasm_bindgen(js_name = validateRequest, unchecked_return_type = "FieldError[]")]
    pub fn validate_request(
        &self,
        #[wasm_bindgen(js_name = functionName, unchecked_param_type = "FunctionName")]
        function_name: &str,
        body: &[u8],
        #[wasm_bindgen(js_name = callerId)] caller_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let function = function_from_name(function_name)?;
        let errors = match build_invocation(&self.config, function, body, caller_id.as_deref()) {
            // A batch is valid as a whole when one patient is; the others' errors still count.
            Ok(invocation) => match invocation.mode {
                crate::invocation::InvocationMode::Batch(plan) => return to_js(&plan.errors()),
                _ => Vec::new(),
            },
            Err(error) if error.errors.is_empty() => {
                vec![FieldError::new("", error.code, error.message)]
            }
            Err(error) => error.errors,
        };
        to_js(&errors)
    }

    /// Every endpoint name this deployment can call (the asynchronous one
    /// included), for metric labels: anything else is reported as `other`.
    #[wasm_bindgen(js_name = endpointNames, unchecked_return_type = "string[]")]
    pub fn endpoint_names(&self) -> Result<JsValue, JsValue> {
        to_js(&self.config.endpoint_names())
    }

    /// Turns a SageMaker answer into the guide's output, or throws its stable error.
    #[wasm_bindgen(js_name = normalizeResponse, unchecked_return_type = "NormalizedResult")]
    pub fn normalize_response(
        &self,
        #[wasm_bindgen(js_name = functionName, unchecked_param_type = "FunctionName")]
        function_name: &str,
        #[wasm_bindgen(unchecked_param_type = "UpstreamResponse")] response: JsValue,
    ) -> Result<JsValue, JsValue> {
        let function = function_from_name(function_name)?;
        let upstream = UpstreamParts::from_js(&response)?;
        let result =
            normalize_response(&self.config, function, upstream.view(), upstream.elapsed_ms)
                .map_err(to_js_error)?;
        to_js(&result)
    }
}

/// Signs any AWS request with SigV4 and returns the headers to add
/// (`x-amz-date`, `authorization`, and `x-amz-security-token` / `x-amz-content-sha256` when they apply).
#[wasm_bindgen(js_name = signAwsRequest, unchecked_return_type = "Record<string, string>")]
pub fn sign_aws_request(
    #[wasm_bindgen(unchecked_param_type = "AwsRequestToSign")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let input: SignInput = from_js(request.clone(), "request")?;
    let body_value = get(&request, "body");
    let body: Vec<u8> = if body_value.is_undefined() || body_value.is_null() {
        Vec::new()
    } else if let Some(text) = body_value.as_string() {
        text.into_bytes()
    } else if let Some(bytes) = body_value.dyn_ref::<Uint8Array>() {
        bytes.to_vec()
    } else {
        return Err(bad_argument("body", "must be a Uint8Array or a string"));
    };
    let headers = match input.headers {
        Some(HeadersInput::Pairs(pairs)) => pairs,
        Some(HeadersInput::Record(record)) => record.into_iter().collect(),
        None => Vec::new(),
    };
    let payload = match &input.body_sha256 {
        Some(hash) => PayloadHash::Precomputed(hash),
        None => PayloadHash::Body(&body),
    };
    let signed = sign_request(&SigningRequest {
        method: &input.method,
        url: &input.url,
        headers: &headers,
        payload,
        region: &input.region,
        service: &input.service,
        credentials: &input.credentials,
        time_ms: input.time_ms,
    })
    .map_err(to_js_error)?;
    let object = Object::new();
    for (name, value) in &signed {
        set(&object, name, &JsValue::from_str(value));
    }
    Ok(object.into())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignInput {
    method: String,
    url: String,
    #[serde(default)]
    headers: Option<HeadersInput>,
    #[serde(default)]
    body_sha256: Option<String>,
    region: String,
    service: String,
    credentials: Credentials,
    time_ms: f64,
    /// Read separately (a Uint8Array or a string); named here so it is not unknown.
    #[serde(default, rename = "body")]
    _body: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum HeadersInput {
    Pairs(Vec<(String, String)>),
    Record(std::collections::BTreeMap<String, String>),
}

fn function_from_name(name: &str) -> Result<ModelFunction, JsValue> {
    ModelFunction::from_name(name)
        .ok_or_else(|| bad_argument("function", "must be triage, image-analysis or risk-score"))
}

fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue, what: &str) -> Result<T, JsValue> {
    // serde's messages name fields and expected types, not the values.
    serde_wasm_bindgen::from_value(value).map_err(|error| bad_argument(what, &error.to_string()))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| {
            to_js_error(GatewayError::new(
                "internal_error",
                500,
                "A result could not be converted for JavaScript.",
            ))
        })
}

fn bad_argument(path: &str, message: &str) -> JsValue {
    let mut error = GatewayError::new(
        "invalid_argument",
        500,
        "A gateway function was called with an invalid argument.",
    );
    error
        .errors
        .push(FieldError::new(path, "invalid_value", message));
    to_js_error(error)
}

/// A real `Error` named `HealthNavError` with the fields of [`GatewayError`].
fn to_js_error(error: GatewayError) -> JsValue {
    let js_error = js_sys::Error::new(&error.message);
    js_error.set_name("HealthNavError");
    set(&js_error, "code", &JsValue::from_str(error.code));
    set(&js_error, "status", &JsValue::from(error.status));
    set(&js_error, "retryable", &JsValue::from(error.retryable));
    set(
        &js_error,
        "errors",
        &to_js(&error.errors).unwrap_or_else(|_| Array::new().into()),
    );
    set(&js_error, "truncated", &JsValue::from(error.truncated));
    let upstream = error
        .upstream
        .as_ref()
        .map_or(Ok(JsValue::NULL), to_js)
        .unwrap_or(JsValue::NULL);
    set(&js_error, "upstream", &upstream);
    JsValue::from(js_error)
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a plain object or Error cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
