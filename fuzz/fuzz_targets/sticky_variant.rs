//! Sticky A/B variants (src/config/variant_weights.rs, applied by
//! src/invocation/sticky_variant.rs): `StickyVariants::parse` on
//! arbitrary `variant:weight` entries, `assign` on arbitrary caller ids and
//! endpoints, and `build_invocation` under a configuration with the parsed
//! setting.
//!
//! Invariants: an accepted setting lists 1 to 10 distinct valid names with
//! weights 0 to 1,000,000 and a positive total, in the given order; every
//! caller is assigned one of the configured variants whose weight is above 0,
//! always the same one, and exactly the variant of the documented hash
//! (recomputed independently); an invocation without a pinned variant goes
//! to the caller's variant (one target-variant header), an explicit variant
//! that clients may choose wins (one the sticky setting weighs 0 never is),
//! and no caller id pins nothing. Refusals never repeat the input.
#![no_main]

use arbitrary::Arbitrary;
use healthnav_edge::config::names::check_sagemaker_name;
use healthnav_edge::config::variant_weights::StickyVariants;
use healthnav_edge::invocation::build_invocation;
use healthnav_edge::{GatewayConfig, GatewaySettings, ModelFunction};
use healthnav_edge_fuzz::{check_invocation, contains_marker, reference_sticky};
use libfuzzer_sys::fuzz_target;

const ENTRIES: [&str; 8] = [
    "model-v1:50",
    "model-v2:50",
    " model-v3 : 0 ",
    "AllTraffic:1000000",
    "A--1:7",
    "model-v1:1",
    "PHIMARKER:x",
    "medical_PHIMARKER:1",
];
const ENDPOINTS: [&str; 3] = [
    "medical-triage-endpoint",
    "patient-risk-scorer",
    "medical-x1",
];
const TRIAGE: &str = r#"{"symptoms":["fever"],"age":30,"gender":"female""#;

#[derive(Arbitrary, Debug)]
struct Input {
    entries: Vec<(u8, String)>,
    callers: Vec<String>,
    endpoint: (u8, String),
    pin: Option<u8>,
    build: bool,
}

fn pick<'a>((n, raw): &'a (u8, String), picks: &[&'a str]) -> &'a str {
    let n = usize::from(*n);
    if n % 4 == 3 {
        raw
    } else {
        picks[n % picks.len()]
    }
}

fuzz_target!(|input: Input| {
    let entries: Vec<String> = input
        .entries
        .iter()
        .take(12)
        .map(|e| pick(e, &ENTRIES).to_owned())
        .collect();
    let sticky = match StickyVariants::parse(&entries) {
        Ok(sticky) => sticky,
        Err(message) => {
            assert!(!message.trim().is_empty());
            assert!(!contains_marker(&message), "{message}");
            return;
        }
    };
    let variants: Vec<(String, u64)> = sticky
        .variants()
        .map(|(name, weight)| (name.to_owned(), weight))
        .collect();
    assert!((1..=10).contains(&variants.len()));
    assert_eq!(variants.len(), entries.len());
    for ((name, weight), entry) in variants.iter().zip(&entries) {
        assert!(check_sagemaker_name(name).is_ok(), "{name:?}");
        assert!(*weight <= 1_000_000);
        let (entry_name, entry_weight) = entry.trim().rsplit_once(':').unwrap_or_default();
        assert_eq!(entry_name.trim(), name);
        assert_eq!(entry_weight.trim().parse::<u64>().ok(), Some(*weight));
    }
    let mut names: Vec<&str> = variants.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), variants.len(), "duplicate variants");
    assert!(variants.iter().any(|(_, w)| *w > 0));

    let endpoint = pick(&input.endpoint, &ENDPOINTS);
    for caller in input.callers.iter().take(8) {
        let assigned = sticky.assign(endpoint, caller);
        assert!(
            variants.iter().any(|(n, w)| n == assigned && *w > 0),
            "{assigned:?} is not a variant with weight above 0"
        );
        assert_eq!(sticky.assign(endpoint, caller), assigned);
        assert_eq!(reference_sticky(&variants, endpoint, caller), assigned);
    }

    if !input.build {
        return;
    }
    let config = GatewayConfig::new(GatewaySettings {
        region: "us-east-1".into(),
        sticky_variants: Some(entries.clone()),
        client_variants: Some(vec!["AllTraffic".into(), "model-v9".into()]),
        ..Default::default()
    })
    .unwrap_or_else(|e| panic!("a setting StickyVariants accepts is refused: {e}"));
    let pinned = input
        .pin
        .map(|n| ["AllTraffic", "model-v9"][usize::from(n) % 2]);
    let body = match pinned {
        Some(variant) => format!(r#"{TRIAGE},"variant":"{variant}"}}"#),
        None => format!("{TRIAGE}}}"),
    };
    let callers = input.callers.iter().take(4).map(|c| Some(c.as_str()));
    for caller in callers.chain([None]) {
        let built = build_invocation(&config, ModelFunction::Triage, body.as_bytes(), caller);
        if let Some(variant) = pinned.filter(|v| !config.client_may_choose_variant(v)) {
            let closed = variants
                .iter()
                .any(|(name, weight)| name == variant && *weight == 0);
            assert!(closed, "{variant} refused although listed and open");
            let error = built.expect_err("a closed variant was chosen");
            assert_eq!(error.errors[0].path, "variant");
            continue;
        }
        let invocation = built.unwrap_or_else(|e| panic!("the guide's request refused: {e}"));
        check_invocation(&config, ModelFunction::Triage, &invocation);
        let expected = match (pinned, caller.filter(|c| !c.is_empty())) {
            (Some(variant), _) => Some(variant.to_owned()),
            (None, Some(caller)) => Some(reference_sticky(&variants, &invocation.endpoint, caller)),
            (None, None) => None,
        };
        assert_eq!(invocation.variant, expected, "caller {caller:?}");
    }
});
