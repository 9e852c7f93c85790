//! The checks of a normalised result, and of an answer the gateway could not use.

use healthnav_edge::config::names::check_sagemaker_name;
use healthnav_edge::response::image::{MAX_PREDICTIONS, SEVERITIES};
use healthnav_edge::response::risk_levels::TRIAGE_LEVELS;
use healthnav_edge::response::sagemaker_error::classify_sagemaker_error;
use healthnav_edge::response::NormalizedResult;
use healthnav_edge::{GatewayConfig, GatewayError, ModelFunction};

use crate::*;

fn probability(value: f64) -> bool {
    value.is_finite() && (0.0..=1.0).contains(&value)
}

fn check_text(text: &str, max_chars: usize) {
    assert!(
        !text.trim().is_empty() && text == text.trim(),
        "text {text:?}"
    );
    assert!(
        text.chars().count() <= max_chars,
        "text longer than {max_chars}"
    );
    assert!(
        !text.chars().any(healthnav_edge::text::is_forbidden_char),
        "{text:?}"
    );
}

/// Runs `normalize_response` for `function` with the request's `red_flags`
/// (rule ids) and checks what it returns.
pub fn check_normalize(
    config: &GatewayConfig,
    function: ModelFunction,
    upstream: &Upstream,
    red_flags: &[String],
) {
    let normalize = |red_flags: &[String]| {
        healthnav_edge::response::normalize_response(
            config,
            function,
            upstream.response(),
            ELAPSED_MS,
            red_flags,
        )
    };
    let result = normalize(red_flags);
    if !(200..300).contains(&upstream.status) {
        let error = result.expect_err("a non-2xx answer was accepted");
        assert_eq!(
            error,
            classify_sagemaker_error(upstream.status, &upstream.headers, &upstream.body)
        );
        check_upstream_error(upstream, &error);
        return;
    }
    let variant = upstream
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-amzn-invoked-production-variant"))
        .map(|(_, value)| value.as_str());
    if refuses_red_flags(config, function, red_flags) {
        // Refused for the flags, or for the output when that is unusable
        // (then exactly as without flags).
        let error = result.expect_err("red flags the rules never raised were accepted");
        if error.code.as_str() == "invalid_argument" {
            check_red_flag_refusal(&error, red_flags);
        } else {
            check_model_output_error(&error);
            assert_eq!(Err(error), normalize(&[]));
        }
        return;
    }
    match result {
        Err(error) => check_model_output_error(&error),
        Ok(result) => check_result(config, function, result, variant, red_flags),
    }
}

/// A 2xx answer the gateway could not use: a 502 invalid_model_output that
/// does not repeat the answer.
pub fn check_model_output_error(error: &GatewayError) {
    check_error_shape(error);
    assert_eq!(
        (error.code.as_str(), error.status(), error.retryable()),
        ("invalid_model_output", 502, false),
        "{error:?}"
    );
    assert!(error.upstream.is_none());
    assert_no_marker(error);
}

/// What a normalised result must be, `variant` being the answer's
/// `x-Amzn-Invoked-Production-Variant` and `red_flags` the rule ids the
/// request raised (ids the configured rules have; none for other functions).
pub fn check_result(
    config: &GatewayConfig,
    function: ModelFunction,
    result: NormalizedResult,
    variant: Option<&str>,
    red_flags: &[String],
) {
    // The model's version is its own text; the variant is its own field,
    // the answer's header when that is a valid name, never the version.
    let check_version = |version: &Option<String>, invoked: &Option<String>| {
        if let Some(version) = version {
            check_text(version, 64);
        }
        let valid_variant = variant.filter(|v| check_sagemaker_name(v).is_ok());
        assert_eq!(invoked.as_deref(), valid_variant);
    };
    {
        assert!(serde_json::to_string(&result).is_ok());
        match (function, result) {
            (ModelFunction::Triage, NormalizedResult::Triage(r)) => {
                assert!(probability(r.urgency_score), "urgency {}", r.urgency_score);
                assert!(TRIAGE_LEVELS.contains(&r.risk_level));
                assert!(
                    r.confidence.is_none_or(probability),
                    "confidence {:?}",
                    r.confidence
                );
                assert!(r.key_findings.len() <= 50);
                r.key_findings.iter().for_each(|f| check_text(f, 300));
                if let Some(specialty) = &r.recommended_specialty {
                    check_text(specialty, 100);
                }
                assert!(TRIAGE_LEVELS.contains(&r.model_risk_level));
                check_version(&r.model_version, &r.invoked_variant);
                check_floor(config, &r, red_flags);
                assert_eq!(r.inference_time_ms, ELAPSED_MS);
                assert!(!r.output_format.is_empty());
            }
            (ModelFunction::ImageAnalysis, NormalizedResult::Image(r)) => {
                assert!(red_flags.is_empty(), "image result floored");
                assert!(r.predictions.len() <= 100);
                assert!(
                    r.predictions
                        .windows(2)
                        .all(|w| w[0].confidence >= w[1].confidence),
                    "not sorted"
                );
                for p in &r.predictions {
                    assert!(probability(p.confidence), "confidence {}", p.confidence);
                    // Raw containers' conditions are the configured labels (checked below).
                    if r.output_format == "custom_json" {
                        check_text(&p.condition, 100);
                    }
                    assert!(p
                        .severity
                        .as_deref()
                        .is_none_or(|s| SEVERITIES.contains(&s)));
                }
                if r.output_format != "custom_json" {
                    let labels = config.image_labels.as_slice();
                    assert!(r.predictions.len() == labels.len().min(MAX_PREDICTIONS));
                    assert!(r
                        .predictions
                        .iter()
                        .all(|p| labels.contains(&p.condition) && p.severity.is_none()));
                }
                check_version(&r.model_version, &r.invoked_variant);
                assert_eq!(r.inference_time_ms, ELAPSED_MS);
            }
            (ModelFunction::RiskScore, NormalizedResult::Risk(r)) => {
                assert!(red_flags.is_empty(), "risk result floored");
                assert!(probability(r.risk_score), "risk score {}", r.risk_score);
                assert!(TRIAGE_LEVELS.contains(&r.risk_level));
                assert!(r.factors.len() <= 50);
                r.factors.iter().for_each(|f| check_text(f, 300));
                if r.output_format != "custom_json" {
                    assert!(
                        r.factors.is_empty(),
                        "a raw container's factors were invented"
                    );
                }
                check_version(&r.model_version, &r.invoked_variant);
                assert_eq!(r.inference_time_ms, ELAPSED_MS);
            }
            (function, other) => panic!("{function:?} returned {other:?}"),
        }
    }
}
