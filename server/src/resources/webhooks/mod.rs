//! Webhooks: signed, durable, retried events for every license change.
//!
//! `POST|GET /v3/webhooks`, `GET|PATCH|DELETE /v3/webhooks/{id}` (the
//! vendor's `WebhookDto`: `name`, `url`, `token` (the signing secret;
//! `secret` is accepted as an alias), `active`, `events`),
//! `GET /v3/webhooks/events` (the vendor's event names by resource), and
//! the delivery log: `GET /v3/webhooks/{id}/deliveries`,
//! `GET /v3/webhooks/{id}/attempts[?deliveryId=]`,
//! `POST /v3/webhooks/{id}/deliveries/{deliveryId}/redeliver`.
//!
//! Events come from the one raise point of the event log
//! (`event_logs::record`), which calls [`outbox::enqueue`] inside the
//! change's transaction; the [`worker`] delivers them ([`delivery`] is the
//! HTTP client and the signature) and the [`scheduler`] raises
//! `license.expiring-soon` and `license.expired` from the injected clock.

pub mod delivery;
pub mod outbox;
pub mod scheduler;
pub mod worker;

use std::collections::BTreeMap;
use std::net::IpAddr;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};

use super::event_logs::{self, Resource};
use super::load_or_404;
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Paging};
use crate::http::{created, list_response, no_content, ok, AppState};
use crate::params;
use crate::store::{Doc, Param, Table};
use crate::validate;

/// The vendor's webhook event names, by resource (`GET /v3/webhooks/events`).
pub const EVENTS: &[(&str, &[&str])] = &[
    (
        "license",
        &[
            "license.created",
            "license.updated",
            "license.deleted",
            "license.renewed",
            "license.extended",
            "license.expiring-soon",
            "license.expired",
        ],
    ),
    (
        "activation",
        &[
            "activation.created",
            "activation.updated",
            "activation.deleted",
        ],
    ),
    (
        "trialActivation",
        &[
            "trialActivation.created",
            "trialActivation.updated",
            "trialActivation.deleted",
        ],
    ),
    ("user", &["user.created", "user.updated", "user.deleted"]),
    (
        "product",
        &["product.created", "product.updated", "product.deleted"],
    ),
    (
        "release",
        &[
            "release.created",
            "release.updated",
            "release.deleted",
            "release.published",
        ],
    ),
];

/// Whether `name` is an event a webhook can subscribe to.
pub fn is_event(name: &str) -> bool {
    EVENTS.iter().any(|(_, names)| names.contains(&name))
}

/// Consecutive failed attempts after which an endpoint is marked failing.
pub const FAILING_AFTER: i64 = 5;

/// A webhook endpoint.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Webhook {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The endpoint (https, or http on a loopback address).
    pub url: String,
    /// The signing secret (the vendor's `token`).
    pub token: String,
    /// Whether events are queued for it.
    pub active: bool,
    /// The events it subscribes to.
    pub events: Vec<String>,
    /// Set after [`FAILING_AFTER`] consecutive failed attempts; cleared by
    /// the next success.
    pub failing: bool,
    /// Failed attempts since the last success.
    pub consecutive_failures: i64,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

static WEBHOOKS: Table = Table::new("webhooks", &[]);

impl Doc for Webhook {
    fn table() -> &'static Table {
        &WEBHOOKS
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![])
    }
}

/// `POST|PATCH /v3/webhooks[/{id}]`: the vendor's `WebhookRequestModel`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebhookFields {
    /// Name.
    pub name: Option<String>,
    /// Endpoint URL.
    pub url: Option<String>,
    /// Signing secret (generated when a new webhook has none).
    #[serde(alias = "secret")]
    pub token: Option<String>,
    /// Whether it receives events (default true).
    pub active: Option<bool>,
    /// Event names.
    pub events: Option<Vec<String>>,
}

impl WebhookFields {
    /// Sets every given field on `w`.
    pub fn apply(self, w: &mut Webhook) {
        overlay!(self, w, name, url, token, active, events);
    }
}

/// Whether `host` (a URL's host, IPv6 without brackets) is a loopback
/// address or `localhost`.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Checks an endpoint URL: absolute, https (http only on loopback), no
/// user info.
pub fn check_url(url: &str) -> ApiResult<Uri> {
    let bad = |m: &str| ApiError::validation(format!("url {m}"));
    let uri: Uri = url
        .parse()
        .map_err(|_| bad("must be an absolute http(s) URL"))?;
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| bad("must name a host"))?;
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        return Err(bad("must not carry user info"));
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if is_loopback_host(host) => {}
        Some("http") => {
            return Err(bad(
                "must use https (plain http is allowed only for loopback addresses)",
            ))
        }
        _ => return Err(bad("must be an absolute http(s) URL")),
    }
    Ok(uri)
}

fn validate(w: &Webhook) -> ApiResult<()> {
    validate::len_in("name", &w.name, 1, 256)?;
    validate::len_in("url", &w.url, 1, 2048)?;
    check_url(&w.url)?;
    validate::len_in("token", &w.token, 8, 256)?;
    if w.events.is_empty() {
        return Err(ApiError::validation("events must name at least one event"));
    }
    for e in &w.events {
        if !is_event(e) {
            return Err(ApiError::validation(format!(
                "unknown event {e} (GET /v3/webhooks/events lists them)"
            )));
        }
    }
    Ok(())
}

/// Creates a webhook (a secret is generated when none is given).
pub fn create(app: &App, req: WebhookFields) -> ApiResult<Webhook> {
    let now = app.now();
    let mut w = Webhook {
        active: true,
        ..Default::default()
    };
    req.apply(&mut w);
    if w.token.is_empty() {
        w.token = format!("whsec_{}", hex::encode(crate::ids::random::<24>()));
    }
    w.id = crate::ids::uuid();
    w.created_at = now;
    w.updated_at = now;
    validate(&w)?;
    app.store.write(|tx| {
        tx.save(&w)?;
        outbox::bump_version(tx)?;
        event_logs::created(tx, Resource::Webhook, &w.id, now, &w)?;
        Ok(w.clone())
    })
}

/// Changes the given fields.
pub fn update(app: &App, id: &str, fields: WebhookFields) -> ApiResult<Webhook> {
    let now = app.now();
    app.store.write(|tx| {
        let mut w: Webhook = load_or_404(tx, id, "webhook")?;
        let before = w.clone();
        fields.clone().apply(&mut w);
        w.updated_at = now;
        validate(&w)?;
        tx.save(&w)?;
        outbox::bump_version(tx)?;
        event_logs::changed(tx, Resource::Webhook, id, "updated", now, &before, &w)?;
        Ok(w)
    })
}

/// Deletes a webhook and its queued deliveries (its attempts stay listed
/// until the webhook id is reused, which never happens).
pub fn delete(app: &App, id: &str) -> ApiResult<()> {
    let now = app.now();
    app.store.write(|tx| {
        let w: Webhook = load_or_404(tx, id, "webhook")?;
        tx.delete::<Webhook>(id)?;
        outbox::bump_version(tx)?;
        outbox::store::delete_of_webhook(tx, id)?;
        event_logs::deleted(tx, Resource::Webhook, id, now, &w)
    })
}

/// Filters of `GET /v3/webhooks` (none beyond the page).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct WebhookFilter {
    /// The query's keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// Filters of the delivery and attempt lists.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DeliveryFilter {
    /// One delivery's attempts.
    pub delivery_id: Option<String>,
    /// Deliveries in one state (`pending`, `delivered`, `failed`).
    pub state: Option<String>,
}

/// Webhook routes (configured by administrators only: `webhook:*`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/webhooks", get(list_route).post(create_route))
        .route("/v3/webhooks/events", get(events_route))
        .route(
            "/v3/webhooks/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
        .route("/v3/webhooks/{id}/deliveries", get(deliveries_route))
        .route("/v3/webhooks/{id}/attempts", get(attempts_route))
        .route(
            "/v3/webhooks/{id}/deliveries/{delivery}/redeliver",
            post(redeliver_route),
        )
}

async fn create_route(
    _: Admin<scope::WebhookWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<WebhookFields>,
) -> ApiResult<Response> {
    created(&st.app.run(move |app| create(app, req)).await?)
}

async fn list_route(
    _: Admin<scope::WebhookRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<WebhookFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    super::reject_unsupported_filters(&f.rest, &["query"])?;
    list_response(
        st.app
            .run(move |app| super::list_docs::<Webhook>(app, &[], page))
            .await?,
    )
}

async fn events_route(_: Admin<scope::WebhookRead>) -> ApiResult<Response> {
    let map: BTreeMap<&str, &[&str]> = EVENTS.iter().copied().collect();
    ok(&map)
}

async fn get_route(
    _: Admin<scope::WebhookRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let w: Webhook = st
        .app
        .run(move |app| super::get_doc(app, &id, "webhook"))
        .await?;
    ok(&w)
}

async fn update_route(
    _: Admin<scope::WebhookWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(f): ApiJson<WebhookFields>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| update(app, &id, f)).await?)
}

async fn delete_route(
    _: Admin<scope::WebhookWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app.run(move |app| delete(app, &id)).await?;
    no_content()
}

async fn deliveries_route(
    _: Admin<scope::WebhookRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(f): ApiQuery<DeliveryFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(
        st.app
            .run(move |app| {
                app.store.read(|tx| {
                    load_or_404::<Webhook>(tx, &id, "webhook")?;
                    outbox::store::list_deliveries(tx, &id, f.state.as_deref(), page)
                })
            })
            .await?,
    )
}

async fn attempts_route(
    _: Admin<scope::WebhookRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(f): ApiQuery<DeliveryFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(
        st.app
            .run(move |app| {
                app.store.read(|tx| {
                    outbox::store::list_attempts(tx, &id, f.delivery_id.as_deref(), page)
                })
            })
            .await?,
    )
}

async fn redeliver_route(
    _: Admin<scope::WebhookWrite>,
    State(st): State<AppState>,
    Path((id, delivery)): Path<(String, String)>,
) -> ApiResult<Response> {
    ok(&st
        .app
        .run(move |app| outbox::redeliver(app, &id, &delivery))
        .await?)
}

/// Lists used by the tests of this module's pure parts.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_https_except_loopback() {
        assert!(check_url("https://example.com/hook").is_ok());
        assert!(check_url("http://127.0.0.1:9/x").is_ok());
        assert!(check_url("http://[::1]:9/x").is_ok());
        assert!(check_url("http://localhost/x").is_ok());
        assert!(check_url("http://example.com/x").is_err());
        assert!(check_url("http://10.0.0.1/x").is_err());
        assert!(check_url("ftp://example.com/x").is_err());
        assert!(check_url("/relative").is_err());
        assert!(check_url("https://user:pw@example.com/").is_err());
    }

    #[test]
    fn the_catalogue_has_the_vendor_names() {
        assert!(is_event("license.expiring-soon"));
        assert!(is_event("trialActivation.created"));
        assert!(!is_event("licensePolicy.created"));
    }
}
