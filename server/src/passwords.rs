//! Password hashing: PBKDF2-HMAC-SHA256 via ring, salted per user, the
//! iteration count stored with each hash.

use std::num::NonZeroU32;

use ring::pbkdf2;

/// PBKDF2 iterations for new password hashes (stored with each hash, so it
/// can be raised later without breaking old hashes).
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// Hashes a password as `pbkdf2-sha256$ITER$SALT_HEX$HASH_HEX`.
pub fn hash_password(password: &str) -> String {
    let salt = crate::ids::random::<16>();
    let iters = NonZeroU32::new(PBKDF2_ITERATIONS).unwrap_or(NonZeroU32::MIN);
    let mut out = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iters,
        &salt,
        password.as_bytes(),
        &mut out,
    );
    format!(
        "pbkdf2-sha256${}${}${}",
        iters,
        hex::encode(salt),
        hex::encode(out)
    )
}

/// Verifies a password against a stored hash (constant-time in ring).
pub fn verify_password(password: &str, stored: &str) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    let [alg, iters, salt, hash] = parts.as_slice() else {
        return false;
    };
    if *alg != "pbkdf2-sha256" {
        return false;
    }
    let (Some(iters), Ok(salt), Ok(hash)) = (
        iters.parse::<u32>().ok().and_then(NonZeroU32::new),
        hex::decode(salt),
        hex::decode(hash),
    ) else {
        return false;
    };
    pbkdf2::verify(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iters,
        &salt,
        password.as_bytes(),
        &hash,
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords() {
        let h = hash_password("correct horse");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "garbage"));
    }
}
