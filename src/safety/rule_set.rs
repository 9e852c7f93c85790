//! A loaded rule set and its evaluation against one patient.

use std::sync::{Arc, OnceLock};

use super::error::RuleSetError;
use super::flags::{PatientFacts, RedFlag};
use super::loader::{self, LoadedRules};
use super::matcher::{Hit, Scratch, Vocabulary};
use super::rule::Rule;

/// The rule file compiled into the crate (`src/safety/red_flags.json`).
pub const EMBEDDED_JSON: &str = include_str!("red_flags.json");

/// A versioned, validated set of red-flag rules with its vocabulary.
///
/// Build one with [`RuleSet::embedded`], [`RuleSet::from_json`] or
/// [`RuleSet::extended_with`]; evaluate it with [`RuleSet::evaluate`]. A set
/// is immutable and `Send + Sync`, so one can serve every request.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) version: String,
    pub(crate) vocabulary: Vocabulary,
    pub(crate) rules: Vec<Rule>,
}

impl RuleSet {
    /// The rule set compiled into the crate, parsed on first use.
    ///
    /// A unit test loads the embedded file, so it cannot fail here without a
    /// test failing first. Were it ever to fail, this returns a set with no
    /// rules and the version `embedded-rules-invalid`, which the version in
    /// every answer and metric makes visible (rather than a panic in the
    /// request path).
    pub fn embedded() -> &'static RuleSet {
        Self::embedded_arc()
    }

    /// [`RuleSet::embedded`], for holders that share it: cloning the `Arc`
    /// copies no rule.
    pub fn embedded_shared() -> Arc<RuleSet> {
        Arc::clone(Self::embedded_arc())
    }

    fn embedded_arc() -> &'static Arc<RuleSet> {
        static EMBEDDED: OnceLock<Arc<RuleSet>> = OnceLock::new();
        EMBEDDED.get_or_init(|| {
            Arc::new(RuleSet::from_json(EMBEDDED_JSON).unwrap_or_else(|_| RuleSet {
                version: "embedded-rules-invalid".to_owned(),
                vocabulary: Vocabulary::default(),
                rules: Vec::new(),
            }))
        })
    }

    /// An operator's replacement rule set: a whole rule file (see the module
    /// docs for the format), validated completely. The error names the first
    /// problem's rule and field.
    pub fn from_json(json: &str) -> Result<RuleSet, RuleSetError> {
        loader::load(json, None).map(RuleSet::from)
    }

    /// This set plus an operator's extra concepts and rules, given as a rule
    /// file of the same format. Its rules may use this set's concepts; a
    /// concept name or rule id this set already has is an error. The new
    /// set's rules are this set's followed by the extra ones, and its version
    /// is `<this version>+<the file's version>`.
    pub fn extended_with(&self, json: &str) -> Result<RuleSet, RuleSetError> {
        let base = LoadedRules {
            version: self.version.clone(),
            vocabulary: self.vocabulary.clone(),
            rules: self.rules.clone(),
        };
        loader::load(json, Some(base)).map(RuleSet::from)
    }

    /// The set's version, e.g. `2026-12-06.1` (or `2026-12-06.1+acme.3` when
    /// extended), for the triage answers and the metrics.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The flag a rule raises, by the rule's id; `None` for an id this set
    /// does not have.
    pub fn flag(&self, id: &str) -> Option<RedFlag<'_>> {
        self.rules
            .iter()
            .find(|rule| rule.id == id)
            .map(Rule::as_flag)
    }

    /// The rule ids, in rule order.
    pub fn rule_ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.rules.iter().map(|rule| rule.id.as_str())
    }

    /// The red flags the patient's facts raise: every matching rule once, in
    /// rule order. Pure and deterministic; costs a few microseconds for a
    /// typical request (texts are split once, phrases looked up by first
    /// word).
    pub fn evaluate(&self, patient: &PatientFacts<'_>) -> Vec<RedFlag<'_>> {
        let mut scratch = Scratch::default();
        let mut symptoms = vec![Hit::default(); self.vocabulary.len()];
        self.vocabulary
            .scan(patient.symptoms, &mut scratch, &mut symptoms);
        let mut candidates: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|rule| rule.matches_symptoms(&symptoms, patient.age_years))
            .collect();
        // The history is long free text and few rules read it: it is scanned
        // only when such a rule's symptoms and age already match.
        if candidates.iter().any(|rule| !rule.history.is_empty()) {
            let mut history = vec![Hit::default(); self.vocabulary.len()];
            self.vocabulary
                .scan(patient.medical_history, &mut scratch, &mut history);
            candidates.retain(|rule| rule.matches_history(&history));
        }
        candidates.into_iter().map(Rule::as_flag).collect()
    }
}

impl From<LoadedRules> for RuleSet {
    fn from(loaded: LoadedRules) -> Self {
        Self {
            version: loaded.version,
            vocabulary: loaded.vocabulary,
            rules: loaded.rules,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RuleSet;
    use crate::safety::rule::AgeRange;

    #[test]
    fn a_rule_set_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<RuleSet>();
    }

    #[test]
    fn age_ranges_are_half_open_and_need_a_finite_age() {
        let infant = AgeRange {
            at_least: None,
            below: Some(0.25),
        };
        let adult = AgeRange {
            at_least: Some(18.0),
            below: None,
        };
        let cases = [
            (infant, Some(0.0), true),
            (infant, Some(0.1), true),
            (infant, Some(0.2499), true),
            (infant, Some(0.25), false),
            (infant, Some(3.0), false),
            (infant, None, false),
            (infant, Some(f64::NAN), false),
            (infant, Some(f64::NEG_INFINITY), false),
            (adult, Some(18.0), true),
            (adult, Some(17.99), false),
            (adult, Some(f64::INFINITY), false),
        ];
        for (range, age, expected) in cases {
            assert_eq!(range.contains(age), expected, "{range:?} {age:?}");
        }
    }
}
