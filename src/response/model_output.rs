//! Recognises the raw output formats of the containers users deploy and
//! reduces each prediction to numbers, or keeps a custom script's rich JSON
//! object for the function-specific reader. A single request reads the first
//! prediction; a batch reads every one, in order.
//!
//! | container | body | predictions |
//! |-----------|------|-------------|
//! | custom inference script | `{...guide fields...}` | one `Rich` |
//! | custom script, batch | JSON Lines, one object per line | one per line |
//! | XGBoost CSV | `0.87\n` / `0.1,0.7,0.1,0.1\n` | `Numbers`, one per line |
//! | XGBoost JSON | `{"predictions":[{"score":0.87},{"score":0.1}]}` | one per item |
//! | XGBoost selectable output | `{"predictions":[{"predicted_label":1,"probabilities":[0.2,0.8]}]}` / JSON Lines | `Numbers` (probabilities), one per item or line |
//! | Image Classification algorithm, JumpStart LightGBM | `{"prediction":[...]}` | one `Numbers` (a flat array is one vector) |
//! | LightGBM classification | `{"probabilities":[[0.3,0.7]]}` | one per row |
//! | TF Serving | `{"predictions":[[...]]}` / `{"predictions":[{"probabilities":[...]}]}` / `{"outputs":...}` | one per row |
//! | PyTorch default handler | `[[...]]` | one per row |
//!
//! A flat array of numbers is always one prediction's vector: it cannot tell
//! "one row of class probabilities" from "one score per row" apart.

use serde_json::{Map, Value};

use crate::error::{ErrorCode, GatewayError};
use crate::limits::MAX_SAGEMAKER_BODY_BYTES;

/// One prediction of a model answer.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelOutput {
    /// A custom script's JSON object, read field by field later.
    Rich(Map<String, Value>),
    /// A score, a class index or a probability vector, with the format's name.
    Numbers(Vec<f64>, &'static str),
}

/// A 502 for model output the gateway cannot use, with a data-free reason.
pub fn bad_output(reason: impl Into<String>) -> GatewayError {
    GatewayError::new(
        ErrorCode::InvalidModelOutput,
        format!("The model's output could not be used: {}.", reason.into()),
    )
}

/// Parses a successful SageMaker body into its first prediction.
pub fn parse_model_output(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<ModelOutput, GatewayError> {
    parse_predictions(content_type, body, 1)?
        .into_iter()
        .next()
        .ok_or_else(|| bad_output("it holds no prediction"))
}

/// Parses a successful SageMaker body into every prediction, in order.
pub fn parse_model_outputs(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Vec<ModelOutput>, GatewayError> {
    parse_predictions(content_type, body, usize::MAX)
}

/// Media types of JSON Lines answers (one JSON document per line).
const JSON_LINES_TYPES: [&str; 2] = ["application/jsonlines", "application/x-jsonlines"];

/// The first `limit` predictions (at least one, or an error).
fn parse_predictions(
    content_type: Option<&str>,
    body: &[u8],
    limit: usize,
) -> Result<Vec<ModelOutput>, GatewayError> {
    if body.len() > MAX_SAGEMAKER_BODY_BYTES {
        return Err(bad_output("it is larger than SageMaker's 6 MiB limit"));
    }
    let text = std::str::from_utf8(body).map_err(|_| bad_output("it is not UTF-8 text"))?;
    let media_type = content_type
        .map(|t| {
            t.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let trimmed = text.trim_start();
    if JSON_LINES_TYPES.contains(&media_type.as_str()) {
        return non_empty_lines(text, limit)?
            .into_iter()
            .map(|line| parse_json(line, 1).and_then(first))
            .collect();
    }
    let is_csv =
        media_type == "text/csv" || !(trimmed.starts_with('{') || trimmed.starts_with('['));
    if is_csv {
        return non_empty_lines(text, limit)?
            .into_iter()
            .map(|line| csv_numbers(line).map(|numbers| ModelOutput::Numbers(numbers, "csv")))
            .collect();
    }
    parse_json(text, limit)
}

/// The first `limit` lines that are not blank, trimmed; an error when there are none.
fn non_empty_lines(text: &str, limit: usize) -> Result<Vec<&str>, GatewayError> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(limit)
        .collect();
    if lines.is_empty() {
        return Err(bad_output("it is empty"));
    }
    Ok(lines)
}

fn first(outputs: Vec<ModelOutput>) -> Result<ModelOutput, GatewayError> {
    outputs
        .into_iter()
        .next()
        .ok_or_else(|| bad_output("it holds no prediction"))
}

fn parse_json(text: &str, limit: usize) -> Result<Vec<ModelOutput>, GatewayError> {
    let value: Value = serde_json::from_str(text).map_err(|_| {
        bad_output("it is not valid JSON (non-finite numbers such as NaN are not JSON)")
    })?;
    match value {
        Value::Object(map) => from_object(map, limit),
        Value::Array(_) => numbers_of(&value, "bare_array", limit),
        _ => Err(bad_output("it is neither a JSON object nor an array")),
    }
}

fn from_object(map: Map<String, Value>, limit: usize) -> Result<Vec<ModelOutput>, GatewayError> {
    let container_key = ["predictions", "prediction", "probabilities", "outputs"]
        .into_iter()
        .find(|key| map.get(*key).is_some_and(is_numeric_prediction));
    match container_key.and_then(|key| map.get(key).map(|value| (key, value))) {
        Some((key, value)) => numbers_of(value, key, limit),
        None => Ok(vec![ModelOutput::Rich(map)]),
    }
}

/// Whether a `predictions`-like value holds numbers (rather than a custom
/// script's objects such as `{condition, confidence}`).
fn is_numeric_prediction(value: &Value) -> bool {
    match value {
        Value::Number(_) => true,
        Value::Array(items) => items.first().is_some_and(is_numeric_prediction),
        Value::Object(object) => ["score", "probabilities", "probability", "predicted_score"]
            .iter()
            .any(|key| object.contains_key(*key)),
        _ => false,
    }
}

/// The predictions of a container value: a list of rows or objects is one
/// prediction per item; anything else (a number, a flat vector, an object)
/// is one prediction.
fn numbers_of(
    value: &Value,
    format: &'static str,
    limit: usize,
) -> Result<Vec<ModelOutput>, GatewayError> {
    let rows: Vec<&Value> = match value {
        Value::Array(items) if items.first().is_some_and(|f| f.is_array() || f.is_object()) => {
            items.iter().take(limit).collect()
        }
        _ => vec![value],
    };
    rows.into_iter()
        .map(|row| first_numbers(row).map(|numbers| ModelOutput::Numbers(numbers, format)))
        .collect()
}

/// One prediction as numbers: `[0.1, 0.9]` stays, `[[0.1, 0.9], ...]`
/// takes the first row, `[{"score": x}]` takes `x`.
fn first_numbers(value: &Value) -> Result<Vec<f64>, GatewayError> {
    match value {
        Value::Number(n) => Ok(vec![finite(n.as_f64())?]),
        Value::Array(items) => match items.first() {
            None => Err(bad_output("it holds no prediction")),
            Some(Value::Number(_)) => items.iter().map(|item| finite(item.as_f64())).collect(),
            Some(first @ (Value::Array(_) | Value::Object(_))) => first_numbers(first),
            Some(_) => Err(bad_output("its predictions are not numbers")),
        },
        Value::Object(object) => {
            let inner = ["probabilities", "score", "probability", "predicted_score"]
                .iter()
                .find_map(|key| object.get(*key))
                .ok_or_else(|| bad_output("its prediction has no score or probabilities"))?;
            first_numbers(inner)
        }
        _ => Err(bad_output("its predictions are not numbers")),
    }
}

fn finite(number: Option<f64>) -> Result<f64, GatewayError> {
    number
        .filter(|n| n.is_finite())
        .ok_or_else(|| bad_output("it contains a number that is not finite"))
}

fn csv_numbers(line: &str) -> Result<Vec<f64>, GatewayError> {
    line.split(',')
        .map(|field| {
            let field = field.trim();
            let parsed = field.parse::<f64>().ok().filter(|_| {
                field
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            });
            parsed
                .filter(|n| n.is_finite())
                .ok_or_else(|| bad_output("its CSV holds a field that is not a finite number"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(content_type: Option<&str>, body: &str) -> (Vec<f64>, &'static str) {
        match parse_model_output(content_type, body.as_bytes()).unwrap() {
            ModelOutput::Numbers(n, format) => (n, format),
            other => panic!("expected numbers, got {other:?}"),
        }
    }

    #[test]
    fn container_formats() {
        let cases: &[(Option<&str>, &str, &[f64], &str)] = &[
            (
                Some("text/csv; charset=utf-8"),
                "0.8734\n",
                &[0.8734],
                "csv",
            ),
            (
                None,
                "0.1,0.7,0.1,0.1\n0.6,0.2,0.1,0.1\n",
                &[0.1, 0.7, 0.1, 0.1],
                "csv",
            ),
            (Some("text/csv"), "1.0\n0.0\n", &[1.0], "csv"),
            (None, "0.43861907720565796", &[0.43861907720565796], "csv"),
            (
                Some("application/json"),
                r#"{"predictions":[{"score":0.87},{"score":0.1}]}"#,
                &[0.87],
                "predictions",
            ),
            (
                None,
                r#"{"predictions":[{"score":[0.1,0.2,0.3,0.4]}]}"#,
                &[0.1, 0.2, 0.3, 0.4],
                "predictions",
            ),
            (
                None,
                r#"{"predictions":[{"predicted_label":1,"probabilities":[0.4,0.6]}]}"#,
                &[0.4, 0.6],
                "predictions",
            ),
            (
                None,
                r#"{"predictions":[{"predicted_score":37.5}]}"#,
                &[37.5],
                "predictions",
            ),
            (
                None,
                r#"{"prediction":[0.01,0.02,0.93,0.04]}"#,
                &[0.01, 0.02, 0.93, 0.04],
                "prediction",
            ),
            (
                None,
                r#"{"prediction":[0.137,0.842]}"#,
                &[0.137, 0.842],
                "prediction",
            ),
            (
                None,
                r#"{"probabilities":[[0.3,0.7]],"probabilities-1d":[[0.7]]}"#,
                &[0.3, 0.7],
                "probabilities",
            ),
            (
                None,
                r#"{"predictions":[[0.02,0.95,0.03]]}"#,
                &[0.02, 0.95, 0.03],
                "predictions",
            ),
            (
                None,
                r#"{"predictions":[{"classes":1,"probabilities":[0.02,0.95,0.03]}]}"#,
                &[0.02, 0.95, 0.03],
                "predictions",
            ),
            (None, r#"{"outputs":[[0.5,0.5]]}"#, &[0.5, 0.5], "outputs"),
            (None, "[[-1.2, 3.4, 0.1]]", &[-1.2, 3.4, 0.1], "bare_array"),
        ];
        for (content_type, body, expected, format) in cases {
            assert_eq!(
                numbers(*content_type, body),
                (expected.to_vec(), *format),
                "{body}"
            );
        }
    }

    #[test]
    fn rich_objects_are_kept() {
        let rich =
            parse_model_output(None, br#"{"urgency_score":0.9,"risk_level":"high"}"#).unwrap();
        assert!(matches!(rich, ModelOutput::Rich(_)));
        let image = parse_model_output(
            None,
            br#"{"predictions":[{"condition":"pneumonia","confidence":0.8}]}"#,
        )
        .unwrap();
        assert!(matches!(image, ModelOutput::Rich(_)));
    }

    #[test]
    fn malformed_output_is_an_error_not_a_guess() {
        let bad: &[&[u8]] = &[
            b"",
            b"\n\n",
            b"{\"predictions\": [",
            b"{\"a\": NaN}",
            b"nan\n",
            b"inf\n",
            b"0.5,abc\n",
            b"\xff\xfe",
            b"{\"predictions\": []}",
            b"[]",
            b"\"text\"",
            b"{\"predictions\": [\"x\"]}",
            b"{\"predictions\":[{\"label\":1}]}",
        ];
        for body in bad {
            let result = parse_model_output(None, body);
            let is_rich = matches!(result, Ok(ModelOutput::Rich(_)));
            assert!(
                result.is_err() || is_rich,
                "{:?}",
                String::from_utf8_lossy(body)
            );
            if let Err(error) = result {
                assert_eq!(error.code, ErrorCode::InvalidModelOutput);
            }
        }
    }
}
