//! Licenses and their policy.
//!
//! `POST|GET /v3/licenses`, `GET|PATCH|DELETE /v3/licenses/{id}`,
//! `POST /v3/licenses/{id}/renew`, `POST|PATCH /v3/licenses/{id}/expires-at`,
//! `GET /v3/licenses/lookup` (client), `GET /v3/licenses/export` (CSV),
//! `DELETE /v3/licenses/metadata/{id}`,
//! `DELETE /v3/licenses/meter-attributes/{id}`,
//! `POST /v3/licenses/meter-attributes/{id}/reset`.

pub mod entries;
mod export;
mod fields;
mod ops;

pub use entries::LicenseMetadata;
pub use fields::{LicenseCreate, LicenseFields};
pub use ops::*;

use openlex_wire::claims::{Metadata, OrganizationAddress};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::matching::MatchingStrategy;
use crate::params;
use crate::store::{Doc, Param, Table, Tx};

/// What kind of seat a license gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum LicenseType {
    /// One device per seat, held until deactivated.
    #[default]
    NodeLocked,
    /// Seats leased for a while and renewed by sync.
    HostedFloating,
}

impl LicenseType {
    /// Its name in claims (`type`).
    pub fn as_str(self) -> &'static str {
        match self {
            LicenseType::NodeLocked => "node-locked",
            LicenseType::HostedFloating => "hosted-floating",
        }
    }
}

/// Who a hosted-floating lease belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum LeasingStrategy {
    /// One lease per device (re-activating reuses it).
    #[default]
    PerMachine,
    /// One lease per running instance.
    PerInstance,
}

impl LeasingStrategy {
    /// Its name in claims (`ls`).
    pub fn as_str(self) -> &'static str {
        match self {
            LeasingStrategy::PerMachine => "per-machine",
            LeasingStrategy::PerInstance => "per-instance",
        }
    }
}

/// When a license's validity starts counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ExpirationStrategy {
    /// At creation.
    #[default]
    Immediate,
    /// At the first activation.
    Delayed,
    /// Per activation, each from its own creation.
    Rolling,
}

/// A license-level meter attribute with its running totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeterAttribute {
    /// Entry id (`/v3/licenses/meter-attributes/{id}`), see [`entries`];
    /// a request's own id is replaced.
    pub id: String,
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LicenseFeature {
    /// Feature name.
    pub feature_name: String,
    /// Display name (used when the feature is not in the set).
    pub feature_display_name: String,
    /// Value.
    pub value: String,
    /// Expiry (unix seconds), 0 = none.
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
}

/// A product version with feature flags (the vendor's deprecated API).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProductVersionRec {
    /// Name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Feature flags.
    pub feature_flags: Vec<openlex_wire::claims::FeatureFlag>,
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
    /// Node-locked or hosted-floating.
    pub r#type: LicenseType,
    /// Revoked: activation and sync fail with REVOKED_LICENSE.
    pub revoked: bool,
    /// Suspended: tokens carry `suspended: true`.
    pub suspended: bool,
    /// How a device is recognised.
    pub fingerprint_matching_strategy: MatchingStrategy,
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
    /// Per machine or per instance.
    pub leasing_strategy: LeasingStrategy,
    /// `ssi` seconds; 0 = no background sync.
    pub server_sync_interval: i64,
    /// Grace after the last sync (seconds); -1 = unlimited.
    pub server_sync_grace_period: i64,
    /// `aco` seconds; -1 disables the client clock check.
    pub allowed_clock_offset: i64,
    /// Validity in seconds; 0 = lifetime.
    pub validity: i64,
    /// When the validity starts.
    pub expiration_strategy: ExpirationStrategy,
    /// Expires at (unix seconds); 0 = never (or not started, for delayed).
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
    /// Seconds before `expiresAt` at which the `license.expiring-soon`
    /// webhook event is raised; 0 = never.
    pub expiring_soon_event_offset: i64,
    /// Not usable before this time (unix seconds); 0 = always.
    #[serde(with = "crate::dates::nullable")]
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
    #[serde(with = "crate::dates::nullable")]
    pub maintenance_expires_at: i64,
    /// License metadata (`lmd`), each entry with its id.
    pub metadata: Vec<LicenseMetadata>,
    /// Meter attributes (`lma`).
    pub meter_attributes: Vec<MeterAttribute>,
    /// First activation time (`laat`); 0 = never activated.
    #[serde(with = "crate::dates::nullable")]
    pub activated_at: i64,
    /// Last activation or sync.
    #[serde(with = "crate::dates::nullable")]
    pub last_used_at: i64,
    /// Notes for administrators.
    pub notes: String,
    /// Created at (`lcat`).
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

impl Default for License {
    fn default() -> Self {
        License {
            id: String::new(),
            product_id: String::new(),
            key: String::new(),
            r#type: LicenseType::NodeLocked,
            revoked: false,
            suspended: false,
            fingerprint_matching_strategy: MatchingStrategy::Fuzzy,
            allowed_activations: 1,
            allowed_deactivations: -1,
            total_deactivations: 0,
            lease_duration: 0,
            allow_client_lease_duration: false,
            leasing_strategy: LeasingStrategy::PerMachine,
            server_sync_interval: 3600,
            server_sync_grace_period: 2_592_000,
            allowed_clock_offset: 600,
            validity: 0,
            expiration_strategy: ExpirationStrategy::Immediate,
            expires_at: 0,
            expiring_soon_event_offset: 0,
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

impl License {
    /// When `license.expiring-soon` is due (unix seconds); 0 = never.
    pub fn expiring_soon_at(&self) -> i64 {
        if self.expires_at > 0 && self.expiring_soon_event_offset > 0 {
            self.expires_at
                .saturating_sub(self.expiring_soon_event_offset)
                .max(1)
        } else {
            0
        }
    }

    /// Whether seats are hosted-floating leases.
    pub fn is_floating(&self) -> bool {
        self.r#type == LicenseType::HostedFloating
    }

    /// The visible metadata as claims carry it (`lmd`, no ids).
    pub fn wire_metadata(&self) -> Vec<Metadata> {
        self.metadata
            .iter()
            .filter(|m| m.visible)
            .map(|m| Metadata {
                key: m.key.clone(),
                value: m.value.clone(),
            })
            .collect()
    }
}

static LICENSES: Table = Table::new(
    "licenses",
    &[
        "product_id",
        "key",
        "user_id",
        "expires_at",
        "expiring_soon_at",
        "revoked",
        "suspended",
    ],
);

impl Doc for License {
    fn table() -> &'static Table {
        &LICENSES
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        // `expires_at` and `expiring_soon_at` (indexed) let the webhook
        // scheduler find the licenses whose expiry events are due;
        // `revoked` and `suspended` let the license stats count rows.
        f(params![
            &self.product_id,
            &self.key,
            &self.user_id,
            self.expires_at,
            self.expiring_soon_at(),
            self.revoked as i64,
            self.suspended as i64
        ])
    }
}

/// Storage queries of licenses.
pub mod store {
    use super::*;

    /// The license with `key`, if any.
    pub fn by_key(tx: &mut dyn Tx, key: &str) -> ApiResult<Option<License>> {
        tx.doc(
            "SELECT data FROM licenses WHERE key = ?1 ORDER BY created_at, rowid LIMIT 1 FOR UPDATE",
            params![key],
        )
    }

    /// The licenses assigned to a user, oldest first.
    pub fn of_user(tx: &mut dyn Tx, user_id: &str) -> ApiResult<Vec<License>> {
        tx.find_all::<License>(&[("user_id", user_id.to_owned())])
    }

    /// How many licenses match a list's `filter` (equality on `key`,
    /// `product_id`, `user_id`). All licenses, or those of one product,
    /// are read from `license_counts`, which triggers keep in step with
    /// every insert, delete and product change of a license in the same
    /// transaction (migrations: SQLite 10, PostgreSQL 10): exact, without
    /// stepping through the 100,000 index entries of a product (5 ms at
    /// scale). Other filters select few licenses and are counted.
    pub fn count(tx: &mut dyn Tx, filter: &[(&'static str, String)]) -> ApiResult<i64> {
        match filter {
            [] => tx.count(
                "SELECT CAST(COALESCE(SUM(licenses), 0) AS BIGINT) FROM license_counts",
                &[],
            ),
            [("product_id", p)] => tx.count(
                "SELECT licenses FROM license_counts WHERE product_id = ?1",
                params![p],
            ),
            _ => tx.count_matching::<License>(filter),
        }
    }
}
