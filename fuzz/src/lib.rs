//! Shared pieces of the healthnav-edge fuzz targets: the gateway
//! configurations the targets run against, the invariants every result or
//! error must satisfy, the byte layout of an upstream (SageMaker) response,
//! and a JSON model for the structured request generators.
//!
//! Invariants are plain `assert!`s: libFuzzer reports a failed one as a crash
//! with the input that caused it.

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result as ArbResult, Unstructured};
use healthnav_edge::config::async_settings::{AsyncSettings, Secret};
use healthnav_edge::request::batch::{BatchPlan, JSON_LINES};
use healthnav_edge::config::{EndpointDefaults, EndpointLists};
use healthnav_edge::request::image_bytes::ImageFormat;
use healthnav_edge::request::image::{ANALYSIS_TYPES, IMAGE_TYPES};
use healthnav_edge::invocation::InvocationMode;
use healthnav_edge::limits::MAX_SAGEMAKER_BODY_BYTES;
use healthnav_edge::config::names::check_sagemaker_name;
use healthnav_edge::config::labels::{ScoreMeaning, TRIAGE_LEVELS};
use healthnav_edge::response::{NormalizedResult, MAX_PREDICTIONS, SEVERITIES};
use healthnav_edge::config::s3_location::S3Location;
use healthnav_edge::response::sagemaker_error::{classify_sagemaker_error, sanitise_code};
use healthnav_edge::request::triage::GENDERS;
use healthnav_edge::{
    sign_request, Credentials, GatewayConfig, GatewayError, GatewaySettings, Invocation,
    ModelFunction, PayloadHash, SigningRequest, UpstreamResponse,
};

/// Planted in generated string values; no error message may repeat it.
pub const MARKER: &str = "PHIMARKER";

/// Whether a text repeats the marker (in any case).
pub fn contains_marker(text: &str) -> bool {
    text.to_ascii_lowercase().contains("phimarker")
}

/// The configurations the request and response targets run against.
///
/// 0. the defaults for `us-east-1` (what most deployments run);
/// 1. a loopback override with a path prefix, allow-lists for endpoints and
///    buckets, a custom triage endpoint, two image labels and probability
///    triage scores;
/// 2. GovCloud with FIPS and every endpoint allowed.
pub fn configs() -> &'static [GatewayConfig; 3] {
    static CONFIGS: OnceLock<[GatewayConfig; 3]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let default = GatewaySettings {
            region: "us-east-1".into(),
            ..Default::default()
        };
        let local = GatewaySettings {
            region: "eu-west-1".into(),
            endpoint_url: Some("http://127.0.0.1:54329/prefix/".into()),
            allowed_endpoints: EndpointLists {
                triage: Some(vec!["medical-x1".into(), "medical-triage-endpoint".into()]),
                image_analysis: Some(vec!["medical-x1".into()]),
                risk_score: Some(vec!["other-endpoint".into()]),
            },
            allowed_buckets: Some(vec!["healthnav-images".into(), "my.bucket-1".into()]),
            s3_key_prefix: Some("patients/{sub}/".into()),
            client_variants: Some(vec!["model-v1".into(), "model-v2".into(), "A--1".into()]),
            sticky_variants: Some(vec![
                "model-v1:1".into(),
                "model-v2:1".into(),
                "A--1:0".into(),
            ]),
            endpoints: EndpointDefaults {
                triage: Some("triage-v2".into()),
                ..Default::default()
            },
            image_labels: Some(vec!["benign".into(), "malignant".into()]),
            triage_score_meaning: Some(ScoreMeaning::Probability),
            ..Default::default()
        };
        let fips = GatewaySettings {
            region: "us-gov-west-1".into(),
            use_fips: true,
            allowed_endpoints: every_pick(),
            allowed_buckets: Some(vec!["healthnav-images".into()]),
            client_variants: Some(VARIANT_PICKS.map(str::to_owned).to_vec()),
            ..Default::default()
        };
        [default, local, fips].map(|settings| match GatewayConfig::new(settings) {
            Ok(config) => config,
            Err(error) => panic!("fuzz configuration refused: {error}"),
        })
    })
}

/// Every endpoint pick, for each function: the configuration where a client
/// may name any of them.
fn every_pick() -> EndpointLists {
    let all = || Some(ENDPOINT_PICKS.map(str::to_owned).to_vec());
    EndpointLists {
        triage: all(),
        image_analysis: all(),
        risk_score: all(),
    }
}

/// The signed-in caller the targets build requests for: its folder is the
/// one `patients/{sub}/` allows, and it may start asynchronous inferences.
pub const FUZZ_CALLER: &str = "fuzz-caller";

/// Credentials used to check that accepted invocations can be signed.
pub fn test_credentials() -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    }
}

/// 2023-11-14T22:13:20Z, a fixed signing time.
pub const TEST_TIME_MS: f64 = 1_700_000_000_000.0;

/// A lower-case `snake_case` machine code.
fn is_machine_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// What every error satisfies: a machine code, a 4xx/5xx status, a
/// non-empty message and well-formed field errors.
pub fn check_error_shape(error: &GatewayError) {
    assert!(
        is_machine_code(error.code),
        "bad error code {:?}",
        error.code
    );
    assert!(
        (400..=599).contains(&error.status),
        "status {} is not 4xx/5xx",
        error.status
    );
    assert!(!error.message.trim().is_empty(), "empty error message");
    for field in &error.errors {
        assert!(
            is_machine_code(field.code),
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
    let expected_status = match error.code {
        "empty_body" | "invalid_json" => 400,
        "body_too_large" => 413,
        "validation_failed" => 422,
        other => panic!("unexpected request error code {other:?} ({error})"),
    };
    assert_eq!(error.status, expected_status, "{error}");
    assert!(!error.retryable && error.upstream.is_none(), "{error:?}");
    if error.code == "validation_failed" {
        assert!(
            !error.errors.is_empty(),
            "validation_failed without field errors"
        );
    }
    assert_no_marker(error);
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// What an accepted request became: an InvokeEndpoint call on the configured
/// base, for an allowed endpoint, in the function's wire format, and signable.
pub fn check_invocation(config: &GatewayConfig, function: ModelFunction, invocation: &Invocation) {
    let base = config.base_url.as_str();
    assert!(
        invocation.url.starts_with(base),
        "{} is not under {base}",
        invocation.url
    );
    let operation = if invocation.mode == InvocationMode::Async {
        "async-invocations"
    } else {
        "invocations"
    };
    assert_eq!(
        invocation.url,
        format!("{base}/endpoints/{}/{operation}", invocation.endpoint)
    );
    assert!(
        check_sagemaker_name(&invocation.endpoint).is_ok(),
        "endpoint {:?}",
        invocation.endpoint
    );
    assert!(
        config.endpoints(function).allows(&invocation.endpoint)
            || (invocation.mode == InvocationMode::Async
                && config
                    .asynchronous
                    .as_ref()
                    .is_some_and(|a| a.image_endpoint == invocation.endpoint)),
        "endpoint {:?} is not allowed",
        invocation.endpoint
    );
    assert!(invocation.body.len() <= MAX_SAGEMAKER_BODY_BYTES);

    let mut names: Vec<&str> = invocation
        .headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(
        names
            .iter()
            .all(|name| !name.bytes().any(|b| b.is_ascii_uppercase())),
        "{names:?}"
    );
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        invocation.headers.len(),
        "duplicate headers {:?}",
        invocation.headers
    );
    match &invocation.variant {
        Some(variant) => {
            assert!(check_sagemaker_name(variant).is_ok(), "variant {variant:?}");
            assert_eq!(
                header(&invocation.headers, "x-amzn-sagemaker-target-variant"),
                Some(variant.as_str())
            );
        }
        None => assert!(header(&invocation.headers, "x-amzn-sagemaker-target-variant").is_none()),
    }
    let content_type = header(&invocation.headers, "content-type").unwrap_or_default();
    let accept = header(&invocation.headers, "accept").unwrap_or_default();
    let attributes = header(&invocation.headers, "x-amzn-sagemaker-custom-attributes");

    match (&invocation.mode, function) {
        (InvocationMode::Batch(plan), _) => {
            check_batch_invocation(function, plan, invocation, content_type, accept, attributes)
        }
        (InvocationMode::Async, _) => check_async_invocation(config, function, invocation),
        (InvocationMode::Single, ModelFunction::Triage) => {
            assert_eq!(
                (content_type, accept, attributes),
                ("application/json", "application/json", None)
            );
            check_triage_record(&invocation.body);
        }
        (InvocationMode::Single, ModelFunction::ImageAnalysis) => {
            assert_eq!(accept, "application/json");
            if content_type == "application/json" {
                assert!(attributes.is_none());
                let body: serde_json::Value =
                    serde_json::from_slice(&invocation.body).unwrap_or_default();
                let url = body["image_url"].as_str().unwrap_or_default();
                let location = S3Location::parse(url)
                    .unwrap_or_else(|e| panic!("image_url {url:?} does not parse: {e:?}"));
                assert_eq!(location.uri(), url);
                assert!(config.s3_access.check(&location, Some(FUZZ_CALLER)).is_ok());
                assert!(IMAGE_TYPES.contains(&body["image_type"].as_str().unwrap_or_default()));
                assert!(
                    ANALYSIS_TYPES.contains(&body["analysis_type"].as_str().unwrap_or_default())
                );
            } else {
                let detected = ImageFormat::detect(&invocation.body).map(ImageFormat::content_type);
                assert_eq!(
                    detected,
                    Some(content_type),
                    "inline image sent with the wrong type"
                );
                let attributes = attributes.unwrap_or_default();
                let (image_type, analysis_type) = attributes
                    .strip_prefix("image_type=")
                    .and_then(|rest| rest.split_once(",analysis_type="))
                    .unwrap_or_else(|| panic!("custom attributes {attributes:?}"));
                assert!(
                    IMAGE_TYPES.contains(&image_type) && ANALYSIS_TYPES.contains(&analysis_type)
                );
            }
        }
        (InvocationMode::Single, ModelFunction::RiskScore) => {
            assert_eq!(
                (content_type, accept, attributes),
                ("text/csv", "text/csv", None)
            );
            check_risk_rows(&invocation.body, 1);
        }
    }

    let credentials = test_credentials();
    let signed = sign_request(&SigningRequest {
        method: "POST",
        url: &invocation.url,
        headers: &invocation.headers,
        payload: PayloadHash::Body(&invocation.body),
        region: &config.region,
        service: "sagemaker",
        credentials: &credentials,
        time_ms: TEST_TIME_MS,
    });
    if let Err(error) = signed {
        panic!("an accepted invocation cannot be signed: {error} ({invocation:?})");
    }
}

/// One triage model input: the guide's JSON object.
pub fn check_triage_record(record: &[u8]) {
    let body: serde_json::Value = serde_json::from_slice(record).unwrap_or_default();
    let map = body
        .as_object()
        .unwrap_or_else(|| panic!("triage body is not an object"));
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    let mut expected = [
        "symptoms",
        "age",
        "gender",
        "medical_history",
        "current_medications",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    let symptoms = map["symptoms"].as_array().map_or(0, Vec::len);
    assert!((1..=20).contains(&symptoms));
    let age = map["age"].as_f64().unwrap_or(-1.0);
    assert!((0.0..=130.0).contains(&age), "age {age}");
    assert!(GENDERS.contains(&map["gender"].as_str().unwrap_or_default()));
}

/// `rows` CSV rows of the risk model, each of 20 numeric or empty fields.
pub fn check_risk_rows(body: &[u8], rows: usize) {
    let text = std::str::from_utf8(body).unwrap_or_else(|_| panic!("CSV is not UTF-8"));
    let text = text
        .strip_suffix('\n')
        .unwrap_or_else(|| panic!("CSV without a final line break"));
    let lines: Vec<&str> = text.split('\n').collect();
    assert_eq!(lines.len(), rows, "{text:?}");
    for row in lines {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), 20, "{row}");
        for field in fields {
            assert!(
                field.is_empty() || field.parse::<f64>().is_ok_and(f64::is_finite),
                "CSV field {field:?}"
            );
        }
    }
}

/// A batch invocation: a consistent plan, one record per sent patient in the
/// container's multi-record format, no custom attributes.
fn check_batch_invocation(
    function: ModelFunction,
    plan: &BatchPlan,
    invocation: &Invocation,
    content_type: &str,
    accept: &str,
    attributes: Option<&str>,
) {
    assert!(plan.is_consistent(), "{plan:?}");
    assert!(attributes.is_none());
    for slot in &plan.slots {
        for error in &slot.errors {
            assert!(is_machine_code(&error.code), "{error:?}");
            assert!(!error.message.trim().is_empty(), "{error:?}");
            assert!(
                error.path.starts_with(&format!("patients[{}]", slot.index)),
                "{error:?}"
            );
            assert!(!contains_marker(&error.message), "{error:?}");
        }
    }
    match function {
        ModelFunction::Triage => {
            assert_eq!((content_type, accept), (JSON_LINES, JSON_LINES));
            let text = invocation
                .body
                .strip_suffix(b"\n")
                .unwrap_or_else(|| panic!("JSON Lines without a final line break"));
            let lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
            assert_eq!(lines.len(), plan.sent());
            lines.into_iter().for_each(check_triage_record);
        }
        ModelFunction::RiskScore => {
            assert_eq!((content_type, accept), ("text/csv", "text/csv"));
            check_risk_rows(&invocation.body, plan.sent());
        }
        ModelFunction::ImageAnalysis => panic!("an image batch"),
    }
}

/// An InvokeEndpointAsync call: an S3 image in an allowed bucket as the
/// input location, an empty body, no variant.
fn check_async_invocation(
    config: &GatewayConfig,
    function: ModelFunction,
    invocation: &Invocation,
) {
    assert_eq!(function, ModelFunction::ImageAnalysis);
    assert!(config.asynchronous.is_some(), "async without settings");
    assert!(invocation.body.is_empty());
    assert!(invocation.variant.is_none());
    let get = |name: &str| header(&invocation.headers, name).unwrap_or_default();
    assert_eq!(get("x-amzn-sagemaker-accept"), "application/json");
    assert!([
        "image/png",
        "image/jpeg",
        "application/dicom",
        "application/x-image"
    ]
    .contains(&get("x-amzn-sagemaker-content-type")));
    let uri = get("x-amzn-sagemaker-inputlocation");
    let location =
        S3Location::parse(uri).unwrap_or_else(|e| panic!("input location {uri:?}: {e:?}"));
    assert_eq!(location.uri(), uri);
    assert!(uri.is_ascii());
    assert!(config.s3_access.check(&location, Some(FUZZ_CALLER)).is_ok());
    let attributes = get("x-amzn-sagemaker-custom-attributes");
    let (image_type, analysis_type) = attributes
        .strip_prefix("image_type=")
        .and_then(|rest| rest.split_once(",analysis_type="))
        .unwrap_or_else(|| panic!("custom attributes {attributes:?}"));
    assert!(IMAGE_TYPES.contains(&image_type) && ANALYSIS_TYPES.contains(&analysis_type));
}

/// One of the three functions from a byte.
pub fn function_from(byte: u8) -> ModelFunction {
    ModelFunction::ALL[usize::from(byte) % ModelFunction::ALL.len()]
}

// ---------------------------------------------------------------------------
// Upstream responses
// ---------------------------------------------------------------------------

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
    let (status, retryable) = match error.code {
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
        (error.status, error.retryable),
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

fn probability(value: f64) -> bool {
    value.is_finite() && (0.0..=1.0).contains(&value)
}

fn check_text(text: &str, max_chars: usize) {
    assert!(
        !text.trim().is_empty() && text == text.trim(),
        "text {text:?}"
    );
    assert!(
        text.chars().count() <= max_chars,
        "text longer than {max_chars}"
    );
    assert!(
        !text.chars().any(healthnav_edge::text::is_forbidden_char),
        "{text:?}"
    );
}

/// Runs `normalize_response` for `function` and checks what it returns.
pub fn check_normalize(config: &GatewayConfig, function: ModelFunction, upstream: &Upstream) {
    let result =
        healthnav_edge::normalize_response(config, function, upstream.response(), ELAPSED_MS);
    if !(200..300).contains(&upstream.status) {
        let error = result.expect_err("a non-2xx answer was accepted");
        assert_eq!(
            error,
            classify_sagemaker_error(upstream.status, &upstream.headers, &upstream.body)
        );
        check_upstream_error(upstream, &error);
        return;
    }
    let variant = upstream
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-amzn-invoked-production-variant"))
        .map(|(_, value)| value.as_str());
    match result {
        Err(error) => check_model_output_error(&error),
        Ok(result) => check_result(config, function, result, variant),
    }
}

/// A 2xx answer the gateway could not use: a 502 invalid_model_output that
/// does not repeat the answer.
pub fn check_model_output_error(error: &GatewayError) {
    check_error_shape(error);
    assert_eq!(
        (error.code, error.status, error.retryable),
        ("invalid_model_output", 502, false),
        "{error:?}"
    );
    assert!(error.upstream.is_none());
    assert_no_marker(error);
}

/// What a normalised result must be, `variant` being the answer's
/// `x-Amzn-Invoked-Production-Variant`.
pub fn check_result(
    config: &GatewayConfig,
    function: ModelFunction,
    result: NormalizedResult,
    variant: Option<&str>,
) {
    let check_version = |version: &Option<String>| {
        if let Some(version) = version {
            if Some(version.as_str()) != variant {
                check_text(version, 64);
            } else {
                assert!(check_sagemaker_name(version).is_ok());
            }
        }
    };
    {
        assert!(serde_json::to_string(&result).is_ok());
        match (function, result) {
            (ModelFunction::Triage, NormalizedResult::Triage(r)) => {
                assert!(probability(r.urgency_score), "urgency {}", r.urgency_score);
                assert!(TRIAGE_LEVELS.contains(&r.risk_level));
                assert!(
                    r.confidence.is_none_or(probability),
                    "confidence {:?}",
                    r.confidence
                );
                assert!(r.key_findings.len() <= 50);
                r.key_findings.iter().for_each(|f| check_text(f, 300));
                if let Some(specialty) = &r.recommended_specialty {
                    check_text(specialty, 100);
                }
                check_version(&r.model_version);
                assert_eq!(r.inference_time_ms, ELAPSED_MS);
                assert!(!r.output_format.is_empty());
            }
            (ModelFunction::ImageAnalysis, NormalizedResult::Image(r)) => {
                assert!(r.predictions.len() <= 100);
                assert!(
                    r.predictions
                        .windows(2)
                        .all(|w| w[0].confidence >= w[1].confidence),
                    "not sorted"
                );
                for p in &r.predictions {
                    assert!(probability(p.confidence), "confidence {}", p.confidence);
                    // Raw containers' conditions are the configured labels (checked below).
                    if r.output_format == "custom_json" {
                        check_text(&p.condition, 100);
                    }
                    assert!(p
                        .severity
                        .as_deref()
                        .is_none_or(|s| SEVERITIES.contains(&s)));
                }
                if r.output_format != "custom_json" {
                    let labels = config.image_labels.as_slice();
                    assert!(r.predictions.len() == labels.len().min(MAX_PREDICTIONS));
                    assert!(r
                        .predictions
                        .iter()
                        .all(|p| labels.contains(&p.condition) && p.severity.is_none()));
                }
                check_version(&r.model_version);
                assert_eq!(r.inference_time_ms, ELAPSED_MS);
            }
            (ModelFunction::RiskScore, NormalizedResult::Risk(r)) => {
                assert!(probability(r.risk_score), "risk score {}", r.risk_score);
                assert!(TRIAGE_LEVELS.contains(&r.risk_level));
                assert!(r.factors.len() <= 50);
                r.factors.iter().for_each(|f| check_text(f, 300));
                if r.output_format != "custom_json" {
                    assert!(
                        r.factors.is_empty(),
                        "a raw container's factors were invented"
                    );
                }
                check_version(&r.model_version);
                assert_eq!(r.inference_time_ms, ELAPSED_MS);
            }
            (function, other) => panic!("{function:?} returned {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// Structured JSON
// ---------------------------------------------------------------------------

/// JSON as written on the wire: objects keep duplicate keys and numbers keep
/// their text, so the generators can send what serde_json would never write.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number's literal text (may be `1e400`, which is not a finite number).
    Num(String),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Out>),
    /// An object; keys may repeat.
    Obj(Vec<(String, Out)>),
}

impl Out {
    /// The JSON text.
    pub fn to_json(&self) -> String {
        let mut text = String::new();
        self.write(&mut text);
        text
    }

    fn write(&self, out: &mut String) {
        match self {
            Out::Null => out.push_str("null"),
            Out::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Out::Num(n) => out.push_str(n),
            Out::Str(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
            Out::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Out::Obj(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::to_string(key).unwrap_or_default());
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Strings that carry the marker in shapes each rule refuses differently.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum MarkerShape {
    /// `PHIMARKER`.
    Plain,
    /// Surrounded by spaces and tabs.
    Padded,
    /// Repeated past every length limit.
    TooLong,
    /// With a line break.
    NewLine,
    /// With a right-to-left override.
    Bidi,
    /// With a NUL.
    Nul,
    /// In an invalid endpoint name.
    InName,
    /// As an S3 bucket.
    S3Bucket,
    /// In an S3 key with a control character.
    S3Key,
    /// In an http URL.
    HttpUrl,
    /// As a data URL's media type.
    DataMime,
    /// As a data URL's payload.
    DataPayload,
    /// As bare base64 that decodes to no image.
    Base64,
    /// In a `file:` URL.
    FileScheme,
    /// With non-ASCII text.
    Unicode,
    /// With quotes and a backslash.
    Quoted,
    /// With an uppercase allow-list near-miss.
    Upper,
}

impl MarkerShape {
    /// The string.
    pub fn text(self) -> String {
        match self {
            MarkerShape::Plain => MARKER.to_owned(),
            MarkerShape::Padded => format!(" \t {MARKER} \t "),
            MarkerShape::TooLong => MARKER.repeat(40),
            MarkerShape::NewLine => format!("{MARKER}\n{MARKER}"),
            MarkerShape::Bidi => format!("{MARKER}\u{202E}"),
            MarkerShape::Nul => format!("\0{MARKER}"),
            MarkerShape::InName => format!("medical-{MARKER}_x"),
            MarkerShape::S3Bucket => format!("s3://{MARKER}/x.jpg"),
            MarkerShape::S3Key => format!("s3://healthnav-images/{MARKER}\u{7}"),
            MarkerShape::HttpUrl => format!("http://{MARKER}.example.com/x"),
            MarkerShape::DataMime => format!("data:image/{MARKER};base64,iVBORw0KGgo="),
            MarkerShape::DataPayload => format!("data:image/png;base64,{MARKER}"),
            MarkerShape::Base64 => format!("{MARKER}PHI"),
            MarkerShape::FileScheme => format!("file:{MARKER}"),
            MarkerShape::Unicode => format!("{MARKER}-発熱-🤒"),
            MarkerShape::Quoted => format!("\"{MARKER}\"\\"),
            MarkerShape::Upper => format!("Medical-{MARKER}"),
        }
    }
}

/// A string value: one of the field's valid values, a marker shape, or anything.
/// Weighted towards valid picks (an exhausted input gives `Pick(0)`), so
/// whole requests of valid parts are common.
#[derive(Debug, Clone)]
pub enum Text {
    /// `picks[n % picks.len()]`: known to be valid.
    Pick(u8),
    /// A marker shape.
    Marker(MarkerShape),
    /// Any string.
    Raw(String),
}

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=179 => Text::Pick(u.arbitrary()?),
            180..=219 => Text::Marker(u.arbitrary()?),
            _ => Text::Raw(u.arbitrary()?),
        })
    }
}

impl Text {
    /// The string, and whether it is one of the known-valid picks.
    pub fn render(&self, picks: &[&str]) -> (String, bool) {
        match self {
            Text::Pick(n) if !picks.is_empty() => {
                (picks[usize::from(*n) % picks.len()].to_owned(), true)
            }
            Text::Pick(n) => (format!("pick-{n}"), false),
            Text::Marker(shape) => (shape.text(), false),
            Text::Raw(text) => (text.clone(), false),
        }
    }
}

/// A number value, weighted towards in-range picks like [`Text`].
#[derive(Debug, Clone)]
pub enum Num {
    /// A value inside the field's range (one decimal).
    Pick(u8),
    /// Any integer.
    Int(i64),
    /// Any float (non-finite ones are written as `1e999`).
    Float(f64),
    /// `1e400`, which no JSON parser may turn into infinity silently.
    Huge,
    /// A number written as a string.
    AsString(Text),
}

impl<'a> Arbitrary<'a> for Num {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=159 => Num::Pick(u.arbitrary()?),
            160..=189 => Num::Int(u.arbitrary()?),
            190..=219 => Num::Float(u.arbitrary()?),
            220..=229 => Num::Huge,
            _ => Num::AsString(u.arbitrary()?),
        })
    }
}

impl Num {
    /// The JSON value, and the number the crate must read when it is in `min..=max`.
    pub fn render(&self, min: f64, max: f64) -> (Out, Option<f64>) {
        let text = match self {
            Num::Pick(n) => {
                let value = min + (max - min) * f64::from(*n) / 255.0;
                let value = ((value * 10.0).round() / 10.0).clamp(min, max);
                serde_json::to_string(&value).unwrap_or_default()
            }
            Num::Int(i) => i.to_string(),
            Num::Float(f) if f.is_finite() => serde_json::to_string(f).unwrap_or_default(),
            Num::Float(_) => "1e999".to_owned(),
            Num::Huge => "1e400".to_owned(),
            Num::AsString(text) => return (Out::Str(text.render(&[]).0), None),
        };
        // The value the crate sees is serde_json's reading of the text.
        let value = serde_json::from_str::<f64>(&text)
            .ok()
            .filter(|v| v.is_finite() && (min..=max).contains(v));
        (Out::Num(text), value)
    }
}

/// Any JSON value, nesting bounded so generation stays cheap.
#[derive(Debug, Clone)]
pub enum Json {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(Num),
    /// A string.
    Str(Text),
    /// An array.
    Arr(Vec<Json>),
    /// An object (keys may repeat).
    Obj(Vec<(Text, Json)>),
}

impl<'a> Arbitrary<'a> for Json {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        json_at(u, 0)
    }
}

fn json_at(u: &mut Unstructured<'_>, depth: usize) -> ArbResult<Json> {
    let kinds = if depth >= 40 { 4 } else { 6 };
    Ok(match u.choose_index(kinds)? {
        0 => Json::Null,
        1 => Json::Bool(u.arbitrary()?),
        2 => Json::Num(u.arbitrary()?),
        3 => Json::Str(u.arbitrary()?),
        kind => {
            let most = if depth < 4 { 4 } else { 1 };
            let len = u.int_in_range(0..=most)?;
            if kind == 4 {
                Json::Arr(
                    (0..len)
                        .map(|_| json_at(u, depth + 1))
                        .collect::<ArbResult<_>>()?,
                )
            } else {
                Json::Obj(
                    (0..len)
                        .map(|_| Ok((u.arbitrary()?, json_at(u, depth + 1)?)))
                        .collect::<ArbResult<_>>()?,
                )
            }
        }
    })
}

/// Keys the generators draw from, so extra entries hit known, misspelt and duplicate fields.
pub const KEY_PICKS: [&str; 24] = [
    "symptoms",
    "patient_data",
    "age",
    "gender",
    "medical_history",
    "current_medications",
    "endpoint",
    "variant",
    "image_data",
    "image_type",
    "analysis_type",
    "heart_rate_bpm",
    "systolic_bp_mmhg",
    "diastolic_bp_mmhg",
    "respiratory_rate_per_min",
    "temperature_c",
    "spo2_percent",
    "bmi",
    "smoking_status",
    "chronic_conditions",
    "medical_histroy",
    "PHIMARKER",
    "",
    "__proto__",
];

impl Json {
    /// The wire value.
    pub fn render(&self) -> Out {
        match self {
            Json::Null => Out::Null,
            Json::Bool(b) => Out::Bool(*b),
            Json::Num(n) => n.render(f64::MIN, f64::MAX).0,
            Json::Str(t) => Out::Str(t.render(&KEY_PICKS).0),
            Json::Arr(items) => Out::Arr(items.iter().map(Json::render).collect()),
            Json::Obj(entries) => Out::Obj(
                entries
                    .iter()
                    .map(|(k, v)| (k.render(&KEY_PICKS).0, v.render()))
                    .collect(),
            ),
        }
    }
}

/// A field of a request: absent, null, a value of the right kind, or any
/// JSON; weighted towards a value like [`Text`].
#[derive(Debug, Clone)]
pub enum Slot<T> {
    /// Not sent.
    Absent,
    /// `null` (the same as absent for optional fields).
    Null,
    /// A value of the field's kind.
    Value(T),
    /// Any JSON value.
    Any(Json),
}

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Slot<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(match u8::arbitrary(u)? {
            0..=159 => Slot::Value(u.arbitrary()?),
            160..=199 => Slot::Absent,
            200..=227 => Slot::Null,
            _ => Slot::Any(u.arbitrary()?),
        })
    }
}

/// Builds an object while tracking whether every field is known to be valid.
#[derive(Debug, Default)]
pub struct ObjectBuilder {
    /// Entries so far.
    pub entries: Vec<(String, Out)>,
    /// Whether every field so far is known to be accepted.
    pub valid: bool,
}

impl ObjectBuilder {
    /// An empty object, valid so far.
    pub fn new() -> Self {
        Self {
            entries: Vec::new(),
            valid: true,
        }
    }

    /// Adds a slot; `render` gives the value and whether it is known valid.
    /// Returns the rendered value of a present, non-null field.
    pub fn slot<T, R>(
        &mut self,
        key: &str,
        slot: &Slot<T>,
        required: bool,
        render: impl FnOnce(&T) -> (Out, Option<R>),
    ) -> Option<R> {
        match slot {
            Slot::Absent => {
                self.valid &= !required;
                None
            }
            Slot::Null => {
                self.entries.push((key.to_owned(), Out::Null));
                self.valid &= !required;
                None
            }
            Slot::Value(value) => {
                let (out, known) = render(value);
                self.entries.push((key.to_owned(), out));
                self.valid &= known.is_some();
                known
            }
            Slot::Any(json) => {
                self.entries.push((key.to_owned(), json.render()));
                self.valid = false;
                None
            }
        }
    }

    /// Appends entries that are not part of the request type.
    pub fn extras(&mut self, extras: &[(Text, Json)]) {
        for (key, value) in extras {
            self.entries
                .push((key.render(&KEY_PICKS).0, value.render()));
            self.valid = false;
        }
    }
}

/// A text slot's renderer.
pub fn text_value<'p>(picks: &'p [&'p str]) -> impl FnOnce(&Text) -> (Out, Option<String>) + 'p {
    move |text| {
        let (s, valid) = text.render(picks);
        (Out::Str(s.clone()), valid.then_some(s))
    }
}

/// A list-of-texts slot's renderer: valid when the length is in range and every item is a pick.
pub fn text_list<'p>(
    picks: &'p [&'p str],
    min: usize,
    max: usize,
) -> impl FnOnce(&Vec<Text>) -> (Out, Option<Vec<String>>) + 'p {
    move |items| {
        let rendered: Vec<(String, bool)> = items.iter().map(|t| t.render(picks)).collect();
        let valid = (min..=max).contains(&rendered.len()) && rendered.iter().all(|(_, v)| *v);
        let out = Out::Arr(rendered.iter().map(|(s, _)| Out::Str(s.clone())).collect());
        (
            out,
            valid.then(|| rendered.into_iter().map(|(s, _)| s).collect()),
        )
    }
}

/// A number slot's renderer for `min..=max`.
pub fn number(min: f64, max: f64) -> impl FnOnce(&Num) -> (Out, Option<f64>) {
    move |num| num.render(min, max)
}

/// The optional routing fields every request may carry.
#[derive(Arbitrary, Debug, Clone)]
pub struct RoutingFields {
    /// `endpoint`.
    pub endpoint: Slot<Text>,
    /// `variant`.
    pub variant: Slot<Text>,
}

/// Endpoint names the generators pick from; validity also depends on the configuration.
pub const ENDPOINT_PICKS: [&str; 7] = [
    "medical-triage-endpoint",
    "medical-image-classifier",
    "patient-risk-scorer",
    "medical-x1",
    "triage-v2",
    "other-endpoint",
    "m",
];
/// Variant names (all valid).
pub const VARIANT_PICKS: [&str; 4] = ["AllTraffic", "model-v1", "model-v2", "A--1"];

/// The endpoint and variant the invocation must carry when the request is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRouting {
    /// Endpoint.
    pub endpoint: String,
    /// Variant.
    pub variant: Option<String>,
}

impl RoutingFields {
    /// Adds the fields and returns where a valid request goes.
    pub fn add(
        &self,
        object: &mut ObjectBuilder,
        config: &GatewayConfig,
        function: ModelFunction,
    ) -> ExpectedRouting {
        let endpoint = object.slot("endpoint", &self.endpoint, false, |text| {
            let (name, picked) = text.render(&ENDPOINT_PICKS);
            let allowed = config.endpoints(function).allows(&name);
            (Out::Str(name.clone()), (picked && allowed).then_some(name))
        });
        let variant = object.slot("variant", &self.variant, false, |text| {
            let (name, picked) = text.render(&VARIANT_PICKS);
            let allowed = config.client_may_choose_variant(&name);
            (Out::Str(name.clone()), (picked && allowed).then_some(name))
        });
        ExpectedRouting {
            endpoint: endpoint.unwrap_or_else(|| config.default_endpoint(function).to_owned()),
            variant,
        }
    }
}

/// The typed reader of plain triage requests (`plain_triage`) accepts only
/// what the full reader accepts, with the same model input and the default
/// routing: the full reader is the reference.
pub fn check_plain_triage(config: &GatewayConfig, body: &[u8]) {
    let Some(fast) = healthnav_edge::request::plain_triage::read_plain_triage(body) else {
        return;
    };
    let value = healthnav_edge::request::json_body::parse_json_body(body).unwrap_or_else(|error| {
        panic!("the plain reader accepted what the full one refuses: {error}")
    });
    let (full, routing) = healthnav_edge::request::triage::read_triage_request(&value, config)
        .unwrap_or_else(|error| {
            panic!("the plain reader accepted what the full one refuses: {error}")
        });
    assert_eq!(fast, full, "the two readers built different model inputs");
    assert_eq!(
        routing.endpoint,
        config.default_endpoint(ModelFunction::Triage)
    );
    assert_eq!(routing.variant, None);
}

/// Checks a structured request's outcome: every marker-free error, and when
/// the request was built only from known-valid parts, acceptance.
pub fn check_structured(
    config: &GatewayConfig,
    function: ModelFunction,
    body: &[u8],
    known_valid: bool,
    routing: &ExpectedRouting,
) -> Option<Invocation> {
    if function == ModelFunction::Triage {
        check_plain_triage(config, body);
    }
    match healthnav_edge::build_invocation(config, function, body, Some(FUZZ_CALLER)) {
        Ok(invocation) => {
            check_invocation(config, function, &invocation);
            if known_valid {
                assert_eq!(invocation.endpoint, routing.endpoint);
                // Without a variant of its own, the caller goes to their sticky arm.
                let sticky = config
                    .sticky_variants
                    .as_ref()
                    .filter(|_| invocation.mode != InvocationMode::Async)
                    .map(|sticky| sticky.assign(&invocation.endpoint, FUZZ_CALLER).to_owned());
                assert_eq!(invocation.variant, routing.variant.clone().or(sticky));
            }
            Some(invocation)
        }
        Err(error) => {
            check_request_error(&error);
            assert!(
                !known_valid,
                "a valid request was refused: {error} ({})",
                String::from_utf8_lossy(body)
            );
            None
        }
    }
}

/// With `HEALTHNAV_FUZZ_KEEP_VALID=<dir>` set, the structured targets save
/// every input that generated a known-valid request there; `cargo fuzz cmin`
/// of that directory is how their committed seeds were chosen.
pub fn keep_if_valid(valid: bool, data: &[u8]) {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    if !valid {
        return;
    }
    if let Some(dir) =
        DIR.get_or_init(|| std::env::var_os("HEALTHNAV_FUZZ_KEEP_VALID").map(Into::into))
    {
        use sha2::{Digest, Sha256};
        let name: String = Sha256::digest(data)
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(dir.join(name), data);
    }
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

/// A two-label PNG data URL is valid under every bucket allow-list.
pub const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/// What an accepted configuration must do: the guide's requests (no endpoint
/// named) build signable invocations on its base URL, and its normaliser
/// accepts well-formed model output for its labels.
pub fn check_config_works(config: &GatewayConfig, settings: &GatewaySettings) {
    let base = config.base_url.as_str();
    assert!(
        base.starts_with("https://") || base.starts_with("http://"),
        "{base}"
    );
    assert!(!base.ends_with('/'));
    assert_eq!(config.region, settings.region);
    if settings.endpoint_url.is_none() {
        assert!(
            base.starts_with("https://") && base.contains(&format!(".{}.", settings.region)),
            "{base}"
        );
    }
    let mut bodies = vec![
        (ModelFunction::Triage, r#"{"symptoms":["fever","cough"],"patient_data":{"age":35,"gender":"female"}}"#.to_owned()),
        (ModelFunction::ImageAnalysis, format!(r#"{{"image_data":"{PNG}","image_type":"xray"}}"#)),
        (
            ModelFunction::RiskScore,
            r#"{"patient_data":{"age":67,"gender":"male","heart_rate_bpm":112,"systolic_bp_mmhg":165,"diastolic_bp_mmhg":95,"respiratory_rate_per_min":24,"temperature_c":38.4,"spo2_percent":91}}"#.to_owned(),
        ),
    ];
    if let Some(bucket) = settings.allowed_buckets.as_ref().and_then(|b| b.first()) {
        let prefix = settings
            .s3_key_prefix
            .as_deref()
            .unwrap_or("")
            .replace("{sub}", FUZZ_CALLER);
        let image = format!("s3://{bucket}/{prefix}x.jpg");
        bodies.push((
            ModelFunction::ImageAnalysis,
            serde_json::json!({"image_data": image, "image_type": "ct"}).to_string(),
        ));
    }
    for (function, body) in bodies {
        match healthnav_edge::build_invocation(config, function, body.as_bytes(), Some(FUZZ_CALLER))
        {
            Ok(invocation) => check_invocation(config, function, &invocation),
            Err(error) => panic!(
                "the guide's {function:?} request fails under an accepted configuration: {error}"
            ),
        }
    }
    // Model output every configuration must accept.
    let labels = config.image_labels.as_slice().len();
    let uniform = vec![format!("{}", 1.0 / labels as f64); labels].join(",");
    let outputs = [
        (
            ModelFunction::Triage,
            r#"{"urgency_score":0.35,"risk_level":"moderate"}"#.to_owned(),
        ),
        (
            ModelFunction::ImageAnalysis,
            format!(r#"{{"prediction":[{uniform}]}}"#),
        ),
        (ModelFunction::RiskScore, "0.4386190772056579\n".to_owned()),
    ];
    for (function, body) in outputs {
        let mut data = vec![0x04, 0, 200];
        data.extend_from_slice(body.as_bytes());
        let upstream = Upstream::decode(&data);
        let result = healthnav_edge::normalize_response(config, function, upstream.response(), 1);
        assert!(
            result.is_ok(),
            "{function:?} output {body} refused: {result:?}"
        );
        check_normalize(config, function, &upstream);
    }
}

/// A refused configuration: a 500 invalid_configuration naming at least one setting.
pub fn check_config_error(error: &GatewayError) {
    check_error_shape(error);
    assert_eq!(
        (error.code, error.status, error.retryable),
        ("invalid_configuration", 500, false)
    );
    assert!(!error.errors.is_empty(), "a refusal must name the setting");
    assert!(
        error.errors.iter().all(|e| e.code == "invalid_setting"),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------
// Asynchronous inference, sticky variants
// ---------------------------------------------------------------------------

/// The result secret of the asynchronous configurations (32 bytes).
pub const ASYNC_SECRET: &str = "fuzz-async-result-secret-0123456789";

/// The time the asynchronous targets run at: one hour after [`TEST_TIME_MS`],
/// so ids issued at [`TEST_TIME_MS`] (as in the seeds) are still valid.
pub const ASYNC_NOW_MS: u64 = 1_700_003_600_000;

/// Configurations with asynchronous image analysis on:
///
/// 0. `us-east-1` defaults plus a result secret (virtual-hosted S3 URLs,
///    path style for dotted buckets);
/// 1. a loopback SageMaker override, an S3 override with a path prefix, a
///    custom async endpoint, a bucket allow-list and two image labels;
/// 2. GovCloud with FIPS (`s3-fips.` hosts).
///
/// All three share [`ASYNC_SECRET`].
pub fn async_configs() -> &'static [GatewayConfig; 3] {
    static CONFIGS: OnceLock<[GatewayConfig; 3]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let secret = || Some(Secret::new(ASYNC_SECRET));
        let default = GatewaySettings {
            region: "us-east-1".into(),
            async_inference: Some(AsyncSettings {
                result_secret: secret(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let local = GatewaySettings {
            region: "eu-west-1".into(),
            endpoint_url: Some("http://127.0.0.1:54329/prefix/".into()),
            allowed_buckets: Some(vec!["healthnav-images".into(), "my.bucket-1".into()]),
            image_labels: Some(vec!["benign".into(), "malignant".into()]),
            async_inference: Some(AsyncSettings {
                result_secret: secret(),
                image_endpoint: Some("medical-image-async-v2".into()),
                s3_endpoint_url: Some("http://127.0.0.1:9000/s3/".into()),
            }),
            ..Default::default()
        };
        let fips = GatewaySettings {
            region: "us-gov-west-1".into(),
            use_fips: true,
            allowed_endpoints: every_pick(),
            allowed_buckets: Some(vec!["healthnav-images".into()]),
            async_inference: Some(AsyncSettings {
                result_secret: secret(),
                ..Default::default()
            }),
            ..Default::default()
        };
        [default, local, fips].map(|settings| match GatewayConfig::new(settings) {
            Ok(config) => {
                assert!(config.asynchronous.is_some(), "async is off");
                config
            }
            Err(error) => panic!("fuzz configuration refused: {error}"),
        })
    })
}

/// Whether every byte of `url` may go on the wire as is (RFC 3986 characters).
pub fn is_wire_url(url: &str) -> bool {
    url.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b))
}

/// A GET of an S3 object URL can be signed (service `s3`, unsigned payload).
pub fn check_s3_url_signs(url: &str, region: &str) {
    let credentials = test_credentials();
    let signed = sign_request(&SigningRequest {
        method: "GET",
        url,
        headers: &[],
        payload: PayloadHash::Precomputed("UNSIGNED-PAYLOAD"),
        region,
        service: "s3",
        credentials: &credentials,
        time_ms: TEST_TIME_MS,
    });
    if let Err(error) = signed {
        panic!("an S3 object URL cannot be signed: {error} ({url})");
    }
}

/// Reference sticky assignment, written from the module's documentation:
/// SHA-256 of `<endpoint>\n<caller>`, first 8 bytes big-endian, modulo the
/// total weight, walked over the cumulative weights in order.
pub fn reference_sticky(variants: &[(String, u64)], endpoint: &str, caller: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{endpoint}\n{caller}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let total: u64 = variants.iter().map(|(_, w)| w).sum();
    let point = u64::from_be_bytes(first) % total;
    let mut cumulative = 0;
    for (name, weight) in variants {
        cumulative += weight;
        if point < cumulative {
            return name.clone();
        }
    }
    unreachable!("point {point} beyond total {total}")
}
