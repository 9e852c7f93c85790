//! The clinical red-flag floor of triage answers: picking rule ids for the
//! normalize targets, and the checks of the ids an invocation carries and of
//! a floored answer (`src/response/red_flag_floor.rs`).

use healthnav_edge::response::red_flag_floor::RED_FLAGS;
use healthnav_edge::response::results::TriageResult;
use healthnav_edge::response::triage::MODEL;
use healthnav_edge::safety::{floor, PatientFacts, RedFlag, RiskLevel, RuleSet};
use healthnav_edge::{GatewayConfig, GatewayError, ModelFunction};

use crate::*;

/// An id no rule set of the fuzz configurations has.
pub const UNKNOWN_RULE_ID: &str = "made_up_rule";

/// `rules.evaluate` of owned texts, as the targets build them.
pub fn evaluate<'r>(
    rules: &'r RuleSet,
    symptoms: &[String],
    age_years: Option<f64>,
    history: &[String],
) -> Vec<RedFlag<'r>> {
    let symptoms: Vec<&str> = symptoms.iter().map(String::as_str).collect();
    let history: Vec<&str> = history.iter().map(String::as_str).collect();
    rules.evaluate(&PatientFacts {
        symptoms: &symptoms,
        age_years,
        medical_history: &history,
    })
}

/// Rule ids of the embedded rule set picked by `mask`: bit `j` picks the
/// rule `j % <rule count>`; each picked rule once, in rule order (as the
/// request readers give them).
pub fn pick_red_flags(mask: u16) -> Vec<String> {
    let ids: Vec<&str> = RuleSet::embedded().rule_ids().collect();
    if ids.is_empty() {
        return Vec::new();
    }
    let mut picked = vec![false; ids.len()];
    for bit in 0..16 {
        if mask & (1 << bit) != 0 {
            picked[bit % ids.len()] = true;
        }
    }
    ids.iter()
        .zip(picked)
        .filter(|(_, picked)| *picked)
        .map(|(id, _)| (*id).to_owned())
        .collect()
}

/// Whether the normaliser must refuse `red_flags` (a 2xx answer then gives
/// `invalid_argument`, or `invalid_model_output` when the output itself is
/// unusable): flags for another function than triage, with the floor off, or
/// an id the configured rules do not have.
pub fn refuses_red_flags(
    config: &GatewayConfig,
    function: ModelFunction,
    red_flags: &[String],
) -> bool {
    if red_flags.is_empty() {
        return false;
    }
    match (function, config.red_flags.as_ref()) {
        (ModelFunction::Triage, Some(rules)) => red_flags.iter().any(|id| rules.flag(id).is_none()),
        _ => true,
    }
}

/// The refusal of red flags the rules did not raise: a fixed 500
/// `invalid_argument` (the JS face handed back something the gateway never
/// gave it), no field errors, nothing of the ids.
pub fn check_red_flag_refusal(error: &GatewayError, red_flags: &[String]) {
    check_error_shape(error);
    assert_eq!(
        (error.code.as_str(), error.status(), error.retryable()),
        ("invalid_argument", 500, false),
        "{error:?}"
    );
    assert!(
        error.errors.is_empty() && error.upstream.is_none(),
        "{error:?}"
    );
    assert!(
        red_flags
            .iter()
            .all(|id| !error.message.contains(id.as_str())),
        "{error:?}"
    );
}

/// The red flags an invocation (or a batch slot) carries: without rules, or
/// for another function than triage, none; else ids of the configured rules,
/// each once, in rule order.
pub fn check_flag_ids(config: &GatewayConfig, function: ModelFunction, red_flags: &[String]) {
    let rules = match (function, config.red_flags.as_ref()) {
        (ModelFunction::Triage, Some(rules)) => rules,
        (function, _) => {
            assert!(
                red_flags.is_empty(),
                "{function:?} invocation with red flags {red_flags:?} (floor on: {})",
                config.red_flags.is_some()
            );
            return;
        }
    };
    let all: Vec<&str> = rules.rule_ids().collect();
    let positions: Vec<usize> = red_flags
        .iter()
        .map(|id| {
            all.iter().position(|rule| rule == id).unwrap_or_else(|| {
                panic!(
                    "red flag {id:?} is not a rule of the configured set {}",
                    rules.version()
                )
            })
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "red flags repeated or out of rule order: {red_flags:?}"
    );
}

/// A triage answer normalised with `red_flags` (ids the configured rules
/// have): `risk_level` is the higher of the model's level and the flags'
/// floor, never below the model's; `risk_level_source` is `red_flags`
/// exactly when the floor raised it; the answer lists exactly the given
/// flags, in order, with their rule's finding and source; the rules' version
/// is reported when the floor is on. With the floor off the model decides.
pub fn check_floor(config: &GatewayConfig, result: &TriageResult, red_flags: &[String]) {
    let model = RiskLevel::from_name(result.model_risk_level)
        .unwrap_or_else(|| panic!("model level {:?}", result.model_risk_level));
    let level = RiskLevel::from_name(result.risk_level)
        .unwrap_or_else(|| panic!("risk level {:?}", result.risk_level));
    assert!(level >= model, "{level:?} is below the model's {model:?}");
    assert!(
        [MODEL, RED_FLAGS].contains(&result.risk_level_source),
        "source {:?}",
        result.risk_level_source
    );
    assert_eq!(
        result.risk_level_source == RED_FLAGS,
        level > model,
        "risk_level_source {:?} for {level:?} over the model's {model:?}",
        result.risk_level_source
    );
    let Some(rules) = config.red_flags.as_ref() else {
        assert!(red_flags.is_empty(), "floor off, flags accepted");
        assert_eq!(level, model, "floor off, level changed");
        assert!(result.red_flags.is_empty());
        assert_eq!(result.red_flag_rules_version, None);
        return;
    };
    let flags: Vec<RedFlag<'_>> = red_flags
        .iter()
        .map(|id| {
            rules
                .flag(id)
                .unwrap_or_else(|| panic!("an unknown red flag {id:?} was accepted"))
        })
        .collect();
    let expected = floor(&flags).map_or(model, |floor| RiskLevel::higher(model, floor));
    assert_eq!(
        level, expected,
        "model {model:?}, flags {red_flags:?}: level {level:?}"
    );
    assert_eq!(
        result.red_flags.len(),
        flags.len(),
        "{:?}",
        result.red_flags
    );
    for (notice, flag) in result.red_flags.iter().zip(&flags) {
        assert_eq!(notice.id, flag.id);
        assert_eq!(notice.finding, flag.finding);
        assert_eq!(&notice.source, flag.source);
    }
    assert_eq!(
        result.red_flag_rules_version.as_deref(),
        Some(rules.version())
    );
}
