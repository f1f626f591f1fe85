//! Client accounts: login (password, then TOTP), sessions, and the logged-in
//! user's licenses.
//!
//! `POST /v3/accounts/login`, `POST /v3/accounts/login-oidc`,
//! `GET /v3/me/licenses`.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::requests::{LoginRequest, LoginResponse, OidcLoginRequest, UserLicense};
use openlex_wire::ErrorCode;
use serde::Deserialize;

use super::activations;
use super::licenses;
use super::users::User;
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{ApiJson, ApiQuery, Bearer};
use crate::http::forwarded::ClientAddr;
use crate::http::{ok, AppState};
use crate::params;
use crate::store::Tx;
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
    app.passwords.ensure_unlocked(&email, source, now)?;
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
    )?;
    app.passwords.succeeded(&email, source);
    Ok(user)
}

/// The TOTP step after a right password: nothing to do without a secret;
/// else a missing code is `TWO_FACTOR_CODE_MISSING` and a wrong one
/// `TWO_FACTOR_CODE_INVALID`, counted by the gate like a wrong password.
pub fn second_factor(
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
            Err(app.passwords.failed(account, source, now, e))
        }
        Some(_) => Ok(()),
    }
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
                metadata: l.metadata.clone(),
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
