//! TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps) for two-factor login.
//!
//! Secrets are RFC 4648 base32, as authenticator apps expect.

use ring::hmac;

/// Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored).
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u64, 0u32);
    for c in s.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Encodes bytes as unpadded RFC 4648 base32.
pub fn base32_encode(b: &[u8]) -> String {
    const A: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buf, mut bits) = (0u64, 0u32);
    for &x in b {
        buf = (buf << 8) | x as u64;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(A[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(A[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The 6-digit HOTP code for `counter` (RFC 4226).
pub fn hotp(secret: &[u8], counter: u64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &counter.to_be_bytes());
    let d = tag.as_ref();
    let off = (d[d.len() - 1] & 0x0f) as usize;
    let bin = ((d[off] as u32 & 0x7f) << 24)
        | ((d[off + 1] as u32) << 16)
        | ((d[off + 2] as u32) << 8)
        | d[off + 3] as u32;
    format!("{:06}", bin % 1_000_000)
}

/// The TOTP code at unix time `now`.
pub fn totp(secret: &[u8], now: i64) -> String {
    hotp(secret, (now.max(0) / 30) as u64)
}

/// Checks a code against the current step and one step either side (clock
/// drift between phone and server), comparing in constant time.
pub fn verify(secret_b32: &str, code: &str, now: i64) -> bool {
    use subtle::ConstantTimeEq;
    let Some(secret) = base32_decode(secret_b32) else {
        return false;
    };
    if code.len() != 6 {
        return false;
    }
    let mut ok = false;
    for step in [-30i64, 0, 30] {
        ok |= bool::from(totp(&secret, now + step).as_bytes().ct_eq(code.as_bytes()));
    }
    ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", last 6 digits.
        let seed = b"12345678901234567890";
        assert_eq!(totp(seed, 59), "287082");
        assert_eq!(totp(seed, 1_111_111_109), "081804");
        assert_eq!(totp(seed, 1_234_567_890), "005924");
        assert_eq!(totp(seed, 2_000_000_000), "279037");
    }

    #[test]
    fn base32_round_trip_and_verify() {
        let s = base32_encode(b"12345678901234567890");
        assert_eq!(s, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            base32_decode(&s.to_lowercase()).unwrap(),
            b"12345678901234567890"
        );
        assert!(verify(&s, "287082", 59));
        assert!(verify(&s, "287082", 80));
        assert!(!verify(&s, "287083", 59));
        assert!(!verify(&s, "28708", 59));
        assert!(!verify("!!", "287082", 59));
    }
}
