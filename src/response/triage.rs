//! Triage model output → the guide's triage output.
//!
//! - Rich JSON from a custom script: fields checked and passed through.
//! - Four probabilities (XGBoost `multi:softprob`, TF Serving, CSV rows) in
//!   the class order of [`TRIAGE_LEVELS`]: `risk_level` is the most likely
//!   class, `confidence` its probability, and `urgency_score` the expected
//!   urgency `Σ pᵢ · i/3`.
//! - Two probabilities `[p(not urgent), p(urgent)]`: treated as one probability.
//! - One number: a class index 0–3 (`multi:softmax`, the guide's objective;
//!   `urgency_score = index/3`, no confidence) or, when configured, a
//!   probability (`binary:logistic`; level from the score thresholds, no confidence).

use serde_json::{Map, Value};

use crate::error::GatewayError;
use crate::request::fields::Report;
use crate::config::labels::ScoreMeaning;
use crate::response::risk_levels::{level_for_score, TRIAGE_LEVELS};
use crate::response::model_output::{bad_output, ModelOutput};
use crate::response::results::{round4, TriageResult};
use crate::response::rich_fields::{
    check_probabilities, finish_output, level, optional_probability, optional_text, optional_texts,
    probability,
};

/// `risk_level_source` when the model's own level stands.
pub const MODEL: &str = "model";

/// Normalises one triage prediction (the model's view; the red-flag floor
/// is applied after, by [`crate::response::red_flag_floor`]).
pub fn normalize_triage(
    output: ModelOutput,
    meaning: ScoreMeaning,
    variant: Option<&str>,
    elapsed_ms: u64,
) -> Result<TriageResult, GatewayError> {
    let mut result = match output {
        ModelOutput::Rich(map) => read_rich(&map)?,
        ModelOutput::Numbers(numbers, format) => from_numbers(&numbers, format, meaning)?,
    };
    result.invoked_variant = variant.map(str::to_owned);
    result.inference_time_ms = elapsed_ms;
    Ok(result)
}

fn read_rich(map: &Map<String, Value>) -> Result<TriageResult, GatewayError> {
    let mut report = Report::default();
    let urgency_score = probability(map, "urgency_score", &mut report);
    let risk_level = level(map, "risk_level", &TRIAGE_LEVELS, &mut report);
    let recommended_specialty = optional_text(map, "recommended_specialty", 100, &mut report);
    let confidence = optional_probability(map, "confidence", &mut report);
    let key_findings = optional_texts(map, "key_findings", &mut report);
    let model_version = optional_text(map, "model_version", 64, &mut report);
    let result = (|| {
        Some(TriageResult {
            urgency_score: round4(urgency_score?),
            risk_level: risk_level?,
            model_risk_level: risk_level?,
            risk_level_source: MODEL,
            red_flags: Vec::new(),
            red_flag_rules_version: None,
            recommended_specialty: recommended_specialty?,
            confidence: confidence?.map(round4),
            key_findings: key_findings?,
            model_version: model_version?,
            invoked_variant: None,
            inference_time_ms: 0,
            output_format: "custom_json",
        })
    })();
    finish_output(report, result)
}

fn from_numbers(
    numbers: &[f64],
    format: &'static str,
    meaning: ScoreMeaning,
) -> Result<TriageResult, GatewayError> {
    let (urgency, level, confidence) =
        match numbers {
            [p_not, p_urgent] => {
                check_probabilities(numbers, 2)?;
                let _ = p_not;
                (*p_urgent, level_for_score(*p_urgent), None)
            }
            [single] => match meaning {
                ScoreMeaning::ClassIndex => {
                    let (index, level) = class_index(*single)?;
                    (index as f64 / 3.0, level, None)
                }
                ScoreMeaning::Probability => {
                    if !(0.0..=1.0).contains(single) {
                        return Err(bad_output("its score is not a probability in [0, 1]"));
                    }
                    (*single, level_for_score(*single), None)
                }
            },
            _ => {
                check_probabilities(numbers, TRIAGE_LEVELS.len())?;
                let (best, p_best) = TRIAGE_LEVELS.iter().zip(numbers).fold(
                    ("low", f64::MIN),
                    |best, (level, p)| if *p > best.1 { (*level, *p) } else { best },
                );
                let expected: f64 = numbers
                    .iter()
                    .enumerate()
                    .map(|(i, p)| p * i as f64 / 3.0)
                    .sum();
                (expected.clamp(0.0, 1.0), best, Some(p_best))
            }
        };
    Ok(TriageResult {
        urgency_score: round4(urgency),
        risk_level: level,
        model_risk_level: level,
        risk_level_source: MODEL,
        red_flags: Vec::new(),
        red_flag_rules_version: None,
        recommended_specialty: None,
        confidence: confidence.map(round4),
        key_findings: Vec::new(),
        model_version: None,
        invoked_variant: None,
        inference_time_ms: 0,
        output_format: format,
    })
}

fn class_index(value: f64) -> Result<(usize, &'static str), GatewayError> {
    let index = value as usize;
    match TRIAGE_LEVELS.get(index) {
        Some(level) if value.fract() == 0.0 && value >= 0.0 => Ok((index, level)),
        _ => Err(bad_output("its class index is not 0, 1, 2 or 3 (set the triage score meaning to probability for binary:logistic models)")),
    }
}
