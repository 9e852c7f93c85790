//! Image model output → the guide's image output.
//!
//! - Rich JSON `{"predictions":[{condition, confidence, severity?}], model_version?}`: checked and passed through.
//! - Class probabilities (Image Classification `{"prediction":[...]}`, TF
//!   Serving, bare arrays) in the order of the configured labels: every class
//!   becomes a prediction, most confident first, at most [`MAX_PREDICTIONS`].
//!   Severity is `null`: a classifier's probability is not a severity grade.

use serde_json::{Map, Value};

use crate::error::GatewayError;
use crate::request::fields::{number, object, required, text, Report, TextRule};
use crate::config::labels::ImageLabels;
use crate::response::model_output::{bad_output, ModelOutput};
use crate::response::results::{round4, ImagePrediction, ImageResult};
use crate::response::rich_fields::{check_probabilities, finish_output, optional_text};

/// Most predictions returned.
pub const MAX_PREDICTIONS: usize = 5;
/// Severity words a custom script may use.
pub const SEVERITIES: [&str; 5] = ["none", "mild", "moderate", "severe", "critical"];

/// Normalises one image prediction.
pub fn normalize_image(
    output: ModelOutput,
    labels: &ImageLabels,
    variant: Option<&str>,
    elapsed_ms: u64,
) -> Result<ImageResult, GatewayError> {
    let mut result = match output {
        ModelOutput::Rich(map) => read_rich(&map)?,
        ModelOutput::Numbers(numbers, format) => from_probabilities(&numbers, format, labels)?,
    };
    result.invoked_variant = variant.map(str::to_owned);
    result.inference_time_ms = elapsed_ms;
    Ok(result)
}

fn read_rich(map: &Map<String, Value>) -> Result<ImageResult, GatewayError> {
    let mut report = Report::default();
    let predictions = required(map, "predictions", "", &mut report).and_then(|value| match value {
        Value::Array(items) if items.len() <= 100 => {
            let read: Vec<Option<ImagePrediction>> = items
                .iter()
                .enumerate()
                .map(|(i, item)| read_prediction(item, &format!("predictions[{i}]"), &mut report))
                .collect();
            read.into_iter().collect::<Option<Vec<_>>>()
        }
        _ => {
            report.push(
                "predictions",
                "invalid_type",
                "must be an array of at most 100 predictions",
            );
            None
        }
    });
    let model_version = optional_text(map, "model_version", 64, &mut report);
    let result = (|| {
        let mut predictions = predictions?;
        predictions.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        Some(ImageResult {
            predictions,
            model_version: model_version?,
            invoked_variant: None,
            inference_time_ms: 0,
            output_format: "custom_json",
        })
    })();
    finish_output(report, result)
}

fn read_prediction(item: &Value, path: &str, report: &mut Report) -> Option<ImagePrediction> {
    let map = object(item, path, report)?;
    let condition = required(map, "condition", path, report).and_then(|v| {
        text(
            v,
            &format!("{path}.condition"),
            TextRule { max_chars: 100 },
            report,
        )
    });
    let confidence = required(map, "confidence", path, report)
        .and_then(|v| number(v, &format!("{path}.confidence"), 0.0, 1.0, report));
    let severity = match map.get("severity").filter(|v| !v.is_null()) {
        None => Some(None),
        Some(v) => {
            let found = v.as_str().and_then(|raw| {
                SEVERITIES
                    .iter()
                    .find(|s| s.eq_ignore_ascii_case(raw.trim()))
            });
            if found.is_none() {
                report.push(
                    &format!("{path}.severity"),
                    "invalid_value",
                    format!("must be one of: {}", SEVERITIES.join(", ")),
                );
            }
            found.map(|s| Some((*s).to_owned()))
        }
    };
    Some(ImagePrediction {
        condition: condition?,
        confidence: round4(confidence?),
        severity: severity?,
    })
}

fn from_probabilities(
    numbers: &[f64],
    format: &'static str,
    labels: &ImageLabels,
) -> Result<ImageResult, GatewayError> {
    let labels = labels.as_slice();
    if numbers.len() != labels.len() {
        return Err(bad_output(format!(
            "it has {} classes where {} labels are configured",
            numbers.len(),
            labels.len()
        )));
    }
    check_probabilities(numbers, labels.len())?;
    let mut predictions: Vec<ImagePrediction> = labels
        .iter()
        .zip(numbers)
        .map(|(label, p)| ImagePrediction {
            condition: label.clone(),
            confidence: round4(*p),
            severity: None,
        })
        .collect();
    predictions.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    predictions.truncate(MAX_PREDICTIONS);
    Ok(ImageResult {
        predictions,
        model_version: None,
        invoked_variant: None,
        inference_time_ms: 0,
        output_format: match format {
            "prediction" => "image_classification",
            other => other,
        },
    })
}
