//! Sticky A/B weights of production variants, and which variant a caller
//! is assigned.
//!
//! With SageMaker's own weighted routing every request is drawn afresh, so one
//! patient's consecutive requests may be answered by `model-v1`, then
//! `model-v2`: their risk level could flip between two models' opinions from
//! one screen to the next. A sticky assignment sends the same caller to the
//! same variant every time (as long as the weights do not change), so a
//! patient's results stay consistent and each A/B arm sees whole patients.
//!
//! The assignment is a documented hash, so it can be recomputed anywhere:
//! SHA-256 of `<endpoint>\n<caller id>` (UTF-8), its first 8 bytes read as a
//! big-endian unsigned 64-bit integer, modulo the total weight; the variant is
//! the first, in the configured order, whose cumulative weight exceeds that
//! point. The endpoint is part of the input so a caller's arm on one endpoint
//! says nothing about their arm on another.

use sha2::{Digest, Sha256};

use crate::config::names::check_sagemaker_name;

/// SageMaker allows at most 10 production variants per endpoint.
pub const MAX_STICKY_VARIANTS: usize = 10;

/// Largest weight of one variant. With at most 10 variants the total stays
/// far below 2^64, so the modulo bias of a 64-bit hash is negligible.
pub const MAX_VARIANT_WEIGHT: u64 = 1_000_000;

/// Weighted variants, in configured order (the order matters to the walk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StickyVariants {
    variants: Vec<(String, u64)>,
    total: u64,
}

impl StickyVariants {
    /// Parses `variant:weight` entries (the comma-separated items of
    /// `SAGEMAKER_STICKY_VARIANTS`). A weight of 0 assigns a variant nobody.
    /// Any change of a weight changes the total and so reassigns callers;
    /// appending a variant with weight 0 changes nothing, so a new variant can
    /// be listed before it takes traffic.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        if entries.is_empty() {
            return Err("must list at least one variant:weight".to_owned());
        }
        if entries.len() > MAX_STICKY_VARIANTS {
            return Err(format!(
                "must list at most {MAX_STICKY_VARIANTS} variants (SageMaker's limit per endpoint)"
            ));
        }
        let mut variants: Vec<(String, u64)> = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            let position = index + 1;
            let Some((name, weight)) = entry.trim().rsplit_once(':') else {
                return Err(format!(
                    "entry {position} must be variant:weight, e.g. model-v1:50"
                ));
            };
            let name = name.trim();
            if let Err((_, message)) = check_sagemaker_name(name) {
                return Err(format!("entry {position}: the variant name {message}"));
            }
            let weight = weight.trim();
            let weight = weight
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| weight.parse::<u64>().ok())
                .flatten()
                .filter(|w| *w <= MAX_VARIANT_WEIGHT)
                .ok_or_else(|| {
                    format!(
                        "entry {position}: the weight must be a whole number from 0 to {MAX_VARIANT_WEIGHT}"
                    )
                })?;
            if variants.iter().any(|(seen, _)| seen == name) {
                return Err(format!("entry {position}: the variant is listed twice"));
            }
            variants.push((name.to_owned(), weight));
        }
        let total = variants.iter().map(|(_, weight)| weight).sum::<u64>();
        if total == 0 {
            return Err("must give at least one variant a weight above 0".to_owned());
        }
        Ok(Self { variants, total })
    }

    /// The variant `caller_id` is assigned on `endpoint`.
    pub fn assign(&self, endpoint: &str, caller_id: &str) -> &str {
        let point = sticky_point(endpoint, caller_id) % self.total;
        let mut cumulative = 0;
        for (name, weight) in &self.variants {
            cumulative += weight;
            if point < cumulative {
                return name;
            }
        }
        // Unreachable: point < total, the last cumulative weight.
        self.variants.last().map_or("", |(name, _)| name)
    }

    /// The variants and their weights, in configured order.
    pub fn variants(&self) -> impl Iterator<Item = (&str, u64)> {
        self.variants
            .iter()
            .map(|(name, weight)| (name.as_str(), *weight))
    }
}

/// The first 8 bytes of SHA-256(`<endpoint>\n<caller id>`), big-endian.
pub fn sticky_point(endpoint: &str, caller_id: &str) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(endpoint.as_bytes());
    hasher.update(b"\n");
    hasher.update(caller_id.as_bytes());
    hasher
        .finalize()
        .iter()
        .take(8)
        .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn fifty_fifty() -> StickyVariants {
        StickyVariants::parse(&entries(&["model-v1:50", "model-v2:50"])).unwrap()
    }

    #[test]
    fn parses_entries_in_order() {
        let sticky = StickyVariants::parse(&entries(&[" model-v1 : 90 ", "model-v2:10"])).unwrap();
        assert_eq!(
            sticky.variants().collect::<Vec<_>>(),
            [("model-v1", 90), ("model-v2", 10)]
        );
    }

    #[test]
    fn refuses_bad_entries() {
        let cases: &[(&[&str], &str)] = &[
            (&[], "at least one"),
            (&["model-v1"], "entry 1 must be variant:weight"),
            (&["model-v1:50", "model_v2:50"], "entry 2: the variant name"),
            (&[":50"], "entry 1: the variant name must not be empty"),
            (&["model-v1:-1"], "entry 1: the weight"),
            (&["model-v1:1.5"], "entry 1: the weight"),
            (&["model-v1:"], "entry 1: the weight"),
            (&["model-v1:1000001"], "entry 1: the weight"),
            (&["model-v1:+5"], "entry 1: the weight"),
            (&["a:1", "a:2"], "entry 2: the variant is listed twice"),
            (&["a:0", "b:0"], "above 0"),
            (
                &[
                    "a:1", "b:1", "c:1", "d:1", "e:1", "f:1", "g:1", "h:1", "i:1", "j:1", "k:1",
                ],
                "at most 10",
            ),
        ];
        for (list, expected) in cases {
            let error = StickyVariants::parse(&entries(list)).unwrap_err();
            assert!(error.contains(expected), "{list:?}: {error}");
        }
    }

    /// Pinned values (recomputed with Python's hashlib): changing the hash
    /// would silently move every patient to another model.
    #[test]
    fn the_documented_hash_is_stable() {
        let cases = [
            (
                "medical-triage-endpoint",
                "user-1",
                13_260_081_449_534_901_730_u64,
            ),
            (
                "medical-triage-endpoint",
                "user-2",
                3_673_568_551_213_358_827,
            ),
            (
                "medical-triage-endpoint",
                "user-3",
                16_082_775_277_087_555_569,
            ),
            ("patient-risk-scorer", "user-1", 3_848_208_140_225_493_772),
        ];
        for (endpoint, caller, point) in cases {
            assert_eq!(sticky_point(endpoint, caller), point, "{endpoint} {caller}");
        }
    }

    #[test]
    fn assignment_table() {
        // point % total, walked over the cumulative weights.
        let cases: &[(&[&str], &str, &str, &str)] = &[
            // 30 of 100: below 50.
            (
                &["model-v1:50", "model-v2:50"],
                "medical-triage-endpoint",
                "user-1",
                "model-v1",
            ),
            // 69 of 100.
            (
                &["model-v1:50", "model-v2:50"],
                "medical-triage-endpoint",
                "user-3",
                "model-v2",
            ),
            // 72 of 100.
            (
                &["model-v1:50", "model-v2:50"],
                "patient-risk-scorer",
                "user-1",
                "model-v2",
            ),
            // 72 of 100, under 90.
            (
                &["model-v1:90", "model-v2:10"],
                "patient-risk-scorer",
                "user-1",
                "model-v1",
            ),
            // 0 of 4 → a (0..1), 2 of 4 → c (2..4), 1 of 4 → b (1..2).
            (
                &["a:1", "b:1", "c:2"],
                "medical-triage-endpoint",
                "user-5",
                "a",
            ),
            (
                &["a:1", "b:1", "c:2"],
                "medical-triage-endpoint",
                "user-1",
                "c",
            ),
            (
                &["a:1", "b:1", "c:2"],
                "medical-triage-endpoint",
                "user-3",
                "b",
            ),
            // A zero weight is skipped by the walk.
            (&["a:0", "b:1"], "medical-triage-endpoint", "user-1", "b"),
        ];
        for (list, endpoint, caller, expected) in cases {
            let sticky = StickyVariants::parse(&entries(list)).unwrap();
            assert_eq!(
                sticky.assign(endpoint, caller),
                *expected,
                "{list:?} {caller}"
            );
        }
    }

    #[test]
    fn the_same_caller_always_gets_the_same_variant() {
        let sticky = fifty_fifty();
        for i in 0..200 {
            let caller = format!("caller-{i}");
            let first = sticky.assign("medical-triage-endpoint", &caller);
            for _ in 0..3 {
                assert_eq!(sticky.assign("medical-triage-endpoint", &caller), first);
            }
            // A fresh parse of the same setting (another isolate) agrees.
            assert_eq!(
                fifty_fifty().assign("medical-triage-endpoint", &caller),
                first
            );
        }
    }

    #[test]
    fn weights_shape_the_distribution() {
        let cases: &[(&[&str], &[f64])] = &[
            (&["model-v1:50", "model-v2:50"], &[0.5, 0.5]),
            (&["model-v1:90", "model-v2:10"], &[0.9, 0.1]),
            (&["a:1", "b:1", "c:2"], &[0.25, 0.25, 0.5]),
        ];
        let callers = 20_000;
        for (list, shares) in cases {
            let sticky = StickyVariants::parse(&entries(list)).unwrap();
            let names: Vec<&str> = sticky.variants().map(|(name, _)| name).collect();
            let mut counts = vec![0usize; names.len()];
            for i in 0..callers {
                let variant = sticky.assign("medical-triage-endpoint", &format!("user-{i}"));
                let index = names.iter().position(|n| *n == variant).unwrap();
                counts[index] += 1;
            }
            for (count, share) in counts.iter().zip(shares.iter()) {
                let observed = *count as f64 / callers as f64;
                assert!(
                    (observed - share).abs() < 0.015,
                    "{list:?}: {observed} vs {share}"
                );
            }
        }
    }

    #[test]
    fn appending_a_zero_weight_variant_moves_nobody() {
        let before = StickyVariants::parse(&entries(&["a:50", "b:50"])).unwrap();
        let drained = StickyVariants::parse(&entries(&["a:50", "b:50", "c:0"])).unwrap();
        for i in 0..1000 {
            let caller = format!("user-{i}");
            let variant = drained.assign("e", &caller);
            assert_ne!(variant, "c");
            assert_eq!(variant, before.assign("e", &caller));
        }
    }

    #[test]
    fn the_endpoint_is_part_of_the_hash() {
        let sticky = fifty_fifty();
        let differs = (0..100).any(|i| {
            let caller = format!("user-{i}");
            sticky.assign("medical-triage-endpoint", &caller)
                != sticky.assign("patient-risk-scorer", &caller)
        });
        assert!(differs);
    }
}
