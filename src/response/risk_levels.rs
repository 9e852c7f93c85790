//! The guide's four risk levels and the documented mapping from a model's
//! score or class to one of them.

use crate::response::results::round4;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::RiskLevel;

    #[test]
    fn the_red_flag_levels_are_the_triage_levels_in_order() {
        let names: Vec<&str> = RiskLevel::ALL.iter().map(|level| level.as_str()).collect();
        assert_eq!(names, TRIAGE_LEVELS);
    }

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
}
