//! The guide's output formats, as the functions return them.

use serde::Serialize;

use crate::safety::Source;

/// Triage output (the guide's triage "Output Format"), with the clinical
/// red-flag floor: `risk_level` is the higher of the model's own level and
/// the floor of the red flags the request raised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageResult {
    /// The model's score, 0 (routine) to 1 (most urgent): the floor never
    /// invents a number.
    pub urgency_score: f64,
    /// `low`, `moderate`, `high` or `critical`: the higher of
    /// `model_risk_level` and the red flags' floor.
    pub risk_level: &'static str,
    /// The model's own level, as it answered.
    pub model_risk_level: &'static str,
    /// What decided `risk_level`: `model`, or `red_flags` when the floor
    /// raised it.
    pub risk_level_source: &'static str,
    /// The published warning signs the request showed, in rule order.
    pub red_flags: Vec<RedFlagNotice>,
    /// The version of the red-flag rules applied; `null` when the operator
    /// switched the floor off.
    pub red_flag_rules_version: Option<String>,
    /// Specialty named by the model; `null` when the model does not name one.
    pub recommended_specialty: Option<String>,
    /// The model's confidence in its own level; `null` when the output does not carry one.
    pub confidence: Option<f64>,
    /// Findings named by the model.
    pub key_findings: Vec<String>,
    /// The model's own version, when its output names one.
    pub model_version: Option<String>,
    /// The production variant that answered, when SageMaker says.
    pub invoked_variant: Option<String>,
    /// Milliseconds the SageMaker call took, measured by the gateway.
    pub inference_time_ms: u64,
    /// Which container format was recognised.
    pub output_format: &'static str,
}

/// One image finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImagePrediction {
    /// Condition label.
    pub condition: String,
    /// Probability in `[0, 1]`.
    pub confidence: f64,
    /// Severity, when the model grades it; `null` otherwise.
    pub severity: Option<String>,
}

/// Image analysis output (the guide's image "Output Format").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImageResult {
    /// Findings, most confident first.
    pub predictions: Vec<ImagePrediction>,
    /// The model's own version, when its output names one.
    pub model_version: Option<String>,
    /// The production variant that answered, when SageMaker says.
    pub invoked_variant: Option<String>,
    /// Milliseconds the SageMaker call took, measured by the gateway.
    pub inference_time_ms: u64,
    /// Which container format was recognised.
    pub output_format: &'static str,
}

/// Risk score output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskResult {
    /// Probability of an adverse outcome, 0 to 1.
    pub risk_score: f64,
    /// `low`, `moderate`, `high` or `critical`.
    pub risk_level: &'static str,
    /// Factors the model itself reported; empty for raw containers, which report none.
    pub factors: Vec<String>,
    /// The model's own version, when its output names one.
    pub model_version: Option<String>,
    /// The production variant that answered, when SageMaker says.
    pub invoked_variant: Option<String>,
    /// Milliseconds the SageMaker call took, measured by the gateway.
    pub inference_time_ms: u64,
    /// Which container format was recognised.
    pub output_format: &'static str,
}

/// A red flag as answers show it: the rule, what to do, and the public
/// page the warning sign comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedFlagNotice {
    /// The rule's id, e.g. `stroke_fast`.
    pub id: String,
    /// The warning sign and what to do.
    pub finding: String,
    /// Where the warning sign is published.
    pub source: Source,
}

/// Rounds model floats (often float32 widened to 17 digits) to 4 decimals.
pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}
