//! Analytics: account and license stats, and activations and trial
//! activations per day and by OS, OS version, app version, VM and country.
//!
//! Admin (activation:read): `GET /v3/analytics/stats` (`AccountStatsDto`),
//! `GET /v3/analytics/activations[/os|/os-version|/app-version|/vm-name|/geo-location]`,
//! `GET /v3/analytics/trial-activations[/os|/os-version|/vm-name|/geo-location]`, each
//! with `productId`, `startDate`, `endDate` (and `licenseId` for
//! activations), answering the vendor's `ActivationsByDateDto`,
//! `ActivationsBy{Os,OsVersion,AppVersion,Vm,Country}Dto` lists; (license:read)
//! `GET /v3/analytics/licenses` (`LicenseStatsDto`).
//!
//! Every operation is a function of `&App` returning typed rows, so the
//! dashboard charts call the same code as the HTTP API. Counts are of the
//! activations and trials that exist (created in the range), grouped by
//! indexed columns (migration 5), never by decoding documents.

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiQuery};
use crate::http::{ok, AppState};
use crate::store::{Param, Tx};

/// Which records are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// License activations (`activations`).
    Activations,
    /// Trial activations (`trial_activations`).
    TrialActivations,
}

impl Source {
    fn table(self) -> &'static str {
        match self {
            Source::Activations => "activations",
            Source::TrialActivations => "trial_activations",
        }
    }
}

/// A grouping column of [`by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// `os` (answered as one of the vendor's OS names or `null`).
    Os,
    /// `osVersion`.
    OsVersion,
    /// `appVersion` (activations only: trials carry none).
    AppVersion,
    /// `vmName` ("" = not a VM).
    VmName,
    /// `countryCode`, as a trusted proxy named it (`serve
    /// --country-header`; "" = unknown).
    Country,
}

impl Dimension {
    fn column(self) -> &'static str {
        match self {
            Dimension::Os => "os",
            Dimension::OsVersion => "os_version",
            Dimension::AppVersion => "app_version",
            Dimension::VmName => "vm_name",
            Dimension::Country => "country",
        }
    }
}

/// Which records count: created in `[start, end)`, of a product and/or
/// license.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Range {
    /// Only this product's.
    pub product_id: Option<String>,
    /// Only this license's (activations only).
    pub license_id: Option<String>,
    /// From this time (unix seconds, inclusive).
    pub start: i64,
    /// Until this time (unix seconds, exclusive).
    pub end: i64,
}

/// Days are UTC days.
pub const DAY: i64 = 86_400;

/// The vendor's `ActivationsByDateDto`: activations made on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByDate {
    /// How many.
    pub activations: i64,
    /// The day (midnight UTC).
    #[serde(with = "crate::dates::iso")]
    pub activated_at: i64,
}

/// One group of [`by`]: its value and how many records have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The value ("" when the client sent none).
    pub value: String,
    /// How many.
    pub activations: i64,
}

/// The vendor's `ActivationsByOsDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByOs {
    /// How many.
    pub activations: i64,
    /// One of `windows`, `linux`, `macos`, `android`, `ios`; `null` for
    /// any other (the vendor's DTO takes no other value).
    pub os: Option<String>,
}

/// The vendor's `ActivationsByOsVersionDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByOsVersion {
    /// How many.
    pub activations: i64,
    /// OS version (`null` when none was sent).
    pub os_version: Option<String>,
}

/// The vendor's `ActivationsByAppVersionDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByAppVersion {
    /// How many.
    pub activations: i64,
    /// App version (`null` when none was sent).
    pub app_version: Option<String>,
}

/// The vendor's `ActivationsByVmDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByVm {
    /// How many.
    pub activations: i64,
    /// Hypervisor name; `null` for activations outside a VM.
    pub vm_name: Option<String>,
}

/// The vendor's `ActivationsByCountryDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ByCountry {
    /// How many.
    pub activations: i64,
    /// ISO 3166-1 alpha-2 code; `null` where no trusted proxy named one.
    pub country_code: Option<String>,
}

/// How far ahead a license counts as expiring soon in [`LicenseStats`].
pub const EXPIRING_SOON: i64 = 30 * DAY;

/// The vendor's `LicenseStatsDto`: licenses by state now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseStats {
    /// Neither revoked, suspended nor expired.
    pub active: i64,
    /// Expired (an expiry at or before now).
    pub expired: i64,
    /// Expiring within [`EXPIRING_SOON`] (30 days), not yet expired.
    pub expiring_soon: i64,
    /// Revoked.
    pub revoked: i64,
    /// Suspended.
    pub suspended: i64,
}

/// Licenses by state at the app's time: one pass over the licenses'
/// columns (migration 9), never their documents.
pub fn license_stats(app: &App) -> ApiResult<LicenseStats> {
    let now = app.now();
    app.store.read(|tx| store::license_stats(tx, now))
}

/// The vendor's `AccountStatsDto`: how many of each record exist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountStats {
    /// Products.
    pub products: i64,
    /// Licenses.
    pub licenses: i64,
    /// Activations.
    pub activations: i64,
    /// Trial activations.
    pub trial_activations: i64,
    /// Releases.
    pub releases: i64,
    /// Users (license owners).
    pub users: i64,
    /// Personal access tokens (openlex-server has no separate admin users).
    pub admins: i64,
    /// Always 0: openlex-server sends no e-mail.
    pub email_templates: i64,
}

/// Counts of every record.
pub fn stats(app: &App) -> ApiResult<AccountStats> {
    app.store.read(|tx| {
        let mut n = |t: &str| tx.count(&format!("SELECT COUNT(*) FROM {t}"), &[]);
        Ok(AccountStats {
            products: n("products")?,
            licenses: n("licenses")?,
            activations: n("activations")?,
            trial_activations: n("trial_activations")?,
            releases: n("releases")?,
            users: n("users")?,
            admins: n("admin_tokens")?,
            email_templates: 0,
        })
    })
}

fn where_clause<'a>(source: Source, range: &'a Range) -> ApiResult<(String, Vec<Param<'a>>)> {
    let mut vals: Vec<Param<'a>> = vec![Param::Int(range.start), Param::Int(range.end)];
    let mut sql = String::from(" WHERE created_at >= ?1 AND created_at < ?2");
    if let Some(p) = &range.product_id {
        vals.push(Param::Text(p));
        sql.push_str(&format!(" AND product_id = ?{}", vals.len()));
    }
    if let Some(l) = &range.license_id {
        if source == Source::TrialActivations {
            return Err(ApiError::validation(
                "licenseId does not apply to trial activations",
            ));
        }
        vals.push(Param::Text(l));
        sql.push_str(&format!(" AND license_id = ?{}", vals.len()));
    }
    Ok((sql, vals))
}

/// Records created per UTC day in the range, oldest first; days without
/// any are left out.
pub fn per_day(app: &App, source: Source, range: &Range) -> ApiResult<Vec<ByDate>> {
    app.store.read(|tx| store::per_day(tx, source, range))
}

/// Records created in the range grouped by `dim`, most first.
pub fn by(app: &App, source: Source, dim: Dimension, range: &Range) -> ApiResult<Vec<Group>> {
    if source == Source::TrialActivations && dim == Dimension::AppVersion {
        return Err(ApiError::validation(
            "trial activations carry no app version",
        ));
    }
    app.store.read(|tx| store::by(tx, source, dim, range))
}

const VENDOR_OS: [&str; 5] = ["windows", "linux", "macos", "android", "ios"];

/// [`by`] OS in the vendor's shape: OS names outside its list are counted
/// together under `null`.
pub fn by_os(app: &App, source: Source, range: &Range) -> ApiResult<Vec<ByOs>> {
    let mut out: Vec<ByOs> = Vec::new();
    let mut other = 0;
    for g in by(app, source, Dimension::Os, range)? {
        if VENDOR_OS.contains(&g.value.as_str()) {
            out.push(ByOs {
                activations: g.activations,
                os: Some(g.value),
            });
        } else {
            other += g.activations;
        }
    }
    if other > 0 {
        out.push(ByOs {
            activations: other,
            os: None,
        });
        out.sort_by_key(|g| std::cmp::Reverse(g.activations));
    }
    Ok(out)
}

fn nonempty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Storage queries of analytics.
pub mod store {
    use super::*;

    /// See [`per_day`](super::per_day).
    pub fn per_day(tx: &mut dyn Tx, source: Source, range: &Range) -> ApiResult<Vec<ByDate>> {
        let (wh, vals) = where_clause(source, range)?;
        tx.query_all(
            &format!(
                "SELECT (created_at / {DAY}) * {DAY}, COUNT(*) FROM {}{wh} GROUP BY 1 ORDER BY 1",
                source.table()
            ),
            &vals,
            |r| {
                Ok(ByDate {
                    activated_at: r.int(0)?,
                    activations: r.int(1)?,
                })
            },
        )
    }

    /// See [`license_stats`](super::license_stats).
    pub fn license_stats(tx: &mut dyn Tx, now: i64) -> ApiResult<LicenseStats> {
        let sum = |cond: &str| {
            format!("CAST(COALESCE(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), 0) AS BIGINT)")
        };
        let sql = format!(
            "SELECT {}, {}, {}, {}, {} FROM licenses",
            sum("revoked = 0 AND suspended = 0 AND (expires_at = 0 OR expires_at > ?1)"),
            sum("expires_at > 0 AND expires_at <= ?1"),
            sum("expires_at > ?1 AND expires_at <= ?2"),
            sum("revoked <> 0"),
            sum("suspended <> 0"),
        );
        let rows = tx.query_all(
            &sql,
            &[
                Param::Int(now),
                Param::Int(now.saturating_add(EXPIRING_SOON)),
            ],
            |r| {
                Ok(LicenseStats {
                    active: r.int(0)?,
                    expired: r.int(1)?,
                    expiring_soon: r.int(2)?,
                    revoked: r.int(3)?,
                    suspended: r.int(4)?,
                })
            },
        )?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }

    /// See [`by`](super::by).
    pub fn by(
        tx: &mut dyn Tx,
        source: Source,
        dim: Dimension,
        range: &Range,
    ) -> ApiResult<Vec<Group>> {
        let (wh, vals) = where_clause(source, range)?;
        let c = dim.column();
        tx.query_all(
            &format!(
                "SELECT {c}, COUNT(*) FROM {}{wh} GROUP BY {c} ORDER BY 2 DESC, 1",
                source.table()
            ),
            &vals,
            |r| {
                Ok(Group {
                    value: r.str(0)?.to_owned(),
                    activations: r.int(1)?,
                })
            },
        )
    }
}

/// Query of the analytics lists: the vendor's `productId`, `licenseId`,
/// `startDate`, `endDate` (ISO 8601 or unix seconds).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RangeQuery {
    /// Only this product's.
    pub product_id: Option<String>,
    /// Only this license's.
    pub license_id: Option<String>,
    /// From (inclusive); default 30 days before `endDate`.
    pub start_date: Option<String>,
    /// Until (inclusive to the second); default now.
    pub end_date: Option<String>,
}

/// The default span when no `startDate` is given.
pub const DEFAULT_SPAN: i64 = 30 * DAY;

impl RangeQuery {
    /// The typed range at `now`; 400 for a malformed date or an empty range.
    pub fn range(&self, now: i64) -> ApiResult<Range> {
        let date = |name: &str, v: &Option<String>| -> ApiResult<Option<i64>> {
            v.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    super::activation_logs::parse_time(s).ok_or_else(|| {
                        ApiError::validation(format!("{name}: expected an ISO 8601 date"))
                    })
                })
                .transpose()
        };
        let end = date("endDate", &self.end_date)?.map_or(now, |e| e) + 1;
        let start = date("startDate", &self.start_date)?.unwrap_or(end - DEFAULT_SPAN);
        if start >= end {
            return Err(ApiError::validation("startDate must be before endDate"));
        }
        Ok(Range {
            product_id: self.product_id.clone().filter(|s| !s.is_empty()),
            license_id: self.license_id.clone().filter(|s| !s.is_empty()),
            start,
            end,
        })
    }
}

/// Analytics routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/analytics/stats", get(stats_route))
        .route("/v3/analytics/licenses", get(license_stats_route))
        .route(
            "/v3/analytics/activations/geo-location",
            get(|a, s, q| group_route(a, s, q, Source::Activations, Dimension::Country)),
        )
        .route(
            "/v3/analytics/trial-activations/geo-location",
            get(|a, s, q| group_route(a, s, q, Source::TrialActivations, Dimension::Country)),
        )
        .route(
            "/v3/analytics/activations",
            get(|a, s, q| day_route(a, s, q, Source::Activations)),
        )
        .route(
            "/v3/analytics/trial-activations",
            get(|a, s, q| day_route(a, s, q, Source::TrialActivations)),
        )
        .route(
            "/v3/analytics/activations/os",
            get(|a, s, q| os_route(a, s, q, Source::Activations)),
        )
        .route(
            "/v3/analytics/trial-activations/os",
            get(|a, s, q| os_route(a, s, q, Source::TrialActivations)),
        )
        .route(
            "/v3/analytics/activations/os-version",
            get(|a, s, q| group_route(a, s, q, Source::Activations, Dimension::OsVersion)),
        )
        .route(
            "/v3/analytics/trial-activations/os-version",
            get(|a, s, q| group_route(a, s, q, Source::TrialActivations, Dimension::OsVersion)),
        )
        .route(
            "/v3/analytics/activations/app-version",
            get(|a, s, q| group_route(a, s, q, Source::Activations, Dimension::AppVersion)),
        )
        .route(
            "/v3/analytics/activations/vm-name",
            get(|a, s, q| group_route(a, s, q, Source::Activations, Dimension::VmName)),
        )
        .route(
            "/v3/analytics/trial-activations/vm-name",
            get(|a, s, q| group_route(a, s, q, Source::TrialActivations, Dimension::VmName)),
        )
}

type Reader = Admin<scope::ActivationRead>;

async fn stats_route(_: Reader, State(st): State<AppState>) -> ApiResult<Response> {
    ok(&st.app.run(stats).await?)
}

async fn license_stats_route(
    _: Admin<scope::LicenseRead>,
    State(st): State<AppState>,
) -> ApiResult<Response> {
    ok(&st.app.run(license_stats).await?)
}

async fn day_route(
    _: Reader,
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<RangeQuery>,
    source: Source,
) -> ApiResult<Response> {
    let rows = st
        .app
        .run(move |app| per_day(app, source, &q.range(app.now())?))
        .await?;
    ok(&rows)
}

async fn os_route(
    _: Reader,
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<RangeQuery>,
    source: Source,
) -> ApiResult<Response> {
    let rows = st
        .app
        .run(move |app| by_os(app, source, &q.range(app.now())?))
        .await?;
    ok(&rows)
}

async fn group_route(
    _: Reader,
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<RangeQuery>,
    source: Source,
    dim: Dimension,
) -> ApiResult<Response> {
    let groups = st
        .app
        .run(move |app| by(app, source, dim, &q.range(app.now())?))
        .await?;
    let rows: Vec<serde_json::Value> = groups
        .into_iter()
        .map(|g| {
            let (activations, value) = (g.activations, nonempty(g.value));
            let body = match dim {
                Dimension::OsVersion => serde_json::to_value(ByOsVersion {
                    activations,
                    os_version: value,
                }),
                Dimension::AppVersion => serde_json::to_value(ByAppVersion {
                    activations,
                    app_version: value,
                }),
                Dimension::Country => serde_json::to_value(ByCountry {
                    activations,
                    country_code: value,
                }),
                Dimension::VmName | Dimension::Os => serde_json::to_value(ByVm {
                    activations,
                    vm_name: value,
                }),
            };
            body.map_err(ApiError::from)
        })
        .collect::<ApiResult<_>>()?;
    ok(&rows)
}
