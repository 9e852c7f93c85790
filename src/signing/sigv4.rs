//! SigV4 signing with aws-sigv4, for SageMaker invocations and for any AWS
//! request (`signAwsRequest`). The time is passed in: this crate reads no clock.

use std::fmt;
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::endpoint_url::check_region;
use crate::error::{ErrorCode, FieldError, GatewayError};

/// AWS credentials. `Debug` never prints the secret or the token.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credentials {
    /// Access key id, e.g. `AKIA…`.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Session token of temporary credentials.
    #[serde(default)]
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// What the payload hash is computed from.
#[derive(Debug, Clone, Copy)]
pub enum PayloadHash<'a> {
    /// Hash these bytes (fine for small bodies).
    Body(&'a [u8]),
    /// A SHA-256 the caller computed natively, lower-case hex, or `UNSIGNED-PAYLOAD`.
    Precomputed(&'a str),
}

/// Everything SigV4 needs.
#[derive(Debug, Clone, Copy)]
pub struct SigningRequest<'a> {
    /// HTTP method.
    pub method: &'a str,
    /// Absolute URL, already percent-encoded as it goes on the wire.
    pub url: &'a str,
    /// Headers that will be sent and signed.
    pub headers: &'a [(String, String)],
    /// Payload or its hash.
    pub payload: PayloadHash<'a>,
    /// Region of the credential scope.
    pub region: &'a str,
    /// Signing name, e.g. `sagemaker` or `s3`.
    pub service: &'a str,
    /// Credentials.
    pub credentials: &'a Credentials,
    /// Milliseconds since the Unix epoch.
    pub time_ms: f64,
}

/// Headers the signer computes; a caller must not pass them in.
pub(crate) const SIGNER_HEADERS: [&str; 3] =
    ["authorization", "x-amz-date", "x-amz-security-token"];

/// Added by the signer for S3; other services sign it as an ordinary header
/// when the caller sends it (as the JS SDK v3 does), so it must match the payload.
pub(crate) const CONTENT_SHA256: &str = "x-amz-content-sha256";

/// A header value as SigV4 canonicalises it: trimmed, and each run of
/// spaces and tabs one space.
fn canonical_value(value: &str) -> String {
    value
        .split([' ', '\t'])
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A header the signer computes, whatever its case.
pub(crate) fn is_signer_header(name: &str) -> bool {
    SIGNER_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h))
}

fn is_s3(service: &str) -> bool {
    matches!(service, "s3" | "s3-outposts" | "s3express")
}

/// Signs a request and returns the headers to set (`x-amz-date`,
/// `authorization`, and `x-amz-security-token` / `x-amz-content-sha256` when
/// they apply), with lower-case names. A request that already carries
/// `authorization`, `x-amz-date` or `x-amz-security-token` (an earlier
/// attempt's) is signed without them, as botocore does: the returned headers
/// replace them.
pub fn sign_request(request: &SigningRequest<'_>) -> Result<Vec<(String, String)>, GatewayError> {
    check_request(request)?;
    let mut settings = SigningSettings::default();
    if is_s3(request.service) {
        // S3 signs the path as sent and always sends x-amz-content-sha256, as its SDKs do.
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let identity = AwsCredentials::new(
        request.credentials.access_key_id.clone(),
        request.credentials.secret_access_key.clone(),
        request.credentials.session_token.clone(),
        None,
        "healthnav-edge",
    )
    .into();
    let time = UNIX_EPOCH + Duration::from_millis(request.time_ms as u64);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(request.region)
        .name(request.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|_| invalid("region", "could not build the signing parameters"))?;
    let body = match request.payload {
        PayloadHash::Body(bytes) => SignableBody::Bytes(bytes),
        PayloadHash::Precomputed(hash) => SignableBody::Precomputed(hash.to_owned()),
    };
    // SigV4 trims a value and collapses each run of whitespace to one space;
    // aws-sigv4 does so for spaces only, botocore and @smithy for tabs too.
    let headers: Vec<(&str, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| !is_signer_header(name))
        .map(|(name, value)| (name.as_str(), canonical_value(value)))
        .collect();
    let signable = SignableRequest::new(
        request.method,
        request.url,
        headers.iter().map(|(name, value)| (*name, value.as_str())),
        body,
    )
    .map_err(|_| invalid("url", "is not a URL the signer accepts"))?;
    let output = sign(signable, &params.into())
        .map_err(|_| invalid("headers", "contain a name or value the signer refuses"))?;
    let (instructions, _signature) = output.into_parts();
    Ok(instructions
        .headers()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
        .collect())
}

fn invalid(path: &str, message: &str) -> GatewayError {
    let mut error = GatewayError::new(
        ErrorCode::InvalidSigningRequest,
        "The request to sign is invalid.",
    );
    error
        .errors
        .push(FieldError::new(path, "invalid_value", message));
    error
}

/// Checks every input up front, so the signer never meets a value it would panic on.
fn check_request(request: &SigningRequest<'_>) -> Result<(), GatewayError> {
    let mut problems = Vec::new();
    let mut problem =
        |path: &str, message: &str| problems.push(FieldError::new(path, "invalid_value", message));

    if request.method.is_empty()
        || request.method.len() > 16
        || !request.method.bytes().all(|b| b.is_ascii_uppercase())
    {
        problem("method", "must be an upper-case HTTP method such as POST");
    }
    if let Err(message) = check_url(request.url) {
        problem("url", message);
    }
    for (index, (name, value)) in request.headers.iter().enumerate() {
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !name_ok {
            problem(
                &format!("headers[{index}]"),
                "has a header name that is not an HTTP token",
            );
        }
        if value.bytes().any(|b| b < 0x20 && b != b'\t' || b == 0x7f) || !value.is_ascii() {
            problem(
                &format!("headers[{index}]"),
                "has a value with control or non-ASCII characters",
            );
        } else if name.eq_ignore_ascii_case(CONTENT_SHA256) {
            if is_s3(request.service) {
                problem(
                    &format!("headers[{index}]"),
                    "names a header the signer adds itself",
                );
            } else if !is_payload_hash(value, request.payload) {
                let message = "x-amz-content-sha256 must be the payload's SHA-256 (or UNSIGNED-PAYLOAD when bodySha256 is)";
                problem(&format!("headers[{index}]"), message);
            }
        }
    }
    problems.extend(check_region_field(request.region));
    if request.service.is_empty()
        || request.service.len() > 64
        || !request
            .service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        problems.push(FieldError::new(
            "service",
            "invalid_value",
            "must be an AWS signing name such as sagemaker or s3",
        ));
    }
    problems.extend(check_credentials(request.credentials));
    problems.extend(check_time(request.time_ms).err());
    if let PayloadHash::Precomputed(hash) = request.payload {
        let is_hex = hash.len() == 64
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !is_hex && hash != "UNSIGNED-PAYLOAD" {
            problems.push(FieldError::new(
                "bodySha256",
                "invalid_value",
                "must be 64 lower-case hex digits",
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let mut error = GatewayError::new(
            ErrorCode::InvalidSigningRequest,
            "The request to sign is invalid.",
        );
        error.errors = problems;
        Err(error)
    }
}

/// Whether `value` is the hash the signer puts in the canonical request.
/// The region as a signing-request field problem, if it is not one.
pub(crate) fn check_region_field(region: &str) -> Option<FieldError> {
    check_region(region).err().map(|_| {
        FieldError::new(
            "region",
            "invalid_value",
            "must be an AWS region such as us-east-1",
        )
    })
}

/// Every problem with a set of credentials, as signing-request fields.
pub(crate) fn check_credentials(credentials: &Credentials) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut problem =
        |path: &str, message: &str| problems.push(FieldError::new(path, "invalid_value", message));
    let key_id = &credentials.access_key_id;
    if !(1..=128).contains(&key_id.len()) || !key_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        problem(
            "credentials.accessKeyId",
            "must be 1 to 128 letters and digits",
        );
    }
    let secret = &credentials.secret_access_key;
    if secret.is_empty() || secret.len() > 256 || !secret.bytes().all(|b| b.is_ascii_graphic()) {
        problem(
            "credentials.secretAccessKey",
            "must be 1 to 256 printable ASCII characters",
        );
    }
    if let Some(token) = &credentials.session_token {
        if token.is_empty() || token.len() > 8192 || !token.bytes().all(|b| b.is_ascii_graphic()) {
            problem(
                "credentials.sessionToken",
                "must be printable ASCII without spaces",
            );
        }
    }
    problems
}

/// A signing time SigV4 can write: 0 to 9999-12-31T23:59:59.999Z in milliseconds.
pub(crate) fn check_time(time_ms: f64) -> Result<(), FieldError> {
    if time_ms.is_finite() && (0.0..=253_402_300_799_999.0).contains(&time_ms) {
        Ok(())
    } else {
        Err(FieldError::new(
            "timeMs",
            "invalid_value",
            "must be milliseconds since 1970 (Date.now())",
        ))
    }
}

fn is_payload_hash(value: &str, payload: PayloadHash<'_>) -> bool {
    match payload {
        PayloadHash::Precomputed(hash) => value == hash,
        PayloadHash::Body(bytes) => {
            value
                == Sha256::digest(bytes)
                    .iter()
                    .map(|byte| format!("{byte:02x}"))
                    .collect::<String>()
        }
    }
}

fn check_url(url: &str) -> Result<(), &'static str> {
    if url.len() > 8192 || url.bytes().any(|b| !b.is_ascii_graphic() || b == b'#') {
        return Err("must be an absolute, percent-encoded URL without spaces or a fragment");
    }
    let uri: http::Uri = url
        .parse()
        .map_err(|_| "must be an absolute, percent-encoded URL")?;
    match (uri.scheme_str(), uri.host()) {
        (Some("https" | "http"), Some(host))
            if !host.is_empty()
                && uri
                    .authority()
                    .is_some_and(|a| authority_is_plain(a.as_str())) =>
        {
            Ok(())
        }
        _ => Err("must be an absolute http(s) URL with a host and no credentials"),
    }
}

/// No credentials, and a port (when written) from 1 to 65535.
fn authority_is_plain(authority: &str) -> bool {
    if authority.contains('@') {
        return false;
    }
    if authority.ends_with(']') {
        return true;
    }
    match authority.rsplit_once(':') {
        None => true,
        Some((_, port)) => port.parse::<u16>().is_ok_and(|p| p > 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        }
    }

    #[test]
    fn refuses_fragments_and_impossible_ports() {
        let creds = credentials();
        for url in [
            "https://h/#x",
            "https://h:99999/",
            "https://h:0/",
            "https://h:/x",
        ] {
            let request = SigningRequest {
                method: "GET",
                url,
                headers: &[],
                payload: PayloadHash::Body(b""),
                region: "us-east-1",
                service: "sagemaker",
                credentials: &creds,
                time_ms: 0.0,
            };
            let error = sign_request(&request).unwrap_err();
            assert_eq!(error.errors[0].path, "url", "{url}");
        }
    }

    #[test]
    fn debug_redacts_secrets() {
        let mut c = credentials();
        c.session_token = Some("token-value".into());
        let printed = format!("{c:?}");
        assert!(
            !printed.contains("wJalr") && !printed.contains("token-value"),
            "{printed}"
        );
    }

    #[test]
    fn refuses_inputs_the_signer_would_panic_on() {
        let creds = credentials();
        let headers = vec![
            ("bad name".to_owned(), "x".to_owned()),
            ("x-a".to_owned(), "a\r\nb".to_owned()),
        ];
        let request = SigningRequest {
            method: "post",
            url: "/no-host",
            headers: &headers,
            payload: PayloadHash::Precomputed("xyz"),
            region: "moon",
            service: "Sage Maker",
            credentials: &creds,
            time_ms: f64::NAN,
        };
        let error = sign_request(&request).unwrap_err();
        let paths: Vec<_> = error.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "method",
                "url",
                "headers[0]",
                "headers[1]",
                "region",
                "service",
                "timeMs",
                "bodySha256"
            ]
        );
        assert!(!error.to_string().contains("wJalr"));
    }
}
