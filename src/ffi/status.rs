//! The vendor's status codes (`LexStatusCodes.h`) and the one mapping from
//! core outcomes and errors to them.

use std::os::raw::c_int;

use crate::core::error::{Error, Outcome};

/// Status codes returned by every function, with the vendor's names and values.
/// `LA_RELEASE_NO_UPDATE_AVAILABLE` (deprecated) is defined in the header as an
/// alias of `LA_RELEASE_UPDATE_NOT_AVAILABLE`.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexStatusCodes {
    /// Success code.
    LA_OK = 0,
    /// Failure code; also "not activated / no data".
    LA_FAIL = 1,
    /// The license has expired or system time has been tampered with.
    LA_EXPIRED = 20,
    /// The license has been suspended.
    LA_SUSPENDED = 21,
    /// The grace period for server sync is over.
    LA_GRACE_PERIOD_OVER = 22,
    /// The trial has expired or system time has been tampered with.
    LA_TRIAL_EXPIRED = 25,
    /// The local trial has expired or system time has been tampered with.
    LA_LOCAL_TRIAL_EXPIRED = 26,
    /// A new update is available for the product.
    LA_RELEASE_UPDATE_AVAILABLE = 30,
    /// No new update is available for the product.
    LA_RELEASE_UPDATE_NOT_AVAILABLE = 31,
    /// The update available is not allowed for this license.
    LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED = 32,
    /// Invalid file path.
    LA_E_FILE_PATH = 40,
    /// Invalid or corrupted product file.
    LA_E_PRODUCT_FILE = 41,
    /// Invalid product data.
    LA_E_PRODUCT_DATA = 42,
    /// The product id is incorrect (or product data is not set).
    LA_E_PRODUCT_ID = 43,
    /// Insufficient system permissions (LA_SYSTEM without root/admin).
    LA_E_SYSTEM_PERMISSION = 44,
    /// No permission to write to file or directory.
    LA_E_FILE_PERMISSION = 45,
    /// Windows only: WMI disabled (never returned by OpenLex, which does not use WMI).
    LA_E_WMIC = 46,
    /// System time differs from network time by more than the allowed clock offset.
    LA_E_TIME = 47,
    /// Failed to connect to the server due to a network error.
    LA_E_INET = 48,
    /// Invalid network proxy.
    LA_E_NET_PROXY = 49,
    /// Invalid host URL.
    LA_E_HOST_URL = 50,
    /// The buffer size was smaller than required.
    LA_E_BUFFER_SIZE = 51,
    /// App version length is more than 256 characters.
    LA_E_APP_VERSION_LENGTH = 52,
    /// The license has been revoked.
    LA_E_REVOKED = 53,
    /// Invalid license key.
    LA_E_LICENSE_KEY = 54,
    /// Invalid license type (e.g. on-premise floating).
    LA_E_LICENSE_TYPE = 55,
    /// Invalid offline activation response file.
    LA_E_OFFLINE_RESPONSE_FILE = 56,
    /// The offline activation response has expired.
    LA_E_OFFLINE_RESPONSE_FILE_EXPIRED = 57,
    /// The license has reached its allowed activations limit.
    LA_E_ACTIVATION_LIMIT = 58,
    /// The license activation was deleted on the server.
    LA_E_ACTIVATION_NOT_FOUND = 59,
    /// The license has reached its allowed deactivations limit.
    LA_E_DEACTIVATION_LIMIT = 60,
    /// Trial not allowed for the product.
    LA_E_TRIAL_NOT_ALLOWED = 61,
    /// The trial activations limit is reached.
    LA_E_TRIAL_ACTIVATION_LIMIT = 62,
    /// Machine fingerprint has changed since activation.
    LA_E_MACHINE_FINGERPRINT = 63,
    /// Metadata key length is invalid.
    LA_E_METADATA_KEY_LENGTH = 64,
    /// Metadata value length is more than 4096 bytes.
    LA_E_METADATA_VALUE_LENGTH = 65,
    /// The activation metadata fields limit is reached.
    LA_E_ACTIVATION_METADATA_LIMIT = 66,
    /// The trial metadata fields limit is reached.
    LA_E_TRIAL_ACTIVATION_METADATA_LIMIT = 67,
    /// The metadata key does not exist.
    LA_E_METADATA_KEY_NOT_FOUND = 68,
    /// The system time has been tampered (backdated).
    LA_E_TIME_MODIFIED = 69,
    /// Invalid version format.
    LA_E_RELEASE_VERSION_FORMAT = 70,
    /// Incorrect email or password.
    LA_E_AUTHENTICATION_FAILED = 71,
    /// The meter attribute does not exist.
    LA_E_METER_ATTRIBUTE_NOT_FOUND = 72,
    /// The meter attribute has reached its usage limit.
    LA_E_METER_ATTRIBUTE_USES_LIMIT_REACHED = 73,
    /// Custom device fingerprint length is not 64..256.
    LA_E_CUSTOM_FINGERPRINT_LENGTH = 74,
    /// No product version is linked with the license.
    LA_E_PRODUCT_VERSION_NOT_LINKED = 75,
    /// The product version feature flag does not exist.
    LA_E_FEATURE_FLAG_NOT_FOUND = 76,
    /// The release version is not allowed.
    LA_E_RELEASE_VERSION_NOT_ALLOWED = 77,
    /// Release platform length is more than 256 characters.
    LA_E_RELEASE_PLATFORM_LENGTH = 78,
    /// Release channel length is more than 256 characters.
    LA_E_RELEASE_CHANNEL_LENGTH = 79,
    /// Running in a virtual machine and the license forbids it.
    LA_E_VM = 80,
    /// Country is not allowed.
    LA_E_COUNTRY = 81,
    /// IP address is not allowed.
    LA_E_IP = 82,
    /// Running in a container and the license forbids it.
    LA_E_CONTAINER = 83,
    /// Invalid or unset release version.
    LA_E_RELEASE_VERSION = 84,
    /// Release platform not set.
    LA_E_RELEASE_PLATFORM = 85,
    /// Release channel not set.
    LA_E_RELEASE_CHANNEL = 86,
    /// The user is not authenticated.
    LA_E_USER_NOT_AUTHENTICATED = 87,
    /// The two-factor authentication code is missing.
    LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING = 88,
    /// The two-factor authentication code is invalid.
    LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID = 89,
    /// Rate limit for the API has been reached; try again later.
    LA_E_RATE_LIMIT = 90,
    /// Server error.
    LA_E_SERVER = 91,
    /// Client error.
    LA_E_CLIENT = 92,
    /// Invalid account id.
    LA_E_ACCOUNT_ID = 93,
    /// Login temporarily locked after too many failed attempts.
    LA_E_LOGIN_TEMPORARILY_LOCKED = 100,
    /// Invalid OIDC id token.
    LA_E_AUTHENTICATION_ID_TOKEN_INVALID = 101,
    /// OIDC SSO is not enabled.
    LA_E_OIDC_SSO_NOT_ENABLED = 102,
    /// The account's users limit is reached.
    LA_E_USERS_LIMIT_REACHED = 103,
    /// The OS user changed on a user-locked license.
    LA_E_OS_USER = 104,
    /// Invalid permission flag.
    LA_E_INVALID_PERMISSION_FLAG = 105,
    /// The free plan's activation limit is reached.
    LA_E_FREE_PLAN_ACTIVATION_LIMIT_REACHED = 106,
    /// Invalid feature entitlements.
    LA_E_FEATURE_ENTITLEMENTS_INVALID = 107,
    /// The feature entitlement does not exist.
    LA_E_FEATURE_ENTITLEMENT_NOT_FOUND = 108,
    /// No entitlement set is linked to the license.
    LA_E_ENTITLEMENT_SET_NOT_LINKED = 109,
    /// The license is not effective yet.
    LA_E_LICENSE_NOT_EFFECTIVE = 110,
    /// Device not found.
    LA_E_DEVICE_NOT_FOUND = 111,
    /// Device validation failed.
    LA_E_DEVICE_VALIDATION_FAILED = 112,
    /// Fingerprint validation grace period is over.
    LA_E_FINGERPRINT_VALIDATION_GRACE_PERIOD_OVER = 113,
    /// A cloned activation was detected.
    LA_E_ACTIVATION_CLONE_DETECTED = 114,
}

use LexStatusCodes::*;

impl From<Outcome> for LexStatusCodes {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Ok => LA_OK,
            Outcome::Expired => LA_EXPIRED,
            Outcome::Suspended => LA_SUSPENDED,
            Outcome::GracePeriodOver => LA_GRACE_PERIOD_OVER,
            Outcome::TrialExpired => LA_TRIAL_EXPIRED,
            Outcome::LocalTrialExpired => LA_LOCAL_TRIAL_EXPIRED,
            Outcome::ReleaseUpdateAvailable => LA_RELEASE_UPDATE_AVAILABLE,
            Outcome::ReleaseUpdateNotAvailable => LA_RELEASE_UPDATE_NOT_AVAILABLE,
            Outcome::ReleaseUpdateAvailableNotAllowed => LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED,
        }
    }
}

impl From<Error> for LexStatusCodes {
    fn from(e: Error) -> Self {
        match e {
            Error::Fail => LA_FAIL,
            Error::FilePath => LA_E_FILE_PATH,
            Error::ProductFile => LA_E_PRODUCT_FILE,
            Error::ProductData => LA_E_PRODUCT_DATA,
            Error::ProductId => LA_E_PRODUCT_ID,
            Error::SystemPermission => LA_E_SYSTEM_PERMISSION,
            Error::FilePermission => LA_E_FILE_PERMISSION,
            Error::Wmic => LA_E_WMIC,
            Error::Time => LA_E_TIME,
            Error::Inet => LA_E_INET,
            Error::NetProxy => LA_E_NET_PROXY,
            Error::HostUrl => LA_E_HOST_URL,
            Error::BufferSize => LA_E_BUFFER_SIZE,
            Error::AppVersionLength => LA_E_APP_VERSION_LENGTH,
            Error::Revoked => LA_E_REVOKED,
            Error::LicenseKey => LA_E_LICENSE_KEY,
            Error::LicenseType => LA_E_LICENSE_TYPE,
            Error::OfflineResponseFile => LA_E_OFFLINE_RESPONSE_FILE,
            Error::OfflineResponseFileExpired => LA_E_OFFLINE_RESPONSE_FILE_EXPIRED,
            Error::ActivationLimit => LA_E_ACTIVATION_LIMIT,
            Error::ActivationNotFound => LA_E_ACTIVATION_NOT_FOUND,
            Error::DeactivationLimit => LA_E_DEACTIVATION_LIMIT,
            Error::TrialNotAllowed => LA_E_TRIAL_NOT_ALLOWED,
            Error::TrialActivationLimit => LA_E_TRIAL_ACTIVATION_LIMIT,
            Error::MachineFingerprint => LA_E_MACHINE_FINGERPRINT,
            Error::MetadataKeyLength => LA_E_METADATA_KEY_LENGTH,
            Error::MetadataValueLength => LA_E_METADATA_VALUE_LENGTH,
            Error::ActivationMetadataLimit => LA_E_ACTIVATION_METADATA_LIMIT,
            Error::TrialActivationMetadataLimit => LA_E_TRIAL_ACTIVATION_METADATA_LIMIT,
            Error::MetadataKeyNotFound => LA_E_METADATA_KEY_NOT_FOUND,
            Error::TimeModified => LA_E_TIME_MODIFIED,
            Error::ReleaseVersionFormat => LA_E_RELEASE_VERSION_FORMAT,
            Error::AuthenticationFailed => LA_E_AUTHENTICATION_FAILED,
            Error::MeterAttributeNotFound => LA_E_METER_ATTRIBUTE_NOT_FOUND,
            Error::MeterAttributeUsesLimitReached => LA_E_METER_ATTRIBUTE_USES_LIMIT_REACHED,
            Error::CustomFingerprintLength => LA_E_CUSTOM_FINGERPRINT_LENGTH,
            Error::ProductVersionNotLinked => LA_E_PRODUCT_VERSION_NOT_LINKED,
            Error::FeatureFlagNotFound => LA_E_FEATURE_FLAG_NOT_FOUND,
            Error::ReleaseVersionNotAllowed => LA_E_RELEASE_VERSION_NOT_ALLOWED,
            Error::ReleasePlatformLength => LA_E_RELEASE_PLATFORM_LENGTH,
            Error::ReleaseChannelLength => LA_E_RELEASE_CHANNEL_LENGTH,
            Error::Vm => LA_E_VM,
            Error::Country => LA_E_COUNTRY,
            Error::Ip => LA_E_IP,
            Error::Container => LA_E_CONTAINER,
            Error::ReleaseVersion => LA_E_RELEASE_VERSION,
            Error::ReleasePlatform => LA_E_RELEASE_PLATFORM,
            Error::ReleaseChannel => LA_E_RELEASE_CHANNEL,
            Error::UserNotAuthenticated => LA_E_USER_NOT_AUTHENTICATED,
            Error::TwoFactorCodeMissing => LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING,
            Error::TwoFactorCodeInvalid => LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID,
            Error::RateLimit => LA_E_RATE_LIMIT,
            Error::Server => LA_E_SERVER,
            Error::Client => LA_E_CLIENT,
            Error::AccountId => LA_E_ACCOUNT_ID,
            Error::LoginTemporarilyLocked => LA_E_LOGIN_TEMPORARILY_LOCKED,
            Error::AuthenticationIdTokenInvalid => LA_E_AUTHENTICATION_ID_TOKEN_INVALID,
            Error::OidcSsoNotEnabled => LA_E_OIDC_SSO_NOT_ENABLED,
            Error::UsersLimitReached => LA_E_USERS_LIMIT_REACHED,
            Error::OsUser => LA_E_OS_USER,
            Error::InvalidPermissionFlag => LA_E_INVALID_PERMISSION_FLAG,
            Error::FreePlanActivationLimitReached => LA_E_FREE_PLAN_ACTIVATION_LIMIT_REACHED,
            Error::FeatureEntitlementsInvalid => LA_E_FEATURE_ENTITLEMENTS_INVALID,
            Error::FeatureEntitlementNotFound => LA_E_FEATURE_ENTITLEMENT_NOT_FOUND,
            Error::EntitlementSetNotLinked => LA_E_ENTITLEMENT_SET_NOT_LINKED,
            Error::LicenseNotEffective => LA_E_LICENSE_NOT_EFFECTIVE,
            Error::DeviceNotFound => LA_E_DEVICE_NOT_FOUND,
            Error::DeviceValidationFailed => LA_E_DEVICE_VALIDATION_FAILED,
            Error::FingerprintValidationGracePeriodOver => {
                LA_E_FINGERPRINT_VALIDATION_GRACE_PERIOD_OVER
            }
            Error::ActivationCloneDetected => LA_E_ACTIVATION_CLONE_DETECTED,
        }
    }
}

/// The C value of an outcome or error.
pub fn code(r: Result<Outcome, Error>) -> c_int {
    let s: LexStatusCodes = match r {
        Ok(o) => o.into(),
        Err(e) => e.into(),
    };
    s as c_int
}
