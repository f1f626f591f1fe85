// OpenLex C# binding: the LA_* status codes (values as in include/LexStatusCodes.h).
// SPDX-License-Identifier: MIT OR Apache-2.0
namespace Cryptlex
{
    /// <summary>Status codes returned by every LexActivator function.</summary>
    public static class LexStatusCodes
    {
        public const int LA_OK = 0;
        public const int LA_FAIL = 1;
        public const int LA_EXPIRED = 20;
        public const int LA_SUSPENDED = 21;
        public const int LA_GRACE_PERIOD_OVER = 22;
        public const int LA_TRIAL_EXPIRED = 25;
        public const int LA_LOCAL_TRIAL_EXPIRED = 26;
        public const int LA_RELEASE_UPDATE_AVAILABLE = 30;
        /// <summary>Deprecated alias of LA_RELEASE_UPDATE_NOT_AVAILABLE.</summary>
        public const int LA_RELEASE_NO_UPDATE_AVAILABLE = 31;
        public const int LA_RELEASE_UPDATE_NOT_AVAILABLE = 31;
        public const int LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED = 32;
        public const int LA_E_FILE_PATH = 40;
        public const int LA_E_PRODUCT_FILE = 41;
        public const int LA_E_PRODUCT_DATA = 42;
        public const int LA_E_PRODUCT_ID = 43;
        public const int LA_E_SYSTEM_PERMISSION = 44;
        public const int LA_E_FILE_PERMISSION = 45;
        public const int LA_E_WMIC = 46;
        public const int LA_E_TIME = 47;
        public const int LA_E_INET = 48;
        public const int LA_E_NET_PROXY = 49;
        public const int LA_E_HOST_URL = 50;
        public const int LA_E_BUFFER_SIZE = 51;
        public const int LA_E_APP_VERSION_LENGTH = 52;
        public const int LA_E_REVOKED = 53;
        public const int LA_E_LICENSE_KEY = 54;
        public const int LA_E_LICENSE_TYPE = 55;
        public const int LA_E_OFFLINE_RESPONSE_FILE = 56;
        public const int LA_E_OFFLINE_RESPONSE_FILE_EXPIRED = 57;
        public const int LA_E_ACTIVATION_LIMIT = 58;
        public const int LA_E_ACTIVATION_NOT_FOUND = 59;
        public const int LA_E_DEACTIVATION_LIMIT = 60;
        public const int LA_E_TRIAL_NOT_ALLOWED = 61;
        public const int LA_E_TRIAL_ACTIVATION_LIMIT = 62;
        public const int LA_E_MACHINE_FINGERPRINT = 63;
        public const int LA_E_METADATA_KEY_LENGTH = 64;
        public const int LA_E_METADATA_VALUE_LENGTH = 65;
        public const int LA_E_ACTIVATION_METADATA_LIMIT = 66;
        public const int LA_E_TRIAL_ACTIVATION_METADATA_LIMIT = 67;
        public const int LA_E_METADATA_KEY_NOT_FOUND = 68;
        public const int LA_E_TIME_MODIFIED = 69;
        public const int LA_E_RELEASE_VERSION_FORMAT = 70;
        public const int LA_E_AUTHENTICATION_FAILED = 71;
        public const int LA_E_METER_ATTRIBUTE_NOT_FOUND = 72;
        public const int LA_E_METER_ATTRIBUTE_USES_LIMIT_REACHED = 73;
        public const int LA_E_CUSTOM_FINGERPRINT_LENGTH = 74;
        public const int LA_E_PRODUCT_VERSION_NOT_LINKED = 75;
        public const int LA_E_FEATURE_FLAG_NOT_FOUND = 76;
        public const int LA_E_RELEASE_VERSION_NOT_ALLOWED = 77;
        public const int LA_E_RELEASE_PLATFORM_LENGTH = 78;
        public const int LA_E_RELEASE_CHANNEL_LENGTH = 79;
        public const int LA_E_VM = 80;
        public const int LA_E_COUNTRY = 81;
        public const int LA_E_IP = 82;
        public const int LA_E_CONTAINER = 83;
        public const int LA_E_RELEASE_VERSION = 84;
        public const int LA_E_RELEASE_PLATFORM = 85;
        public const int LA_E_RELEASE_CHANNEL = 86;
        public const int LA_E_USER_NOT_AUTHENTICATED = 87;
        public const int LA_E_TWO_FACTOR_AUTHENTICATION_CODE_MISSING = 88;
        public const int LA_E_TWO_FACTOR_AUTHENTICATION_CODE_INVALID = 89;
        public const int LA_E_RATE_LIMIT = 90;
        public const int LA_E_SERVER = 91;
        public const int LA_E_CLIENT = 92;
        public const int LA_E_ACCOUNT_ID = 93;
        public const int LA_E_LOGIN_TEMPORARILY_LOCKED = 100;
        public const int LA_E_AUTHENTICATION_ID_TOKEN_INVALID = 101;
        /// <summary>Older name of LA_E_AUTHENTICATION_ID_TOKEN_INVALID.</summary>
        public const int LA_E_AUTHENTICATION_ID_TOKEN = 101;
        public const int LA_E_OIDC_SSO_NOT_ENABLED = 102;
        public const int LA_E_USERS_LIMIT_REACHED = 103;
        public const int LA_E_OS_USER = 104;
        public const int LA_E_INVALID_PERMISSION_FLAG = 105;
        public const int LA_E_FREE_PLAN_ACTIVATION_LIMIT_REACHED = 106;
        public const int LA_E_FEATURE_ENTITLEMENTS_INVALID = 107;
        public const int LA_E_FEATURE_ENTITLEMENT_NOT_FOUND = 108;
        public const int LA_E_ENTITLEMENT_SET_NOT_LINKED = 109;
        public const int LA_E_LICENSE_NOT_EFFECTIVE = 110;
        public const int LA_E_DEVICE_NOT_FOUND = 111;
        public const int LA_E_DEVICE_VALIDATION_FAILED = 112;
        public const int LA_E_FINGERPRINT_VALIDATION_GRACE_PERIOD_OVER = 113;
        public const int LA_E_ACTIVATION_CLONE_DETECTED = 114;
    }
}
