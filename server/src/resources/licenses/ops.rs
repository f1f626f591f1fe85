//! License operations and routes.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::requests::LicenseLookup;
use openlex_wire::ErrorCode;
use serde::{Deserialize, Serialize};

use super::{store, ExpirationStrategy, License, LicenseCreate, LicenseFields};
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::policy;
use crate::resources::activations::{self, Activation};
use crate::resources::event_logs::{self, Resource};
use crate::resources::license_policies;
use crate::resources::products::Product;
use crate::resources::users::User;
use crate::resources::{delete_or_404, filters, load_or_404};
use crate::store::{Page, Tx};
use crate::validate;

/// A license as the API shows it: the record plus the seats in use.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseView {
    /// The record.
    #[serde(flatten)]
    pub license: License,
    /// Seats in use now.
    pub total_activations: i64,
}

fn validate(l: &License) -> ApiResult<()> {
    validate::len_in("key", &l.key, 1, 256)?;
    validate::at_least("expiringSoonEventOffset", l.expiring_soon_event_offset, 0)?;
    if l.allowed_activations < -1 || l.allowed_deactivations < -1 {
        return Err(ApiError::validation(
            "allowedActivations and allowedDeactivations must be >= -1",
        ));
    }
    if l.validity < 0 || l.lease_duration < 0 || l.server_sync_interval < 0 {
        return Err(ApiError::validation(
            "validity, leaseDuration and serverSyncInterval must be >= 0",
        ));
    }
    if l.server_sync_grace_period < -1 || l.allowed_clock_offset < -1 {
        return Err(ApiError::validation(
            "serverSyncGracePeriod and allowedClockOffset must be >= -1",
        ));
    }
    if !l.max_allowed_release_version.is_empty() {
        validate::release_version("maxAllowedReleaseVersion", &l.max_allowed_release_version)?;
    }
    crate::metadata::validate(
        l.metadata
            .iter()
            .map(|m| (m.key.as_str(), m.value.as_str())),
    )?;
    for m in &l.meter_attributes {
        validate::len_in("meterAttributes.name", &m.name, 1, 256)?;
        validate::at_least("meterAttributes.allowedUses", m.allowed_uses, -1)?;
    }
    Ok(())
}

fn check_user(tx: &mut dyn Tx, l: &License) -> ApiResult<()> {
    if !l.user_id.is_empty() && !tx.exists::<User>(&l.user_id)? {
        return Err(ApiError::validation("userId must name an existing user"));
    }
    Ok(())
}

/// The view of `l` at `now`.
pub fn view(tx: &mut dyn Tx, l: License, now: i64) -> ApiResult<LicenseView> {
    let total_activations = activations::store::count_seats(tx, &l.id, now)?;
    Ok(LicenseView {
        license: l,
        total_activations,
    })
}

/// Creates a license (only `productId` is required).
pub fn create(app: &App, req: LicenseCreate) -> ApiResult<LicenseView> {
    let now = app.now();
    let expiry_given = req.fields.expires_at.is_some();
    app.store.write(|tx| {
        let product = match req.product_id.as_str() {
            "" => None,
            id => tx.load::<Product>(id)?,
        }
        .ok_or_else(|| ApiError::validation("productId must name an existing product"))?;
        let mut l = License {
            product_id: req.product_id.clone(),
            ..Default::default()
        };
        // The policy the body names, else the product's; the body's own
        // fields override it.
        let policy_id = req
            .license_policy_id
            .clone()
            .filter(|p| !p.is_empty())
            .map(|p| (p, "licensePolicyId"))
            .or_else(|| {
                Some(product.license_policy_id.clone())
                    .filter(|p| !p.is_empty())
                    .map(|p| (p, "the product's licensePolicyId"))
            });
        if let Some((id, field)) = policy_id {
            license_policies::store::referenced(tx, &id, field)?.apply_to(&mut l);
        }
        req.fields.clone().apply(&mut l);
        l.total_deactivations = 0;
        l.id = crate::ids::uuid();
        if l.key.is_empty() {
            l.key = crate::ids::license_key();
        }
        l.created_at = now;
        l.updated_at = now;
        l.assign_entry_ids();
        if !expiry_given {
            l.expires_at = policy::initial_expiry(&l, now);
        }
        validate(&l)?;
        check_user(tx, &l)?;
        tx.save(&l)?;
        let v = view(tx, l, now)?;
        event_logs::created(tx, Resource::License, &v.license.id, now, &v)?;
        Ok(v)
    })
}

/// The license `id` after `change`, saved, with its `action` recorded.
pub(super) fn change(
    tx: &mut dyn Tx,
    id: &str,
    action: &str,
    now: i64,
    change: impl FnOnce(&mut dyn Tx, &mut License) -> ApiResult<()>,
) -> ApiResult<LicenseView> {
    let mut l: License = load_or_404(tx, id, "license")?;
    let before = view(tx, l.clone(), now)?;
    change(tx, &mut l)?;
    l.updated_at = now;
    tx.save(&l)?;
    let v = view(tx, l, now)?;
    event_logs::changed(tx, Resource::License, id, action, now, &before, &v)?;
    Ok(v)
}

/// One license.
pub fn get_one(app: &App, id: &str) -> ApiResult<LicenseView> {
    app.store.read(|tx| {
        let l = load_or_404(tx, id, "license")?;
        view(tx, l, app.now())
    })
}

/// Filters of `GET /v3/licenses`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LicenseFilter {
    /// By key.
    #[serde(alias = "key[eq]")]
    pub key: Option<String>,
    /// By product.
    #[serde(alias = "productId[eq]")]
    pub product_id: Option<String>,
    /// By user.
    #[serde(alias = "userId[eq]")]
    pub user_id: Option<String>,
    /// The other query keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// The vendor's `GET /v3/licenses` filters openlex-server does not answer.
pub const UNSUPPORTED_FILTERS: &[&str] = &[
    "productVersionId",
    "resellerId",
    "user.email",
    "user.company",
    "revoked",
    "suspended",
    "type",
    "validity",
    "allowedActivations",
    "allowedDeactivations",
    "totalActivations",
    "totalDeactivations",
    "allowVmActivation",
    "userLocked",
    "expired",
    "expirationStrategy",
    "createdAt",
    "tag",
    "metadata.key",
    "metadata.value",
    "query",
];

/// One page of licenses.
pub fn list(app: &App, f: &LicenseFilter, page: Page) -> ApiResult<(Vec<LicenseView>, i64)> {
    super::super::reject_unsupported_filters(&f.rest, UNSUPPORTED_FILTERS)?;
    let filter = filters(&[
        ("key", &f.key),
        ("product_id", &f.product_id),
        ("user_id", &f.user_id),
    ]);
    let now = app.now();
    app.store.read(|tx| {
        let total = super::store::count(tx, &filter)?;
        let items = tx.list_page::<License>(&filter, page)?;
        let views = items
            .into_iter()
            .map(|l| view(tx, l, now))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((views, total))
    })
}

/// Changes the given policy fields (`suspended`, `revoked`, `expiresAt`,
/// `userId`, ...).
pub fn update(app: &App, id: &str, fields: LicenseFields) -> ApiResult<LicenseView> {
    let now = app.now();
    app.store.write(|tx| {
        change(tx, id, "updated", now, |tx, l| {
            fields.clone().apply(l);
            l.assign_entry_ids();
            validate(l)?;
            check_user(tx, l)
        })
    })
}

/// Extends the expiry by the validity, from the current expiry or from now
/// if already expired.
pub fn renew(app: &App, id: &str) -> ApiResult<LicenseView> {
    let now = app.now();
    app.store
        .write(|tx| change(tx, id, "renewed", now, |tx, l| renew_in(tx, l, now)))
}

fn renew_in(tx: &mut dyn Tx, l: &mut License, now: i64) -> ApiResult<()> {
    if l.validity <= 0 {
        return Err(ApiError::validation(
            "the license has no validity to renew by",
        ));
    }
    let extend = |e: i64| {
        if e > now {
            e.saturating_add(l.validity)
        } else {
            now.saturating_add(l.validity)
        }
    };
    match l.expiration_strategy {
        ExpirationStrategy::Rolling => {
            for mut a in tx.find_all::<Activation>(&[("license_id", l.id.clone())])? {
                a.expires_at = extend(a.expires_at);
                tx.save(&a)?;
            }
        }
        ExpirationStrategy::Delayed if l.expires_at == 0 => {}
        _ => l.expires_at = extend(l.expires_at),
    }
    Ok(())
}

/// `{"extensionLength": SECONDS}` of the vendor's `POST .../{id}/extend`
/// (licenses and trial activations).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Extension {
    /// Seconds to add to the expiry (> 0).
    pub extension_length: Option<i64>,
}

impl Extension {
    /// The length, required and positive.
    pub fn required(&self) -> ApiResult<i64> {
        match self.extension_length {
            Some(n) if n > 0 => Ok(n),
            Some(_) => Err(ApiError::validation("extensionLength must be > 0 seconds")),
            None => Err(ApiError::validation(
                "extensionLength (seconds) is required",
            )),
        }
    }
}

/// Moves a license's expiry `by` seconds later (the vendor's extend; a
/// license that never expires cannot be extended).
pub fn extend(app: &App, id: &str, by: i64) -> ApiResult<LicenseView> {
    let now = app.now();
    app.store.write(|tx| {
        change(tx, id, "extended", now, |_, l| {
            if l.expires_at == 0 {
                return Err(ApiError::validation(
                    "the license does not expire (expiresAt is null); set expiresAt instead",
                ));
            }
            l.expires_at = l.expires_at.saturating_add(by);
            Ok(())
        })
    })
}

/// Deletes a license and its activations.
pub fn delete(app: &App, id: &str) -> ApiResult<()> {
    let now = app.now();
    app.store.write(|tx| {
        let l: License = load_or_404(tx, id, "license")?;
        let before = view(tx, l, now)?;
        delete_or_404::<License>(tx, id, "license")?;
        event_logs::deleted(tx, Resource::License, id, now, &before)?;
        for a in tx.find_all::<Activation>(&[("license_id", id.to_owned())])? {
            tx.delete::<Activation>(&a.id)?;
        }
        Ok(())
    })
}

/// `{"expiresAt": UNIX}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiresAt {
    /// The new expiry (unix seconds).
    #[serde(default, with = "crate::dates::request")]
    pub expires_at: Option<i64>,
}

impl ExpiresAt {
    /// The time, required.
    pub fn required(&self) -> ApiResult<i64> {
        self.expires_at.ok_or_else(|| {
            ApiError::validation("expiresAt (an ISO 8601 date-time or unix seconds) is required")
        })
    }
}

/// Query of `GET /v3/licenses/lookup`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LookupQuery {
    /// License key.
    pub key: String,
    /// Product id (optional).
    pub product_id: String,
}

/// The type of the license with `key` (client endpoint).
pub fn lookup(app: &App, q: &LookupQuery) -> ApiResult<LicenseLookup> {
    validate::len_in("key", &q.key, 1, 256)?;
    app.store.read(|tx| {
        let l = store::by_key(tx, &q.key)?
            .filter(|l| q.product_id.is_empty() || l.product_id == q.product_id)
            .ok_or_else(invalid_key)?;
        Ok(LicenseLookup {
            key: l.key,
            r#type: l.r#type.as_str().to_owned(),
        })
    })
}

/// 404 INVALID_LICENSE_KEY (client endpoints).
pub fn invalid_key() -> ApiError {
    ApiError::new(ErrorCode::InvalidLicenseKey, "invalid license key")
}

/// License routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/licenses", get(list_route).post(create_route))
        .route(
            "/v3/licenses/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
        .route("/v3/licenses/{id}/renew", post(renew_route))
        .route("/v3/licenses/{id}/extend", post(extend_route))
        .route(
            "/v3/licenses/{id}/expires-at",
            post(expires_at_route).patch(expires_at_route),
        )
        .route("/v3/licenses/lookup", get(lookup_route))
        .merge(super::entries::routes())
        .merge(super::export::routes())
}

async fn create_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<LicenseCreate>,
) -> ApiResult<Response> {
    created(&st.app.run(move |app| create(app, req)).await?)
}

async fn list_route(
    _: Admin<scope::LicenseRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<LicenseFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, &f, page)).await?)
}

async fn get_route(
    _: Admin<scope::LicenseRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| get_one(app, &id)).await?)
}

async fn update_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(f): ApiJson<LicenseFields>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| update(app, &id, f)).await?)
}

async fn delete_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app.run(move |app| delete(app, &id)).await?;
    no_content()
}

async fn renew_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| renew(app, &id)).await?)
}

async fn extend_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<Extension>,
) -> ApiResult<Response> {
    let by = b.required()?;
    ok(&st.app.run(move |app| extend(app, &id, by)).await?)
}

async fn expires_at_route(
    _: Admin<scope::LicenseWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ExpiresAt>,
) -> ApiResult<Response> {
    let fields = LicenseFields {
        expires_at: Some(b.required()?),
        ..Default::default()
    };
    ok(&st.app.run(move |app| update(app, &id, fields)).await?)
}

async fn lookup_route(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<LookupQuery>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| lookup(app, &q)).await?)
}
