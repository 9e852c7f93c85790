//! normalize_response(Triage) on an arbitrary SageMaker answer (status,
//! content type, variant and error-type headers, body; layout in
//! `Upstream::decode`, fuzz/src/upstream.rs) and the red flags the request
//! raised: non-2xx answers map to a documented error that keeps no upstream
//! text; 2xx bodies become a result whose scores are finite and within
//! [0, 1], or a 502 invalid_model_output that does not repeat the body.
//!
//! The red-flag floor (src/response/red_flag_floor.rs): the result's
//! `risk_level` is the higher of `model_risk_level` and the given flags'
//! floor, never below the model's; `risk_level_source` is `red_flags`
//! exactly when the flags raised it; `red_flags` lists exactly the given
//! flags in rule order with their findings and sources, and
//! `red_flag_rules_version` is the rules' version when the floor is on.
//! With the floor off, or with an id the rules do not have, flags are
//! refused (500 invalid_argument) once the output itself is usable.
//!
//! Input: byte 0 bits 0-1 the mode (0, 1: the floor on; 2: the floor on and
//! an unknown rule id after the flags; 3: the floor off, `RED_FLAG_FLOOR=off`);
//! bytes 1-2 a little-endian mask of the embedded rules' ids (bit `j` picks
//! rule `j % <rule count>`; see `pick_red_flags`); the rest is an `Upstream`.
#![no_main]

use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{
    check_normalize, configs, floor_off_configs, pick_red_flags, Upstream, UNKNOWN_RULE_ID,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, rest) = data.split_at(data.len().min(3));
    let byte = |i: usize| head.get(i).copied().unwrap_or(0);
    let mode = byte(0) & 3;
    let mut red_flags = pick_red_flags(u16::from_le_bytes([byte(1), byte(2)]));
    if mode == 2 {
        red_flags.push(UNKNOWN_RULE_ID.to_owned());
    }
    let upstream = Upstream::decode(rest);
    let config = if mode == 3 {
        &floor_off_configs()[upstream.config]
    } else {
        &configs()[upstream.config]
    };
    check_normalize(config, ModelFunction::Triage, &upstream, &red_flags);
});
