//! Client bodies through a function's `FunctionGateway::build`: the exact
//! SageMaker request for valid bodies, and the exact `(path, code)` list (and,
//! for some, the message) for invalid ones. Also where the configuration sends
//! the request.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use healthnav_edge::{
    FunctionGateway, GatewayConfig, GatewayError, GatewaySettings, Invocation, InvocationMode,
    ModelFunction,
};
use serde_json::{json, Value};

use ModelFunction::{ImageAnalysis, RiskScore, Triage};

const US_EAST_1: &str = "https://runtime.sagemaker.us-east-1.amazonaws.com";
const MAX_BODY: usize = 6_291_456;

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01,
];
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00";

fn dicom() -> Vec<u8> {
    let mut bytes = vec![0u8; 128];
    bytes.extend_from_slice(b"DICM\x02\x00\x00\x00UL\x04\x00");
    bytes
}

fn config_from(settings: Value) -> GatewaySettings {
    serde_json::from_value(settings).unwrap()
}

/// Validates and builds `body` with `function`'s gateway for `settings`.
fn build_invocation(
    settings: &GatewaySettings,
    function: ModelFunction,
    body: &[u8],
    caller_id: Option<&str>,
) -> Result<Invocation, GatewayError> {
    FunctionGateway::new(settings.clone(), function)
        .unwrap()
        .build(body, caller_id)
}

/// The guide's bucket and a variant name are the operator's to allow; with
/// `{"region": ...}` alone no s3:// image and no variant is accepted.
fn config() -> GatewaySettings {
    config_from(
        json!({"region": "us-east-1", "allowedBuckets": ["bucket"], "clientVariants": ["v1"]}),
    )
}

fn build(function: ModelFunction, body: &str) -> Result<Invocation, GatewayError> {
    build_invocation(&config(), function, body.as_bytes(), None)
}

fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn url(endpoint: &str) -> String {
    format!("{US_EAST_1}/endpoints/{endpoint}/invocations")
}

/// The guide's triage test call.
fn guide_triage() -> Value {
    json!({"symptoms": ["fever", "cough"], "patient_data": {"age": 35, "gender": "female"}, "endpoint": "medical-triage-endpoint"})
}

/// The guide's image test call.
fn guide_image() -> Value {
    json!({"image_data": "s3://bucket/image.jpg", "image_type": "xray", "endpoint": "medical-image-classifier"})
}

fn full_risk() -> Value {
    json!({"patient_data": {
        "age": 67, "gender": "male", "heart_rate_bpm": 88, "systolic_bp_mmhg": 142, "diastolic_bp_mmhg": 91,
        "respiratory_rate_per_min": 18, "temperature_c": 37.2, "spo2_percent": 96, "bmi": 29.4,
        "smoking_status": "former", "chronic_conditions": ["asthma", "diabetes", "hypertension"]
    }})
}

fn minimal_risk() -> Value {
    json!({"patient_data": {
        "age": 30, "gender": "other", "heart_rate_bpm": 70, "systolic_bp_mmhg": 120, "diastolic_bp_mmhg": 80,
        "respiratory_rate_per_min": 14, "temperature_c": 36.6, "spo2_percent": 99
    }})
}

// ---------------------------------------------------------------------------
// Valid bodies
// ---------------------------------------------------------------------------

#[test]
fn the_guides_triage_call() {
    let invocation = build(Triage, &guide_triage().to_string()).unwrap();
    assert_eq!(
        invocation,
        Invocation {
            endpoint: "medical-triage-endpoint".into(),
            variant: None,
            url: url("medical-triage-endpoint"),
            headers: headers(&[("content-type", "application/json"), ("accept", "application/json")]),
            body: br#"{"symptoms":["fever","cough"],"age":35,"gender":"female","medical_history":[],"current_medications":[]}"#.to_vec(),
            input_in_s3: false,
            mode: InvocationMode::Single,
            red_flags: Vec::new(),
        }
    );
}

#[test]
fn the_guides_image_call() {
    let invocation = build(ImageAnalysis, &guide_image().to_string()).unwrap();
    assert_eq!(
        invocation,
        Invocation {
            endpoint: "medical-image-classifier".into(),
            variant: None,
            url: url("medical-image-classifier"),
            headers: headers(&[("content-type", "application/json"), ("accept", "application/json")]),
            body: br#"{"image_url":"s3://bucket/image.jpg","image_type":"xray","analysis_type":"classification"}"#.to_vec(),
            input_in_s3: true,
            mode: InvocationMode::Single,
            red_flags: Vec::new(),
        }
    );
}

#[test]
fn the_flat_triage_format_gives_the_same_model_input() {
    let flat = r#"{"symptoms":["  chest pain ","shortness of breath"],"age":58,"gender":"male",
        "medical_history":["hypertension"],"current_medications":["lisinopril","aspirin"]}"#;
    let invocation = build(Triage, flat).unwrap();
    assert_eq!(invocation.endpoint, "medical-triage-endpoint");
    assert_eq!(invocation.url, url("medical-triage-endpoint"));
    assert_eq!(
        String::from_utf8(invocation.body).unwrap(),
        r#"{"symptoms":["chest pain","shortness of breath"],"age":58,"gender":"male","medical_history":["hypertension"],"current_medications":["lisinopril","aspirin"]}"#
    );
    let nested = r#"{"symptoms":["chest pain","shortness of breath"],"patient_data":{"age":58,"gender":"male",
        "medical_history":["hypertension"],"current_medications":["lisinopril","aspirin"]}}"#;
    assert_eq!(
        build(Triage, nested).unwrap().body,
        build(Triage, flat).unwrap().body
    );
}

#[test]
fn triage_numbers_and_text_on_the_wire() {
    let body_of = |age: &str, symptom: &str| {
        let body = format!(r#"{{"symptoms":["{symptom}"],"age":{age},"gender":"unknown"}}"#);
        String::from_utf8(build(Triage, &body).unwrap().body).unwrap()
    };
    let expected = |age: &str, symptom: &str| {
        format!(
            r#"{{"symptoms":["{symptom}"],"age":{age},"gender":"unknown","medical_history":[],"current_medications":[]}}"#
        )
    };
    assert_eq!(
        body_of("35.0", "fever"),
        expected("35", "fever"),
        "a whole float stays an integer"
    );
    assert_eq!(body_of("1e1", "fever"), expected("10", "fever"));
    assert_eq!(body_of("0.5", "fever"), expected("0.5", "fever"));
    assert_eq!(body_of("0", "fever"), expected("0", "fever"));
    assert_eq!(body_of("130", "fever"), expected("130", "fever"));
    assert_eq!(body_of("40", "発熱 🤒"), expected("40", "発熱 🤒"));
    assert_eq!(body_of("40", "\\u00e9"), expected("40", "é"));
    let hundred = "x".repeat(100);
    assert_eq!(body_of("40", &hundred), expected("40", &hundred));
}

#[test]
fn nulls_mean_absent_for_optional_fields() {
    let body = r#"{"symptoms":["fever"],"patient_data":{"age":35,"gender":"female","medical_history":null},"endpoint":null,"variant":null}"#;
    let invocation = build(Triage, body).unwrap();
    assert_eq!(
        (invocation.endpoint.as_str(), invocation.variant),
        ("medical-triage-endpoint", None)
    );
    let flat_with_null_nested =
        r#"{"symptoms":["fever"],"patient_data":null,"age":35,"gender":"female"}"#;
    assert_eq!(
        build(Triage, flat_with_null_nested).unwrap().body,
        build(Triage, body).unwrap().body
    );
}

#[test]
fn routing_fields_choose_endpoint_and_variant() {
    let body = r#"{"symptoms":["fever"],"age":35,"gender":"female","endpoint":"medical-triage-v2","variant":"blue-2"}"#;
    let max_name = format!("medical-{}", "a".repeat(55));
    let config = config_from(json!({"region": "us-east-1",
        "allowedEndpoints": {"triage": ["medical-triage-v2", max_name]},
        "clientVariants": ["blue-2"]}));
    let build = |function, body: &str| build_invocation(&config, function, body.as_bytes(), None);
    let invocation = build(Triage, body).unwrap();
    assert_eq!(invocation.endpoint, "medical-triage-v2");
    assert_eq!(invocation.variant.as_deref(), Some("blue-2"));
    assert_eq!(invocation.url, url("medical-triage-v2"));
    assert_eq!(
        invocation.headers,
        headers(&[
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("x-amzn-sagemaker-target-variant", "blue-2")
        ])
    );
    // Each function defaults to the guide's endpoint, which it may also name.
    let risk = build(RiskScore, &minimal_risk().to_string()).unwrap();
    assert_eq!(risk.url, url("patient-risk-scorer"));
    let mut named = minimal_risk();
    named["endpoint"] = json!("patient-risk-scorer");
    assert_eq!(
        build(RiskScore, &named.to_string()).unwrap().endpoint,
        "patient-risk-scorer"
    );
    let mut long = guide_triage();
    long["endpoint"] = json!(max_name);
    assert_eq!(build(Triage, &long.to_string()).unwrap().endpoint, max_name);
    // Another function's endpoint, or an unlisted one, is refused by name.
    for (function, body) in [(Triage, guide_triage()), (RiskScore, minimal_risk())] {
        for other in ["medical-image-classifier", "medical-triage-v3"] {
            let mut named = body.clone();
            named["endpoint"] = json!(other);
            let error = build(function, &named.to_string()).unwrap_err();
            assert_eq!(field_errors(&error)[0].0, "endpoint", "{other}");
            assert_eq!(field_errors(&error)[0].1, "not_allowed", "{other}");
        }
    }
}

#[test]
fn risk_rows_follow_the_documented_feature_order() {
    // age, sex_male, heart_rate, systolic, diastolic, respiratory_rate, temperature, spo2, bmi,
    // smoking_current, smoking_former, diabetes, hypertension, copd, ckd, heart_failure, cad, cancer, stroke, asthma
    let full = build(RiskScore, &full_risk().to_string()).unwrap();
    assert_eq!(
        full,
        Invocation {
            endpoint: "patient-risk-scorer".into(),
            variant: None,
            url: url("patient-risk-scorer"),
            headers: headers(&[("content-type", "text/csv"), ("accept", "text/csv")]),
            body: b"67,1,88,142,91,18,37.2,96,29.4,0,1,1,1,0,0,0,0,0,0,1\n".to_vec(),
            input_in_s3: false,
            mode: InvocationMode::Single,
            red_flags: Vec::new(),
        }
    );
    let minimal = build(RiskScore, &minimal_risk().to_string()).unwrap();
    assert_eq!(
        String::from_utf8(minimal.body.clone()).unwrap(),
        "30,,70,120,80,14,36.6,99,,,,0,0,0,0,0,0,0,0,0\n"
    );
    for invocation in [full, minimal] {
        let row = String::from_utf8(invocation.body).unwrap();
        assert_eq!(row.trim_end().split(',').count(), 20, "{row}");
    }
}

#[test]
fn risk_encodings_of_sex_smoking_and_each_condition() {
    let row = |patch: &[(&str, Value)]| {
        let mut body = minimal_risk();
        for (key, value) in patch {
            body["patient_data"][*key] = value.clone();
        }
        String::from_utf8(build(RiskScore, &body.to_string()).unwrap().body).unwrap()
    };
    assert!(row(&[("gender", json!("male"))]).starts_with("30,1,"));
    assert!(row(&[("gender", json!("female"))]).starts_with("30,0,"));
    assert!(row(&[("gender", json!("unknown"))]).starts_with("30,,"));
    assert_eq!(
        row(&[("smoking_status", json!("current"))]),
        "30,,70,120,80,14,36.6,99,,1,0,0,0,0,0,0,0,0,0,0\n"
    );
    assert_eq!(
        row(&[("smoking_status", json!("former"))]),
        "30,,70,120,80,14,36.6,99,,0,1,0,0,0,0,0,0,0,0,0\n"
    );
    assert_eq!(
        row(&[("smoking_status", json!("never"))]),
        "30,,70,120,80,14,36.6,99,,0,0,0,0,0,0,0,0,0,0,0\n"
    );
    assert_eq!(
        row(&[("smoking_status", json!("unknown"))]),
        "30,,70,120,80,14,36.6,99,,,,0,0,0,0,0,0,0,0,0\n"
    );
    assert_eq!(
        row(&[("bmi", json!(22)), ("age", json!(0.5))]),
        "0.5,,70,120,80,14,36.6,99,22,,,0,0,0,0,0,0,0,0,0\n"
    );
    assert_eq!(
        row(&[("bmi", Value::Null)]),
        "30,,70,120,80,14,36.6,99,,,,0,0,0,0,0,0,0,0,0\n"
    );
    let conditions = [
        "diabetes",
        "hypertension",
        "copd",
        "chronic_kidney_disease",
        "heart_failure",
        "coronary_artery_disease",
        "cancer",
        "stroke",
        "asthma",
    ];
    for (index, condition) in conditions.iter().enumerate() {
        let mut flags = ["0"; 9];
        flags[index] = "1";
        let expected = format!("30,,70,120,80,14,36.6,99,,,,{}\n", flags.join(","));
        assert_eq!(
            row(&[("chronic_conditions", json!([condition]))]),
            expected,
            "{condition}"
        );
    }
    assert_eq!(
        row(&[("chronic_conditions", json!(conditions))]),
        "30,,70,120,80,14,36.6,99,,,,1,1,1,1,1,1,1,1,1\n"
    );
    assert_eq!(
        row(&[("chronic_conditions", json!([]))]),
        "30,,70,120,80,14,36.6,99,,,,0,0,0,0,0,0,0,0,0\n"
    );
}

#[test]
fn inline_images_become_raw_bytes_with_the_detected_type() {
    let png64 = STANDARD.encode(PNG);
    let jpeg64 = STANDARD.encode(JPEG);
    let dicom64 = STANDARD.encode(dicom());
    let wrapped = format!("{}\n{}", &png64[..10], &png64[10..]);
    let cases: Vec<(String, &str, Vec<u8>, &str)> = vec![
        (
            format!("data:image/png;base64,{png64}"),
            "xray",
            PNG.to_vec(),
            "image/png",
        ),
        (png64.clone(), "ct", PNG.to_vec(), "image/png"),
        (
            png64.trim_end_matches('=').to_owned(),
            "ct",
            PNG.to_vec(),
            "image/png",
        ),
        (wrapped, "ct", PNG.to_vec(), "image/png"),
        (
            format!("data:image/jpeg;base64,{jpeg64}"),
            "skin_lesion",
            JPEG.to_vec(),
            "image/jpeg",
        ),
        (
            format!("data:image/jpg;base64,{jpeg64}"),
            "skin_lesion",
            JPEG.to_vec(),
            "image/jpeg",
        ),
        (
            format!("data:IMAGE/JPEG;base64,{jpeg64}"),
            "skin_lesion",
            JPEG.to_vec(),
            "image/jpeg",
        ),
        (jpeg64.clone(), "ultrasound", JPEG.to_vec(), "image/jpeg"),
        (
            format!("data:application/dicom;base64,{dicom64}"),
            "mri",
            dicom(),
            "application/dicom",
        ),
        (dicom64.clone(), "mri", dicom(), "application/dicom"),
    ];
    for (image_data, image_type, bytes, content_type) in cases {
        let body = json!({"image_data": image_data, "image_type": image_type, "variant": "v1"});
        let invocation =
            build(ImageAnalysis, &body.to_string()).unwrap_or_else(|e| panic!("{image_data}: {e}"));
        assert_eq!(invocation.body, bytes, "{image_data}");
        let attributes = format!("image_type={image_type},analysis_type=classification");
        assert_eq!(
            invocation.headers,
            headers(&[
                ("content-type", content_type),
                ("accept", "application/json"),
                ("x-amzn-sagemaker-target-variant", "v1"),
                ("x-amzn-sagemaker-custom-attributes", &attributes),
            ]),
            "{image_data}"
        );
        assert_eq!(invocation.url, url("medical-image-classifier"));
    }
}

#[test]
fn s3_images_may_be_limited_to_allowed_buckets() {
    let limited =
        config_from(json!({"region": "us-east-1", "allowedBuckets": ["healthnav-images"]}));
    let body = json!({"image_data": " s3://healthnav-images/2026/patient x-ray.jpg ", "image_type": "xray", "analysis_type": "classification"});
    let invocation =
        build_invocation(&limited, ImageAnalysis, body.to_string().as_bytes(), None).unwrap();
    assert_eq!(
        String::from_utf8(invocation.body).unwrap(),
        r#"{"image_url":"s3://healthnav-images/2026/patient x-ray.jpg","image_type":"xray","analysis_type":"classification"}"#
    );
    let other = json!({"image_data": "s3://other-bucket/x.jpg", "image_type": "xray"});
    let error =
        build_invocation(&limited, ImageAnalysis, other.to_string().as_bytes(), None).unwrap_err();
    assert_eq!(
        field_errors(&error),
        [(
            "image_data".to_owned(),
            "not_allowed",
            "must point at an allowed S3 bucket".to_owned()
        )]
    );
    // Inline images are not S3 and are unaffected by the bucket list.
    let inline = json!({"image_data": STANDARD.encode(PNG), "image_type": "xray"});
    assert!(build_invocation(&limited, ImageAnalysis, inline.to_string().as_bytes(), None).is_ok());
}

#[test]
fn a_body_of_exactly_6_mib_is_accepted_and_one_byte_more_is_not() {
    let mut body = guide_triage().to_string().into_bytes();
    body.resize(MAX_BODY, b' ');
    assert!(build_invocation(&config(), Triage, &body, None).is_ok());
    body.push(b' ');
    let error = build_invocation(&config(), Triage, &body, None).unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.status(), error.retryable()),
        ("body_too_large", 413, false)
    );
    assert_eq!(
        error.message,
        "The request body must be at most 6291456 bytes."
    );
    assert!(error.errors.is_empty());
}

// ---------------------------------------------------------------------------
// Invalid bodies
// ---------------------------------------------------------------------------

fn field_errors(error: &GatewayError) -> Vec<(String, &'static str, String)> {
    error
        .errors
        .iter()
        .map(|e| (e.path.clone(), static_code(e), e.message.clone()))
        .collect()
}

/// `(path, code)` of a body refused with validation_failed.
fn refusal(function: ModelFunction, body: &str) -> Vec<(String, &'static str)> {
    let error = build(function, body).expect_err(body);
    assert_eq!(
        (error.code.as_str(), error.status(), error.retryable()),
        ("validation_failed", 422, false),
        "{body}"
    );
    assert_eq!(error.message, "The request body has invalid fields.");
    assert!(error.upstream.is_none());
    error
        .errors
        .iter()
        .map(|e| (e.path.clone(), static_code(e)))
        .collect()
}

/// `base` with the fields at JSON pointers set (`Some`) or removed (`None`).
fn patched(base: &Value, changes: &[(&str, Option<Value>)]) -> Value {
    let mut value = base.clone();
    for (pointer, change) in changes {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = value
            .pointer_mut(parent)
            .unwrap_or_else(|| panic!("{pointer}"));
        match (target, change) {
            (Value::Object(map), Some(new)) => {
                map.insert(key.to_owned(), new.clone());
            }
            (Value::Object(map), None) => {
                map.remove(key);
            }
            (Value::Array(items), Some(new)) => items[key.parse::<usize>().unwrap()] = new.clone(),
            _ => panic!("{pointer}"),
        }
    }
    value
}

struct Bad {
    function: ModelFunction,
    changes: Vec<(&'static str, Option<Value>)>,
    errors: Vec<(&'static str, &'static str)>,
}

fn bad(
    function: ModelFunction,
    changes: Vec<(&'static str, Option<Value>)>,
    errors: Vec<(&'static str, &'static str)>,
) -> Bad {
    Bad {
        function,
        changes,
        errors,
    }
}

fn set(pointer: &'static str, value: Value) -> (&'static str, Option<Value>) {
    (pointer, Some(value))
}

fn unset(pointer: &'static str) -> (&'static str, Option<Value>) {
    (pointer, None)
}

fn base_of(function: ModelFunction) -> Value {
    match function {
        Triage => guide_triage(),
        ImageAnalysis => guide_image(),
        RiskScore => full_risk(),
    }
}

fn strings(count: usize) -> Value {
    Value::Array((0..count).map(|i| json!(format!("item {i}"))).collect())
}

#[test]
fn invalid_triage_bodies() {
    let long_name = format!("medical-{}", "a".repeat(56));
    let table = vec![
        // required
        bad(
            Triage,
            vec![unset("/symptoms")],
            vec![("symptoms", "required")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", Value::Null)],
            vec![("symptoms", "required")],
        ),
        bad(
            Triage,
            vec![unset("/patient_data/age")],
            vec![("patient_data.age", "required")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/gender", Value::Null)],
            vec![("patient_data.gender", "required")],
        ),
        bad(
            Triage,
            vec![set("/patient_data", json!({}))],
            vec![
                ("patient_data.age", "required"),
                ("patient_data.gender", "required"),
            ],
        ),
        bad(
            Triage,
            vec![unset("/patient_data")],
            vec![("age", "required"), ("gender", "required")],
        ),
        // types, and numbers written as strings
        bad(
            Triage,
            vec![set("/symptoms", json!("fever, cough"))],
            vec![("symptoms", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/patient_data", json!("35 female"))],
            vec![("patient_data", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/patient_data", json!([35, "female"]))],
            vec![("patient_data", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/age", json!("35"))],
            vec![("patient_data.age", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/age", json!(true))],
            vec![("patient_data.age", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/gender", json!(1))],
            vec![("patient_data.gender", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/medical_history", json!("none"))],
            vec![("patient_data.medical_history", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/current_medications", json!({"a": 1}))],
            vec![("patient_data.current_medications", "invalid_type")],
        ),
        // ranges
        bad(
            Triage,
            vec![set("/patient_data/age", json!(131))],
            vec![("patient_data.age", "out_of_range")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/age", json!(130.5))],
            vec![("patient_data.age", "out_of_range")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/age", json!(-1))],
            vec![("patient_data.age", "out_of_range")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/age", json!(-0.001))],
            vec![("patient_data.age", "out_of_range")],
        ),
        // enums are exact
        bad(
            Triage,
            vec![set("/patient_data/gender", json!("F"))],
            vec![("patient_data.gender", "invalid_value")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/gender", json!("Female"))],
            vec![("patient_data.gender", "invalid_value")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/gender", json!(" female"))],
            vec![("patient_data.gender", "invalid_value")],
        ),
        // list sizes
        bad(
            Triage,
            vec![set("/symptoms", json!([]))],
            vec![("symptoms", "too_few_items")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", strings(21))],
            vec![("symptoms", "too_many_items")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/medical_history", strings(31))],
            vec![("patient_data.medical_history", "too_many_items")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/current_medications", strings(31))],
            vec![("patient_data.current_medications", "too_many_items")],
        ),
        // items: types, emptiness, length, control characters
        bad(
            Triage,
            vec![set(
                "/symptoms",
                json!([1, "", "   ", "x".repeat(101), "fever"]),
            )],
            vec![
                ("symptoms[0]", "invalid_type"),
                ("symptoms[1]", "empty"),
                ("symptoms[2]", "empty"),
                ("symptoms[3]", "too_long"),
            ],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["a\nb"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["a\u{0}b"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["a\u{1b}[31mb"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["a\u{7f}b"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["a\u{85}b"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["a\u{2028}b"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["fever\u{202E}hguoc"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/symptoms", json!(["a\u{2066}b"]))],
            vec![("symptoms[0]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/medical_history", json!(["ok", "a\tb"]))],
            vec![("patient_data.medical_history[1]", "control_character")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/current_medications", json!([""]))],
            vec![("patient_data.current_medications[0]", "empty")],
        ),
        // unknown fields, at the root and in patient_data, in key order
        bad(
            Triage,
            vec![set("/notes", json!("x")), set("/Symptoms", json!([]))],
            vec![("Symptoms", "unknown_field"), ("notes", "unknown_field")],
        ),
        bad(
            Triage,
            vec![set("/patient_data/medical_histroy", json!(["asthma"]))],
            vec![("patient_data.medical_histroy", "unknown_field")],
        ),
        bad(
            Triage,
            vec![
                set("/patient_data/agee", json!(35)),
                unset("/patient_data/age"),
            ],
            vec![
                ("patient_data.agee", "unknown_field"),
                ("patient_data.age", "required"),
            ],
        ),
        // flat and nested at once
        bad(
            Triage,
            vec![set("/age", json!(35))],
            vec![("age", "conflicting_field")],
        ),
        bad(
            Triage,
            vec![
                set("/gender", json!("female")),
                set("/medical_history", json!([])),
                set("/current_medications", json!([])),
            ],
            vec![
                ("gender", "conflicting_field"),
                ("medical_history", "conflicting_field"),
                ("current_medications", "conflicting_field"),
            ],
        ),
        // endpoint: SageMaker's name rule, then the allow-list
        bad(
            Triage,
            vec![set("/endpoint", json!("other-endpoint"))],
            vec![("endpoint", "not_allowed")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("Medical-triage"))],
            vec![("endpoint", "not_allowed")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("patient-risk-scorer"))],
            vec![("endpoint", "not_allowed")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("medical_triage"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("medical-triage-"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("-medical"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("medical-x/../../y"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("medical-x%2F..%2Fy"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("medical-x?y=1"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!("medical-tri\u{e9}ge"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!(" medical-triage-endpoint"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!(""))],
            vec![("endpoint", "empty")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!(long_name))],
            vec![("endpoint", "too_long")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!(7))],
            vec![("endpoint", "invalid_type")],
        ),
        bad(
            Triage,
            vec![set("/endpoint", json!(["medical-a"]))],
            vec![("endpoint", "invalid_type")],
        ),
        // variant: SageMaker's name rule
        bad(
            Triage,
            vec![set("/variant", json!("blue_green"))],
            vec![("variant", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/variant", json!("AllTraffic\r\nX-Evil: 1"))],
            vec![("variant", "invalid_format")],
        ),
        bad(
            Triage,
            vec![set("/variant", json!(""))],
            vec![("variant", "empty")],
        ),
        bad(
            Triage,
            vec![set("/variant", json!("v".repeat(64)))],
            vec![("variant", "too_long")],
        ),
        bad(
            Triage,
            vec![set("/variant", json!(2))],
            vec![("variant", "invalid_type")],
        ),
        // everything is reported at once, in a fixed order
        bad(
            Triage,
            vec![
                set("/age", json!(1)),
                set("/zzz", json!(1)),
                set("/symptoms", json!([])),
                set(
                    "/patient_data",
                    json!({"age": "1", "gender": "x", "extra": 1}),
                ),
                set("/endpoint", json!("nope")),
                set("/variant", json!("a_b")),
            ],
            vec![
                ("age", "conflicting_field"),
                ("zzz", "unknown_field"),
                ("symptoms", "too_few_items"),
                ("patient_data.extra", "unknown_field"),
                ("patient_data.age", "invalid_type"),
                ("patient_data.gender", "invalid_value"),
                ("endpoint", "not_allowed"),
                ("variant", "invalid_format"),
            ],
        ),
    ];
    check_table(table);
}

#[test]
fn invalid_image_bodies() {
    let png64 = STANDARD.encode(PNG);
    let table = vec![
        bad(
            ImageAnalysis,
            vec![unset("/image_data")],
            vec![("image_data", "required")],
        ),
        bad(
            ImageAnalysis,
            vec![unset("/image_type")],
            vec![("image_type", "required")],
        ),
        bad(
            ImageAnalysis,
            vec![unset("/image_data"), unset("/image_type")],
            vec![("image_type", "required"), ("image_data", "required")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!(42))],
            vec![("image_data", "invalid_type")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!({"url": "s3://b/k"}))],
            vec![("image_data", "invalid_type")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("   "))],
            vec![("image_data", "empty")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_type", json!("X-Ray"))],
            vec![("image_type", "invalid_value")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_type", json!("pet"))],
            vec![("image_type", "invalid_value")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_type", json!(["xray"]))],
            vec![("image_type", "invalid_type")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/analysis_type", json!("segmentation"))],
            vec![("analysis_type", "invalid_value")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/imageData", json!("x"))],
            vec![("imageData", "unknown_field")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/endpoint", json!("patient-risk-scorer"))],
            vec![("endpoint", "not_allowed")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/variant", json!("a.b"))],
            vec![("variant", "invalid_format")],
        ),
        // other schemes: never fetched, never passed on
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!("http://169.254.169.254/latest/meta-data/iam/security-credentials/"),
            )],
            vec![("image_data", "unsupported_scheme")],
        ),
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!("https://bucket.s3.amazonaws.com/image.jpg"),
            )],
            vec![("image_data", "unsupported_scheme")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("file:///etc/passwd"))],
            vec![("image_data", "unsupported_scheme")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("file:/etc/passwd"))],
            vec![("image_data", "unsupported_scheme")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("ftp://bucket/image.jpg"))],
            vec![("image_data", "unsupported_scheme")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("S3://bucket/image.jpg"))],
            vec![("image_data", "unsupported_scheme")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("gopher://127.0.0.1:6379/_INFO"))],
            vec![("image_data", "unsupported_scheme")],
        ),
        // s3 URIs that are not objects in a valid bucket
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://bucket"))],
            vec![("image_data", "invalid_s3_uri")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://bucket/"))],
            vec![("image_data", "invalid_s3_uri")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://Bucket/image.jpg"))],
            vec![("image_data", "invalid_s3_uri")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://bu/image.jpg"))],
            vec![("image_data", "invalid_s3_uri")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://192.168.0.1/image.jpg"))],
            vec![("image_data", "invalid_s3_uri")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://a..b/image.jpg"))],
            vec![("image_data", "invalid_s3_uri")],
        ),
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!(format!("s3://bucket/{}", "k".repeat(1025))),
            )],
            vec![("image_data", "invalid_s3_uri")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://bucket/a\u{0}b.jpg"))],
            vec![("image_data", "control_character")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://bucket/a\u{202E}gpj.exe"))],
            vec![("image_data", "control_character")],
        ),
        // inline images: the bytes decide
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!(format!("data:image/jpeg;base64,{png64}")),
            )],
            vec![("image_data", "image_type_mismatch")],
        ),
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!(format!("data:application/dicom;base64,{png64}")),
            )],
            vec![("image_data", "image_type_mismatch")],
        ),
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!(format!("data:image/gif;base64,{}", STANDARD.encode(GIF))),
            )],
            vec![("image_data", "unsupported_image_format")],
        ),
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!(format!("data:text/html;base64,{png64}")),
            )],
            vec![("image_data", "unsupported_image_format")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!(STANDARD.encode(GIF)))],
            vec![("image_data", "unsupported_image_format")],
        ),
        bad(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!(STANDARD.encode(b"<svg onload=alert(1)>")),
            )],
            vec![("image_data", "unsupported_image_format")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!(format!("data:image/png,{png64}")))],
            vec![("image_data", "invalid_data_url")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("data:image/png;base64"))],
            vec![("image_data", "invalid_data_url")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("data:image/png;base64,!!!!"))],
            vec![("image_data", "invalid_base64")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("not an image at all"))],
            vec![("image_data", "invalid_base64")],
        ),
        bad(
            ImageAnalysis,
            vec![set("/image_data", json!("javascript:alert(1)"))],
            vec![("image_data", "invalid_base64")],
        ),
    ];
    check_table(table);
}

#[test]
fn invalid_risk_bodies() {
    let mut table = vec![
        bad(
            RiskScore,
            vec![unset("/patient_data")],
            vec![("patient_data", "required")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data", json!(null))],
            vec![("patient_data", "required")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data", json!("67,1,88"))],
            vec![("patient_data", "invalid_type")],
        ),
        bad(
            RiskScore,
            vec![set("/age", json!(67))],
            vec![("age", "unknown_field")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data", json!({}))],
            vec![
                ("patient_data.age", "required"),
                ("patient_data.gender", "required"),
                ("patient_data.heart_rate_bpm", "required"),
                ("patient_data.systolic_bp_mmhg", "required"),
                ("patient_data.diastolic_bp_mmhg", "required"),
                ("patient_data.respiratory_rate_per_min", "required"),
                ("patient_data.temperature_c", "required"),
                ("patient_data.spo2_percent", "required"),
            ],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/heart_rate", json!(88))],
            vec![("patient_data.heart_rate", "unknown_field")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/age", json!("67"))],
            vec![("patient_data.age", "invalid_type")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/heart_rate_bpm", json!("88"))],
            vec![("patient_data.heart_rate_bpm", "invalid_type")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/bmi", json!("29.4"))],
            vec![("patient_data.bmi", "invalid_type")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/age", json!(131))],
            vec![("patient_data.age", "out_of_range")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/gender", json!("M"))],
            vec![("patient_data.gender", "invalid_value")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/smoking_status", json!("sometimes"))],
            vec![("patient_data.smoking_status", "invalid_value")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/smoking_status", json!(true))],
            vec![("patient_data.smoking_status", "invalid_type")],
        ),
        // diastolic must be below systolic
        bad(
            RiskScore,
            vec![set("/patient_data/diastolic_bp_mmhg", json!(142))],
            vec![("patient_data.diastolic_bp_mmhg", "inconsistent")],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/diastolic_bp_mmhg", json!(150))],
            vec![("patient_data.diastolic_bp_mmhg", "inconsistent")],
        ),
        // chronic conditions
        bad(
            RiskScore,
            vec![set("/patient_data/chronic_conditions", json!("diabetes"))],
            vec![("patient_data.chronic_conditions", "invalid_type")],
        ),
        bad(
            RiskScore,
            vec![set(
                "/patient_data/chronic_conditions",
                json!(["diabetes", "diabetes"]),
            )],
            vec![("patient_data.chronic_conditions[1]", "duplicate")],
        ),
        bad(
            RiskScore,
            vec![set(
                "/patient_data/chronic_conditions",
                json!(["asthma", "copd", "asthma", "asthma"]),
            )],
            vec![
                ("patient_data.chronic_conditions[2]", "duplicate"),
                ("patient_data.chronic_conditions[3]", "duplicate"),
            ],
        ),
        bad(
            RiskScore,
            vec![set(
                "/patient_data/chronic_conditions",
                json!(["flu", "Diabetes", 3]),
            )],
            vec![
                ("patient_data.chronic_conditions[0]", "invalid_value"),
                ("patient_data.chronic_conditions[1]", "invalid_value"),
                ("patient_data.chronic_conditions[2]", "invalid_type"),
            ],
        ),
        bad(
            RiskScore,
            vec![set("/patient_data/chronic_conditions", strings(10))],
            vec![("patient_data.chronic_conditions", "too_many_items")],
        ),
        bad(
            RiskScore,
            vec![set("/endpoint", json!("risk_v2"))],
            vec![("endpoint", "invalid_format")],
        ),
        bad(
            RiskScore,
            vec![set("/endpoint", json!("other-risk"))],
            vec![("endpoint", "not_allowed")],
        ),
        bad(
            RiskScore,
            vec![set("/variant", json!(""))],
            vec![("variant", "empty")],
        ),
    ];
    // Every range, just outside each end; the values at each end are accepted.
    let ranges: [(&str, f64, f64); 8] = [
        ("/patient_data/age", 0.0, 130.0),
        ("/patient_data/heart_rate_bpm", 20.0, 250.0),
        ("/patient_data/systolic_bp_mmhg", 50.0, 260.0),
        ("/patient_data/diastolic_bp_mmhg", 20.0, 160.0),
        ("/patient_data/respiratory_rate_per_min", 4.0, 60.0),
        ("/patient_data/temperature_c", 30.0, 45.0),
        ("/patient_data/spo2_percent", 50.0, 100.0),
        ("/patient_data/bmi", 10.0, 80.0),
    ];
    for (pointer, min, max) in ranges {
        let path: &'static str = Box::leak(
            pointer
                .trim_start_matches('/')
                .replace('/', ".")
                .into_boxed_str(),
        );
        // Keep blood pressure consistent so that only the range rule applies.
        let consistent = || match pointer {
            "/patient_data/diastolic_bp_mmhg" => {
                vec![set("/patient_data/systolic_bp_mmhg", json!(260))]
            }
            "/patient_data/systolic_bp_mmhg" => {
                vec![set("/patient_data/diastolic_bp_mmhg", json!(20))]
            }
            _ => Vec::new(),
        };
        for outside in [min - 0.1, max + 0.1] {
            let mut changes = consistent();
            changes.push(set(pointer, json!(outside)));
            table.push(bad(RiskScore, changes, vec![(path, "out_of_range")]));
        }
        for inside in [min, max] {
            let mut changes = consistent();
            changes.push(set(pointer, json!(inside)));
            let body = patched(&full_risk(), &changes);
            build(RiskScore, &body.to_string())
                .unwrap_or_else(|e| panic!("{pointer}={inside}: {e}"));
        }
    }
    check_table(table);
}

fn check_table(table: Vec<Bad>) {
    let mut failures = Vec::new();
    for case in table {
        let body = patched(&base_of(case.function), &case.changes).to_string();
        let found = refusal(case.function, &body);
        let expected: Vec<(String, &str)> = case
            .errors
            .iter()
            .map(|(p, c)| ((*p).to_owned(), *c))
            .collect();
        if found != expected {
            failures.push(format!(
                "{:?} {body}\n  got:      {found:?}\n  expected: {expected:?}",
                case.function
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn field_messages() {
    let message = |function: ModelFunction, changes: Vec<(&'static str, Option<Value>)>| {
        let body = patched(&base_of(function), &changes).to_string();
        field_errors(&build(function, &body).unwrap_err())
    };
    let one =
        |path: &str, code: &'static str, text: &str| vec![(path.to_owned(), code, text.to_owned())];
    assert_eq!(
        message(Triage, vec![set("/patient_data/age", json!(131))]),
        one(
            "patient_data.age",
            "out_of_range",
            "must be between 0 and 130"
        )
    );
    assert_eq!(
        message(Triage, vec![set("/patient_data/age", json!("35"))]),
        one("patient_data.age", "invalid_type", "must be a number")
    );
    assert_eq!(
        message(Triage, vec![unset("/symptoms")]),
        one("symptoms", "required", "is required")
    );
    assert_eq!(
        message(Triage, vec![set("/symptoms", json!([]))]),
        one("symptoms", "too_few_items", "must have at least 1 item")
    );
    assert_eq!(
        message(Triage, vec![set("/symptoms", strings(21))]),
        one("symptoms", "too_many_items", "must have at most 20 items")
    );
    assert_eq!(
        message(Triage, vec![set("/symptoms", json!(["x".repeat(101)]))]),
        one("symptoms[0]", "too_long", "must be at most 100 characters")
    );
    assert_eq!(
        message(Triage, vec![set("/symptoms", json!([" "]))]),
        one("symptoms[0]", "empty", "must not be empty")
    );
    assert_eq!(
        message(Triage, vec![set("/symptoms", json!(["a\u{202E}b"]))]),
        one(
            "symptoms[0]",
            "control_character",
            "must not contain control, line-separator or bidirectional-override characters"
        )
    );
    assert_eq!(
        message(Triage, vec![set("/patient_data/gender", json!("F"))]),
        one(
            "patient_data.gender",
            "invalid_value",
            "must be one of: male, female, other, unknown"
        )
    );
    assert_eq!(
        message(Triage, vec![set("/notes", json!("x"))]),
        one(
            "notes",
            "unknown_field",
            "is not a recognised field; expected one of: symptoms, patient_data, endpoint, variant, age, gender, medical_history, current_medications",
        )
    );
    assert_eq!(
        message(Triage, vec![set("/patient_data/agee", json!(1))]),
        one("patient_data.agee", "unknown_field", "is not a recognised field; expected one of: age, gender, medical_history, current_medications")
    );
    assert_eq!(
        message(Triage, vec![set("/age", json!(35))]),
        one(
            "age",
            "conflicting_field",
            "is also given in patient_data; send it once"
        )
    );
    assert_eq!(
        message(Triage, vec![set("/endpoint", json!("other-endpoint"))]),
        one(
            "endpoint",
            "not_allowed",
            "is not an endpoint of this function (allowed: medical-triage-endpoint)"
        )
    );
    assert_eq!(
        message(Triage, vec![set("/endpoint", json!("a_b"))]),
        one("endpoint", "invalid_format", "must contain only ASCII letters, digits and hyphens, and start and end with a letter or digit")
    );
    assert_eq!(
        message(Triage, vec![set("/variant", json!("v".repeat(64)))]),
        one("variant", "too_long", "must be at most 63 characters")
    );
    assert_eq!(
        message(Triage, vec![set("/patient_data", json!(1))]),
        one("patient_data", "invalid_type", "must be a JSON object")
    );
    assert_eq!(
        message(
            RiskScore,
            vec![set("/patient_data/diastolic_bp_mmhg", json!(142))]
        ),
        one(
            "patient_data.diastolic_bp_mmhg",
            "inconsistent",
            "must be lower than systolic_bp_mmhg"
        )
    );
    assert_eq!(
        message(
            RiskScore,
            vec![set(
                "/patient_data/chronic_conditions",
                json!(["copd", "copd"])
            )]
        ),
        one(
            "patient_data.chronic_conditions[1]",
            "duplicate",
            "is listed more than once"
        )
    );
    assert_eq!(
        message(
            RiskScore,
            vec![set("/patient_data/chronic_conditions", strings(10))]
        ),
        one(
            "patient_data.chronic_conditions",
            "too_many_items",
            "must have at most 9 items"
        )
    );
    assert_eq!(
        message(
            RiskScore,
            vec![set("/patient_data/temperature_c", json!(45.1))]
        ),
        one(
            "patient_data.temperature_c",
            "out_of_range",
            "must be between 30 and 45"
        )
    );
    assert_eq!(
        message(
            RiskScore,
            vec![set("/patient_data/smoking_status", json!("x"))]
        ),
        one(
            "patient_data.smoking_status",
            "invalid_value",
            "must be one of: never, former, current, unknown"
        )
    );
    assert_eq!(
        message(ImageAnalysis, vec![set("/image_type", json!("X-Ray"))]),
        one(
            "image_type",
            "invalid_value",
            "must be one of: xray, ct, mri, ultrasound, skin_lesion"
        )
    );
    assert_eq!(
        message(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!("http://169.254.169.254/latest/meta-data/")
            )]
        ),
        one(
            "image_data",
            "unsupported_scheme",
            "must be an s3:// URI, a data: URL or base64 image bytes"
        )
    );
    assert_eq!(
        message(
            ImageAnalysis,
            vec![set("/image_data", json!("s3://bucket"))]
        ),
        one(
            "image_data",
            "invalid_s3_uri",
            "must name an object: s3://bucket/key"
        )
    );
    assert_eq!(
        message(
            ImageAnalysis,
            vec![set(
                "/image_data",
                json!(format!("data:image/jpeg;base64,{}", STANDARD.encode(PNG)))
            )]
        ),
        one(
            "image_data",
            "image_type_mismatch",
            "declares a different type than its bytes, which are image/png"
        )
    );
    assert_eq!(
        message(
            ImageAnalysis,
            vec![set("/image_data", json!(STANDARD.encode(GIF)))]
        ),
        one(
            "image_data",
            "unsupported_image_format",
            "must be a JPEG, PNG or DICOM image"
        )
    );
    assert_eq!(
        message(
            ImageAnalysis,
            vec![set("/image_data", json!("no base64 here!"))]
        ),
        one(
            "image_data",
            "invalid_base64",
            "must be an s3:// URI, a data: URL or valid base64 image bytes"
        )
    );
}

#[test]
fn bodies_that_are_not_a_json_object() {
    let cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
        (
            b"".to_vec(),
            "empty_body",
            400,
            "The request body is empty; send a JSON object.",
        ),
        (
            b" \r\n\t ".to_vec(),
            "empty_body",
            400,
            "The request body is empty; send a JSON object.",
        ),
        (
            b"{".to_vec(),
            "invalid_json",
            400,
            "The request body is not valid JSON: EOF while parsing an object at line 1 column 1.",
        ),
        (
            br#"{"symptoms":["fever"],"symptoms":["cough"],"age":35,"gender":"male"}"#.to_vec(),
            "invalid_json",
            400,
            "The request body is not valid JSON: duplicate object key at line 1 column 42.",
        ),
        (
            br#"{"symptoms":["fever"],"patient_data":{"age":35,"age":36,"gender":"male"}}"#
                .to_vec(),
            "invalid_json",
            400,
            "",
        ),
        (
            br#"{"symptoms":["fever"],"age":NaN,"gender":"male"}"#.to_vec(),
            "invalid_json",
            400,
            "",
        ),
        (
            br#"{"symptoms":["fever"],"age":1e400,"gender":"male"}"#.to_vec(),
            "invalid_json",
            400,
            "",
        ),
        (
            br#"{"symptoms":["fever"],"age":35,"gender":"male"} x"#.to_vec(),
            "invalid_json",
            400,
            "",
        ),
        (
            b"{\"symptoms\":[\"fi\xe8vre\"],\"age\":35,\"gender\":\"male\"}".to_vec(),
            "invalid_json",
            400,
            "",
        ),
        (
            b"\xef\xbb\xbf{\"symptoms\":[\"fever\"],\"age\":35,\"gender\":\"male\"}".to_vec(),
            "invalid_json",
            400,
            "",
        ),
        (
            format!("{}{}", "[".repeat(33), "]".repeat(33)).into_bytes(),
            "invalid_json",
            400,
            "The request body nests deeper than 32 levels.",
        ),
    ];
    for (body, code, status, message) in cases {
        for function in [Triage, ImageAnalysis, RiskScore] {
            let error = build_invocation(&config(), function, &body, None).unwrap_err();
            let shown = String::from_utf8_lossy(&body);
            assert_eq!(
                (error.code.as_str(), error.status(), error.retryable()),
                (code, status, false),
                "{shown}"
            );
            assert!(error.errors.is_empty(), "{shown}");
            if !message.is_empty() {
                assert_eq!(error.message, message, "{shown}");
            }
        }
    }
    // Valid JSON that is not an object is a field error at the root.
    for body in ["[]", "null", "\"fever\"", "42", "true"] {
        for function in [Triage, ImageAnalysis, RiskScore] {
            let error = build(function, body).unwrap_err();
            assert_eq!(
                field_errors(&error),
                [(
                    String::new(),
                    "invalid_type",
                    "the request body must be a JSON object".to_owned()
                )],
                "{body}"
            );
        }
    }
}

#[test]
fn error_messages_never_echo_the_patient_data() {
    let secret = "Jane-Doe-MRN-4471";
    let bodies = [
        format!(r#"{{"symptoms":["{secret}\u0000"],"age":35,"gender":"male"}}"#),
        format!(r#"{{"symptoms":["fever"],"age":"{secret}","gender":"{secret}"}}"#),
        format!(r#"{{"symptoms":["fever"],"age":35,"gender":"male","{secret}":1}}"#),
        format!(r#"{{"symptoms":["{secret}"],"symptoms":[],"age":35,"gender":"male"}}"#),
        format!(r#"{{"symptoms":["{secret}"], "#),
    ];
    for body in &bodies {
        let error = build(Triage, body).unwrap_err();
        let messages: String = std::iter::once(error.message.clone())
            .chain(error.errors.iter().map(|e| e.message.clone()))
            .collect();
        assert!(!messages.contains(secret), "{messages}");
    }
}

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

#[test]
fn the_configuration_decides_the_host() {
    let cases = [
        (
            json!({"region": "us-east-1"}),
            "https://runtime.sagemaker.us-east-1.amazonaws.com",
        ),
        (
            json!({"region": "eu-west-1"}),
            "https://runtime.sagemaker.eu-west-1.amazonaws.com",
        ),
        (
            json!({"region": "ap-southeast-2"}),
            "https://runtime.sagemaker.ap-southeast-2.amazonaws.com",
        ),
        (
            json!({"region": "us-east-1", "useFips": true}),
            "https://runtime-fips.sagemaker.us-east-1.amazonaws.com",
        ),
        (
            json!({"region": "ca-central-1", "useFips": true}),
            "https://runtime-fips.sagemaker.ca-central-1.amazonaws.com",
        ),
        (
            json!({"region": "us-gov-west-1", "useFips": true}),
            "https://runtime.sagemaker.us-gov-west-1.amazonaws.com",
        ),
        (
            json!({"region": "us-gov-west-1"}),
            "https://runtime.sagemaker.us-gov-west-1.amazonaws.com",
        ),
        (
            json!({"region": "cn-north-1"}),
            "https://runtime.sagemaker.cn-north-1.amazonaws.com.cn",
        ),
        (
            json!({"region": "cn-northwest-1", "useFips": true}),
            "https://runtime.sagemaker-fips.cn-northwest-1.amazonaws.com.cn",
        ),
        (
            json!({"region": "us-iso-east-1"}),
            "https://runtime.sagemaker.us-iso-east-1.c2s.ic.gov",
        ),
        (
            json!({"region": "us-isob-east-1"}),
            "https://runtime.sagemaker.us-isob-east-1.sc2s.sgov.gov",
        ),
        (
            json!({"region": "us-east-1", "endpointUrl": "http://127.0.0.1:54329"}),
            "http://127.0.0.1:54329",
        ),
        (
            json!({"region": "us-east-1", "endpointUrl": "http://localhost:8080/"}),
            "http://localhost:8080",
        ),
        (
            json!({"region": "us-east-1", "endpointUrl": "http://[::1]:9000"}),
            "http://[::1]:9000",
        ),
        (
            json!({"region": "us-east-1", "endpointUrl": "https://vpce-0a1b-x2y3.runtime.sagemaker.us-east-1.vpce.amazonaws.com"}),
            "https://vpce-0a1b-x2y3.runtime.sagemaker.us-east-1.vpce.amazonaws.com",
        ),
        (
            json!({"region": "eu-west-1", "endpointUrl": "https://proxy.example.com/sagemaker/"}),
            "https://proxy.example.com/sagemaker",
        ),
    ];
    for (mut settings, base) in cases {
        settings["allowedBuckets"] = json!(["bucket"]);
        let config = config_from(settings.clone());
        for (function, body, endpoint) in [
            (Triage, guide_triage(), "medical-triage-endpoint"),
            (ImageAnalysis, guide_image(), "medical-image-classifier"),
            (RiskScore, minimal_risk(), "patient-risk-scorer"),
        ] {
            let invocation =
                build_invocation(&config, function, body.to_string().as_bytes(), None).unwrap();
            assert_eq!(
                invocation.url,
                format!("{base}/endpoints/{endpoint}/invocations"),
                "{settings}"
            );
        }
        assert_eq!(config.region, settings["region"].as_str().unwrap());
    }
}

#[test]
fn configured_endpoints_and_allow_lists() {
    let config = config_from(json!({
        "region": "us-east-1",
        "allowedBuckets": ["bucket"],
        "allowedEndpoints": {"triage": ["hn-triage-canary"], "riskScore": ["hn-risk-2"]},
        "endpoints": {"triage": "hn-triage-v3", "imageAnalysis": "radiology-classifier", "riskScore": "hn-risk"}
    }));
    let endpoint_of = |function: ModelFunction, body: Value| {
        build_invocation(&config, function, body.to_string().as_bytes(), None).map(|i| i.endpoint)
    };
    let no_endpoint = |mut body: Value| {
        body.as_object_mut().unwrap().remove("endpoint");
        body
    };
    let naming = |body: &Value, endpoint: &str| patched(body, &[set("/endpoint", json!(endpoint))]);
    assert_eq!(
        endpoint_of(Triage, no_endpoint(guide_triage())).unwrap(),
        "hn-triage-v3"
    );
    assert_eq!(
        endpoint_of(ImageAnalysis, no_endpoint(guide_image())).unwrap(),
        "radiology-classifier"
    );
    assert_eq!(
        endpoint_of(
            ImageAnalysis,
            naming(&guide_image(), "radiology-classifier")
        )
        .unwrap(),
        "radiology-classifier"
    );
    assert_eq!(endpoint_of(RiskScore, minimal_risk()).unwrap(), "hn-risk");
    assert_eq!(
        endpoint_of(Triage, naming(&guide_triage(), "hn-triage-canary")).unwrap(),
        "hn-triage-canary"
    );
    assert_eq!(
        endpoint_of(RiskScore, naming(&minimal_risk(), "hn-risk-2")).unwrap(),
        "hn-risk-2"
    );
    // The guide's names are no longer this deployment's, another function's
    // endpoints are not this one's, and nothing is matched by prefix.
    for refused in [
        "medical-triage-endpoint",
        "hn-triage-canary-2",
        "radiology-classifier",
        "hn-risk-2",
    ] {
        let error = build_invocation(
            &config,
            Triage,
            naming(&guide_triage(), refused).to_string().as_bytes(),
            None,
        )
        .unwrap_err();
        assert_eq!(
            field_errors(&error),
            [(
                "endpoint".to_owned(),
                "not_allowed",
                "is not an endpoint of this function (allowed: hn-triage-v3, hn-triage-canary)"
                    .to_owned()
            )],
            "{refused}"
        );
    }
}

#[test]
fn bad_settings_are_each_named() {
    let problems = |settings: Value| -> Vec<(String, &'static str)> {
        let error =
            FunctionGateway::new(serde_json::from_value(settings).unwrap(), Triage).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status(), error.retryable()),
            ("invalid_configuration", 500, false)
        );
        assert_eq!(error.message, "The gateway is misconfigured.");
        error
            .errors
            .iter()
            .map(|e| (e.path.clone(), static_code(e)))
            .collect()
    };
    let named = |paths: &[&str]| -> Vec<(String, &'static str)> {
        paths
            .iter()
            .map(|p| ((*p).to_owned(), "invalid_setting"))
            .collect()
    };
    assert_eq!(problems(json!({"region": ""})), named(&["region"]));
    assert_eq!(problems(json!({"region": "US-EAST-1"})), named(&["region"]));
    assert_eq!(
        problems(json!({"region": "us-east-1.evil.com"})),
        named(&["region"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "endpointUrl": "http://example.com"})),
        named(&["endpointUrl"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "endpointUrl": "http://169.254.169.254"})),
        named(&["endpointUrl"])
    );
    assert_eq!(
        problems(
            json!({"region": "us-east-1", "endpointUrl": "https://user:pw@proxy.example.com"})
        ),
        named(&["endpointUrl"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "endpointUrl": "file:///etc/passwd"})),
        named(&["endpointUrl"])
    );
    assert_eq!(
        problems(
            json!({"region": "us-east-1", "endpointUrl": "https://x.example.com", "useFips": true})
        ),
        named(&["useFips"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "allowedEndpoints": {"triage": ["medical *"]}})),
        named(&["allowedEndpoints.triage"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "allowedEndpoints": {"riskScore": ["medical-*"]}})),
        named(&["allowedEndpoints.riskScore"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "clientVariants": ["model_v1"]})),
        named(&["clientVariants"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "s3KeyPrefix": "patients{sub}/"})),
        named(&["s3KeyPrefix"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "allowedBuckets": ["Not_A_Bucket"]})),
        named(&["allowedBuckets"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "imageLabels": ["only-one"]})),
        named(&["imageLabels"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "imageLabels": ["a", "a"]})),
        named(&["imageLabels"])
    );
    assert_eq!(
        problems(json!({"region": "us-east-1", "endpoints": {"riskScore": "risk_scorer"}})),
        named(&["endpoints.riskScore"])
    );
    assert_eq!(
        problems(json!({
            "region": "mars-1",
            "endpointUrl": "http://10.0.0.1",
            "allowedEndpoints": {"imageAnalysis": ["-bad"]},
            "allowedBuckets": ["x"],
            "endpoints": {"triage": "", "imageAnalysis": "a.b", "riskScore": "-r"},
            "imageLabels": []
        })),
        named(&[
            "endpointUrl",
            "region",
            "allowedBuckets",
            "endpoints.triage",
            "endpoints.imageAnalysis",
            "allowedEndpoints.imageAnalysis",
            "endpoints.riskScore",
            "imageLabels"
        ])
    );
    let error = GatewayConfig::new(
        serde_json::from_value(json!({"region": "us-east-1", "endpointUrl": "http://example.com"}))
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        error.errors[0].message,
        "must use https unless the host is loopback (127.0.0.1, localhost or [::1])"
    );
    // Unknown or mistyped settings are refused when the settings are read.
    assert!(serde_json::from_value::<healthnav_edge::GatewaySettings>(
        json!({"region": "us-east-1", "useFIPS": true})
    )
    .is_err());
    assert!(serde_json::from_value::<healthnav_edge::GatewaySettings>(
        json!({"region": "us-east-1", "useFips": "yes"})
    )
    .is_err());
}

#[test]
fn settings_from_json_name_each_unknown_or_mistyped_setting() {
    use healthnav_edge::GatewaySettings;
    let problems = |settings: Value| -> Vec<(String, &'static str, String)> {
        let error = GatewaySettings::from_json(settings).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status(), error.retryable()),
            ("invalid_configuration", 500, false)
        );
        assert_eq!(error.message, "The gateway is misconfigured.");
        field_errors(&error)
    };
    let problem =
        |path: &str, message: &str| (path.to_owned(), "invalid_setting", message.to_owned());

    // null means "not set", as undefined does in JavaScript.
    let settings = GatewaySettings::from_json(json!({
        "region": "eu-west-1", "endpointUrl": null, "useFips": null, "allowedBuckets": null,
        "endpoints": {"triage": null, "riskScore": "hn-risk"}, "imageLabels": null, "triageScoreMeaning": null
    }))
    .unwrap();
    let config = GatewayConfig::new(settings).unwrap();
    assert_eq!(
        config.base_url.as_str(),
        "https://runtime.sagemaker.eu-west-1.amazonaws.com"
    );
    assert_eq!(config.default_endpoint(Triage), "medical-triage-endpoint");
    assert_eq!(config.default_endpoint(RiskScore), "hn-risk");

    let expected_keys = "is not a recognised setting; expected one of: region, endpointUrl, useFips, allowedEndpoints, allowedBuckets, s3KeyPrefix, clientVariants, endpoints, imageLabels, triageScoreMeaning, asyncInference, stickyVariants, redFlags";
    assert_eq!(
        problems(json!({"region": "us-east-1", "useFIPS": true, "allowedBucket": ["b"]})),
        [
            problem("allowedBucket", expected_keys),
            problem("useFIPS", expected_keys)
        ]
    );
    assert_eq!(
        problems(json!({
            "region": 5, "useFips": "true", "allowedBuckets": "healthnav-images",
            "endpoints": {"triag": "x"}, "triageScoreMeaning": "prob"
        })),
        [
            problem("allowedBuckets", "is invalid: invalid type: string \"healthnav-images\", expected a sequence"),
            problem("endpoints", "is invalid: unknown field `triag`, expected one of `triage`, `imageAnalysis`, `riskScore`"),
            problem("region", "is invalid: invalid type: integer `5`, expected a string"),
            problem("triageScoreMeaning", "is invalid: unknown variant `prob`, expected `class_index` or `probability`"),
            problem("useFips", "is invalid: invalid type: string \"true\", expected a boolean"),
        ]
    );
    assert_eq!(problems(json!({})), [problem("region", "is required")]);
    assert_eq!(
        problems(json!({"region": null, "useFips": true})),
        [problem("region", "is required")]
    );
    for not_an_object in [json!(null), json!("us-east-1"), json!([]), json!(1)] {
        assert_eq!(
            problems(not_an_object.clone()),
            [problem("", "the settings must be an object")],
            "{not_an_object}"
        );
    }
    // Values are still checked by GatewayConfig::new, with the same paths.
    let settings = GatewaySettings::from_json(
        json!({"region": "us-east-1", "endpointUrl": "http://example.com"}),
    )
    .unwrap();
    let error = GatewayConfig::new(settings).unwrap_err();
    assert_eq!(
        field_errors(&error),
        [problem(
            "endpointUrl",
            "must use https unless the host is loopback (127.0.0.1, localhost or [::1])"
        )]
    );
}

#[test]
fn unknown_field_names_are_echoed_short_and_plain() {
    let mut body = guide_triage();
    let invented = format!("\u{202e}\u{200f}note\n{}", "x".repeat(10_000));
    body[invented.as_str()] = json!(1);
    let error = build(Triage, &body.to_string()).unwrap_err();
    let path = &field_errors(&error)[0].0;
    assert_eq!(path, &format!("note{}…", "x".repeat(36)));
    assert_eq!(path.chars().count(), 41);
}

#[test]
fn s3_images_stay_inside_the_callers_own_folder() {
    let config = config_from(json!({"region": "us-east-1", "allowedBuckets": ["scans"],
        "s3KeyPrefix": "patients/{sub}/"}));
    let body = json!({"image_data": "s3://scans/patients/user-a/xray.png", "image_type": "xray"});
    let as_caller = |caller: Option<&str>| {
        build_invocation(&config, ImageAnalysis, body.to_string().as_bytes(), caller)
    };
    assert!(as_caller(Some("user-a")).is_ok());
    for stranger in [Some("user-b"), Some("user-a/../user-b"), None] {
        let error = as_caller(stranger).unwrap_err();
        assert_eq!(
            (
                field_errors(&error)[0].0.as_str(),
                field_errors(&error)[0].1
            ),
            ("image_data", "not_allowed"),
            "{stranger:?}"
        );
    }
}

/// A field error's code. The crate's own are static; only a batch plan
/// handed back from JavaScript holds owned ones, which tests never build.
fn static_code(error: &healthnav_edge::FieldError) -> &'static str {
    match &error.code {
        std::borrow::Cow::Borrowed(code) => code,
        std::borrow::Cow::Owned(_) => panic!("an owned code in {}", error.path),
    }
}
