//! Batch requests for triage and risk score:
//! `{"patients": [...], "endpoint"?, "variant"?}`, each patient exactly what a
//! single request would be without `endpoint` and `variant`.
//!
//! Every patient is validated on its own. The valid ones go to the model in
//! ONE invocation, in the form its container takes several records in (CSV
//! rows for risk, JSON Lines for triage); the [`BatchPlan`] remembers which
//! slot each record came from, so the answer is mapped back by order and the
//! invalid patients are reported in their own slots.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::GatewayConfig;
use crate::error::{ErrorCode, FieldError, GatewayError};
use crate::request::fields::{object, reject_unknown, required, Report};
use crate::function::ModelFunction;
use crate::limits::MAX_FIELD_ERRORS;
use crate::request::risk::{read_risk_item, RiskModelInput};
use crate::request::routing::{read_routing, Routing, ROUTING_FIELDS};
use crate::request::red_flags::red_flags_of;
use crate::request::triage::read_triage_item;

/// The field that makes a body a batch.
pub const BATCH_FIELD: &str = "patients";
/// Most patients in one batch: a bound on the work and the answer per request.
/// A maximal triage batch (100 patients with every list full) stays under
/// the parser's value budget and SageMaker's 6 MiB body limit.
pub const MAX_BATCH_PATIENTS: usize = 100;
/// Content-Type and Accept of a triage batch: one guide input object per line.
pub const JSON_LINES: &str = "application/jsonlines";

/// Where each patient of a batch went: sent to the model (`ok`), or refused
/// with its field errors. It travels with the invocation and comes back to
/// [`crate::response::normalize_batch_response`], which needs nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchPlan {
    /// One slot per patient, in request order.
    pub slots: Vec<BatchSlot>,
    /// Whether the slots list fewer errors than were found (at most
    /// [`MAX_FIELD_ERRORS`] in all, so a small body cannot buy a huge answer).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// One patient's slot: `{index, ok: true}` or `{index, ok: false, errors}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchSlot {
    /// Position in `patients`.
    pub index: usize,
    /// Whether the patient was sent to the model.
    pub ok: bool,
    /// Why not, with paths such as `patients[3].age`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Ids of the red-flag rules a sent triage patient matched.
    #[serde(default, rename = "redFlags", skip_serializing_if = "Vec::is_empty")]
    pub red_flags: Vec<String>,
}

impl BatchPlan {
    /// How many records were sent to the model.
    pub fn sent(&self) -> usize {
        self.slots.iter().filter(|slot| slot.ok).count()
    }

    /// Every error of the refused slots, in slot order.
    pub fn errors(&self) -> Vec<FieldError> {
        self.slots
            .iter()
            .flat_map(|slot| slot.errors.iter().cloned())
            .collect()
    }

    /// Whether a plan handed back by a caller is one this module could have
    /// made: 1 to [`MAX_BATCH_PATIENTS`] slots numbered in order, at least one
    /// sent, and errors exactly on the refused ones.
    pub fn is_consistent(&self) -> bool {
        (1..=MAX_BATCH_PATIENTS).contains(&self.slots.len())
            && self.sent() > 0
            && self
                .slots
                .iter()
                .enumerate()
                .all(|(i, slot)| slot.index == i && slot.ok == slot.errors.is_empty())
    }
}

/// A validated batch, ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRequest {
    /// Where it goes (top-level `endpoint` and `variant`).
    pub routing: Routing,
    /// Content-Type, also sent as Accept.
    pub content_type: &'static str,
    /// Every valid patient's record, one per line.
    pub body: Vec<u8>,
    /// Slot of every patient.
    pub plan: BatchPlan,
}

/// `None` unless the body is a batch for `function` (an object with a
/// `patients` field, for triage or risk score); then the validated batch,
/// or a 422 listing every problem when the envelope is wrong or no patient
/// is valid.
pub fn read_batch_request(
    value: &Value,
    function: ModelFunction,
    config: &GatewayConfig,
) -> Option<Result<BatchRequest, GatewayError>> {
    let map = value
        .as_object()
        .filter(|map| map.contains_key(BATCH_FIELD))?;
    Some(match function {
        ModelFunction::Triage => {
            read_batch(map, function, config, read_triage_item).and_then(|(records, mut rest)| {
                let mut body = Vec::new();
                for record in &records {
                    serde_json::to_writer(&mut body, record).map_err(|_| unencodable())?;
                    body.push(b'\n');
                }
                // The records are the sent slots', in slot order.
                let sent = rest.plan.slots.iter_mut().filter(|slot| slot.ok);
                for (slot, record) in sent.zip(&records) {
                    slot.red_flags = red_flags_of(record, config.red_flags.as_deref());
                }
                Ok(rest.into_request(JSON_LINES, body))
            })
        }
        ModelFunction::RiskScore => {
            read_batch(map, function, config, read_risk_item).map(|(records, rest)| {
                let body: String = records
                    .iter()
                    .map(|record: &RiskModelInput| record.csv_row() + "\n")
                    .collect();
                rest.into_request("text/csv", body.into_bytes())
            })
        }
        ModelFunction::ImageAnalysis => return None,
    })
}

/// The batch minus its records.
struct BatchRest {
    routing: Routing,
    plan: BatchPlan,
}

impl BatchRest {
    fn into_request(self, content_type: &'static str, body: Vec<u8>) -> BatchRequest {
        BatchRequest {
            routing: self.routing,
            content_type,
            body,
            plan: self.plan,
        }
    }
}

/// Reads one patient at a path, with the envelope fields allowed beside it.
type ItemReader<T> = fn(&Map<String, Value>, &str, &[&str], &mut Report) -> Option<T>;

/// Reads the envelope and every patient with `read_item` (each with its own
/// report, so one patient's errors stay in its slot).
fn read_batch<T>(
    map: &Map<String, Value>,
    function: ModelFunction,
    config: &GatewayConfig,
    read_item: ItemReader<T>,
) -> Result<(Vec<T>, BatchRest), GatewayError> {
    let mut envelope = Report::default();
    let mut known = vec![BATCH_FIELD];
    known.extend(ROUTING_FIELDS);
    reject_unknown(map, "", &known, &mut envelope);
    let patients = required(map, BATCH_FIELD, "", &mut envelope)
        .and_then(|value| patient_list(value, &mut envelope));
    let routing = read_routing(map, "", config.endpoints(function), config, &mut envelope);

    let outcomes: Vec<Result<T, Vec<FieldError>>> = patients
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, patient)| {
            let path = format!("{BATCH_FIELD}[{index}]");
            let mut report = Report::default();
            let record = object(patient, &path, &mut report)
                .and_then(|item| read_item(item, &path, &[], &mut report));
            report.finish(record).map_err(|error| match error.errors {
                // Never a refused slot without a reason: the plan relies on it.
                errors if errors.is_empty() => {
                    vec![FieldError::new(
                        path,
                        "invalid_value",
                        "is not a valid patient",
                    )]
                }
                errors => errors,
            })
        })
        .collect();
    let any_valid = outcomes.iter().any(Result::is_ok);
    match routing {
        Some(routing) if envelope.is_clean() && any_valid => {
            let mut records = Vec::new();
            let mut slots = Vec::new();
            for (index, outcome) in outcomes.into_iter().enumerate() {
                let slot = match outcome {
                    Ok(record) => {
                        records.push(record);
                        BatchSlot {
                            index,
                            ok: true,
                            errors: Vec::new(),
                            red_flags: Vec::new(),
                        }
                    }
                    Err(errors) => BatchSlot {
                        index,
                        ok: false,
                        errors,
                        red_flags: Vec::new(),
                    },
                };
                slots.push(slot);
            }
            let truncated = bound_slot_errors(&mut slots);
            let plan = BatchPlan { slots, truncated };
            Ok((records, BatchRest { routing, plan }))
        }
        // Every problem at once: the envelope's, then each patient's.
        _ => {
            let mut errors = envelope.into_errors();
            errors.extend(outcomes.into_iter().filter_map(Result::err).flatten());
            Err(GatewayError::validation(errors))
        }
    }
}

/// Keeps at most [`MAX_FIELD_ERRORS`] errors across all slots: every refused
/// slot its first error (there are at most [`MAX_BATCH_PATIENTS`] of them),
/// then the others in slot order while the budget lasts. True when any was
/// dropped.
fn bound_slot_errors(slots: &mut [BatchSlot]) -> bool {
    let refused = slots.iter().filter(|slot| !slot.ok).count();
    let mut extra_budget = MAX_FIELD_ERRORS.saturating_sub(refused);
    let mut truncated = false;
    for slot in slots.iter_mut().filter(|slot| !slot.ok) {
        let keep = 1 + extra_budget.min(slot.errors.len().saturating_sub(1));
        extra_budget -= keep - 1;
        truncated |= slot.errors.len() > keep;
        slot.errors.truncate(keep);
    }
    truncated
}

/// `patients` as an array of 1 to [`MAX_BATCH_PATIENTS`] items.
fn patient_list<'a>(value: &'a Value, report: &mut Report) -> Option<&'a Vec<Value>> {
    let Value::Array(items) = value else {
        report.push(BATCH_FIELD, "invalid_type", "must be an array of patients");
        return None;
    };
    if items.is_empty() {
        report.push(BATCH_FIELD, "too_few_items", "must have at least 1 item");
        return None;
    }
    if items.len() > MAX_BATCH_PATIENTS {
        report.push(
            BATCH_FIELD,
            "too_many_items",
            format!("must have at most {MAX_BATCH_PATIENTS} items"),
        );
        return None;
    }
    Some(items)
}

fn unencodable() -> GatewayError {
    GatewayError::new(
        ErrorCode::InternalError,
        "The model input could not be encoded.",
    )
}
