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
//!
//! A PASSIVE checkpoint never lets the WAL start over while commits keep
//! coming (SQLite rewinds it only when a write begins with every frame
//! copied back), so under steady load it grew by every page written: 215 MB
//! for 8,000 activations, without bound in a long run, each commit extending
//! the file. Once a checkpoint finds the WAL past [`RESTART_FRAMES`], the
//! writer, after its next COMMIT, runs a RESTART checkpoint on its own
//! connection: it copies the few frames written since (the PASSIVE one did
//! the rest) and the next write starts the WAL from its beginning, so the
//! file stays near that size and is rewritten in place.

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
/// How long the writer's connection waits for another process's lock
/// (the CLI's writes).
pub const WRITER_BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// WAL frames (pages) past which the writer restarts the WAL: 16 MiB of
/// 4 KiB pages.
pub const RESTART_FRAMES: i64 = 4096;

#[derive(Default)]
struct State {
    /// Commits since the last checkpoint.
    commits: u64,
    /// Checkpoints run (tests).
    runs: u64,
    /// The last checkpoint found the WAL past [`RESTART_FRAMES`].
    restart_due: bool,
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

    /// Notes one commit (called by the writer after each COMMIT); true when
    /// the writer should now [`restart`] the WAL (once per checkpoint that
    /// found it past [`RESTART_FRAMES`]).
    pub fn committed(&self) -> bool {
        let mut st = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        st.commits += 1;
        if st.commits >= COMMITS_PER_CHECKPOINT {
            self.shared.cv.notify_one();
        }
        std::mem::take(&mut st.restart_due)
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
            let frames = checkpoint(conn);
            st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            st.runs += 1;
            st.restart_due |= frames >= RESTART_FRAMES;
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
/// or readers. Returns the frames the WAL holds (0 on failure: a failure is
/// retried at the next one; the WAL keeps every committed page meanwhile).
fn checkpoint(conn: &Connection) -> i64 {
    match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1)) {
        Ok(frames) => frames,
        Err(e) => {
            eprintln!("openlex-server: WAL checkpoint: {e}");
            0
        }
    }
}

/// Copies back what the WAL holds beyond the last checkpoint and makes the
/// next write start it over (run by the writer, outside any transaction,
/// when [`Checkpointer::committed`] says so). It never waits: with a reader
/// elsewhere (the CLI) on an older snapshot, or the thread's checkpoint
/// still running, it does what it can at once and the WAL is restarted
/// after a later checkpoint, instead of every request waiting behind it.
pub fn restart(conn: &Connection) {
    let r = conn
        .busy_timeout(Duration::ZERO)
        .and_then(|()| conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())));
    if let Err(e) = r {
        eprintln!("openlex-server: WAL restart: {e}");
    }
    if let Err(e) = conn.busy_timeout(WRITER_BUSY_TIMEOUT) {
        eprintln!("openlex-server: WAL restart: {e}");
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

    /// Under steady commits the WAL starts over once it passed
    /// RESTART_FRAMES: a PASSIVE checkpoint alone would keep every frame,
    /// the file growing by each page written.
    #[test]
    fn a_steadily_written_wal_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        // Small pages keep the test's writes small; the bound is in frames.
        conn.pragma_update(None, "page_size", 1024).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.pragma_update(None, "synchronous", "OFF").unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute_batch("CREATE TABLE t (v BLOB NOT NULL)")
            .unwrap();
        let c = Checkpointer::start(&path).unwrap();
        let frames = RESTART_FRAMES as usize;
        for _ in 0..(6 * frames).div_ceil(32) {
            conn.execute_batch("BEGIN").unwrap();
            for _ in 0..32 {
                conn.execute("INSERT INTO t (v) VALUES (zeroblob(900))", [])
                    .unwrap();
            }
            conn.execute_batch("COMMIT").unwrap();
            if c.committed() {
                restart(&conn);
            }
        }
        let wal = std::fs::metadata(dir.path().join("t.db-wal"))
            .unwrap()
            .len();
        // A frame is its page and a 24-byte header.
        let bound = 3 * frames as u64 * (1024 + 24);
        assert!(
            wal <= bound,
            "WAL of {wal} bytes after 6x RESTART_FRAMES pages written (bound {bound})"
        );
        drop(c);
    }

    /// A reader on an older snapshot (the CLI) makes the restart give up at
    /// once, not hold the writer for its busy timeout; the writer's own
    /// timeout is back afterwards.
    #[test]
    fn a_restart_never_waits_for_a_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.busy_timeout(WRITER_BUSY_TIMEOUT).unwrap();
        conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER NOT NULL); INSERT INTO t VALUES (1);")
            .unwrap();
        let reader = Connection::open(&path).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let n: i64 = reader
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        conn.execute("INSERT INTO t VALUES (2)", []).unwrap();
        let started = std::time::Instant::now();
        restart(&conn);
        assert!(
            started.elapsed() < WRITER_BUSY_TIMEOUT / 2,
            "the restart waited {:?}",
            started.elapsed()
        );
        reader.execute_batch("COMMIT").unwrap();
        // Still the writer's timeout for other processes' locks.
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            other.execute_batch("COMMIT").unwrap();
        });
        conn.execute("INSERT INTO t VALUES (3)", []).unwrap();
        t.join().unwrap();
    }
}
