//! Asynchronous inference: its configurations, clock and S3 URL checks.

use std::sync::OnceLock;

use healthnav_edge::config::async_settings::{AsyncSettings, Secret};
use healthnav_edge::{sign_request, GatewayConfig, GatewaySettings, PayloadHash, SigningRequest};

use crate::*;

/// The result secret of the asynchronous configurations (32 bytes).
pub const ASYNC_SECRET: &str = "fuzz-async-result-secret-0123456789";

/// The time the asynchronous targets run at: one hour after [`TEST_TIME_MS`],
/// so ids issued at [`TEST_TIME_MS`] (as in the seeds) are still valid.
pub const ASYNC_NOW_MS: u64 = 1_700_003_600_000;

/// Configurations with asynchronous image analysis on:
///
/// 0. `us-east-1` defaults plus a result secret (virtual-hosted S3 URLs,
///    path style for dotted buckets);
/// 1. a loopback SageMaker override, an S3 override with a path prefix, a
///    custom async endpoint, a bucket allow-list and two image labels;
/// 2. GovCloud with FIPS (`s3-fips.` hosts).
///
/// All three share [`ASYNC_SECRET`].
pub fn async_configs() -> &'static [GatewayConfig; 3] {
    static CONFIGS: OnceLock<[GatewayConfig; 3]> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let secret = || Some(Secret::new(ASYNC_SECRET));
        let default = GatewaySettings {
            region: "us-east-1".into(),
            async_inference: Some(AsyncSettings {
                result_secret: secret(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let local = GatewaySettings {
            region: "eu-west-1".into(),
            endpoint_url: Some("http://127.0.0.1:54329/prefix/".into()),
            allowed_buckets: Some(vec!["healthnav-images".into(), "my.bucket-1".into()]),
            image_labels: Some(vec!["benign".into(), "malignant".into()]),
            async_inference: Some(AsyncSettings {
                result_secret: secret(),
                image_endpoint: Some("medical-image-async-v2".into()),
                s3_endpoint_url: Some("http://127.0.0.1:9000/s3/".into()),
            }),
            ..Default::default()
        };
        let fips = GatewaySettings {
            async_inference: Some(AsyncSettings {
                result_secret: secret(),
                ..Default::default()
            }),
            ..fips_settings()
        };
        [default, local, fips].map(|settings| match GatewayConfig::new(settings) {
            Ok(config) => {
                assert!(config.asynchronous.is_some(), "async is off");
                config
            }
            Err(error) => panic!("fuzz configuration refused: {error}"),
        })
    })
}

/// Whether every byte of `url` may go on the wire as is (RFC 3986 characters).
pub fn is_wire_url(url: &str) -> bool {
    url.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b))
}

/// A GET of an S3 object URL can be signed (service `s3`, unsigned payload).
pub fn check_s3_url_signs(url: &str, region: &str) {
    let credentials = test_credentials();
    let signed = sign_request(&SigningRequest {
        method: "GET",
        url,
        headers: &[],
        payload: PayloadHash::Precomputed("UNSIGNED-PAYLOAD"),
        region,
        service: "s3",
        credentials: &credentials,
        time_ms: TEST_TIME_MS,
    });
    if let Err(error) = signed {
        panic!("an S3 object URL cannot be signed: {error} ({url})");
    }
}
