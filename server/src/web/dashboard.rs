//! The staff dashboard under `/dashboard`: sign-in, the overview, and a page
//! per resource whose forms call that resource's operations.

use std::collections::HashSet;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

use super::sessions::{self, Kind, Session};
use super::staff::{self, Action, Staff};
use super::{
    chart, check_csrf, cookie, csrf_field, date_field, day, html_page, int_field, layout, pre_csrf,
    see_other, set_cookie, when, Form, Nav, Query, WebError, WebResult, PRE_CSRF,
};
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::http::forwarded::ClientAddr;
use crate::http::AppState;
use crate::params;
use crate::resources::access_tokens::{self, AdminToken, TokenCreate};
use crate::resources::activation_logs::{self, ActivationLog, LogFilter};
use crate::resources::activations::Activation;
use crate::resources::event_logs::{self, Actor, EventLog, EventLogFilter, Resource};
use crate::resources::license_policies::{self, LicensePolicy, LicensePolicyFields};
use crate::resources::licenses::{self, License, LicenseCreate, LicenseFields, LicenseView};
use crate::resources::products::{self, Product, ProductCreate, ProductFields};
use crate::resources::releases::{self, ReleaseCreate, ReleaseFields, ReleaseRec};
use crate::resources::trial_policies::{self, TrialPolicy, TrialPolicyFields};
use crate::resources::trials::{self, TrialActivation};
use crate::resources::users::{self, User, UserCreate, UserFields};
use crate::resources::webhooks::{self, Webhook, WebhookFields};
use crate::resources::{accounts, delete_doc};
use crate::store::Page;

/// The staff session cookie.
pub const COOKIE: &str = "olx_staff";
const SIGN_IN: &str = "/dashboard/sign-in";

/// Dashboard routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(overview))
        .route(SIGN_IN, get(sign_in_page).post(sign_in))
        .route("/dashboard/sign-out", post(sign_out))
        .route(
            "/dashboard/licenses",
            get(licenses_page).post(license_create),
        )
        .route("/dashboard/licenses/new", get(license_new))
        .route("/dashboard/licenses/{id}", get(license_page))
        .route("/dashboard/licenses/{id}/{action}", post(license_action))
        .route("/dashboard/activations", get(activations_page))
        .route("/dashboard/activations/{id}/free", post(free_seat))
        .route(
            "/dashboard/products",
            get(products_page).post(product_create),
        )
        .route("/dashboard/products/{id}", get(product_page))
        .route("/dashboard/products/{id}/{action}", post(product_action))
        .route(
            "/dashboard/policies",
            get(policies_page).post(policy_create),
        )
        .route("/dashboard/policies/{id}/{action}", post(policy_action))
        .route("/dashboard/trial-policies", post(trial_policy_create))
        .route(
            "/dashboard/trial-policies/{id}/delete",
            post(trial_policy_delete),
        )
        .route("/dashboard/trials", get(trials_page))
        .route("/dashboard/trials/{id}/{action}", post(trial_action))
        .route("/dashboard/users", get(users_page).post(user_create))
        .route("/dashboard/users/{id}", get(user_page))
        .route("/dashboard/users/{id}/{action}", post(user_action))
        .route(
            "/dashboard/releases",
            get(releases_page).post(release_create),
        )
        .route("/dashboard/releases/{id}", get(release_page))
        .route("/dashboard/releases/{id}/edit", post(release_edit))
        .route("/dashboard/releases/{id}/{action}", post(release_action))
        .route("/dashboard/events", get(events_page))
        .route(
            "/dashboard/webhooks",
            get(webhooks_page).post(webhook_create),
        )
        .route("/dashboard/webhooks/{id}", get(webhook_page))
        .route("/dashboard/webhooks/{id}/edit", post(webhook_edit))
        .route("/dashboard/webhooks/{id}/{action}", post(webhook_action))
        .route("/dashboard/tokens", get(tokens_page).post(token_create))
        .route("/dashboard/tokens/{id}/delete", post(token_delete))
}

/// A signed-in staff member and their session.
pub struct StaffSession {
    /// The account.
    pub staff: Staff,
    /// The session (its CSRF token).
    pub session: Session,
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, WebError> {
        let acting = |staff: &Staff| Actor::Staff {
            id: staff.id.clone(),
            email: staff.email.clone(),
        };
        sessions::signed_in(&st.app, &parts.headers, COOKIE, Kind::Staff, acting)
            .await?
            .map(|(staff, session)| StaffSession { staff, session })
            .ok_or(WebError::SignIn(SIGN_IN))
    }
}

impl StaffSession {
    /// The CSRF check and the role check of a form post.
    fn allow(&self, csrf: &str, action: Action) -> WebResult<()> {
        check_csrf(&self.session.csrf, csrf)?;
        self.staff.role.require(action)?;
        Ok(())
    }

    fn may(&self, action: Action) -> bool {
        self.staff.role.may(action)
    }

    fn csrf(&self) -> Markup {
        csrf_field(&self.session.csrf)
    }

    /// A whole dashboard page.
    fn page(&self, title: &str, notice: Option<&str>, body: Markup) -> Response {
        let who = format!("{} ({})", self.staff.email, self.staff.role.as_str());
        let nav = Nav {
            links: &[
                ("/dashboard", "Overview"),
                ("/dashboard/licenses", "Licenses"),
                ("/dashboard/products", "Products"),
                ("/dashboard/policies", "Policies"),
                ("/dashboard/activations", "Activations"),
                ("/dashboard/trials", "Trials"),
                ("/dashboard/users", "Users"),
                ("/dashboard/releases", "Releases"),
                ("/dashboard/webhooks", "Webhooks"),
                ("/dashboard/events", "Event log"),
                ("/dashboard/tokens", "Tokens"),
            ],
            who: &who,
            sign_out: "/dashboard/sign-out",
            csrf: &self.session.csrf,
        };
        html_page(
            layout(
                title,
                Some(&nav),
                html! {
                    @if let Some(n) = notice { p.notice role="status" { (n) } }
                    (body)
                },
            ),
            Vec::new(),
        )
    }
}

/// Runs an operation on the blocking pool.
async fn run<R: Send + 'static>(
    st: &AppState,
    f: impl FnOnce(&App) -> ApiResult<R> + Send + 'static,
) -> WebResult<R> {
    Ok(st.app.run(f).await?)
}

/// `?notice=` after a form post.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Notice {
    notice: Option<String>,
    q: String,
}

/// A form with only the CSRF token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CsrfOnly {
    csrf: String,
}

const FIRST_100: Page = Page {
    page: 1,
    limit: 100,
    newest_first: true,
};

// ---- sign-in ----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignInForm {
    csrf: String,
    email: String,
    password: String,
    code: String,
}

fn sign_in_markup(csrf: &str, email: &str, error: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        html! {
            section.signin {
                h1 { "OpenLex dashboard" }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action=(SIGN_IN) {
                    (csrf_field(csrf))
                    label { "Email" input type="email" name="email" value=(email) required autocomplete="username"; }
                    label { "Password" input type="password" name="password" required autocomplete="current-password"; }
                    label { "Two-factor code (if enabled)" input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*"; }
                    button type="submit" { "Sign in" }
                }
            }
        },
    )
}

async fn sign_in_page(headers: HeaderMap) -> Response {
    let (csrf, set) = pre_csrf(&headers);
    html_page(sign_in_markup(&csrf, "", None), set.into_iter().collect())
}

async fn sign_in(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> WebResult {
    check_csrf(cookie(&headers, PRE_CSRF).unwrap_or(""), &f.csrf)?;
    let code = Some(f.code.trim()).filter(|c| !c.is_empty());
    match staff::authenticate(&st.app, &f.email, &f.password, code, source).await {
        Ok(s) => {
            let id = s.id.clone();
            let (secret, _) = run(&st, move |app| sessions::start(app, Kind::Staff, &id)).await?;
            let mut r = see_other("/dashboard");
            r.headers_mut().append(
                axum::http::header::SET_COOKIE,
                set_cookie(COOKIE, &secret, None),
            );
            Ok(r)
        }
        Err(e) => {
            let status = axum::http::StatusCode::from_u16(e.status())
                .unwrap_or(axum::http::StatusCode::UNAUTHORIZED);
            let mut r = html_page(sign_in_markup(&f.csrf, &f.email, Some(&e.message)), vec![]);
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

async fn sign_out(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    check_csrf(&s.session.csrf, &f.csrf)?;
    let hash = s.session.token_hash.clone();
    run(&st, move |app| sessions::end(app, &hash)).await?;
    let mut r = see_other(SIGN_IN);
    r.headers_mut().append(
        axum::http::header::SET_COOKIE,
        set_cookie(COOKIE, "", Some(0)),
    );
    Ok(r)
}

// ---- overview ----

struct Overview {
    counts: Vec<(&'static str, &'static str, i64)>,
    activations: Vec<i64>,
    trials: Vec<i64>,
    first_day: i64,
}

async fn overview(State(st): State<AppState>, s: StaffSession) -> WebResult {
    let o = run(&st, |app| {
        let now = app.now();
        app.store.read(|tx| {
            let mut counts = Vec::new();
            for (label, href, table) in [
                ("Products", "/dashboard/products", "products"),
                ("Licenses", "/dashboard/licenses", "licenses"),
                ("Activations", "/dashboard/activations", "activations"),
                ("Trials", "/dashboard/trials", "trial_activations"),
                ("Users", "/dashboard/users", "users"),
                ("Releases", "/dashboard/releases", "releases"),
            ] {
                counts.push((label, href, chart::count(tx, table)?));
            }
            Ok(Overview {
                counts,
                activations: chart::per_day(tx, "activations", now)?,
                trials: chart::per_day(tx, "trial_activations", now)?,
                first_day: now.div_euclid(86_400) * 86_400 - (chart::DAYS - 1) * 86_400,
            })
        })
    })
    .await?;
    Ok(s.page(
        "Overview",
        None,
        html! {
            h1 { "Overview" }
            ul.cards {
                @for (label, href, n) in &o.counts {
                    li { a href=(href) { span.count { (n) } span { (label) } } }
                }
            }
            h2 { "Activations and trials per day (last " (chart::DAYS) " days, UTC)" }
            figure { (chart::svg(&o.activations, &o.trials, o.first_day)) }
            p.muted { "Counts of current activations and trial activations by the day they were created." }
            form.search method="get" action="/dashboard/licenses" {
                label { "Find a license by key, user e-mail or metadata"
                    input type="search" name="q" required; }
                button type="submit" { "Search" }
            }
        },
    ))
}

// ---- licenses ----

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Licenses whose key is or contains `q`, whose user's e-mail is `q`, or
/// whose metadata key or value contains `q` (case-insensitive); at most 100.
fn search(app: &App, q: &str) -> ApiResult<Vec<LicenseView>> {
    let q = q.trim();
    let ql = q.to_lowercase();
    let now = app.now();
    app.store.read(|tx| {
        let mut found: Vec<License> = Vec::new();
        if let Some(l) = licenses::store::by_key(tx, q)? {
            found.push(l);
        }
        if ql.contains('@') {
            if let Some(u) = accounts::store::user_by_email(tx, &ql)? {
                found.extend(licenses::store::of_user(tx, &u.id)?);
            }
        }
        let pattern = format!("%{}%", escape_like(&ql));
        let candidates: Vec<License> = tx.docs(
            "SELECT data FROM licenses WHERE LOWER(key) LIKE ?1 ESCAPE '\\' OR LOWER(data) LIKE ?1 ESCAPE '\\' ORDER BY created_at DESC LIMIT 500",
            params![&pattern],
        )?;
        for l in candidates {
            let hit = l.key.to_lowercase().contains(&ql)
                || l.metadata.iter().any(|m| {
                    m.key.to_lowercase().contains(&ql) || m.value.to_lowercase().contains(&ql)
                });
            if hit {
                found.push(l);
            }
        }
        let mut seen = HashSet::new();
        found.retain(|l| seen.insert(l.id.clone()));
        found.truncate(100);
        found
            .into_iter()
            .map(|l| licenses::view(tx, l, now))
            .collect()
    })
}

fn status(l: &License, now: i64) -> Markup {
    html! {
        @if l.revoked { span.badge.bad { "revoked" } " " }
        @if l.suspended { span.badge.warn { "suspended" } " " }
        @if l.expires_at != 0 && l.expires_at <= now { span.badge.warn { "expired" } " " }
        @if !l.revoked && !l.suspended && (l.expires_at == 0 || l.expires_at > now) { span.badge.good { "active" } }
    }
}

fn seats(allowed: i64, used: i64) -> String {
    if allowed <= 0 {
        format!("{used} / unlimited")
    } else {
        format!("{used} / {allowed}")
    }
}

fn license_table(list: &[LicenseView], now: i64) -> Markup {
    html! {
        div.table-wrap { table {
            thead { tr { th { "Key" } th { "Status" } th { "Seats" } th { "Expires" } th { "Created" } } }
            tbody {
                @for v in list {
                    tr {
                        td { a.mono href={"/dashboard/licenses/" (v.license.id)} { (v.license.key) } }
                        td { (status(&v.license, now)) }
                        td { (seats(v.license.allowed_activations, v.total_activations)) }
                        td { (when(v.license.expires_at)) }
                        td { (when(v.license.created_at)) }
                    }
                }
                @if list.is_empty() { tr { td colspan="5" { "No licenses." } } }
            }
        } }
    }
}

async fn licenses_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let q = n.q.clone();
    let (list, now) = run(&st, move |app| {
        let list = if q.trim().is_empty() {
            licenses::list(app, &Default::default(), FIRST_100)?.0
        } else {
            search(app, &q)?
        };
        Ok((list, app.now()))
    })
    .await?;
    Ok(s.page(
        "Licenses",
        n.notice.as_deref(),
        html! {
            h1 { "Licenses" }
            form.search method="get" action="/dashboard/licenses" {
                label { "Key, user e-mail or metadata" input type="search" name="q" value=(n.q); }
                button type="submit" { "Search" }
            }
            @if s.may(Action::Write) { p { a.button href="/dashboard/licenses/new" { "New license" } } }
            @if n.q.trim().is_empty() { p.muted { "The 100 newest licenses." } }
            @else { p.muted { (list.len()) " found for “" (n.q) "”." } }
            (license_table(&list, now))
        },
    ))
}

async fn license_new(State(st): State<AppState>, s: StaffSession) -> WebResult {
    let (products, policies) = run(&st, |app| {
        Ok((
            products::list(app, &Default::default(), FIRST_100)?.0,
            license_policies::list(app, &Default::default(), FIRST_100)?.0,
        ))
    })
    .await?;
    Ok(s.page(
        "New license",
        None,
        html! {
            h1 { "New license" }
            @if products.is_empty() { p.error { "Create a product first." } }
            form.stack method="post" action="/dashboard/licenses" {
                (s.csrf())
                label { "Product" select name="product_id" required {
                    @for p in &products { option value=(p.product.id) { (p.product.name) } }
                } }
                label { "License policy" select name="license_policy_id" {
                    option value="" { "(the product's, or defaults)" }
                    @for p in &policies { option value=(p.id) { (p.name) } }
                } }
                label { "Seats (allowed activations; blank: the policy's)" input type="number" name="allowed_activations" min="-1"; }
                label { "Valid for days (blank: the policy's; 0: lifetime)" input type="number" name="validity_days" min="0"; }
                label { "User e-mail (optional)" input type="email" name="user_email"; }
                label { "Metadata, one key=value per line" textarea name="metadata" rows="3" {} }
                button type="submit" { "Create license" }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LicenseForm {
    csrf: String,
    product_id: String,
    license_policy_id: String,
    allowed_activations: String,
    validity_days: String,
    user_email: String,
    metadata: String,
    expires: String,
    notes: String,
}

fn parse_metadata_lines(text: &str) -> ApiResult<Vec<crate::metadata::EntryRequest>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| crate::metadata::parse(l).map_err(ApiError::validation))
        .collect()
}

/// The user id for an e-mail typed in a form (empty: none).
fn user_id_for(app: &App, email: &str) -> ApiResult<Option<String>> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(None);
    }
    let u = app
        .store
        .read(|tx| accounts::store::user_by_email(tx, &email))?
        .ok_or_else(|| ApiError::validation(format!("no user has the e-mail {email}")))?;
    Ok(Some(u.id))
}

async fn license_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<LicenseForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    let v = run(&st, move |app| {
        let allowed =
            Some(int_field("Seats", &f.allowed_activations, i64::MIN)?).filter(|v| *v != i64::MIN);
        let validity = Some(int_field("Valid for days", &f.validity_days, i64::MIN)?)
            .filter(|v| *v != i64::MIN)
            .map(|d| d.saturating_mul(86_400));
        let metadata = parse_metadata_lines(&f.metadata)?;
        let req = LicenseCreate {
            product_id: f.product_id,
            license_policy_id: Some(f.license_policy_id).filter(|p| !p.is_empty()),
            fields: LicenseFields {
                allowed_activations: allowed,
                validity,
                user_id: user_id_for(app, &f.user_email)?,
                metadata: Some(metadata).filter(|m| !m.is_empty()),
                ..Default::default()
            },
        };
        licenses::create(app, req)
    })
    .await?;
    Ok(see_other(&format!(
        "/dashboard/licenses/{}?notice=License+created",
        v.license.id
    )))
}

struct LicenseDetail {
    events: Vec<EventLog>,
    attempts: Vec<ActivationLog>,
    view: LicenseView,
    product: Option<Product>,
    user: Option<User>,
    devices: Vec<Activation>,
    now: i64,
}

async fn license_page(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> WebResult {
    let d = run(&st, move |app| {
        let view = licenses::get_one(app, &id)?;
        let events = event_logs::list(
            app,
            &EventLogFilter {
                resource_id: Some(id.clone()),
                ..Default::default()
            },
            Page {
                page: 1,
                limit: 20,
                newest_first: true,
            },
        )?
        .0;
        let attempts = activation_logs::list(
            app,
            &LogFilter {
                license_id: Some(id.clone()),
                ..Default::default()
            },
            Page {
                page: 1,
                limit: 50,
                newest_first: true,
            },
        )?
        .0;
        app.store.read(|tx| {
            let l = &view.license;
            Ok(LicenseDetail {
                attempts: attempts.clone(),
                product: tx.load::<Product>(&l.product_id)?,
                user: match l.user_id.as_str() {
                    "" => None,
                    u => tx.load::<User>(u)?,
                },
                devices: tx.find_all::<Activation>(&[("license_id", l.id.clone())])?,
                events: events.clone(),
                view: view.clone(),
                now: app.now(),
            })
        })
    })
    .await?;
    let l = &d.view.license;
    let base = format!("/dashboard/licenses/{}", l.id);
    let button = |action: &str, label: &str, allowed: bool, class: &str| -> Markup {
        html! {
            @if allowed {
                form.inline method="post" action={(base) "/" (action)} {
                    (s.csrf())
                    button class=(class) type="submit" { (label) }
                }
            }
        }
    };
    Ok(s.page(
        &format!("License {}", l.key),
        n.notice.as_deref(),
        html! {
            h1 { "License " span.mono { (l.key) } }
            p { (status(l, d.now)) }
            dl.facts {
                dt { "Product" } dd { @if let Some(p) = &d.product { a href={"/dashboard/products/" (p.id)} { (p.name) } } @else { (l.product_id) } }
                dt { "Type" } dd { (l.r#type.as_str()) }
                dt { "User" } dd { @if let Some(u) = &d.user { a href={"/dashboard/users/" (u.id)} { (u.email) } } @else { "none" } }
                dt { "Seats" } dd { (seats(l.allowed_activations, d.view.total_activations)) }
                dt { "Expires" } dd { (when(l.expires_at)) }
                dt { "Validity" } dd { @if l.validity > 0 { (l.validity / 86_400) " days" } @else { "lifetime" } }
                dt { "Created" } dd { (when(l.created_at)) }
                dt { "Metadata" } dd { @for m in &l.metadata { span.badge { (m.key) "=" (m.value) } " " } @if l.metadata.is_empty() { "none" } }
                @if !l.notes.is_empty() { dt { "Notes" } dd { (l.notes) } }
            }
            div.actions {
                @if l.suspended { (button("unsuspend", "Unsuspend", s.may(Action::Suspend), "")) }
                @else { (button("suspend", "Suspend", s.may(Action::Suspend), "warn")) }
                @if l.revoked { (button("unrevoke", "Unrevoke", s.may(Action::Write), "")) }
                @else { (button("revoke", "Revoke", s.may(Action::Write), "danger")) }
                @if l.validity > 0 { (button("renew", "Renew", s.may(Action::Extend), "")) }
                @if s.may(Action::Extend) && l.expires_at != 0 {
                    form.inline method="post" action={(base) "/extend"} {
                        (s.csrf())
                        input type="number" name="days" min="1" value="30" aria-label="Days";
                        button type="submit" { "Extend by days" }
                    }
                }
                (button("delete", "Delete", s.may(Action::Delete), "danger"))
            }
            h2 { "Devices" }
            div.table-wrap { table {
                thead { tr { th { "Host" } th { "OS" } th { "App version" } th { "VM / container" } th { "Activated" } th { "Last sync" } th {} } }
                tbody {
                    @for a in &d.devices {
                        tr {
                            td { (a.hostname) }
                            td { (a.os) " " (a.os_version) }
                            td { (a.app_version) }
                            td { @if a.vm_name.is_empty() { "no VM" } @else { (a.vm_name) } @if a.container { " · container" } }
                            td { (when(a.created_at)) }
                            td { (when(a.last_synced_at)) }
                            td { @if s.may(Action::FreeSeat) {
                                form.inline method="post" action={"/dashboard/activations/" (a.id) "/free"} {
                                    (s.csrf())
                                    input type="hidden" name="back" value=(base);
                                    button.warn type="submit" { "Free this seat" }
                                }
                            } }
                        }
                    }
                    @if d.devices.is_empty() { tr { td colspan="7" { "No devices." } } }
                }
            } }
            h2 { "Activation log" }
            p.muted { "The newest 50 activations, syncs and deactivations, refused ones with their error code." }
            div.table-wrap { table {
                thead { tr { th { "Time" } th { "Action" } th { "Result" } th { "OS" } th { "App version" } th { "VM" } th { "IP" } } }
                tbody {
                    @for g in &d.attempts {
                        tr {
                            td { (when(g.created_at)) }
                            td { (g.action) }
                            td { @if let Some(code) = &g.error_code { span.badge.bad.mono { (code) } } @else { span.badge.good { "OK" } } }
                            td { (g.os.as_deref().unwrap_or("")) " " (g.os_version) }
                            td { (g.app_version) }
                            td { @if g.vm_name.is_empty() { "no VM" } @else { (g.vm_name) } @if g.container { " · container" } }
                            td.mono { (g.location.ip_address) }
                        }
                    }
                    @if d.attempts.is_empty() { tr { td colspan="7" { "No attempts logged." } } }
                }
            } }
            h2 { "Events" }
            (events_table(&d.events))
            @if s.may(Action::Write) {
                h2 { "Edit" }
                form.stack method="post" action={(base) "/edit"} {
                    (s.csrf())
                    label { "Seats (allowed activations; 0 or -1: unlimited)" input type="number" name="allowed_activations" min="-1" value=(l.allowed_activations); }
                    label { "Expires on (UTC; blank: unchanged)" input type="date" name="expires" value=(day(l.expires_at)); }
                    label { "User e-mail (blank: none)" input type="email" name="user_email" value=(d.user.as_ref().map(|u| u.email.as_str()).unwrap_or("")); }
                    label { "Metadata, one key=value per line" textarea name="metadata" rows="3" {
                        @for m in &l.metadata { (m.key) "=" (m.value) "\n" }
                    } }
                    label { "Notes" textarea name="notes" rows="2" { (l.notes) } }
                    button type="submit" { "Save" }
                }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActionForm {
    csrf: String,
    days: String,
    back: String,
}

async fn license_action(
    State(st): State<AppState>,
    s: StaffSession,
    Path((id, action)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> WebResult {
    let base = format!("/dashboard/licenses/{id}");
    if action == "edit" {
        let f: LicenseForm = serde_urlencoded::from_bytes(&body)
            .map_err(|e| ApiError::validation(format!("malformed form: {e}")))?;
        s.allow(&f.csrf, Action::Write)?;
        run(&st, move |app| {
            let fields = LicenseFields {
                allowed_activations: Some(int_field("Seats", &f.allowed_activations, 1)?),
                expires_at: date_field("Expires on", &f.expires)?,
                user_id: Some(user_id_for(app, &f.user_email)?.unwrap_or_default()),
                metadata: Some(parse_metadata_lines(&f.metadata)?),
                notes: Some(f.notes),
                ..Default::default()
            };
            licenses::update(app, &id, fields)
        })
        .await?;
        return Ok(see_other(&format!("{base}?notice=Saved")));
    }
    let f: ActionForm = serde_urlencoded::from_bytes(&body)
        .map_err(|e| ApiError::validation(format!("malformed form: {e}")))?;
    let (needs, notice) = match action.as_str() {
        "suspend" => (Action::Suspend, "Suspended"),
        "unsuspend" => (Action::Suspend, "Unsuspended"),
        "revoke" => (Action::Write, "Revoked"),
        "unrevoke" => (Action::Write, "Unrevoked"),
        "renew" => (Action::Extend, "Renewed"),
        "extend" => (Action::Extend, "Extended"),
        "delete" => (Action::Delete, "License deleted"),
        _ => return Err(ApiError::not_found("dashboard action").into()),
    };
    s.allow(&f.csrf, needs)?;
    let flag = |suspended: Option<bool>, revoked: Option<bool>| LicenseFields {
        suspended,
        revoked,
        ..Default::default()
    };
    let act = action.clone();
    run(&st, move |app| match act.as_str() {
        "suspend" => licenses::update(app, &id, flag(Some(true), None)).map(drop),
        "unsuspend" => licenses::update(app, &id, flag(Some(false), None)).map(drop),
        "revoke" => licenses::update(app, &id, flag(None, Some(true))).map(drop),
        "unrevoke" => licenses::update(app, &id, flag(None, Some(false))).map(drop),
        "renew" => licenses::renew(app, &id).map(drop),
        "extend" => {
            let days = int_field("Days", &f.days, 0)?;
            if days <= 0 {
                return Err(ApiError::validation("days must be at least 1"));
            }
            licenses::extend(app, &id, days.saturating_mul(86_400)).map(drop)
        }
        _ => licenses::delete(app, &id),
    })
    .await?;
    if action == "delete" {
        return Ok(see_other("/dashboard/licenses?notice=License+deleted"));
    }
    Ok(see_other(&format!("{base}?notice={notice}")))
}

// ---- activations ----

async fn activations_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let list = run(&st, |app| {
        Ok(crate::resources::list_docs::<Activation>(app, &[], FIRST_100)?.0)
    })
    .await?;
    Ok(s.page(
        "Activations",
        n.notice.as_deref(),
        html! {
            h1 { "Activations" }
            p.muted { "The 100 newest." }
            div.table-wrap { table {
                thead { tr { th { "License" } th { "Host" } th { "OS" } th { "App" } th { "VM" } th { "Last sync" } th {} } }
                tbody {
                    @for a in &list {
                        tr {
                            td { a href={"/dashboard/licenses/" (a.license_id)} { "license" } }
                            td { (a.hostname) }
                            td { (a.os) " " (a.os_version) }
                            td { (a.app_version) }
                            td { @if a.vm_name.is_empty() { "no" } @else { (a.vm_name) } }
                            td { (when(a.last_synced_at)) }
                            td { @if s.may(Action::FreeSeat) {
                                form.inline method="post" action={"/dashboard/activations/" (a.id) "/free"} {
                                    (s.csrf())
                                    input type="hidden" name="back" value="/dashboard/activations";
                                    button.warn type="submit" { "Free this seat" }
                                }
                            } }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="7" { "No activations." } } }
                }
            } }
        },
    ))
}

async fn free_seat(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::FreeSeat)?;
    run(&st, move |app| {
        delete_doc(
            app,
            &id,
            "activation",
            Resource::Activation,
            Activation::clone,
        )
    })
    .await?;
    // Only a path inside the dashboard is followed back.
    let back = if f.back.starts_with("/dashboard/") && !f.back.contains("//") {
        f.back
    } else {
        "/dashboard/activations".to_owned()
    };
    Ok(see_other(&format!("{back}?notice=Seat+freed")))
}

// ---- products ----

async fn products_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let list = run(&st, |app| {
        Ok(products::list(app, &Default::default(), FIRST_100)?.0)
    })
    .await?;
    Ok(s.page(
        "Products",
        n.notice.as_deref(),
        html! {
            h1 { "Products" }
            div.table-wrap { table {
                thead { tr { th { "Name" } th { "Trial length" } th { "Created" } } }
                tbody {
                    @for p in &list {
                        tr {
                            td { a href={"/dashboard/products/" (p.product.id)} { (p.product.name) } }
                            td { (p.product.trial_length / 86_400) " days" }
                            td { (when(p.product.created_at)) }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="3" { "No products." } } }
                }
            } }
            @if s.may(Action::Write) {
                h2 { "New product" }
                form.stack method="post" action="/dashboard/products" {
                    (s.csrf())
                    label { "Name" input type="text" name="name" required maxlength="256"; }
                    label { "Trial length in days (0: no trials)" input type="number" name="trial_days" min="0" value="14"; }
                    button type="submit" { "Create product (generates its RSA key)" }
                }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProductForm {
    csrf: String,
    name: String,
    display_name: String,
    trial_days: String,
}

async fn product_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<ProductForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    let v = run(&st, move |app| {
        let days = int_field("Trial length", &f.trial_days, 0)?;
        products::create(
            app,
            ProductCreate {
                fields: ProductFields {
                    name: Some(f.name),
                    trial_length: Some(days.saturating_mul(86_400)),
                    ..Default::default()
                },
                private_key: None,
            },
        )
    })
    .await?;
    Ok(see_other(&format!(
        "/dashboard/products/{}?notice=Product+created",
        v.product.id
    )))
}

async fn product_page(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> WebResult {
    let pid = id.clone();
    let (v, lics, now) = run(&st, move |app| {
        let v = products::get_one(app, &pid)?;
        let f = licenses::LicenseFilter {
            product_id: Some(pid.clone()),
            ..Default::default()
        };
        Ok((v, licenses::list(app, &f, FIRST_100)?.0, app.now()))
    })
    .await?;
    let p = &v.product;
    let base = format!("/dashboard/products/{id}");
    Ok(s.page(
        &p.name,
        n.notice.as_deref(),
        html! {
            h1 { "Product " (p.name) }
            dl.facts {
                dt { "Id" } dd.mono { (p.id) }
                dt { "Display name" } dd { (p.display_name) }
                dt { "Trial length" } dd { (p.trial_length / 86_400) " days" }
                dt { "Created" } dd { (when(p.created_at)) }
                dt { "Product data" } dd { textarea.mono readonly rows="3" aria-label="Product data" { (v.product_data.clone().unwrap_or_default()) } }
            }
            @if s.may(Action::Write) {
                form.stack method="post" action={(base) "/edit"} {
                    (s.csrf())
                    label { "Display name" input type="text" name="display_name" value=(p.display_name); }
                    label { "Trial length in days" input type="number" name="trial_days" min="0" value=(p.trial_length / 86_400); }
                    button type="submit" { "Save" }
                }
            }
            @if s.may(Action::Delete) {
                form.inline method="post" action={(base) "/delete"} {
                    (s.csrf())
                    button.danger type="submit" { "Delete product, its licenses, activations, trials and releases" }
                }
            }
            h2 { "Licenses" }
            (license_table(&lics, now))
        },
    ))
}

async fn product_action(
    State(st): State<AppState>,
    s: StaffSession,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ProductForm>,
) -> WebResult {
    match action.as_str() {
        "edit" => {
            s.allow(&f.csrf, Action::Write)?;
            let pid = id.clone();
            run(&st, move |app| {
                let days = int_field("Trial length", &f.trial_days, 0)?;
                products::update(
                    app,
                    &pid,
                    ProductFields {
                        display_name: Some(f.display_name),
                        trial_length: Some(days.saturating_mul(86_400)),
                        ..Default::default()
                    },
                )
            })
            .await?;
            Ok(see_other(&format!("/dashboard/products/{id}?notice=Saved")))
        }
        "delete" => {
            s.allow(&f.csrf, Action::Delete)?;
            run(&st, move |app| products::delete(app, &id)).await?;
            Ok(see_other("/dashboard/products?notice=Product+deleted"))
        }
        _ => Err(ApiError::not_found("dashboard action").into()),
    }
}

// ---- license policies ----

async fn policies_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let (list, trial_list): (Vec<LicensePolicy>, Vec<TrialPolicy>) = run(&st, |app| {
        Ok((
            license_policies::list(app, &Default::default(), FIRST_100)?.0,
            trial_policies::list(app, &Default::default(), FIRST_100)?.0,
        ))
    })
    .await?;
    Ok(s.page(
        "License policies",
        n.notice.as_deref(),
        html! {
            h1 { "License policies" }
            div.table-wrap { table {
                thead { tr { th { "Name" } th { "Type" } th { "Seats" } th { "Validity" } th {} } }
                tbody {
                    @for p in &list {
                        tr {
                            td { (p.name) }
                            td { (p.r#type.as_str()) }
                            td { (p.allowed_activations) }
                            td { @if p.validity > 0 { (p.validity / 86_400) " days" } @else { "lifetime" } }
                            td { @if s.may(Action::Write) {
                                form.inline method="post" action={"/dashboard/policies/" (p.id) "/edit"} {
                                    (s.csrf())
                                    input type="number" name="allowed_activations" min="-1" value=(p.allowed_activations) aria-label="Seats";
                                    input type="number" name="validity_days" min="0" value=(p.validity / 86_400) aria-label="Valid for days";
                                    button type="submit" { "Save" }
                                }
                            } @if s.may(Action::Delete) {
                                form.inline method="post" action={"/dashboard/policies/" (p.id) "/delete"} {
                                    (s.csrf())
                                    button.danger type="submit" { "Delete" }
                                }
                            } }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="5" { "No license policies." } } }
                }
            } }
            @if s.may(Action::Write) {
                h2 { "New license policy" }
                form.stack method="post" action="/dashboard/policies" {
                    (s.csrf())
                    label { "Name" input type="text" name="name" required; }
                    label { "Seats" input type="number" name="allowed_activations" min="-1" value="1"; }
                    label { "Valid for days (0: lifetime)" input type="number" name="validity_days" min="0" value="365"; }
                    button type="submit" { "Create policy" }
                }
            }
            h1 { "Trial policies" }
            div.table-wrap { table {
                thead { tr { th { "Name" } th { "Trial length" } th { "VM allowed" } th {} } }
                tbody {
                    @for p in &trial_list {
                        tr {
                            td { (p.name) }
                            td { (p.trial_length / 86_400) " days" }
                            td { @if p.allow_vm_activation { "yes" } @else { "no" } }
                            td { @if s.may(Action::Delete) {
                                form.inline method="post" action={"/dashboard/trial-policies/" (p.id) "/delete"} {
                                    (s.csrf())
                                    button.danger type="submit" { "Delete" }
                                }
                            } }
                        }
                    }
                    @if trial_list.is_empty() { tr { td colspan="4" { "No trial policies." } } }
                }
            } }
            @if s.may(Action::Write) {
                h2 { "New trial policy" }
                form.stack method="post" action="/dashboard/trial-policies" {
                    (s.csrf())
                    label { "Name" input type="text" name="name" required; }
                    label { "Trial length in days" input type="number" name="validity_days" min="1" value="14"; }
                    button type="submit" { "Create trial policy" }
                }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PolicyForm {
    csrf: String,
    name: String,
    allowed_activations: String,
    validity_days: String,
}

async fn policy_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<PolicyForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    run(&st, move |app| {
        license_policies::create(
            app,
            LicensePolicyFields {
                name: Some(f.name),
                allowed_activations: Some(int_field("Seats", &f.allowed_activations, 1)?),
                validity: Some(
                    int_field("Valid for days", &f.validity_days, 0)?.saturating_mul(86_400),
                ),
                ..Default::default()
            },
        )
    })
    .await?;
    Ok(see_other("/dashboard/policies?notice=Policy+created"))
}

async fn policy_action(
    State(st): State<AppState>,
    s: StaffSession,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<PolicyForm>,
) -> WebResult {
    match action.as_str() {
        "edit" => {
            s.allow(&f.csrf, Action::Write)?;
            run(&st, move |app| {
                license_policies::update(
                    app,
                    &id,
                    LicensePolicyFields {
                        allowed_activations: Some(int_field("Seats", &f.allowed_activations, 1)?),
                        validity: Some(
                            int_field("Valid for days", &f.validity_days, 0)?
                                .saturating_mul(86_400),
                        ),
                        ..Default::default()
                    },
                )
            })
            .await?;
            Ok(see_other("/dashboard/policies?notice=Policy+saved"))
        }
        "delete" => {
            s.allow(&f.csrf, Action::Delete)?;
            run(&st, move |app| license_policies::delete(app, &id)).await?;
            Ok(see_other("/dashboard/policies?notice=Policy+deleted"))
        }
        _ => Err(ApiError::not_found("dashboard action").into()),
    }
}

async fn trial_policy_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<PolicyForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    run(&st, move |app| {
        trial_policies::create(
            app,
            TrialPolicyFields {
                name: Some(f.name),
                trial_length: Some(
                    int_field("Trial length", &f.validity_days, 0)?.saturating_mul(86_400),
                ),
                ..Default::default()
            },
        )
    })
    .await?;
    Ok(see_other("/dashboard/policies?notice=Trial+policy+created"))
}

async fn trial_policy_delete(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    s.allow(&f.csrf, Action::Delete)?;
    run(&st, move |app| trial_policies::delete(app, &id)).await?;
    Ok(see_other("/dashboard/policies?notice=Trial+policy+deleted"))
}

// ---- trials ----

async fn trials_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let list: Vec<TrialActivation> = run(&st, |app| {
        Ok(trials::list(app, &Default::default(), FIRST_100)?.0)
    })
    .await?;
    Ok(s.page(
        "Trials",
        n.notice.as_deref(),
        html! {
            h1 { "Trial activations" }
            p.muted { "The 100 newest." }
            div.table-wrap { table {
                thead { tr { th { "Host" } th { "OS" } th { "VM" } th { "Started" } th { "Expires" } th {} } }
                tbody {
                    @for t in &list {
                        tr {
                            td { (t.hostname) }
                            td { (t.os) " " (t.os_version) }
                            td { @if t.vm_name.is_empty() { "no" } @else { (t.vm_name) } }
                            td { (when(t.created_at)) }
                            td { (when(t.expires_at)) }
                            td {
                                @if s.may(Action::Extend) {
                                    form.inline method="post" action={"/dashboard/trials/" (t.id) "/extend"} {
                                        (s.csrf())
                                        input type="number" name="days" min="1" value="7" aria-label="Days";
                                        button type="submit" { "Extend" }
                                    }
                                }
                                @if s.may(Action::Delete) {
                                    form.inline method="post" action={"/dashboard/trials/" (t.id) "/delete"} {
                                        (s.csrf())
                                        button.danger type="submit" { "Delete" }
                                    }
                                }
                            }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="6" { "No trials." } } }
                }
            } }
        },
    ))
}

async fn trial_action(
    State(st): State<AppState>,
    s: StaffSession,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> WebResult {
    match action.as_str() {
        "extend" => {
            s.allow(&f.csrf, Action::Extend)?;
            run(&st, move |app| {
                let days = int_field("Days", &f.days, 0)?;
                if days <= 0 {
                    return Err(ApiError::validation("days must be at least 1"));
                }
                trials::extend(app, &id, days.saturating_mul(86_400))
            })
            .await?;
            Ok(see_other("/dashboard/trials?notice=Trial+extended"))
        }
        "delete" => {
            s.allow(&f.csrf, Action::Delete)?;
            run(&st, move |app| {
                delete_doc(
                    app,
                    &id,
                    "trial activation",
                    Resource::TrialActivation,
                    TrialActivation::clone,
                )
            })
            .await?;
            Ok(see_other("/dashboard/trials?notice=Trial+deleted"))
        }
        _ => Err(ApiError::not_found("dashboard action").into()),
    }
}

// ---- users ----

async fn users_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let list = run(&st, |app| {
        Ok(users::list(app, &Default::default(), FIRST_100)?.0)
    })
    .await?;
    Ok(s.page(
        "Users",
        n.notice.as_deref(),
        html! {
            h1 { "Users" }
            div.table-wrap { table {
                thead { tr { th { "E-mail" } th { "Name" } th { "Company" } th { "Created" } } }
                tbody {
                    @for u in &list {
                        tr {
                            td { a href={"/dashboard/users/" (u.id)} { (u.email) } }
                            td { (u.name) }
                            td { (u.company) }
                            td { (when(u.created_at)) }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="4" { "No users." } } }
                }
            } }
            @if s.may(Action::Write) {
                h2 { "New user" }
                form.stack method="post" action="/dashboard/users" {
                    (s.csrf())
                    label { "E-mail" input type="email" name="email" required; }
                    label { "Name" input type="text" name="name"; }
                    label { "Company" input type="text" name="company"; }
                    label { "Password (8 or more characters; or leave blank and issue a reset link)" input type="password" name="password" autocomplete="new-password"; }
                    button type="submit" { "Create user" }
                }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UserForm {
    csrf: String,
    email: String,
    name: String,
    company: String,
    password: String,
}

async fn user_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<UserForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    let v = run(&st, move |app| {
        // Without a password the account gets an unguessable one until the
        // user sets theirs through a reset link.
        let password = if f.password.is_empty() {
            hex::encode(crate::ids::random::<24>())
        } else {
            f.password
        };
        users::create(
            app,
            UserCreate {
                email: f.email,
                fields: UserFields {
                    password: Some(password),
                    name: Some(f.name).filter(|n| !n.is_empty()),
                    company: Some(f.company).filter(|c| !c.is_empty()),
                    ..Default::default()
                },
            },
        )
    })
    .await?;
    Ok(see_other(&format!(
        "/dashboard/users/{}?notice=User+created",
        v.id
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct UserPageQuery {
    notice: Option<String>,
}

async fn user_page(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Query(n): Query<UserPageQuery>,
) -> WebResult {
    let uid = id.clone();
    let (u, lics, now) = run(&st, move |app| {
        let u: User = crate::resources::get_doc(app, &uid, "user")?;
        let f = licenses::LicenseFilter {
            user_id: Some(uid.clone()),
            ..Default::default()
        };
        Ok((u, licenses::list(app, &f, FIRST_100)?.0, app.now()))
    })
    .await?;
    let base = format!("/dashboard/users/{id}");
    Ok(s.page(
        &u.email,
        n.notice.as_deref(),
        html! {
            h1 { "User " (u.email) }
            dl.facts {
                dt { "Name" } dd { (u.name) }
                dt { "Company" } dd { (u.company) }
                dt { "Two-factor" } dd { @if u.two_factor_secret.is_empty() { "off" } @else { "on" } }
                dt { "Created" } dd { (when(u.created_at)) }
            }
            @if s.may(Action::Write) {
                form.stack method="post" action={(base) "/edit"} {
                    (s.csrf())
                    label { "Name" input type="text" name="name" value=(u.name); }
                    label { "Company" input type="text" name="company" value=(u.company); }
                    button type="submit" { "Save" }
                }
            }
            div.actions {
                @if s.may(Action::Write) {
                    form.inline method="post" action={(base) "/reset-link"} {
                        (s.csrf())
                        button type="submit" { "Issue a password-reset link" }
                    }
                }
                @if s.may(Action::Delete) {
                    form.inline method="post" action={(base) "/delete"} {
                        (s.csrf())
                        button.danger type="submit" { "Delete user" }
                    }
                }
            }
            h2 { "Licenses" }
            (license_table(&lics, now))
        },
    ))
}

async fn user_action(
    State(st): State<AppState>,
    s: StaffSession,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    Form(f): Form<UserForm>,
) -> WebResult {
    match action.as_str() {
        "edit" => {
            s.allow(&f.csrf, Action::Write)?;
            let uid = id.clone();
            run(&st, move |app| {
                users::update(
                    app,
                    &uid,
                    users::UserUpdate {
                        fields: UserFields {
                            name: Some(f.name),
                            company: Some(f.company),
                            ..Default::default()
                        },
                        unlock: None,
                    },
                )
            })
            .await?;
            Ok(see_other(&format!("/dashboard/users/{id}?notice=Saved")))
        }
        "reset-link" => {
            s.allow(&f.csrf, Action::Write)?;
            let uid = id.clone();
            let (u, secret) = run(&st, move |app| {
                let u: User = crate::resources::get_doc(app, &uid, "user")?;
                let secret = users::reset_token(app, &u.id)?.reset_password_token;
                Ok((u, secret))
            })
            .await?;
            // The public URL when configured; else the address the
            // administrator reached the server by.
            let base = match st.app.public_url.trim_end_matches('/') {
                "" => format!(
                    "https://{}",
                    headers
                        .get(axum::http::header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("")
                ),
                url => url.to_owned(),
            };
            let link = format!("{base}/portal/reset/{}/{secret}", u.id);
            Ok(s.page(
                "Reset link",
                None,
                html! {
                    h1 { "Password-reset link for " (u.email) }
                    p { "Send this link to the user. It works once, for "
                        (users::RESET_TOKEN_SECONDS / 3600) " hours, and is not shown again." }
                    p { input.mono type="text" readonly value=(link) aria-label="Reset link"; }
                    p { a href=(format!("/dashboard/users/{id}")) { "Back to the user" } }
                },
            ))
        }
        "delete" => {
            s.allow(&f.csrf, Action::Delete)?;
            run(&st, move |app| {
                delete_doc(app, &id, "user", Resource::User, |u: &User| {
                    users::view(u, None)
                })
            })
            .await?;
            Ok(see_other("/dashboard/users?notice=User+deleted"))
        }
        _ => Err(ApiError::not_found("dashboard action").into()),
    }
}

// ---- releases ----

async fn releases_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let (list, prods) = run(&st, |app| {
        let list: Vec<ReleaseRec> =
            crate::resources::list_docs::<ReleaseRec>(app, &[], FIRST_100)?.0;
        Ok((list, products::list(app, &Default::default(), FIRST_100)?.0))
    })
    .await?;
    let name_of = |pid: &str| {
        prods
            .iter()
            .find(|p| p.product.id == pid)
            .map(|p| p.product.name.clone())
            .unwrap_or_else(|| pid.to_owned())
    };
    Ok(s.page(
        "Releases",
        n.notice.as_deref(),
        html! {
            h1 { "Releases" }
            div.table-wrap { table {
                thead { tr { th { "Product" } th { "Version" } th { "Channel" } th { "Platforms" } th { "Published" } th { "Files" } th {} } }
                tbody {
                    @for r in &list {
                        tr {
                            td { (name_of(&r.product_id)) }
                            td { (r.version) }
                            td { (r.channel) }
                            td { (r.platforms.join(", ")) }
                            td { @if r.published { "yes" } @else { "no" } }
                            td { @for file in &r.files { a href=(file.url) rel="noreferrer" { (file.name) } " " } }
                            td { @if s.may(Action::Write) {
                                a.button href={"/dashboard/releases/" (r.id)} { "Edit" } " "
                            } @if s.may(Action::Write) && !r.published {
                                form.inline method="post" action={"/dashboard/releases/" (r.id) "/publish"} {
                                    (s.csrf())
                                    button type="submit" { "Publish" }
                                }
                            } @if s.may(Action::Delete) {
                                form.inline method="post" action={"/dashboard/releases/" (r.id) "/delete"} {
                                    (s.csrf())
                                    button.danger type="submit" { "Delete" }
                                }
                            } }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="7" { "No releases." } } }
                }
            } }
            @if s.may(Action::Write) {
                h2 { "New release" }
                form.stack method="post" action="/dashboard/releases" {
                    (s.csrf())
                    label { "Product" select name="product_id" required {
                        @for p in &prods { option value=(p.product.id) { (p.product.name) } }
                    } }
                    label { "Version" input type="text" name="version" required placeholder="1.2.0"; }
                    label { "Platforms (comma-separated)" input type="text" name="platforms" required value="linux,windows,macos"; }
                    label { "Channel" input type="text" name="channel" value="stable"; }
                    label { "File name" input type="text" name="file_name"; }
                    label { "File URL (https)" input type="url" name="file_url"; }
                    button type="submit" { "Publish release" }
                }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReleaseForm {
    csrf: String,
    product_id: String,
    version: String,
    platforms: String,
    channel: String,
    file_name: String,
    file_url: String,
}

async fn release_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<ReleaseForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    run(&st, move |app| {
        let files = match (f.file_name.trim(), f.file_url.trim()) {
            ("", "") => None,
            (name, url) if !name.is_empty() && url.starts_with("https://") => {
                Some(vec![openlex_wire::requests::ReleaseFile {
                    name: name.to_owned(),
                    url: url.to_owned(),
                    ..Default::default()
                }])
            }
            _ => {
                return Err(ApiError::validation(
                    "a file needs both a name and an https:// URL",
                ))
            }
        };
        releases::create(
            app,
            ReleaseCreate {
                product_id: f.product_id,
                fields: ReleaseFields {
                    version: Some(f.version),
                    platforms: Some(
                        f.platforms
                            .split(',')
                            .map(|p| p.trim().to_owned())
                            .filter(|p| !p.is_empty())
                            .collect(),
                    ),
                    channel: Some(f.channel).filter(|c| !c.is_empty()),
                    files,
                    ..Default::default()
                },
            },
        )
    })
    .await?;
    Ok(see_other("/dashboard/releases?notice=Release+created"))
}

async fn release_action(
    State(st): State<AppState>,
    s: StaffSession,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    match action.as_str() {
        "publish" => {
            s.allow(&f.csrf, Action::Write)?;
            run(&st, move |app| releases::publish(app, &id)).await?;
            Ok(see_other("/dashboard/releases?notice=Release+published"))
        }
        "delete" => {
            s.allow(&f.csrf, Action::Delete)?;
            run(&st, move |app| {
                delete_doc(app, &id, "release", Resource::Release, ReleaseRec::clone)
            })
            .await?;
            Ok(see_other("/dashboard/releases?notice=Release+deleted"))
        }
        _ => Err(ApiError::not_found("dashboard action").into()),
    }
}

async fn release_page(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
) -> WebResult {
    s.staff.role.require(Action::Write)?;
    let r: ReleaseRec = run(&st, move |app| {
        crate::resources::get_doc::<ReleaseRec>(app, &id, "release")
    })
    .await?;
    Ok(s.page(
        &format!("Release {}", r.version),
        None,
        html! {
            h1 { "Release " (r.name) }
            form.stack method="post" action={"/dashboard/releases/" (r.id) "/edit"} {
                (s.csrf())
                label { "Name (blank: the version)" input type="text" name="name" value=(r.name); }
                label { "Version" input type="text" name="version" required value=(r.version); }
                label { "Channel" input type="text" name="channel" required value=(r.channel); }
                label { "Platforms (comma-separated)" input type="text" name="platforms" required value=(r.platforms.join(",")); }
                label { "Notes" textarea name="notes" rows="4" { (r.notes) } }
                label { input type="checkbox" name="private" value="on" checked[r.is_private]; " Private" }
                button type="submit" { "Save" }
            }
        },
    ))
}

/// The release edit form; an unticked box is absent from the post.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ReleaseEditForm {
    csrf: String,
    name: String,
    version: String,
    channel: String,
    platforms: String,
    notes: String,
    private: String,
}

async fn release_edit(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Form(f): Form<ReleaseEditForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    run(&st, move |app| {
        let version = f.version.trim().to_owned();
        releases::update(
            app,
            &id,
            ReleaseFields {
                name: Some(nonempty(&f.name).unwrap_or_else(|| version.clone())),
                version: Some(version),
                channel: Some(f.channel.trim().to_owned()),
                platforms: Some(
                    f.platforms
                        .split(',')
                        .map(|p| p.trim().to_owned())
                        .filter(|p| !p.is_empty())
                        .collect(),
                ),
                notes: Some(f.notes),
                is_private: Some(!f.private.is_empty()),
                ..Default::default()
            },
        )
    })
    .await?;
    Ok(see_other("/dashboard/releases?notice=Release+updated"))
}

// ---- API tokens ----

async fn tokens_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    s.staff.role.require(Action::ManageTokens)?;
    let list = run(&st, |app| Ok(access_tokens::list(app, FIRST_100)?.0)).await?;
    Ok(s.page(
        "API tokens",
        n.notice.as_deref(),
        html! {
            h1 { "API tokens" }
            div.table-wrap { table {
                thead { tr { th { "Name" } th { "Scopes" } th { "Expires" } th {} } }
                tbody {
                    @for t in &list {
                        tr {
                            td { (t.name) }
                            td.mono { (t.scopes.join(" ")) }
                            td { (when(t.expires_at)) }
                            td { form.inline method="post" action={"/dashboard/tokens/" (t.id) "/delete"} {
                                (s.csrf())
                                button.danger type="submit" { "Revoke" }
                            } }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="4" { "No tokens." } } }
                }
            } }
            h2 { "New token" }
            form.stack method="post" action="/dashboard/tokens" {
                (s.csrf())
                label { "Name" input type="text" name="name" required; }
                label { "Scopes (space- or comma-separated, e.g. license:read activation:write)" input type="text" name="scopes" required; }
                button type="submit" { "Create token" }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenForm {
    csrf: String,
    name: String,
    scopes: String,
}

async fn token_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<TokenForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::ManageTokens)?;
    let granter = s.staff.role.scopes();
    let v = run(&st, move |app| {
        let req = TokenCreate {
            name: f.name,
            scopes: f
                .scopes
                .split([',', ' '])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect(),
            expires_at: 0,
        };
        access_tokens::create(app, &req, &granter)
    })
    .await?;
    Ok(s.page(
        "Token created",
        None,
        html! {
            h1 { "Token " (v.name) " created" }
            p { "Copy it now: only its hash is kept, it is not shown again." }
            p { input.mono type="text" readonly value=(v.token.clone().unwrap_or_default()) aria-label="Token"; }
            p { a href="/dashboard/tokens" { "Back to tokens" } }
        },
    ))
}

async fn token_delete(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    s.allow(&f.csrf, Action::ManageTokens)?;
    run(&st, move |app| {
        delete_doc(
            app,
            &id,
            "token",
            Resource::PersonalAccessToken,
            |t: &AdminToken| access_tokens::view(t, None),
        )
    })
    .await?;
    Ok(see_other("/dashboard/tokens?notice=Token+revoked"))
}

// ---- event log ----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct EventQuery {
    resource: String,
    action: String,
    resource_id: String,
    actor_id: String,
    q: String,
}

fn nonempty(v: &str) -> Option<String> {
    Some(v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The events table (newest first).
fn events_table(list: &[EventLog]) -> Markup {
    html! {
        div.table-wrap { table {
            thead { tr { th { "When" } th { "Resource" } th { "Action" } th { "Actor" } th { "Address" } th { "Changes" } } }
            tbody {
                @for e in list {
                    tr {
                        td { (when(e.created_at)) }
                        td { @if e.resource == "license" { a href={"/dashboard/licenses/" (e.resource_id)} { "license" } } @else { (e.resource) } }
                        td { (e.action) }
                        td { (e.actor_type) @if !e.actor_name.is_empty() { " " span.muted { (e.actor_name) } } }
                        td { (e.ip_address) }
                        td { @for c in &e.changes { span.badge { (c.property_name) } " " } }
                    }
                }
                @if list.is_empty() { tr { td colspan="6" { "No events." } } }
            }
        } }
    }
}

async fn events_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(q): Query<EventQuery>,
) -> WebResult {
    let filter = EventLogFilter {
        query: nonempty(&q.q),
        resource_id: nonempty(&q.resource_id),
        resource: nonempty(&q.resource),
        action: nonempty(&q.action),
        actor_id: nonempty(&q.actor_id),
        ..Default::default()
    };
    let (list, total) = run(&st, move |app| event_logs::list(app, &filter, FIRST_100)).await?;
    Ok(s.page(
        "Event log",
        None,
        html! {
            h1 { "Event log" }
            form.search method="get" action="/dashboard/events" {
                label { "Resource" select name="resource" {
                    option value="" { "any" }
                    @for r in ["license", "activation", "trialActivation", "product", "user", "release", "licensePolicy", "trialPolicy", "personalAccessToken", "webhook"] {
                        option value=(r) selected[q.resource == r] { (r) }
                    }
                } }
                label { "Action" input type="text" name="action" value=(q.action) placeholder="created, updated, deleted"; }
                label { "Resource id" input type="text" name="resource_id" value=(q.resource_id); }
                label { "Actor id" input type="text" name="actor_id" value=(q.actor_id); }
                button type="submit" { "Filter" }
            }
            p.muted { (total) " events; the 100 newest shown." }
            (events_table(&list))
        },
    ))
}

// ---- webhooks ----

async fn webhooks_page(
    State(st): State<AppState>,
    s: StaffSession,
    Query(n): Query<Notice>,
) -> WebResult {
    let list: Vec<Webhook> = run(&st, |app| {
        Ok(crate::resources::list_docs::<Webhook>(app, &[], FIRST_100)?.0)
    })
    .await?;
    Ok(s.page(
        "Webhooks",
        n.notice.as_deref(),
        html! {
            h1 { "Webhooks" }
            div.table-wrap { table {
                thead { tr { th { "Name" } th { "URL" } th { "Events" } th { "State" } th {} } }
                tbody {
                    @for w in &list {
                        tr {
                            td { (w.name) }
                            td.mono { (w.url) }
                            td { @for e in &w.events { span.badge { (e) } " " } }
                            td {
                                @if !w.active { span.badge { "paused" } }
                                @else if w.failing { span.badge.bad { "failing" } }
                                @else { span.badge.good { "active" } }
                            }
                            td {
                                @if s.may(Action::Write) {
                                    a.button href={"/dashboard/webhooks/" (w.id)} { "Edit" } " "
                                    form.inline method="post" action={"/dashboard/webhooks/" (w.id) (if w.active { "/pause" } else { "/resume" })} {
                                        (s.csrf())
                                        button type="submit" { @if w.active { "Pause" } @else { "Resume" } }
                                    }
                                }
                                @if s.may(Action::Delete) {
                                    form.inline method="post" action={"/dashboard/webhooks/" (w.id) "/delete"} {
                                        (s.csrf())
                                        button.danger type="submit" { "Delete" }
                                    }
                                }
                            }
                        }
                    }
                    @if list.is_empty() { tr { td colspan="5" { "No webhooks." } } }
                }
            } }
            @if s.may(Action::Write) {
                h2 { "New webhook" }
                form.stack method="post" action="/dashboard/webhooks" {
                    (s.csrf())
                    label { "Name" input type="text" name="name" required; }
                    label { "URL (https)" input type="url" name="url" required; }
                    label { "Signing secret (blank: generated)" input type="text" name="token"; }
                    label { "Events (space-separated)" input type="text" name="events" required value="license.created license.updated"; }
                    p.muted { "Events: "
                        @for (_, names) in webhooks::EVENTS { @for e in *names { span.mono { (e) } " " } } }
                    button type="submit" { "Create webhook" }
                }
            }
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WebhookForm {
    csrf: String,
    name: String,
    url: String,
    token: String,
    events: String,
}

async fn webhook_create(
    State(st): State<AppState>,
    s: StaffSession,
    Form(f): Form<WebhookForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    run(&st, move |app| {
        webhooks::create(
            app,
            WebhookFields {
                name: Some(f.name),
                url: Some(f.url.trim().to_owned()),
                token: nonempty(&f.token),
                active: Some(true),
                events: Some(
                    f.events
                        .split([' ', ','])
                        .filter(|e| !e.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
            },
        )
    })
    .await?;
    Ok(see_other("/dashboard/webhooks?notice=Webhook+created"))
}

async fn webhook_action(
    State(st): State<AppState>,
    s: StaffSession,
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    let (needs, active, notice) = match action.as_str() {
        "pause" => (Action::Write, Some(false), "Webhook+paused"),
        "resume" => (Action::Write, Some(true), "Webhook+resumed"),
        "delete" => (Action::Delete, None, "Webhook+deleted"),
        _ => return Err(ApiError::not_found("dashboard action").into()),
    };
    s.allow(&f.csrf, needs)?;
    run(&st, move |app| match active {
        Some(active) => webhooks::update(
            app,
            &id,
            WebhookFields {
                active: Some(active),
                ..Default::default()
            },
        )
        .map(drop),
        None => webhooks::delete(app, &id),
    })
    .await?;
    Ok(see_other(&format!("/dashboard/webhooks?notice={notice}")))
}

async fn webhook_page(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
) -> WebResult {
    s.staff.role.require(Action::Write)?;
    let w: Webhook = run(&st, move |app| {
        crate::resources::get_doc::<Webhook>(app, &id, "webhook")
    })
    .await?;
    Ok(s.page(
        &format!("Webhook {}", w.name),
        None,
        html! {
            h1 { "Webhook " (w.name) }
            form.stack method="post" action={"/dashboard/webhooks/" (w.id) "/edit"} {
                (s.csrf())
                label { "Name" input type="text" name="name" required value=(w.name); }
                label { "URL (https)" input type="url" name="url" required value=(w.url); }
                label { "Events (space-separated)" input type="text" name="events" required value=(w.events.join(" ")); }
                p.muted { "Events: "
                    @for (_, names) in webhooks::EVENTS { @for e in *names { span.mono { (e) } " " } } }
                label { input type="checkbox" name="active" value="on" checked[w.active]; " Active (receives events)" }
                button type="submit" { "Save" }
            }
        },
    ))
}

/// The webhook edit form; an unticked box is absent from the post. The
/// signing secret is not shown nor changed here.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WebhookEditForm {
    csrf: String,
    name: String,
    url: String,
    events: String,
    active: String,
}

async fn webhook_edit(
    State(st): State<AppState>,
    s: StaffSession,
    Path(id): Path<String>,
    Form(f): Form<WebhookEditForm>,
) -> WebResult {
    s.allow(&f.csrf, Action::Write)?;
    run(&st, move |app| {
        webhooks::update(
            app,
            &id,
            WebhookFields {
                name: Some(f.name.trim().to_owned()),
                url: Some(f.url.trim().to_owned()),
                active: Some(!f.active.is_empty()),
                events: Some(
                    f.events
                        .split([' ', ','])
                        .filter(|e| !e.is_empty())
                        .map(str::to_owned)
                        .collect(),
                ),
                token: None,
            },
        )
    })
    .await?;
    Ok(see_other("/dashboard/webhooks?notice=Webhook+updated"))
}
