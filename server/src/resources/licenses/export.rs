//! `GET /v3/licenses/export`: every license matching the filters as CSV
//! (the vendor's format: one header row, one row per license).

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::License;
use crate::app::App;
use crate::auth::scope;
use crate::dates;
use crate::error::ApiResult;
use crate::http::extract::{Admin, ApiQuery};
use crate::http::{csv_response, AppState};
use crate::resources::accounts;
use crate::resources::activations;
use crate::resources::users::User;
use crate::resources::{filters, reject_unsupported_filters};

/// Filters of `GET /v3/licenses/export`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExportFilter {
    /// By product.
    pub product_id: Option<String>,
    /// By user id.
    pub user_id: Option<String>,
    /// By the assigned user's email.
    pub email: Option<String>,
    /// The other query keys (`query` is refused, as on the list).
    #[serde(flatten)]
    pub rest: HashMap<String, String>,
}

/// The CSV columns, in order.
pub const COLUMNS: &[&str] = &[
    "id",
    "key",
    "productId",
    "type",
    "revoked",
    "suspended",
    "allowedActivations",
    "totalActivations",
    "allowedDeactivations",
    "totalDeactivations",
    "expiresAt",
    "userId",
    "userEmail",
    "createdAt",
];

fn date(secs: i64) -> String {
    if secs == 0 {
        String::new()
    } else {
        dates::format(secs)
    }
}

/// The rows of every license matching `f`, oldest first.
pub fn export(app: &App, f: &ExportFilter) -> ApiResult<Vec<Vec<String>>> {
    reject_unsupported_filters(&f.rest, &["query"])?;
    let now = app.now();
    app.store.read(|tx| {
        let mut user_id = f.user_id.clone();
        if let Some(email) = &f.email {
            match accounts::store::user_by_email(tx, &email.to_lowercase())? {
                Some(u) if user_id.as_ref().is_none_or(|id| *id == u.id) => user_id = Some(u.id),
                _ => return Ok(Vec::new()),
            }
        }
        let filter = filters(&[("product_id", &f.product_id), ("user_id", &user_id)]);
        let mut emails: HashMap<String, String> = HashMap::new();
        let mut rows = Vec::new();
        for l in tx.find_all::<License>(&filter)? {
            let seats = activations::store::count_seats(tx, &l.id, now)?;
            let email = match (l.user_id.as_str(), emails.get(&l.user_id)) {
                ("", _) => String::new(),
                (_, Some(e)) => e.clone(),
                (id, None) => {
                    let e = tx.load::<User>(id)?.map(|u| u.email).unwrap_or_default();
                    emails.insert(id.to_owned(), e.clone());
                    e
                }
            };
            rows.push(vec![
                l.id,
                l.key,
                l.product_id,
                l.r#type.as_str().to_owned(),
                l.revoked.to_string(),
                l.suspended.to_string(),
                l.allowed_activations.to_string(),
                seats.to_string(),
                l.allowed_deactivations.to_string(),
                l.total_deactivations.to_string(),
                date(l.expires_at),
                l.user_id,
                email,
                date(l.created_at),
            ]);
        }
        Ok(rows)
    })
}

/// The export route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/v3/licenses/export", get(export_route))
}

async fn export_route(
    _: Admin<scope::LicenseRead>,
    State(st): State<AppState>,
    ApiQuery(f): ApiQuery<ExportFilter>,
) -> ApiResult<Response> {
    let rows = st.app.run(move |app| export(app, &f)).await?;
    csv_response(COLUMNS, &rows)
}
