//! One module per resource of the Web API. Each owns its records (and their
//! tables), its typed requests and responses, its operations (functions of
//! [`App`](crate::app::App)) and its routes; shared pieces live in small
//! modules at the crate root (`auth`, `error`, `matching`, `policy`,
//! `signing`, `validate`, `http::extract`).
//!
//! Adding an endpoint or a policy field touches one module here plus its
//! test (see docs/SERVER.md, "Contributing").

/// Sets each field of a request struct that is `Some` on the record:
/// `overlay!(fields, record, a, b, ...)`; absent means unchanged. Defined
/// before the resource modules, so each of them has it in scope.
macro_rules! overlay {
    ($from:expr, $to:expr, $($f:ident),*) => {$(
        if let Some(v) = $from.$f { $to.$f = v; }
    )*};
}

pub mod access_tokens;
pub mod accounts;
pub mod activations;
pub mod entitlement_sets;
pub mod event_logs;
pub mod license_policies;
pub mod licenses;
pub mod offline;
pub mod products;
pub mod releases;
pub mod settings;
pub mod trial_policies;
pub mod trials;
pub mod users;
pub mod webhooks;

use axum::Router;

use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::store::{Doc, Page, Tx};

/// Every resource's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(products::routes())
        .merge(licenses::routes())
        .merge(license_policies::routes())
        .merge(activations::routes())
        .merge(trials::routes())
        .merge(trial_policies::routes())
        .merge(users::routes())
        .merge(accounts::routes())
        .merge(releases::routes())
        .merge(entitlement_sets::routes())
        .merge(access_tokens::routes())
        .merge(offline::routes())
        .merge(event_logs::routes())
        .merge(webhooks::routes())
}

/// Loads a record or answers 404 NOT_FOUND naming `what`.
pub fn load_or_404<T: Doc>(tx: &mut dyn Tx, id: &str, what: &str) -> ApiResult<T> {
    tx.load::<T>(id)?.ok_or_else(|| ApiError::not_found(what))
}

/// Deletes a record or answers 404 NOT_FOUND naming `what`.
pub fn delete_or_404<T: Doc>(tx: &mut dyn Tx, id: &str, what: &str) -> ApiResult<()> {
    if tx.delete::<T>(id)? {
        Ok(())
    } else {
        Err(ApiError::not_found(what))
    }
}

/// Equality filters of a list: `(indexed column, value)` for each query
/// parameter given.
pub fn filters(pairs: &[(&'static str, &Option<String>)]) -> Vec<(&'static str, String)> {
    pairs
        .iter()
        .filter_map(|(col, v)| v.as_ref().map(|v| (*col, v.clone())))
        .collect()
}

/// 400 for a list filter the vendor's API defines but openlex-server does
/// not answer yet (`rest`: the query's other keys; `vendor`: the filter
/// names the vendor's list endpoint takes). Ignoring it would return an
/// unfiltered page that looks filtered.
pub fn reject_unsupported_filters(
    rest: &std::collections::HashMap<String, String>,
    vendor: &[&str],
) -> ApiResult<()> {
    for k in rest.keys() {
        let base = k.split('[').next().unwrap_or(k);
        if vendor.contains(&base) {
            return Err(ApiError::validation(format!(
                "filter `{base}` is not supported by openlex-server (docs/SERVER.md lists the supported filters)"
            )));
        }
    }
    Ok(())
}

/// One record by id, or 404 NOT_FOUND naming `what` (the admin `GET {id}`).
pub fn get_doc<T: Doc>(app: &App, id: &str, what: &str) -> ApiResult<T> {
    app.store.read(|tx| load_or_404(tx, id, what))
}

/// Deletes one record, or 404 NOT_FOUND naming `what` (the admin
/// `DELETE {id}`; deleting an activation frees its seat without counting as
/// a deactivation), and records the deletion with the record's DTO (`view`).
pub fn delete_doc<T: Doc, V: serde::Serialize>(
    app: &App,
    id: &str,
    what: &str,
    resource: event_logs::Resource,
    view: impl Fn(&T) -> V,
) -> ApiResult<()> {
    let now = app.now();
    app.store.write(|tx| {
        let doc: T = load_or_404(tx, id, what)?;
        delete_or_404::<T>(tx, id, what)?;
        event_logs::deleted(tx, resource, id, now, &view(&doc))
    })
}

/// One page of records matching `filter`, and the total (the admin list).
pub fn list_docs<T: Doc>(
    app: &App,
    filter: &[(&'static str, String)],
    page: Page,
) -> ApiResult<(Vec<T>, i64)> {
    app.store.read(|tx| tx.list::<T>(filter, page))
}
