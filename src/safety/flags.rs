//! What the rules look at (a patient's facts) and what they raise (red
//! flags), and the floor the flags set.

use serde::Serialize;

use super::level::RiskLevel;

/// What the red-flag rules look at: the triage request's patient fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatientFacts<'a> {
    /// Symptoms in the patient's words (the triage request allows 1-20 of at
    /// most 100 characters each); each entry is matched on its own.
    pub symptoms: &'a [&'a str],
    /// Age in years, fractional for infants (under three months is `< 0.25`);
    /// `None` when unknown.
    pub age_years: Option<f64>,
    /// Past conditions, matched like the symptoms, for rules that need them.
    pub medical_history: &'a [&'a str],
}

/// One rule that matched, borrowed from its [`RuleSet`]. Serialises as
/// `{"id", "finding", "source": {"organisation", "title", "url"}, "min_level"}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RedFlag<'r> {
    /// The rule's id, e.g. `stroke_fast`.
    pub id: &'r str,
    /// The warning sign and what to do, for the patient and the app.
    pub finding: &'r str,
    /// The public page the rule comes from.
    pub source: &'r Source,
    /// The lowest risk level an answer may report once this flag is raised.
    pub min_level: RiskLevel,
}

/// The floor the flags set: the highest `min_level` among them, `None` when
/// there are none. A triage answer reports `RiskLevel::higher(model, floor)`.
pub fn floor(flags: &[RedFlag<'_>]) -> Option<RiskLevel> {
    flags.iter().map(|flag| flag.min_level).max()
}

/// Where a rule comes from: a page written for the public by the
/// organisation that publishes the warning sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// E.g. `American Heart Association`.
    pub organisation: String,
    /// The page's title, e.g. `Warning Signs of a Heart Attack`.
    pub title: String,
    /// The page's `https://` address.
    pub url: String,
}
