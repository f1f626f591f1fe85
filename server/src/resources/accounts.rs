//! Client accounts: login (password, then TOTP), sessions, and the logged-in
//! user's licenses.
//!
//! `POST /v3/accounts/login`, `POST /v3/accounts/login-oidc`,
//! `GET /v3/me/licenses`; the logged-in user's own record and devices:
//! `GET|PATCH /v3/me`, `GET /v3/me/activations`, `GET /v3/me/activations/{id}`.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::requests::{LoginRequest, LoginResponse, OidcLoginRequest, UserLicense};
use openlex_wire::ErrorCode;
use serde::Deserialize;

use super::activations::{self, Activation};
use super::licenses;
use super::users::{self, User, UserFields, UserView};
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, ApiQuery, Bearer, Paging};
use crate::http::forwarded::ClientAddr;
use crate::http::{list_response, ok, AppState};
use crate::params;
use crate::store::{Page, Tx};
use crate::validate;

/// How long a session lasts (seconds).
pub const SESSION_SECONDS: i64 = 30 * 86_400;

/// Storage queries of users and sessions.
pub mod store {
    use super::*;

    /// The user with `email` (lower-case).
    pub fn user_by_email(tx: &mut dyn Tx, email: &str) -> ApiResult<Option<User>> {
        tx.doc(
            "SELECT data FROM users WHERE email = ?1 ORDER BY created_at, rowid LIMIT 1",
            params![email],
        )
    }

    /// The user id and expiry of a session by token hash.
    pub fn session(tx: &mut dyn Tx, token_hash: &str) -> ApiResult<Option<(String, i64)>> {
        tx.query_opt(
            "SELECT user_id, expires_at FROM user_sessions WHERE token_hash = ?1",
            params![token_hash],
            |r| Ok((r.str(0)?.to_owned(), r.int(1)?)),
        )
    }

    /// Records a session.
    pub fn put_session(
        tx: &mut dyn Tx,
        token_hash: &str,
        user_id: &str,
        expires_at: i64,
    ) -> ApiResult<()> {
        tx.execute(
            "INSERT INTO user_sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3) ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at",
            params![token_hash, user_id, expires_at],
        )?;
        Ok(())
    }
}

/// Password, then TOTP when the user has a secret, through the one
/// [`PasswordGate`](crate::passwords::PasswordGate): failures count per
/// (e-mail, source address) with the activation endpoint's, unknown e-mails
/// cost and lock the same as known ones, and the hash runs on the password
/// threads, outside any unit of work. Returns a session token.
pub async fn login(app: &Arc<App>, req: LoginRequest, source: IpAddr) -> ApiResult<String> {
    let user = authenticate(
        app,
        &req.email,
        &req.password,
        req.two_factor_code.as_deref(),
        source,
    )
    .await?;
    let now = app.now();
    let token = crate::ids::secret_token("olu_");
    let hash = crate::ids::token_hash(&token);
    app.run(move |app| {
        app.store
            .write(|tx| store::put_session(tx, &hash, &user.id, now + SESSION_SECONDS))
    })
    .await?;
    Ok(token)
}

/// The user whose e-mail and password (and TOTP code, when the user has a
/// secret) these are, checked through the password gate (the client login
/// and the customer portal's sign-in).
pub async fn authenticate(
    app: &Arc<App>,
    email: &str,
    password: &str,
    two_factor_code: Option<&str>,
    source: IpAddr,
) -> ApiResult<User> {
    validate::len_in("email", email, 1, 256)?;
    validate::len_in("password", password, 8, 256)?;
    let email = email.to_lowercase();
    let invalid = || ApiError::new(ErrorCode::AuthenticationFailed, "invalid email or password");
    let now = app.now();
    app.passwords.ensure_unlocked(&email, source, now).await?;
    let user = {
        let email = email.clone();
        app.run(move |app| app.store.read(|tx| store::user_by_email(tx, &email)))
            .await?
    };
    let stored = user.as_ref().map(|u| u.password_hash.as_str());
    app.passwords
        .check(&email, source, password, stored, now, invalid)
        .await?;
    let user = user.ok_or_else(invalid)?;
    second_factor(
        app,
        &email,
        source,
        &user.two_factor_secret,
        two_factor_code,
    )
    .await?;
    app.passwords.succeeded(&email, source).await?;
    Ok(user)
}

/// The TOTP step after a right password: nothing to do without a secret;
/// else a missing code is `TWO_FACTOR_CODE_MISSING` and a wrong one
/// `TWO_FACTOR_CODE_INVALID`, counted by the gate like a wrong password.
pub async fn second_factor(
    app: &App,
    account: &str,
    source: IpAddr,
    secret: &str,
    code: Option<&str>,
) -> ApiResult<()> {
    if secret.is_empty() {
        return Ok(());
    }
    let now = app.now();
    match code.filter(|c| !c.is_empty()) {
        None => Err(ApiError::new(
            ErrorCode::TwoFactorCodeMissing,
            "two-factor authentication code required",
        )),
        Some(code) if !crate::totp::verify(secret, code, now) => {
            let e = ApiError::new(
                ErrorCode::TwoFactorCodeInvalid,
                "invalid two-factor authentication code",
            );
            Err(app.passwords.failed(account, source, now, e).await)
        }
        Some(_) => Ok(()),
    }
}

/// The user whose unexpired session `bearer` is (401 USER_NOT_AUTHENTICATED
/// otherwise).
pub fn session_user(tx: &mut dyn Tx, bearer: Option<&str>, now: i64) -> ApiResult<User> {
    let unauth = || ApiError::new(ErrorCode::UserNotAuthenticated, "user not authenticated");
    let bearer = bearer.filter(|b| !b.is_empty()).ok_or_else(unauth)?;
    let (uid, exp) = store::session(tx, &crate::ids::token_hash(bearer))?.ok_or_else(unauth)?;
    if exp <= now {
        return Err(unauth());
    }
    tx.load::<User>(&uid)?.ok_or_else(unauth)
}

/// `PATCH /v3/me` (the vendor's `MeUpdateRequestModel`; its two-factor and
/// SSO fields are not taken here).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeUpdate {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email (unique; 409 CONFLICT if another user has it).
    pub email: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Metadata.
    pub metadata: Option<Vec<openlex_wire::claims::Metadata>>,
}

/// Changes the session user's name, email, company or metadata.
pub fn update_me(app: &App, bearer: Option<&str>, req: &MeUpdate) -> ApiResult<UserView> {
    let now = app.now();
    app.store.write(|tx| {
        let mut u = session_user(tx, bearer, now)?;
        if let Some(email) = req.email.as_deref().map(str::to_lowercase) {
            if email != u.email {
                validate::len_in("email", &email, 3, 256)?;
                if !email.contains('@') {
                    return Err(ApiError::validation("email must contain @"));
                }
                if store::user_by_email(tx, &email)?.is_some() {
                    return Err(ApiError::new(
                        ErrorCode::Conflict,
                        "another user has this email",
                    ));
                }
                u.email = email;
            }
        }
        let fields = UserFields {
            first_name: req.first_name.clone(),
            last_name: req.last_name.clone(),
            company: req.company.clone(),
            metadata: req.metadata.clone(),
            ..Default::default()
        };
        fields.apply(&mut u)?;
        u.updated_at = now;
        tx.save(&u)?;
        Ok(users::view(&u, None))
    })
}

/// Query of `GET /v3/me/activations`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MyActivationsQuery {
    /// Only this license's activations.
    pub license_id: Option<String>,
    /// The other query keys (`query` is refused).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// One page of the activations of the session user's licenses.
pub fn my_activations(
    app: &App,
    bearer: Option<&str>,
    q: &MyActivationsQuery,
    page: Page,
) -> ApiResult<(Vec<Activation>, i64)> {
    super::reject_unsupported_filters(&q.rest, &["query"])?;
    let now = app.now();
    app.store.read(|tx| {
        let u = session_user(tx, bearer, now)?;
        let mut all = Vec::new();
        for l in licenses::store::of_user(tx, &u.id)? {
            if q.license_id.as_ref().is_some_and(|id| *id != l.id) {
                continue;
            }
            all.extend(tx.find_all::<Activation>(&[("license_id", l.id.clone())])?);
        }
        all.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        if page.newest_first {
            all.reverse();
        }
        let total = all.len() as i64;
        let limit = page.limit.clamp(1, 100) as usize;
        let skip = (page.page.max(1) as usize - 1).saturating_mul(limit);
        Ok((all.into_iter().skip(skip).take(limit).collect(), total))
    })
}

/// One activation of the session user's licenses (404 for any other).
pub fn my_activation(app: &App, bearer: Option<&str>, id: &str) -> ApiResult<Activation> {
    let now = app.now();
    app.store.read(|tx| {
        let u = session_user(tx, bearer, now)?;
        let a = tx
            .load::<Activation>(id)?
            .ok_or_else(|| ApiError::not_found("activation"))?;
        match tx.load::<licenses::License>(&a.license_id)? {
            Some(l) if l.user_id == u.id => Ok(a),
            _ => Err(ApiError::not_found("activation")),
        }
    })
}

/// Query of `GET /v3/me/licenses`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MyLicensesQuery {
    /// Only this product's licenses.
    pub product_id: String,
}

/// The licenses of the user whose session `bearer` is.
pub fn user_licenses(
    app: &App,
    bearer: Option<&str>,
    product_id: &str,
) -> ApiResult<Vec<UserLicense>> {
    let now = app.now();
    let unauth = || ApiError::new(ErrorCode::UserNotAuthenticated, "user not authenticated");
    let bearer = bearer.filter(|b| !b.is_empty()).ok_or_else(unauth)?;
    app.store.read(|tx| {
        let (uid, exp) = store::session(tx, &crate::ids::token_hash(bearer))?.ok_or_else(unauth)?;
        if exp <= now {
            return Err(unauth());
        }
        let mut out = Vec::new();
        for l in licenses::store::of_user(tx, &uid)? {
            if !product_id.is_empty() && l.product_id != product_id {
                continue;
            }
            let seats = activations::store::count_seats(tx, &l.id, now)?;
            out.push(UserLicense {
                allowed_activations: l.allowed_activations,
                allowed_deactivations: l.allowed_deactivations,
                key: l.key.clone(),
                total_activations: seats.max(0) as u32,
                total_deactivations: l.total_deactivations.max(0) as u32,
                r#type: l.r#type.as_str().to_owned(),
                metadata: l.wire_metadata(),
            });
        }
        Ok(out)
    })
}

/// Account routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/accounts/login", post(login_route))
        .route("/v3/accounts/login-oidc", post(login_oidc))
        .route("/v3/me/licenses", get(me_licenses))
        .route("/v3/me", get(me_route).patch(update_me_route))
        .route("/v3/me/activations", get(my_activations_route))
        .route("/v3/me/activations/{id}", get(my_activation_route))
}

async fn me_route(State(st): State<AppState>, Bearer(token): Bearer) -> ApiResult<Response> {
    let u = st
        .app
        .run(move |app| {
            let now = app.now();
            app.store.read(|tx| session_user(tx, token.as_deref(), now))
        })
        .await?;
    ok(&users::view(&u, None))
}

async fn update_me_route(
    State(st): State<AppState>,
    Bearer(token): Bearer,
    ApiJson(req): ApiJson<MeUpdate>,
) -> ApiResult<Response> {
    ok(&st
        .app
        .run(move |app| update_me(app, token.as_deref(), &req))
        .await?)
}

async fn my_activations_route(
    State(st): State<AppState>,
    Bearer(token): Bearer,
    ApiQuery(q): ApiQuery<MyActivationsQuery>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(
        st.app
            .run(move |app| my_activations(app, token.as_deref(), &q, page))
            .await?,
    )
}

async fn my_activation_route(
    State(st): State<AppState>,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st
        .app
        .run(move |app| my_activation(app, token.as_deref(), &id))
        .await?)
}

async fn login_route(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let token = login(&st.app, req, source).await?;
    ok(&LoginResponse {
        access_token: token,
    })
}

/// OIDC needs an identity provider; a self-hosted server has none configured.
async fn login_oidc(ApiJson(_req): ApiJson<OidcLoginRequest>) -> ApiResult<Response> {
    Err(ApiError::new(
        ErrorCode::OidcSsoNotEnabled,
        "OIDC single sign-on is not enabled on this server",
    ))
}

async fn me_licenses(
    State(st): State<AppState>,
    Bearer(token): Bearer,
    ApiQuery(q): ApiQuery<MyLicensesQuery>,
) -> ApiResult<Response> {
    let list = st
        .app
        .run(move |app| user_licenses(app, token.as_deref(), &q.product_id))
        .await?;
    ok(&list)
}
