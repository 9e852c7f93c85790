//! A validated client request turned into the SageMaker InvokeEndpoint call
//! to sign and send: URL, headers and body. A batch body becomes one call
//! for every valid patient ([`crate::batch_request`]); an asynchronous image
//! request becomes an InvokeEndpointAsync call ([`crate::async_invocation`]).

use crate::async_invocation::build_async_invocation;
use crate::batch_request::{read_batch_request, BatchPlan};
use crate::config::GatewayConfig;
use crate::error::GatewayError;
use crate::function::ModelFunction;
use crate::image_request::read_image_request;
use crate::json_body::parse_json_body;
use crate::plain_triage::read_plain_triage;
use crate::risk_request::read_risk_request;
use crate::routing::Routing;
use crate::triage_request::{read_triage_request, TriageModelInput};

/// An unsigned InvokeEndpoint request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Endpoint invoked.
    pub endpoint: String,
    /// Target variant, if pinned.
    pub variant: Option<String>,
    /// Full URL.
    pub url: String,
    /// Headers to sign and send (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Body for the model container.
    pub body: Vec<u8>,
    /// How the answer is read.
    pub mode: InvocationMode,
}

/// How an invocation's answer is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationMode {
    /// One prediction (InvokeEndpoint).
    Single,
    /// One prediction per sent patient, mapped back to slots with the plan.
    Batch(BatchPlan),
    /// InvokeEndpointAsync: a 202 with the result's S3 locations.
    Async,
}

/// Validates a client body for `function` and builds its SageMaker call.
pub fn build_invocation(
    config: &GatewayConfig,
    function: ModelFunction,
    client_body: &[u8],
) -> Result<Invocation, GatewayError> {
    if function == ModelFunction::Triage {
        // The common case, read without a JSON tree; anything else falls through.
        if let Some(input) = read_plain_triage(client_body) {
            let routing = Routing {
                endpoint: config.default_endpoint(function).to_owned(),
                variant: None,
            };
            let body = encode_triage_input(&input)?;
            return Ok(assemble(
                config,
                routing,
                "application/json",
                "application/json",
                body,
                None,
            ));
        }
    }
    let value = parse_json_body(client_body)?;
    if let Some(batch) = read_batch_request(&value, function, config) {
        let batch = batch?;
        let mut invocation = assemble(
            config,
            batch.routing,
            batch.content_type,
            batch.content_type,
            batch.body,
            None,
        );
        invocation.mode = InvocationMode::Batch(batch.plan);
        return Ok(invocation);
    }
    let (routing, content_type, accept, body, custom_attributes) = match function {
        ModelFunction::Triage => {
            let (input, routing) = read_triage_request(&value, config)?;
            let body = encode_triage_input(&input)?;
            (routing, "application/json", "application/json", body, None)
        }
        ModelFunction::ImageAnalysis => {
            let request = read_image_request(&value, config)?;
            if request.asynchronous {
                return build_async_invocation(config, request.routing, request.input);
            }
            let (content_type, body, attributes) = request.input.into_wire();
            (
                request.routing,
                content_type,
                "application/json",
                body,
                attributes,
            )
        }
        ModelFunction::RiskScore => {
            let (input, routing) = read_risk_request(&value, config)?;
            let mut row = input.csv_row();
            row.push('\n');
            (routing, "text/csv", "text/csv", row.into_bytes(), None)
        }
    };
    Ok(assemble(
        config,
        routing,
        content_type,
        accept,
        body,
        custom_attributes,
    ))
}

fn encode_triage_input(input: &TriageModelInput) -> Result<Vec<u8>, GatewayError> {
    serde_json::to_vec(input).map_err(|_| {
        GatewayError::new(
            "internal_error",
            500,
            "The model input could not be encoded.",
        )
    })
}

fn assemble(
    config: &GatewayConfig,
    routing: Routing,
    content_type: &str,
    accept: &str,
    body: Vec<u8>,
    custom_attributes: Option<String>,
) -> Invocation {
    let url = config
        .base_url
        .endpoint_url(&routing.endpoint, "invocations");
    let mut headers = vec![
        ("content-type".to_owned(), content_type.to_owned()),
        ("accept".to_owned(), accept.to_owned()),
    ];
    if let Some(variant) = &routing.variant {
        headers.push((
            "x-amzn-sagemaker-target-variant".to_owned(),
            variant.clone(),
        ));
    }
    if let Some(attributes) = custom_attributes {
        headers.push(("x-amzn-sagemaker-custom-attributes".to_owned(), attributes));
    }
    Invocation {
        endpoint: routing.endpoint,
        variant: routing.variant,
        url,
        headers,
        body,
        mode: InvocationMode::Single,
    }
}
