//! Where an S3 object is fetched from, for asynchronous results:
//! virtual-hosted style on AWS (`https://<bucket>.s3.<region>.<suffix>/<key>`,
//! path style for buckets with dots, whose names break the TLS wildcard
//! certificate), path style on an override endpoint (`AWS_ENDPOINT_URL_S3`:
//! a VPC endpoint, a proxy, the local stand-in).

use crate::config::endpoint_url::{check_region, dns_suffix, parse_override_url, BaseUrl};
use crate::config::s3_location::S3Location;

/// An S3 endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Endpoint {
    /// The region's S3 host, e.g. `s3.us-east-1.amazonaws.com`.
    Regional {
        /// Host name.
        host: String,
    },
    /// An override base URL; objects are addressed path style.
    Override(BaseUrl),
}

impl S3Endpoint {
    /// The override when one is given (http only for loopback hosts), else
    /// the region's host (`s3-fips.` with FIPS where the partition has it).
    pub fn new(override_url: Option<&str>, region: &str, use_fips: bool) -> Result<Self, String> {
        if let Some(url) = override_url {
            if use_fips {
                return Err("cannot be combined with useFips".to_owned());
            }
            return parse_override_url(url).map(Self::Override);
        }
        check_region(region)?;
        let suffix = dns_suffix(region);
        let service = if use_fips && suffix == "amazonaws.com" {
            "s3-fips"
        } else {
            "s3"
        };
        Ok(Self::Regional {
            host: format!("{service}.{region}.{suffix}"),
        })
    }

    /// The object's URL, percent-encoded as S3 signs it (every byte but
    /// unreserved characters and `/`).
    pub fn object_url(&self, location: &S3Location) -> String {
        let key = encode_key(&location.key);
        match self {
            Self::Override(base) => base.join(&format!("/{}/{key}", location.bucket)),
            Self::Regional { host } if location.bucket.contains('.') => {
                format!("https://{host}/{}/{key}", location.bucket)
            }
            Self::Regional { host } => format!("https://{}.{host}/{key}", location.bucket),
        }
    }
}

fn encode_key(key: &str) -> String {
    let mut encoded = String::with_capacity(key.len());
    for byte in key.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(bucket: &str, key: &str) -> S3Location {
        S3Location {
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    #[test]
    fn object_urls() {
        let out = location("hn-async", "out/9f1c.out");
        let cases = [
            (
                None,
                "us-east-1",
                false,
                &out,
                "https://hn-async.s3.us-east-1.amazonaws.com/out/9f1c.out",
            ),
            (
                None,
                "us-east-1",
                true,
                &out,
                "https://hn-async.s3-fips.us-east-1.amazonaws.com/out/9f1c.out",
            ),
            (
                None,
                "us-gov-west-1",
                true,
                &out,
                "https://hn-async.s3-fips.us-gov-west-1.amazonaws.com/out/9f1c.out",
            ),
            (
                None,
                "cn-north-1",
                true,
                &out,
                "https://hn-async.s3.cn-north-1.amazonaws.com.cn/out/9f1c.out",
            ),
            (
                None,
                "eu-west-1",
                false,
                &location("hn.async", "a b+c/ü.out"),
                "https://s3.eu-west-1.amazonaws.com/hn.async/a%20b%2Bc/%C3%BC.out",
            ),
            (
                Some("http://127.0.0.1:9000"),
                "us-east-1",
                false,
                &out,
                "http://127.0.0.1:9000/hn-async/out/9f1c.out",
            ),
            (
                Some("https://s3.proxy.example/base/"),
                "us-east-1",
                false,
                &out,
                "https://s3.proxy.example/base/hn-async/out/9f1c.out",
            ),
        ];
        for (override_url, region, fips, location, expected) in cases {
            let endpoint = S3Endpoint::new(override_url, region, fips).unwrap();
            assert_eq!(
                endpoint.object_url(location),
                expected,
                "{region} {override_url:?}"
            );
        }
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(S3Endpoint::new(Some("http://example.com"), "us-east-1", false).is_err());
        assert!(S3Endpoint::new(Some("http://127.0.0.1:1"), "us-east-1", true).is_err());
        assert!(S3Endpoint::new(None, "nowhere", false).is_err());
    }
}
