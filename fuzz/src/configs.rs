//! The gateway configurations, caller, credentials and clock the targets run with.

use std::sync::OnceLock;

use healthnav_edge::config::labels::ScoreMeaning;
use healthnav_edge::config::red_flag_settings::RedFlagSettings;
use healthnav_edge::config::{EndpointDefaults, EndpointLists};
use healthnav_edge::{Credentials, GatewayConfig, GatewaySettings, ModelFunction};

use crate::*;

/// The configurations the request and response targets run against.
///
/// 0. the defaults for `us-east-1` (what most deployments run);
/// 1. a loopback override with a path prefix, allow-lists for endpoints and
///    buckets, a custom triage endpoint, two image labels and probability
///    triage scores;
/// 2. GovCloud with FIPS and every endpoint allowed.
///
/// The red-flag floor is on (the default: the embedded rules) in all three.
pub fn configs() -> &'static [GatewayConfig; 3] {
    static CONFIGS: OnceLock<[GatewayConfig; 3]> = OnceLock::new();
    CONFIGS.get_or_init(|| config_settings().map(build))
}

/// The same three configurations with the red-flag floor switched off
/// (`redFlags.enabled: false`, i.e. `RED_FLAG_FLOOR=off`).
pub fn floor_off_configs() -> &'static [GatewayConfig; 3] {
    static CONFIGS: OnceLock<[GatewayConfig; 3]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        config_settings().map(|settings| {
            let config = build(GatewaySettings {
                red_flags: Some(RedFlagSettings {
                    enabled: Some(false),
                    ..Default::default()
                }),
                ..settings
            });
            assert!(config.red_flags.is_none(), "the floor is still on");
            config
        })
    })
}

fn build(settings: GatewaySettings) -> GatewayConfig {
    match GatewayConfig::new(settings) {
        Ok(config) => config,
        Err(error) => panic!("fuzz configuration refused: {error}"),
    }
}

fn config_settings() -> [GatewaySettings; 3] {
    let default = GatewaySettings {
        region: "us-east-1".into(),
        ..Default::default()
    };
    let local = GatewaySettings {
        region: "eu-west-1".into(),
        endpoint_url: Some("http://127.0.0.1:54329/prefix/".into()),
        allowed_endpoints: EndpointLists {
            triage: Some(vec!["medical-x1".into(), "medical-triage-endpoint".into()]),
            image_analysis: Some(vec!["medical-x1".into()]),
            risk_score: Some(vec!["other-endpoint".into()]),
        },
        allowed_buckets: Some(vec!["healthnav-images".into(), "my.bucket-1".into()]),
        s3_key_prefix: Some("patients/{sub}/".into()),
        client_variants: Some(vec!["model-v1".into(), "model-v2".into(), "A--1".into()]),
        sticky_variants: Some(vec![
            "model-v1:1".into(),
            "model-v2:1".into(),
            "A--1:0".into(),
        ]),
        endpoints: EndpointDefaults {
            triage: Some("triage-v2".into()),
            ..Default::default()
        },
        image_labels: Some(vec!["benign".into(), "malignant".into()]),
        triage_score_meaning: Some(ScoreMeaning::Probability),
        ..Default::default()
    };
    let fips = GatewaySettings {
        client_variants: Some(VARIANT_PICKS.map(str::to_owned).to_vec()),
        ..fips_settings()
    };
    [default, local, fips]
}

/// A GovCloud deployment on FIPS endpoints, every endpoint pick allowed, one bucket.
pub fn fips_settings() -> GatewaySettings {
    GatewaySettings {
        region: "us-gov-west-1".into(),
        use_fips: true,
        allowed_endpoints: every_pick(),
        allowed_buckets: Some(vec!["healthnav-images".into()]),
        ..Default::default()
    }
}

/// Every endpoint pick, for each function: the configuration where a client
/// may name any of them.
pub fn every_pick() -> EndpointLists {
    let all = || Some(ENDPOINT_PICKS.map(str::to_owned).to_vec());
    EndpointLists {
        triage: all(),
        image_analysis: all(),
        risk_score: all(),
    }
}

/// The signed-in caller the targets build requests for: its folder is the
/// one `patients/{sub}/` allows, and it may start asynchronous inferences.
pub const FUZZ_CALLER: &str = "fuzz-caller";

/// Credentials used to check that accepted invocations can be signed.
pub fn test_credentials() -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        session_token: None,
    }
}

/// 2023-11-14T22:13:20Z, a fixed signing time.
pub const TEST_TIME_MS: f64 = 1_700_000_000_000.0;

/// One of the three functions from a byte.
pub fn function_from(byte: u8) -> ModelFunction {
    ModelFunction::ALL[usize::from(byte) % ModelFunction::ALL.len()]
}
