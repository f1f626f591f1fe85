//! SQLite implementation of [`Store`].
//!
//! One connection serves the server (SQLite allows one writer at a time
//! anyway), shared through [`GroupCommit`] so concurrent writes share their
//! fsync; WAL mode lets the CLI, a separate process, read and write the same
//! file while the server runs. `synchronous=FULL` makes every acknowledged
//! commit survive power loss.

use std::path::Path;

use rusqlite::{params, params_from_iter, Connection, TransactionBehavior};

use super::dialect::Dialect;
use super::fpdigest;
use super::{Mode, Param, Row, Store, Tx};
use crate::error::{ApiError, ApiResult};
use checkpoint::Checkpointer;
use group::GroupCommit;
use migrations::MIGRATIONS;

pub mod checkpoint;
pub mod group;
pub mod migrations;

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
        conn.busy_timeout(checkpoint::WRITER_BUSY_TIMEOUT)?;
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
        // Every request runs in a SAVEPOINT (group commit), and SQLite saves
        // the original of each page a savepoint first changes to a
        // sub-journal, which by default spills to a temporary file past
        // 64 KiB: about 19 page writes per activation (measured with strace)
        // that need no disk, as a savepoint is never rolled back after a
        // crash. In memory they cost a copy.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.set_prepared_statement_cache_capacity(64);
        migrate(&mut conn)?;
        // Checkpoints on their own thread, not inside a request's commit
        // (checkpoint.rs).
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let checkpointer = Checkpointer::start(path)?;
        Ok(SqliteStore {
            conn: GroupCommit::with_checkpointer(conn, Some(checkpointer)),
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
                params![version, crate::clock::system_now()],
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
    for table in ["activations", "trial_activations"] {
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
        mode: Mode,
        work: &mut dyn FnMut(&mut dyn Tx) -> ApiResult<()>,
        after: &mut dyn FnMut() -> ApiResult<()>,
    ) -> ApiResult<()> {
        self.conn.transact(
            mode == Mode::Write,
            &mut |conn| work(&mut SqliteTx { conn }),
            after,
        )
    }
}

/// Bulk loading for the scale generator (`openlex-server-scale`): the
/// server's own schema (migrations) and statements ([`Tx`]), with neither
/// journal nor fsync while it loads, so millions of rows go in at disk
/// speed. A crash while loading leaves a database to throw away; never use
/// it on a database that holds real data. [`finish`](Self::finish) puts the
/// database back in WAL mode for the server.
pub struct BulkLoader {
    conn: Connection,
}

impl BulkLoader {
    /// Opens (creating and migrating) the database at `path` for loading.
    pub fn open(path: &Path) -> ApiResult<Self> {
        drop(SqliteStore::open(path, Durability::Normal)?);
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "OFF")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        // 2 GiB of page cache at most: the indexes being filled stay in memory.
        conn.pragma_update(None, "cache_size", -2_097_152)?;
        Ok(BulkLoader { conn })
    }

    /// Runs `work` in one transaction.
    pub fn chunk(&mut self, work: impl FnOnce(&mut dyn Tx) -> ApiResult<()>) -> ApiResult<()> {
        let tx = self.conn.transaction()?;
        work(&mut SqliteTx { conn: &tx })?;
        tx.commit()?;
        Ok(())
    }

    /// Back to WAL mode, as the server opens it.
    pub fn finish(self) -> ApiResult<()> {
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        Ok(())
    }
}

/// Statements run inside the transaction [`GroupCommit`] opened.
struct SqliteTx<'a> {
    conn: &'a Connection,
}

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match *self {
            Param::Text(s) => ValueRef::Text(s.as_bytes()),
            Param::Int(i) => ValueRef::Integer(i),
            Param::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// A unique or other constraint violated is 409 CONFLICT; anything else
/// is an internal error.
fn sql_error(e: rusqlite::Error) -> ApiError {
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            ApiError::new(
                openlex_wire::ErrorCode::Conflict,
                "a record with the same unique value exists",
            )
        }
        e => e.into(),
    }
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> ApiResult<usize> {
        self.conn
            .prepare_cached(&Dialect::Sqlite.adapt(sql))?
            .execute(params_from_iter(params))
            .map_err(sql_error)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        row: &mut dyn FnMut(&dyn Row) -> ApiResult<bool>,
    ) -> ApiResult<()> {
        let mut st = self.conn.prepare_cached(&Dialect::Sqlite.adapt(sql))?;
        let mut rows = st.query(params_from_iter(params))?;
        while let Some(r) = rows.next()? {
            if !row(&SqliteRow(r))? {
                break;
            }
        }
        Ok(())
    }
}

struct SqliteRow<'a, 'b>(&'a rusqlite::Row<'b>);

impl Row for SqliteRow<'_, '_> {
    fn str(&self, i: usize) -> ApiResult<&str> {
        Ok(self.0.get_ref(i)?.as_str()?)
    }

    fn int(&self, i: usize) -> ApiResult<i64> {
        Ok(self.0.get_ref(i)?.as_i64()?)
    }

    fn bytes(&self, i: usize) -> ApiResult<&[u8]> {
        Ok(self.0.get_ref(i)?.as_blob().unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params;
    use crate::store::{Doc, Page, Table};
    use openlex_wire::fingerprint::MatchStrategy;

    /// A document in the `licenses` table, as the engine sees any record.
    #[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
    struct Rec {
        id: String,
        product_id: String,
        key: String,
        created_at: i64,
    }

    static RECS: Table = Table::new("licenses", &["product_id", "key", "user_id"]);

    impl Doc for Rec {
        fn table() -> &'static Table {
            &RECS
        }
        fn id(&self) -> &str {
            &self.id
        }
        fn created_at(&self) -> i64 {
            self.created_at
        }
        fn with_index(&self, f: &mut dyn FnMut(&[Param<'_>]) -> ApiResult<()>) -> ApiResult<()> {
            f(params![&self.product_id, &self.key, ""])
        }
    }

    fn rec(id: &str, key: &str) -> Rec {
        Rec {
            id: id.into(),
            product_id: "p".into(),
            key: key.into(),
            created_at: 5,
        }
    }

    #[test]
    fn migrations_are_idempotent_and_documents_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let s: Box<dyn Store> = Box::new(SqliteStore::open(&path, Durability::Full).unwrap());
        s.write(|tx| tx.save(&rec("l1", "K1"))).unwrap();
        drop(s);
        let sq = SqliteStore::open(&path, Durability::Full).unwrap();
        let v: i64 = sq
            .conn
            .with_conn(|c| {
                c.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                    r.get(0)
                })
            })
            .unwrap()
            .unwrap();
        assert_eq!(
            v,
            MIGRATIONS.last().map_or(0, |m| m.0),
            "the newest version applied"
        );
        let s: &dyn Store = &sq;
        let back: Rec = s
            .read(|tx| {
                tx.doc(
                    "SELECT data FROM licenses WHERE key = ?1 FOR UPDATE",
                    params!["K1"],
                )
            })
            .unwrap()
            .unwrap();
        assert_eq!(back.id, "l1");
        assert_eq!(
            s.write(|tx| tx.save(&rec("l2", "K1"))).unwrap_err().code,
            openlex_wire::ErrorCode::Conflict
        );
        let (rows, total) = s
            .read(|tx| tx.list::<Rec>(&[("product_id", "p".into())], Page::default()))
            .unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        // a failed unit of work rolls back
        let r: ApiResult<()> = s.write(|tx| {
            tx.delete::<Rec>("l1")?;
            Err(ApiError::validation("abort"))
        });
        assert!(r.is_err());
        assert!(s.read(|tx| tx.exists::<Rec>("l1")).unwrap());
        // an unindexed column is refused, not interpolated
        assert!(s
            .read(|tx| tx.list::<Rec>(&[("data", "x".into())], Page::default()))
            .is_err());
    }

    #[test]
    fn versions_11_and_12_move_waiting_webhook_events_to_the_outbox_with_their_dto() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);",
            )
            .unwrap();
            for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 <= 10) {
                c.execute_batch(sql).unwrap();
                c.execute("INSERT INTO schema_migrations VALUES (?1, 0)", [version])
                    .unwrap();
            }
            // Payloads as version 10 wrote them (the one that is not JSON
            // stays as it is).
            for (id, fanned, payload) in [
                ("waiting-2", 0, r#"{"id":"waiting-2","data":{"n": [2]}}"#),
                ("sent", 1, r#"{"id":"sent","data":{}}"#),
                ("waiting-1", 0, "not json"),
            ] {
                c.execute(
                    "INSERT INTO webhook_events (id, created_at, event_type, webhook_ids, fanned_out, payload) VALUES (?1, 1, 'license.created', 'w', ?2, ?3)",
                    rusqlite::params![id, fanned, payload],
                )
                .unwrap();
            }
        }
        let sq = SqliteStore::open(&path, Durability::Full).unwrap();
        let ids = |sql: &str| -> Vec<String> {
            sq.conn
                .with_conn(|c| {
                    let mut st = c.prepare(sql).unwrap();
                    let rows = st.query_map([], |r| r.get(0)).unwrap();
                    rows.map(Result::unwrap).collect()
                })
                .unwrap()
        };
        // Waiting events keep their order and DTO; the sent one stays.
        assert_eq!(
            ids("SELECT id || ':' || data FROM webhook_outbox ORDER BY rowid"),
            [r#"waiting-2:{"n":[2]}"#, "waiting-1:not json"]
        );
        assert_eq!(ids("SELECT id FROM webhook_events"), ["sent"]);
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
                    rusqlite::params![id, created, fp],
                )
                .unwrap();
            }
        }
        let sq = SqliteStore::open(&path, Durability::Full).unwrap();
        let empty: i64 = sq
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
        let s: &dyn Store = &sq;
        let matching = |presented: String, strategy| {
            s.read(|tx| {
                fpdigest::matching(
                    tx,
                    "SELECT created_at, rowid, fp_digest FROM activations WHERE license_id = ?1",
                    "SELECT id, fingerprint FROM activations WHERE rowid = ?1",
                    "l",
                    &presented,
                    strategy,
                )
            })
            .unwrap()
        };
        // one component changed: a fuzzy match, oldest first
        f.hashes[2] = hash_component("p", "pn", b"other");
        assert_eq!(matching(f.encode(), MatchStrategy::Fuzzy), ["a1", "a2"]);
        assert!(matching(f.encode(), MatchStrategy::Exact).is_empty());
    }
}
