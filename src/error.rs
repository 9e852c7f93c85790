//! The one error type of the crate: a stable machine code, the HTTP status a
//! client should get, whether a retry is safe, and field errors for validation.
//!
//! Messages never contain patient data, secrets or upstream bodies: they are
//! fixed sentences, field paths and limits, so they are safe to log and return.

use std::fmt;

use serde::Serialize;

use crate::limits::MAX_FIELD_ERRORS;

/// One problem with one field of a request, as `{path, code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path to the field, e.g. `patient_data.age` or `symptoms[2]`.
    pub path: String,
    /// Stable machine code, e.g. `out_of_range`.
    pub code: &'static str,
    /// Human sentence, e.g. `must be between 0 and 130`.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            code,
            message: message.into(),
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

/// A gateway error with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// Stable machine code (see the README's error table).
    pub code: &'static str,
    /// HTTP status the client should receive.
    pub status: u16,
    /// Whether the same request may be sent again.
    pub retryable: bool,
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
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            retryable: false,
            message: message.into(),
            errors: Vec::new(),
            truncated: false,
            upstream: None,
        }
    }

    /// A 422 carrying every field problem found.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut error = Self::new(
            "validation_failed",
            422,
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

    /// A configuration problem of the deployment (never the client's fault).
    pub fn config(setting: &str, problem: &str) -> Self {
        Self::new(
            "invalid_configuration",
            500,
            format!("Gateway setting {setting} {problem}."),
        )
    }

    /// Marks the error as safe to retry.
    pub fn retryable(mut self) -> Self {
        self.retryable = true;
        self
    }
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
    use super::*;

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
