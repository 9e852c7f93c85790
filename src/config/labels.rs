//! The documented mappings from raw model numbers to the guide's vocabulary.

use serde::Deserialize;

use crate::normalize::results::round4;

/// Triage classes in model output order (class index 0 to 3), the order the
/// guide's `multi:softmax`, `num_class: 4` training must use.
pub const TRIAGE_LEVELS: [&str; 4] = ["low", "moderate", "high", "critical"];

/// Score thresholds for a probability or urgency in `[0, 1]`: below 0.25 is
/// low, below 0.5 moderate, below 0.75 high, otherwise critical.
pub const LEVEL_THRESHOLDS: [f64; 3] = [0.25, 0.5, 0.75];

/// The level for a score in `[0, 1]`, judged on the score as reported
/// (rounded to 4 decimals), so a reported 0.25 is never `low`.
pub fn level_for_score(score: f64) -> &'static str {
    let reported = round4(score);
    let passed = LEVEL_THRESHOLDS
        .iter()
        .filter(|threshold| reported >= **threshold)
        .count();
    TRIAGE_LEVELS.get(passed).copied().unwrap_or("critical")
}

/// What a single number from the triage model means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreMeaning {
    /// A class index 0–3 (XGBoost `multi:softmax`, as the guide trains it).
    #[default]
    ClassIndex,
    /// A probability of an urgent case (XGBoost `binary:logistic`).
    Probability,
}

/// Default image classes, in the classifier's output order.
pub const DEFAULT_IMAGE_LABELS: [&str; 5] = [
    "normal",
    "pneumonia",
    "pleural_effusion",
    "cardiomegaly",
    "nodule",
];

/// Class labels of the image classifier, in its output order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageLabels {
    labels: Vec<String>,
}

impl Default for ImageLabels {
    fn default() -> Self {
        Self {
            labels: DEFAULT_IMAGE_LABELS
                .iter()
                .map(|label| (*label).to_owned())
                .collect(),
        }
    }
}

impl ImageLabels {
    /// Two to 1000 distinct, non-empty labels of at most 64 printable characters.
    pub fn new(labels: Vec<String>) -> Result<Self, String> {
        if !(2..=1000).contains(&labels.len()) {
            return Err("must list between 2 and 1000 labels".to_owned());
        }
        for (index, label) in labels.iter().enumerate() {
            if label.trim().is_empty()
                || label.chars().count() > 64
                || label.chars().any(crate::fields::is_forbidden_char)
            {
                return Err(format!("has an invalid label at position {index}"));
            }
            if labels.iter().take(index).any(|earlier| earlier == label) {
                return Err(format!("lists {label:?} twice"));
            }
        }
        Ok(Self { labels })
    }

    /// The labels.
    pub fn as_slice(&self) -> &[String] {
        &self.labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        for (score, level) in [
            (0.0, "low"),
            (0.2499, "low"),
            (0.25, "moderate"),
            (0.5, "high"),
            (0.7499, "high"),
            (0.75, "critical"),
            (1.0, "critical"),
        ] {
            assert_eq!(level_for_score(score), level, "{score}");
        }
    }

    #[test]
    fn labels_are_checked() {
        assert!(ImageLabels::new(vec!["a".into()]).is_err());
        assert!(ImageLabels::new(vec!["a".into(), "a".into()]).is_err());
        assert!(ImageLabels::new(vec!["a".into(), " ".into()]).is_err());
        assert!(ImageLabels::new(vec!["a".into(), "b".into()]).is_ok());
    }
}
