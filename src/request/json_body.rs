//! Turns a request body into JSON, refusing what no payload needs: bodies over
//! SageMaker's limit (before parsing), duplicate object keys (which parsers
//! resolve differently, so a check could see one value and the model another),
//! nesting deeper than [`MAX_JSON_DEPTH`] and more than [`MAX_JSON_VALUES`]
//! values (refused while parsing, so memory stays bounded).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{ErrorCode, GatewayError};
use crate::limits::{MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_SAGEMAKER_BODY_BYTES};

/// Parses a client body into a JSON value, or says exactly why not.
pub fn parse_json_body(body: &[u8]) -> Result<Value, GatewayError> {
    if body.len() > MAX_SAGEMAKER_BODY_BYTES {
        return Err(GatewayError::new(
            ErrorCode::BodyTooLarge,
            format!("The request body must be at most {MAX_SAGEMAKER_BODY_BYTES} bytes."),
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GatewayError::new(
            ErrorCode::EmptyBody,
            "The request body is empty; send a JSON object.",
        ));
    }
    let budget = Budget {
        left: Cell::new(MAX_JSON_VALUES),
        exceeded: Cell::new(false),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let parsed = StrictSeed(&budget)
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value));
    let value = parsed.map_err(|error| {
        let message = if budget.exceeded.get() {
            format!("The request body has more than {MAX_JSON_VALUES} JSON values.")
        } else {
            // serde_json's messages name a position and a syntax rule, never the data.
            format!("The request body is not valid JSON: {error}.")
        };
        GatewayError::new(ErrorCode::InvalidJson, message)
    })?;
    if depth(&value) > MAX_JSON_DEPTH {
        return Err(GatewayError::new(
            ErrorCode::InvalidJson,
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

/// How many more values the document may have.
struct Budget {
    left: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom("too many values"))
            }
        }
    }
}

/// Parses one JSON value whose objects have no duplicate keys, spending the budget.
struct StrictSeed<'a>(&'a Budget);

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor(self.0))
    }
}

struct StrictVisitor<'a>(&'a Budget);

impl<'de> Visitor<'de> for StrictVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.take()?;
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number is not finite"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.take()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictSeed(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        self.0.take()?;
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value_seed(StrictSeed(self.0))?;
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
        parse_json_body(body).unwrap_err().code.as_str()
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
    fn refuses_more_values_than_any_payload_has() {
        let at_limit = format!("[{}]", vec!["0"; MAX_JSON_VALUES - 1].join(","));
        assert!(parse_json_body(at_limit.as_bytes()).is_ok());
        let over = format!("[{}]", vec!["0"; MAX_JSON_VALUES].join(","));
        let error = parse_json_body(over.as_bytes()).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidJson);
        assert_eq!(
            error.message,
            format!("The request body has more than {MAX_JSON_VALUES} JSON values.")
        );
        let keys: Vec<String> = (0..MAX_JSON_VALUES)
            .map(|i| format!("\"k{i}\":{{}}"))
            .collect();
        let wide = format!("{{{}}}", keys.join(","));
        assert_eq!(code_of(wide.as_bytes()), "invalid_json");
        // A syntax error is still reported as one, budget or not.
        assert!(parse_json_body(b"[1,]")
            .unwrap_err()
            .message
            .contains("not valid JSON"));
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
