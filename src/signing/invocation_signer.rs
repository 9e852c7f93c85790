//! SigV4 for the gateway's own SageMaker calls: the hot path of
//! `prepareInvocation`. It gives the same headers as the general signer
//! ([`crate::signing::sigv4::sign_request`]) for less work:
//! - the signing key is derived once per UTC day with aws-sigv4's
//!   `generate_signing_key`, not on every request (four HMACs saved), and
//!   kept as a keyed HMAC-SHA256 state (two more compressions saved);
//! - these calls have a fixed shape (a path of unreserved characters, no
//!   query, lower-case header names, values that need no trimming), so their
//!   canonical request is written directly rather than through `http` types
//!   and a header map.
//!
//! A request outside that shape goes to the general signer. Unit tests, the
//! `invocation_signer` fuzz target and the pkg tests
//! (`tests/deno/pkg_api_test.ts`) check that both agree byte for byte.

use std::time::{Duration, UNIX_EPOCH};

use aws_sigv4::sign::v4::generate_signing_key;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::error::{ErrorCode, GatewayError};
use crate::signing::sigv4::{
    check_credentials, check_region_field, check_time, sign_request, Credentials, PayloadHash,
    SigningRequest, CONTENT_SHA256, SIGNER_HEADERS,
};

/// The signing name of SageMaker Runtime.
const SERVICE: &str = "sagemaker";

/// Headers aws-sigv4 adds itself (`host`) or leaves unsigned; with the ones
/// the general signer computes or checks ([`SIGNER_HEADERS`],
/// [`CONTENT_SHA256`]), a request that sends one takes the general path.
const UNSIGNED_OR_ADDED_HEADERS: [&str; 4] =
    ["host", "transfer-encoding", "user-agent", "x-amzn-trace-id"];

fn is_special_header(name: &str) -> bool {
    SIGNER_HEADERS.contains(&name)
        || name == CONTENT_SHA256
        || UNSIGNED_OR_ADDED_HEADERS.contains(&name)
}

/// Longer URLs are the general signer's to refuse.
const MAX_URL_BYTES: usize = 8192;

/// Signs the gateway's InvokeEndpoint requests for one set of credentials.
#[derive(Debug)]
pub struct InvocationSigner {
    credentials: Credentials,
    region: String,
    /// The signing key of the last day signed for.
    day_key: Option<DayKey>,
}

/// The signing key of one day, as an HMAC state already keyed with it.
struct DayKey {
    /// `YYYYMMDD`.
    day: String,
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for DayKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key signs requests: never printed.
        f.debug_struct("DayKey").field("day", &self.day).finish()
    }
}

impl InvocationSigner {
    /// Checks the credentials and region once, so each request only checks its time.
    pub fn new(credentials: Credentials, region: &str) -> Result<Self, GatewayError> {
        let mut problems = check_credentials(&credentials);
        problems.extend(check_region_field(region));
        if !problems.is_empty() {
            let mut error = GatewayError::new(
                ErrorCode::InvalidSigningRequest,
                "The credentials or region to sign with are invalid.",
            );
            error.errors = problems;
            return Err(error);
        }
        Ok(Self {
            credentials,
            region: region.to_owned(),
            day_key: None,
        })
    }

    /// Signs a POST to `url` with `headers` and the payload (its bytes, or
    /// their SHA-256 computed natively), at `time_ms`, and returns the
    /// headers to add, in the general signer's order.
    pub fn sign(
        &mut self,
        url: &str,
        headers: &[(String, String)],
        payload: PayloadHash<'_>,
        time_ms: f64,
    ) -> Result<Vec<(String, String)>, GatewayError> {
        let plain = PlainRequest::from_parts(url, headers);
        let (Some(plain), Ok(()), true) = (plain, check_time(time_ms), is_plain_payload(payload))
        else {
            return self.sign_in_general(url, headers, payload, time_ms);
        };
        let time = UNIX_EPOCH + Duration::from_millis(time_ms as u64);
        let amz_date = amz_date(time_ms);
        // `YYYYMMDD`: the date's first eight ASCII characters.
        let day = amz_date.get(..8).unwrap_or_default();
        let mut scope = String::with_capacity(48);
        for part in [day, "/", &self.region, "/", SERVICE, "/aws4_request"] {
            scope.push_str(part);
        }
        self.refresh_day_key(day, time);
        let token = self.credentials.session_token.as_deref();

        let mut signed: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        signed.push(("host", plain.host));
        signed.push(("x-amz-date", &amz_date));
        if let Some(token) = token {
            signed.push(("x-amz-security-token", token));
        }
        signed.sort_unstable_by(|a, b| a.0.cmp(b.0));
        if signed
            .windows(2)
            .any(|pair| matches!(pair, [a, b] if a.0 == b.0))
        {
            // Repeated names are joined by the general signer's header map.
            return self.sign_in_general(url, headers, payload, time_ms);
        }
        let signed_names = signed
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(";");

        let canonical = canonical_request(plain.path, &signed, &signed_names, payload);
        let string_to_sign = string_to_sign(&amz_date, &scope, &canonical);

        let Some(mut mac) = self.day_key.as_ref().map(|cached| cached.mac.clone()) else {
            return self.sign_in_general(url, headers, payload, time_ms);
        };
        mac.update(string_to_sign.as_bytes());
        let mut authorization = String::with_capacity(256);
        for part in [
            "AWS4-HMAC-SHA256 Credential=",
            &self.credentials.access_key_id,
            "/",
            &scope,
            ", SignedHeaders=",
            &signed_names,
            ", Signature=",
        ] {
            authorization.push_str(part);
        }
        push_hex(&mut authorization, &mac.finalize().into_bytes());
        let mut added = vec![
            ("x-amz-date".to_owned(), amz_date.clone()),
            ("authorization".to_owned(), authorization),
        ];
        if let Some(token) = token {
            added.push(("x-amz-security-token".to_owned(), token.to_owned()));
        }
        Ok(added)
    }

    fn sign_in_general(
        &self,
        url: &str,
        headers: &[(String, String)],
        payload: PayloadHash<'_>,
        time_ms: f64,
    ) -> Result<Vec<(String, String)>, GatewayError> {
        sign_request(&SigningRequest {
            method: "POST",
            url,
            headers,
            payload,
            region: &self.region,
            service: SERVICE,
            credentials: &self.credentials,
            time_ms,
        })
    }

    /// Derives the signing key when the day changes.
    fn refresh_day_key(&mut self, day: &str, time: std::time::SystemTime) {
        let stale = self.day_key.as_ref().is_none_or(|cached| cached.day != day);
        if stale {
            let key = generate_signing_key(
                &self.credentials.secret_access_key,
                time,
                &self.region,
                SERVICE,
            );
            // HMAC takes a key of any length; a refusal leaves no key, and
            // `sign` then takes the general signer.
            self.day_key = Hmac::<Sha256>::new_from_slice(key.as_ref())
                .ok()
                .map(|mac| DayKey {
                    day: day.to_owned(),
                    mac,
                });
        }
    }
}

/// SigV4's canonical request of a plain POST: `signed` are the headers to
/// sign, sorted by name.
fn canonical_request(
    path: &str,
    signed: &[(&str, &str)],
    signed_names: &str,
    payload: PayloadHash<'_>,
) -> String {
    let mut canonical = String::with_capacity(512);
    for part in ["POST\n", path, "\n\n"] {
        canonical.push_str(part);
    }
    for (name, value) in signed {
        for part in [*name, ":", *value, "\n"] {
            canonical.push_str(part);
        }
    }
    for part in ["\n", signed_names, "\n"] {
        canonical.push_str(part);
    }
    match payload {
        PayloadHash::Body(body) => push_sha256_hex(&mut canonical, body),
        PayloadHash::Precomputed(hash) => canonical.push_str(hash),
    }
    canonical
}

/// A payload the canonical request can take as given: bytes, or a SHA-256
/// in lower-case hex (anything else is the general signer's to refuse).
fn is_plain_payload(payload: PayloadHash<'_>) -> bool {
    match payload {
        PayloadHash::Body(_) => true,
        PayloadHash::Precomputed(hash) => {
            hash.len() == 64
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
    }
}

/// SigV4's string to sign for a request at `amz_date` in `scope`.
fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    let mut text = String::with_capacity(160);
    for part in ["AWS4-HMAC-SHA256\n", amz_date, "\n", scope, "\n"] {
        text.push_str(part);
    }
    push_sha256_hex(&mut text, canonical_request.as_bytes());
    text
}

/// The parts of a request whose canonical form is the text itself.
struct PlainRequest<'a> {
    host: &'a str,
    path: &'a str,
}

impl<'a> PlainRequest<'a> {
    fn from_parts(url: &'a str, headers: &[(String, String)]) -> Option<Self> {
        if url.len() > MAX_URL_BYTES {
            return None;
        }
        let (scheme, rest) = url.split_once("://")?;
        let default_port = match scheme {
            "https" => ":443",
            "http" => ":80",
            _ => return None,
        };
        let path_start = rest.find('/')?;
        let (authority, path) = rest.split_at(path_start);
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
        // 1 to 65535, written without leading zeros.
        let port_ok = port.is_none_or(|port| {
            !port.starts_with('0') && port.parse::<u16>().is_ok_and(|port| port > 0)
        });
        if !host_ok || !port_ok || !is_plain_path(path) || !headers.iter().all(is_plain_header) {
            return None;
        }
        // The general signer leaves a scheme's default port out of `host`.
        let host = if authority.ends_with(default_port) {
            host
        } else {
            authority
        };
        Some(Self { host, path })
    }
}

/// A path that URI normalisation and SigV4's double encoding leave as it is.
fn is_plain_path(path: &str) -> bool {
    let chars_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/".contains(&b));
    let segments_ok = path
        .split('/')
        .skip(1)
        .all(|segment| !matches!(segment, "" | "." | ".."));
    path.starts_with('/') && chars_ok && segments_ok
}

/// A lower-case name the signer signs as given, and a value it does not trim.
fn is_plain_header((name, value): &(String, String)) -> bool {
    let name_ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !is_special_header(name);
    let value_ok = value.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && !value.contains("  ")
        && !value.is_empty();
    name_ok && value_ok
}

/// Appends the lower-case hex SHA-256 of `data`.
fn push_sha256_hex(out: &mut String, data: &[u8]) {
    push_hex(out, &Sha256::digest(data));
}

/// Appends a 32-byte digest as 64 lower-case hex digits.
fn push_hex(out: &mut String, digest: &[u8]) {
    let mut hex = [0u8; 64];
    if hex::encode_to_slice(digest, &mut hex).is_ok() {
        out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
    }
}

/// `YYYYMMDDTHHMMSSZ` for milliseconds since 1970 (in range: see `check_time`).
fn amz_date(time_ms: f64) -> String {
    let seconds = (time_ms as u64) / 1000;
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let of_day = seconds % 86_400;
    let mut date = String::with_capacity(16);
    let fields = [
        (year, 4),
        (month, 2),
        (day, 2),
        (of_day / 3600, 2),
        (of_day / 60 % 60, 2),
        (of_day % 60, 2),
    ];
    for (index, (value, width)) in fields.into_iter().enumerate() {
        if index == 3 {
            date.push('T');
        }
        push_zero_padded(&mut date, value, width);
    }
    date.push('Z');
    date
}

/// Appends the last `width` decimal digits of `value`, zero-padded.
fn push_zero_padded(out: &mut String, value: u64, width: u32) {
    for position in (0..width).rev() {
        let digit = value / 10u64.pow(position) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Year, month and day of a day count since 1970-01-01 (proleptic Gregorian),
/// after Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, so leap days end each 400-year era.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".to_owned(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned(),
            session_token: token.map(str::to_owned),
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    /// Signs with both signers and asserts the same headers.
    fn assert_agrees(url: &str, pairs: &[(&str, &str)], token: Option<&str>, time_ms: f64) {
        let headers = headers(pairs);
        let body = br#"{"symptoms":["cough"],"age":40,"gender":"female"}"#;
        let mut signer = InvocationSigner::new(credentials(token), "eu-west-2")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let fast = signer.sign(url, &headers, PayloadHash::Body(body), time_ms);
        assert_eq!(
            fast,
            general(url, &headers, body, token, time_ms),
            "{url} {pairs:?}"
        );
    }

    /// aws-sigv4's full signer on the same request: the reference.
    fn general(
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
        token: Option<&str>,
        time_ms: f64,
    ) -> Result<Vec<(String, String)>, GatewayError> {
        sign_request(&SigningRequest {
            method: "POST",
            url,
            headers,
            payload: PayloadHash::Body(body),
            region: "eu-west-2",
            service: SERVICE,
            credentials: &credentials(token),
            time_ms,
        })
    }

    const URL: &str =
        "https://runtime.sagemaker.eu-west-2.amazonaws.com/endpoints/triage-v2/invocations";
    const JSON: [(&str, &str); 2] = [
        ("content-type", "application/json"),
        ("accept", "application/json"),
    ];

    #[test]
    fn plain_requests_match_the_general_signer() {
        assert_agrees(URL, &JSON, None, 1_700_000_000_123.0);
        assert_agrees(
            URL,
            &JSON,
            Some("FQoGZXIvYXdzEXAMPLE/+="),
            1_700_000_000_123.0,
        );
        assert_agrees(
            "http://127.0.0.1:54329/endpoints/e/invocations",
            &JSON,
            None,
            0.0,
        );
        assert_agrees(
            "https://runtime.sagemaker.eu-west-2.amazonaws.com:443/endpoints/e/invocations",
            &[
                ("content-type", "text/csv"),
                ("accept", "text/csv"),
                ("x-amzn-sagemaker-target-variant", "variant-b"),
                ("x-amzn-sagemaker-custom-attributes", "a=1, b=two words"),
            ],
            None,
            253_402_300_799_999.0,
        );
    }

    #[test]
    fn other_shapes_fall_back_and_still_match() {
        let cases: [(&str, &[(&str, &str)]); 9] = [
            ("https://127.0.0.1:0/endpoints/e/invocations", &JSON),
            ("https://127.0.0.1:0443/endpoints/e/invocations", &JSON),
            ("https://Runtime.example.com/endpoints/e/invocations", &JSON),
            ("https://h.example.com/a//b/../c/./d", &JSON),
            ("https://h.example.com/a%20b?x=1", &JSON),
            ("https://h.example.com/a", &[("accept", " padded  value ")]),
            ("https://h.example.com/a", &[("Accept", "x")]),
            (
                "https://h.example.com/a",
                &[("accept", "a"), ("accept", "b")],
            ),
            ("https://h.example.com/a", &[("user-agent", "x")]),
        ];
        for (url, pairs) in cases {
            assert_agrees(url, pairs, None, 1_700_000_000_000.0);
        }
        // Out-of-range times are refused by the general signer's checks.
        assert_agrees(URL, &JSON, None, -1.0);
        assert_agrees(URL, &JSON, None, f64::NAN);
    }

    #[test]
    fn a_precomputed_hash_signs_like_the_body() {
        let body = vec![7u8; 100_000];
        let hash = hex::encode(Sha256::digest(&body));
        let mut signer = InvocationSigner::new(credentials(None), "eu-west-2")
            .unwrap_or_else(|e| panic!("{e:?}"));
        let time_ms = 1_700_000_000_000.0;
        let from_hash = signer.sign(URL, &headers(&JSON), PayloadHash::Precomputed(&hash), time_ms);
        let from_body = signer.sign(URL, &headers(&JSON), PayloadHash::Body(&body), time_ms);
        assert_eq!(from_hash, from_body);
        assert_eq!(from_body, general(URL, &headers(&JSON), &body, None, time_ms));
        // A hash that is not lower-case hex is the general signer's to refuse.
        let upper = hash.to_ascii_uppercase();
        let refused = signer.sign(URL, &headers(&JSON), PayloadHash::Precomputed(&upper), time_ms);
        assert_eq!(refused.unwrap_err().errors[0].path, "bodySha256");
    }

    #[test]
    fn the_day_key_is_refreshed_when_the_day_changes() {
        let day_ms = 86_400_000.0;
        let mut signer = InvocationSigner::new(credentials(None), "eu-west-2")
            .unwrap_or_else(|e| panic!("{e:?}"));
        for time_ms in [0.0, day_ms - 1.0, day_ms, 40.0 * day_ms, day_ms] {
            let fast = signer.sign(URL, &headers(&JSON), PayloadHash::Body(b"{}"), time_ms);
            let reference = general(URL, &headers(&JSON), b"{}", None, time_ms);
            assert_eq!(fast, reference, "at {time_ms}");
        }
    }

    #[test]
    fn dates_are_civil_utc_dates() {
        assert_eq!(amz_date(0.0), "19700101T000000Z");
        assert_eq!(amz_date(951_782_400_000.0), "20000229T000000Z");
        assert_eq!(amz_date(1_700_000_000_999.0), "20231114T221320Z");
        assert_eq!(amz_date(253_402_300_799_999.0), "99991231T235959Z");
    }

    #[test]
    fn bad_credentials_are_refused_once_up_front() {
        let mut bad = credentials(Some("has space"));
        bad.access_key_id = String::new();
        let error = InvocationSigner::new(bad, "not a region").err();
        let paths: Vec<String> = error
            .map(|e| e.errors.into_iter().map(|f| f.path).collect())
            .unwrap_or_default();
        assert_eq!(
            paths,
            [
                "credentials.accessKeyId",
                "credentials.sessionToken",
                "region"
            ]
        );
    }
}
