//! The documented sticky-variant hash, written independently of the crate.

/// Reference sticky assignment, written from the module's documentation:
/// SHA-256 of `<endpoint>\n<caller>`, first 8 bytes big-endian, modulo the
/// total weight, walked over the cumulative weights in order.
pub fn reference_sticky(variants: &[(String, u64)], endpoint: &str, caller: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{endpoint}\n{caller}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let total: u64 = variants.iter().map(|(_, w)| w).sum();
    let point = u64::from_be_bytes(first) % total;
    let mut cumulative = 0;
    for (name, weight) in variants {
        cumulative += weight;
        if point < cumulative {
            return name.clone();
        }
    }
    unreachable!("point {point} beyond total {total}")
}
