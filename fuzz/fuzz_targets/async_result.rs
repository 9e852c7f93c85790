//! Reading asynchronous results (src/async_result/mod.rs).
//!
//! Byte 0 % 3 == 0: the rest is a GET's path and query, opened under the
//! three asynchronous configurations and the default one (async off). A
//! refusal is 400 missing_async_id (no id), 501 async_not_enabled, 404
//! unknown_async_id or 410 async_id_expired, repeating nothing; an accepted
//! path carries an id issued with the configuration's key for the fuzz
//! caller (the seeds hold `v2` ids issued for `FUZZ_CALLER` under
//! `ASYNC_SECRET`, and some for another caller), and its URLs are exactly
//! the S3 endpoint's URLs for the id's locations, on the wire as is and
//! signable for S3.
//!
//! Byte 0 % 3 == 1 / 2: the rest is an S3 answer (`Upstream` layout) for the
//! output object / the failure object. 404 (NoSuchKey or no code) means
//! pending; other S3 errors map to a fixed set of 4xx/5xx codes; an output
//! object is normalised exactly as a real-time image answer; a failure
//! object becomes a model error that never repeats its content.
#![no_main]

use healthnav_edge::async_result::result_id::{async_id_from_path, open_async_id};
use healthnav_edge::async_result::{open_async_result, read_async_failure, read_async_output};
use healthnav_edge::response::normalize_response;
use healthnav_edge::{GatewayError, ModelFunction};
use healthnav_edge_fuzz::{
    assert_no_marker, async_configs, check_error_shape, check_normalize, check_s3_url_signs,
    configs, is_wire_url, Upstream, ASYNC_NOW_MS, ELAPSED_MS, FUZZ_CALLER,
};
use libfuzzer_sys::fuzz_target;

fn check_s3_error(error: &GatewayError) {
    check_error_shape(error);
    let expected = match error.code.as_str() {
        "upstream_auth_failed" => (502, false),
        "throttled" => (429, true),
        "upstream_unavailable" => (502, true),
        "upstream_error" => (502, false),
        other => panic!("unexpected S3 error code {other:?}"),
    };
    assert_eq!((error.status(), error.retryable()), expected, "{error:?}");
    assert_no_marker(error);
}

fn open(path: &str) {
    let slug = ModelFunction::ImageAnalysis.slug();
    for config in async_configs().iter().chain([&configs()[0]]) {
        match open_async_result(config, path, ASYNC_NOW_MS, Some(FUZZ_CALLER)) {
            Ok(urls) => {
                let settings = config
                    .asynchronous
                    .as_ref()
                    .unwrap_or_else(|| panic!("opened without async settings"));
                let id = async_id_from_path(path, slug);
                assert_eq!(urls.id, id);
                let location = open_async_id(&settings.key, id, FUZZ_CALLER, ASYNC_NOW_MS)
                    .unwrap_or_else(|e| panic!("opened an id the key refuses: {e}"));
                assert_eq!(urls.output_url, settings.s3.object_url(&location.output));
                assert_eq!(
                    urls.failure_url,
                    location.failure.as_ref().map(|f| settings.s3.object_url(f))
                );
                assert_eq!(urls.submitted_at_ms, location.submitted_at_ms);
                for url in std::iter::once(&urls.output_url).chain(&urls.failure_url) {
                    assert!(is_wire_url(url), "{url}");
                    check_s3_url_signs(url, &config.region);
                }
            }
            Err(error) => {
                check_error_shape(&error);
                let status = match error.code.as_str() {
                    "missing_async_id" => 400,
                    "async_not_enabled" => 501,
                    "unknown_async_id" => 404,
                    "async_id_expired" => 410,
                    other => panic!("unexpected code {other:?}"),
                };
                assert_eq!(error.status(), status);
                assert_eq!(
                    error.code.as_str() == "missing_async_id",
                    async_id_from_path(path, slug).is_empty()
                );
                if config.asynchronous.is_none() {
                    assert!(matches!(
                        error.code.as_str(),
                        "missing_async_id" | "async_not_enabled"
                    ));
                }
                assert_no_marker(&error);
            }
        }
    }
}

fn s3_code(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + 6;
    let end = start + text[start..].find("</Code>")?;
    Some(healthnav_edge::response::sagemaker_error::sanitise_code(
        &text[start..end],
    ))
    .filter(|c| !c.is_empty())
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 3 == 0 {
        open(&String::from_utf8_lossy(rest));
        return;
    }
    let upstream = Upstream::decode(rest);
    let config = &async_configs()[upstream.config];
    let code = s3_code(&upstream.body);
    let pending = upstream.status == 404 && matches!(code.as_deref(), None | Some("NoSuchKey"));
    let ok = (200..300).contains(&upstream.status);
    if mode % 3 == 1 {
        match read_async_output(config, upstream.response(), ELAPSED_MS) {
            Ok(None) => assert!(pending, "pending on status {}", upstream.status),
            Ok(Some(result)) => {
                assert!(ok);
                assert_eq!(
                    Ok(result),
                    normalize_response(
                        config,
                        ModelFunction::ImageAnalysis,
                        upstream.response(),
                        ELAPSED_MS,
                        &[]
                    )
                );
                check_normalize(config, ModelFunction::ImageAnalysis, &upstream, &[]);
            }
            Err(error) if ok => {
                assert_eq!(
                    Err(error),
                    normalize_response(
                        config,
                        ModelFunction::ImageAnalysis,
                        upstream.response(),
                        ELAPSED_MS,
                        &[]
                    )
                );
                check_normalize(config, ModelFunction::ImageAnalysis, &upstream, &[]);
            }
            Err(error) => {
                assert!(!pending);
                check_s3_error(&error);
            }
        }
    } else {
        match read_async_failure(upstream.response()) {
            Ok(()) => assert!(pending, "pending on status {}", upstream.status),
            Err(error) if ok => {
                check_error_shape(&error);
                let expected = match error.code.as_str() {
                    "model_rejected_input" => (422, false),
                    "model_error" => (502, false),
                    "model_timeout" => (504, false),
                    other => panic!("unexpected failure code {other:?}"),
                };
                assert_eq!((error.status(), error.retryable()), expected);
                assert_no_marker(&error);
            }
            Err(error) => {
                assert!(!pending);
                check_s3_error(&error);
            }
        }
    }
});
