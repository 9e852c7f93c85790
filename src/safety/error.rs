//! Why a rule file was refused.

use std::fmt;

/// A rule file's first problem, named exactly: the rule (when the problem is
/// inside one), the JSON path of the field and what is wrong with it.
///
/// Messages name fields, limits and the operator's own rule data (ids, concept
/// names, phrases); a rule file holds no patient data, so they are safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSetError {
    /// The id of the rule at fault, when the problem is inside a rule whose
    /// `id` is a string (even an invalid one); `None` for the version, the
    /// concepts, the document as a whole, or a rule without a string id (its
    /// index is in `field`).
    pub rule: Option<String>,
    /// JSON path of the field at fault, e.g. `rules[3].symptoms[0][1]`,
    /// `concepts[2].phrases[0]` or `version`; empty for the document itself.
    pub field: String,
    /// What is wrong, e.g. `unknown concept "chest_pian"`.
    pub message: String,
}

impl RuleSetError {
    pub(crate) fn new(
        rule: Option<&str>,
        field: impl fmt::Display,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule: rule.map(str::to_owned),
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for RuleSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("red-flag rules: ")?;
        if let Some(rule) = &self.rule {
            write!(f, "rule \"{rule}\": ")?;
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleSetError {}

#[cfg(test)]
mod tests {
    use super::RuleSetError;

    #[test]
    fn display_names_rule_field_and_message() {
        let cases = [
            (
                RuleSetError::new(Some("stroke_fast"), "rules[1].min_level", "bad"),
                "red-flag rules: rule \"stroke_fast\": rules[1].min_level: bad",
            ),
            (
                RuleSetError::new(None, "version", "missing"),
                "red-flag rules: version: missing",
            ),
            (
                RuleSetError::new(None, "", "not JSON"),
                "red-flag rules: not JSON",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
    }
}
