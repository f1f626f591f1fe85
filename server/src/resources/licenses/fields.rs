//! The settable fields of a license: the body of create and update, and the
//! CLI's flags (`clap` derive on the same struct, so a flag cannot drift
//! from the field it sets).

use openlex_wire::claims::OrganizationAddress;
use serde::Deserialize;

use super::{
    ExpirationStrategy, LeasingStrategy, License, LicenseFeature, LicenseType, MeterAttribute,
    ProductVersionRec,
};
use crate::matching::MatchingStrategy;

/// Parses `NAME=ALLOWED_USES` (CLI `--meter-attribute`; -1 = unlimited).
pub fn parse_meter_attribute(s: &str) -> Result<MeterAttribute, String> {
    let (name, uses) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected NAME=ALLOWED_USES"))?;
    let allowed_uses = uses
        .parse()
        .map_err(|_| format!("{s:?}: allowed uses must be an integer"))?;
    Ok(MeterAttribute {
        name: name.to_owned(),
        allowed_uses,
        ..Default::default()
    })
}

/// Every field of a license an administrator sets. Absent = unchanged (on
/// create: the default).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct LicenseFields {
    /// License key (default: generated).
    #[arg(long)]
    pub key: Option<String>,
    /// License type.
    #[arg(long = "type", value_enum)]
    pub r#type: Option<LicenseType>,
    /// Revoked: activation and sync fail.
    #[arg(long)]
    pub revoked: Option<bool>,
    /// Suspended: tokens carry suspended=true.
    #[arg(long)]
    pub suspended: Option<bool>,
    /// Fingerprint matching strategy.
    #[arg(long, value_enum)]
    pub fingerprint_matching_strategy: Option<MatchingStrategy>,
    /// Seats (0 or -1 = unlimited).
    #[arg(long, allow_hyphen_values = true)]
    pub allowed_activations: Option<i64>,
    /// Deactivations allowed (0 or -1 = unlimited).
    #[arg(long, allow_hyphen_values = true)]
    pub allowed_deactivations: Option<i64>,
    /// Deactivations used so far.
    #[arg(long)]
    pub total_deactivations: Option<i64>,
    /// Lease duration in seconds (hosted-floating).
    #[arg(long)]
    pub lease_duration: Option<i64>,
    /// Honour the client's requested lease duration.
    #[arg(long)]
    pub allow_client_lease_duration: Option<bool>,
    /// Leasing strategy.
    #[arg(long, value_enum)]
    pub leasing_strategy: Option<LeasingStrategy>,
    /// Server sync interval in seconds (0 = none).
    #[arg(long)]
    pub server_sync_interval: Option<i64>,
    /// Grace after the last sync in seconds (-1 = unlimited).
    #[arg(long, allow_hyphen_values = true)]
    pub server_sync_grace_period: Option<i64>,
    /// Allowed client clock offset in seconds (-1 = off).
    #[arg(long, allow_hyphen_values = true)]
    pub allowed_clock_offset: Option<i64>,
    /// Validity in seconds (0 = lifetime).
    #[arg(long)]
    pub validity: Option<i64>,
    /// Expiration strategy.
    #[arg(long, value_enum)]
    pub expiration_strategy: Option<ExpirationStrategy>,
    /// Expiry (unix seconds; 0 = never).
    #[arg(long, allow_hyphen_values = true)]
    #[serde(default, with = "crate::dates::request")]
    pub expires_at: Option<i64>,
    /// Seconds before the expiry to raise `license.expiring-soon`.
    #[arg(long)]
    pub expiring_soon_event_offset: Option<i64>,
    /// Not usable before (unix seconds).
    #[arg(long)]
    #[serde(default, with = "crate::dates::request")]
    pub effective_date: Option<i64>,
    /// Allow activations in a VM.
    #[arg(long = "allow-vm")]
    pub allow_vm_activation: Option<bool>,
    /// Allow activations in a container.
    #[arg(long = "allow-container")]
    pub allow_container_activation: Option<bool>,
    /// Bind activations to the OS user.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub user_locked: Option<bool>,
    /// Require the license user's email and password to activate.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    pub require_authentication: Option<bool>,
    /// Assigned user id.
    #[arg(long)]
    pub user_id: Option<String>,
    /// Organization name.
    #[arg(long)]
    pub organization_name: Option<String>,
    /// Organization address (JSON only).
    #[arg(skip)]
    pub organization_address: Option<Option<OrganizationAddress>>,
    /// Linked entitlement set id.
    #[arg(long)]
    pub entitlement_set_id: Option<String>,
    /// License-level feature entitlements (JSON only).
    #[arg(skip)]
    pub feature_entitlements: Option<Vec<LicenseFeature>>,
    /// Linked product version (JSON only).
    #[arg(skip)]
    pub product_version: Option<Option<ProductVersionRec>>,
    /// Highest release version allowed.
    #[arg(long)]
    pub max_allowed_release_version: Option<String>,
    /// Maintenance expiry (unix seconds).
    #[arg(long)]
    #[serde(default, with = "crate::dates::request")]
    pub maintenance_expires_at: Option<i64>,
    /// Metadata `KEY=VALUE` (repeatable).
    #[arg(long, value_parser = crate::metadata::parse)]
    pub metadata: Option<Vec<crate::metadata::EntryRequest>>,
    /// Meter attribute `NAME=ALLOWED_USES` (repeatable; -1 = unlimited).
    #[arg(long = "meter-attribute", allow_hyphen_values = true, value_parser = parse_meter_attribute)]
    pub meter_attributes: Option<Vec<MeterAttribute>>,
    /// Notes for administrators.
    #[arg(long)]
    pub notes: Option<String>,
}

impl LicenseFields {
    /// Sets every given field on `l`.
    pub fn apply(mut self, l: &mut License) {
        if let Some(md) = self.metadata.take() {
            l.set_metadata(md);
        }
        if let Some(ma) = self.meter_attributes.take() {
            l.set_meter_attributes(ma);
        }
        overlay!(
            self,
            l,
            key,
            r#type,
            revoked,
            suspended,
            fingerprint_matching_strategy,
            allowed_activations,
            allowed_deactivations,
            total_deactivations,
            lease_duration,
            allow_client_lease_duration,
            leasing_strategy,
            server_sync_interval,
            server_sync_grace_period,
            allowed_clock_offset,
            validity,
            expiration_strategy,
            expires_at,
            expiring_soon_event_offset,
            effective_date,
            allow_vm_activation,
            allow_container_activation,
            user_locked,
            require_authentication,
            user_id,
            organization_name,
            organization_address,
            entitlement_set_id,
            feature_entitlements,
            product_version,
            max_allowed_release_version,
            maintenance_expires_at,
            notes
        );
    }

    /// `other`'s given fields over these (CLI flags over `--extra-json`).
    pub fn or(self, other: LicenseFields) -> LicenseFields {
        let mut out = self;
        macro_rules! take {
            ($($f:ident),*) => {$( if other.$f.is_some() { out.$f = other.$f; } )*};
        }
        take!(
            key,
            r#type,
            revoked,
            suspended,
            fingerprint_matching_strategy,
            allowed_activations,
            allowed_deactivations,
            total_deactivations,
            lease_duration,
            allow_client_lease_duration,
            leasing_strategy,
            server_sync_interval,
            server_sync_grace_period,
            allowed_clock_offset,
            validity,
            expiration_strategy,
            expires_at,
            expiring_soon_event_offset,
            effective_date,
            allow_vm_activation,
            allow_container_activation,
            user_locked,
            require_authentication,
            user_id,
            organization_name,
            organization_address,
            entitlement_set_id,
            feature_entitlements,
            product_version,
            max_allowed_release_version,
            maintenance_expires_at,
            metadata,
            meter_attributes,
            notes
        );
        out
    }
}

/// `POST /v3/licenses`: the product and the license's fields.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct LicenseCreate {
    /// The product the license is for.
    #[arg(long)]
    pub product_id: String,
    /// The license policy to start from (default: the product's).
    #[arg(long)]
    pub license_policy_id: Option<String>,
    /// The license's fields.
    #[serde(flatten)]
    #[command(flatten)]
    pub fields: LicenseFields,
}
