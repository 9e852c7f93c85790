//! Asynchronous image analysis, both halves: the InvokeEndpointAsync call
//! (src/invocation/async_call.rs) and SageMaker's 202 answer to it
//! (src/async_result/accepted.rs).
//!
//! Byte 0 even: the rest is an image request body, built under the three
//! asynchronous configurations and the default one (async off). Accepted
//! bodies must be well-formed, signable invocations (an InvokeEndpointAsync
//! exactly when `"async": true` was sent, and only where async is on);
//! refusals are 4xx request errors that do not repeat the body.
//!
//! Byte 0 odd: SageMaker's answer to InvokeEndpointAsync. Bits 1-2 the
//! configuration (3 = async off); then the status (2 bytes, big-endian), the
//! OutputLocation and FailureLocation headers (a length byte each, 255 =
//! header absent, then the bytes), and the body. A non-2xx answer is exactly
//! classify_sagemaker_error's result; without async settings a 501; else a
//! 202 body whose id opens, with the deployment's key, to exactly the
//! locations SageMaker named, or a 502 upstream_error that repeats nothing.
#![no_main]

use healthnav_edge::async_result::accepted::accept_async_response;
use healthnav_edge::async_result::result_id::open_async_id;
use healthnav_edge::config::s3_location::S3Location;
use healthnav_edge::invocation::build_invocation;
use healthnav_edge::invocation::InvocationMode;
use healthnav_edge::response::sagemaker_error::classify_sagemaker_error;
use healthnav_edge::{ModelFunction, UpstreamResponse};
use healthnav_edge_fuzz::{
    assert_no_marker, async_configs, check_error_shape, check_invocation, check_request_error,
    check_upstream_error, configs, Upstream, ASYNC_NOW_MS, FUZZ_CALLER,
};
use libfuzzer_sys::fuzz_target;

fn asks_async(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .is_some_and(|v| v.get("async") == Some(&serde_json::Value::Bool(true)))
}

fn request(body: &[u8]) {
    let asks = asks_async(body);
    for config in async_configs().iter().chain([&configs()[0]]) {
        match build_invocation(
            config,
            ModelFunction::ImageAnalysis,
            body,
            Some(FUZZ_CALLER),
        ) {
            Ok(invocation) => {
                check_invocation(config, ModelFunction::ImageAnalysis, &invocation);
                assert_eq!(
                    invocation.mode == InvocationMode::Async,
                    asks,
                    "async flag and invocation mode disagree"
                );
                if asks {
                    assert!(config.asynchronous.is_some());
                }
            }
            Err(error) => check_request_error(&error),
        }
    }
}

fn answer(flags: u8, rest: &[u8]) {
    let mut cursor = rest;
    let mut take = |n: usize| {
        let (head, tail) = cursor.split_at(n.min(cursor.len()));
        cursor = tail;
        head
    };
    let status = take(2);
    let status = u16::from_be_bytes([
        status.first().copied().unwrap_or(0),
        status.get(1).copied().unwrap_or(202),
    ]);
    let mut headers = vec![("x-amzn-RequestId".to_owned(), "r-1".to_owned())];
    let mut named = Vec::new();
    for name in [
        "X-Amzn-SageMaker-OutputLocation",
        "X-Amzn-SageMaker-FailureLocation",
    ] {
        let len = take(1).first().copied().unwrap_or(255);
        if len == 255 {
            named.push(None);
            continue;
        }
        let value = String::from_utf8_lossy(take(usize::from(len))).into_owned();
        headers.push((name.to_owned(), value.clone()));
        named.push(Some(value));
    }
    let body = cursor;
    let config_index = usize::from((flags >> 1) & 3);
    let config = async_configs().get(config_index).unwrap_or(&configs()[0]);
    let response = UpstreamResponse {
        status,
        headers: &headers,
        body,
    };
    let result = accept_async_response(config, response, ASYNC_NOW_MS, FUZZ_CALLER);
    if !(200..300).contains(&status) {
        let error = result.expect_err("a non-2xx answer was accepted");
        assert_eq!(error, classify_sagemaker_error(status, &headers, body));
        let upstream = Upstream {
            config: 0,
            status,
            headers: headers.clone(),
            body: body.to_vec(),
            error_type: None,
        };
        check_upstream_error(&upstream, &error);
        return;
    }
    let Some(settings) = &config.asynchronous else {
        let error = result.expect_err("accepted without async settings");
        assert_eq!(
            (error.code.as_str(), error.status()),
            ("async_not_enabled", 501)
        );
        return;
    };
    let parse = |value: &Option<String>| value.as_deref().map(|v| S3Location::parse(v.trim()));
    match result {
        Ok(accepted) => {
            assert_eq!(accepted.status, "pending");
            let output = match parse(&named[0]) {
                Some(Ok(output)) => output,
                other => panic!("accepted with output location {other:?}"),
            };
            let failure = match parse(&named[1]) {
                None => None,
                Some(Ok(failure)) => Some(failure),
                Some(Err(e)) => panic!("accepted with a bad failure location: {e:?}"),
            };
            let opened = open_async_id(&settings.key, &accepted.id, FUZZ_CALLER, ASYNC_NOW_MS)
                .unwrap_or_else(|e| panic!("an issued id does not open: {e}"));
            // Nobody else opens it: another caller, or a caller without an id.
            for stranger in ["another-caller", ""] {
                let error = open_async_id(&settings.key, &accepted.id, stranger, ASYNC_NOW_MS)
                    .expect_err("another caller opened the id");
                assert_eq!(
                    (error.code.as_str(), error.status()),
                    ("unknown_async_id", 404)
                );
            }
            assert_eq!(opened.output, output);
            assert_eq!(opened.failure, failure);
            assert_eq!(opened.submitted_at_ms, ASYNC_NOW_MS);
            // Another deployment's key never opens it.
            let other = healthnav_edge::config::async_id_key::AsyncIdKey::from_secret(
                "another-deployment-secret-0123456789",
            )
            .unwrap_or_else(|e| panic!("{e}"));
            assert!(open_async_id(&other, &accepted.id, FUZZ_CALLER, ASYNC_NOW_MS).is_err());
            if let Some(id) = &accepted.inference_id {
                assert!((1..=64).contains(&id.len()));
                assert!(id.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
            }
        }
        Err(error) => {
            check_error_shape(&error);
            assert_eq!(
                (error.code.as_str(), error.status()),
                ("upstream_error", 502),
                "{error:?}"
            );
            assert!(
                !matches!(parse(&named[0]), Some(Ok(_)))
                    || matches!(parse(&named[1]), Some(Err(_)))
            );
            assert_no_marker(&error);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    if flags & 1 == 0 {
        request(rest);
    } else {
        answer(flags, rest);
    }
});
