//! Client accounts: login (password, then a TOTP or recovery code),
//! sessions, two-factor set-up, and the logged-in user's licenses.
//!
//! `POST /v3/accounts/login`, `POST /v3/accounts/login-oidc`,
//! the logged-in user's own record, licenses, releases and devices:
//! `GET|PATCH /v3/me`, `GET /v3/me/licenses` (also LexActivator's
//! `GetUserLicenses`), `GET /v3/me/licenses/{id}`, `GET /v3/me/releases`,
//! `GET /v3/me/activations`, `GET /v3/me/activations/{id}`,
//! `POST /v3/me/2fa-secret`, `POST /v3/me/2fa-recovery-codes`.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use openlex_wire::requests::{LoginRequest, LoginResponse, OidcLoginRequest};
use openlex_wire::ErrorCode;
use serde::{Deserialize, Serialize};

use super::activations::{self, Activation};
use super::licenses;
use super::products::Product;
use super::releases::{ReleaseRec, ReleaseView};
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

/// `POST /v3/accounts/login`: LexActivator's `LoginRequest` plus the
/// vendor's `twoFactorRecoveryCode` (`LoginRequestModel`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginBody {
    /// E-mail, password, account id and TOTP code.
    #[serde(flatten)]
    pub login: LoginRequest,
    /// A recovery code from `POST /v3/me/2fa-recovery-codes`, in place of
    /// the TOTP code (works once).
    #[serde(default)]
    pub two_factor_recovery_code: Option<String>,
}

/// Password, then TOTP (or a recovery code) when the user has a secret,
/// through the one [`PasswordGate`](crate::passwords::PasswordGate):
/// failures count per (e-mail, source address) with the activation
/// endpoint's, unknown e-mails cost and lock the same as known ones, and the
/// hash runs on the password threads, outside any unit of work. Returns a
/// session token.
pub async fn login(app: &Arc<App>, body: LoginBody, source: IpAddr) -> ApiResult<String> {
    let req = body.login;
    let user = authenticate(
        app,
        &req.email,
        &req.password,
        SecondFactor {
            code: req.two_factor_code.as_deref(),
            recovery_code: body.two_factor_recovery_code.as_deref(),
        },
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

/// What a sign-in offers as its second factor.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecondFactor<'a> {
    /// A TOTP code.
    pub code: Option<&'a str>,
    /// A recovery code (used when no TOTP code is given).
    pub recovery_code: Option<&'a str>,
}

/// The user whose e-mail and password (and TOTP or recovery code, when the
/// user has a secret) these are, checked through the password gate (the
/// client login and the customer portal's sign-in).
pub async fn authenticate(
    app: &Arc<App>,
    email: &str,
    password: &str,
    factor: SecondFactor<'_>,
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
    let code = factor.code.filter(|c| !c.is_empty());
    match factor.recovery_code.filter(|c| !c.is_empty()) {
        Some(recovery) if code.is_none() && !user.two_factor_secret.is_empty() => {
            if !use_recovery_code(app, &user.id, recovery).await? {
                let e = ApiError::new(
                    ErrorCode::TwoFactorCodeInvalid,
                    "invalid two-factor recovery code",
                );
                return Err(app.passwords.failed(&email, source, now, e).await);
            }
        }
        _ => second_factor(app, &email, source, &user.two_factor_secret, code).await?,
    }
    app.passwords.succeeded(&email, source).await?;
    Ok(user)
}

/// How many recovery codes `POST /v3/me/2fa-recovery-codes` issues.
pub const RECOVERY_CODES: usize = 10;

/// A recovery code as typed (any case, dashes and spaces ignored) in the
/// form its hash is taken of.
fn normalize_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A new recovery code: 80 random bits as 16 base32 characters in groups
/// of four (`abcd-efgh-ijkl-mnop`), too many to guess or to recover from
/// the stored SHA-256.
fn new_recovery_code() -> String {
    let raw = crate::totp::base32_encode(&crate::ids::random::<10>()).to_ascii_lowercase();
    raw.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Spends user `user_id`'s recovery code `code`: true if it was unused
/// (it is removed in the same unit of work, so it works once).
async fn use_recovery_code(app: &Arc<App>, user_id: &str, code: &str) -> ApiResult<bool> {
    let hash = crate::ids::token_hash(&normalize_recovery_code(code));
    let id = user_id.to_owned();
    app.run(move |app| {
        let now = app.now();
        app.store.write(|tx| {
            let Some(mut u) = tx.load::<User>(&id)? else {
                return Ok(false);
            };
            let Some(i) = u.recovery_code_hashes.iter().position(|h| *h == hash) else {
                return Ok(false);
            };
            u.recovery_code_hashes.remove(i);
            u.updated_at = now;
            tx.save(&u)?;
            Ok(true)
        })
    })
    .await
}

/// The vendor's `TwoFactorSecretDto`: the account and the `otpauth://`
/// URL an authenticator app scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TwoFactorSecretView {
    /// The user's e-mail.
    pub email: String,
    /// `otpauth://totp/OpenLex:{email}?secret={base32}&issuer=OpenLex`.
    pub url: String,
}

/// The vendor's `TwoFactorRecoveryCodesDto`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodesView {
    /// The codes, shown once (only their hashes are kept).
    pub recovery_codes: Vec<String>,
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `POST /v3/me/2fa-secret`: a new TOTP secret for the session user,
/// pending until `PATCH /v3/me {twoFactorEnabled: true, twoFactorCode}`
/// proves the app has it (409 CONFLICT when two-factor is already on).
pub fn new_two_factor_secret(app: &App, bearer: Option<&str>) -> ApiResult<TwoFactorSecretView> {
    let now = app.now();
    app.store.write(|tx| {
        let mut u = session_user(tx, bearer, now)?;
        if !u.two_factor_secret.is_empty() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "two-factor authentication is already enabled; disable it first",
            ));
        }
        u.pending_two_factor_secret = crate::totp::base32_encode(&crate::ids::random::<20>());
        u.updated_at = now;
        tx.save(&u)?;
        Ok(TwoFactorSecretView {
            url: format!(
                "otpauth://totp/OpenLex:{}?secret={}&issuer=OpenLex",
                percent_encode(&u.email),
                u.pending_two_factor_secret
            ),
            email: u.email,
        })
    })
}

/// `POST /v3/me/2fa-recovery-codes`: [`RECOVERY_CODES`] new recovery codes
/// for the session user, replacing any earlier ones (409 CONFLICT without
/// two-factor).
pub fn new_recovery_codes(app: &App, bearer: Option<&str>) -> ApiResult<RecoveryCodesView> {
    let now = app.now();
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    app.store.write(|tx| {
        let mut u = session_user(tx, bearer, now)?;
        if u.two_factor_secret.is_empty() {
            return Err(ApiError::new(
                ErrorCode::Conflict,
                "two-factor authentication is not enabled",
            ));
        }
        u.recovery_code_hashes = codes
            .iter()
            .map(|c| crate::ids::token_hash(&normalize_recovery_code(c)))
            .collect();
        u.updated_at = now;
        tx.save(&u)
    })?;
    Ok(RecoveryCodesView {
        recovery_codes: codes,
    })
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

/// `PATCH /v3/me` (the vendor's `MeUpdateRequestModel`; its SSO, portal
/// access and tag fields are not taken).
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
    pub metadata: Option<Vec<crate::metadata::EntryRequest>>,
    /// Turns two-factor on (with the pending secret of
    /// `POST /v3/me/2fa-secret`) or off; either needs `twoFactorCode`.
    pub two_factor_enabled: Option<bool>,
    /// A TOTP code of the secret being turned on (or off).
    pub two_factor_code: Option<String>,
}

/// Checks the TOTP code a two-factor change needs: on, of the pending
/// secret; off, of the current one. Nothing to check when the state
/// already is the one asked for.
fn check_two_factor_change(u: &User, req: &MeUpdate, now: i64) -> ApiResult<()> {
    let secret = match req.two_factor_enabled {
        Some(true) if u.two_factor_secret.is_empty() => {
            if u.pending_two_factor_secret.is_empty() {
                return Err(ApiError::validation(
                    "no pending two-factor secret: POST /v3/me/2fa-secret first",
                ));
            }
            &u.pending_two_factor_secret
        }
        Some(false) if !u.two_factor_secret.is_empty() => &u.two_factor_secret,
        _ => return Ok(()),
    };
    match req.two_factor_code.as_deref().filter(|c| !c.is_empty()) {
        None => Err(ApiError::new(
            ErrorCode::TwoFactorCodeMissing,
            "twoFactorCode is required to change two-factor authentication",
        )),
        Some(code) if !crate::totp::verify(secret, code, now) => Err(ApiError::new(
            ErrorCode::TwoFactorCodeInvalid,
            "invalid two-factor authentication code",
        )),
        Some(_) => Ok(()),
    }
}

/// Changes the session user's name, email, company, metadata or
/// two-factor state.
pub fn update_me(app: &App, bearer: Option<&str>, req: &MeUpdate) -> ApiResult<UserView> {
    let now = app.now();
    app.store.write(|tx| {
        let mut u = session_user(tx, bearer, now)?;
        check_two_factor_change(&u, req, now)?;
        match req.two_factor_enabled {
            Some(true) if u.two_factor_secret.is_empty() => {
                u.two_factor_secret = std::mem::take(&mut u.pending_two_factor_secret);
            }
            Some(false) => {
                u.two_factor_secret.clear();
                u.pending_two_factor_secret.clear();
                u.recovery_code_hashes.clear();
            }
            _ => {}
        }
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
            for a in tx.find_all::<Activation>(&[("license_id", l.id.clone())])? {
                all.push((a.created_at, a.id.clone(), a));
            }
        }
        Ok(page_of(all, page))
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

/// Query of `GET /v3/me/licenses`: the vendor's `page`, `limit`, `sort`
/// (through [`Paging`]) and `releaseId`, and LexActivator's `productId`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MyLicensesQuery {
    /// Only this product's licenses. LexActivator's `GetUserLicenses`
    /// always sends it (the vendor's schema has no such filter here), and
    /// expects every license of the product: with it the list is not paged.
    pub product_id: Option<String>,
    /// Only the licenses allowed this release (its product's, up to their
    /// `maxAllowedReleaseVersion`).
    pub release_id: Option<String>,
    /// The other query keys (`query` is refused).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// The vendor's `UserProductDto` / `UserProductVersionDto`: a name to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DisplayName {
    /// Display name.
    pub display_name: String,
}

/// The vendor's `UserLicenseMeterAttributeDto`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyMeterAttribute {
    /// Name.
    pub name: String,
    /// Allowed uses; -1 = unlimited.
    pub allowed_uses: i64,
    /// Current uses.
    pub total_uses: u64,
    /// Lifetime uses.
    pub gross_uses: u64,
    /// Always false (openlex-server has no floating meter attributes).
    pub floating: bool,
}

/// One license of the session user: the vendor's `UserLicenseDto`, and
/// also LexActivator's `UserLicense` (`GetUserLicenses` reads `key`,
/// `type`, `allowedActivations`, `allowedDeactivations`,
/// `totalActivations`, `totalDeactivations` and `metadata`), so one answer
/// serves both clients.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyLicense {
    /// License id.
    pub id: String,
    /// Created at.
    #[serde(with = "crate::dates::iso")]
    pub created_at: i64,
    /// Updated at.
    #[serde(with = "crate::dates::iso")]
    pub updated_at: i64,
    /// License key.
    pub key: String,
    /// Revoked.
    pub revoked: bool,
    /// Suspended.
    pub suspended: bool,
    /// `node-locked` or `hosted-floating`.
    pub r#type: String,
    /// Validity in seconds; 0 = lifetime.
    pub validity: i64,
    /// Seats in use now.
    pub total_activations: i64,
    /// Deactivations used.
    pub total_deactivations: i64,
    /// Seats; 0 or -1 = unlimited.
    pub allowed_activations: i64,
    /// Deactivations allowed; 0 or -1 = unlimited.
    pub allowed_deactivations: i64,
    /// Always 0 (no on-premise floating).
    pub allowed_floating_clients: i64,
    /// Lease duration (seconds).
    pub lease_duration: i64,
    /// Expiry; `null` for a license that never expires.
    #[serde(with = "crate::dates::nullable")]
    pub expires_at: i64,
    /// Meter attributes.
    pub meter_attributes: Vec<MyMeterAttribute>,
    /// The product's display name.
    pub product: DisplayName,
    /// The linked product version's display name, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_version: Option<DisplayName>,
    /// The license metadata visible to activations (LexActivator's
    /// `GetUserLicenseMetadata`; the vendor's DTO has none).
    pub metadata: Vec<openlex_wire::claims::Metadata>,
}

/// The user's view of license `l` at `now`.
fn my_license(tx: &mut dyn Tx, l: &licenses::License, now: i64) -> ApiResult<MyLicense> {
    let seats = activations::store::count_seats(tx, &l.id, now)?;
    let product = tx
        .load::<Product>(&l.product_id)?
        .map(|p| p.display_name)
        .unwrap_or_default();
    Ok(MyLicense {
        id: l.id.clone(),
        created_at: l.created_at,
        updated_at: l.updated_at,
        key: l.key.clone(),
        revoked: l.revoked,
        suspended: l.suspended,
        r#type: l.r#type.as_str().to_owned(),
        validity: l.validity,
        total_activations: seats.max(0),
        total_deactivations: l.total_deactivations.max(0),
        allowed_activations: l.allowed_activations,
        allowed_deactivations: l.allowed_deactivations,
        allowed_floating_clients: 0,
        lease_duration: l.lease_duration,
        expires_at: l.expires_at,
        meter_attributes: l
            .meter_attributes
            .iter()
            .map(|m| MyMeterAttribute {
                name: m.name.clone(),
                allowed_uses: m.allowed_uses,
                total_uses: m.total_uses,
                gross_uses: m.gross_uses,
                floating: false,
            })
            .collect(),
        product: DisplayName {
            display_name: product,
        },
        product_version: l.product_version.as_ref().map(|v| DisplayName {
            display_name: v.display_name.clone(),
        }),
        metadata: l.wire_metadata(),
    })
}

/// Whether `l` may have `r` (same product; `r` not above its
/// `maxAllowedReleaseVersion`).
fn allows(l: &licenses::License, r: &ReleaseRec) -> bool {
    l.product_id == r.product_id
        && (l.max_allowed_release_version.is_empty()
            || openlex_wire::version::compare(&r.version, &l.max_allowed_release_version)
                != std::cmp::Ordering::Greater)
}

/// Orders records oldest or newest first and cuts one page out of them.
fn page_of<T>(mut all: Vec<(i64, String, T)>, page: Page) -> (Vec<T>, i64) {
    all.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    if page.newest_first {
        all.reverse();
    }
    let total = all.len() as i64;
    let limit = page.limit.clamp(1, 100) as usize;
    let skip = (page.page.max(1) as usize - 1).saturating_mul(limit);
    let items = all
        .into_iter()
        .skip(skip)
        .take(limit)
        .map(|x| x.2)
        .collect();
    (items, total)
}

/// The licenses of the session user: with `productId` (LexActivator's
/// call) every license of that product, oldest first; else one page.
pub fn my_licenses(
    app: &App,
    bearer: Option<&str>,
    q: &MyLicensesQuery,
    page: Page,
) -> ApiResult<(Vec<MyLicense>, i64)> {
    super::reject_unsupported_filters(&q.rest, &["query"])?;
    let now = app.now();
    app.store.read(|tx| {
        let u = session_user(tx, bearer, now)?;
        let release =
            match q.release_id.as_deref().filter(|r| !r.is_empty()) {
                Some(id) => Some(tx.load::<ReleaseRec>(id)?.ok_or_else(|| {
                    ApiError::validation("releaseId must name an existing release")
                })?),
                None => None,
            };
        let mut all = Vec::new();
        for l in licenses::store::of_user(tx, &u.id)? {
            if q.product_id.as_ref().is_some_and(|p| *p != l.product_id) {
                continue;
            }
            if release.as_ref().is_some_and(|r| !allows(&l, r)) {
                continue;
            }
            all.push((l.created_at, l.id.clone(), my_license(tx, &l, now)?));
        }
        if q.product_id.is_some() {
            all.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
            let total = all.len() as i64;
            return Ok((all.into_iter().map(|x| x.2).collect(), total));
        }
        Ok(page_of(all, page))
    })
}

/// One license of the session user (404 for any other).
pub fn my_license_by_id(app: &App, bearer: Option<&str>, id: &str) -> ApiResult<MyLicense> {
    let now = app.now();
    app.store.read(|tx| {
        let u = session_user(tx, bearer, now)?;
        match tx.load::<licenses::License>(id)? {
            Some(l) if !l.user_id.is_empty() && l.user_id == u.id => my_license(tx, &l, now),
            _ => Err(ApiError::not_found("license")),
        }
    })
}

/// A release as the session user sees it: the vendor's `UserReleaseDto`
/// (the admin `ReleaseDto` fields plus the product's display name).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MyRelease {
    /// The release.
    #[serde(flatten)]
    pub release: ReleaseView,
    /// The product's display name.
    pub product: DisplayName,
}

/// One page of the published releases the session user's licenses allow
/// (their products', up to each license's `maxAllowedReleaseVersion`;
/// private releases included, as the user holds a license).
pub fn my_releases(
    app: &App,
    bearer: Option<&str>,
    q: &MyReleasesQuery,
    page: Page,
) -> ApiResult<(Vec<MyRelease>, i64)> {
    super::reject_unsupported_filters(&q.rest, &["query"])?;
    let now = app.now();
    app.store.read(|tx| {
        let u = session_user(tx, bearer, now)?;
        let mine = licenses::store::of_user(tx, &u.id)?;
        let mut products: Vec<String> = mine.iter().map(|l| l.product_id.clone()).collect();
        products.sort();
        products.dedup();
        let mut all = Vec::new();
        for pid in products {
            let name = tx
                .load::<Product>(&pid)?
                .map(|p| p.display_name)
                .unwrap_or_default();
            for r in tx.find_all::<ReleaseRec>(&[("product_id", pid.clone())])? {
                if r.published && mine.iter().any(|l| allows(l, &r)) {
                    all.push((
                        r.created_at,
                        r.id.clone(),
                        MyRelease {
                            release: r.into(),
                            product: DisplayName {
                                display_name: name.clone(),
                            },
                        },
                    ));
                }
            }
        }
        Ok(page_of(all, page))
    })
}

/// Query of `GET /v3/me/releases` (`page`, `limit`, `sort` through
/// [`Paging`]).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MyReleasesQuery {
    /// The other query keys (`query` is refused).
    #[serde(flatten)]
    pub rest: std::collections::HashMap<String, String>,
}

/// Account routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v3/accounts/login", post(login_route))
        .route("/v3/accounts/login-oidc", post(login_oidc))
        .route("/v3/me/licenses", get(me_licenses))
        .route("/v3/me/licenses/{id}", get(my_license_route))
        .route("/v3/me/releases", get(my_releases_route))
        .route("/v3/me", get(me_route).patch(update_me_route))
        .route("/v3/me/activations", get(my_activations_route))
        .route("/v3/me/2fa-secret", post(two_factor_secret_route))
        .route("/v3/me/2fa-recovery-codes", post(recovery_codes_route))
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

async fn two_factor_secret_route(
    State(st): State<AppState>,
    Bearer(token): Bearer,
) -> ApiResult<Response> {
    ok(&st
        .app
        .run(move |app| new_two_factor_secret(app, token.as_deref()))
        .await?)
}

async fn recovery_codes_route(
    State(st): State<AppState>,
    Bearer(token): Bearer,
) -> ApiResult<Response> {
    ok(&st
        .app
        .run(move |app| new_recovery_codes(app, token.as_deref()))
        .await?)
}

async fn login_route(
    State(st): State<AppState>,
    ClientAddr(source): ClientAddr,
    ApiJson(req): ApiJson<LoginBody>,
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
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(
        st.app
            .run(move |app| my_licenses(app, token.as_deref(), &q, page))
            .await?,
    )
}

async fn my_license_route(
    State(st): State<AppState>,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    ok(&st
        .app
        .run(move |app| my_license_by_id(app, token.as_deref(), &id))
        .await?)
}

async fn my_releases_route(
    State(st): State<AppState>,
    Bearer(token): Bearer,
    ApiQuery(q): ApiQuery<MyReleasesQuery>,
    Paging(page): Paging,
) -> ApiResult<Response> {
    list_response(
        st.app
            .run(move |app| my_releases(app, token.as_deref(), &q, page))
            .await?,
    )
}
