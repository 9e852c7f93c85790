//! Sends a caller who pins no variant to their sticky A/B arm
//! ([`crate::config::variant_weights`] says which).

use crate::config::GatewayConfig;
use crate::invocation::call::{Invocation, InvocationMode};

/// The header SageMaker reads to route to one production variant.
const TARGET_VARIANT_HEADER: &str = "x-amzn-sagemaker-target-variant";

/// Routes an unpinned invocation to the caller's sticky variant. An explicit
/// `variant` in the request wins; without a caller id (anonymous key, no
/// `sub`) nothing is pinned and SageMaker's own weights decide.
pub fn apply_sticky_variant(
    config: &GatewayConfig,
    invocation: &mut Invocation,
    caller_id: Option<&str>,
) {
    // InvokeEndpointAsync has no target variant.
    if invocation.mode == InvocationMode::Async {
        return;
    }
    let (Some(sticky), Some(caller_id), None) = (
        config.sticky_variants.as_ref(),
        caller_id.filter(|id| !id.is_empty()),
        invocation.variant.as_ref(),
    ) else {
        return;
    };
    let variant = sticky.assign(&invocation.endpoint, caller_id).to_owned();
    invocation
        .headers
        .push((TARGET_VARIANT_HEADER.to_owned(), variant.clone()));
    invocation.variant = Some(variant);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::GatewaySettings;
    use crate::function::ModelFunction;
    use crate::invocation::build_invocation;

    fn entries(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn config(sticky: Option<&[&str]>) -> GatewayConfig {
        GatewayConfig::new(GatewaySettings {
            region: "us-east-1".into(),
            sticky_variants: sticky.map(entries),
            ..Default::default()
        })
        .unwrap()
    }

    const RISK_BODY: &[u8] = br#"{"patient_data":{"age":60,"gender":"male","heart_rate_bpm":80,"systolic_bp_mmhg":120,"diastolic_bp_mmhg":80,"respiratory_rate_per_min":14,"temperature_c":37,"spo2_percent":98}}"#;

    fn target_variant(invocation: &Invocation) -> Option<&str> {
        invocation
            .headers
            .iter()
            .find(|(name, _)| name == TARGET_VARIANT_HEADER)
            .map(|(_, value)| value.as_str())
    }

    #[test]
    fn a_caller_without_a_pinned_variant_is_routed_to_their_arm() {
        let config = config(Some(&["model-v1:50", "model-v2:50"]));
        let invocation =
            build_invocation(&config, ModelFunction::RiskScore, RISK_BODY, Some("user-1")).unwrap();
        // See assignment_table: 72 of 100.
        let expected = "model-v2";
        assert_eq!(invocation.variant.as_deref(), Some(expected));
        assert_eq!(target_variant(&invocation), Some(expected));
        let headers = invocation
            .headers
            .iter()
            .filter(|(n, _)| n == TARGET_VARIANT_HEADER);
        assert_eq!(headers.count(), 1);
    }

    #[test]
    fn an_allowed_explicit_variant_wins() {
        let config = GatewayConfig::new(GatewaySettings {
            region: "us-east-1".into(),
            sticky_variants: Some(entries(&["model-v1:50", "model-v2:50"])),
            client_variants: Some(entries(&["model-v1"])),
            ..Default::default()
        })
        .unwrap();
        let body = br#"{"symptoms":["fever"],"age":30,"gender":"female","variant":"model-v1"}"#;
        for caller in ["user-1", "user-2", "user-3"] {
            let invocation =
                build_invocation(&config, ModelFunction::Triage, body, Some(caller)).unwrap();
            assert_eq!(invocation.variant.as_deref(), Some("model-v1"));
            let headers: Vec<_> = invocation
                .headers
                .iter()
                .filter(|(n, _)| n == TARGET_VARIANT_HEADER)
                .collect();
            assert_eq!(headers.len(), 1);
        }
    }

    #[test]
    fn clients_choose_only_listed_variants_and_never_a_closed_canary() {
        let config = |client: &[&str]| {
            GatewayConfig::new(GatewaySettings {
                region: "us-east-1".into(),
                sticky_variants: Some(entries(&["model-v1:50", "model-v2:50", "canary:0"])),
                client_variants: Some(entries(client)),
                ..Default::default()
            })
            .unwrap()
        };
        let refused = |config: &GatewayConfig, variant: &str| {
            let body = format!(
                r#"{{"symptoms":["fever"],"age":30,"gender":"female","variant":"{variant}"}}"#
            );
            let error = build_invocation(config, ModelFunction::Triage, body.as_bytes(), Some("u"))
                .unwrap_err();
            (error.errors[0].path.clone(), error.errors[0].static_code())
        };
        let expected = ("variant".to_owned(), "not_allowed");
        // Nothing listed: no variant can be named, AllTraffic included.
        let none = config(&[]);
        for variant in ["model-v1", "AllTraffic", "canary"] {
            assert_eq!(refused(&none, variant), expected, "{variant}");
        }
        // Listed, but the sticky weight of 0 keeps the canary closed.
        let listed = config(&["model-v1", "canary"]);
        assert_eq!(refused(&listed, "canary"), expected);
        assert_eq!(refused(&listed, "model-v2"), expected);
        assert!(listed.client_may_choose_variant("model-v1"));
    }

    #[test]
    fn no_caller_or_no_setting_pins_nothing() {
        let on = config(Some(&["model-v1:50", "model-v2:50"]));
        let off = config(None);
        for (config, caller) in [(&on, None), (&on, Some("")), (&off, Some("user-1"))] {
            let invocation =
                build_invocation(config, ModelFunction::RiskScore, RISK_BODY, caller).unwrap();
            assert_eq!(invocation.variant, None);
            assert_eq!(target_variant(&invocation), None);
        }
    }

    #[test]
    fn a_bad_setting_is_named() {
        let error = GatewayConfig::new(GatewaySettings {
            region: "us-east-1".into(),
            sticky_variants: Some(entries(&["model-v1:abc"])),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(error.errors[0].path, "stickyVariants");
    }
}
