//! The ledger on MariaDB 10.6+ or MySQL 8.0+ (InnoDB): the store for Bitrix
//! web clusters, in the site's own database.
//!
//! - [`target`]: the `mysql://` URL (server, database, table prefix; the password never shown);
//! - [`connection`]: the per-process session cache php-fpm's forked workers need, session set-up;
//! - [`migrate`]: versioned migrations in a schema table;
//! - [`tx`]: the SQL of every read and write of the port;
//! - [`health`]: what a write and a read would get now, probed without a commit;
//! - [`error`]: the server's errors as storage faults, and which ones a retry cures.
//!
//! # Serialized writers
//!
//! InnoDB's plain SELECT is a snapshot read: two web nodes deciding on their
//! own snapshots could both spend the same balance. Every write transaction
//! therefore first updates the one row of `{prefix}writer`: on one server
//! that row lock queues the writers (as SQLite's write lock does), and the
//! batch's snapshot is read after it is granted (InnoDB takes a transaction's
//! read view at its first plain read), so it holds every earlier commit. On
//! Galera the row lock is only local, but any two writes that ran at once
//! on different nodes both changed that row, so certification aborts the
//! later one (error 1213), which runs again on a snapshot that includes the
//! winner. The unique key on `external_id` stays as the last guard.
//!
//! Per-customer row locks (`SELECT … FOR UPDATE` on the batch's accounts)
//! would let writers for different customers run side by side, but the engine
//! also reads the next entry id, the batch's external_ids and phone links,
//! which every writer shares; a batch of 10,000 items would lock thousands of
//! rows in one statement, and on Galera every conflicting pair still ends in a
//! certification failure. One commit per batch is what makes the ledger fast,
//! so serializing the commits costs little (see docs/scale-out.md).
//!
//! # Retries and unknown outcomes
//!
//! A deadlock or certification failure, or a connection lost before COMMIT,
//! runs the whole transaction again, up to [`MAX_ATTEMPTS`] times within the
//! busy timeout; past that the call fails with `database_busy`. A connection
//! lost at COMMIT leaves the outcome unknown: the call fails with
//! `database_outcome_unknown`, never retried here, and the caller's resend of
//! the same external_ids is answered `duplicate` for what landed.

pub mod connection;
pub mod error;
pub mod health;
pub mod migrate;
pub mod target;
pub mod tx;

use std::time::{Duration, Instant};

use cashback_core::{
    error::{LedgerError, Result, StorageFault},
    logqueue::{DatabaseQueue, LogWriter},
    store::{ReadTx, Store, StoreHealth, WriteTx},
    synclog::{LogEntry, Refusals},
};
use mysql::prelude::Queryable;

use crate::{
    connection::{Session, Settings, with_session},
    error::{Failure, Recovery, checked, database_error},
    target::Target,
    tx::MysqlTx,
};
pub use crate::{migrate::schema_version, target::is_url};

/// How many times a write transaction runs before the call fails.
pub const MAX_ATTEMPTS: u32 = 12;

/// How a [`MysqlStore`] opens its database.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long a write waits for other writers (the lock, and retries) before `database_busy`.
    pub busy_timeout: Duration,
    /// Create the ledger's tables when the database has none (hosts serving requests turn this off).
    pub create: bool,
    /// The tables' prefix, over the URL's `table_prefix` (default `local_cashback_`).
    pub table_prefix: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self { busy_timeout: cashback_core::config::default_busy_timeout(), create: true, table_prefix: None }
    }
}

/// The ledger's store on a MariaDB/MySQL database.
#[derive(Debug, Clone)]
pub struct MysqlStore {
    target: Target,
    settings: Settings,
    busy_timeout: Duration,
    /// This database's queue of sync-log rows, keyed by the URL without its password (also what health shows).
    log: DatabaseQueue,
}

impl MysqlStore {
    /// Connects to the database `url` names, creating (if `options.create`) and migrating its tables.
    ///
    /// # Errors
    /// `invalid_path` / `invalid_option` for a bad URL or prefix, storage faults, or a schema that is too new.
    pub fn open(url: &str, options: Options) -> Result<Self> {
        let target = Target::parse(url, options.table_prefix.as_deref())?;
        let settings = Settings { lock_wait: options.busy_timeout, create: options.create };
        with_session(&target, settings, |_| Ok(())).map_err(|failure| failure.error)?;
        let writer_target = target.clone();
        let busy_timeout = options.busy_timeout;
        let log_writer =
            LogWriter::new(move |queued| write(&writer_target, settings, busy_timeout, &mut |tx| queued.write(tx)));
        Ok(Self { log: DatabaseQueue::new(target.location(), log_writer), target, settings, busy_timeout })
    }

    /// Where the ledger is, without the password.
    pub fn location(&self) -> &str {
        self.log.location()
    }

    /// The tables' prefix.
    pub fn table_prefix(&self) -> &str {
        &self.target.table_prefix
    }
}

/// Runs `work` in a serialized write transaction, again from the start after
/// a failure a retry can cure (see the crate docs).
fn write(
    target: &Target,
    settings: Settings,
    busy_timeout: Duration,
    work: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
) -> Result<()> {
    let deadline = Instant::now() + busy_timeout;
    let mut attempt = 1;
    loop {
        match with_session(target, settings, |session| write_once(session, &target.table_prefix, work)) {
            Ok(()) => return Ok(()),
            Err(failure)
                if failure.recovery != Recovery::GiveUp && attempt < MAX_ATTEMPTS && Instant::now() < deadline =>
            {
                std::thread::sleep(backoff(attempt));
                attempt += 1;
            }
            Err(Failure { error, recovery: Recovery::Retry }) => {
                return Err(LedgerError::storage(
                    StorageFault::Busy,
                    format!("other writers conflicted with this one {attempt} times: {}", error.message()),
                ));
            }
            Err(failure) => return Err(failure.error),
        }
    }
}

/// A pause before attempt `attempt + 1`: growing, with jitter so that two
/// conflicting nodes do not retry in step.
fn backoff(attempt: u32) -> Duration {
    use std::hash::{BuildHasher, RandomState};
    let ceiling_micros = 500_u64 << attempt.min(6);
    Duration::from_micros(RandomState::new().hash_one(Instant::now()) % ceiling_micros + 100)
}

/// One run of a write transaction: the writers' lock first, then `work`, then
/// (on a Galera node) the proof that the lock is still this transaction's, then
/// COMMIT, then (on a Galera node) the proof that the commit landed.
///
/// A Galera node can abort a transaction for a conflicting write of another
/// node between two of its statements without telling the client: a statement
/// prepare, or a COMMIT, then succeeds although the transaction is gone. So
/// autocommit is off for the whole run (statements after such an abort form a
/// new transaction instead of committing one by one, without the lock), the
/// lock row's token is read back before COMMIT (the new transaction does not
/// hold it: rolled back, run again), and after COMMIT the run's token must be
/// among the committed ones (an abort between that check and COMMIT left
/// nothing committed: run again).
fn write_once(
    session: &mut Session,
    prefix: &str,
    work: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>,
) -> std::result::Result<(), Failure> {
    let token = new_token();
    let worked = begin_locked(session, prefix, token)
        .and_then(|()| {
            let mut tx = MysqlTx::new(&mut session.conn, prefix);
            work(&mut tx).map_err(|error| Failure { error, recovery: tx.failed().unwrap_or(Recovery::GiveUp) })
        })
        .and_then(|()| if session.galera { still_locked(session, prefix, token) } else { Ok(()) });
    if let Err(failure) = worked {
        // A rollback that fails leaves the session marked as writing: it is dropped before its next use.
        let _ = session.end_write("ROLLBACK");
        return Err(failure);
    }
    match session.end_write("COMMIT") {
        Ok(()) if session.galera => committed(session, prefix, token),
        Ok(()) => Ok(()),
        Err(failure) if failure.recovery == Recovery::Reconnect => Err(Failure {
            // The server may have committed before the connection died: never assume either.
            error: LedgerError::storage(
                StorageFault::OutcomeUnknown,
                format!(
                    "the connection was lost at COMMIT ({}): the write may or may not have landed; \
                     resend the same external_ids to learn which (a resend never applies anything twice)",
                    failure.error.message()
                ),
            ),
            // The session is gone (evicted by with_session), and this call must not run the work again.
            recovery: Recovery::GiveUp,
        }),
        Err(failure) => {
            let _ = session.end_write("ROLLBACK");
            Err(failure)
        }
    }
}

/// A number no other write transaction is likely to have written into the lock row.
fn new_token() -> i64 {
    use std::{
        hash::{BuildHasher, RandomState},
        sync::atomic::{AtomicU64, Ordering},
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = (std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), Instant::now());
    (RandomState::new().hash_one(seed) >> 1) as i64
}

/// How long the tokens of committed writes are kept.
const TOKEN_MILLIS: i64 = 3_600_000;

/// Turns autocommit off, starts the transaction and takes the writers' lock
/// with this run's token (on a Galera node also recording the token among the
/// committed ones, and now and then pruning old ones), in one round trip.
fn begin_locked(session: &mut Session, prefix: &str, token: i64) -> std::result::Result<(), Failure> {
    session.writing = true;
    let mut statements = String::from("SET autocommit = 0; START TRANSACTION; ");
    if session.galera {
        let now = cashback_core::time::now_millis();
        if token % 256 == 0 {
            statements.push_str(&format!("DELETE FROM {prefix}commit_tokens WHERE at < {}; ", now - TOKEN_MILLIS));
        }
        statements.push_str(&format!("INSERT INTO {prefix}commit_tokens (token, at) VALUES ({token}, {now}); "));
    }
    // The lock's update comes last, so that its changed-row count is what run_all returns.
    statements.push_str(&format!("UPDATE {prefix}writer SET commits = commits + 1, token = {token} WHERE id = 1"));
    match session.run_all(&statements)? {
        1 => Ok(()),
        _ => {
            Err(Failure::final_error(database_error("the writers' lock row is missing; the ledger tables are damaged")))
        }
    }
}

/// Whether this run's commit landed: its token is among the committed ones.
fn committed(session: &mut Session, prefix: &str, token: i64) -> std::result::Result<(), Failure> {
    let found: Option<i64> =
        checked(session.conn.query_first(format!("SELECT token FROM {prefix}commit_tokens WHERE token = {token}")))?;
    if found == Some(token) {
        Ok(())
    } else {
        Err(Failure {
            error: LedgerError::storage(
                StorageFault::Busy,
                "the database node answered COMMIT for a write it had aborted for a conflicting write of another node",
            ),
            recovery: Recovery::Retry,
        })
    }
}

/// Whether the lock row still holds this run's token, i.e. this transaction is alive.
fn still_locked(session: &mut Session, prefix: &str, token: i64) -> std::result::Result<(), Failure> {
    let held: Option<i64> =
        checked(session.conn.query_first(format!("SELECT token FROM {prefix}writer WHERE id = 1")))?;
    if held == Some(token) {
        Ok(())
    } else {
        Err(Failure {
            error: LedgerError::storage(
                StorageFault::Busy,
                "the database node aborted this write for a conflicting write of another node",
            ),
            recovery: Recovery::Retry,
        })
    }
}

impl Store for MysqlStore {
    fn write(&self, work: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        self.log.with_queued(|queued| {
            write(&self.target, self.settings, self.busy_timeout, &mut |tx| {
                queued.write(tx)?;
                work(tx)
            })
        })
    }

    fn read(&self, work: &mut dyn FnMut(&mut dyn ReadTx) -> Result<()>) -> Result<()> {
        let mut attempt = 1;
        loop {
            let result = with_session(&self.target, self.settings, |session| {
                let mut tx = MysqlTx::new(&mut session.conn, &self.target.table_prefix);
                work(&mut tx).map_err(|error| Failure { error, recovery: tx.failed().unwrap_or(Recovery::GiveUp) })
            });
            match result {
                // A read changes nothing: one that lost its connection runs again on a new one.
                Err(failure) if failure.recovery == Recovery::Reconnect && attempt < 2 => attempt += 1,
                other => return other.map_err(|failure| failure.error),
            }
        }
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
        let prefix = &self.target.table_prefix;
        let probe = || {
            with_session(&self.target, self.settings, |session| {
                health::probe(session, prefix)?;
                let version = migrate::recorded_version(&mut session.conn, &self.target)?.unwrap_or(0);
                let entries: Option<i64> =
                    checked(session.conn.query_first(format!("SELECT COALESCE(MAX(id), 0) FROM {prefix}entries")))?;
                Ok((version, entries.unwrap_or(0)))
            })
        };
        // The probe commits nothing: one that lost its connection runs again on a new one, as a read does.
        let (schema_version, entries) = match probe() {
            Err(failure) if failure.recovery == Recovery::Reconnect => probe(),
            other => other,
        }
        .map_err(|failure| failure.error)?;
        Ok(StoreHealth {
            backend: "mysql",
            schema_version,
            entries,
            location: self.log.location().to_owned(),
            checked: health::CHECKED,
        })
    }
}
