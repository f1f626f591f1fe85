//! The TLS crypto provider: rustls's *ring* back end cut down to what a Web
//! API client needs.
//!
//! `rustls::crypto::ring::default_provider()` also links what this library
//! never uses: RSA, ECDSA and Ed25519 *signing* (its key provider loads client
//! certificate keys, which we never configure), ChaCha20-Poly1305 and a second
//! elliptic curve for key exchange. Leaving them out keeps about 150 KB of
//! code out of every host process (measured together with `log`'s
//! `release_max_level_off`, see crates/client/Cargo.toml: 2.12 -> 1.97 MB).
//!
//! What stays, and why:
//! - TLS 1.3 AES-GCM and TLS 1.2 ECDHE (ECDSA or RSA) AES-GCM: every server
//!   that offers ChaCha20 also offers AES-GCM, and TLS 1.2 keeps older
//!   self-hosted servers and TLS-inspecting proxies working.
//! - Key exchange P-256 and P-384, not X25519. RFC 8446 §9.1 makes secp256r1
//!   mandatory for every TLS 1.3 server, and TLS 1.2 ECDHE servers offer it
//!   too, so no server is lost; ring's P-256 (assembly, precomputed table) is
//!   needed anyway for ECDSA P-256 certificates, while X25519 would add 36 KB
//!   (its own 24 KB table and field arithmetic) for the same job. P-384 shares
//!   its code with the P-384 signature check below.
//! - Certificate and handshake signature checks for RSA PKCS#1 v1.5 and PSS
//!   (SHA-256/384/512) and ECDSA P-256/P-384: what public CA chains use, e.g.
//!   Let's Encrypt's P-384 intermediates and RSA roots. Ed25519 certificates
//!   are not in use by public CAs and are not accepted.

use std::sync::Arc;

use rustls::crypto::ring::{cipher_suite, kx_group};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::crypto::{CryptoProvider, GetRandomFailed, KeyProvider, SecureRandom};
use rustls::pki_types::PrivateKeyDer;
use rustls::sign::SigningKey;
use rustls::SignatureScheme;
use webpki::ring as alg;

/// The provider the agent's TLS configuration uses.
pub fn provider() -> CryptoProvider {
    CryptoProvider {
        cipher_suites: vec![
            cipher_suite::TLS13_AES_128_GCM_SHA256,
            cipher_suite::TLS13_AES_256_GCM_SHA384,
            cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ],
        kx_groups: vec![kx_group::SECP256R1, kx_group::SECP384R1],
        signature_verification_algorithms: SIGNATURES,
        secure_random: &SystemRandom,
        key_provider: &NoClientKeys,
    }
}

/// Signature algorithms accepted in certificates (`all`) and, per TLS
/// signature scheme, in the handshake (`mapping`; the same pairs as rustls's
/// ring provider, minus Ed25519).
static SIGNATURES: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        alg::ECDSA_P256_SHA256,
        alg::ECDSA_P256_SHA384,
        alg::ECDSA_P384_SHA256,
        alg::ECDSA_P384_SHA384,
        alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        alg::RSA_PKCS1_2048_8192_SHA256,
        alg::RSA_PKCS1_2048_8192_SHA384,
        alg::RSA_PKCS1_2048_8192_SHA512,
        alg::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
        alg::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    ],
    mapping: &[
        // For TLS 1.2 the curve is not fixed by the scheme; for TLS 1.3 it is.
        (
            SignatureScheme::ECDSA_NISTP384_SHA384,
            &[alg::ECDSA_P384_SHA384, alg::ECDSA_P256_SHA384],
        ),
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[alg::ECDSA_P256_SHA256, alg::ECDSA_P384_SHA256],
        ),
        (
            SignatureScheme::RSA_PSS_SHA512,
            &[alg::RSA_PSS_2048_8192_SHA512_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA384,
            &[alg::RSA_PSS_2048_8192_SHA384_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PSS_SHA256,
            &[alg::RSA_PSS_2048_8192_SHA256_LEGACY_KEY],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA512,
            &[alg::RSA_PKCS1_2048_8192_SHA512],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA384,
            &[alg::RSA_PKCS1_2048_8192_SHA384],
        ),
        (
            SignatureScheme::RSA_PKCS1_SHA256,
            &[alg::RSA_PKCS1_2048_8192_SHA256],
        ),
    ],
};

/// TLS randomness from the operating system, through ring (as rustls's own
/// ring provider does).
#[derive(Debug)]
struct SystemRandom;

impl SecureRandom for SystemRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), GetRandomFailed> {
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), buf)
            .map_err(|_| GetRandomFailed)
    }
}

/// A key provider that loads nothing: the library never presents a client
/// certificate, and referring to ring's key loading would link all of its
/// signing code.
#[derive(Debug)]
struct NoClientKeys;

impl KeyProvider for NoClientKeys {
    fn load_private_key(
        &self,
        _key_der: PrivateKeyDer<'static>,
    ) -> Result<Arc<dyn SigningKey>, rustls::Error> {
        Err(rustls::Error::General(
            "client certificates are not supported".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_is_consistent_and_verifies_common_schemes() {
        let p = provider();
        // rustls rejects providers whose suites and groups do not fit together.
        assert!(
            rustls::ClientConfig::builder_with_provider(Arc::new(p.clone()))
                .with_safe_default_protocol_versions()
                .is_ok()
        );
        let schemes = p.signature_verification_algorithms.supported_schemes();
        for s in [
            SignatureScheme::ECDSA_NISTP256_SHA256,
            SignatureScheme::ECDSA_NISTP384_SHA384,
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::RSA_PKCS1_SHA256,
        ] {
            assert!(schemes.contains(&s), "{s:?}");
        }
        assert!(p
            .cipher_suites
            .iter()
            .all(|s| !format!("{:?}", s.suite()).contains("CHACHA")));
        let mut b = [0u8; 16];
        assert!(p.secure_random.fill(&mut b).is_ok());
        assert!(p
            .key_provider
            .load_private_key(PrivateKeyDer::Pkcs8(vec![0u8; 4].into()))
            .is_err());
    }
}
