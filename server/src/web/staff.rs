//! Staff accounts: the people who sign in to the dashboard. Each has a role;
//! the role decides which dashboard actions they may take and which API
//! scopes a token they create may hold.

use std::net::IpAddr;
use std::sync::Arc;

use openlex_wire::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::params;
use crate::resources::accounts;
use crate::store::{Doc, Param, Table, Tx};
use crate::validate;

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Everything, including deleting records and managing API tokens.
    Admin,
    /// Read everything; suspend, extend and renew licenses, extend trials,
    /// free seats. No creating, editing or deleting, no tokens.
    #[default]
    Support,
}

/// A dashboard action, as the role check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Suspend or unsuspend a license.
    Suspend,
    /// Extend or renew a license, extend a trial.
    Extend,
    /// Free a seat (delete an activation).
    FreeSeat,
    /// Create or edit any record, revoke a license, issue a reset link.
    Write,
    /// Delete a record.
    Delete,
    /// Create or delete API tokens.
    ManageTokens,
}

impl Role {
    /// Its name (`admin`, `support`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Support => "support",
        }
    }

    /// Whether the role may take `action`.
    pub fn may(self, action: Action) -> bool {
        match self {
            Role::Admin => true,
            Role::Support => matches!(action, Action::Suspend | Action::Extend | Action::FreeSeat),
        }
    }

    /// The API scopes a token created by this role may hold at most (a
    /// staff session never grants more than its role).
    pub fn scopes(self) -> Vec<String> {
        match self {
            Role::Admin => vec!["*".to_owned()],
            Role::Support => Vec::new(),
        }
    }

    /// 403 FORBIDDEN unless the role may take `action`.
    pub fn require(self, action: Action) -> ApiResult<()> {
        if self.may(action) {
            Ok(())
        } else {
            Err(ApiError::new(
                ErrorCode::Forbidden,
                format!("the {} role may not do this", self.as_str()),
            ))
        }
    }
}

/// A staff account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Staff {
    /// Id.
    pub id: String,
    /// E-mail (lower-case, unique): the sign-in name.
    pub email: String,
    /// Role.
    pub role: Role,
    /// argon2id password hash.
    pub password_hash: String,
    /// Base32 TOTP secret; empty: no second factor.
    pub two_factor_secret: String,
    /// Created at (unix seconds).
    pub created_at: i64,
}

static STAFF: Table = Table::new("staff", &["email"]);

impl Doc for Staff {
    fn table() -> &'static Table {
        &STAFF
    }
    fn id(&self) -> &str {
        &self.id
    }
    fn created_at(&self) -> i64 {
        self.created_at
    }
    fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
        f(params![&self.email])
    }
}

/// Storage queries of staff accounts.
pub mod store {
    use super::*;

    /// The staff account with `email` (lower-case).
    pub fn by_email(tx: &mut dyn Tx, email: &str) -> ApiResult<Option<Staff>> {
        tx.doc("SELECT data FROM staff WHERE email = ?1", params![email])
    }
}

/// `staff create` input.
#[derive(Debug, Clone)]
pub struct StaffCreate {
    /// E-mail.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Password (12..256 characters).
    pub password: String,
    /// Generate a TOTP secret (returned once).
    pub two_factor: bool,
}

/// Creates a staff account; returns it and, when asked for, the TOTP secret
/// (shown once).
pub fn create(app: &App, req: StaffCreate) -> ApiResult<(Staff, Option<String>)> {
    let email = req.email.trim().to_lowercase();
    validate::len_in("email", &email, 3, 256)?;
    if !email.contains('@') {
        return Err(ApiError::validation("email must be an e-mail address"));
    }
    validate::len_in("password", &req.password, 12, 256)?;
    let secret = req
        .two_factor
        .then(|| crate::totp::base32_encode(&crate::ids::random::<20>()));
    let s = Staff {
        id: crate::ids::uuid(),
        email,
        role: req.role,
        password_hash: crate::passwords::hash_password(&req.password),
        two_factor_secret: secret.clone().unwrap_or_default(),
        created_at: app.now(),
    };
    app.store.write(|tx| {
        if store::by_email(tx, &s.email)?.is_some() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "a staff account with this email exists",
            ));
        }
        tx.save(&s)
    })?;
    Ok((s, secret))
}

/// Every staff account, oldest first.
pub fn list(app: &App) -> ApiResult<Vec<Staff>> {
    app.store
        .read(|tx| tx.docs("SELECT data FROM staff ORDER BY created_at, rowid", &[]))
}

/// The staff account these credentials sign in, through the one password
/// gate (counted per e-mail and address, unknown e-mails checked against
/// the dummy hash, hashing on the password threads), then the TOTP code
/// when the account has a secret. Staff counters are kept apart from
/// portal users' (`staff:` before the e-mail).
pub async fn authenticate(
    app: &Arc<App>,
    email: &str,
    password: &str,
    code: Option<&str>,
    source: IpAddr,
) -> ApiResult<Staff> {
    validate::len_in("email", email, 1, 256)?;
    validate::len_in("password", password, 1, 256)?;
    let email = email.trim().to_lowercase();
    let account = format!("staff:{email}");
    let invalid = || ApiError::new(ErrorCode::AuthenticationFailed, "invalid email or password");
    let now = app.now();
    app.passwords.ensure_unlocked(&account, source, now).await?;
    let staff = app
        .run(move |app| app.store.read(|tx| store::by_email(tx, &email)))
        .await?;
    let stored = staff.as_ref().map(|s| s.password_hash.as_str());
    app.passwords
        .check(&account, source, password, stored, now, invalid)
        .await?;
    let staff = staff.ok_or_else(invalid)?;
    accounts::second_factor(app, &account, source, &staff.two_factor_secret, code).await?;
    app.passwords.succeeded(&account, source).await?;
    Ok(staff)
}
