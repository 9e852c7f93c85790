//! The response schemas: the guide's output formats as the gateway returns
//! them (`normalize::results`), batch answers (`normalize::SlotResult`), the
//! asynchronous 202 (`async_invocation::AsyncAccepted`) and, under `$defs`,
//! the problem+json of every error. Fields the gateway adds to the guide's
//! examples are optional, so the guide's own examples are valid. The tests
//! compare each object's properties with the Rust type's serialised fields.

use healthnav_edge::function::ModelFunction;
use healthnav_edge::request::batch::MAX_BATCH_PATIENTS;
use healthnav_edge::response::image::SEVERITIES;
use healthnav_edge::response::risk_levels::TRIAGE_LEVELS;
use healthnav_edge::ErrorCode;
use serde_json::{json, Value};

use crate::schema_parts::{open_object, or_null, reference, with_definitions, DIALECT};

/// The response schema of `function`.
pub fn response_schema(function: ModelFunction) -> Value {
    let (title, summary, answers, mut definitions) = match function {
        ModelFunction::Triage => (
            "TriageResponse",
            "A sagemaker-triage answer (200): one result, or a batch's results.",
            vec![reference("TriageResult"), reference("TriageBatchResult")],
            vec![
                def(triage_result()),
                def(batch_result("TriageBatchResult", "TriageResult")),
            ],
        ),
        ModelFunction::RiskScore => (
            "RiskScoreResponse",
            "A sagemaker-risk-score answer (200): one result, or a batch's results.",
            vec![reference("RiskResult"), reference("RiskBatchResult")],
            vec![
                def(risk_result()),
                def(batch_result("RiskBatchResult", "RiskResult")),
            ],
        ),
        ModelFunction::ImageAnalysis => (
            "ImageAnalysisResponse",
            "A sagemaker-image-analysis answer: the result (200), or 202 while an asynchronous analysis is pending.",
            vec![reference("ImageResult"), reference("ImageAnalysisPending")],
            vec![
                def(image_result()),
                def(image_prediction()),
                def(image_pending()),
            ],
        ),
    };
    definitions.extend([def(field_error()), def(red_flag()), def(problem())]);
    let schema = json!({
        "$schema": DIALECT,
        "$id": format!("urn:healthnav:schema:{}.response", function.slug()),
        "title": title,
        "description": format!("{summary} Every other answer is application/problem+json: $defs/Problem. Generated from the gateway's Rust types (cargo run --features internals --bin json_schemas); do not edit."),
        "oneOf": answers,
    });
    with_definitions(schema, definitions)
}

fn probability(description: &str) -> Value {
    json!({ "type": "number", "minimum": 0, "maximum": 1, "description": description })
}

fn risk_level() -> Value {
    json!({ "type": "string", "enum": TRIAGE_LEVELS })
}

fn texts(description: &str) -> Value {
    json!({ "type": "array", "items": { "type": "string" }, "description": description })
}

fn nullable_text(description: &str) -> Value {
    let mut schema = or_null(json!({ "type": "string" }));
    schema["description"] = json!(description);
    schema
}

/// What every result carries after its own fields.
fn provenance() -> Vec<(&'static str, Value)> {
    vec![
        (
            "model_version",
            nullable_text("The model's own version; null when its output names none."),
        ),
        (
            "invoked_variant",
            nullable_text(
                "The production variant that answered; null when SageMaker does not say.",
            ),
        ),
        (
            "inference_time_ms",
            json!({ "type": "integer", "minimum": 0, "description": "Milliseconds the model call took, measured by the gateway." }),
        ),
        (
            "output_format",
            json!({ "type": "string", "description": "Added by the gateway: which container output format it recognised." }),
        ),
    ]
}

/// The guide's provenance fields; `invoked_variant`, which the gateway adds, is optional.
const PROVENANCE_REQUIRED: [&str; 2] = ["model_version", "inference_time_ms"];

fn required_with_provenance(own: &[&'static str]) -> Vec<&'static str> {
    own.iter().chain(&PROVENANCE_REQUIRED).copied().collect()
}

fn triage_result() -> Value {
    let mut properties = vec![
        (
            "urgency_score",
            probability("0 (routine) to 1 (most urgent)."),
        ),
        (
            "risk_level",
            with_description(
                risk_level(),
                "The higher of model_risk_level and the floor of red_flags.",
            ),
        ),
        (
            "model_risk_level",
            with_description(risk_level(), "The model's own level."),
        ),
        (
            "risk_level_source",
            json!({ "type": "string", "enum": ["model", "red_flags"], "description": "What decided risk_level." }),
        ),
        (
            "red_flags",
            json!({ "type": "array", "items": reference("RedFlag"), "description": "Published emergency warning signs the request showed, in rule order." }),
        ),
        (
            "red_flag_rules_version",
            nullable_text(
                "The red-flag rules applied; null when the operator switched the floor off.",
            ),
        ),
        (
            "recommended_specialty",
            nullable_text("Null when the model names none."),
        ),
        (
            "confidence",
            or_null(probability("The model's confidence in risk_level.")),
        ),
        ("key_findings", texts("Findings the model named.")),
    ];
    properties.extend(provenance());
    // The guide's fields; the red-flag fields the gateway adds are optional.
    let own = [
        "urgency_score",
        "risk_level",
        "recommended_specialty",
        "confidence",
        "key_findings",
    ];
    open_object("TriageResult", properties, &required_with_provenance(&own))
}

fn with_description(mut schema: Value, description: &str) -> Value {
    schema["description"] = json!(description);
    schema
}

fn red_flag() -> Value {
    open_object(
        "RedFlag",
        vec![
            (
                "id",
                json!({ "type": "string", "description": "The rule, e.g. stroke_fast." }),
            ),
            (
                "finding",
                json!({ "type": "string", "description": "The warning sign and what to do." }),
            ),
            (
                "source",
                json!({
                    "type": "object",
                    "properties": {
                        "organisation": { "type": "string" },
                        "title": { "type": "string" },
                        "url": { "type": "string" }
                    },
                    "required": ["organisation", "title", "url"],
                    "description": "The public page the warning sign is published on."
                }),
            ),
        ],
        &["id", "finding", "source"],
    )
}

fn image_prediction() -> Value {
    let mut severity = or_null(json!({ "type": "string", "enum": SEVERITIES }));
    severity["description"] = json!("Null when the model does not grade severity.");
    open_object(
        "ImagePrediction",
        vec![
            ("condition", json!({ "type": "string" })),
            ("confidence", probability("Probability of the condition.")),
            ("severity", severity),
        ],
        &["condition", "confidence"],
    )
}

fn image_result() -> Value {
    let mut properties = vec![(
        "predictions",
        json!({ "type": "array", "items": reference("ImagePrediction"), "description": "Most confident first." }),
    )];
    properties.extend(provenance());
    open_object(
        "ImageResult",
        properties,
        &required_with_provenance(&["predictions"]),
    )
}

fn image_pending() -> Value {
    open_object(
        "ImageAnalysisPending",
        vec![
            ("status", json!({ "const": "pending" })),
            (
                "id",
                json!({ "type": "string", "description": "Poll GET /functions/v1/sagemaker-image-analysis/<id> with it." }),
            ),
            (
                "inference_id",
                nullable_text("SageMaker's InferenceId (in the 202 that accepted the request), for support cases."),
            ),
        ],
        &["status", "id"],
    )
}

fn risk_result() -> Value {
    let mut properties = vec![
        (
            "risk_score",
            probability("Probability of an adverse outcome."),
        ),
        ("risk_level", risk_level()),
        ("factors", texts("Factors the model itself reported.")),
    ];
    properties.extend(provenance());
    open_object(
        "RiskResult",
        properties,
        &required_with_provenance(&["risk_score", "risk_level", "factors"]),
    )
}

fn batch_result(title: &str, result: &str) -> Value {
    let index = json!({ "type": "integer", "minimum": 0, "description": "Position in patients." });
    let scored = open_object(
        &format!("{title}Scored"),
        vec![
            ("index", index.clone()),
            ("ok", json!({ "const": true })),
            ("result", reference(result)),
        ],
        &["index", "ok", "result"],
    );
    let refused = open_object(
        &format!("{title}Refused"),
        vec![
            ("index", index),
            ("ok", json!({ "const": false })),
            (
                "errors",
                json!({ "type": "array", "items": reference("FieldError") }),
            ),
        ],
        &["index", "ok", "errors"],
    );
    open_object(
        title,
        vec![(
            "results",
            json!({
                "type": "array",
                "items": { "oneOf": [scored, refused] },
                "maxItems": MAX_BATCH_PATIENTS,
                "description": "One entry per patient, in request order.",
            }),
        )],
        &["results"],
    )
}

fn field_error() -> Value {
    open_object(
        "FieldError",
        vec![
            (
                "path",
                json!({ "type": "string", "description": "E.g. patient_data.age or patients[3].symptoms[0]." }),
            ),
            (
                "code",
                json!({ "type": "string", "description": "Stable code, e.g. out_of_range." }),
            ),
            ("message", json!({ "type": "string" })),
        ],
        &["path", "code", "message"],
    )
}

fn problem() -> Value {
    open_object(
        "Problem",
        vec![
            ("type", json!({ "type": "string" })),
            ("title", json!({ "type": "string" })),
            (
                "status",
                json!({ "type": "integer", "minimum": 400, "maximum": 599 }),
            ),
            ("detail", json!({ "type": "string" })),
            (
                "code",
                json!({
                    "type": "string",
                    "enum": ErrorCode::ALL.iter().map(|code| code.as_str()).collect::<Vec<_>>(),
                    "description": "Stable code (the crate's ErrorCode table), e.g. validation_failed or throttled.",
                }),
            ),
            (
                "request_id",
                json!({ "type": "string", "description": "Also the x-request-id header." }),
            ),
            (
                "errors",
                json!({ "type": "array", "items": reference("FieldError") }),
            ),
            (
                "red_flags",
                json!({ "type": "array", "items": reference("RedFlag"), "description": "Triage, when the model could not answer: the published warning signs the request showed." }),
            ),
            (
                "safety_message",
                json!({ "type": "string", "description": "Triage, with red_flags: tell the patient to seek care now." }),
            ),
            (
                "red_flag_rules_version",
                json!({ "type": "string", "description": "Triage, with red_flags: the rules that raised them." }),
            ),
            (
                "patients",
                json!({
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "index": { "type": "integer", "minimum": 0 },
                            "red_flags": { "type": "array", "items": reference("RedFlag") }
                        },
                        "required": ["index", "red_flags"]
                    },
                    "description": "A triage batch the model could not answer: each patient's red flags, for those with any."
                }),
            ),
        ],
        &["status", "code"],
    )
}

fn def(schema: Value) -> (String, Value) {
    let title = schema["title"].as_str().unwrap_or_default().to_owned();
    (title, schema)
}

#[cfg(test)]
mod tests {
    use super::*;
    use healthnav_edge::{
        AsyncAccepted, FieldError, ImagePrediction, ImageResult, RiskResult, TriageResult,
    };
    use serde::Serialize;

    fn keys(value: &Value) -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    /// The schema's properties are exactly the fields the Rust type serialises.
    fn assert_same_fields(schema: &Value, example: impl Serialize) {
        let example = serde_json::to_value(example).unwrap();
        assert_eq!(
            keys(&schema["properties"]),
            keys(&example),
            "{}",
            schema["title"]
        );
    }

    #[test]
    fn results_have_the_rust_types_fields() {
        assert_same_fields(
            &triage_result(),
            TriageResult {
                urgency_score: 0.5,
                risk_level: "high",
                model_risk_level: "high",
                risk_level_source: "model",
                red_flags: Vec::new(),
                red_flag_rules_version: None,
                recommended_specialty: None,
                confidence: None,
                key_findings: Vec::new(),
                model_version: None,
                invoked_variant: None,
                inference_time_ms: 1,
                output_format: "custom_json",
            },
        );
        let prediction = ImagePrediction {
            condition: "normal".into(),
            confidence: 0.9,
            severity: None,
        };
        assert_same_fields(&image_prediction(), prediction.clone());
        assert_same_fields(
            &image_result(),
            ImageResult {
                predictions: vec![prediction],
                model_version: None,
                invoked_variant: None,
                inference_time_ms: 1,
                output_format: "custom_json",
            },
        );
        assert_same_fields(
            &risk_result(),
            RiskResult {
                risk_score: 0.1,
                risk_level: "low",
                factors: Vec::new(),
                model_version: None,
                invoked_variant: None,
                inference_time_ms: 1,
                output_format: "custom_json",
            },
        );
        assert_same_fields(
            &image_pending(),
            AsyncAccepted {
                status: "pending",
                id: "v1.a.b".into(),
                inference_id: None,
            },
        );
        assert_same_fields(
            &field_error(),
            FieldError::new("age", "required", "is required"),
        );
    }
}
