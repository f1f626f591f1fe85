//! Personal access tokens of the admin API (the secret is stored hashed and
//! shown once).
//!
//! `POST|GET /v3/personal-access-tokens`, `DELETE /v3/personal-access-tokens/{id}`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get};
use axum::Router;
use openlex_wire::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::auth::{self, scope};
use crate::error::{ApiError, ApiResult};
use crate::http::extract::{Admin, ApiJson, Paging};
use crate::http::{created, list_response, no_content, AppState};
use crate::params;
use crate::store::{Doc, Page, Param, Table, Tx};

/// A personal access token for the admin API (the secret is stored hashed).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdminToken {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Scopes, e.g. `license:write`, or `*`.
    pub scopes: Vec<String>,
    /// SHA-256 of the secret (never returned).
    pub token_hash: String,
    /// Expires at; 0 = never.
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
}

static TOKENS: Table = Table::new("admin_tokens", &["token_hash"]);

impl Doc for AdminToken {
    fn table() -> &'static Table {
        &TOKENS
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![&self.token_hash])
    }
}

/// Storage queries of tokens.
pub mod store {
    use super::*;

    /// The token whose secret hashes to `hash` (a unique index: one lookup,
    /// however many tokens there are).
    pub fn by_hash(tx: &mut dyn Tx, hash: &str) -> ApiResult<Option<AdminToken>> {
        tx.doc(
            "SELECT data FROM admin_tokens WHERE token_hash = ?1",
            params![hash],
        )
    }
}

/// `POST /v3/personal-access-tokens` (and the CLI's `token create`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, clap::Args)]
#[serde(rename_all = "camelCase", default)]
pub struct TokenCreate {
    /// Name.
    #[arg(long, default_value = "cli")]
    pub name: String,
    /// Scope, repeatable or comma-separated (e.g. license:write, *).
    #[arg(long = "scope", value_delimiter = ',', required = true)]
    pub scopes: Vec<String>,
    /// Expiry (unix seconds; 0 = never).
    #[arg(long, default_value_t = 0)]
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
}

/// A token as the API shows it; `token` (the secret) only at creation.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Expires at.
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// The secret, shown once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The same secret under the vendor's name (`AccessTokenDto`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// The view of `t`.
pub fn view(t: &AdminToken, secret: Option<String>) -> TokenView {
    TokenView {
        id: t.id.clone(),
        name: t.name.clone(),
        scopes: t.scopes.clone(),
        expires_at: t.expires_at,
        created_at: t.created_at,
        access_token: secret.clone(),
        token: secret,
    }
}

/// Creates a token for a caller holding `granter` (the CLI, with the
/// database itself, holds `*`): its scopes must be a subset of the
/// granter's (403 FORBIDDEN otherwise) and it must not be expired already.
/// The secret is returned only here.
pub fn create(app: &App, req: &TokenCreate, granter: &[String]) -> ApiResult<TokenView> {
    if req.scopes.is_empty() {
        return Err(ApiError::validation("at least one scope is required"));
    }
    for s in &req.scopes {
        auth::check_grantable(s)?;
        if !auth::grants(granter, s) {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                format!("a token cannot grant {s}, which it does not hold"),
            ));
        }
    }
    if req.expires_at < 0 || (req.expires_at != 0 && req.expires_at <= app.now()) {
        return Err(ApiError::validation(
            "expiresAt must be in the future (or 0: never)",
        ));
    }
    let secret = crate::ids::secret_token("olat_");
    let t = AdminToken {
        id: crate::ids::uuid(),
        name: if req.name.is_empty() {
            "token".into()
        } else {
            req.name.clone()
        },
        scopes: req.scopes.clone(),
        token_hash: crate::ids::token_hash(&secret),
        expires_at: req.expires_at,
        created_at: app.now(),
    };
    app.store.write(|tx| {
        tx.save(&t)?;
        super::event_logs::created(
            tx,
            super::event_logs::Resource::PersonalAccessToken,
            &t.id,
            t.created_at,
            &view(&t, None),
        )
    })?;
    Ok(view(&t, Some(secret)))
}

/// One page of tokens.
pub fn list(app: &App, page: Page) -> ApiResult<(Vec<TokenView>, i64)> {
    let (items, total) = app.store.read(|tx| tx.list::<AdminToken>(&[], page))?;
    Ok((items.iter().map(|t| view(t, None)).collect(), total))
}

/// Token routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v3/personal-access-tokens",
            get(list_route).post(create_route),
        )
        .route("/v3/personal-access-tokens/{id}", delete(delete_route))
}

async fn create_route(
    admin: Admin<scope::TokenWrite>,
    State(st): State<AppState>,
    ApiJson(req): ApiJson<TokenCreate>,
) -> ApiResult<Response> {
    let granter = admin.token.scopes;
    created(&st.app.run(move |app| create(app, &req, &granter)).await?)
}

async fn list_route(
    _: Admin<scope::TokenWrite>,
    State(st): State<AppState>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(st.app.run(move |app| list(app, page)).await?)
}

async fn delete_route(
    _: Admin<scope::TokenWrite>,
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    st.app
        .run(move |app| {
            super::delete_doc(
                app,
                &id,
                "token",
                super::event_logs::Resource::PersonalAccessToken,
                |t: &AdminToken| view(t, None),
            )
        })
        .await?;
    no_content()
}
