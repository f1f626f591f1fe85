//! Compact JWS framing (`header.payload.signature`, base64url without padding).
//!
//! Signing and verification live with their users (the server signs with a
//! constant-time RSA implementation, the library only verifies); this module
//! only frames and unframes, so both agree on bytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The only header OpenLex issues and accepts.
pub const HEADER_RS256: &str = r#"{"alg":"RS256","typ":"JWT"}"#;

/// Upper bound on a token we are willing to parse (bytes).
pub const MAX_TOKEN_LEN: usize = 256 * 1024;

/// A JWT split into its parts, payload still undecoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts<'a> {
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a str,
    /// Decoded header JSON.
    pub header: Vec<u8>,
    /// Decoded payload JSON.
    pub payload: Vec<u8>,
    /// Decoded signature bytes.
    pub signature: Vec<u8>,
}

/// The JOSE header fields we look at.
#[derive(Debug, Deserialize, Serialize)]
pub struct Header {
    /// Algorithm; must be `RS256`.
    pub alg: String,
}

/// Why a token could not be framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameError {
    /// Not three base64url parts, too long, or undecodable.
    Malformed,
    /// Header names another algorithm than RS256.
    Algorithm,
}

/// Splits and decodes a compact JWS; checks the algorithm is RS256.
pub fn split(token: &str) -> Result<Parts<'_>, FrameError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(FrameError::Malformed);
    }
    let mut it = token.split('.');
    let (h, p, s) = match (it.next(), it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s), None) => (h, p, s),
        _ => return Err(FrameError::Malformed),
    };
    let dec = |x: &str| URL_SAFE_NO_PAD.decode(x).map_err(|_| FrameError::Malformed);
    let header = dec(h)?;
    let payload = dec(p)?;
    let signature = dec(s)?;
    let hdr: Header = serde_json::from_slice(&header).map_err(|_| FrameError::Malformed)?;
    if hdr.alg != "RS256" {
        return Err(FrameError::Algorithm);
    }
    Ok(Parts {
        signing_input: &token[..h.len() + 1 + p.len()],
        header,
        payload,
        signature,
    })
}

/// Builds `header.payload` for an RS256 token over the given claims JSON.
pub fn signing_input(claims_json: &[u8]) -> String {
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER_RS256),
        URL_SAFE_NO_PAD.encode(claims_json)
    )
}

/// Appends the signature to a signing input, giving the compact token.
pub fn assemble(signing_input: &str, signature: &[u8]) -> String {
    format!("{}.{}", signing_input, URL_SAFE_NO_PAD.encode(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_framing() {
        let si = signing_input(br#"{"aid":"x"}"#);
        let tok = assemble(&si, b"sig");
        let parts = split(&tok).unwrap();
        assert_eq!(parts.signing_input, si);
        assert_eq!(parts.payload, br#"{"aid":"x"}"#);
        assert_eq!(parts.signature, b"sig");
    }

    #[test]
    fn rejects_garbage_and_other_algorithms() {
        assert_eq!(split("a.b.c"), Err(FrameError::Malformed));
        assert_eq!(split("a.b"), Err(FrameError::Malformed));
        assert_eq!(split(""), Err(FrameError::Malformed));
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode("{}")
        );
        assert_eq!(split(&none), Err(FrameError::Algorithm));
    }
}
