//! What the operator says the models' numbers mean: a bare triage number's
//! meaning and the image classifier's labels.

use serde::Deserialize;

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
                || label.chars().any(crate::text::is_forbidden_char)
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
    fn labels_are_checked() {
        assert!(ImageLabels::new(vec!["a".into()]).is_err());
        assert!(ImageLabels::new(vec!["a".into(), "a".into()]).is_err());
        assert!(ImageLabels::new(vec!["a".into(), " ".into()]).is_err());
        assert!(ImageLabels::new(vec!["a".into(), "b".into()]).is_ok());
    }
}
