//! Request extractors: every input a handler takes is typed here, and every
//! way it can be malformed answers with the vendor's `{code, message}` body.
//!
//! * [`ApiJson<T>`]: the body as `T` (serde); malformed JSON or a wrong type
//!   is 400 VALIDATION_FAILED, an oversized body 413 PAYLOAD_TOO_LARGE.
//! * [`ApiQuery<T>`]: the query string as `T`; repeated keys: the last wins.
//! * [`Paging`]: `page`, `limit`, `sort` of a list.
//! * [`Admin<S>`]: a bearer token holding scope `S` (401/403), checked
//!   before the body is read.
//! * [`Bearer`]: the bearer token, if any (client endpoints).

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use openlex_wire::ErrorCode;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::auth::{self, RequiredScope};
use crate::error::{ApiError, ApiResult};
use crate::resources::access_tokens::AdminToken;
use crate::store::Page;

/// Largest accepted request body (64 KiB); larger is 413 PAYLOAD_TOO_LARGE.
pub const MAX_BODY: usize = 64 * 1024;

/// Oversized bodies up to this size are drained before answering 413.
const DRAIN_LIMIT: usize = 1024 * 1024;

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

/// Parses a JSON body; malformed JSON or wrong types are 400
/// VALIDATION_FAILED. An empty body parses as `{}`. The CLI parses its JSON
/// arguments with this too.
pub fn parse_json<T: DeserializeOwned>(b: &[u8]) -> ApiResult<T> {
    let b: &[u8] = if b.iter().all(|c| c.is_ascii_whitespace()) {
        b"{}"
    } else {
        b
    };
    serde_json::from_slice(b).map_err(|e| ApiError::validation(format!("malformed JSON body: {e}")))
}

/// A JSON body deserialised into `T`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let RawBody(b) = RawBody::from_request(req, state).await?;
        Ok(ApiJson(parse_json(&b)?))
    }
}

/// The query string's pairs, the last of repeated keys winning.
fn query_pairs(q: Option<&str>) -> ApiResult<Vec<(String, String)>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q.unwrap_or(""))
        .map_err(|_| ApiError::validation("malformed query string"))?;
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, (k, _)) in pairs.iter().enumerate() {
        last.insert(k, i);
    }
    let keep: Vec<bool> = (0..pairs.len())
        .map(|i| last.get(pairs[i].0.as_str()) == Some(&i))
        .collect();
    Ok(pairs
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect())
}

/// The query string deserialised into `T` (unknown keys ignored).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs = query_pairs(parts.uri.query())?;
        let text = serde_urlencoded::to_string(&pairs)
            .map_err(|_| ApiError::validation("malformed query string"))?;
        serde_urlencoded::from_str(&text)
            .map(ApiQuery)
            .map_err(|e| ApiError::validation(format!("malformed query string: {e}")))
    }
}

/// `page` (≥ 1, default 1), `limit` (1..100, default 10) and `sort`
/// (`createdAt` or `-createdAt`, the default) of a list.
pub struct Paging(pub Page);

/// Parses [`Paging`]'s parameters out of a query string.
pub fn paging(q: Option<&str>) -> ApiResult<Page> {
    let mut p = Page {
        page: 1,
        limit: 10,
        newest_first: true,
    };
    for (k, v) in query_pairs(q)? {
        match k.as_str() {
            "page" => {
                p.page = v
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| ApiError::validation("page must be >= 1"))?
            }
            "limit" => {
                p.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| ApiError::validation("limit must be 1..100"))?
            }
            "sort" => {
                p.newest_first = match v.as_str() {
                    "createdAt" => false,
                    "-createdAt" | "" => true,
                    _ => return Err(ApiError::validation("sort must be createdAt or -createdAt")),
                }
            }
            _ => {}
        }
    }
    Ok(p)
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        paging(parts.uri.query()).map(Paging)
    }
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

/// The request's bearer token, if any.
pub struct Bearer(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Ok(Bearer(bearer(&parts.headers)))
    }
}

/// An admin caller whose token holds scope `S`.
pub struct Admin<S: RequiredScope> {
    /// The caller's token.
    pub token: AdminToken,
    scope: PhantomData<S>,
}

impl<S: RequiredScope> Admin<S> {
    /// Checks `bearer` for `S` (the same check as the extractor, for routes
    /// that are admin only when a token is present).
    pub async fn check(st: &AppState, bearer: Option<String>) -> ApiResult<Self> {
        let token = st
            .app
            .run(move |app| auth::authorize(&*app.store, bearer.as_deref(), S::SCOPE, app.now()))
            .await?;
        crate::resources::event_logs::note_token(&token.id, &token.name);
        Ok(Admin {
            token,
            scope: PhantomData,
        })
    }
}

impl<S: RequiredScope> FromRequestParts<AppState> for Admin<S> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, ApiError> {
        let admin = Self::check(st, bearer(&parts.headers)).await?;
        super::log::RequestNote::of(parts).token(&admin.token.id);
        Ok(admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages() {
        assert!(paging(Some("limit=101")).is_err());
        assert!(paging(Some("page=0")).is_err());
        assert!(paging(Some("sort=name")).is_err());
        let p = paging(Some("sort=createdAt&page=2")).unwrap();
        assert_eq!((p.page, p.limit, p.newest_first), (2, 10, false));
        assert_eq!(paging(Some("limit=5&limit=7")).unwrap().limit, 7);
    }

    #[test]
    fn typed_bodies_and_queries() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(rename_all = "camelCase")]
        struct Q {
            #[serde(alias = "productId[eq]")]
            product_id: Option<String>,
            count: Option<i64>,
        }
        let pairs = query_pairs(Some("productId[eq]=a&productId[eq]=b&x=1")).unwrap();
        assert_eq!(pairs.len(), 2);
        let q: Q =
            serde_urlencoded::from_str(&serde_urlencoded::to_string(&pairs).unwrap()).unwrap();
        assert_eq!(q.product_id.as_deref(), Some("b"));
        assert!(q.count.is_none());
        #[derive(serde::Deserialize, Debug)]
        struct B {
            #[allow(dead_code)]
            n: Option<i64>,
        }
        let e = parse_json::<B>(br#"{"n":"x"}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert!(
            e.message.starts_with("malformed JSON body: invalid type"),
            "{}",
            e.message
        );
        assert!(parse_json::<B>(b"  ").is_ok());
    }
}
