//! SigV4: the general signer (aws-sigv4) for any AWS request, and the
//! gateway's signer for its SageMaker calls, which the general one checks.

pub mod invocation_signer;
pub mod sigv4;

use sha2::{Digest, Sha256};

/// The lower-case hex SHA-256 of `bytes`: a SigV4 payload hash.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
