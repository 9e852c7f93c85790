//! Error invariants: machine codes, statuses, shapes, and never the planted marker.

use healthnav_edge::{ErrorCode, GatewayError};

/// Planted in generated string values; no error message may repeat it.
pub const MARKER: &str = "PHIMARKER";

/// Whether a text repeats the marker (in any case).
pub fn contains_marker(text: &str) -> bool {
    text.to_ascii_lowercase().contains("phimarker")
}

/// A lower-case `snake_case` machine code.
pub fn is_machine_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// What every error satisfies: a non-empty message and well-formed field
/// errors (its code, status and retryability are the code table's).
pub fn check_error_shape(error: &GatewayError) {
    assert!(!error.message.trim().is_empty(), "empty error message");
    for field in &error.errors {
        assert!(
            is_machine_code(&field.code),
            "bad field code {:?}",
            field.code
        );
        assert!(
            !field.message.trim().is_empty(),
            "empty field message at {:?}",
            field.path
        );
    }
    // The Display form is what the shim logs; it must render.
    let _ = error.to_string();
}

/// Messages (the error's and every field's) never repeat the marker.
pub fn assert_no_marker(error: &GatewayError) {
    assert!(
        !contains_marker(&error.message),
        "error message repeats input: {:?}",
        error.message
    );
    for field in &error.errors {
        assert!(
            !contains_marker(&field.message),
            "field message repeats input: {field:?}"
        );
    }
}

/// A refused client request: a 4xx with one of the request codes.
pub fn check_request_error(error: &GatewayError) {
    check_error_shape(error);
    assert!(
        matches!(
            error.code,
            ErrorCode::EmptyBody
                | ErrorCode::InvalidJson
                | ErrorCode::BodyTooLarge
                | ErrorCode::ValidationFailed
        ),
        "unexpected request error code ({error})"
    );
    assert!(error.upstream.is_none(), "{error:?}");
    if error.code == ErrorCode::ValidationFailed {
        assert!(
            !error.errors.is_empty(),
            "validation_failed without field errors"
        );
    }
    assert_no_marker(error);
}
