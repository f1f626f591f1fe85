//! The one table from (HTTP status, API error code) to LA_* status, matching
//! the vendor's observed mapping (reference wire.md §8): map by `code` first;
//! then 429 -> LA_E_RATE_LIMIT, 5xx -> LA_E_SERVER, 404 on an activation-scoped
//! call -> LA_E_ACTIVATION_NOT_FOUND, any other 4xx -> LA_E_CLIENT.

use openlex_wire::{ErrorBody, ErrorCode};

use crate::core::error::Error;

/// Maps a known code string to a status; `None` for codes the vendor's
/// library does not map (they become LA_E_CLIENT).
pub fn for_code(code: ErrorCode) -> Option<Error> {
    Some(match code {
        ErrorCode::ActivationLimitReached => Error::ActivationLimit,
        ErrorCode::DeactivationLimitReached => Error::DeactivationLimit,
        ErrorCode::InvalidLicenseKey => Error::LicenseKey,
        ErrorCode::InvalidActivationFingerprint => Error::MachineFingerprint,
        ErrorCode::VmActivationNotAllowed => Error::Vm,
        ErrorCode::ContainerActivationNotAllowed => Error::Container,
        ErrorCode::CountryNotAllowed => Error::Country,
        ErrorCode::IpAddressNotAllowed => Error::Ip,
        ErrorCode::ReleaseVersionNotAllowed => Error::ReleaseVersionNotAllowed,
        ErrorCode::InvalidProductId => Error::ProductId,
        ErrorCode::MeterAttributeUsesLimitReached => Error::MeterAttributeUsesLimitReached,
        ErrorCode::MeterAttributeNotFound => Error::MeterAttributeNotFound,
        ErrorCode::AuthenticationFailed => Error::AuthenticationFailed,
        ErrorCode::InvalidLicenseType => Error::LicenseType,
        ErrorCode::RevokedLicense => Error::Revoked,
        ErrorCode::TrialNotAllowed => Error::TrialNotAllowed,
        ErrorCode::TrialActivationLimitReached => Error::TrialActivationLimit,
        ErrorCode::ActivationNotFound => Error::ActivationNotFound,
        ErrorCode::LicenseNotEffective => Error::LicenseNotEffective,
        ErrorCode::TwoFactorCodeMissing => Error::TwoFactorCodeMissing,
        ErrorCode::TwoFactorCodeInvalid => Error::TwoFactorCodeInvalid,
        ErrorCode::LoginTemporarilyLocked => Error::LoginTemporarilyLocked,
        ErrorCode::UserNotAuthenticated => Error::UserNotAuthenticated,
        ErrorCode::AuthenticationIdTokenInvalid => Error::AuthenticationIdTokenInvalid,
        ErrorCode::OidcSsoNotEnabled => Error::OidcSsoNotEnabled,
        ErrorCode::UsersLimitReached => Error::UsersLimitReached,
        ErrorCode::InvalidOsUser => Error::OsUser,
        ErrorCode::InvalidAccountId => Error::AccountId,
        ErrorCode::TooManyRequests => Error::RateLimit,
        ErrorCode::InternalServerError | ErrorCode::ServiceUnavailable => Error::Server,
        ErrorCode::InvalidOfflineRequest
        | ErrorCode::ValidationFailed
        | ErrorCode::NotFound
        | ErrorCode::Unauthorized
        | ErrorCode::Forbidden
        | ErrorCode::Conflict
        | ErrorCode::PayloadTooLarge => return None,
    })
}

/// Which kind of call failed (404 means "activation deleted" only for calls
/// about an existing activation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Creating something (activation, trial, login, lookups).
    Create,
    /// Acting on an existing activation or trial (sync, deactivate, meters).
    Existing,
}

/// Maps a non-2xx response.
pub fn map(status: u16, body: &[u8], scope: Scope) -> Error {
    let code = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.code)
        .and_then(|c| ErrorCode::parse(&c));
    if let Some(e) = code.and_then(for_code) {
        return e;
    }
    match status {
        429 => Error::RateLimit,
        500..=599 => Error::Server,
        404 if scope == Scope::Existing => Error::ActivationNotFound,
        _ => Error::Client,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str) -> Vec<u8> {
        format!(r#"{{"code":"{code}","message":"x"}}"#).into_bytes()
    }

    #[test]
    fn vendor_measured_mapping() {
        let table = [
            ("ACTIVATION_LIMIT_REACHED", Error::ActivationLimit),
            ("INVALID_LICENSE_KEY", Error::LicenseKey),
            ("INVALID_ACTIVATION_FINGERPRINT", Error::MachineFingerprint),
            ("VM_ACTIVATION_NOT_ALLOWED", Error::Vm),
            ("CONTAINER_ACTIVATION_NOT_ALLOWED", Error::Container),
            ("COUNTRY_NOT_ALLOWED", Error::Country),
            ("IP_ADDRESS_NOT_ALLOWED", Error::Ip),
            (
                "RELEASE_VERSION_NOT_ALLOWED",
                Error::ReleaseVersionNotAllowed,
            ),
            ("INVALID_PRODUCT_ID", Error::ProductId),
            (
                "METER_ATTRIBUTE_USES_LIMIT_REACHED",
                Error::MeterAttributeUsesLimitReached,
            ),
            ("AUTHENTICATION_FAILED", Error::AuthenticationFailed),
            ("INVALID_LICENSE_TYPE", Error::LicenseType),
            ("REVOKED_LICENSE", Error::Revoked),
            ("LICENSE_NOT_FOUND", Error::Client),
            ("LICENSE_SUSPENDED", Error::Client),
            ("PRODUCT_NOT_FOUND", Error::Client),
            ("FOO_BAR", Error::Client),
        ];
        for (code, want) in table {
            assert_eq!(map(400, &body(code), Scope::Create), want, "{code}");
        }
        assert_eq!(map(429, b"", Scope::Create), Error::RateLimit);
        assert_eq!(map(500, b"", Scope::Create), Error::Server);
        assert_eq!(map(503, b"<html>", Scope::Create), Error::Server);
        assert_eq!(
            map(409, &body("DEACTIVATION_LIMIT_REACHED"), Scope::Existing),
            Error::DeactivationLimit
        );
        assert_eq!(map(404, b"{}", Scope::Existing), Error::ActivationNotFound);
        assert_eq!(map(404, b"{}", Scope::Create), Error::Client);
        assert_eq!(
            map(400, br#"{"message":"x","code":null}"#, Scope::Create),
            Error::Client
        );
    }
}
