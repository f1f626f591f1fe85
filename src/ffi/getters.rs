//! Getters: product, license, user, activation and trial data from the
//! verified tokens. All are thread-safe and never touch the network.
//! A getter that needs an activation returns LA_FAIL when there is none and
//! leaves its outputs untouched; string outputs follow the buffer contract
//! (length counts the NUL; too small -> LA_E_BUFFER_SIZE, buffer untouched).

use std::os::raw::c_int;

use super::args::{buf_out, out, str_in, Staged};
use super::guard::{done, guard};
use super::types::{CSTRTYPE, STRTYPE};
use crate::core::getters::{self, Date, Text};
use crate::status::Status;

unsafe fn text(buf: STRTYPE, length: u32, which: Text) -> c_int {
    guard(|| done(unsafe { buf_out(buf, length, &getters::text(which)?) }))
}

unsafe fn metadata(
    key: CSTRTYPE,
    value: STRTYPE,
    length: u32,
    get: fn(&str) -> Result<String, Status>,
) -> c_int {
    guard(|| {
        let key = unsafe { str_in(key, Status::MetadataKeyNotFound) }?;
        done(unsafe { buf_out(value, length, &get(&key)?) })
    })
}

unsafe fn date(p: *mut u32, which: Date) -> c_int {
    guard(|| done(unsafe { out(p, getters::date_claim(which)?) }))
}

/// Reads a product metadata value by key (case-insensitive).
///
/// Returns LA_OK, LA_FAIL (no activation or trial), LA_E_METADATA_KEY_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetProductMetadata(key: CSTRTYPE, value: STRTYPE, length: u32) -> c_int {
    unsafe { metadata(key, value, length, getters::product_metadata) }
}

/// Product version name (deprecated). Returns LA_OK, LA_FAIL, LA_E_PRODUCT_VERSION_NOT_LINKED, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetProductVersionName(name: STRTYPE, length: u32) -> c_int {
    guard(|| done(unsafe { buf_out(name, length, &getters::product_version_text(false)?) }))
}

/// Product version display name (deprecated). Returns as GetProductVersionName.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetProductVersionDisplayName(displayName: STRTYPE, length: u32) -> c_int {
    guard(|| done(unsafe { buf_out(displayName, length, &getters::product_version_text(true)?) }))
}

/// Product version feature flag (deprecated): `enabled` 0/1 and its data.
///
/// Returns LA_OK, LA_FAIL, LA_E_PRODUCT_VERSION_NOT_LINKED, LA_E_FEATURE_FLAG_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetProductVersionFeatureFlag(
    name: CSTRTYPE,
    enabled: *mut u32,
    data: STRTYPE,
    length: u32,
) -> c_int {
    guard(|| {
        let name = unsafe { str_in(name, Status::FeatureFlagNotFound) }?;
        let (on, value) = getters::product_version_feature_flag(&name)?;
        let mut out = Staged::new();
        unsafe { out.value(enabled, u32::from(on)) }?;
        unsafe { out.text(data, length, &value) }?;
        done(out.commit())
    })
}

/// Entitlement set name. Returns LA_OK, LA_FAIL, LA_E_ENTITLEMENT_SET_NOT_LINKED, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseEntitlementSetName(name: STRTYPE, length: u32) -> c_int {
    guard(|| done(unsafe { buf_out(name, length, &getters::entitlement_set_text(false)?) }))
}

/// Entitlement set display name. Returns as GetLicenseEntitlementSetName.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseEntitlementSetDisplayName(
    displayName: STRTYPE,
    length: u32,
) -> c_int {
    guard(|| done(unsafe { buf_out(displayName, length, &getters::entitlement_set_text(true)?) }))
}

/// Entitlement set tier. Returns LA_OK, LA_FAIL, LA_E_ENTITLEMENT_SET_NOT_LINKED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseEntitlementSetTier(tier: *mut i64) -> c_int {
    guard(|| done(unsafe { out(tier, getters::entitlement_set_tier()?) }))
}

/// License metadata value by key. Returns LA_OK, LA_FAIL, LA_E_METADATA_KEY_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseMetadata(key: CSTRTYPE, value: STRTYPE, length: u32) -> c_int {
    unsafe { metadata(key, value, length, getters::license_metadata) }
}

/// License meter attribute: allowed (-1 unlimited), total and gross uses.
///
/// Returns LA_OK, LA_FAIL, LA_E_METER_ATTRIBUTE_NOT_FOUND.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseMeterAttribute(
    name: CSTRTYPE,
    allowedUses: *mut i64,
    totalUses: *mut u64,
    grossUses: *mut u64,
) -> c_int {
    guard(|| {
        let name = unsafe { str_in(name, Status::MeterAttributeNotFound) }?;
        let (allowed, total, gross) = getters::license_meter_attribute(&name)?;
        let mut out = Staged::new();
        unsafe { out.value(allowedUses, allowed) }?;
        unsafe { out.value(totalUses, total) }?;
        unsafe { out.value(grossUses, gross) }?;
        done(out.commit())
    })
}

/// The license key set or activated (`""` when none). Returns LA_OK, LA_E_PRODUCT_ID, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseKey(licenseKey: STRTYPE, length: u32) -> c_int {
    guard(|| done(unsafe { buf_out(licenseKey, length, &getters::license_key()?) }))
}

/// Allowed activations (-1 unlimited). Returns LA_OK, LA_FAIL, LA_E_TIME, LA_E_TIME_MODIFIED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseAllowedActivations(allowedActivations: *mut i64) -> c_int {
    guard(|| done(unsafe { out(allowedActivations, getters::allowed(false)?) }))
}

/// Activations in use. Returns as GetLicenseAllowedActivations.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseTotalActivations(totalActivations: *mut u32) -> c_int {
    guard(|| done(unsafe { out(totalActivations, getters::total(false)?) }))
}

/// Allowed deactivations (-1 unlimited). Returns as GetLicenseAllowedActivations.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseAllowedDeactivations(allowedDeactivations: *mut i64) -> c_int {
    guard(|| done(unsafe { out(allowedDeactivations, getters::allowed(true)?) }))
}

/// Deactivations used. Returns as GetLicenseAllowedActivations.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseTotalDeactivations(totalDeactivations: *mut u32) -> c_int {
    guard(|| done(unsafe { out(totalDeactivations, getters::total(true)?) }))
}

/// License creation date (unix seconds). Returns LA_OK, LA_FAIL, LA_E_TIME, LA_E_TIME_MODIFIED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseCreationDate(creationDate: *mut u32) -> c_int {
    unsafe { date(creationDate, Date::LicenseCreation) }
}

/// Date of the license's first activation. Returns as GetLicenseCreationDate.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseActivationDate(activationDate: *mut u32) -> c_int {
    unsafe { date(activationDate, Date::LicenseActivation) }
}

/// Creation date of this activation. Returns as GetLicenseCreationDate.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetActivationCreationDate(activationCreationDate: *mut u32) -> c_int {
    unsafe { date(activationCreationDate, Date::ActivationCreation) }
}

/// Date of this activation's last server sync. Returns as GetLicenseCreationDate.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetActivationLastSyncedDate(activationLastSyncedDate: *mut u32) -> c_int {
    unsafe { date(activationLastSyncedDate, Date::ActivationLastSynced) }
}

/// License expiry date (0 = never). Returns as GetLicenseCreationDate.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseExpiryDate(expiryDate: *mut u32) -> c_int {
    unsafe { date(expiryDate, Date::LicenseExpiry) }
}

/// Maintenance expiry date (0 = none). Returns as GetLicenseCreationDate.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseMaintenanceExpiryDate(maintenanceExpiryDate: *mut u32) -> c_int {
    unsafe { date(maintenanceExpiryDate, Date::MaintenanceExpiry) }
}

/// Highest release version the license allows. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseMaxAllowedReleaseVersion(
    maxAllowedReleaseVersion: STRTYPE,
    length: u32,
) -> c_int {
    unsafe {
        text(
            maxAllowedReleaseVersion,
            length,
            Text::MaxAllowedReleaseVersion,
        )
    }
}

/// License user email. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseUserEmail(email: STRTYPE, length: u32) -> c_int {
    unsafe { text(email, length, Text::UserEmail) }
}

/// License user name. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseUserName(name: STRTYPE, length: u32) -> c_int {
    unsafe { text(name, length, Text::UserName) }
}

/// License user company. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseUserCompany(company: STRTYPE, length: u32) -> c_int {
    unsafe { text(company, length, Text::UserCompany) }
}

/// License user metadata by key. Returns LA_OK, LA_FAIL, LA_E_METADATA_KEY_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseUserMetadata(
    key: CSTRTYPE,
    value: STRTYPE,
    length: u32,
) -> c_int {
    unsafe { metadata(key, value, length, getters::license_user_metadata) }
}

/// Organization name. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseOrganizationName(
    organizationName: STRTYPE,
    length: u32,
) -> c_int {
    unsafe { text(organizationName, length, Text::OrganizationName) }
}

/// License type: `node-locked` or `hosted-floating`. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseType(licenseType: STRTYPE, length: u32) -> c_int {
    unsafe { text(licenseType, length, Text::LicenseType) }
}

/// Lease duration of a hosted-floating activation (seconds). Returns LA_OK, LA_FAIL.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseLeaseDuration(leaseDuration: *mut i64) -> c_int {
    guard(|| done(unsafe { out(leaseDuration, getters::lease_duration()?) }))
}

/// Leasing strategy: `per-machine` or `per-instance`. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLicenseLeasingStrategy(leasingStrategy: STRTYPE, length: u32) -> c_int {
    unsafe { text(leasingStrategy, length, Text::LeasingStrategy) }
}

/// Activation id. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetActivationId(id: STRTYPE, length: u32) -> c_int {
    unsafe { text(id, length, Text::ActivationId) }
}

/// Activation metadata by key (as the server recorded it). Returns LA_OK, LA_FAIL,
/// LA_E_METADATA_KEY_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetActivationMetadata(
    key: CSTRTYPE,
    value: STRTYPE,
    length: u32,
) -> c_int {
    unsafe { metadata(key, value, length, getters::activation_metadata) }
}

/// Initial and current activation mode (`online` / `offline`). Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetActivationMode(
    initialMode: STRTYPE,
    initialModeLength: u32,
    currentMode: STRTYPE,
    currentModeLength: u32,
) -> c_int {
    guard(|| {
        let (initial, current) = getters::activation_mode()?;
        let mut out = Staged::new();
        unsafe { out.text(initialMode, initialModeLength, &initial) }?;
        unsafe { out.text(currentMode, currentModeLength, &current) }?;
        done(out.commit())
    })
}

/// This activation's uses of a meter attribute. Returns LA_OK, LA_FAIL, LA_E_METER_ATTRIBUTE_NOT_FOUND.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetActivationMeterAttributeUses(name: CSTRTYPE, uses: *mut u32) -> c_int {
    guard(|| {
        let name = unsafe { str_in(name, Status::MeterAttributeNotFound) }?;
        done(unsafe { out(uses, getters::activation_meter_attribute_uses(&name)?) })
    })
}

/// Server-sync grace period expiry (0 = unlimited). Returns LA_OK, LA_FAIL, LA_E_TIME, LA_E_TIME_MODIFIED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetServerSyncGracePeriodExpiryDate(expiryDate: *mut u32) -> c_int {
    unsafe { date(expiryDate, Date::GracePeriodExpiry) }
}

/// The status that last cleared activation data (0 if none since the last success).
/// Returns LA_OK, LA_FAIL (NULL).
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLastActivationError(errorPtr: *mut u32) -> c_int {
    guard(|| done(unsafe { out(errorPtr, getters::last_activation_error()?) }))
}

/// Verified-trial activation metadata by key. Returns LA_OK, LA_FAIL, LA_E_METADATA_KEY_NOT_FOUND, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetTrialActivationMetadata(
    key: CSTRTYPE,
    value: STRTYPE,
    length: u32,
) -> c_int {
    unsafe { metadata(key, value, length, getters::trial_activation_metadata) }
}

/// Verified-trial expiry date. Returns LA_OK, LA_FAIL, LA_E_TIME, LA_E_TIME_MODIFIED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetTrialExpiryDate(trialExpiryDate: *mut u32) -> c_int {
    guard(|| done(unsafe { out(trialExpiryDate, getters::trial_expiry_date()?) }))
}

/// Verified-trial id. Returns LA_OK, LA_FAIL, LA_E_BUFFER_SIZE.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetTrialId(trialId: STRTYPE, length: u32) -> c_int {
    guard(|| done(unsafe { buf_out(trialId, length, &getters::trial_id()?) }))
}

/// Local trial expiry date. Returns LA_OK, LA_FAIL (no trial), LA_E_TIME_MODIFIED.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn GetLocalTrialExpiryDate(trialExpiryDate: *mut u32) -> c_int {
    guard(|| {
        let e = crate::core::local_trial::expiry_date()?;
        done(unsafe { out(trialExpiryDate, e.clamp(0, i64::from(u32::MAX)) as u32) })
    })
}
