//! Limits shared by every function, with where they come from.

/// SageMaker Runtime's maximum request and response body (6 MiB).
pub const MAX_SAGEMAKER_BODY_BYTES: usize = 6_291_456;

/// SageMaker's endpoint and variant names are at most 63 characters.
pub const MAX_SAGEMAKER_NAME_CHARS: usize = 63;

/// SageMaker's limit for header values such as CustomAttributes.
pub const MAX_SAGEMAKER_HEADER_VALUE_CHARS: usize = 1024;

/// JSON nesting deeper than this is refused before it is walked.
pub const MAX_JSON_DEPTH: usize = 32;
