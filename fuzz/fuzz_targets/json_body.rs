//! parse_json_body on arbitrary bytes: what it accepts serde_json reads as the
//! same value, nested at most 32 levels; refusals are 400/413 request errors
//! that do not repeat the body; serde_json's refusals are refused too.
#![no_main]

use healthnav_edge::limits::MAX_JSON_DEPTH;
use healthnav_edge::request::json_body::parse_json_body;
use healthnav_edge_fuzz::check_request_error;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let reference = serde_json::from_slice::<Value>(data);
    match parse_json_body(data) {
        Ok(value) => {
            assert!(depth(&value) <= MAX_JSON_DEPTH);
            assert_eq!(
                reference.as_ref().ok(),
                Some(&value),
                "serde_json reads it differently"
            );
        }
        Err(error) => {
            check_request_error(&error);
            assert_ne!(error.code.as_str(), "validation_failed");
        }
    }
});
