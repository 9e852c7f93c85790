//! normalize_batch_response for triage and risk score: an arbitrary batch
//! plan (consistent, as the JS face requires) and an arbitrary SageMaker
//! answer. A non-2xx answer is exactly classify_sagemaker_error's result; a
//! 2xx answer is either a 502 invalid_model_output (field paths pointing at
//! `results[i]`, nothing repeated from the answer) or one result per slot in
//! plan order: refused slots keep exactly their plan errors, sent slots carry
//! a result that passes every single-result invariant, the red-flag floor's
//! included: a triage slot's result is floored by exactly that slot's flags.
//!
//! Input: byte 0 bit 7 the function (triage / risk), bits 0-6 the slot count
//! (`% 100 + 1`); then one byte per 8 slots, bit set = sent (slot 0 is sent
//! when none is); then one byte `n`, and `n % 5` red-flag entries of 3 bytes
//! each: a sent slot (`% sent`, in slot order) and a little-endian mask of
//! the embedded rules' ids (`pick_red_flags`; entries for the same slot are
//! joined; triage only, as the request reader gives them); the rest is an
//! `Upstream` (see fuzz/src/upstream.rs).
#![no_main]

use healthnav_edge::request::batch::{BatchPlan, BatchSlot};
use healthnav_edge::response::batch::normalize_batch_response;
use healthnav_edge::response::sagemaker_error::classify_sagemaker_error;
use healthnav_edge::FieldError;
use healthnav_edge::ModelFunction;
use healthnav_edge_fuzz::{
    check_model_output_error, check_result, check_upstream_error, configs, pick_red_flags,
    Upstream, ELAPSED_MS,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&head, rest)) = data.split_first() else {
        return;
    };
    let function = if head & 0x80 == 0 {
        ModelFunction::Triage
    } else {
        ModelFunction::RiskScore
    };
    let count = usize::from(head & 0x7f) % 100 + 1;
    let mask_len = count.div_ceil(8).min(rest.len());
    let (mask, rest) = rest.split_at(mask_len);
    let mut slots: Vec<BatchSlot> = (0..count)
        .map(|index| {
            let ok = mask
                .get(index / 8)
                .is_some_and(|b| b & (1 << (index % 8)) != 0);
            BatchSlot {
                index,
                ok,
                errors: if ok {
                    Vec::new()
                } else {
                    vec![FieldError::new(
                        format!("patients[{index}].age"),
                        "out_of_range",
                        "must be between 0 and 130",
                    )]
                },
                red_flags: Vec::new(),
            }
        })
        .collect();
    if !slots.iter().any(|s| s.ok) {
        slots[0].ok = true;
        slots[0].errors.clear();
    }
    let (entries, mut rest) = rest
        .split_first()
        .map_or((0, rest), |(n, rest)| (n % 5, rest));
    let sent: Vec<usize> = (0..count).filter(|i| slots[*i].ok).collect();
    let mut masks = vec![0u16; count];
    for _ in 0..entries {
        let (entry, tail) = rest.split_at(rest.len().min(3));
        rest = tail;
        let byte = |i: usize| entry.get(i).copied().unwrap_or(0);
        let slot = sent[usize::from(byte(0)) % sent.len()];
        masks[slot] |= u16::from_le_bytes([byte(1), byte(2)]);
    }
    if function == ModelFunction::Triage {
        for (slot, mask) in slots.iter_mut().zip(masks) {
            slot.red_flags = pick_red_flags(mask);
        }
    }
    let plan = BatchPlan {
        slots,
        truncated: false,
    };
    assert!(plan.is_consistent());

    let upstream = Upstream::decode(rest);
    let config = &configs()[upstream.config];
    let result = normalize_batch_response(config, function, &plan, upstream.response(), ELAPSED_MS);
    if !(200..300).contains(&upstream.status) {
        let error = result.expect_err("a non-2xx answer was accepted");
        assert_eq!(
            error,
            classify_sagemaker_error(upstream.status, &upstream.headers, &upstream.body)
        );
        check_upstream_error(&upstream, &error);
        return;
    }
    let variant = upstream
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-amzn-invoked-production-variant"))
        .map(|(_, value)| value.as_str());
    match result {
        Err(error) => {
            check_model_output_error(&error);
            for field in &error.errors {
                assert!(field.path.starts_with("results["), "{field:?}");
            }
        }
        Ok(batch) => {
            assert!(serde_json::to_string(&batch).is_ok());
            assert_eq!(batch.results.len(), plan.slots.len());
            for (slot, result) in plan.slots.iter().zip(batch.results) {
                assert_eq!((result.index, result.ok), (slot.index, slot.ok));
                if slot.ok {
                    assert!(result.errors.is_none());
                    let normalized = result
                        .result
                        .unwrap_or_else(|| panic!("sent slot without a result"));
                    check_result(config, function, normalized, variant, &slot.red_flags);
                } else {
                    assert!(result.result.is_none());
                    assert_eq!(result.errors.as_ref(), Some(&slot.errors));
                }
            }
        }
    }
});
