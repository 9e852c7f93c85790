//! Crossing the boundary: values in and out through serde, and the
//! `HealthNavError` every export throws.

use js_sys::{Array, Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::error::{ErrorCode, FieldError, GatewayError};

pub(super) fn from_js<T: for<'de> Deserialize<'de>>(
    value: JsValue,
    what: &str,
) -> Result<T, JsValue> {
    // serde's messages name fields and expected types, not the values.
    serde_wasm_bindgen::from_value(value).map_err(|error| bad_argument(what, &error.to_string()))
}

/// The fields of an AWS credentials object: ours, then those the AWS SDK for
/// JavaScript's credential identities also carry (it adds `$source` to an
/// object it was given), accepted and not used, so one credentials object
/// serves both.
pub(super) const CREDENTIAL_FIELDS: [&str; 7] = [
    "accessKeyId",
    "secretAccessKey",
    "sessionToken",
    "expiration",
    "credentialScope",
    "accountId",
    "$source",
];

/// Refuses a key of the object `value` that is not in `known`, naming it.
/// serde-wasm-bindgen reads only the fields a struct names, so its
/// `deny_unknown_fields` never sees a misspelt one (`bodysha256` would
/// otherwise sign the empty body without a word).
pub(super) fn only_known_keys(value: &JsValue, known: &[&str], path: &str) -> Result<(), JsValue> {
    let Some(object) = value
        .dyn_ref::<Object>()
        .filter(|_| !Array::is_array(value))
    else {
        return Ok(());
    };
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            let field = if path.is_empty() {
                key
            } else {
                format!("{path}.{key}")
            };
            return Err(to_js_error(GatewayError::with_errors(
                ErrorCode::InvalidArgument,
                "A gateway function was called with an invalid argument.",
                vec![FieldError::new(
                    &field,
                    "unknown_field",
                    format!(
                        "is not a recognised field; expected one of: {}",
                        known.join(", ")
                    ),
                )],
            )));
        }
    }
    Ok(())
}

pub(super) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| {
            to_js_error(GatewayError::new(
                ErrorCode::InternalError,
                "A result could not be converted for JavaScript.",
            ))
        })
}

pub(super) fn bad_argument(path: &str, message: &str) -> JsValue {
    to_js_error(GatewayError::with_errors(
        ErrorCode::InvalidArgument,
        "A gateway function was called with an invalid argument.",
        vec![FieldError::new(path, "invalid_value", message.to_owned())],
    ))
}

/// A real `Error` named `HealthNavError` with the fields of [`GatewayError`].
pub(super) fn to_js_error(error: GatewayError) -> JsValue {
    let js_error = js_sys::Error::new(&error.message);
    js_error.set_name("HealthNavError");
    set(&js_error, "code", &JsValue::from_str(error.code.as_str()));
    set(&js_error, "status", &JsValue::from(error.status()));
    set(&js_error, "retryable", &JsValue::from(error.retryable()));
    set(
        &js_error,
        "errors",
        &to_js(&error.errors).unwrap_or_else(|_| Array::new().into()),
    );
    set(&js_error, "truncated", &JsValue::from(error.truncated));
    let upstream = error
        .upstream
        .as_ref()
        .map_or(Ok(JsValue::NULL), to_js)
        .unwrap_or(JsValue::NULL);
    set(&js_error, "upstream", &upstream);
    JsValue::from(js_error)
}

pub(super) fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub(super) fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a property on a plain object or Error cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}
