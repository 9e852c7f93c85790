//! build_invocation(Triage) on arbitrary request bytes, under every fuzz
//! configuration: accepted bodies must become a well-formed, signable
//! invocation; refused ones a 4xx request error that does not repeat the body.
//! The typed reader of plain requests must agree with the full reader.
#![no_main]

use healthnav_edge::invocation::build_invocation;
use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{
    check_invocation, check_plain_triage, check_request_error, configs, FUZZ_CALLER,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for config in configs() {
        check_plain_triage(config, data);
        match build_invocation(config, ModelFunction::Triage, data, Some(FUZZ_CALLER)) {
            Ok(invocation) => check_invocation(config, ModelFunction::Triage, &invocation),
            Err(error) => check_request_error(&error),
        }
    }
});
