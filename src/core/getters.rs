//! Getters over the verified activation and trial claims. Metadata, meter
//! attribute and feature names match case-insensitively, as the vendor's do.

use openlex_wire::claims::{FeatureEntitlement, Metadata, OrganizationAddress};

use super::activation::with_claims;
use super::state;
use super::trial;
use crate::status::Status;

/// Clamps a claim time to the vendor's `uint32_t` dates.
fn date(v: i64) -> u32 {
    v.clamp(0, i64::from(u32::MAX)) as u32
}

fn find_meta(list: &[Metadata], key: &str) -> Result<String, Status> {
    list.iter()
        .find(|m| m.key.eq_ignore_ascii_case(key))
        .map(|m| m.value.clone())
        .ok_or(Status::MetadataKeyNotFound)
}

/// GetLicenseKey: the set or activated key; `""` when none (not an error).
pub fn license_key() -> Result<String, Status> {
    let st = state::lock();
    if st.product.is_none() {
        return Err(Status::ProductId);
    }
    Ok(st.license_key.clone())
}

/// GetLicenseMetadata.
pub fn license_metadata(key: &str) -> Result<String, Status> {
    with_claims(|c| find_meta(&c.lmd, key))
}

/// GetLicenseUserMetadata.
pub fn license_user_metadata(key: &str) -> Result<String, Status> {
    with_claims(|c| find_meta(&c.umd, key))
}

/// GetActivationMetadata.
pub fn activation_metadata(key: &str) -> Result<String, Status> {
    with_claims(|c| find_meta(&c.amd, key))
}

/// GetProductMetadata: from the activation, else from the verified trial.
pub fn product_metadata(key: &str) -> Result<String, Status> {
    match with_claims(|c| Ok(c.pmd.clone())) {
        Ok(pmd) => find_meta(&pmd, key),
        Err(Status::Fail) => trial::with_claims(|t| find_meta(&t.pmd, key)),
        Err(e) => Err(e),
    }
}

/// GetLicenseMeterAttribute: (allowed, total, gross).
pub fn license_meter_attribute(name: &str) -> Result<(i64, u64, u64), Status> {
    with_claims(|c| {
        c.lma
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| (m.allowed_uses, m.total_uses, m.gross_uses))
            .ok_or(Status::MeterAttributeNotFound)
    })
}

/// GetActivationMeterAttributeUses: this activation's uses of a license meter
/// attribute (0 when it has none yet).
pub fn activation_meter_attribute_uses(name: &str) -> Result<u32, Status> {
    with_claims(|c| {
        if !c.lma.iter().any(|m| m.name.eq_ignore_ascii_case(name))
            && !c.ama.iter().any(|m| m.name.eq_ignore_ascii_case(name))
        {
            return Err(Status::MeterAttributeNotFound);
        }
        let uses = c
            .ama
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| m.uses)
            .unwrap_or(0);
        Ok(uses.min(u64::from(u32::MAX)) as u32)
    })
}

/// A text claim of the activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// GetActivationId.
    ActivationId,
    /// GetLicenseUserEmail.
    UserEmail,
    /// GetLicenseUserName.
    UserName,
    /// GetLicenseUserCompany.
    UserCompany,
    /// GetLicenseOrganizationName.
    OrganizationName,
    /// GetLicenseType.
    LicenseType,
    /// GetLicenseMaxAllowedReleaseVersion.
    MaxAllowedReleaseVersion,
    /// GetLicenseLeasingStrategy.
    LeasingStrategy,
}

/// Reads a text claim.
pub fn text(which: Text) -> Result<String, Status> {
    with_claims(|c| {
        Ok(match which {
            Text::ActivationId => c.aid.clone(),
            Text::UserEmail => c.email.clone(),
            Text::UserName => c.name.clone(),
            Text::UserCompany => c.company.clone(),
            Text::OrganizationName => c.on.clone(),
            Text::LicenseType => c.r#type.clone(),
            Text::MaxAllowedReleaseVersion => c.max_allowed_release_version.clone(),
            Text::LeasingStrategy => c.ls.clone(),
        })
    })
}

/// A date claim of the activation (unix seconds, 0 = none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Date {
    /// GetLicenseExpiryDate.
    LicenseExpiry,
    /// GetLicenseCreationDate.
    LicenseCreation,
    /// GetLicenseActivationDate.
    LicenseActivation,
    /// GetActivationCreationDate.
    ActivationCreation,
    /// GetActivationLastSyncedDate.
    ActivationLastSynced,
    /// GetLicenseMaintenanceExpiryDate.
    MaintenanceExpiry,
    /// GetServerSyncGracePeriodExpiryDate.
    GracePeriodExpiry,
}

/// Reads a date claim.
pub fn date_claim(which: Date) -> Result<u32, Status> {
    with_claims(|c| {
        Ok(date(match which {
            Date::LicenseExpiry => c.eat,
            Date::LicenseCreation => c.lcat,
            Date::LicenseActivation => c.laat,
            Date::ActivationCreation => c.activation_created_at,
            Date::ActivationLastSynced => {
                if c.last_synced_at != 0 {
                    c.last_synced_at
                } else {
                    c.activation_created_at
                }
            }
            Date::MaintenanceExpiry => c.maintenance_expires_at,
            Date::GracePeriodExpiry => {
                if c.ssi == 0 {
                    0
                } else {
                    c.ssgpeat
                }
            }
        }))
    })
}

/// GetLicenseAllowedActivations / AllowedDeactivations (-1 = unlimited).
pub fn allowed(deactivations: bool) -> Result<i64, Status> {
    with_claims(|c| {
        Ok(if deactivations {
            c.allowed_deactivations
        } else {
            c.allowed_activations
        })
    })
}

/// GetLicenseTotalActivations / TotalDeactivations.
pub fn total(deactivations: bool) -> Result<u32, Status> {
    with_claims(|c| {
        Ok(if deactivations {
            c.total_deactivations
        } else {
            c.total_activations
        })
    })
}

/// GetLicenseLeaseDuration (seconds).
pub fn lease_duration() -> Result<i64, Status> {
    with_claims(|c| Ok(c.ld))
}

/// GetLicenseOrganizationAddress.
pub fn organization_address() -> Result<OrganizationAddress, Status> {
    with_claims(|c| Ok(c.oa.clone().unwrap_or_default()))
}

/// GetActivationMode: (initial, current), `online` or `offline`.
pub fn activation_mode() -> Result<(String, String), Status> {
    with_claims(|c| {
        let m = c.activation_mode.clone().unwrap_or_default();
        let initial = if m.initial.is_empty() {
            "online".to_owned()
        } else {
            m.initial
        };
        let current = if m.current.is_empty() {
            initial.clone()
        } else {
            m.current
        };
        Ok((initial, current))
    })
}

/// GetLicenseEntitlementSetName / DisplayName (109 when none is linked).
pub fn entitlement_set_text(display: bool) -> Result<String, Status> {
    with_claims(|c| {
        let s = c
            .entitlement_set
            .as_ref()
            .ok_or(Status::EntitlementSetNotLinked)?;
        Ok(if display {
            s.display_name.clone()
        } else {
            s.name.clone()
        })
    })
}

/// GetLicenseEntitlementSetTier.
pub fn entitlement_set_tier() -> Result<i64, Status> {
    with_claims(|c| {
        Ok(c.entitlement_set
            .as_ref()
            .ok_or(Status::EntitlementSetNotLinked)?
            .tier)
    })
}

/// GetFeatureEntitlements.
pub fn feature_entitlements() -> Result<Vec<FeatureEntitlement>, Status> {
    with_claims(|c| Ok(c.feature_entitlements.clone()))
}

/// GetFeatureEntitlement (108 when unknown).
pub fn feature_entitlement(name: &str) -> Result<FeatureEntitlement, Status> {
    with_claims(|c| {
        c.feature_entitlements
            .iter()
            .find(|f| f.feature_name.eq_ignore_ascii_case(name))
            .cloned()
            .ok_or(Status::FeatureEntitlementNotFound)
    })
}

/// GetProductVersionName / DisplayName (75 when none is linked).
pub fn product_version_text(display: bool) -> Result<String, Status> {
    with_claims(|c| {
        let v = c
            .product_version
            .as_ref()
            .ok_or(Status::ProductVersionNotLinked)?;
        Ok(if display {
            v.display_name.clone()
        } else {
            v.name.clone()
        })
    })
}

/// GetProductVersionFeatureFlag: (enabled, data); 75 / 76.
pub fn product_version_feature_flag(name: &str) -> Result<(bool, String), Status> {
    with_claims(|c| {
        let v = c
            .product_version
            .as_ref()
            .ok_or(Status::ProductVersionNotLinked)?;
        v.feature_flags
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| (f.enabled, f.data.clone()))
            .ok_or(Status::FeatureFlagNotFound)
    })
}

/// GetLastActivationError: the status that last cleared activation data, 0
/// when none did since the last success.
pub fn last_activation_error() -> Result<u32, Status> {
    Ok(state::lock()
        .last_activation_error
        .map_or(0, |s| s.code() as u32))
}

/// GetTrialActivationMetadata.
pub fn trial_activation_metadata(key: &str) -> Result<String, Status> {
    trial::with_claims(|t| find_meta(&t.amd, key))
}

/// GetTrialExpiryDate.
pub fn trial_expiry_date() -> Result<u32, Status> {
    trial::with_claims(|t| Ok(date(t.eat)))
}

/// GetTrialId.
pub fn trial_id() -> Result<String, Status> {
    trial::with_claims(|t| Ok(t.tid.clone()))
}
