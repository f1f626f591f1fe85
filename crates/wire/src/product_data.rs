//! OpenLex product data: what a vendor embeds in its app and passes to
//! `SetProductData`, the counterpart of the vendor's opaque Product.dat.
//!
//! Format (documented in docs/PRODUCT_DATA.md): standard base64 of a compact
//! JSON object
//!
//! ```json
//! {"format":"openlex-product-data/1","productId":"<GUID>",
//!  "publicKey":"<base64 RSA SubjectPublicKeyInfo DER>",
//!  "accountId":"<optional>","host":"<optional https URL>"}
//! ```
//!
//! Also accepted, for vendors holding only their product's public key: a PEM
//! `-----BEGIN PUBLIC KEY-----` block or bare base64 SubjectPublicKeyInfo; the
//! product id then comes from `SetProductId` alone. This module only frames;
//! the library checks that the key really is RSA-2048.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The `format` tag of version 1.
pub const FORMAT_V1: &str = "openlex-product-data/1";

/// Largest product data we parse (bytes); RSA-2048 product data is about 600.
pub const MAX_LEN: usize = 16 * 1024;

/// Decoded product data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductData {
    /// Must be [`FORMAT_V1`].
    pub format: String,
    /// Product id (a GUID).
    pub product_id: String,
    /// Base64 of the RSA public key's SubjectPublicKeyInfo DER.
    pub public_key: String,
    /// Account id; empty when the server has none.
    #[serde(default)]
    pub account_id: String,
    /// API host (https URL); empty means the default host.
    #[serde(default)]
    pub host: String,
}

/// What a `SetProductData` string turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Full OpenLex product data.
    Full(ProductData),
    /// Only a public key (SubjectPublicKeyInfo DER); the product id must come from SetProductId.
    BareKey(Vec<u8>),
}

impl ProductData {
    /// Builds version-1 product data.
    pub fn new(product_id: &str, spki_der: &[u8], account_id: &str, host: &str) -> Self {
        ProductData {
            format: FORMAT_V1.to_owned(),
            product_id: product_id.to_owned(),
            public_key: STANDARD.encode(spki_der),
            account_id: account_id.to_owned(),
            host: host.to_owned(),
        }
    }

    /// The base64 text to embed in an app.
    pub fn encode(&self) -> String {
        STANDARD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// The public key as DER, if it decodes.
    pub fn public_key_der(&self) -> Option<Vec<u8>> {
        STANDARD.decode(self.public_key.as_bytes()).ok()
    }
}

/// Parses any accepted product data form. `None` means garbage (status 42).
pub fn parse(input: &str) -> Option<Parsed> {
    let text = input.trim();
    if text.is_empty() || text.len() > MAX_LEN {
        return None;
    }
    if let Some(der) = parse_pem(text) {
        return Some(Parsed::BareKey(der));
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = STANDARD.decode(compact.as_bytes()).ok()?;
    if bytes.first() == Some(&b'{') {
        let pd: ProductData = serde_json::from_slice(&bytes).ok()?;
        if pd.format != FORMAT_V1 || !is_guid(&pd.product_id) || pd.public_key_der().is_none() {
            return None;
        }
        if !(pd.host.is_empty()
            || pd.host.starts_with("https://")
            || pd.host.starts_with("http://"))
        {
            return None;
        }
        return Some(Parsed::Full(pd));
    }
    // DER SEQUENCE: treat as a bare SubjectPublicKeyInfo, validated by the caller.
    (bytes.first() == Some(&0x30)).then_some(Parsed::BareKey(bytes))
}

fn parse_pem(text: &str) -> Option<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN PUBLIC KEY-----";
    const END: &str = "-----END PUBLIC KEY-----";
    let body = text.strip_prefix(BEGIN)?.trim_end().strip_suffix(END)?;
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact.as_bytes()).ok()
}

/// True for a GUID in 8-4-4-4-12 hex form (either case).
pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Encodes SubjectPublicKeyInfo DER as a PEM block.
pub fn to_pem(spki_der: &[u8]) -> String {
    let b64 = STANDARD.encode(spki_der);
    let mut out = String::from("-----BEGIN PUBLIC KEY-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END PUBLIC KEY-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PID: &str = "0b4e9d3a-5e5d-4c1b-9a6e-2f1c3d4e5f60";

    #[test]
    fn full_round_trip() {
        let pd = ProductData::new(PID, &[0x30, 1, 2], "acct", "https://h");
        match parse(&pd.encode()) {
            Some(Parsed::Full(p)) => assert_eq!(p, pd),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pem_and_bare_key() {
        let der = vec![0x30u8, 0x82, 1, 2, 3];
        assert_eq!(parse(&to_pem(&der)), Some(Parsed::BareKey(der.clone())));
        assert_eq!(parse(&STANDARD.encode(&der)), Some(Parsed::BareKey(der)));
    }

    #[test]
    fn garbage_is_rejected() {
        for g in [
            "",
            "garbage",
            "   ",
            "e30=",
            &STANDARD.encode(r#"{"format":"x"}"#),
        ] {
            assert_eq!(parse(g), None, "{g}");
        }
        let bad_id = ProductData::new("not-a-guid", &[0x30], "", "");
        assert_eq!(parse(&bad_id.encode()), None);
    }

    #[test]
    fn guid_shape() {
        assert!(is_guid(PID));
        assert!(is_guid(&PID.to_uppercase()));
        assert!(!is_guid("0b4e9d3a5e5d4c1b9a6e2f1c3d4e5f60"));
        assert!(!is_guid("0b4e9d3a-5e5d-4c1b-9a6e-2f1c3d4e5f6g"));
    }
}
