//! What an endpoint returned → the guide's output format, or a stable error.

pub mod batch;
pub mod image;
pub mod model_output;
pub mod red_flag_floor;
pub mod results;
pub mod rich_fields;
pub mod risk;
pub mod risk_levels;
pub mod sagemaker_error;
pub mod triage;

#[cfg(test)]
mod batch_flow_tests;

use serde::Serialize;

use crate::config::GatewayConfig;
use crate::error::{ErrorCode, GatewayError};
use crate::response::red_flag_floor::apply_red_flag_floor;
use crate::function::ModelFunction;
use crate::response::sagemaker_error::classify_sagemaker_error;

use results::{ImageResult, RiskResult, TriageResult};

/// A SageMaker answer as the shim received it.
#[derive(Debug, Clone, Copy)]
pub struct UpstreamResponse<'a> {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: &'a [(String, String)],
    /// Response body.
    pub body: &'a [u8],
}

impl UpstreamResponse<'_> {
    /// The answer itself when the call succeeded (2xx); SageMaker's error,
    /// mapped to its stable code, otherwise.
    pub fn succeeded(self) -> Result<Self, GatewayError> {
        if (200..300).contains(&self.status) {
            Ok(self)
        } else {
            Err(classify_sagemaker_error(
                self.status,
                self.headers,
                self.body,
            ))
        }
    }

    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The production variant that answered, when its name is valid.
    pub fn invoked_variant(&self) -> Option<&str> {
        self.header("x-amzn-invoked-production-variant")
            .filter(|v| crate::config::names::check_sagemaker_name(v).is_ok())
    }
}

/// One function's normalised result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum NormalizedResult {
    /// Triage.
    Triage(TriageResult),
    /// Image analysis.
    Image(ImageResult),
    /// Risk score.
    Risk(RiskResult),
}

/// Normalises a SageMaker answer; a non-2xx status becomes its stable error.
/// A triage answer is floored by the red flags its request raised
/// (`red_flags`, the rule ids the invocation carries).
pub fn normalize_response(
    config: &GatewayConfig,
    function: ModelFunction,
    response: UpstreamResponse<'_>,
    elapsed_ms: u64,
    red_flags: &[String],
) -> Result<NormalizedResult, GatewayError> {
    let response = response.succeeded()?;
    let output = model_output::parse_model_output(response.header("content-type"), response.body)?;
    normalize_prediction(
        config,
        function,
        output,
        response.invoked_variant(),
        elapsed_ms,
        red_flags,
    )
}

/// One prediction in the function's output format.
pub(crate) fn normalize_prediction(
    config: &GatewayConfig,
    function: ModelFunction,
    output: model_output::ModelOutput,
    variant: Option<&str>,
    elapsed_ms: u64,
    red_flags: &[String],
) -> Result<NormalizedResult, GatewayError> {
    if function != ModelFunction::Triage && !red_flags.is_empty() {
        return Err(GatewayError::new(
            ErrorCode::InvalidArgument,
            "Only triage answers are floored by red flags.",
        ));
    }
    Ok(match function {
        ModelFunction::Triage => {
            let mut result = triage::normalize_triage(
                output,
                config.triage_score_meaning,
                variant,
                elapsed_ms,
            )?;
            apply_red_flag_floor(&mut result, config.red_flags.as_deref(), red_flags)?;
            NormalizedResult::Triage(result)
        }
        ModelFunction::ImageAnalysis => NormalizedResult::Image(image::normalize_image(
            output,
            &config.image_labels,
            variant,
            elapsed_ms,
        )?),
        ModelFunction::RiskScore => {
            NormalizedResult::Risk(risk::normalize_risk(output, variant, elapsed_ms)?)
        }
    })
}
