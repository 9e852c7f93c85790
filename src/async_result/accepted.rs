//! SageMaker's 202 to InvokeEndpointAsync → the client's 202 body: where the
//! output and failure objects will be, signed into a result id that only the
//! caller who started the inference can open.

use serde::Serialize;
use serde_json::Value;

use crate::async_result::result_id::{issue_async_id, AsyncResultLocation};
use crate::config::s3_location::S3Location;
use crate::config::GatewayConfig;
use crate::error::{ErrorCode, GatewayError};
use crate::response::UpstreamResponse;

/// What the client gets back (202): the id to poll with, and SageMaker's
/// own inference id for support cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsyncAccepted {
    /// Always `pending`.
    pub status: &'static str,
    /// The signed result id.
    pub id: String,
    /// SageMaker's InferenceId, when it gave a usable one.
    pub inference_id: Option<String>,
}

/// Turns SageMaker's answer to InvokeEndpointAsync into the client's 202
/// body, signing the output and failure locations into an id that only
/// `caller_id` can open; a non-2xx answer becomes its stable error.
pub fn accept_async_response(
    config: &GatewayConfig,
    response: UpstreamResponse<'_>,
    now_ms: u64,
    caller_id: &str,
) -> Result<AsyncAccepted, GatewayError> {
    let response = response.succeeded()?;
    let settings = config.asynchronous.as_ref().ok_or_else(|| {
        GatewayError::new(
            ErrorCode::AsyncNotEnabled,
            "Asynchronous inference is not enabled on this deployment.",
        )
    })?;
    let location = |name: &str| {
        response
            .headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| S3Location::parse(value.trim()))
    };
    let output = match location("x-amzn-sagemaker-outputlocation") {
        Some(Ok(output)) => output,
        _ => return Err(unusable_answer()),
    };
    let failure = match location("x-amzn-sagemaker-failurelocation") {
        None => None,
        Some(Ok(failure)) => Some(failure),
        Some(Err(_)) => return Err(unusable_answer()),
    };
    let id = issue_async_id(
        &settings.key,
        &AsyncResultLocation {
            output,
            failure,
            submitted_at_ms: now_ms,
        },
        caller_id,
    );
    Ok(AsyncAccepted {
        status: "pending",
        id,
        inference_id: inference_id(response.body),
    })
}

/// `{"InferenceId": "..."}`, kept when it is SageMaker's shape (1 to 64
/// printable ASCII characters).
fn inference_id(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let id = value.get("InferenceId")?.as_str()?;
    let printable = id.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    (printable && (1..=64).contains(&id.len())).then(|| id.to_owned())
}

fn unusable_answer() -> GatewayError {
    GatewayError::new(
        ErrorCode::UpstreamError,
        "SageMaker accepted the asynchronous request without a usable output location.",
    )
}
