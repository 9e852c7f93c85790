//! The clinical red-flag floor through a triage gateway, as a deployment
//! runs it: the request's published warning signs are found when it is
//! built, and the model's answer cannot talk them down; when the model cannot
//! answer, the flags and the fixed safety message are what is left.

use healthnav_edge::{
    FunctionGateway, GatewaySettings, ModelFunction, NormalizedResult, TriageResult,
    UpstreamResponse, SAFETY_MESSAGE,
};
use serde_json::{json, Value};

fn gateway(settings: Value) -> FunctionGateway {
    let settings: GatewaySettings = serde_json::from_value(settings).unwrap();
    FunctionGateway::new(settings, ModelFunction::Triage).unwrap()
}

fn default_gateway() -> FunctionGateway {
    gateway(json!({"region": "us-east-1"}))
}

/// A model that says `level` whatever it is asked (a miscalibrated one).
fn model_says(level: &str) -> Vec<u8> {
    json!({"urgency_score": 0.1, "risk_level": level, "confidence": 0.9,
        "recommended_specialty": "General Practice", "model_version": "triage-2"})
    .to_string()
    .into_bytes()
}

fn answer(gateway: &FunctionGateway, body: &Value, model: &[u8]) -> TriageResult {
    let invocation = gateway
        .build(body.to_string().as_bytes(), Some("patient-1"))
        .unwrap();
    let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    let response = UpstreamResponse {
        status: 200,
        headers: &headers,
        body: model,
    };
    match gateway
        .normalize(response, 40, &invocation.red_flags)
        .unwrap()
    {
        NormalizedResult::Triage(result) => result,
        other => panic!("{other:?}"),
    }
}

fn chest_pain() -> Value {
    json!({"symptoms": ["crushing chest pain", "sweating"], "patient_data": {"age": 58, "gender": "male"}})
}

#[test]
fn a_model_that_says_low_for_a_red_flag_case_is_raised_and_its_own_level_kept() {
    let result = answer(&default_gateway(), &chest_pain(), &model_says("low"));
    assert_eq!(result.risk_level, "critical");
    assert_eq!(result.model_risk_level, "low");
    assert_eq!(result.risk_level_source, "red_flags");
    let ids: Vec<&str> = result.red_flags.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["heart_attack_chest_discomfort"]);
    assert!(result.red_flags[0].source.url.starts_with("https://"));
    // The floor never invents a number: the score and confidence are the model's.
    assert_eq!(result.urgency_score, 0.1);
    assert_eq!(result.confidence, Some(0.9));
    assert_eq!(result.model_version.as_deref(), Some("triage-2"));
    assert!(result.red_flag_rules_version.is_some());
}

#[test]
fn negated_and_absent_warning_signs_change_nothing() {
    for symptoms in [
        json!(["fever", "cough"]),
        json!(["no chest pain", "cough"]),
        json!(["denies chest pain", "runny nose"]),
    ] {
        let body = json!({"symptoms": symptoms, "patient_data": {"age": 35, "gender": "female"}});
        let result = answer(&default_gateway(), &body, &model_says("low"));
        assert_eq!(
            (result.risk_level, result.risk_level_source),
            ("low", "model"),
            "{symptoms}"
        );
        assert!(result.red_flags.is_empty(), "{symptoms}");
    }
}

#[test]
fn a_model_already_above_the_floor_decides() {
    let infant = json!({"symptoms": ["fever"], "patient_data": {"age": 0.1, "gender": "female"}});
    let result = answer(&default_gateway(), &infant, &model_says("critical"));
    assert_eq!(result.red_flags[0].id, "infant_fever");
    assert_eq!(
        (result.risk_level, result.risk_level_source),
        ("critical", "model")
    );
}

#[test]
fn the_operator_can_switch_the_floor_off_or_add_rules() {
    let off = gateway(json!({"region": "us-east-1", "redFlags": {"enabled": false}}));
    let result = answer(&off, &chest_pain(), &model_says("low"));
    assert_eq!(
        (result.risk_level, result.risk_level_source),
        ("low", "model")
    );
    assert_eq!(result.red_flag_rules_version, None);

    let extra = json!({
        "version": "clinic.1",
        "concepts": [{"name": "black_stool", "phrases": ["black stool", "tarry stool"]}],
        "rules": [{
            "id": "gi_bleed", "finding": "Black, tarry stool can be bleeding in the gut: get care today.",
            "source": {"organisation": "Example Clinic", "title": "Warning signs", "url": "https://clinic.example/signs"},
            "min_level": "high", "symptoms": [["black_stool"]]
        }]
    });
    let extended =
        gateway(json!({"region": "us-east-1", "redFlags": {"extraRules": extra.to_string()}}));
    let body = json!({"symptoms": ["tarry stool"], "patient_data": {"age": 40, "gender": "male"}});
    let result = answer(&extended, &body, &model_says("moderate"));
    assert_eq!(
        (result.risk_level, result.red_flags[0].id.as_str()),
        ("high", "gi_bleed")
    );
    assert!(
        result
            .red_flag_rules_version
            .unwrap()
            .ends_with("+clinic.1"),
        "the version says the rules were extended"
    );
}

#[test]
fn a_bad_rule_file_is_refused_at_start_naming_the_rule_and_field() {
    let bad = json!({
        "version": "clinic.2",
        "concepts": [{"name": "black_stool", "phrases": ["black stool"]}],
        "rules": [{
            "id": "gi_bleed", "finding": "x",
            "source": {"organisation": "Example Clinic", "title": "Warning signs", "url": "https://clinic.example/signs"},
            "min_level": "urgent", "symptoms": [["black_stool"]]
        }]
    });
    let settings: GatewaySettings = serde_json::from_value(
        json!({"region": "us-east-1", "redFlags": {"extraRules": bad.to_string()}}),
    )
    .unwrap();
    let error = FunctionGateway::new(settings, ModelFunction::Triage).unwrap_err();
    assert_eq!(error.code.as_str(), "invalid_configuration");
    let [problem] = error.errors.as_slice() else {
        panic!("{:?}", error.errors)
    };
    assert_eq!(problem.path, "redFlags.extraRules");
    assert!(
        problem
            .message
            .contains("rule gi_bleed, rules[0].min_level: "),
        "{}",
        problem.message
    );
}

#[test]
fn when_the_model_cannot_answer_the_flags_and_the_safety_message_remain() {
    let gateway = default_gateway();
    let flagged = gateway
        .build(chest_pain().to_string().as_bytes(), None)
        .unwrap();
    let notice = gateway.safety_notice(&flagged.red_flags).unwrap().unwrap();
    assert_eq!(notice.safety_message, SAFETY_MESSAGE);
    assert_eq!(notice.red_flags[0].id, "heart_attack_chest_discomfort");

    let calm =
        json!({"symptoms": ["sore throat"], "patient_data": {"age": 30, "gender": "female"}});
    let calm = gateway.build(calm.to_string().as_bytes(), None).unwrap();
    assert!(calm.red_flags.is_empty());
    assert_eq!(gateway.safety_notice(&calm.red_flags).unwrap(), None);
}

#[test]
fn a_batch_floors_each_patient_on_its_own() {
    let gateway = default_gateway();
    let body = json!({"patients": [
        {"symptoms": ["cough"], "patient_data": {"age": 30, "gender": "female"}},
        {"symptoms": ["face drooping", "slurred speech"], "patient_data": {"age": 71, "gender": "male"}}
    ]});
    let invocation = gateway.build(body.to_string().as_bytes(), None).unwrap();
    let healthnav_edge::InvocationMode::Batch(plan) = &invocation.mode else {
        panic!("{:?}", invocation.mode)
    };
    let low = String::from_utf8(model_says("low")).unwrap();
    let model = format!("{low}\n{low}\n").into_bytes();
    let headers = vec![(
        "content-type".to_owned(),
        "application/jsonlines".to_owned(),
    )];
    let response = UpstreamResponse {
        status: 200,
        headers: &headers,
        body: &model,
    };
    let batch = gateway.normalize_batch(plan, response, 9).unwrap();
    let levels: Vec<(&str, &str)> = batch
        .results
        .iter()
        .map(|slot| match &slot.result {
            Some(NormalizedResult::Triage(r)) => (r.risk_level, r.model_risk_level),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(levels, [("low", "low"), ("critical", "low")]);
}
