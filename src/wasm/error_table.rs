//! The error-code table in JavaScript: the `ErrorCode` union type, and each
//! code's status and retryability, so the edge functions answer their own
//! codes exactly as the crate answers its.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::to_js;
use crate::error::{ErrorCode, ERROR_CODE_TYPESCRIPT};

#[wasm_bindgen(typescript_custom_section)]
const ERROR_CODE_TYPES: &str = ERROR_CODE_TYPESCRIPT;

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TABLE_TYPES: &str = r#"
/** One row of the error-code table. */
export interface ErrorCodeInfo {
  code: ErrorCode;
  /** The HTTP status a client gets with this code. */
  status: number;
  /** Whether sending the same request again is safe and may succeed. */
  retryable: boolean;
}
"#;

#[derive(Serialize)]
struct ErrorCodeInfo {
    code: ErrorCode,
    status: u16,
    retryable: bool,
}

/// Every code the gateway answers with, its status and retryability.
#[wasm_bindgen(js_name = errorCodeTable, unchecked_return_type = "ErrorCodeInfo[]")]
pub fn error_code_table() -> Result<JsValue, JsValue> {
    let rows: Vec<ErrorCodeInfo> = ErrorCode::ALL
        .iter()
        .map(|&code| ErrorCodeInfo {
            code,
            status: code.status(),
            retryable: code.retryable(),
        })
        .collect();
    to_js(&rows)
}
