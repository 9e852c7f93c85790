//! The guide's output formats, as the functions return them.

use serde::Serialize;

/// Triage output (the guide's triage "Output Format").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriageResult {
    /// 0 (routine) to 1 (most urgent).
    pub urgency_score: f64,
    /// `low`, `moderate`, `high` or `critical`.
    pub risk_level: &'static str,
    /// Specialty named by the model; `null` when the model does not name one.
    pub recommended_specialty: Option<String>,
    /// The model's confidence in `risk_level`; `null` when the output does not carry one.
    pub confidence: Option<f64>,
    /// Findings named by the model.
    pub key_findings: Vec<String>,
    /// Model version, or the production variant that answered.
    pub model_version: Option<String>,
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
    /// Model version, or the production variant that answered.
    pub model_version: Option<String>,
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
    /// Model version, or the production variant that answered.
    pub model_version: Option<String>,
    /// Milliseconds the SageMaker call took, measured by the gateway.
    pub inference_time_ms: u64,
    /// Which container format was recognised.
    pub output_format: &'static str,
}

/// Rounds model floats (often float32 widened to 17 digits) to 4 decimals.
pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}
