//! Asynchronous image analysis with InvokeEndpointAsync.
//!
//! SageMaker reads the input from S3 itself, so the S3 image is passed as
//! `X-Amzn-SageMaker-InputLocation` as is: the model receives the image bytes
//! (as for an inline image), with the image and analysis types in
//! `X-Amzn-SageMaker-Custom-Attributes`. The gateway needs no S3 write
//! access and copies nothing. SageMaker answers 202 with where the output
//! and failure objects will be; those locations become the client's signed
//! result id ([`crate::async_result::result_id`]).

use crate::config::GatewayConfig;
use crate::error::{ErrorCode, GatewayError};
use crate::request::image::ImageModelInput;
use crate::invocation::call::{Invocation, InvocationMode};
use crate::request::routing::Routing;

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
            ErrorCode::InternalError,
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
        red_flags: Vec::new(),
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

