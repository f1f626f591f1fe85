//! Activation lifecycle exports: activate, validate, sync, deactivate, offline.

use std::os::raw::c_int;

use super::args::str_in;
use super::guard::guard;
use super::types::CSTRTYPE;
use crate::core::{activation, offline, online};
use crate::status::Status;

/// Activates the license set with SetLicenseKey: POST /v3/activations, verifies the signed token
/// and stores it. Blocks for the network round trip (bounded; see README "Timeouts").
///
/// Returns LA_OK, LA_EXPIRED, LA_SUSPENDED (all three mean activated), LA_FAIL, LA_E_LICENSE_KEY,
/// LA_E_PRODUCT_ID, LA_E_INET, LA_E_REVOKED, LA_E_ACTIVATION_LIMIT, LA_E_VM, LA_E_CONTAINER,
/// LA_E_TIME, LA_E_RATE_LIMIT, LA_E_SERVER, LA_E_CLIENT and the other server statuses.
/// Thread safety: safe; concurrent activations are serialised.
#[no_mangle]
pub extern "C" fn ActivateLicense() -> c_int {
    guard(online::activate_license)
}

/// Activates from an offline response file created by the server for this device's request.
///
/// Returns LA_OK, LA_EXPIRED, LA_SUSPENDED, LA_FAIL, LA_E_LICENSE_KEY, LA_E_PRODUCT_ID,
/// LA_E_FILE_PATH, LA_E_OFFLINE_RESPONSE_FILE, LA_E_OFFLINE_RESPONSE_FILE_EXPIRED, LA_E_TIME,
/// LA_E_MACHINE_FINGERPRINT. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn ActivateLicenseOffline(filePath: CSTRTYPE) -> c_int {
    guard(|| offline::activate_license_offline(&unsafe { str_in(filePath, Status::FilePath) }?))
}

/// Writes an offline activation request file for the license key set.
///
/// Returns LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_FILE_PERMISSION. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn GenerateOfflineActivationRequest(filePath: CSTRTYPE) -> c_int {
    guard(|| {
        offline::generate_activation_request(&unsafe { str_in(filePath, Status::FilePermission) }?)
    })
}

/// Deactivates: frees the seat on the server and removes the local activation.
///
/// Returns LA_OK, LA_FAIL (nothing activated, or already deleted on the server), LA_E_PRODUCT_ID,
/// LA_E_DEACTIVATION_LIMIT, LA_E_INET, LA_E_SERVER, LA_E_RATE_LIMIT, LA_E_TIME, LA_E_TIME_MODIFIED,
/// LA_E_MACHINE_FINGERPRINT, LA_E_ACTIVATION_NOT_FOUND. Thread safety: safe.
#[no_mangle]
pub extern "C" fn DeactivateLicense() -> c_int {
    guard(online::deactivate_license)
}

/// Writes an offline deactivation request (proof) file and deactivates locally.
///
/// Returns LA_OK, LA_FAIL (nothing activated), LA_E_PRODUCT_ID, LA_E_FILE_PERMISSION, LA_E_TIME,
/// LA_E_TIME_MODIFIED. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn GenerateOfflineDeactivationRequest(filePath: CSTRTYPE) -> c_int {
    guard(|| {
        offline::generate_deactivation_request(&unsafe {
            str_in(filePath, Status::FilePermission)
        }?)
    })
}

/// Verifies the stored activation locally (signature, product, key, fingerprint, clock, lease,
/// grace period, expiry, suspension) and starts the background server sync.
///
/// Returns LA_OK, LA_EXPIRED, LA_SUSPENDED, LA_GRACE_PERIOD_OVER, LA_FAIL (not activated),
/// LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_TIME, LA_E_TIME_MODIFIED, LA_E_MACHINE_FINGERPRINT,
/// LA_E_RELEASE_VERSION_NOT_ALLOWED, LA_E_OS_USER. Thread safety: safe; no network on the calling thread.
#[no_mangle]
pub extern "C" fn IsLicenseGenuine() -> c_int {
    guard(online::is_license_genuine)
}

/// The same checks as IsLicenseGenuine, without any network.
///
/// Returns as IsLicenseGenuine. Thread safety: safe.
#[no_mangle]
pub extern "C" fn IsLicenseValid() -> c_int {
    guard(activation::is_license_valid)
}

/// Syncs the activation with the server once, now (PATCH /v3/activations/{id}).
///
/// Returns as ActivateLicense, plus LA_E_ACTIVATION_NOT_FOUND, LA_E_MACHINE_FINGERPRINT.
/// Thread safety: safe.
#[no_mangle]
pub extern "C" fn SyncLicenseActivation() -> c_int {
    guard(online::sync_license)
}
