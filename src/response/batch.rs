//! A batch answer → one result per patient, in request order.
//!
//! The model answered one prediction per record it was sent, in order
//! (CSV lines, JSON Lines, or a list of rows), so the n-th prediction belongs
//! to the n-th sent slot. Any other count means the rows cannot be matched to
//! patients: the whole answer is `invalid_model_output`, as is any unusable
//! prediction (a misaligned or broken answer must not hand one patient's
//! score to another).

use serde::Serialize;

use crate::request::batch::BatchPlan;
use crate::config::GatewayConfig;
use crate::error::{FieldError, GatewayError};
use crate::function::ModelFunction;
use crate::response::model_output::{bad_output, parse_model_outputs};
use crate::response::{normalize_prediction, NormalizedResult, UpstreamResponse};

/// `{"results": [...]}`, one entry per patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchResult {
    /// In request order.
    pub results: Vec<SlotResult>,
    /// Present (and true) when the refused slots list fewer errors than were found.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// `{index, ok: true, result}` or `{index, ok: false, errors}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlotResult {
    /// Position in `patients`.
    pub index: usize,
    /// Whether the patient was scored.
    pub ok: bool,
    /// The patient's result, as a single request would get it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<NormalizedResult>,
    /// Why the patient was not sent, with paths such as `patients[3].age`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// Maps a batch answer to slots; a non-2xx status becomes its stable error.
pub fn normalize_batch_response(
    config: &GatewayConfig,
    function: ModelFunction,
    plan: &BatchPlan,
    response: UpstreamResponse<'_>,
    elapsed_ms: u64,
) -> Result<BatchResult, GatewayError> {
    let response = response.succeeded()?;
    let outputs = parse_model_outputs(response.header("content-type"), response.body)?;
    if outputs.len() != plan.sent() {
        return Err(bad_output(format!(
            "it has {} predictions for {} patients",
            outputs.len(),
            plan.sent()
        )));
    }
    let variant = response.invoked_variant();
    let mut outputs = outputs.into_iter();
    let mut results = Vec::with_capacity(plan.slots.len());
    for slot in &plan.slots {
        let result = if slot.ok {
            // Counted above: every sent slot has its prediction.
            let output = outputs
                .next()
                .ok_or_else(|| bad_output("it has fewer predictions than patients"))?;
            let result = normalize_prediction(
                config,
                function,
                output,
                variant,
                elapsed_ms,
                &slot.red_flags,
            )
            .map_err(|error| in_slot(error, slot.index))?;
            SlotResult {
                index: slot.index,
                ok: true,
                result: Some(result),
                errors: None,
            }
        } else {
            SlotResult {
                index: slot.index,
                ok: false,
                result: None,
                errors: Some(slot.errors.clone()),
            }
        };
        results.push(result);
    }
    Ok(BatchResult {
        results,
        truncated: plan.truncated,
    })
}

/// Paths of an unusable prediction's fields point at its result slot
/// (`results[3].urgency_score`), not at a request field.
fn in_slot(mut error: GatewayError, index: usize) -> GatewayError {
    for field in &mut error.errors {
        field.path = if field.path.is_empty() {
            format!("results[{index}]")
        } else {
            format!("results[{index}].{}", field.path)
        };
    }
    error
}
