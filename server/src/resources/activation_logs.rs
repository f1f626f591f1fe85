//! Activation logs: one row per activation, sync and deactivation attempt on
//! the client endpoints, successful or refused.
//!
//! Admin: `GET /v3/activation-logs[?licenseId=&productId=&createdAt[gte]=..]`,
//! `GET /v3/activation-logs/{id}` (activation:read), answered with the
//! vendor's `ActivationLogDto` plus `errorCode`, `productId`,
//! `activationId` and `licenseKey`.
//!
//! How a row is written, so logging never slows an activation down nor
//! loses an attempt:
//!
//! * **Successes** insert their row inside the unit of work that made the
//!   change ([`record`]): the same transaction, the same commit (and, on
//!   SQLite, the same group-commit fsync), so the row exists exactly when the
//!   change does.
//! * **Refusals** roll their unit of work back, so their row is one small
//!   separate write after it ([`record_refusal`]), made before the refusal
//!   is answered. It joins the next group commit like any write. No buffer
//!   in memory: a buffered writer would lose rows on a crash, and the
//!   separate write costs a refused request what a successful one costs.
//!   If that write fails (the database is down), the refusal is still
//!   answered and the failure goes to stderr.
//!
//! Rows are plain columns, not JSON documents: they are many (10 million
//! in the scale bench), never change, and are read in pages by license,
//! product or time through three indexes.

use std::net::IpAddr;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use openlex_wire::requests::{ActivationRequest, DeactivationRequest};
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiQuery, Paging};
use crate::http::{list_response, ok, AppState};
use crate::params;
use crate::store::{Page, Param, Row, Tx};

/// What the client tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// `POST /v3/activations`.
    Activation,
    /// `PATCH /v3/activations/{id}` (heartbeat, meter and lease renewal).
    Sync,
    /// `POST /v3/activations/{id}/deactivate` or the legacy `DELETE`.
    Deactivation,
}

impl Action {
    /// The stored and answered name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Activation => "activation",
            Action::Sync => "sync",
            Action::Deactivation => "deactivation",
        }
    }

    fn parse(s: &str) -> Action {
        match s {
            "sync" => Action::Sync,
            "deactivation" => Action::Deactivation,
            _ => Action::Activation,
        }
    }
}

/// One client call as the log sees it, built by the route from the request
/// before the operation runs. The license is filled in by [`record`] (which
/// knows it) or looked up by [`record_refusal`].
#[derive(Debug, Clone, Default)]
pub struct Attempt {
    /// What was tried (`None` only in `Default`).
    pub action: Option<Action>,
    /// The client's address (through trusted proxies).
    pub ip_address: String,
    /// The license key presented (activation and sync).
    pub license_key: String,
    /// The product id presented.
    pub product_id: String,
    /// The activation named in the path (sync, deactivation).
    pub activation_id: String,
    /// OS as the client sent it (lower case).
    pub os: String,
    /// OS version.
    pub os_version: String,
    /// App version.
    pub app_version: String,
    /// Host name.
    pub hostname: String,
    /// Hypervisor name; non-empty means a VM.
    pub vm_name: String,
    /// In a container.
    pub container: bool,
}

impl Attempt {
    /// An activation request.
    pub fn activation(req: &ActivationRequest, ip: IpAddr) -> Self {
        Self::from_request(Action::Activation, "", req, ip)
    }

    /// A sync of activation `id`.
    pub fn sync(id: &str, req: &ActivationRequest, ip: IpAddr) -> Self {
        Self::from_request(Action::Sync, id, req, ip)
    }

    /// A deactivation of `id` (the legacy `DELETE` has no body).
    pub fn deactivation(id: &str, req: Option<&DeactivationRequest>, ip: IpAddr) -> Self {
        Attempt {
            action: Some(Action::Deactivation),
            ip_address: ip.to_string(),
            activation_id: id.to_owned(),
            product_id: req.map(|r| r.product_id.clone()).unwrap_or_default(),
            os: req.map(|r| r.os.to_ascii_lowercase()).unwrap_or_default(),
            ..Default::default()
        }
    }

    fn from_request(action: Action, id: &str, req: &ActivationRequest, ip: IpAddr) -> Self {
        Attempt {
            action: Some(action),
            ip_address: ip.to_string(),
            license_key: req.key.clone(),
            product_id: req.product_id.clone(),
            activation_id: id.to_owned(),
            os: req.os.to_ascii_lowercase(),
            os_version: req.os_version.clone(),
            app_version: req.app_version.clone(),
            hostname: req.hostname.clone(),
            vm_name: req.vm_name.clone(),
            container: req.container,
        }
    }
}

/// The license an attempt acted on, as far as it is known.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    /// License id ("" when unknown: a wrong key).
    pub license_id: &'a str,
    /// License key ("" keeps the presented one).
    pub license_key: &'a str,
    /// Product id ("" keeps the presented one).
    pub product_id: &'a str,
    /// Activation id ("" keeps the one in the path).
    pub activation_id: &'a str,
}

/// The vendor's `GeoLocationDto`, of which only the address is known
/// (openlex-server does no geo-IP lookup).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// The client's address.
    pub ip_address: String,
}

/// One row: the vendor's `ActivationLogDto` plus what it does not carry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationLog {
    /// Log id (a version 7 UUID carrying the creation time).
    pub id: String,
    /// When the attempt was made.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Equal to `createdAt` (rows never change).
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
    /// `activation`, `sync` or `deactivation`.
    pub action: String,
    /// `null` when it succeeded, else the error code answered
    /// (`ACTIVATION_LIMIT_REACHED`, `INVALID_LICENSE_KEY`, ...).
    pub error_code: Option<String>,
    /// One of the vendor's OS names (`windows`, `linux`, `macos`,
    /// `android`, `ios`), else `null` (its DTO takes no other value).
    pub os: Option<String>,
    /// OS version.
    pub os_version: String,
    /// Host name.
    pub hostname: String,
    /// Hypervisor name ("" when not a VM).
    pub vm_name: String,
    /// In a container.
    pub container: bool,
    /// App version.
    pub app_version: String,
    /// License id; `null` when the key matched no license.
    pub license_id: Option<String>,
    /// License key (the one presented when no license matched).
    pub license_key: String,
    /// Product id.
    pub product_id: String,
    /// Activation id (the one made, synced or deactivated); "" when none.
    pub activation_id: String,
    /// The client's address.
    pub location: Location,
}

const VENDOR_OS: [&str; 5] = ["windows", "linux", "macos", "android", "ios"];

const COLUMNS: &str = "id, created_at, action, error_code, license_id, license_key, product_id, \
     activation_id, os, os_version, app_version, hostname, vm_name, container, ip_address";

impl ActivationLog {
    fn from_row(r: &dyn Row) -> ApiResult<Self> {
        let created_at = r.int(1)?;
        let text = |i| -> ApiResult<String> { Ok(r.str(i)?.to_owned()) };
        let os = text(8)?;
        let error_code = text(3)?;
        let license_id = text(4)?;
        Ok(ActivationLog {
            id: text(0)?,
            created_at,
            updated_at: created_at,
            action: Action::parse(r.str(2)?).as_str().to_owned(),
            error_code: (!error_code.is_empty()).then_some(error_code),
            license_id: (!license_id.is_empty()).then_some(license_id),
            license_key: text(5)?,
            product_id: text(6)?,
            activation_id: text(7)?,
            os: VENDOR_OS.contains(&os.as_str()).then_some(os),
            os_version: text(9)?,
            app_version: text(10)?,
            hostname: text(11)?,
            vm_name: text(12)?,
            container: r.int(13)? != 0,
            location: Location {
                ip_address: text(14)?,
            },
        })
    }
}

/// A time-ordered (version 7 layout) UUID whose first 48 bits are the
/// creation time in milliseconds: the row is found by id through the time
/// index ([`get_one`]), so `id` needs no index of its own.
fn time_ordered_id(now: i64) -> String {
    crate::ids::uuid_v7((now.max(0) as u64).wrapping_mul(1000))
}

/// Longest text kept per field: a refused request may carry fields its
/// validation rejected (up to the 64 KiB body), which the log bounds.
pub const FIELD_MAX: usize = 256;

/// A field as stored: at most [`FIELD_MAX`] bytes (cut at a character
/// boundary) and NUL replaced (PostgreSQL text cannot hold it), so a
/// refusal of hostile input is still logged on every engine.
fn clean(v: &str) -> String {
    let mut end = v.len().min(FIELD_MAX);
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    v[..end].replace('\0', "\u{fffd}")
}

/// Writes the attempt's row in `tx`: inside the unit of work of a success,
/// or alone for a refusal. `error`: the code answered, `None` on success.
pub fn record(
    tx: &mut dyn Tx,
    now: i64,
    attempt: &Attempt,
    subject: Subject<'_>,
    error: Option<&ApiError>,
) -> ApiResult<()> {
    let or = |a: &str, b: &str| -> String {
        if a.is_empty() {
            b.to_owned()
        } else {
            a.to_owned()
        }
    };
    let id = time_ordered_id(now);
    let action = attempt.action.unwrap_or(Action::Activation).as_str();
    let code = error.map(|e| e.code.as_str()).unwrap_or("");
    let key = clean(&or(subject.license_key, &attempt.license_key));
    let product = clean(&or(subject.product_id, &attempt.product_id));
    let activation = clean(&or(subject.activation_id, &attempt.activation_id));
    let (os, os_version, app_version, hostname, vm_name) = (
        clean(&attempt.os),
        clean(&attempt.os_version),
        clean(&attempt.app_version),
        clean(&attempt.hostname),
        clean(&attempt.vm_name),
    );
    tx.execute(
        &format!(
            "INSERT INTO activation_logs ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        ),
        params![
            &id,
            now,
            action,
            code,
            subject.license_id,
            &key,
            &product,
            &activation,
            &os,
            &os_version,
            &app_version,
            &hostname,
            &vm_name,
            attempt.container as i64,
            &attempt.ip_address
        ],
    )?;
    Ok(())
}

/// Records a refused attempt in its own small unit of work, naming the
/// license when the key or the activation identifies one. A failure to
/// write is reported on stderr and does not change the answer.
pub fn record_refusal(app: &App, attempt: &Attempt, error: &ApiError) {
    if !app.activation_log {
        return;
    }
    let now = app.now();
    // Looked up as stored: hostile input (NUL) must not fail the lookups.
    let (presented_key, activation_id) =
        (clean(&attempt.license_key), clean(&attempt.activation_id));
    let written = app.store.write(|tx| {
        let (mut license_id, mut key, mut product) = (String::new(), String::new(), String::new());
        if !activation_id.is_empty() {
            if let Some((l, p)) = tx.query_opt(
                "SELECT license_id, product_id FROM activations WHERE id = ?1",
                params![&activation_id],
                |r| Ok((r.str(0)?.to_owned(), r.str(1)?.to_owned())),
            )? {
                (license_id, product) = (l, p);
            }
        }
        if license_id.is_empty() && !presented_key.is_empty() {
            if let Some((l, p)) = tx.query_opt(
                "SELECT id, product_id FROM licenses WHERE key = ?1",
                params![&presented_key],
                |r| Ok((r.str(0)?.to_owned(), r.str(1)?.to_owned())),
            )? {
                (license_id, product) = (l, p);
            }
        } else if !license_id.is_empty() {
            key = tx
                .query_opt(
                    "SELECT key FROM licenses WHERE id = ?1",
                    params![&license_id],
                    |r| Ok(r.str(0)?.to_owned()),
                )?
                .unwrap_or_default();
        }
        // Unknown license: the product presented is kept (by `record`).
        record(
            tx,
            now,
            attempt,
            Subject {
                license_id: &license_id,
                license_key: &key,
                product_id: &product,
                activation_id: "",
            },
            Some(error),
        )
    });
    if let Err(e) = written {
        eprintln!("openlex-server: activation log not written: {e}");
    }
}

/// Filters of a log list; every one optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    /// Rows of this license.
    pub license_id: Option<String>,
    /// Rows of this product.
    pub product_id: Option<String>,
    /// Rows at or after this time (unix seconds).
    pub from: Option<i64>,
    /// Rows strictly before this time (unix seconds).
    pub until: Option<i64>,
}

/// `X-Total-Count` of a log list is exact up to this many rows and says
/// this many beyond: counting ten million rows for a header would cost
/// more than the page.
pub const COUNT_CAP: i64 = 10_000;

/// One page of log rows matching `filter` and their count (capped at
/// [`COUNT_CAP`]).
pub fn list(app: &App, filter: &LogFilter, page: Page) -> ApiResult<(Vec<ActivationLog>, i64)> {
    app.store.read(|tx| store::list(tx, filter, page))
}

/// The creation time (unix seconds) a log id carries (see
/// [`time_ordered_id`]); `None` for a string that is no such id.
fn id_time(id: &str) -> Option<i64> {
    let u = uuid::Uuid::parse_str(id).ok()?;
    if u.get_version_num() != 7 {
        return None;
    }
    let b = u.as_bytes();
    let mut ms = [0u8; 8];
    ms[2..].copy_from_slice(&b[..6]);
    Some((u64::from_be_bytes(ms) / 1000) as i64)
}

/// One row by id, or 404. The table has no index on `id`: the id carries
/// its creation time, so the row is found through the time index.
pub fn get_one(app: &App, id: &str) -> ApiResult<ActivationLog> {
    let missing = || ApiError::not_found("activation log");
    let at = id_time(id).ok_or_else(missing)?;
    app.store.read(|tx| {
        tx.query_opt(
            &format!("SELECT {COLUMNS} FROM activation_logs WHERE created_at = ?1 AND id = ?2"),
            params![at, id],
            ActivationLog::from_row,
        )?
        .ok_or_else(missing)
    })
}

/// Storage queries of activation logs.
pub mod store {
    use super::*;

    /// One page and the capped count.
    pub fn list(
        tx: &mut dyn Tx,
        filter: &LogFilter,
        page: Page,
    ) -> ApiResult<(Vec<ActivationLog>, i64)> {
        let mut wh: Vec<String> = Vec::new();
        let mut vals: Vec<Param<'_>> = Vec::new();
        if let Some(l) = &filter.license_id {
            vals.push(Param::Text(l));
            wh.push(format!("license_id = ?{}", vals.len()));
        }
        if let Some(p) = &filter.product_id {
            vals.push(Param::Text(p));
            wh.push(format!("product_id = ?{}", vals.len()));
        }
        if let Some(t) = filter.from {
            vals.push(Param::Int(t));
            wh.push(format!("created_at >= ?{}", vals.len()));
        }
        if let Some(t) = filter.until {
            vals.push(Param::Int(t));
            wh.push(format!("created_at < ?{}", vals.len()));
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wh.join(" AND "))
        };
        let total = tx.count(
            &format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM activation_logs{where_sql} LIMIT {COUNT_CAP}) AS capped"
            ),
            &vals,
        )?;
        let order = if page.newest_first { "DESC" } else { "ASC" };
        let limit = page.limit.clamp(1, 100) as i64;
        let offset = (page.page.max(1) as i64 - 1) * limit;
        // Rows picked from the index alone, then read (deep pages skip
        // index entries only).
        let rows = tx.query_all(
            &format!(
                "SELECT {COLUMNS} FROM activation_logs WHERE rowid IN (SELECT rowid FROM activation_logs{where_sql} ORDER BY created_at {order}, rowid {order} LIMIT {limit} OFFSET {offset}) ORDER BY created_at {order}, rowid {order}"
            ),
            &vals,
            ActivationLog::from_row,
        )?;
        Ok((rows, total))
    }
}

/// Query of `GET /v3/activation-logs`: the vendor's filters
/// (`licenseId`, `productId`, `createdAt` as a date or
/// `createdAt[gt|gte|lt|lte]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LogQuery {
    /// By license.
    #[serde(alias = "licenseId[eq]")]
    pub license_id: Option<String>,
    /// By product.
    #[serde(alias = "productId[eq]")]
    pub product_id: Option<String>,
    /// The other query keys (`createdAt[..]`, and the vendor's `query`,
    /// which is refused).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

impl LogQuery {
    /// The typed filter; 400 for a malformed date or an unsupported filter.
    pub fn filter(&self) -> ApiResult<LogFilter> {
        super::reject_unsupported_filters(&self.rest, &["query"])?;
        let mut f = LogFilter {
            license_id: self.license_id.clone(),
            product_id: self.product_id.clone(),
            ..Default::default()
        };
        for (k, v) in &self.rest {
            let op = match k.as_str() {
                "createdAt" | "createdAt[eq]" => "eq",
                "createdAt[gt]" => "gt",
                "createdAt[gte]" => "gte",
                "createdAt[lt]" => "lt",
                "createdAt[lte]" => "lte",
                _ if k.starts_with("createdAt") => {
                    return Err(ApiError::validation(format!(
                        "filter `{k}`: createdAt takes eq, gt, gte, lt or lte"
                    )))
                }
                _ => continue,
            };
            let t = parse_time(v)
                .ok_or_else(|| ApiError::validation(format!("{k}: expected an ISO 8601 date")))?;
            let (from, until) = match op {
                "eq" => (Some(t), Some(t + 1)),
                "gt" => (Some(t + 1), None),
                "gte" => (Some(t), None),
                "lt" => (None, Some(t)),
                _ => (None, Some(t + 1)),
            };
            if let Some(a) = from {
                f.from = Some(f.from.map_or(a, |b: i64| b.max(a)));
            }
            if let Some(a) = until {
                f.until = Some(f.until.map_or(a, |b: i64| b.min(a)));
            }
        }
        Ok(f)
    }
}

/// An ISO 8601 date or unix seconds.
pub fn parse_time(v: &str) -> Option<i64> {
    crate::dates::parse(v).or_else(|| v.trim().parse().ok())
}

/// Activation log routes.
pub fn routes() -> axum::Router<AppState> {
    Router::new()
        .route("/v3/activation-logs", get(list_route))
        .route("/v3/activation-logs/{id}", get(get_route))
}

async fn list_route(
    _: Admin<scope::ActivationRead>,
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<LogQuery>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    let filter = q.filter()?;
    list_response(st.app.run(move |app| list(app, &filter, page)).await?)
}

async fn get_route(
    _: Admin<scope::ActivationRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| get_one(app, &id)).await?)
}
