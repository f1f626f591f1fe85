//! RS256 token signing with ring.
//!
//! The claim sets are `openlex_wire`'s [`ActivationClaims`] and
//! [`TrialClaims`], and the compact framing is `openlex_wire::jwt`, so the
//! library parses exactly what is signed here.
//!
//! [`ActivationClaims`]: openlex_wire::ActivationClaims
//! [`TrialClaims`]: openlex_wire::TrialClaims

use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

/// Serialises `claims` and signs them as an RS256 JWT.
pub fn sign<T: Serialize>(key: &RsaKeyPair, claims: &T) -> ApiResult<String> {
    let json = serde_json::to_vec(claims)?;
    let si = openlex_wire::jwt::signing_input(&json);
    let mut sig = vec![0u8; key.public().modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        si.as_bytes(),
        &mut sig,
    )
    .map_err(|_| ApiError::internal("RSA signing failed"))?;
    Ok(openlex_wire::jwt::assemble(&si, &sig))
}

/// Payload of the feature-entitlements token
/// (`GET /v3/activations/{id}/feature-entitlements`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureEntitlementsClaims {
    /// Activation id.
    pub aid: String,
    /// License id.
    pub lid: String,
    /// Product id.
    pub pid: String,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// The license's effective feature entitlements.
    pub feature_entitlements: Vec<openlex_wire::claims::FeatureEntitlement>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use openlex_wire::ActivationClaims;
    use ring::signature::{UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256};

    #[test]
    fn sign_then_verify_with_public_key() {
        let pem = include_bytes!("../tests/fixtures/test-key-1.pem");
        let km = crate::keys::import(pem).unwrap();
        let kp = RsaKeyPair::from_pkcs8(&km.pkcs8).unwrap();
        let claims = ActivationClaims {
            aid: "a1".into(),
            lid: "l1".into(),
            eat: 42,
            allowed_activations: -1,
            ..Default::default()
        };
        let tok = sign(&kp, &claims).unwrap();
        let parts = openlex_wire::jwt::split(&tok).unwrap();
        // ring verifies against the raw RSAPublicKey; SPKI DER wraps it.
        let pk = UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, kp.public().as_ref());
        pk.verify(parts.signing_input.as_bytes(), &parts.signature)
            .unwrap();
        let back: ActivationClaims = serde_json::from_slice(&parts.payload).unwrap();
        assert_eq!(back, claims);
        // a tampered payload fails
        let mut bad = parts.signing_input.to_string();
        bad.push('x');
        assert!(pk.verify(bad.as_bytes(), &parts.signature).is_err());
        // the SPKI in product data is the same key
        assert!(km.spki.len() > 270);
    }
}
