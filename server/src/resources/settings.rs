//! Server settings (`settings` table): the account id put into product data
//! and the public URL.

use crate::error::ApiResult;
use crate::params;
use crate::store::Tx;

/// The account id generated at `init`.
pub const ACCOUNT_ID: &str = "account_id";
/// The public URL given to `init` or `serve`.
pub const PUBLIC_URL: &str = "public_url";

/// A setting's value.
pub fn get(tx: &mut dyn Tx, key: &str) -> ApiResult<Option<String>> {
    tx.query_opt(
        "SELECT value FROM settings WHERE key = ?1",
        params![key],
        |r| Ok(r.str(0)?.to_owned()),
    )
}

/// Sets a setting.
pub fn put(tx: &mut dyn Tx, key: &str, value: &str) -> ApiResult<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
