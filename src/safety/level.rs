//! The ordered risk level shared with the triage answers.

use serde::{Deserialize, Serialize};

/// A triage risk level, ordered from least to most urgent, with the same
/// lower-case names as the triage answers' `risk_level`.
///
/// The floor rule of the red-flag engine is "the higher of the two": a
/// model's level is never lowered, only raised to a matching rule's
/// [`RedFlag::min_level`](super::RedFlag::min_level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// `"low"`.
    Low,
    /// `"moderate"`.
    Moderate,
    /// `"high"`.
    High,
    /// `"critical"`.
    Critical,
}

impl RiskLevel {
    /// Every level, least urgent first.
    pub const ALL: [RiskLevel; 4] = [Self::Low, Self::Moderate, Self::High, Self::Critical];

    /// The wire name: `"low"`, `"moderate"`, `"high"` or `"critical"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Moderate => "moderate",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// The level with this exact wire name, if any (case-sensitive, like the
    /// triage answers).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.as_str() == name)
    }

    /// The higher (more urgent) of two levels: what a triage answer reports
    /// when the model said `a` and the red-flag floor says `b`.
    pub fn higher(a: Self, b: Self) -> Self {
        a.max(b)
    }
}

#[cfg(test)]
mod tests {
    use super::RiskLevel::{self, Critical, High, Low, Moderate};

    #[test]
    fn levels_are_ordered_least_urgent_first() {
        assert!(Low < Moderate && Moderate < High && High < Critical);
        let mut shuffled = [High, Low, Critical, Moderate];
        shuffled.sort();
        assert_eq!(shuffled, RiskLevel::ALL);
    }

    #[test]
    fn the_higher_of_the_two_wins_whichever_side_it_is_on() {
        // (model, floor, answer)
        let cases = [
            (Low, Low, Low),
            (Low, Moderate, Moderate),
            (Low, Critical, Critical),
            (Moderate, High, High),
            (High, Moderate, High),
            (Critical, Low, Critical),
            (Critical, High, Critical),
            (High, High, High),
        ];
        for (model, floor, answer) in cases {
            assert_eq!(
                RiskLevel::higher(model, floor),
                answer,
                "{model:?} vs {floor:?}"
            );
            assert_eq!(
                RiskLevel::higher(floor, model),
                answer,
                "{floor:?} vs {model:?}"
            );
        }
    }

    #[test]
    fn names_round_trip_through_serde_and_from_name() {
        for level in RiskLevel::ALL {
            let json = serde_json::to_string(&level).unwrap();
            assert_eq!(json, format!("\"{}\"", level.as_str()));
            assert_eq!(serde_json::from_str::<RiskLevel>(&json).unwrap(), level);
            assert_eq!(RiskLevel::from_name(level.as_str()), Some(level));
        }
        for bad in ["", "Low", "CRITICAL", "severe", " high"] {
            assert_eq!(RiskLevel::from_name(bad), None, "{bad:?}");
        }
    }
}
