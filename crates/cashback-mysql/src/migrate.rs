//! Versioned migrations in a schema table (`{prefix}schema`), as on SQLite: an
//! older schema is migrated forward, a newer one is refused.
//!
//! DDL commits by itself on MySQL, so a migration cannot be one transaction:
//! each statement must be safe to run twice (`CREATE TABLE IF NOT EXISTS`,
//! `INSERT IGNORE`), and migrating processes take a named lock
//! (`GET_LOCK`, per server) so that only one runs a migration at a time.

use cashback_core::error::{LedgerError, StorageFault};
use mysql::{Conn, prelude::Queryable};

use crate::{
    error::{Failure, checked},
    target::Target,
};

/// The migrations of this build: `(version, name, sql)`; `{prefix}` stands for the table prefix.
pub const MIGRATIONS: &[(u32, &str, &str)] = &[(1, "initial", include_str!("../migrations/0001_initial.sql"))];

/// Schema version this build writes and reads.
pub fn schema_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// How long a process waits for another one's migration.
const MIGRATION_LOCK_SECONDS: u32 = 60;

/// The statements of a migration: comment lines dropped, split after each line ending in `;`.
pub fn statements(sql: &str, prefix: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    for line in sql.lines().filter(|line| !line.trim_start().starts_with("--")) {
        current.push_str(line);
        current.push('\n');
        if line.trim_end().ends_with(';') {
            statements.push(current.trim().trim_end_matches(';').replace("{prefix}", prefix));
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        statements.push(current.trim().replace("{prefix}", prefix));
    }
    statements
}

/// The schema version recorded in the database; `None` when it has no ledger tables.
pub fn recorded_version(conn: &mut Conn, target: &Target) -> Result<Option<u32>, Failure> {
    let table = format!("{}schema", target.table_prefix);
    let exists: Option<i64> = checked(conn.exec_first(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
        (&table,),
    ))?;
    if exists.is_none() {
        return Ok(None);
    }
    let version: Option<u32> = checked(conn.query_first(format!("SELECT version FROM {table} WHERE id = 1")))?;
    Ok(Some(version.unwrap_or(0)))
}

/// Brings the database's ledger tables to this build's version, creating them
/// when `create` is set.
///
/// # Errors
/// `database_unavailable` for a database without ledger tables when `create`
/// is off, [`LedgerError::SchemaTooNew`], or the failure of a statement.
pub fn prepare(conn: &mut Conn, target: &Target, create: bool) -> Result<(), Failure> {
    let latest = schema_version();
    match recorded_version(conn, target)? {
        Some(version) if version == latest => return Ok(()),
        Some(version) if version > latest => {
            return Err(LedgerError::SchemaTooNew { found: version, supported: latest }.into());
        }
        None if !create => {
            return Err(LedgerError::storage(
                StorageFault::Unavailable,
                format!(
                    "no ledger tables ({}*) in {}; create them first (setup, module install or a ledger opened with create)",
                    target.table_prefix,
                    target.location()
                ),
            )
            .into());
        }
        _ => {}
    }
    let lock = format!("{}.{}migrate", target.database, target.table_prefix);
    let locked: Option<Option<i64>> =
        checked(conn.exec_first("SELECT GET_LOCK(?, ?)", (&lock, MIGRATION_LOCK_SECONDS)))?;
    if locked.flatten() != Some(1) {
        return Err(LedgerError::storage(StorageFault::Busy, "another process is migrating the ledger tables").into());
    }
    let migrated = migrate_locked(conn, target, latest);
    let _ = conn.exec_drop("SELECT RELEASE_LOCK(?)", (&lock,));
    migrated
}

fn migrate_locked(conn: &mut Conn, target: &Target, latest: u32) -> Result<(), Failure> {
    let prefix = &target.table_prefix;
    checked(conn.query_drop(format!(
        "CREATE TABLE IF NOT EXISTS {prefix}schema (id TINYINT NOT NULL PRIMARY KEY, version INT NOT NULL) ENGINE = InnoDB"
    )))?;
    // Another process may have migrated while this one waited for the lock.
    let current = recorded_version(conn, target)?.unwrap_or(0);
    if current > latest {
        return Err(LedgerError::SchemaTooNew { found: current, supported: latest }.into());
    }
    for (version, _name, sql) in MIGRATIONS.iter().filter(|(version, _, _)| *version > current) {
        for statement in statements(sql, prefix) {
            checked(conn.query_drop(statement))?;
        }
        checked(conn.exec_drop(
            format!("INSERT INTO {prefix}schema (id, version) VALUES (1, ?) ON DUPLICATE KEY UPDATE version = VALUES(version)"),
            (version,),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps_and_match_the_directory() {
        for (index, (version, _, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(*version as usize, index + 1);
            assert!(!statements(sql, "p_").is_empty());
        }
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations")).unwrap().count();
        assert_eq!(files, MIGRATIONS.len(), "every file in migrations/ is listed in MIGRATIONS");
    }

    #[test]
    fn statements_are_split_at_line_ends_and_prefixed() {
        let sql = "-- a comment; with a semicolon\nCREATE TABLE {prefix}a (\n  x INT -- inline\n);\nINSERT IGNORE INTO {prefix}a VALUES (1);\n";
        assert_eq!(
            statements(sql, "p_"),
            ["CREATE TABLE p_a (\n  x INT -- inline\n)", "INSERT IGNORE INTO p_a VALUES (1)"]
        );
        let initial = statements(MIGRATIONS[0].2, "local_cashback_");
        assert!(initial.iter().all(|statement| !statement.contains("{prefix}")));
        assert!(
            initial.iter().any(|statement| statement.starts_with("CREATE TABLE IF NOT EXISTS local_cashback_entries"))
        );
    }
}
