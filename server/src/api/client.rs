//! Client endpoints of the Web API v3 (no authentication unless noted),
//! wire-compatible with what LexActivator sends (reference wire.md §2–§3).

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::Router;
use openlex_wire::requests::*;
use openlex_wire::ErrorCode;
use serde_json::{json, Value};

use super::{bearer, blocking, json_response, parse, query_map, AppState, RawBody};
use crate::error::{ApiError, ApiResult};
use crate::service::ReleaseQuery;

/// Client routes (admin methods on the same paths are added in `admin`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/status", get(status))
        .route(
            "/v3/activations",
            post(activate).merge(super::admin::list_activations()),
        )
        .route(
            "/v3/activations/{id}",
            patch(sync)
                .delete(delete_activation)
                .merge(super::admin::get_activation()),
        )
        .route("/v3/activations/{id}/deactivate", post(deactivate))
        .route(
            "/v3/activations/{id}/feature-entitlements",
            get(feature_entitlements),
        )
        .route("/v3/activations/meter-attributes/{name}", post(meter))
        .route(
            "/v3/trial-activations",
            post(trial_activate).merge(super::admin::list_trials()),
        )
        .route(
            "/v3/trial-activations/{id}",
            patch(trial_sync).merge(super::admin::trial_by_id()),
        )
        .route(
            "/v3/trial-activations/offline-activate",
            post(offline_trial),
        )
        .route("/v3/releases/update", get(release_update))
        .route("/v3/releases/latest", get(release_latest))
        .route("/v3/accounts/login", post(login))
        .route("/v3/accounts/login-oidc", post(login_oidc))
        .route("/v3/me/licenses", get(me_licenses))
        .route("/v3/licenses/lookup", get(lookup))
}

async fn status() -> Response {
    json_response(
        StatusCode::OK,
        &json!({"status": "ok", "server": "openlex-server", "version": env!("CARGO_PKG_VERSION")}),
    )
}

async fn activate(State(st): State<AppState>, RawBody(b): RawBody) -> ApiResult<Response> {
    let req: ActivationRequest = parse(&b)?;
    let svc = st.svc.clone();
    let token = blocking(move || svc.activate(&req, None)).await?;
    Ok(json_response(
        StatusCode::OK,
        &ActivationResponse {
            activation_token: token,
        },
    ))
}

async fn sync(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let req: ActivationRequest = parse(&b)?;
    let svc = st.svc.clone();
    let token = blocking(move || svc.sync(&id, &req)).await?;
    Ok(json_response(
        StatusCode::OK,
        &ActivationResponse {
            activation_token: token,
        },
    ))
}

async fn deactivate(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let req: DeactivationRequest = parse(&b)?;
    let svc = st.svc.clone();
    blocking(move || svc.deactivate(&id, Some(&req), None)).await?;
    Ok(StatusCode::OK.into_response())
}

/// `DELETE /v3/activations/{id}`: with a bearer token it is the admin
/// delete (frees the seat, not counted as a deactivation); without, the
/// legacy client deactivation.
async fn delete_activation(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    if bearer(&headers).is_some() {
        return super::admin::delete_activation(st, headers, id).await;
    }
    let svc = st.svc.clone();
    blocking(move || svc.deactivate(&id, None, None)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn feature_entitlements(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let svc = st.svc.clone();
    let token = blocking(move || svc.feature_entitlements(&id)).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "featureEntitlementsToken": token }),
    ))
}

async fn meter(
    State(st): State<AppState>,
    Path(name): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let req: MeterAttributeRequest = parse(&b)?;
    let svc = st.svc.clone();
    let resp = blocking(move || svc.meter(&name, &req)).await?;
    Ok(json_response(StatusCode::OK, &resp))
}

async fn trial_activate(State(st): State<AppState>, RawBody(b): RawBody) -> ApiResult<Response> {
    let req: TrialActivationRequest = parse(&b)?;
    let svc = st.svc.clone();
    let (token, created) = blocking(move || svc.trial_activate(&req, None)).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json_response(
        status,
        &TrialActivationResponse {
            trial_activation_token: token,
        },
    ))
}

async fn trial_sync(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawBody(b): RawBody,
) -> ApiResult<Response> {
    let req: TrialActivationRequest = parse(&b)?;
    let svc = st.svc.clone();
    let token = blocking(move || svc.trial_sync(&id, &req)).await?;
    Ok(json_response(
        StatusCode::OK,
        &TrialActivationResponse {
            trial_activation_token: token,
        },
    ))
}

async fn offline_trial(State(st): State<AppState>, RawBody(b): RawBody) -> ApiResult<Response> {
    let v: Value = parse(&b)?;
    let request = v
        .get("offlineRequest")
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_owned();
    let validity = v
        .get("responseValidity")
        .and_then(|x| x.as_i64())
        .unwrap_or(0);
    let product_id = v
        .get("productId")
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_owned();
    if request.is_empty() {
        return Err(ApiError::validation("offlineRequest is required"));
    }
    let svc = st.svc.clone();
    let resp = blocking(move || svc.offline_trial(&request, validity, &product_id)).await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "offlineResponse": resp }),
    ))
}

fn release_query(q: Option<String>) -> ApiResult<ReleaseQuery> {
    let m = query_map(q.as_deref())?;
    let g = |k: &str| m.get(k).cloned().unwrap_or_default();
    Ok(ReleaseQuery {
        product_id: g("productId"),
        platform: g("platform"),
        channel: g("channel"),
        version: g("version"),
        key: g("key"),
        account_id: g("accountId"),
        allowed: matches!(g("allowed").as_str(), "true" | "1"),
    })
}

async fn release_update(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let q = release_query(q)?;
    if !openlex_wire::version::is_valid_release_version(&q.version) {
        return Err(ApiError::validation(
            "version must look like 1.2 / 1.2.3 / 1.2.3.4",
        ));
    }
    let svc = st.svc.clone();
    match blocking(move || svc.release_update(&q, true)).await? {
        Some(r) => Ok(json_response(StatusCode::OK, &r)),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

async fn release_latest(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let q = release_query(q)?;
    let svc = st.svc.clone();
    match blocking(move || svc.release_update(&q, false)).await? {
        Some(r) => Ok(json_response(StatusCode::OK, &r)),
        None => Err(ApiError::not_found("release")),
    }
}

async fn login(State(st): State<AppState>, RawBody(b): RawBody) -> ApiResult<Response> {
    let req: LoginRequest = parse(&b)?;
    let svc = st.svc.clone();
    let token = blocking(move || svc.login(&req)).await?;
    Ok(json_response(
        StatusCode::OK,
        &LoginResponse {
            access_token: token,
        },
    ))
}

/// OIDC needs an identity provider; a self-hosted server has none configured.
async fn login_oidc(RawBody(b): RawBody) -> ApiResult<Response> {
    let _req: OidcLoginRequest = parse(&b)?;
    Err(ApiError::new(
        ErrorCode::OidcSsoNotEnabled,
        "OIDC single sign-on is not enabled on this server",
    ))
}

async fn me_licenses(
    State(st): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let m = query_map(q.as_deref())?;
    let pid = m.get("productId").cloned().unwrap_or_default();
    let token = bearer(&headers);
    let svc = st.svc.clone();
    let list = blocking(move || svc.user_licenses(token.as_deref(), &pid)).await?;
    Ok(json_response(StatusCode::OK, &list))
}

async fn lookup(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult<Response> {
    let m = query_map(q.as_deref())?;
    let key = m.get("key").cloned().unwrap_or_default();
    let pid = m.get("productId").cloned().unwrap_or_default();
    let svc = st.svc.clone();
    let r = blocking(move || svc.lookup(&key, &pid)).await?;
    Ok(json_response(StatusCode::OK, &r))
}
