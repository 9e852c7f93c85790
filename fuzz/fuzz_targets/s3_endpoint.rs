//! S3 object URLs for asynchronous results (src/config/s3_endpoint.rs):
//! `S3Endpoint::new` on an arbitrary override, region and FIPS flag, then
//! `object_url` for an arbitrary parsed S3 location.
//!
//! Invariants: an override with FIPS is refused; an accepted override
//! addresses objects path style under its base (`<base>/<bucket>/<key>`);
//! regional endpoints are `https://<bucket>.<s3|s3-fips>.<region>.<suffix>/<key>`,
//! path style for dotted buckets, `s3-fips` only with FIPS; the key is
//! percent-encoded so that every URL goes on the wire as is, decodes back to
//! the exact key, and can be signed for S3. Refusals never repeat the input.
#![no_main]

use arbitrary::Arbitrary;
use healthnav_edge::config::endpoint_url::check_region;
use healthnav_edge::config::s3_endpoint::S3Endpoint;
use healthnav_edge::config::s3_location::S3Location;
use healthnav_edge_fuzz::{check_s3_url_signs, contains_marker, is_wire_url};
use libfuzzer_sys::fuzz_target;

const OVERRIDES: [&str; 6] = [
    "http://127.0.0.1:9000",
    "https://s3.proxy.example/base/",
    "http://localhost:4566/s3",
    "http://[::1]:9000",
    "https://bucket.vpce-1.s3.us-east-1.vpce.amazonaws.com",
    "http://PHIMARKER.example.com",
];
const REGIONS: [&str; 6] = [
    "us-east-1",
    "us-gov-west-1",
    "cn-north-1",
    "eu-west-1",
    "us-iso-east-1",
    "PHIMARKER-1",
];
const URIS: [&str; 5] = [
    "s3://hn-async/out/9f1c.out",
    "s3://hn.async/a b+c/ü.out",
    "s3://abc/%2F%/?#[]@!$&'()*+,;=",
    "s3://my.bucket-1/x/y/z",
    "s3://healthnav-images/PHIMARKER\u{7f}",
];

#[derive(Arbitrary, Debug)]
struct Input {
    override_url: Option<(u8, String)>,
    region: (u8, String),
    use_fips: bool,
    location: (u8, String),
}

fn pick<'a>((n, raw): &'a (u8, String), picks: &[&'a str]) -> &'a str {
    let n = usize::from(*n);
    if n % 4 == 3 {
        raw
    } else {
        picks[n % picks.len()]
    }
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex =
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or_else(|_| panic!("{text}"));
            out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("{text}")));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fuzz_target!(|input: Input| {
    let override_url = input.override_url.as_ref().map(|o| pick(o, &OVERRIDES));
    let region = pick(&input.region, &REGIONS);
    let endpoint = match S3Endpoint::new(override_url, region, input.use_fips) {
        Ok(endpoint) => endpoint,
        Err(message) => {
            assert!(!message.trim().is_empty());
            assert!(!contains_marker(&message), "{message}");
            return;
        }
    };
    assert!(
        !(override_url.is_some() && input.use_fips),
        "an override with FIPS"
    );
    let Ok(location) = S3Location::parse(pick(&input.location, &URIS)) else {
        return;
    };
    let url = endpoint.object_url(&location);
    assert!(is_wire_url(&url), "{url}");
    let encoded_key = match &endpoint {
        S3Endpoint::Override(base) => {
            assert!(override_url.is_some());
            let prefix = format!("{}/{}/", base.as_str(), location.bucket);
            url.strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{url} not under {prefix}"))
                .to_owned()
        }
        S3Endpoint::Regional { host } => {
            assert!(override_url.is_none());
            assert!(check_region(region).is_ok());
            let service = host.split('.').next().unwrap_or_default();
            assert_eq!(
                service == "s3-fips",
                input.use_fips && !region.starts_with("cn-") && host.ends_with(".amazonaws.com"),
                "{host}"
            );
            assert!(host.starts_with(&format!("{service}.{region}.")), "{host}");
            let prefix = if location.bucket.contains('.') {
                format!("https://{host}/{}/", location.bucket)
            } else {
                format!("https://{}.{host}/", location.bucket)
            };
            url.strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{url} not under {prefix}"))
                .to_owned()
        }
    };
    assert!(!encoded_key.contains(['?', '#']), "{url}");
    assert_eq!(
        percent_decode(&encoded_key),
        location.key.as_bytes(),
        "{url}"
    );
    // With an override the region is checked by the gateway (`region`), not here.
    if check_region(region).is_ok() {
        check_s3_url_signs(&url, region);
    }
});
