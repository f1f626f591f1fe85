//! Browser sessions of staff and portal users, stored in the database (so a
//! sign-out or a restart on any node ends them alike), each with its CSRF
//! token. (Portal users' password-reset links are the users resource's
//! reset tokens: `resources::users::reset_token`.)
//!
//! The cookie carries a random secret; only its SHA-256 is stored.

use crate::app::App;
use crate::error::ApiResult;
use crate::params;
use crate::resources::event_logs::{self, Actor};
use crate::store::{Doc, Tx};

/// How long a browser session lasts (seconds).
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// Who a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A staff account (dashboard).
    Staff,
    /// A license user (customer portal).
    Portal,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Staff => "staff",
            Kind::Portal => "portal",
        }
    }
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The SHA-256 of the cookie's secret.
    pub token_hash: String,
    /// The staff or user id.
    pub subject_id: String,
    /// The CSRF token every form of the session carries.
    pub csrf: String,
}

/// Starts a session for `subject_id`; returns the cookie secret and the
/// session. Expired sessions are dropped on the way.
pub fn start(app: &App, kind: Kind, subject_id: &str) -> ApiResult<(String, Session)> {
    let now = app.now();
    let secret = crate::ids::secret_token("ols_");
    let s = Session {
        token_hash: crate::ids::token_hash(&secret),
        subject_id: subject_id.to_owned(),
        csrf: hex::encode(crate::ids::random::<24>()),
    };
    app.store.write(|tx| {
        tx.execute(
            "DELETE FROM web_sessions WHERE expires_at <= ?1",
            params![now],
        )?;
        tx.execute(
            "INSERT INTO web_sessions (token_hash, kind, subject_id, csrf, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                &s.token_hash,
                kind.as_str(),
                &s.subject_id,
                &s.csrf,
                now + SESSION_SECONDS
            ],
        )?;
        Ok(())
    })?;
    Ok((secret, s))
}

/// The live session of `kind` whose cookie secret is `secret`.
pub fn find(app: &App, kind: Kind, secret: &str) -> ApiResult<Option<Session>> {
    let now = app.now();
    let hash = crate::ids::token_hash(secret);
    app.store.read(|tx| {
        tx.query_opt(
            "SELECT subject_id, csrf FROM web_sessions WHERE token_hash = ?1 AND kind = ?2 AND expires_at > ?3",
            params![&hash, kind.as_str(), now],
            |r| {
                Ok(Session {
                    token_hash: hash.clone(),
                    subject_id: r.str(0)?.to_owned(),
                    csrf: r.str(1)?.to_owned(),
                })
            },
        )
    })
}

/// Ends a session (sign-out).
pub fn end(app: &App, token_hash: &str) -> ApiResult<()> {
    app.store.write(|tx| {
        tx.execute(
            "DELETE FROM web_sessions WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    })
}

/// Ends every session of `subject_id` (a password reset signs out
/// everywhere).
pub fn end_all(tx: &mut dyn Tx, subject_id: &str) -> ApiResult<()> {
    tx.execute(
        "DELETE FROM web_sessions WHERE subject_id = ?1",
        params![subject_id],
    )?;
    Ok(())
}

/// The record (a staff member or a portal user) whose `kind` session the
/// request's `cookie_name` cookie holds, with that session; `None` without
/// the cookie, or when the session or its record is gone. When found, every
/// change the request makes is logged as `actor(record)`'s.
pub async fn signed_in<T: Doc + Send + 'static>(
    app: &std::sync::Arc<App>,
    headers: &axum::http::HeaderMap,
    cookie_name: &str,
    kind: Kind,
    actor: fn(&T) -> Actor,
) -> ApiResult<Option<(T, Session)>> {
    let Some(secret) = super::cookie(headers, cookie_name).map(str::to_owned) else {
        return Ok(None);
    };
    let found = app
        .run(move |app| {
            let Some(session) = find(app, kind, &secret)? else {
                return Ok(None);
            };
            let record = app.store.read(|tx| tx.load::<T>(&session.subject_id))?;
            Ok(record.map(|r| (r, session)))
        })
        .await?;
    if let (Some((record, _)), Some(acting)) = (&found, event_logs::request_context()) {
        acting.set(actor(record));
    }
    Ok(found)
}
