//! License policy as pure functions: request validation, activation rules,
//! expiry, leases, grace and meters. No I/O
//! here, so every rule is unit-tested directly.

use openlex_wire::claims;
use openlex_wire::requests::{ActivationRequest, DeactivationRequest, TrialActivationRequest};
use openlex_wire::ErrorCode;

use crate::error::{ApiError, ApiResult};
use crate::resources::activations::Activation;
use crate::resources::licenses::{ExpirationStrategy, License, MeterAttribute};

use crate::validate::{len_in, metadata as validate_metadata, os as check_os};

/// Field constraints of `ActivationCreateRequestModel` (wire.md §3.1).
pub fn validate_activation(r: &ActivationRequest) -> ApiResult<()> {
    len_in("key", &r.key, 1, 256)?;
    check_os(&r.os)?;
    len_in("osVersion", &r.os_version, 0, 256)?;
    len_in("fingerprint", &r.fingerprint, 64, 1024)?;
    len_in("vmName", &r.vm_name, 0, 256)?;
    len_in("hostname", &r.hostname, 1, 1024)?;
    len_in("userHash", &r.user_hash, 1, 256)?;
    len_in("productId", &r.product_id, 1, 256)?;
    len_in("accountId", &r.account_id, 0, 256)?;
    len_in("appVersion", &r.app_version, 0, 256)?;
    len_in("clientVersion", &r.client_version, 0, 256)?;
    len_in("releaseVersion", &r.release_version, 0, 256)?;
    len_in("releaseChannel", &r.release_channel, 0, 256)?;
    len_in("releasePlatform", &r.release_platform, 0, 256)?;
    len_in("email", &r.email, 0, 256)?;
    len_in("password", &r.password, 0, 256)?;
    if r.lease_duration < -1 {
        return Err(ApiError::validation("leaseDuration must be >= -1"));
    }
    validate_metadata(&r.metadata)?;
    if r.meter_attributes.len() > 100 {
        return Err(ApiError::validation("at most 100 meterAttributes"));
    }
    for m in &r.meter_attributes {
        len_in("meterAttributes.name", &m.name, 1, 256)?;
    }
    Ok(())
}

/// Field constraints of `TrialActivationRequestModel` (wire.md §3.2).
pub fn validate_trial(r: &TrialActivationRequest) -> ApiResult<()> {
    check_os(&r.os)?;
    len_in("osVersion", &r.os_version, 0, 256)?;
    len_in("fingerprint", &r.fingerprint, 64, 1024)?;
    len_in("vmName", &r.vm_name, 0, 256)?;
    len_in("hostname", &r.hostname, 1, 1024)?;
    len_in("userHash", &r.user_hash, 1, 256)?;
    len_in("productId", &r.product_id, 1, 256)?;
    len_in("accountId", &r.account_id, 0, 256)?;
    len_in("releaseVersion", &r.release_version, 0, 256)?;
    len_in("releaseChannel", &r.release_channel, 0, 256)?;
    len_in("releasePlatform", &r.release_platform, 0, 256)?;
    validate_metadata(&r.metadata)
}

/// Field constraints of `DeactivationRequestModel` (wire.md §3.3).
pub fn validate_deactivation(r: &DeactivationRequest) -> ApiResult<()> {
    len_in("productId", &r.product_id, 1, 256)?;
    len_in("accountId", &r.account_id, 0, 256)?;
    len_in("fingerprint", &r.fingerprint, 64, 1024)?;
    len_in("userHash", &r.user_hash, 1, 256)?;
    check_os(&r.os)
}

/// Whether `used` seats (or deactivations) reach `allowed` (0 or -1 = unlimited).
pub fn limit_reached(allowed: i64, used: i64) -> bool {
    allowed > 0 && used >= allowed
}

/// Rules checked on every activation and sync, before any seat logic:
/// revoked, not yet effective, VM and container policy, release version.
/// Expired and suspended licenses pass: the client derives 20/21 from claims.
pub fn check_license_usable(
    l: &License,
    vm_name: &str,
    container: bool,
    release_version: &str,
    now: i64,
) -> ApiResult<()> {
    if l.revoked {
        return Err(ApiError::new(
            ErrorCode::RevokedLicense,
            "the license has been revoked",
        ));
    }
    if l.effective_date > now {
        return Err(ApiError::new(
            ErrorCode::LicenseNotEffective,
            "the license is not effective yet",
        ));
    }
    if !l.allow_vm_activation && !vm_name.is_empty() {
        return Err(ApiError::new(
            ErrorCode::VmActivationNotAllowed,
            "activation in a virtual machine is not allowed",
        ));
    }
    if !l.allow_container_activation && container {
        return Err(ApiError::new(
            ErrorCode::ContainerActivationNotAllowed,
            "activation in a container is not allowed",
        ));
    }
    if !l.max_allowed_release_version.is_empty()
        && !release_version.is_empty()
        && openlex_wire::version::compare(release_version, &l.max_allowed_release_version)
            == std::cmp::Ordering::Greater
    {
        return Err(ApiError::new(
            ErrorCode::ReleaseVersionNotAllowed,
            "the release version is above the license's maximum",
        ));
    }
    Ok(())
}

/// The lease duration for a new or renewed hosted-floating activation:
/// the client's request when the license allows it (−1 = unlimited → 0),
/// else the license's. Node-locked licenses have no lease.
pub fn lease_duration(l: &License, requested: i64) -> i64 {
    if !l.is_floating() {
        return 0;
    }
    if l.allow_client_lease_duration && requested != 0 {
        return requested.max(0);
    }
    l.lease_duration.max(0)
}

/// Lease expiry for a lease of `ld` seconds starting `now` (0 = none).
pub fn lease_expiry(ld: i64, now: i64) -> i64 {
    if ld > 0 {
        now.saturating_add(ld)
    } else {
        0
    }
}

/// `ssgpeat`: now + grace, or 0 when grace is unlimited (−1) or there is no sync.
pub fn grace_expiry(l: &License, now: i64) -> i64 {
    if l.server_sync_grace_period < 0 || l.server_sync_interval <= 0 {
        0
    } else {
        now.saturating_add(l.server_sync_grace_period)
    }
}

/// The expiry a token carries: the activation's own for `rolling`, else the license's.
pub fn effective_expiry(l: &License, a: &Activation) -> i64 {
    if l.expiration_strategy == ExpirationStrategy::Rolling && l.validity > 0 {
        a.expires_at
    } else {
        l.expires_at
    }
}

/// Expiry bookkeeping on activation: `delayed` starts the shared clock at the
/// first activation; `rolling` gives each new activation its own.
pub fn start_expiry(l: &mut License, a: &mut Activation, now: i64) {
    if l.validity <= 0 {
        return;
    }
    match l.expiration_strategy {
        ExpirationStrategy::Delayed if l.expires_at == 0 => {
            l.expires_at = now.saturating_add(l.validity)
        }
        ExpirationStrategy::Rolling if a.expires_at == 0 => {
            a.expires_at = now.saturating_add(l.validity)
        }
        _ => {}
    }
}

/// Expiry set at license creation for the `immediate` strategy.
pub fn initial_expiry(l: &License, now: i64) -> i64 {
    if l.validity > 0 && l.expiration_strategy == ExpirationStrategy::Immediate {
        now.saturating_add(l.validity)
    } else {
        0
    }
}

/// Applies a meter delta for one activation: uses clamp at 0; an increase
/// past the license's allowed uses (−1 = unlimited) fails.
pub fn apply_meter(
    attr: &mut MeterAttribute,
    act: &mut claims::ActivationMeterAttribute,
    increment: i64,
) -> ApiResult<()> {
    let old = act.uses as i64;
    let new = old.saturating_add(increment).max(0);
    let delta = new - old;
    let total = attr.total_uses as i64;
    if delta > 0 && attr.allowed_uses >= 0 && total.saturating_add(delta) > attr.allowed_uses {
        return Err(ApiError::new(
            ErrorCode::MeterAttributeUsesLimitReached,
            format!("meter attribute {} has reached its allowed uses", attr.name),
        ));
    }
    act.uses = new as u64;
    attr.total_uses = total.saturating_add(delta).max(0) as u64;
    if delta > 0 {
        attr.gross_uses = attr.gross_uses.saturating_add(delta as u64);
    }
    Ok(())
}

/// Applies meter deltas from an activation body (old clients send them there).
pub fn apply_meters(
    l: &mut License,
    a: &mut Activation,
    deltas: &[openlex_wire::requests::MeterAttributeUses],
) -> ApiResult<()> {
    for d in deltas {
        meter(l, a, &d.name, d.uses_increment)?;
    }
    Ok(())
}

/// Applies one named meter delta; unknown names fail with METER_ATTRIBUTE_NOT_FOUND.
pub fn meter(
    l: &mut License,
    a: &mut Activation,
    name: &str,
    increment: i64,
) -> ApiResult<(MeterAttribute, u64)> {
    let attr = l
        .meter_attributes
        .iter_mut()
        .find(|m| m.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MeterAttributeNotFound,
                format!("meter attribute {name} not found"),
            )
        })?;
    let idx = match a
        .meter_attributes
        .iter()
        .position(|m| m.name.eq_ignore_ascii_case(name))
    {
        Some(i) => i,
        None => {
            a.meter_attributes.push(claims::ActivationMeterAttribute {
                name: attr.name.clone(),
                uses: 0,
            });
            a.meter_attributes.len() - 1
        }
    };
    apply_meter(attr, &mut a.meter_attributes[idx], increment)?;
    Ok((attr.clone(), a.meter_attributes[idx].uses))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::licenses::LicenseType;
    use openlex_wire::claims::Metadata;

    fn fp() -> String {
        "F".repeat(64)
    }

    fn req() -> ActivationRequest {
        ActivationRequest {
            key: "K".into(),
            os: "linux".into(),
            fingerprint: fp(),
            hostname: "h".into(),
            user_hash: "U".into(),
            product_id: "p".into(),
            ..Default::default()
        }
    }

    #[test]
    fn validation_rules() {
        assert!(validate_activation(&req()).is_ok());
        let mut r = req();
        r.fingerprint = "short".into();
        assert_eq!(
            validate_activation(&r).unwrap_err().code,
            ErrorCode::ValidationFailed
        );
        let mut r = req();
        r.os = "beos".into();
        assert!(validate_activation(&r).is_err());
        let mut r = req();
        r.metadata = vec![Metadata {
            key: String::new(),
            value: "v".into(),
        }];
        assert!(validate_activation(&r).is_err());
        let mut r = req();
        r.metadata = vec![Metadata {
            key: "k".into(),
            value: "v".repeat(4097),
        }];
        assert!(validate_activation(&r).is_err());
        let mut r = req();
        r.lease_duration = -2;
        assert!(validate_activation(&r).is_err());
    }

    #[test]
    fn limits() {
        assert!(!limit_reached(0, 100));
        assert!(!limit_reached(-1, 100));
        assert!(limit_reached(2, 2));
        assert!(!limit_reached(2, 1));
    }

    #[test]
    fn usable_rules() {
        let mut l = License::default();
        assert!(check_license_usable(&l, "", false, "", 10).is_ok());
        l.allow_vm_activation = false;
        assert_eq!(
            check_license_usable(&l, "kvm", false, "", 10)
                .unwrap_err()
                .code,
            ErrorCode::VmActivationNotAllowed
        );
        l.allow_container_activation = false;
        assert_eq!(
            check_license_usable(&l, "", true, "", 10).unwrap_err().code,
            ErrorCode::ContainerActivationNotAllowed
        );
        l.max_allowed_release_version = "2.0".into();
        assert!(check_license_usable(&l, "", false, "2.0.5", 10).is_ok());
        assert_eq!(
            check_license_usable(&l, "", false, "2.1", 10)
                .unwrap_err()
                .code,
            ErrorCode::ReleaseVersionNotAllowed
        );
        l.effective_date = 20;
        assert_eq!(
            check_license_usable(&l, "", false, "", 10)
                .unwrap_err()
                .code,
            ErrorCode::LicenseNotEffective
        );
        l.revoked = true;
        assert_eq!(
            check_license_usable(&l, "", false, "", 10)
                .unwrap_err()
                .code,
            ErrorCode::RevokedLicense
        );
        l.revoked = false;
        l.effective_date = 0;
        l.suspended = true;
        assert!(check_license_usable(&l, "", false, "", 10).is_ok());
    }

    #[test]
    fn leases_and_grace() {
        let mut l = License {
            r#type: LicenseType::HostedFloating,
            lease_duration: 100,
            ..Default::default()
        };
        assert_eq!(lease_duration(&l, 5), 100);
        l.allow_client_lease_duration = true;
        assert_eq!(lease_duration(&l, 5), 5);
        assert_eq!(lease_duration(&l, -1), 0);
        assert_eq!(lease_duration(&l, 0), 100);
        l.r#type = LicenseType::NodeLocked;
        assert_eq!(lease_duration(&l, 5), 0);
        assert_eq!(lease_expiry(0, 10), 0);
        assert_eq!(lease_expiry(5, 10), 15);
        let mut l = License {
            server_sync_interval: 60,
            server_sync_grace_period: 100,
            ..Default::default()
        };
        assert_eq!(grace_expiry(&l, 1000), 1100);
        l.server_sync_grace_period = -1;
        assert_eq!(grace_expiry(&l, 1000), 0);
    }

    #[test]
    fn expiry_strategies() {
        let mut l = License {
            validity: 100,
            ..Default::default()
        };
        assert_eq!(initial_expiry(&l, 1000), 1100);
        l.expiration_strategy = ExpirationStrategy::Delayed;
        assert_eq!(initial_expiry(&l, 1000), 0);
        let mut a = Activation::default();
        start_expiry(&mut l, &mut a, 2000);
        assert_eq!(l.expires_at, 2100);
        start_expiry(&mut l, &mut a, 3000);
        assert_eq!(l.expires_at, 2100, "delayed starts once");
        let mut l = License {
            validity: 100,
            expiration_strategy: ExpirationStrategy::Rolling,
            ..Default::default()
        };
        let mut a = Activation::default();
        start_expiry(&mut l, &mut a, 5000);
        assert_eq!((l.expires_at, a.expires_at), (0, 5100));
        assert_eq!(effective_expiry(&l, &a), 5100);
    }

    #[test]
    fn meters_clamp_and_limit() {
        let mut l = License {
            meter_attributes: vec![MeterAttribute {
                name: "Exports".into(),
                allowed_uses: 3,
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut a = Activation::default();
        assert_eq!(meter(&mut l, &mut a, "exports", 2).unwrap().1, 2);
        assert_eq!(
            meter(&mut l, &mut a, "EXPORTS", 2).unwrap_err().code,
            ErrorCode::MeterAttributeUsesLimitReached
        );
        assert_eq!(meter(&mut l, &mut a, "exports", -5).unwrap().1, 0);
        assert_eq!(l.meter_attributes[0].total_uses, 0);
        assert_eq!(l.meter_attributes[0].gross_uses, 2);
        assert_eq!(
            meter(&mut l, &mut a, "nope", 1).unwrap_err().code,
            ErrorCode::MeterAttributeNotFound
        );
        l.meter_attributes[0].allowed_uses = -1;
        assert!(meter(&mut l, &mut a, "exports", 1000).is_ok());
    }
}
