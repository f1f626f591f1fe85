//! Record sealing: `{"v":1,"mac":"<hex>","data":<json>}` where the MAC is
//! HMAC-SHA256 over the record kind and the data bytes, keyed by the product
//! id and a device binding. This detects edits, truncation and copies to
//! another device; the tokens inside stay RSA-verified on their own.

use ring::{digest, hmac};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

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
    // ring's SHA-256 and HMAC: TLS links them anyway, so the store adds no
    // second implementation of its own.
    let mut h = digest::Context::new(&digest::SHA256);
    h.update(b"openlex-store-v1\0");
    h.update(product_id.to_ascii_lowercase().as_bytes());
    h.update(b"\0");
    h.update(binding);
    let mut key = [0u8; 32];
    key.copy_from_slice(h.finish().as_ref());
    key
}

/// The MAC input: record kind, NUL, data bytes.
fn mac_input(tag: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(tag.len() + 1 + data.len());
    m.extend_from_slice(tag);
    m.push(0);
    m.extend_from_slice(data);
    m
}

/// Seals a value.
pub fn seal<T: Serialize>(key: &[u8; 32], tag: &[u8], value: &T) -> Vec<u8> {
    let data = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    let tag_hex = hex::encode(hmac::sign(&k, &mac_input(tag, data.as_bytes())));
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
    let k = hmac::Key::new(hmac::HMAC_SHA256, key);
    // Constant-time comparison inside ring.
    hmac::verify(&k, &mac_input(tag, env.data.get().as_bytes()), &want).ok()?;
    serde_json::from_str(env.data.get()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac_crate::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    /// Records written by earlier versions (sha2 + hmac crates) must still
    /// open after an upgrade: same key derivation, same MAC bytes.
    #[test]
    fn same_bytes_as_the_sha2_and_hmac_crates() {
        let binding = b"device-binding";
        let mut h = Sha256::new();
        h.update(b"openlex-store-v1\0");
        h.update(b"prod-1");
        h.update(b"\0");
        h.update(binding);
        let old_key: [u8; 32] = h.finalize().into();
        let key = derive_key("PROD-1", binding);
        assert_eq!(key, old_key);

        let data = r#"{"a":1}"#;
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&old_key).expect("any key length");
        m.update(b"activation\0");
        m.update(data.as_bytes());
        let old_mac = hex::encode(m.finalize().into_bytes());
        let old_record = format!("{{\"v\":1,\"mac\":\"{old_mac}\",\"data\":{data}}}");

        let value: serde_json::Value = serde_json::from_str(data).expect("json");
        assert_eq!(seal(&key, b"activation", &value), old_record.as_bytes());
        let opened: Option<serde_json::Value> = open(&key, b"activation", old_record.as_bytes());
        assert_eq!(opened, Some(value));
        assert!(open::<serde_json::Value>(&key, b"trial", old_record.as_bytes()).is_none());
    }
}
