//! A validated client request turned into the SageMaker InvokeEndpoint call
//! to sign and send: URL, headers and body. A batch body becomes one call
//! for every valid patient ([`crate::request::batch`]); an asynchronous image
//! request becomes an InvokeEndpointAsync call ([`crate::invocation::async_call`]).

pub mod async_call;
pub mod call;
pub mod sticky_variant;

pub use call::{Invocation, InvocationMode};

use crate::invocation::async_call::build_async_invocation;
use crate::request::batch::{read_batch_request, BatchRequest};
use crate::config::GatewayConfig;
use crate::error::{ErrorCode, GatewayError};
use crate::function::ModelFunction;
use crate::request::image::{read_image_request, ImageModelInput};
use crate::request::json_body::parse_json_body;
use crate::request::plain_triage::read_plain_triage;
use crate::request::red_flags::red_flags_of;
use crate::request::risk::read_risk_request;
use crate::request::routing::Routing;
use crate::invocation::sticky_variant::apply_sticky_variant;
use crate::request::triage::{read_triage_request, TriageModelInput};
use serde_json::Value;

/// Validates a client body for `function` and builds its SageMaker call.
/// `caller_id` is the verified JWT `sub`, or `None` for a caller without
/// one: it picks the sticky variant, bounds the caller's `s3://` keys and
/// owns an asynchronous result.
pub fn build_invocation(
    config: &GatewayConfig,
    function: ModelFunction,
    client_body: &[u8],
    caller_id: Option<&str>,
) -> Result<Invocation, GatewayError> {
    let plain = match function {
        ModelFunction::Triage => build_plain_triage(config, client_body),
        _ => None,
    };
    let mut invocation = match plain {
        Some(invocation) => invocation?,
        None => build_from_tree(config, function, client_body, caller_id)?,
    };
    apply_sticky_variant(config, &mut invocation, caller_id);
    Ok(invocation)
}

// The functions below are kept out of line on purpose: V8 compiles wasm one
// function at a time, on its first call, so a cold path inlined into a hot
// one is compiled (30 to 50 ns a byte with Liftoff, by
// --trace-wasm-compilation-times) by every isolate's first request.

/// The common triage request, read without a JSON tree; `None` for anything
/// else, which the tree reader then reads (and explains, if it is wrong).
#[inline(never)]
fn build_plain_triage(
    config: &GatewayConfig,
    client_body: &[u8],
) -> Option<Result<Invocation, GatewayError>> {
    let input = read_plain_triage(client_body)?;
    let routing = Routing {
        endpoint: config.default_endpoint(ModelFunction::Triage).to_owned(),
        variant: None,
    };
    Some(triage_invocation(config, routing, &input))
}

/// Reads the body as a JSON tree, which reports every problem at once.
#[inline(never)]
fn build_from_tree(
    config: &GatewayConfig,
    function: ModelFunction,
    client_body: &[u8],
    caller_id: Option<&str>,
) -> Result<Invocation, GatewayError> {
    let value = parse_json_body(client_body)?;
    if let Some(batch) = read_batch_request(&value, function, config) {
        return build_batch(config, batch?);
    }
    match function {
        ModelFunction::Triage => build_triage(config, &value),
        ModelFunction::ImageAnalysis => build_image(config, &value, caller_id),
        ModelFunction::RiskScore => build_risk(config, &value),
    }
}

#[inline(never)]
fn build_batch(config: &GatewayConfig, batch: BatchRequest) -> Result<Invocation, GatewayError> {
    let mut invocation = assemble(
        config,
        batch.routing,
        batch.content_type,
        batch.content_type,
        batch.body,
        None,
    );
    invocation.mode = InvocationMode::Batch(batch.plan);
    Ok(invocation)
}

#[inline(never)]
fn build_triage(config: &GatewayConfig, value: &Value) -> Result<Invocation, GatewayError> {
    let (input, routing) = read_triage_request(value, config)?;
    triage_invocation(config, routing, &input)
}

/// A triage call of `input`, read by either reader: its model body and the
/// red flags it raises.
fn triage_invocation(
    config: &GatewayConfig,
    routing: Routing,
    input: &TriageModelInput<'_>,
) -> Result<Invocation, GatewayError> {
    let body = encode_triage_input(input)?;
    let mut invocation = assemble(
        config,
        routing,
        "application/json",
        "application/json",
        body,
        None,
    );
    invocation.red_flags = red_flags_of(input, config.red_flags.as_deref());
    Ok(invocation)
}

#[inline(never)]
fn build_image(
    config: &GatewayConfig,
    value: &Value,
    caller_id: Option<&str>,
) -> Result<Invocation, GatewayError> {
    let request = read_image_request(value, config, caller_id)?;
    if request.asynchronous {
        return build_async_invocation(config, request.routing, request.input);
    }
    let input_in_s3 = matches!(request.input, ImageModelInput::S3 { .. });
    let (content_type, body, attributes) = request.input.into_wire();
    let mut invocation = assemble(
        config,
        request.routing,
        content_type,
        "application/json",
        body,
        attributes,
    );
    invocation.input_in_s3 = input_in_s3;
    Ok(invocation)
}

#[inline(never)]
fn build_risk(config: &GatewayConfig, value: &Value) -> Result<Invocation, GatewayError> {
    let (input, routing) = read_risk_request(value, config)?;
    let mut row = input.csv_row();
    row.push('\n');
    Ok(assemble(
        config,
        routing,
        "text/csv",
        "text/csv",
        row.into_bytes(),
        None,
    ))
}

fn encode_triage_input(input: &TriageModelInput) -> Result<Vec<u8>, GatewayError> {
    serde_json::to_vec(input).map_err(|_| {
        GatewayError::new(
            ErrorCode::InternalError,
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
        input_in_s3: false,
        mode: InvocationMode::Single,
        red_flags: Vec::new(),
    }
}
