//! The request schemas, from the constants and field lists the request
//! readers use (`triage_request`, `risk_request`, `image_request`,
//! `batch_request`, `routing`). A field the crate lists but this file has no
//! rule for stops the generator, so a new field cannot be left out silently.

use healthnav_edge::function::ModelFunction;
use healthnav_edge::limits::MAX_SAGEMAKER_NAME_CHARS;
use healthnav_edge::request::batch::{BATCH_FIELD, MAX_BATCH_PATIENTS};
use healthnav_edge::request::fields::TextRule;
use healthnav_edge::request::image::{ANALYSIS_TYPES, IMAGE_TYPES};
use healthnav_edge::request::risk::{
    BMI_RANGE, CHRONIC_CONDITIONS, PATIENT_FIELDS as RISK_FIELDS, SMOKING_STATUSES, VITALS,
};
use healthnav_edge::request::routing::ROUTING_FIELDS;
use healthnav_edge::request::triage::{
    AGE_RANGE, GENDERS, HISTORY, PATIENT_FIELDS as TRIAGE_FIELDS, SYMPTOMS,
};
use serde_json::{json, Value};

use crate::image_data::{
    async_s3_uri_pattern, bare_base64_pattern, data_url_pattern, s3_uri_pattern,
};
use crate::not_expressed::{description, not_expressed};
use crate::schema_parts::{
    closed_object, number_in, one_of_strings, or_null, reference, with_definitions, DIALECT,
};
use crate::text_rules::{text_pattern, SAGEMAKER_NAME_PATTERN};

/// The request schema of `function`.
pub fn request_schema(function: ModelFunction) -> Value {
    let (summary, root, definitions) = match function {
        ModelFunction::Triage => triage(),
        ModelFunction::ImageAnalysis => image(),
        ModelFunction::RiskScore => risk(),
    };
    let mut schema = root;
    schema["$schema"] = json!(DIALECT);
    schema["$id"] = json!(format!("urn:healthnav:schema:{}.request", function.slug()));
    schema["description"] = json!(description(function, summary));
    schema["x-healthnav-not-expressed"] = not_expressed(function)
        .into_iter()
        .map(|rule| (rule.tag.to_owned(), json!(rule.rule)))
        .collect();
    let mut definitions = definitions;
    definitions.push(("SageMakerName".to_owned(), sagemaker_name()));
    with_definitions(schema, definitions)
}

type Parts = (&'static str, Value, Vec<(String, Value)>);

fn triage() -> Parts {
    let (min, max, rule) = SYMPTOMS;
    let symptoms = text_list(min, max, rule, "Symptoms in the patient's words.");
    let nested = || {
        vec![
            ("symptoms", symptoms.clone()),
            ("patient_data", reference("TriagePatientData")),
        ]
    };
    let flat = || {
        let mut properties = vec![("symptoms", symptoms.clone())];
        properties.extend(TRIAGE_FIELDS.map(|name| (name, triage_field(name))));
        // A null patient_data is absent: the flat fields are read instead.
        properties.push((
            "patient_data",
            json!({ "type": "null", "description": "Absent or null: the patient fields stand beside symptoms." }),
        ));
        properties
    };
    let flat_required = ["symptoms", "age", "gender"];
    let nested_required = ["symptoms", "patient_data"];
    let definitions = vec![
        def(closed_object(
            "TriagePatientData",
            TRIAGE_FIELDS
                .map(|name| (name, triage_field(name)))
                .to_vec(),
            &["age", "gender"],
        )),
        def(closed_object("TriageFlatPatient", flat(), &flat_required)),
        def(closed_object(
            "TriageNestedPatient",
            nested(),
            &nested_required,
        )),
        def(closed_object(
            "TriageFlatRequest",
            routed(flat()),
            &flat_required,
        )),
        def(closed_object(
            "TriageNestedRequest",
            routed(nested()),
            &nested_required,
        )),
        def(batch_request(
            "TriageBatchRequest",
            json!({ "oneOf": [reference("TriageFlatPatient"), reference("TriageNestedPatient")] }),
        )),
        text_definition(rule),
    ];
    let root = json!({
        "title": "TriageRequest",
        "oneOf": [
            reference("TriageFlatRequest"),
            reference("TriageNestedRequest"),
            reference("TriageBatchRequest"),
        ],
    });
    (
        "A sagemaker-triage request: the guide's test call (patient fields in patient_data), its flat model format, or a batch.",
        root,
        definitions,
    )
}

fn triage_field(name: &str) -> Value {
    match name {
        "age" => age(),
        "gender" => gender(),
        "medical_history" | "current_medications" => {
            let (min, max, rule) = HISTORY;
            or_null(text_list(min, max, rule, "Optional."))
        }
        other => panic!("triage_request::PATIENT_FIELDS has {other:?}, which has no schema rule"),
    }
}

fn risk() -> Parts {
    let patient = || vec![("patient_data", reference("RiskPatientData"))];
    let mut required: Vec<&str> = vec!["age", "gender"];
    required.extend(VITALS.map(|(name, _, _)| name));
    let definitions = vec![
        def(closed_object(
            "RiskPatientData",
            RISK_FIELDS.map(|name| (name, risk_field(name))).to_vec(),
            &required,
        )),
        def(closed_object("RiskPatient", patient(), &["patient_data"])),
        def(closed_object(
            "RiskSingleRequest",
            routed(patient()),
            &["patient_data"],
        )),
        def(batch_request("RiskBatchRequest", reference("RiskPatient"))),
    ];
    let root = json!({
        "title": "RiskScoreRequest",
        "oneOf": [reference("RiskSingleRequest"), reference("RiskBatchRequest")],
    });
    (
        "A sagemaker-risk-score request: one patient's demographics and vital signs, or a batch.",
        root,
        definitions,
    )
}

fn risk_field(name: &str) -> Value {
    if let Some((_, min, max)) = VITALS.iter().find(|(vital, _, _)| *vital == name) {
        return number_in(*min, *max, "Required vital sign.");
    }
    match name {
        "age" => age(),
        "gender" => gender(),
        "bmi" => or_null(number_in(BMI_RANGE.0, BMI_RANGE.1, "Optional, kg/m².")),
        "smoking_status" => or_null(one_of_strings(&SMOKING_STATUSES, "Optional.")),
        "chronic_conditions" => or_null(json!({
            "type": "array",
            "items": one_of_strings(&CHRONIC_CONDITIONS, "A chronic condition."),
            "maxItems": CHRONIC_CONDITIONS.len(),
            "uniqueItems": true,
            "description": "Optional; each condition at most once.",
        })),
        other => panic!("risk_request::PATIENT_FIELDS has {other:?}, which has no schema rule"),
    }
}

fn image() -> Parts {
    let image_data = json!({
        "description": "An s3://bucket/key URI, a base64 data: URL (image/jpeg, image/png or application/dicom) or bare base64 image bytes.",
        "anyOf": [
            { "title": "S3 object", "type": "string", "pattern": s3_uri_pattern() },
            { "title": "data: URL", "type": "string", "pattern": data_url_pattern() },
            { "title": "Bare base64", "type": "string", "pattern": bare_base64_pattern() },
        ],
    });
    let properties = routed(vec![
        ("image_data", image_data),
        (
            "image_type",
            one_of_strings(&IMAGE_TYPES, "Imaging modality."),
        ),
        (
            "analysis_type",
            or_null(one_of_strings(
                &ANALYSIS_TYPES,
                "Optional; default classification.",
            )),
        ),
        (
            "async",
            or_null(json!({
                "type": "boolean",
                "description": "true: analyse an s3:// image asynchronously (202 with an id to poll).",
            })),
        ),
    ]);
    let mut root = closed_object(
        "ImageAnalysisRequest",
        properties,
        &["image_data", "image_type"],
    );
    // InvokeEndpointAsync reads the image from S3 through a header and has no target variant.
    root["if"] = json!({ "properties": { "async": { "const": true } }, "required": ["async"] });
    root["then"] = json!({
        "properties": {
            "image_data": { "type": "string", "pattern": async_s3_uri_pattern() },
            "variant": { "type": "null" },
        },
    });
    (
        "A sagemaker-image-analysis request: an image in S3 or inline, analysed now or (with async) later.",
        root,
        Vec::new(),
    )
}

fn age() -> Value {
    number_in(AGE_RANGE.0, AGE_RANGE.1, "Years.")
}

fn gender() -> Value {
    one_of_strings(&GENDERS, "As the model was trained on it.")
}

fn text_list(min: usize, max: usize, rule: TextRule, description: &str) -> Value {
    json!({
        "type": "array",
        "items": reference(&text_name(rule)),
        "minItems": min,
        "maxItems": max,
        "description": description,
    })
}

fn text_name(rule: TextRule) -> String {
    format!("Text{}", rule.max_chars)
}

fn text_definition(rule: TextRule) -> (String, Value) {
    let schema = json!({
        "type": "string",
        "pattern": text_pattern(rule),
        "description": format!("1 to {} characters once trimmed, without control, line-separator or bidirectional-override characters.", rule.max_chars),
    });
    (text_name(rule), schema)
}

fn sagemaker_name() -> Value {
    json!({
        "type": "string",
        "maxLength": MAX_SAGEMAKER_NAME_CHARS,
        "pattern": SAGEMAKER_NAME_PATTERN,
        "description": "A SageMaker endpoint or production variant name.",
    })
}

/// The patient's properties plus the optional `endpoint` and `variant`.
fn routed(mut properties: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    properties.extend(ROUTING_FIELDS.map(|name| {
        let description = match name {
            "endpoint" => "Optional SageMaker endpoint; the deployment's allow-list applies.",
            "variant" => "Optional production variant (X-Amzn-SageMaker-Target-Variant).",
            other => panic!("routing::ROUTING_FIELDS has {other:?}, which has no schema rule"),
        };
        let mut schema = or_null(reference("SageMakerName"));
        schema["description"] = json!(description);
        (name, schema)
    }));
    properties
}

fn batch_request(title: &str, patient: Value) -> Value {
    let patients = json!({
        "type": "array",
        "items": patient,
        "minItems": 1,
        "maxItems": MAX_BATCH_PATIENTS,
        "description": "Each exactly a single request without endpoint and variant.",
    });
    closed_object(title, routed(vec![(BATCH_FIELD, patients)]), &[BATCH_FIELD])
}

fn def(schema: Value) -> (String, Value) {
    let title = schema["title"].as_str().unwrap_or_default().to_owned();
    (title, schema)
}
