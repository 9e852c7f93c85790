//! Asynchronous image analysis in JavaScript: the 202 from
//! InvokeEndpointAsync becomes the client's id; a GET's id becomes the S3
//! URLs to read; the S3 answers become the result, "pending" or the failure.

use wasm_bindgen::prelude::*;

use super::convert::{bad_argument, to_js, to_js_error};
use super::gateway::Gateway;
use super::upstream::UpstreamParts;

#[wasm_bindgen(typescript_custom_section)]
const ASYNC_TYPES: &str = r#"
/** The 202 body of an accepted asynchronous request. */
export interface AsyncAccepted {
  status: "pending";
  /** Poll GET /sagemaker-image-analysis/<id> (or ?id=<id>) with it. */
  id: string;
  /** SageMaker's InferenceId, for support cases. */
  inference_id: string | null;
}

/** The S3 objects to GET (SigV4, service "s3") for one result id. */
export interface AsyncResultLocation {
  /** The result id, as given. */
  id: string;
  outputUrl: string;
  failureUrl: string | null;
  /** When the inference was accepted, ms since 1970. */
  submittedAtMs: number;
}
"#;

fn time(time_ms: f64) -> u64 {
    if time_ms.is_finite() && time_ms > 0.0 {
        time_ms as u64
    } else {
        0
    }
}

#[wasm_bindgen]
impl Gateway {
    /// SageMaker's answer to InvokeEndpointAsync → the client's 202 body with
    /// a result id only `callerId` (the verified JWT `sub`) can open, or the
    /// mapped error.
    #[wasm_bindgen(js_name = acceptAsync, unchecked_return_type = "AsyncAccepted")]
    pub fn accept_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpstreamResponse")] response: JsValue,
        #[wasm_bindgen(js_name = timeMs)] time_ms: f64,
        #[wasm_bindgen(js_name = callerId)] caller_id: &str,
    ) -> Result<JsValue, JsValue> {
        if caller_id.is_empty() {
            return Err(bad_argument(
                "callerId",
                "must be the signed-in caller's id",
            ));
        }
        let upstream = UpstreamParts::from_js(&response)?;
        let accepted = self
            .inner
            .accept_async(upstream.view(), time(time_ms), caller_id)
            .map_err(to_js_error)?;
        to_js(&accepted)
    }

    /// Checks the result id in a GET's path or query (`/<slug>/<id>` or
    /// `?id=`) for `callerId` and returns the S3 URLs to read; throws
    /// `missing_async_id` (400), `unknown_async_id` (404: also someone
    /// else's id), `async_id_expired` (410) or `async_not_enabled` (501).
    #[wasm_bindgen(js_name = openAsyncResult, unchecked_return_type = "AsyncResultLocation")]
    pub fn open_async_result(
        &self,
        #[wasm_bindgen(js_name = pathAndQuery)] path_and_query: &str,
        #[wasm_bindgen(js_name = timeMs)] time_ms: f64,
        #[wasm_bindgen(js_name = callerId)] caller_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let urls = self
            .inner
            .open_async_result(path_and_query, time(time_ms), caller_id.as_deref())
            .map_err(to_js_error)?;
        to_js(&urls)
    }

    /// The S3 answer for the output object → the normalised result, or
    /// `null` while it does not exist; throws S3 errors.
    #[wasm_bindgen(js_name = readAsyncOutput, unchecked_return_type = "ImageResult | null")]
    pub fn read_async_output(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpstreamResponse")] response: JsValue,
    ) -> Result<JsValue, JsValue> {
        let upstream = UpstreamParts::from_js(&response)?;
        match self
            .inner
            .read_async_output(upstream.view(), upstream.elapsed_ms)
        {
            Ok(Some(result)) => to_js(&result),
            Ok(None) => Ok(JsValue::NULL),
            Err(error) => Err(to_js_error(error)),
        }
    }

    /// The S3 answer for the failure object: returns while it does not exist
    /// (still pending); throws the failure it reports, or the S3 error.
    #[wasm_bindgen(js_name = readAsyncFailure)]
    pub fn read_async_failure(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpstreamResponse")] response: JsValue,
    ) -> Result<(), JsValue> {
        let upstream = UpstreamParts::from_js(&response)?;
        self.inner
            .read_async_failure(upstream.view())
            .map_err(to_js_error)
    }
}
