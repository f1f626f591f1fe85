//! The device fingerprint on the wire and the open matching rules.
//!
//! Wire form, as LexActivator 3.46.0 sends it: standard base64 of a compact
//! JSON object with one upper-case SHA-256 hex string per named component, or
//! `""` where a component is unavailable. OpenLex's meanings of the vendor's
//! component names are documented in docs/FINGERPRINT.md; each hash is salted
//! with the component name and the product id, so two products (or a server)
//! never see raw identifiers and cannot correlate devices across products.
//!
//! A custom fingerprint (`SetCustomDeviceFingerprint`) is any other string and
//! is always matched exactly.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
// One SHA-256 for the whole library: ring's, which the token checks use anyway.
use ring::digest;

/// Component names in wire order.
pub const COMPONENTS: [&str; 8] = ["base", "lc", "wc", "ltc", "pn", "ps", "bv", "puuid"];

/// A component fingerprint: one hash (or `""`) per name in [`COMPONENTS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprint {
    /// Hashes in the order of [`COMPONENTS`].
    pub hashes: [String; 8],
}

/// The server's matching strategy (claim `fms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchStrategy {
    /// Every component equal.
    Exact,
    /// At most one changed component, and at least two still matching.
    #[default]
    Fuzzy,
    /// No more changed components than matching ones, and at least one matching.
    Loose,
}

impl MatchStrategy {
    /// Parses `exact`, `fuzzy`, `loose` (anything else is fuzzy, the vendor's recommended default).
    pub fn parse(s: &str) -> MatchStrategy {
        match s {
            "exact" => MatchStrategy::Exact,
            "loose" => MatchStrategy::Loose,
            _ => MatchStrategy::Fuzzy,
        }
    }

    /// Whether `same` matching and `changed` differing components (as
    /// [`Fingerprint::compare`] counts them) are a match under this strategy.
    /// More matching or fewer changed components never turn a match into a
    /// mismatch, which lets a server prefilter on digests of the components.
    pub fn accepts(self, same: usize, changed: usize) -> bool {
        match self {
            MatchStrategy::Exact => changed == 0,
            MatchStrategy::Fuzzy => changed <= 1 && same >= 2,
            MatchStrategy::Loose => same >= 1 && changed <= same,
        }
    }

    /// The claim text.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStrategy::Exact => "exact",
            MatchStrategy::Fuzzy => "fuzzy",
            MatchStrategy::Loose => "loose",
        }
    }
}

/// Hashes one raw component value: SHA-256 over a domain tag, the component
/// name and the product id as salt, then the value; upper-case hex. Empty raw
/// values stay `""` so "unavailable" is visible to matching.
pub fn hash_component(product_id: &str, name: &str, raw: &[u8]) -> String {
    if raw.is_empty() {
        return String::new();
    }
    let mut h = digest::Context::new(&digest::SHA256);
    h.update(b"openlex-fingerprint-v1\0");
    h.update(name.as_bytes());
    h.update(b"\0");
    h.update(product_id.to_ascii_lowercase().as_bytes());
    h.update(b"\0");
    h.update(raw);
    hex::encode_upper(h.finish())
}

impl Fingerprint {
    /// The wire text: base64 of the compact JSON object in [`COMPONENTS`] order.
    pub fn encode(&self) -> String {
        let mut json = String::from("{");
        for (i, (k, v)) in COMPONENTS.iter().zip(self.hashes.iter()).enumerate() {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&format!("\"{k}\":{}", serde_json::Value::String(v.clone())));
        }
        json.push('}');
        STANDARD.encode(json)
    }

    /// Decodes a component fingerprint; `None` for a custom fingerprint.
    pub fn decode(text: &str) -> Option<Fingerprint> {
        if text.len() > 4096 {
            return None;
        }
        let bytes = STANDARD.decode(text.as_bytes()).ok()?;
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&bytes).ok()?;
        if map.is_empty() || !map.keys().all(|k| COMPONENTS.contains(&k.as_str())) {
            return None;
        }
        let mut fp = Fingerprint::default();
        for (i, k) in COMPONENTS.iter().enumerate() {
            match map.get(*k) {
                None => {}
                Some(serde_json::Value::String(s)) => fp.hashes[i] = s.clone(),
                Some(_) => return None,
            }
        }
        Some(fp)
    }

    /// (matching, changed) over components present on at least one side.
    pub fn compare(&self, other: &Fingerprint) -> (usize, usize) {
        let mut same = 0;
        let mut changed = 0;
        for (a, b) in self.hashes.iter().zip(other.hashes.iter()) {
            if a.is_empty() && b.is_empty() {
                continue;
            }
            if a == b {
                same += 1;
            } else {
                changed += 1;
            }
        }
        (same, changed)
    }
}

/// Whether a presented fingerprint matches the recorded one under a strategy.
/// Custom fingerprints (not decodable) match only exactly, whatever the strategy.
pub fn matches(recorded: &str, presented: &str, strategy: MatchStrategy) -> bool {
    if recorded == presented {
        return true;
    }
    let (Some(a), Some(b)) = (
        Fingerprint::decode(recorded),
        Fingerprint::decode(presented),
    ) else {
        return false;
    };
    let (same, changed) = a.compare(&b);
    strategy.accepts(same, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(vals: [&str; 8]) -> Fingerprint {
        Fingerprint {
            hashes: vals.map(|v| {
                if v.is_empty() {
                    String::new()
                } else {
                    hash_component("p", "x", v.as_bytes())
                }
            }),
        }
    }

    #[test]
    fn encode_decode_round_trip_in_wire_order() {
        let f = fp(["a", "b", "", "", "", "", "", ""]);
        let text = f.encode();
        let json = String::from_utf8(STANDARD.decode(&text).unwrap()).unwrap();
        assert!(json.starts_with(r#"{"base":""#));
        assert!(json.ends_with(r#""puuid":""}"#));
        assert_eq!(Fingerprint::decode(&text), Some(f));
    }

    #[test]
    fn strategies() {
        let a = fp(["m", "c", "n", "d", "p", "", "b", ""]).encode();
        let one = fp(["m", "c", "X", "d", "p", "", "b", ""]).encode();
        let three = fp(["m", "c", "X", "Y", "Z", "", "b", ""]).encode();
        let all = fp(["1", "2", "3", "4", "5", "", "6", ""]).encode();
        assert!(matches(&a, &a, MatchStrategy::Exact));
        assert!(!matches(&a, &one, MatchStrategy::Exact));
        assert!(matches(&a, &one, MatchStrategy::Fuzzy));
        assert!(!matches(&a, &three, MatchStrategy::Fuzzy));
        assert!(matches(&a, &three, MatchStrategy::Loose));
        assert!(!matches(&a, &all, MatchStrategy::Loose));
    }

    #[test]
    fn custom_fingerprints_match_exactly() {
        let c = "c".repeat(64);
        assert!(matches(&c, &c, MatchStrategy::Loose));
        assert!(!matches(&c, &"d".repeat(64), MatchStrategy::Loose));
        assert_eq!(Fingerprint::decode(&c), None);
    }

    #[test]
    fn salted_per_product_and_component() {
        assert_ne!(
            hash_component("p1", "base", b"v"),
            hash_component("p2", "base", b"v")
        );
        assert_ne!(
            hash_component("p", "base", b"v"),
            hash_component("p", "lc", b"v")
        );
        assert_eq!(hash_component("p", "base", b""), "");
        assert_eq!(hash_component("p", "base", b"v").len(), 64);
    }
}
