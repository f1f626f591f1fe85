//! Error bodies `{"code", "message"}` and the code strings of the Web API.
//!
//! The vendor's names are kept exactly where they are known (reference
//! wire.md §8). Codes for the newer LexActivator statuses whose server strings
//! are not public are OpenLex's own, documented in docs/WIRE.md.

use serde::{Deserialize, Serialize};

/// The error body every non-2xx response carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Upper snake case code; may be absent or null from the vendor's service.
    #[serde(default)]
    pub code: Option<String>,
    /// Human readable text.
    #[serde(default)]
    pub message: String,
}

macro_rules! codes {
    ($( $(#[$m:meta])* $variant:ident = $text:literal, $http:literal; )*) => {
        /// Every error code string openlex-server sends.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $( $(#[$m])* $variant, )* }

        impl ErrorCode {
            /// All codes, for tests and documentation.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code string on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $text,)* }
            }

            /// The HTTP status openlex-server sends with this code.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $http,)* }
            }

            /// Parses a code string (exact, upper case).
            pub fn parse(s: &str) -> Option<ErrorCode> {
                match s { $($text => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    /// The license has as many activations as it allows.
    ActivationLimitReached = "ACTIVATION_LIMIT_REACHED", 409;
    /// The license has as many deactivations as it allows.
    DeactivationLimitReached = "DEACTIVATION_LIMIT_REACHED", 409;
    /// No such license key for this product.
    InvalidLicenseKey = "INVALID_LICENSE_KEY", 400;
    /// The device fingerprint does not match the activation.
    InvalidActivationFingerprint = "INVALID_ACTIVATION_FINGERPRINT", 400;
    /// The license forbids activation inside a virtual machine.
    VmActivationNotAllowed = "VM_ACTIVATION_NOT_ALLOWED", 400;
    /// The license forbids activation inside a container.
    ContainerActivationNotAllowed = "CONTAINER_ACTIVATION_NOT_ALLOWED", 400;
    /// The client's country is not allowed.
    CountryNotAllowed = "COUNTRY_NOT_ALLOWED", 400;
    /// The client's IP address is not allowed.
    IpAddressNotAllowed = "IP_ADDRESS_NOT_ALLOWED", 400;
    /// The release version is above what the license allows.
    ReleaseVersionNotAllowed = "RELEASE_VERSION_NOT_ALLOWED", 400;
    /// No such product.
    InvalidProductId = "INVALID_PRODUCT_ID", 400;
    /// A meter attribute would exceed its allowed uses.
    MeterAttributeUsesLimitReached = "METER_ATTRIBUTE_USES_LIMIT_REACHED", 409;
    /// No such meter attribute on the license.
    MeterAttributeNotFound = "METER_ATTRIBUTE_NOT_FOUND", 400;
    /// Wrong email or password, or authentication is required first.
    AuthenticationFailed = "AUTHENTICATION_FAILED", 400;
    /// The license type cannot be used this way (for example on-premise floating).
    InvalidLicenseType = "INVALID_LICENSE_TYPE", 400;
    /// The license is revoked.
    RevokedLicense = "REVOKED_LICENSE", 400;
    /// The product has no trial policy.
    TrialNotAllowed = "TRIAL_NOT_ALLOWED", 400;
    /// The product's trial activation limit is reached.
    TrialActivationLimitReached = "TRIAL_ACTIVATION_LIMIT_REACHED", 409;
    /// The activation (or trial activation) does not exist (deleted on the server).
    ActivationNotFound = "ACTIVATION_NOT_FOUND", 404;
    /// The license is not effective yet.
    LicenseNotEffective = "LICENSE_NOT_EFFECTIVE", 400;
    /// An account with two-factor authentication needs the code.
    TwoFactorCodeMissing = "TWO_FACTOR_AUTHENTICATION_CODE_MISSING", 400;
    /// The two-factor code is wrong.
    TwoFactorCodeInvalid = "TWO_FACTOR_AUTHENTICATION_CODE_INVALID", 400;
    /// Too many failed logins; locked for a while.
    LoginTemporarilyLocked = "LOGIN_TEMPORARILY_LOCKED", 400;
    /// The user access token is missing or invalid.
    UserNotAuthenticated = "USER_NOT_AUTHENTICATED", 401;
    /// The OIDC id token is invalid.
    AuthenticationIdTokenInvalid = "AUTHENTICATION_ID_TOKEN_INVALID", 400;
    /// OIDC single sign-on is not enabled.
    OidcSsoNotEnabled = "OIDC_SSO_NOT_ENABLED", 400;
    /// The account's user limit is reached.
    UsersLimitReached = "USERS_LIMIT_REACHED", 409;
    /// The license is locked to another OS user.
    InvalidOsUser = "INVALID_OS_USER", 400;
    /// The offline request is malformed, forged or for another product.
    InvalidOfflineRequest = "INVALID_OFFLINE_REQUEST", 400;
    /// The account id does not match.
    InvalidAccountId = "INVALID_ACCOUNT_ID", 400;
    /// The request body or parameters failed validation.
    ValidationFailed = "VALIDATION_FAILED", 400;
    /// No such resource (admin API).
    NotFound = "NOT_FOUND", 404;
    /// Missing or wrong bearer token (admin API).
    Unauthorized = "UNAUTHORIZED", 401;
    /// The token lacks the scope this call needs (admin API).
    Forbidden = "FORBIDDEN", 403;
    /// The request conflicts with existing data (admin API, e.g. duplicate key).
    Conflict = "CONFLICT", 409;
    /// The body is larger than the server accepts.
    PayloadTooLarge = "PAYLOAD_TOO_LARGE", 413;
    /// Too many requests from this address.
    TooManyRequests = "TOO_MANY_REQUESTS", 429;
    /// Something failed on the server.
    InternalServerError = "INTERNAL_SERVER_ERROR", 500;
    /// The server cannot reach its database right now; retry shortly.
    ServiceUnavailable = "SERVICE_UNAVAILABLE", 503;
}

impl ErrorBody {
    /// An error body for a code with a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            code: Some(code.as_str().to_owned()),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()));
            assert_eq!(ErrorCode::parse(c.as_str()), Some(*c));
            assert!((400..600).contains(&c.http_status()));
        }
    }

    #[test]
    fn body_tolerates_null_and_missing_code() {
        let b: ErrorBody = serde_json::from_str(r#"{"message":"x","code":null}"#).unwrap();
        assert_eq!(b.code, None);
        let b: ErrorBody = serde_json::from_str(r#"{"message":"x"}"#).unwrap();
        assert_eq!(b.code, None);
    }
}
