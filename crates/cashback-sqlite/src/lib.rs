//! The ledger on one SQLite file: the embedded default store.
//!
//! - [`connection`]: opening (WAL, `synchronous = FULL`, a busy handler that
//!   polls), migrations, the per-process connection cache php-fpm's forked
//!   workers need, write transactions;
//! - [`tx`]: the SQL of every read and write of the port;
//! - [`readlog`]: the commit of sync-log rows of reads queued in the process
//!   ([`cashback_core::logqueue`]);
//! - [`health`]: what a write and a read would get now, probed without a commit;
//! - [`error`]: SQLite's errors as the ledger's storage faults.
//!
//! Writers are serialized by SQLite itself: every write transaction starts
//! with `BEGIN IMMEDIATE`, which takes the database's single write lock before
//! the batch's snapshot is read.

pub mod connection;
pub mod error;
pub mod health;
pub mod readlog;
pub mod tx;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use cashback_core::{
    code::Code,
    error::{LedgerError, Result},
    logqueue::DatabaseQueue,
    store::{ReadTx, Store, StoreHealth, WriteTx},
    synclog::{LogEntry, Refusals},
};
use rusqlite::Connection;

use crate::{
    connection::{with_connection, write_transaction},
    error::sql,
    tx::SqliteTx,
};

/// The schema version this build writes and reads.
pub fn schema_version() -> u32 {
    connection::schema_version()
}

/// The bundled SQLite's version.
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}

/// How a [`SqliteStore`] opens its file.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// How long a write waits for another writer before `database_busy`.
    pub busy_timeout: Duration,
    /// Create the file when it does not exist (hosts serving requests turn this off).
    pub create: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self { busy_timeout: cashback_core::config::default_busy_timeout(), create: true }
    }
}

/// The ledger's store on one SQLite file.
///
/// It holds the path, not a connection: every call takes this process's
/// connection from the cache, which reopens it if the file at the path was
/// replaced, so a long-lived object never writes into a deleted file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    path: PathBuf,
    busy_timeout: Duration,
    /// This file's queue of sync-log rows, keyed by the path.
    log: DatabaseQueue,
}

impl SqliteStore {
    /// Opens (creating if `options.create` is set, and migrating) the file at `path`.
    ///
    /// # Errors
    /// `invalid_path` for an empty path, storage faults, or a schema that is too new.
    pub fn open(path: impl AsRef<Path>, options: Options) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if path.as_os_str().is_empty() {
            return Err(LedgerError::refused(
                Code::InvalidPath,
                "database path is empty; set cashback.database or pass a path",
            ));
        }
        connection::shared(&path, options.busy_timeout, options.create)?;
        Ok(Self {
            log: DatabaseQueue::new(queue_location(&path), readlog::writer(&path, options.busy_timeout)),
            busy_timeout: options.busy_timeout,
            path,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn on_connection<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        with_connection(&self.path, self.busy_timeout, work).inspect_err(|error| health::remember(&self.path, error))
    }
}

/// The key of a file's queue of sync-log rows: its path.
pub fn queue_location(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl Store for SqliteStore {
    fn write(&self, work: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.log.with_queued(|queued| {
            self.on_connection(|connection| {
                write_transaction(connection, |db| {
                    let mut tx = SqliteTx { db };
                    queued.write(&mut tx)?;
                    work(&mut tx)
                })
            })
        })
    }

    fn read(&self, work: &mut dyn FnMut(&mut dyn ReadTx) -> Result<()>) -> Result<()> {
        self.on_connection(|db| work(&mut SqliteTx { db }))
    }

    fn log_now(&self, rows: &[LogEntry]) -> Result<()> {
        self.log.log_now(rows)
    }

    fn log_later(&self, row: LogEntry) {
        self.log.log_later(row);
    }

    fn count_refusal(&self, refusals: Refusals) {
        self.log.count_refusal(refusals);
    }

    fn unwritten_refusals(&self, address: &str) -> i64 {
        self.log.unwritten_refusals(address)
    }

    fn flush_log(&self) {
        self.log.flush();
    }

    fn health(&self) -> Result<StoreHealth> {
        self.on_connection(|db| {
            let checked = health::probe(db, &self.path)?;
            let entries: i64 = sql(db.query_row("SELECT coalesce(max(id), 0) FROM entries", [], |row| row.get(0)))?;
            Ok(StoreHealth {
                backend: "sqlite",
                schema_version: connection::user_version(db)?,
                entries,
                location: self.path.to_string_lossy().into_owned(),
                checked: checked.name(),
            })
        })
    }
}
