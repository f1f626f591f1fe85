//! Local (unverified) trials with the vendor's semantics: a "day" is 86,500 s;
//! ActivateLocalTrial on an active trial changes nothing; ExtendLocalTrial
//! sets now + n days; expired -> LA_LOCAL_TRIAL_EXPIRED (26); clock rollback
//! beyond the tolerance -> LA_E_TIME_MODIFIED (69).
//!
//! The record is kept twice: in the product store and in a second private
//! location, so deleting the data directory does not restart the trial. A
//! record that exists but fails its seal counts as an expired trial (tamper
//! evident), never as "no trial yet".

use serde::{Deserialize, Serialize};

use super::clock;
use super::limits::LOCAL_TRIAL_DAY_SECS;
use super::state::{self, State};
use crate::status::{LaResult, Status};
use crate::store::{location, RecordKind};

/// The stored local trial.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LocalTrialRecord {
    /// Expiry (unix seconds).
    pub expiry: i64,
    /// Clock high-water mark (unix seconds).
    pub last_seen: i64,
}

enum Found {
    None,
    Tampered,
    Trial(LocalTrialRecord),
}

fn copy_path(st: &State) -> Option<std::path::PathBuf> {
    let ctx = st.ctx.as_ref()?;
    ctx.store.location().path.as_ref()?;
    location::local_trial_copy(
        &ctx.product_id,
        openlex_device::device_info().home_dir.as_deref(),
    )
}

fn find(st: &mut State) -> Result<Found, Status> {
    let ctx = st.ctx.as_mut().ok_or(Status::Fail)?;
    // Hot path: the primary record, served from the store's stamp cache.
    if let Some(rec) = ctx.store.read::<LocalTrialRecord>(RecordKind::LocalTrial) {
        return Ok(Found::Trial(rec));
    }
    let primary_exists = ctx
        .store
        .location()
        .path
        .as_ref()
        .map(|d| d.join("local-trial.olx").exists())
        .unwrap_or(false);
    let copy = copy_path(st);
    let ctx = st.ctx.as_mut().ok_or(Status::Fail)?;
    if let Some(rec) = copy.as_deref().and_then(|p| {
        ctx.store
            .read_copy::<LocalTrialRecord>(p, RecordKind::LocalTrial)
    }) {
        // Restore the primary from the copy so later checks take the cached
        // hot path instead of re-reading and re-verifying the copy each call.
        if !primary_exists {
            let _ = ctx.store.write(RecordKind::LocalTrial, &rec);
        }
        return Ok(Found::Trial(rec));
    }
    let copy_exists = copy.as_deref().map(|p| p.exists()).unwrap_or(false);
    Ok(if primary_exists || copy_exists {
        Found::Tampered
    } else {
        Found::None
    })
}

fn save(st: &mut State, rec: LocalTrialRecord) -> Result<(), Status> {
    let copy = copy_path(st);
    st.local_trial_seen = rec.last_seen;
    let ctx = st.ctx.as_mut().ok_or(Status::Fail)?;
    ctx.store
        .write(RecordKind::LocalTrial, &rec)
        .map_err(|_| Status::Fail)?;
    if let Some(p) = copy {
        ctx.store.write_copy(&p, RecordKind::LocalTrial, &rec);
    }
    Ok(())
}

/// Checks the clock against the record and the in-memory high-water mark.
fn check_clock(st: &State, rec: &LocalTrialRecord, now: i64) -> Result<(), Status> {
    if clock::rolled_back(now, rec.last_seen.max(st.local_trial_seen)) {
        return Err(Status::TimeModified);
    }
    Ok(())
}

fn require_ctx(st: &State) -> Result<(), Status> {
    if st.product.is_none() || st.ctx.is_none() {
        return Err(Status::Fail);
    }
    Ok(())
}

impl LocalTrialRecord {
    /// A trial of `days` vendor days from `now`.
    fn starting(now: i64, days: u32, last_seen: i64) -> LocalTrialRecord {
        LocalTrialRecord {
            expiry: now + i64::from(days) * LOCAL_TRIAL_DAY_SECS,
            last_seen,
        }
    }

    /// 0 while `now` is within the trial, else 26.
    fn outcome(&self, now: i64) -> Status {
        if now <= self.expiry {
            Status::Ok
        } else {
            Status::LocalTrialExpired
        }
    }
}

/// ActivateLocalTrial.
pub fn activate(days: u32) -> LaResult {
    let mut st = state::lock();
    require_ctx(&st)?;
    let now = clock::now();
    match find(&mut st)? {
        Found::Trial(rec) => {
            check_clock(&st, &rec, now)?;
            Ok(rec.outcome(now))
        }
        Found::Tampered => Ok(Status::LocalTrialExpired),
        Found::None => {
            save(&mut st, LocalTrialRecord::starting(now, days, now))?;
            Ok(Status::Ok)
        }
    }
}

/// IsLocalTrialGenuine.
pub fn is_genuine() -> LaResult {
    let mut st = state::lock();
    require_ctx(&st)?;
    let now = clock::now();
    let rec = match find(&mut st)? {
        Found::Trial(rec) => rec,
        Found::Tampered => return Ok(Status::LocalTrialExpired),
        Found::None => return Err(Status::Fail),
    };
    check_clock(&st, &rec, now)?;
    st.local_trial_seen = st.local_trial_seen.max(now);
    if now - rec.last_seen >= clock::HIGH_WATER_PERSIST_SECS {
        save(
            &mut st,
            LocalTrialRecord {
                expiry: rec.expiry,
                last_seen: now,
            },
        )?;
    }
    Ok(rec.outcome(now))
}

/// ExtendLocalTrial: expiry becomes now + n days (the vendor's semantics).
pub fn extend(days: u32) -> LaResult {
    let mut st = state::lock();
    require_ctx(&st)?;
    let now = clock::now();
    match find(&mut st)? {
        Found::None => Err(Status::Fail),
        Found::Tampered => {
            save(&mut st, LocalTrialRecord::starting(now, days, now))?;
            Ok(Status::Ok)
        }
        Found::Trial(rec) => {
            check_clock(&st, &rec, now)?;
            save(
                &mut st,
                LocalTrialRecord::starting(now, days, now.max(rec.last_seen)),
            )?;
            Ok(Status::Ok)
        }
    }
}

/// GetLocalTrialExpiryDate.
pub fn expiry_date() -> Result<i64, Status> {
    let mut st = state::lock();
    require_ctx(&st)?;
    let now = clock::now();
    match find(&mut st)? {
        Found::Trial(rec) => {
            check_clock(&st, &rec, now)?;
            Ok(rec.expiry)
        }
        _ => Err(Status::Fail),
    }
}
