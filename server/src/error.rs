//! The one error type of the server: an API error code plus a message.
//!
//! Every failure, from a bad request body to a database error, ends up as an
//! [`ApiError`], so handlers always answer with the vendor's
//! `{"code","message"}` body and the HTTP status defined once in
//! `openlex_wire::ErrorCode`.

use openlex_wire::ErrorCode;

/// An error answered to the client as `{"code","message"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Machine-readable code; decides the HTTP status.
    pub code: ErrorCode,
    /// Human-readable text.
    pub message: String,
}

impl ApiError {
    /// Builds an error with a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// `VALIDATION_FAILED` (400) for a client mistake in the request.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationFailed, message)
    }

    /// `NOT_FOUND` (404) for an admin resource.
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// `INTERNAL_SERVER_ERROR` (500); the detail is logged, not sent, so
    /// clients never see database internals.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        eprintln!("openlex-server: internal error: {detail}");
        Self::new(ErrorCode::InternalServerError, "internal server error")
    }

    /// HTTP status of this error.
    pub fn status(&self) -> u16 {
        self.code.http_status()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(format!("sqlite: {e}"))
    }
}

impl From<rusqlite::types::FromSqlError> for ApiError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        ApiError::internal(format!("sqlite column: {e}"))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        ApiError::internal(format!("json: {e}"))
    }
}

/// Result alias used throughout the server.
pub type ApiResult<T> = Result<T, ApiError>;
