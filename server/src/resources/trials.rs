//! Verified trials, one per device and product.
//!
//! Client: `POST /v3/trial-activations`, `PATCH /v3/trial-activations/{id}`.
//! Admin: `GET /v3/trial-activations`, `GET|DELETE
//! /v3/trial-activations/{id}`, `POST|PATCH .../{id}/expires-at`,
//! `GET /v3/trial-activations/export` (CSV).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::claims::{Metadata, TrialClaims};
use openlex_wire::requests::{TrialActivationRequest, TrialActivationResponse};
use openlex_wire::ErrorCode;
use serde::{Deserialize, Serialize};

use super::activations::{invalid_product, mode, not_found, Location, OfflineOpts};
use super::event_logs::{self, Resource};
use super::licenses::ExpiresAt;
use super::products::Product;
use super::{filters, load_or_404};
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::forwarded::{ClientAddr, ClientCountry};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::params;
use crate::policy;
use crate::store::{fpdigest, Doc, Page, Param, Table, Tx};

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
    /// Where the device last activated the trial from.
    pub location: Location,
    /// Trial expires at.
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
    /// Activated offline.
    pub offline: bool,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Last sync.
    #[serde(
        with = "crate::dates::nullable",
        skip_serializing_if = "crate::dates::unset"
    )]
    pub last_synced_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

static TRIALS: Table = Table::new(
    "trial_activations",
    &[
        "product_id",
        "fingerprint",
        "fp_digest",
        "os",
        "os_version",
        "vm_name",
        "country",
    ],
);

impl Doc for TrialActivation {
    fn table() -> &'static Table {
        &TRIALS
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
            &self.product_id,
            &self.fingerprint,
            &digest,
            &self.os,
            &self.os_version,
            &self.vm_name,
            self.location.country_column()
        ])
    }
}

/// Storage queries of trials.
pub mod store {
    use super::*;
    use openlex_wire::fingerprint::MatchStrategy;

    /// Ids of the product's trials whose fingerprint matches, oldest first.
    pub fn matching(
        tx: &mut dyn Tx,
        product_id: &str,
        presented: &str,
        strategy: MatchStrategy,
    ) -> ApiResult<Vec<String>> {
        fpdigest::matching(
            tx,
            "SELECT created_at, rowid, fp_digest FROM trial_activations WHERE product_id = ?1",
            "SELECT id, fingerprint FROM trial_activations WHERE rowid = ?1",
            product_id,
            presented,
            strategy,
        )
    }

    /// Trials of a product.
    pub fn count(tx: &mut dyn Tx, product_id: &str) -> ApiResult<i64> {
        tx.count(
            "SELECT COUNT(*) FROM trial_activations WHERE product_id = ?1",
            params![product_id],
        )
    }
}

fn claims_of(product: &Product, t: &TrialActivation, now: i64) -> TrialClaims {
    TrialClaims {
        tid: t.id.clone(),
        pid: product.id.clone(),
        fp: t.fingerprint.clone(),
        fms: product
            .trial_fingerprint_matching_strategy
            .as_str()
            .to_owned(),
        iat: now,
        eat: t.expires_at,
        aco: product.trial_allowed_clock_offset,
        pmd: crate::metadata::visible(&product.metadata),
        amd: t.metadata.clone(),
        orv: 0,
        activation_mode: Some(mode(t.offline, None)),
    }
}

fn check_policy(product: &Product, req: &TrialActivationRequest) -> ApiResult<()> {
    if product.trial_length <= 0 || !product.trial_allowed {
        return Err(ApiError::new(
            ErrorCode::TrialNotAllowed,
            "the product has no trial policy",
        ));
    }
    if !product.trial_allow_vm_activation && !req.vm_name.is_empty() {
        return Err(ApiError::new(
            ErrorCode::VmActivationNotAllowed,
            "trial activation in a virtual machine is not allowed",
        ));
    }
    if !product.trial_allow_container_activation && req.container {
        return Err(ApiError::new(
            ErrorCode::ContainerActivationNotAllowed,
            "trial activation in a container is not allowed",
        ));
    }
    Ok(())
}

/// `POST /v3/trial-activations`: the token, and whether a new trial was
/// created (201) or the device's existing one returned.
pub fn activate(
    app: &App,
    req: &TrialActivationRequest,
    offline: Option<&OfflineOpts>,
    location: Option<&Location>,
) -> ApiResult<(String, bool)> {
    policy::validate_trial(req)?;
    let now = app.now();
    let check_and_save = |tx: &mut dyn Tx| {
        // locked: the trial count below must not race another node's
        let product: Product = tx
            .load_locked(&req.product_id)?
            .ok_or_else(invalid_product)?;
        let product = super::trial_policies::effective(tx, product)?;
        check_policy(&product, req)?;
        let mut found: Option<TrialActivation> = None;
        let rule = product.trial_fingerprint_matching_strategy.rule();
        for id in store::matching(tx, &product.id, &req.fingerprint, rule)? {
            found = tx.load(&id)?;
            if found.is_some() {
                break;
            }
        }
        let created = found.is_none();
        let before = found.clone();
        let mut trial = match found {
            Some(t) => t,
            None => {
                let count = store::count(tx, &product.id)?;
                if policy::limit_reached(product.trial_activation_limit, count) {
                    return Err(ApiError::new(
                        ErrorCode::TrialActivationLimitReached,
                        "the product has reached its trial activation limit",
                    ));
                }
                TrialActivation {
                    id: crate::ids::uuid(),
                    product_id: product.id.clone(),
                    fingerprint: req.fingerprint.clone(),
                    expires_at: now.saturating_add(product.trial_length),
                    created_at: now,
                    ..Default::default()
                }
            }
        };
        trial.os = req.os.to_ascii_lowercase();
        trial.os_version = req.os_version.clone();
        trial.hostname = req.hostname.clone();
        trial.vm_name = req.vm_name.clone();
        trial.container = req.container;
        trial.user_hash = req.user_hash.clone();
        if let Some(l) = location {
            trial.location = l.clone();
        }
        if created || !req.metadata.is_empty() {
            trial.metadata = req.metadata.clone();
        }
        trial.offline = trial.offline || offline.is_some();
        trial.last_synced_at = now;
        trial.updated_at = now;
        tx.save(&trial)?;
        match &before {
            None => event_logs::created(tx, Resource::TrialActivation, &trial.id, now, &trial)?,
            Some(b) => event_logs::changed(
                tx,
                Resource::TrialActivation,
                &trial.id,
                "updated",
                now,
                b,
                &trial,
            )?,
        }
        Ok((claims_of(&product, &trial, now), created))
    };
    app.store.write_then(
        check_and_save,
        |(mut claims, created): (TrialClaims, bool)| {
            if let Some(o) = offline {
                claims.orv = o.orv;
                claims.activation_mode = Some(mode(true, None));
            }
            Ok((app.sign(&claims.pid.clone(), &claims)?, created))
        },
    )
}

/// `PATCH /v3/trial-activations/{id}`: the current trial (an administrator
/// may have extended it).
pub fn sync(app: &App, id: &str, req: &TrialActivationRequest) -> ApiResult<String> {
    policy::validate_trial(req)?;
    let now = app.now();
    let check_and_save = |tx: &mut dyn Tx| {
        let mut trial: TrialActivation = tx.load(id)?.ok_or_else(not_found)?;
        let product: Product = tx.load(&trial.product_id)?.ok_or_else(not_found)?;
        let product = super::trial_policies::effective(tx, product)?;
        if req.product_id != product.id {
            return Err(invalid_product());
        }
        product
            .trial_fingerprint_matching_strategy
            .ensure_same_device(&trial.fingerprint, &req.fingerprint, "trial")?;
        let before = trial.clone();
        trial.last_synced_at = now;
        trial.updated_at = now;
        tx.save(&trial)?;
        event_logs::changed(
            tx,
            Resource::TrialActivation,
            id,
            "updated",
            now,
            &before,
            &trial,
        )?;
        Ok(claims_of(&product, &trial, now))
    };
    app.store.write_then(check_and_save, |c: TrialClaims| {
        app.sign(&c.pid.clone(), &c)
    })
}

/// Sets a trial's expiry.
pub fn set_expiry(app: &App, id: &str, at: i64) -> ApiResult<TrialActivation> {
    let now = app.now();
    app.store.write(|tx| {
        let mut t: TrialActivation = load_or_404(tx, id, "trial activation")?;
        let before = t.clone();
        t.expires_at = at;
        t.updated_at = now;
        tx.save(&t)?;
        event_logs::changed(
            tx,
            Resource::TrialActivation,
            id,
            "updated",
            now,
            &before,
            &t,
        )?;
        Ok(t)
    })
}

/// Moves a trial's expiry `by` seconds later (the vendor's extend).
pub fn extend(app: &App, id: &str, by: i64) -> ApiResult<TrialActivation> {
    let now = app.now();
    app.store.write(|tx| {
        let mut t: TrialActivation = load_or_404(tx, id, "trial activation")?;
        let before = t.clone();
        t.expires_at = t.expires_at.saturating_add(by);
        t.updated_at = now;
        tx.save(&t)?;
        event_logs::changed(
            tx,
            Resource::TrialActivation,
            id,
            "extended",
            now,
            &before,
            &t,
        )?;
        Ok(t)
    })
}

/// Filters of `GET /v3/trial-activations`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrialFilter {
    /// By product.
    #[serde(alias = "productId[eq]")]
    pub product_id: Option<String>,
    /// The other query keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// One page of trials.
pub fn list(app: &App, f: &TrialFilter, page: Page) -> ApiResult<(Vec<TrialActivation>, i64)> {
    super::reject_unsupported_filters(&f.rest, &["query"])?;
    let filter = filters(&[("product_id", &f.product_id)]);
    super::list_docs::<TrialActivation>(app, &filter, page)
}

/// Trial routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v3/trial-activations",
            post(activate_route).get(list_route),
        )
        .route(
            "/v3/trial-activations/{id}",
            get(get_route).patch(sync_route).delete(delete_route),
        )
        .route(
            "/v3/trial-activations/{id}/expires-at",
            post(expiry_route).patch(expiry_route),
        )
        .route("/v3/trial-activations/{id}/extend", post(extend_route))
        .route("/v3/trial-activations/export", get(export_route))
}

/// Query of `GET /v3/trial-activations/export`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrialExportFilter {
    /// By product.
    pub product_id: Option<String>,
}

/// The CSV columns of the trial export, in order.
pub const EXPORT_COLUMNS: &[&str] = &[
    "id",
    "productId",
    "os",
    "osVersion",
    "hostname",
    "vmName",
    "container",
    "expiresAt",
    "lastSyncedAt",
    "createdAt",
];

/// Every trial activation matching `f` as CSV rows, oldest first.
pub fn export(app: &App, f: &TrialExportFilter) -> ApiResult<Vec<Vec<String>>> {
    let filter = filters(&[("product_id", &f.product_id)]);
    let trials = app
        .store
        .read(|tx| tx.find_all::<TrialActivation>(&filter))?;
    let date = |t: i64| {
        if t == 0 {
            String::new()
        } else {
            crate::dates::format(t)
        }
    };
    Ok(trials
        .into_iter()
        .map(|t| {
            vec![
                t.id,
                t.product_id,
                t.os,
                t.os_version,
                t.hostname,
                t.vm_name,
                t.container.to_string(),
                date(t.expires_at),
                date(t.last_synced_at),
                date(t.created_at),
            ]
        })
        .collect())
}

async fn export_route(
    _: Admin<scope::ActivationRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<TrialExportFilter>,
) -> ApiResult<Response> {
    let rows = st.app.run(move |app| export(app, &f)).await?;
    crate::http::csv_response(EXPORT_COLUMNS, &rows)
}

async fn extend_route(
    _: Admin<scope::ActivationWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<super::licenses::Extension>,
) -> ApiResult<Response> {
    let by = b.required()?;
    ok(&st.app.run(move |app| extend(app, &id, by)).await?)
}

async fn activate_route(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    ClientCountry(country): ClientCountry,
    ApiJson(req): ApiJson<TrialActivationRequest>,
) -> ApiResult<Response> {
    let location = Location::of(source, country);
    let (token, new) = st
        .app
        .run(move |app| activate(app, &req, None, Some(&location)))
        .await?;
    let body = TrialActivationResponse {
        trial_activation_token: token,
    };
    if new {
        created(&body)
    } else {
        ok(&body)
    }
}

async fn sync_route(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TrialActivationRequest>,
) -> ApiResult<Response> {
    let token = st.app.run(move |app| sync(app, &id, &req)).await?;
    ok(&TrialActivationResponse {
        trial_activation_token: token,
    })
}

async fn list_route(
    _: Admin<scope::ActivationRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<TrialFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, &f, page)).await?)
}

async fn get_route(
    _: Admin<scope::ActivationRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let t: TrialActivation = st
        .app
        .run(move |app| super::get_doc(app, &id, "trial activation"))
        .await?;
    ok(&t)
}

async fn delete_route(
    _: Admin<scope::ActivationWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| {
            super::delete_doc(
                app,
                &id,
                "trial activation",
                super::event_logs::Resource::TrialActivation,
                TrialActivation::clone,
            )
        })
        .await?;
    no_content()
}

async fn expiry_route(
    _: Admin<scope::ActivationWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ExpiresAt>,
) -> ApiResult<Response> {
    let at = b.required()?;
    ok(&st.app.run(move |app| set_expiry(app, &id, at)).await?)
}
