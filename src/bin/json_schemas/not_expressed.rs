//! The rules a JSON Schema cannot state, per function. Each has a stable tag:
//! the schema lists them under `x-healthnav-not-expressed`, and the
//! differential test (client/test/) names every disagreement between a
//! schema and the gateway by one of these tags.

use healthnav_edge::function::ModelFunction;
use healthnav_edge::limits::{MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_SAGEMAKER_BODY_BYTES};
use healthnav_edge::request::batch::MAX_BATCH_PATIENTS;

use crate::image_data::MAX_S3_KEY;

/// One rule the gateway checks and the schema does not.
pub struct NotExpressed {
    /// Stable tag, e.g. `duplicate_keys`.
    pub tag: &'static str,
    /// What the gateway checks, in one sentence.
    pub rule: String,
}

fn rule(tag: &'static str, rule: impl Into<String>) -> NotExpressed {
    NotExpressed {
        tag,
        rule: rule.into(),
    }
}

/// Every rule of `function` left out of its request schema.
pub fn not_expressed(function: ModelFunction) -> Vec<NotExpressed> {
    let mut rules = vec![
        rule(
            "body_size",
            format!("The body is at most {MAX_SAGEMAKER_BODY_BYTES} bytes (SageMaker's limit); the schema sees a parsed value, not bytes."),
        ),
        rule(
            "duplicate_keys",
            "No object may repeat a key; JSON parsers keep one of the values, so the schema never sees the repetition.",
        ),
        rule(
            "endpoint_allow_list",
            "endpoint must be the function's default endpoint or one the deployment lists for the function (SAGEMAKER_TRIAGE_ALLOWED_ENDPOINTS and its siblings; none by default).",
        ),
        rule(
            "variant_allow_list",
            "variant must be one the deployment lets clients choose (SAGEMAKER_CLIENT_VARIANTS; none by default), and never a sticky variant of weight 0.",
        ),
    ];
    match function {
        ModelFunction::Triage => {}
        ModelFunction::RiskScore => rules.push(rule(
            "diastolic_below_systolic",
            "patient_data.diastolic_bp_mmhg must be lower than patient_data.systolic_bp_mmhg: JSON Schema cannot compare two values.",
        )),
        ModelFunction::ImageAnalysis => rules.extend([
            rule(
                "image_bytes",
                "Inline image_data must be base64 that decodes (whole groups of four, canonical padding, no stray bits) to a JPEG (FF D8 FF), PNG or DICOM (DICM at byte 128) image, and a data: URL's declared type must be that format; the schema checks the base64 alphabet and padding characters only.",
            ),
            rule(
                "s3_key_bytes",
                format!("An S3 key is at most {MAX_S3_KEY} bytes of UTF-8; the schema counts characters."),
            ),
            rule(
                "bucket_allow_list",
                "An s3:// bucket must be in the deployment's IMAGE_S3_ALLOWED_BUCKETS (none by default), and its key under IMAGE_S3_KEY_PREFIX with the caller's id, when set.",
            ),
            rule(
                "async_enabled",
                "\"async\": true needs a deployment with ASYNC_RESULT_SECRET set, and a signed-in caller.",
            ),
        ]),
    }
    rules
}

/// The schema's top-level description: what it covers and what it leaves out.
pub fn description(function: ModelFunction, summary: &str) -> String {
    let mut text = format!(
        "{summary} Generated from the gateway's Rust rules (cargo run --features internals --bin json_schemas); do not edit. \
         Strings are checked as the gateway reads them: trimmed of Unicode whitespace, then free of control, \
         line-separator and bidirectional-override characters. Null stands for an absent optional field. \
         A body valid here nests at most a few levels and holds fewer than {MAX_JSON_VALUES} values, \
         so the gateway's limits of {MAX_JSON_DEPTH} levels and {MAX_JSON_VALUES} values never bite. \
         Not expressed here, and checked by the gateway:"
    );
    for NotExpressed { tag, rule } in not_expressed(function) {
        text.push_str(&format!(" [{tag}] {rule}"));
    }
    if matches!(function, ModelFunction::Triage | ModelFunction::RiskScore) {
        text.push_str(&format!(
            " A batch holds 1 to {MAX_BATCH_PATIENTS} patients; the gateway scores the valid ones and reports the others in their slots, while this schema accepts only a batch in which every patient is valid."
        ));
    }
    text
}
