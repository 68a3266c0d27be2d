//! The SQLite store's commit of queued sync-log rows (see
//! [`cashback_core::logqueue`]): one write transaction without an fsync of
//! its own.

use std::{path::Path, time::Duration};

use cashback_core::{
    error::Result,
    logqueue::{LogWriter, Queued},
};

use crate::{
    connection::{self, with_connection},
    tx::SqliteTx,
};

/// The writer of the queue of `path`.
pub fn writer(path: &Path, busy_timeout: Duration) -> LogWriter {
    let path = path.to_path_buf();
    LogWriter::new(move |queued| write_log_rows(&path, busy_timeout, queued))
}

/// Writes sync-log rows of calls that changed nothing (reads, refusals) in one
/// commit without an fsync of its own (see [`connection::without_fsync`]).
///
/// # Errors
/// Storage faults.
pub fn write_log_rows(path: &Path, busy_timeout: Duration, queued: &Queued) -> Result<()> {
    with_connection(path, busy_timeout, |db| {
        connection::without_fsync(db, |db| connection::write_transaction(db, |db| queued.write(&mut SqliteTx { db })))
    })
}
