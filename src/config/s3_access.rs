//! Which S3 objects a caller may hand to the image model.
//!
//! The model's IAM role reads whatever the gateway names, so an open bucket
//! list would let one caller point the model at another patient's scan (or at
//! any object the role can read, learning from success or failure whether it
//! exists). Nothing is allowed until the operator lists buckets; a key prefix
//! template with `{sub}` (e.g. `patients/{sub}/`) keeps each signed-in
//! patient to their own uploads.

use crate::config::s3_location::{check_bucket_name, S3Location};

/// The placeholder a prefix template may contain: the caller's JWT `sub`.
pub const CALLER_PLACEHOLDER: &str = "{sub}";

/// Longest prefix template accepted (S3 keys are at most 1,024 bytes).
const MAX_PREFIX_BYTES: usize = 512;

/// The operator's S3 rule for `image_data`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct S3Access {
    buckets: Vec<String>,
    key_prefix: Option<String>,
}

impl S3Access {
    /// Checks the bucket names and the prefix template; each problem comes
    /// back as `(setting, message)`.
    pub fn new(
        buckets: Vec<String>,
        key_prefix: Option<String>,
    ) -> Result<Self, Vec<(&'static str, String)>> {
        let mut problems = Vec::new();
        for bucket in &buckets {
            if check_bucket_name(bucket).is_err() {
                problems.push((
                    "allowedBuckets",
                    format!("has an invalid bucket name {bucket:?}"),
                ));
            }
        }
        if let Some(template) = &key_prefix {
            if let Err(message) = check_prefix_template(template) {
                problems.push(("s3KeyPrefix", message));
            }
        }
        if problems.is_empty() {
            Ok(Self {
                buckets,
                key_prefix,
            })
        } else {
            Err(problems)
        }
    }

    /// Whether `caller_id` may send `location` to the model; the refusal is
    /// `(code, message)` for the `image_data` field.
    pub fn check(
        &self,
        location: &S3Location,
        caller_id: Option<&str>,
    ) -> Result<(), (&'static str, String)> {
        if self.buckets.is_empty() {
            return Err((
                "not_allowed",
                "s3:// images are not enabled on this deployment; send the image inline".to_owned(),
            ));
        }
        if !self.buckets.contains(&location.bucket) {
            return Err((
                "not_allowed",
                "must point at an allowed S3 bucket".to_owned(),
            ));
        }
        let Some(template) = &self.key_prefix else {
            return Ok(());
        };
        let prefix = if template.contains(CALLER_PLACEHOLDER) {
            let Some(caller_id) = caller_id.filter(|id| is_usable_in_key(id)) else {
                return Err((
                    "not_allowed",
                    "s3:// images need a signed-in caller on this deployment".to_owned(),
                ));
            };
            template.replace(CALLER_PLACEHOLDER, caller_id)
        } else {
            template.clone()
        };
        if location.key.starts_with(&prefix) {
            Ok(())
        } else {
            Err((
                "not_allowed",
                "must point at one of your own uploads".to_owned(),
            ))
        }
    }
}

/// A template is a key prefix with at most one `{sub}`, which must be a whole
/// path segment: `patients/{sub}/` cannot be matched by another caller
/// whose id merely starts with this one's.
fn check_prefix_template(template: &str) -> Result<(), String> {
    if template.is_empty() || template.len() > MAX_PREFIX_BYTES {
        return Err(format!("must be 1 to {MAX_PREFIX_BYTES} bytes"));
    }
    if template.chars().any(crate::text::is_forbidden_char) {
        return Err("must not contain control characters".to_owned());
    }
    // No key with such a segment is accepted, so the prefix could match nothing.
    if template.split('/').any(|s| s == "." || s == "..") {
        return Err("must not contain . or .. folders".to_owned());
    }
    match template.matches(CALLER_PLACEHOLDER).count() {
        0 => Ok(()),
        1 => {
            let whole_segment = template.split('/').any(|s| s == CALLER_PLACEHOLDER)
                && !template.ends_with(CALLER_PLACEHOLDER);
            if whole_segment {
                Ok(())
            } else {
                Err(format!(
                    "must use {CALLER_PLACEHOLDER} as a whole folder followed by /, e.g. patients/{CALLER_PLACEHOLDER}/"
                ))
            }
        }
        _ => Err(format!("may contain {CALLER_PLACEHOLDER} once")),
    }
}

/// A caller id that can stand for one folder: no `/`, not `.` or `..`, no
/// control characters. Supabase user ids are UUIDs.
fn is_usable_in_key(caller_id: &str) -> bool {
    !caller_id.is_empty()
        && caller_id.len() <= 255
        && caller_id != "."
        && caller_id != ".."
        && !caller_id.contains('/')
        && !caller_id.chars().any(crate::text::is_forbidden_char)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(uri: &str) -> S3Location {
        S3Location::parse(uri).unwrap()
    }

    #[test]
    fn nothing_is_allowed_until_buckets_are_listed() {
        let none = S3Access::default();
        let refused = none.check(&location("s3://bucket/x.jpg"), Some("u1"));
        assert!(refused.unwrap_err().1.contains("not enabled"));
    }

    #[test]
    fn only_listed_buckets() {
        let access = S3Access::new(vec!["healthnav-images".into()], None).unwrap();
        assert!(access
            .check(&location("s3://healthnav-images/a.png"), None)
            .is_ok());
        assert!(access
            .check(&location("s3://other-bucket/a.png"), None)
            .is_err());
    }

    #[test]
    fn a_caller_reaches_only_their_own_folder() {
        let access = S3Access::new(vec!["scans".into()], Some("patients/{sub}/".into())).unwrap();
        let own = location("s3://scans/patients/user-1/xray.png");
        assert!(access.check(&own, Some("user-1")).is_ok());
        // Another caller, a caller whose id is a prefix, and no caller at all.
        assert!(access.check(&own, Some("user-2")).is_err());
        assert!(access
            .check(
                &location("s3://scans/patients/user-10/x.png"),
                Some("user-1")
            )
            .is_err());
        assert!(access.check(&own, None).is_err());
        // An id that would name a different folder is never substituted.
        for odd in ["", ".", "..", "user-1/../user-2", "a\u{202e}b"] {
            assert!(access.check(&own, Some(odd)).is_err(), "{odd:?}");
        }
    }

    #[test]
    fn fixed_prefixes_need_no_caller() {
        let access = S3Access::new(vec!["scans".into()], Some("uploads/".into())).unwrap();
        assert!(access
            .check(&location("s3://scans/uploads/a.png"), None)
            .is_ok());
        assert!(access
            .check(&location("s3://scans/other/a.png"), None)
            .is_err());
    }

    #[test]
    fn bad_settings_are_named() {
        let problems =
            S3Access::new(vec!["Bad_Bucket".into()], Some("p/{sub}".into())).unwrap_err();
        let settings: Vec<_> = problems.iter().map(|(setting, _)| *setting).collect();
        assert_eq!(settings, ["allowedBuckets", "s3KeyPrefix"]);
        for template in ["", "p{sub}/", "{sub}/{sub}/", "p/\n/", "../{sub}/", "a/./"] {
            assert!(
                S3Access::new(vec!["scans".into()], Some(template.into())).is_err(),
                "{template:?}"
            );
        }
        assert!(S3Access::new(vec![], Some("{sub}/".into())).is_ok());
    }
}
