//! HealthNav edge core: validates patient payloads for the three SageMaker
//! functions, SigV4-signs SageMaker Runtime requests with aws-sigv4 and
//! normalises what the models return into the integration guide's formats.
//!
//! Everything here is pure and deterministic (no clock, network, env or
//! randomness) and runs natively under `cargo test`; `wasm` is the only
//! module that speaks to JavaScript.

#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod async_config;
pub mod async_invocation;
pub mod async_result;
pub mod async_result_id;
pub mod batch_request;
pub mod config;
pub mod endpoint_url;
pub mod error;
pub mod fields;
pub mod function;
pub mod image_bytes;
pub mod image_request;
pub mod invocation;
pub mod invocation_signer;
pub mod json_body;
pub mod limits;
pub mod names;
pub mod normalize;
pub mod plain_triage;
pub mod risk_request;
pub mod routing;
pub mod s3_access;
pub mod s3_endpoint;
pub mod s3_uri;
pub mod safety;
pub mod sagemaker_error;
pub mod signing;
pub mod sticky_variant;
pub mod triage_request;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use config::{GatewayConfig, GatewaySettings};
pub use error::{FieldError, GatewayError};
pub use function::ModelFunction;
pub use invocation::{build_invocation, Invocation};
pub use invocation_signer::InvocationSigner;
pub use normalize::{normalize_response, NormalizedResult, UpstreamResponse};
pub use signing::{sign_request, Credentials, PayloadHash, SigningRequest};
