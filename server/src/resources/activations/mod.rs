//! Activations: a seat held by a device, or a floating lease.
//!
//! Client: `POST /v3/activations`, `PATCH /v3/activations/{id}`,
//! `POST /v3/activations/{id}/deactivate`, `DELETE /v3/activations/{id}`
//! (legacy, without a token), `POST /v3/activations/meter-attributes/{name}`,
//! `GET /v3/activations/{id}/feature-entitlements`.
//! Admin: `GET /v3/activations`, `GET|DELETE /v3/activations/{id}`.

pub mod claims;
mod client;
mod routes;

pub use client::*;
pub use routes::routes;

use openlex_wire::claims::{ActivationMeterAttribute, ActivationMode, Metadata};
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::params;
use crate::store::{fpdigest, Doc, Param, Table, Tx};

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
    /// Where the device last activated from.
    pub location: Location,
    /// Lease duration in force (seconds); 0 = none.
    pub lease_duration: i64,
    /// Lease expires at; 0 = no lease (the seat is held until deactivation).
    #[serde(with = "crate::dates::nullable")]
    pub lease_expires_at: i64,
    /// Per-activation expiry for the rolling strategy; 0 = use the license's.
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
    /// Activated offline.
    pub offline: bool,
    /// Initial and current mode.
    pub activation_mode: Option<ActivationMode>,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Last successful sync.
    #[serde(
        with = "crate::dates::nullable",
        skip_serializing_if = "crate::dates::unset"
    )]
    pub last_synced_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

/// Where a client activated from: the vendor's `GeoLocationDto` as far as
/// openlex-server knows it without a GeoIP database, the client address
/// (through trusted proxies) and the country a trusted proxy named
/// (`serve --country-header`); `null` when unknown (offline activations,
/// records made before these were kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Location {
    /// The client address.
    pub ip_address: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: Option<String>,
}

impl Location {
    /// The location of a request from `addr` in `country`.
    pub fn of(addr: std::net::IpAddr, country: Option<String>) -> Location {
        Location {
            ip_address: Some(addr.to_string()),
            country_code: country,
        }
    }

    /// The country as its indexed column holds it ("" = unknown).
    pub fn country_column(&self) -> &str {
        self.country_code.as_deref().unwrap_or("")
    }
}

static ACTIVATIONS: Table = Table::new(
    "activations",
    &[
        "license_id",
        "product_id",
        "fingerprint",
        "lease_expires_at",
        "fp_digest",
        "os",
        "os_version",
        "app_version",
        "vm_name",
        "country",
    ],
);

impl Doc for Activation {
    fn table() -> &'static Table {
        &ACTIVATIONS
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        let digest = fpdigest::digest(&self.fingerprint);
        f(params![
            &self.license_id,
            &self.product_id,
            &self.fingerprint,
            self.lease_expires_at,
            &digest,
            &self.os,
            &self.os_version,
            &self.app_version,
            &self.vm_name,
            self.location.country_column()
        ])
    }
}

/// The mode of an activation made now (`offline` or not), keeping the
/// initial mode of an earlier one.
pub fn mode(offline: bool, previous: Option<&ActivationMode>) -> ActivationMode {
    let m = if offline { "offline" } else { "online" };
    ActivationMode {
        initial: previous
            .map(|p| p.initial.clone())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| m.to_owned()),
        current: m.to_owned(),
    }
}

/// Storage queries of activations.
pub mod store {
    use super::*;
    use openlex_wire::fingerprint::MatchStrategy;

    /// Seats in use: activations of the license with no lease or a live one.
    pub fn count_seats(tx: &mut dyn Tx, license_id: &str, now: i64) -> ApiResult<i64> {
        tx.count(
            "SELECT COUNT(*) FROM activations WHERE license_id = ?1 AND (lease_expires_at = 0 OR lease_expires_at > ?2)",
            params![license_id, now],
        )
    }

    /// Deletes the license's activations whose lease has expired (frees seats).
    /// `> 0` (times are never negative) keeps the index range to leased
    /// rows: `<> 0` would walk every unleased activation of the license.
    pub fn delete_expired_leases(tx: &mut dyn Tx, license_id: &str, now: i64) -> ApiResult<usize> {
        tx.execute(
            "DELETE FROM activations WHERE license_id = ?1 AND lease_expires_at > 0 AND lease_expires_at <= ?2",
            params![license_id, now],
        )
    }

    /// Ids of the license's activations whose fingerprint matches
    /// `presented`, oldest first.
    pub fn matching(
        tx: &mut dyn Tx,
        license_id: &str,
        presented: &str,
        strategy: MatchStrategy,
    ) -> ApiResult<Vec<String>> {
        fpdigest::matching(
            tx,
            "SELECT created_at, rowid, fp_digest FROM activations WHERE license_id = ?1",
            "SELECT id, fingerprint FROM activations WHERE rowid = ?1",
            license_id,
            presented,
            strategy,
        )
    }
}

#[cfg(test)]
mod tests;
