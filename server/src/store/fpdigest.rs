//! Fingerprint digests: a compact, pre-decoded form of a stored device
//! fingerprint, kept in an indexed column next to the fingerprint text.
//!
//! Finding the activation a device already holds means testing the
//! presented fingerprint against every activation of the license (every
//! trial of the product), because fuzzy and loose matching accept changed
//! components. Decoding each stored fingerprint (base64, then JSON) on every
//! request made that the most expensive part of an activation after RSA
//! signing. The digest holds one 64-bit hash per component instead, so the
//! scan reads a covering index and compares integers.
//!
//! The digest is only a prefilter. Equal component strings give equal
//! hashes, so it never drops a stored fingerprint that matches; a hash
//! collision can only let a non-matching one through. Every candidate is
//! then checked with [`openlex_wire::fingerprint::matches`] on the stored
//! text, so the result is exactly that of decoding and matching everything.

use openlex_wire::fingerprint::{self, Fingerprint, MatchStrategy, COMPONENTS};
use sha2::{Digest, Sha256};

use super::Tx;
use crate::error::ApiResult;
use crate::params;

/// First byte of the digest of a component fingerprint.
const TAG_COMPONENTS: u8 = 1;
/// First byte of the digest of a custom fingerprint (matched exactly only).
const TAG_CUSTOM: u8 = 2;
/// Length of a component digest: the tag, then one u64 per component.
const COMPONENTS_LEN: usize = 1 + 8 * COMPONENTS.len();

/// The digest stored with a fingerprint (see the module documentation).
pub fn digest(fingerprint: &str) -> Vec<u8> {
    match Fingerprint::decode(fingerprint) {
        Some(f) => {
            let mut out = Vec::with_capacity(COMPONENTS_LEN);
            out.push(TAG_COMPONENTS);
            for h in &f.hashes {
                out.extend_from_slice(&hash(h).to_be_bytes());
            }
            out
        }
        None => {
            let mut out = vec![TAG_CUSTOM];
            out.extend_from_slice(&hash(fingerprint).to_be_bytes());
            out
        }
    }
}

/// 0 for an absent component (so "unavailable" stays visible), otherwise
/// the first 8 bytes of SHA-256, never 0. Stable across versions because it
/// is stored: do not change it without a migration.
fn hash(s: &str) -> u64 {
    if s.is_empty() {
        return 0;
    }
    let d = Sha256::digest(s.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b).max(1)
}

/// A presented fingerprint, digested once per request.
pub struct Probe {
    digest: Vec<u8>,
    strategy: MatchStrategy,
}

impl Probe {
    /// Digests `presented` for matching under `strategy`.
    pub fn new(presented: &str, strategy: MatchStrategy) -> Self {
        Probe {
            digest: digest(presented),
            strategy,
        }
    }

    /// False only when the stored fingerprint with digest `stored` certainly
    /// does not match. An empty digest (a row written before digests
    /// existed) or one in an unknown form is always a candidate.
    pub fn may_match(&self, stored: &[u8]) -> bool {
        if stored == self.digest.as_slice() {
            return true;
        }
        let well_formed = |d: &[u8]| match d.first() {
            Some(&TAG_COMPONENTS) => d.len() == COMPONENTS_LEN,
            Some(&TAG_CUSTOM) => d.len() == 9,
            _ => false,
        };
        if !well_formed(stored) || !well_formed(&self.digest) {
            return true;
        }
        if stored[0] != TAG_COMPONENTS || self.digest[0] != TAG_COMPONENTS {
            // Different custom fingerprints, or custom against components:
            // `matches` accepts those only when the texts are equal.
            return false;
        }
        let (mut same, mut changed) = (0, 0);
        for (a, b) in stored[1..]
            .chunks_exact(8)
            .zip(self.digest[1..].chunks_exact(8))
        {
            let zero = [0u8; 8];
            if a == zero && b == zero {
                continue;
            }
            if a == b {
                same += 1;
            } else {
                changed += 1;
            }
        }
        self.strategy.accepts(same, changed)
    }
}

/// Ids of the stored records whose fingerprint matches `presented` under
/// `strategy`, oldest first. `candidates` selects `created_at, rowid,
/// fp_digest` of the owner's records (`?1` = `owner`), served by a covering
/// index: no row reads and no fingerprint decoding for devices that do not
/// match. `fingerprint_by_rowid` selects `id, fingerprint` by `rowid` (`?1`)
/// for each candidate, confirmed with the full matching rule.
pub fn matching(
    tx: &mut dyn Tx,
    candidates: &str,
    fingerprint_by_rowid: &str,
    owner: &str,
    presented: &str,
    strategy: MatchStrategy,
) -> ApiResult<Vec<String>> {
    let probe = Probe::new(presented, strategy);
    let mut found: Vec<(i64, i64)> = Vec::new();
    tx.query(candidates, params![owner], &mut |r| {
        // Not a blob (never written so) counts as unknown: a candidate.
        if probe.may_match(r.bytes(2)?) {
            found.push((r.int(0)?, r.int(1)?));
        }
        Ok(true)
    })?;
    // Oldest first: the first match is the one reused.
    found.sort_unstable();
    let mut out = Vec::new();
    for (_, rowid) in found {
        let row = tx.query_opt(fingerprint_by_rowid, params![rowid], |r| {
            Ok((r.str(0)?.to_owned(), r.str(1)?.to_owned()))
        })?;
        if let Some((id, fp)) = row {
            if fingerprint::matches(&fp, presented, strategy) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openlex_wire::fingerprint::{hash_component, matches};

    /// A fingerprint whose components take values from a small alphabet, so
    /// random pairs often share components.
    fn fp(seed: u64) -> String {
        let mut f = Fingerprint::default();
        let mut x = seed;
        for (i, h) in f.hashes.iter_mut().enumerate() {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = (x >> 33) % 4;
            if v != 0 {
                *h = hash_component("p", COMPONENTS[i], &[v as u8]);
            }
        }
        f.encode()
    }

    #[test]
    fn prefilter_never_drops_a_match() {
        let fps: Vec<String> = (0..60).map(fp).collect();
        for s in [
            MatchStrategy::Exact,
            MatchStrategy::Fuzzy,
            MatchStrategy::Loose,
        ] {
            let mut rejected = 0;
            for p in &fps {
                let probe = Probe::new(p, s);
                for r in &fps {
                    let may = probe.may_match(&digest(r));
                    // Exact for well-formed hex hashes: no collisions here.
                    assert_eq!(may, matches(r, p, s), "{s:?}");
                    rejected += usize::from(!may);
                }
            }
            assert!(rejected > 0);
        }
    }

    #[test]
    fn custom_and_legacy_fingerprints() {
        let custom = "c".repeat(64);
        let probe = Probe::new(&custom, MatchStrategy::Loose);
        assert!(probe.may_match(&digest(&custom)));
        assert!(!probe.may_match(&digest(&"d".repeat(64))));
        assert!(!probe.may_match(&digest(&fp(1))));
        assert!(!Probe::new(&fp(1), MatchStrategy::Loose).may_match(&digest(&custom)));
        // rows stored before digests existed are always checked in full
        assert!(probe.may_match(b""));
        assert!(probe.may_match(&[9, 9]));
    }

    #[test]
    fn equal_text_matches_even_with_too_few_components() {
        let mut f = Fingerprint::default();
        f.hashes[0] = hash_component("p", "base", b"x");
        let one = f.encode();
        assert!(matches(&one, &one, MatchStrategy::Fuzzy));
        assert!(Probe::new(&one, MatchStrategy::Fuzzy).may_match(&digest(&one)));
    }
}
