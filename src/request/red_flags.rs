//! Which published emergency warning signs a triage request shows: the
//! patient's symptoms, age and history against the operator's red-flag
//! rules. Evaluated when the request is read, so a failed model call can
//! still name them.

use crate::request::triage::TriageModelInput;
use crate::safety::{PatientFacts, RuleSet};

/// The ids of the rules `input` matches, in rule order; none when the floor
/// is off.
pub fn red_flags_of(input: &TriageModelInput<'_>, rules: Option<&RuleSet>) -> Vec<String> {
    let Some(rules) = rules else {
        return Vec::new();
    };
    let symptoms: Vec<&str> = input.symptoms.iter().map(AsRef::as_ref).collect();
    let history: Vec<&str> = input.medical_history.iter().map(AsRef::as_ref).collect();
    let facts = PatientFacts {
        symptoms: &symptoms,
        age_years: input.age.as_f64(),
        medical_history: &history,
    };
    rules
        .evaluate(&facts)
        .iter()
        .map(|flag| flag.id.to_owned())
        .collect()
}
