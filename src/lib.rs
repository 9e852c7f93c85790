//! HealthNav edge core: validates patient payloads for the three SageMaker
//! functions, SigV4-signs SageMaker Runtime requests and normalises what the
//! models return into the integration guide's formats.
//!
//! Everything here is pure and deterministic (no clock, network, env or
//! randomness) and runs natively under `cargo test`. The layers, each using
//! only the ones below it and, without a cycle, its neighbours in the same row:
//!
//! | layer | what it does |
//! | --- | --- |
//! | [`wasm`](crate) | the only face to JavaScript (wasm32 builds) |
//! | [`FunctionGateway`] | one function's gateway: the API the face wraps |
//! | `signing`, `invocation`, `response`, `async_result` | signing, the SageMaker call, reading its answer, asynchronous results |
//! | `request` | client bodies → checked values |
//! | `config`, `safety` | the operator's settings, checked once; the clinical red-flag rules |
//! | `error`, `function`, `limits`, `text` | codes, names and limits everything shares |
//!
//! The layers are private; the `internals` feature opens them to the fuzz
//! crate and the schema generator. `tests/module_layers.rs` keeps the
//! direction.

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

/// A layer module: private, or public with the `internals` feature.
macro_rules! layer {
    ($($name:ident),* $(,)?) => {$(
        #[cfg(feature = "internals")]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        mod $name;
    )*};
}

layer!(error, function, limits, text);
layer!(config, safety);
layer!(request);
layer!(async_result, invocation, response, signing);
layer!(gateway);

#[cfg(target_arch = "wasm32")]
mod wasm;

// The public API: one function's gateway, what goes in and out of it, and
// the general SigV4 signer.
pub use async_result::accepted::AsyncAccepted;
pub use async_result::AsyncResultUrls;
pub use config::async_settings::DEFAULT_ASYNC_IMAGE_ENDPOINT;
pub use config::{GatewayConfig, GatewaySettings};
pub use error::{ErrorCode, FieldError, GatewayError, UpstreamDetails};
pub use function::ModelFunction;
pub use gateway::{FunctionGateway, PreparedCall, HASHED_HERE_MAX_BYTES};
pub use invocation::{Invocation, InvocationMode};
pub use request::batch::{BatchPlan, BatchSlot, MAX_BATCH_PATIENTS};
pub use response::batch::{BatchResult, SlotResult};
pub use response::red_flag_floor::{SafetyNotice, SAFETY_MESSAGE};
pub use response::results::{
    ImagePrediction, ImageResult, RedFlagNotice, RiskResult, TriageResult,
};
pub use response::{NormalizedResult, UpstreamResponse};
pub use signing::sigv4::{sign_request, Credentials, PayloadHash, SigningRequest};
