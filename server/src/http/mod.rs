//! The HTTP layer: state, the router (each resource module contributes its
//! routes), error and list responses, the front middleware (client address
//! through trusted proxies, per-client rate limiting, the request log) and
//! the test clock. Handlers only extract ([`extract`]), authorise and call an
//! operation through [`App::run`](crate::app::App::run).

pub mod extract;
pub mod forwarded;
pub mod health;
pub mod log;
pub mod serve;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::{ErrorBody, ErrorCode};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::auth::scope;
use crate::clock::TestClock;
use crate::error::{ApiError, ApiResult};
use crate::ratelimit::Limiter;
use crate::resources::access_tokens;
use extract::{Admin, ApiJson};
use forwarded::{Cidr, ClientAddr, ClientCountry};
use log::{RequestLog, RequestNote};

/// State shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    /// The core every operation works with.
    pub app: Arc<App>,
    /// Per-IP limiter; `None` when rate limiting is off.
    pub limiter: Option<Arc<Limiter>>,
    /// The clock `POST /v3/test/clock` moves; only `serve
    /// --insecure-test-clock` sets it (loopback only).
    pub test_clock: Option<Arc<TestClock>>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<[Cidr]>,
    /// The header in which a trusted proxy names the client's country
    /// (`serve --country-header`); None: countries are not recorded.
    pub country_header: Option<axum::http::HeaderName>,
    /// The request log.
    pub log: RequestLog,
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

/// 200 with a JSON body.
pub fn ok<T: Serialize>(body: &T) -> ApiResult<Response> {
    Ok(json_response(StatusCode::OK, body))
}

/// 201 with a JSON body.
pub fn created<T: Serialize>(body: &T) -> ApiResult<Response> {
    Ok(json_response(StatusCode::CREATED, body))
}

/// 204 without a body.
pub fn no_content() -> ApiResult<Response> {
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// 200 with a CSV body (the vendor's `/export` endpoints): a header row
/// and one row per record, fields quoted where RFC 4180 needs it.
pub fn csv_response(header: &[&str], rows: &[Vec<String>]) -> ApiResult<Response> {
    fn field(out: &mut String, f: &str) {
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    let mut out = String::new();
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header).chain(rows) {
        for (i, f) in row.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            field(&mut out, f);
        }
        out.push_str("\r\n");
    }
    Ok((
        StatusCode::OK,
        [(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        )],
        out,
    )
        .into_response())
}

/// A JSON list response with `X-Total-Count`.
pub fn list_response<T: Serialize>((items, total): (Vec<T>, i64)) -> ApiResult<Response> {
    let mut r = json_response(StatusCode::OK, &items);
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        r.headers_mut().insert("x-total-count", v);
    }
    Ok(r)
}

/// Whether `bearer` is a live admin token: the administrator's calls are
/// not counted against the per-client rate limit.
async fn is_admin(st: &AppState, bearer: Option<String>) -> bool {
    let Some(bearer) = bearer.filter(|b| !b.is_empty()) else {
        return false;
    };
    let hash = crate::ids::token_hash(&bearer);
    st.app
        .run(move |app| {
            let now = app.now();
            Ok(app
                .store
                .read(|tx| access_tokens::store::by_hash(tx, &hash))?
                .is_some_and(|t| t.live(now)))
        })
        .await
        .unwrap_or(false)
}

/// Every request passes here first: its client address (through trusted
/// proxies), the per-client rate limit (admin calls exempt), and its line
/// in the request log.
async fn front(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    st.app
        .requests
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
    let client = forwarded::client_addr(peer, req.headers(), &st.trusted_proxies);
    let country = st
        .country_header
        .as_ref()
        .and_then(|h| forwarded::country(peer, req.headers(), &st.trusted_proxies, h));
    let note = RequestNote::default();
    req.extensions_mut().insert(ClientAddr(client));
    req.extensions_mut().insert(ClientCountry(country));
    req.extensions_mut().insert(note.clone());
    let method = req.method().clone();
    let limit = match &st.limiter {
        Some(lim) if !is_admin(&st, extract::bearer(req.headers())).await => {
            Some(lim.check(client, st.app.now().max(0) as u64))
        }
        _ => None,
    };
    let mut resp = match limit {
        Some(d) if !d.allowed => {
            ApiError::new(ErrorCode::TooManyRequests, "rate limit exceeded").into_response()
        }
        _ => {
            // Who acts and from where, for the event log of any change the
            // request makes (resources::event_logs).
            let acting = crate::resources::event_logs::Acting::new(client.to_string());
            crate::resources::event_logs::scope_request(acting, next.run(req)).await
        }
    };
    if let Some(d) = limit {
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
    }
    st.log.request(
        method.as_str(),
        resp.status().as_u16(),
        started.elapsed(),
        client,
        &note.fields(),
    );
    resp
}

/// Notes the matched route template for the log (never the path itself).
async fn note_route(matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    if let (Some(m), Some(n)) = (matched, req.extensions().get::<RequestNote>()) {
        n.route(m.as_str());
    }
    next.run(req).await
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

async fn status() -> ApiResult<Response> {
    ok(
        &serde_json::json!({"status": "ok", "server": "openlex-server", "version": env!("CARGO_PKG_VERSION")}),
    )
}

/// `POST /v3/test/clock` body: seconds to move the test clock by.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockAdvance {
    /// Seconds (may be negative).
    pub advance_seconds: i64,
}

/// The test clock's state after a move.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockState {
    /// Total seconds added so far.
    pub offset_seconds: i64,
    /// The server's time now (unix seconds).
    pub now: i64,
}

/// Moves a test server's clock (404 unless started with
/// `--insecure-test-clock`; needs a `*` token).
async fn test_clock(
    _: Admin<scope::TestClock>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<ClockAdvance>,
) -> ApiResult<Response> {
    let clock = st
        .test_clock
        .as_ref()
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "no such endpoint"))?;
    let offset_seconds = clock.advance(req.advance_seconds);
    ok(&ClockState {
        offset_seconds,
        now: st.app.now(),
    })
}

/// Builds the whole router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v3/status", get(status))
        .route("/v3/test/clock", post(test_clock))
        .merge(crate::resources::routes())
        .merge(crate::web::routes())
        .route_layer(axum::middleware::from_fn(note_route))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), front))
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .with_state(state)
}
