//! What an accepted request must become: the InvokeEndpoint(Async) call checks.

use healthnav_edge::config::names::check_sagemaker_name;
use healthnav_edge::config::s3_location::S3Location;
use healthnav_edge::invocation::InvocationMode;
use healthnav_edge::limits::MAX_SAGEMAKER_BODY_BYTES;
use healthnav_edge::request::batch::{BatchPlan, JSON_LINES};
use healthnav_edge::request::image::{ANALYSIS_TYPES, IMAGE_TYPES};
use healthnav_edge::request::image_bytes::ImageFormat;
use healthnav_edge::request::triage::GENDERS;
use healthnav_edge::safety::PatientFacts;
use healthnav_edge::{
    sign_request, GatewayConfig, Invocation, ModelFunction, PayloadHash, SigningRequest,
};

use crate::*;

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// What an accepted request became: an InvokeEndpoint call on the configured
/// base, for an allowed endpoint, in the function's wire format, signable,
/// and carrying the red flags the configured rules raise for it.
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
    // Red flags: the configured rules' ids, only for a single triage request
    // (a batch's are in its slots; asynchronous image calls have none).
    check_flag_ids(config, function, &invocation.red_flags);
    if invocation.mode != InvocationMode::Single {
        assert!(
            invocation.red_flags.is_empty(),
            "{:?}",
            invocation.red_flags
        );
    }

    let content_type = header(&invocation.headers, "content-type").unwrap_or_default();
    let accept = header(&invocation.headers, "accept").unwrap_or_default();
    let attributes = header(&invocation.headers, "x-amzn-sagemaker-custom-attributes");

    match (&invocation.mode, function) {
        (InvocationMode::Batch(plan), _) => check_batch_invocation(
            config,
            function,
            plan,
            invocation,
            content_type,
            accept,
            attributes,
        ),
        (InvocationMode::Async, _) => check_async_invocation(config, function, invocation),
        (InvocationMode::Single, ModelFunction::Triage) => {
            assert_eq!(
                (content_type, accept, attributes),
                ("application/json", "application/json", None)
            );
            check_triage_record(&invocation.body);
            check_triage_flags(config, &invocation.body, &invocation.red_flags);
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

/// The red flags of a single triage request are exactly what the configured
/// rules raise for the model input it sent (symptoms, age, history).
///
/// The age is read back from the body, and serde_json (without
/// `float_roundtrip`) may read a long decimal a unit in the last place off
/// the value the rules saw; an age where a few ULP change the verdict (an
/// age bound's edge) is not compared.
fn check_triage_flags(config: &GatewayConfig, record: &[u8], red_flags: &[String]) {
    let Some(rules) = config.red_flags.as_ref() else {
        return; // none, checked by check_flag_ids
    };
    let body: serde_json::Value = serde_json::from_slice(record).unwrap_or_default();
    let texts = |key: &str| -> Vec<&str> {
        body[key]
            .as_array()
            .map(|items| items.iter().filter_map(|item| item.as_str()).collect())
            .unwrap_or_default()
    };
    let (symptoms, history) = (texts("symptoms"), texts("medical_history"));
    let verdict = |age: Option<f64>| -> Vec<String> {
        rules
            .evaluate(&PatientFacts {
                symptoms: &symptoms,
                age_years: age,
                medical_history: &history,
            })
            .iter()
            .map(|flag| flag.id.to_owned())
            .collect()
    };
    let age = body["age"].as_f64();
    let expected = verdict(age);
    if let Some(age) = age {
        let bits = age.to_bits();
        let near = [bits.saturating_sub(4), bits.saturating_add(4)];
        if near
            .iter()
            .any(|b| verdict(Some(f64::from_bits(*b))) != expected)
        {
            return;
        }
    }
    assert_eq!(
        red_flags, expected,
        "the invocation's red flags are not the rules' verdict on its model input"
    );
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
    config: &GatewayConfig,
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
        check_flag_ids(config, function, &slot.red_flags);
        if !slot.ok {
            assert!(slot.red_flags.is_empty(), "refused slot with red flags");
        }
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
