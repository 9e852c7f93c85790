//! A SageMaker answer decoded from fuzz bytes, and the checks of a mapped SageMaker error.

use healthnav_edge::response::sagemaker_error::sanitise_code;
use healthnav_edge::{GatewayError, UpstreamResponse};

use crate::*;

/// The `elapsed_ms` every normalize target passes.
pub const ELAPSED_MS: u64 = 42;

/// Content types byte 0 can choose (index 7 reads one from the input).
pub const CONTENT_TYPES: [Option<&str>; 7] = [
    None,
    Some("application/json"),
    Some("text/csv"),
    Some("text/csv; charset=utf-8"),
    Some("application/jsonlines"),
    Some("TEXT/CSV"),
    Some("application/json; charset=utf-8"),
];

/// A SageMaker answer decoded from fuzz bytes.
///
/// Layout (so seeds are a short header followed by a real body):
///
/// | bytes | meaning |
/// |-------|---------|
/// | 0 | flags: bits 0–1 configuration (`% 3`), bits 2–4 content type ([`CONTENT_TYPES`], 7 = read it), bit 5 `x-Amzn-Invoked-Production-Variant` (read it), bit 6 `X-Amzn-ErrorType` (read it), bit 7 use bytes 1–2 as the status (else 200) |
/// | 1–2 | status, big-endian |
/// | … | for each string the flags ask for, in the order content type, variant, error type: one length byte, then that many bytes (lossy UTF-8) |
/// | rest | the body |
#[derive(Debug)]
pub struct Upstream {
    /// Index into [`configs`].
    pub config: usize,
    /// HTTP status.
    pub status: u16,
    /// Headers, with SageMaker's mixed-case names.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// The error-type header, when sent.
    pub error_type: Option<String>,
}

impl Upstream {
    /// Decodes the layout above; short inputs read as zeros and empty strings.
    pub fn decode(data: &[u8]) -> Self {
        let mut cursor = data;
        let mut byte = || {
            let (first, rest) = cursor
                .split_first()
                .map_or((0, &[][..]), |(b, rest)| (*b, rest));
            cursor = rest;
            first
        };
        let flags = byte();
        let status_bytes = [byte(), byte()];
        let string = |cursor: &mut &[u8]| {
            let (len, rest) = cursor
                .split_first()
                .map_or((0, &[][..]), |(b, rest)| (usize::from(*b), rest));
            let (text, rest) = rest.split_at(len.min(rest.len()));
            *cursor = rest;
            String::from_utf8_lossy(text).into_owned()
        };
        let mut headers = vec![(
            "x-amzn-RequestId".to_owned(),
            "3f1e1c2a-5b7d-4e8f-9a0b-1c2d3e4f5a6b".to_owned(),
        )];
        let content_type = match (flags >> 2) & 7 {
            7 => Some(string(&mut cursor)),
            index => CONTENT_TYPES[usize::from(index)].map(str::to_owned),
        };
        if let Some(content_type) = content_type {
            headers.push(("Content-Type".to_owned(), content_type));
        }
        if flags & 0x20 != 0 {
            headers.push((
                "x-Amzn-Invoked-Production-Variant".to_owned(),
                string(&mut cursor),
            ));
        }
        let error_type = (flags & 0x40 != 0).then(|| string(&mut cursor));
        if let Some(error_type) = &error_type {
            headers.push(("X-Amzn-ErrorType".to_owned(), error_type.clone()));
        }
        Upstream {
            config: usize::from(flags & 3) % 3,
            status: if flags & 0x80 != 0 {
                u16::from_be_bytes(status_bytes)
            } else {
                200
            },
            headers,
            body: cursor.to_vec(),
            error_type,
        }
    }

    /// As the crate takes it.
    pub fn response(&self) -> UpstreamResponse<'_> {
        UpstreamResponse {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }
}

/// A mapped SageMaker error: one of the documented codes with its status and
/// retry flag, the upstream status kept, a sanitised AWS code, no upstream text.
pub fn check_upstream_error(upstream: &Upstream, error: &GatewayError) {
    check_error_shape(error);
    let (status, retryable) = match error.code.as_str() {
        "throttled" => (429, true),
        "model_not_ready" => (503, true),
        "model_timeout" => (504, false),
        "model_rejected_input" => (422, false),
        "model_error" => (502, false),
        "sagemaker_internal_failure" => (502, true),
        "sagemaker_unavailable" => (503, true),
        "sagemaker_dependency_failure" => (502, false),
        "upstream_auth_failed" => (502, false),
        "sagemaker_validation_error" => (502, false),
        "upstream_unavailable" => (502, true),
        "upstream_error" => (502, false),
        other => panic!("unexpected upstream error code {other:?}"),
    };
    assert_eq!(
        (error.status(), error.retryable()),
        (status, retryable),
        "{error:?}"
    );
    assert!(error.errors.is_empty());
    let details = error
        .upstream
        .as_ref()
        .unwrap_or_else(|| panic!("upstream details missing"));
    assert_eq!(details.status, upstream.status);
    if let Some(code) = &details.aws_code {
        assert!(!code.is_empty() && code.len() <= 64, "{code:?}");
        assert!(
            code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
            "{code:?}"
        );
    }
    if let Some(raw) = &upstream.error_type {
        let sanitised = sanitise_code(raw);
        if !sanitised.is_empty() {
            assert_eq!(
                details.aws_code.as_deref(),
                Some(sanitised.as_str()),
                "the header wins over the body"
            );
        }
    }
    assert_no_marker(error);
}
