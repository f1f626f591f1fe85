//! Client accounts: login (password, then TOTP), sessions, and the logged-in
//! user's licenses.
//!
//! `POST /v3/accounts/login`, `POST /v3/accounts/login-oidc`,
//! `GET /v3/me/licenses`.

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
use crate::http::{ok, AppState};
use crate::params;
use crate::store::Tx;
use crate::validate;

/// Consecutive failed logins that lock an account.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// How long a lock lasts (seconds).
pub const LOCK_SECONDS: i64 = 300;
/// How long a session lasts (seconds).
pub const SESSION_SECONDS: i64 = 30 * 86_400;

/// Storage queries of users and sessions.
pub mod store {
    use super::*;

    /// The user with `email` (lower-case).
    pub fn user_by_email(tx: &mut dyn Tx, email: &str) -> ApiResult<Option<User>> {
        tx.doc(
            "SELECT data FROM users WHERE email = ?1 ORDER BY created_at, rowid LIMIT 1 FOR UPDATE",
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

/// Password, then TOTP when the user has a secret; [`MAX_FAILED_LOGINS`]
/// consecutive failures lock the account for [`LOCK_SECONDS`]. Returns a
/// session token.
pub fn login(app: &App, req: &LoginRequest) -> ApiResult<String> {
    validate::len_in("email", &req.email, 1, 256)?;
    validate::len_in("password", &req.password, 8, 256)?;
    let now = app.now();
    let locked = || {
        ApiError::new(
            ErrorCode::LoginTemporarilyLocked,
            "too many failed logins; try again later",
        )
    };
    // The unit of work returns Ok(Err(..)) for failed logins so the failure
    // counter is committed while the client still gets the error.
    app.store.write(|tx| {
        let Some(mut user) = store::user_by_email(tx, &req.email.to_lowercase())? else {
            return Ok(Err(ApiError::new(
                ErrorCode::AuthenticationFailed,
                "invalid email or password",
            )));
        };
        if user.locked_until > now {
            return Ok(Err(locked()));
        }
        let mut failure: Option<ApiError> = None;
        if !crate::passwords::verify_password(&req.password, &user.password_hash) {
            failure = Some(ApiError::new(
                ErrorCode::AuthenticationFailed,
                "invalid email or password",
            ));
        } else if !user.two_factor_secret.is_empty() {
            match req.two_factor_code.as_deref().filter(|c| !c.is_empty()) {
                None => {
                    return Ok(Err(ApiError::new(
                        ErrorCode::TwoFactorCodeMissing,
                        "two-factor authentication code required",
                    )))
                }
                Some(code) if !crate::totp::verify(&user.two_factor_secret, code, now) => {
                    failure = Some(ApiError::new(
                        ErrorCode::TwoFactorCodeInvalid,
                        "invalid two-factor authentication code",
                    ))
                }
                Some(_) => {}
            }
        }
        if let Some(e) = failure {
            user.failed_logins += 1;
            let now_locked = user.failed_logins >= MAX_FAILED_LOGINS;
            if now_locked {
                user.failed_logins = 0;
                user.locked_until = now + LOCK_SECONDS;
            }
            tx.save(&user)?;
            return Ok(Err(if now_locked { locked() } else { e }));
        }
        user.failed_logins = 0;
        user.locked_until = 0;
        tx.save(&user)?;
        let token = crate::ids::secret_token("olu_");
        store::put_session(
            tx,
            &crate::ids::token_hash(&token),
            &user.id,
            now + SESSION_SECONDS,
        )?;
        Ok(Ok(token))
    })?
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
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Response> {
    let token = st.app.run(move |app| login(app, &req)).await?;
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
