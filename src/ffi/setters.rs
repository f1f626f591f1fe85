//! License key, activation options, metadata and release setters.

use std::os::raw::c_int;

use super::args::str_in;
use super::guard::guard;
use super::types::CSTRTYPE;
use crate::core::settings;
use crate::status::Status;

/// Sets the license key (10..256 bytes).
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetLicenseKey(licenseKey: CSTRTYPE) -> c_int {
    guard(|| settings::set_license_key(&unsafe { str_in(licenseKey, Status::LicenseKey) }?))
}

/// OpenLex alias of SetLicenseKey: a product key is what users call a license key.
/// Same arguments, checks and return codes.
/// Thread safety: safe to call from any thread.
#[no_mangle]
pub unsafe extern "C" fn SetProductKey(productKey: CSTRTYPE) -> c_int {
    // SAFETY: same contract as SetLicenseKey.
    unsafe { SetLicenseKey(productKey) }
}

/// Sets the email and password for licenses that require user authentication (deprecated).
///
/// Returns LA_OK, LA_E_PRODUCT_ID. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetLicenseUserCredential(email: CSTRTYPE, password: CSTRTYPE) -> c_int {
    guard(|| {
        let email = unsafe { str_in(email, Status::AuthenticationFailed) }?;
        let password = unsafe { str_in(password, Status::AuthenticationFailed) }?;
        settings::set_license_user_credential(&email, &password)
    })
}

/// Sets the lease duration (seconds, -1 = unlimited) requested for hosted-floating activations.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY. Thread safety: safe.
#[no_mangle]
pub extern "C" fn SetActivationLeaseDuration(leaseDuration: i64) -> c_int {
    guard(|| settings::set_activation_lease_duration(leaseDuration))
}

/// Sets an activation metadata entry sent with ActivateLicense (key 1..256 bytes, value up to
/// 4096 bytes, at most 21 entries). Needs a license key first.
///
/// Returns LA_OK, LA_E_LICENSE_KEY, LA_E_PRODUCT_ID, LA_E_METADATA_KEY_LENGTH,
/// LA_E_METADATA_VALUE_LENGTH, LA_E_ACTIVATION_METADATA_LIMIT. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetActivationMetadata(key: CSTRTYPE, value: CSTRTYPE) -> c_int {
    guard(|| {
        let key = unsafe { str_in(key, Status::MetadataKeyLength) }?;
        let value = unsafe { str_in(value, Status::MetadataValueLength) }?;
        settings::set_activation_metadata(&key, &value)
    })
}

/// Sets a trial activation metadata entry sent with ActivateTrial (same limits as activation metadata).
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_METADATA_KEY_LENGTH, LA_E_METADATA_VALUE_LENGTH,
/// LA_E_TRIAL_ACTIVATION_METADATA_LIMIT. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetTrialActivationMetadata(key: CSTRTYPE, value: CSTRTYPE) -> c_int {
    guard(|| {
        let key = unsafe { str_in(key, Status::MetadataKeyLength) }?;
        let value = unsafe { str_in(value, Status::MetadataValueLength) }?;
        settings::set_trial_activation_metadata(&key, &value)
    })
}

/// Sets the app version (deprecated; use SetReleaseVersion). At most 256 bytes.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_APP_VERSION_LENGTH. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetAppVersion(appVersion: CSTRTYPE) -> c_int {
    guard(|| settings::set_app_version(&unsafe { str_in(appVersion, Status::AppVersionLength) }?))
}

/// Sets the release version, in `x.x`, `x.x.x` or `x.x.x.x` form.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_RELEASE_VERSION_FORMAT. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetReleaseVersion(releaseVersion: CSTRTYPE) -> c_int {
    guard(|| {
        settings::set_release_version(&unsafe {
            str_in(releaseVersion, Status::ReleaseVersionFormat)
        }?)
    })
}

/// Sets the release published date (unix seconds).
///
/// Returns LA_OK, LA_E_PRODUCT_ID. Thread safety: safe.
#[no_mangle]
pub extern "C" fn SetReleasePublishedDate(releasePublishedDate: u32) -> c_int {
    guard(|| settings::set_release_published_date(releasePublishedDate))
}

/// Sets the release platform (at most 256 bytes), e.g. `windows`, `linux`.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_RELEASE_PLATFORM_LENGTH. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetReleasePlatform(releasePlatform: CSTRTYPE) -> c_int {
    guard(|| {
        settings::set_release_platform(&unsafe {
            str_in(releasePlatform, Status::ReleasePlatformLength)
        }?)
    })
}

/// Sets the release channel (at most 256 bytes), e.g. `stable`, `beta`.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_RELEASE_CHANNEL_LENGTH. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetReleaseChannel(releaseChannel: CSTRTYPE) -> c_int {
    guard(|| {
        settings::set_release_channel(&unsafe {
            str_in(releaseChannel, Status::ReleaseChannelLength)
        }?)
    })
}

/// Sets meter attribute uses carried by the next offline activation request.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_METER_ATTRIBUTE_NOT_FOUND (empty or
/// over-long name). Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetOfflineActivationRequestMeterAttributeUses(
    name: CSTRTYPE,
    uses: u32,
) -> c_int {
    guard(|| {
        settings::set_offline_meter_uses(
            &unsafe { str_in(name, Status::MeterAttributeNotFound) }?,
            uses,
        )
    })
}

/// Sets the six-digit two-factor code for the next AuthenticateUser.
///
/// Returns LA_OK, LA_E_PRODUCT_ID, LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID. Thread safety: safe.
#[no_mangle]
pub unsafe extern "C" fn SetTwoFactorAuthenticationCode(
    twoFactorAuthenticationCode: CSTRTYPE,
) -> c_int {
    guard(|| {
        settings::set_two_factor_code(&unsafe {
            str_in(
                twoFactorAuthenticationCode,
                Status::TwoFactorAuthenticationCodeInvalid,
            )
        }?)
    })
}
