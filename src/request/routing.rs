//! The optional `endpoint` and `variant` fields every request may carry.

use serde_json::{Map, Value};

use crate::config::GatewayConfig;
use crate::request::fields::{join, optional, Report};
use crate::config::names::{check_sagemaker_name, FunctionEndpoints};

/// Top-level fields that choose where a request goes.
pub const ROUTING_FIELDS: [&str; 2] = ["endpoint", "variant"];

/// Which endpoint and production variant to invoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    /// SageMaker endpoint name.
    pub endpoint: String,
    /// `X-Amzn-SageMaker-Target-Variant`, when the client pins one.
    pub variant: Option<String>,
}

/// Reads `endpoint` (SageMaker's rule, and one of the function's own
/// endpoints) and `variant` (SageMaker's rule, and one the operator lets
/// clients choose), falling back to the function's default endpoint.
pub fn read_routing(
    map: &Map<String, Value>,
    path: &str,
    endpoints: &FunctionEndpoints,
    config: &GatewayConfig,
    report: &mut Report,
) -> Option<Routing> {
    let endpoint = match optional(map, "endpoint") {
        None => Some(endpoints.default_name().to_owned()),
        Some(value) => sagemaker_name(value, &join(path, "endpoint"), report).and_then(|name| {
            if endpoints.allows(&name) {
                return Some(name);
            }
            report.push(
                &join(path, "endpoint"),
                "not_allowed",
                format!(
                    "is not an endpoint of this function (allowed: {})",
                    endpoints.describe()
                ),
            );
            None
        }),
    };
    let variant = match optional(map, "variant") {
        None => Some(None),
        Some(value) => sagemaker_name(value, &join(path, "variant"), report).and_then(|name| {
            if config.client_may_choose_variant(&name) {
                return Some(Some(name));
            }
            let message = if config.client_variants.is_empty() {
                "cannot be chosen by clients on this deployment".to_owned()
            } else {
                "is not a variant clients may choose".to_owned()
            };
            report.push(&join(path, "variant"), "not_allowed", message);
            None
        }),
    };
    Some(Routing {
        endpoint: endpoint?,
        variant: variant?,
    })
}

fn sagemaker_name(value: &Value, path: &str, report: &mut Report) -> Option<String> {
    let Value::String(name) = value else {
        report.push(path, "invalid_type", "must be a string");
        return None;
    };
    match check_sagemaker_name(name) {
        Ok(()) => Some(name.clone()),
        Err((code, message)) => {
            report.push(path, code, message);
            None
        }
    }
}
