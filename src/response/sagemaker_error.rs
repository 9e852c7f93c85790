//! SageMaker Runtime error responses turned into stable gateway errors.
//!
//! The AWS error name comes from the `x-amzn-ErrorType` header, else the
//! body's `__type`, `code` or `Code`; it is sanitised as the SDKs do (cut at
//! `:`, keep what follows `#`). Upstream messages are not kept: a model
//! container's error text may quote the patient payload.

use serde_json::Value;

use crate::error::{ErrorCode, GatewayError, UpstreamDetails};

/// Classifies a non-2xx SageMaker answer.
pub fn classify_sagemaker_error(
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> GatewayError {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let aws_code = header(headers, "x-amzn-errortype")
        .map(str::to_owned)
        .or_else(|| {
            let body = parsed.as_ref()?;
            ["__type", "code", "Code"]
                .iter()
                .find_map(|key| body.get(*key).and_then(Value::as_str).map(str::to_owned))
        })
        .map(|raw| sanitise_code(&raw))
        .filter(|code| !code.is_empty());
    let original_status_code = parsed
        .as_ref()
        .and_then(|body| body.get("OriginalStatusCode"))
        .and_then(Value::as_i64);

    let mut error = map_error(status, aws_code.as_deref(), original_status_code);
    error.upstream = Some(UpstreamDetails {
        status,
        aws_code,
        original_status_code,
    });
    error
}

/// `ValidationError:http://internal.amazon.com/...` → `ValidationError`;
/// `com.amazon.coral.validate#ValidationException` → `ValidationException`.
pub fn sanitise_code(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or("");
    let after_hash = before_colon.rsplit('#').next().unwrap_or("");
    after_hash
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect()
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// A container failure by the status the container answered with
/// (`OriginalStatusCode`; 0 when it timed out).
pub fn model_error(original_status_code: Option<i64>) -> GatewayError {
    match original_status_code {
        Some(0) => GatewayError::new(
            ErrorCode::ModelTimeout,
            "The model did not answer within SageMaker's 60-second limit.",
        ),
        Some(400..=499) => GatewayError::new(
            ErrorCode::ModelRejectedInput,
            "The model rejected the input it was sent.",
        ),
        _ => GatewayError::new(
            ErrorCode::ModelError,
            "The model failed while processing the request.",
        ),
    }
}

fn map_error(
    status: u16,
    aws_code: Option<&str>,
    original_status_code: Option<i64>,
) -> GatewayError {
    match aws_code {
        Some("ThrottlingException" | "Throttling" | "ThrottledException" | "TooManyRequestsException" | "RequestLimitExceeded") => {
            GatewayError::new(ErrorCode::Throttled, "SageMaker is throttling requests to this endpoint; retry later.")
        }
        Some("ModelNotReadyException") => {
            GatewayError::new(ErrorCode::ModelNotReady, "The model is still loading or scaling; retry shortly.")
        }
        Some("ModelError") => model_error(original_status_code),
        Some("InternalFailure" | "InternalServerError" | "InternalServerException") => {
            GatewayError::new(ErrorCode::SagemakerInternalFailure, "SageMaker had an internal failure; retry later.")
        }
        Some("ServiceUnavailable" | "ServiceUnavailableException") => {
            GatewayError::new(ErrorCode::SagemakerUnavailable, "SageMaker is unavailable; retry later.")
        }
        Some("InternalDependencyException") => GatewayError::new(
            ErrorCode::SagemakerDependencyFailure,
            "A SageMaker internal dependency failed; AWS advises contacting support if it persists.",
        ),
        Some(
            "InvalidSignatureException" | "SignatureDoesNotMatch" | "IncompleteSignatureException" | "UnrecognizedClientException"
            | "MissingAuthenticationTokenException" | "MissingAuthenticationToken" | "InvalidClientTokenId" | "AccessDeniedException"
            | "ExpiredTokenException" | "RequestExpired",
        ) => GatewayError::new(
            ErrorCode::UpstreamAuthFailed,
            "SageMaker refused the gateway's credentials or signature; check the AWS keys, their permissions and the clock.",
        ),
        Some("ValidationError" | "ValidationException") => GatewayError::new(
            ErrorCode::SagemakerValidationError,
            "SageMaker refused the request (for example, the endpoint or variant does not exist).",
        ),
        _ => match status {
            429 => GatewayError::new(ErrorCode::Throttled, "SageMaker is throttling requests; retry later."),
            413 => GatewayError::new(ErrorCode::SagemakerValidationError, "SageMaker refused the request body as too large."),
            500 | 502 | 504 => GatewayError::new(ErrorCode::UpstreamUnavailable, "SageMaker could not be reached; retry later."),
            503 => GatewayError::new(ErrorCode::SagemakerUnavailable, "SageMaker is unavailable; retry later."),
            _ => GatewayError::new(ErrorCode::UpstreamError, "SageMaker returned an unexpected error."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, error_type: Option<&str>, body: &str) -> GatewayError {
        let headers: Vec<(String, String)> = error_type
            .map(|t| ("X-Amzn-ErrorType".to_owned(), t.to_owned()))
            .into_iter()
            .collect();
        classify_sagemaker_error(status, &headers, body.as_bytes())
    }

    #[test]
    fn every_documented_error_in_header_and_body_form() {
        let cases: &[(u16, &str, &str, u16, bool)] = &[
            (
                400,
                "ValidationError",
                "sagemaker_validation_error",
                502,
                false,
            ),
            (424, "ModelError", "model_error", 502, false),
            (429, "ModelNotReadyException", "model_not_ready", 503, true),
            (400, "ThrottlingException", "throttled", 429, true),
            (
                500,
                "InternalFailure",
                "sagemaker_internal_failure",
                502,
                true,
            ),
            (
                503,
                "ServiceUnavailable",
                "sagemaker_unavailable",
                503,
                true,
            ),
            (
                530,
                "InternalDependencyException",
                "sagemaker_dependency_failure",
                502,
                false,
            ),
            (
                403,
                "InvalidSignatureException",
                "upstream_auth_failed",
                502,
                false,
            ),
            (
                403,
                "UnrecognizedClientException",
                "upstream_auth_failed",
                502,
                false,
            ),
        ];
        for (status, aws, code, client_status, retryable) in cases {
            let header_form = classify(
                *status,
                Some(&format!(
                    "{aws}:http://internal.amazon.com/coral/com.amazon.coral.service/"
                )),
                "{\"message\":null}",
            );
            let body_form = classify(
                *status,
                None,
                &format!("{{\"__type\":\"com.amazonaws.sagemaker#{aws}\",\"message\":\"x\"}}"),
            );
            let code_form = classify(
                *status,
                None,
                &format!("{{\"code\":\"{aws}\",\"message\":\"x\"}}"),
            );
            for error in [header_form, body_form, code_form] {
                assert_eq!(
                    (error.code.as_str(), error.status(), error.retryable()),
                    (*code, *client_status, *retryable),
                    "{aws}"
                );
                assert_eq!(
                    error.upstream.as_ref().unwrap().aws_code.as_deref(),
                    Some(*aws)
                );
            }
        }
    }

    #[test]
    fn model_errors_use_the_original_status() {
        let body = |code: i64| {
            format!(
                r#"{{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","LogStreamArn":"arn:aws:logs:us-east-1:1:log-group:/aws/sagemaker/Endpoints/x","Message":"Received client error ({code}) from primary with message \"patient Jane Doe\"","OriginalMessage":"patient Jane Doe","OriginalStatusCode":{code}}}"#
            )
        };
        for (original, code, status) in [
            (400, "model_rejected_input", 422),
            (415, "model_rejected_input", 422),
            (500, "model_error", 502),
            (0, "model_timeout", 504),
        ] {
            let error = classify(424, Some("ModelError"), &body(original));
            assert_eq!((error.code.as_str(), error.status()), (code, status));
            assert_eq!(
                error.upstream.as_ref().unwrap().original_status_code,
                Some(original)
            );
            assert!(
                !format!("{error:?}").contains("Jane"),
                "the upstream message must not be kept"
            );
        }
    }

    #[test]
    fn unknown_errors_fall_back_on_the_status() {
        assert_eq!(classify(502, None, "<html>").code, ErrorCode::UpstreamUnavailable);
        assert_eq!(classify(504, None, "").code, ErrorCode::UpstreamUnavailable);
        assert!(classify(504, None, "").retryable());
        assert_eq!(classify(418, None, "{}").code, ErrorCode::UpstreamError);
        assert_eq!(classify(429, None, "").code, ErrorCode::Throttled);
        assert_eq!(classify(503, None, "").code, ErrorCode::SagemakerUnavailable);
    }

    #[test]
    fn sanitises_codes_like_the_sdks() {
        assert_eq!(
            sanitise_code("ValidationError:http://internal.amazon.com/coral/x/"),
            "ValidationError"
        );
        assert_eq!(
            sanitise_code("com.amazon.coral.validate#ValidationException"),
            "ValidationException"
        );
        assert_eq!(sanitise_code("aws.protocoltests#Weird:http://x"), "Weird");
        assert_eq!(sanitise_code("<script>"), "script");
    }
}
