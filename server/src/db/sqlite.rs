//! SQLite implementation of [`Store`].
//!
//! One connection serves the server (SQLite allows one writer at a time
//! anyway), shared through [`GroupCommit`] so concurrent writes share their
//! fsync; WAL mode lets the CLI, a separate process, read and write the same
//! file while the server runs. `synchronous=FULL` makes every acknowledged
//! commit survive power loss.

use std::path::Path;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use openlex_wire::fingerprint::{self, MatchStrategy};

use super::fpdigest::{self, Probe};
use super::group::GroupCommit;
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
    conn: GroupCommit,
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
        // The default 2 MiB page cache holds the indexes of a few thousand
        // activations; past that every request re-reads pages with pread.
        // The cache grows only as pages are used.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: GroupCommit::new(conn),
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
    if current < 2 {
        backfill_digests(&tx)?;
    }
    tx.commit()?;
    Ok(())
}

/// Gives rows stored before migration 2 their fingerprint digest (they would
/// still match without one, through a full decode on every scan).
fn backfill_digests(tx: &rusqlite::Transaction<'_>) -> ApiResult<()> {
    for table in [Kind::Activation.table(), Kind::Trial.table()] {
        let rows: Vec<(i64, String)> = tx
            .prepare(&format!(
                "SELECT rowid, fingerprint FROM {table} WHERE fp_digest = x''"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut up = tx.prepare(&format!(
            "UPDATE {table} SET fp_digest = ?2 WHERE rowid = ?1"
        ))?;
        for (rowid, fp) in rows {
            up.execute(params![rowid, fpdigest::digest(&fp)])?;
        }
    }
    Ok(())
}

impl Store for SqliteStore {
    fn transact(
        &self,
        write: bool,
        f: &mut dyn FnMut(&mut dyn Tx) -> ApiResult<()>,
        after: &mut dyn FnMut() -> ApiResult<()>,
    ) -> ApiResult<()> {
        self.conn
            .transact(write, &mut |conn| f(&mut SqliteTx { tx: conn }), after)
    }
}

/// Statements run inside the transaction [`GroupCommit`] opened.
struct SqliteTx<'a> {
    tx: &'a Connection,
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
            IndexVal::Blob(b) => b.to_sql(),
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
        // Most saves change only the document (a license's lastUsedAt on
        // every activation). Setting just `data` when no indexed column
        // changed leaves the index pages clean; the upsert below would
        // rewrite every index entry, and each dirtied page is 4 KiB more
        // written to the WAL at commit.
        let mut same = format!("UPDATE {} SET data = ?2 WHERE id = ?1", kind.table());
        for (i, (c, _)) in index.iter().enumerate() {
            same.push_str(&format!(" AND {c} IS ?{}", i + 3));
        }
        let mut vals: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(index.len() + 2);
        vals.push(&id);
        vals.push(&json);
        vals.extend(index.iter().map(|(_, v)| v as &dyn rusqlite::ToSql));
        if self.tx.prepare_cached(&same)?.execute(&*vals)? == 1 {
            return Ok(());
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
        let mut vals: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(index.len() + 3);
        vals.push(&id);
        vals.push(&created_at);
        vals.extend(index.iter().map(|(_, v)| v as &dyn rusqlite::ToSql));
        vals.push(&json);
        match self.tx.prepare_cached(&sql)?.execute(&*vals) {
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

    fn matching(
        &mut self,
        kind: Kind,
        owner_col: &'static str,
        owner: &str,
        presented: &str,
        strategy: MatchStrategy,
    ) -> ApiResult<Vec<String>> {
        check_col(kind, owner_col)?;
        // Served by the covering index on (owner, ..., fp_digest): no row
        // reads and no fingerprint decoding for devices that do not match.
        let probe = Probe::new(presented, strategy);
        let sql = format!(
            "SELECT created_at, rowid, fp_digest FROM {} WHERE {owner_col} = ?1",
            kind.table()
        );
        let mut candidates: Vec<(i64, i64)> = Vec::new();
        let mut st = self.tx.prepare_cached(&sql)?;
        let mut rows = st.query([owner])?;
        while let Some(r) = rows.next()? {
            // Not a blob (never written so) counts as unknown: a candidate.
            if probe.may_match(r.get_ref(2)?.as_blob().unwrap_or_default()) {
                candidates.push((r.get(0)?, r.get(1)?));
            }
        }
        // Oldest first, as before digests: the first match is the one reused.
        candidates.sort_unstable();
        let mut st = self.tx.prepare_cached(&format!(
            "SELECT id, fingerprint FROM {} WHERE rowid = ?1",
            kind.table()
        ))?;
        let mut out = Vec::new();
        for (_, rowid) in candidates {
            let (id, fp): (String, String) =
                st.query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if fingerprint::matches(&fp, presented, strategy) {
                out.push(id);
            }
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
            .with_conn(|c| {
                c.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                    r.get(0)
                })
            })
            .unwrap()
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
    }

    #[test]
    fn version_1_databases_get_digests_and_still_match() {
        use openlex_wire::fingerprint::{hash_component, Fingerprint};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let mut f = Fingerprint::default();
        for (i, name) in ["base", "lc", "pn"].iter().enumerate() {
            f.hashes[i] = hash_component("p", name, name.as_bytes());
        }
        let fp = f.encode();
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(MIGRATIONS[0].1).unwrap();
            c.execute_batch(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
                 INSERT INTO schema_migrations VALUES (1, 0);",
            )
            .unwrap();
            for (id, created) in [("a2", 2), ("a1", 1)] {
                c.execute(
                    "INSERT INTO activations (id, created_at, license_id, product_id, fingerprint, data) VALUES (?1, ?2, 'l', 'p', ?3, '{}')",
                    params![id, created, fp],
                )
                .unwrap();
            }
        }
        let s = SqliteStore::open(&path, Durability::Full).unwrap();
        let empty: i64 = s
            .conn
            .with_conn(|c| {
                c.query_row(
                    "SELECT COUNT(*) FROM activations WHERE fp_digest = x''",
                    [],
                    |r| r.get(0),
                )
            })
            .unwrap()
            .unwrap();
        assert_eq!(empty, 0);
        // one component changed: a fuzzy match, oldest first
        f.hashes[2] = hash_component("p", "pn", b"other");
        let ids = read(&s, |tx| {
            tx.matching(
                Kind::Activation,
                "license_id",
                "l",
                &f.encode(),
                MatchStrategy::Fuzzy,
            )
        })
        .unwrap();
        assert_eq!(ids, ["a1", "a2"]);
        let exact = read(&s, |tx| {
            tx.matching(
                Kind::Activation,
                "license_id",
                "l",
                &f.encode(),
                MatchStrategy::Exact,
            )
        })
        .unwrap();
        assert!(exact.is_empty());
    }
}
