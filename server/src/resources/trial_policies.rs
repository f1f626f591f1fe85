//! Trial policies: the verified-trial rules a product's trials follow.
//!
//! `POST|GET /v3/trial-policies`, `GET|PATCH|DELETE /v3/trial-policies/{id}`
//! (the vendor's `TrialPolicyDto`). A product names one (`trialPolicyId`);
//! while it does, the policy's `trialLength`, `fingerprintMatchingStrategy`,
//! `allowVmActivation` and `allowContainerActivation` replace the product's
//! inline trial fields at every trial activation and sync, so a policy
//! change applies to the product's trials at once.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use super::event_logs::Resource;
use super::load_or_404;
use super::products::Product;
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::matching::MatchingStrategy;
use crate::params;
use crate::store::{Doc, Page, Param, Table, Tx};
use crate::validate;

/// A trial policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrialPolicy {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Trial length in seconds (> 0).
    pub trial_length: i64,
    /// How a device is recognised.
    pub fingerprint_matching_strategy: MatchingStrategy,
    /// Trials allowed in a VM.
    pub allow_vm_activation: bool,
    /// Trials allowed in a container.
    pub allow_container_activation: bool,
    /// The vendor's `userLocked` (kept and answered; trials are not bound
    /// to the OS user by openlex-server).
    pub user_locked: bool,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

impl Default for TrialPolicy {
    fn default() -> Self {
        let p = Product::default();
        TrialPolicy {
            id: String::new(),
            name: String::new(),
            trial_length: 0,
            fingerprint_matching_strategy: p.trial_fingerprint_matching_strategy,
            allow_vm_activation: p.trial_allow_vm_activation,
            allow_container_activation: p.trial_allow_container_activation,
            user_locked: false,
            created_at: 0,
            updated_at: 0,
        }
    }
}

static TRIAL_POLICIES: Table = Table::new("trial_policies", &[]);

impl Doc for TrialPolicy {
    fn table() -> &'static Table {
        &TRIAL_POLICIES
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

/// `POST|PATCH /v3/trial-policies[/{id}]`: the vendor's
/// `TrialPolicyRequestModel` (IP and country lists are ignored).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrialPolicyFields {
    /// Name.
    pub name: Option<String>,
    /// Trial length in seconds.
    pub trial_length: Option<i64>,
    /// Fingerprint matching strategy.
    pub fingerprint_matching_strategy: Option<MatchingStrategy>,
    /// Trials allowed in a VM.
    pub allow_vm_activation: Option<bool>,
    /// Trials allowed in a container.
    pub allow_container_activation: Option<bool>,
    /// The vendor's `userLocked`.
    pub user_locked: Option<bool>,
}

impl TrialPolicyFields {
    /// Sets every given field on `p`.
    pub fn apply(self, p: &mut TrialPolicy) {
        overlay!(
            self,
            p,
            name,
            trial_length,
            fingerprint_matching_strategy,
            allow_vm_activation,
            allow_container_activation,
            user_locked
        );
    }
}

fn validate(p: &TrialPolicy) -> ApiResult<()> {
    validate::len_in("name", &p.name, 1, 256)?;
    validate::at_least("trialLength", p.trial_length, 1)
}

/// Storage queries of trial policies.
pub mod store {
    use super::*;

    /// The policy `id`, or 400 naming the field that referenced it.
    pub fn referenced(tx: &mut dyn Tx, id: &str, field: &str) -> ApiResult<TrialPolicy> {
        tx.load::<TrialPolicy>(id)?.ok_or_else(|| {
            ApiError::validation(format!("{field} must name an existing trial policy"))
        })
    }
}

/// The product with its trial policy's fields in place of its inline trial
/// fields (unchanged when it names none, or the policy is gone).
pub fn effective(tx: &mut dyn Tx, mut product: Product) -> ApiResult<Product> {
    if product.trial_policy_id.is_empty() {
        return Ok(product);
    }
    if let Some(p) = tx.load::<TrialPolicy>(&product.trial_policy_id)? {
        product.trial_length = p.trial_length;
        product.trial_fingerprint_matching_strategy = p.fingerprint_matching_strategy;
        product.trial_allow_vm_activation = p.allow_vm_activation;
        product.trial_allow_container_activation = p.allow_container_activation;
    }
    Ok(product)
}

/// Creates a policy.
pub fn create(app: &App, req: TrialPolicyFields) -> ApiResult<TrialPolicy> {
    let now = app.now();
    let mut p = TrialPolicy::default();
    req.apply(&mut p);
    p.id = crate::ids::uuid();
    p.created_at = now;
    p.updated_at = now;
    validate(&p)?;
    app.store.write(|tx| {
        tx.save(&p)?;
        super::event_logs::created(tx, Resource::TrialPolicy, &p.id, now, &p)?;
        Ok(p.clone())
    })
}

/// Changes the given fields (the products using it follow at once).
pub fn update(app: &App, id: &str, fields: TrialPolicyFields) -> ApiResult<TrialPolicy> {
    app.store.write(|tx| {
        let mut p: TrialPolicy = load_or_404(tx, id, "trial policy")?;
        let before = p.clone();
        fields.clone().apply(&mut p);
        p.updated_at = app.now();
        validate(&p)?;
        tx.save(&p)?;
        super::event_logs::changed(
            tx,
            Resource::TrialPolicy,
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
        let before: TrialPolicy = load_or_404(tx, id, "trial policy")?;
        let user = tx
            .find_all::<Product>(&[])?
            .into_iter()
            .find(|p| p.trial_policy_id == id);
        if let Some(p) = user {
            return Err(ApiError::new(
                openlex_wire::ErrorCode::Conflict,
                format!("product {} uses this trial policy", p.id),
            ));
        }
        tx.delete::<TrialPolicy>(id)?;
        super::event_logs::deleted(tx, Resource::TrialPolicy, id, app.now(), &before)
    })
}

/// Filters of `GET /v3/trial-policies` (none beyond the page).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrialPolicyFilter {
    /// The query's keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// One page of policies.
pub fn list(app: &App, f: &TrialPolicyFilter, page: Page) -> ApiResult<(Vec<TrialPolicy>, i64)> {
    super::reject_unsupported_filters(&f.rest, &["query"])?;
    super::list_docs::<TrialPolicy>(app, &[], page)
}

/// Trial policy routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/trial-policies", get(list_route).post(create_route))
        .route(
            "/v3/trial-policies/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
}

async fn create_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<TrialPolicyFields>,
) -> ApiResult<Response> {
    created(&st.app.run(move |app| create(app, req)).await?)
}

async fn list_route(
    _: Admin<scope::ProductRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<TrialPolicyFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, &f, page)).await?)
}

async fn get_route(
    _: Admin<scope::ProductRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let p: TrialPolicy = st
        .app
        .run(move |app| super::get_doc(app, &id, "trial policy"))
        .await?;
    ok(&p)
}

async fn update_route(
    _: Admin<scope::ProductWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(f): ApiJson<TrialPolicyFields>,
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
