//! The structured request log: one line per request on stderr, as text or
//! JSON, with the method, the route (its template: ids in paths and query
//! strings are never logged, an activation id being a bearer secret), the
//! status, the latency, the client address and the license or admin token
//! id the request acted as. Never keys, passwords, tokens or fingerprints.

use std::io::Write;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;

use crate::error::ApiError;

/// How much the server logs (`serve --log-level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum LogLevel {
    /// Nothing.
    Off,
    /// Requests answered with a 5xx.
    Error,
    /// Also requests answered with a 4xx.
    Warn,
    /// Every request.
    Info,
}

/// How log lines look (`serve --log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// `TIME LEVEL METHOD ROUTE STATUS LATENCYms client=.. license=.. token=..`.
    Text,
    /// One JSON object per line.
    Json,
}

/// The request log's settings.
#[derive(Debug, Clone, Copy)]
pub struct RequestLog {
    /// Lines at or above this level are written.
    pub level: LogLevel,
    /// Their format.
    pub format: LogFormat,
}

/// What a handler adds to its request's log line (the route template, the
/// license or token it acted as). Shared with the front middleware through
/// the request's extensions; a detached note when there is none.
#[derive(Debug, Clone, Default)]
pub struct RequestNote(Arc<Mutex<Noted>>);

/// The fields a [`RequestNote`] holds.
#[derive(Debug, Clone, Default)]
pub struct Noted {
    /// The matched route template, e.g. `/v3/activations/{id}`.
    pub route: Option<String>,
    /// The license the request acted on.
    pub license_id: Option<String>,
    /// The admin token that authorised it.
    pub token_id: Option<String>,
}

impl RequestNote {
    fn set(&self, f: impl FnOnce(&mut Noted)) {
        if let Ok(mut n) = self.0.lock() {
            f(&mut n);
        }
    }

    /// Records the license acted on.
    pub fn license(&self, id: &str) {
        self.set(|n| n.license_id = Some(id.to_owned()));
    }

    /// Records the admin token used.
    pub fn token(&self, id: &str) {
        self.set(|n| n.token_id = Some(id.to_owned()));
    }

    /// Records the matched route template.
    pub fn route(&self, template: &str) {
        self.set(|n| n.route = Some(template.to_owned()));
    }

    /// What was noted.
    pub fn fields(&self) -> Noted {
        self.0.lock().map(|n| n.clone()).unwrap_or_default()
    }

    /// The note of the request in `parts` (detached if none).
    pub fn of(parts: &Parts) -> RequestNote {
        parts
            .extensions
            .get::<RequestNote>()
            .cloned()
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestNote {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(RequestNote::of(parts))
    }
}

/// One request's line.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line<'a> {
    /// RFC 3339 time the answer was sent.
    pub time: String,
    /// `error`, `warn` or `info`.
    pub level: &'a str,
    /// HTTP method.
    pub method: &'a str,
    /// Route template, or `-` for unknown paths.
    pub route: &'a str,
    /// Status code.
    pub status: u16,
    /// Latency in milliseconds.
    pub latency_ms: f64,
    /// Client address (see `--trusted-proxy`).
    pub client: String,
    /// License acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_id: Option<&'a str>,
    /// Admin token used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_id: Option<&'a str>,
}

impl RequestLog {
    /// Writes the line of one request, if its level is enabled.
    pub fn request(
        &self,
        method: &str,
        status: u16,
        latency: Duration,
        client: IpAddr,
        noted: &Noted,
    ) {
        let level = match status {
            500.. => LogLevel::Error,
            400..=499 => LogLevel::Warn,
            _ => LogLevel::Info,
        };
        if self.level == LogLevel::Off || level > self.level {
            return;
        }
        let line = Line {
            time: now_rfc3339(),
            level: match level {
                LogLevel::Error => "error",
                LogLevel::Warn => "warn",
                _ => "info",
            },
            method,
            route: noted.route.as_deref().unwrap_or("-"),
            status,
            latency_ms: (latency.as_secs_f64() * 1e6).round() / 1e3,
            client: client.to_string(),
            license_id: noted.license_id.as_deref(),
            token_id: noted.token_id.as_deref(),
        };
        let mut text = match self.format {
            LogFormat::Json => serde_json::to_string(&line).unwrap_or_default(),
            LogFormat::Text => {
                let mut t = format!(
                    "{} {} {} {} {} {}ms client={}",
                    line.time,
                    line.level.to_uppercase(),
                    line.method,
                    line.route,
                    line.status,
                    line.latency_ms,
                    line.client
                );
                if let Some(l) = line.license_id {
                    t.push_str(&format!(" license={l}"));
                }
                if let Some(k) = line.token_id {
                    t.push_str(&format!(" token={k}"));
                }
                t
            }
        };
        text.push('\n');
        // One write per line, so concurrent lines do not interleave.
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

fn now_rfc3339() -> String {
    let t = time::OffsetDateTime::now_utc();
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
