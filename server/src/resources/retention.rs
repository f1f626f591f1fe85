//! Log retention: rows of the log tables older than the retention period
//! are deleted by a background job (`serve --log-retention-days`, default
//! 365; 0 keeps logs forever).
//!
//! The job is safe to run on every node at once and to repeat: each pass
//! deletes, in its own short write unit of work, at most [`BATCH`] rows
//! older than the cutoff, so it never holds the writer (SQLite) or many row
//! locks (PostgreSQL) for long, and two nodes deleting the same rows merely
//! find them gone. The cutoff comes from the injected clock, so tests move
//! time instead of waiting.

use crate::app::App;
use crate::error::ApiResult;
use crate::params;

/// Every pruned table and its time column. A new log table is one line
/// here (and its migration: an index on the time column, and on PostgreSQL
/// a unique `rowid`, which the batches delete by).
pub const PRUNED: &[(&str, &str)] = &[
    ("activation_logs", "created_at"),
    ("event_logs", "created_at"),
    ("webhook_attempts", "created_at"),
];

/// Rows deleted per unit of work.
pub const BATCH: i64 = 1_000;

/// Units of work per table in one run (bounds a run; the next run goes on).
pub const MAX_BATCHES: usize = 10_000;

/// Default `--log-retention-days`.
pub const DEFAULT_DAYS: i64 = 365;

/// How often `serve` runs [`prune`] (seconds of real time).
pub const INTERVAL_SECS: u64 = 600;

/// Rows deleted by one run, per table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruned {
    /// `(table, rows deleted)` in [`PRUNED`] order.
    pub tables: Vec<(&'static str, i64)>,
}

/// Deletes log rows older than `days` days before the clock's now (none
/// when `days` is 0), in batches of [`BATCH`].
pub fn prune(app: &App, days: i64) -> ApiResult<Pruned> {
    let mut out = Pruned::default();
    if days <= 0 {
        return Ok(out);
    }
    let cutoff = app.now().saturating_sub(days.saturating_mul(86_400));
    for &(table, column) in PRUNED {
        let sql = format!(
            "DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {column} < ?1 ORDER BY {column} LIMIT {BATCH})"
        );
        let mut deleted = 0i64;
        for _ in 0..MAX_BATCHES {
            let n = app.store.write(|tx| tx.execute(&sql, params![cutoff]))? as i64;
            deleted += n;
            if n < BATCH {
                break;
            }
        }
        out.tables.push((table, deleted));
    }
    Ok(out)
}

/// Runs [`prune`] every [`INTERVAL_SECS`] until the runtime stops; errors
/// are reported on stderr and the next run tries again.
pub async fn run_forever(app: std::sync::Arc<App>, days: i64) {
    if days <= 0 {
        return;
    }
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(INTERVAL_SECS));
    loop {
        tick.tick().await;
        if let Err(e) = app.run(move |app| prune(app, days)).await {
            eprintln!("openlex-server: log retention: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::TestClock;
    use crate::resources::activation_logs::{record, Action, Attempt, Subject};
    use crate::store::sqlite::{Durability, SqliteStore};

    const T0: i64 = 1_700_000_000;

    fn count(app: &App) -> i64 {
        app.store
            .read(|tx| tx.count("SELECT COUNT(*) FROM activation_logs", &[]))
            .unwrap()
    }

    /// The activation-log rows a run deleted (every pruned table is reported).
    fn activation_rows(p: Pruned) -> i64 {
        let names: Vec<&str> = p.tables.iter().map(|t| t.0).collect();
        assert_eq!(names, PRUNED.iter().map(|t| t.0).collect::<Vec<_>>());
        p.tables[0].1
    }

    #[test]
    fn prunes_old_rows_in_batches_by_the_injected_clock_and_repeats_safely() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.db"), Durability::Normal).unwrap();
        let clock = Arc::new(TestClock::frozen(T0));
        let app = App::new(Arc::new(store), clock.clone(), String::new());
        let attempt = Attempt {
            action: Some(Action::Activation),
            ..Default::default()
        };
        // 2,500 rows on day 0 (three batches to delete), 10 on day 5.
        let write = |n: usize| {
            app.store
                .write(|tx| {
                    for _ in 0..n {
                        record(tx, app.now(), &attempt, Subject::default(), None)?;
                    }
                    Ok(())
                })
                .unwrap()
        };
        write(2_500);
        clock.advance(5 * 86_400);
        write(10);
        assert_eq!(
            prune(&app, 0).unwrap(),
            Pruned::default(),
            "0 keeps forever"
        );
        // 5 days later nothing is older than 7 days yet
        assert_eq!(activation_rows(prune(&app, 7).unwrap()), 0);
        clock.advance(3 * 86_400);
        // now day 0 is 8 days old: gone, day 5 (3 days old) kept
        assert_eq!(activation_rows(prune(&app, 7).unwrap()), 2_500);
        assert_eq!(count(&app), 10);
        // running again (another node, the next tick) deletes nothing more
        assert_eq!(activation_rows(prune(&app, 7).unwrap()), 0);
        clock.advance(5 * 86_400);
        assert_eq!(activation_rows(prune(&app, 7).unwrap()), 10);
        assert_eq!(count(&app), 0);
    }
}
