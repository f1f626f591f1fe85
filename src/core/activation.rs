//! The stored activation: its record, the verified-claims cache and local
//! validation (IsLicenseValid; IsLicenseGenuine adds the background sync).

use serde::{Deserialize, Serialize};

use openlex_wire::ActivationClaims;

use super::clock;
use super::state::{self, State};
use crate::status::{LaResult, Status};
use crate::store::{PermissionFlag, RecordKind};

/// What the store keeps for an activation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ActivationRecord {
    /// The license key that was activated.
    pub key: String,
    /// The activation token as the server signed it.
    pub token: String,
    /// Clock high-water mark (unix seconds).
    pub last_seen: i64,
}

/// Claims of the stored token, verified once per load.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The token the claims came from (cache key).
    pub token: String,
    /// The license key of the record.
    pub key: String,
    /// Verified claims.
    pub claims: ActivationClaims,
    /// High-water mark as last persisted.
    pub persisted_seen: i64,
    /// High-water mark seen in memory.
    pub seen: i64,
}

/// After SetProductId: GetLicenseKey reports the activated key.
pub fn load_stored_key(st: &mut State) {
    let Some(ctx) = st.ctx.as_mut() else { return };
    if let Some(rec) = ctx.store.read::<ActivationRecord>(RecordKind::Activation) {
        st.license_key = rec.key;
    }
}

/// Loads (from cache when the stored record is unchanged) and verifies the
/// stored activation. `Err(Fail)` when there is none or it does not verify.
pub fn load_verified(st: &mut State) -> Result<&mut Verified, Status> {
    let ctx = st.ctx.as_mut().ok_or(Status::Fail)?;
    let fresh = st.activation.is_some()
        && !st.no_cache
        && !ctx.store.changed_since_read(RecordKind::Activation);
    if !fresh {
        let rec = ctx.store.read::<ActivationRecord>(RecordKind::Activation);
        let reuse = matches!((&rec, &st.activation), (Some(r), Some(v)) if r.token == v.token && r.key == v.key);
        if !reuse {
            st.activation = None;
            let rec = rec.ok_or(Status::Fail)?;
            let product = st.product.as_ref().ok_or(Status::ProductId)?;
            let claims: ActivationClaims =
                product.key.verify(&rec.token).map_err(|_| Status::Fail)?;
            st.activation = Some(Verified {
                token: rec.token,
                key: rec.key,
                claims,
                persisted_seen: rec.last_seen,
                seen: rec.last_seen,
            });
        } else if let (Some(r), Some(v)) = (rec, st.activation.as_mut()) {
            v.persisted_seen = r.last_seen;
            v.seen = v.seen.max(r.last_seen);
        }
    }
    st.activation.as_mut().ok_or(Status::Fail)
}

/// The stored activation for a call that deactivates it: product set, the
/// activation verified, and the clock not rolled back past its last sighting.
pub fn load_for_deactivation(st: &mut State) -> Result<&mut Verified, Status> {
    if st.product.is_none() {
        return Err(Status::ProductId);
    }
    let now = clock::now();
    let v = load_verified(st)?;
    if clock::rolled_back(now, v.seen) {
        return Err(Status::TimeModified);
    }
    Ok(v)
}

/// Local validation in the vendor's order (reference wire.md §5).
pub fn validate(st: &mut State) -> LaResult {
    if st.product.is_none() {
        return Err(Status::ProductId);
    }
    if st.ctx.is_none() {
        return Err(Status::Fail);
    }
    // Load first: "nothing activated" returns here without allocating or
    // reading the clock; the checks below borrow the state instead of cloning it.
    load_verified(st)?;
    let now = clock::now();
    let st_ref: &State = st;
    let v = st_ref.activation.as_ref().ok_or(Status::Fail)?;
    let ctx = st_ref.ctx.as_ref().ok_or(Status::Fail)?;
    let user_hash = &openlex_device::device_info().user_hash;
    let set_key = &st_ref.license_key;
    let fp_now = st_ref
        .custom_fingerprint
        .as_deref()
        .unwrap_or(&ctx.device_fingerprint);
    let (product_id, flag) = (&ctx.product_id, ctx.flag);
    let release_version = &st_ref.release.version;
    if clock::rolled_back(now, v.seen) {
        return Err(Status::TimeModified);
    }
    if super::limits::license_key(&v.key).is_err() {
        return Err(Status::LicenseKey);
    }
    let c = &v.claims;
    if c.key != v.key
        || !c.pid.eq_ignore_ascii_case(product_id)
        || (!set_key.is_empty() && *set_key != v.key)
    {
        return Err(Status::Fail);
    }
    super::checks::device_and_clock(&c.fp, &c.fms, fp_now, c.iat, c.aco, now)?;
    if c.user_locked
        && flag != PermissionFlag::System
        && !c.user_hash.is_empty()
        && c.user_hash != *user_hash
    {
        return Err(Status::OsUser);
    }
    if !release_version.is_empty()
        && !c.max_allowed_release_version.is_empty()
        && openlex_wire::version::compare(release_version, &c.max_allowed_release_version).is_gt()
    {
        return Err(Status::ReleaseVersionNotAllowed);
    }
    if c.leat != 0 && (c.leat < now || c.leat < c.iat) {
        drop_activation(st);
        return Err(Status::Fail);
    }
    let outcome = if c.ssi != 0 && c.ssgpeat != 0 && c.ssgpeat < now {
        Status::GracePeriodOver
    } else if c.eat != 0 && (c.eat < now || c.eat < c.iat) {
        Status::Expired
    } else if c.suspended {
        Status::Suspended
    } else {
        Status::Ok
    };
    advance_high_water(st, now);
    Ok(outcome)
}

/// Moves the clock high-water mark forward, persisting only every
/// `HIGH_WATER_PERSIST_SECS` so hot checks stay off the disk.
fn advance_high_water(st: &mut State, now: i64) {
    let Some(v) = st.activation.as_mut() else {
        return;
    };
    if now <= v.seen {
        return;
    }
    v.seen = now;
    if now - v.persisted_seen < clock::HIGH_WATER_PERSIST_SECS {
        return;
    }
    let rec = ActivationRecord {
        key: v.key.clone(),
        token: v.token.clone(),
        last_seen: now,
    };
    v.persisted_seen = now;
    if let Some(ctx) = st.ctx.as_mut() {
        let _ = ctx.store.write(RecordKind::Activation, &rec);
    }
}

/// Removes the stored activation (the key stays for hosted-floating callers
/// that re-activate; callers clear it where the vendor does).
pub fn drop_activation(st: &mut State) {
    st.activation = None;
    if let Some(ctx) = st.ctx.as_mut() {
        ctx.store.remove(RecordKind::Activation);
    }
}

/// Stores a verified token as the activation.
pub fn store_activation(
    st: &mut State,
    key: &str,
    token: &str,
    claims: ActivationClaims,
) -> Result<(), Status> {
    let now = clock::now();
    let seen = now.max(claims.iat.min(now + clock::ROLLBACK_TOLERANCE_SECS));
    let rec = ActivationRecord {
        key: key.to_owned(),
        token: token.to_owned(),
        last_seen: seen,
    };
    let ctx = st.ctx.as_mut().ok_or(Status::ProductId)?;
    ctx.store
        .write(RecordKind::Activation, &rec)
        .map_err(|_| Status::FilePermission)?;
    st.activation = Some(Verified {
        token: token.to_owned(),
        key: key.to_owned(),
        claims,
        persisted_seen: seen,
        seen,
    });
    st.license_key = key.to_owned();
    Ok(())
}

/// IsLicenseValid.
pub fn is_license_valid() -> LaResult {
    let mut st = state::lock();
    validate(&mut st)
}

/// Runs `f` over the verified claims for a getter. Getters need a license
/// that validates to 0, 20, 21 or 22 (the "activated" set); otherwise 1, or
/// the tamper statuses 47/69.
pub fn with_claims<T>(f: impl FnOnce(&ActivationClaims) -> Result<T, Status>) -> Result<T, Status> {
    let mut st = state::lock();
    if st.product.is_none() {
        return Err(Status::Fail);
    }
    super::checks::getter_gate(validate(&mut st))?;
    let v = st.activation.as_ref().ok_or(Status::Fail)?;
    f(&v.claims)
}
