//! Outcomes and errors of the licensing core, in idiomatic names.
//!
//! The C boundary (`ffi::status`) maps each variant to the vendor's LA_* code
//! with one exhaustive match, so a new variant cannot go unmapped.

/// Successful results (the vendor's codes 0..32 except LA_FAIL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// LA_OK.
    Ok,
    /// LA_EXPIRED: license expired (or clock tampering suspected).
    Expired,
    /// LA_SUSPENDED.
    Suspended,
    /// LA_GRACE_PERIOD_OVER: the server-sync grace period has run out.
    GracePeriodOver,
    /// LA_TRIAL_EXPIRED.
    TrialExpired,
    /// LA_LOCAL_TRIAL_EXPIRED.
    LocalTrialExpired,
    /// LA_RELEASE_UPDATE_AVAILABLE.
    ReleaseUpdateAvailable,
    /// LA_RELEASE_UPDATE_NOT_AVAILABLE.
    ReleaseUpdateNotAvailable,
    /// LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED.
    ReleaseUpdateAvailableNotAllowed,
}

/// Failures: LA_FAIL and the LA_E_* codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// LA_FAIL: generic failure, also "not activated / no data".
    Fail,
    /// LA_E_FILE_PATH.
    FilePath,
    /// LA_E_PRODUCT_FILE.
    ProductFile,
    /// LA_E_PRODUCT_DATA.
    ProductData,
    /// LA_E_PRODUCT_ID.
    ProductId,
    /// LA_E_SYSTEM_PERMISSION.
    SystemPermission,
    /// LA_E_FILE_PERMISSION.
    FilePermission,
    /// LA_E_WMIC (Windows; never produced: we do not use WMI).
    Wmic,
    /// LA_E_TIME: clock behind server time by more than the allowed offset.
    Time,
    /// LA_E_INET: network failure.
    Inet,
    /// LA_E_NET_PROXY.
    NetProxy,
    /// LA_E_HOST_URL.
    HostUrl,
    /// LA_E_BUFFER_SIZE.
    BufferSize,
    /// LA_E_APP_VERSION_LENGTH.
    AppVersionLength,
    /// LA_E_REVOKED.
    Revoked,
    /// LA_E_LICENSE_KEY.
    LicenseKey,
    /// LA_E_LICENSE_TYPE.
    LicenseType,
    /// LA_E_OFFLINE_RESPONSE_FILE.
    OfflineResponseFile,
    /// LA_E_OFFLINE_RESPONSE_FILE_EXPIRED.
    OfflineResponseFileExpired,
    /// LA_E_ACTIVATION_LIMIT.
    ActivationLimit,
    /// LA_E_ACTIVATION_NOT_FOUND.
    ActivationNotFound,
    /// LA_E_DEACTIVATION_LIMIT.
    DeactivationLimit,
    /// LA_E_TRIAL_NOT_ALLOWED.
    TrialNotAllowed,
    /// LA_E_TRIAL_ACTIVATION_LIMIT.
    TrialActivationLimit,
    /// LA_E_MACHINE_FINGERPRINT.
    MachineFingerprint,
    /// LA_E_METADATA_KEY_LENGTH.
    MetadataKeyLength,
    /// LA_E_METADATA_VALUE_LENGTH.
    MetadataValueLength,
    /// LA_E_ACTIVATION_METADATA_LIMIT.
    ActivationMetadataLimit,
    /// LA_E_TRIAL_ACTIVATION_METADATA_LIMIT.
    TrialActivationMetadataLimit,
    /// LA_E_METADATA_KEY_NOT_FOUND.
    MetadataKeyNotFound,
    /// LA_E_TIME_MODIFIED: the clock was set back.
    TimeModified,
    /// LA_E_RELEASE_VERSION_FORMAT.
    ReleaseVersionFormat,
    /// LA_E_AUTHENTICATION_FAILED.
    AuthenticationFailed,
    /// LA_E_METER_ATTRIBUTE_NOT_FOUND.
    MeterAttributeNotFound,
    /// LA_E_METER_ATTRIBUTE_USES_LIMIT_REACHED.
    MeterAttributeUsesLimitReached,
    /// LA_E_CUSTOM_FINGERPRINT_LENGTH.
    CustomFingerprintLength,
    /// LA_E_PRODUCT_VERSION_NOT_LINKED.
    ProductVersionNotLinked,
    /// LA_E_FEATURE_FLAG_NOT_FOUND.
    FeatureFlagNotFound,
    /// LA_E_RELEASE_VERSION_NOT_ALLOWED.
    ReleaseVersionNotAllowed,
    /// LA_E_RELEASE_PLATFORM_LENGTH.
    ReleasePlatformLength,
    /// LA_E_RELEASE_CHANNEL_LENGTH.
    ReleaseChannelLength,
    /// LA_E_VM.
    Vm,
    /// LA_E_COUNTRY.
    Country,
    /// LA_E_IP.
    Ip,
    /// LA_E_CONTAINER.
    Container,
    /// LA_E_RELEASE_VERSION.
    ReleaseVersion,
    /// LA_E_RELEASE_PLATFORM.
    ReleasePlatform,
    /// LA_E_RELEASE_CHANNEL.
    ReleaseChannel,
    /// LA_E_USER_NOT_AUTHENTICATED.
    UserNotAuthenticated,
    /// LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING.
    TwoFactorCodeMissing,
    /// LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID.
    TwoFactorCodeInvalid,
    /// LA_E_RATE_LIMIT.
    RateLimit,
    /// LA_E_SERVER.
    Server,
    /// LA_E_CLIENT.
    Client,
    /// LA_E_ACCOUNT_ID.
    AccountId,
    /// LA_E_LOGIN_TEMPORARILY_LOCKED.
    LoginTemporarilyLocked,
    /// LA_E_AUTHENTICATION_ID_TOKEN_INVALID.
    AuthenticationIdTokenInvalid,
    /// LA_E_OIDC_SSO_NOT_ENABLED.
    OidcSsoNotEnabled,
    /// LA_E_USERS_LIMIT_REACHED.
    UsersLimitReached,
    /// LA_E_OS_USER.
    OsUser,
    /// LA_E_INVALID_PERMISSION_FLAG.
    InvalidPermissionFlag,
    /// LA_E_FREE_PLAN_ACTIVATION_LIMIT_REACHED.
    FreePlanActivationLimitReached,
    /// LA_E_FEATURE_ENTITLEMENTS_INVALID.
    FeatureEntitlementsInvalid,
    /// LA_E_FEATURE_ENTITLEMENT_NOT_FOUND.
    FeatureEntitlementNotFound,
    /// LA_E_ENTITLEMENT_SET_NOT_LINKED.
    EntitlementSetNotLinked,
    /// LA_E_LICENSE_NOT_EFFECTIVE.
    LicenseNotEffective,
    /// LA_E_DEVICE_NOT_FOUND.
    DeviceNotFound,
    /// LA_E_DEVICE_VALIDATION_FAILED.
    DeviceValidationFailed,
    /// LA_E_FINGERPRINT_VALIDATION_GRACE_PERIOD_OVER.
    FingerprintValidationGracePeriodOver,
    /// LA_E_ACTIVATION_CLONE_DETECTED.
    ActivationCloneDetected,
}

/// What most core calls return.
pub type LaResult<T = Outcome> = Result<T, Error>;

impl From<crate::store::location::LocationError> for Error {
    fn from(e: crate::store::location::LocationError) -> Self {
        match e {
            crate::store::location::LocationError::SystemPermission => Error::SystemPermission,
        }
    }
}
