//! The one status model: the vendor's status codes (`LexStatusCodes.h`), with
//! their values, as a Rust enum with idiomatic names.
//!
//! Every layer speaks it: `core` returns `Result<Status, Status>` (results such
//! as `Ok` or `Expired` on the left, failures on the right), state stores it,
//! `net` maps server errors to it, and `ffi` hands its value to C unchanged.
//! It depends on nothing, so nothing below `ffi` reaches up for a code.
//!
//! The C header is generated from this enum (xtask): variant `ProductId` with
//! value 43 becomes `LA_E_PRODUCT_ID`. Values below 40 are results and get the
//! prefix `LA_`, the rest are errors and get `LA_E_`, as in the vendor's header.

/// Status codes returned by every function, with the vendor's names and values.
/// `LA_RELEASE_NO_UPDATE_AVAILABLE` (deprecated) is defined in the header as an
/// alias of `LA_RELEASE_UPDATE_NOT_AVAILABLE`.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Success code.
    Ok = 0,
    /// Failure code; also "not activated / no data".
    Fail = 1,
    /// The license has expired or system time has been tampered with.
    Expired = 20,
    /// The license has been suspended.
    Suspended = 21,
    /// The grace period for server sync is over.
    GracePeriodOver = 22,
    /// The trial has expired or system time has been tampered with.
    TrialExpired = 25,
    /// The local trial has expired or system time has been tampered with.
    LocalTrialExpired = 26,
    /// A new update is available for the product.
    ReleaseUpdateAvailable = 30,
    /// No new update is available for the product.
    ReleaseUpdateNotAvailable = 31,
    /// The update available is not allowed for this license.
    ReleaseUpdateAvailableNotAllowed = 32,
    /// Invalid file path.
    FilePath = 40,
    /// Invalid or corrupted product file.
    ProductFile = 41,
    /// Invalid product data.
    ProductData = 42,
    /// The product id is incorrect (or product data is not set).
    ProductId = 43,
    /// Insufficient system permissions (LA_SYSTEM without root/admin).
    SystemPermission = 44,
    /// No permission to write to file or directory.
    FilePermission = 45,
    /// Windows only: WMI disabled (never returned by OpenLex, which does not use WMI).
    Wmic = 46,
    /// System time differs from network time by more than the allowed clock offset.
    Time = 47,
    /// Failed to connect to the server due to a network error.
    Inet = 48,
    /// Invalid network proxy.
    NetProxy = 49,
    /// Invalid host URL.
    HostUrl = 50,
    /// The buffer size was smaller than required.
    BufferSize = 51,
    /// App version length is more than 256 characters.
    AppVersionLength = 52,
    /// The license has been revoked.
    Revoked = 53,
    /// Invalid license key.
    LicenseKey = 54,
    /// Invalid license type (e.g. on-premise floating).
    LicenseType = 55,
    /// Invalid offline activation response file.
    OfflineResponseFile = 56,
    /// The offline activation response has expired.
    OfflineResponseFileExpired = 57,
    /// The license has reached its allowed activations limit.
    ActivationLimit = 58,
    /// The license activation was deleted on the server.
    ActivationNotFound = 59,
    /// The license has reached its allowed deactivations limit.
    DeactivationLimit = 60,
    /// Trial not allowed for the product.
    TrialNotAllowed = 61,
    /// The trial activations limit is reached.
    TrialActivationLimit = 62,
    /// Machine fingerprint has changed since activation.
    MachineFingerprint = 63,
    /// Metadata key length is invalid.
    MetadataKeyLength = 64,
    /// Metadata value length is more than 4096 bytes.
    MetadataValueLength = 65,
    /// The activation metadata fields limit is reached.
    ActivationMetadataLimit = 66,
    /// The trial metadata fields limit is reached.
    TrialActivationMetadataLimit = 67,
    /// The metadata key does not exist.
    MetadataKeyNotFound = 68,
    /// The system time has been tampered (backdated).
    TimeModified = 69,
    /// Invalid version format.
    ReleaseVersionFormat = 70,
    /// Incorrect email or password.
    AuthenticationFailed = 71,
    /// The meter attribute does not exist.
    MeterAttributeNotFound = 72,
    /// The meter attribute has reached its usage limit.
    MeterAttributeUsesLimitReached = 73,
    /// Custom device fingerprint length is not 64..256.
    CustomFingerprintLength = 74,
    /// No product version is linked with the license.
    ProductVersionNotLinked = 75,
    /// The product version feature flag does not exist.
    FeatureFlagNotFound = 76,
    /// The release version is not allowed.
    ReleaseVersionNotAllowed = 77,
    /// Release platform length is more than 256 characters.
    ReleasePlatformLength = 78,
    /// Release channel length is more than 256 characters.
    ReleaseChannelLength = 79,
    /// Running in a virtual machine and the license forbids it.
    Vm = 80,
    /// Country is not allowed.
    Country = 81,
    /// IP address is not allowed.
    Ip = 82,
    /// Running in a container and the license forbids it.
    Container = 83,
    /// Invalid or unset release version.
    ReleaseVersion = 84,
    /// Release platform not set.
    ReleasePlatform = 85,
    /// Release channel not set.
    ReleaseChannel = 86,
    /// The user is not authenticated.
    UserNotAuthenticated = 87,
    /// The two-factor authentication code is missing.
    TwoFactorAuthenticationCodeMissing = 88,
    /// The two-factor authentication code is invalid.
    TwoFactorAuthenticationCodeInvalid = 89,
    /// Rate limit for the API has been reached; try again later.
    RateLimit = 90,
    /// Server error.
    Server = 91,
    /// Client error.
    Client = 92,
    /// Invalid account id.
    AccountId = 93,
    /// Login temporarily locked after too many failed attempts.
    LoginTemporarilyLocked = 100,
    /// Invalid OIDC id token.
    AuthenticationIdTokenInvalid = 101,
    /// OIDC SSO is not enabled.
    OidcSsoNotEnabled = 102,
    /// The account's users limit is reached.
    UsersLimitReached = 103,
    /// The OS user changed on a user-locked license.
    OsUser = 104,
    /// Invalid permission flag.
    InvalidPermissionFlag = 105,
    /// The free plan's activation limit is reached.
    FreePlanActivationLimitReached = 106,
    /// Invalid feature entitlements.
    FeatureEntitlementsInvalid = 107,
    /// The feature entitlement does not exist.
    FeatureEntitlementNotFound = 108,
    /// No entitlement set is linked to the license.
    EntitlementSetNotLinked = 109,
    /// The license is not effective yet.
    LicenseNotEffective = 110,
    /// Device not found.
    DeviceNotFound = 111,
    /// Device validation failed.
    DeviceValidationFailed = 112,
    /// Fingerprint validation grace period is over.
    FingerprintValidationGracePeriodOver = 113,
    /// A cloned activation was detected.
    ActivationCloneDetected = 114,
}

/// What most calls return: a result status (`Ok`, `Expired`, ...) or a
/// failure status.
pub type LaResult<T = Status> = Result<T, Status>;

/// The first value that is an error (`LA_E_*`); below it are results.
const FIRST_ERROR: i32 = 40;

impl Status {
    /// Every status the header defines, in value order.
    pub const ALL: &'static [Status] = &[
        Status::Ok,
        Status::Fail,
        Status::Expired,
        Status::Suspended,
        Status::GracePeriodOver,
        Status::TrialExpired,
        Status::LocalTrialExpired,
        Status::ReleaseUpdateAvailable,
        Status::ReleaseUpdateNotAvailable,
        Status::ReleaseUpdateAvailableNotAllowed,
        Status::FilePath,
        Status::ProductFile,
        Status::ProductData,
        Status::ProductId,
        Status::SystemPermission,
        Status::FilePermission,
        Status::Wmic,
        Status::Time,
        Status::Inet,
        Status::NetProxy,
        Status::HostUrl,
        Status::BufferSize,
        Status::AppVersionLength,
        Status::Revoked,
        Status::LicenseKey,
        Status::LicenseType,
        Status::OfflineResponseFile,
        Status::OfflineResponseFileExpired,
        Status::ActivationLimit,
        Status::ActivationNotFound,
        Status::DeactivationLimit,
        Status::TrialNotAllowed,
        Status::TrialActivationLimit,
        Status::MachineFingerprint,
        Status::MetadataKeyLength,
        Status::MetadataValueLength,
        Status::ActivationMetadataLimit,
        Status::TrialActivationMetadataLimit,
        Status::MetadataKeyNotFound,
        Status::TimeModified,
        Status::ReleaseVersionFormat,
        Status::AuthenticationFailed,
        Status::MeterAttributeNotFound,
        Status::MeterAttributeUsesLimitReached,
        Status::CustomFingerprintLength,
        Status::ProductVersionNotLinked,
        Status::FeatureFlagNotFound,
        Status::ReleaseVersionNotAllowed,
        Status::ReleasePlatformLength,
        Status::ReleaseChannelLength,
        Status::Vm,
        Status::Country,
        Status::Ip,
        Status::Container,
        Status::ReleaseVersion,
        Status::ReleasePlatform,
        Status::ReleaseChannel,
        Status::UserNotAuthenticated,
        Status::TwoFactorAuthenticationCodeMissing,
        Status::TwoFactorAuthenticationCodeInvalid,
        Status::RateLimit,
        Status::Server,
        Status::Client,
        Status::AccountId,
        Status::LoginTemporarilyLocked,
        Status::AuthenticationIdTokenInvalid,
        Status::OidcSsoNotEnabled,
        Status::UsersLimitReached,
        Status::OsUser,
        Status::InvalidPermissionFlag,
        Status::FreePlanActivationLimitReached,
        Status::FeatureEntitlementsInvalid,
        Status::FeatureEntitlementNotFound,
        Status::EntitlementSetNotLinked,
        Status::LicenseNotEffective,
        Status::DeviceNotFound,
        Status::DeviceValidationFailed,
        Status::FingerprintValidationGracePeriodOver,
        Status::ActivationCloneDetected,
    ];

    /// The C value.
    pub const fn code(self) -> i32 {
        self as i32
    }

    /// The status with this C value, if the header defines one.
    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.iter().copied().find(|s| s.code() == code)
    }

    /// The header's name of this status (`LA_OK`, `LA_E_PRODUCT_ID`, ...).
    pub fn c_name(self) -> String {
        let debug = format!("{self:?}");
        let mut snake = String::with_capacity(debug.len() + 8);
        for (i, ch) in debug.chars().enumerate() {
            if ch.is_ascii_uppercase() && i > 0 {
                snake.push('_');
            }
            snake.push(ch.to_ascii_uppercase());
        }
        let prefix = if self.code() < FIRST_ERROR {
            "LA_"
        } else {
            "LA_E_"
        };
        format!("{prefix}{snake}")
    }
}

/// The C value of a core result: the status on either side.
pub fn code(r: LaResult) -> i32 {
    match r {
        Ok(s) | Err(s) => s.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_round_trip() {
        assert_eq!(Status::Ok.c_name(), "LA_OK");
        assert_eq!(Status::ProductId.c_name(), "LA_E_PRODUCT_ID");
        assert_eq!(Status::Vm.c_name(), "LA_E_VM");
        assert_eq!(
            Status::TwoFactorAuthenticationCodeMissing.c_name(),
            "LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING"
        );
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(*s));
        }
        assert_eq!(Status::from_code(94), None);
        assert!(Status::ALL.windows(2).all(|w| w[0].code() < w[1].code()));
    }
}
