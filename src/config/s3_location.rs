//! `s3://bucket/key` image locations.

/// A parsed S3 location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
}

impl S3Location {
    /// Parses `s3://bucket/key` with S3's bucket naming rules and a key of 1 to
    /// 1024 bytes without control characters.
    pub fn parse(uri: &str) -> Result<Self, (&'static str, String)> {
        let rest = uri.strip_prefix("s3://").ok_or((
            "unsupported_scheme",
            "must be an s3:// URI, a data: URL or base64 image bytes".to_owned(),
        ))?;
        let (bucket, key) = rest.split_once('/').ok_or((
            "invalid_s3_uri",
            "must name an object: s3://bucket/key".to_owned(),
        ))?;
        check_bucket_name(bucket).map_err(|m| ("invalid_s3_uri", m))?;
        if key.is_empty() || key.len() > 1024 {
            return Err((
                "invalid_s3_uri",
                "must have an object key of 1 to 1024 bytes".to_owned(),
            ));
        }
        // `..` would climb out of the allowed bucket wherever the key is
        // resolved as a path (path-style URLs, URL normalisation).
        if key
            .split('/')
            .any(|segment| segment == "." || segment == "..")
        {
            return Err((
                "invalid_s3_uri",
                "must not contain . or .. path segments".to_owned(),
            ));
        }
        if key.chars().any(crate::text::is_forbidden_char) {
            return Err((
                "control_character",
                "must not contain control characters".to_owned(),
            ));
        }
        Ok(Self {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        })
    }

    /// The URI again, in canonical form.
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// S3 general-purpose bucket names: 3 to 63 characters of lowercase letters,
/// digits, dots and hyphens, starting and ending with a letter or digit, not
/// an IP address and without `..`.
pub fn check_bucket_name(bucket: &str) -> Result<(), String> {
    let bytes = bucket.as_bytes();
    let well_formed = (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && !bucket.contains("..");
    let looks_like_ip =
        bucket.split('.').count() == 4 && bucket.split('.').all(|p| p.parse::<u8>().is_ok());
    if well_formed && !looks_like_ip {
        Ok(())
    } else {
        Err(
            "must name a valid S3 bucket (3-63 lowercase letters, digits, dots or hyphens)"
                .to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_s3_uris() {
        let location = S3Location::parse("s3://bucket/patient-xray.jpg").unwrap();
        assert_eq!(location.bucket, "bucket");
        assert_eq!(location.key, "patient-xray.jpg");
        assert_eq!(location.uri(), "s3://bucket/patient-xray.jpg");
        // Dots inside a name are ordinary characters.
        assert!(S3Location::parse("s3://bucket/scans/a..b/.hidden/x.").is_ok());
    }

    #[test]
    fn refuses_other_schemes_and_bad_names() {
        let cases = [
            (
                "http://169.254.169.254/latest/meta-data",
                "unsupported_scheme",
            ),
            ("file:///etc/passwd", "unsupported_scheme"),
            ("S3://bucket/key", "unsupported_scheme"),
            ("s3://bucket", "invalid_s3_uri"),
            ("s3://bucket/", "invalid_s3_uri"),
            ("s3://Bucket/key", "invalid_s3_uri"),
            ("s3://b/key", "invalid_s3_uri"),
            ("s3://192.168.1.1/key", "invalid_s3_uri"),
            ("s3://a..b/key", "invalid_s3_uri"),
            ("s3://-ab/key", "invalid_s3_uri"),
            ("s3://bucket/ke\ny", "control_character"),
            ("s3://bucket/../other-bucket/key", "invalid_s3_uri"),
            ("s3://bucket/scans/../../other/key", "invalid_s3_uri"),
            ("s3://bucket/./key", "invalid_s3_uri"),
            ("s3://bucket/scans/..", "invalid_s3_uri"),
        ];
        for (uri, code) in cases {
            assert_eq!(S3Location::parse(uri).unwrap_err().0, code, "{uri}");
        }
    }
}
