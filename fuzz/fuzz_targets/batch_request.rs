//! Batch requests (`{"patients": [...]}`) through build_invocation for triage
//! and risk score, on arbitrary bytes under every fuzz configuration. An
//! accepted batch is a Batch invocation whose consistent plan has one record
//! per sent patient in the container's multi-record format (checked by
//! `check_invocation`), and it agrees patient by patient with single
//! requests: a slot is sent exactly when that patient alone is accepted, and
//! its record is byte for byte the single request's model input, with the
//! same red flags. Refused slots and refused batches never repeat the input.
#![no_main]

use std::collections::HashMap;

use healthnav_edge::invocation::build_invocation;
use healthnav_edge::invocation::InvocationMode;
use healthnav_edge::request::batch::BATCH_FIELD;
use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{check_invocation, check_request_error, configs, FUZZ_CALLER};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;

fn is_batch(data: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(data)
        .ok()
        .and_then(|v| v.as_object().map(|m| m.contains_key(BATCH_FIELD)))
        .unwrap_or(false)
}

fuzz_target!(|data: &[u8]| {
    let batch = is_batch(data);
    for function in [ModelFunction::Triage, ModelFunction::RiskScore] {
        for (n, config) in configs().iter().enumerate() {
            let invocation = match build_invocation(config, function, data, Some(FUZZ_CALLER)) {
                Ok(invocation) => invocation,
                Err(error) => {
                    check_request_error(&error);
                    continue;
                }
            };
            check_invocation(config, function, &invocation);
            let InvocationMode::Batch(plan) = &invocation.mode else {
                assert!(!batch, "a body with patients was not read as a batch");
                continue;
            };
            assert!(batch, "a body without patients was read as a batch");
            if n > 0 {
                continue; // the per-patient cross-check once, under the defaults
            }
            // The patients' exact text (duplicate keys were refused).
            let envelope: HashMap<String, &RawValue> = serde_json::from_slice(data)
                .unwrap_or_else(|e| panic!("accepted, unparsable: {e}"));
            let patients: Vec<&RawValue> = serde_json::from_str(envelope[BATCH_FIELD].get())
                .unwrap_or_else(|e| panic!("patients: {e}"));
            assert_eq!(patients.len(), plan.slots.len());
            let mut records = invocation.body.split(|b| *b == b'\n');
            for (slot, patient) in plan.slots.iter().zip(patients) {
                let record = slot.ok.then(|| records.next().unwrap_or_default());
                let text = patient.get();
                let single_is_batch = is_batch(text.as_bytes());
                if single_is_batch {
                    assert!(!slot.ok, "a patient with a patients field was sent");
                    continue;
                }
                match build_invocation(config, function, text.as_bytes(), Some(FUZZ_CALLER)) {
                    Ok(single) => {
                        let record = record.unwrap_or_else(|| {
                            panic!(
                                "patient {} is refused in a batch, accepted alone: {:?}",
                                slot.index, slot.errors
                            )
                        });
                        let single_body = single.body.strip_suffix(b"\n").unwrap_or(&single.body);
                        assert_eq!(
                            record, single_body,
                            "patient {}: batch record differs from the single request's",
                            slot.index
                        );
                        assert_eq!(
                            slot.red_flags, single.red_flags,
                            "patient {}: batch red flags differ from the single request's",
                            slot.index
                        );
                    }
                    Err(error) => assert!(
                        record.is_none(),
                        "patient {} is sent in a batch, refused alone: {error}",
                        slot.index
                    ),
                }
            }
        }
    }
});
