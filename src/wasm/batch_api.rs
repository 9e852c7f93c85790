//! Batch predictions in JavaScript: the plan comes with the Invocation
//! (`invocation.batch`) and goes back to `normalizeBatch`.

use wasm_bindgen::prelude::*;

use super::convert::{bad_argument, from_js, to_js, to_js_error};
use super::gateway::Gateway;
use super::upstream::UpstreamParts;
use crate::request::batch::BatchPlan;

#[wasm_bindgen(typescript_custom_section)]
const BATCH_TYPES: &str = r#"
/** One patient of a batch: sent to the model, or refused with its field errors. */
export interface BatchSlot {
  index: number;
  ok: boolean;
  errors?: FieldError[];
  /** Triage: ids of the red-flag rules this patient matched. */
  redFlags?: string[];
}

/** Where each patient of a batch went; pass it back to normalizeBatch. */
export interface BatchPlan {
  slots: BatchSlot[];
  /** True when the slots list fewer errors than were found (at most 100 in all). */
  truncated?: boolean;
}

/** One patient's outcome, in request order. */
export type BatchSlotResult =
  | { index: number; ok: true; result: TriageResult | RiskResult }
  | { index: number; ok: false; errors: FieldError[] };

/** The answer to a batch request. */
export interface BatchResult {
  results: BatchSlotResult[];
  /** True when the refused slots list fewer errors than were found (at most 100 in all). */
  truncated?: boolean;
}
"#;

#[wasm_bindgen]
impl Gateway {
    /// Maps a batch answer to one result per patient, in request order, or
    /// throws the stable error (a count mismatch is `invalid_model_output`).
    #[wasm_bindgen(js_name = normalizeBatch, unchecked_return_type = "BatchResult")]
    pub fn normalize_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpstreamResponse")] response: JsValue,
        #[wasm_bindgen(unchecked_param_type = "BatchPlan")] batch: JsValue,
    ) -> Result<JsValue, JsValue> {
        let plan: BatchPlan = from_js(batch, "batch")?;
        if !plan.is_consistent() {
            return Err(bad_argument(
                "batch",
                "must be the plan of a batch invocation",
            ));
        }
        let upstream = UpstreamParts::from_js(&response)?;
        let result = self
            .inner
            .normalize_batch(&plan, upstream.view(), upstream.elapsed_ms)
            .map_err(to_js_error)?;
        to_js(&result)
    }
}
