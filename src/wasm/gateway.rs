//! `Gateway`: one function's [`FunctionGateway`] in JavaScript. Built once
//! per isolate for the function it serves; a request then calls `prepare`,
//! `signAttempt` for each attempt `prepare` did not sign (the retries, and
//! the first attempt of a body too large to hash in wasm), and `normalize`.

use wasm_bindgen::prelude::*;

use super::convert::{
    bad_argument, from_js, get, only_known_keys, to_js, to_js_error, CREDENTIAL_FIELDS,
};
use super::invocation_object::invocation_to_js;
use super::upstream::UpstreamParts;
use crate::config::GatewaySettings;
use crate::function::ModelFunction;
use crate::gateway::FunctionGateway;
use crate::signing::sigv4::Credentials;

/// Validates, builds, signs and normalises for one function.
#[wasm_bindgen]
pub struct Gateway {
    pub(super) inner: FunctionGateway,
}

#[wasm_bindgen]
impl Gateway {
    /// Checks the settings once and binds the gateway to `functionName`;
    /// throws `invalid_configuration` naming each bad setting, or
    /// `invalid_signing_request` naming each bad credential field.
    /// Credentials let `prepare` sign and `signAttempt` work.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "GatewaySettings")] settings: JsValue,
        #[wasm_bindgen(js_name = functionName, unchecked_param_type = "FunctionName")]
        function_name: &str,
        #[wasm_bindgen(unchecked_param_type = "AwsCredentials | undefined")] credentials: JsValue,
    ) -> Result<Gateway, JsValue> {
        let function = ModelFunction::from_slug(function_name).ok_or_else(|| {
            bad_argument(
                "functionName",
                "must be sagemaker-triage, sagemaker-image-analysis or sagemaker-risk-score",
            )
        })?;
        let settings: serde_json::Value = from_js(settings, "settings")?;
        let settings = GatewaySettings::from_json(settings).map_err(to_js_error)?;
        let mut inner = FunctionGateway::new(settings, function).map_err(to_js_error)?;
        if !credentials.is_undefined() && !credentials.is_null() {
            only_known_keys(&credentials, &CREDENTIAL_FIELDS, "credentials")?;
            let credentials: Credentials = from_js(credentials, "credentials")?;
            inner.set_credentials(credentials).map_err(to_js_error)?;
        }
        Ok(Gateway { inner })
    }

    /// The function this gateway serves.
    #[wasm_bindgen(getter, js_name = functionName, unchecked_return_type = "FunctionName")]
    pub fn function_name(&self) -> String {
        self.inner.function().slug().to_owned()
    }

    /// Validates a client body and builds its SageMaker call; for a small
    /// body it also hashes the payload and signs the first attempt at
    /// `timeMs`. `callerId` is the verified caller (the JWT `sub`).
    #[wasm_bindgen(unchecked_return_type = "Invocation")]
    pub fn prepare(
        &mut self,
        body: &[u8],
        #[wasm_bindgen(js_name = timeMs)] time_ms: f64,
        #[wasm_bindgen(js_name = callerId)] caller_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let prepared = self
            .inner
            .prepare(body, time_ms, caller_id.as_deref())
            .map_err(to_js_error)?;
        invocation_to_js(&prepared)
    }

    /// The headers that sign one attempt of `invocation` at `timeMs`
    /// (`x-amz-date`, `authorization`, and `x-amz-security-token` with
    /// temporary credentials). `invocation.payloadSha256` must be set.
    #[wasm_bindgen(js_name = signAttempt, unchecked_return_type = "[string, string][]")]
    pub fn sign_attempt(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Invocation")] invocation: JsValue,
        #[wasm_bindgen(js_name = timeMs)] time_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let url = get(&invocation, "url")
            .as_string()
            .ok_or_else(|| bad_argument("invocation.url", "must be a string"))?;
        let payload_sha256 = get(&invocation, "payloadSha256")
            .as_string()
            .ok_or_else(|| {
                bad_argument(
                    "invocation.payloadSha256",
                    "must be the body's SHA-256 in hex",
                )
            })?;
        let headers: Vec<(String, String)> =
            from_js(get(&invocation, "headers"), "invocation.headers")?;
        let signature = self
            .inner
            .sign_attempt(&url, &headers, &payload_sha256, time_ms)
            .map_err(to_js_error)?;
        to_js(&signature)
    }

    /// Every field problem of a client body, or an empty array when it is valid.
    /// Body-level problems (not JSON, empty, too large) come back with path "".
    /// `callerId` is the signed-in caller the body would be sent as.
    #[wasm_bindgen(unchecked_return_type = "FieldError[]")]
    pub fn validate(
        &self,
        body: &[u8],
        #[wasm_bindgen(js_name = callerId)] caller_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.inner.validate(body, caller_id.as_deref()))
    }

    /// Every endpoint name this deployment can call (the asynchronous one
    /// included), for metric labels: anything else is reported as `other`.
    #[wasm_bindgen(js_name = endpointNames, unchecked_return_type = "string[]")]
    pub fn endpoint_names(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.endpoint_names())
    }

    /// Turns a SageMaker answer into the guide's output, or throws its
    /// stable error. A triage answer is floored by `redFlags`, the
    /// invocation's.
    #[wasm_bindgen(unchecked_return_type = "NormalizedResult")]
    pub fn normalize(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpstreamResponse")] response: JsValue,
        #[wasm_bindgen(js_name = redFlags)] red_flags: Option<Vec<String>>,
    ) -> Result<JsValue, JsValue> {
        let upstream = UpstreamParts::from_js(&response)?;
        let result = self
            .inner
            .normalize(
                upstream.view(),
                upstream.elapsed_ms,
                &red_flags.unwrap_or_default(),
            )
            .map_err(to_js_error)?;
        to_js(&result)
    }

    /// What a failed triage answer carries for `redFlags` (the invocation's):
    /// the flags and a fixed safety message, or `null` when there are none.
    #[wasm_bindgen(js_name = safetyNotice, unchecked_return_type = "SafetyNotice | null")]
    pub fn safety_notice(
        &self,
        #[wasm_bindgen(js_name = redFlags)] red_flags: Vec<String>,
    ) -> Result<JsValue, JsValue> {
        match self.inner.safety_notice(&red_flags).map_err(to_js_error)? {
            Some(notice) => to_js(&notice),
            None => Ok(JsValue::NULL),
        }
    }
}
