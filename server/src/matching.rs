//! Fingerprint matching policy: the strategy a license or trial policy
//! names, and the one "is this the same device" check every operation on
//! an existing activation or trial makes.

use openlex_wire::fingerprint::{self, MatchStrategy};
use openlex_wire::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

/// How far a presented fingerprint may differ from the recorded one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MatchingStrategy {
    /// Every component equal.
    Exact,
    /// At most one changed component (the vendor's default).
    #[default]
    Fuzzy,
    /// No more changed components than matching ones.
    Loose,
}

impl MatchingStrategy {
    /// The wire rule that implements it.
    pub fn rule(self) -> MatchStrategy {
        match self {
            MatchingStrategy::Exact => MatchStrategy::Exact,
            MatchingStrategy::Fuzzy => MatchStrategy::Fuzzy,
            MatchingStrategy::Loose => MatchStrategy::Loose,
        }
    }

    /// The name in claims (`fms`) and DTOs.
    pub fn as_str(self) -> &'static str {
        self.rule().as_str()
    }

    /// Whether `presented` is the device that `recorded` describes.
    pub fn matches(self, recorded: &str, presented: &str) -> bool {
        fingerprint::matches(recorded, presented, self.rule())
    }

    /// [`matches`](Self::matches), or 409 INVALID_ACTIVATION_FINGERPRINT
    /// saying which record (`activation`, `trial`) it does not match.
    pub fn ensure_same_device(self, recorded: &str, presented: &str, what: &str) -> ApiResult<()> {
        if self.matches(recorded, presented) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::InvalidActivationFingerprint,
                format!("fingerprint does not match the {what}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_the_mismatch_error() {
        for s in [
            MatchingStrategy::Exact,
            MatchingStrategy::Fuzzy,
            MatchingStrategy::Loose,
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        let fp = "F".repeat(64);
        let s = MatchingStrategy::Exact;
        assert!(s.ensure_same_device(&fp, &fp, "trial").is_ok());
        let e = s
            .ensure_same_device(&fp, &"E".repeat(64), "trial")
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidActivationFingerprint);
        assert_eq!(e.message, "fingerprint does not match the trial");
    }
}
