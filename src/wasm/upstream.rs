//! The `UpstreamResponse` object every normalising export takes.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::convert::{bad_argument, from_js, get};
use crate::response::UpstreamResponse;

/// `{status, headers, body, elapsedMs}` read from JavaScript.
pub(super) struct UpstreamParts {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Milliseconds the call took (0 when absent or invalid).
    pub(super) elapsed_ms: u64,
}

impl UpstreamParts {
    pub(super) fn from_js(response: &JsValue) -> Result<Self, JsValue> {
        // An integer: 200.7 is no status, and truncating it would make one up.
        let status = get(response, "status")
            .as_f64()
            .filter(|s| s.fract() == 0.0 && (100.0..=599.0).contains(s))
            .ok_or_else(|| {
                bad_argument("response.status", "must be an HTTP status (100 to 599)")
            })?;
        let headers: Vec<(String, String)> = from_js(get(response, "headers"), "response.headers")?;
        let body = get(response, "body")
            .dyn_into::<Uint8Array>()
            .map_err(|_| bad_argument("response.body", "must be a Uint8Array"))?
            .to_vec();
        let elapsed = get(response, "elapsedMs")
            .as_f64()
            .filter(|ms| ms.is_finite() && *ms >= 0.0)
            .unwrap_or(0.0);
        Ok(Self {
            status: status as u16,
            headers,
            body,
            elapsed_ms: elapsed.round() as u64,
        })
    }

    pub(super) fn view(&self) -> UpstreamResponse<'_> {
        UpstreamResponse {
            status: self.status,
            headers: &self.headers,
            body: &self.body,
        }
    }
}
