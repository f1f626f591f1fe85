//! Builds the request bodies the library sends, from the current state, in
//! exactly the field set LexActivator 3.46.0 sends.

use openlex_wire::requests::{ActivationRequest, DeactivationRequest, TrialActivationRequest};

use super::state::State;
use crate::net;
use crate::status::Status;

/// Everything a network call needs, snapshotted so the lock can be released.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Where and how to connect.
    pub net: net::Settings,
    /// Product id.
    pub product_id: String,
    /// Account id.
    pub account_id: String,
    /// License key.
    pub key: String,
    /// Fingerprint in use.
    pub fingerprint: String,
}

/// Snapshots connection settings and identity. Needs product data and a
/// product id (else LA_E_PRODUCT_ID).
pub fn snapshot(st: &State) -> Result<Snapshot, Status> {
    let product = st.product.as_ref().ok_or(Status::ProductId)?;
    let ctx = st.ctx.as_ref().ok_or(Status::ProductId)?;
    let host = if !st.net.host.is_empty() {
        st.net.host.clone()
    } else if !product.host.is_empty() {
        product.host.trim_end_matches('/').to_owned()
    } else {
        net::DEFAULT_HOST.to_owned()
    };
    Ok(Snapshot {
        net: net::Settings {
            host,
            proxy: st.net.proxy.clone(),
            tls_verify: st.net.tls_verify,
        },
        product_id: ctx.product_id.clone(),
        account_id: product.account_id.clone(),
        key: st.license_key.clone(),
        fingerprint: st.fingerprint().unwrap_or_default(),
    })
}

/// The activation body (POST /v3/activations and the PATCH sync).
pub fn activation(st: &State, snap: &Snapshot) -> ActivationRequest {
    let d = openlex_device::device_info();
    let (email, password) = st.credentials.clone().unwrap_or_default();
    ActivationRequest {
        account_id: snap.account_id.clone(),
        os: d.os.to_owned(),
        os_version: d.os_version.clone(),
        key: snap.key.clone(),
        floating: false,
        fingerprint: snap.fingerprint.clone(),
        user_hash: d.user_hash.clone(),
        product_id: snap.product_id.clone(),
        vm_name: d.vm_name.clone(),
        container: d.container,
        app_version: st.release.app_version.clone(),
        release_version: st.release.version.clone(),
        release_platform: st.release.platform.clone(),
        release_channel: st.release.channel.clone(),
        hostname: d.hostname.clone(),
        client_version: env!("CARGO_PKG_VERSION").to_owned(),
        lease_duration: st.lease_duration.unwrap_or(0),
        email,
        password,
        metadata: st.activation_metadata.clone(),
        meter_attributes: Vec::new(),
        device_key_protection_method: None,
        device_key_algorithm: None,
        device_public_key: None,
        release_published_at: st.release.published_date.map(i64::from),
    }
}

/// The trial body (POST /v3/trial-activations and its PATCH).
pub fn trial(st: &State, snap: &Snapshot) -> TrialActivationRequest {
    let d = openlex_device::device_info();
    TrialActivationRequest {
        account_id: snap.account_id.clone(),
        os: d.os.to_owned(),
        os_version: d.os_version.clone(),
        fingerprint: snap.fingerprint.clone(),
        user_hash: d.user_hash.clone(),
        product_id: snap.product_id.clone(),
        vm_name: d.vm_name.clone(),
        container: d.container,
        app_version: st.release.app_version.clone(),
        client_version: env!("CARGO_PKG_VERSION").to_owned(),
        hostname: d.hostname.clone(),
        release_version: st.release.version.clone(),
        release_platform: st.release.platform.clone(),
        release_channel: st.release.channel.clone(),
        metadata: st.trial_metadata.clone(),
    }
}

/// The deactivation body.
pub fn deactivation(snap: &Snapshot) -> DeactivationRequest {
    let d = openlex_device::device_info();
    DeactivationRequest {
        product_id: snap.product_id.clone(),
        account_id: snap.account_id.clone(),
        fingerprint: snap.fingerprint.clone(),
        user_hash: d.user_hash.clone(),
        os: d.os.to_owned(),
    }
}

/// Serialises a body (infallible for these plain structs).
pub fn to_json<T: serde::Serialize>(v: &T) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}
