//! Activation meter attributes over the network
//! (POST /v3/activations/meter-attributes/{name}).

use openlex_wire::requests::{MeterAttributeRequest, MeterAttributeResponse};

use super::activation::{self, store_activation};
use super::online::{verify_activation_token, NETWORK};
use super::request;
use super::state;
use crate::net::{self, errors::Call, Method};
use crate::status::{LaResult, Status};

/// The change asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeterChange {
    /// Add uses.
    Increment(u32),
    /// Remove uses (the server clamps at 0).
    Decrement(u32),
    /// Back to 0.
    Reset,
}

/// Applies a change and refreshes the stored token with the server's answer.
pub fn change(name: &str, change: MeterChange) -> LaResult {
    let _net = NETWORK.lock();
    let (snap, body, path) = {
        let mut st = state::lock();
        if st.product.is_none() {
            return Err(Status::ProductId);
        }
        activation::validate(&mut st).map_err(|e| match e {
            Status::Time | Status::TimeModified | Status::LicenseKey => e,
            _ => Status::Fail,
        })?;
        let v = st.activation.as_ref().ok_or(Status::Fail)?;
        let c = &v.claims;
        let attr = c
            .lma
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .ok_or(Status::MeterAttributeNotFound)?;
        let current = c
            .ama
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| m.uses)
            .unwrap_or(0);
        let increment = match change {
            MeterChange::Increment(n) => i64::from(n),
            MeterChange::Decrement(n) => -i64::from(n),
            MeterChange::Reset => -(current.min(i64::MAX as u64) as i64),
        };
        let aid = c.aid.clone();
        let attr_name = attr.name.clone();
        let key = v.key.clone();
        let mut snap = request::snapshot(&st)?;
        snap.key = key;
        let body = request::to_json(&MeterAttributeRequest {
            increment,
            activation_id: aid,
            account_id: snap.account_id.clone(),
            product_id: snap.product_id.clone(),
            fingerprint: snap.fingerprint.clone(),
        });
        (
            snap,
            body,
            format!(
                "/v3/activations/meter-attributes/{}",
                net::encode_component(&attr_name)
            ),
        )
    };
    let r = net::send(&snap.net, Method::Post, &path, Some(&body), None)?;
    if !r.ok() {
        return Err(net::errors::map(r.status, &r.body, Call::Existing));
    }
    let resp: MeterAttributeResponse = serde_json::from_slice(&r.body).map_err(|_| Status::Fail)?;
    if let Some(token) = resp.activation_token {
        let mut st = state::lock();
        let claims = verify_activation_token(&st, &snap, &token)?;
        store_activation(&mut st, &snap.key, &token, claims)?;
    }
    Ok(Status::Ok)
}
