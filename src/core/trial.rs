//! Verified trials: the stored trial token and its local validation.

use serde::{Deserialize, Serialize};

use openlex_wire::TrialClaims;

use super::clock;
use super::state::{self, State};
use crate::status::{LaResult, Status};
use crate::store::RecordKind;

/// What the store keeps for a verified trial.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TrialRecord {
    /// The trial token as the server signed it.
    pub token: String,
    /// Clock high-water mark (unix seconds).
    pub last_seen: i64,
}

/// Verified trial claims, cached per load.
#[derive(Debug, Clone)]
pub struct VerifiedTrial {
    /// Token the claims came from.
    pub token: String,
    /// Verified claims.
    pub claims: TrialClaims,
    /// High-water mark.
    pub seen: i64,
}

fn load(st: &mut State) -> Result<&VerifiedTrial, Status> {
    let ctx = st.ctx.as_mut().ok_or(Status::Fail)?;
    let fresh =
        st.trial.is_some() && !st.no_cache && !ctx.store.changed_since_read(RecordKind::Trial);
    if !fresh {
        let rec = ctx
            .store
            .read::<TrialRecord>(RecordKind::Trial)
            .ok_or(Status::Fail)?;
        if st
            .trial
            .as_ref()
            .map(|t| t.token != rec.token)
            .unwrap_or(true)
        {
            let product = st.product.as_ref().ok_or(Status::ProductId)?;
            let claims: TrialClaims = product.key.verify(&rec.token).map_err(|_| Status::Fail)?;
            st.trial = Some(VerifiedTrial {
                token: rec.token,
                claims,
                seen: rec.last_seen,
            });
        }
    }
    st.trial.as_ref().ok_or(Status::Fail)
}

/// IsTrialGenuine: 0 or 25, else 1/47/63/69.
pub fn validate(st: &mut State) -> LaResult {
    if st.product.is_none() {
        return Err(Status::ProductId);
    }
    let now = clock::now();
    let fp_now = st.fingerprint().ok_or(Status::Fail)?;
    let pid = st
        .ctx
        .as_ref()
        .map(|c| c.product_id.clone())
        .ok_or(Status::Fail)?;
    let t = load(st)?;
    if clock::rolled_back(now, t.seen) {
        return Err(Status::TimeModified);
    }
    let c = &t.claims;
    if !c.pid.eq_ignore_ascii_case(&pid) {
        return Err(Status::Fail);
    }
    super::checks::device_and_clock(&c.fp, &c.fms, &fp_now, c.iat, c.aco, now)?;
    if c.eat < now || c.eat < c.iat {
        return Ok(Status::TrialExpired);
    }
    if let Some(t) = st.trial.as_mut() {
        t.seen = t.seen.max(now);
    }
    Ok(Status::Ok)
}

/// Stores a verified trial token.
pub fn store_trial(st: &mut State, token: &str, claims: TrialClaims) -> Result<(), Status> {
    let now = clock::now();
    let rec = TrialRecord {
        token: token.to_owned(),
        last_seen: now,
    };
    let ctx = st.ctx.as_mut().ok_or(Status::ProductId)?;
    ctx.store
        .write(RecordKind::Trial, &rec)
        .map_err(|_| Status::FilePermission)?;
    st.trial = Some(VerifiedTrial {
        token: token.to_owned(),
        claims,
        seen: now,
    });
    Ok(())
}

/// IsTrialGenuine.
pub fn is_trial_genuine() -> LaResult {
    let mut st = state::lock();
    validate(&mut st)
}

/// Runs `f` over verified trial claims for a getter.
pub fn with_claims<T>(f: impl FnOnce(&TrialClaims) -> Result<T, Status>) -> Result<T, Status> {
    let mut st = state::lock();
    if st.product.is_none() {
        return Err(Status::Fail);
    }
    super::checks::getter_gate(validate(&mut st))?;
    f(&st.trial.as_ref().ok_or(Status::Fail)?.claims)
}
