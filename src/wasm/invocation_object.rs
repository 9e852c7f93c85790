//! The `Invocation` object `buildInvocation` and `prepareInvocation` return.
//!
//! Every string sent from wasm is decoded from UTF-8 by JavaScript, one call
//! each. The property names and the header names and values that recur on
//! every request are made once per instance instead, which takes about a
//! dozen decodes off each call.

use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::to_js;
use crate::invocation::{Invocation, InvocationMode};

/// Strings sent as they are on nearly every call.
const RECURRING: [&str; 12] = [
    "POST",
    "accept",
    "application/json",
    "authorization",
    "content-type",
    "image/jpeg",
    "image/png",
    "text/csv",
    "x-amz-date",
    "x-amz-security-token",
    "x-amzn-sagemaker-custom-attributes",
    "x-amzn-sagemaker-target-variant",
];

/// The object's property names, in the order they are set.
const KEYS: [&str; 8] = [
    "endpoint", "variant", "method", "url", "headers", "body", "batch", "async",
];

struct JsStrings {
    recurring: Vec<JsValue>,
    keys: Vec<JsValue>,
}

impl JsStrings {
    /// The made string for `s` when it recurs, else a new one.
    fn text(&self, s: &str) -> Text<'_> {
        RECURRING
            .iter()
            .position(|known| *known == s)
            .and_then(|index| self.recurring.get(index))
            .map_or_else(|| Text::New(JsValue::from_str(s)), Text::Made)
    }
}

enum Text<'a> {
    Made(&'a JsValue),
    New(JsValue),
}

impl std::ops::Deref for Text<'_> {
    type Target = JsValue;

    fn deref(&self) -> &JsValue {
        match self {
            Text::Made(value) => value,
            Text::New(value) => value,
        }
    }
}

thread_local! {
    // A new instance (after a trap) starts with fresh memory, so this is made again.
    static STRINGS: JsStrings = JsStrings {
        recurring: RECURRING.iter().map(|s| JsValue::from_str(s)).collect(),
        keys: KEYS.iter().map(|s| JsValue::from_str(s)).collect(),
    };
}

/// The `Invocation` object: its headers, then `extra_headers` (signatures).
pub(super) fn invocation_to_js(
    invocation: &Invocation,
    extra_headers: &[(String, String)],
) -> JsValue {
    STRINGS.with(|strings| {
        let headers: Array = invocation
            .headers
            .iter()
            .chain(extra_headers)
            .map(|(name, value)| Array::of2(&strings.text(name), &strings.text(value)))
            .collect();
        let (batch, asynchronous) = match &invocation.mode {
            // Plain data: it always converts.
            InvocationMode::Batch(plan) => (to_js(plan).unwrap_or(JsValue::NULL), false),
            InvocationMode::Async => (JsValue::NULL, true),
            InvocationMode::Single => (JsValue::NULL, false),
        };
        let values: [JsValue; 8] = [
            JsValue::from_str(&invocation.endpoint),
            invocation
                .variant
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from_str),
            strings.text("POST").clone(),
            JsValue::from_str(&invocation.url),
            headers.into(),
            Uint8Array::from(invocation.body.as_slice()).into(),
            batch,
            JsValue::from(asynchronous),
        ];
        let object = Object::new();
        for (key, value) in strings.keys.iter().zip(&values) {
            set_with_key(&object, key, value);
        }
        object.into()
    })
}

fn set_with_key(target: &JsValue, key: &JsValue, value: &JsValue) {
    // Setting a property on a plain object cannot fail.
    let _ = js_sys::Reflect::set(target, key, value);
}
