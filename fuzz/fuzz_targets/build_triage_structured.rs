//! build_invocation(Triage) on requests generated field by field: each field
//! is absent, null, a known-valid value, a marker-carrying string or any JSON,
//! nested under `patient_data` or flat, with extra (unknown, duplicate,
//! conflicting) keys. Errors never repeat the marker; a request built only
//! from valid parts is accepted and its model input carries exactly them.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{
    check_structured, configs, keep_if_valid, number, text_list, text_value, Json, ObjectBuilder,
    Out, RoutingFields, Slot, Text,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const SYMPTOMS: [&str; 7] = [
    "fever",
    "cough",
    "chest pain",
    "shortness of breath",
    "発熱",
    "🤒 nausea",
    "a",
];
const HISTORY: [&str; 4] = [
    "hypertension",
    "diabetes",
    "asthma",
    "type 2 diabetes mellitus",
];
const MEDICATIONS: [&str; 3] = ["lisinopril", "metformin 500 mg", "warfarin"];
const GENDERS: [&str; 4] = ["male", "female", "other", "unknown"];

#[derive(Arbitrary, Debug)]
struct Input {
    config: u8,
    nested: bool,
    symptoms: Slot<Vec<Text>>,
    age: Slot<healthnav_edge_fuzz::Num>,
    gender: Slot<Text>,
    medical_history: Slot<Vec<Text>>,
    current_medications: Slot<Vec<Text>>,
    routing: RoutingFields,
    extras: Vec<(Text, Json)>,
    patient_extras: Vec<(Text, Json)>,
}

type Patient = (
    Option<f64>,
    Option<String>,
    Option<Vec<String>>,
    Option<Vec<String>>,
);

fn add_patient(object: &mut ObjectBuilder, input: &Input) -> Patient {
    let age = object.slot("age", &input.age, true, number(0.0, 130.0));
    let gender = object.slot("gender", &input.gender, true, text_value(&GENDERS));
    let history = object.slot(
        "medical_history",
        &input.medical_history,
        false,
        text_list(&HISTORY, 0, 30),
    );
    let medications = object.slot(
        "current_medications",
        &input.current_medications,
        false,
        text_list(&MEDICATIONS, 0, 30),
    );
    object.extras(&input.patient_extras);
    (age, gender, history, medications)
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let config = &configs()[usize::from(input.config) % 3];
    let mut top = ObjectBuilder::new();
    let symptoms = top.slot(
        "symptoms",
        &input.symptoms,
        true,
        text_list(&SYMPTOMS, 1, 20),
    );
    let patient = if input.nested {
        let mut nested = ObjectBuilder::new();
        let patient = add_patient(&mut nested, &input);
        top.valid &= nested.valid;
        top.entries
            .push(("patient_data".to_owned(), Out::Obj(nested.entries)));
        patient
    } else {
        add_patient(&mut top, &input)
    };
    let routing = input.routing.add(&mut top, config, ModelFunction::Triage);
    top.extras(&input.extras);

    let body = Out::Obj(top.entries).to_json();
    let invocation = check_structured(
        config,
        ModelFunction::Triage,
        body.as_bytes(),
        top.valid,
        &routing,
    );
    keep_if_valid(top.valid, data);
    if let (Some(invocation), true) = (invocation, top.valid) {
        let sent: Value = serde_json::from_slice(&invocation.body).unwrap_or_default();
        let (age, gender, history, medications) = patient;
        assert_eq!(
            sent["symptoms"],
            serde_json::json!(symptoms.unwrap_or_default())
        );
        // serde_json (without float_roundtrip) may read a long decimal 1 ULP off; allow that.
        let (sent_age, age) = (
            sent["age"].as_f64().unwrap_or(-1.0),
            age.unwrap_or_default(),
        );
        assert!(
            (sent_age - age).abs() <= age.abs() * 4.0 * f64::EPSILON,
            "age {age} sent as {sent_age}: {body}"
        );
        assert_eq!(
            sent["gender"],
            serde_json::json!(gender.unwrap_or_default())
        );
        assert_eq!(
            sent["medical_history"],
            serde_json::json!(history.unwrap_or_default())
        );
        assert_eq!(
            sent["current_medications"],
            serde_json::json!(medications.unwrap_or_default())
        );
    }
});
