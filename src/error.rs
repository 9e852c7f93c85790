//! The one error type of the crate, and the table of every code the gateway
//! answers with: each code's HTTP status and whether a retry is safe are
//! decided here and nowhere else. The edge functions raise some codes
//! themselves (a refused caller, a transport failure); they are in the table
//! too, so pkg/ exports one `ErrorCode` union and one table for TypeScript.
//!
//! Messages never contain patient data, secrets or upstream bodies: they are
//! fixed sentences, field paths and limits, so they are safe to log and return.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::limits::MAX_FIELD_ERRORS;

/// Declares [`ErrorCode`] from one table: variant, wire code, HTTP status,
/// retryable, and what it means.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])+ $variant:ident = $code:literal, $status:literal, $retryable:literal;)+) => {
        /// Every stable code the gateway answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum ErrorCode {
            $($(#[doc = $doc])+ #[serde(rename = $code)] $variant,)+
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The code as clients see it, e.g. `validation_failed`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)+ }
            }

            /// The HTTP status a client gets with this code.
            pub const fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)+ }
            }

            /// Whether sending the same request again is safe and may succeed.
            pub const fn retryable(self) -> bool {
                match self { $(ErrorCode::$variant => $retryable,)+ }
            }
        }

        /// The codes as a TypeScript union, for pkg/'s declarations.
        // wasm-bindgen reads it into a custom section, a use rustc does not see.
        #[cfg(any(target_arch = "wasm32", test))]
        #[allow(dead_code)]
        pub const ERROR_CODE_TYPESCRIPT: &str = concat!(
            "/** Every stable code the gateway answers with (see errorCodeTable). */\n",
            "export type ErrorCode =",
            $("\n  | \"", $code, "\""),+,
            ";\n"
        );
    };
}

error_codes! {
    // The client's request.
    /// A field is missing, mistyped or out of range; `errors` lists each.
    ValidationFailed = "validation_failed", 422, false;
    /// The body is not JSON (or has duplicate keys, or nests too deep).
    InvalidJson = "invalid_json", 400, false;
    /// The body is empty.
    EmptyBody = "empty_body", 400, false;
    /// The body is larger than SageMaker's 6 MiB.
    BodyTooLarge = "body_too_large", 413, false;
    /// The function does not answer this method.
    MethodNotAllowed = "method_not_allowed", 405, false;
    /// The body is not sent as application/json.
    UnsupportedMediaType = "unsupported_media_type", 415, false;
    /// The client went away before the answer (nginx's 499).
    ClientClosedRequest = "client_closed_request", 499, false;
    // The caller (raised by the edge functions).
    /// No bearer token.
    Unauthorized = "unauthorized", 401, false;
    /// The token does not verify.
    InvalidJwt = "invalid_jwt", 401, false;
    /// The token has expired.
    ExpiredJwt = "expired_jwt", 401, false;
    /// The token names no user (an anon or service key).
    SignInRequired = "sign_in_required", 403, false;
    /// The project's signing keys could not be fetched.
    AuthUnavailable = "auth_unavailable", 503, true;
    /// This function instance holds as many request bytes as it may.
    GatewayBusy = "gateway_busy", 503, true;
    /// The caller's calls to this function this minute are spent (Retry-After says when).
    CallerQuotaExceeded = "caller_quota_exceeded", 429, true;
    /// The audit trail cannot be written, so the request is not served (fail closed).
    AuditUnavailable = "audit_unavailable", 503, true;
    // Asynchronous results.
    /// Asynchronous image analysis is not configured.
    AsyncNotEnabled = "async_not_enabled", 501, false;
    /// A result request without an id.
    MissingAsyncId = "missing_async_id", 400, false;
    /// A result id this gateway did not issue to this caller.
    UnknownAsyncId = "unknown_async_id", 404, false;
    /// A result id older than 24 hours.
    AsyncIdExpired = "async_id_expired", 410, false;
    // The model and SageMaker.
    /// SageMaker (or S3) is throttling.
    Throttled = "throttled", 429, true;
    /// The model is loading or scaling.
    ModelNotReady = "model_not_ready", 503, true;
    /// The model did not answer within SageMaker's 60 s.
    ModelTimeout = "model_timeout", 504, false;
    /// The model refused its input (a 4xx from the container).
    ModelRejectedInput = "model_rejected_input", 422, false;
    /// The model failed (a 5xx from the container).
    ModelError = "model_error", 502, false;
    /// The model answered something the gateway cannot read.
    InvalidModelOutput = "invalid_model_output", 502, false;
    /// SageMaker had an internal failure.
    SagemakerInternalFailure = "sagemaker_internal_failure", 502, true;
    /// SageMaker is unavailable.
    SagemakerUnavailable = "sagemaker_unavailable", 503, true;
    /// A SageMaker internal dependency failed.
    SagemakerDependencyFailure = "sagemaker_dependency_failure", 502, false;
    /// SageMaker refused the request (e.g. no such endpoint or variant).
    SagemakerValidationError = "sagemaker_validation_error", 502, false;
    /// AWS refused the gateway's credentials or signature.
    UpstreamAuthFailed = "upstream_auth_failed", 502, false;
    /// SageMaker or S3 answered 5xx without a known code.
    UpstreamUnavailable = "upstream_unavailable", 502, true;
    /// An upstream error the gateway does not recognise.
    UpstreamError = "upstream_error", 502, false;
    /// No answer within the attempt's timeout or the request's deadline.
    UpstreamTimeout = "upstream_timeout", 504, true;
    /// The connection failed or broke.
    UpstreamUnreachable = "upstream_unreachable", 502, true;
    /// The upstream address answered with a redirect, which is not followed.
    UpstreamRedirect = "upstream_redirect", 502, false;
    /// The upstream answer is larger than 6 MiB.
    UpstreamResponseTooLarge = "upstream_response_too_large", 502, false;
    // The deployment.
    /// A setting is missing or invalid; the detail names its variable.
    InvalidConfiguration = "invalid_configuration", 500, false;
    /// A request to sign is invalid (`signAwsRequest`).
    InvalidSigningRequest = "invalid_signing_request", 400, false;
    /// A pkg function was called with an invalid argument.
    InvalidArgument = "invalid_argument", 500, false;
    /// A fault inside the gateway; the request id identifies it in the logs.
    InternalError = "internal_error", 500, false;
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A gateway error with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// Stable machine code; its status and retryability come from the table.
    pub code: ErrorCode,
    /// One fixed, data-free sentence.
    pub message: String,
    /// Field errors, for `validation_failed` and friends.
    pub errors: Vec<FieldError>,
    /// Whether more field errors were found than `errors` lists.
    pub truncated: bool,
    /// Present when the error came from SageMaker.
    pub upstream: Option<UpstreamDetails>,
}

impl GatewayError {
    /// An error without field details.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            errors: Vec::new(),
            truncated: false,
            upstream: None,
        }
    }

    /// An error with field details.
    pub fn with_errors(code: ErrorCode, message: impl Into<String>, errors: Vec<FieldError>) -> Self {
        let mut error = Self::new(code, message);
        error.errors = errors;
        error
    }

    /// A 422 carrying every field problem found.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut error = Self::new(
            ErrorCode::ValidationFailed,
            "The request body has invalid fields.",
        );
        if errors.len() > MAX_FIELD_ERRORS {
            error.message = format!(
                "The request body has invalid fields; the first {MAX_FIELD_ERRORS} are listed."
            );
            error.truncated = true;
        }
        error.errors = errors;
        error.errors.truncate(MAX_FIELD_ERRORS);
        error
    }

    /// The HTTP status the client should receive.
    pub fn status(&self) -> u16 {
        self.code.status()
    }

    /// Whether the same request may be sent again.
    pub fn retryable(&self) -> bool {
        self.code.retryable()
    }
}

/// One problem with one field of a request, as `{path, code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldError {
    /// Dotted path to the field, e.g. `patient_data.age` or `symptoms[2]`.
    pub path: String,
    /// Stable machine code, e.g. `out_of_range`. Owned only when a batch
    /// plan comes back from JavaScript.
    pub code: Cow<'static, str>,
    /// Human sentence, e.g. `must be between 0 and 130`.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            code: Cow::Borrowed(code),
            message: message.into(),
        }
    }
}

#[cfg(test)]
impl FieldError {
    /// The code as the crate wrote it (tests compare against literals).
    pub fn static_code(&self) -> &'static str {
        match &self.code {
            Cow::Borrowed(code) => code,
            Cow::Owned(_) => panic!("{} has an owned code", self.path),
        }
    }
}

/// What SageMaker said when it refused or failed an invocation. Only
/// metadata: the upstream message and the container's own output are dropped
/// because a model may echo the patient payload in them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamDetails {
    /// HTTP status SageMaker answered with.
    pub status: u16,
    /// Sanitised AWS error code (`ModelError`, `ThrottlingException`, …), if any.
    pub aws_code: Option<String>,
    /// For `ModelError`: the status the model container returned.
    pub original_status_code: Option<i64>,
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        for error in &self.errors {
            write!(f, "\n  {}: {} ({})", error.path, error.message, error.code)?;
        }
        Ok(())
    }
}

impl std::error::Error for GatewayError {}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_code_is_unique_snake_case_with_an_error_status() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name}"
            );
            assert!((400..=599).contains(&code.status()), "{name}");
            // The wire name is what serde writes, so the two cannot drift.
            assert_eq!(serde_json::to_value(code).unwrap(), name);
        }
    }

    #[test]
    fn the_typescript_union_lists_every_code() {
        for code in ErrorCode::ALL {
            assert!(
                ERROR_CODE_TYPESCRIPT.contains(&format!("| \"{code}\"\n"))
                    || ERROR_CODE_TYPESCRIPT.contains(&format!("| \"{code}\";")),
                "{code}"
            );
        }
        assert_eq!(
            ERROR_CODE_TYPESCRIPT.matches("\n  | ").count(),
            ErrorCode::ALL.len()
        );
    }

    #[test]
    fn validation_lists_a_bounded_number_of_errors() {
        let errors = |n: usize| {
            (0..n)
                .map(|i| FieldError::new(format!("k{i}"), "unknown_field", "x"))
                .collect::<Vec<_>>()
        };
        let all = GatewayError::validation(errors(MAX_FIELD_ERRORS));
        assert_eq!(all.errors.len(), MAX_FIELD_ERRORS);
        assert_eq!(all.message, "The request body has invalid fields.");
        assert!(!all.truncated);
        let capped = GatewayError::validation(errors(MAX_FIELD_ERRORS * 50));
        assert_eq!(capped.errors.len(), MAX_FIELD_ERRORS);
        assert_eq!(capped.errors[0].path, "k0");
        assert!(capped.truncated);
        assert!(
            capped.message.contains("the first 100 are listed"),
            "{}",
            capped.message
        );
    }
}
