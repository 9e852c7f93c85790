//! The `Invocation` object `prepare` returns.
//!
//! One JavaScript function assembles it from one text and the body: built
//! from wasm, every property set, header pair and string would be a call
//! across the boundary (about 25 per request, and a UTF-8 decode per string).

use wasm_bindgen::prelude::*;

use super::convert::to_js;
use crate::gateway::PreparedCall;
use crate::invocation::InvocationMode;

// `lines` is the endpoint, the variant (empty for none), the URL, the
// payload's SHA-256 (empty for none), the red-flag rule ids (space-separated),
// the number of headers, then each header's name and value, then each
// signature header's, one per line.
#[wasm_bindgen(inline_js = r#"
export function makeInvocation(lines, body, batch, isAsync, inputInS3) {
  const [endpoint, variant, url, payloadSha256, redFlags, headerCount, ...fields] =
    lines.split("\n");
  const pairs = (from, to) => {
    const out = [];
    for (let i = from; i + 1 < to; i += 2) out.push([fields[i], fields[i + 1]]);
    return out;
  };
  const signatureStart = 2 * Number(headerCount);
  const signature = pairs(signatureStart, fields.length);
  return {
    endpoint,
    variant: variant === "" ? null : variant,
    method: "POST",
    url,
    headers: pairs(0, signatureStart),
    body: body.slice(),
    payloadSha256: payloadSha256 === "" ? null : payloadSha256,
    firstAttemptSignature: signature.length === 0 ? null : signature,
    redFlags: redFlags === "" ? [] : redFlags.split(" "),
    batch,
    async: isAsync,
    inputInS3,
  };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = makeInvocation)]
    fn make_invocation(
        lines: &str,
        body: &[u8],
        batch: JsValue,
        is_async: bool,
        input_in_s3: bool,
    ) -> JsValue;
}

/// The `Invocation` object of a prepared call.
pub(super) fn invocation_to_js(prepared: &PreparedCall) -> Result<JsValue, JsValue> {
    let invocation = &prepared.invocation;
    // No part holds a line break: endpoint and variant names are
    // [A-Za-z0-9-], the URL is checked, the hash is hex, and header values
    // with control characters are refused before they get here.
    let variant = invocation.variant.as_deref().unwrap_or_default();
    let payload_sha256 = prepared.payload_sha256.as_deref().unwrap_or_default();
    let header_count = invocation.headers.len().to_string();
    // Rule ids are identifiers ([a-z0-9_]): no space or line break in one.
    let red_flags = invocation.red_flags.join(" ");
    let mut lines = String::with_capacity(768);
    for part in [
        invocation.endpoint.as_str(),
        variant,
        &invocation.url,
        payload_sha256,
        &red_flags,
        &header_count,
    ] {
        lines.push_str(part);
        lines.push('\n');
    }
    let signature = prepared
        .first_attempt_signature
        .as_deref()
        .unwrap_or_default();
    for (name, value) in invocation.headers.iter().chain(signature) {
        for part in [name.as_str(), "\n", value.as_str(), "\n"] {
            lines.push_str(part);
        }
    }
    let (batch, asynchronous) = match &invocation.mode {
        // A plan that cannot cross would make a batch look like one call.
        InvocationMode::Batch(plan) => (to_js(plan)?, false),
        InvocationMode::Async => (JsValue::NULL, true),
        InvocationMode::Single => (JsValue::NULL, false),
    };
    Ok(make_invocation(
        &lines,
        &invocation.body,
        batch,
        asynchronous,
        invocation.input_in_s3,
    ))
}
