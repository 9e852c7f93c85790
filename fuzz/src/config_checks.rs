//! A configuration that was accepted works; one that was refused says why.

use healthnav_edge::{GatewayConfig, GatewayError, GatewaySettings, ModelFunction};

use crate::*;

/// A two-label PNG data URL is valid under every bucket allow-list.
pub const PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/// What an accepted configuration must do: the guide's requests (no endpoint
/// named) build signable invocations on its base URL, and its normaliser
/// accepts well-formed model output for its labels.
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
    for (function, body) in bodies {
        match healthnav_edge::invocation::build_invocation(
            config,
            function,
            body.as_bytes(),
            Some(FUZZ_CALLER),
        ) {
            Ok(invocation) => check_invocation(config, function, &invocation),
            Err(error) => panic!(
                "the guide's {function:?} request fails under an accepted configuration: {error}"
            ),
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
    for (function, body) in outputs {
        let mut data = vec![0x04, 0, 200];
        data.extend_from_slice(body.as_bytes());
        let upstream = Upstream::decode(&data);
        let result = healthnav_edge::response::normalize_response(
            config,
            function,
            upstream.response(),
            1,
            &[],
        );
        assert!(
            result.is_ok(),
            "{function:?} output {body} refused: {result:?}"
        );
        check_normalize(config, function, &upstream);
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
