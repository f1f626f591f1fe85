//! Verified trials over the network: ActivateTrial and SyncTrialActivation.

use openlex_wire::requests::TrialActivationResponse;
use openlex_wire::TrialClaims;

use super::clock;
use super::online::NETWORK;
use super::request::{self, Snapshot};
use super::state::{self, State};
use super::trial;
use crate::net::{self, errors::Call, Method};
use crate::status::{LaResult, Status};

/// Parses `{"trialActivationToken"}` from a 2xx body.
pub fn trial_token(body: &[u8]) -> Result<String, Status> {
    let r: TrialActivationResponse = serde_json::from_slice(body).map_err(|_| Status::Fail)?;
    if r.trial_activation_token.is_empty() {
        return Err(Status::Fail);
    }
    Ok(r.trial_activation_token)
}

/// Verifies a received trial token against this product and device.
pub fn verify_trial_token(st: &State, snap: &Snapshot, token: &str) -> Result<TrialClaims, Status> {
    let product = st.product.as_ref().ok_or(Status::ProductId)?;
    let claims: TrialClaims = product.key.verify(token).map_err(|_| Status::Fail)?;
    if !claims.pid.eq_ignore_ascii_case(&snap.product_id) || claims.tid.is_empty() {
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

fn exchange(method: Method, path: String, call: Call) -> LaResult {
    let _net = NETWORK.lock();
    let (snap, body) = {
        let st = state::lock();
        let snap = request::snapshot(&st)?;
        let body = request::to_json(&request::trial(&st, &snap));
        (snap, body)
    };
    let r = net::send(&snap.net, method, &path, Some(&body), None)?;
    if !r.ok() {
        return Err(net::errors::map(r.status, &r.body, call));
    }
    let mut st = state::lock();
    let token = trial_token(&r.body)?;
    let claims = verify_trial_token(&st, &snap, &token)?;
    trial::store_trial(&mut st, &token, claims)?;
    trial::validate(&mut st)
}

/// ActivateTrial.
pub fn activate_trial() -> LaResult {
    exchange(Method::Post, "/v3/trial-activations".into(), Call::Trial)
}

/// SyncTrialActivation: needs a stored trial (else 1).
pub fn sync_trial() -> LaResult {
    let tid = {
        let mut st = state::lock();
        if st.product.is_none() {
            return Err(Status::ProductId);
        }
        trial::validate(&mut st).map_err(|e| {
            if e == Status::MachineFingerprint {
                Status::Fail
            } else {
                e
            }
        })?;
        st.trial
            .as_ref()
            .map(|t| t.claims.tid.clone())
            .ok_or(Status::Fail)?
    };
    exchange(
        Method::Patch,
        format!("/v3/trial-activations/{}", net::encode_component(&tid)),
        Call::Existing,
    )
}
