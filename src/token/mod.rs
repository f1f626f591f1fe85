//! RS256 token verification with the product's RSA public key.
//!
//! The library only ever verifies (public-key operations). It uses ring,
//! which rustls already links for TLS, so token checks add no second RSA
//! implementation to the library; signing lives in openlex-server.

mod der;

use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};
use serde::de::DeserializeOwned;

use openlex_wire::jwt;

/// A product's RSA public key, ready to verify tokens.
#[derive(Clone, Debug)]
pub struct ProductKey {
    /// PKCS#1 RSAPublicKey DER, as ring takes it.
    pkcs1: Vec<u8>,
}

/// Why a token was rejected (all map to LA_FAIL at the boundary, as the vendor does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a well-formed RS256 JWT.
    Malformed,
    /// The signature does not verify with the product key.
    Signature,
    /// The payload is not the expected claims JSON.
    Claims,
}

impl ProductKey {
    /// Parses SubjectPublicKeyInfo DER; accepts RSA keys of 2048 to 4096 bits.
    pub fn from_spki_der(der: &[u8]) -> Option<ProductKey> {
        let pkcs1 = der::rsa_public_key_from_spki(der)?;
        let bits = der::rsa_modulus_bits(&pkcs1)?;
        if !(2048..=4096).contains(&bits) {
            return None;
        }
        Some(ProductKey { pkcs1 })
    }

    /// Verifies an RS256 token and decodes its claims.
    pub fn verify<T: DeserializeOwned>(&self, token: &str) -> Result<T, TokenError> {
        let parts = jwt::split(token).map_err(|_| TokenError::Malformed)?;
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &self.pkcs1)
            .verify(parts.signing_input.as_bytes(), &parts.signature)
            .map_err(|_| TokenError::Signature)?;
        serde_json::from_slice(&parts.payload).map_err(|_| TokenError::Claims)
    }
}

#[cfg(test)]
pub(crate) mod testkey {
    //! A fixed RSA-2048 test key pair, generated once per test process.
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::EncodePublicKey;
    use rsa::signature::{SignatureEncoding, Signer};
    use rsa::RsaPrivateKey;
    use sha2::Sha256;
    use std::sync::LazyLock;

    static KEY: LazyLock<RsaPrivateKey> = LazyLock::new(|| {
        let mut rng = rand_core_rng();
        RsaPrivateKey::new(&mut rng, 2048).expect("keygen")
    });

    fn rand_core_rng() -> impl rsa::rand_core::CryptoRngCore {
        rsa::rand_core::OsRng
    }

    /// SubjectPublicKeyInfo DER of the test key.
    pub fn spki() -> Vec<u8> {
        KEY.to_public_key()
            .to_public_key_der()
            .expect("der")
            .as_bytes()
            .to_vec()
    }

    /// Signs claims JSON into an RS256 token.
    pub fn sign(claims: &serde_json::Value) -> String {
        let si = openlex_wire::jwt::signing_input(&serde_json::to_vec(claims).expect("json"));
        let sig = SigningKey::<Sha256>::new(KEY.clone()).sign(si.as_bytes());
        openlex_wire::jwt::assemble(&si, &sig.to_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openlex_wire::ActivationClaims;

    #[test]
    fn verifies_and_rejects() {
        let key = ProductKey::from_spki_der(&testkey::spki()).unwrap();
        let tok = testkey::sign(&serde_json::json!({"aid":"a1","key":"K"}));
        let c: ActivationClaims = key.verify(&tok).unwrap();
        assert_eq!(c.aid, "a1");
        // flip one payload character
        let mut bad = tok.clone().into_bytes();
        let mid = tok.find('.').unwrap() + 3;
        bad[mid] = if bad[mid] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        assert!(key.verify::<ActivationClaims>(&bad).is_err());
        assert_eq!(
            key.verify::<ActivationClaims>("a.b.c"),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn rejects_small_or_garbage_keys() {
        assert!(ProductKey::from_spki_der(b"\x30\x00").is_none());
    }
}
