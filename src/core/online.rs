//! Online licensing: activate, sync, deactivate, and IsLicenseGenuine.
//!
//! Each call snapshots state under the lock, releases it for the network
//! round trip, then re-takes it to commit. One `NETWORK` lock serialises
//! activation-changing calls (including the background sync) so they cannot
//! interleave their commits.

use parking_lot::Mutex;

use openlex_wire::requests::ActivationResponse;
use openlex_wire::ActivationClaims;

use super::activation::{self, drop_activation, store_activation};
use super::clock;
use super::request::{self, Snapshot};
use super::state::{self, State};
use super::sync;
use crate::net::{self, errors::Call, Method};
use crate::status::{LaResult, Status};

/// Serialises network operations that change the stored activation.
pub static NETWORK: Mutex<()> = Mutex::new(());

/// Checks a freshly received activation token against what we asked for.
pub fn verify_activation_token(
    st: &State,
    snap: &Snapshot,
    token: &str,
) -> Result<ActivationClaims, Status> {
    let product = st.product.as_ref().ok_or(Status::ProductId)?;
    let claims: ActivationClaims = product.key.verify(token).map_err(|_| Status::Fail)?;
    if claims.key != snap.key
        || !claims.pid.eq_ignore_ascii_case(&snap.product_id)
        || claims.aid.is_empty()
    {
        return Err(Status::Fail);
    }
    super::checks::device_and_clock(
        &claims.fp,
        &claims.fms,
        &snap.fingerprint,
        claims.iat,
        claims.aco,
        clock::now(),
    )?;
    Ok(claims)
}

/// Parses `{"activationToken"}` from a 2xx body; anything else is LA_FAIL,
/// as the vendor's library answers a 200 whose body is not JSON.
pub fn activation_token(body: &[u8]) -> Result<String, Status> {
    let r: ActivationResponse = serde_json::from_slice(body).map_err(|_| Status::Fail)?;
    if r.activation_token.is_empty() {
        return Err(Status::Fail);
    }
    Ok(r.activation_token)
}

/// Records a failed activation the way the vendor does: the key and any
/// stored activation are cleared, and GetLastActivationError reports why.
fn fail_activation(st: &mut State, e: Status) -> Status {
    drop_activation(st);
    st.license_key.clear();
    st.last_activation_error = Some(e);
    e
}

/// ActivateLicense.
pub fn activate_license() -> LaResult {
    let _net = NETWORK.lock();
    let (snap, body) = {
        let st = state::lock();
        if st.license_key.is_empty() {
            return Err(Status::LicenseKey);
        }
        let snap = request::snapshot(&st)?;
        let body = request::to_json(&request::activation(&st, &snap));
        (snap, body)
    };
    let resp = net::send(
        &snap.net,
        Method::Post,
        "/v3/activations",
        Some(&body),
        None,
    );
    let mut st = state::lock();
    let result = resp.and_then(|r| {
        if !r.ok() {
            return Err(net::errors::map(r.status, &r.body, Call::Activation));
        }
        let token = activation_token(&r.body)?;
        let claims = verify_activation_token(&st, &snap, &token)?;
        store_activation(&mut st, &snap.key, &token, claims)?;
        st.last_activation_error = None;
        activation::validate(&mut st)
    });
    result.map_err(|e| fail_activation(&mut st, e))
}

/// One sync: PATCH /v3/activations/{id}. Returns the status the license
/// callback receives: the license's status after a good answer, else why the
/// sync failed (LA_E_INET, LA_E_SERVER, LA_E_RATE_LIMIT, ...), as the vendor's
/// documented return codes and callback statuses say; a failed sync never
/// changes the stored activation unless the server says it is gone.
pub fn sync_once() -> LaResult {
    crate::fault::point("sync");
    let _net = NETWORK.lock();
    let (snap, body, aid) = {
        let mut st = state::lock();
        if st.product.is_none() {
            return Err(Status::ProductId);
        }
        let aid = activation::load_verified(&mut st)?.claims.aid.clone();
        let mut snap = request::snapshot(&st)?;
        if let Some(v) = st.activation.as_ref() {
            snap.key = v.key.clone();
        }
        let body = request::to_json(&request::activation(&st, &snap));
        (snap, body, aid)
    };
    let path = format!("/v3/activations/{}", net::encode_component(&aid));
    let resp = net::send(&snap.net, Method::Patch, &path, Some(&body), None);
    let mut st = state::lock();
    // The activation may have been removed or replaced while we were away.
    if !activation::load_verified(&mut st)
        .map(|v| v.claims.aid == aid)
        .unwrap_or(false)
    {
        return Err(Status::Fail);
    }
    match resp {
        Ok(r) if r.ok() => {
            let token = activation_token(&r.body)?;
            let claims = verify_activation_token(&st, &snap, &token)?;
            store_activation(&mut st, &snap.key, &token, claims)?;
            activation::validate(&mut st)
        }
        Ok(r) => {
            let e = net::errors::map(r.status, &r.body, Call::Existing);
            match e {
                Status::Revoked
                | Status::ActivationNotFound
                | Status::MachineFingerprint
                | Status::LicenseKey
                | Status::LicenseType
                | Status::ProductId => {
                    drop_activation(&mut st);
                    st.last_activation_error = Some(e);
                    Err(e)
                }
                // Anything else (LA_E_SERVER, LA_E_RATE_LIMIT, ...) leaves the
                // stored activation as it was: the sync failed, the license did not.
                other => Err(other),
            }
        }
        // No answer (LA_E_INET): the sync failed; the last good token stays
        // valid until its grace period ends (IsLicenseGenuine then says 22).
        Err(e) => Err(e),
    }
}

/// SyncLicenseActivation: one blocking sync (1 when nothing is activated).
pub fn sync_license() -> LaResult {
    sync_once()
}

/// IsLicenseGenuine: local validation, then the background sync starts.
pub fn is_license_genuine() -> LaResult {
    let (result, interval, epoch) = {
        let mut st = state::lock();
        crate::fault::point("export");
        let r = activation::validate(&mut st);
        let ssi = st.activation.as_ref().map(|v| v.claims.ssi).unwrap_or(0);
        (r, ssi, sync::epoch())
    };
    if matches!(result, Ok(_) | Err(Status::ReleaseVersionNotAllowed)) && interval > 0 {
        sync::ensure_started(epoch);
    }
    result
}

/// DeactivateLicense: POST /v3/activations/{id}/deactivate, then local removal.
pub fn deactivate_license() -> LaResult {
    let _net = NETWORK.lock();
    let (snap, body, aid, floating) = {
        let mut st = state::lock();
        let v = activation::load_for_deactivation(&mut st)?;
        let aid = v.claims.aid.clone();
        let floating = v.claims.r#type == "hosted-floating";
        let key = v.key.clone();
        let mut snap = request::snapshot(&st)?;
        snap.key = key;
        let body = request::to_json(&request::deactivation(&snap));
        (snap, body, aid, floating)
    };
    let path = format!("/v3/activations/{}/deactivate", net::encode_component(&aid));
    let resp = net::send(&snap.net, Method::Post, &path, Some(&body), None)?;
    let mut st = state::lock();
    let finish = |st: &mut State| {
        drop_activation(st);
        if !floating {
            st.license_key.clear();
        }
    };
    if resp.ok() {
        finish(&mut st);
        sync::stop_async();
        return Ok(Status::Ok);
    }
    let e = net::errors::map(resp.status, &resp.body, Call::Existing);
    if e == Status::ActivationNotFound {
        // Already gone on the server: clear what is left here too.
        finish(&mut st);
        sync::stop_async();
    }
    Err(e)
}
