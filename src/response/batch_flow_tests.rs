//! Batch predictions, end to end inside the crate: `{"patients": [...]}`
//! through `build_invocation` (the exact SageMaker request and slot plan) and
//! `normalize_batch_response` (the exact `{"results": [...]}`), with every
//! prediction of a model answer read by `parse_model_outputs`.

use crate::config::GatewayConfig;
use crate::error::{ErrorCode, FieldError, GatewayError};
use crate::function::ModelFunction;
use crate::invocation::{build_invocation, Invocation, InvocationMode};
use crate::request::batch::{BatchPlan, BatchSlot, MAX_BATCH_PATIENTS};
use crate::response::batch::normalize_batch_response;
use crate::response::model_output::{parse_model_outputs, ModelOutput};
use crate::response::UpstreamResponse;
use serde_json::{json, Value};

use ModelFunction::{ImageAnalysis, RiskScore, Triage};

const US_EAST_1: &str = "https://runtime.sagemaker.us-east-1.amazonaws.com";

/// The variants and extra triage endpoint the batches below name are the
/// operator's to allow; nothing else is. The red-flag floor (tested in
/// tests/red_flag_floor.rs) is off: these are the model's answers alone.
fn config() -> GatewayConfig {
    let settings = json!({"region": "us-east-1",
        "allowedEndpoints": {"triage": ["medical-triage-xgboost"]},
        "clientVariants": ["model-v2", "a"], "allowedBuckets": ["bucket"],
        "redFlags": {"enabled": false}});
    GatewayConfig::new(serde_json::from_value(settings).unwrap()).unwrap()
}

fn build(function: ModelFunction, body: &Value) -> Result<Invocation, GatewayError> {
    build_invocation(&config(), function, body.to_string().as_bytes(), None)
}

fn plan(invocation: &Invocation) -> &BatchPlan {
    match &invocation.mode {
        InvocationMode::Batch(plan) => plan,
        other => panic!("expected a batch, got {other:?}"),
    }
}

fn ok_slot(index: usize) -> BatchSlot {
    BatchSlot {
        index,
        ok: true,
        errors: Vec::new(),
        red_flags: Vec::new(),
    }
}

fn bad_slot(index: usize, errors: &[(&str, &'static str, &str)]) -> BatchSlot {
    BatchSlot {
        index,
        ok: false,
        errors: errors
            .iter()
            .map(|(path, code, message)| FieldError::new(*path, code, *message))
            .collect(),
        red_flags: Vec::new(),
    }
}

fn fever() -> Value {
    json!({"symptoms": ["fever", "cough"], "patient_data": {"age": 35, "gender": "female"}})
}

fn chest_pain() -> Value {
    json!({"symptoms": ["  chest pain "], "age": 70, "gender": "male", "medical_history": ["hypertension"]})
}

fn vitals(age: u32) -> Value {
    json!({"patient_data": {
        "age": age, "gender": "male", "heart_rate_bpm": 88, "systolic_bp_mmhg": 142, "diastolic_bp_mmhg": 91,
        "respiratory_rate_per_min": 18, "temperature_c": 37.2, "spo2_percent": 96
    }})
}

fn paths(error: &GatewayError) -> Vec<(&str, &str)> {
    error
        .errors
        .iter()
        .map(|e| (e.path.as_str(), e.static_code()))
        .collect()
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

#[test]
fn a_batch_answer_lists_at_most_100_field_errors() {
    // 99 patients with six problems each (five invented fields, a bad age)
    // and one valid patient: 594 problems from a body of a few kilobytes.
    let bad = json!({"symptoms": ["x"], "age": -1, "gender": "male",
        "a1": 1, "a2": 1, "a3": 1, "a4": 1, "a5": 1});
    let mut patients = vec![bad; 99];
    patients.push(fever());
    let invocation = build(Triage, &json!({ "patients": patients })).unwrap();
    let bounded = plan(&invocation);
    let listed: usize = bounded.slots.iter().map(|slot| slot.errors.len()).sum();
    assert_eq!(listed, 100);
    assert!(bounded.truncated);
    // Every refused patient still says why; the spare error goes to the first.
    assert!(bounded.slots[..99]
        .iter()
        .all(|slot| !slot.ok && !slot.errors.is_empty()));
    assert_eq!(bounded.slots[0].errors.len(), 2);
    assert!(bounded.is_consistent());
    // The answer says so.
    let result = normalize_batch_response(
        &config(),
        Triage,
        bounded,
        UpstreamResponse {
            status: 200,
            headers: &[("content-type".into(), "application/jsonlines".into())],
            body: br#"{"urgency_score":0.2,"risk_level":"low","confidence":0.9}"#,
        },
        5,
    )
    .unwrap();
    let answer = serde_json::to_value(&result).unwrap();
    assert_eq!(answer["truncated"], json!(true));
    // A batch within the budget carries no flag at all.
    let small = build(Triage, &json!({"patients": [fever(), {"symptoms": []}]})).unwrap();
    assert!(!plan(&small).truncated);
}

#[test]
fn a_triage_batch_is_one_json_lines_invocation() {
    let body = json!({"patients": [fever(), {"symptoms": []}, chest_pain()], "endpoint": "medical-triage-xgboost", "variant": "model-v2"});
    let invocation = build(Triage, &body).unwrap();
    let lines = concat!(
        r#"{"symptoms":["fever","cough"],"age":35,"gender":"female","medical_history":[],"current_medications":[]}"#,
        "\n",
        r#"{"symptoms":["chest pain"],"age":70,"gender":"male","medical_history":["hypertension"],"current_medications":[]}"#,
        "\n",
    );
    let expected_plan = BatchPlan {
        slots: vec![
            ok_slot(0),
            bad_slot(
                1,
                &[
                    (
                        "patients[1].symptoms",
                        "too_few_items",
                        "must have at least 1 item",
                    ),
                    ("patients[1].age", "required", "is required"),
                    ("patients[1].gender", "required", "is required"),
                ],
            ),
            ok_slot(2),
        ],
        truncated: false,
    };
    assert_eq!(
        invocation,
        Invocation {
            endpoint: "medical-triage-xgboost".into(),
            variant: Some("model-v2".into()),
            url: format!("{US_EAST_1}/endpoints/medical-triage-xgboost/invocations"),
            headers: vec![
                ("content-type".into(), "application/jsonlines".into()),
                ("accept".into(), "application/jsonlines".into()),
                ("x-amzn-sagemaker-target-variant".into(), "model-v2".into()),
            ],
            body: lines.as_bytes().to_vec(),
            input_in_s3: false,
            mode: InvocationMode::Batch(expected_plan),
            red_flags: Vec::new(),
        }
    );
}

#[test]
fn a_risk_batch_is_one_csv_invocation_with_a_row_per_valid_patient() {
    let body = json!({"patients": [vitals(67), vitals(200), vitals(30), "not a patient"]});
    let invocation = build(RiskScore, &body).unwrap();
    assert_eq!(
        invocation.url,
        format!("{US_EAST_1}/endpoints/patient-risk-scorer/invocations")
    );
    assert_eq!(
        invocation.headers,
        [
            ("content-type".to_owned(), "text/csv".to_owned()),
            ("accept".to_owned(), "text/csv".to_owned())
        ]
    );
    assert_eq!(
        String::from_utf8(invocation.body.clone()).unwrap(),
        "67,1,88,142,91,18,37.2,96,,,,0,0,0,0,0,0,0,0,0\n30,1,88,142,91,18,37.2,96,,,,0,0,0,0,0,0,0,0,0\n"
    );
    assert_eq!(
        plan(&invocation).slots,
        [
            ok_slot(0),
            bad_slot(
                1,
                &[(
                    "patients[1].patient_data.age",
                    "out_of_range",
                    "must be between 0 and 130"
                )]
            ),
            ok_slot(2),
            bad_slot(
                3,
                &[("patients[3]", "invalid_type", "must be a JSON object")]
            ),
        ]
    );
}

#[test]
fn envelope_problems_and_batches_without_a_valid_patient_are_422() {
    let many: Vec<Value> = (0..=MAX_BATCH_PATIENTS).map(|_| fever()).collect();
    /// A body and the `(path, code)` of every error it gets.
    type Case = (ModelFunction, Value, Vec<(&'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        (
            Triage,
            json!({"patients": {}}),
            vec![("patients", "invalid_type")],
        ),
        (
            Triage,
            json!({"patients": []}),
            vec![("patients", "too_few_items")],
        ),
        (
            Triage,
            json!({"patients": null}),
            vec![("patients", "required")],
        ),
        (
            Triage,
            json!({"patients": many}),
            vec![("patients", "too_many_items")],
        ),
        (
            Triage,
            json!({"patients": [fever()], "symptoms": ["x"]}),
            vec![("symptoms", "unknown_field")],
        ),
        // Every problem at once: the envelope's, then each patient's.
        (
            Triage,
            json!({"patients": [fever(), {"symptoms": ["x"], "age": -1, "gender": "male"}], "endpoint": "other-endpoint"}),
            vec![
                ("endpoint", "not_allowed"),
                ("patients[1].age", "out_of_range"),
            ],
        ),
        // Routing stays top-level.
        (
            RiskScore,
            json!({"patients": [{"patient_data": vitals(50)["patient_data"], "endpoint": "medical-x"}]}),
            vec![("patients[0].endpoint", "unknown_field")],
        ),
        (
            RiskScore,
            json!({"patients": [{}, 7]}),
            vec![
                ("patients[0].patient_data", "required"),
                ("patients[1]", "invalid_type"),
            ],
        ),
        // Image analysis has no batch form.
        (
            ImageAnalysis,
            json!({"patients": [], "image_type": "xray", "image_data": "s3://bucket/a.png"}),
            vec![("patients", "unknown_field")],
        ),
    ];
    for (function, body, expected) in cases {
        let error = build(function, &body).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status()),
            ("validation_failed", 422),
            "{body}"
        );
        assert_eq!(paths(&error), expected, "{body}");
    }
}

#[test]
fn the_largest_triage_batch_fits_the_parser_and_sagemaker() {
    let texts = |n: usize, word: &str| -> Vec<String> {
        // Each at the 100-character limit.
        (0..n)
            .map(|i| {
                format!("{word} {i:03} {}", "x".repeat(100))
                    .chars()
                    .take(100)
                    .collect()
            })
            .collect()
    };
    let patient = json!({
        "symptoms": texts(20, "symptom"),
        "patient_data": {"age": 130, "gender": "unknown",
            "medical_history": texts(30, "history"), "current_medications": texts(30, "medication")}
    });
    let body = json!({"patients": vec![patient; MAX_BATCH_PATIENTS], "endpoint": "medical-triage-endpoint", "variant": "a"});
    assert!(body.to_string().len() < 6_291_456);
    let invocation = build(Triage, &body).unwrap();
    assert_eq!(plan(&invocation).sent(), MAX_BATCH_PATIENTS);
    assert!(invocation.body.len() < 6_291_456);
}

// ---------------------------------------------------------------------------
// Every prediction of an answer
// ---------------------------------------------------------------------------

fn numbers(outputs: Vec<ModelOutput>) -> Vec<(Vec<f64>, &'static str)> {
    outputs
        .into_iter()
        .map(|output| match output {
            ModelOutput::Numbers(numbers, format) => (numbers, format),
            other => panic!("expected numbers, got {other:?}"),
        })
        .collect()
}

#[test]
fn every_prediction_of_a_multi_row_answer_in_order() {
    type Case<'a> = (Option<&'a str>, &'a str, Vec<(Vec<f64>, &'static str)>);
    let cases: Vec<Case> = vec![
        (Some("text/csv"), "0.8\n\n0.1\r\n0.5\n", vec![(vec![0.8], "csv"), (vec![0.1], "csv"), (vec![0.5], "csv")]),
        (None, "0.1,0.9\n0.6,0.4\n", vec![(vec![0.1, 0.9], "csv"), (vec![0.6, 0.4], "csv")]),
        (
            Some("application/json"),
            r#"{"predictions":[{"score":0.87},{"score":0.1}]}"#,
            vec![(vec![0.87], "predictions"), (vec![0.1], "predictions")],
        ),
        (
            None,
            r#"{"predictions":[[0.1,0.9],[0.7,0.3]]}"#,
            vec![(vec![0.1, 0.9], "predictions"), (vec![0.7, 0.3], "predictions")],
        ),
        (
            None,
            r#"{"probabilities":[[0.3,0.7],[0.9,0.1]]}"#,
            vec![(vec![0.3, 0.7], "probabilities"), (vec![0.9, 0.1], "probabilities")],
        ),
        (None, "[[1,2],[3,4]]", vec![(vec![1.0, 2.0], "bare_array"), (vec![3.0, 4.0], "bare_array")]),
        // A flat vector is one prediction, never one score per row.
        (None, r#"{"prediction":[0.137,0.842]}"#, vec![(vec![0.137, 0.842], "prediction")]),
        (
            Some("application/jsonlines; charset=utf-8"),
            "{\"predicted_label\":1,\"probabilities\":[0.4,0.6]}\n{\"predicted_label\":0,\"probabilities\":[0.9,0.1]}\n",
            vec![(vec![0.4, 0.6], "probabilities"), (vec![0.9, 0.1], "probabilities")],
        ),
        (
            Some("application/x-jsonlines"),
            "[0.2]\n{\"predictions\":[{\"score\":0.3},{\"score\":0.4}]}\n",
            vec![(vec![0.2], "bare_array"), (vec![0.3], "predictions")],
        ),
    ];
    for (content_type, body, expected) in cases {
        let outputs = parse_model_outputs(content_type, body.as_bytes()).unwrap();
        assert_eq!(numbers(outputs), expected, "{body}");
    }
    let rich = parse_model_outputs(
        Some("application/jsonlines"),
        b"{\"urgency_score\":0.2,\"risk_level\":\"low\"}\n{\"urgency_score\":0.9,\"risk_level\":\"critical\"}",
    )
    .unwrap();
    assert!(matches!(
        rich.as_slice(),
        [ModelOutput::Rich(_), ModelOutput::Rich(_)]
    ));
    for bad in ["0.1\nnan\n", "{\"a\":1}\nnot json\n", ""] {
        let error = parse_model_outputs(Some("application/jsonlines"), bad.as_bytes())
            .or_else(|_| parse_model_outputs(None, bad.as_bytes()))
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidModelOutput, "{bad:?}");
    }
}

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

fn answer(
    function: ModelFunction,
    request: &Value,
    content_type: &str,
    body: &str,
) -> Result<Value, GatewayError> {
    let invocation = build(function, request).unwrap();
    let headers = vec![
        ("Content-Type".to_owned(), content_type.to_owned()),
        (
            "x-Amzn-Invoked-Production-Variant".to_owned(),
            "AllTraffic".to_owned(),
        ),
    ];
    let response = UpstreamResponse {
        status: 200,
        headers: &headers,
        body: body.as_bytes(),
    };
    normalize_batch_response(&config(), function, plan(&invocation), response, 42)
        .map(|result| serde_json::to_value(result).unwrap())
}

#[test]
fn answers_map_to_slots_by_order() {
    let risk_request = json!({"patients": [vitals(67), vitals(200), vitals(30)]});
    let risk = |score: f64, level: &str, format: &str| json!({"risk_score": score, "risk_level": level, "factors": [], "model_version": null, "invoked_variant": "AllTraffic", "inference_time_ms": 42, "output_format": format});
    let refused_age = json!({"index": 1, "ok": false, "errors": [
        {"path": "patients[1].patient_data.age", "code": "out_of_range", "message": "must be between 0 and 130"}]});
    let triage_request = json!({"patients": [fever(), chest_pain()]});
    let cases = vec![
        (
            RiskScore,
            &risk_request,
            "text/csv",
            "0.3977\n0.13070000\n",
            json!({"results": [
                {"index": 0, "ok": true, "result": risk(0.3977, "moderate", "csv")},
                refused_age.clone(),
                {"index": 2, "ok": true, "result": risk(0.1307, "low", "csv")},
            ]}),
        ),
        (
            RiskScore,
            &risk_request,
            "application/json",
            r#"{"predictions":[{"score":0.9},{"score":0.2}]}"#,
            json!({"results": [
                {"index": 0, "ok": true, "result": risk(0.9, "critical", "predictions")},
                refused_age,
                {"index": 2, "ok": true, "result": risk(0.2, "low", "predictions")},
            ]}),
        ),
        (
            Triage,
            &triage_request,
            "application/jsonlines",
            concat!(
                r#"{"urgency_score":0.35,"risk_level":"moderate","recommended_specialty":"General Practice","confidence":0.8,"key_findings":["Fever reported"],"model_version":"m-1"}"#,
                "\n",
                r#"{"urgency_score":0.8,"risk_level":"critical"}"#,
                "\n"
            ),
            json!({"results": [
                {"index": 0, "ok": true, "result": {"urgency_score": 0.35, "risk_level": "moderate", "model_risk_level": "moderate",
                    "risk_level_source": "model", "red_flags": [], "red_flag_rules_version": null, "recommended_specialty": "General Practice",
                    "confidence": 0.8, "key_findings": ["Fever reported"], "model_version": "m-1", "invoked_variant": "AllTraffic", "inference_time_ms": 42, "output_format": "custom_json"}},
                {"index": 1, "ok": true, "result": {"urgency_score": 0.8, "risk_level": "critical", "model_risk_level": "critical",
                    "risk_level_source": "model", "red_flags": [], "red_flag_rules_version": null, "recommended_specialty": null,
                    "confidence": null, "key_findings": [], "model_version": null, "invoked_variant": "AllTraffic", "inference_time_ms": 42, "output_format": "custom_json"}},
            ]}),
        ),
        (
            Triage,
            &triage_request,
            "text/csv",
            "0.7,0.2,0.1,0.0\n0.0,0.1,0.2,0.7\n",
            json!({"results": [
                {"index": 0, "ok": true, "result": {"urgency_score": 0.1333, "risk_level": "low", "model_risk_level": "low",
                    "risk_level_source": "model", "red_flags": [], "red_flag_rules_version": null, "recommended_specialty": null,
                    "confidence": 0.7, "key_findings": [], "model_version": null, "invoked_variant": "AllTraffic", "inference_time_ms": 42, "output_format": "csv"}},
                {"index": 1, "ok": true, "result": {"urgency_score": 0.8667, "risk_level": "critical", "model_risk_level": "critical",
                    "risk_level_source": "model", "red_flags": [], "red_flag_rules_version": null, "recommended_specialty": null,
                    "confidence": 0.7, "key_findings": [], "model_version": null, "invoked_variant": "AllTraffic", "inference_time_ms": 42, "output_format": "csv"}},
            ]}),
        ),
    ];
    for (function, request, content_type, body, expected) in cases {
        assert_eq!(
            answer(function, request, content_type, body).unwrap(),
            expected,
            "{body}"
        );
    }
}

#[test]
fn answers_that_cannot_be_matched_to_patients_are_invalid_model_output() {
    let risk = json!({"patients": [vitals(67), vitals(200), vitals(30)]});
    let triage = json!({"patients": [fever(), chest_pain()]});
    /// Function, request, answer's Content-Type and body, reason, error paths.
    type Case<'a> = (
        ModelFunction,
        &'a Value,
        &'a str,
        &'a str,
        &'a str,
        Vec<&'a str>,
    );
    let cases: Vec<Case> = vec![
        (
            RiskScore,
            &risk,
            "text/csv",
            "0.5\n",
            "it has 1 predictions for 2 patients",
            vec![],
        ),
        (
            RiskScore,
            &risk,
            "text/csv",
            "0.5\n0.6\n0.7\n",
            "it has 3 predictions for 2 patients",
            vec![],
        ),
        // The old comma-joined one-dimensional CSV is not one row per patient.
        (
            RiskScore,
            &risk,
            "text/csv",
            "0.5,0.6\n",
            "it has 1 predictions for 2 patients",
            vec![],
        ),
        (
            RiskScore,
            &risk,
            "text/csv",
            "0.5\n1.5\n",
            "its score is not a probability in [0, 1]; the risk model must output a probability",
            vec![],
        ),
        (
            Triage,
            &triage,
            "application/jsonlines",
            "{\"urgency_score\":0.1,\"risk_level\":\"low\"}\n{\"risk_level\":\"severe\"}\n",
            "some fields are missing or out of range",
            vec!["results[1].urgency_score", "results[1].risk_level"],
        ),
    ];
    for (function, request, content_type, body, reason, error_paths) in cases {
        let error = answer(function, request, content_type, body).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status()),
            ("invalid_model_output", 502),
            "{body}"
        );
        assert_eq!(
            error.message,
            format!("The model's output could not be used: {reason}."),
            "{body}"
        );
        let found: Vec<&str> = error.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(found, error_paths, "{body}");
    }
}

#[test]
fn a_batch_that_fails_upstream_gets_the_usual_error() {
    let invocation = build(RiskScore, &json!({"patients": [vitals(67), vitals(200)]})).unwrap();
    let cases: &[(u16, &str, &str, &str, u16)] = &[
        (
            424,
            "ModelError",
            r#"{"OriginalStatusCode":400}"#,
            "model_rejected_input",
            422,
        ),
        (
            424,
            "ModelError",
            r#"{"OriginalStatusCode":500}"#,
            "model_error",
            502,
        ),
        (400, "ThrottlingException", "{}", "throttled", 429),
        (
            503,
            "ServiceUnavailable",
            "{}",
            "sagemaker_unavailable",
            503,
        ),
    ];
    for (status, error_type, body, code, client_status) in cases {
        let headers = vec![("x-amzn-ErrorType".to_owned(), (*error_type).to_owned())];
        let response = UpstreamResponse {
            status: *status,
            headers: &headers,
            body: body.as_bytes(),
        };
        let error = normalize_batch_response(&config(), RiskScore, plan(&invocation), response, 1)
            .unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status()),
            (*code, *client_status),
            "{error_type}"
        );
    }
}

#[test]
fn plans_survive_json_and_are_checked_when_they_come_back() {
    let invocation = build(RiskScore, &json!({"patients": [vitals(67), vitals(200)]})).unwrap();
    let plan = plan(&invocation);
    let json = serde_json::to_value(plan).unwrap();
    assert_eq!(
        json,
        json!({"slots": [{"index": 0, "ok": true}, {"index": 1, "ok": false, "errors": [
            {"path": "patients[1].patient_data.age", "code": "out_of_range", "message": "must be between 0 and 130"}]}]})
    );
    let back: BatchPlan = serde_json::from_value(json).unwrap();
    assert_eq!(&back, plan);
    assert!(back.is_consistent());
    let inconsistent = [
        json!({"slots": []}),
        json!({"slots": [{"index": 1, "ok": true}]}),
        json!({"slots": [{"index": 0, "ok": false, "errors": []}]}),
        json!({"slots": [{"index": 0, "ok": true, "errors": [{"path": "p", "code": "c", "message": "m"}]}]}),
        json!({"slots": [{"index": 0, "ok": false, "errors": [{"path": "p", "code": "c", "message": "m"}]}]}),
    ];
    for plan in inconsistent {
        let plan: BatchPlan = serde_json::from_value(plan.clone()).unwrap();
        assert!(!plan.is_consistent(), "{plan:?}");
    }
    assert!(serde_json::from_value::<BatchPlan>(json!({"slots": [], "extra": 1})).is_err());
}
