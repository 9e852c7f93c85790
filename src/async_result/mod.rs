//! Reading an asynchronous result back from S3, as the SageMaker Python SDK
//! does: the output object, when it exists, is normalised like a real-time
//! answer; otherwise the failure object, when it exists, is the error;
//! otherwise the inference is still pending. Other S3 answers are errors.
//!
//! AWS does not document the failure object's content ("the failure model
//! response"). A SageMaker ModelError-shaped JSON (with `OriginalStatusCode`)
//! or a message saying `Received client|server error (<status>)` is mapped
//! like a real-time ModelError; anything else is a `model_error`. The
//! content itself is never returned: it may quote the patient payload.

pub mod accepted;
pub mod result_id;

#[cfg(test)]
mod flow_tests;

use serde::Serialize;
use serde_json::Value;

use crate::async_result::result_id::{async_id_from_path, missing_async_id, open_async_id};
use crate::config::GatewayConfig;
use crate::error::{ErrorCode, GatewayError};
use crate::function::ModelFunction;
use crate::response::{normalize_response, NormalizedResult, UpstreamResponse};
use crate::response::sagemaker_error::{model_error, sanitise_code};

/// The S3 objects to GET (SigV4, service `s3`) for one result id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AsyncResultUrls {
    /// The result id, as given.
    pub id: String,
    /// The output object.
    pub output_url: String,
    /// The failure object, when the endpoint has an S3 failure path.
    pub failure_url: Option<String>,
    /// When the inference was accepted, ms since the Unix epoch.
    pub submitted_at_ms: u64,
}

/// The result id in a GET's path or query, checked for `caller_id`, as the
/// URLs to read. 400 `missing_async_id` without an id, 501
/// `async_not_enabled` when the deployment has no result secret; a caller
/// without an id gets the 404 of an unknown id; see [`open_async_id`] for
/// the others.
pub fn open_async_result(
    config: &GatewayConfig,
    path_and_query: &str,
    now_ms: u64,
    caller_id: Option<&str>,
) -> Result<AsyncResultUrls, GatewayError> {
    let id = async_id_from_path(path_and_query, ModelFunction::ImageAnalysis.slug());
    if id.is_empty() {
        return Err(missing_async_id());
    }
    let settings = config.asynchronous.as_ref().ok_or_else(|| {
        GatewayError::new(
            ErrorCode::AsyncNotEnabled,
            "Asynchronous inference is not enabled on this deployment.",
        )
    })?;
    // An empty caller id matches no id ever issued: the same 404.
    let location = open_async_id(&settings.key, id, caller_id.unwrap_or(""), now_ms)?;
    Ok(AsyncResultUrls {
        id: id.to_owned(),
        output_url: settings.s3.object_url(&location.output),
        failure_url: location
            .failure
            .as_ref()
            .map(|failure| settings.s3.object_url(failure)),
        submitted_at_ms: location.submitted_at_ms,
    })
}

/// The output object's answer: the normalised result, `None` while it does
/// not exist, or the S3 error. `elapsed_ms` is reported as the inference
/// time (the gateway measures from submission to the poll that found it).
pub fn read_async_output(
    config: &GatewayConfig,
    response: UpstreamResponse<'_>,
    elapsed_ms: u64,
) -> Result<Option<NormalizedResult>, GatewayError> {
    if object_missing(&response)? {
        return Ok(None);
    }
    normalize_response(config, ModelFunction::ImageAnalysis, response, elapsed_ms, &[]).map(Some)
}

/// The failure object's answer: `Ok(())` while it does not exist (the
/// inference is still pending), else the failure it reports, or the S3 error.
pub fn read_async_failure(response: UpstreamResponse<'_>) -> Result<(), GatewayError> {
    if object_missing(&response)? {
        return Ok(());
    }
    Err(failure_error(response.body))
}

/// `true` for S3's 404 `NoSuchKey`, `false` for a 2xx, else the mapped error.
fn object_missing(response: &UpstreamResponse<'_>) -> Result<bool, GatewayError> {
    let code = s3_error_code(response.body);
    match (response.status, code.as_deref()) {
        (200..=299, _) => Ok(false),
        (404, Some("NoSuchKey") | None) => Ok(true),
        (status, code) => Err(s3_error(status, code)),
    }
}

/// The `<Code>` of an S3 XML error body, sanitised.
fn s3_error_code(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let end = start + text.get(start..)?.find("</Code>")?;
    Some(sanitise_code(text.get(start..end)?)).filter(|code| !code.is_empty())
}

fn s3_error(status: u16, code: Option<&str>) -> GatewayError {
    match (status, code) {
        (
            403,
            Some(
                "AccessDenied" | "SignatureDoesNotMatch" | "InvalidAccessKeyId"
                | "RequestTimeTooSkewed" | "ExpiredToken" | "InvalidToken",
            )
            | None,
        ) => GatewayError::new(
            ErrorCode::UpstreamAuthFailed,
            "S3 refused to return the asynchronous result; the gateway's credentials need s3:GetObject and s3:ListBucket on the result buckets (without ListBucket a result not written yet reads as AccessDenied).",
        ),
        (503, Some("SlowDown")) => GatewayError::new(
            ErrorCode::Throttled,
            "S3 is throttling requests; retry later.",
        ),
        (500..=599, _) => GatewayError::new(
            ErrorCode::UpstreamUnavailable,
            "S3 could not return the asynchronous result; retry later.",
        ),
        _ => GatewayError::new(
            ErrorCode::UpstreamError,
            "S3 returned an unexpected error for the asynchronous result.",
        ),
    }
}

/// The failure object mapped like a real-time ModelError.
fn failure_error(body: &[u8]) -> GatewayError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let original_status = parsed
        .as_ref()
        .and_then(|value| value.get("OriginalStatusCode"))
        .and_then(Value::as_i64)
        .or_else(|| status_in_message(body));
    let mut error = model_error(original_status);
    if error.code == ErrorCode::ModelTimeout {
        error.message =
            "The model did not finish within the asynchronous invocation timeout.".to_owned();
    }
    error
}

/// `Received client error (415) from primary …` → 415.
fn status_in_message(body: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(body).ok()?;
    let after = text
        .split_once("client error (")
        .or_else(|| text.split_once("server error ("))?
        .1;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    let closed = after.get(digits.len()..)?.starts_with(')');
    if closed {
        digits.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_documents() {
        let cases: &[(&str, &str, u16)] = &[
            (
                r#"{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","OriginalStatusCode":415,"OriginalMessage":"x"}"#,
                "model_rejected_input",
                422,
            ),
            (r#"{"OriginalStatusCode":500}"#, "model_error", 502),
            (r#"{"OriginalStatusCode":0}"#, "model_timeout", 504),
            (
                "Received client error (400) from primary with message \"{...}\".",
                "model_rejected_input",
                422,
            ),
            (
                "Received server error (503) from primary with message \"x\".",
                "model_error",
                502,
            ),
            (
                "Received server error (0) from primary with message \"timed out\".",
                "model_timeout",
                504,
            ),
            (
                "Received client error (4x) from primary",
                "model_error",
                502,
            ),
            (r#"{"error": "model crashed"}"#, "model_error", 502),
            ("", "model_error", 502),
        ];
        for (body, code, status) in cases {
            let error = failure_error(body.as_bytes());
            assert_eq!((error.code.as_str(), error.status()), (*code, *status), "{body}");
            assert!(!error.message.contains("crashed"));
        }
    }

    #[test]
    fn s3_error_codes() {
        let xml = br#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a</Key></Error>"#;
        assert_eq!(s3_error_code(xml).as_deref(), Some("NoSuchKey"));
        assert_eq!(s3_error_code(b"<Error><Code></Code></Error>"), None);
        assert_eq!(s3_error_code(b"not xml"), None);
        assert_eq!(s3_error_code(b"<Code>unclosed"), None);
    }
}
