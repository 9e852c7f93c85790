//! Where SageMaker Runtime lives: the regional host (standard, FIPS, China,
//! ISO partitions) or an override URL, as the AWS SDKs resolve
//! `AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME` and `AWS_ENDPOINT_URL`.

/// The base every invocation URL is built on: `scheme://authority/prefix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// Text without a trailing slash, e.g. `https://runtime.sagemaker.us-east-1.amazonaws.com`.
    base: String,
}

impl BaseUrl {
    /// The full URL for a path that starts with `/`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `<base>/endpoints/<endpoint>/<operation>`, e.g. `invocations`.
    /// Endpoint names are [A-Za-z0-9-] only, so the path needs no escaping.
    pub fn endpoint_url(&self, endpoint: &str, operation: &str) -> String {
        let mut url = String::with_capacity(self.base.len() + endpoint.len() + 32);
        for part in [&self.base, "/endpoints/", endpoint, "/", operation] {
            url.push_str(part);
        }
        url
    }

    /// The base as text.
    pub fn as_str(&self) -> &str {
        &self.base
    }
}

/// Checks an AWS region name such as `us-east-1`, `us-gov-west-1` or `cn-north-1`.
pub fn check_region(region: &str) -> Result<(), String> {
    let parts: Vec<&str> = region.split('-').collect();
    let shaped = region.len() <= 32
        && parts.len() >= 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit()));
    if shaped {
        Ok(())
    } else {
        Err("must be an AWS region such as us-east-1".to_owned())
    }
}

/// The DNS suffix of a region's partition (China, the ISO partitions, or
/// `amazonaws.com` for the standard and GovCloud partitions).
pub fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else if region.starts_with("us-isob-") {
        "sc2s.sgov.gov"
    } else if region.starts_with("us-iso-") {
        "c2s.ic.gov"
    } else {
        "amazonaws.com"
    }
}

/// The SageMaker Runtime host for a region, as the SDKs' endpoint rules give it.
pub fn regional_base_url(region: &str, use_fips: bool) -> Result<BaseUrl, String> {
    check_region(region)?;
    let suffix = dns_suffix(region);
    let fips_prefix = if region.starts_with("us-gov-") {
        // GovCloud's standard endpoint is already FIPS-validated.
        "runtime.sagemaker"
    } else if suffix == "amazonaws.com" {
        "runtime-fips.sagemaker"
    } else {
        "runtime.sagemaker-fips"
    };
    let prefix = if use_fips {
        fips_prefix
    } else {
        "runtime.sagemaker"
    };
    Ok(BaseUrl {
        base: format!("https://{prefix}.{region}.{suffix}"),
    })
}

/// Parses an override such as `https://vpce-1.runtime.sagemaker.us-east-1.vpce.amazonaws.com`
/// or `http://127.0.0.1:54329`. Plain http is accepted only for loopback hosts.
pub fn parse_override_url(url: &str) -> Result<BaseUrl, String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| "must be an absolute URL such as https://host".to_owned())?;
    if scheme != "https" && scheme != "http" {
        return Err("must use https (or http for a loopback host)".to_owned());
    }
    if rest.contains(['?', '#', '@', '\\'])
        || rest
            .bytes()
            .any(|b| b.is_ascii_control() || b == b' ' || !b.is_ascii())
    {
        return Err("must not contain credentials, a query, a fragment or spaces".to_owned());
    }
    let (authority, path) = match rest.find('/') {
        Some(index) => rest.split_at(index),
        None => (rest, ""),
    };
    let host = check_authority(authority)?;
    if scheme == "http" && !is_loopback(host) {
        return Err(
            "must use https unless the host is loopback (127.0.0.1, localhost or [::1])".to_owned(),
        );
    }
    let path = path.trim_end_matches('/');
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err("must not contain . or .. path segments".to_owned());
    }
    if !is_uri_path(path) {
        return Err("must have a percent-encoded path (RFC 3986 characters only)".to_owned());
    }
    Ok(BaseUrl {
        base: format!("{scheme}://{authority}{path}"),
    })
}

/// RFC 3986 path characters: unreserved, sub-delims, `:` and `/`, and `%XX`
/// escapes. Others (`` ` ``, `<`, `{`, `"` …) either make the signer refuse
/// every invocation URL or are re-encoded by fetch after signing.
fn is_uri_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.iter().enumerate().all(|(index, byte)| match byte {
        b'%' => bytes
            .get(index + 1..index + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
        _ => byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:/".contains(byte),
    })
}

/// Validates `host[:port]` and returns the host.
fn check_authority(authority: &str) -> Result<&str, String> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (inner, after) = bracketed
            .split_once(']')
            .ok_or("has an unclosed IPv6 bracket")?;
        // A real IPv6 address: any text of hex digits and colons used to
        // pass, and http::Uri then refused every invocation URL.
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err("has an invalid IPv6 host".to_owned());
        }
        let port = match after {
            "" => None,
            _ => Some(
                after
                    .strip_prefix(':')
                    .ok_or("has text after the IPv6 host")?,
            ),
        };
        (&authority[..inner.len() + 2], port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let plain_host = host.trim_start_matches('[');
    if host.is_empty()
        || (!host.starts_with('[')
            && !plain_host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
    {
        return Err("has an invalid host".to_owned());
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err("has an invalid port".to_owned());
        }
    }
    Ok(host)
}

/// `localhost`, any 127.0.0.0/8 address, or `[::1]`.
pub fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets.first() == Some(&"127")
        && octets
            .iter()
            .all(|octet| !octet.is_empty() && octet.len() <= 3 && octet.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_hosts_follow_the_sdk_endpoint_rules() {
        let cases = [
            (
                "us-east-1",
                false,
                "https://runtime.sagemaker.us-east-1.amazonaws.com",
            ),
            (
                "eu-west-1",
                false,
                "https://runtime.sagemaker.eu-west-1.amazonaws.com",
            ),
            (
                "us-east-1",
                true,
                "https://runtime-fips.sagemaker.us-east-1.amazonaws.com",
            ),
            (
                "us-gov-west-1",
                true,
                "https://runtime.sagemaker.us-gov-west-1.amazonaws.com",
            ),
            (
                "cn-north-1",
                false,
                "https://runtime.sagemaker.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-northwest-1",
                true,
                "https://runtime.sagemaker-fips.cn-northwest-1.amazonaws.com.cn",
            ),
            (
                "us-iso-east-1",
                false,
                "https://runtime.sagemaker.us-iso-east-1.c2s.ic.gov",
            ),
            (
                "us-isob-east-1",
                false,
                "https://runtime.sagemaker.us-isob-east-1.sc2s.sgov.gov",
            ),
        ];
        for (region, fips, expected) in cases {
            assert_eq!(
                regional_base_url(region, fips).unwrap().as_str(),
                expected,
                "{region} fips={fips}"
            );
        }
    }

    #[test]
    fn bad_regions_are_refused() {
        for region in [
            "",
            "us",
            "US-EAST-1",
            "us-east",
            "us-east-1/x",
            "us-east-1.evil.com",
            "us--1",
        ] {
            assert!(regional_base_url(region, false).is_err(), "{region:?}");
        }
    }

    #[test]
    fn override_urls() {
        let ok = [
            ("http://127.0.0.1:54329", "http://127.0.0.1:54329"),
            ("http://localhost:8080/", "http://localhost:8080"),
            ("http://[::1]:9000", "http://[::1]:9000"),
            (
                "https://vpce-1.runtime.sagemaker.us-east-1.vpce.amazonaws.com",
                "https://vpce-1.runtime.sagemaker.us-east-1.vpce.amazonaws.com",
            ),
            (
                "https://proxy.example.com/sagemaker/",
                "https://proxy.example.com/sagemaker",
            ),
        ];
        for (input, base) in ok {
            assert_eq!(parse_override_url(input).unwrap().as_str(), base, "{input}");
        }
        let refused = [
            "http://example.com",
            "http://10.0.0.1:80",
            "http://169.254.169.254/latest",
            "http://127.0.0.1.evil.com",
            "ftp://127.0.0.1",
            "file:///etc/passwd",
            "127.0.0.1:80",
            "https://user:pw@host",
            "https://host/?q=1",
            "https://host#x",
            "https://ho st",
            "https://host:99999",
            "https://host:",
            "https://host/a/../b",
            "https://",
            "http://[::1",
        ];
        for input in refused {
            assert!(parse_override_url(input).is_err(), "{input}");
        }
    }

    /// Found by fuzz/fuzz_targets/override_url.rs: `https://ho//at..s/`` `
    /// was accepted, then every invocation URL built on it was refused by
    /// the signer (http::Uri rejects the backtick).
    #[test]
    fn override_paths_are_percent_encoded() {
        for input in [
            "https://ho//at..s/`",
            "https://host/a<b>",
            "https://host/{x}",
            "https://host/a\"b",
            "https://host/a^b|c",
            "https://host/%zz",
            "https://host/50%",
        ] {
            assert!(parse_override_url(input).is_err(), "{input}");
        }
        let base = parse_override_url("https://host/a%2Fb/~x;v=1,2/").unwrap();
        assert_eq!(base.as_str(), "https://host/a%2Fb/~x;v=1,2");
    }

    /// Found by fuzz/fuzz_targets/override_url.rs: `https://[` + 90 colons +
    /// `1]` was accepted as an IPv6 host, then refused by the signer.
    #[test]
    fn ipv6_hosts_are_addresses() {
        let long = format!("https://[{}1]", ":".repeat(90));
        for input in [
            long.as_str(),
            "https://[:]",
            "https://[1::2::3]",
            "https://[:::1]:443",
            "https://[1.2]",
        ] {
            assert!(parse_override_url(input).is_err(), "{input}");
        }
        for input in [
            "https://[fe80::1]",
            "https://[::ffff:10.0.0.1]:8443",
            "http://[::1]:9000/x",
        ] {
            assert_eq!(parse_override_url(input).unwrap().as_str(), input);
        }
    }
}
