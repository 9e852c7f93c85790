//! Gateway configuration: what the edge shim reads from env, checked once per
//! isolate and resolved into the values every request uses.

pub mod async_id_key;
pub mod async_settings;
pub mod endpoint_url;
pub mod labels;
pub mod names;
pub mod red_flag_settings;
pub mod s3_access;
pub mod s3_endpoint;
pub mod s3_location;
pub mod variant_weights;

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::config::async_settings::{AsyncConfig, AsyncSettings};
use crate::config::endpoint_url::{parse_override_url, regional_base_url, BaseUrl};
use crate::error::{ErrorCode, FieldError, GatewayError};
use crate::function::ModelFunction;
use crate::config::names::{check_endpoint_names, check_sagemaker_name, FunctionEndpoints};
use crate::config::labels::{ImageLabels, ScoreMeaning};
use crate::config::s3_access::S3Access;
use crate::config::red_flag_settings::{red_flag_rules, RedFlagSettings};
use crate::config::variant_weights::StickyVariants;
use crate::safety::RuleSet;

/// Settings as the shim passes them (camelCase keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewaySettings {
    /// AWS region, e.g. `us-east-1`.
    pub region: String,
    /// Override of the SageMaker Runtime base URL.
    #[serde(default)]
    pub endpoint_url: Option<String>,
    /// Use the FIPS endpoint of the region.
    #[serde(default)]
    pub use_fips: bool,
    /// Extra endpoints a client may name, per function (exact names; the
    /// function's default is always allowed, nothing else is by default).
    #[serde(default)]
    pub allowed_endpoints: EndpointLists,
    /// S3 buckets `image_data` may point at (none by default).
    #[serde(default)]
    pub allowed_buckets: Option<Vec<String>>,
    /// Key prefix every `s3://` image must have, e.g. `patients/{sub}/`.
    #[serde(default)]
    pub s3_key_prefix: Option<String>,
    /// Production variants a client may name in `variant` (none by default).
    #[serde(default)]
    pub client_variants: Option<Vec<String>>,
    /// Default endpoint per function (defaults: the guide's names).
    #[serde(default)]
    pub endpoints: EndpointDefaults,
    /// Class labels of the image classifier, in output order.
    #[serde(default)]
    pub image_labels: Option<Vec<String>>,
    /// What a single number from the triage model means.
    #[serde(default)]
    pub triage_score_meaning: Option<ScoreMeaning>,
    /// Asynchronous image analysis; off unless it has a result secret.
    #[serde(default)]
    pub async_inference: Option<AsyncSettings>,
    /// `variant:weight` entries for sticky A/B assignment (off when unset).
    #[serde(default)]
    pub sticky_variants: Option<Vec<String>>,
    /// The clinical red-flag floor of triage answers (on by default).
    #[serde(default)]
    pub red_flags: Option<RedFlagSettings>,
}

/// Default endpoint names per function.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointDefaults {
    /// Triage endpoint (default `medical-triage-endpoint`).
    #[serde(default)]
    pub triage: Option<String>,
    /// Image endpoint (default `medical-image-classifier`).
    #[serde(default)]
    pub image_analysis: Option<String>,
    /// Risk endpoint (default `patient-risk-scorer`).
    #[serde(default)]
    pub risk_score: Option<String>,
}

/// Extra endpoint names per function.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointLists {
    /// Triage's extra endpoints.
    #[serde(default)]
    pub triage: Option<Vec<String>>,
    /// Image analysis's extra real-time endpoints.
    #[serde(default)]
    pub image_analysis: Option<Vec<String>>,
    /// Risk score's extra endpoints.
    #[serde(default)]
    pub risk_score: Option<Vec<String>>,
}

/// Checked configuration.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Where SageMaker Runtime is.
    pub base_url: BaseUrl,
    /// Region used in the SigV4 scope.
    pub region: String,
    /// The endpoints each function may reach, in [`ModelFunction::ALL`] order.
    endpoints: [FunctionEndpoints; 3],
    /// Which `s3://` images a caller may send.
    pub s3_access: S3Access,
    /// Variants a client may name; empty: naming a variant is refused.
    pub client_variants: Vec<String>,
    /// Image classifier labels.
    pub image_labels: ImageLabels,
    /// Meaning of a bare triage number.
    pub triage_score_meaning: ScoreMeaning,
    /// Asynchronous image analysis, when enabled.
    pub asynchronous: Option<AsyncConfig>,
    /// Sticky A/B weights for callers that pin no variant.
    pub sticky_variants: Option<StickyVariants>,
    /// The red-flag rules triage answers are floored by; `None` when off.
    pub red_flags: Option<Arc<RuleSet>>,
}

/// Every key of [`GatewaySettings`].
const SETTING_KEYS: &[&str] = &[
    "region",
    "endpointUrl",
    "useFips",
    "allowedEndpoints",
    "allowedBuckets",
    "s3KeyPrefix",
    "clientVariants",
    "endpoints",
    "imageLabels",
    "triageScoreMeaning",
    "asyncInference",
    "stickyVariants",
    "redFlags",
];

impl GatewaySettings {
    /// Reads settings as the JS face receives them, where `null` (and
    /// `undefined`) means "not set". Every unknown or mistyped setting is
    /// named in an `invalid_configuration` error, as [`GatewayConfig::new`]
    /// names bad values (serde-wasm-bindgen alone ignores unknown keys).
    pub fn from_json(value: Value) -> Result<Self, GatewayError> {
        let Value::Object(mut map) = value else {
            return Err(misconfigured(vec![FieldError::new(
                "",
                "invalid_setting",
                "the settings must be an object",
            )]));
        };
        map.retain(|_, value| !value.is_null());
        let mut problems = Vec::new();
        if !map.contains_key("region") {
            problems.push(FieldError::new("region", "invalid_setting", "is required"));
        }
        for (key, value) in &map {
            if !SETTING_KEYS.contains(&key.as_str()) {
                let message = format!(
                    "is not a recognised setting; expected one of: {}",
                    SETTING_KEYS.join(", ")
                );
                problems.push(FieldError::new(key.as_str(), "invalid_setting", message));
                continue;
            }
            // The setting alone, next to a valid region, shows whether its type is right.
            let mut probe = Map::new();
            probe.insert("region".to_owned(), Value::String("us-east-1".to_owned()));
            probe.insert(key.clone(), value.clone());
            if let Err(error) = serde_json::from_value::<Self>(Value::Object(probe)) {
                problems.push(FieldError::new(
                    key.as_str(),
                    "invalid_setting",
                    format!("is invalid: {error}"),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(misconfigured(problems));
        }
        serde_json::from_value(Value::Object(map)).map_err(|error| {
            misconfigured(vec![FieldError::new(
                "",
                "invalid_setting",
                error.to_string(),
            )])
        })
    }
}

fn misconfigured(problems: Vec<FieldError>) -> GatewayError {
    let mut error = GatewayError::new(
        ErrorCode::InvalidConfiguration,
        "The gateway is misconfigured.",
    );
    error.errors = problems;
    error
}

impl GatewayConfig {
    /// Checks every setting and reports all problems at once; each error's
    /// path is the setting's key so the shim can name its env variable.
    pub fn new(settings: GatewaySettings) -> Result<Self, GatewayError> {
        let mut problems = Vec::new();
        let mut problem = |path: &str, message: String| {
            problems.push(FieldError::new(path, "invalid_setting", message))
        };

        let base_url = match &settings.endpoint_url {
            Some(url) if settings.use_fips => {
                problem(
                    "useFips",
                    "cannot be combined with an endpoint URL override".into(),
                );
                parse_override_url(url).ok()
            }
            Some(url) => parse_override_url(url)
                .map_err(|m| problem("endpointUrl", m))
                .ok(),
            None => None,
        };
        let regional = regional_base_url(&settings.region, settings.use_fips)
            .map_err(|m| problem("region", m))
            .ok();
        let s3_access = S3Access::new(
            settings.allowed_buckets.unwrap_or_default(),
            settings.s3_key_prefix,
        )
        .map_err(|found| {
            for (setting, message) in found {
                problem(setting, message);
            }
        })
        .ok();
        let lists = settings.allowed_endpoints;
        let endpoints = [
            (
                settings.endpoints.triage,
                lists.triage,
                ModelFunction::Triage,
            ),
            (
                settings.endpoints.image_analysis,
                lists.image_analysis,
                ModelFunction::ImageAnalysis,
            ),
            (
                settings.endpoints.risk_score,
                lists.risk_score,
                ModelFunction::RiskScore,
            ),
        ]
        .map(|(name, extra, function)| {
            let name = name.unwrap_or_else(|| function.guide_endpoint().to_owned());
            if let Err((_, message)) = check_sagemaker_name(&name) {
                problem(&format!("endpoints.{}", function.settings_key()), message);
            }
            let extra = extra.unwrap_or_default();
            if let Err(message) = check_endpoint_names(&extra) {
                problem(
                    &format!("allowedEndpoints.{}", function.settings_key()),
                    message,
                );
            }
            FunctionEndpoints::new(name, extra)
        });
        let client_variants = settings.client_variants.unwrap_or_default();
        for name in &client_variants {
            if let Err((_, message)) = check_sagemaker_name(name) {
                problem(
                    "clientVariants",
                    format!("lists an invalid variant name: it {message}"),
                );
            }
        }
        let image_labels = match settings.image_labels {
            Some(labels) => ImageLabels::new(labels)
                .map_err(|m| problem("imageLabels", m))
                .ok(),
            None => Some(ImageLabels::default()),
        };
        let sticky_variants = settings.sticky_variants.and_then(|entries| {
            StickyVariants::parse(&entries)
                .map_err(|m| problem("stickyVariants", m))
                .ok()
        });
        let red_flags = red_flag_rules(settings.red_flags.as_ref())
            .map_err(|found| {
                for (setting, message) in found {
                    problem(setting, message);
                }
            })
            .ok()
            .flatten();
        let asynchronous = AsyncConfig::new(
            settings.async_inference.as_ref(),
            &settings.region,
            settings.use_fips,
        )
        .unwrap_or_else(|found| {
            for (path, message) in found {
                problem(&path, message);
            }
            None
        });

        match (base_url.or(regional), s3_access, image_labels) {
            (Some(base_url), Some(s3_access), Some(image_labels)) if problems.is_empty() => {
                Ok(Self {
                    base_url,
                    region: settings.region,
                    endpoints,
                    s3_access,
                    client_variants,
                    image_labels,
                    triage_score_meaning: settings.triage_score_meaning.unwrap_or_default(),
                    asynchronous,
                    sticky_variants,
                    red_flags,
                })
            }
            _ => Err(misconfigured(problems)),
        }
    }

    /// The endpoint a function calls when the client names none.
    pub fn default_endpoint(&self, function: ModelFunction) -> &str {
        self.endpoints(function).default_name()
    }

    /// The endpoints `function` may reach.
    pub fn endpoints(&self, function: ModelFunction) -> &FunctionEndpoints {
        match function {
            ModelFunction::Triage => &self.endpoints[0],
            ModelFunction::ImageAnalysis => &self.endpoints[1],
            ModelFunction::RiskScore => &self.endpoints[2],
        }
    }

    /// Every endpoint name this deployment can call, the asynchronous one
    /// included: the only names metrics may carry as a dimension.
    pub fn endpoint_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .endpoints
            .iter()
            .flat_map(FunctionEndpoints::names)
            .collect();
        if let Some(asynchronous) = &self.asynchronous {
            names.push(&asynchronous.image_endpoint);
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Whether a client may name `variant` in a request: it is listed in
    /// `clientVariants` and is not a sticky arm with weight 0 (a canary the
    /// operator has not opened).
    pub fn client_may_choose_variant(&self, variant: &str) -> bool {
        self.client_variants.iter().any(|name| name == variant)
            && !self.sticky_variants.as_ref().is_some_and(|sticky| {
                sticky
                    .variants()
                    .any(|(name, weight)| name == variant && weight == 0)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(region: &str) -> GatewaySettings {
        GatewaySettings {
            region: region.into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_come_from_the_guide() {
        let config = GatewayConfig::new(settings("us-east-1")).unwrap();
        assert_eq!(
            config.default_endpoint(ModelFunction::Triage),
            "medical-triage-endpoint"
        );
        assert_eq!(
            config.default_endpoint(ModelFunction::ImageAnalysis),
            "medical-image-classifier"
        );
        assert_eq!(
            config.default_endpoint(ModelFunction::RiskScore),
            "patient-risk-scorer"
        );
        assert_eq!(
            config.base_url.as_str(),
            "https://runtime.sagemaker.us-east-1.amazonaws.com"
        );
        assert!(!config
            .endpoints(ModelFunction::Triage)
            .allows("medical-image-classifier"));
        assert!(config
            .s3_access
            .check(
                &crate::config::s3_location::S3Location::parse("s3://bucket/x.png").unwrap(),
                None
            )
            .is_err());
        assert!(config.client_variants.is_empty());
    }

    #[test]
    fn override_wins_over_region() {
        let mut s = settings("us-east-1");
        s.endpoint_url = Some("http://127.0.0.1:9999".into());
        assert_eq!(
            GatewayConfig::new(s).unwrap().base_url.as_str(),
            "http://127.0.0.1:9999"
        );
    }

    #[test]
    fn every_problem_is_named_by_its_setting() {
        let mut s = settings("nowhere");
        s.endpoint_url = Some("http://example.com".into());
        s.allowed_endpoints.triage = Some(vec!["bad pattern".into()]);
        s.endpoints.triage = Some("bad_name".into());
        let error = GatewayConfig::new(s).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidConfiguration);
        let paths: Vec<_> = error.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "endpointUrl",
                "region",
                "endpoints.triage",
                "allowedEndpoints.triage"
            ]
        );
    }

    #[test]
    fn fips_and_override_do_not_mix() {
        let mut s = settings("us-east-1");
        s.endpoint_url = Some("https://x.example.com".into());
        s.use_fips = true;
        assert_eq!(GatewayConfig::new(s).unwrap_err().errors[0].path, "useFips");
    }
}
