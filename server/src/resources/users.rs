//! Users: license owners who can log in from the client.
//!
//! `POST|GET /v3/users`, `GET|PATCH|DELETE /v3/users/{id}`,
//! `GET /v3/users/export` (CSV), `POST /v3/users/{id}/reset-password-token`,
//! `POST /v3/users/{id}/reset-password`, `POST /v3/users/{id}/update-password`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};

use super::event_logs::{self, Resource};
use super::{filters, load_or_404};
use crate::app::App;
use crate::auth::scope;
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, ApiQuery, Bearer, Paging};
use crate::http::forwarded::ClientAddr;
use crate::http::{created, csv_response, list_response, no_content, ok, AppState};
use crate::params;
use crate::store::{Doc, Page, Param, Table, Tx};
use crate::validate;

/// A user (license owner) who can log in from the client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    /// User id.
    pub id: String,
    /// Email (unique, compared case-insensitively).
    pub email: String,
    /// Full name (`name` claim).
    pub name: String,
    /// Company (`company` claim).
    pub company: String,
    /// User metadata (`umd`: the visible entries).
    pub metadata: Vec<crate::metadata::Entry>,
    /// Password hash (argon2id, or PBKDF2 from earlier versions; never
    /// returned by the API).
    pub password_hash: String,
    /// Base32 TOTP secret; empty = no two-factor (never returned).
    pub two_factor_secret: String,
    /// A secret from `POST /v3/me/2fa-secret` waiting for its first code
    /// (`PATCH /v3/me {twoFactorEnabled, twoFactorCode}`); never returned.
    pub pending_two_factor_secret: String,
    /// SHA-256 of each unused two-factor recovery code (never returned);
    /// a code works once, in place of a TOTP code at login.
    pub recovery_code_hashes: Vec<String>,
    /// Role name (the vendor's `role`); empty is [`DEFAULT_ROLE`].
    pub role: String,
    /// SHA-256 of the pending password reset token (never returned).
    pub reset_token_hash: String,
    /// When the pending reset token stops working (unix seconds).
    pub reset_token_expires_at: i64,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
}

/// The role of a user made without one: a license owner (the vendor's
/// `user` role, the one role password reset tokens are issued for).
pub const DEFAULT_ROLE: &str = "user";

/// How long a password reset token works (seconds).
pub const RESET_TOKEN_SECONDS: i64 = 86_400;

impl User {
    /// The user's role (the default when none was set).
    pub fn role(&self) -> &str {
        if self.role.is_empty() {
            DEFAULT_ROLE
        } else {
            &self.role
        }
    }
}

static USERS: Table = Table::new("users", &["email"]);

impl Doc for User {
    fn table() -> &'static Table {
        &USERS
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![&self.email.to_lowercase()])
    }
}

/// The settable fields of a user (create and update; the CLI's flags).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct UserFields {
    /// Password (8..256 characters; stored hashed).
    #[arg(long)]
    pub password: Option<String>,
    /// Full name.
    #[arg(long)]
    pub name: Option<String>,
    /// The vendor's first name (with `lastName`, sets `name`).
    #[arg(long)]
    pub first_name: Option<String>,
    /// The vendor's last name (with `firstName`, sets `name`).
    #[arg(long)]
    pub last_name: Option<String>,
    /// Company.
    #[arg(long)]
    pub company: Option<String>,
    /// Metadata `KEY=VALUE` (repeatable).
    #[arg(long, value_parser = crate::metadata::parse)]
    pub metadata: Option<Vec<crate::metadata::EntryRequest>>,
    /// Base32 TOTP secret to require two-factor codes (empty: none).
    #[arg(long)]
    pub two_factor_secret: Option<String>,
    /// Generate a TOTP secret (returned once) or, false, remove it.
    #[arg(long)]
    pub enable_two_factor: Option<bool>,
    /// Role name (default `user`; it grants nothing on openlex-server,
    /// where administrators use tokens).
    #[arg(long)]
    pub role: Option<String>,
}

/// `POST /v3/users`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct UserCreate {
    /// Email (unique).
    #[arg(long)]
    pub email: String,
    /// The other fields.
    #[serde(flatten)]
    #[command(flatten)]
    pub fields: UserFields,
}

/// `PATCH /v3/users/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserUpdate {
    /// The fields to change.
    #[serde(flatten)]
    pub fields: UserFields,
    /// Clears the user's password lockouts (from every address).
    pub unlock: Option<bool>,
}

/// A user as the API shows it (no password hash or secret).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    /// Id.
    pub id: String,
    /// Email.
    pub email: String,
    /// Name.
    pub name: String,
    /// The name up to its first space (the vendor's `firstName`).
    pub first_name: String,
    /// The rest of the name (the vendor's `lastName`).
    pub last_name: String,
    /// Company.
    pub company: String,
    /// Metadata.
    pub metadata: Vec<crate::metadata::Entry>,
    /// Whether a TOTP secret is set.
    pub two_factor_enabled: bool,
    /// Role name.
    pub role: String,
    /// The role as the vendor's list of roles.
    pub roles: Vec<String>,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
    /// A generated TOTP secret, shown only when generated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub two_factor_secret: Option<String>,
}

/// The view of `u`, with `shown` (a secret just generated).
pub fn view(u: &User, shown: Option<String>) -> UserView {
    let (first, last) = u.name.split_once(' ').unwrap_or((&u.name, ""));
    UserView {
        id: u.id.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        company: u.company.clone(),
        metadata: u.metadata.clone(),
        two_factor_enabled: !u.two_factor_secret.is_empty(),
        role: u.role().to_owned(),
        roles: vec![u.role().to_owned()],
        created_at: u.created_at,
        updated_at: u.updated_at,
        two_factor_secret: shown,
    }
}

impl UserFields {
    /// Sets the given fields; returns a generated TOTP secret to show once.
    pub fn apply(self, u: &mut User) -> ApiResult<Option<String>> {
        if let Some(pw) = &self.password {
            validate::len_in("password", pw, 8, 256)?;
            u.password_hash = crate::passwords::hash_password(pw);
        }
        if self.first_name.is_some() || self.last_name.is_some() {
            let (first, last) = u.name.split_once(' ').unwrap_or((&u.name, ""));
            let first = self.first_name.as_deref().unwrap_or(first).trim();
            let last = self.last_name.as_deref().unwrap_or(last).trim();
            u.name = format!("{first} {last}").trim().to_owned();
        }
        if let Some(md) = self.metadata {
            u.metadata = crate::metadata::replace(&u.metadata, md);
        }
        overlay!(self, u, name, company);
        if let Some(role) = self.role {
            validate::len_in("role", &role, 1, 64)?;
            u.role = role;
        }
        if let Some(s) = self.two_factor_secret {
            if !s.is_empty() && crate::totp::base32_decode(&s).is_none() {
                return Err(ApiError::validation("twoFactorSecret must be base32"));
            }
            u.two_factor_secret = s.to_uppercase();
        }
        let mut shown = None;
        match self.enable_two_factor {
            Some(true) if u.two_factor_secret.is_empty() => {
                u.two_factor_secret = crate::totp::base32_encode(&crate::ids::random::<20>());
                shown = Some(u.two_factor_secret.clone());
            }
            Some(false) => u.two_factor_secret.clear(),
            _ => {}
        }
        if u.two_factor_secret.is_empty() {
            // Recovery codes stand in for TOTP codes: none without two-factor.
            u.recovery_code_hashes.clear();
        }
        crate::metadata::validate(
            u.metadata
                .iter()
                .map(|m| (m.key.as_str(), m.value.as_str())),
        )?;
        Ok(shown)
    }
}

/// Creates a user; a generated TOTP secret is returned once.
pub fn create(app: &App, req: UserCreate) -> ApiResult<UserView> {
    let now = app.now();
    validate::len_in("email", &req.email, 3, 256)?;
    if !req.email.contains('@') {
        return Err(ApiError::validation("email must contain @"));
    }
    if req.fields.password.is_none() {
        return Err(ApiError::validation("password is required"));
    }
    let mut u = User {
        id: crate::ids::uuid(),
        email: req.email.to_lowercase(),
        created_at: now,
        updated_at: now,
        ..Default::default()
    };
    let shown = req.fields.apply(&mut u)?;
    app.store.write(|tx| {
        tx.save(&u)?;
        event_logs::created(tx, Resource::User, &u.id, now, &view(&u, None))
    })?;
    Ok(view(&u, shown))
}

/// Changes the given fields.
pub fn update(app: &App, id: &str, req: UserUpdate) -> ApiResult<UserView> {
    let now = app.now();
    let mut fields = req.fields.clone();
    // Hashed before the unit of work: password hashing never holds the database.
    let new_hash = match fields.password.take() {
        Some(pw) => {
            validate::len_in("password", &pw, 8, 256)?;
            Some(crate::passwords::hash_password(&pw))
        }
        None => None,
    };
    let (u, shown) = app.store.write(|tx| {
        let mut u: User = load_or_404(tx, id, "user")?;
        let before = view(&u, None);
        let shown = fields.clone().apply(&mut u)?;
        if let Some(h) = &new_hash {
            u.password_hash = h.clone();
        }
        u.updated_at = now;
        tx.save(&u)?;
        let after = view(&u, None);
        event_logs::changed(tx, Resource::User, id, "updated", now, &before, &after)?;
        Ok((u, shown))
    })?;
    if req.unlock == Some(true) {
        app.passwords.unlock(&u.email.to_lowercase())?;
    }
    Ok(view(&u, shown))
}

/// Filters of `GET /v3/users`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserFilter {
    /// By email.
    #[serde(alias = "email[eq]")]
    pub email: Option<String>,
    /// The other query keys (checked against the vendor's filters).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// One page of users.
pub fn list(app: &App, f: &UserFilter, page: Page) -> ApiResult<(Vec<UserView>, i64)> {
    super::reject_unsupported_filters(
        &f.rest,
        &[
            "role",
            "userType",
            "company",
            "tag",
            "tags",
            "metadataKey",
            "metadataValue",
            "productId",
            "activationAppVersion",
            "createdAt",
            "lastSeenAt",
            "query",
        ],
    )?;
    let filter = filters(&[("email", &f.email)]);
    let (items, total) = super::list_docs::<User>(app, &filter, page)?;
    Ok((items.iter().map(|u| view(u, None)).collect(), total))
}

/// The vendor's `ResetPasswordTokenDto`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetTokenView {
    /// The token (URL-safe), shown once; it works for
    /// [`RESET_TOKEN_SECONDS`] and once.
    pub reset_password_token: String,
}

/// Issues a password reset token for a user with the `user` role (409
/// CONFLICT for another role, as the vendor's tokens are for customer
/// portals); a new token replaces the pending one.
pub fn reset_token(app: &App, id: &str) -> ApiResult<ResetTokenView> {
    let now = app.now();
    let token = crate::ids::secret_token("olr_");
    let hash = crate::ids::token_hash(&token);
    app.store.write(|tx| {
        let mut u: User = load_or_404(tx, id, "user")?;
        if u.role() != DEFAULT_ROLE {
            return Err(ApiError::new(
                openlex_wire::ErrorCode::Conflict,
                format!("password reset tokens are for users with the `{DEFAULT_ROLE}` role"),
            ));
        }
        u.reset_token_hash = hash.clone();
        u.reset_token_expires_at = now + RESET_TOKEN_SECONDS;
        u.updated_at = now;
        tx.save(&u)?;
        // The audit trail names who issued the token (the DTO shows no change).
        let v = view(&u, None);
        event_logs::changed(tx, Resource::User, id, "updated", now, &v, &v)
    })?;
    Ok(ResetTokenView {
        reset_password_token: token,
    })
}

/// `POST /v3/users/{id}/reset-password`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PasswordReset {
    /// The new password (8..256 characters).
    pub new_password: String,
    /// The token from `reset-password-token`.
    pub token: String,
}

/// `POST /v3/users/{id}/update-password`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PasswordUpdate {
    /// The current password.
    pub old_password: String,
    /// The new password (8..256 characters).
    pub new_password: String,
}

/// Sets `u`'s password hash, ends its sessions and pending reset token.
fn set_password(tx: &mut dyn Tx, u: &mut User, hash: String, now: i64) -> ApiResult<()> {
    u.password_hash = hash;
    u.reset_token_hash.clear();
    u.reset_token_expires_at = 0;
    u.updated_at = now;
    tx.save(u)?;
    tx.execute(
        "DELETE FROM user_sessions WHERE user_id = ?1",
        params![&u.id],
    )?;
    // The customer portal's browser sessions (web::sessions) end too.
    tx.execute(
        "DELETE FROM web_sessions WHERE subject_id = ?1",
        params![&u.id],
    )?;
    // The audit trail records the password change (the DTO shows none).
    let v = view(u, None);
    event_logs::changed(tx, Resource::User, &u.id, "updated", now, &v, &v)
}

/// Whether `presented` (a token's hash) is `u`'s pending, unexpired reset
/// token.
fn reset_token_matches(u: &User, presented: &str, now: i64) -> bool {
    !u.reset_token_hash.is_empty()
        && u.reset_token_hash == presented
        && u.reset_token_expires_at > now
}

/// Whether `token` is a live reset token of user `id` (the customer
/// portal asks before it shows its new-password form).
pub fn reset_token_live(app: &App, id: &str, token: &str) -> ApiResult<bool> {
    let presented = crate::ids::token_hash(token);
    let now = app.now();
    let user = app.store.read(|tx| tx.load::<User>(id))?;
    Ok(user.is_some_and(|u| reset_token_matches(&u, &presented, now)))
}

/// Sets a new password with a reset token (no bearer: the token is the
/// credential; it works once). The user's sessions end and its password
/// lockouts clear.
pub fn reset_password(app: &App, id: &str, req: &PasswordReset) -> ApiResult<()> {
    validate::len_in("newPassword", &req.new_password, 8, 256)?;
    validate::len_in("token", &req.token, 1, 256)?;
    let now = app.now();
    let presented = crate::ids::token_hash(&req.token);
    let invalid = || ApiError::validation("invalid or expired password reset token");
    let stored = app.store.read(|tx| load_or_404::<User>(tx, id, "user"))?;
    if !reset_token_matches(&stored, &presented, now) {
        return Err(invalid());
    }
    // Hashed before the unit of work: password hashing never holds the database.
    let hash = crate::passwords::hash_password(&req.new_password);
    let email = app.store.write(|tx| {
        let mut u: User = load_or_404(tx, id, "user")?;
        // Checked again under the row lock: the token works once.
        if !reset_token_matches(&u, &presented, now) {
            return Err(invalid());
        }
        set_password(tx, &mut u, hash.clone(), now)?;
        Ok(u.email)
    })?;
    app.passwords.unlock(&email.to_lowercase())
}

/// Changes a user's password as that user: `session` must be one of the
/// user's sessions (`POST /v3/accounts/login`) and `oldPassword` is checked
/// through the one password gate (counted and locked like a login).
pub async fn update_password(
    app: &std::sync::Arc<App>,
    id: String,
    session: Option<String>,
    source: std::net::IpAddr,
    req: PasswordUpdate,
) -> ApiResult<()> {
    let unauth = || {
        ApiError::new(
            openlex_wire::ErrorCode::Unauthorized,
            "a session of this user is required",
        )
    };
    let session = session.filter(|s| !s.is_empty()).ok_or_else(unauth)?;
    validate::len_in("newPassword", &req.new_password, 8, 256)?;
    validate::len_in("oldPassword", &req.old_password, 1, 256)?;
    let now = app.now();
    let user = {
        let id = id.clone();
        app.run(move |app| {
            app.store.read(|tx| {
                let (uid, exp) =
                    super::accounts::store::session(tx, &crate::ids::token_hash(&session))?
                        .ok_or_else(unauth)?;
                if uid != id || exp <= now {
                    return Err(unauth());
                }
                load_or_404::<User>(tx, &id, "user")
            })
        })
        .await?
    };
    let email = user.email.to_lowercase();
    let wrong = || {
        ApiError::new(
            openlex_wire::ErrorCode::AuthenticationFailed,
            "invalid password",
        )
    };
    app.passwords
        .check(
            &email,
            source,
            &req.old_password,
            Some(&user.password_hash),
            now,
            wrong,
        )
        .await?;
    app.passwords.succeeded(&email, source).await?;
    let new_password = req.new_password;
    app.run(move |app| {
        let hash = crate::passwords::hash_password(&new_password);
        app.store.write(|tx| {
            let mut u: User = load_or_404(tx, &id, "user")?;
            set_password(tx, &mut u, hash.clone(), now)
        })
    })
    .await
}

/// The CSV columns of `GET /v3/users/export`, in order.
pub const EXPORT_COLUMNS: &[&str] = &[
    "id",
    "email",
    "name",
    "firstName",
    "lastName",
    "company",
    "role",
    "twoFactorEnabled",
    "createdAt",
];

/// Every user as CSV rows, oldest first.
pub fn export(app: &App) -> ApiResult<Vec<Vec<String>>> {
    let users = app.store.read(|tx| tx.find_all::<User>(&[]))?;
    Ok(users
        .iter()
        .map(|u| {
            let v = view(u, None);
            vec![
                v.id,
                v.email,
                v.name,
                v.first_name,
                v.last_name,
                v.company,
                v.role,
                v.two_factor_enabled.to_string(),
                crate::dates::format(v.created_at),
            ]
        })
        .collect())
}

/// User routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/users", get(list_route).post(create_route))
        .route(
            "/v3/users/{id}",
            get(get_route).patch(update_route).delete(delete_route),
        )
        .route("/v3/users/export", get(export_route))
        .route(
            "/v3/users/{id}/reset-password-token",
            post(reset_token_route),
        )
        .route("/v3/users/{id}/reset-password", post(reset_password_route))
        .route(
            "/v3/users/{id}/update-password",
            post(update_password_route),
        )
}

async fn export_route(
    _: Admin<scope::UserRead>,
    State(st): State<AppState>,
) -> ApiResult<Response> {
    let rows = st.app.run(export).await?;
    csv_response(EXPORT_COLUMNS, &rows)
}

async fn reset_token_route(
    _: Admin<scope::UserWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| reset_token(app, &id)).await?)
}

async fn reset_password_route(
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PasswordReset>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| reset_password(app, &id, &req))
        .await?;
    no_content()
}

async fn update_password_route(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Bearer(session): Bearer,
    ClientAddr(source): ClientAddr,
    ApiJson(req): ApiJson<PasswordUpdate>,
) -> ApiResult<Response> {
    update_password(&st.app, id, session, source, req).await?;
    no_content()
}

async fn create_route(
    _: Admin<scope::UserWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<UserCreate>,
) -> ApiResult<Response> {
    created(&st.app.run(move |app| create(app, req)).await?)
}

async fn list_route(
    _: Admin<scope::UserRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<UserFilter>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, &f, page)).await?)
}

async fn get_route(
    _: Admin<scope::UserRead>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let u: User = st
        .app
        .run(move |app| super::get_doc(app, &id, "user"))
        .await?;
    ok(&view(&u, None))
}

async fn update_route(
    _: Admin<scope::UserWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UserUpdate>,
) -> ApiResult<Response> {
    ok(&st.app.run(move |app| update(app, &id, req)).await?)
}

async fn delete_route(
    _: Admin<scope::UserWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| {
            super::delete_doc(app, &id, "user", Resource::User, |u: &User| view(u, None))
        })
        .await?;
    no_content()
}
