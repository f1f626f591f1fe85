//! The one table from (HTTP status, API error code) to LA_* status, matching
//! the vendor's observed mapping (reference wire.md §8): map by `code` first;
//! then 429 -> LA_E_RATE_LIMIT, 5xx -> LA_E_SERVER, 404 on an activation-scoped
//! call -> LA_E_ACTIVATION_NOT_FOUND, any other 4xx -> LA_E_CLIENT.

use openlex_wire::{ErrorBody, ErrorCode};

use crate::status::Status;

/// Maps a known code string to a status; `None` for codes the vendor's
/// library does not map (they become LA_E_CLIENT).
pub fn for_code(code: ErrorCode) -> Option<Status> {
    Some(match code {
        ErrorCode::ActivationLimitReached => Status::ActivationLimit,
        ErrorCode::DeactivationLimitReached => Status::DeactivationLimit,
        ErrorCode::InvalidLicenseKey => Status::LicenseKey,
        ErrorCode::InvalidActivationFingerprint => Status::MachineFingerprint,
        ErrorCode::VmActivationNotAllowed => Status::Vm,
        ErrorCode::ContainerActivationNotAllowed => Status::Container,
        ErrorCode::CountryNotAllowed => Status::Country,
        ErrorCode::IpAddressNotAllowed => Status::Ip,
        ErrorCode::ReleaseVersionNotAllowed => Status::ReleaseVersionNotAllowed,
        ErrorCode::InvalidProductId => Status::ProductId,
        ErrorCode::MeterAttributeUsesLimitReached => Status::MeterAttributeUsesLimitReached,
        ErrorCode::MeterAttributeNotFound => Status::MeterAttributeNotFound,
        ErrorCode::AuthenticationFailed => Status::AuthenticationFailed,
        ErrorCode::InvalidLicenseType => Status::LicenseType,
        ErrorCode::RevokedLicense => Status::Revoked,
        ErrorCode::TrialNotAllowed => Status::TrialNotAllowed,
        ErrorCode::TrialActivationLimitReached => Status::TrialActivationLimit,
        ErrorCode::ActivationNotFound => Status::ActivationNotFound,
        ErrorCode::LicenseNotEffective => Status::LicenseNotEffective,
        ErrorCode::TwoFactorCodeMissing => Status::TwoFactorAuthenticationCodeMissing,
        ErrorCode::TwoFactorCodeInvalid => Status::TwoFactorAuthenticationCodeInvalid,
        ErrorCode::LoginTemporarilyLocked => Status::LoginTemporarilyLocked,
        ErrorCode::UserNotAuthenticated => Status::UserNotAuthenticated,
        ErrorCode::AuthenticationIdTokenInvalid => Status::AuthenticationIdTokenInvalid,
        ErrorCode::OidcSsoNotEnabled => Status::OidcSsoNotEnabled,
        ErrorCode::UsersLimitReached => Status::UsersLimitReached,
        ErrorCode::InvalidOsUser => Status::OsUser,
        ErrorCode::InvalidAccountId => Status::AccountId,
        ErrorCode::TooManyRequests => Status::RateLimit,
        ErrorCode::InternalServerError => Status::Server,
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
pub fn map(status: u16, body: &[u8], scope: Scope) -> Status {
    let code = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.code)
        .and_then(|c| ErrorCode::parse(&c));
    if let Some(e) = code.and_then(for_code) {
        return e;
    }
    match status {
        429 => Status::RateLimit,
        500..=599 => Status::Server,
        404 if scope == Scope::Existing => Status::ActivationNotFound,
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
    fn vendor_measured_mapping() {
        let table = [
            ("ACTIVATION_LIMIT_REACHED", Status::ActivationLimit),
            ("INVALID_LICENSE_KEY", Status::LicenseKey),
            ("INVALID_ACTIVATION_FINGERPRINT", Status::MachineFingerprint),
            ("VM_ACTIVATION_NOT_ALLOWED", Status::Vm),
            ("CONTAINER_ACTIVATION_NOT_ALLOWED", Status::Container),
            ("COUNTRY_NOT_ALLOWED", Status::Country),
            ("IP_ADDRESS_NOT_ALLOWED", Status::Ip),
            (
                "RELEASE_VERSION_NOT_ALLOWED",
                Status::ReleaseVersionNotAllowed,
            ),
            ("INVALID_PRODUCT_ID", Status::ProductId),
            (
                "METER_ATTRIBUTE_USES_LIMIT_REACHED",
                Status::MeterAttributeUsesLimitReached,
            ),
            ("AUTHENTICATION_FAILED", Status::AuthenticationFailed),
            ("INVALID_LICENSE_TYPE", Status::LicenseType),
            ("REVOKED_LICENSE", Status::Revoked),
            ("LICENSE_NOT_FOUND", Status::Client),
            ("LICENSE_SUSPENDED", Status::Client),
            ("PRODUCT_NOT_FOUND", Status::Client),
            ("FOO_BAR", Status::Client),
        ];
        for (code, want) in table {
            assert_eq!(map(400, &body(code), Scope::Create), want, "{code}");
        }
        assert_eq!(map(429, b"", Scope::Create), Status::RateLimit);
        assert_eq!(map(500, b"", Scope::Create), Status::Server);
        assert_eq!(map(503, b"<html>", Scope::Create), Status::Server);
        assert_eq!(
            map(409, &body("DEACTIVATION_LIMIT_REACHED"), Scope::Existing),
            Status::DeactivationLimit
        );
        assert_eq!(map(404, b"{}", Scope::Existing), Status::ActivationNotFound);
        assert_eq!(map(404, b"{}", Scope::Create), Status::Client);
        assert_eq!(
            map(400, br#"{"message":"x","code":null}"#, Scope::Create),
            Status::Client
        );
    }
}
