//! parse_override_url on arbitrary text (AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME):
//! an accepted URL is http(s) without credentials, query, fragment, spaces or
//! dot segments, plain http only for loopback, normalised without a trailing
//! slash, accepted again as is (idempotent), and an invocation URL built on
//! it can be signed. A refusal is a fixed sentence that does not repeat it.
#![no_main]

use healthnav_edge::config::endpoint_url::{is_loopback, parse_override_url};
use healthnav_edge::{sign_request, PayloadHash, SigningRequest};
use healthnav_edge_fuzz::{contains_marker, test_credentials, TEST_TIME_MS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = String::from_utf8_lossy(data);
    match parse_override_url(&input) {
        Ok(base) => {
            let base = base.as_str();
            let (scheme, rest) = base
                .split_once("://")
                .unwrap_or_else(|| panic!("{base:?} has no scheme"));
            assert!(scheme == "https" || scheme == "http", "{base:?}");
            assert!(!base.ends_with('/'), "{base:?}");
            assert!(
                rest.bytes()
                    .all(|b| b.is_ascii_graphic() && !b"?#@\\".contains(&b)),
                "{base:?}"
            );
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            assert!(!path.split('/').any(|s| s == "." || s == ".."), "{base:?}");
            let host = match authority.find(']') {
                Some(end) if authority.starts_with('[') => &authority[..=end],
                _ => authority.split(':').next().unwrap_or_default(),
            };
            assert!(!host.is_empty(), "{base:?}");
            if scheme == "http" {
                assert!(is_loopback(host), "plain http to {host:?}");
            }
            let again = parse_override_url(base).map(|b| b.as_str().to_owned());
            assert_eq!(again.as_deref(), Ok(base), "not idempotent");

            let url = format!("{base}/endpoints/medical-triage-endpoint/invocations");
            let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
            let credentials = test_credentials();
            let signed = sign_request(&SigningRequest {
                method: "POST",
                url: &url,
                headers: &headers,
                payload: PayloadHash::Body(b"{}"),
                region: "us-east-1",
                service: "sagemaker",
                credentials: &credentials,
                time_ms: TEST_TIME_MS,
            });
            if let Err(error) = signed {
                panic!("accepted override {base:?} gives an unsignable URL: {error}");
            }
        }
        Err(message) => {
            assert!(!message.trim().is_empty());
            assert!(!contains_marker(&message), "{message:?}");
        }
    }
});
