//! S3Location::parse, check_bucket_name and S3Access on arbitrary text
//! (tried as is and behind `s3://`): an accepted URI has a valid bucket, a
//! 1-1024 byte key without control characters, and prints back exactly as
//! given; bucket names obey S3's rule; only listed buckets are reachable;
//! refusals do not repeat the input.
#![no_main]

use healthnav_edge::config::s3_access::S3Access;
use healthnav_edge::config::s3_location::{check_bucket_name, S3Location};
use healthnav_edge::text::is_forbidden_char;
use healthnav_edge_fuzz::contains_marker;
use libfuzzer_sys::fuzz_target;

fn reference_bucket(name: &str) -> bool {
    let b = name.as_bytes();
    let ip = name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok());
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && !name.contains("..")
        && !ip
}

fn check_uri(uri: &str) {
    match S3Location::parse(uri) {
        Ok(location) => {
            assert_eq!(location.uri(), uri);
            assert!(
                reference_bucket(&location.bucket),
                "bucket {:?}",
                location.bucket
            );
            assert!((1..=1024).contains(&location.key.len()));
            assert!(!location.key.chars().any(is_forbidden_char));
            assert_eq!(S3Location::parse(&location.uri()).as_ref(), Ok(&location));
            let listed = S3Access::new(vec![location.bucket.clone()], None)
                .unwrap_or_else(|e| panic!("{e:?}"));
            assert!(listed.check(&location, None).is_ok());
            // Nothing is reachable until a bucket is listed.
            assert!(S3Access::default()
                .check(&location, Some("caller"))
                .is_err());
        }
        Err((code, message)) => {
            assert!(
                matches!(
                    code,
                    "unsupported_scheme" | "invalid_s3_uri" | "control_character"
                ),
                "{code}"
            );
            assert!(!message.trim().is_empty());
            assert!(!contains_marker(&message), "{message:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_uri(&text);
    if !text.starts_with("s3://") {
        check_uri(&format!("s3://{text}"));
    }
    let bucket = text.split('/').next().unwrap_or_default();
    let valid = reference_bucket(bucket);
    assert_eq!(check_bucket_name(bucket).is_ok(), valid, "{bucket:?}");
    assert_eq!(S3Access::new(vec![bucket.to_owned()], None).is_ok(), valid);
    if let Ok(list) = S3Access::new(vec![bucket.to_owned(), "healthnav-images".to_owned()], None) {
        let at = |bucket: &str| S3Location::parse(&format!("s3://{bucket}/key.png"));
        for listed in [bucket, "healthnav-images"] {
            if let Ok(location) = at(listed) {
                assert!(list.check(&location, None).is_ok());
            }
        }
        let unlisted = "other-bucket-x";
        if let Ok(location) = at(unlisted) {
            assert_eq!(list.check(&location, None).is_ok(), bucket == unlisted);
        }
    }
});
