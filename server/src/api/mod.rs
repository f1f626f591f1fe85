//! HTTP layer: the router, body and query handling, error responses and
//! per-IP rate limiting. Handlers do their blocking work (SQLite, RSA)
//! through [`blocking`] so the async runtime never stalls.

pub mod admin;
pub mod client;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use openlex_wire::{ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::ratelimit::Limiter;
use crate::service::Service;

/// Largest accepted request body (64 KiB); larger is 413 PAYLOAD_TOO_LARGE.
pub const MAX_BODY: usize = 64 * 1024;

/// Oversized bodies up to this size are drained before answering 413.
const DRAIN_LIMIT: usize = 1024 * 1024;

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The service.
    pub svc: Arc<Service>,
    /// Per-IP limiter; `None` when rate limiting is off.
    pub limiter: Option<Arc<Limiter>>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status, &ErrorBody::new(self.code, self.message))
    }
}

/// A JSON response with the given status.
pub fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(b) => (
            status,
            [(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            b,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A JSON list response with `X-Total-Count`.
pub fn list_response<T: Serialize>(items: &[T], total: i64) -> Response {
    let mut r = json_response(StatusCode::OK, &items);
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        r.headers_mut().insert("x-total-count", v);
    }
    r
}

/// Runs blocking work (database, RSA signing) on tokio's blocking pool.
pub async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> ApiResult<R> + Send + 'static,
) -> ApiResult<R> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

/// The raw request body, capped at [`MAX_BODY`].
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        use http_body_util::BodyExt;
        let too_large = || {
            ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("request body larger than {MAX_BODY} bytes"),
            )
        };
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > DRAIN_LIMIT) {
            return Err(too_large());
        }
        let mut body = req.into_body();
        let mut buf: Vec<u8> = Vec::new();
        let mut seen = 0usize;
        // Oversized bodies are read and discarded (up to DRAIN_LIMIT) so the
        // client, still sending, receives the 413 instead of a broken pipe.
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|_| ApiError::validation("could not read the request body"))?;
            if let Ok(data) = frame.into_data() {
                seen += data.len();
                if seen > DRAIN_LIMIT {
                    return Err(too_large());
                }
                if seen <= MAX_BODY {
                    buf.extend_from_slice(&data);
                }
            }
        }
        if seen > MAX_BODY {
            return Err(too_large());
        }
        Ok(RawBody(Bytes::from(buf)))
    }
}

/// Parses a JSON body; malformed JSON or wrong types are 400 VALIDATION_FAILED.
/// An empty body parses as `{}`.
pub fn parse<T: DeserializeOwned>(b: &[u8]) -> ApiResult<T> {
    let b: &[u8] = if b.iter().all(|c| c.is_ascii_whitespace()) {
        b"{}"
    } else {
        b
    };
    serde_json::from_slice(b).map_err(|e| ApiError::validation(format!("malformed JSON body: {e}")))
}

/// Parses a query string into a map (later duplicates win).
pub fn query_map(q: Option<&str>) -> ApiResult<HashMap<String, String>> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(q.unwrap_or(""))
        .map(|v| v.into_iter().collect())
        .map_err(|_| ApiError::validation("malformed query string"))
}

/// The bearer token of the `Authorization` header.
pub fn bearer(h: &HeaderMap) -> Option<String> {
    let v = h
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn rate_limit(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(lim) = st.limiter.clone() else {
        return next.run(req).await;
    };
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let d = lim.check(ip, now);
    let mut resp = if d.allowed {
        next.run(req).await
    } else {
        ApiError::new(ErrorCode::TooManyRequests, "rate limit exceeded").into_response()
    };
    let h = resp.headers_mut();
    for (k, v) in [
        ("x-rate-limit-limit", d.limit as u64),
        ("x-rate-limit-remaining", d.remaining as u64),
        ("x-rate-limit-reset", d.reset),
    ] {
        if let Ok(v) = HeaderValue::from_str(&v.to_string()) {
            h.insert(k, v);
        }
    }
    resp
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "no such endpoint")
}

async fn method_not_allowed() -> Response {
    let mut r =
        ApiError::new(ErrorCode::NotFound, "method not allowed on this endpoint").into_response();
    *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    r
}

/// Builds the whole router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(client::routes())
        .merge(admin::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit,
        ))
        .with_state(state)
}
