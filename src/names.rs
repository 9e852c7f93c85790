//! SageMaker's name rule for endpoints and production variants, and the
//! endpoint allow-list a client-chosen endpoint must also pass.

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

/// An allow-list of endpoint names: exact names, or prefixes ending in `*`
/// (the guide's IAM resource `endpoint/medical-*` is the default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointAllowList {
    patterns: Vec<String>,
}

impl EndpointAllowList {
    /// Builds the list, refusing a pattern that could never match a valid name.
    pub fn new(patterns: Vec<String>) -> Result<Self, String> {
        for pattern in &patterns {
            let stem = pattern.strip_suffix('*').unwrap_or(pattern);
            let stem_ok = stem.is_empty() && pattern == "*"
                || stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') && !stem.is_empty();
            if !stem_ok || stem.starts_with('-') {
                return Err(format!(
                    "has an invalid pattern {pattern:?}; use names or prefixes such as medical-*"
                ));
            }
        }
        Ok(Self { patterns })
    }

    /// The guide's IAM policy resource, `medical-*`.
    pub fn guide_default() -> Self {
        Self {
            patterns: vec!["medical-*".to_owned()],
        }
    }

    /// Whether `name` matches one of the patterns (case-sensitive, as SageMaker is).
    pub fn allows(&self, name: &str) -> bool {
        self.patterns
            .iter()
            .any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == pattern,
            })
    }

    /// The patterns, for messages.
    pub fn describe(&self) -> String {
        self.patterns.join(", ")
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
    fn allow_list_matches_prefixes_and_exact_names() {
        let list =
            EndpointAllowList::new(vec!["medical-*".into(), "patient-risk-scorer".into()]).unwrap();
        assert!(list.allows("medical-triage-endpoint"));
        assert!(list.allows("patient-risk-scorer"));
        assert!(!list.allows("patient-risk-scorer-2"));
        assert!(!list.allows("Medical-x"));
        assert!(!list.allows("other"));
        assert!(EndpointAllowList::new(vec!["*".into()])
            .unwrap()
            .allows("anything"));
        assert!(EndpointAllowList::new(vec!["bad pattern".into()]).is_err());
        assert!(EndpointAllowList::new(vec!["a*b*".into()]).is_err());
    }
}
