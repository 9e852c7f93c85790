//! Reading a custom inference script's JSON with the same field rules as
//! requests; any problem makes the whole output unusable.

use serde_json::{Map, Value};

use crate::error::GatewayError;
use crate::request::fields::{number, optional, required, text, text_list, Report, TextRule};
use crate::response::model_output::bad_output;

/// Turns field problems in model output into one `invalid_model_output` error.
pub fn finish_output<T>(report: Report, value: Option<T>) -> Result<T, GatewayError> {
    report.finish(value).map_err(|validation| {
        let mut error = bad_output("some fields are missing or out of range");
        error.errors = validation.errors;
        error
    })
}

/// A required probability in `[0, 1]`.
pub fn probability(map: &Map<String, Value>, key: &str, report: &mut Report) -> Option<f64> {
    required(map, key, "", report).and_then(|v| number(v, key, 0.0, 1.0, report))
}

/// An optional probability in `[0, 1]`; `Some(None)` when absent.
pub fn optional_probability(
    map: &Map<String, Value>,
    key: &str,
    report: &mut Report,
) -> Option<Option<f64>> {
    match optional(map, key) {
        None => Some(None),
        Some(v) => number(v, key, 0.0, 1.0, report).map(Some),
    }
}

/// An optional short text; `Some(None)` when absent.
pub fn optional_text(
    map: &Map<String, Value>,
    key: &str,
    max_chars: usize,
    report: &mut Report,
) -> Option<Option<String>> {
    match optional(map, key) {
        None => Some(None),
        Some(v) => text(v, key, TextRule { max_chars }, report).map(Some),
    }
}

/// An optional list of short texts; empty when absent.
pub fn optional_texts(
    map: &Map<String, Value>,
    key: &str,
    report: &mut Report,
) -> Option<Vec<String>> {
    match optional(map, key) {
        None => Some(Vec::new()),
        Some(v) => text_list(v, key, 0, 50, TextRule { max_chars: 300 }, report),
    }
}

/// A required level word, compared case-insensitively and returned in lower case.
pub fn level(
    map: &Map<String, Value>,
    key: &str,
    levels: &[&'static str],
    report: &mut Report,
) -> Option<&'static str> {
    let value = required(map, key, "", report)?;
    let found = value.as_str().and_then(|raw| {
        levels
            .iter()
            .copied()
            .find(|level| level.eq_ignore_ascii_case(raw.trim()))
    });
    if found.is_none() {
        report.push(
            key,
            "invalid_value",
            format!("must be one of: {}", levels.join(", ")),
        );
    }
    found
}

/// Checks a probability vector: the expected length, values in `[0, 1]`,
/// summing to 1 within 1 %. Logits (as from a default PyTorch handler) fail here.
pub fn check_probabilities(values: &[f64], expected_len: usize) -> Result<(), GatewayError> {
    if values.len() != expected_len {
        return Err(bad_output(format!(
            "it has {} classes where {expected_len} are configured",
            values.len()
        )));
    }
    let sum: f64 = values.iter().sum();
    if values.iter().any(|p| !(0.0..=1.0).contains(p)) || (sum - 1.0).abs() > 0.01 {
        return Err(bad_output("its values are not probabilities (each in [0, 1], summing to 1); apply softmax in the model"));
    }
    Ok(())
}
