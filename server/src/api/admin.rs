//! Admin (management) API, modelled on the vendor's: bearer personal access
//! tokens with scopes; missing or unknown token → 401 UNAUTHORIZED, missing
//! scope → 403 FORBIDDEN.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use serde_json::{json, Value};

use super::{bearer, blocking, json_response, list_response, parse, query_map, AppState, RawBody};
use crate::admin as ops;
use crate::db::Kind;
use crate::error::{ApiError, ApiResult};
use crate::models::*;
use crate::service::Service;

/// Authorizes `scope`, then runs `f` on the blocking pool.
async fn call<R: Send + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    scope: &'static str,
    f: impl FnOnce(&Service) -> ApiResult<R> + Send + 'static,
) -> ApiResult<R> {
    let token = bearer(headers);
    let svc = st.svc.clone();
    blocking(move || {
        crate::auth::authorize(&*svc.store, token.as_deref(), scope, crate::clock::now())?;
        f(&svc)
    })
    .await
}

fn ok<T: serde::Serialize>(v: &T) -> Response {
    json_response(StatusCode::OK, v)
}

fn created<T: serde::Serialize>(v: &T) -> Response {
    json_response(StatusCode::CREATED, v)
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Admin routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/products", post(create_product).get(list_products))
        .route(
            "/v3/products/{id}",
            get(get_product)
                .patch(update_product)
                .delete(delete_product),
        )
        .route("/v3/licenses", post(create_license).get(list_licenses))
        .route(
            "/v3/licenses/{id}",
            get(get_license)
                .patch(update_license)
                .delete(delete_license),
        )
        .route("/v3/licenses/{id}/renew", post(renew_license))
        .route(
            "/v3/licenses/{id}/expires-at",
            post(license_expires_at).patch(license_expires_at),
        )
        .route("/v3/activations/offline-activate", post(offline_activate))
        .route(
            "/v3/activations/offline-deactivate",
            post(offline_deactivate),
        )
        .route(
            "/v3/trial-activations/{id}/expires-at",
            post(trial_expires_at).patch(trial_expires_at),
        )
        .route("/v3/releases", post(create_release).get(list_releases))
        .route(
            "/v3/releases/{id}",
            get(get_release)
                .patch(update_release)
                .delete(delete_release),
        )
        .route("/v3/releases/{id}/files", post(add_release_file))
        .route("/v3/users", post(create_user).get(list_users))
        .route(
            "/v3/users/{id}",
            get(get_user).patch(update_user).delete(delete_user),
        )
        .route("/v3/entitlement-sets", post(create_set).get(list_sets))
        .route(
            "/v3/entitlement-sets/{id}",
            get(get_set).patch(update_set).delete(delete_set),
        )
        .route(
            "/v3/personal-access-tokens",
            post(create_token).get(list_tokens),
        )
        .route("/v3/personal-access-tokens/{id}", delete(delete_token))
}

// ---- products

async fn create_product(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(created(
        &call(&st, &h, "product:write", move |s| {
            ops::create_product(s, &body)
        })
        .await?,
    ))
}

async fn list_products(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "product:read", move |s| ops::list_products(s, &q)).await?;
    Ok(list_response(&items, total))
}

async fn get_product(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(ok(&call(&st, &h, "product:read", move |s| {
        ops::get_product(s, &id)
    })
    .await?))
}

async fn update_product(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(ok(&call(&st, &h, "product:write", move |s| {
        ops::update_product(s, &id, &body)
    })
    .await?))
}

async fn delete_product(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "product:write", move |s| {
        ops::delete_product(s, &id)
    })
    .await?;
    Ok(no_content())
}

// ---- licenses

async fn create_license(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(created(
        &call(&st, &h, "license:write", move |s| {
            ops::create_license(s, &body)
        })
        .await?,
    ))
}

async fn list_licenses(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "license:read", move |s| ops::list_licenses(s, &q)).await?;
    Ok(list_response(&items, total))
}

async fn get_license(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(ok(&call(&st, &h, "license:read", move |s| {
        ops::get_license(s, &id)
    })
    .await?))
}

async fn update_license(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(ok(&call(&st, &h, "license:write", move |s| {
        ops::update_license(s, &id, &body)
    })
    .await?))
}

async fn delete_license(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "license:write", move |s| {
        ops::delete_license(s, &id)
    })
    .await?;
    Ok(no_content())
}

async fn renew_license(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(ok(&call(&st, &h, "license:write", move |s| {
        ops::renew_license(s, &id)
    })
    .await?))
}

async fn license_expires_at(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(ok(&call(&st, &h, "license:write", move |s| {
        ops::set_license_expiry(s, &id, &body)
    })
    .await?))
}

// ---- activations (GET/DELETE share paths with client routes)

/// `GET /v3/activations`.
pub async fn list_activations(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "activation:read", move |s| {
        ops::list_activations(s, &q)
    })
    .await?;
    Ok(list_response(&items, total))
}

/// `GET /v3/activations/{id}`.
pub async fn get_activation(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(ok(&call(&st, &h, "activation:read", move |s| {
        ops::get_doc::<Activation>(s, &id, "activation")
    })
    .await?))
}

/// `DELETE /v3/activations/{id}` with a bearer token.
pub async fn delete_activation(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "activation:write", move |s| {
        ops::delete_doc(s, Kind::Activation, &id, "activation")
    })
    .await?;
    Ok(no_content())
}

fn offline_fields(v: &Value) -> (String, i64, Option<String>) {
    (
        v.get("offlineRequest")
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_owned(),
        v.get("responseValidity")
            .and_then(|x| x.as_i64())
            .unwrap_or(0),
        v.get("licenseId")
            .and_then(|x| x.as_str())
            .map(str::to_owned),
    )
}

async fn offline_activate(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let (req, validity, lid) = offline_fields(&parse(&b)?);
    if req.is_empty() {
        return Err(ApiError::validation("offlineRequest is required"));
    }
    let resp = call(&st, &h, "activation:write", move |s| {
        s.offline_activate(&req, validity, lid)
    })
    .await?;
    Ok(ok(&json!({ "offlineResponse": resp })))
}

async fn offline_deactivate(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let (req, _, lid) = offline_fields(&parse(&b)?);
    if req.is_empty() {
        return Err(ApiError::validation("offlineRequest is required"));
    }
    call(&st, &h, "activation:write", move |s| {
        s.offline_deactivate(&req, lid)
    })
    .await?;
    Ok(no_content())
}

// ---- trial activations

/// `GET /v3/trial-activations`.
pub async fn list_trials(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "activation:read", move |s| ops::list_trials(s, &q)).await?;
    Ok(list_response(&items, total))
}

/// `GET /v3/trial-activations/{id}`.
pub async fn get_trial(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(ok(&call(&st, &h, "activation:read", move |s| {
        ops::get_doc::<TrialActivation>(s, &id, "trial activation")
    })
    .await?))
}

/// `DELETE /v3/trial-activations/{id}`.
pub async fn delete_trial(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "activation:write", move |s| {
        ops::delete_doc(s, Kind::Trial, &id, "trial activation")
    })
    .await?;
    Ok(no_content())
}

async fn trial_expires_at(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(ok(&call(&st, &h, "activation:write", move |s| {
        ops::set_trial_expiry(s, &id, &body)
    })
    .await?))
}

// ---- releases

async fn create_release(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(created(
        &call(&st, &h, "release:write", move |s| {
            ops::create_release(s, &body)
        })
        .await?,
    ))
}

async fn list_releases(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "release:read", move |s| {
        ops::list::<ReleaseRec>(s, &q, &[("productId", "product_id")])
    })
    .await?;
    Ok(list_response(&items, total))
}

async fn get_release(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(ok(&call(&st, &h, "release:read", move |s| {
        ops::get_doc::<ReleaseRec>(s, &id, "release")
    })
    .await?))
}

async fn update_release(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(ok(&call(&st, &h, "release:write", move |s| {
        ops::update_release(s, &id, &body)
    })
    .await?))
}

async fn delete_release(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "release:write", move |s| {
        ops::delete_doc(s, Kind::Release, &id, "release")
    })
    .await?;
    Ok(no_content())
}

async fn add_release_file(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(created(
        &call(&st, &h, "release:write", move |s| {
            ops::add_release_file(s, &id, &body)
        })
        .await?,
    ))
}

// ---- users

async fn create_user(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(created(
        &call(&st, &h, "user:write", move |s| ops::create_user(s, &body)).await?,
    ))
}

async fn list_users(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "user:read", move |s| {
        ops::list::<User>(s, &q, &[("email", "email")])
    })
    .await?;
    let dtos: Vec<Value> = items.iter().map(ops::user_dto).collect();
    Ok(list_response(&dtos, total))
}

async fn get_user(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let u = call(&st, &h, "user:read", move |s| {
        ops::get_doc::<User>(s, &id, "user")
    })
    .await?;
    Ok(ok(&ops::user_dto(&u)))
}

async fn update_user(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(ok(&call(&st, &h, "user:write", move |s| {
        ops::update_user(s, &id, &body)
    })
    .await?))
}

async fn delete_user(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "user:write", move |s| {
        ops::delete_doc(s, Kind::User, &id, "user")
    })
    .await?;
    Ok(no_content())
}

// ---- entitlement sets

async fn create_set(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(created(
        &call(&st, &h, "entitlement:write", move |s| {
            ops::create_entitlement_set(s, &body)
        })
        .await?,
    ))
}

async fn list_sets(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "entitlement:read", move |s| {
        ops::list::<EntitlementSetRec>(s, &q, &[("productId", "product_id")])
    })
    .await?;
    Ok(list_response(&items, total))
}

async fn get_set(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    Ok(ok(&call(&st, &h, "entitlement:read", move |s| {
        ops::get_doc::<EntitlementSetRec>(s, &id, "entitlement set")
    })
    .await?))
}

async fn update_set(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(ok(&call(&st, &h, "entitlement:write", move |s| {
        ops::update_entitlement_set(s, &id, &body)
    })
    .await?))
}

async fn delete_set(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "entitlement:write", move |s| {
        ops::delete_doc(s, Kind::EntitlementSet, &id, "entitlement set")
    })
    .await?;
    Ok(no_content())
}

// ---- personal access tokens

async fn create_token(
    State(st): State<AppState>,
    h: HeaderMap,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let body: Value = parse(&b)?;
    Ok(created(
        &call(&st, &h, "token:write", move |s| {
            ops::create_token_json(s, &body)
        })
        .await?,
    ))
}

async fn list_tokens(
    State(st): State<AppState>,
    h: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let q = query_map(q.as_deref())?;
    let (items, total) = call(&st, &h, "token:write", move |s| {
        ops::list::<AdminToken>(s, &q, &[])
    })
    .await?;
    let dtos: Vec<Value> = items.iter().map(ops::token_dto).collect();
    Ok(list_response(&dtos, total))
}

async fn delete_token(
    State(st): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    call(&st, &h, "token:write", move |s| {
        ops::delete_doc(s, Kind::AdminToken, &id, "token")
    })
    .await?;
    Ok(no_content())
}
