//! Air-gapped activation, deactivation and trials: request files from the
//! library in, response files out (formats in [`crate::offline`]).
//!
//! Admin: `POST /v3/activations/offline-activate`,
//! `POST /v3/activations/offline-deactivate`. Client:
//! `POST /v3/trial-activations/offline-activate`.

use axum::extract::State;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use openlex_wire::requests::{ActivationResponse, TrialActivationResponse};
use openlex_wire::ErrorCode;
use serde::{Deserialize, Serialize};

use super::activations::{self, invalid_product, OfflineOpts};
use super::trials;
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson};
use crate::http::{no_content, ok, AppState};
use crate::offline::{parse_request, OfflineRequest};

/// An offline request and how to answer it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OfflineBody {
    /// The request file's text.
    pub offline_request: String,
    /// How long the response may be used (seconds).
    pub response_validity: i64,
    /// The license the administrator meant (activation, deactivation).
    pub license_id: Option<String>,
    /// The product the trial is for.
    pub product_id: String,
}

impl OfflineBody {
    fn request(&self) -> ApiResult<&str> {
        if self.offline_request.is_empty() {
            return Err(ApiError::validation("offlineRequest is required"));
        }
        Ok(&self.offline_request)
    }
}

/// `{"offlineResponse": ...}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfflineResponse {
    /// The response file's text.
    pub offline_response: String,
}

fn check_validity(validity: i64) -> ApiResult<()> {
    if validity < 1 || validity > i32::MAX as i64 {
        return Err(ApiError::validation(
            "responseValidity must be 1..2147483647 seconds",
        ));
    }
    Ok(())
}

fn wrong_kind(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidOfflineRequest,
        format!("not a{what} request"),
    )
}

/// Issues an offline activation response.
pub fn activate(
    app: &App,
    request: &str,
    validity: i64,
    license_id: Option<String>,
) -> ApiResult<String> {
    check_validity(validity)?;
    let OfflineRequest::Activation(req) = parse_request(request)? else {
        return Err(wrong_kind("n activation"));
    };
    let opts = OfflineOpts {
        orv: app.now().saturating_add(validity),
        license_id,
    };
    let token = activations::activate(app, &req, Some(&opts))?;
    Ok(serde_json::to_string(&ActivationResponse {
        activation_token: token,
    })?)
}

/// Applies an offline deactivation proof.
pub fn deactivate(app: &App, request: &str, license_id: Option<String>) -> ApiResult<()> {
    let OfflineRequest::Deactivation {
        activation_id,
        request,
    } = parse_request(request)?
    else {
        return Err(wrong_kind(" deactivation"));
    };
    activations::deactivate(app, &activation_id, Some(&request), license_id.as_deref())
}

/// Issues an offline trial response.
pub fn trial(app: &App, request: &str, validity: i64, product_id: &str) -> ApiResult<String> {
    check_validity(validity)?;
    let OfflineRequest::Trial(req) = parse_request(request)? else {
        return Err(wrong_kind(" trial"));
    };
    if !product_id.is_empty() && product_id != req.product_id {
        return Err(invalid_product());
    }
    let opts = OfflineOpts {
        orv: app.now().saturating_add(validity),
        license_id: None,
    };
    let (token, _) = trials::activate(app, &req, Some(&opts), None)?;
    Ok(serde_json::to_string(&TrialActivationResponse {
        trial_activation_token: token,
    })?)
}

/// Offline routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/activations/offline-activate", post(activate_route))
        .route("/v3/activations/offline-deactivate", post(deactivate_route))
        .route("/v3/trial-activations/offline-activate", post(trial_route))
}

async fn activate_route(
    _: Admin<scope::ActivationWrite>,
    State(st): State<AppState>,
    ApiJson(b): ApiJson<OfflineBody>,
) -> ApiResult<Response> {
    b.request()?;
    let resp = st
        .app
        .run(move |app| activate(app, &b.offline_request, b.response_validity, b.license_id))
        .await?;
    ok(&OfflineResponse {
        offline_response: resp,
    })
}

async fn deactivate_route(
    _: Admin<scope::ActivationWrite>,
    State(st): State<AppState>,
    ApiJson(b): ApiJson<OfflineBody>,
) -> ApiResult<Response> {
    b.request()?;
    st.app
        .run(move |app| deactivate(app, &b.offline_request, b.license_id))
        .await?;
    no_content()
}

async fn trial_route(
    State(st): State<AppState>,
    ApiJson(b): ApiJson<OfflineBody>,
) -> ApiResult<Response> {
    b.request()?;
    let resp = st
        .app
        .run(move |app| trial(app, &b.offline_request, b.response_validity, &b.product_id))
        .await?;
    ok(&OfflineResponse {
        offline_response: resp,
    })
}
