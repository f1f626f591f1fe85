//! The one table from (call, HTTP status, API error code) to a status.
//!
//! The vendor's library maps a code string per call, not globally: measured on
//! 3.46.0 against a loopback server answering HTTP 400 with each code string
//! found in its binary (bench/error_codes.py; tests/data/vendor_error_codes.tsv
//! records the result and tests/error_codes.rs pins this module to it). For
//! ActivateLicense, ActivateTrial and the two logins the tables below are that
//! measurement. Calls on an existing activation and the lookups could not be
//! measured (they need a live activation of the vendor's service); they use the
//! union of every code either side defines.
//!
//! Then the HTTP status: 429 -> LA_E_RATE_LIMIT, 5xx -> LA_E_SERVER, 404 on an
//! existing activation -> LA_E_ACTIVATION_NOT_FOUND, and any other 4xx the
//! call's default (LA_E_CLIENT; the logins answer LA_E_AUTHENTICATION_FAILED
//! and LA_E_AUTHENTICATION_ID_TOKEN_INVALID).

use openlex_wire::ErrorBody;

use crate::status::Status;

/// Which call got the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// ActivateLicense (POST /v3/activations).
    Activation,
    /// ActivateTrial (POST /v3/trial-activations).
    Trial,
    /// AuthenticateUser (POST /v3/accounts/login).
    Login,
    /// AuthenticateUserWithIdToken (OIDC login).
    IdTokenLogin,
    /// A call on an existing activation or trial (sync, deactivation, meters):
    /// a 404 means it was deleted on the server.
    Existing,
    /// Lookups and release checks.
    Other,
}

/// ActivateLicense: every code the vendor's library maps (others are 92).
fn activation(code: &str) -> Option<Status> {
    Some(match code {
        "ACTIVATION_CLONE_DETECTED" => Status::ActivationCloneDetected,
        "ACTIVATION_LIMIT_REACHED" => Status::ActivationLimit,
        "AUTHENTICATION_FAILED" => Status::AuthenticationFailed,
        "CONTAINER_ACTIVATION_NOT_ALLOWED" => Status::Container,
        "COUNTRY_NOT_ALLOWED" => Status::Country,
        "FREE_PLAN_ACTIVATION_LIMIT_REACHED" => Status::FreePlanActivationLimitReached,
        "INVALID_ACCOUNT_ID" => Status::AccountId,
        "INVALID_ACTIVATION_FINGERPRINT" => Status::MachineFingerprint,
        "INVALID_DEVICE_CHALLENGE_SIGNATURE" => Status::DeviceValidationFailed,
        "INVALID_DEVICE_ID" => Status::DeviceNotFound,
        "INVALID_LICENSE_KEY" => Status::LicenseKey,
        "INVALID_LICENSE_TYPE" => Status::LicenseType,
        "INVALID_PRODUCT_ID" => Status::ProductId,
        "INVALID_RELEASE_VERSION_FORMAT" => Status::ReleaseVersionFormat,
        "IP_ADDRESS_NOT_ALLOWED" => Status::Ip,
        "LICENSE_NOT_EFFECTIVE" => Status::LicenseNotEffective,
        "METER_ATTRIBUTE_USES_LIMIT_REACHED" => Status::MeterAttributeUsesLimitReached,
        "RELEASE_VERSION_NOT_ALLOWED" => Status::ReleaseVersionNotAllowed,
        "REVOKED_LICENSE" => Status::Revoked,
        "VM_ACTIVATION_NOT_ALLOWED" => Status::Vm,
        _ => return None,
    })
}

/// ActivateTrial: every code the vendor's library maps (others are 92).
fn trial(code: &str) -> Option<Status> {
    Some(match code {
        "CONTAINER_ACTIVATION_NOT_ALLOWED" => Status::Container,
        "COUNTRY_NOT_ALLOWED" => Status::Country,
        "INVALID_PRODUCT_ID" => Status::ProductId,
        "IP_ADDRESS_NOT_ALLOWED" => Status::Ip,
        "TRIAL_ACTIVATION_LIMIT_REACHED" => Status::TrialActivationLimit,
        "TRIAL_NOT_ALLOWED" => Status::TrialNotAllowed,
        "VM_ACTIVATION_NOT_ALLOWED" => Status::Vm,
        _ => return None,
    })
}

/// AuthenticateUser: the vendor's two-factor codes, then openlex-server's
/// names for the same and its login lock (others are 71).
fn login(code: &str) -> Option<Status> {
    Some(match code {
        "MISSING_TWO_FACTOR_CODE" => Status::TwoFactorAuthenticationCodeMissing,
        "INVALID_TWO_FACTOR_CODE" => Status::TwoFactorAuthenticationCodeInvalid,
        "TWO_FACTOR_AUTHENTICATION_CODE_MISSING" => Status::TwoFactorAuthenticationCodeMissing,
        "TWO_FACTOR_AUTHENTICATION_CODE_INVALID" => Status::TwoFactorAuthenticationCodeInvalid,
        "LOGIN_TEMPORARILY_LOCKED" => Status::LoginTemporarilyLocked,
        _ => return None,
    })
}

/// AuthenticateUserWithIdToken: openlex-server's codes (the vendor's library
/// answers 101 to every code).
fn id_token_login(code: &str) -> Option<Status> {
    Some(match code {
        "OIDC_SSO_NOT_ENABLED" => Status::OidcSsoNotEnabled,
        "USERS_LIMIT_REACHED" => Status::UsersLimitReached,
        _ => return None,
    })
}

/// Codes only calls on an existing activation, lookups and openlex-server's
/// own endpoints produce (beyond the tables above).
fn others(code: &str) -> Option<Status> {
    Some(match code {
        "ACTIVATION_NOT_FOUND" => Status::ActivationNotFound,
        "DEACTIVATION_LIMIT_REACHED" => Status::DeactivationLimit,
        "METER_ATTRIBUTE_NOT_FOUND" => Status::MeterAttributeNotFound,
        "USER_NOT_AUTHENTICATED" => Status::UserNotAuthenticated,
        "AUTHENTICATION_ID_TOKEN_INVALID" => Status::AuthenticationIdTokenInvalid,
        "INVALID_OS_USER" => Status::OsUser,
        "TOO_MANY_REQUESTS" => Status::RateLimit,
        "INTERNAL_SERVER_ERROR" => Status::Server,
        // openlex-server's database is unreachable (HTTP 503; the status
        // alone gives the same answer on every call)
        "SERVICE_UNAVAILABLE" => Status::Server,
        _ => return None,
    })
}

/// The status a code string gives on a call; `None` when the call does not
/// map it (the HTTP status decides).
pub fn for_code(code: &str, call: Call) -> Option<Status> {
    match call {
        Call::Activation => activation(code),
        Call::Trial => trial(code),
        Call::Login => login(code),
        Call::IdTokenLogin => id_token_login(code),
        Call::Existing | Call::Other => activation(code)
            .or_else(|| trial(code))
            .or_else(|| login(code))
            .or_else(|| id_token_login(code))
            .or_else(|| others(code)),
    }
}

/// Maps a non-2xx response.
pub fn map(status: u16, body: &[u8], call: Call) -> Status {
    let code = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.code);
    if let Some(s) = code.as_deref().and_then(|c| for_code(c, call)) {
        return s;
    }
    match (status, call) {
        (429, _) => Status::RateLimit,
        (500..=599, _) => Status::Server,
        (404, Call::Existing) => Status::ActivationNotFound,
        (_, Call::Login) => Status::AuthenticationFailed,
        (_, Call::IdTokenLogin) => Status::AuthenticationIdTokenInvalid,
        _ => Status::Client,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str) -> Vec<u8> {
        format!(r#"{{"code":"{code}","message":"x"}}"#).into_bytes()
    }

    #[test]
    fn status_decides_when_the_code_does_not() {
        assert_eq!(map(429, b"", Call::Activation), Status::RateLimit);
        assert_eq!(map(500, b"", Call::Activation), Status::Server);
        assert_eq!(map(503, b"<html>", Call::Login), Status::Server);
        assert_eq!(map(404, b"{}", Call::Existing), Status::ActivationNotFound);
        assert_eq!(map(404, b"{}", Call::Activation), Status::Client);
        assert_eq!(
            map(400, br#"{"message":"x","code":null}"#, Call::Activation),
            Status::Client
        );
        assert_eq!(
            map(400, &body("FOO_BAR"), Call::Login),
            Status::AuthenticationFailed
        );
        assert_eq!(
            map(400, &body("FOO_BAR"), Call::IdTokenLogin),
            Status::AuthenticationIdTokenInvalid
        );
        assert_eq!(
            map(409, &body("DEACTIVATION_LIMIT_REACHED"), Call::Existing),
            Status::DeactivationLimit
        );
    }

    #[test]
    fn every_openlex_server_code_maps_on_the_calls_that_receive_it() {
        // The codes openlex-server sends (crates/wire) that a client call maps
        // to something more specific than LA_E_CLIENT.
        for c in openlex_wire::ErrorCode::ALL {
            let expected_generic = matches!(
                c.as_str(),
                "INVALID_OFFLINE_REQUEST"
                    | "VALIDATION_FAILED"
                    | "NOT_FOUND"
                    | "UNAUTHORIZED"
                    | "FORBIDDEN"
                    | "CONFLICT"
                    | "PAYLOAD_TOO_LARGE"
            );
            assert_eq!(
                for_code(c.as_str(), Call::Existing).is_none(),
                expected_generic,
                "{}",
                c.as_str()
            );
        }
    }
}
