//! Entitlement sets: named features that licenses link to.
//!
//! `POST|GET /v3/entitlement-sets`, `GET|PATCH|DELETE /v3/entitlement-sets/{id}`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::event_logs::Resource;
use super::{filters, load_or_404};
use crate::app::App;
use crate::auth::scope;
use crate::error::ApiResult;
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::params;
use crate::store::{Doc, Param, Table};
use crate::validate;

/// A feature in an entitlement set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SetFeature {
    /// Feature name.
    pub feature_name: String,
    /// Display name.
    pub feature_display_name: String,
    /// Value.
    pub value: String,
    /// Expiry (unix seconds), 0 = none.
    #[serde(with = "crate::dates::nullable")]
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
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

static SETS: Table = Table::new("entitlement_sets", &["product_id"]);

impl Doc for EntitlementSetRec {
    fn table() -> &'static Table {
        &SETS
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![&self.product_id])
    }
}

/// The settable fields of an entitlement set.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SetFields {
    /// Product id.
    pub product_id: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Display name (default: the name).
    pub display_name: Option<String>,
    /// Tier.
    pub tier: Option<i64>,
    /// Features.
    pub features: Option<Vec<SetFeature>>,
}

impl SetFields {
    /// Sets every given field on `s`.
    pub fn apply(self, s: &mut EntitlementSetRec) {
        overlay!(self, s, product_id, name, display_name, tier, features);
    }
}

fn validate(s: &EntitlementSetRec) -> ApiResult<()> {
    validate::len_in("name", &s.name, 1, 256)?;
    for f in &s.features {
        validate::len_in("featureName", &f.feature_name, 1, 256)?;
    }
    Ok(())
}

/// Creates a set.
pub fn create(app: &App, fields: SetFields) -> ApiResult<EntitlementSetRec> {
    let now = app.now();
    let mut s = EntitlementSetRec::default();
    fields.apply(&mut s);
    if s.display_name.is_empty() {
        s.display_name = s.name.clone();
    }
    s.id = crate::ids::uuid();
    s.created_at = now;
    s.updated_at = now;
    validate(&s)?;
    app.store.write(|tx| {
        tx.save(&s)?;
        super::event_logs::created(tx, Resource::EntitlementSet, &s.id, now, &s)
    })?;
    Ok(s)
}

/// Changes the given fields.
pub fn update(app: &App, id: &str, fields: SetFields) -> ApiResult<EntitlementSetRec> {
    let now = app.now();
    app.store.write(|tx| {
        let mut s: EntitlementSetRec = load_or_404(tx, id, "entitlement set")?;
        let before = s.clone();
        fields.clone().apply(&mut s);
        validate::len_in("name", &s.name, 1, 256)?;
        s.updated_at = now;
        tx.save(&s)?;
        super::event_logs::changed(
            tx,
            Resource::EntitlementSet,
            id,
            "updated",
            now,
            &before,
            &s,
        )?;
        Ok(s)
    })
}

/// Filters of `GET /v3/entitlement-sets`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SetFilter {
    /// By product.
    #[serde(alias = "productId[eq]")]
    pub product_id: Option<String>,
}

/// Entitlement set routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/entitlement-sets", get(list_route).post(create_route))
        .route(
            "/v3/entitlement-sets/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
}

async fn create_route(
    _: Admin<scope::EntitlementWrite>,
    State(st): State<AppState>,
    ApiJson(f): ApiJson<SetFields>,
) -> ApiResult<Response> {
    created(&st.app.run(move |app| create(app, f)).await?)
}

async fn list_route(
    _: Admin<scope::EntitlementRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<SetFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    let filter = filters(&[("product_id", &f.product_id)]);
    list_response(
        st.app
            .run(move |app| super::list_docs::<EntitlementSetRec>(app, &filter, page))
            .await?,
    )
}

async fn get_route(
    _: Admin<scope::EntitlementRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let s: EntitlementSetRec = st
        .app
        .run(move |app| super::get_doc(app, &id, "entitlement set"))
        .await?;
    ok(&s)
}

async fn update_route(
    _: Admin<scope::EntitlementWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(f): ApiJson<SetFields>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| update(app, &id, f)).await?)
}

async fn delete_route(
    _: Admin<scope::EntitlementWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| {
            super::delete_doc(
                app,
                &id,
                "entitlement set",
                super::event_logs::Resource::EntitlementSet,
                EntitlementSetRec::clone,
            )
        })
        .await?;
    no_content()
}
