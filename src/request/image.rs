//! The image-analysis request and what the classifier receives: JSON
//! `{image_url, image_type, analysis_type}` for an S3 image, or the raw image
//! bytes with their detected Content-Type for an inline image. With
//! `"async": true` an S3 image goes to InvokeEndpointAsync instead (see
//! [`crate::invocation::async_call`]).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::config::GatewayConfig;
use crate::error::GatewayError;
use crate::request::fields::{choice, join, object, optional, reject_unknown, required, Report};
use crate::function::ModelFunction;
use crate::request::image_bytes::{decode_inline_image, InlineImage};
use crate::limits::MAX_SAGEMAKER_HEADER_VALUE_CHARS;
use crate::config::names::FunctionEndpoints;
use crate::request::routing::{read_routing, Routing, ROUTING_FIELDS};
use crate::config::s3_location::S3Location;

/// Imaging modalities the guide names (X-rays, CT scans, skin lesions) and their neighbours.
pub const IMAGE_TYPES: [&str; 5] = ["xray", "ct", "mri", "ultrasound", "skin_lesion"];
/// Analyses the classifier performs; the guide shows only classification.
pub const ANALYSIS_TYPES: [&str; 1] = ["classification"];

/// Where the image is and how to describe it to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageModelInput {
    /// An object in S3 the model reads itself.
    S3 {
        /// The location.
        location: S3Location,
        /// One of [`IMAGE_TYPES`].
        image_type: &'static str,
        /// One of [`ANALYSIS_TYPES`].
        analysis_type: &'static str,
    },
    /// Bytes sent in the request body.
    Inline {
        /// The decoded image.
        image: InlineImage,
        /// One of [`IMAGE_TYPES`].
        image_type: &'static str,
        /// One of [`ANALYSIS_TYPES`].
        analysis_type: &'static str,
    },
}

/// The JSON body sent for an S3 image.
#[derive(Serialize)]
struct S3ImageBody<'a> {
    image_url: String,
    image_type: &'a str,
    analysis_type: &'a str,
}

impl ImageModelInput {
    /// `(content_type, body, custom_attributes)` for SageMaker. Inline images
    /// carry their type and analysis in CustomAttributes, since the body is
    /// the image itself.
    pub fn into_wire(self) -> (&'static str, Vec<u8>, Option<String>) {
        match self {
            Self::S3 {
                location,
                image_type,
                analysis_type,
            } => {
                let body = S3ImageBody {
                    image_url: location.uri(),
                    image_type,
                    analysis_type,
                };
                (
                    "application/json",
                    serde_json::to_vec(&body).unwrap_or_default(),
                    None,
                )
            }
            Self::Inline {
                image,
                image_type,
                analysis_type,
            } => (
                image.format.content_type(),
                image.bytes,
                Some(format!(
                    "image_type={image_type},analysis_type={analysis_type}"
                )),
            ),
        }
    }
}

/// A validated image-analysis request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRequest {
    /// What the model reads.
    pub input: ImageModelInput,
    /// Where it goes.
    pub routing: Routing,
    /// `"async": true`: an S3 image for InvokeEndpointAsync.
    pub asynchronous: bool,
}

/// Validates an image-analysis request; every problem is reported at once.
/// `caller_id` (the verified JWT `sub`) decides which `s3://` keys the
/// caller may name, and whether it may start an asynchronous inference.
pub fn read_image_request(
    value: &Value,
    config: &GatewayConfig,
    caller_id: Option<&str>,
) -> Result<ImageRequest, GatewayError> {
    let mut report = Report::default();
    let parsed = object(value, "", &mut report)
        .and_then(|map| read_image_object(map, "", config, caller_id, &mut report));
    report.finish(parsed)
}

fn read_image_object(
    map: &Map<String, Value>,
    path: &str,
    config: &GatewayConfig,
    caller_id: Option<&str>,
    report: &mut Report,
) -> Option<ImageRequest> {
    let mut known = vec!["image_data", "image_type", "analysis_type", "async"];
    known.extend(ROUTING_FIELDS);
    reject_unknown(map, path, &known, report);
    let asynchronous = read_async_flag(map, path, config, report);

    let image_type = required(map, "image_type", path, report)
        .and_then(|v| choice(v, &join(path, "image_type"), &IMAGE_TYPES, report));
    let analysis_type = match optional(map, "analysis_type") {
        None => Some(ANALYSIS_TYPES[0]),
        Some(v) => choice(v, &join(path, "analysis_type"), &ANALYSIS_TYPES, report),
    };
    let source = required(map, "image_data", path, report)
        .and_then(|v| read_image_data(v, &join(path, "image_data"), config, caller_id, report));
    let asynchronous = asynchronous?;
    // An endpoint with an AsyncInferenceConfig takes only asynchronous
    // invocations: async requests reach the configured one and no other.
    let async_endpoints = config
        .asynchronous
        .as_ref()
        .filter(|_| asynchronous)
        .map(|settings| FunctionEndpoints::new(settings.image_endpoint.clone(), Vec::new()));
    let endpoints = async_endpoints
        .as_ref()
        .unwrap_or_else(|| config.endpoints(ModelFunction::ImageAnalysis));
    let routing = read_routing(map, path, endpoints, config, report);
    if asynchronous {
        check_async_source(map, source.as_ref(), path, caller_id, report);
    }
    let (image_type, analysis_type) = (image_type?, analysis_type?);
    let input = match source? {
        ImageSource::S3(location) => ImageModelInput::S3 {
            location,
            image_type,
            analysis_type,
        },
        ImageSource::Inline(image) => ImageModelInput::Inline {
            image,
            image_type,
            analysis_type,
        },
    };
    Some(ImageRequest {
        input,
        routing: routing?,
        asynchronous,
    })
}

/// `async`: a boolean, allowed only where asynchronous inference is enabled.
fn read_async_flag(
    map: &Map<String, Value>,
    path: &str,
    config: &GatewayConfig,
    report: &mut Report,
) -> Option<bool> {
    let async_path = join(path, "async");
    match optional(map, "async") {
        None | Some(Value::Bool(false)) => Some(false),
        Some(Value::Bool(true)) if config.asynchronous.is_none() => {
            report.push(
                &async_path,
                "not_allowed",
                "asynchronous inference is not enabled on this deployment",
            );
            None
        }
        Some(Value::Bool(true)) => Some(true),
        Some(_) => {
            report.push(&async_path, "invalid_type", "must be true or false");
            None
        }
    }
}

/// What InvokeEndpointAsync needs: SageMaker reads the input from S3 (so the
/// image must be an `s3://` URI that fits the InputLocation header), it has
/// no target variant, and the result id must belong to a signed-in caller.
fn check_async_source(
    map: &Map<String, Value>,
    source: Option<&ImageSource>,
    path: &str,
    caller_id: Option<&str>,
    report: &mut Report,
) {
    if caller_id.is_none_or(str::is_empty) {
        report.push(
            &join(path, "async"),
            "not_allowed",
            "needs a signed-in caller: the result belongs to whoever started it",
        );
    }
    match source {
        Some(ImageSource::Inline(_)) => report.push(
            &join(path, "async"),
            "conflicting_field",
            "is only available for s3:// images; send an inline image without async",
        ),
        Some(ImageSource::S3(location)) => {
            let uri = location.uri();
            if !uri.is_ascii() || uri.len() > MAX_SAGEMAKER_HEADER_VALUE_CHARS {
                report.push(
                    &join(path, "image_data"),
                    "invalid_s3_uri",
                    format!(
                        "must be at most {MAX_SAGEMAKER_HEADER_VALUE_CHARS} ASCII characters for asynchronous inference"
                    ),
                );
            }
        }
        None => {}
    }
    if optional(map, "variant").is_some() {
        report.push(
            &join(path, "variant"),
            "conflicting_field",
            "cannot be used with async: InvokeEndpointAsync has no target variant",
        );
    }
}

enum ImageSource {
    S3(S3Location),
    Inline(InlineImage),
}

fn read_image_data(
    value: &Value,
    path: &str,
    config: &GatewayConfig,
    caller_id: Option<&str>,
    report: &mut Report,
) -> Option<ImageSource> {
    let Value::String(data) = value else {
        report.push(path, "invalid_type", "must be a string");
        return None;
    };
    let data = data.trim();
    if data.is_empty() {
        report.push(path, "empty", "must not be empty");
        return None;
    }
    let result = if data.contains("://") || data.starts_with("file:") {
        S3Location::parse(data).and_then(|location| {
            config.s3_access.check(&location, caller_id)?;
            Ok(ImageSource::S3(location))
        })
    } else {
        decode_inline_image(data).map(ImageSource::Inline)
    };
    result
        .map_err(|(code, message)| report.push(path, code, message))
        .ok()
}
