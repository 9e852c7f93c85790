//! The triage request (the guide's test call, or its flat model format) and
//! the model input the triage endpoint receives: the guide's "Input Format".

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::config::GatewayConfig;
use crate::request::fields::{
    choice, join, number, object, optional, reject_unknown, required, text_list, Report, TextRule,
};
use crate::function::ModelFunction;
use crate::request::routing::{read_routing, Routing, ROUTING_FIELDS};

/// Patient sex or gender as the model was trained on it.
pub const GENDERS: [&str; 4] = ["male", "female", "other", "unknown"];
/// Age bounds in years.
pub const AGE_RANGE: (f64, f64) = (0.0, 130.0);
/// 1 to 20 symptoms of at most 100 characters each.
pub const SYMPTOMS: (usize, usize, TextRule) = (1, 20, TextRule { max_chars: 100 });
/// At most 30 history entries or medications of at most 100 characters each.
pub const HISTORY: (usize, usize, TextRule) = (0, 30, TextRule { max_chars: 100 });

/// Patient fields, flat beside `symptoms` or nested in `patient_data`.
pub const PATIENT_FIELDS: [&str; 4] = ["age", "gender", "medical_history", "current_medications"];

/// The guide's triage model input. Its texts are borrowed from the request
/// body where they can be (see [`crate::request::plain_triage`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageModelInput<'a> {
    /// Symptoms in the patient's words.
    pub symptoms: Vec<Cow<'a, str>>,
    /// Age in years.
    pub age: Number,
    /// One of [`GENDERS`].
    pub gender: &'static str,
    /// Past conditions.
    pub medical_history: Vec<Cow<'a, str>>,
    /// Current medications.
    pub current_medications: Vec<Cow<'a, str>>,
}

/// Validates a triage request; every problem is reported at once.
pub fn read_triage_request(
    value: &Value,
    config: &GatewayConfig,
) -> Result<(TriageModelInput<'static>, Routing), crate::error::GatewayError> {
    let mut report = Report::default();
    let parsed = object(value, "", &mut report).and_then(|map| {
        let input = read_triage_item(map, "", &ROUTING_FIELDS, &mut report);
        let routing = read_routing(
            map,
            "",
            config.endpoints(ModelFunction::Triage),
            config,
            &mut report,
        );
        Some((input?, routing?))
    });
    report.finish(parsed)
}

/// Reads one patient's triage fields at `path`: the request root (where
/// `envelope` names the routing fields allowed beside them) or a batch slot
/// (where nothing else is allowed).
pub fn read_triage_item(
    map: &Map<String, Value>,
    path: &str,
    envelope: &[&str],
    report: &mut Report,
) -> Option<TriageModelInput<'static>> {
    let nested = optional(map, "patient_data");
    let mut known: Vec<&str> = vec!["symptoms", "patient_data"];
    known.extend(envelope);
    if nested.is_some() {
        // Still known fields: reported once, as conflicting, not also as unknown.
        for key in PATIENT_FIELDS.iter().filter(|key| map.contains_key(**key)) {
            report.push(
                &join(path, key),
                "conflicting_field",
                "is also given in patient_data; send it once",
            );
        }
    }
    known.extend(PATIENT_FIELDS);
    reject_unknown(map, path, &known, report);

    let symptoms = required(map, "symptoms", path, report).and_then(|v| {
        text_list(
            v,
            &join(path, "symptoms"),
            SYMPTOMS.0,
            SYMPTOMS.1,
            SYMPTOMS.2,
            report,
        )
    });
    let patient = match nested {
        Some(value) => {
            let patient_path = join(path, "patient_data");
            object(value, &patient_path, report).and_then(|patient| {
                reject_unknown(patient, &patient_path, &PATIENT_FIELDS, report);
                read_patient(patient, &patient_path, report)
            })
        }
        None => read_patient(map, path, report),
    };
    let (age, gender, medical_history, current_medications) = patient?;
    Some(TriageModelInput {
        symptoms: owned(symptoms?),
        age,
        gender,
        medical_history: owned(medical_history),
        current_medications: owned(current_medications),
    })
}

fn owned(texts: Vec<String>) -> Vec<Cow<'static, str>> {
    texts.into_iter().map(Cow::Owned).collect()
}

type Patient = (Number, &'static str, Vec<String>, Vec<String>);

fn read_patient(map: &Map<String, Value>, path: &str, report: &mut Report) -> Option<Patient> {
    let age = required(map, "age", path, report)
        .and_then(|v| number(v, &join(path, "age"), AGE_RANGE.0, AGE_RANGE.1, report));
    let gender = required(map, "gender", path, report)
        .and_then(|v| choice(v, &join(path, "gender"), &GENDERS, report));
    let list = |key: &str, report: &mut Report| match optional(map, key) {
        None => Some(Vec::new()),
        Some(v) => text_list(v, &join(path, key), HISTORY.0, HISTORY.1, HISTORY.2, report),
    };
    let medical_history = list("medical_history", report);
    let current_medications = list("current_medications", report);
    Some((
        whole_if_integral(age?),
        gender?,
        medical_history?,
        current_medications?,
    ))
}

/// `45` stays `45` on the wire rather than becoming `45.0`.
pub fn whole_if_integral(value: f64) -> Number {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        Number::from(value as i64)
    } else {
        Number::from_f64(value).unwrap_or_else(|| Number::from(0))
    }
}
