//! classify_sagemaker_error on an arbitrary status, headers and body (layout
//! in `Upstream::decode`; bit 7 of byte 0 is ignored here: bytes 1-2 are
//! always the status): the result is one of the documented codes with its
//! status and retry flag, keeps the upstream status and a sanitised AWS code
//! (the header's when it has one), and never the upstream message.
#![no_main]

use healthnav_edge::response::sagemaker_error::{classify_sagemaker_error, sanitise_code};
use healthnav_edge_fuzz::{check_upstream_error, Upstream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut upstream = Upstream::decode(data);
    upstream.status = data
        .get(1..3)
        .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
    let error = classify_sagemaker_error(upstream.status, &upstream.headers, &upstream.body);
    check_upstream_error(&upstream, &error);
    // Deterministic, and the sanitiser is idempotent.
    assert_eq!(
        error,
        classify_sagemaker_error(upstream.status, &upstream.headers, &upstream.body)
    );
    if let Some(code) = &error.upstream.as_ref().and_then(|u| u.aws_code.clone()) {
        assert_eq!(&sanitise_code(code), code);
    }
});
