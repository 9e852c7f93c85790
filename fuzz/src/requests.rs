//! Routing fields and the structured request generators' checks.

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use healthnav_edge::invocation::InvocationMode;
use healthnav_edge::{GatewayConfig, Invocation, ModelFunction};

use crate::*;

/// The optional routing fields every request may carry.
#[derive(Arbitrary, Debug, Clone)]
pub struct RoutingFields {
    /// `endpoint`.
    pub endpoint: Slot<Text>,
    /// `variant`.
    pub variant: Slot<Text>,
}

/// Endpoint names the generators pick from; validity also depends on the configuration.
pub const ENDPOINT_PICKS: [&str; 7] = [
    "medical-triage-endpoint",
    "medical-image-classifier",
    "patient-risk-scorer",
    "medical-x1",
    "triage-v2",
    "other-endpoint",
    "m",
];
/// Variant names (all valid).
pub const VARIANT_PICKS: [&str; 4] = ["AllTraffic", "model-v1", "model-v2", "A--1"];

/// The endpoint and variant the invocation must carry when the request is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRouting {
    /// Endpoint.
    pub endpoint: String,
    /// Variant.
    pub variant: Option<String>,
}

impl RoutingFields {
    /// Adds the fields and returns where a valid request goes.
    pub fn add(
        &self,
        object: &mut ObjectBuilder,
        config: &GatewayConfig,
        function: ModelFunction,
    ) -> ExpectedRouting {
        let endpoint = object.slot("endpoint", &self.endpoint, false, |text| {
            let (name, picked) = text.render(&ENDPOINT_PICKS);
            let allowed = config.endpoints(function).allows(&name);
            (Out::Str(name.clone()), (picked && allowed).then_some(name))
        });
        let variant = object.slot("variant", &self.variant, false, |text| {
            let (name, picked) = text.render(&VARIANT_PICKS);
            let allowed = config.client_may_choose_variant(&name);
            (Out::Str(name.clone()), (picked && allowed).then_some(name))
        });
        ExpectedRouting {
            endpoint: endpoint.unwrap_or_else(|| config.default_endpoint(function).to_owned()),
            variant,
        }
    }
}

/// The typed reader of plain triage requests (`plain_triage`) accepts only
/// what the full reader accepts, with the same model input and the default
/// routing: the full reader is the reference.
pub fn check_plain_triage(config: &GatewayConfig, body: &[u8]) {
    let Some(fast) = healthnav_edge::request::plain_triage::read_plain_triage(body) else {
        return;
    };
    let value = healthnav_edge::request::json_body::parse_json_body(body).unwrap_or_else(|error| {
        panic!("the plain reader accepted what the full one refuses: {error}")
    });
    let (full, routing) = healthnav_edge::request::triage::read_triage_request(&value, config)
        .unwrap_or_else(|error| {
            panic!("the plain reader accepted what the full one refuses: {error}")
        });
    assert_eq!(fast, full, "the two readers built different model inputs");
    assert_eq!(
        routing.endpoint,
        config.default_endpoint(ModelFunction::Triage)
    );
    assert_eq!(routing.variant, None);
}

/// Checks a structured request's outcome: every marker-free error, and when
/// the request was built only from known-valid parts, acceptance.
pub fn check_structured(
    config: &GatewayConfig,
    function: ModelFunction,
    body: &[u8],
    known_valid: bool,
    routing: &ExpectedRouting,
) -> Option<Invocation> {
    if function == ModelFunction::Triage {
        check_plain_triage(config, body);
    }
    match healthnav_edge::invocation::build_invocation(config, function, body, Some(FUZZ_CALLER)) {
        Ok(invocation) => {
            check_invocation(config, function, &invocation);
            if known_valid {
                assert_eq!(invocation.endpoint, routing.endpoint);
                // Without a variant of its own, the caller goes to their sticky arm.
                let sticky = config
                    .sticky_variants
                    .as_ref()
                    .filter(|_| invocation.mode != InvocationMode::Async)
                    .map(|sticky| sticky.assign(&invocation.endpoint, FUZZ_CALLER).to_owned());
                assert_eq!(invocation.variant, routing.variant.clone().or(sticky));
            }
            Some(invocation)
        }
        Err(error) => {
            check_request_error(&error);
            assert!(
                !known_valid,
                "a valid request was refused: {error} ({})",
                String::from_utf8_lossy(body)
            );
            None
        }
    }
}

/// With `HEALTHNAV_FUZZ_KEEP_VALID=<dir>` set, the structured targets save
/// every input that generated a known-valid request there; `cargo fuzz cmin`
/// of that directory is how their committed seeds were chosen.
pub fn keep_if_valid(valid: bool, data: &[u8]) {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    if !valid {
        return;
    }
    if let Some(dir) =
        DIR.get_or_init(|| std::env::var_os("HEALTHNAV_FUZZ_KEEP_VALID").map(Into::into))
    {
        use sha2::{Digest, Sha256};
        let name: String = Sha256::digest(data)
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect();
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(dir.join(name), data);
    }
}
