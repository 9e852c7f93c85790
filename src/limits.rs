//! Limits shared by every function, with where they come from.

/// SageMaker Runtime's maximum request and response body (6 MiB).
pub const MAX_SAGEMAKER_BODY_BYTES: usize = 6_291_456;

/// SageMaker's endpoint and variant names are at most 63 characters.
pub const MAX_SAGEMAKER_NAME_CHARS: usize = 63;

/// SageMaker's limit for header values such as CustomAttributes.
pub const MAX_SAGEMAKER_HEADER_VALUE_CHARS: usize = 1024;

/// JSON nesting deeper than this is refused before it is walked.
pub const MAX_JSON_DEPTH: usize = 32;

/// A JSON body with more values than this is refused while it is parsed. A
/// single request has about a hundred at most, a full batch of 100 triage
/// patients with every list at its limit 8,702; without a bound, a 6 MiB body
/// of tiny values (`[0,0,…]`) grows the wasm memory by over 200 MiB, which
/// it never gives back.
pub const MAX_JSON_VALUES: usize = 10_000;

/// At most this many field errors are listed, so an answer stays small
/// whatever the body holds.
pub const MAX_FIELD_ERRORS: usize = 100;
