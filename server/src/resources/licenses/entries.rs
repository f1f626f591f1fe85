//! A license's metadata entries and meter attributes as their own
//! resources, the vendor's `DELETE /v3/licenses/metadata/{id}`,
//! `DELETE /v3/licenses/meter-attributes/{id}` and
//! `POST /v3/licenses/meter-attributes/{id}/reset`.
//!
//! Entries live inside their license's document. An entry id is
//! `{licenseId}.{16 hex}`: the license it belongs to is read from the id,
//! so finding an entry is one lookup by primary key and needs no table of
//! its own.

use crate::metadata::EntryRequest;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, post};
use axum::Router;
use serde::{Deserialize, Serialize};

use super::ops::{change, LicenseView};
use super::{License, MeterAttribute};
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::Admin;
use crate::http::{no_content, ok, AppState};
use crate::resources::activations::Activation;
use crate::store::Tx;

/// A license metadata entry (the vendor's `MetadataDto`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LicenseMetadata {
    /// Entry id (`{licenseId}.{16 hex}`).
    pub id: String,
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// Sent to the client library (`lmd`); see [`crate::metadata`].
    pub visible: bool,
}

impl Default for LicenseMetadata {
    fn default() -> Self {
        LicenseMetadata {
            id: String::new(),
            key: String::new(),
            value: String::new(),
            visible: true,
        }
    }
}

/// A new entry id for license `license_id`.
fn new_entry_id(license_id: &str) -> String {
    let mut hex = String::with_capacity(16);
    for b in crate::ids::random::<8>() {
        hex.push_str(&format!("{b:02x}"));
    }
    format!("{license_id}.{hex}")
}

/// The license an entry id belongs to (404 for an id of another form).
fn license_of(entry_id: &str, what: &str) -> ApiResult<String> {
    match entry_id.rsplit_once('.') {
        Some((license, suffix)) if !license.is_empty() && suffix.len() == 16 => {
            Ok(license.to_owned())
        }
        _ => Err(ApiError::not_found(what)),
    }
}

impl License {
    /// Replaces the metadata; an entry keeps its id (and, unless the
    /// request sets it, its `visible`) while its key stays.
    pub fn set_metadata(&mut self, md: Vec<EntryRequest>) {
        let old = std::mem::take(&mut self.metadata);
        self.metadata = md
            .into_iter()
            .map(|m| {
                let before = old.iter().find(|o| o.key == m.key);
                LicenseMetadata {
                    id: before.map(|o| o.id.clone()).unwrap_or_default(),
                    visible: m
                        .visible
                        .or_else(|| before.map(|o| o.visible))
                        .unwrap_or(true),
                    key: m.key,
                    value: m.value,
                }
            })
            .collect();
    }

    /// Replaces the meter attributes; an attribute keeps its id while its
    /// name stays (a request's own ids are not taken).
    pub fn set_meter_attributes(&mut self, ma: Vec<MeterAttribute>) {
        let old = std::mem::take(&mut self.meter_attributes);
        self.meter_attributes = ma
            .into_iter()
            .map(|mut m| {
                m.id = old
                    .iter()
                    .find(|o| o.name.eq_ignore_ascii_case(&m.name))
                    .map(|o| o.id.clone())
                    .unwrap_or_default();
                m
            })
            .collect();
    }

    /// Gives every entry without an id (new ones, and those of records
    /// written before entries had ids) its id; call before saving.
    pub fn assign_entry_ids(&mut self) {
        for m in self.metadata.iter_mut().filter(|m| m.id.is_empty()) {
            m.id = new_entry_id(&self.id);
        }
        for m in self.meter_attributes.iter_mut().filter(|m| m.id.is_empty()) {
            m.id = new_entry_id(&self.id);
        }
    }
}

/// The id of the license holding entry `entry_id` if it exists, or 404
/// naming `what`.
fn owner(tx: &mut dyn Tx, entry_id: &str, what: &str) -> ApiResult<String> {
    let license_id = license_of(entry_id, what)?;
    match tx.load::<License>(&license_id)? {
        Some(_) => Ok(license_id),
        None => Err(ApiError::not_found(what)),
    }
}

/// Deletes one metadata entry of a license (an `updated` event).
pub fn delete_metadata(app: &App, entry_id: &str) -> ApiResult<()> {
    let now = app.now();
    app.store.write(|tx| {
        let id = owner(tx, entry_id, "license metadata")?;
        change(tx, &id, "updated", now, |_, l| {
            let before = l.metadata.len();
            l.metadata.retain(|m| m.id != entry_id);
            if l.metadata.len() == before {
                return Err(ApiError::not_found("license metadata"));
            }
            Ok(())
        })?;
        Ok(())
    })
}

/// Sets `name`'s per-activation uses to zero (`None`: removes them) on
/// every activation of license `license_id`.
fn clear_activation_uses(
    tx: &mut dyn Tx,
    license_id: &str,
    name: &str,
    remove: bool,
) -> ApiResult<()> {
    for mut a in tx.find_all::<Activation>(&[("license_id", license_id.to_owned())])? {
        let before = a.meter_attributes.clone();
        if remove {
            a.meter_attributes
                .retain(|m| !m.name.eq_ignore_ascii_case(name));
        } else {
            for m in a
                .meter_attributes
                .iter_mut()
                .filter(|m| m.name.eq_ignore_ascii_case(name))
            {
                m.uses = 0;
            }
        }
        if a.meter_attributes != before {
            tx.save(&a)?;
        }
    }
    Ok(())
}

/// The index of meter attribute `entry_id` in `l`, or 404.
fn meter_index(l: &License, entry_id: &str) -> ApiResult<usize> {
    l.meter_attributes
        .iter()
        .position(|m| m.id == entry_id)
        .ok_or_else(|| ApiError::not_found("license meter attribute"))
}

/// Deletes one meter attribute of a license, with its uses on the
/// license's activations (an `updated` event).
pub fn delete_meter_attribute(app: &App, entry_id: &str) -> ApiResult<()> {
    let now = app.now();
    app.store.write(|tx| {
        let id = owner(tx, entry_id, "license meter attribute")?;
        change(tx, &id, "updated", now, |tx, l| {
            let i = meter_index(l, entry_id)?;
            let gone = l.meter_attributes.remove(i);
            clear_activation_uses(tx, &l.id, &gone.name, true)
        })?;
        Ok(())
    })
}

/// Resets a meter attribute's total uses (and each activation's uses) to
/// zero; gross uses, which count every use ever, stay (an `updated` event).
pub fn reset_meter_attribute(app: &App, entry_id: &str) -> ApiResult<LicenseView> {
    let now = app.now();
    app.store.write(|tx| {
        let id = owner(tx, entry_id, "license meter attribute")?;
        change(tx, &id, "updated", now, |tx, l| {
            let i = meter_index(l, entry_id)?;
            l.meter_attributes[i].total_uses = 0;
            let name = l.meter_attributes[i].name.clone();
            clear_activation_uses(tx, &l.id, &name, false)
        })
    })
}

/// The routes of license entries.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/licenses/metadata/{id}", delete(delete_metadata_route))
        .route(
            "/v3/licenses/meter-attributes/{id}",
            delete(delete_meter_route),
        )
        .route(
            "/v3/licenses/meter-attributes/{id}/reset",
            post(reset_meter_route),
        )
}

async fn delete_metadata_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app.run(move |app| delete_metadata(app, &id)).await?;
    no_content()
}

async fn delete_meter_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| delete_meter_attribute(app, &id))
        .await?;
    no_content()
}

async fn reset_meter_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st
        .app
        .run(move |app| reset_meter_attribute(app, &id))
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_name_their_license_and_survive_replacement() {
        let mut l = License {
            id: "L1".into(),
            ..Default::default()
        };
        l.set_metadata(vec![EntryRequest {
            key: "plan".into(),
            value: "pro".into(),
            visible: Some(false),
        }]);
        l.assign_entry_ids();
        let id = l.metadata[0].id.clone();
        assert_eq!(license_of(&id, "x").unwrap(), "L1");
        l.set_metadata(vec![
            EntryRequest {
                key: "plan".into(),
                value: "team".into(),
                visible: None,
            },
            EntryRequest {
                key: "seats".into(),
                value: "5".into(),
                visible: None,
            },
        ]);
        l.assign_entry_ids();
        assert_eq!(l.metadata[0].id, id);
        // The flag stays with its key; a new key is visible.
        assert_eq!(
            (l.metadata[0].visible, l.metadata[1].visible),
            (false, true)
        );
        assert_eq!(l.wire_metadata().len(), 1);
        assert_ne!(l.metadata[1].id, id);
        assert!(license_of("no-dot", "x").is_err());
        assert!(license_of("L1.short", "x").is_err());
    }
}
