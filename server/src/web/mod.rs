//! The dashboard (staff, under `/dashboard`) and the customer portal
//! (license users, under `/portal`): server-rendered HTML (maud templates
//! compiled into the binary), one embedded stylesheet, no JavaScript.
//!
//! Both only render and call the resource modules' operations (the same
//! functions the JSON API calls); nothing here decides licensing.
//!
//! Security, in one place: sessions live in the database (`sessions`);
//! cookies are `HttpOnly; Secure; SameSite=Strict`; every form carries a
//! CSRF token (the session's, or before sign-in a double-submit cookie);
//! every page is sent with a Content-Security-Policy that allows no script
//! and no framing; sign-in goes through the password gate
//! ([`PasswordGate`](crate::passwords::PasswordGate)) with its lockout.

pub mod chart;
pub mod dashboard;
pub mod portal;
pub mod sessions;
pub mod staff;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{self, HeaderValue};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::error::ApiError;
use crate::http::extract::RawBody;
use crate::http::AppState;

/// The stylesheet, embedded.
const CSS: &str = include_str!("app.css");

/// Every web route, with the security headers.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard") }))
        .route("/assets/app.css", get(css))
        .merge(dashboard::routes())
        .merge(portal::routes())
        .layer(axum::middleware::from_fn(security_headers))
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

/// The Content-Security-Policy of every page: own stylesheet and images
/// only, no script at all, forms post only here, never framed.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum WebError {
    /// No (live) session: go to this sign-in page.
    SignIn(&'static str),
    /// The operation's error, shown as a page with its status.
    Api(ApiError),
}

impl From<ApiError> for WebError {
    fn from(e: ApiError) -> Self {
        WebError::Api(e)
    }
}

/// A handler's result.
pub type WebResult<T = Response> = Result<T, WebError>;

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            WebError::SignIn(to) => Redirect::to(to).into_response(),
            WebError::Api(e) => {
                let status =
                    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let body = layout(
                    "Error",
                    None,
                    html! {
                        h1 { "Could not do that" }
                        p.error role="alert" { (e.message) }
                        p.muted { "Code: " (e.code.as_str()) }
                        p { "Go back, correct the form and send it again: nothing was changed." }
                    },
                );
                let mut r = html_page(body, Vec::new());
                *r.status_mut() = status;
                r
            }
        }
    }
}

/// The navigation shown above a page.
pub struct Nav<'a> {
    /// Links: (href, label).
    pub links: &'a [(&'a str, &'a str)],
    /// Who is signed in.
    pub who: &'a str,
    /// Where the sign-out form posts.
    pub sign_out: &'a str,
    /// The session's CSRF token.
    pub csrf: &'a str,
}

/// A whole HTML page.
pub fn layout(title: &str, nav: Option<&Nav<'_>>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · OpenLex" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                @if let Some(n) = nav {
                    header.top {
                        span.brand { "OpenLex" }
                        nav {
                            @for (href, label) in n.links {
                                a href=(href) { (label) }
                            }
                        }
                        form.signout method="post" action=(n.sign_out) {
                            (csrf_field(n.csrf))
                            span.muted { (n.who) " " }
                            button.link type="submit" { "Sign out" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The hidden CSRF field of a form.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// 403 unless `given` is the expected CSRF token (constant time).
pub fn check_csrf(expected: &str, given: &str) -> Result<(), WebError> {
    if !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        Ok(())
    } else {
        Err(WebError::Api(ApiError::new(
            openlex_wire::ErrorCode::Forbidden,
            "this form has expired or was not sent from this site; reload the page and try again",
        )))
    }
}

/// The value of cookie `name` in the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: `HttpOnly; Secure; SameSite=Strict`, for the
/// session (`max_age` None) or expired (`Some(0)`, to delete it).
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let age = max_age
        .map(|a| format!("; Max-Age={a}"))
        .unwrap_or_default();
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// The pre-sign-in CSRF cookie (double submit: the sign-in form carries the
/// same value).
pub const PRE_CSRF: &str = "olx_csrf";

/// The pre-sign-in CSRF token of this request, or a new one to set.
pub fn pre_csrf(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, PRE_CSRF).filter(|v| v.len() == 48) {
        Some(v) => (v.to_owned(), None),
        None => {
            let v = hex::encode(crate::ids::random::<24>());
            let c = set_cookie(PRE_CSRF, &v, None);
            (v, Some(c))
        }
    }
}

/// A `303 See Other` to `to` (after a form post).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A page response (200, HTML), with cookies to set.
pub fn html_page(markup: Markup, cookies: Vec<HeaderValue>) -> Response {
    let mut r = (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response();
    for c in cookies {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

/// An `application/x-www-form-urlencoded` body as `T` (capped like every
/// body; a malformed one is a 400 page).
pub struct Form<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        let RawBody(b) = RawBody::from_request(req, state).await?;
        serde_urlencoded::from_bytes(&b)
            .map(Form)
            .map_err(|e| WebError::Api(ApiError::validation(format!("malformed form: {e}"))))
    }
}

/// The query string as `T` (missing fields take their defaults).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, WebError> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(Query)
            .map_err(|e| WebError::Api(ApiError::validation(format!("malformed query: {e}"))))
    }
}

/// A whole number from a form field; empty is `default`.
pub fn int_field(name: &str, v: &str, default: i64) -> Result<i64, ApiError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(default);
    }
    v.parse()
        .map_err(|_| ApiError::validation(format!("{name} must be a whole number, not {v:?}")))
}

/// A date (`YYYY-MM-DD`, as `<input type=date>` sends it) as unix seconds
/// at 00:00 UTC; empty is None.
pub fn date_field(name: &str, v: &str) -> Result<Option<i64>, ApiError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    crate::dates::parse(&format!("{v}T00:00:00Z"))
        .map(Some)
        .ok_or_else(|| ApiError::validation(format!("{name} must be a date YYYY-MM-DD, not {v:?}")))
}

/// A unix time as `YYYY-MM-DD HH:MM` UTC; "never" for 0.
pub fn when(t: i64) -> String {
    if t == 0 {
        return "never".into();
    }
    let s = crate::dates::format(t);
    s.get(..16).map(|x| x.replace('T', " ")).unwrap_or(s)
}

/// A unix time as `YYYY-MM-DD` (for a date input); empty for 0.
pub fn day(t: i64) -> String {
    if t == 0 {
        return String::new();
    }
    crate::dates::format(t).get(..10).unwrap_or("").to_owned()
}
