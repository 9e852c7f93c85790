//! The `Invocation` object `buildInvocation` and `prepareInvocation` return.
//!
//! One JavaScript function assembles it from one text and the body: built
//! from wasm, every property set, header pair and string would be a call
//! across the boundary (about 25 per request, and a UTF-8 decode per string).

use wasm_bindgen::prelude::*;

use super::to_js;
use crate::invocation::{Invocation, InvocationMode};

// `lines` is the endpoint, the variant (empty for none), the URL, then each
// header's name and value, one per line.
#[wasm_bindgen(inline_js = r#"
export function makeInvocation(lines, body, batch, isAsync, inputInS3) {
  const [endpoint, variant, url, ...fields] = lines.split("\n");
  const headers = [];
  for (let i = 0; i + 1 < fields.length; i += 2) headers.push([fields[i], fields[i + 1]]);
  return {
    endpoint,
    variant: variant === "" ? null : variant,
    method: "POST",
    url,
    headers,
    body: body.slice(),
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

/// The `Invocation` object: its headers, then `extra_headers` (signatures).
pub(super) fn invocation_to_js(
    invocation: &Invocation,
    extra_headers: &[(String, String)],
) -> JsValue {
    // No part holds a line break: endpoint and variant names are
    // [A-Za-z0-9-], the URL is checked, and header values with control
    // characters are refused before they get here.
    let variant = invocation.variant.as_deref().unwrap_or_default();
    let mut lines = String::with_capacity(512);
    for part in [&invocation.endpoint, variant, &invocation.url] {
        lines.push_str(part);
        lines.push('\n');
    }
    for (name, value) in invocation.headers.iter().chain(extra_headers) {
        for part in [name.as_str(), "\n", value.as_str(), "\n"] {
            lines.push_str(part);
        }
    }
    let (batch, asynchronous) = match &invocation.mode {
        // Plain data: it always converts.
        InvocationMode::Batch(plan) => (to_js(plan).unwrap_or(JsValue::NULL), false),
        InvocationMode::Async => (JsValue::NULL, true),
        InvocationMode::Single => (JsValue::NULL, false),
    };
    make_invocation(
        &lines,
        &invocation.body,
        batch,
        asynchronous,
        invocation.input_in_s3,
    )
}
