//! Group commit for the SQLite store: concurrent write transactions share
//! one durable COMMIT.
//!
//! With `synchronous=FULL` every COMMIT waits for an fsync of the WAL, and
//! SQLite allows one writer at a time, so one fsync per request bounds the
//! server at 1/fsync-latency requests per second whatever the CPU count
//! (≈ 250/s when a busy virtio disk takes 4 ms), and each fsync costs about
//! 0.1 ms of CPU. Here a writer that finishes its work while other requests
//! wait for the connection leaves the transaction open and hands the
//! connection on; the last one of the batch commits, and every request of the
//! batch is answered only after that COMMIT returned. Acknowledged writes are
//! exactly as durable as before, and each request still runs atomically and
//! in isolation: requests of a batch run one after the other, each inside its
//! own SAVEPOINT, and a request that fails is rolled back to its savepoint
//! without touching the others.
//!
//! Reads never join a batch: a reader that finds one open commits it first,
//! so nothing is ever answered from uncommitted data.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use rusqlite::Connection;

use super::checkpoint::{self, Checkpointer};
use crate::error::{ApiError, ApiResult};

/// Most requests one COMMIT covers, so a steady stream of writers cannot
/// hold a batch open (and its first request unanswered) indefinitely.
const MAX_BATCH: usize = 32;

/// The outcome of a batch's COMMIT, awaited by its requests.
#[derive(Default)]
struct Batch {
    done: Mutex<Option<ApiResult<()>>>,
    cv: Condvar,
}

impl Batch {
    fn publish(&self, r: ApiResult<()>) {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *d = Some(r);
        self.cv.notify_all();
    }

    fn wait(&self) -> ApiResult<()> {
        let mut d = self.done.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(r) = d.as_ref() {
                return r.clone();
            }
            d = self.cv.wait(d).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// The connection and the batch open on it, if any.
struct Conn {
    conn: Connection,
    open: Option<(Arc<Batch>, usize)>,
    /// Told of every commit, when checkpoints run on their own thread.
    checkpointer: Option<Checkpointer>,
}

impl Conn {
    /// Commits the open batch, if any, and tells its requests; then, when
    /// the checkpointer asks, restarts the WAL (still holding the
    /// connection, so no write starts meanwhile).
    fn commit(&mut self) {
        if let Some((batch, _)) = self.open.take() {
            let r = self.conn.execute_batch("COMMIT").map_err(ApiError::from);
            let failed = r.is_err();
            if failed {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
            batch.publish(r);
            if let Some(c) = &self.checkpointer {
                // Only commits count towards the next checkpoint.
                if !failed && c.committed() {
                    checkpoint::restart(&self.conn);
                }
            }
        }
    }
}

/// One SQLite connection shared by the server's threads, with group commit.
pub struct GroupCommit {
    conn: Mutex<Conn>,
    /// Threads waiting for `conn`: a writer leaves its batch open only when
    /// one of them will take the connection after it.
    waiting: AtomicUsize,
}

impl GroupCommit {
    /// Wraps an open connection (no transaction active).
    pub fn new(conn: Connection) -> Self {
        Self::with_checkpointer(conn, None)
    }

    /// Wraps an open connection whose WAL `checkpointer` copies back on
    /// its own thread (the connection's own automatic checkpoints off).
    pub fn with_checkpointer(conn: Connection, checkpointer: Option<Checkpointer>) -> Self {
        GroupCommit {
            conn: Mutex::new(Conn {
                conn,
                open: None,
                checkpointer,
            }),
            waiting: AtomicUsize::new(0),
        }
    }

    fn lock(&self) -> ApiResult<MutexGuard<'_, Conn>> {
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let g = self.conn.lock();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        g.map_err(|_| ApiError::internal("database lock poisoned"))
    }

    /// Runs `f` on the bare connection, outside any batch (tests, tools).
    pub fn with_conn<R>(&self, f: impl FnOnce(&Connection) -> R) -> ApiResult<R> {
        let mut g = self.lock()?;
        g.commit();
        Ok(f(&g.conn))
    }

    /// Runs `f` in a transaction and returns once its effects are durable
    /// (writes) or it has read a committed state (reads). An error from `f`
    /// rolls back everything `f` did and nothing else. After `f` succeeded,
    /// `after` runs without the connection, while the batch may still be
    /// committing; its result is returned only once the commit succeeded.
    pub fn transact(
        &self,
        write: bool,
        f: &mut dyn FnMut(&Connection) -> ApiResult<()>,
        after: &mut dyn FnMut() -> ApiResult<()>,
    ) -> ApiResult<()> {
        let mut g = self.lock()?;
        if !write {
            g.commit();
            g.conn.execute_batch("BEGIN DEFERRED")?;
            let r = run(&g.conn, f).and_then(|()| Ok(g.conn.execute_batch("COMMIT")?));
            if r.is_err() && !g.conn.is_autocommit() {
                let _ = g.conn.execute_batch("ROLLBACK");
            }
            drop(g);
            r?;
            return after();
        }
        if g.open.is_none() {
            g.conn.execute_batch("BEGIN IMMEDIATE")?;
            g.open = Some((Arc::new(Batch::default()), 0));
        }
        g.conn.execute_batch("SAVEPOINT request")?;
        let r = run(&g.conn, f);
        let undo = if r.is_ok() {
            "RELEASE request"
        } else {
            "ROLLBACK TO request; RELEASE request"
        };
        if let Err(e) = g.conn.execute_batch(undo) {
            // The transaction is in an unknown state: give it up as a whole.
            let _ = g.conn.execute_batch("ROLLBACK");
            if let Some((batch, _)) = g.open.take() {
                batch.publish(Err(ApiError::from(e)));
            }
            return r.and(Err(ApiError::internal("savepoint failed")));
        }
        let (batch, jobs) = g.open.as_mut().expect("batch opened above");
        *jobs += 1;
        let batch = batch.clone();
        if *jobs < MAX_BATCH && self.waiting.load(Ordering::SeqCst) > 0 {
            // Someone is queued for the connection and will commit (or pass
            // on) this batch: do `after` meanwhile, answer once it is durable.
            drop(g);
            r?;
            let a = after();
            batch.wait()?;
            return a;
        }
        g.commit();
        drop(g);
        r?;
        batch.wait()?;
        after()
    }
}

/// Runs `f`, turning a panic into an error so the connection and the batch
/// stay usable (a poisoned lock would stop every later request).
fn run(conn: &Connection, f: &mut dyn FnMut(&Connection) -> ApiResult<()>) -> ApiResult<()> {
    catch_unwind(AssertUnwindSafe(|| f(conn)))
        .unwrap_or_else(|_| Err(ApiError::internal("request panicked inside a transaction")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    fn store() -> (tempfile::TempDir, Arc<GroupCommit>) {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("t.db")).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .unwrap();
        (dir, Arc::new(GroupCommit::new(conn)))
    }

    fn count(s: &GroupCommit) -> i64 {
        s.with_conn(|c| {
            c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
                .unwrap()
        })
        .unwrap()
    }

    #[test]
    fn concurrent_writers_are_all_committed_and_failures_roll_back_alone() {
        let (_d, s) = store();
        let threads = 8;
        let per = 50;
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (s, barrier) = (s.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut ok = 0;
                    for i in 0..per {
                        let k = (t * per + i) as i64;
                        let r = s.transact(
                            true,
                            &mut |c| {
                                c.execute("INSERT INTO t (k, v) VALUES (?1, 'x')", [k])?;
                                if k % 5 == 0 {
                                    return Err(ApiError::validation("abort"));
                                }
                                Ok(())
                            },
                            &mut || Ok(()),
                        );
                        ok += usize::from(r.is_ok());
                    }
                    ok
                })
            })
            .collect();
        let ok: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(ok, threads * per * 4 / 5);
        assert_eq!(count(&s), ok as i64);
    }

    #[test]
    fn panics_do_not_poison_and_after_runs_only_on_success() {
        let (_d, s) = store();
        let mut afters = 0;
        s.transact(
            true,
            &mut |c| {
                c.execute("INSERT INTO t (k, v) VALUES (1, 'a')", [])?;
                Ok(())
            },
            &mut || {
                afters += 1;
                Ok(())
            },
        )
        .unwrap();
        let r = s.transact(
            true,
            &mut |c| {
                c.execute("INSERT INTO t (k, v) VALUES (2, 'b')", [])?;
                panic!("boom")
            },
            &mut || {
                afters += 1;
                Ok(())
            },
        );
        assert!(r.is_err());
        assert_eq!(afters, 1);
        // an error from `after` is returned, the data stays committed
        let r = s.transact(
            true,
            &mut |c| {
                c.execute("INSERT INTO t (k, v) VALUES (3, 'c')", [])?;
                Ok(())
            },
            &mut || Err(ApiError::validation("after failed")),
        );
        assert_eq!(r.unwrap_err().message, "after failed");
        let mut n = 0;
        s.transact(
            false,
            &mut |c| {
                n = c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))?;
                Ok(())
            },
            &mut || Ok(()),
        )
        .unwrap();
        assert_eq!(n, 2);
    }
}
