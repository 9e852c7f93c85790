//! Asynchronous image analysis, end to end inside the crate: the
//! InvokeEndpointAsync request built from a client body, SageMaker's 202
//! turned into a signed result id that only its caller can open, ids that
//! cannot be forged, altered, borrowed by another caller or replayed forever,
//! the S3 URLs an id opens, and the S3 answers read back as a result,
//! "pending" or a failure.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use crate::async_result::accepted::{accept_async_response, AsyncAccepted};
use crate::async_result::result_id::{
    issue_async_id, open_async_id, AsyncResultLocation, MAX_ID_AGE_MS,
};
use crate::async_result::{
    open_async_result, read_async_failure, read_async_output, AsyncResultUrls,
};
use crate::config::async_id_key::AsyncIdKey;
use crate::config::async_settings::DEFAULT_ASYNC_IMAGE_ENDPOINT;
use crate::config::s3_location::S3Location;
use crate::config::GatewayConfig;
use crate::error::GatewayError;
use crate::function::ModelFunction;
use crate::invocation::async_call::content_type_for_key;
use crate::invocation::{build_invocation, Invocation, InvocationMode};
use crate::response::UpstreamResponse;
use serde_json::{json, Value};

const SECRET: &str = "a-local-test-secret-of-32-bytes!";
const NOW: u64 = 1_768_480_496_000; // 2026-01-15T12:34:56Z
const OUTPUT: &str = "s3://hn-async/output/9f1c.out";
const FAILURE: &str = "s3://hn-async/failures/9f1c-error.out";
/// The signed-in caller who starts the inferences, and another one.
const CALLER: &str = "5b0d6a1e-patient-a";
const OTHER_CALLER: &str = "9c41f3b2-patient-b";

fn config_with(asynchronous: Value) -> GatewayConfig {
    let settings = json!({"region": "us-east-1", "asyncInference": asynchronous,
        "allowedBuckets": ["patient-images", "b1b", "bucket"], "clientVariants": ["model-v1"]});
    GatewayConfig::new(serde_json::from_value(settings).unwrap()).unwrap()
}

fn config() -> GatewayConfig {
    config_with(json!({"resultSecret": SECRET}))
}

fn key() -> AsyncIdKey {
    AsyncIdKey::from_secret(SECRET).unwrap()
}

fn location(output: &str, failure: Option<&str>, at: u64) -> AsyncResultLocation {
    AsyncResultLocation {
        output: S3Location::parse(output).unwrap(),
        failure: failure.map(|f| S3Location::parse(f).unwrap()),
        submitted_at_ms: at,
    }
}

fn image_call(body: Value, config: &GatewayConfig) -> Result<Invocation, GatewayError> {
    build_invocation(
        config,
        ModelFunction::ImageAnalysis,
        body.to_string().as_bytes(),
        Some(CALLER),
    )
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

// ---------------------------------------------------------------------------
// The request
// ---------------------------------------------------------------------------

#[test]
fn an_async_s3_image_becomes_invoke_endpoint_async() {
    let body = json!({"image_data": "s3://patient-images/scans/chest 01.PNG", "image_type": "xray", "async": true});
    assert_eq!(
        image_call(body, &config()).unwrap(),
        Invocation {
            endpoint: DEFAULT_ASYNC_IMAGE_ENDPOINT.into(),
            variant: None,
            url: "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/medical-image-classifier-async/async-invocations".into(),
            headers: headers(&[
                ("x-amzn-sagemaker-content-type", "image/png"),
                ("x-amzn-sagemaker-accept", "application/json"),
                ("x-amzn-sagemaker-inputlocation", "s3://patient-images/scans/chest 01.PNG"),
                ("x-amzn-sagemaker-custom-attributes", "image_type=xray,analysis_type=classification"),
            ]),
            body: Vec::new(),
            input_in_s3: true,
            mode: InvocationMode::Async,
            red_flags: Vec::new(),
        }
    );
    // The configured async endpoint may be named; no other endpoint, not
    // even the real-time image endpoint, which takes no async invocations.
    let named = json!({"image_data": "s3://b1b/x.dcm", "image_type": "ct", "async": true,
        "endpoint": DEFAULT_ASYNC_IMAGE_ENDPOINT});
    assert_eq!(
        image_call(named, &config()).unwrap().endpoint,
        DEFAULT_ASYNC_IMAGE_ENDPOINT
    );
    for other in ["medical-ct-async", "medical-image-classifier"] {
        let named = json!({"image_data": "s3://b1b/x.dcm", "image_type": "ct", "async": true,
            "endpoint": other});
        let error = image_call(named, &config()).unwrap_err();
        assert_eq!(error.errors[0].path, "endpoint", "{other}");
        assert_eq!(error.errors[0].code, "not_allowed", "{other}");
    }
    let configured =
        config_with(json!({"resultSecret": SECRET, "imageEndpoint": "hn-image-async"}));
    let body = json!({"image_data": "s3://b1b/x.jpg", "image_type": "ct", "async": true});
    assert_eq!(
        image_call(body, &configured).unwrap().endpoint,
        "hn-image-async"
    );
    // Sticky A/B variants leave it alone: InvokeEndpointAsync has no target variant.
    let sticky = GatewayConfig::new(
        serde_json::from_value(
            json!({"region": "us-east-1", "stickyVariants": ["model-v1:1"],
            "allowedBuckets": ["b1b"], "asyncInference": {"resultSecret": SECRET}}),
        )
        .unwrap(),
    )
    .unwrap();
    let body = json!({"image_data": "s3://b1b/x.jpg", "image_type": "ct", "async": true});
    let invocation = image_call(body, &sticky).unwrap();
    assert_eq!(invocation.variant, None);
    assert!(!invocation
        .headers
        .iter()
        .any(|(name, _)| name == "x-amzn-sagemaker-target-variant"));
    // `"async": false` is the ordinary real-time call.
    let real_time = json!({"image_data": "s3://b1b/x.jpg", "image_type": "ct", "async": false});
    assert_eq!(
        image_call(real_time, &config()).unwrap().mode,
        InvocationMode::Single
    );
}

#[test]
fn only_a_signed_in_caller_can_start_an_inference() {
    let body = json!({"image_data": "s3://b1b/x.jpg", "image_type": "ct", "async": true});
    for caller in [None, Some("")] {
        let error = build_invocation(
            &config(),
            ModelFunction::ImageAnalysis,
            body.to_string().as_bytes(),
            caller,
        )
        .unwrap_err();
        assert_eq!(
            (
                error.code.as_str(),
                error.errors[0].path.as_str(),
                error.errors[0].static_code()
            ),
            ("validation_failed", "async", "not_allowed"),
            "{caller:?}"
        );
    }
}

#[test]
fn the_content_type_comes_from_the_key() {
    let cases = [
        ("scans/a.png", "image/png"),
        ("a.JPG", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("series/1.dcm", "application/dicom"),
        ("a.DICOM", "application/dicom"),
        ("a.tiff", "application/x-image"),
        ("no-extension", "application/x-image"),
        ("dir.png/file", "application/x-image"),
    ];
    for (key, expected) in cases {
        assert_eq!(content_type_for_key(key), expected, "{key}");
    }
}

#[test]
fn async_request_problems() {
    let long_key = format!("s3://bucket/{}", "k".repeat(1_020));
    let cases = vec![
        (
            json!({"image_data": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ", "image_type": "xray", "async": true}),
            vec![("async", "conflicting_field")],
        ),
        (
            json!({"image_data": "s3://bucket/a.png", "image_type": "xray", "async": true, "variant": "model-v1"}),
            vec![("variant", "conflicting_field")],
        ),
        (
            json!({"image_data": "s3://bucket/a.png", "image_type": "xray", "async": "yes"}),
            vec![("async", "invalid_type")],
        ),
        (
            json!({"image_data": long_key, "image_type": "xray", "async": true}),
            vec![("image_data", "invalid_s3_uri")],
        ),
        (
            json!({"image_data": "s3://bucket/scan-ü.png", "image_type": "xray", "async": true}),
            vec![("image_data", "invalid_s3_uri")],
        ),
        (
            json!({"image_data": "s3://bucket/a.png", "image_type": "xray", "async": true, "endpoint": "other"}),
            vec![("endpoint", "not_allowed")],
        ),
    ];
    for (body, expected) in cases {
        let error = image_call(body.clone(), &config()).unwrap_err();
        let found: Vec<(&str, &str)> = error
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.static_code()))
            .collect();
        assert_eq!(found, expected, "{body}");
    }
    // Without a result secret the deployment has no asynchronous inference.
    let off = GatewayConfig::new(serde_json::from_value(json!({"region": "us-east-1"})).unwrap())
        .unwrap();
    let error = image_call(
        json!({"image_data": "s3://bucket/a.png", "image_type": "xray", "async": true}),
        &off,
    )
    .unwrap_err();
    assert_eq!(error.errors[0].path, "async");
    assert_eq!(error.errors[0].code, "not_allowed");
    assert_eq!(
        error.errors[0].message,
        "asynchronous inference is not enabled on this deployment"
    );
}

#[test]
fn async_settings_are_checked_and_named() {
    let problems = |asynchronous: Value| -> Vec<(String, String)> {
        let settings = json!({"region": "us-east-1", "asyncInference": asynchronous});
        let settings = crate::GatewaySettings::from_json(settings);
        let error = settings
            .and_then(GatewayConfig::new)
            .map(|_| ())
            .unwrap_err();
        error
            .errors
            .iter()
            .map(|e| (e.path.clone(), e.message.clone()))
            .collect()
    };
    assert_eq!(
        problems(json!({"resultSecret": "too short"})),
        [(
            "asyncInference.resultSecret".to_owned(),
            "must be at least 32 bytes long".to_owned()
        )]
    );
    assert_eq!(
        problems(json!({"resultSecret": SECRET, "s3EndpointUrl": "http://10.0.0.1:9000"}))[0].0,
        "asyncInference.s3EndpointUrl"
    );
    assert_eq!(
        problems(json!({"resultSecret": SECRET, "imageEndpoint": "bad_name"}))[0].0,
        "asyncInference.imageEndpoint"
    );
    assert_eq!(problems(json!({"secret": SECRET}))[0].0, "asyncInference");
    // The secret never appears in Debug output.
    assert!(!format!("{:?}", config()).contains(SECRET));
}

// ---------------------------------------------------------------------------
// SageMaker's answer
// ---------------------------------------------------------------------------

fn accept(status: u16, pairs: &[(&str, &str)], body: &str) -> Result<AsyncAccepted, GatewayError> {
    let headers = headers(pairs);
    let response = UpstreamResponse {
        status,
        headers: &headers,
        body: body.as_bytes(),
    };
    accept_async_response(&config(), response, NOW, CALLER)
}

#[test]
fn an_accepted_invocation_becomes_a_signed_id() {
    let accepted = accept(
        202,
        &[
            ("X-Amzn-SageMaker-OutputLocation", OUTPUT),
            ("X-Amzn-SageMaker-FailureLocation", FAILURE),
        ],
        r#"{"InferenceId":"c0ffee-1"}"#,
    )
    .unwrap();
    assert_eq!(accepted.status, "pending");
    assert_eq!(accepted.inference_id.as_deref(), Some("c0ffee-1"));
    assert_eq!(
        accepted.id,
        issue_async_id(&key(), &location(OUTPUT, Some(FAILURE), NOW), CALLER)
    );
    assert_eq!(
        open_async_id(&key(), &accepted.id, CALLER, NOW + 1_000).unwrap(),
        location(OUTPUT, Some(FAILURE), NOW)
    );
    // The exact id: v2.<base64url JSON>.<base64url HMAC-SHA256>; the caller
    // is covered by the tag but not written in the id.
    assert!(!accepted.id.contains(CALLER));
    let (payload, tag) = accepted
        .id
        .strip_prefix("v2.")
        .unwrap()
        .split_once('.')
        .unwrap();
    assert_eq!(
        String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap(),
        format!(r#"{{"o":"{OUTPUT}","f":"{FAILURE}","t":{NOW}}}"#)
    );
    assert_eq!(URL_SAFE_NO_PAD.decode(tag).unwrap().len(), 32);

    // Without a failure path, and SageMaker's InferenceId when it has its shape.
    let cases: &[(&str, Option<&str>)] = &[
        (r#"{"InferenceId":"x"}"#, Some("x")),
        (r#"{"InferenceId":""}"#, None),
        (r#"{"InferenceId":"a\nb"}"#, None),
        (r#"{"InferenceId":7}"#, None),
        ("not json", None),
    ];
    for (body, inference_id) in cases {
        let accepted = accept(202, &[("x-amzn-sagemaker-outputlocation", OUTPUT)], body).unwrap();
        assert_eq!(accepted.inference_id.as_deref(), *inference_id, "{body}");
        let opened = open_async_id(&key(), &accepted.id, CALLER, NOW).unwrap();
        assert_eq!(opened, location(OUTPUT, None, NOW));
    }
}

#[test]
fn unusable_or_failed_submissions_are_errors() {
    type Case<'a> = (u16, Vec<(&'a str, &'a str)>, &'a str, &'a str, u16);
    let cases: Vec<Case> = vec![
        (202, vec![], "{}", "upstream_error", 502),
        (
            202,
            vec![("x-amzn-sagemaker-outputlocation", "https://x/y")],
            "{}",
            "upstream_error",
            502,
        ),
        (
            202,
            vec![
                ("x-amzn-sagemaker-outputlocation", OUTPUT),
                ("x-amzn-sagemaker-failurelocation", "s3://Bad/"),
            ],
            "{}",
            "upstream_error",
            502,
        ),
        (
            400,
            vec![("x-amzn-ErrorType", "ValidationError")],
            r#"{"message":"no"}"#,
            "sagemaker_validation_error",
            502,
        ),
        (
            503,
            vec![("x-amzn-ErrorType", "ServiceUnavailable")],
            "{}",
            "sagemaker_unavailable",
            503,
        ),
    ];
    for (status, pairs, body, code, client_status) in cases {
        let error = accept(status, &pairs, body).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status()),
            (code, client_status),
            "{pairs:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------

#[test]
fn ids_cannot_be_forged_altered_borrowed_or_kept_forever() {
    let issue = |location: &AsyncResultLocation| issue_async_id(&key(), location, CALLER);
    let id = issue(&location(OUTPUT, Some(FAILURE), NOW));
    let (signed, tag) = id.rsplit_once('.').unwrap();
    let payload = signed.strip_prefix("v2.").unwrap();
    let forged_payload = URL_SAFE_NO_PAD
        .encode(format!(r#"{{"o":"s3://other-bucket/secret.csv","t":{NOW}}}"#).as_bytes());
    let other_key = AsyncIdKey::from_secret(&"another-secret-".repeat(3)).unwrap();
    let mut flipped = id.clone().into_bytes();
    flipped[10] ^= 1;
    // The same location signed the way v1 ids were (no caller in the tag).
    let v1_tag = {
        use hmac::{Hmac, KeyInit, Mac};
        let derived = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes())
            .unwrap()
            .chain_update(b"healthnav-edge async result id v1")
            .finalize()
            .into_bytes();
        let mac = Hmac::<sha2::Sha256>::new_from_slice(&derived)
            .unwrap()
            .chain_update(format!("v1.{payload}").as_bytes())
            .finalize()
            .into_bytes();
        URL_SAFE_NO_PAD.encode(mac)
    };
    let cases: Vec<(String, &str, u16)> = vec![
        (String::new(), "missing_async_id", 400),
        ("v2".into(), "unknown_async_id", 404),
        ("v2.abc".into(), "unknown_async_id", 404),
        (String::from_utf8(flipped).unwrap(), "unknown_async_id", 404),
        (
            format!("v2.{forged_payload}.{tag}"),
            "unknown_async_id",
            404,
        ),
        (format!("v1.{payload}.{tag}"), "unknown_async_id", 404),
        (format!("v1.{payload}.{v1_tag}"), "unknown_async_id", 404),
        // Another caller's id for the same location.
        (
            issue_async_id(&key(), &location(OUTPUT, Some(FAILURE), NOW), OTHER_CALLER),
            "unknown_async_id",
            404,
        ),
        (format!("{signed}.{}", &tag[1..]), "unknown_async_id", 404),
        (format!("{id}.x"), "unknown_async_id", 404),
        (
            issue_async_id(&other_key, &location(OUTPUT, None, NOW), CALLER),
            "unknown_async_id",
            404,
        ),
        (
            format!("{id}{}", "A".repeat(5_000)),
            "unknown_async_id",
            404,
        ),
        // Issued in the future (beyond clock skew), or too long ago.
        (
            issue(&location(OUTPUT, None, NOW + 600_000)),
            "unknown_async_id",
            404,
        ),
        (
            issue(&location(OUTPUT, None, NOW - MAX_ID_AGE_MS - 1)),
            "async_id_expired",
            410,
        ),
    ];
    for (candidate, code, status) in cases {
        let error = open_async_id(&key(), &candidate, CALLER, NOW).unwrap_err();
        assert_eq!((error.code.as_str(), error.status()), (code, status), "{candidate}");
    }
    let just_in_time = issue(&location(OUTPUT, None, NOW - MAX_ID_AGE_MS));
    assert!(open_async_id(&key(), &just_in_time, CALLER, NOW).is_ok());
    // The caller's own valid id, opened by anyone else (or by nobody), is
    // indistinguishable from an id that was never issued.
    for stranger in [
        OTHER_CALLER,
        "",
        "5b0d6a1e-patient-a ",
        "5B0D6A1E-PATIENT-A",
    ] {
        let error = open_async_id(&key(), &id, stranger, NOW).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status()),
            ("unknown_async_id", 404),
            "{stranger:?}"
        );
    }
}

#[test]
fn an_id_opens_to_the_s3_urls_of_its_objects() {
    let id = issue_async_id(&key(), &location(OUTPUT, Some(FAILURE), NOW), CALLER);
    let cases = [
        (
            config(),
            "https://hn-async.s3.us-east-1.amazonaws.com/output/9f1c.out",
            "https://hn-async.s3.us-east-1.amazonaws.com/failures/9f1c-error.out",
        ),
        (
            config_with(json!({"resultSecret": SECRET, "s3EndpointUrl": "http://127.0.0.1:54330"})),
            "http://127.0.0.1:54330/hn-async/output/9f1c.out",
            "http://127.0.0.1:54330/hn-async/failures/9f1c-error.out",
        ),
    ];
    for (config, output_url, failure_url) in cases {
        for path in [
            format!("/sagemaker-image-analysis/{id}"),
            format!("/sagemaker-image-analysis?id={id}"),
        ] {
            assert_eq!(
                open_async_result(&config, &path, NOW, Some(CALLER)).unwrap(),
                AsyncResultUrls {
                    id: id.clone(),
                    output_url: output_url.into(),
                    failure_url: Some(failure_url.into()),
                    submitted_at_ms: NOW,
                }
            );
        }
    }
    let missing =
        open_async_result(&config(), "/sagemaker-image-analysis", NOW, Some(CALLER)).unwrap_err();
    assert_eq!((missing.code.as_str(), missing.status()), ("missing_async_id", 400));
    // Without a caller (the app's public key) or as another caller: unknown.
    for stranger in [None, Some(OTHER_CALLER)] {
        let path = format!("/sagemaker-image-analysis/{id}");
        let error = open_async_result(&config(), &path, NOW, stranger).unwrap_err();
        assert_eq!((error.code.as_str(), error.status()), ("unknown_async_id", 404));
    }
    let off = GatewayConfig::new(serde_json::from_value(json!({"region": "us-east-1"})).unwrap())
        .unwrap();
    let disabled = open_async_result(
        &off,
        &format!("/sagemaker-image-analysis/{id}"),
        NOW,
        Some(CALLER),
    )
    .unwrap_err();
    assert_eq!((disabled.code.as_str(), disabled.status()), ("async_not_enabled", 501));
    // A GET without an id is the client's mistake wherever it is sent.
    let missing =
        open_async_result(&off, "/sagemaker-image-analysis?id=", NOW, Some(CALLER)).unwrap_err();
    assert_eq!((missing.code.as_str(), missing.status()), ("missing_async_id", 400));
}

// ---------------------------------------------------------------------------
// What S3 holds
// ---------------------------------------------------------------------------

const NO_SUCH_KEY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"#;

/// An S3 answer: status, headers, body.
type S3Answer = (u16, Vec<(String, String)>, String);
/// What reading it gives: nothing yet (`None`), or an error's code and status.
type S3Case = (S3Answer, Option<(&'static str, u16)>);

fn s3(status: u16, content_type: &str, body: &str) -> S3Answer {
    (
        status,
        headers(&[("Content-Type", content_type)]),
        body.to_owned(),
    )
}

#[test]
fn the_output_object_is_the_result_and_its_absence_is_pending() {
    let (status, headers, body) = s3(
        200,
        "application/json",
        r#"{"prediction":[0.05,0.7,0.1,0.1,0.05]}"#,
    );
    let response = UpstreamResponse {
        status,
        headers: &headers,
        body: body.as_bytes(),
    };
    let result = read_async_output(&config(), response, 8_000)
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::to_value(result).unwrap(),
        json!({"predictions": [
            {"condition": "pneumonia", "confidence": 0.7, "severity": null},
            {"condition": "pleural_effusion", "confidence": 0.1, "severity": null},
            {"condition": "cardiomegaly", "confidence": 0.1, "severity": null},
            {"condition": "normal", "confidence": 0.05, "severity": null},
            {"condition": "nodule", "confidence": 0.05, "severity": null}],
            "model_version": null, "invoked_variant": null, "inference_time_ms": 8000,
            "output_format": "image_classification"})
    );
    let cases: Vec<S3Case> = vec![
        (s3(404, "application/xml", NO_SUCH_KEY), None),
        (s3(404, "text/plain", ""), None),
        (
            s3(
                404,
                "application/xml",
                "<Error><Code>NoSuchBucket</Code></Error>",
            ),
            Some(("upstream_error", 502)),
        ),
        (
            s3(
                403,
                "application/xml",
                "<Error><Code>AccessDenied</Code></Error>",
            ),
            Some(("upstream_auth_failed", 502)),
        ),
        (
            s3(
                403,
                "application/xml",
                "<Error><Code>SignatureDoesNotMatch</Code></Error>",
            ),
            Some(("upstream_auth_failed", 502)),
        ),
        (
            s3(
                503,
                "application/xml",
                "<Error><Code>SlowDown</Code></Error>",
            ),
            Some(("throttled", 429)),
        ),
        (
            s3(
                500,
                "application/xml",
                "<Error><Code>InternalError</Code></Error>",
            ),
            Some(("upstream_unavailable", 502)),
        ),
        (
            s3(200, "application/json", "{\"prediction\": [1]}"),
            Some(("invalid_model_output", 502)),
        ),
    ];
    for ((status, headers, body), expected) in cases {
        let response = UpstreamResponse {
            status,
            headers: &headers,
            body: body.as_bytes(),
        };
        let outcome = read_async_output(&config(), response, 1);
        match expected {
            None => assert_eq!(outcome.unwrap(), None, "{body}"),
            Some((code, client_status)) => {
                let error = outcome.unwrap_err();
                assert_eq!((error.code.as_str(), error.status()), (code, client_status), "{body}");
            }
        }
    }
}

#[test]
fn the_failure_object_is_the_problem() {
    let cases: Vec<S3Case> = vec![
        (s3(404, "application/xml", NO_SUCH_KEY), None),
        (
            s3(
                200,
                "application/json",
                r#"{"ErrorCode":"CLIENT_ERROR_FROM_MODEL","OriginalStatusCode":415,"OriginalMessage":"not an image"}"#,
            ),
            Some(("model_rejected_input", 422)),
        ),
        (
            s3(
                200,
                "text/plain",
                "Received server error (500) from primary with message \"boom\".",
            ),
            Some(("model_error", 502)),
        ),
        (
            s3(200, "application/json", r#"{"OriginalStatusCode":0}"#),
            Some(("model_timeout", 504)),
        ),
        (
            s3(
                403,
                "application/xml",
                "<Error><Code>AccessDenied</Code></Error>",
            ),
            Some(("upstream_auth_failed", 502)),
        ),
    ];
    for ((status, headers, body), expected) in cases {
        let response = UpstreamResponse {
            status,
            headers: &headers,
            body: body.as_bytes(),
        };
        match (read_async_failure(response), expected) {
            (Ok(()), None) => {}
            (Err(error), Some((code, client_status))) => {
                assert_eq!((error.code.as_str(), error.status()), (code, client_status), "{body}");
                // The failure's own text may quote the patient payload: never passed on.
                assert!(!error.message.contains("not an image") && !error.message.contains("boom"));
            }
            (outcome, _) => panic!("{body}: unexpected {outcome:?}"),
        }
    }
}
