//! The optional `endpoint` and `variant` fields every request may carry.

use serde_json::{Map, Value};

use crate::config::GatewayConfig;
use crate::fields::{join, optional, Report};
use crate::function::ModelFunction;
use crate::names::check_sagemaker_name;

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

/// Reads `endpoint` (checked against SageMaker's rule and the allow-list) and
/// `variant` (SageMaker's rule), falling back to the function's default.
pub fn read_routing(
    map: &Map<String, Value>,
    path: &str,
    function: ModelFunction,
    config: &GatewayConfig,
    report: &mut Report,
) -> Option<Routing> {
    let endpoint = match optional(map, "endpoint") {
        None => Some(config.default_endpoint(function).to_owned()),
        Some(value) => sagemaker_name(value, &join(path, "endpoint"), report).and_then(|name| {
            let allowed =
                name == config.default_endpoint(function) || config.allowed_endpoints.allows(&name);
            if !allowed {
                report.push(
                    &join(path, "endpoint"),
                    "not_allowed",
                    format!(
                        "is not an allowed endpoint (allowed: {})",
                        config.allowed_endpoints.describe()
                    ),
                );
                return None;
            }
            Some(name)
        }),
    };
    let variant = match optional(map, "variant") {
        None => Some(None),
        Some(value) => sagemaker_name(value, &join(path, "variant"), report).map(Some),
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
