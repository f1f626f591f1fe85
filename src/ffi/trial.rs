//! Verified-trial and local-trial exports.

use std::os::raw::c_int;

use super::args::str_in;
use super::guard::guard;
use super::types::CSTRTYPE;
use crate::core::{local_trial, offline, trial, trial_online};
use crate::status::Status;

/// Starts a verified trial: POST /v3/trial-activations (no license key needed).
///
/// Returns LA_OK, LA_TRIAL_EXPIRED, LA_FAIL, LA_E_PRODUCT_ID, LA_E_INET, LA_E_VM, LA_E_CONTAINER,
/// LA_E_TIME, LA_E_TRIAL_NOT_ALLOWED, LA_E_TRIAL_ACTIVATION_LIMIT, LA_E_RATE_LIMIT, LA_E_SERVER,
/// LA_E_CLIENT. Thread safety: safe.
#[no_mangle]
pub extern "C" fn ActivateTrial() -> c_int {
    guard(trial_online::activate_trial)
}

/// Syncs the verified trial with the server once (PATCH /v3/trial-activations/{id}).
///
/// Returns as ActivateTrial, plus LA_E_TIME_MODIFIED. Thread safety: safe.
#[no_mangle]
pub extern "C" fn SyncTrialActivation() -> c_int {
    guard(trial_online::sync_trial)
}

/// Activates a verified trial from an offline response file.
///
/// Returns LA_OK, LA_TRIAL_EXPIRED, LA_FAIL, LA_E_PRODUCT_ID, LA_E_FILE_PATH,
/// LA_E_OFFLINE_RESPONSE_FILE, LA_E_OFFLINE_RESPONSE_FILE_EXPIRED, LA_E_TIME. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn ActivateTrialOffline(filePath: CSTRTYPE) -> c_int {
    guard(|| offline::activate_trial_offline(&unsafe { str_in(filePath, Status::FilePath) }?))
}

/// Writes an offline trial activation request file.
///
/// Returns LA_OK, LA_FAIL, LA_E_PRODUCT_ID, LA_E_FILE_PERMISSION. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn GenerateOfflineTrialActivationRequest(filePath: CSTRTYPE) -> c_int {
    guard(|| offline::generate_trial_request(&unsafe { str_in(filePath, Status::FilePermission) }?))
}

/// Verifies the stored verified trial locally.
///
/// Returns LA_OK, LA_TRIAL_EXPIRED, LA_FAIL, LA_E_PRODUCT_ID, LA_E_TIME, LA_E_TIME_MODIFIED,
/// LA_E_MACHINE_FINGERPRINT. Thread safety: safe.
#[no_mangle]
pub extern "C" fn IsTrialGenuine() -> c_int {
    guard(trial::is_trial_genuine)
}

/// Starts a local trial of `trialLength` days (one day = 86,500 s, as the vendor); on an active
/// trial it changes nothing.
///
/// Returns LA_OK, LA_LOCAL_TRIAL_EXPIRED, LA_FAIL, LA_E_TIME_MODIFIED. Thread safety: safe.
#[no_mangle]
pub extern "C" fn ActivateLocalTrial(trialLength: u32) -> c_int {
    guard(|| local_trial::activate(trialLength))
}

/// Verifies the local trial.
///
/// Returns LA_OK, LA_LOCAL_TRIAL_EXPIRED, LA_FAIL (no trial), LA_E_TIME_MODIFIED. Thread safety: safe.
#[no_mangle]
pub extern "C" fn IsLocalTrialGenuine() -> c_int {
    guard(local_trial::is_genuine)
}

/// Sets the local trial's expiry to now + `trialExtensionLength` days (the vendor's semantics).
///
/// Returns LA_OK, LA_FAIL (no trial), LA_E_TIME_MODIFIED. Thread safety: safe.
#[no_mangle]
pub extern "C" fn ExtendLocalTrial(trialExtensionLength: u32) -> c_int {
    guard(|| local_trial::extend(trialExtensionLength))
}
