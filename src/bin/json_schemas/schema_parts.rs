//! Small builders for the schemas' JSON, shared by requests and responses.

use healthnav_edge::request::triage::whole_if_integral;
use serde_json::{json, Map, Value};

/// The JSON Schema dialect of every file.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A reference to a definition of the same file.
pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{name}") })
}

/// An object with exactly these properties (an unknown one is refused, as
/// the gateway refuses `unknown_field`).
pub fn closed_object(title: &str, properties: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let mut object = open_object(title, properties, required);
    object["additionalProperties"] = json!(false);
    object
}

/// An object with these properties that may gain others (answers grow).
pub fn open_object(title: &str, properties: Vec<(&str, Value)>, required: &[&str]) -> Value {
    let properties: Map<String, Value> = properties
        .into_iter()
        .map(|(name, schema)| (name.to_owned(), schema))
        .collect();
    json!({
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
    })
}

/// `schema`, or null (the gateway reads a null optional field as absent).
pub fn or_null(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

/// A number in `[min, max]`, integral bounds written without a fraction.
pub fn number_in(min: f64, max: f64, description: &str) -> Value {
    json!({
        "type": "number",
        "minimum": whole_if_integral(min),
        "maximum": whole_if_integral(max),
        "description": description,
    })
}

/// One of `values`.
pub fn one_of_strings(values: &[&str], description: &str) -> Value {
    json!({ "type": "string", "enum": values, "description": description })
}

/// Adds `definitions` under `$defs`.
pub fn with_definitions(mut schema: Value, definitions: Vec<(String, Value)>) -> Value {
    let definitions: Map<String, Value> = definitions.into_iter().collect();
    schema["$defs"] = Value::Object(definitions);
    schema
}
