//! Asynchronous image analysis with InvokeEndpointAsync.
//!
//! SageMaker reads the input from S3 itself, so the S3 image is passed as
//! `X-Amzn-SageMaker-InputLocation` as is: the model receives the image bytes
//! (as for an inline image), with the image and analysis types in
//! `X-Amzn-SageMaker-Custom-Attributes`. The gateway needs no S3 write
//! access and copies nothing. SageMaker answers 202 with where the output
//! and failure objects will be; those locations become the client's signed
//! result id ([`crate::async_result_id`]).

use serde::Serialize;
use serde_json::Value;

use crate::async_result_id::{issue_async_id, AsyncResultLocation};
use crate::config::GatewayConfig;
use crate::error::GatewayError;
use crate::image_request::ImageModelInput;
use crate::invocation::{Invocation, InvocationMode};
use crate::normalize::UpstreamResponse;
use crate::routing::Routing;
use crate::s3_uri::S3Location;
use crate::sagemaker_error::classify_sagemaker_error;

/// Builds the InvokeEndpointAsync call for an S3 image. The body is empty:
/// the input is the S3 object.
pub fn build_async_invocation(
    config: &GatewayConfig,
    routing: Routing,
    input: ImageModelInput,
) -> Result<Invocation, GatewayError> {
    let ImageModelInput::S3 {
        location,
        image_type,
        analysis_type,
    } = input
    else {
        // The request reader refuses async for inline images.
        return Err(GatewayError::new(
            "internal_error",
            500,
            "Asynchronous inference needs an S3 image.",
        ));
    };
    let url = config
        .base_url
        .endpoint_url(&routing.endpoint, "async-invocations");
    let headers = [
        (
            "x-amzn-sagemaker-content-type",
            content_type_for_key(&location.key).to_owned(),
        ),
        ("x-amzn-sagemaker-accept", "application/json".to_owned()),
        ("x-amzn-sagemaker-inputlocation", location.uri()),
        (
            "x-amzn-sagemaker-custom-attributes",
            format!("image_type={image_type},analysis_type={analysis_type}"),
        ),
    ];
    Ok(Invocation {
        endpoint: routing.endpoint,
        variant: None,
        url,
        headers: headers
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
        body: Vec::new(),
        input_in_s3: true,
        mode: InvocationMode::Async,
    })
}

/// The Content-Type SageMaker hands the container with the S3 object. The
/// gateway cannot look at bytes it never reads, so the key's extension
/// decides; the container still checks the bytes (and a mismatch becomes a
/// failure object). `application/x-image` is the Image Classification
/// algorithm's type for "JPEG or PNG".
pub fn content_type_for_key(key: &str) -> &'static str {
    let extension = key
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "dcm" | "dicom" => "application/dicom",
        _ => "application/x-image",
    }
}

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
    if !(200..300).contains(&response.status) {
        return Err(classify_sagemaker_error(
            response.status,
            response.headers,
            response.body,
        ));
    }
    let settings = config.asynchronous.as_ref().ok_or_else(|| {
        GatewayError::new(
            "async_not_enabled",
            501,
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
        "upstream_error",
        502,
        "SageMaker accepted the asynchronous request without a usable output location.",
    )
}
