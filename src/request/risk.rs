//! The risk-score request: EHR demographics and vital signs, sent to the model
//! as one CSV row in a fixed feature order, the format SageMaker's built-in
//! XGBoost and LightGBM containers take without a custom script.
//!
//! Feature order (20 columns, no header; an empty field means "missing",
//! which XGBoost handles natively):
//!
//! | # | feature | unit / encoding | accepted range |
//! |---|---------|-----------------|----------------|
//! | 1 | age | years | 0–130 |
//! | 2 | sex_male | 1 male, 0 female, empty other/unknown | |
//! | 3 | heart_rate_bpm | beats per minute | 20–250 |
//! | 4 | systolic_bp_mmhg | mmHg | 50–260 |
//! | 5 | diastolic_bp_mmhg | mmHg, below systolic | 20–160 |
//! | 6 | respiratory_rate_per_min | breaths per minute | 4–60 |
//! | 7 | temperature_c | degrees Celsius | 30–45 |
//! | 8 | spo2_percent | % | 50–100 |
//! | 9 | bmi | kg/m², optional | 10–80 |
//! | 10 | smoking_current | 1/0, empty when unknown | |
//! | 11 | smoking_former | 1/0, empty when unknown | |
//! | 12–20 | diabetes, hypertension, copd, chronic_kidney_disease, heart_failure, coronary_artery_disease, cancer, stroke, asthma | 1/0 | |

use std::fmt::Write;

use serde_json::{Map, Value};

use crate::config::GatewayConfig;
use crate::error::GatewayError;
use crate::request::fields::{choice, join, number, object, optional, reject_unknown, required, Report};
use crate::function::ModelFunction;
use crate::request::routing::{read_routing, Routing, ROUTING_FIELDS};
use crate::request::triage::{AGE_RANGE, GENDERS};

/// Required vital signs: `(field, min, max)`, in CSV order after age and sex.
pub const VITALS: [(&str, f64, f64); 6] = [
    ("heart_rate_bpm", 20.0, 250.0),
    ("systolic_bp_mmhg", 50.0, 260.0),
    ("diastolic_bp_mmhg", 20.0, 160.0),
    ("respiratory_rate_per_min", 4.0, 60.0),
    ("temperature_c", 30.0, 45.0),
    ("spo2_percent", 50.0, 100.0),
];
/// Body-mass index bounds, kg/m².
pub const BMI_RANGE: (f64, f64) = (10.0, 80.0);
/// Smoking status values.
pub const SMOKING_STATUSES: [&str; 4] = ["never", "former", "current", "unknown"];
/// Chronic conditions, in CSV order.
pub const CHRONIC_CONDITIONS: [&str; 9] = [
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

/// Every field of `patient_data`.
pub const PATIENT_FIELDS: [&str; 11] = [
    "age",
    "gender",
    "heart_rate_bpm",
    "systolic_bp_mmhg",
    "diastolic_bp_mmhg",
    "respiratory_rate_per_min",
    "temperature_c",
    "spo2_percent",
    "bmi",
    "smoking_status",
    "chronic_conditions",
];

/// A validated patient, ready to become a CSV row.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskModelInput {
    age: f64,
    gender: &'static str,
    vitals: [f64; 6],
    bmi: Option<f64>,
    smoking_status: &'static str,
    conditions: [bool; 9],
}

impl RiskModelInput {
    /// The CSV row, without a line break.
    pub fn csv_row(&self) -> String {
        let mut row = String::with_capacity(96);
        let _ = write!(row, "{}", self.age);
        row.push(',');
        row.push_str(match self.gender {
            "male" => "1",
            "female" => "0",
            _ => "",
        });
        for vital in self.vitals {
            let _ = write!(row, ",{vital}");
        }
        row.push(',');
        if let Some(bmi) = self.bmi {
            let _ = write!(row, "{bmi}");
        }
        row.push_str(match self.smoking_status {
            "current" => ",1,0",
            "former" => ",0,1",
            "never" => ",0,0",
            _ => ",,",
        });
        for present in self.conditions {
            row.push_str(if present { ",1" } else { ",0" });
        }
        row
    }
}

/// Validates a risk-score request; every problem is reported at once.
pub fn read_risk_request(
    value: &Value,
    config: &GatewayConfig,
) -> Result<(RiskModelInput, Routing), GatewayError> {
    let mut report = Report::default();
    let parsed = object(value, "", &mut report).and_then(|map| {
        let input = read_risk_item(map, "", &ROUTING_FIELDS, &mut report);
        let routing = read_routing(
            map,
            "",
            config.endpoints(ModelFunction::RiskScore),
            config,
            &mut report,
        );
        Some((input?, routing?))
    });
    report.finish(parsed)
}

/// Reads one patient's `{patient_data}` at `path`: the request root (where
/// `envelope` names the routing fields allowed beside it) or a batch slot
/// (where nothing else is allowed).
pub fn read_risk_item(
    map: &Map<String, Value>,
    path: &str,
    envelope: &[&str],
    report: &mut Report,
) -> Option<RiskModelInput> {
    let mut known = vec!["patient_data"];
    known.extend(envelope);
    reject_unknown(map, path, &known, report);
    let patient_path = join(path, "patient_data");
    required(map, "patient_data", path, report)
        .and_then(|v| object(v, &patient_path, report))
        .and_then(|patient| read_patient(patient, &patient_path, report))
}

fn read_patient(
    map: &Map<String, Value>,
    path: &str,
    report: &mut Report,
) -> Option<RiskModelInput> {
    reject_unknown(map, path, &PATIENT_FIELDS, report);
    let age = required(map, "age", path, report)
        .and_then(|v| number(v, &join(path, "age"), AGE_RANGE.0, AGE_RANGE.1, report));
    let gender = required(map, "gender", path, report)
        .and_then(|v| choice(v, &join(path, "gender"), &GENDERS, report));
    let vitals = VITALS.map(|(key, min, max)| {
        required(map, key, path, report).and_then(|v| number(v, &join(path, key), min, max, report))
    });
    if let [_, Some(systolic), Some(diastolic), ..] = vitals {
        if diastolic >= systolic {
            report.push(
                &join(path, "diastolic_bp_mmhg"),
                "inconsistent",
                "must be lower than systolic_bp_mmhg",
            );
        }
    }
    let bmi = match optional(map, "bmi") {
        None => Some(None),
        Some(v) => number(v, &join(path, "bmi"), BMI_RANGE.0, BMI_RANGE.1, report).map(Some),
    };
    let smoking_status = match optional(map, "smoking_status") {
        None => Some("unknown"),
        Some(v) => choice(v, &join(path, "smoking_status"), &SMOKING_STATUSES, report),
    };
    let conditions = match optional(map, "chronic_conditions") {
        None => Some([false; 9]),
        Some(v) => read_conditions(v, &join(path, "chronic_conditions"), report),
    };
    let mut checked = [0.0; 6];
    for (slot, vital) in checked.iter_mut().zip(vitals) {
        *slot = vital?;
    }
    Some(RiskModelInput {
        age: age?,
        gender: gender?,
        vitals: checked,
        bmi: bmi?,
        smoking_status: smoking_status?,
        conditions: conditions?,
    })
}

fn read_conditions(value: &Value, path: &str, report: &mut Report) -> Option<[bool; 9]> {
    let Value::Array(items) = value else {
        report.push(path, "invalid_type", "must be an array of strings");
        return None;
    };
    if items.len() > CHRONIC_CONDITIONS.len() {
        report.push(
            path,
            "too_many_items",
            format!("must have at most {} items", CHRONIC_CONDITIONS.len()),
        );
        return None;
    }
    let mut present = [false; 9];
    let mut clean = true;
    for (index, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{index}]");
        match choice(item, &item_path, &CHRONIC_CONDITIONS, report) {
            Some(condition) => {
                let slot = CHRONIC_CONDITIONS
                    .iter()
                    .zip(present.iter_mut())
                    .find(|(c, _)| **c == condition)
                    .map(|(_, slot)| slot);
                if let Some(slot) = slot {
                    if *slot {
                        report.push(&item_path, "duplicate", "is listed more than once");
                        clean = false;
                    }
                    *slot = true;
                }
            }
            None => clean = false,
        }
    }
    clean.then_some(present)
}
