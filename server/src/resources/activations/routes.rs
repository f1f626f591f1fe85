//! Activation routes: the client's (no token) and the administrator's.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::requests::*;
use serde::Deserialize;

use super::{
    activate_online, deactivate_logged, feature_entitlements, meter, sync_issued, Activation,
};
use crate::auth::scope;
use crate::error::ApiResult;
use crate::http::extract::{Admin, ApiJson, ApiQuery, Bearer, Paging};
use crate::http::forwarded::{ClientAddr, ClientCountry};
use crate::http::log::RequestNote;
use crate::http::{list_response, no_content, ok, AppState};
use crate::resources::activation_logs::Attempt as LogAttempt;
use crate::resources::filters;

/// Filters of `GET /v3/activations`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ActivationFilter {
    /// By license.
    #[serde(alias = "licenseId[eq]")]
    pub license_id: Option<String>,
    /// By product.
    #[serde(alias = "productId[eq]")]
    pub product_id: Option<String>,
    /// The other query keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// Activation routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/activations", post(activate_route).get(list_route))
        .route(
            "/v3/activations/{id}",
            get(get_route).patch(sync_route).delete(delete_route),
        )
        .route("/v3/activations/{id}/deactivate", post(deactivate_route))
        .route(
            "/v3/activations/{id}/feature-entitlements",
            get(entitlements_route),
        )
        .route("/v3/activations/meter-attributes/{name}", post(meter_route))
}

async fn activate_route(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    ClientCountry(country): ClientCountry,
    note: RequestNote,
    ApiJson(req): ApiJson<ActivationRequest>,
) -> ApiResult<Response> {
    let (token, license_id) = activate_online(&st.app, req, source, country).await?;
    note.license(&license_id);
    ok(&ActivationResponse {
        activation_token: token,
    })
}

async fn sync_route(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    note: RequestNote,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ActivationRequest>,
) -> ApiResult<Response> {
    let (token, license_id) = st
        .app
        .run(move |app| {
            let log = LogAttempt::sync(&id, &req, source);
            sync_issued(app, &id, &req, Some(&log))
        })
        .await?;
    note.license(&license_id);
    ok(&ActivationResponse {
        activation_token: token,
    })
}

async fn deactivate_route(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<DeactivationRequest>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| {
            let log = LogAttempt::deactivation(&id, Some(&req), source);
            deactivate_logged(app, &id, Some(&req), None, Some(&log))
        })
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// `DELETE /v3/activations/{id}`: with a bearer token it is the admin
/// delete (frees the seat, not counted as a deactivation); without, the
/// legacy client deactivation.
async fn delete_route(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    note: RequestNote,
    Bearer(bearer): Bearer,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    if bearer.is_some() {
        let admin = Admin::<scope::ActivationWrite>::check(&st, bearer).await?;
        note.token(&admin.token.id);
        st.app
            .run(move |app| {
                crate::resources::delete_doc(
                    app,
                    &id,
                    "activation",
                    crate::resources::event_logs::Resource::Activation,
                    Activation::clone,
                )
            })
            .await?;
        return no_content();
    }
    st.app
        .run(move |app| {
            let log = LogAttempt::deactivation(&id, None, source);
            deactivate_logged(app, &id, None, None, Some(&log))
        })
        .await?;
    no_content()
}

/// Query of `GET /v3/activations/{id}/feature-entitlements`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EntitlementsQuery {
    /// The device fingerprint (required when the product says so).
    pub fingerprint: String,
}

async fn entitlements_route(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<EntitlementsQuery>,
) -> ApiResult<Response> {
    let token = st
        .app
        .run(move |app| feature_entitlements(app, &id, &q.fingerprint))
        .await?;
    ok(&serde_json::json!({ "featureEntitlementsToken": token }))
}

async fn meter_route(
    State(st): State<AppState>,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<MeterAttributeRequest>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| meter(app, &name, &req)).await?)
}

async fn list_route(
    _: Admin<scope::ActivationRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<ActivationFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    crate::resources::reject_unsupported_filters(
        &f.rest,
        &[
            "metadataKey",
            "metadataValue",
            "createdAt",
            "lastSyncedAt",
            "query",
        ],
    )?;
    let filter = filters(&[("license_id", &f.license_id), ("product_id", &f.product_id)]);
    list_response(
        st.app
            .run(move |app| crate::resources::list_docs::<Activation>(app, &filter, page))
            .await?,
    )
}

async fn get_route(
    _: Admin<scope::ActivationRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let a: Activation = st
        .app
        .run(move |app| crate::resources::get_doc(app, &id, "activation"))
        .await?;
    ok(&a)
}
