//! SQLite implementation of [`Store`].
//!
//! One connection behind a mutex serves the server (SQLite allows one writer
//! at a time anyway); WAL mode lets the CLI, a separate process, read and
//! write the same file while the server runs. `synchronous=FULL` makes every
//! acknowledged commit survive power loss.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use super::{migrations::MIGRATIONS, IndexVal, Kind, Page, Store, Tx};
use crate::error::{ApiError, ApiResult};

/// Durability level of commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: the WAL is fsynced at every commit (default).
    Full,
    /// `synchronous=NORMAL`: faster; a power loss may drop the last commits
    /// (never corrupts). Opt-in only.
    Normal,
}

/// SQLite-backed store.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database and applies migrations.
    pub fn open(path: &Path, durability: Durability) -> ApiResult<Self> {
        let mut conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(
            None,
            "synchronous",
            if durability == Durability::Full {
                "FULL"
            } else {
                "NORMAL"
            },
        )?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }
}

/// Applies pending migrations in one transaction.
fn migrate(conn: &mut Connection) -> ApiResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    for (version, sql) in MIGRATIONS {
        if *version > current {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![version, crate::clock::now()],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

impl Store for SqliteStore {
    fn transact(
        &self,
        write: bool,
        f: &mut dyn FnMut(&mut dyn Tx) -> ApiResult<()>,
    ) -> ApiResult<()> {
        let mut conn = self
            .conn
            .lock()
            .map_err(|_| ApiError::internal("database lock poisoned"))?;
        let behavior = if write {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        };
        let tx = conn.transaction_with_behavior(behavior)?;
        let mut stx = SqliteTx { tx: &tx };
        f(&mut stx)?;
        tx.commit()?;
        Ok(())
    }
}

struct SqliteTx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

fn check_col(kind: Kind, col: &str) -> ApiResult<()> {
    if kind.columns().contains(&col) {
        Ok(())
    } else {
        Err(ApiError::internal(format!(
            "column {col} is not indexed on {}",
            kind.table()
        )))
    }
}

impl rusqlite::ToSql for IndexVal {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            IndexVal::Text(s) => s.to_sql(),
            IndexVal::Int(i) => i.to_sql(),
        }
    }
}

impl Tx for SqliteTx<'_> {
    fn get(&mut self, kind: Kind, id: &str) -> ApiResult<Option<String>> {
        let sql = format!("SELECT data FROM {} WHERE id = ?1", kind.table());
        Ok(self
            .tx
            .prepare_cached(&sql)?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    fn get_by(&mut self, kind: Kind, col: &'static str, value: &str) -> ApiResult<Option<String>> {
        check_col(kind, col)?;
        let sql = format!(
            "SELECT data FROM {} WHERE {col} = ?1 ORDER BY created_at, rowid LIMIT 1",
            kind.table()
        );
        Ok(self
            .tx
            .prepare_cached(&sql)?
            .query_row([value], |r| r.get(0))
            .optional()?)
    }

    fn put(
        &mut self,
        kind: Kind,
        id: &str,
        created_at: i64,
        index: &[(&'static str, IndexVal)],
        json: &str,
    ) -> ApiResult<()> {
        for (c, _) in index {
            check_col(kind, c)?;
        }
        let cols: Vec<&str> = index.iter().map(|(c, _)| *c).collect();
        let mut names = vec!["id", "created_at"];
        names.extend(&cols);
        names.push("data");
        let ph: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let mut upd: Vec<String> = cols.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        upd.push("data = excluded.data".into());
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
            kind.table(),
            names.join(", "),
            ph.join(", "),
            upd.join(", ")
        );
        let mut vals: Vec<IndexVal> =
            vec![IndexVal::Text(id.to_owned()), IndexVal::Int(created_at)];
        vals.extend(index.iter().map(|(_, v)| v.clone()));
        vals.push(IndexVal::Text(json.to_owned()));
        match self
            .tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(vals.iter()))
        {
            Ok(_) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Err(ApiError::new(
                    openlex_wire::ErrorCode::Conflict,
                    format!("a {} with the same unique value exists", kind.table()),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn delete(&mut self, kind: Kind, id: &str) -> ApiResult<bool> {
        let sql = format!("DELETE FROM {} WHERE id = ?1", kind.table());
        Ok(self.tx.prepare_cached(&sql)?.execute([id])? > 0)
    }

    fn list(
        &mut self,
        kind: Kind,
        filter: &[(&'static str, String)],
        page: Page,
    ) -> ApiResult<(Vec<String>, i64)> {
        let mut wh = Vec::new();
        for (i, (c, _)) in filter.iter().enumerate() {
            check_col(kind, c)?;
            wh.push(format!("{c} = ?{}", i + 1));
        }
        let where_sql = if wh.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", wh.join(" AND "))
        };
        let vals: Vec<&String> = filter.iter().map(|(_, v)| v).collect();
        let total: i64 = self
            .tx
            .prepare_cached(&format!("SELECT COUNT(*) FROM {}{where_sql}", kind.table()))?
            .query_row(params_from_iter(vals.iter()), |r| r.get(0))?;
        let order = if page.newest_first { "DESC" } else { "ASC" };
        let limit = page.limit.clamp(1, 100) as i64;
        let offset = (page.page.max(1) as i64 - 1) * limit;
        let sql = format!(
            "SELECT data FROM {}{where_sql} ORDER BY created_at {order}, rowid {order} LIMIT {limit} OFFSET {offset}",
            kind.table()
        );
        let mut st = self.tx.prepare_cached(&sql)?;
        let rows = st.query_map(params_from_iter(vals.iter()), |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?);
        }
        Ok((out, total))
    }

    fn fingerprints(
        &mut self,
        kind: Kind,
        owner_col: &'static str,
        owner: &str,
    ) -> ApiResult<Vec<(String, String)>> {
        check_col(kind, owner_col)?;
        let sql = format!(
            "SELECT id, fingerprint FROM {} WHERE {owner_col} = ?1 ORDER BY created_at, rowid",
            kind.table()
        );
        let mut st = self.tx.prepare_cached(&sql)?;
        let rows = st.query_map([owner], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?);
        }
        Ok(out)
    }

    fn count_seats(&mut self, license_id: &str, now: i64) -> ApiResult<i64> {
        Ok(self
            .tx
            .prepare_cached("SELECT COUNT(*) FROM activations WHERE license_id = ?1 AND (lease_expires_at = 0 OR lease_expires_at > ?2)")?
            .query_row(params![license_id, now], |r| r.get(0))?)
    }

    fn delete_expired_leases(&mut self, license_id: &str, now: i64) -> ApiResult<usize> {
        Ok(self
            .tx
            .prepare_cached("DELETE FROM activations WHERE license_id = ?1 AND lease_expires_at <> 0 AND lease_expires_at <= ?2")?
            .execute(params![license_id, now])?)
    }

    fn product_key(&mut self, product_id: &str) -> ApiResult<Option<(Vec<u8>, Vec<u8>)>> {
        Ok(self
            .tx
            .prepare_cached("SELECT private_key, public_key FROM products WHERE id = ?1 AND private_key IS NOT NULL")?
            .query_row([product_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn put_product_key(&mut self, product_id: &str, pkcs8: &[u8], spki: &[u8]) -> ApiResult<()> {
        self.tx
            .prepare_cached("UPDATE products SET private_key = ?2, public_key = ?3 WHERE id = ?1")?
            .execute(params![product_id, pkcs8, spki])?;
        Ok(())
    }

    fn setting(&mut self, key: &str) -> ApiResult<Option<String>> {
        Ok(self
            .tx
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn put_setting(&mut self, key: &str, value: &str) -> ApiResult<()> {
        self.tx
            .prepare_cached("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")?
            .execute(params![key, value])?;
        Ok(())
    }

    fn session(&mut self, token_hash: &str) -> ApiResult<Option<(String, i64)>> {
        Ok(self
            .tx
            .prepare_cached("SELECT user_id, expires_at FROM user_sessions WHERE token_hash = ?1")?
            .query_row([token_hash], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    fn put_session(&mut self, token_hash: &str, user_id: &str, expires_at: i64) -> ApiResult<()> {
        self.tx
            .prepare_cached("INSERT OR REPLACE INTO user_sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)")?
            .execute(params![token_hash, user_id, expires_at])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{read, write};
    use crate::models::License;

    #[test]
    fn migrations_are_idempotent_and_documents_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let s = SqliteStore::open(&path, Durability::Full).unwrap();
        let l = License {
            id: "l1".into(),
            product_id: "p".into(),
            key: "K1".into(),
            created_at: 5,
            ..Default::default()
        };
        write(&s, |tx| tx.save(&l)).unwrap();
        drop(s);
        let s = SqliteStore::open(&path, Durability::Full).unwrap();
        let back: License = read(&s, |tx| tx.load_by("key", "K1")).unwrap().unwrap();
        assert_eq!(back.id, "l1");
        let dup = License {
            id: "l2".into(),
            key: "K1".into(),
            ..Default::default()
        };
        assert_eq!(
            write(&s, |tx| tx.save(&dup)).unwrap_err().code,
            openlex_wire::ErrorCode::Conflict
        );
        let (rows, total) = read(&s, |tx| {
            tx.find::<License>(&[("product_id", "p".into())], Page::default())
        })
        .unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        // a failed transaction rolls back
        let r: ApiResult<()> = write(&s, |tx| {
            tx.delete(Kind::License, "l1")?;
            Err(ApiError::validation("abort"))
        });
        assert!(r.is_err());
        assert!(read(&s, |tx| tx.get(Kind::License, "l1"))
            .unwrap()
            .is_some());
        let v: i64 = s
            .conn
            .lock()
            .unwrap()
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
    }
}
