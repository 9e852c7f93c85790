//! Risk model output → score, level and the factors the model reported.
//!
//! - Rich JSON `{"risk_score", "risk_level"?, "factors"?, "model_version"?}`.
//! - One probability (XGBoost `binary:logistic` CSV or JSON, JumpStart
//!   LightGBM `{"prediction":[p]}`), or `[p(no event), p(event)]`.
//!   The level comes from the score thresholds (0.25 / 0.5 / 0.75).
//!   Raw containers explain nothing, so `factors` is empty: the gateway does
//!   not invent reasons the model did not give.

use serde_json::{Map, Value};

use crate::error::GatewayError;
use crate::request::fields::Report;
use crate::response::risk_levels::{level_for_score, TRIAGE_LEVELS};
use crate::response::model_output::{bad_output, ModelOutput};
use crate::response::results::{round4, RiskResult};
use crate::response::rich_fields::{
    check_probabilities, finish_output, optional_text, optional_texts, probability,
};

/// Normalises one risk prediction.
pub fn normalize_risk(
    output: ModelOutput,
    variant: Option<&str>,
    elapsed_ms: u64,
) -> Result<RiskResult, GatewayError> {
    let mut result = match output {
        ModelOutput::Rich(map) => read_rich(&map)?,
        ModelOutput::Numbers(numbers, format) => from_numbers(&numbers, format)?,
    };
    result.invoked_variant = variant.map(str::to_owned);
    result.inference_time_ms = elapsed_ms;
    Ok(result)
}

fn read_rich(map: &Map<String, Value>) -> Result<RiskResult, GatewayError> {
    let mut report = Report::default();
    let score = probability(map, "risk_score", &mut report);
    let level = match map.get("risk_level").filter(|v| !v.is_null()) {
        None => Some(None),
        Some(_) => {
            crate::response::rich_fields::level(map, "risk_level", &TRIAGE_LEVELS, &mut report)
                .map(Some)
        }
    };
    let factors = optional_texts(map, "factors", &mut report);
    let model_version = optional_text(map, "model_version", 64, &mut report);
    let result = (|| {
        let score = score?;
        Some(RiskResult {
            risk_score: round4(score),
            risk_level: level?.unwrap_or_else(|| level_for_score(score)),
            factors: factors?,
            model_version: model_version?,
            invoked_variant: None,
            inference_time_ms: 0,
            output_format: "custom_json",
        })
    })();
    finish_output(report, result)
}

fn from_numbers(numbers: &[f64], format: &'static str) -> Result<RiskResult, GatewayError> {
    let score = match numbers {
        [p] => *p,
        [_, p_event] => {
            check_probabilities(numbers, 2)?;
            *p_event
        }
        _ => {
            return Err(bad_output(format!(
                "it has {} values where one risk probability is expected",
                numbers.len()
            )))
        }
    };
    if !(0.0..=1.0).contains(&score) {
        return Err(bad_output(
            "its score is not a probability in [0, 1]; the risk model must output a probability",
        ));
    }
    Ok(RiskResult {
        risk_score: round4(score),
        risk_level: level_for_score(score),
        factors: Vec::new(),
        model_version: None,
        invoked_variant: None,
        inference_time_ms: 0,
        output_format: format,
    })
}
