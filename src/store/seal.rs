//! Record sealing: `{"v":1,"mac":"<hex>","data":<json>}` where the MAC is
//! HMAC-SHA256 over the record kind and the data bytes, keyed by the product
//! id and a device binding. This detects edits, truncation and copies to
//! another device; the tokens inside stay RSA-verified on their own.

use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Largest record we read (bytes); tokens are a few KiB.
pub const MAX_RECORD: usize = 1024 * 1024;

#[derive(Serialize, Deserialize)]
struct Envelope {
    v: u32,
    mac: String,
    data: Box<serde_json::value::RawValue>,
}

/// Derives the sealing key from the product id and the device binding.
pub fn derive_key(product_id: &str, binding: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"openlex-store-v1\0");
    h.update(product_id.to_ascii_lowercase().as_bytes());
    h.update(b"\0");
    h.update(binding);
    h.finalize().into()
}

fn mac(key: &[u8; 32], tag: &[u8], data: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(tag);
    m.update(b"\0");
    m.update(data);
    m
}

/// Seals a value.
pub fn seal<T: Serialize>(key: &[u8; 32], tag: &[u8], value: &T) -> Vec<u8> {
    let data = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let tag_hex = hex::encode(mac(key, tag, data.as_bytes()).finalize().into_bytes());
    format!("{{\"v\":1,\"mac\":\"{tag_hex}\",\"data\":{data}}}").into_bytes()
}

/// Opens a sealed value; `None` on any mismatch.
pub fn open<T: DeserializeOwned>(key: &[u8; 32], tag: &[u8], bytes: &[u8]) -> Option<T> {
    if bytes.len() > MAX_RECORD {
        return None;
    }
    let env: Envelope = serde_json::from_slice(bytes).ok()?;
    if env.v != 1 {
        return None;
    }
    let want = hex::decode(&env.mac).ok()?;
    mac(key, tag, env.data.get().as_bytes())
        .verify_slice(&want)
        .ok()?;
    serde_json::from_str(env.data.get()).ok()
}
