//! Settings of asynchronous image analysis (InvokeEndpointAsync): the secret
//! that authenticates result ids, the endpoint, and where S3 is. Asynchronous
//! requests are refused unless a secret is set.

use std::fmt;

use serde::Deserialize;

use crate::config::async_id_key::AsyncIdKey;
use crate::config::names::check_sagemaker_name;
use crate::config::s3_endpoint::S3Endpoint;

/// The endpoint asynchronous requests go to unless the client names one. A
/// SageMaker endpoint with an AsyncInferenceConfig takes only asynchronous
/// invocations, so it is not the real-time image endpoint.
pub const DEFAULT_ASYNC_IMAGE_ENDPOINT: &str = "medical-image-classifier-async";

/// `asyncInference` in [`crate::GatewaySettings`] (camelCase keys).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AsyncSettings {
    /// Authenticates result ids (`ASYNC_RESULT_SECRET`); asynchronous requests are off without it.
    #[serde(default)]
    pub result_secret: Option<Secret>,
    /// Endpoint for asynchronous image analysis (`SAGEMAKER_IMAGE_ASYNC_ENDPOINT`).
    #[serde(default)]
    pub image_endpoint: Option<String>,
    /// S3 base URL override (`AWS_ENDPOINT_URL_S3`); objects are then addressed path style.
    #[serde(default)]
    pub s3_endpoint_url: Option<String>,
}

/// A secret setting. `Debug` never prints it.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(** redacted **)")
    }
}

/// Checked asynchronous settings.
#[derive(Debug, Clone)]
pub struct AsyncConfig {
    /// Signs and checks result ids.
    pub key: AsyncIdKey,
    /// Default endpoint of asynchronous image analysis.
    pub image_endpoint: String,
    /// Where result objects are read from.
    pub s3: S3Endpoint,
}

impl AsyncConfig {
    /// `None` when no secret is set (asynchronous requests off); else the
    /// checked settings, or every problem as `(setting path, message)`.
    pub fn new(
        settings: Option<&AsyncSettings>,
        region: &str,
        use_fips: bool,
    ) -> Result<Option<Self>, Vec<(String, String)>> {
        let Some(settings) = settings else {
            return Ok(None);
        };
        let mut problems = Vec::new();
        let mut problem = |key: &str, message: String| {
            problems.push((format!("asyncInference.{key}"), message));
        };
        let key = settings.result_secret.as_ref().map(|secret| {
            AsyncIdKey::from_secret(&secret.0).map_err(|m| problem("resultSecret", m))
        });
        let image_endpoint = settings
            .image_endpoint
            .clone()
            .unwrap_or_else(|| DEFAULT_ASYNC_IMAGE_ENDPOINT.to_owned());
        if let Err((_, message)) = check_sagemaker_name(&image_endpoint) {
            problem("imageEndpoint", message);
        }
        let s3 = match settings.s3_endpoint_url.as_deref() {
            Some(url) => S3Endpoint::new(Some(url), region, use_fips)
                .map_err(|m| problem("s3EndpointUrl", m)),
            // A bad region is reported once, as `region`, by the gateway.
            None => S3Endpoint::new(None, region, use_fips).map_err(|_| ()),
        };
        match (key, s3) {
            _ if !problems.is_empty() => Err(problems),
            (Some(Ok(key)), Ok(s3)) => Ok(Some(Self {
                key,
                image_endpoint,
                s3,
            })),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(secret: Option<&str>, s3: Option<&str>) -> AsyncSettings {
        AsyncSettings {
            result_secret: secret.map(Secret::new),
            image_endpoint: None,
            s3_endpoint_url: s3.map(str::to_owned),
        }
    }

    #[test]
    fn off_without_a_secret_and_checked_with_one() {
        assert!(AsyncConfig::new(None, "us-east-1", false)
            .unwrap()
            .is_none());
        let no_secret = settings(None, Some("http://127.0.0.1:9000"));
        assert!(AsyncConfig::new(Some(&no_secret), "us-east-1", false)
            .unwrap()
            .is_none());
        let on = settings(Some(&"k".repeat(32)), None);
        let config = AsyncConfig::new(Some(&on), "us-east-1", false)
            .unwrap()
            .unwrap();
        assert_eq!(config.image_endpoint, DEFAULT_ASYNC_IMAGE_ENDPOINT);
        let bad = AsyncSettings {
            result_secret: Some(Secret::new("short")),
            image_endpoint: Some("bad_name".into()),
            s3_endpoint_url: Some("http://example.com".into()),
        };
        let paths: Vec<String> = AsyncConfig::new(Some(&bad), "us-east-1", false)
            .unwrap_err()
            .into_iter()
            .map(|(path, _)| path)
            .collect();
        assert_eq!(
            paths,
            [
                "asyncInference.resultSecret",
                "asyncInference.imageEndpoint",
                "asyncInference.s3EndpointUrl"
            ]
        );
        assert_eq!(
            format!("{:?}", Secret::new("hunter2")),
            "Secret(** redacted **)"
        );
    }
}
