//! Shared helpers for the fuzz targets: a fixed product key (the server test
//! fixture) to sign fuzzer-chosen claims, so the claims parser behind a valid
//! signature is reached, and the matching product data. Signing uses ring
//! (assembly, fast under sanitizers); verification is the library's own.

use std::sync::LazyLock;

use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rsa::RsaPrivateKey;

const PEM: &str = include_str!("../../server/tests/fixtures/test-key-1.pem");

static KEY: LazyLock<RsaPrivateKey> =
    LazyLock::new(|| RsaPrivateKey::from_pkcs8_pem(PEM).expect("fixture key"));

static SIGNER: LazyLock<ring::signature::RsaKeyPair> = LazyLock::new(|| {
    let der = KEY.to_pkcs8_der().expect("pkcs8");
    ring::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).expect("ring key")
});

/// A fixed product id.
pub const PRODUCT_ID: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

/// SubjectPublicKeyInfo DER of the product key.
pub fn spki() -> Vec<u8> {
    KEY.to_public_key()
        .to_public_key_der()
        .expect("der")
        .as_bytes()
        .to_vec()
}

/// Product data for [`PRODUCT_ID`] and the product key.
pub fn product_data() -> String {
    openlex_wire::ProductData::new(PRODUCT_ID, &spki(), "", "").encode()
}

/// Signs arbitrary payload bytes into an RS256 JWT with the product key.
pub fn sign_payload(payload: &[u8]) -> String {
    let si = openlex_wire::jwt::signing_input(payload);
    let mut sig = vec![0u8; SIGNER.public().modulus_len()];
    SIGNER
        .sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            si.as_bytes(),
            &mut sig,
        )
        .expect("sign");
    openlex_wire::jwt::assemble(&si, &sig)
}
