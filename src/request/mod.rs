//! Client bodies → checked values: the JSON reader, field rules and each
//! function's request format. Nothing here builds a SageMaker call.

pub mod batch;
pub mod fields;
pub mod image;
pub mod image_bytes;
pub mod json_body;
pub mod plain_triage;
pub mod red_flags;
pub mod risk;
pub mod routing;
pub mod triage;
