//! Shared pieces of the healthnav-edge fuzz targets: the gateway
//! configurations the targets run against, the invariants every result or
//! error must satisfy (the red-flag floor's among them), the byte layout of
//! an upstream (SageMaker) response, and a JSON model for the structured
//! request generators.
//!
//! Invariants are plain `assert!`s: libFuzzer reports a failed one as a crash
//! with the input that caused it.

mod async_inference;
mod config_checks;
mod configs;
mod errors;
mod invocations;
mod json_model;
mod red_flags;
mod requests;
mod results;
mod sticky;
mod upstream;

pub use async_inference::*;
pub use config_checks::*;
pub use configs::*;
pub use errors::*;
pub use invocations::*;
pub use json_model::*;
pub use red_flags::*;
pub use requests::*;
pub use results::*;
pub use sticky::*;
pub use upstream::*;
