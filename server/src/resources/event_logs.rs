//! Event logs: every admin change and client event, recorded in the same
//! transaction as the change it describes.
//!
//! `GET /v3/event-logs`, `GET /v3/event-logs/{id}` (the vendor's
//! `EventLogDto`). Every operation that changes a resource calls
//! [`record`] inside its own unit of work (through the small helpers
//! [`created`], [`changed`] and [`deleted`]), so an event exists exactly
//! when its change committed. [`record`] is also the webhooks' outbox: it
//! queues one delivery per subscribed endpoint in that same transaction
//! (`resources::webhooks::outbox`).
//!
//! Who acted and from where is not passed through every operation's
//! signature: the HTTP layer opens an [`Acting`] context per request (the
//! client address; the admin token once `Admin<_>` authorised it), and
//! [`App::run`](crate::app::App::run) makes it the current one on the worker
//! thread for the span of the unit of work. A unit of work runs on the thread
//! that called it on both engines (SQLite's group commit runs each request's
//! work on its own thread), so the context is always the request's. Outside
//! a request (the CLI) the actor is `cli`; the webhook scheduler acts as
//! `system`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::app::App;
use crate::auth::scope;
use crate::error::ApiResult;
use crate::http::extract::{Admin, ApiQuery, Paging};
use crate::http::{list_response, ok, AppState};
use crate::params;
use crate::store::{Doc, Page, Param, Table, Tx};

/// The kinds of resource an event names (`resource` of the DTO; the first
/// half of a webhook event type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// A license.
    License,
    /// An activation.
    Activation,
    /// A trial activation.
    TrialActivation,
    /// A product.
    Product,
    /// A user.
    User,
    /// A release.
    Release,
    /// A license policy.
    LicensePolicy,
    /// A trial policy.
    TrialPolicy,
    /// An entitlement set.
    EntitlementSet,
    /// A personal access token.
    PersonalAccessToken,
    /// A webhook.
    Webhook,
}

impl Resource {
    /// The name in the DTO and in event types.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::License => "license",
            Resource::Activation => "activation",
            Resource::TrialActivation => "trialActivation",
            Resource::Product => "product",
            Resource::User => "user",
            Resource::Release => "release",
            Resource::LicensePolicy => "licensePolicy",
            Resource::TrialPolicy => "trialPolicy",
            Resource::EntitlementSet => "entitlementSet",
            Resource::PersonalAccessToken => "personalAccessToken",
            Resource::Webhook => "webhook",
        }
    }
}

/// Who caused an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// An admin API call authorised by a personal access token.
    Token {
        /// Token id.
        id: String,
        /// Token name.
        name: String,
    },
    /// A client call without a token (LexActivator: activation, sync, ...).
    Client,
    /// A user signed in with a session (customer portal).
    User {
        /// User id.
        id: String,
        /// E-mail.
        email: String,
    },
    /// A staff member signed in to the dashboard.
    Staff {
        /// Staff account id.
        id: String,
        /// E-mail.
        email: String,
    },
    /// The CLI, which opens the database itself.
    Cli,
    /// The server itself (the expiry scheduler).
    System,
}

/// The context of one request: its client address and, once authorised,
/// its admin token or user.
#[derive(Debug, Default)]
pub struct Acting {
    /// The client address (through trusted proxies).
    pub ip: String,
    actor: Mutex<Option<Actor>>,
}

impl Acting {
    /// A request from `ip`, acting as a client until a token or session is
    /// checked.
    pub fn new(ip: String) -> Arc<Acting> {
        Arc::new(Acting {
            ip,
            actor: Mutex::new(None),
        })
    }

    /// A context that acts as `actor` (the scheduler: [`Actor::System`]).
    pub fn as_actor(actor: Actor) -> Arc<Acting> {
        Arc::new(Acting {
            ip: String::new(),
            actor: Mutex::new(Some(actor)),
        })
    }

    /// Records who the request acts as.
    pub fn set(&self, actor: Actor) {
        if let Ok(mut a) = self.actor.lock() {
            *a = Some(actor);
        }
    }

    fn actor(&self) -> Actor {
        self.actor
            .lock()
            .ok()
            .and_then(|a| a.clone())
            .unwrap_or(Actor::Client)
    }
}

tokio::task_local! {
    static REQUEST: Arc<Acting>;
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Acting>>> = const { RefCell::new(None) };
}

/// Runs `fut` (one request) with `acting` as its context.
pub async fn scope_request<F: std::future::Future>(acting: Arc<Acting>, fut: F) -> F::Output {
    REQUEST.scope(acting, fut).await
}

/// The context of the request this task serves, if any.
pub fn request_context() -> Option<Arc<Acting>> {
    REQUEST.try_with(|a| a.clone()).ok()
}

/// Notes, on the current request's context, that an admin token authorised
/// it.
pub fn note_token(id: &str, name: &str) {
    if let Some(a) = request_context() {
        a.set(Actor::Token {
            id: id.to_owned(),
            name: name.to_owned(),
        });
    }
}

/// Runs `f` on this thread with `acting` as the current context (restoring
/// the previous one after).
pub fn with_acting<R>(acting: Option<Arc<Acting>>, f: impl FnOnce() -> R) -> R {
    let prev = CURRENT.with(|c| c.replace(acting));
    struct Restore(Option<Arc<Acting>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let prev = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = prev);
        }
    }
    let _restore = Restore(prev);
    f()
}

fn current() -> (Actor, String) {
    CURRENT.with(|c| match c.borrow().as_ref() {
        Some(a) => (a.actor(), a.ip.clone()),
        None => (Actor::Cli, String::new()),
    })
}

/// One property an update changed (the vendor's `ChangesDto`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The DTO field.
    pub property_name: String,
    /// Its value before (`null` when absent).
    pub old_value: Value,
    /// Its value after (`null` when absent).
    pub new_value: Value,
}

/// The user an event names (the vendor's `UserDto`, as far as it applies).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventUser {
    /// User id.
    pub id: String,
    /// E-mail.
    pub email: String,
}

/// An event log entry (the vendor's `EventLogDto`, plus who acted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventLog {
    /// Id (also the webhook event id).
    pub id: String,
    /// When it happened.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Same as `createdAt` (entries never change).
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
    /// `license`, `activation`, ... ([`Resource`]).
    pub resource: String,
    /// `created`, `updated`, `deleted`, `renewed`, `extended`, `published`,
    /// `expiring-soon`, `expired`.
    pub action: String,
    /// What an update changed (empty for creations and deletions).
    pub changes: Vec<Change>,
    /// The resource's id.
    pub resource_id: String,
    /// The client address of the request (empty outside requests).
    pub ip_address: String,
    /// The user who acted, when a user did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<EventUser>,
    /// `token`, `client`, `user`, `cli` or `system`.
    pub actor_type: String,
    /// The token's or user's id (empty for the others).
    pub actor_id: String,
    /// The token's name or the user's e-mail.
    pub actor_name: String,
}

static EVENT_LOGS: Table = Table::new(
    "event_logs",
    &["resource", "resource_id", "action", "actor_id"],
);

impl Doc for EventLog {
    fn table() -> &'static Table {
        &EVENT_LOGS
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![
            &self.resource,
            &self.resource_id,
            &self.action,
            &self.actor_id
        ])
    }
}

/// A change to record: what happened to which resource, when, and the
/// resource's DTO (as the management API answers it) before and after.
#[derive(Debug, Clone)]
pub struct EventRecord<'a> {
    /// The kind of resource.
    pub resource: Resource,
    /// Its id.
    pub resource_id: &'a str,
    /// What happened (`created`, `updated`, ...).
    pub action: &'a str,
    /// When (the injected clock's now).
    pub at: i64,
    /// The DTO before (updates and deletions).
    pub before: Option<Value>,
    /// The DTO after (creations and updates).
    pub after: Option<Value>,
}

/// Fields that differ between `before` and `after` (top-level DTO fields;
/// `updatedAt` left out: every update changes it).
pub fn diff(before: &Value, after: &Value) -> Vec<Change> {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| k.as_str() != "updatedAt")
        .filter_map(|k| {
            // An absent field and a null one are the same value.
            let o = b.get(k).cloned().unwrap_or(Value::Null);
            let n = a.get(k).cloned().unwrap_or(Value::Null);
            (o != n).then(|| Change {
                property_name: k.clone(),
                old_value: o,
                new_value: n,
            })
        })
        .collect()
}

const INSERT_SQL: &str = "INSERT INTO event_logs (id, created_at, resource, resource_id, action, actor_id, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/// The resource's DTO (JSON) as a webhook delivery carries it: serialised
/// only when an endpoint subscribes to the event, or borrowed when the
/// change has serialised it already.
pub type Dto<'b> = &'b dyn Fn() -> ApiResult<Cow<'b, str>>;

/// Records an event in `tx`, the transaction of the change it describes,
/// and queues its webhook deliveries there too: the one raise point of
/// event logs and webhooks. Returns the entry.
pub fn record(tx: &mut dyn Tx, ev: &EventRecord<'_>) -> ApiResult<EventLog> {
    let dto = ev
        .after
        .as_ref()
        .or(ev.before.as_ref())
        .unwrap_or(&Value::Null);
    record_with_dto(tx, ev, &|| Ok(Cow::Owned(serde_json::to_string(dto)?)))
}

/// [`record`], with the webhook delivery's DTO from `dto` (a creation has
/// no `before` to diff, so its DTO is serialised once, straight from the
/// resource, and only when a webhook wants it).
fn record_with_dto(tx: &mut dyn Tx, ev: &EventRecord<'_>, dto: Dto<'_>) -> ApiResult<EventLog> {
    let (actor, ip_address) = current();
    let (actor_type, actor_id, actor_name, user) = match actor {
        Actor::Token { id, name } => ("token", id, name, None),
        Actor::Client => ("client", String::new(), String::new(), None),
        Actor::User { id, email } => (
            "user",
            id.clone(),
            email.clone(),
            Some(EventUser { id, email }),
        ),
        Actor::Staff { id, email } => ("staff", id, email, None),
        Actor::Cli => ("cli", String::new(), String::new(), None),
        Actor::System => ("system", String::new(), String::new(), None),
    };
    let changes = match (&ev.before, &ev.after) {
        (Some(b), Some(a)) => diff(b, a),
        _ => Vec::new(),
    };
    let log = EventLog {
        id: crate::ids::uuid(),
        created_at: ev.at,
        updated_at: ev.at,
        resource: ev.resource.as_str().to_owned(),
        action: ev.action.to_owned(),
        changes,
        resource_id: ev.resource_id.to_owned(),
        ip_address,
        user,
        actor_type: actor_type.to_owned(),
        actor_id,
        actor_name,
    };
    let json = serde_json::to_string(&log)?;
    tx.execute(
        INSERT_SQL,
        params![
            &log.id,
            log.created_at,
            &log.resource,
            &log.resource_id,
            &log.action,
            &log.actor_id,
            &json
        ],
    )?;
    // The webhooks' outbox: deliveries commit (or roll back) with the event.
    super::webhooks::outbox::enqueue(tx, &log, dto)?;
    Ok(log)
}

fn to_value<T: Serialize>(dto: &T) -> ApiResult<Value> {
    Ok(serde_json::to_value(dto)?)
}

/// Records the creation of `dto` (its DTO as the API answers it).
pub fn created<T: Serialize>(
    tx: &mut dyn Tx,
    resource: Resource,
    id: &str,
    at: i64,
    dto: &T,
) -> ApiResult<()> {
    created_with(tx, resource, id, at, &|| {
        Ok(Cow::Owned(serde_json::to_string(dto)?))
    })
}

/// [`created`], for a change that has serialised the resource already
/// (`json`, as `save_json` stored it).
pub fn created_json(
    tx: &mut dyn Tx,
    resource: Resource,
    id: &str,
    at: i64,
    json: &str,
) -> ApiResult<()> {
    created_with(tx, resource, id, at, &|| Ok(Cow::Borrowed(json)))
}

fn created_with(
    tx: &mut dyn Tx,
    resource: Resource,
    id: &str,
    at: i64,
    dto: Dto<'_>,
) -> ApiResult<()> {
    record_with_dto(
        tx,
        &EventRecord {
            resource,
            resource_id: id,
            action: "created",
            at,
            before: None,
            after: None,
        },
        dto,
    )
    .map(drop)
}

/// Records `action` (`updated`, `renewed`, ...) turning `before` into
/// `after`.
pub fn changed<T: Serialize>(
    tx: &mut dyn Tx,
    resource: Resource,
    id: &str,
    action: &str,
    at: i64,
    before: &T,
    after: &T,
) -> ApiResult<()> {
    record(
        tx,
        &EventRecord {
            resource,
            resource_id: id,
            action,
            at,
            before: Some(to_value(before)?),
            after: Some(to_value(after)?),
        },
    )
    .map(drop)
}

/// Records the deletion of `dto`.
pub fn deleted<T: Serialize>(
    tx: &mut dyn Tx,
    resource: Resource,
    id: &str,
    at: i64,
    dto: &T,
) -> ApiResult<()> {
    record(
        tx,
        &EventRecord {
            resource,
            resource_id: id,
            action: "deleted",
            at,
            before: Some(to_value(dto)?),
            after: None,
        },
    )
    .map(drop)
}

/// Filters of `GET /v3/event-logs`: the vendor's `query` (free text: an
/// entry matches when its resource id, resource, action or actor id equals
/// it) and equality filters on `resourceId`, `resource`, `action`,
/// `actorId`, plus `createdAt[gte]`/`createdAt[lte]` (ISO 8601 or unix
/// seconds).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventLogFilter {
    /// The vendor's free-text search.
    pub query: Option<String>,
    /// By resource id.
    #[serde(alias = "resourceId[eq]")]
    pub resource_id: Option<String>,
    /// By resource kind.
    #[serde(alias = "resource[eq]")]
    pub resource: Option<String>,
    /// By action.
    #[serde(alias = "action[eq]")]
    pub action: Option<String>,
    /// By actor (token or user id).
    #[serde(alias = "actorId[eq]")]
    pub actor_id: Option<String>,
    /// Created at or after.
    #[serde(rename = "createdAt[gte]", default, deserialize_with = "opt_date")]
    pub created_from: Option<i64>,
    /// Created at or before.
    #[serde(rename = "createdAt[lte]", default, deserialize_with = "opt_date")]
    pub created_to: Option<i64>,
}

fn opt_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s = String::deserialize(d)?;
    if let Ok(n) = s.parse::<i64>() {
        return Ok(Some(n));
    }
    crate::dates::parse(&s)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom("createdAt bounds take ISO 8601 or unix seconds"))
}

/// Storage queries of event logs.
pub mod store {
    use super::*;

    /// One page of entries matching `f`, and the total.
    pub fn list(
        tx: &mut dyn Tx,
        f: &EventLogFilter,
        page: Page,
    ) -> ApiResult<(Vec<EventLog>, i64)> {
        let mut wh: Vec<String> = Vec::new();
        let mut vals: Vec<Param<'_>> = Vec::new();
        for (col, v) in [
            ("resource_id", &f.resource_id),
            ("resource", &f.resource),
            ("action", &f.action),
            ("actor_id", &f.actor_id),
        ] {
            if let Some(v) = v {
                vals.push(Param::Text(v));
                wh.push(format!("{col} = ?{}", vals.len()));
            }
        }
        if let Some(q) = &f.query {
            vals.push(Param::Text(q));
            let n = vals.len();
            wh.push(format!(
                "(resource_id = ?{n} OR resource = ?{n} OR action = ?{n} OR actor_id = ?{n})"
            ));
        }
        for (op, v) in [(">=", f.created_from), ("<=", f.created_to)] {
            if let Some(v) = v {
                vals.push(Param::Int(v));
                wh.push(format!("created_at {op} ?{}", vals.len()));
            }
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wh.join(" AND "))
        };
        let total = tx.count(
            &format!("SELECT COUNT(*) FROM event_logs{where_sql}"),
            &vals,
        )?;
        let order = if page.newest_first { "DESC" } else { "ASC" };
        let limit = page.limit.clamp(1, 100) as i64;
        let offset = (page.page.max(1) as i64 - 1) * limit;
        let sql = format!(
            "SELECT data FROM event_logs{where_sql} ORDER BY created_at {order}, rowid {order} LIMIT {limit} OFFSET {offset}"
        );
        Ok((tx.docs(&sql, &vals)?, total))
    }
}

/// One page of entries.
pub fn list(app: &App, f: &EventLogFilter, page: Page) -> ApiResult<(Vec<EventLog>, i64)> {
    app.store.read(|tx| store::list(tx, f, page))
}

/// Event log routes (read with `eventLog:read`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/event-logs", get(list_route))
        .route("/v3/event-logs/{id}", get(get_route))
}

async fn list_route(
    _: Admin<scope::EventLogRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<EventLogFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, &f, page)).await?)
}

async fn get_route(
    _: Admin<scope::EventLogRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let e: EventLog = st
        .app
        .run(move |app| super::get_doc(app, &id, "event log"))
        .await?;
    ok(&e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_changed_fields_only() {
        let b = serde_json::json!({"a": 1, "b": "x", "updatedAt": "t1", "gone": true});
        let a = serde_json::json!({"a": 2, "b": "x", "updatedAt": "t2", "new": null});
        let c = diff(&b, &a);
        let names: Vec<&str> = c.iter().map(|c| c.property_name.as_str()).collect();
        assert_eq!(names, ["a", "gone"]);
        assert_eq!(c[0].old_value, 1);
        assert_eq!(c[0].new_value, 2);
        assert_eq!(c[1].new_value, Value::Null);
    }

    #[test]
    fn actor_follows_the_context() {
        assert_eq!(current().0, Actor::Cli);
        let a = Acting::new("10.0.0.1".into());
        with_acting(Some(a.clone()), || {
            assert_eq!(current(), (Actor::Client, "10.0.0.1".to_owned()));
            a.set(Actor::Token {
                id: "t".into(),
                name: "n".into(),
            });
            assert!(matches!(current().0, Actor::Token { .. }));
        });
        assert_eq!(current().0, Actor::Cli);
    }
}
