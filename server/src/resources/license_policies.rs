//! License policies: the template a product's licenses start from.
//!
//! `POST|GET /v3/license-policies`, `GET|PATCH|DELETE /v3/license-policies/{id}`
//! (the vendor's `LicensePolicyDto`). A product names one
//! (`licensePolicyId`); `POST /v3/licenses` starts from the policy its body
//! names, else its product's, and the body's own fields override it. A
//! license keeps its values when its policy changes later (as the vendor's
//! licenses copy the policy at creation).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::event_logs::Resource;
use super::licenses::{ExpirationStrategy, LeasingStrategy, License, LicenseType};
use super::load_or_404;
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::matching::MatchingStrategy;
use crate::params;
use crate::store::{Doc, Page, Param, Table, Tx};
use crate::validate;

/// A license policy: a name and the policy fields every license of a product
/// starts from (defaults: the license defaults in docs/SERVER.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LicensePolicy {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Node-locked or hosted-floating.
    pub r#type: LicenseType,
    /// How a device is recognised.
    pub fingerprint_matching_strategy: MatchingStrategy,
    /// Seats; 0 or -1 = unlimited.
    pub allowed_activations: i64,
    /// Deactivations allowed; 0 or -1 = unlimited.
    pub allowed_deactivations: i64,
    /// Lease duration (seconds) for hosted-floating.
    pub lease_duration: i64,
    /// Whether the activation's `leaseDuration` is honoured.
    pub allow_client_lease_duration: bool,
    /// Per machine or per instance.
    pub leasing_strategy: LeasingStrategy,
    /// `ssi` seconds.
    pub server_sync_interval: i64,
    /// Grace after the last sync (seconds); -1 = unlimited.
    pub server_sync_grace_period: i64,
    /// `aco` seconds.
    pub allowed_clock_offset: i64,
    /// Validity in seconds; 0 = lifetime.
    pub validity: i64,
    /// When the validity starts.
    pub expiration_strategy: ExpirationStrategy,
    /// VM activations allowed.
    pub allow_vm_activation: bool,
    /// Container activations allowed.
    pub allow_container_activation: bool,
    /// Activations bound to the OS user.
    pub user_locked: bool,
    /// Activation needs the license user's email and password.
    pub require_authentication: bool,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

impl Default for LicensePolicy {
    fn default() -> Self {
        let l = License::default();
        LicensePolicy {
            id: String::new(),
            name: String::new(),
            r#type: l.r#type,
            fingerprint_matching_strategy: l.fingerprint_matching_strategy,
            allowed_activations: l.allowed_activations,
            allowed_deactivations: l.allowed_deactivations,
            lease_duration: l.lease_duration,
            allow_client_lease_duration: l.allow_client_lease_duration,
            leasing_strategy: l.leasing_strategy,
            server_sync_interval: l.server_sync_interval,
            server_sync_grace_period: l.server_sync_grace_period,
            allowed_clock_offset: l.allowed_clock_offset,
            validity: l.validity,
            expiration_strategy: l.expiration_strategy,
            allow_vm_activation: l.allow_vm_activation,
            allow_container_activation: l.allow_container_activation,
            user_locked: l.user_locked,
            require_authentication: l.require_authentication,
            created_at: 0,
            updated_at: 0,
        }
    }
}

impl LicensePolicy {
    /// Copies the policy's fields onto a license being created.
    pub fn apply_to(&self, l: &mut License) {
        l.r#type = self.r#type;
        l.fingerprint_matching_strategy = self.fingerprint_matching_strategy;
        l.allowed_activations = self.allowed_activations;
        l.allowed_deactivations = self.allowed_deactivations;
        l.lease_duration = self.lease_duration;
        l.allow_client_lease_duration = self.allow_client_lease_duration;
        l.leasing_strategy = self.leasing_strategy;
        l.server_sync_interval = self.server_sync_interval;
        l.server_sync_grace_period = self.server_sync_grace_period;
        l.allowed_clock_offset = self.allowed_clock_offset;
        l.validity = self.validity;
        l.expiration_strategy = self.expiration_strategy;
        l.allow_vm_activation = self.allow_vm_activation;
        l.allow_container_activation = self.allow_container_activation;
        l.user_locked = self.user_locked;
        l.require_authentication = self.require_authentication;
    }
}

static LICENSE_POLICIES: Table = Table::new("license_policies", &[]);

impl Doc for LicensePolicy {
    fn table() -> &'static Table {
        &LICENSE_POLICIES
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![])
    }
}

/// `POST|PATCH /v3/license-policies[/{id}]`: the vendor's
/// `LicensePolicyRequestModel` (fields it has that openlex-server does not
/// answer, such as IP and country lists, are ignored).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LicensePolicyFields {
    /// Name.
    pub name: Option<String>,
    /// Node-locked or hosted-floating.
    pub r#type: Option<LicenseType>,
    /// Fingerprint matching strategy.
    pub fingerprint_matching_strategy: Option<MatchingStrategy>,
    /// Seats.
    pub allowed_activations: Option<i64>,
    /// Deactivations.
    pub allowed_deactivations: Option<i64>,
    /// Lease duration.
    pub lease_duration: Option<i64>,
    /// Client lease durations honoured.
    pub allow_client_lease_duration: Option<bool>,
    /// Leasing strategy.
    pub leasing_strategy: Option<LeasingStrategy>,
    /// `ssi` seconds.
    pub server_sync_interval: Option<i64>,
    /// Grace period seconds.
    pub server_sync_grace_period: Option<i64>,
    /// `aco` seconds.
    pub allowed_clock_offset: Option<i64>,
    /// Validity seconds.
    pub validity: Option<i64>,
    /// Expiration strategy.
    pub expiration_strategy: Option<ExpirationStrategy>,
    /// VM activations allowed.
    pub allow_vm_activation: Option<bool>,
    /// Container activations allowed.
    pub allow_container_activation: Option<bool>,
    /// Bound to the OS user.
    pub user_locked: Option<bool>,
    /// Requires the user's credentials.
    pub require_authentication: Option<bool>,
}

impl LicensePolicyFields {
    /// Sets every given field on `p`.
    pub fn apply(self, p: &mut LicensePolicy) {
        overlay!(
            self,
            p,
            name,
            r#type,
            fingerprint_matching_strategy,
            allowed_activations,
            allowed_deactivations,
            lease_duration,
            allow_client_lease_duration,
            leasing_strategy,
            server_sync_interval,
            server_sync_grace_period,
            allowed_clock_offset,
            validity,
            expiration_strategy,
            allow_vm_activation,
            allow_container_activation,
            user_locked,
            require_authentication
        );
    }
}

fn validate(p: &LicensePolicy) -> ApiResult<()> {
    validate::len_in("name", &p.name, 1, 256)?;
    validate::at_least("validity", p.validity, 0)?;
    validate::at_least("leaseDuration", p.lease_duration, 0)
}

/// Storage queries of license policies.
pub mod store {
    use super::*;

    /// The policy `id`, or 400 naming the field that referenced it.
    pub fn referenced(tx: &mut dyn Tx, id: &str, field: &str) -> ApiResult<LicensePolicy> {
        tx.load::<LicensePolicy>(id)?.ok_or_else(|| {
            ApiError::validation(format!("{field} must name an existing license policy"))
        })
    }
}

/// Creates a policy.
pub fn create(app: &App, req: LicensePolicyFields) -> ApiResult<LicensePolicy> {
    let now = app.now();
    let mut p = LicensePolicy::default();
    req.apply(&mut p);
    p.id = crate::ids::uuid();
    p.created_at = now;
    p.updated_at = now;
    validate(&p)?;
    app.store.write(|tx| {
        tx.save(&p)?;
        super::event_logs::created(tx, Resource::LicensePolicy, &p.id, now, &p)?;
        Ok(p.clone())
    })
}

/// Changes the given fields (licenses made from it keep their values).
pub fn update(app: &App, id: &str, fields: LicensePolicyFields) -> ApiResult<LicensePolicy> {
    app.store.write(|tx| {
        let mut p: LicensePolicy = load_or_404(tx, id, "license policy")?;
        let before = p.clone();
        fields.clone().apply(&mut p);
        p.updated_at = app.now();
        validate(&p)?;
        tx.save(&p)?;
        super::event_logs::changed(
            tx,
            Resource::LicensePolicy,
            id,
            "updated",
            p.updated_at,
            &before,
            &p,
        )?;
        Ok(p)
    })
}

/// Deletes a policy no product references (409 CONFLICT otherwise).
pub fn delete(app: &App, id: &str) -> ApiResult<()> {
    app.store.write(|tx| {
        let before: LicensePolicy = load_or_404(tx, id, "license policy")?;
        if let Some(p) = super::products::store::using_license_policy(tx, id)? {
            return Err(ApiError::new(
                openlex_wire::ErrorCode::Conflict,
                format!("product {p} uses this license policy"),
            ));
        }
        tx.delete::<LicensePolicy>(id)?;
        super::event_logs::deleted(tx, Resource::LicensePolicy, id, app.now(), &before)
    })
}

/// Filters of `GET /v3/license-policies` (none beyond the page).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LicensePolicyFilter {
    /// The query's keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// One page of policies.
pub fn list(
    app: &App,
    f: &LicensePolicyFilter,
    page: Page,
) -> ApiResult<(Vec<LicensePolicy>, i64)> {
    super::reject_unsupported_filters(&f.rest, &["query"])?;
    super::list_docs::<LicensePolicy>(app, &[], page)
}

/// License policy routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/license-policies", get(list_route).post(create_route))
        .route(
            "/v3/license-policies/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
}

async fn create_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<LicensePolicyFields>,
) -> ApiResult<Response> {
    created(&st.app.run(move |app| create(app, req)).await?)
}

async fn list_route(
    _: Admin<scope::ProductRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<LicensePolicyFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, &f, page)).await?)
}

async fn get_route(
    _: Admin<scope::ProductRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let p: LicensePolicy = st
        .app
        .run(move |app| super::get_doc(app, &id, "license policy"))
        .await?;
    ok(&p)
}

async fn update_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(f): ApiJson<LicensePolicyFields>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| update(app, &id, f)).await?)
}

async fn delete_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app.run(move |app| delete(app, &id)).await?;
    no_content()
}
