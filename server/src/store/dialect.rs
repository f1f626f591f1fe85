//! The one SQL convention every query is written in, and what each engine
//! changes in it.
//!
//! Queries in the resource modules are portable SQL:
//!
//! * numbered placeholders `?1`, `?2`, ... (SQLite's own form);
//! * upserts as `INSERT ... ON CONFLICT (col) DO UPDATE SET c = excluded.c`
//!   (SQLite and PostgreSQL agree on it);
//! * a read that guards a write ends in `FOR UPDATE` (or `FOR UPDATE SKIP
//!   LOCKED` for background work): the row lock a server engine needs;
//! * `rowid` is the insertion order (SQLite's implicit column; a PostgreSQL
//!   schema declares an identity column of that name);
//! * no engine-specific functions; DDL lives in each engine's migrations.
//!
//! [`Dialect::adapt`] turns that text into the engine's own, without
//! allocating for SQLite, whose single writer makes row locks implicit.

use std::borrow::Cow;

/// The SQL dialect of an engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite: placeholders as written; `FOR UPDATE [SKIP LOCKED]` dropped
    /// (`BEGIN IMMEDIATE` already holds the database's one write lock).
    Sqlite,
    /// PostgreSQL: `?N` becomes `$N`; lock clauses kept.
    Postgres,
}

const LOCK_CLAUSES: [&str; 2] = [" FOR UPDATE SKIP LOCKED", " FOR UPDATE"];

impl Dialect {
    /// The engine's form of a portable statement.
    pub fn adapt(self, sql: &str) -> Cow<'_, str> {
        match self {
            Dialect::Sqlite => {
                let trimmed = sql.trim_end();
                for clause in LOCK_CLAUSES {
                    if let Some(s) = trimmed.strip_suffix(clause) {
                        return Cow::Borrowed(s);
                    }
                }
                Cow::Borrowed(sql)
            }
            Dialect::Postgres => Cow::Owned(dollar_placeholders(sql)),
        }
    }
}

/// `?N` → `$N` outside string literals; a `?` not followed by a digit (a
/// jsonb operator) is left alone.
fn dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_literal = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_literal = !in_literal;
                out.push(c);
            }
            '?' if !in_literal && chars.peek().is_some_and(|d| d.is_ascii_digit()) => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_drops_lock_clauses_without_copying() {
        let q = "SELECT data FROM licenses WHERE key = ?1 FOR UPDATE";
        assert!(matches!(Dialect::Sqlite.adapt(q), Cow::Borrowed(_)));
        assert_eq!(
            Dialect::Sqlite.adapt(q),
            "SELECT data FROM licenses WHERE key = ?1"
        );
        assert_eq!(
            Dialect::Sqlite.adapt("SELECT id FROM jobs LIMIT 1 FOR UPDATE SKIP LOCKED"),
            "SELECT id FROM jobs LIMIT 1"
        );
        let plain = "DELETE FROM t WHERE id = ?1";
        assert_eq!(Dialect::Sqlite.adapt(plain), plain);
    }

    #[test]
    fn postgres_numbers_placeholders_and_keeps_locks() {
        assert_eq!(
            Dialect::Postgres
                .adapt("UPDATE t SET data = ?2 WHERE id = ?1 AND note = 'a?1' FOR UPDATE"),
            "UPDATE t SET data = $2 WHERE id = $1 AND note = 'a?1' FOR UPDATE"
        );
        assert_eq!(
            Dialect::Postgres.adapt("SELECT data ? 'k' FROM t WHERE id = ?10"),
            "SELECT data ? 'k' FROM t WHERE id = $10"
        );
    }
}
