//! WAL checkpoints on a thread of their own, outside the write lock.
//!
//! SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL
//! past 1,000 pages: that commit copies every page the WAL holds into the
//! database file and fsyncs it while [`GroupCommit`](super::group::GroupCommit)
//! holds the only connection, so every waiting request waits for it too, and
//! the more pages a request writes (an activation with its activation-log
//! row and index entries), the more often it happens. Here the server's
//! connection never checkpoints (`wal_autocheckpoint=0`); a second
//! connection on this thread runs a PASSIVE checkpoint once enough commits
//! have accumulated (or shortly after the last one), concurrently with the
//! writer, as WAL mode allows. Durability is unchanged: a commit is durable
//! once its WAL frames are fsynced, before it is answered; a checkpoint
//! only copies committed pages into the database file (and fsyncs it before
//! the WAL is reused). A crash mid-checkpoint is recovered from the WAL.

use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::ApiResult;

/// Commits after which a checkpoint runs at once.
const COMMITS_PER_CHECKPOINT: u64 = 64;
/// How long after the last commit a checkpoint runs when fewer accumulated.
const IDLE: Duration = Duration::from_millis(200);

#[derive(Default)]
struct State {
    /// Commits since the last checkpoint.
    commits: u64,
    /// Checkpoints run (tests).
    runs: u64,
    stop: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    cv: Condvar,
}

/// The checkpoint thread of one database; stopped and joined on drop.
pub struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path` (already in WAL mode).
    pub fn start(path: &Path) -> ApiResult<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&conn, &s))
            .map_err(|e| crate::error::ApiError::internal(format!("checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            shared,
            thread: Some(thread),
        })
    }

    /// Notes one commit (called by the writer after each COMMIT).
    pub fn committed(&self) {
        let mut st = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        st.commits += 1;
        if st.commits >= COMMITS_PER_CHECKPOINT {
            self.shared.cv.notify_one();
        }
    }
}

impl Checkpointer {
    /// Checkpoints run so far.
    pub fn runs(&self) -> u64 {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .runs
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .stop = true;
        self.shared.cv.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(conn: &Connection, shared: &Shared) {
    let mut st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        if st.stop {
            return;
        }
        if st.commits >= COMMITS_PER_CHECKPOINT {
            st.commits = 0;
            drop(st);
            checkpoint(conn);
            st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            st.runs += 1;
            continue;
        }
        let seen = st.commits;
        let (g, timeout) = shared
            .cv
            .wait_timeout(st, IDLE)
            .unwrap_or_else(|e| e.into_inner());
        st = g;
        // Quiet for IDLE since commits arrived: checkpoint what there is.
        if timeout.timed_out() && st.commits > 0 && st.commits == seen {
            st.commits = COMMITS_PER_CHECKPOINT;
        }
    }
}

/// A PASSIVE checkpoint: copies what it can without waiting for the writer
/// or readers. A failure is retried at the next one; the WAL keeps every
/// committed page meanwhile.
fn checkpoint(conn: &Connection) {
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
        eprintln!("openlex-server: WAL checkpoint: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commits reach the database file through the thread, not through the
    /// writer's own connection (which never checkpoints), and dropping the
    /// checkpointer stops its thread.
    #[test]
    fn commits_are_copied_back_by_the_thread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch("CREATE TABLE t (v BLOB NOT NULL)")
            .unwrap();
        let db_size = || std::fs::metadata(&path).unwrap().len();
        let before = db_size();
        let c = Checkpointer::start(&path).unwrap();
        for _ in 0..COMMITS_PER_CHECKPOINT {
            conn.execute("INSERT INTO t (v) VALUES (zeroblob(4000))", [])
                .unwrap();
            c.committed();
        }
        // Bounded wait for the thread (each step 10 ms).
        for _ in 0..300 {
            if c.runs() > 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(c.runs() > 0, "no checkpoint ran");
        assert!(
            db_size() >= before + COMMITS_PER_CHECKPOINT * 4000,
            "pages not copied into the database file"
        );
        drop(c);
    }
}
