//! Moving every record from one engine to another (`db copy`), verified by
//! a row count and a checksum per table on both sides.

use sha2::{Digest, Sha256};

use super::{Param, Row, Store, Tx};
use crate::error::{ApiError, ApiResult};

/// How a column is read and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    /// A blob; NULL and empty are the same (keys of products without one).
    Blob,
}

use Kind::{Blob, Int, Text};

/// Every table of the schema with its columns (all but `rowid`, which the
/// target numbers anew in the same order). A new table is added here and
/// `tables_cover_the_schema` fails until it is. Tables that triggers derive
/// from others (`license_counts` from `licenses`) are not copied: the
/// target's triggers rebuild them from the rows copied.
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    ("settings", &[("key", Text), ("value", Text)]),
    (
        "products",
        &[
            ("id", Text),
            ("created_at", Int),
            ("name", Text),
            ("private_key", Blob),
            ("public_key", Blob),
            ("data", Text),
        ],
    ),
    (
        "licenses",
        &[
            ("id", Text),
            ("created_at", Int),
            ("product_id", Text),
            ("key", Text),
            ("user_id", Text),
            ("expires_at", Int),
            ("expiring_soon_at", Int),
            ("data", Text),
            ("revoked", Int),
            ("suspended", Int),
        ],
    ),
    (
        "activations",
        &[
            ("id", Text),
            ("created_at", Int),
            ("license_id", Text),
            ("product_id", Text),
            ("fingerprint", Text),
            ("lease_expires_at", Int),
            ("fp_digest", Blob),
            ("data", Text),
            ("os", Text),
            ("os_version", Text),
            ("app_version", Text),
            ("vm_name", Text),
            ("country", Text),
        ],
    ),
    (
        "trial_activations",
        &[
            ("id", Text),
            ("created_at", Int),
            ("product_id", Text),
            ("fingerprint", Text),
            ("fp_digest", Blob),
            ("data", Text),
            ("os", Text),
            ("os_version", Text),
            ("vm_name", Text),
            ("country", Text),
        ],
    ),
    (
        "users",
        &[
            ("id", Text),
            ("created_at", Int),
            ("email", Text),
            ("data", Text),
        ],
    ),
    (
        "user_sessions",
        &[("token_hash", Text), ("user_id", Text), ("expires_at", Int)],
    ),
    (
        "releases",
        &[
            ("id", Text),
            ("created_at", Int),
            ("product_id", Text),
            ("data", Text),
        ],
    ),
    (
        "entitlement_sets",
        &[
            ("id", Text),
            ("created_at", Int),
            ("product_id", Text),
            ("data", Text),
        ],
    ),
    (
        "license_policies",
        &[("id", Text), ("created_at", Int), ("data", Text)],
    ),
    (
        "trial_policies",
        &[("id", Text), ("created_at", Int), ("data", Text)],
    ),
    (
        "event_logs",
        &[
            ("id", Text),
            ("created_at", Int),
            ("resource", Text),
            ("resource_id", Text),
            ("action", Text),
            ("actor_id", Text),
            ("data", Text),
        ],
    ),
    (
        "webhooks",
        &[("id", Text), ("created_at", Int), ("data", Text)],
    ),
    (
        "webhook_deliveries",
        &[
            ("id", Text),
            ("created_at", Int),
            ("webhook_id", Text),
            ("event_id", Text),
            ("event_type", Text),
            ("state", Text),
            ("next_attempt_at", Int),
            ("lease_until", Int),
            ("attempts", Int),
            ("delivered_at", Int),
        ],
    ),
    (
        "webhook_events",
        &[
            ("id", Text),
            ("created_at", Int),
            ("event_type", Text),
            ("webhook_ids", Text),
            ("payload", Text),
        ],
    ),
    (
        "webhook_outbox",
        &[
            ("id", Text),
            ("created_at", Int),
            ("event_type", Text),
            ("webhook_ids", Text),
            ("data", Text),
        ],
    ),
    (
        "webhook_attempts",
        &[
            ("id", Text),
            ("created_at", Int),
            ("webhook_id", Text),
            ("delivery_id", Text),
            ("data", Text),
        ],
    ),
    (
        "license_expiry_events",
        &[
            ("license_id", Text),
            ("event", Text),
            ("expires_at", Int),
            ("created_at", Int),
        ],
    ),
    (
        "admin_tokens",
        &[
            ("id", Text),
            ("created_at", Int),
            ("token_hash", Text),
            ("data", Text),
        ],
    ),
    (
        "activation_logs",
        &[
            ("id", Text),
            ("created_at", Int),
            ("action", Text),
            ("error_code", Text),
            ("license_id", Text),
            ("license_key", Text),
            ("product_id", Text),
            ("activation_id", Text),
            ("os", Text),
            ("os_version", Text),
            ("app_version", Text),
            ("hostname", Text),
            ("vm_name", Text),
            ("container", Int),
            ("ip_address", Text),
        ],
    ),
    (
        "password_attempts",
        &[
            ("account", Text),
            ("source", Text),
            ("failures", Int),
            ("locked_until", Int),
            ("last_failure", Int),
        ],
    ),
    (
        "staff",
        &[
            ("id", Text),
            ("created_at", Int),
            ("email", Text),
            ("data", Text),
        ],
    ),
    (
        "web_sessions",
        &[
            ("token_hash", Text),
            ("kind", Text),
            ("subject_id", Text),
            ("csrf", Text),
            ("expires_at", Int),
        ],
    ),
];

/// One column value read from the source.
#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Int(i64),
    Blob(Vec<u8>),
}

impl Value {
    fn param(&self) -> Param<'_> {
        match self {
            Value::Text(s) => Param::Text(s),
            Value::Int(i) => Param::Int(*i),
            Value::Blob(b) => Param::Blob(b),
        }
    }
}

fn read_row(r: &dyn Row, cols: &[(&str, Kind)]) -> ApiResult<Vec<Value>> {
    cols.iter()
        .enumerate()
        .map(|(i, (_, k))| {
            Ok(match k {
                Text => Value::Text(r.str(i)?.to_owned()),
                Int => Value::Int(r.int(i)?),
                Blob => Value::Blob(r.bytes(i)?.to_vec()),
            })
        })
        .collect()
}

fn select_sql(table: &str, cols: &[(&str, Kind)]) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
    format!("SELECT {} FROM {table}", names.join(", "))
}

/// A table's row count and checksum: SHA-256 over the sorted SHA-256s of its
/// rows (each column length-prefixed), so neither the engines' row order
/// nor their collations matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSum {
    /// The table.
    pub table: &'static str,
    /// Its rows.
    pub rows: i64,
    /// Hex SHA-256.
    pub checksum: String,
}

/// Counts and checksums of every table.
pub fn checksums(tx: &mut dyn Tx) -> ApiResult<Vec<TableSum>> {
    let mut out = Vec::new();
    for (table, cols) in TABLES {
        let mut hashes: Vec<[u8; 32]> = tx.query_all(&select_sql(table, cols), &[], |r| {
            let mut h = Sha256::new();
            for v in read_row(r, cols)? {
                let bytes: Vec<u8> = match v {
                    Value::Text(s) => s.into_bytes(),
                    Value::Int(i) => i.to_string().into_bytes(),
                    Value::Blob(b) => b,
                };
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            Ok(h.finalize().into())
        })?;
        hashes.sort_unstable();
        let mut h = Sha256::new();
        for x in &hashes {
            h.update(x);
        }
        out.push(TableSum {
            table,
            rows: hashes.len() as i64,
            checksum: hex::encode(h.finalize()),
        });
    }
    Ok(out)
}

/// Copies every row of `source` into `target` (PostgreSQL: keys are
/// inserted through a bytea cast), which must hold the schema
/// and no records, in one transaction on the target (all or nothing), then
/// compares counts and checksums of both; returns the target's.
pub fn copy(source: &dyn Store, target: &dyn Store) -> ApiResult<Vec<TableSum>> {
    // The source's sums come from the same read transaction as the rows
    // copied: a running server (its webhook scheduler, a client) may write
    // after it, and the target holds that snapshot, not the later state.
    let want = target.write(|ttx| {
        for (table, _) in TABLES {
            let n = ttx.count(&format!("SELECT COUNT(*) FROM {table}"), &[])?;
            if n > 0 {
                return Err(ApiError::new(
                    openlex_wire::ErrorCode::Conflict,
                    format!("the target already holds records ({n} in {table}); copy into an empty database"),
                ));
            }
        }
        source.read(|stx| {
            for (table, cols) in TABLES {
                let order = if *table == "settings" || *table == "user_sessions" {
                    String::new()
                } else {
                    " ORDER BY rowid".to_owned()
                };
                let rows = stx.query_all(&format!("{}{order}", select_sql(table, cols)), &[], |r| {
                    read_row(r, cols)
                })?;
                let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
                let values: Vec<String> = cols
                    .iter()
                    .enumerate()
                    .map(|(i, (name, k))| match (k, *name) {
                        // keep NULL keys NULL: `private_key IS NOT NULL` tells
                        // imported-key products apart
                        (Blob, "private_key" | "public_key") => format!("NULLIF(?{}::bytea, '\\x'::bytea)", i + 1),
                        _ => format!("?{}", i + 1),
                    })
                    .collect();
                let insert = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    names.join(", "),
                    values.join(", ")
                );
                for row in &rows {
                    let params: Vec<Param<'_>> = row.iter().map(Value::param).collect();
                    ttx.execute(&insert, &params)?;
                }
            }
            checksums(stx)
        })
    })?;
    let got = target.read(checksums)?;
    for (w, g) in want.iter().zip(&got) {
        if w != g {
            return Err(ApiError::internal(format!(
                "verification failed for {}: source {} rows {}, target {} rows {}",
                w.table, w.rows, w.checksum, g.rows, g.checksum
            )));
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tables triggers keep (see [`TABLES`]).
    const DERIVED: &[&str] = &["license_counts"];

    /// Every table SQLite's migrations create is copied, with every column.
    #[test]
    fn tables_cover_the_schema() {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        for (_, sql) in crate::store::sqlite::migrations::MIGRATIONS {
            c.execute_batch(sql).unwrap();
        }
        let mut st = c
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        let mut names: Vec<String> = st
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut ours: Vec<String> = TABLES
            .iter()
            .map(|t| t.0)
            .chain(DERIVED.iter().copied())
            .map(str::to_owned)
            .collect();
        names.sort();
        ours.sort();
        assert_eq!(names, ours);
        for (table, cols) in TABLES {
            let mut st = c.prepare(&format!("PRAGMA table_info({table})")).unwrap();
            let mut have: Vec<String> = st
                .query_map([], |r| r.get(1))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let mut want: Vec<String> = cols.iter().map(|c| c.0.to_owned()).collect();
            have.sort();
            want.sort();
            assert_eq!(have, want, "{table}");
        }
    }
}
