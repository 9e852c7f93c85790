//! The SageMaker call a request becomes: a plain value that the builders
//! fill in and everything above reads.

use crate::request::batch::BatchPlan;

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
    /// Whether the model reads its input from S3 (an `s3://` image): the body
    /// names the object but does not hold it, so equal bodies may not mean
    /// equal inputs (a new scan uploaded under the same key).
    pub input_in_s3: bool,
    /// How the answer is read.
    pub mode: InvocationMode,
    /// Ids of the red-flag rules a triage request matched (a batch keeps
    /// them per patient, in its plan); empty otherwise.
    pub red_flags: Vec<String>,
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
