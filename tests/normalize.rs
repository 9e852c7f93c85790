//! SageMaker answers through a function's `FunctionGateway::normalize`: every
//! container format each function may meet becomes the exact normalised
//! result; unusable output becomes `invalid_model_output` (never a guess); and
//! every SageMaker error, by header or by body, becomes its stable code.

use healthnav_edge::{
    ErrorCode, FunctionGateway, GatewayError, GatewaySettings, ImagePrediction, ImageResult,
    ModelFunction, NormalizedResult, RiskResult, TriageResult, UpstreamResponse,
};
use serde_json::{json, Value};

use ModelFunction::{ImageAnalysis, RiskScore, Triage};

const ELAPSED_MS: u64 = 1234;

/// Response headers as `(name, value)`.
type Headers<'a> = Vec<(&'a str, &'a str)>;
const VARIANT_HEADER: &str = "x-Amzn-Invoked-Production-Variant";

fn config_from(settings: Value) -> GatewaySettings {
    serde_json::from_value(settings).unwrap()
}

/// The model's answers alone: the red-flag floor (its own tests are in
/// `red_flags_floor_…` below) is off, so `risk_level` is the model's.
fn config() -> GatewaySettings {
    config_from(json!({"region": "us-east-1", "redFlags": {"enabled": false}}))
}

/// `function`'s gateway for `settings` normalises an answer.
fn normalize_response(
    settings: &GatewaySettings,
    function: ModelFunction,
    response: UpstreamResponse<'_>,
    elapsed_ms: u64,
) -> Result<NormalizedResult, GatewayError> {
    FunctionGateway::new(settings.clone(), function)
        .unwrap()
        .normalize(response, elapsed_ms, &[])
}

fn respond_with(
    config: &GatewaySettings,
    function: ModelFunction,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<NormalizedResult, GatewayError> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    normalize_response(
        config,
        function,
        UpstreamResponse {
            status,
            headers: &headers,
            body,
        },
        ELAPSED_MS,
    )
}

/// A 200 with this body and Content-Type (if any).
fn respond(
    function: ModelFunction,
    content_type: Option<&str>,
    body: &str,
) -> Result<NormalizedResult, GatewayError> {
    let headers: Vec<(&str, &str)> = content_type
        .map(|t| ("Content-Type", t))
        .into_iter()
        .collect();
    respond_with(&config(), function, 200, &headers, body.as_bytes())
}

fn triage(
    urgency_score: f64,
    risk_level: &'static str,
    confidence: Option<f64>,
    output_format: &'static str,
) -> TriageResult {
    TriageResult {
        urgency_score,
        risk_level,
        model_risk_level: risk_level,
        risk_level_source: "model",
        red_flags: Vec::new(),
        red_flag_rules_version: None,
        recommended_specialty: None,
        confidence,
        key_findings: Vec::new(),
        model_version: None,
        invoked_variant: None,
        inference_time_ms: ELAPSED_MS,
        output_format,
    }
}

fn risk(risk_score: f64, risk_level: &'static str, output_format: &'static str) -> RiskResult {
    RiskResult {
        risk_score,
        risk_level,
        factors: Vec::new(),
        model_version: None,
        invoked_variant: None,
        inference_time_ms: ELAPSED_MS,
        output_format,
    }
}

fn predictions(pairs: &[(&str, f64)]) -> Vec<ImagePrediction> {
    pairs
        .iter()
        .map(|(condition, confidence)| ImagePrediction {
            condition: (*condition).to_owned(),
            confidence: *confidence,
            severity: None,
        })
        .collect()
}

fn image(pairs: &[(&str, f64)], output_format: &'static str) -> ImageResult {
    ImageResult {
        predictions: predictions(pairs),
        model_version: None,
        invoked_variant: None,
        inference_time_ms: ELAPSED_MS,
        output_format,
    }
}

fn bad_output(result: Result<NormalizedResult, GatewayError>, context: &str) -> GatewayError {
    let error = match result {
        Ok(value) => panic!("{context}: expected invalid_model_output, got {value:?}"),
        Err(error) => error,
    };
    assert_eq!(
        (error.code.as_str(), error.status(), error.retryable()),
        ("invalid_model_output", 502, false),
        "{context}: {error}"
    );
    assert!(
        error
            .message
            .starts_with("The model's output could not be used: "),
        "{context}: {}",
        error.message
    );
    assert!(error.upstream.is_none(), "{context}");
    error
}

// ---------------------------------------------------------------------------
// Triage
// ---------------------------------------------------------------------------

#[test]
fn triage_container_formats() {
    let cases: Vec<(Option<&str>, &str, TriageResult)> = vec![
        // XGBoost multi:softmax (the guide's objective): a class index per line, float-formatted.
        (
            Some("text/csv"),
            "2.0\n",
            triage(0.6667, "high", None, "csv"),
        ),
        (
            Some("text/csv; charset=utf-8"),
            "1.0\n0.0\n",
            triage(0.3333, "moderate", None, "csv"),
        ),
        (None, "0", triage(0.0, "low", None, "csv")),
        (None, "3\n", triage(1.0, "critical", None, "csv")),
        // XGBoost multi:softprob CSV: one row of four probabilities, first row only.
        (
            Some("text/csv"),
            "0.1,0.2,0.6,0.1\n0.9,0.1,0.0,0.0\n",
            triage(0.5667, "high", Some(0.6), "csv"),
        ),
        // Comma-joined binary output [p(not urgent), p(urgent)].
        (
            Some("text/csv"),
            "0.3,0.7",
            triage(0.7, "high", None, "csv"),
        ),
        (
            Some("text/csv"),
            " 0.995 , 0.005 \r\n",
            triage(0.005, "low", None, "csv"),
        ),
        // XGBoost JSON: score, score vector, selectable output.
        (
            Some("application/json"),
            r#"{"predictions":[{"score":3.0},{"score":0.0}]}"#,
            triage(1.0, "critical", None, "predictions"),
        ),
        (
            None,
            r#"{"predictions":[{"score":[0.05,0.15,0.3,0.5]}]}"#,
            triage(0.75, "critical", Some(0.5), "predictions"),
        ),
        (
            None,
            r#"{"predictions":[{"predicted_label":1,"probabilities":[0.2,0.8]}]}"#,
            triage(0.8, "critical", None, "predictions"),
        ),
        // TF Serving rows and objects; columnar outputs.
        (
            None,
            r#"{"predictions":[[0.7,0.2,0.05,0.05]]}"#,
            triage(0.15, "low", Some(0.7), "predictions"),
        ),
        (
            None,
            r#"{"predictions":[{"classes":2,"probabilities":[0.1,0.1,0.7,0.1]}]}"#,
            triage(0.6, "high", Some(0.7), "predictions"),
        ),
        (
            None,
            r#"{"outputs":[[0.1,0.1,0.1,0.7]]}"#,
            triage(0.8, "critical", Some(0.7), "outputs"),
        ),
        // Image-Classification-style and LightGBM probability keys; a tie goes to the lower class.
        (
            None,
            r#"{"prediction":[0.25,0.25,0.25,0.25]}"#,
            triage(0.5, "low", Some(0.25), "prediction"),
        ),
        (
            None,
            r#"{"probabilities":[[0.1,0.2,0.3,0.4]],"probabilities-1d":[[0.4]]}"#,
            triage(0.6667, "critical", Some(0.4), "probabilities"),
        ),
        // PyTorch default handler: a bare array.
        (
            None,
            "[[0.4,0.3,0.2,0.1]]",
            triage(0.3333, "low", Some(0.4), "bare_array"),
        ),
        (
            None,
            "[0.0, 1.0]",
            triage(1.0, "critical", None, "bare_array"),
        ),
        // float32 noise is rounded to 4 decimals.
        (
            None,
            "[[0.10000000149011612,0.20000000298023224,0.30000001192092896,0.3999999761581421]]",
            triage(0.6667, "critical", Some(0.4), "bare_array"),
        ),
    ];
    for (content_type, body, expected) in cases {
        let result = respond(Triage, content_type, body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(result, NormalizedResult::Triage(expected), "{body}");
    }
}

#[test]
fn triage_rich_custom_json() {
    let body = r#"{"urgency_score":0.87654,"risk_level":" HIGH ","recommended_specialty":" Cardiology ",
        "confidence":0.912345,"key_findings":["chest pain"," tachycardia "],"model_version":"triage-v1.2"}"#;
    let expected = TriageResult {
        urgency_score: 0.8765,
        risk_level: "high",
        model_risk_level: "high",
        risk_level_source: "model",
        red_flags: Vec::new(),
        red_flag_rules_version: None,
        recommended_specialty: Some("Cardiology".into()),
        confidence: Some(0.9123),
        key_findings: vec!["chest pain".into(), "tachycardia".into()],
        model_version: Some("triage-v1.2".into()),
        invoked_variant: Some("AllTraffic".into()),
        inference_time_ms: ELAPSED_MS,
        output_format: "custom_json",
    };
    let headers = [
        ("Content-Type", "application/json"),
        (VARIANT_HEADER, "AllTraffic"),
    ];
    let result = respond_with(&config(), Triage, 200, &headers, body.as_bytes()).unwrap();
    assert_eq!(
        result,
        NormalizedResult::Triage(expected),
        "model_version is the body's; the variant is its own field"
    );

    let minimal = r#"{"urgency_score":0.2,"risk_level":"low","recommended_specialty":null,"confidence":null}"#;
    let result = respond_with(
        &config(),
        Triage,
        200,
        &[(VARIANT_HEADER, "variant-blue")],
        minimal.as_bytes(),
    )
    .unwrap();
    let mut expected = triage(0.2, "low", None, "custom_json");
    expected.invoked_variant = Some("variant-blue".into());
    assert_eq!(result, NormalizedResult::Triage(expected));
}

#[test]
fn triage_score_as_probability_when_configured() {
    let config = config_from(
        json!({"region": "us-east-1", "triageScoreMeaning": "probability", "redFlags": {"enabled": false}}),
    );
    for (body, expected) in [
        ("0.3\n", triage(0.3, "moderate", None, "csv")),
        ("0.75", triage(0.75, "critical", None, "csv")),
        ("0.2499\n", triage(0.2499, "low", None, "csv")),
        ("0.5", triage(0.5, "high", None, "csv")),
        (
            r#"{"predictions":[{"score":0.43861907720565796}]}"#,
            triage(0.4386, "moderate", None, "predictions"),
        ),
    ] {
        let result = respond_with(&config, Triage, 200, &[], body.as_bytes()).unwrap();
        assert_eq!(result, NormalizedResult::Triage(expected), "{body}");
    }
    let error = bad_output(
        respond_with(&config, Triage, 200, &[], b"1.2\n"),
        "probability above 1",
    );
    assert_eq!(
        error.message,
        "The model's output could not be used: its score is not a probability in [0, 1]."
    );
    // With the default meaning the same 0.3 is not a class index.
    let error = bad_output(
        respond(Triage, Some("text/csv"), "0.3\n"),
        "0.3 as class index",
    );
    assert_eq!(
        error.message,
        "The model's output could not be used: its class index is not 0, 1, 2 or 3 (set the triage score meaning to probability for binary:logistic models)."
    );
}

#[test]
fn triage_output_that_cannot_be_used() {
    let cases: &[(&str, &str)] = &[
        ("4.0\n", "its class index is not 0, 1, 2 or 3 (set the triage score meaning to probability for binary:logistic models)"),
        ("-1\n", "its class index is not 0, 1, 2 or 3 (set the triage score meaning to probability for binary:logistic models)"),
        ("1.5\n", "its class index is not 0, 1, 2 or 3 (set the triage score meaning to probability for binary:logistic models)"),
        ("0.1,0.2,0.7\n", "it has 3 classes where 4 are configured"),
        ("0.1,0.1,0.2,0.3,0.3\n", "it has 5 classes where 4 are configured"),
        ("0.4,0.4,0.4,0.4\n", "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        ("[[2.3,-1.0,0.5,0.1]]", "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        ("0.6,0.6", "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        ("-0.5,1.5", "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        ("", "it is empty"),
        ("\n\n", "it is empty"),
        ("nan\n", "its CSV holds a field that is not a finite number"),
        ("NaN", "its CSV holds a field that is not a finite number"),
        ("inf\n", "its CSV holds a field that is not a finite number"),
        ("1e999\n", "its CSV holds a field that is not a finite number"),
        ("0.5,abc\n", "its CSV holds a field that is not a finite number"),
        ("0x1\n", "its CSV holds a field that is not a finite number"),
        ("1,\"[0.4, 0.6]\"\n", "its CSV holds a field that is not a finite number"),
        ("{\"urgency_score\": NaN}", "it is not valid JSON (non-finite numbers such as NaN are not JSON)"),
        ("{\"predictions\": [", "it is not valid JSON (non-finite numbers such as NaN are not JSON)"),
        ("{\"predicted_label\":1}\n{\"predicted_label\":0}\n", "it is not valid JSON (non-finite numbers such as NaN are not JSON)"),
        ("[]", "it holds no prediction"),
        ("[[]]", "it holds no prediction"),
        ("[\"high\"]", "its predictions are not numbers"),
        ("[0.5, \"x\"]", "it contains a number that is not finite"),
    ];
    for (body, reason) in cases {
        let error = bad_output(respond(Triage, None, body), body);
        assert_eq!(
            error.message,
            format!("The model's output could not be used: {reason}."),
            "{body:?}"
        );
        assert!(error.errors.is_empty(), "{body:?}");
    }
    for body in [
        &b"\xff\xfe0.5"[..],
        b"\"high\"",
        b"null",
        b"42 43",
        b"{\"predictions\":[[]]}",
    ] {
        bad_output(
            respond_with(&config(), Triage, 200, &[], body),
            &String::from_utf8_lossy(body),
        );
    }
    let oversize = vec![b'1'; 6_291_457];
    let error = bad_output(
        respond_with(&config(), Triage, 200, &[], &oversize),
        "oversize",
    );
    assert_eq!(
        error.message,
        "The model's output could not be used: it is larger than SageMaker's 6 MiB limit."
    );
}

#[test]
fn triage_custom_json_is_checked_field_by_field() {
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (
            json!({"urgency_score": 1.5, "risk_level": "high"}),
            vec![("urgency_score", "out_of_range")],
        ),
        (
            json!({"urgency_score": "0.5", "risk_level": "high"}),
            vec![("urgency_score", "invalid_type")],
        ),
        (
            json!({"risk_level": "high"}),
            vec![("urgency_score", "required")],
        ),
        (
            json!({"urgency_score": 0.5}),
            vec![("risk_level", "required")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "urgent"}),
            vec![("risk_level", "invalid_value")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": 2}),
            vec![("risk_level", "invalid_value")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "confidence": "high"}),
            vec![("confidence", "invalid_type")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "confidence": -0.1}),
            vec![("confidence", "out_of_range")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "key_findings": "chest pain"}),
            vec![("key_findings", "invalid_type")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "key_findings": ["ok", "a\u{0}b"]}),
            vec![("key_findings[1]", "control_character")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "recommended_specialty": 5}),
            vec![("recommended_specialty", "invalid_type")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "recommended_specialty": "x".repeat(101)}),
            vec![("recommended_specialty", "too_long")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "model_version": ""}),
            vec![("model_version", "empty")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high", "model_version": "v".repeat(65)}),
            vec![("model_version", "too_long")],
        ),
        (
            json!({"predictions": [{"condition": "pneumonia", "confidence": 0.8}]}),
            vec![("urgency_score", "required"), ("risk_level", "required")],
        ),
        (
            json!({"predictions": [{"predicted_label": 2}]}),
            vec![("urgency_score", "required"), ("risk_level", "required")],
        ),
        (
            json!({"predictions": [null]}),
            vec![("urgency_score", "required"), ("risk_level", "required")],
        ),
        (
            json!({"urgency_score": 2, "risk_level": "none", "confidence": 9, "key_findings": [1]}),
            vec![
                ("urgency_score", "out_of_range"),
                ("risk_level", "invalid_value"),
                ("confidence", "out_of_range"),
                ("key_findings[0]", "invalid_type"),
            ],
        ),
    ];
    for (body, expected) in cases {
        let error = bad_output(respond(Triage, None, &body.to_string()), &body.to_string());
        assert_eq!(
            error.message,
            "The model's output could not be used: some fields are missing or out of range."
        );
        let found: Vec<(&str, &str)> = error
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.code.as_ref()))
            .collect();
        assert_eq!(found, expected, "{body}");
    }
}

// ---------------------------------------------------------------------------
// Image analysis
// ---------------------------------------------------------------------------

#[test]
fn image_container_formats() {
    // Default labels, in output order: normal, pneumonia, pleural_effusion, cardiomegaly, nodule.
    let sorted = [
        ("pneumonia", 0.6),
        ("cardiomegaly", 0.2),
        ("pleural_effusion", 0.1),
        ("normal", 0.05),
        ("nodule", 0.05),
    ];
    let cases: Vec<(Option<&str>, &str, ImageResult)> = vec![
        (
            Some("application/json"),
            r#"{"prediction":[0.05,0.6,0.1,0.2,0.05]}"#,
            image(&sorted, "image_classification"),
        ),
        (
            None,
            r#"{"predictions":[[0.05,0.6,0.1,0.2,0.05]]}"#,
            image(&sorted, "predictions"),
        ),
        (
            None,
            r#"{"predictions":[{"probabilities":[0.05,0.6,0.1,0.2,0.05]}]}"#,
            image(&sorted, "predictions"),
        ),
        (
            None,
            r#"{"outputs":[[0.05,0.6,0.1,0.2,0.05]]}"#,
            image(&sorted, "outputs"),
        ),
        (
            None,
            r#"{"probabilities":[[0.05,0.6,0.1,0.2,0.05]]}"#,
            image(&sorted, "probabilities"),
        ),
        (
            None,
            "[[0.05,0.6,0.1,0.2,0.05]]",
            image(&sorted, "bare_array"),
        ),
        (
            Some("text/csv"),
            "0.05,0.6,0.1,0.2,0.05\n",
            image(&sorted, "csv"),
        ),
        (
            None,
            r#"{"prediction":[0.123456,0.2,0.2,0.076544,0.4]}"#,
            image(
                &[
                    ("nodule", 0.4),
                    ("pneumonia", 0.2),
                    ("pleural_effusion", 0.2),
                    ("normal", 0.1235),
                    ("cardiomegaly", 0.0765),
                ],
                "image_classification",
            ),
        ),
    ];
    for (content_type, body, expected) in cases {
        let result =
            respond(ImageAnalysis, content_type, body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(result, NormalizedResult::Image(expected), "{body}");
    }
}

#[test]
fn image_top_five_of_configured_labels() {
    let config = config_from(
        json!({"region": "us-east-1", "imageLabels": ["a", "b", "c", "d", "e", "f", "g"]}),
    );
    let body = br#"{"prediction":[0.01,0.3,0.02,0.4,0.07,0.1,0.1]}"#;
    let result = respond_with(
        &config,
        ImageAnalysis,
        200,
        &[(VARIANT_HEADER, "AllTraffic")],
        body,
    )
    .unwrap();
    let mut expected = image(
        &[("d", 0.4), ("b", 0.3), ("f", 0.1), ("g", 0.1), ("e", 0.07)],
        "image_classification",
    );
    expected.invoked_variant = Some("AllTraffic".into());
    assert_eq!(result, NormalizedResult::Image(expected));

    let two = config_from(json!({"region": "us-east-1", "imageLabels": ["benign", "malignant"]}));
    let result = respond_with(&two, ImageAnalysis, 200, &[], b"[0.83, 0.17]").unwrap();
    assert_eq!(
        result,
        NormalizedResult::Image(image(
            &[("benign", 0.83), ("malignant", 0.17)],
            "bare_array"
        ))
    );
    let error = bad_output(
        respond_with(
            &two,
            ImageAnalysis,
            200,
            &[],
            br#"{"prediction":[0.05,0.6,0.1,0.2,0.05]}"#,
        ),
        "5 for 2",
    );
    assert_eq!(
        error.message,
        "The model's output could not be used: it has 5 classes where 2 labels are configured."
    );
}

#[test]
fn image_rich_custom_json() {
    let body = r#"{"predictions":[{"condition":"pneumonia","confidence":0.8123456,"severity":" Moderate "},
        {"condition":" normal ","confidence":0.9,"severity":null},{"condition":"nodule","confidence":0.01,"severity":"mild"}],
        "model_version":"img-2"}"#;
    let result = respond_with(
        &config(),
        ImageAnalysis,
        200,
        &[(VARIANT_HEADER, "AllTraffic")],
        body.as_bytes(),
    )
    .unwrap();
    let expected = ImageResult {
        predictions: vec![
            ImagePrediction {
                condition: "normal".into(),
                confidence: 0.9,
                severity: None,
            },
            ImagePrediction {
                condition: "pneumonia".into(),
                confidence: 0.8123,
                severity: Some("moderate".into()),
            },
            ImagePrediction {
                condition: "nodule".into(),
                confidence: 0.01,
                severity: Some("mild".into()),
            },
        ],
        model_version: Some("img-2".into()),
        invoked_variant: Some("AllTraffic".into()),
        inference_time_ms: ELAPSED_MS,
        output_format: "custom_json",
    };
    assert_eq!(result, NormalizedResult::Image(expected));
    // Labels the classifier was not configured with are fine in custom JSON.
    let custom = r#"{"predictions":[{"condition":"fracture","confidence":0.7}]}"#;
    let result = respond(ImageAnalysis, None, custom).unwrap();
    assert_eq!(
        result,
        NormalizedResult::Image(image(&[("fracture", 0.7)], "custom_json"))
    );
}

#[test]
fn image_output_that_cannot_be_used() {
    let numbers: &[(&str, &str)] = &[
        (r#"{"prediction":[0.1,0.2,0.3,0.4]}"#, "it has 4 classes where 5 labels are configured"),
        (r#"{"prediction":[0.1,0.1,0.1,0.1,0.1,0.5]}"#, "it has 6 classes where 5 labels are configured"),
        ("[[-1.2, 3.4, 0.1, 0.2, 0.3]]", "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        (r#"{"prediction":[0.1,0.1,0.1,0.1,0.1]}"#, "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        ("0.5\n", "it has 1 classes where 5 labels are configured"),
        ("", "it is empty"),
    ];
    for (body, reason) in numbers {
        let error = bad_output(respond(ImageAnalysis, None, body), body);
        assert_eq!(
            error.message,
            format!("The model's output could not be used: {reason}."),
            "{body}"
        );
    }
    let fields: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (
            json!({"predictions": [{"condition": "pneumonia", "confidence": 1.2}]}),
            vec![("predictions[0].confidence", "out_of_range")],
        ),
        (
            json!({"predictions": [{"condition": "pneumonia", "confidence": "0.8"}]}),
            vec![("predictions[0].confidence", "invalid_type")],
        ),
        (
            json!({"predictions": [{"confidence": 0.8}]}),
            vec![("predictions[0].condition", "required")],
        ),
        (
            json!({"predictions": [{"condition": "", "confidence": 0.8}]}),
            vec![("predictions[0].condition", "empty")],
        ),
        (
            json!({"predictions": [{"condition": "a\u{202E}b", "confidence": 0.8}]}),
            vec![("predictions[0].condition", "control_character")],
        ),
        (
            json!({"predictions": [{"condition": "x", "confidence": 0.8, "severity": "grave"}]}),
            vec![("predictions[0].severity", "invalid_value")],
        ),
        (
            json!({"predictions": [{"condition": "x", "confidence": 0.8, "severity": 3}]}),
            vec![("predictions[0].severity", "invalid_value")],
        ),
        (
            json!({"predictions": ["pneumonia"]}),
            vec![("predictions[0]", "invalid_type")],
        ),
        (
            json!({"predictions": "pneumonia"}),
            vec![("predictions", "invalid_type")],
        ),
        (
            json!({"predictions": [null]}),
            vec![("predictions[0]", "invalid_type")],
        ),
        (
            json!({"label": "pneumonia"}),
            vec![("predictions", "required")],
        ),
        (
            json!({"urgency_score": 0.5, "risk_level": "high"}),
            vec![("predictions", "required")],
        ),
        (
            json!({"predictions": (0..101).map(|i| json!({"condition": format!("c{i}"), "confidence": 0.001})).collect::<Vec<_>>()}),
            vec![("predictions", "invalid_type")],
        ),
        (
            json!({"predictions": [{"condition": "x", "confidence": 0.5}], "model_version": 2}),
            vec![("model_version", "invalid_type")],
        ),
    ];
    for (body, expected) in fields {
        let error = bad_output(
            respond(ImageAnalysis, None, &body.to_string()),
            &body.to_string(),
        );
        let found: Vec<(&str, &str)> = error
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.code.as_ref()))
            .collect();
        assert_eq!(found, expected, "{body}");
    }
}

// ---------------------------------------------------------------------------
// Risk score
// ---------------------------------------------------------------------------

#[test]
fn risk_container_formats() {
    let cases: Vec<(Option<&str>, &str, RiskResult)> = vec![
        (
            Some("text/csv"),
            "0.43861907720565796\n",
            risk(0.4386, "moderate", "csv"),
        ),
        (
            Some("text/csv"),
            "0.8734\n0.1021\n",
            risk(0.8734, "critical", "csv"),
        ),
        (None, "0.13,0.87", risk(0.87, "critical", "csv")),
        (
            Some("application/json"),
            r#"{"predictions":[{"score":0.9}]}"#,
            risk(0.9, "critical", "predictions"),
        ),
        (
            None,
            r#"{"predictions":[{"predicted_label":1,"probabilities":[0.4,0.6]}]}"#,
            risk(0.6, "high", "predictions"),
        ),
        (
            None,
            r#"{"predictions":[{"predicted_label":0,"probability":0.3}]}"#,
            risk(0.3, "moderate", "predictions"),
        ),
        (
            None,
            r#"{"prediction":[0.137]}"#,
            risk(0.137, "low", "prediction"),
        ),
        (
            None,
            r#"{"probabilities":[[0.3,0.7]],"probabilities-1d":[[0.7]]}"#,
            risk(0.7, "high", "probabilities"),
        ),
        (
            None,
            r#"{"predictions":[[0.02]]}"#,
            risk(0.02, "low", "predictions"),
        ),
        (None, r#"{"outputs":[0.51]}"#, risk(0.51, "high", "outputs")),
        (None, "[0.2]", risk(0.2, "low", "bare_array")),
        (None, "[[0.8,0.2]]", risk(0.2, "low", "bare_array")),
        // The level thresholds: below 0.25 low, below 0.5 moderate, below 0.75 high.
        (None, "0\n", risk(0.0, "low", "csv")),
        (None, "0.2499\n", risk(0.2499, "low", "csv")),
        (None, "0.25\n", risk(0.25, "moderate", "csv")),
        (None, "0.4999\n", risk(0.4999, "moderate", "csv")),
        (None, "0.5\n", risk(0.5, "high", "csv")),
        (None, "0.7499\n", risk(0.7499, "high", "csv")),
        (None, "0.75\n", risk(0.75, "critical", "csv")),
        (None, "1\n", risk(1.0, "critical", "csv")),
    ];
    for (content_type, body, expected) in cases {
        let result =
            respond(RiskScore, content_type, body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(result, NormalizedResult::Risk(expected), "{body}");
    }
}

/// The level a client sees must follow the documented thresholds applied to the
/// score it sees: a score that rounds to 0.25 is moderate, not low.
#[test]
fn levels_agree_with_the_rounded_score_the_client_sees() {
    for (body, score, level) in [
        ("0.24996", 0.25, "moderate"),
        ("0.49995", 0.5, "high"),
        ("0.749951", 0.75, "critical"),
        ("0.24994", 0.2499, "low"),
    ] {
        assert_eq!(
            respond(RiskScore, None, body).unwrap(),
            NormalizedResult::Risk(risk(score, level, "csv")),
            "{body}"
        );
        let rich = format!(r#"{{"risk_score":{body}}}"#);
        assert_eq!(
            respond(RiskScore, None, &rich).unwrap(),
            NormalizedResult::Risk(risk(score, level, "custom_json")),
            "{rich}"
        );
        let binary = format!("[{}, {body}]", 1.0 - body.parse::<f64>().unwrap());
        assert_eq!(
            respond(Triage, None, &binary).unwrap(),
            NormalizedResult::Triage(triage(score, level, None, "bare_array")),
            "{binary}"
        );
    }
}

#[test]
fn risk_rich_custom_json() {
    let body = r#"{"risk_score":0.62346,"risk_level":"High","factors":["age over 65"," hypertension "],"model_version":"risk-3"}"#;
    let result = respond_with(
        &config(),
        RiskScore,
        200,
        &[(VARIANT_HEADER, "AllTraffic")],
        body.as_bytes(),
    )
    .unwrap();
    let expected = RiskResult {
        risk_score: 0.6235,
        risk_level: "high",
        factors: vec!["age over 65".into(), "hypertension".into()],
        model_version: Some("risk-3".into()),
        invoked_variant: Some("AllTraffic".into()),
        inference_time_ms: ELAPSED_MS,
        output_format: "custom_json",
    };
    assert_eq!(result, NormalizedResult::Risk(expected));
    // Without a level, the thresholds decide; the model's own level is kept as it said it.
    assert_eq!(
        respond(RiskScore, None, r#"{"risk_score":0.8}"#).unwrap(),
        NormalizedResult::Risk(risk(0.8, "critical", "custom_json"))
    );
    assert_eq!(
        respond(
            RiskScore,
            None,
            r#"{"risk_score":0.1,"risk_level":"CRITICAL","factors":null}"#
        )
        .unwrap(),
        NormalizedResult::Risk(risk(0.1, "critical", "custom_json"))
    );
}

#[test]
fn risk_output_that_cannot_be_used() {
    let numbers: &[(&str, &str)] = &[
        ("1.5\n", "its score is not a probability in [0, 1]; the risk model must output a probability"),
        ("-0.1\n", "its score is not a probability in [0, 1]; the risk model must output a probability"),
        (r#"{"predictions":[{"predicted_score":37.5}]}"#, "its score is not a probability in [0, 1]; the risk model must output a probability"),
        ("0.2,0.3,0.5\n", "it has 3 values where one risk probability is expected"),
        ("[[0.5,0.6]]", "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        (r#"{"prediction":[0.137,0.842]}"#, "its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"),
        ("0.5,abc\n", "its CSV holds a field that is not a finite number"),
        ("", "it is empty"),
    ];
    for (body, reason) in numbers {
        let error = bad_output(respond(RiskScore, None, body), body);
        assert_eq!(
            error.message,
            format!("The model's output could not be used: {reason}."),
            "{body}"
        );
    }
    let fields: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (
            json!({"risk_score": "0.5"}),
            vec![("risk_score", "invalid_type")],
        ),
        (
            json!({"risk_score": 1.01}),
            vec![("risk_score", "out_of_range")],
        ),
        (
            json!({"risk_level": "high"}),
            vec![("risk_score", "required")],
        ),
        (
            json!({"risk_score": 0.5, "risk_level": "extreme"}),
            vec![("risk_level", "invalid_value")],
        ),
        (
            json!({"risk_score": 0.5, "factors": "age"}),
            vec![("factors", "invalid_type")],
        ),
        (
            json!({"risk_score": 0.5, "factors": (0..51).map(|i| format!("f{i}")).collect::<Vec<_>>()}),
            vec![("factors", "too_many_items")],
        ),
        (
            json!({"risk_score": 0.5, "factors": ["x".repeat(301)]}),
            vec![("factors[0]", "too_long")],
        ),
        (json!({"score": 0.5}), vec![("risk_score", "required")]),
    ];
    for (body, expected) in fields {
        let error = bad_output(
            respond(RiskScore, None, &body.to_string()),
            &body.to_string(),
        );
        let found: Vec<(&str, &str)> = error
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.code.as_ref()))
            .collect();
        assert_eq!(found, expected, "{body}");
    }
}

// ---------------------------------------------------------------------------
// Everything every function shares
// ---------------------------------------------------------------------------

#[test]
fn invoked_variant_is_a_valid_variant_header_only_and_never_the_model_version() {
    let cases: [(Headers, Option<&str>); 6] = [
        (vec![(VARIANT_HEADER, "AllTraffic")], Some("AllTraffic")),
        (
            vec![("x-amzn-invoked-production-variant", "variant-2")],
            Some("variant-2"),
        ),
        (
            vec![("X-AMZN-INVOKED-PRODUCTION-VARIANT", "blue")],
            Some("blue"),
        ),
        (vec![(VARIANT_HEADER, "AllTraffic; drop table")], None),
        (vec![(VARIANT_HEADER, "")], None),
        (Vec::new(), None),
    ];
    for (headers, version) in cases {
        for function in [Triage, ImageAnalysis, RiskScore] {
            let body: &[u8] = match function {
                Triage => b"1\n",
                ImageAnalysis => b"[0.2,0.2,0.2,0.2,0.2]",
                RiskScore => b"0.3",
            };
            let found = match respond_with(&config(), function, 200, &headers, body).unwrap() {
                NormalizedResult::Triage(r) => (r.invoked_variant, r.model_version),
                NormalizedResult::Image(r) => (r.invoked_variant, r.model_version),
                NormalizedResult::Risk(r) => (r.invoked_variant, r.model_version),
            };
            assert_eq!(found.0.as_deref(), version, "{headers:?}");
            assert_eq!(found.1, None, "a variant is not a model version");
        }
    }
}

#[test]
fn inference_time_is_the_elapsed_time_given() {
    let headers: Vec<(String, String)> = Vec::new();
    for elapsed in [0, 1, 59_999, u64::MAX] {
        let response = UpstreamResponse {
            status: 200,
            headers: &headers,
            body: b"0.5",
        };
        match normalize_response(&config(), RiskScore, response, elapsed).unwrap() {
            NormalizedResult::Risk(result) => assert_eq!(result.inference_time_ms, elapsed),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn the_result_serialises_to_the_guides_field_names() {
    let result = respond(Triage, None, "[[0.1,0.2,0.3,0.4]]").unwrap();
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        json!({
            "urgency_score": 0.6667, "risk_level": "critical", "model_risk_level": "critical",
            "risk_level_source": "model", "red_flags": [], "red_flag_rules_version": null,
            "recommended_specialty": null, "confidence": 0.4, "key_findings": [], "model_version": null,
            "invoked_variant": null, "inference_time_ms": ELAPSED_MS, "output_format": "bare_array"
        })
    );
    let result = respond(
        ImageAnalysis,
        None,
        r#"{"prediction":[0.05,0.6,0.1,0.2,0.05]}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&result).unwrap()["predictions"][0],
        json!({"condition": "pneumonia", "confidence": 0.6, "severity": null})
    );
    let result = respond(RiskScore, None, "0.3").unwrap();
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        json!({"risk_score": 0.3, "risk_level": "moderate", "factors": [], "model_version": null,
            "invoked_variant": null, "inference_time_ms": ELAPSED_MS, "output_format": "csv"})
    );
}

// ---------------------------------------------------------------------------
// SageMaker errors
// ---------------------------------------------------------------------------

struct Expected {
    aws: &'static str,
    status: u16,
    original: Option<i64>,
    code: &'static str,
    client_status: u16,
    retryable: bool,
}

const fn e(
    aws: &'static str,
    status: u16,
    original: Option<i64>,
    code: &'static str,
    client_status: u16,
    retryable: bool,
) -> Expected {
    Expected {
        aws,
        status,
        original,
        code,
        client_status,
        retryable,
    }
}

const SAGEMAKER_ERRORS: [Expected; 11] = [
    e(
        "ValidationError",
        400,
        None,
        "sagemaker_validation_error",
        502,
        false,
    ),
    e("ModelError", 424, Some(0), "model_timeout", 504, false),
    e(
        "ModelError",
        424,
        Some(400),
        "model_rejected_input",
        422,
        false,
    ),
    e(
        "ModelError",
        424,
        Some(415),
        "model_rejected_input",
        422,
        false,
    ),
    e("ModelError", 424, Some(500), "model_error", 502, false),
    e("ModelError", 424, None, "model_error", 502, false),
    e(
        "ModelNotReadyException",
        429,
        None,
        "model_not_ready",
        503,
        true,
    ),
    e("ThrottlingException", 400, None, "throttled", 429, true),
    e(
        "InternalFailure",
        500,
        None,
        "sagemaker_internal_failure",
        502,
        true,
    ),
    e(
        "ServiceUnavailable",
        503,
        None,
        "sagemaker_unavailable",
        503,
        true,
    ),
    e(
        "InternalDependencyException",
        530,
        None,
        "sagemaker_dependency_failure",
        502,
        false,
    ),
];

fn model_error_body(original: Option<i64>, extra: &str) -> String {
    let mut body = json!({
        "ErrorCode": "CLIENT_ERROR_FROM_MODEL",
        "LogStreamArn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/medical-triage-endpoint",
        "Message": "Received client error from primary with message \"patient Jane Doe, MRN 4471\"",
        "OriginalMessage": "patient Jane Doe, MRN 4471",
    });
    if let Some(code) = original {
        body["OriginalStatusCode"] = json!(code);
    }
    let mut text = body.to_string();
    if !extra.is_empty() {
        text.insert_str(1, extra);
    }
    text
}

#[test]
fn every_sagemaker_error_by_header_and_by_body() {
    for expected in &SAGEMAKER_ERRORS {
        let header_value = format!(
            "{}:http://internal.amazon.com/coral/com.amazon.coral.service/",
            expected.aws
        );
        let forms: Vec<(&str, Headers, String)> = vec![
            (
                "header",
                vec![
                    ("x-amzn-ErrorType", header_value.as_str()),
                    ("Content-Type", "application/json"),
                ],
                model_error_body(expected.original, ""),
            ),
            (
                "header, plain name",
                vec![("X-Amzn-ErrorType", expected.aws)],
                model_error_body(expected.original, ""),
            ),
            (
                "body __type",
                Vec::new(),
                model_error_body(
                    expected.original,
                    &format!("\"__type\":\"com.amazonaws.sagemaker#{}\",", expected.aws),
                ),
            ),
            (
                "body __type, plain",
                Vec::new(),
                model_error_body(
                    expected.original,
                    &format!("\"__type\":\"{}\",", expected.aws),
                ),
            ),
            (
                "body code",
                Vec::new(),
                model_error_body(
                    expected.original,
                    &format!("\"code\":\"{}\",", expected.aws),
                ),
            ),
            (
                "body Code",
                Vec::new(),
                model_error_body(
                    expected.original,
                    &format!("\"Code\":\"{}\",", expected.aws),
                ),
            ),
        ];
        for (form, headers, body) in forms {
            for function in [Triage, ImageAnalysis, RiskScore] {
                let context = format!("{} {:?} ({form})", expected.aws, expected.original);
                let error = respond_with(
                    &config(),
                    function,
                    expected.status,
                    &headers,
                    body.as_bytes(),
                )
                .expect_err(&context);
                assert_eq!(
                    (error.code.as_str(), error.status(), error.retryable()),
                    (expected.code, expected.client_status, expected.retryable),
                    "{context}"
                );
                let upstream = error.upstream.as_ref().unwrap();
                assert_eq!(upstream.status, expected.status, "{context}");
                assert_eq!(
                    upstream.aws_code.as_deref(),
                    Some(expected.aws),
                    "{context}"
                );
                assert_eq!(
                    upstream.original_status_code, expected.original,
                    "{context}"
                );
                assert!(error.errors.is_empty(), "{context}");
                let printed = format!("{error} {error:?}");
                assert!(
                    !printed.contains("Jane") && !printed.contains("4471"),
                    "{context}: upstream text must not be kept: {printed}"
                );
            }
        }
    }
}

#[test]
fn the_header_names_the_error_before_the_body_does() {
    let headers = [("x-amzn-ErrorType", "ThrottlingException")];
    let error = respond_with(
        &config(),
        Triage,
        400,
        &headers,
        br#"{"__type":"ValidationError","message":null}"#,
    )
    .unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.status(), error.retryable()),
        ("throttled", 429, true)
    );
    assert_eq!(
        error.message,
        "SageMaker is throttling requests to this endpoint; retry later."
    );
    let error = respond_with(
        &config(),
        Triage,
        400,
        &[],
        br#"{"__type":"ValidationError","code":"ThrottlingException"}"#,
    )
    .unwrap_err();
    assert_eq!(
        error.code,
        ErrorCode::SagemakerValidationError,
        "__type comes before code"
    );
}

#[test]
fn error_messages_are_fixed_sentences() {
    let message = |status: u16, aws: &str, body: &str| {
        respond_with(
            &config(),
            Triage,
            status,
            &[("x-amzn-ErrorType", aws)],
            body.as_bytes(),
        )
        .unwrap_err()
        .message
    };
    assert_eq!(
        message(424, "ModelError", &model_error_body(Some(0), "")),
        "The model did not answer within SageMaker's 60-second limit."
    );
    assert_eq!(
        message(424, "ModelError", &model_error_body(Some(400), "")),
        "The model rejected the input it was sent."
    );
    assert_eq!(
        message(424, "ModelError", &model_error_body(Some(500), "")),
        "The model failed while processing the request."
    );
    assert_eq!(
        message(429, "ModelNotReadyException", "{}"),
        "The model is still loading or scaling; retry shortly."
    );
    assert_eq!(
        message(400, "ValidationError", "{}"),
        "SageMaker refused the request (for example, the endpoint or variant does not exist)."
    );
    assert_eq!(
        message(500, "InternalFailure", "{}"),
        "SageMaker had an internal failure; retry later."
    );
    assert_eq!(
        message(503, "ServiceUnavailable", "{}"),
        "SageMaker is unavailable; retry later."
    );
    assert_eq!(
        message(530, "InternalDependencyException", "{}"),
        "A SageMaker internal dependency failed; AWS advises contacting support if it persists."
    );
}

#[test]
fn errors_without_a_name_fall_back_on_the_status() {
    let cases: [(u16, &str, &str, u16, bool); 9] = [
        (500, "", "upstream_unavailable", 502, true),
        (
            502,
            "<html>Bad Gateway</html>",
            "upstream_unavailable",
            502,
            true,
        ),
        (504, "", "upstream_unavailable", 502, true),
        (503, "", "sagemaker_unavailable", 503, true),
        (429, "", "throttled", 429, true),
        (
            413,
            "HTTP content length exceeded 5246976 bytes.",
            "sagemaker_validation_error",
            502,
            false,
        ),
        (418, "{}", "upstream_error", 502, false),
        (400, r#"{"message":null}"#, "upstream_error", 502, false),
        (
            403,
            r#"{"__type":"<script>"}"#,
            "upstream_error",
            502,
            false,
        ),
    ];
    for (status, body, code, client_status, retryable) in cases {
        let error = respond_with(&config(), RiskScore, status, &[], body.as_bytes()).unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status(), error.retryable()),
            (code, client_status, retryable),
            "{status} {body}"
        );
        assert_eq!(error.upstream.as_ref().unwrap().status, status);
    }
    // Credentials and signature problems are the deployment's, not the client's.
    for aws in [
        "InvalidSignatureException",
        "UnrecognizedClientException",
        "ExpiredTokenException",
        "AccessDeniedException",
    ] {
        let error =
            respond_with(&config(), Triage, 403, &[("x-amzn-ErrorType", aws)], b"{}").unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status(), error.retryable()),
            ("upstream_auth_failed", 502, false),
            "{aws}"
        );
    }
}
