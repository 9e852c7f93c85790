//! The id a client polls an asynchronous result with.
//!
//! It carries where SageMaker writes the output and failure objects and when
//! the inference was submitted, and is authenticated with HMAC-SHA256 under a
//! key derived from the deployment's secret (`ASYNC_RESULT_SECRET`). So the
//! function only ever reads S3 objects that SageMaker named in its answer to
//! this deployment: a client can neither forge an id nor change where one
//! points. The id is signed, not encrypted: whoever holds it can read the
//! bucket and key names in it (never patient data).
//!
//! The id also belongs to the caller who started the inference: the tag
//! covers the caller's id (the JWT `sub`), which the id does not carry. Any
//! other caller, the app's public key included, gets the same 404 as for an
//! id that was never issued, so a leaked id reads nothing.
//!
//! Form: `v2.<payload>.<tag>`, both parts unpadded base64url; the payload is
//! JSON `{"o": output URI, "f": failure URI (optional), "t": submitted at, ms}`;
//! the tag is HMAC-SHA256(key, `v2.<payload>` + `\n` + caller id), checked
//! before the payload is parsed.


use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::Mac;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, GatewayError};
use crate::config::async_id_key::{AsyncIdKey, HmacSha256};
use crate::config::s3_location::S3Location;

/// Ids older than this are refused (410): SageMaker keeps a request at most
/// 6 h in its queue and runs it at most 1 h, so a day covers every result
/// with room for a client that polls late.
pub const MAX_ID_AGE_MS: u64 = 24 * 60 * 60 * 1000;
/// Longest id looked at; real ones are a few hundred characters.
pub const MAX_ID_CHARS: usize = 4096;

const VERSION: &str = "v2";
/// Clock difference tolerated between isolates that issue and open ids.
const CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;


/// Where an asynchronous result will be, and since when it is awaited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncResultLocation {
    /// SageMaker's OutputLocation.
    pub output: S3Location,
    /// SageMaker's FailureLocation; absent for endpoints without an S3 failure path.
    pub failure: Option<S3Location>,
    /// When the inference was accepted, ms since the Unix epoch.
    pub submitted_at_ms: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    o: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    f: Option<String>,
    t: u64,
}

/// Signs `location` into an id that only `caller_id` can open.
pub fn issue_async_id(key: &AsyncIdKey, location: &AsyncResultLocation, caller_id: &str) -> String {
    let payload = Payload {
        o: location.output.uri(),
        f: location.failure.as_ref().map(S3Location::uri),
        t: location.submitted_at_ms,
    };
    // Three plain fields always serialise.
    let json = serde_json::to_vec(&payload).unwrap_or_default();
    let signed = format!("{VERSION}.{}", URL_SAFE_NO_PAD.encode(json));
    let tag = URL_SAFE_NO_PAD.encode(tag_of(key, &signed, caller_id).finalize().into_bytes());
    format!("{signed}.{tag}")
}

/// The MAC over the signed part and the caller. The signed part is base64url
/// and a dot, never a newline, so the caller id that follows is unambiguous.
fn tag_of(key: &AsyncIdKey, signed: &str, caller_id: &str) -> HmacSha256 {
    let mut mac = key.mac();
    mac.update(signed.as_bytes());
    mac.update(b"\n");
    mac.update(caller_id.as_bytes());
    mac
}

/// Checks an id and returns where its result is: 400 `missing_async_id` for
/// an empty one, 404 `unknown_async_id` for anything not issued with this
/// key to this caller (malformed, forged, altered, someone else's),
/// 410 `async_id_expired` past [`MAX_ID_AGE_MS`].
pub fn open_async_id(
    key: &AsyncIdKey,
    id: &str,
    caller_id: &str,
    now_ms: u64,
) -> Result<AsyncResultLocation, GatewayError> {
    if id.is_empty() {
        return Err(missing_async_id());
    }
    let location = authenticate(key, id, caller_id).ok_or_else(unknown)?;
    let submitted = location.submitted_at_ms;
    if submitted > now_ms.saturating_add(CLOCK_SKEW_MS) {
        return Err(unknown());
    }
    if now_ms.saturating_sub(submitted) > MAX_ID_AGE_MS {
        return Err(GatewayError::new(
            ErrorCode::AsyncIdExpired,
            "This asynchronous result id has expired; submit the request again.",
        ));
    }
    Ok(location)
}

fn authenticate(key: &AsyncIdKey, id: &str, caller_id: &str) -> Option<AsyncResultLocation> {
    if id.len() > MAX_ID_CHARS {
        return None;
    }
    let (signed, tag) = id.rsplit_once('.')?;
    let (version, payload) = signed.split_once('.')?;
    if version != VERSION {
        return None;
    }
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    // Constant-time comparison.
    tag_of(key, signed, caller_id).verify_slice(&tag).ok()?;
    // Authentic from here on: the payload is ours.
    let payload: Payload = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    Some(AsyncResultLocation {
        output: S3Location::parse(&payload.o).ok()?,
        failure: match payload.f {
            Some(uri) => Some(S3Location::parse(&uri).ok()?),
            None => None,
        },
        submitted_at_ms: payload.t,
    })
}

/// 400 for a GET without an id.
pub fn missing_async_id() -> GatewayError {
    GatewayError::new(
        ErrorCode::MissingAsyncId,
        "Give the id of an asynchronous result: GET ?id=<id> or /<function>/<id>.",
    )
}

fn unknown() -> GatewayError {
    GatewayError::new(
        ErrorCode::UnknownAsyncId,
        "No asynchronous result has this id.",
    )
}

/// The id in a request path as the function sees it (Supabase strips
/// `/functions/v1`): the `id` query parameter, else the path segment after
/// the function's slug (`/sagemaker-image-analysis/<id>`); empty when none.
pub fn async_id_from_path<'a>(path_and_query: &'a str, slug: &str) -> &'a str {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let from_query = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("id="))
        .filter(|id| !id.is_empty());
    if let Some(id) = from_query {
        return id;
    }
    let mut segments = path.split('/').skip_while(|segment| *segment != slug);
    segments.next();
    segments.next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_shorter_than_the_tag_are_refused() {
        assert!(AsyncIdKey::from_secret(&"x".repeat(31)).is_err());
        assert!(AsyncIdKey::from_secret(&"x".repeat(32)).is_ok());
        let key = AsyncIdKey::from_secret(&"s".repeat(40)).unwrap();
        assert_eq!(format!("{key:?}"), "AsyncIdKey(** redacted **)");
    }

    #[test]
    fn ids_in_paths() {
        let slug = "sagemaker-image-analysis";
        let cases = [
            ("/sagemaker-image-analysis?id=v1.a.b", "v1.a.b"),
            ("/sagemaker-image-analysis/v1.a.b", "v1.a.b"),
            ("/functions/v1/sagemaker-image-analysis/v1.a.b", "v1.a.b"),
            ("/sagemaker-image-analysis/v1.a.b?x=1", "v1.a.b"),
            ("/sagemaker-image-analysis?x=1&id=v1.c.d", "v1.c.d"),
            ("/sagemaker-image-analysis?id=v1.c.d", "v1.c.d"),
            ("/sagemaker-image-analysis?id=", ""),
            ("/sagemaker-image-analysis", ""),
            ("/sagemaker-image-analysis/", ""),
            ("/", ""),
        ];
        for (path, id) in cases {
            assert_eq!(async_id_from_path(path, slug), id, "{path}");
        }
    }
}
