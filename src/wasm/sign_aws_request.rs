//! `signAwsRequest`: SigV4 for any AWS request (S3 reads of asynchronous
//! results, or whatever an app needs), with aws-sigv4.

use js_sys::{Object, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::convert::{
    bad_argument, from_js, get, only_known_keys, set, to_js_error, CREDENTIAL_FIELDS,
};
use crate::signing::sigv4::{sign_request, Credentials, PayloadHash, SigningRequest};

/// Signs any AWS request with SigV4 and returns the headers to set
/// (`x-amz-date`, `authorization`, and `x-amz-security-token` /
/// `x-amz-content-sha256` when they apply); they replace any the request
/// already carries from an earlier attempt.
#[wasm_bindgen(js_name = signAwsRequest, unchecked_return_type = "Record<string, string>")]
pub fn sign_aws_request(
    #[wasm_bindgen(unchecked_param_type = "AwsRequestToSign")] request: JsValue,
) -> Result<JsValue, JsValue> {
    only_known_keys(&request, &SIGN_INPUT_FIELDS, "")?;
    only_known_keys(
        &get(&request, "credentials"),
        &CREDENTIAL_FIELDS,
        "credentials",
    )?;
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

/// The fields of [`SignInput`] as JavaScript names them.
const SIGN_INPUT_FIELDS: [&str; 9] = [
    "method",
    "url",
    "headers",
    "body",
    "bodySha256",
    "region",
    "service",
    "credentials",
    "timeMs",
];

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
