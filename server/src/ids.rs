//! Random identifiers: UUIDs (the `uuid` crate, v4 from the OS RNG), license
//! keys and secret tokens (ring's `SystemRandom`).

use ring::rand::{SecureRandom, SystemRandom};

/// Fills `N` random bytes; the OS RNG failing is unrecoverable for a
/// security service, so it is reported as an internal error by callers.
pub fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // SystemRandom only fails when the OS has no entropy source at all.
    if SystemRandom::new().fill(&mut b).is_err() {
        panic!("operating system random number generator unavailable");
    }
    b
}

/// A random (version 4) UUID in lower-case hyphenated form, the vendor's id format.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A vendor-style license key: six groups of six upper-case hex digits
/// (`^([A-F0-9]{6}-){5}[A-F0-9]{6}$`).
pub fn license_key() -> String {
    let h = hex::encode_upper(random::<18>());
    (0..6)
        .map(|i| &h[i * 6..i * 6 + 6])
        .collect::<Vec<_>>()
        .join("-")
}

/// A bearer secret (256 bits, hex) with a readable prefix.
pub fn secret_token(prefix: &str) -> String {
    format!("{prefix}{}", hex::encode(random::<32>()))
}

/// SHA-256 of a bearer secret; only this is stored.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let u = uuid();
        assert!(openlex_wire::product_data::is_guid(&u));
        assert_ne!(u, uuid());
        let k = license_key();
        assert_eq!(k.len(), 41);
        assert!(k.split('-').all(|g| g.len() == 6
            && g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())));
        assert_eq!(token_hash("a").len(), 64);
    }
}
