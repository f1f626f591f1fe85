package lexactivator

// Status codes returned by every function (LexStatusCodes.h). The values are
// those of the vendor's LexActivator 3.46; OpenLex returns the same codes.
const (
	LA_OK   int = 0 // Success.
	LA_FAIL int = 1 // Generic failure; also "not activated" and "library not loaded".

	LA_EXPIRED           int = 20 // The license has expired or the clock was tampered with.
	LA_SUSPENDED         int = 21 // The license has been suspended.
	LA_GRACE_PERIOD_OVER int = 22 // The server-sync grace period is over.

	LA_TRIAL_EXPIRED       int = 25 // The verified trial has expired.
	LA_LOCAL_TRIAL_EXPIRED int = 26 // The local trial has expired.

	LA_RELEASE_UPDATE_AVAILABLE             int = 30 // A newer release is published.
	LA_RELEASE_UPDATE_NOT_AVAILABLE         int = 31 // No newer release.
	LA_RELEASE_NO_UPDATE_AVAILABLE          int = 31 // Deprecated alias of LA_RELEASE_UPDATE_NOT_AVAILABLE.
	LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED int = 32 // A newer release exists but the license does not allow it.

	LA_E_FILE_PATH                                int = 40
	LA_E_PRODUCT_FILE                             int = 41
	LA_E_PRODUCT_DATA                             int = 42
	LA_E_PRODUCT_ID                               int = 43
	LA_E_SYSTEM_PERMISSION                        int = 44
	LA_E_FILE_PERMISSION                          int = 45
	LA_E_WMIC                                     int = 46
	LA_E_TIME                                     int = 47
	LA_E_INET                                     int = 48
	LA_E_NET_PROXY                                int = 49
	LA_E_HOST_URL                                 int = 50
	LA_E_BUFFER_SIZE                              int = 51
	LA_E_APP_VERSION_LENGTH                       int = 52
	LA_E_REVOKED                                  int = 53
	LA_E_LICENSE_KEY                              int = 54
	LA_E_LICENSE_TYPE                             int = 55
	LA_E_OFFLINE_RESPONSE_FILE                    int = 56
	LA_E_OFFLINE_RESPONSE_FILE_EXPIRED            int = 57
	LA_E_ACTIVATION_LIMIT                         int = 58
	LA_E_ACTIVATION_NOT_FOUND                     int = 59
	LA_E_DEACTIVATION_LIMIT                       int = 60
	LA_E_TRIAL_NOT_ALLOWED                        int = 61
	LA_E_TRIAL_ACTIVATION_LIMIT                   int = 62
	LA_E_MACHINE_FINGERPRINT                      int = 63
	LA_E_METADATA_KEY_LENGTH                      int = 64
	LA_E_METADATA_VALUE_LENGTH                    int = 65
	LA_E_ACTIVATION_METADATA_LIMIT                int = 66
	LA_E_TRIAL_ACTIVATION_METADATA_LIMIT          int = 67
	LA_E_METADATA_KEY_NOT_FOUND                   int = 68
	LA_E_TIME_MODIFIED                            int = 69
	LA_E_RELEASE_VERSION_FORMAT                   int = 70
	LA_E_AUTHENTICATION_FAILED                    int = 71
	LA_E_METER_ATTRIBUTE_NOT_FOUND                int = 72
	LA_E_METER_ATTRIBUTE_USES_LIMIT_REACHED       int = 73
	LA_E_CUSTOM_FINGERPRINT_LENGTH                int = 74
	LA_E_PRODUCT_VERSION_NOT_LINKED               int = 75
	LA_E_FEATURE_FLAG_NOT_FOUND                   int = 76
	LA_E_RELEASE_VERSION_NOT_ALLOWED              int = 77
	LA_E_RELEASE_PLATFORM_LENGTH                  int = 78
	LA_E_RELEASE_CHANNEL_LENGTH                   int = 79
	LA_E_VM                                       int = 80
	LA_E_COUNTRY                                  int = 81
	LA_E_IP                                       int = 82
	LA_E_CONTAINER                                int = 83
	LA_E_RELEASE_VERSION                          int = 84
	LA_E_RELEASE_PLATFORM                         int = 85
	LA_E_RELEASE_CHANNEL                          int = 86
	LA_E_USER_NOT_AUTHENTICATED                   int = 87
	LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING   int = 88
	LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID   int = 89
	LA_E_RATE_LIMIT                               int = 90
	LA_E_SERVER                                   int = 91
	LA_E_CLIENT                                   int = 92
	LA_E_ACCOUNT_ID                               int = 93
	LA_E_LOGIN_TEMPORARILY_LOCKED                 int = 100
	LA_E_AUTHENTICATION_ID_TOKEN                  int = 101 // Name used by the vendor's Go wrapper.
	LA_E_AUTHENTICATION_ID_TOKEN_INVALID          int = 101 // Name used by LexStatusCodes.h.
	LA_E_OIDC_SSO_NOT_ENABLED                     int = 102
	LA_E_USERS_LIMIT_REACHED                      int = 103
	LA_E_OS_USER                                  int = 104
	LA_E_INVALID_PERMISSION_FLAG                  int = 105
	LA_E_FREE_PLAN_ACTIVATION_LIMIT_REACHED       int = 106
	LA_E_FEATURE_ENTITLEMENTS_INVALID             int = 107
	LA_E_FEATURE_ENTITLEMENT_NOT_FOUND            int = 108
	LA_E_ENTITLEMENT_SET_NOT_LINKED               int = 109
	LA_E_LICENSE_NOT_EFFECTIVE                    int = 110
	LA_E_DEVICE_NOT_FOUND                         int = 111
	LA_E_DEVICE_VALIDATION_FAILED                 int = 112
	LA_E_FINGERPRINT_VALIDATION_GRACE_PERIOD_OVER int = 113
	LA_E_ACTIVATION_CLONE_DETECTED                int = 114
)

// Permission flags for SetProductId and MigrateToSystemWideActivation.
const (
	LA_USER      uint = 1 // Per-OS-user storage.
	LA_SYSTEM    uint = 2 // Machine-wide storage; needs root or admin rights.
	LA_ALL_USERS uint = 3 // System-wide storage (Windows and macOS).
	LA_IN_MEMORY uint = 4 // Nothing persisted.
)

// Release flags for CheckReleaseUpdate.
const (
	LA_RELEASES_ALL     uint = 1
	LA_RELEASES_ALLOWED uint = 2
)
