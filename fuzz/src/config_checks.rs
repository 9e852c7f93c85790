//! A configuration that was accepted works; one that was refused says why.

use healthnav_edge::safety::RuleSet;
use healthnav_edge::{GatewayConfig, GatewayError, GatewaySettings, ModelFunction};

use crate::*;

/// A two-label PNG data URL is valid under every bucket allow-list.
pub const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/// A triage request that shows published warning signs: crushing chest pain
/// (critical), fever with a stiff neck (critical) in an infant (high).
pub const RED_FLAG_TRIAGE: &str = r#"{"symptoms":["crushing chest pain","fever","stiff neck"],"patient_data":{"age":0.1,"gender":"male","medical_history":["hypertension"]}}"#;

/// What an accepted configuration must do: the guide's requests (no endpoint
/// named) and a request with red flags build signable invocations on its
/// base URL, carrying the red flags its rules raise, and its normaliser
/// accepts well-formed model output for its labels, floored by those flags
/// for triage.
pub fn check_config_works(config: &GatewayConfig, settings: &GatewaySettings) {
    let base = config.base_url.as_str();
    assert!(
        base.starts_with("https://") || base.starts_with("http://"),
        "{base}"
    );
    assert!(!base.ends_with('/'));
    assert_eq!(config.region, settings.region);
    if settings.endpoint_url.is_none() {
        assert!(
            base.starts_with("https://") && base.contains(&format!(".{}.", settings.region)),
            "{base}"
        );
    }
    let mut bodies = vec![
        (ModelFunction::Triage, r#"{"symptoms":["fever","cough"],"patient_data":{"age":35,"gender":"female"}}"#.to_owned()),
        (ModelFunction::Triage, RED_FLAG_TRIAGE.to_owned()),
        (ModelFunction::ImageAnalysis, format!(r#"{{"image_data":"{PNG}","image_type":"xray"}}"#)),
        (
            ModelFunction::RiskScore,
            r#"{"patient_data":{"age":67,"gender":"male","heart_rate_bpm":112,"systolic_bp_mmhg":165,"diastolic_bp_mmhg":95,"respiratory_rate_per_min":24,"temperature_c":38.4,"spo2_percent":91}}"#.to_owned(),
        ),
    ];
    if let Some(bucket) = settings.allowed_buckets.as_ref().and_then(|b| b.first()) {
        let prefix = settings
            .s3_key_prefix
            .as_deref()
            .unwrap_or("")
            .replace("{sub}", FUZZ_CALLER);
        let image = format!("s3://{bucket}/{prefix}x.jpg");
        bodies.push((
            ModelFunction::ImageAnalysis,
            serde_json::json!({"image_data": image, "image_type": "ct"}).to_string(),
        ));
    }
    let mut red_flags = Vec::new();
    for (function, body) in bodies {
        match healthnav_edge::invocation::build_invocation(
            config,
            function,
            body.as_bytes(),
            Some(FUZZ_CALLER),
        ) {
            Ok(invocation) => {
                check_invocation(config, function, &invocation);
                if body == RED_FLAG_TRIAGE {
                    red_flags = invocation.red_flags;
                }
            }
            Err(error) => panic!(
                "the guide's {function:?} request fails under an accepted configuration: {error}"
            ),
        }
    }
    // The embedded rules flag that request (chest pain is critical).
    if let Some(rules) = &config.red_flags {
        if rules.version() == RuleSet::embedded().version() {
            assert!(
                red_flags.contains(&"heart_attack_chest_discomfort".to_owned()),
                "{red_flags:?}"
            );
        }
    }
    // Model output every configuration must accept.
    let labels = config.image_labels.as_slice().len();
    let uniform = vec![format!("{}", 1.0 / labels as f64); labels].join(",");
    let outputs = [
        (
            ModelFunction::Triage,
            r#"{"urgency_score":0.35,"risk_level":"moderate"}"#.to_owned(),
        ),
        (
            ModelFunction::ImageAnalysis,
            format!(r#"{{"prediction":[{uniform}]}}"#),
        ),
        (ModelFunction::RiskScore, "0.4386190772056579\n".to_owned()),
    ];
    let no_flags = Vec::new();
    for (function, body) in outputs {
        let mut data = vec![0x04, 0, 200];
        data.extend_from_slice(body.as_bytes());
        let upstream = Upstream::decode(&data);
        // A triage answer also with the flags the red-flag request raised.
        let flag_sets = match function {
            ModelFunction::Triage => [&no_flags, &red_flags].to_vec(),
            _ => [&no_flags].to_vec(),
        };
        for flags in flag_sets {
            let result = healthnav_edge::response::normalize_response(
                config,
                function,
                upstream.response(),
                1,
                flags,
            );
            assert!(
                result.is_ok(),
                "{function:?} output {body} with red flags {flags:?} refused: {result:?}"
            );
            check_normalize(config, function, &upstream, flags);
        }
    }
}

/// A refused configuration: a 500 invalid_configuration naming at least one setting.
pub fn check_config_error(error: &GatewayError) {
    check_error_shape(error);
    assert_eq!(
        (error.code.as_str(), error.status(), error.retryable()),
        ("invalid_configuration", 500, false)
    );
    assert!(!error.errors.is_empty(), "a refusal must name the setting");
    assert!(
        error.errors.iter().all(|e| e.code == "invalid_setting"),
        "{error:?}"
    );
}
