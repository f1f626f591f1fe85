//! Secrets: password hashing (PBKDF2-HMAC-SHA256 via ring) and admin
//! personal-access-token checks (SHA-256 hashes compared in constant time).

use std::num::NonZeroU32;

use ring::pbkdf2;
use subtle::ConstantTimeEq;

use crate::db::{self, Store};
use crate::error::{ApiError, ApiResult};
use crate::models::AdminToken;
use openlex_wire::ErrorCode;

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

/// Whether `granted` scopes include `needed` (`*`, `module:*` or exact).
pub fn scope_allows(granted: &[String], needed: &str) -> bool {
    let module = needed.split(':').next().unwrap_or(needed);
    granted
        .iter()
        .any(|g| g == "*" || g == needed || *g == format!("{module}:*"))
}

/// Checks a bearer token for `scope`: missing or unknown → 401
/// UNAUTHORIZED, known but lacking the scope → 403 FORBIDDEN.
pub fn authorize(
    store: &dyn Store,
    bearer: Option<&str>,
    scope: &str,
    now: i64,
) -> ApiResult<AdminToken> {
    let bearer = bearer
        .filter(|b| !b.is_empty())
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "missing bearer token"))?;
    let hash = crate::ids::token_hash(bearer);
    let tokens: Vec<AdminToken> = db::read(store, |tx| tx.find_all::<AdminToken>(&[]))?;
    let mut found: Option<AdminToken> = None;
    for t in tokens {
        // Compare every stored hash fully, so timing reveals nothing.
        if bool::from(t.token_hash.as_bytes().ct_eq(hash.as_bytes())) {
            found = Some(t);
        }
    }
    let t = found.ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "invalid bearer token"))?;
    if t.expires_at != 0 && t.expires_at <= now {
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            "bearer token expired",
        ));
    }
    if !scope_allows(&t.scopes, scope) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("token lacks scope {scope}"),
        ));
    }
    Ok(t)
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

    #[test]
    fn scopes() {
        let g = vec!["license:read".to_string(), "product:*".to_string()];
        assert!(scope_allows(&g, "license:read"));
        assert!(!scope_allows(&g, "license:write"));
        assert!(scope_allows(&g, "product:write"));
        assert!(scope_allows(&["*".to_string()], "user:write"));
    }
}
