//! The clinical red-flag floor: published emergency warning signs that a
//! triage model's answer cannot talk down.
//!
//! This is a conservative safety net built from warning signs that health
//! organisations publish for the public (the heart-attack and stroke signs of
//! the American Heart and Stroke Associations, sepsis, anaphylaxis, severe
//! bleeding, suicidal intent, a fever in an infant under three months, …).
//! It does not diagnose, it errs towards flagging, and the rules need review
//! by clinicians before real use. Each rule and its source is listed in
//! `src/safety/README.md`.
//!
//! The module is self-contained: it uses only std, serde and serde_json, so it
//! can move between layers of the crate.
//!
//! # Use
//!
//! (The module is the crate's own; `internals` opens it to the fuzz crate.)
//!
//! ```ignore
//! use healthnav_edge::safety::{PatientFacts, RiskLevel, RuleSet};
//!
//! let rules = RuleSet::embedded();
//! let patient = PatientFacts {
//!     symptoms: &["no fever", "crushing chest pain", "sweating"],
//!     age_years: Some(54.0),
//!     medical_history: &["hypertension"],
//! };
//! let flags = rules.evaluate(&patient);
//! assert_eq!(flags[0].id, "heart_attack_chest_discomfort");
//! // The answer's level is the higher of the model's and the floor's.
//! let floor = healthnav_edge::safety::floor(&flags);
//! assert_eq!(floor, Some(RiskLevel::Critical));
//! assert_eq!(RiskLevel::higher(RiskLevel::Moderate, RiskLevel::Critical), RiskLevel::Critical);
//! ```
//!
//! # Matching
//!
//! Symptoms, history entries and vocabulary phrases are normalised the same
//! way (Unicode lower case, apostrophes joined, other punctuation separating
//! words, `a`/`the`/`my`/… dropped) and a phrase matches whole consecutive
//! words within one clause: `chest pain` matches "Crushing chest-pain" and
//! "pain in my chest" is its own synonym; `chest pain` does not match
//! "chest painful" (no stemming: vocabularies list the forms they mean), and
//! `pain` never matches inside "painting". Negation is NegEx-style: a cue
//! (`no`, `not`, `denies`, `without`, `never`, `don't`, …) denies a phrase
//! starting at most three words after it in the same clause, and clauses end at
//! punctuation and at `and`/`but`/`however`/…; so "no fever or chest pain"
//! denies both, "no fever but chest pain" and "no fever and chest pain" only
//! the fever. See `negation` for the exact rule and what it does not handle.
//!
//! # Rule files
//!
//! The embedded set is `src/safety/red_flags.json`. An operator may replace it
//! ([`RuleSet::from_json`]) or add to it ([`RuleSet::extended_with`]) with a
//! file of the same format; every field is validated and the error names the
//! rule and the JSON path at fault ([`RuleSetError`]).
//!
//! ```json
//! {
//!   "version": "2026-12-06.1",
//!   "concepts": [
//!     { "name": "fever", "phrases": ["fever", "high temperature"], "except": ["hay fever"] },
//!     { "name": "stiff_neck", "phrases": ["stiff neck", "neck stiffness"] }
//!   ],
//!   "rules": [
//!     {
//!       "id": "meningitis_fever_stiff_neck",
//!       "finding": "A fever with a stiff neck is a published warning sign of meningitis: …",
//!       "source": { "organisation": "NHS", "title": "Meningitis", "url": "https://www.nhs.uk/conditions/meningitis/" },
//!       "min_level": "critical",
//!       "symptoms": [["fever"], ["stiff_neck"]],
//!       "note": "for reviewers; never shown"
//!     },
//!     {
//!       "id": "infant_fever",
//!       "finding": "A fever in a baby under 3 months needs a doctor right away: …",
//!       "source": { "organisation": "…", "title": "…", "url": "https://…" },
//!       "min_level": "high",
//!       "symptoms": [["fever"]],
//!       "age_years": { "below": 0.25 },
//!       "negatable": true
//!     }
//!   ]
//! }
//! ```
//!
//! - `version`: 1-64 of `A-Z a-z 0-9 . _ -`; reported with every answer.
//! - `concepts` (optional in an extension): a vocabulary entry per concept;
//!   `name` is `[a-z][a-z0-9_]*`; `phrases` 1-200 texts of at most 100
//!   characters that normalise to 1-12 words in one clause, none repeated;
//!   `except` (optional) longer phrases containing one of the concept's
//!   phrases, in which it does not count.
//! - `rules`: 1-500, evaluated in order; `id` is `[a-z][a-z0-9_]*`, unique.
//!   `symptoms` (required) and `history` (optional) are lists of 1-8 groups
//!   of 1-32 concept names: every group must match, any concept within a
//!   group (`[["fever"], ["stiff_neck"]]` is fever and stiff neck,
//!   `[["face_drooping", "arm_weakness"]]` either); `history` is matched
//!   against the medical history the same way. `age_years` bounds the age as
//!   `at_least <= age < below` (either may be left out; a rule with an age
//!   bound never matches an unknown age). `negatable` (default `true`):
//!   `false` counts negated mentions too. `min_level` is `low`, `moderate`,
//!   `high` or `critical`. `finding` (at most 300 characters) is shown to the
//!   patient and the app, so it states a warning sign and an action, never a
//!   diagnosis. `source` names a public page (`url` is `https://`).
//!   Unknown fields are errors everywhere.

mod error;
mod flags;
mod json_path;
mod level;
mod loader;
mod matcher;
mod negation;
mod rule;
mod rule_set;
mod text;

#[cfg(test)]
mod embedded_tests;

pub use error::RuleSetError;
pub use flags::{floor, PatientFacts, RedFlag, Source};
pub use level::RiskLevel;
pub use rule_set::RuleSet;
