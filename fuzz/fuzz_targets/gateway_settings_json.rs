//! GatewaySettings::from_json (the JS face's settings object, where null means
//! "not set") on arbitrary JSON, then GatewayConfig::new: unknown, mistyped
//! and bad settings are a 500 invalid_configuration naming each one;
//! accepted settings give a configuration that works (see
//! `check_config_works`).
#![no_main]

use healthnav_edge::{GatewayConfig, GatewaySettings};
use healthnav_edge_fuzz::{check_config_error, check_config_works};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    match GatewaySettings::from_json(value) {
        Ok(settings) => match GatewayConfig::new(settings.clone()) {
            Ok(config) => check_config_works(&config, &settings),
            Err(error) => check_config_error(&error),
        },
        Err(error) => check_config_error(&error),
    }
});
