//! sign_request with arbitrary method, URL, headers, payload (bytes or a
//! precomputed hash), region, service, credentials and time: it must never
//! panic (aws-sigv4 itself `expect`s a host, valid header values, …; our
//! checks must keep those unreachable). A signature names the key, date,
//! region and service in its scope, signs host and x-amz-date, carries the
//! session token when there is one, never contains the secret, and is
//! deterministic. A refusal is a 400 that repeats no secret and no input;
//! a request built only from known-valid parts is signed.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use healthnav_edge::{sign_request, Credentials, PayloadHash, SigningRequest};
use healthnav_edge_fuzz::{check_error_shape, contains_marker, keep_if_valid, Text};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

const METHODS: [&str; 5] = ["POST", "GET", "PUT", "DELETE", "HEAD"];
const URLS: [&str; 7] = [
    "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/medical-triage-endpoint/invocations",
    "http://127.0.0.1:54329/endpoints/x/invocations",
    "https://my-bucket.s3.us-east-1.amazonaws.com/async-out/abc.out",
    "https://s3.us-east-1.amazonaws.com/my-bucket/a%20b/c?list-type=2&prefix=x",
    "https://example.com",
    "https://example.com:8443/a/./b/../c?b=2&a=1&a=0",
    "http://[::1]:9000/",
];
const SCHEMES: [&str; 2] = ["https", "http"];
const HOSTS: [&str; 6] = [
    "example.com",
    "127.0.0.1",
    "[::1]",
    "runtime.sagemaker.us-east-1.amazonaws.com",
    "a",
    "xn--bcher-kva.example",
];
const SEGMENTS: [&str; 9] = [
    "endpoints",
    "medical-x",
    "invocations",
    "a%20b",
    "%2F",
    ".",
    "..",
    "",
    "~user",
];
const QUERIES: [&str; 4] = ["a=1", "b=2&a=1", "list-type=2&prefix=x%2Fy", "flag"];
const HEADER_NAMES: [&str; 7] = [
    "content-type",
    "accept",
    "x-amz-target",
    "x-amzn-sagemaker-custom-attributes",
    "X-Custom",
    "host",
    "x-amz-content-sha256",
];
const HEADER_VALUES: [&str; 7] = [
    "application/json",
    "text/csv",
    " spaced  value ",
    "a\tb",
    "",
    "UNSIGNED-PAYLOAD",
    EMPTY_SHA256,
];
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const HASHES: [&str; 2] = ["UNSIGNED-PAYLOAD", EMPTY_SHA256];
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "us-gov-west-1", "cn-north-1"];
const SERVICES: [&str; 5] = ["sagemaker", "s3", "execute-api", "s3express", "sts"];
const KEY_IDS: [&str; 2] = ["AKIDEXAMPLE", "ASIA1234567890ABCDEF"];
const SECRETS: [&str; 2] = [
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETMARKER",
    "SECRETMARKER+/=~",
];
const TOKENS: [&str; 2] = [
    "TOKENMARKER/abc+def==",
    "IQoJb3JpZ2luX2VjEAMaCXVzLWVhc3QtMSJHMEUCIQTOKENMARKER",
];

#[derive(Arbitrary, Debug)]
enum Url {
    Pick(u8),
    Built {
        scheme: Text,
        host: Text,
        port: Option<u16>,
        segments: Vec<Text>,
        query: Option<Text>,
    },
    Other(Text),
}

#[derive(Arbitrary, Debug)]
enum Payload {
    Body(Vec<u8>),
    Precomputed(Text),
}

#[derive(Arbitrary, Debug)]
enum Time {
    /// Seconds after 2020-01-01.
    Pick(u32),
    Raw(f64),
}

#[derive(Arbitrary, Debug)]
struct Input {
    method: Text,
    url: Url,
    headers: Vec<(Text, Text)>,
    payload: Payload,
    region: Text,
    service: Text,
    access_key_id: Text,
    secret_access_key: Text,
    session_token: Option<Text>,
    time: Time,
}

/// `YYYYMMDDTHHMMSSZ` for seconds since 1970 (Hinnant's civil_from_days).
fn amz_date(seconds: u64) -> String {
    let (days, secs) = ((seconds / 86_400) as i64, seconds % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The secret and token markers are only checked when no other input carries them.
fn secret_free(text: &str) -> bool {
    !text.contains("SECRETMARKER") && !text.contains("TOKENMARKER")
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let valid = std::cell::Cell::new(true);
    let invalid = || valid.set(false);
    let pick = |text: &Text, picks: &[&str]| {
        let (s, ok) = text.render(picks);
        valid.set(valid.get() && ok);
        s
    };
    let method = pick(&input.method, &METHODS);
    let url = match &input.url {
        Url::Pick(n) => URLS[usize::from(*n) % URLS.len()].to_owned(),
        Url::Built {
            scheme,
            host,
            port,
            segments,
            query,
        } => {
            let mut url = format!("{}://{}", pick(scheme, &SCHEMES), pick(host, &HOSTS));
            if let Some(port) = port {
                url.push_str(&format!(":{port}"));
                if *port == 0 {
                    invalid();
                }
            }
            for segment in segments {
                url.push('/');
                url.push_str(&pick(segment, &SEGMENTS));
            }
            if let Some(query) = query {
                url.push('?');
                url.push_str(&pick(query, &QUERIES));
            }
            url
        }
        Url::Other(text) => {
            invalid();
            text.render(&[]).0
        }
    };
    let headers: Vec<(String, String)> = input
        .headers
        .iter()
        .map(|(name, value)| (pick(name, &HEADER_NAMES), pick(value, &HEADER_VALUES)))
        .collect();
    let payload_hash;
    let payload = match &input.payload {
        Payload::Body(bytes) => {
            payload_hash = hex_sha256(bytes);
            PayloadHash::Body(bytes)
        }
        Payload::Precomputed(text) => {
            payload_hash = pick(text, &HASHES);
            PayloadHash::Precomputed(&payload_hash)
        }
    };
    let region = pick(&input.region, &REGIONS);
    let service = pick(&input.service, &SERVICES);
    let s3 = matches!(service.as_str(), "s3" | "s3-outposts" | "s3express");
    let credentials = Credentials {
        access_key_id: pick(&input.access_key_id, &KEY_IDS),
        secret_access_key: pick(&input.secret_access_key, &SECRETS),
        session_token: input.session_token.as_ref().map(|t| pick(t, &TOKENS)),
    };
    let time_ms = match input.time {
        Time::Pick(seconds) => 1_577_836_800_000.0 + f64::from(seconds) * 1000.0,
        Time::Raw(ms) => {
            invalid();
            ms
        }
    };
    // x-amz-content-sha256 is the caller's only for non-S3 services, and must match the payload.
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("x-amz-content-sha256") && (s3 || *value != payload_hash) {
            invalid();
        }
    }

    let request = SigningRequest {
        method: &method,
        url: &url,
        headers: &headers,
        payload,
        region: &region,
        service: &service,
        credentials: &credentials,
        time_ms,
    };
    let others = format!(
        "{method}{url}{headers:?}{payload:?}{region}{service}{}",
        credentials.access_key_id
    );
    let check_secrets = secret_free(&others);
    assert!(
        !check_secrets || secret_free(&format!("{request:?}")),
        "Debug prints a secret"
    );
    keep_if_valid(valid.get(), data);
    match sign_request(&request) {
        Ok(signed) => {
            assert_eq!(
                sign_request(&request).as_ref().ok(),
                Some(&signed),
                "not deterministic"
            );
            let get = |name: &str| {
                signed
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.as_str())
            };
            assert!(signed
                .iter()
                .all(|(n, _)| !n.bytes().any(|b| b.is_ascii_uppercase())));
            let leaked = signed
                .iter()
                .any(|(n, v)| n != "x-amz-security-token" && !secret_free(v));
            assert!(
                !check_secrets || !leaked,
                "a signed header repeats a secret: {signed:?}"
            );
            let date = amz_date(time_ms as u64 / 1000);
            assert_eq!(get("x-amz-date"), Some(date.as_str()), "time {time_ms}");
            let authorization =
                get("authorization").unwrap_or_else(|| panic!("no authorization in {signed:?}"));
            let scope = format!(
                "AWS4-HMAC-SHA256 Credential={}/{}/{region}/{service}/aws4_request, SignedHeaders=",
                credentials.access_key_id,
                &date[..8]
            );
            let rest = authorization
                .strip_prefix(&scope)
                .unwrap_or_else(|| panic!("{authorization:?} does not start with {scope:?}"));
            let (signed_headers, signature) = rest
                .split_once(", Signature=")
                .unwrap_or_else(|| panic!("{authorization:?}"));
            assert!(
                signature.len() == 64
                    && signature
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            let names: Vec<&str> = signed_headers.split(';').collect();
            assert!(
                names.contains(&"host") && names.contains(&"x-amz-date"),
                "{signed_headers}"
            );
            assert!(
                names.windows(2).all(|w| w[0] < w[1]),
                "SignedHeaders not sorted: {signed_headers}"
            );
            assert_eq!(
                get("x-amz-security-token"),
                credentials.session_token.as_deref()
            );
            if s3 {
                assert_eq!(get("x-amz-content-sha256"), Some(payload_hash.as_str()));
            }
        }
        Err(error) => {
            check_error_shape(&error);
            assert_eq!(
                (error.code.as_str(), error.status()),
                ("invalid_signing_request", 400)
            );
            assert!(!error.errors.is_empty());
            let shown = format!("{error} {error:?}");
            assert!(
                !check_secrets || secret_free(&shown),
                "an error repeats a secret: {shown}"
            );
            assert!(!contains_marker(&shown), "an error repeats input: {shown}");
            assert!(!valid.get(), "a valid request was refused: {error}");
        }
    }
});
