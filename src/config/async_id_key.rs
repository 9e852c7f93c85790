//! The key asynchronous result ids are authenticated with, derived once from
//! the deployment's secret (`ASYNC_RESULT_SECRET`).

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Shortest secret accepted: 256 bits, as much as the tag.
pub const MIN_SECRET_BYTES: usize = 32;

/// Domain separation: the secret could be reused elsewhere; this key is only for ids.
const KEY_LABEL: &[u8] = b"healthnav-edge async result id v1";

/// HMAC-SHA256, the id's tag.
pub type HmacSha256 = Hmac<Sha256>;

/// The key ids are signed with, ready to use. `Debug` never prints it.
#[derive(Clone)]
pub struct AsyncIdKey(HmacSha256);

impl fmt::Debug for AsyncIdKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AsyncIdKey(** redacted **)")
    }
}

impl AsyncIdKey {
    /// Derives the key from a secret of at least [`MIN_SECRET_BYTES`] bytes.
    pub fn from_secret(secret: &str) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!("must be at least {MIN_SECRET_BYTES} bytes long"));
        }
        let unusable = |_| "could not be used as a key".to_owned();
        let mut derive = HmacSha256::new_from_slice(secret.as_bytes()).map_err(unusable)?;
        derive.update(KEY_LABEL);
        let key = derive.finalize().into_bytes();
        HmacSha256::new_from_slice(&key).map(Self).map_err(unusable)
    }

    /// A fresh HMAC state under the key.
    pub fn mac(&self) -> HmacSha256 {
        self.0.clone()
    }
}

