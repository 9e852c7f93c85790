//! InvocationSigner (prepareInvocation's signer: the day's key cached, the
//! canonical request of plain requests written directly) against the general
//! aws-sigv4 signer, for arbitrary URLs, headers, bodies, credentials and
//! times: both must give the same headers, or the same refusal, every time.
//! One signer signs every time of the input in turn, so its cached key is
//! also checked across day changes. When `InvocationSigner::new` refuses the
//! region or session token, the general signer refuses the same input too,
//! with at least the same field errors, at every time of the input.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use healthnav_edge::signing::invocation_signer::InvocationSigner;
use healthnav_edge::{sign_request, Credentials, PayloadHash, SigningRequest};
use healthnav_edge_fuzz::{Text, TEST_TIME_MS};
use libfuzzer_sys::fuzz_target;

const SCHEMES: [&str; 2] = ["https", "http"];
const HOSTS: [&str; 5] = [
    "runtime.sagemaker.us-east-1.amazonaws.com",
    "127.0.0.1",
    "Runtime.Example.com",
    "[::1]",
    "a-b.c",
];
const SEGMENTS: [&str; 8] = [
    "endpoints",
    "triage-v2",
    "invocations",
    "a%20b",
    ".",
    "..",
    "",
    "~x_y.z",
];
const HEADER_NAMES: [&str; 8] = [
    "content-type",
    "accept",
    "x-amzn-sagemaker-target-variant",
    "x-amzn-sagemaker-custom-attributes",
    "Accept",
    "user-agent",
    "x-amzn-trace-id",
    "x-amz-content-sha256",
];
const HEADER_VALUES: [&str; 6] = [
    "application/json",
    "text/csv",
    "a=1, b=two words",
    " spaced  value ",
    "variant-b",
    "",
];
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-2", "cn-north-1"];
const TOKENS: [&str; 2] = ["FQoGZXIvYXdzEXAMPLE/+=", "IQoJb3JpZ2luX2VjEAMaCXVz"];

#[derive(Arbitrary, Debug)]
struct Input {
    scheme: Text,
    host: Text,
    port: Option<u16>,
    segments: Vec<Text>,
    query: Option<Text>,
    headers: Vec<(Text, Text)>,
    body: Vec<u8>,
    region: Text,
    token: Option<Text>,
    /// Seconds after 2020-01-01, or any float read as milliseconds.
    times: Vec<Result<u32, f64>>,
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let mut url = format!(
        "{}://{}",
        input.scheme.render(&SCHEMES).0,
        input.host.render(&HOSTS).0
    );
    if let Some(port) = input.port {
        url.push_str(&format!(":{port}"));
    }
    for segment in &input.segments {
        url.push('/');
        url.push_str(&segment.render(&SEGMENTS).0);
    }
    if let Some(query) = &input.query {
        url.push('?');
        url.push_str(&query.render(&["a=1"]).0);
    }
    let headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(name, value)| (name.render(&HEADER_NAMES).0, value.render(&HEADER_VALUES).0))
        .collect();
    let region = input.region.render(&REGIONS).0;
    let credentials = Credentials {
        access_key_id: "AKIDEXAMPLE".to_owned(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned(),
        session_token: input.token.as_ref().map(|token| token.render(&TOKENS).0),
    };
    let times: Vec<f64> = input
        .times
        .iter()
        .take(8)
        .map(|time| match time {
            Ok(seconds) => (1_577_836_800.0 + f64::from(*seconds)) * 1000.0,
            Err(raw) => *raw,
        })
        .collect();
    let general = |time_ms: f64| {
        sign_request(&SigningRequest {
            method: "POST",
            url: &url,
            headers: &headers,
            payload: PayloadHash::Body(&input.body),
            region: &region,
            service: "sagemaker",
            credentials: &credentials,
            time_ms,
        })
    };
    let mut signer = match InvocationSigner::new(credentials.clone(), &region) {
        Ok(signer) => signer,
        Err(refusal) => {
            // Both check the credentials and the region with the same
            // functions (sigv4::check_credentials, check_region_field): the
            // general signer refuses the same input, naming at least the
            // same fields, whatever the URL, headers and time.
            assert_eq!(refusal.code.as_str(), "invalid_signing_request");
            assert!(!refusal.errors.is_empty(), "{refusal:?}");
            for time_ms in times.iter().copied().chain([TEST_TIME_MS]) {
                let error = general(time_ms).expect_err("the general signer signed it");
                assert_eq!(error.code, refusal.code);
                for problem in &refusal.errors {
                    assert!(
                        error.errors.contains(problem),
                        "{problem:?} missing from {:?}",
                        error.errors
                    );
                }
            }
            return;
        }
    };
    for time_ms in times {
        let fast = signer.sign(&url, &headers, PayloadHash::Body(&input.body), time_ms);
        assert_eq!(fast, general(time_ms), "{url} {headers:?} at {time_ms}");
    }
});
