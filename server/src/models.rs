//! Stored records. Each is kept as one JSON document per row (plus indexed
//! columns for lookups), so adding a policy field needs no schema migration.
//! Field names are camelCase and double as the admin API's DTO names.
//! Dates are unix seconds.

use openlex_wire::claims::{
    ActivationMeterAttribute, ActivationMode, FeatureFlag, Metadata, OrganizationAddress,
};
use serde::{Deserialize, Serialize};

/// A product, with its trial policy. The key pair lives in separate columns.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Product {
    /// Product id (GUID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Description.
    pub description: String,
    /// Product metadata (`pmd`).
    pub metadata: Vec<Metadata>,
    /// Verified-trial length in seconds; 0 = no trial policy (TRIAL_NOT_ALLOWED).
    pub trial_length: i64,
    /// Whether verified trials are allowed (with a positive `trialLength`).
    pub trial_allowed: bool,
    /// Maximum number of trial activations for the product; 0 or -1 = unlimited.
    pub trial_activation_limit: i64,
    /// Fingerprint matching strategy for trials.
    pub trial_fingerprint_matching_strategy: String,
    /// Whether trials may run in a VM.
    pub trial_allow_vm_activation: bool,
    /// Whether trials may run in a container.
    pub trial_allow_container_activation: bool,
    /// Allowed clock offset for trial tokens (seconds; -1 = off).
    pub trial_allowed_clock_offset: i64,
    /// Created at.
    pub created_at: i64,
    /// Updated at.
    pub updated_at: i64,
}

/// A license-level meter attribute with its running totals.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeterAttribute {
    /// Name (matched case-insensitively).
    pub name: String,
    /// Allowed uses over all activations; -1 = unlimited.
    pub allowed_uses: i64,
    /// Current uses over all activations.
    pub total_uses: u64,
    /// Lifetime uses, never decremented.
    pub gross_uses: u64,
}

/// A license-level feature entitlement value (overrides the set's value).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LicenseFeature {
    /// Feature name.
    pub feature_name: String,
    /// Display name (used when the feature is not in the set).
    pub feature_display_name: String,
    /// Value.
    pub value: String,
    /// Expiry (unix seconds), 0 = none.
    pub expires_at: i64,
}

/// A product version with feature flags (the vendor's deprecated API).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductVersionRec {
    /// Name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Feature flags.
    pub feature_flags: Vec<FeatureFlag>,
}

/// A license and its policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct License {
    /// License id.
    pub id: String,
    /// Product id.
    pub product_id: String,
    /// License key.
    pub key: String,
    /// `node-locked` or `hosted-floating`.
    pub r#type: String,
    /// Revoked: activation and sync fail with REVOKED_LICENSE.
    pub revoked: bool,
    /// Suspended: tokens carry `suspended: true`.
    pub suspended: bool,
    /// `exact`, `fuzzy` (default) or `loose`.
    pub fingerprint_matching_strategy: String,
    /// Seats; 0 or -1 = unlimited.
    pub allowed_activations: i64,
    /// Deactivations allowed; 0 or -1 = unlimited (ignored for floating).
    pub allowed_deactivations: i64,
    /// Deactivations used.
    pub total_deactivations: i64,
    /// Lease duration (seconds) for hosted-floating; 0 = no lease.
    pub lease_duration: i64,
    /// Whether the request's `leaseDuration` is honoured.
    pub allow_client_lease_duration: bool,
    /// `per-machine` or `per-instance`.
    pub leasing_strategy: String,
    /// `ssi` seconds; 0 = no background sync.
    pub server_sync_interval: i64,
    /// Grace after the last sync (seconds); -1 = unlimited.
    pub server_sync_grace_period: i64,
    /// `aco` seconds; -1 disables the client clock check.
    pub allowed_clock_offset: i64,
    /// Validity in seconds; 0 = lifetime.
    pub validity: i64,
    /// `immediate`, `delayed` or `rolling`.
    pub expiration_strategy: String,
    /// Expires at (unix seconds); 0 = never (or not started, for delayed).
    pub expires_at: i64,
    /// Not usable before this time (unix seconds); 0 = always.
    pub effective_date: i64,
    /// VM activations allowed.
    pub allow_vm_activation: bool,
    /// Container activations allowed.
    pub allow_container_activation: bool,
    /// Activations bound to the OS user (userHash).
    pub user_locked: bool,
    /// Activation needs the license user's email/password.
    pub require_authentication: bool,
    /// Assigned user id.
    pub user_id: String,
    /// Organization name (`on`).
    pub organization_name: String,
    /// Organization address (`oa`).
    pub organization_address: Option<OrganizationAddress>,
    /// Linked entitlement set id.
    pub entitlement_set_id: String,
    /// License-level feature entitlement overrides.
    pub feature_entitlements: Vec<LicenseFeature>,
    /// Linked product version (deprecated vendor API).
    pub product_version: Option<ProductVersionRec>,
    /// Highest release version allowed; empty = any.
    pub max_allowed_release_version: String,
    /// Maintenance expiry (unix seconds); 0 = none.
    pub maintenance_expires_at: i64,
    /// License metadata (`lmd`).
    pub metadata: Vec<Metadata>,
    /// Meter attributes (`lma`).
    pub meter_attributes: Vec<MeterAttribute>,
    /// First activation time (`laat`); 0 = never activated.
    pub activated_at: i64,
    /// Last activation or sync.
    pub last_used_at: i64,
    /// Notes for administrators.
    pub notes: String,
    /// Created at (`lcat`).
    pub created_at: i64,
    /// Updated at.
    pub updated_at: i64,
}

impl Default for License {
    fn default() -> Self {
        License {
            id: String::new(),
            product_id: String::new(),
            key: String::new(),
            r#type: "node-locked".into(),
            revoked: false,
            suspended: false,
            fingerprint_matching_strategy: "fuzzy".into(),
            allowed_activations: 1,
            allowed_deactivations: -1,
            total_deactivations: 0,
            lease_duration: 0,
            allow_client_lease_duration: false,
            leasing_strategy: "per-machine".into(),
            server_sync_interval: 3600,
            server_sync_grace_period: 2_592_000,
            allowed_clock_offset: 600,
            validity: 0,
            expiration_strategy: "immediate".into(),
            expires_at: 0,
            effective_date: 0,
            allow_vm_activation: true,
            allow_container_activation: true,
            user_locked: false,
            require_authentication: false,
            user_id: String::new(),
            organization_name: String::new(),
            organization_address: None,
            entitlement_set_id: String::new(),
            feature_entitlements: Vec::new(),
            product_version: None,
            max_allowed_release_version: String::new(),
            maintenance_expires_at: 0,
            metadata: Vec::new(),
            meter_attributes: Vec::new(),
            activated_at: 0,
            last_used_at: 0,
            notes: String::new(),
            created_at: 0,
            updated_at: 0,
        }
    }
}

/// One activation (a seat held by a device, or a floating lease).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Activation {
    /// Activation id (`aid`).
    pub id: String,
    /// License id.
    pub license_id: String,
    /// Product id.
    pub product_id: String,
    /// Fingerprint recorded at activation.
    pub fingerprint: String,
    /// OS.
    pub os: String,
    /// OS version.
    pub os_version: String,
    /// Host name.
    pub hostname: String,
    /// Hypervisor name.
    pub vm_name: String,
    /// In a container.
    pub container: bool,
    /// App version.
    pub app_version: String,
    /// Client library version.
    pub client_version: String,
    /// Release version.
    pub release_version: String,
    /// Release channel.
    pub release_channel: String,
    /// Release platform.
    pub release_platform: String,
    /// OS user hash.
    pub user_hash: String,
    /// Activation metadata (`amd`).
    pub metadata: Vec<Metadata>,
    /// Activation meter attribute uses (`ama`).
    pub meter_attributes: Vec<ActivationMeterAttribute>,
    /// Lease duration in force (seconds); 0 = none.
    pub lease_duration: i64,
    /// Lease expires at; 0 = no lease (the seat is held until deactivation).
    pub lease_expires_at: i64,
    /// Per-activation expiry for the rolling strategy; 0 = use the license's.
    pub expires_at: i64,
    /// Activated offline.
    pub offline: bool,
    /// Initial and current mode.
    pub activation_mode: Option<ActivationMode>,
    /// Created at.
    pub created_at: i64,
    /// Last successful sync.
    pub last_synced_at: i64,
    /// Updated at.
    pub updated_at: i64,
}

/// A verified-trial activation.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrialActivation {
    /// Trial id (`tid`).
    pub id: String,
    /// Product id.
    pub product_id: String,
    /// Fingerprint.
    pub fingerprint: String,
    /// OS.
    pub os: String,
    /// OS version.
    pub os_version: String,
    /// Host name.
    pub hostname: String,
    /// Hypervisor name.
    pub vm_name: String,
    /// In a container.
    pub container: bool,
    /// OS user hash.
    pub user_hash: String,
    /// Trial metadata (`amd`).
    pub metadata: Vec<Metadata>,
    /// Trial expires at.
    pub expires_at: i64,
    /// Activated offline.
    pub offline: bool,
    /// Created at.
    pub created_at: i64,
    /// Last sync.
    pub last_synced_at: i64,
    /// Updated at.
    pub updated_at: i64,
}

/// A user (license owner) who can log in from the client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    /// User id.
    pub id: String,
    /// Email (unique, compared case-insensitively).
    pub email: String,
    /// Full name (`name` claim).
    pub name: String,
    /// Company (`company` claim).
    pub company: String,
    /// User metadata (`umd`).
    pub metadata: Vec<Metadata>,
    /// PBKDF2 password hash (never returned by the API).
    pub password_hash: String,
    /// Base32 TOTP secret; empty = no two-factor (never returned).
    pub two_factor_secret: String,
    /// Consecutive failed logins.
    pub failed_logins: u32,
    /// Login locked until (unix seconds).
    pub locked_until: i64,
    /// Created at.
    pub created_at: i64,
    /// Updated at.
    pub updated_at: i64,
}

/// A feature in an entitlement set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SetFeature {
    /// Feature name.
    pub feature_name: String,
    /// Display name.
    pub feature_display_name: String,
    /// Value.
    pub value: String,
    /// Expiry (unix seconds), 0 = none.
    pub expires_at: i64,
}

/// An entitlement set: named features that licenses link to.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EntitlementSetRec {
    /// Id.
    pub id: String,
    /// Product id (informational).
    pub product_id: String,
    /// Name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Tier.
    pub tier: i64,
    /// Features and their values.
    pub features: Vec<SetFeature>,
    /// Created at.
    pub created_at: i64,
    /// Updated at.
    pub updated_at: i64,
}

/// A release: the wire `Release` plus its registry keys.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseRec {
    /// Id.
    pub id: String,
    /// Product id.
    pub product_id: String,
    /// Name.
    pub name: String,
    /// Version (`x.y[.z[.w]]`).
    pub version: String,
    /// Channel (default `stable`).
    pub channel: String,
    /// Platforms (e.g. `linux`, `windows`).
    pub platforms: Vec<String>,
    /// Notes.
    pub notes: String,
    /// Published (only published releases are offered to clients).
    pub published: bool,
    /// Private release.
    pub is_private: bool,
    /// Files.
    pub files: Vec<openlex_wire::requests::ReleaseFile>,
    /// Published at.
    pub published_at: i64,
    /// Created at.
    pub created_at: i64,
    /// Updated at.
    pub updated_at: i64,
}

/// A personal access token for the admin API (the secret is stored hashed).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdminToken {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Scopes, e.g. `license:write`, or `*`.
    pub scopes: Vec<String>,
    /// SHA-256 of the secret (never returned).
    pub token_hash: String,
    /// Expires at; 0 = never.
    pub expires_at: i64,
    /// Created at.
    pub created_at: i64,
}
