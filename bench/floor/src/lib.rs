//! The least a module built on the mandated stack can be: sign one request
//! with aws-sigv4 through `http`, and read JSON with serde_json, both across
//! the boundary with serde-wasm-bindgen. No validation, no normalisation, no
//! error codes: whatever healthnav-edge adds is measured against this.

use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInput {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    region: String,
    service: String,
    time_ms: f64,
}

fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

/// Signs a request and returns all of its headers as `[name, value]` pairs.
#[wasm_bindgen]
pub fn sign_request(input: JsValue) -> Result<JsValue, JsError> {
    let input: SignInput = serde_wasm_bindgen::from_value(input)?;
    let mut builder = http::Request::builder()
        .method(input.method.as_str())
        .uri(input.url.as_str());
    for (name, value) in &input.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let mut request = builder.body(input.body.into_bytes()).map_err(js_error)?;

    let identity = Credentials::new(
        input.access_key_id,
        input.secret_access_key,
        input.session_token,
        None,
        "floor",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&input.region)
        .name(&input.service)
        .time(UNIX_EPOCH + Duration::from_millis(input.time_ms as u64))
        .settings(SigningSettings::default())
        .build()
        .map_err(js_error)?;

    let uri = request.uri().to_string();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| Ok((name.as_str(), value.to_str()?)))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()
        .map_err(js_error)?;
    let signable = SignableRequest::new(
        request.method().as_str(),
        &uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body()),
    )
    .map_err(js_error)?;
    let (instructions, _signature) = sign(signable, &params.into())
        .map_err(js_error)?
        .into_parts();
    instructions.apply_to_request_http1x(&mut request);

    let signed = request
        .headers()
        .iter()
        .map(|(name, value)| Ok((name.as_str().to_owned(), value.to_str()?.to_owned())))
        .collect::<Result<Vec<_>, http::header::ToStrError>>()
        .map_err(js_error)?;
    Ok(signed.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// Parses JSON text into a JS value.
#[wasm_bindgen]
pub fn parse_json(text: &str) -> Result<JsValue, JsError> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}
