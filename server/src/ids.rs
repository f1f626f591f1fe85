//! Identifiers: time-ordered UUIDs, license keys and secret tokens (random
//! bytes from ring's `SystemRandom`).

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

/// A new record id: a version 7 UUID (48 bits of wall-clock milliseconds,
/// then 74 random bits) in lower-case hyphenated form, the vendor's id
/// format. Time-ordered ids land at the end of every primary-key index, so
/// an insert touches the last index page instead of a random one (random
/// v4 ids dirtied a different page per row in each of the busy tables).
pub fn uuid() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    uuid_v7(ms)
}

/// A version 7 UUID for the time `ms` (unix milliseconds).
pub fn uuid_v7(ms: u64) -> String {
    let r = random::<10>();
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6..].copy_from_slice(&r);
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    uuid::Uuid::from_bytes(b).to_string()
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
        // Version 7: ordered by the time in its first 48 bits.
        let v = uuid::Uuid::parse_str(&u).unwrap();
        assert_eq!(v.get_version_num(), 7);
        assert!(uuid_v7(1_000) < uuid_v7(2_000));
        assert!(uuid_v7(1_700_000_000_000) < uuid_v7(1_700_000_000_001));
        let k = license_key();
        assert_eq!(k.len(), 41);
        assert!(k.split('-').all(|g| g.len() == 6
            && g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())));
        assert_eq!(token_hash("a").len(), 64);
    }
}
