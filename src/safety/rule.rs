//! One validated rule, where it comes from, and whether it matches a
//! patient's scanned texts.

use super::flags::{RedFlag, Source};
use super::level::RiskLevel;
use super::matcher::Hit;

/// Ages a rule applies to, in years: `at_least <= age < below`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct AgeRange {
    pub at_least: Option<f64>,
    pub below: Option<f64>,
}

impl AgeRange {
    /// An unknown or non-finite age is outside every range: a rule about
    /// infants cannot say anything about a patient of unknown age.
    pub(crate) fn contains(&self, age: Option<f64>) -> bool {
        let Some(age) = age.filter(|a| a.is_finite()) else {
            return false;
        };
        self.at_least.is_none_or(|min| age >= min) && self.below.is_none_or(|max| age < max)
    }
}

/// One validated rule. Concepts are indexes into the set's vocabulary.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub finding: String,
    pub source: Source,
    pub min_level: RiskLevel,
    /// Every group must match; a group matches when any of its concepts is
    /// found in the symptoms.
    pub symptoms: Vec<Vec<usize>>,
    /// The same, against the medical history; empty when not needed.
    pub history: Vec<Vec<usize>>,
    pub age: Option<AgeRange>,
    /// When false, a negated mention counts too.
    pub negatable: bool,
}

impl Rule {
    /// The flag this rule raises.
    pub(crate) fn as_flag(&self) -> RedFlag<'_> {
        RedFlag {
            id: &self.id,
            finding: &self.finding,
            source: &self.source,
            min_level: self.min_level,
        }
    }

    /// Whether the age and the symptom groups match: all a rule without
    /// history groups needs, and what a rule with them needs first.
    pub(crate) fn matches_symptoms(&self, symptoms: &[Hit], age: Option<f64>) -> bool {
        self.age.is_none_or(|range| range.contains(age)) && self.all_groups(&self.symptoms, symptoms)
    }

    /// Whether the history groups match (always, for a rule without any).
    pub(crate) fn matches_history(&self, history: &[Hit]) -> bool {
        self.all_groups(&self.history, history)
    }

    fn all_groups(&self, groups: &[Vec<usize>], hits: &[Hit]) -> bool {
        let found = |concept: usize| {
            hits.get(concept).is_some_and(|hit| {
                if self.negatable {
                    hit.affirmed
                } else {
                    hit.mentioned
                }
            })
        };
        groups
            .iter()
            .all(|group| group.iter().any(|&concept| found(concept)))
    }
}
