//! Probes for a load balancer, outside the rate limit (probes come from
//! one address, often).
//!
//! * `GET /health`: the process answers HTTP (liveness; no database work).
//! * `GET /ready`: the database answers too (one read transaction); 503
//!   `SERVICE_UNAVAILABLE` in the vendor's `{code, message}` shape when it
//!   does not, so the balancer sends traffic to the other nodes meanwhile.

use axum::extract::State;
use axum::response::Response;

use super::{ok, AppState};
use crate::error::ApiResult;

/// `GET /health`.
pub async fn health() -> ApiResult<Response> {
    ok(&serde_json::json!({"status": "ok"}))
}

/// `GET /ready`.
pub async fn ready(State(st): State<AppState>) -> ApiResult<Response> {
    st.app
        .run(|app| app.store.read(|tx| tx.count("SELECT 1", &[])))
        .await?;
    ok(&serde_json::json!({"status": "ready"}))
}
