//! SageMaker's name rule for endpoints and production variants, and the
//! endpoints each function may reach.

use crate::limits::MAX_SAGEMAKER_NAME_CHARS;

/// Why a name was refused: `(code, message)`.
pub type NameProblem = (&'static str, String);

/// Checks `^[A-Za-z0-9](-*[A-Za-z0-9])*$` and at most 63 characters: ASCII
/// letters, digits and inner hyphens only, so a name is always path-safe.
pub fn check_sagemaker_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(("empty", "must not be empty".to_owned()));
    }
    if name.len() > MAX_SAGEMAKER_NAME_CHARS {
        return Err((
            "too_long",
            format!("must be at most {MAX_SAGEMAKER_NAME_CHARS} characters"),
        ));
    }
    let bytes = name.as_bytes();
    let valid = bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-');
    if valid {
        Ok(())
    } else {
        Err((
            "invalid_format",
            "must contain only ASCII letters, digits and hyphens, and start and end with a letter or digit".to_owned(),
        ))
    }
}

/// The endpoints one function may call: its default and the operator's
/// extra names, exact names only. A client can name no other endpoint, so
/// every endpoint that ever appears in a call, a log or a metric is one the
/// operator configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionEndpoints {
    default: String,
    extra: Vec<String>,
}

/// Checks an operator's list of endpoint names against SageMaker's rule.
pub fn check_endpoint_names(names: &[String]) -> Result<(), String> {
    for name in names {
        if let Err((_, message)) = check_sagemaker_name(name) {
            return Err(format!(
                "lists an invalid endpoint name: it {message} (exact names only, no patterns)"
            ));
        }
    }
    Ok(())
}

impl FunctionEndpoints {
    /// The default and the extra names, already checked.
    pub fn new(default: String, extra: Vec<String>) -> Self {
        Self { default, extra }
    }

    /// The endpoint called when the client names none.
    pub fn default_name(&self) -> &str {
        &self.default
    }

    /// Whether a client may name `name` (case-sensitive, as SageMaker is).
    pub fn allows(&self, name: &str) -> bool {
        name == self.default || self.extra.iter().any(|extra| extra == name)
    }

    /// Every name, default first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.default.as_str()).chain(self.extra.iter().map(String::as_str))
    }

    /// The names, for messages.
    pub fn describe(&self) -> String {
        self.names().collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sagemaker_name_rule() {
        let long = "a".repeat(64);
        let max = "a".repeat(63);
        let cases = [
            ("medical-triage-endpoint", None),
            ("a", None),
            ("A1--b2", None),
            (max.as_str(), None),
            ("", Some("empty")),
            (long.as_str(), Some("too_long")),
            ("-a", Some("invalid_format")),
            ("a-", Some("invalid_format")),
            ("a_b", Some("invalid_format")),
            ("a.b", Some("invalid_format")),
            ("../x", Some("invalid_format")),
            ("a/b", Some("invalid_format")),
            ("a b", Some("invalid_format")),
            ("é", Some("invalid_format")),
            ("a%2Fb", Some("invalid_format")),
        ];
        for (name, code) in cases {
            assert_eq!(
                check_sagemaker_name(name).err().map(|e| e.0),
                code,
                "{name:?}"
            );
        }
    }

    #[test]
    fn a_function_reaches_its_default_and_its_listed_names_only() {
        let endpoints = FunctionEndpoints::new(
            "medical-triage-endpoint".into(),
            vec!["triage-canary".into()],
        );
        assert!(endpoints.allows("medical-triage-endpoint"));
        assert!(endpoints.allows("triage-canary"));
        assert!(!endpoints.allows("medical-image-classifier"));
        assert!(!endpoints.allows("Triage-canary"));
        assert!(!endpoints.allows("triage-canary-2"));
        assert_eq!(
            endpoints.describe(),
            "medical-triage-endpoint, triage-canary"
        );
        let error = check_endpoint_names(&["medical-*".into()]).unwrap_err();
        assert!(error.contains("exact names only"), "{error}");
    }
}
