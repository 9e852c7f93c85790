//! One function's gateway: the checked settings, the function it serves and
//! the signer of its SageMaker calls, bound together once per isolate. Every
//! step a request takes goes through it, in order: [`FunctionGateway::prepare`]
//! (validate and build), [`FunctionGateway::sign_attempt`] (each attempt,
//! first or retry), then [`FunctionGateway::normalize`] (or the batch and
//! asynchronous readers). The wasm face wraps it one to one.

use crate::async_result::accepted::{accept_async_response, AsyncAccepted};
use crate::async_result::{
    open_async_result, read_async_failure, read_async_output, AsyncResultUrls,
};
use crate::config::red_flag_settings::RedFlagSettings;
use crate::config::{GatewayConfig, GatewaySettings};
use crate::error::{ErrorCode, FieldError, GatewayError};
use crate::function::ModelFunction;
use crate::invocation::{build_invocation, Invocation, InvocationMode};
use crate::request::batch::BatchPlan;
use crate::response::batch::{normalize_batch_response, BatchResult};
use crate::response::red_flag_floor::{safety_notice, SafetyNotice};
use crate::response::{normalize_response, NormalizedResult, UpstreamResponse};
use crate::signing::invocation_signer::InvocationSigner;
use crate::signing::sigv4::{Credentials, PayloadHash};

/// Model bodies up to this size are hashed here, in the same call that
/// builds them; larger ones (inline images) are hashed by the runtime's
/// native SHA-256, which is faster than wasm's for them.
pub const HASHED_HERE_MAX_BYTES: usize = 64 * 1024;

/// A validated request, built into its SageMaker call, and the first
/// attempt's signature when the payload could be hashed here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedCall {
    /// The call to send (its headers unsigned).
    pub invocation: Invocation,
    /// SHA-256 of the body, lower-case hex; `None` above
    /// [`HASHED_HERE_MAX_BYTES`]: hash it natively for [`FunctionGateway::sign_attempt`].
    pub payload_sha256: Option<String>,
    /// The headers that sign the first attempt at the time given to
    /// `prepare`, when the payload was hashed here and credentials are set.
    pub first_attempt_signature: Option<Vec<(String, String)>>,
}

/// The gateway of one function.
#[derive(Debug)]
pub struct FunctionGateway {
    config: GatewayConfig,
    function: ModelFunction,
    signer: Option<InvocationSigner>,
}

impl FunctionGateway {
    /// Checks the settings once; an `invalid_configuration` error names
    /// each bad setting.
    ///
    /// The red-flag floor is triage's alone: another function's gateway
    /// neither loads nor checks the rules (about 4 ms of a cold start in
    /// wasm), and the triage function reports a bad rule file.
    pub fn new(
        mut settings: GatewaySettings,
        function: ModelFunction,
    ) -> Result<Self, GatewayError> {
        if function != ModelFunction::Triage {
            settings.red_flags = Some(RedFlagSettings {
                enabled: Some(false),
                ..RedFlagSettings::default()
            });
        }
        Ok(Self {
            config: GatewayConfig::new(settings)?,
            function,
            signer: None,
        })
    }

    /// Keeps the credentials the function's calls are signed with; an
    /// `invalid_signing_request` error names each bad field.
    pub fn set_credentials(&mut self, credentials: Credentials) -> Result<(), GatewayError> {
        self.signer = Some(InvocationSigner::new(credentials, &self.config.region)?);
        Ok(())
    }

    /// The function this gateway serves.
    pub fn function(&self) -> ModelFunction {
        self.function
    }

    /// The checked settings.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// Validates a client body and builds its SageMaker call. `caller_id` is
    /// the verified caller (the JWT `sub`): it picks the sticky variant,
    /// bounds the caller's `s3://` keys and owns an asynchronous result.
    pub fn build(&self, body: &[u8], caller_id: Option<&str>) -> Result<Invocation, GatewayError> {
        build_invocation(&self.config, self.function, body, caller_id)
    }

    /// [`Self::build`], then the payload's hash and the first attempt's
    /// signature at `time_ms` when the body is small enough to hash here.
    pub fn prepare(
        &mut self,
        body: &[u8],
        time_ms: f64,
        caller_id: Option<&str>,
    ) -> Result<PreparedCall, GatewayError> {
        let invocation = self.build(body, caller_id)?;
        if invocation.body.len() > HASHED_HERE_MAX_BYTES {
            return Ok(PreparedCall {
                invocation,
                payload_sha256: None,
                first_attempt_signature: None,
            });
        }
        let payload_sha256 = crate::signing::sha256_hex(&invocation.body);
        let first_attempt_signature = match self.signer.as_mut() {
            Some(signer) => Some(signer.sign(
                &invocation.url,
                &invocation.headers,
                PayloadHash::Precomputed(&payload_sha256),
                time_ms,
            )?),
            None => None,
        };
        Ok(PreparedCall {
            invocation,
            payload_sha256: Some(payload_sha256),
            first_attempt_signature,
        })
    }

    /// The headers that sign one attempt of a call at `time_ms`: the same
    /// signer for every attempt, first or retry.
    pub fn sign_attempt(
        &mut self,
        url: &str,
        headers: &[(String, String)],
        payload_sha256: &str,
        time_ms: f64,
    ) -> Result<Vec<(String, String)>, GatewayError> {
        let signer = self.signer.as_mut().ok_or_else(|| {
            GatewayError::new(
                ErrorCode::InvalidArgument,
                "Credentials must be set before a call is signed.",
            )
        })?;
        signer.sign(url, headers, PayloadHash::Precomputed(payload_sha256), time_ms)
    }

    /// Every field problem of a client body, or none when it is valid.
    /// Body-level problems (not JSON, empty, too large) come back with path
    /// `""`. A batch is valid as a whole when one patient is; the others'
    /// problems are still listed.
    pub fn validate(&self, body: &[u8], caller_id: Option<&str>) -> Vec<FieldError> {
        match self.build(body, caller_id) {
            Ok(Invocation {
                mode: InvocationMode::Batch(plan),
                ..
            }) => plan.errors(),
            Ok(_) => Vec::new(),
            Err(error) if error.errors.is_empty() => {
                vec![FieldError::new("", error.code.as_str(), error.message)]
            }
            Err(error) => error.errors,
        }
    }

    /// Every endpoint name this deployment can call (the asynchronous one
    /// included), the only names metrics may carry.
    pub fn endpoint_names(&self) -> Vec<&str> {
        self.config.endpoint_names()
    }

    /// A SageMaker answer → the guide's output, or its stable error. A
    /// triage answer is floored by `red_flags`, the rule ids its invocation
    /// carries.
    pub fn normalize(
        &self,
        response: UpstreamResponse<'_>,
        elapsed_ms: u64,
        red_flags: &[String],
    ) -> Result<NormalizedResult, GatewayError> {
        normalize_response(
            &self.config,
            self.function,
            response,
            elapsed_ms,
            red_flags,
        )
    }

    /// What a failed triage answer carries for `red_flags` (the rule ids its
    /// invocation carries): the flags and a fixed safety message, or `None`
    /// when there were none.
    pub fn safety_notice(&self, red_flags: &[String]) -> Result<Option<SafetyNotice>, GatewayError> {
        safety_notice(self.config.red_flags.as_deref(), red_flags)
    }

    /// A batch answer → one result per patient, in request order.
    pub fn normalize_batch(
        &self,
        plan: &BatchPlan,
        response: UpstreamResponse<'_>,
        elapsed_ms: u64,
    ) -> Result<BatchResult, GatewayError> {
        normalize_batch_response(&self.config, self.function, plan, response, elapsed_ms)
    }

    /// SageMaker's answer to InvokeEndpointAsync → the client's 202 body,
    /// with a result id only `caller_id` can open.
    pub fn accept_async(
        &self,
        response: UpstreamResponse<'_>,
        now_ms: u64,
        caller_id: &str,
    ) -> Result<AsyncAccepted, GatewayError> {
        self.serves_async_results()?;
        accept_async_response(&self.config, response, now_ms, caller_id)
    }

    /// The result id in a GET's path or query → the S3 objects to read.
    pub fn open_async_result(
        &self,
        path_and_query: &str,
        now_ms: u64,
        caller_id: Option<&str>,
    ) -> Result<AsyncResultUrls, GatewayError> {
        self.serves_async_results()?;
        open_async_result(&self.config, path_and_query, now_ms, caller_id)
    }

    /// S3's answer for the output object → the result, or `None` while it
    /// does not exist.
    pub fn read_async_output(
        &self,
        response: UpstreamResponse<'_>,
        elapsed_ms: u64,
    ) -> Result<Option<NormalizedResult>, GatewayError> {
        self.serves_async_results()?;
        read_async_output(&self.config, response, elapsed_ms)
    }

    /// S3's answer for the failure object: `Ok` while it does not exist, the
    /// failure it reports otherwise.
    pub fn read_async_failure(&self, response: UpstreamResponse<'_>) -> Result<(), GatewayError> {
        self.serves_async_results()?;
        read_async_failure(response)
    }

    /// Only image analysis has asynchronous results.
    fn serves_async_results(&self) -> Result<(), GatewayError> {
        if self.function == ModelFunction::ImageAnalysis {
            Ok(())
        } else {
            Err(GatewayError::new(
                ErrorCode::InvalidArgument,
                "Only sagemaker-image-analysis has asynchronous results.",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_with_a_bad_rule_file() -> GatewaySettings {
        GatewaySettings {
            region: "us-east-1".into(),
            red_flags: Some(RedFlagSettings {
                rules: Some("{}".into()),
                ..RedFlagSettings::default()
            }),
            ..GatewaySettings::default()
        }
    }

    #[test]
    fn only_the_triage_gateway_loads_red_flag_rules() {
        let triage = FunctionGateway::new(settings_with_a_bad_rule_file(), ModelFunction::Triage);
        let error = triage.unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidConfiguration);
        assert!(
            error.errors.iter().any(|e| e.path == "redFlags.rules"),
            "{error:?}"
        );
        for function in [ModelFunction::ImageAnalysis, ModelFunction::RiskScore] {
            let gateway = FunctionGateway::new(settings_with_a_bad_rule_file(), function).unwrap();
            assert!(gateway.config.red_flags.is_none(), "{function:?}");
        }
        let defaults = GatewaySettings {
            region: "us-east-1".into(),
            ..GatewaySettings::default()
        };
        let triage = FunctionGateway::new(defaults, ModelFunction::Triage).unwrap();
        assert!(triage.config.red_flags.is_some());
    }
}
