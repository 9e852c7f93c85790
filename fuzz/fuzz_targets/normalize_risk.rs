//! normalize_response(RiskScore) on an arbitrary SageMaker answer (status,
//! content type, variant and error-type headers, body; layout in
//! `Upstream::decode`): non-2xx answers map to a documented error that keeps
//! no upstream text; 2xx bodies become a result whose scores are finite and
//! within [0, 1], or a 502 invalid_model_output that does not repeat the body.
#![no_main]

use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{check_normalize, configs, Upstream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let upstream = Upstream::decode(data);
    check_normalize(
        &configs()[upstream.config],
        ModelFunction::RiskScore,
        &upstream,
        &[],
    );
});
