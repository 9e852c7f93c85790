//! build_invocation(RiskScore) on requests generated field by field: every
//! vital, age, gender, BMI, smoking status and chronic condition is absent,
//! null, in or out of range, a marker-carrying string or any JSON. Errors never
//! repeat the marker; a request built only from valid parts (diastolic below
//! systolic, distinct conditions) is accepted and its CSV row is exactly the
//! documented 20 columns.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{
    check_structured, configs, keep_if_valid, number, text_list, text_value, Json, Num,
    ObjectBuilder, Out, RoutingFields, Slot, Text,
};
use libfuzzer_sys::fuzz_target;

const GENDERS: [&str; 4] = ["male", "female", "other", "unknown"];
const VITALS: [(&str, f64, f64); 6] = [
    ("heart_rate_bpm", 20.0, 250.0),
    ("systolic_bp_mmhg", 50.0, 260.0),
    ("diastolic_bp_mmhg", 20.0, 160.0),
    ("respiratory_rate_per_min", 4.0, 60.0),
    ("temperature_c", 30.0, 45.0),
    ("spo2_percent", 50.0, 100.0),
];
const SMOKING: [&str; 4] = ["never", "former", "current", "unknown"];
const CONDITIONS: [&str; 9] = [
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

#[derive(Arbitrary, Debug)]
struct Patient {
    age: Slot<Num>,
    gender: Slot<Text>,
    vitals: [Slot<Num>; 6],
    bmi: Slot<Num>,
    smoking_status: Slot<Text>,
    chronic_conditions: Slot<Vec<Text>>,
    extras: Vec<(Text, Json)>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    config: u8,
    patient: Slot<Patient>,
    routing: RoutingFields,
    extras: Vec<(Text, Json)>,
}

/// The patient object and, when every part is valid, the CSV row it must become.
fn render_patient(patient: &Patient) -> (Out, Option<String>) {
    let mut object = ObjectBuilder::new();
    let age = object.slot("age", &patient.age, true, number(0.0, 130.0));
    let gender = object.slot("gender", &patient.gender, true, text_value(&GENDERS));
    let vitals: Vec<Option<f64>> = VITALS
        .iter()
        .zip(&patient.vitals)
        .map(|((key, min, max), slot)| object.slot(key, slot, true, number(*min, *max)))
        .collect();
    let bmi = object.slot("bmi", &patient.bmi, false, number(10.0, 80.0));
    let smoking = object.slot(
        "smoking_status",
        &patient.smoking_status,
        false,
        text_value(&SMOKING),
    );
    let conditions = object.slot(
        "chronic_conditions",
        &patient.chronic_conditions,
        false,
        |items: &Vec<Text>| {
            let (out, list) = text_list(&CONDITIONS, 0, 9)(items);
            let distinct = list.filter(|l| l.iter().enumerate().all(|(i, c)| !l[..i].contains(c)));
            (out, distinct)
        },
    );
    object.extras(&patient.extras);
    if let (Some(systolic), Some(diastolic)) = (vitals[1], vitals[2]) {
        object.valid &= diastolic < systolic;
    }
    let row = object.valid.then(|| {
        let mut row = format!("{}", age.unwrap_or_default());
        row.push(',');
        row.push_str(match gender.as_deref() {
            Some("male") => "1",
            Some("female") => "0",
            _ => "",
        });
        for vital in &vitals {
            row.push_str(&format!(",{}", vital.unwrap_or_default()));
        }
        row.push(',');
        if let Some(bmi) = bmi {
            row.push_str(&format!("{bmi}"));
        }
        row.push_str(match smoking.as_deref() {
            Some("current") => ",1,0",
            Some("former") => ",0,1",
            Some("never") => ",0,0",
            _ => ",,",
        });
        let conditions = conditions.unwrap_or_default();
        for condition in CONDITIONS {
            row.push_str(if conditions.iter().any(|c| c == condition) {
                ",1"
            } else {
                ",0"
            });
        }
        row.push('\n');
        row
    });
    (Out::Obj(object.entries), row)
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let config = &configs()[usize::from(input.config) % 3];
    let mut top = ObjectBuilder::new();
    let row = top.slot("patient_data", &input.patient, true, render_patient);
    let routing = input
        .routing
        .add(&mut top, config, ModelFunction::RiskScore);
    top.extras(&input.extras);

    let body = Out::Obj(top.entries).to_json();
    let invocation = check_structured(
        config,
        ModelFunction::RiskScore,
        body.as_bytes(),
        top.valid,
        &routing,
    );
    keep_if_valid(top.valid, data);
    if let (Some(invocation), true) = (invocation, top.valid) {
        assert_eq!(
            String::from_utf8_lossy(&invocation.body),
            row.unwrap_or_default(),
            "{body}"
        );
    }
});
