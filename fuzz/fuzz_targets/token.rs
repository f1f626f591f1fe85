//! Activation and trial tokens: JWT framing, RS256 verification and the claim
//! models. Byte 0 picks the mode:
//!   even: the rest is a token string, verified as is (framing + signature);
//!   1 mod 4: the rest is a claims payload, signed with the test key and
//!            verified (reaches the claims parser behind a valid signature);
//!   3 mod 4: the rest is a payload fed straight to the claims models and to
//!            jwt::split (cheap, no RSA).
#![no_main]
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use openlex_wire::{ActivationClaims, TrialClaims};
use openlex_client::token::{ProductKey, TokenError};

static PK: LazyLock<ProductKey> =
    LazyLock::new(|| ProductKey::from_spki_der(&openlex_fuzz::spki()).expect("key"));

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        1 => {
            if rest.len() > 16 * 1024 {
                return;
            }
            let token = openlex_fuzz::sign_payload(rest);
            let a = PK.verify::<ActivationClaims>(&token);
            let t = PK.verify::<TrialClaims>(&token);
            // Our own signature always verifies; only the claims may be refused.
            for r in [a.err(), t.err(), PK.verify::<serde_json::Value>(&token).err()] {
                assert!(
                    matches!(r, None | Some(TokenError::Claims)),
                    "a valid signature was refused: {r:?}"
                );
            }
        }
        3 => {
            let _ = serde_json::from_slice::<ActivationClaims>(rest);
            let _ = serde_json::from_slice::<TrialClaims>(rest);
            let text = String::from_utf8_lossy(rest);
            let _ = openlex_wire::jwt::split(&text);
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            let _ = openlex_wire::jwt::split(&text);
            let _ = PK.verify::<ActivationClaims>(&text);
            let _ = PK.verify::<TrialClaims>(&text);
        }
    }
});
