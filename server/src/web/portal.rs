//! The customer portal under `/portal`: license users (the users resource)
//! sign in, see their licenses and devices, free a seat, set a new
//! password through a reset link, and download the releases their
//! licenses allow. A user only ever reaches their own licenses: every
//! query starts from the signed-in user's id.

use std::cmp::Ordering;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use openlex_wire::{version, ErrorCode};
use serde::Deserialize;

use super::sessions::{self, Kind, Session};
use super::{
    check_csrf, cookie, csrf_field, html_page, layout, pre_csrf, see_other, set_cookie, when, Form,
    Nav, Query, WebError, WebResult, PRE_CSRF,
};
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::http::forwarded::ClientAddr;
use crate::http::AppState;
use crate::resources::activations::{self, Activation};
use crate::resources::event_logs::{Actor, Resource};
use crate::resources::licenses::{self, License};
use crate::resources::products::Product;
use crate::resources::releases::ReleaseRec;
use crate::resources::users::{self, User};
use crate::resources::{accounts, delete_doc};

/// The portal session cookie.
pub const COOKIE: &str = "olx_portal";
const SIGN_IN: &str = "/portal/sign-in";

/// Portal routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home))
        .route(SIGN_IN, get(sign_in_page).post(sign_in))
        .route("/portal/sign-out", post(sign_out))
        .route("/portal/devices/{id}/deactivate", post(deactivate))
        .route(
            "/portal/reset/{user_id}/{token}",
            get(reset_page).post(reset),
        )
}

/// A signed-in license user and their session.
pub struct PortalSession {
    /// The user.
    pub user: User,
    /// The session (its CSRF token).
    pub session: Session,
}

impl FromRequestParts<AppState> for PortalSession {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, WebError> {
        let acting = |user: &User| Actor::User {
            id: user.id.clone(),
            email: user.email.clone(),
        };
        sessions::signed_in(&st.app, &parts.headers, COOKIE, Kind::Portal, acting)
            .await?
            .map(|(user, session)| PortalSession { user, session })
            .ok_or(WebError::SignIn(SIGN_IN))
    }
}

impl PortalSession {
    fn page(&self, title: &str, notice: Option<&str>, body: Markup) -> Response {
        let nav = Nav {
            links: &[("/portal", "My licenses")],
            who: &self.user.email,
            sign_out: "/portal/sign-out",
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

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Notice {
    notice: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CsrfOnly {
    csrf: String,
}

// ---- sign-in ----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignInForm {
    csrf: String,
    email: String,
    password: String,
    code: String,
}

fn sign_in_markup(csrf: &str, email: &str, message: Option<(&str, &str)>) -> Markup {
    layout(
        "Customer portal",
        None,
        html! {
            section.signin {
                h1 { "Your licenses" }
                p.muted { "Sign in with the e-mail and password of your license account." }
                @if let Some((class, m)) = message { p class=(class) role="alert" { (m) } }
                form method="post" action=(SIGN_IN) {
                    (csrf_field(csrf))
                    label { "Email" input type="email" name="email" value=(email) required autocomplete="username"; }
                    label { "Password" input type="password" name="password" required autocomplete="current-password"; }
                    label { "Two-factor code (if enabled)" input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*"; }
                    button type="submit" { "Sign in" }
                }
                p.muted { "Forgot your password? Ask your vendor for a reset link." }
            }
        },
    )
}

async fn sign_in_page(headers: HeaderMap, Query(n): Query<Notice>) -> Response {
    let (csrf, set) = pre_csrf(&headers);
    let msg = n.notice.as_deref().map(|m| ("notice", m));
    html_page(sign_in_markup(&csrf, "", msg), set.into_iter().collect())
}

async fn sign_in(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> WebResult {
    check_csrf(cookie(&headers, PRE_CSRF).unwrap_or(""), &f.csrf)?;
    let code = Some(f.code.trim()).filter(|c| !c.is_empty());
    let factor = accounts::SecondFactor {
        code,
        recovery_code: None,
    };
    match accounts::authenticate(&st.app, &f.email, &f.password, factor, source).await {
        Ok(u) => {
            let id = u.id.clone();
            let (secret, _) = st
                .app
                .run(move |app| sessions::start(app, Kind::Portal, &id))
                .await?;
            let mut r = see_other("/portal");
            r.headers_mut().append(
                axum::http::header::SET_COOKIE,
                set_cookie(COOKIE, &secret, None),
            );
            Ok(r)
        }
        Err(e) => {
            let status = axum::http::StatusCode::from_u16(e.status())
                .unwrap_or(axum::http::StatusCode::UNAUTHORIZED);
            let mut r = html_page(
                sign_in_markup(&f.csrf, &f.email, Some(("error", &e.message))),
                vec![],
            );
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

async fn sign_out(
    State(st): State<AppState>,
    s: PortalSession,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    check_csrf(&s.session.csrf, &f.csrf)?;
    let hash = s.session.token_hash.clone();
    st.app.run(move |app| sessions::end(app, &hash)).await?;
    let mut r = see_other(SIGN_IN);
    r.headers_mut().append(
        axum::http::header::SET_COOKIE,
        set_cookie(COOKIE, "", Some(0)),
    );
    Ok(r)
}

// ---- licenses, devices, downloads ----

struct MyLicense {
    license: License,
    product: Option<Product>,
    seats_used: i64,
    devices: Vec<Activation>,
    downloads: Vec<ReleaseRec>,
}

/// Published releases of the license's product up to its
/// `maxAllowedReleaseVersion`, newest first.
fn allowed_releases(tx: &mut dyn crate::store::Tx, l: &License) -> ApiResult<Vec<ReleaseRec>> {
    let mut out: Vec<ReleaseRec> = tx
        .find_all::<ReleaseRec>(&[("product_id", l.product_id.clone())])?
        .into_iter()
        .filter(|r| r.published)
        .filter(|r| {
            l.max_allowed_release_version.is_empty()
                || version::compare(&r.version, &l.max_allowed_release_version) != Ordering::Greater
        })
        .collect();
    out.sort_by(|a, b| version::compare(&b.version, &a.version));
    Ok(out)
}

fn my_licenses(app: &App, user_id: &str) -> ApiResult<(Vec<MyLicense>, i64)> {
    let now = app.now();
    app.store.read(|tx| {
        let mut out = Vec::new();
        for l in licenses::store::of_user(tx, user_id)? {
            out.push(MyLicense {
                product: tx.load::<Product>(&l.product_id)?,
                seats_used: activations::store::count_seats(tx, &l.id, now)?,
                devices: tx.find_all::<Activation>(&[("license_id", l.id.clone())])?,
                downloads: allowed_releases(tx, &l)?,
                license: l,
            });
        }
        Ok((out, now))
    })
}

async fn home(State(st): State<AppState>, s: PortalSession, Query(n): Query<Notice>) -> WebResult {
    let uid = s.user.id.clone();
    let (list, now) = st.app.run(move |app| my_licenses(app, &uid)).await?;
    let csrf = csrf_field(&s.session.csrf);
    Ok(s.page(
        "My licenses",
        n.notice.as_deref(),
        html! {
            h1 { "My licenses" }
            @if list.is_empty() { p { "No licenses are assigned to your account." } }
            @for m in &list {
                @let l = &m.license;
                section.license {
                    h2 { (m.product.as_ref().map(|p| p.name.as_str()).unwrap_or("Product")) }
                    dl.facts {
                        dt { "Key" } dd.mono { (l.key) }
                        dt { "Expires" } dd { (when(l.expires_at))
                            @if l.expires_at != 0 && l.expires_at <= now { " " span.badge.warn { "expired" } } }
                        dt { "Seats used" } dd { (m.seats_used) " of "
                            @if l.allowed_activations <= 0 { "unlimited" } @else { (l.allowed_activations) } }
                        @if l.suspended { dt { "Status" } dd { span.badge.warn { "suspended" } } }
                        @if l.revoked { dt { "Status" } dd { span.badge.bad { "revoked" } } }
                    }
                    h3 { "Devices" }
                    div.table-wrap { table {
                        thead { tr { th { "Device" } th { "OS" } th { "App version" } th { "Last sync" } th {} } }
                        tbody {
                            @for a in &m.devices {
                                tr {
                                    td { (a.hostname) }
                                    td { (a.os) " " (a.os_version) }
                                    td { (a.app_version) }
                                    td { (when(a.last_synced_at)) }
                                    td { form.inline method="post" action={"/portal/devices/" (a.id) "/deactivate"} {
                                        (csrf)
                                        button.warn type="submit" { "Deactivate" }
                                    } }
                                }
                            }
                            @if m.devices.is_empty() { tr { td colspan="5" { "No devices." } } }
                        }
                    } }
                    h3 { "Downloads" }
                    @if m.downloads.iter().all(|r| r.files.is_empty()) { p.muted { "No downloads." } }
                    ul {
                        @for r in &m.downloads {
                            @for file in &r.files {
                                li { a href=(file.url) rel="noreferrer" { (file.name) } " — version " (r.version) " (" (r.platforms.join(", ")) ")" }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// Frees the seat of one of the user's own devices (as the dashboard's
/// "free this seat": the activation is deleted, not counted as a
/// deactivation, and the device's next sync gets ACTIVATION_NOT_FOUND).
/// Another user's device is answered 404, like one that does not exist.
async fn deactivate(
    State(st): State<AppState>,
    s: PortalSession,
    Path(id): Path<String>,
    Form(f): Form<CsrfOnly>,
) -> WebResult {
    check_csrf(&s.session.csrf, &f.csrf)?;
    let uid = s.user.id.clone();
    st.app
        .run(move |app| {
            let owned = app.store.read(|tx| {
                let Some(a) = tx.load::<Activation>(&id)? else {
                    return Ok(false);
                };
                Ok(tx
                    .load::<License>(&a.license_id)?
                    .is_some_and(|l| l.user_id == uid))
            })?;
            if !owned {
                return Err(ApiError::not_found("device"));
            }
            delete_doc(app, &id, "device", Resource::Activation, Activation::clone)
        })
        .await?;
    Ok(see_other(
        "/portal?notice=Device+deactivated%3B+its+seat+is+free",
    ))
}

// ---- password reset ----

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResetForm {
    csrf: String,
    password: String,
    confirm: String,
}

fn reset_markup(user_id: &str, token: &str, csrf: &str, error: Option<&str>) -> Markup {
    layout(
        "Set a new password",
        None,
        html! {
            section.signin {
                h1 { "Set a new password" }
                @if let Some(e) = error { p.error role="alert" { (e) } }
                form method="post" action={"/portal/reset/" (user_id) "/" (token)} {
                    (csrf_field(csrf))
                    label { "New password (8 or more characters)" input type="password" name="password" required minlength="8" autocomplete="new-password"; }
                    label { "Repeat it" input type="password" name="confirm" required minlength="8" autocomplete="new-password"; }
                    button type="submit" { "Set password" }
                }
            }
        },
    )
}

fn dead_link() -> WebError {
    WebError::Api(ApiError::new(
        openlex_wire::ErrorCode::NotFound,
        "this reset link was used already or has expired; ask for a new one",
    ))
}

async fn reset_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((user_id, token)): Path<(String, String)>,
) -> WebResult {
    let (u, t) = (user_id.clone(), token.clone());
    if !st
        .app
        .run(move |app| users::reset_token_live(app, &u, &t))
        .await?
    {
        return Err(dead_link());
    }
    let (csrf, set) = pre_csrf(&headers);
    Ok(html_page(
        reset_markup(&user_id, &token, &csrf, None),
        set.into_iter().collect(),
    ))
}

async fn reset(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((user_id, token)): Path<(String, String)>,
    Form(f): Form<ResetForm>,
) -> WebResult {
    check_csrf(cookie(&headers, PRE_CSRF).unwrap_or(""), &f.csrf)?;
    let problem = if f.password != f.confirm {
        Some("the two passwords differ")
    } else if !(8..=256).contains(&f.password.chars().count()) {
        Some("the password must have 8 to 256 characters")
    } else {
        None
    };
    if let Some(p) = problem {
        let mut r = html_page(reset_markup(&user_id, &token, &f.csrf, Some(p)), vec![]);
        *r.status_mut() = axum::http::StatusCode::BAD_REQUEST;
        return Ok(r);
    }
    let req = users::PasswordReset {
        new_password: f.password,
        token,
    };
    // The users resource's reset: one use, ends every session of the
    // user, clears its password lockouts. A used, expired or foreign
    // token is the same dead link to the user.
    match st
        .app
        .run(move |app| users::reset_password(app, &user_id, &req))
        .await
    {
        Ok(()) => {}
        Err(e) if matches!(e.code, ErrorCode::ValidationFailed | ErrorCode::NotFound) => {
            return Err(dead_link())
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other(
        "/portal/sign-in?notice=Password+set%3B+sign+in+with+it",
    ))
}
