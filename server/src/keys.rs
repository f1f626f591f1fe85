//! Product signing keys.
//!
//! Each product has its own RSA-2048 key pair. The pure-Rust `rsa` crate is
//! used only to *generate* the pair (ring cannot generate RSA keys); the
//! private key is then exported as PKCS#8 DER and every signature is made by
//! ring's constant-time `RsaKeyPair` (the `rsa` crate's private-key
//! operations carry RUSTSEC-2023-0071).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use ring::signature::RsaKeyPair;

use crate::error::{ApiError, ApiResult};

/// A generated or imported key pair in DER form.
#[derive(Clone)]
pub struct KeyMaterial {
    /// PKCS#8 private key (DER).
    pub pkcs8: Vec<u8>,
    /// SubjectPublicKeyInfo public key (DER), what product data carries.
    pub spki: Vec<u8>,
}

/// Generates a fresh RSA-2048 key pair.
///
/// This is slow in unoptimised (debug) builds, seconds rather than the
/// ~100 ms of a release build, because the `rsa` crate's big-integer code is
/// not optimised there.
pub fn generate() -> ApiResult<KeyMaterial> {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
    let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).map_err(ApiError::internal)?;
    let pkcs8 = key
        .to_pkcs8_der()
        .map_err(ApiError::internal)?
        .as_bytes()
        .to_vec();
    let spki = rsa::RsaPublicKey::from(&key)
        .to_public_key_der()
        .map_err(ApiError::internal)?
        .as_bytes()
        .to_vec();
    check(&pkcs8)?;
    Ok(KeyMaterial { pkcs8, spki })
}

/// Imports an existing PKCS#8 private key (PEM `PRIVATE KEY` or
/// `RSA PRIVATE KEY`, or DER), e.g. when migrating a product or to reuse
/// test keys. The key must be RSA 2048..4096 bits.
pub fn import(input: &[u8]) -> ApiResult<KeyMaterial> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
    let bad =
        |_| ApiError::validation("privateKey must be an RSA private key in PKCS#8 or PKCS#1 PEM");
    let key = match std::str::from_utf8(input) {
        Ok(text) if text.contains("BEGIN RSA PRIVATE KEY") => {
            rsa::RsaPrivateKey::from_pkcs1_pem(text).map_err(|e| bad(e.to_string()))?
        }
        Ok(text) if text.contains("BEGIN PRIVATE KEY") => {
            rsa::RsaPrivateKey::from_pkcs8_pem(text).map_err(|e| bad(e.to_string()))?
        }
        _ => rsa::RsaPrivateKey::from_pkcs8_der(input).map_err(|e| bad(e.to_string()))?,
    };
    let pkcs8 = key
        .to_pkcs8_der()
        .map_err(ApiError::internal)?
        .as_bytes()
        .to_vec();
    let spki = rsa::RsaPublicKey::from(&key)
        .to_public_key_der()
        .map_err(ApiError::internal)?
        .as_bytes()
        .to_vec();
    check(&pkcs8).map_err(|_| ApiError::validation("privateKey must be RSA 2048..4096 bits"))?;
    Ok(KeyMaterial { pkcs8, spki })
}

impl std::fmt::Debug for KeyMaterial {
    /// Never prints the private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyMaterial")
            .field("spki_len", &self.spki.len())
            .finish_non_exhaustive()
    }
}

/// Confirms ring accepts the key, so signing cannot fail later.
fn check(pkcs8: &[u8]) -> ApiResult<()> {
    RsaKeyPair::from_pkcs8(pkcs8)
        .map(|_| ())
        .map_err(|e| ApiError::internal(format!("ring rejected key: {e}")))
}

/// Parsed signing keys by product id. Parsing a PKCS#8 RSA key costs about a
/// millisecond, as much as a signature, so it is done once per product.
#[derive(Default)]
pub struct KeyCache {
    keys: RwLock<HashMap<String, Arc<RsaKeyPair>>>,
}

impl KeyCache {
    /// Returns the cached key of `product_id`, or parses `load()`'s PKCS#8.
    pub fn get(
        &self,
        product_id: &str,
        load: impl FnOnce() -> ApiResult<Option<Vec<u8>>>,
    ) -> ApiResult<Arc<RsaKeyPair>> {
        if let Ok(map) = self.keys.read() {
            if let Some(k) = map.get(product_id) {
                return Ok(k.clone());
            }
        }
        let der = load()?.ok_or_else(|| {
            ApiError::new(
                openlex_wire::ErrorCode::InvalidProductId,
                "product not found",
            )
        })?;
        let kp = Arc::new(
            RsaKeyPair::from_pkcs8(&der)
                .map_err(|e| ApiError::internal(format!("bad stored key: {e}")))?,
        );
        if let Ok(mut map) = self.keys.write() {
            map.insert(product_id.to_owned(), kp.clone());
        }
        Ok(kp)
    }

    /// Forgets a product's key (after the product is deleted).
    pub fn forget(&self, product_id: &str) {
        if let Ok(mut map) = self.keys.write() {
            map.remove(product_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_accepts_pkcs8_pem_and_rejects_garbage() {
        let km = import(include_bytes!("../tests/fixtures/test-key-2.pem")).unwrap();
        assert_eq!(km.spki.len(), 294, "RSA-2048 SubjectPublicKeyInfo");
        assert!(RsaKeyPair::from_pkcs8(&km.pkcs8).is_ok());
        assert_eq!(
            import(b"not a key").unwrap_err().code,
            openlex_wire::ErrorCode::ValidationFailed
        );
        let cache = KeyCache::default();
        let k1 = cache.get("p", || Ok(Some(km.pkcs8.clone()))).unwrap();
        // cached: the loader is not called again
        let k2 = cache.get("p", || panic!("reloaded")).unwrap();
        assert!(Arc::ptr_eq(&k1, &k2));
        assert!(cache.get("q", || Ok(None)).is_err());
    }
}
