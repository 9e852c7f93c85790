//! Field readers that check one rule each and add every problem to a
//! [`Report`], so a client learns about all of its mistakes in one answer.
//!
//! Unknown-field policy: strict. A field the request type does not define is
//! an `unknown_field` error, so a misspelt `medical_histroy` is never silently
//! dropped from a patient's record.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::{FieldError, GatewayError};
use crate::text::is_forbidden_char;

/// Collects field errors while a request is validated.
#[derive(Debug, Default)]
pub struct Report {
    errors: Vec<FieldError>,
}

impl Report {
    /// Records one problem.
    pub fn push(&mut self, path: &str, code: &'static str, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, code, message));
    }

    /// True when nothing has been recorded.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// Every problem recorded, in order.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// The value when no problem was recorded, else every problem at once.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, GatewayError> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(GatewayError::validation(self.errors)),
        }
    }
}

/// `parent.key`, or `key` at the root (borrowed: no allocation for top-level fields).
pub fn join<'a>(parent: &str, key: &'a str) -> Cow<'a, str> {
    if parent.is_empty() {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{parent}.{key}"))
    }
}

/// The value as an object, or a `invalid_type` error.
pub fn object<'a>(
    value: &'a Value,
    path: &str,
    report: &mut Report,
) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        _ => {
            let what = if path.is_empty() {
                "the request body "
            } else {
                ""
            };
            report.push(
                path,
                "invalid_type",
                format!("{what}must be a JSON object")
                    .trim_start()
                    .to_owned(),
            );
            None
        }
    }
}

/// Longest unknown field name echoed back in an error path, in characters.
pub const MAX_ECHOED_KEY_CHARS: usize = 40;

/// Adds an `unknown_field` error for every key not in `known`. The key is
/// echoed in the path cut to [`MAX_ECHOED_KEY_CHARS`] and without control
/// or bidirectional characters, so a client cannot make the answer large or
/// make it render misleadingly.
pub fn reject_unknown(map: &Map<String, Value>, path: &str, known: &[&str], report: &mut Report) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            report.push(
                &join(path, &echoed_key(key)),
                "unknown_field",
                format!(
                    "is not a recognised field; expected one of: {}",
                    known.join(", ")
                ),
            );
        }
    }
}

/// `key` as it may appear in an answer: control and bidirectional characters
/// dropped, at most [`MAX_ECHOED_KEY_CHARS`] characters (then `…`).
pub fn echoed_key(key: &str) -> String {
    let mut shown: String = key
        .chars()
        // Also the bidirectional marks (LRM, RLM, ALM), which texts may carry
        // but a field name has no use for.
        .filter(|c| !is_forbidden_char(*c) && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}'))
        .take(MAX_ECHOED_KEY_CHARS + 1)
        .collect();
    if shown.chars().count() > MAX_ECHOED_KEY_CHARS {
        shown = shown.chars().take(MAX_ECHOED_KEY_CHARS).collect();
        shown.push('…');
    }
    shown
}

/// The field's value, or a `required` error when it is missing or null.
pub fn required<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
    report: &mut Report,
) -> Option<&'a Value> {
    match map.get(key) {
        None | Some(Value::Null) => {
            report.push(&join(path, key), "required", "is required");
            None
        }
        Some(value) => Some(value),
    }
}

/// The field's value when present and not null.
pub fn optional<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|value| !value.is_null())
}

/// Rules for one free-text value.
#[derive(Debug, Clone, Copy)]
pub struct TextRule {
    /// Most characters (Unicode scalar values) allowed after trimming.
    pub max_chars: usize,
}

/// A trimmed, non-empty string within `rule`, free of control characters.
pub fn text(value: &Value, path: &str, rule: TextRule, report: &mut Report) -> Option<String> {
    checked_text(value, rule)
        .map_err(|(code, message)| report.push(path, code, message))
        .ok()
}

/// [`text`]'s checks without a path, so list items format theirs only on error.
fn checked_text(value: &Value, rule: TextRule) -> Result<String, (&'static str, String)> {
    let Value::String(raw) = value else {
        return Err(("invalid_type", "must be a string".to_owned()));
    };
    trimmed_text(raw, rule).map(str::to_owned)
}

/// The rules of [`text`] for a string already read: the trimmed slice of
/// `raw`, or the problem's code and message.
pub fn trimmed_text(raw: &str, rule: TextRule) -> Result<&str, (&'static str, String)> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(("empty", "must not be empty".to_owned()));
    }
    // ASCII text (the common case) is checked in one pass over its bytes.
    let (forbidden, chars) = if trimmed.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        (false, trimmed.len())
    } else {
        let forbidden = trimmed.chars().any(is_forbidden_char);
        (forbidden, trimmed.chars().count())
    };
    if forbidden {
        return Err((
            "control_character",
            "must not contain control, line-separator or bidirectional-override characters"
                .to_owned(),
        ));
    }
    if chars > rule.max_chars {
        return Err((
            "too_long",
            format!("must be at most {} characters", rule.max_chars),
        ));
    }
    Ok(trimmed)
}

/// An array of texts with between `min_items` and `max_items` entries.
pub fn text_list(
    value: &Value,
    path: &str,
    min_items: usize,
    max_items: usize,
    rule: TextRule,
    report: &mut Report,
) -> Option<Vec<String>> {
    let Value::Array(items) = value else {
        report.push(path, "invalid_type", "must be an array of strings");
        return None;
    };
    if items.len() < min_items {
        report.push(
            path,
            "too_few_items",
            format!("must have at least {min_items} item{}", plural(min_items)),
        );
        return None;
    }
    if items.len() > max_items {
        report.push(
            path,
            "too_many_items",
            format!("must have at most {max_items} items"),
        );
        return None;
    }
    let texts: Vec<Option<String>> = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            checked_text(item, rule)
                .map_err(|(code, message)| report.push(&format!("{path}[{index}]"), code, message))
                .ok()
        })
        .collect();
    texts.into_iter().collect()
}

/// A finite number in `[min, max]`; numbers written as strings are refused.
pub fn number(value: &Value, path: &str, min: f64, max: f64, report: &mut Report) -> Option<f64> {
    let Some(number) = value.as_f64() else {
        report.push(path, "invalid_type", "must be a number");
        return None;
    };
    if !(min..=max).contains(&number) {
        report.push(
            path,
            "out_of_range",
            format!("must be between {min} and {max}"),
        );
        return None;
    }
    Some(number)
}

/// One of `options`, exactly as written there.
pub fn choice(
    value: &Value,
    path: &str,
    options: &[&'static str],
    report: &mut Report,
) -> Option<&'static str> {
    let Value::String(raw) = value else {
        report.push(path, "invalid_type", "must be a string");
        return None;
    };
    let found = options.iter().copied().find(|option| option == raw);
    if found.is_none() {
        report.push(
            path,
            "invalid_value",
            format!("must be one of: {}", options.join(", ")),
        );
    }
    found
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const RULE: TextRule = TextRule { max_chars: 5 };

    fn text_error(value: Value) -> Option<(String, &'static str, String)> {
        let mut report = Report::default();
        text(&value, "f", RULE, &mut report);
        report
            .errors
            .first()
            .map(|e| (e.path.clone(), e.static_code(), e.message.clone()))
    }

    #[test]
    fn text_rules() {
        let cases = [
            (json!("ok"), None),
            (json!("  ok  "), None),
            (json!("héllo"), None),
            (json!(5), Some("invalid_type")),
            (json!("   "), Some("empty")),
            (json!("toolong"), Some("too_long")),
            (json!("a\nb"), Some("control_character")),
            (json!("a\u{0}b"), Some("control_character")),
            (json!("a\u{202E}b"), Some("control_character")),
            (json!("a\u{2028}b"), Some("control_character")),
            (json!("a\u{85}b"), Some("control_character")),
        ];
        for (value, code) in cases {
            assert_eq!(text_error(value.clone()).map(|e| e.1), code, "{value}");
        }
    }

    #[test]
    fn text_counts_characters_not_bytes() {
        assert_eq!(text_error(json!("発熱発熱発")), None);
        assert_eq!(text_error(json!("🤒🤒🤒🤒🤒")), None);
    }

    #[test]
    fn list_reports_every_bad_item_with_its_index() {
        let mut report = Report::default();
        let result = text_list(
            &json!(["ok", 3, "", "fine"]),
            "symptoms",
            1,
            10,
            RULE,
            &mut report,
        );
        assert!(result.is_none());
        let paths: Vec<_> = report
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.static_code()))
            .collect();
        assert_eq!(
            paths,
            [("symptoms[1]", "invalid_type"), ("symptoms[2]", "empty")]
        );
    }

    #[test]
    fn numbers_must_be_numbers_in_range() {
        for (value, code) in [
            (json!(45), None),
            (json!(0), None),
            (json!(130), None),
            (json!(130.5), Some("out_of_range")),
            (json!(-1), Some("out_of_range")),
            (json!("45"), Some("invalid_type")),
            (json!(null), Some("invalid_type")),
        ] {
            let mut report = Report::default();
            number(&value, "age", 0.0, 130.0, &mut report);
            assert_eq!(report.errors.first().map(|e| e.static_code()), code, "{value}");
        }
        let mut report = Report::default();
        number(&json!(131), "patient_data.age", 0.0, 130.0, &mut report);
        assert_eq!(
            report.errors,
            [FieldError::new(
                "patient_data.age",
                "out_of_range",
                "must be between 0 and 130"
            )]
        );
    }

    #[test]
    fn unknown_fields_are_named() {
        let mut report = Report::default();
        let value = json!({"age": 1, "agee": 2});
        reject_unknown(
            value.as_object().unwrap(),
            "patient_data",
            &["age"],
            &mut report,
        );
        assert_eq!(report.errors[0].path, "patient_data.agee");
        assert_eq!(report.errors[0].code, "unknown_field");
    }
}
