//! Setters with the vendor's limits, codes and order of checks
//! (reference behaviour.md §1 and §19).

use std::path::PathBuf;

use openlex_wire::claims::Metadata;

use super::limits;
use super::state::{self, State, StatusCallback};
use crate::status::{LaResult, Status};

/// What a setter needs before it looks at its argument (SetDataDirectory,
/// SetDebugMode and SetTlsPeerVerification need nothing). The vendor's library
/// checks these first and the argument after (measured on 3.46.0, one fresh
/// process per call: docs/SETTERS.md, pinned by tests/contract.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Product data (else LA_E_PRODUCT_ID): most setters, including the
    /// process-wide ones (host, proxy, versions, fingerprint, cache mode).
    ProductData,
    /// Product data, then SetProductId (else LA_E_LICENSE_KEY): the setters of
    /// the license context (callback, credentials, lease, activation metadata).
    ProductId,
    /// Product data, then a license key (else LA_E_LICENSE_KEY): offline
    /// meter uses.
    LicenseKey,
}

/// Runs a setter after its preconditions, in the vendor's order.
fn setter(needs: Needs, f: impl FnOnce(&mut State) -> Result<(), Status>) -> LaResult {
    let mut st = state::lock();
    if st.product.is_none() {
        return Err(Status::ProductId);
    }
    match needs {
        Needs::ProductId if st.ctx.is_none() => return Err(Status::LicenseKey),
        Needs::LicenseKey if st.license_key.is_empty() => return Err(Status::LicenseKey),
        _ => {}
    }
    f(&mut st).map(|()| Status::Ok)
}

/// The common case: a setter that needs product data.
fn with_product(f: impl FnOnce(&mut State) -> Result<(), Status>) -> LaResult {
    setter(Needs::ProductData, f)
}

/// SetDataDirectory: the directory must exist and be writable (else 45).
pub fn set_data_directory(dir: &str) -> LaResult {
    let path = PathBuf::from(dir);
    if dir.is_empty() || !path.is_dir() || crate::store::probe_writable(&path).is_err() {
        return Err(Status::FilePermission);
    }
    state::lock().data_dir = Some(path);
    Ok(Status::Ok)
}

/// SetDebugMode: any non-zero value enables logging (to the log sink, never
/// to the host's stdout).
pub fn set_debug_mode(enable: bool) -> LaResult {
    state::lock().debug = enable;
    crate::log::set_enabled(enable);
    Ok(Status::Ok)
}

/// SetCacheMode: 0 makes every check re-read the store (for several
/// processes sharing one activation). Needs product data, as the vendor's.
pub fn set_cache_mode(enable: bool) -> LaResult {
    with_product(|st| {
        st.no_cache = !enable;
        if let Some(ctx) = st.ctx.as_mut() {
            ctx.store.no_cache = !enable;
        }
        Ok(())
    })
}

/// SetCustomDeviceFingerprint.
pub fn set_custom_fingerprint(fp: &str) -> LaResult {
    with_product(|st| {
        limits::custom_fingerprint(fp)?;
        st.custom_fingerprint = Some(fp.to_owned());
        Ok(())
    })
}

/// SetNetworkProxy.
pub fn set_network_proxy(proxy: &str) -> LaResult {
    with_product(|st| {
        limits::proxy(proxy)?;
        st.net.proxy = proxy.to_owned();
        Ok(())
    })
}

/// SetCryptlexHost.
pub fn set_cryptlex_host(host: &str) -> LaResult {
    with_product(|st| {
        limits::host_url(host)?;
        st.net.host = host.trim_end_matches('/').to_owned();
        Ok(())
    })
}

/// SetTlsPeerVerification (undocumented vendor export): verification stays on
/// unless explicitly disabled.
pub fn set_tls_peer_verification(enable: bool) -> LaResult {
    state::lock().net.tls_verify = enable;
    Ok(Status::Ok)
}

/// SetLicenseCallback; `None` unregisters.
pub fn set_license_callback(cb: Option<StatusCallback>) -> LaResult {
    setter(Needs::ProductId, |st| {
        st.license_callback = cb;
        Ok(())
    })
}

/// SetLicenseKey (also the SetProductKey alias).
pub fn set_license_key(key: &str) -> LaResult {
    with_product(|st| {
        limits::license_key(key)?;
        if st.license_key != key {
            st.license_key = key.to_owned();
        }
        Ok(())
    })
}

/// SetLicenseUserCredential (deprecated).
pub fn set_license_user_credential(email: &str, password: &str) -> LaResult {
    setter(Needs::ProductId, |st| {
        st.credentials = Some((email.to_owned(), password.to_owned()));
        Ok(())
    })
}

/// SetActivationLeaseDuration.
pub fn set_activation_lease_duration(secs: i64) -> LaResult {
    setter(Needs::ProductId, |st| {
        st.lease_duration = Some(secs);
        Ok(())
    })
}

fn upsert(
    list: &mut Vec<Metadata>,
    key: &str,
    value: &str,
    limit_err: Status,
) -> Result<(), Status> {
    if list.len() >= limits::METADATA_MAX_ENTRIES {
        // The vendor refuses even re-setting an existing key at the limit.
        return Err(limit_err);
    }
    match list.iter_mut().find(|m| m.key == key) {
        Some(m) => m.value = value.to_owned(),
        None => list.push(Metadata {
            key: key.to_owned(),
            value: value.to_owned(),
        }),
    }
    Ok(())
}

/// SetActivationMetadata: needs SetProductId, not a license key (measured).
pub fn set_activation_metadata(key: &str, value: &str) -> LaResult {
    setter(Needs::ProductId, |st| {
        limits::metadata(key, value)?;
        upsert(
            &mut st.activation_metadata,
            key,
            value,
            Status::ActivationMetadataLimit,
        )
    })
}

/// SetTrialActivationMetadata.
pub fn set_trial_activation_metadata(key: &str, value: &str) -> LaResult {
    with_product(|st| {
        limits::metadata(key, value)?;
        upsert(
            &mut st.trial_metadata,
            key,
            value,
            Status::TrialActivationMetadataLimit,
        )
    })
}

/// SetAppVersion (deprecated).
pub fn set_app_version(v: &str) -> LaResult {
    with_product(|st| {
        if v.len() > limits::SHORT_TEXT_MAX {
            return Err(Status::AppVersionLength);
        }
        st.release.app_version = v.to_owned();
        Ok(())
    })
}

/// SetReleaseVersion.
pub fn set_release_version(v: &str) -> LaResult {
    with_product(|st| {
        if !openlex_wire::version::is_valid_release_version(v) {
            return Err(Status::ReleaseVersionFormat);
        }
        st.release.version = v.to_owned();
        Ok(())
    })
}

/// SetReleasePublishedDate.
pub fn set_release_published_date(unix: u32) -> LaResult {
    with_product(|st| {
        st.release.published_date = Some(unix);
        Ok(())
    })
}

/// SetReleasePlatform.
pub fn set_release_platform(p: &str) -> LaResult {
    with_product(|st| {
        if p.len() > limits::SHORT_TEXT_MAX {
            return Err(Status::ReleasePlatformLength);
        }
        st.release.platform = p.to_owned();
        Ok(())
    })
}

/// SetReleaseChannel.
pub fn set_release_channel(c: &str) -> LaResult {
    with_product(|st| {
        if c.len() > limits::SHORT_TEXT_MAX {
            return Err(Status::ReleaseChannelLength);
        }
        st.release.channel = c.to_owned();
        Ok(())
    })
}

/// SetOfflineActivationRequestMeterAttributeUses.
pub fn set_offline_meter_uses(name: &str, uses: u32) -> LaResult {
    // The vendor takes any name here (even empty); the server judges it when
    // the offline request is processed.
    setter(Needs::LicenseKey, |st| {
        match st
            .offline_meter_uses
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(e) => e.1 = uses,
            None => st.offline_meter_uses.push((name.to_owned(), uses)),
        }
        Ok(())
    })
}

/// SetTwoFactorAuthenticationCode: six digits (an empty code is 89, as observed).
pub fn set_two_factor_code(code: &str) -> LaResult {
    with_product(|st| {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Status::TwoFactorAuthenticationCodeInvalid);
        }
        st.two_factor_code = Some(code.to_owned());
        Ok(())
    })
}

/// Reset: clears this product's activation and verified-trial data on this
/// machine (not the local trial, as the vendor), stops background work, and
/// returns the library to its just-loaded state.
pub fn reset() -> LaResult {
    super::sync::stop();
    let mut st = state::lock();
    if let Some(ctx) = st.ctx.as_mut() {
        ctx.store.remove(crate::store::RecordKind::Activation);
        ctx.store.remove(crate::store::RecordKind::Trial);
    }
    *st = State::default();
    // A sync thread started while we waited belongs to the old epoch: it
    // stops without reporting.
    super::sync::next_epoch();
    crate::log::set_enabled(false);
    Ok(Status::Ok)
}
