//! Offline activation and deactivation through request and response files.
//!
//! Request file: `OLREQ1.` + base64url(JSON of the online request body plus
//! `"kind"`: `activation`, `trial` or `deactivation`; deactivation adds
//! `activationId`). Response file: the online response body
//! (`{"activationToken"}` / `{"trialActivationToken"}`) whose signed token
//! carries `orv`, the time until which the response may be used. The token's
//! RSA signature makes the response tamper-evident; see docs/OFFLINE.md.

use std::path::Path;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::activation;
use super::clock;
use super::product::read_small_file;
use super::request;
use super::state::{self, State};
use super::trial;
use crate::status::{LaResult, Status};

/// Prefix of OpenLex offline request files.
pub const REQUEST_PREFIX: &str = "OLREQ1.";
/// Largest response file read.
const MAX_RESPONSE: u64 = 256 * 1024;

/// The text of a request file: the request body plus its kind and extras.
fn request_text(
    kind: &str,
    body: serde_json::Value,
    extra: &[(&str, serde_json::Value)],
) -> Result<String, Status> {
    let mut obj = match body {
        serde_json::Value::Object(m) => m,
        _ => return Err(Status::Fail),
    };
    obj.insert("kind".into(), kind.into());
    for (k, v) in extra {
        obj.insert((*k).into(), v.clone());
    }
    Ok(format!(
        "{REQUEST_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&obj).map_err(|_| Status::Fail)?)
    ))
}

/// Writes a request file (with no lock held: it is the caller's path, on any
/// disk).
fn write_request(path: &str, text: &str) -> Result<(), Status> {
    let p = Path::new(path);
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Status::FilePermission);
    }
    std::fs::write(p, text).map_err(|_| Status::FilePermission)
}

fn read_response(path: &str) -> Result<serde_json::Value, Status> {
    let p = Path::new(path);
    if !p.is_file() {
        return Err(Status::FilePath);
    }
    let bytes = read_small_file(p, MAX_RESPONSE).map_err(|_| Status::OfflineResponseFile)?;
    serde_json::from_slice(&bytes).map_err(|_| Status::OfflineResponseFile)
}

/// GenerateOfflineActivationRequest.
pub fn generate_activation_request(path: &str) -> LaResult {
    let text = {
        let st = state::lock();
        activation_request_text(&st)?
    };
    write_request(path, &text).map(|_| Status::Ok)
}

fn activation_request_text(st: &State) -> Result<String, Status> {
    if st.product.is_none() {
        return Err(Status::ProductId);
    }
    if st.license_key.is_empty() {
        return Err(Status::LicenseKey);
    }
    let snap = request::snapshot(st)?;
    let mut body = request::activation(st, &snap);
    body.meter_attributes = st
        .offline_meter_uses
        .iter()
        .map(|(n, u)| openlex_wire::requests::MeterAttributeUses {
            name: n.clone(),
            uses_increment: i64::from(*u),
        })
        .collect();
    let v = serde_json::to_value(&body).map_err(|_| Status::Fail)?;
    request_text("activation", v, &[])
}

fn offline_activation(st: &mut State, resp: &serde_json::Value) -> LaResult {
    let snap = request::snapshot(st)?;
    let token = resp
        .get("activationToken")
        .and_then(|t| t.as_str())
        .ok_or(Status::OfflineResponseFile)?
        .to_owned();
    let claims =
        super::online::verify_activation_token(st, &snap, &token).map_err(|e| match e {
            Status::MachineFingerprint | Status::Time => e,
            _ => Status::OfflineResponseFile,
        })?;
    if claims.orv != 0 && claims.orv < clock::now() {
        return Err(Status::OfflineResponseFileExpired);
    }
    activation::store_activation(st, &snap.key, &token, claims)?;
    st.last_activation_error = None;
    activation::validate(st)
}

/// ActivateLicenseOffline. A failure clears the key, as the vendor's does.
pub fn activate_license_offline(path: &str) -> LaResult {
    let fail = |st: &mut State, e: Status| {
        activation::drop_activation(st);
        st.license_key.clear();
        st.last_activation_error = Some(e);
        e
    };
    {
        let st = state::lock();
        if st.license_key.is_empty() {
            return Err(Status::LicenseKey);
        }
        if st.product.is_none() {
            return Err(Status::ProductId);
        }
    }
    // The response file is read with no lock held.
    let resp = read_response(path);
    let mut st = state::lock();
    resp.and_then(|r| offline_activation(&mut st, &r))
        .map_err(|e| fail(&mut st, e))
}

/// GenerateOfflineDeactivationRequest: writes the proof and deactivates locally.
pub fn generate_deactivation_request(path: &str) -> LaResult {
    let (aid, text) = {
        let mut st = state::lock();
        let v = activation::load_for_deactivation(&mut st)?;
        let aid = v.claims.aid.clone();
        let key = v.key.clone();
        let mut snap = request::snapshot(&st)?;
        snap.key = key.clone();
        let body = serde_json::to_value(request::deactivation(&snap)).map_err(|_| Status::Fail)?;
        let text = request_text(
            "deactivation",
            body,
            &[("activationId", aid.clone().into()), ("key", key.into())],
        )?;
        (aid, text)
    };
    write_request(path, &text)?;
    let mut st = state::lock();
    // The proof is written: the activation it names is deactivated here (if
    // another call replaced it meanwhile, that one stays).
    if activation::load_verified(&mut st).is_ok_and(|v| v.claims.aid == aid) {
        activation::drop_activation(&mut st);
        st.license_key.clear();
    }
    Ok(Status::Ok)
}

/// GenerateOfflineTrialActivationRequest.
pub fn generate_trial_request(path: &str) -> LaResult {
    let text = {
        let st = state::lock();
        if st.product.is_none() {
            return Err(Status::ProductId);
        }
        let snap = request::snapshot(&st)?;
        let v = serde_json::to_value(request::trial(&st, &snap)).map_err(|_| Status::Fail)?;
        request_text("trial", v, &[])?
    };
    write_request(path, &text).map(|_| Status::Ok)
}

/// ActivateTrialOffline.
pub fn activate_trial_offline(path: &str) -> LaResult {
    if state::lock().product.is_none() {
        return Err(Status::ProductId);
    }
    // The response file is read with no lock held.
    let resp = read_response(path)?;
    let mut st = state::lock();
    let snap = request::snapshot(&st)?;
    let token = resp
        .get("trialActivationToken")
        .and_then(|t| t.as_str())
        .ok_or(Status::OfflineResponseFile)?
        .to_owned();
    let claims =
        super::trial_online::verify_trial_token(&st, &snap, &token).map_err(|e| match e {
            Status::MachineFingerprint | Status::Time => e,
            _ => Status::OfflineResponseFile,
        })?;
    if claims.orv != 0 && claims.orv < clock::now() {
        return Err(Status::OfflineResponseFileExpired);
    }
    trial::store_trial(&mut st, &token, claims)?;
    trial::validate(&mut st)
}
