//! Turns a request body into JSON, refusing what no payload needs: bodies over
//! SageMaker's limit (before parsing), duplicate object keys (which parsers
//! resolve differently, so a check could see one value and the model another)
//! and nesting deeper than [`MAX_JSON_DEPTH`].

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::GatewayError;
use crate::limits::{MAX_JSON_DEPTH, MAX_SAGEMAKER_BODY_BYTES};

/// Parses a client body into a JSON value, or says exactly why not.
pub fn parse_json_body(body: &[u8]) -> Result<Value, GatewayError> {
    if body.len() > MAX_SAGEMAKER_BODY_BYTES {
        return Err(GatewayError::new(
            "body_too_large",
            413,
            format!("The request body must be at most {MAX_SAGEMAKER_BODY_BYTES} bytes."),
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GatewayError::new(
            "empty_body",
            400,
            "The request body is empty; send a JSON object.",
        ));
    }
    let StrictValue(value) = serde_json::from_slice(body).map_err(|error| {
        // serde_json's messages name a position and a syntax rule, never the data.
        GatewayError::new(
            "invalid_json",
            400,
            format!("The request body is not valid JSON: {error}."),
        )
    })?;
    if depth(&value) > MAX_JSON_DEPTH {
        return Err(GatewayError::new(
            "invalid_json",
            400,
            format!("The request body nests deeper than {MAX_JSON_DEPTH} levels."),
        ));
    }
    Ok(value)
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// A JSON value whose objects had no duplicate keys.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let StrictValue(value) = access.next_value()?;
            if map.insert(key, value).is_some() {
                return Err(de::Error::custom("duplicate object key"));
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(body: &[u8]) -> &'static str {
        parse_json_body(body).unwrap_err().code
    }

    #[test]
    fn refuses_what_no_payload_needs() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "empty_body"),
            (b"  \n", "empty_body"),
            (b"{", "invalid_json"),
            (b"{\"a\":1,\"a\":2}", "invalid_json"),
            (b"{\"a\":NaN}", "invalid_json"),
            (b"{\"a\":1e400}", "invalid_json"),
            (b"{\"a\":\"\\ud800\"}", "invalid_json"),
            (b"\xff\xfe", "invalid_json"),
        ];
        for (body, code) in cases {
            assert_eq!(code_of(body), *code, "{:?}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn refuses_deep_nesting_and_oversize_bodies() {
        let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
        assert_eq!(code_of(deep.as_bytes()), "invalid_json");
        let big = vec![b' '; MAX_SAGEMAKER_BODY_BYTES + 1];
        assert_eq!(code_of(&big), "body_too_large");
    }

    #[test]
    fn error_messages_do_not_echo_the_body() {
        let error = parse_json_body(b"{\"name\": \"Jane Doe\", \"name\": 1}").unwrap_err();
        assert!(!error.message.contains("Jane"), "{}", error.message);
        assert!(!error.message.contains("name"), "{}", error.message);
    }

    #[test]
    fn accepts_ordinary_json() {
        let value = parse_json_body(b" {\"a\": [1, 2.5, \"x\", null, true]} ").unwrap();
        assert_eq!(value["a"][1], 2.5);
    }
}
