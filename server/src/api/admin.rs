//! Admin (management) API, modelled on the vendor's: bearer personal access
//! tokens with scopes; missing or unknown token → 401 UNAUTHORIZED, missing
//! scope → 403 FORBIDDEN.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, on, post, MethodFilter, MethodRouter};
use axum::Router;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

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

/// Query parameters of a list call.
type Query = HashMap<String, String>;

/// One page of a list and the total count behind it.
type Page<T> = (Vec<T>, i64);

/// `{id}` endpoint without a body: `op(id)` under `scope`, answered with
/// `status` and the result.
fn by_id<T: Serialize + Send + 'static>(
    method: MethodFilter,
    status: StatusCode,
    scope: &'static str,
    op: fn(&Service, &str) -> ApiResult<T>,
) -> MethodRouter<AppState> {
    on(
        method,
        move |State(st): State<AppState>, h: HeaderMap, Path(id): Path<String>| async move {
            let v = call(&st, &h, scope, move |s| op(s, &id)).await?;
            ApiResult::Ok(json_response(status, &v))
        },
    )
}

/// `{id}` endpoint with a JSON body: `op(id, body)` under `scope`.
fn by_id_with_body<T: Serialize + Send + 'static>(
    method: MethodFilter,
    status: StatusCode,
    scope: &'static str,
    op: fn(&Service, &str, &Value) -> ApiResult<T>,
) -> MethodRouter<AppState> {
    on(
        method,
        move |State(st): State<AppState>,
              h: HeaderMap,
              Path(id): Path<String>,
              RawBody(b): RawBody| async move {
            let body: Value = parse(&b)?;
            let v = call(&st, &h, scope, move |s| op(s, &id, &body)).await?;
            ApiResult::Ok(json_response(status, &v))
        },
    )
}

/// `GET {id}`: 200 with the document.
fn read<T: Serialize + Send + 'static>(
    scope: &'static str,
    op: fn(&Service, &str) -> ApiResult<T>,
) -> MethodRouter<AppState> {
    by_id(MethodFilter::GET, StatusCode::OK, scope, op)
}

/// `PATCH {id}` (or another method) with a body: 200 with the result.
fn update<T: Serialize + Send + 'static>(
    method: MethodFilter,
    scope: &'static str,
    op: fn(&Service, &str, &Value) -> ApiResult<T>,
) -> MethodRouter<AppState> {
    by_id_with_body(method, StatusCode::OK, scope, op)
}

/// `DELETE {id}`: 204.
fn remove(scope: &'static str, op: fn(&Service, &str) -> ApiResult<()>) -> MethodRouter<AppState> {
    on(
        MethodFilter::DELETE,
        move |State(st): State<AppState>, h: HeaderMap, Path(id): Path<String>| async move {
            call(&st, &h, scope, move |s| op(s, &id)).await?;
            ApiResult::Ok(StatusCode::NO_CONTENT.into_response())
        },
    )
}

/// `POST` on a collection: 201 with what `op` created from the body.
fn create<T: Serialize + Send + 'static>(
    scope: &'static str,
    op: fn(&Service, &Value) -> ApiResult<T>,
) -> MethodRouter<AppState> {
    on(
        MethodFilter::POST,
        move |State(st): State<AppState>, h: HeaderMap, RawBody(b): RawBody| async move {
            let body: Value = parse(&b)?;
            let v = call(&st, &h, scope, move |s| op(s, &body)).await?;
            ApiResult::Ok(json_response(StatusCode::CREATED, &v))
        },
    )
}

/// `GET` on a collection: the page as a JSON array plus `X-Total-Count`.
fn list<T: Serialize + Send + 'static>(
    scope: &'static str,
    op: fn(&Service, &Query) -> ApiResult<Page<T>>,
) -> MethodRouter<AppState> {
    get(
        move |State(st): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery| async move {
            let q = query_map(q.as_deref())?;
            let (items, total) = call(&st, &h, scope, move |s| op(s, &q)).await?;
            ApiResult::Ok(list_response(&items, total))
        },
    )
}

/// A page of records shown through their DTO.
fn dtos<T>(page: Page<T>, dto: fn(&T) -> Value) -> Page<Value> {
    (page.0.iter().map(dto).collect(), page.1)
}

/// Admin routes.
pub fn routes() -> Router<AppState> {
    use MethodFilter as M;
    Router::new()
        .route(
            "/v3/products",
            create("product:write", ops::create_product)
                .merge(list("product:read", ops::list_products)),
        )
        .route(
            "/v3/products/{id}",
            read("product:read", ops::get_product)
                .merge(update(M::PATCH, "product:write", ops::update_product))
                .merge(remove("product:write", ops::delete_product)),
        )
        .route(
            "/v3/licenses",
            create("license:write", ops::create_license)
                .merge(list("license:read", ops::list_licenses)),
        )
        .route(
            "/v3/licenses/{id}",
            read("license:read", ops::get_license)
                .merge(update(M::PATCH, "license:write", ops::update_license))
                .merge(remove("license:write", ops::delete_license)),
        )
        .route(
            "/v3/licenses/{id}/renew",
            by_id(M::POST, StatusCode::OK, "license:write", ops::renew_license),
        )
        .route(
            "/v3/licenses/{id}/expires-at",
            update(
                M::POST.or(M::PATCH),
                "license:write",
                ops::set_license_expiry,
            ),
        )
        .route("/v3/activations/offline-activate", post(offline_activate))
        .route(
            "/v3/activations/offline-deactivate",
            post(offline_deactivate),
        )
        .route(
            "/v3/trial-activations/{id}/expires-at",
            update(
                M::POST.or(M::PATCH),
                "activation:write",
                ops::set_trial_expiry,
            ),
        )
        .route(
            "/v3/releases",
            create("release:write", ops::create_release).merge(list("release:read", |s, q| {
                ops::list::<ReleaseRec>(s, q, &[("productId", "product_id")])
            })),
        )
        .route(
            "/v3/releases/{id}",
            read("release:read", |s, id| {
                ops::get_doc::<ReleaseRec>(s, id, "release")
            })
            .merge(update(M::PATCH, "release:write", ops::update_release))
            .merge(remove("release:write", |s, id| {
                ops::delete_doc(s, Kind::Release, id, "release")
            })),
        )
        .route(
            "/v3/releases/{id}/files",
            by_id_with_body(
                M::POST,
                StatusCode::CREATED,
                "release:write",
                ops::add_release_file,
            ),
        )
        .route(
            "/v3/users",
            create("user:write", ops::create_user).merge(list("user:read", |s, q| {
                let page = ops::list::<User>(s, q, &[("email", "email")])?;
                Ok(dtos(page, ops::user_dto))
            })),
        )
        .route(
            "/v3/users/{id}",
            read("user:read", |s, id| {
                Ok(ops::user_dto(&ops::get_doc::<User>(s, id, "user")?))
            })
            .merge(update(M::PATCH, "user:write", ops::update_user))
            .merge(remove("user:write", |s, id| {
                ops::delete_doc(s, Kind::User, id, "user")
            })),
        )
        .route(
            "/v3/entitlement-sets",
            create("entitlement:write", ops::create_entitlement_set)
                .merge(list("entitlement:read", |s, q| {
                    ops::list::<EntitlementSetRec>(s, q, &[("productId", "product_id")])
                })),
        )
        .route(
            "/v3/entitlement-sets/{id}",
            read("entitlement:read", |s, id| {
                ops::get_doc::<EntitlementSetRec>(s, id, "entitlement set")
            })
            .merge(update(
                M::PATCH,
                "entitlement:write",
                ops::update_entitlement_set,
            ))
            .merge(remove("entitlement:write", |s, id| {
                ops::delete_doc(s, Kind::EntitlementSet, id, "entitlement set")
            })),
        )
        .route(
            "/v3/personal-access-tokens",
            create("token:write", ops::create_token_json).merge(list("token:write", |s, q| {
                Ok(dtos(ops::list::<AdminToken>(s, q, &[])?, ops::token_dto))
            })),
        )
        .route(
            "/v3/personal-access-tokens/{id}",
            remove("token:write", |s, id| {
                ops::delete_doc(s, Kind::AdminToken, id, "token")
            }),
        )
}

// ---- activations and trial activations: their paths are shared with client
// routes, which merge these in.

/// `GET /v3/activations`.
pub fn list_activations() -> MethodRouter<AppState> {
    list("activation:read", ops::list_activations)
}

/// `GET /v3/activations/{id}`.
pub fn get_activation() -> MethodRouter<AppState> {
    read("activation:read", |s, id| {
        ops::get_doc::<Activation>(s, id, "activation")
    })
}

/// `DELETE /v3/activations/{id}` with a bearer token: frees the seat.
pub async fn delete_activation(
    st: AppState,
    headers: HeaderMap,
    id: String,
) -> ApiResult<Response> {
    call(&st, &headers, "activation:write", move |s| {
        ops::delete_doc(s, Kind::Activation, &id, "activation")
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /v3/trial-activations`.
pub fn list_trials() -> MethodRouter<AppState> {
    list("activation:read", ops::list_trials)
}

/// `GET` and `DELETE /v3/trial-activations/{id}`.
pub fn trial_by_id() -> MethodRouter<AppState> {
    read("activation:read", |s, id| {
        ops::get_doc::<TrialActivation>(s, id, "trial activation")
    })
    .merge(remove("activation:write", |s, id| {
        ops::delete_doc(s, Kind::Trial, id, "trial activation")
    }))
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
    Ok(json_response(
        StatusCode::OK,
        &json!({ "offlineResponse": resp }),
    ))
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
    Ok(StatusCode::NO_CONTENT.into_response())
}
