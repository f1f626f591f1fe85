//! `db copy`: moving a node's records to PostgreSQL.

use super::run::CliResult;
use super::DbCmd;
use crate::app::{cli_error, open_store, App};
use crate::config::{DataDir, Database};
use crate::store::copy;
use crate::store::sqlite::Durability;

/// Runs a `db` command.
pub fn run(dir: &DataDir, db: &Database, cmd: DbCmd) -> CliResult {
    match cmd {
        DbCmd::Copy { to } => {
            let target = match Database::select(dir, Some(&to))? {
                Database::Postgres(url) => Database::Postgres(url),
                Database::Sqlite(_) => return Err("--to must be a postgres:// URL".into()),
            };
            if &target == db {
                return Err("--to names the database being copied".into());
            }
            let source = App::open_cli(dir, db)?.store;
            let target = open_store(&target, Durability::Full, 2, true)?;
            let sums = copy::copy(source.as_ref(), target.as_ref()).map_err(cli_error)?;
            for s in &sums {
                println!("{:<18} {:>8} rows  sha256 {}", s.table, s.rows, s.checksum);
            }
            println!("copied and verified: every table's row count and checksum match");
            Ok(())
        }
    }
}
