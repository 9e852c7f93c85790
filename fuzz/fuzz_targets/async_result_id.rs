//! The HMAC-authenticated asynchronous result id
//! (src/async_result/result_id.rs, its key src/config/async_id_key.rs).
//!
//! Invariants: a secret is accepted exactly when it has at least 32 bytes;
//! an id issued with a key opens with that key to exactly the location it
//! was issued for, while it is neither expired (410) nor from the future
//! (404); it never opens with another secret's key; any change to it (one
//! character replaced, truncated, extended) and any text not produced by
//! `issue_async_id` with the same key is refused (400 for an empty id, else
//! 404), without panicking and without repeating the id. The id in a path is
//! found where the module documents it.
#![no_main]

use arbitrary::Arbitrary;
use healthnav_edge::async_result::result_id::{
    async_id_from_path, issue_async_id, open_async_id, AsyncResultLocation, MAX_ID_AGE_MS,
};
use healthnav_edge::config::async_id_key::{AsyncIdKey, MIN_SECRET_BYTES};
use healthnav_edge::config::s3_location::S3Location;
use healthnav_edge::GatewayError;
use healthnav_edge_fuzz::{assert_no_marker, check_error_shape, ASYNC_SECRET};
use libfuzzer_sys::fuzz_target;

const URIS: [&str; 6] = [
    "s3://hn-async/out/9f1c2d.out",
    "s3://hn-async/failures/9f1c2d-error.out",
    "s3://my.bucket-1/a b+c/ü.out",
    "s3://healthnav-images/PHIMARKER/x",
    "s3://abc/k",
    "s3://hn-async/%2F..%2F/x?y#z",
];

#[derive(Arbitrary, Debug)]
struct Input {
    secret: Option<String>,
    other_secret: String,
    output: (u8, String),
    failure: Option<(u8, String)>,
    submitted_at_ms: u64,
    /// Added to submitted_at_ms for "now", as a signed offset.
    age: i64,
    garbage: String,
    position: u16,
    replacement: char,
    suffix: String,
    path_form: u8,
    path_noise: String,
    /// The caller the id is issued to, and another who tries it.
    caller: String,
    stranger: String,
}

fn location((pick, raw): &(u8, String)) -> Option<S3Location> {
    if pick % 4 == 3 {
        S3Location::parse(raw).ok()
    } else {
        S3Location::parse(URIS[usize::from(*pick) % URIS.len()]).ok()
    }
}

fn refused(result: Result<AsyncResultLocation, GatewayError>, id: &str, what: &str) {
    let error = match result {
        Ok(location) => panic!("{what} was accepted: {id:?} -> {location:?}"),
        Err(error) => error,
    };
    check_error_shape(&error);
    let expected = if id.is_empty() {
        ("missing_async_id", 400)
    } else {
        ("unknown_async_id", 404)
    };
    assert_eq!(
        (error.code.as_str(), error.status()),
        expected,
        "{what}: {error:?}"
    );
    assert_no_marker(&error);
    // One fixed message per code: nothing of the id, nothing that tells a
    // forged id from a malformed one.
    let canonical = if id.is_empty() {
        "Give the id of an asynchronous result: GET ?id=<id> or /<function>/<id>."
    } else {
        "No asynchronous result has this id."
    };
    assert_eq!(error.message, canonical, "{what}");
}

fuzz_target!(|input: Input| {
    let secret = input.secret.as_deref().unwrap_or(ASYNC_SECRET);
    let key = match AsyncIdKey::from_secret(secret) {
        Ok(key) => {
            assert!(secret.len() >= MIN_SECRET_BYTES);
            key
        }
        Err(message) => {
            assert!(secret.len() < MIN_SECRET_BYTES);
            assert_eq!(
                message,
                format!("must be at least {MIN_SECRET_BYTES} bytes long")
            );
            return;
        }
    };
    assert!(!format!("{key:?}").contains(secret));
    let caller = input.caller.as_str();

    // Garbage never opens.
    refused(
        open_async_id(&key, &input.garbage, caller, input.submitted_at_ms),
        &input.garbage,
        "garbage",
    );

    let Some(output) = location(&input.output) else {
        return;
    };
    let failure = match &input.failure {
        Some(f) => match location(f) {
            Some(l) => Some(l),
            None => return,
        },
        None => None,
    };
    let issued = AsyncResultLocation {
        output,
        failure,
        submitted_at_ms: input.submitted_at_ms,
    };
    let id = issue_async_id(&key, &issued, caller);
    assert!(id.starts_with("v2.") && id.split('.').count() == 3, "{id}");
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
        "not URL-safe: {id}"
    );
    assert_eq!(
        id,
        issue_async_id(&key, &issued, caller),
        "not deterministic"
    );

    // Round trip, expiry and the future.
    let now = input.submitted_at_ms.checked_add_signed(input.age);
    if let Some(now) = now {
        match open_async_id(&key, &id, caller, now) {
            Ok(opened) => {
                assert_eq!(opened, issued);
                assert!(now.saturating_add(5 * 60 * 1000) >= input.submitted_at_ms);
                assert!(now.saturating_sub(input.submitted_at_ms) <= MAX_ID_AGE_MS);
            }
            Err(error) => {
                check_error_shape(&error);
                match error.code.as_str() {
                    "async_id_expired" => {
                        assert_eq!(error.status(), 410);
                        assert!(now - input.submitted_at_ms > MAX_ID_AGE_MS);
                    }
                    "unknown_async_id" => {
                        assert!(
                            input.submitted_at_ms > now.saturating_add(5 * 60 * 1000),
                            "{error}"
                        );
                    }
                    other => panic!("an issued id refused with {other}"),
                }
            }
        }
    }
    let now = input.submitted_at_ms;
    assert_eq!(
        open_async_id(&key, &id, caller, now).ok().as_ref(),
        Some(&issued)
    );
    // Any other caller gets the answer for an id never issued.
    if input.stranger != caller {
        refused(
            open_async_id(&key, &id, &input.stranger, now),
            &id,
            "another caller's id",
        );
    }

    // Another secret's key.
    if input.other_secret != secret {
        if let Ok(other) = AsyncIdKey::from_secret(&input.other_secret) {
            refused(
                open_async_id(&other, &id, caller, now),
                &id,
                "an id under another key",
            );
            let forged = issue_async_id(&other, &issued, caller);
            refused(
                open_async_id(&key, &forged, caller, now),
                &forged,
                "an id forged with another key",
            );
        }
    }

    // One character replaced.
    let chars: Vec<char> = id.chars().collect();
    let at = usize::from(input.position) % chars.len();
    if chars[at] != input.replacement {
        let mut tampered = chars.clone();
        tampered[at] = input.replacement;
        let tampered: String = tampered.into_iter().collect();
        refused(
            open_async_id(&key, &tampered, caller, now),
            &tampered,
            "a tampered id",
        );
    }
    // Truncated, extended.
    let cut = &id[..usize::from(input.position) % id.len()];
    refused(open_async_id(&key, cut, caller, now), cut, "a truncated id");
    if !input.suffix.is_empty() {
        let longer = format!("{id}{}", input.suffix);
        refused(
            open_async_id(&key, &longer, caller, now),
            &longer,
            "an extended id",
        );
        let spliced = format!(
            "{}{}{}",
            &id[..at.min(id.len())],
            input.suffix,
            &id[at.min(id.len())..]
        );
        if spliced != id {
            refused(
                open_async_id(&key, &spliced, caller, now),
                &spliced,
                "a spliced id",
            );
        }
    }

    // The id in a path.
    let slug = "sagemaker-image-analysis";
    let noise: String = input
        .path_noise
        .chars()
        .filter(|c| !matches!(c, '?' | '&' | '/' | '#'))
        .collect();
    let path = match input.path_form % 4 {
        0 => format!("/{slug}/{id}"),
        1 => format!("/functions/v1/{slug}/{id}?x{noise}=1"),
        2 => format!("/{slug}?x{noise}=1&id={id}"),
        _ => format!("/{slug}/{noise}?id={id}&y=2"),
    };
    assert_eq!(async_id_from_path(&path, slug), id, "{path}");
    // Whatever the path, what comes back is part of it.
    let found = async_id_from_path(&input.garbage, slug);
    assert!(found.is_empty() || input.garbage.contains(found));
});
