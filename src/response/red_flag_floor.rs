//! The clinical red-flag floor of a triage answer: the model's own level is
//! kept as `model_risk_level`, and `risk_level` becomes the higher of it and
//! the floor of the red flags the request raised. The model's score is left
//! as it is: the floor raises a level, it never invents a number. When the
//! model cannot answer at all, [`safety_notice`] is what the answer carries
//! instead.

use serde::Serialize;

use crate::error::{ErrorCode, GatewayError};
use crate::response::results::{RedFlagNotice, TriageResult};
use crate::safety::{floor, RedFlag, RiskLevel, RuleSet};

/// `risk_level_source` when the red flags raised the model's level.
pub const RED_FLAGS: &str = "red_flags";

/// What a triage problem answer says when the model could not answer and the
/// request showed a published emergency warning sign. Fixed and documented:
/// it must not depend on the model, which is the part that failed.
pub const SAFETY_MESSAGE: &str = "The automated assessment is unavailable, and the symptoms include a published warning sign that needs urgent care: call your local emergency number or go to the nearest emergency department now.";

/// What a failed triage answer carries when red flags were raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafetyNotice {
    /// The warning signs, in rule order.
    pub red_flags: Vec<RedFlagNotice>,
    /// [`SAFETY_MESSAGE`].
    pub safety_message: &'static str,
    /// The version of the rules that raised them.
    pub red_flag_rules_version: String,
}

/// Applies the floor of the flags `flag_ids` name to the model's `result`.
/// Without rules (the operator switched the floor off) the model decides.
pub fn apply_red_flag_floor(
    result: &mut TriageResult,
    rules: Option<&RuleSet>,
    flag_ids: &[String],
) -> Result<(), GatewayError> {
    let Some(rules) = rules else {
        return if flag_ids.is_empty() {
            Ok(())
        } else {
            Err(unknown_flag())
        };
    };
    let flags = resolve(rules, flag_ids)?;
    result.red_flag_rules_version = Some(rules.version().to_owned());
    result.red_flags = flags.iter().map(notice).collect();
    let model = RiskLevel::from_name(result.model_risk_level).unwrap_or(RiskLevel::Low);
    if let Some(floor) = floor(&flags).filter(|floor| *floor > model) {
        result.risk_level = floor.as_str();
        result.risk_level_source = RED_FLAGS;
    }
    Ok(())
}

/// The notice a failed triage answer carries, or `None` when the request
/// raised no red flag (the answer then says only that the assessment is
/// unavailable).
pub fn safety_notice(
    rules: Option<&RuleSet>,
    flag_ids: &[String],
) -> Result<Option<SafetyNotice>, GatewayError> {
    let Some(rules) = rules.filter(|_| !flag_ids.is_empty()) else {
        return if flag_ids.is_empty() {
            Ok(None)
        } else {
            Err(unknown_flag())
        };
    };
    let flags = resolve(rules, flag_ids)?;
    Ok(Some(SafetyNotice {
        red_flags: flags.iter().map(notice).collect(),
        safety_message: SAFETY_MESSAGE,
        red_flag_rules_version: rules.version().to_owned(),
    }))
}

/// The flags of `ids`; an id the rules do not have was not raised by them.
fn resolve<'r>(rules: &'r RuleSet, ids: &[String]) -> Result<Vec<RedFlag<'r>>, GatewayError> {
    ids.iter()
        .map(|id| rules.flag(id).ok_or_else(unknown_flag))
        .collect()
}

fn notice(flag: &RedFlag<'_>) -> RedFlagNotice {
    RedFlagNotice {
        id: flag.id.to_owned(),
        finding: flag.finding.to_owned(),
        source: flag.source.clone(),
    }
}

fn unknown_flag() -> GatewayError {
    GatewayError::new(
        ErrorCode::InvalidArgument,
        "The red flags given are not ones this gateway's rules raise.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::triage::MODEL;

    fn model_says(level: &'static str) -> TriageResult {
        TriageResult {
            urgency_score: 0.1,
            risk_level: level,
            model_risk_level: level,
            risk_level_source: MODEL,
            red_flags: Vec::new(),
            red_flag_rules_version: None,
            recommended_specialty: None,
            confidence: Some(0.9),
            key_findings: Vec::new(),
            model_version: Some("m-1".into()),
            invoked_variant: None,
            inference_time_ms: 5,
            output_format: "custom_json",
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn the_answer_is_the_higher_of_the_model_and_the_floor() {
        let rules = RuleSet::embedded();
        // heart_attack_chest_discomfort is critical; infant_fever is high.
        let cases = [
            ("low", &["heart_attack_chest_discomfort"][..], "critical", RED_FLAGS),
            ("critical", &["infant_fever"][..], "critical", MODEL),
            ("moderate", &["infant_fever"][..], "high", RED_FLAGS),
            ("high", &["infant_fever"][..], "high", MODEL),
            ("moderate", &[][..], "moderate", MODEL),
        ];
        for (model, flags, level, source) in cases {
            let mut result = model_says(model);
            apply_red_flag_floor(&mut result, Some(rules), &ids(flags)).unwrap();
            assert_eq!(
                (result.risk_level, result.risk_level_source, result.model_risk_level),
                (level, source, model),
                "{model} {flags:?}"
            );
            // The model's number and findings are its own, whatever the floor.
            assert_eq!(result.urgency_score, 0.1);
            assert_eq!(result.confidence, Some(0.9));
            assert_eq!(result.red_flags.len(), flags.len());
            assert_eq!(result.red_flag_rules_version.as_deref(), Some(rules.version()));
        }
    }

    #[test]
    fn flags_are_shown_with_their_finding_and_source() {
        let mut result = model_says("low");
        apply_red_flag_floor(&mut result, Some(RuleSet::embedded()), &ids(&["stroke_fast"])).unwrap();
        let [flag] = result.red_flags.as_slice() else {
            panic!("{:?}", result.red_flags)
        };
        assert_eq!(flag.id, "stroke_fast");
        assert!(!flag.finding.is_empty());
        assert!(flag.source.url.starts_with("https://"), "{:?}", flag.source);
    }

    #[test]
    fn with_the_floor_off_the_model_decides() {
        let mut result = model_says("low");
        apply_red_flag_floor(&mut result, None, &[]).unwrap();
        assert_eq!((result.risk_level, result.risk_level_source), ("low", MODEL));
        assert_eq!(result.red_flag_rules_version, None);
    }

    #[test]
    fn an_id_the_rules_did_not_raise_is_refused() {
        let mut result = model_says("low");
        for (rules, flags) in [
            (Some(RuleSet::embedded()), ids(&["made_up"])),
            (None, ids(&["stroke_fast"])),
        ] {
            let error = apply_red_flag_floor(&mut result, rules, &flags).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidArgument);
            assert_eq!(
                safety_notice(rules, &flags).unwrap_err().code,
                ErrorCode::InvalidArgument
            );
        }
    }

    #[test]
    fn a_failed_answer_carries_the_flags_and_the_fixed_message_only_when_raised() {
        let rules = RuleSet::embedded();
        assert_eq!(safety_notice(Some(rules), &[]).unwrap(), None);
        assert_eq!(safety_notice(None, &[]).unwrap(), None);
        let notice = safety_notice(Some(rules), &ids(&["suicidal_intent"]))
            .unwrap()
            .unwrap();
        assert_eq!(notice.safety_message, SAFETY_MESSAGE);
        assert_eq!(notice.red_flags[0].id, "suicidal_intent");
        assert_eq!(notice.red_flag_rules_version, rules.version());
    }
}
