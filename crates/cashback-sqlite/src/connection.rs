//! Opening the SQLite file: pragmas, the busy handler, migrations, the
//! per-process connection cache, and write transactions.
//!
//! PHP-FPM forks its workers after module startup, and an SQLite connection
//! must never cross a `fork()`. So connections are opened lazily, on first use
//! inside a request, and cached per process id and path: a worker reuses its
//! connection across requests, and a child never touches its parent's.

use std::{
    cell::Cell,
    collections::HashMap,
    ffi::{c_int, c_void},
    path::{Path, PathBuf},
    sync::{Arc, LazyLock},
    time::{Duration, Instant},
};

use cashback_core::error::{LedgerError, Result, StorageFault};
use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Sql, database_error};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// Schema version this build writes and reads.
pub fn schema_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// A connection shared by the ledger objects of one process.
pub type SharedConnection = Arc<Mutex<Connection>>;

type CacheKey = (u32, PathBuf);

/// A cached connection and the identity of the file it opened.
struct Cached {
    connection: SharedConnection,
    file: Option<FileId>,
}

/// Device and inode: a path whose file was deleted, replaced or restored from a backup names another file.
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|meta| (meta.dev(), meta.ino()))
}

static CACHE: LazyLock<Mutex<HashMap<CacheKey, Cached>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Returns this process's connection to `path`, opening it on first use, and
/// again when the file at the path is no longer the one it opened.
///
/// # Errors
/// Storage faults while opening or migrating, or a schema that is too new.
pub fn shared(path: &Path, busy_timeout: Duration, create: bool) -> Result<SharedConnection> {
    let pid = std::process::id();
    let key = (pid, path.to_path_buf());
    let mut cache = CACHE.lock();
    forget_inherited(&mut cache, pid);
    let current = file_id(path);
    if let Some(cached) = cache.get(&key) {
        if cached.file.is_some() && cached.file == current {
            return Ok(Arc::clone(&cached.connection));
        }
        cache.remove(&key);
    }
    let connection = Arc::new(Mutex::new(open(path, busy_timeout, create)?));
    cache.insert(key, Cached { connection: Arc::clone(&connection), file: file_id(path) });
    Ok(connection)
}

/// Sharpens an I/O fault with the operating system's reason: SQLite reports a
/// write refused for lost permission (EPERM, EACCES, EROFS) or a full disk
/// (ENOSPC, EDQUOT) as a plain I/O error.
pub fn refine_fault(connection: &Connection, error: LedgerError) -> LedgerError {
    let LedgerError::Storage { fault: StorageFault::Other, message } = error else { return error };
    // SAFETY: the handle is this open connection's; sqlite3_system_errno only reads its last error.
    let errno = unsafe { rusqlite::ffi::sqlite3_system_errno(connection.handle()) };
    let fault = match errno {
        1 | 13 | 30 => StorageFault::ReadOnly,
        28 | 122 => StorageFault::Full,
        _ => StorageFault::Other,
    };
    LedgerError::storage(fault, message)
}

/// Runs `work` on this process's connection to `path`; a fault that a fresh
/// connection may cure evicts it.
///
/// # Errors
/// Storage faults, or what `work` returns.
pub fn with_connection<T>(
    path: &Path,
    busy_timeout: Duration,
    work: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    // Only SqliteStore::open creates the file: one that disappears later must stay missing.
    let shared = shared(path, busy_timeout, false)?;
    let mut connection = shared.lock();
    let result = work(&mut connection).map_err(|error| refine_fault(&connection, error));
    drop(connection);
    if let Err(error) = &result
        && matches!(error.fault(), Some(StorageFault::Corrupt | StorageFault::Unavailable | StorageFault::ReadOnly))
    {
        evict(path);
    }
    result
}

/// Drops a failed connection from the cache so the next call opens afresh.
pub fn evict(path: &Path) {
    CACHE.lock().remove(&(std::process::id(), path.to_path_buf()));
}

/// Leaks connections a forked child inherited: closing them would run SQLite
/// cleanup on its parent's file handles, which is exactly what must not happen.
fn forget_inherited(cache: &mut HashMap<CacheKey, Cached>, pid: u32) {
    let inherited: Vec<CacheKey> = cache.keys().filter(|(owner, _)| *owner != pid).cloned().collect();
    for key in inherited {
        if let Some(cached) = cache.remove(&key) {
            std::mem::forget(cached.connection);
        }
    }
}

/// Opens and migrates a ledger database, creating the file only when `create` is set.
///
/// A host serving requests opens with `create` off: a ledger file that was
/// deleted or moved away must fail loudly (503), not come back empty and
/// accept writes that the restored file would never have.
///
/// # Errors
/// Storage faults (`database_unavailable` for a missing file), or [`LedgerError::SchemaTooNew`].
pub fn open(path: &Path, busy_timeout: Duration, create: bool) -> Result<Connection> {
    if !create && !path.exists() {
        return Err(LedgerError::storage(
            StorageFault::Unavailable,
            format!(
                "no ledger database at {}; create it first (setup, module install or a ledger opened with create)",
                path.display()
            ),
        ));
    }
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let mut connection = Connection::open_with_flags(path, flags).map_err(Sql)?;
    wait_for_locks(&connection, busy_timeout)?;
    configure(&connection)?;
    migrate(&mut connection)?;
    Ok(connection)
}

/// Makes a statement that finds the database locked retry for up to `timeout`.
///
/// SQLite's own busy handler sleeps 1, 2, 5, 10 … 100 ms between attempts, so a
/// worker can sleep 50 ms for a lock that was free after 0.2 ms; under load most
/// of a request's time went into those sleeps. This one polls every 50 µs at
/// first and backs off to 1 ms, which keeps the lock handed over within about a
/// commit's time.
fn wait_for_locks(connection: &Connection, timeout: Duration) -> Result<()> {
    let millis = usize::try_from(timeout.as_millis()).unwrap_or(usize::MAX);
    // SAFETY: the handle is this open connection's; the callback only reads its argument as an integer (the timeout
    // in milliseconds, passed by value in the pointer), so nothing it points to can dangle.
    let code = unsafe {
        rusqlite::ffi::sqlite3_busy_handler(connection.handle(), Some(retry_while_locked), millis as *mut c_void)
    };
    if code != rusqlite::ffi::SQLITE_OK {
        return Err(database_error(format!("cannot install the busy handler (code {code})")));
    }
    Ok(())
}

/// SQLite's busy callback: `attempt` counts the retries of this wait, from 0.
extern "C" fn retry_while_locked(timeout_ms: *mut c_void, attempt: c_int) -> c_int {
    thread_local!(static WAIT_STARTED: Cell<Instant> = Cell::new(Instant::now()));
    let now = Instant::now();
    if attempt == 0 {
        WAIT_STARTED.with(|started| started.set(now));
    }
    let waited = now.saturating_duration_since(WAIT_STARTED.with(Cell::get));
    let timeout = Duration::from_millis(timeout_ms as u64);
    if waited >= timeout {
        return 0;
    }
    let pause = Duration::from_micros(match attempt {
        0..=19 => 50,
        20..=99 => 250,
        _ => 1000,
    });
    std::thread::sleep(pause.min(timeout - waited));
    1
}

/// Bytes a WAL file keeps after a checkpoint reset it: without a limit it stays
/// as large as its largest burst of writes, for good.
const JOURNAL_SIZE_LIMIT: i64 = 4 * 1024 * 1024;

/// WAL lets readers run beside the single writer; FULL makes every commit
/// durable (one fsync per commit, which is why batches commit once).
fn configure(connection: &Connection) -> Result<()> {
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(Sql)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(database_error(format!("cannot switch the database to WAL (got {mode})")));
    }
    connection
        .execute_batch(
            "PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = OFF;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -16000;",
        )
        .map_err(Sql)?;
    connection.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT).map_err(Sql)?;
    connection.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Runs `work` inside `BEGIN IMMEDIATE` … `COMMIT`, rolling back if it or the
/// commit fails.
///
/// The two statements come from the statement cache: parsing them afresh, as
/// rusqlite's `Transaction` does, took about a tenth of a single-item write.
///
/// # Errors
/// Whatever `work` returns, or a storage fault beginning or committing.
pub fn write_transaction<T>(connection: &Connection, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    execute_cached(connection, "BEGIN IMMEDIATE")?;
    let result = work(connection).and_then(|value| {
        execute_cached(connection, "COMMIT")?;
        Ok(value)
    });
    // After a failure the transaction may still be open (a failed COMMIT leaves it so): end it, writing nothing.
    if result.is_err() && !connection.is_autocommit() {
        let _ = connection.execute_batch("ROLLBACK");
    }
    result
}

/// Runs `work` with `synchronous = NORMAL`, then restores FULL.
///
/// For rows that record calls rather than money (a balance read's log line):
/// in WAL mode a NORMAL commit is atomic and consistent but skips the fsync, so
/// a power cut can lose the last few such commits, never corrupt the file, and
/// the next FULL commit (any ledger write) makes them durable too. If FULL
/// cannot be restored the connection is evicted, so no ledger write ever runs
/// on a connection that skips fsyncs.
///
/// # Errors
/// Whatever `work` returns, or a storage fault switching the mode.
pub fn without_fsync<T>(connection: &Connection, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    execute_cached(connection, "PRAGMA synchronous = NORMAL")?;
    let result = work(connection);
    if let Err(error) = execute_cached(connection, "PRAGMA synchronous = FULL") {
        // Unavailable makes with_connection evict this connection.
        return Err(LedgerError::storage(
            StorageFault::Unavailable,
            format!("cannot restore synchronous = FULL ({}); the connection is reopened", error.message()),
        ));
    }
    result
}

/// Runs a parameterless statement from the statement cache.
fn execute_cached(connection: &Connection, sql: &str) -> Result<()> {
    connection.prepare_cached(sql).and_then(|mut statement| statement.execute([])).map_err(Sql)?;
    Ok(())
}

/// Applies the embedded migrations the file does not have yet, under the write lock.
fn migrate(connection: &mut Connection) -> Result<()> {
    let latest = schema_version();
    let current = user_version(connection)?;
    if current == latest {
        return Ok(());
    }
    if current > latest {
        return Err(LedgerError::SchemaTooNew { found: current, supported: latest });
    }
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate).map_err(Sql)?;
    // Another process may have migrated while we waited for the lock.
    let current = user_version(&tx)?;
    for (version, _name, sql) in MIGRATIONS.iter().filter(|(version, _, _)| *version > current) {
        tx.execute_batch(sql).map_err(Sql)?;
        tx.pragma_update(None, "user_version", version).map_err(Sql)?;
    }
    tx.commit().map_err(Sql)?;
    Ok(())
}

/// The schema version recorded in the file.
pub fn user_version(connection: &Connection) -> Result<u32> {
    Ok(connection.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(Sql)?)
}

#[cfg(test)]
mod tests {
    use cashback_core::code::Code;

    use super::*;

    #[test]
    fn migrates_a_new_file_and_refuses_a_newer_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let connection = open(&path, Duration::from_millis(100), true).unwrap();
        assert_eq!(user_version(&connection).unwrap(), schema_version());
        connection.pragma_update(None, "user_version", schema_version() + 1).unwrap();
        drop(connection);
        let error = open(&path, Duration::from_millis(100), true).unwrap_err();
        assert_eq!(error.code(), Code::SchemaTooNew);
    }

    #[test]
    fn migrates_an_older_file_forward() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let connection = Connection::open(&path).unwrap();
        assert_eq!(user_version(&connection).unwrap(), 0);
        drop(connection);
        let connection = open(&path, Duration::from_millis(100), true).unwrap();
        assert_eq!(user_version(&connection).unwrap(), schema_version());
        let tables: i64 = connection
            .query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'entries'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn caches_one_connection_per_process_and_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let first = shared(&path, Duration::from_millis(100), true).unwrap();
        let second = shared(&path, Duration::from_millis(100), true).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        evict(&path);
        let third = shared(&path, Duration::from_millis(100), true).unwrap();
        assert!(!Arc::ptr_eq(&first, &third));
    }

    #[test]
    fn a_locked_database_is_waited_for_up_to_the_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let holder = open(&path, Duration::from_millis(100), true).unwrap();
        let waiter = open(&path, Duration::from_millis(300), false).unwrap();
        let write = "INSERT INTO phones VALUES ('79001234567', 1, 1)";

        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let started = Instant::now();
        let error = waiter.execute(write, []).unwrap_err();
        let waited = started.elapsed();
        assert_eq!(LedgerError::from(Sql(error)).code(), Code::DatabaseBusy);
        assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(2), "gave up after {waited:?}");

        // Released after 50 ms: the waiter gets the lock soon after, not after a long backoff sleep.
        let started = Instant::now();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                holder.execute_batch("ROLLBACK").unwrap();
            });
            assert_eq!(waiter.execute(write, []).unwrap(), 1);
        });
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(50) && waited < Duration::from_millis(250), "took {waited:?}");
    }

    #[test]
    fn log_commits_skip_the_fsync_and_everything_else_keeps_it() {
        let dir = tempfile::tempdir().unwrap();
        let connection = open(&dir.path().join("ledger.db"), Duration::from_millis(100), true).unwrap();
        let synchronous = |db: &Connection| db.query_row("PRAGMA synchronous", [], |row| row.get::<_, i64>(0)).unwrap();
        assert_eq!(synchronous(&connection), 2, "FULL from the start");
        let inside = without_fsync(&connection, |db| Ok(synchronous(db))).unwrap();
        assert_eq!(inside, 1, "NORMAL for the log commit");
        assert_eq!(synchronous(&connection), 2, "FULL again after it");
        let failed: Result<()> = without_fsync(&connection, |_| Err(database_error("failed")));
        assert!(failed.is_err());
        assert_eq!(synchronous(&connection), 2, "FULL again after a failure");
    }

    #[test]
    fn a_write_transaction_commits_or_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let connection = open(&dir.path().join("ledger.db"), Duration::from_millis(100), true).unwrap();
        let insert = |db: &Connection, phone: &str| -> Result<()> {
            db.execute("INSERT INTO phones VALUES (?1, 1, 1)", [phone]).map_err(Sql)?;
            Ok(())
        };
        write_transaction(&connection, |db| insert(db, "79000000001")).unwrap();
        let failed = write_transaction(&connection, |db| {
            insert(db, "79000000002")?;
            insert(db, "79000000001") // a duplicate key: the whole transaction goes
        });
        assert!(failed.is_err());
        assert!(connection.is_autocommit(), "no transaction is left open");
        let phones: i64 = connection.query_row("SELECT count(*) FROM phones", [], |row| row.get(0)).unwrap();
        assert_eq!(phones, 1);
    }

    #[test]
    fn a_missing_file_is_not_created_unless_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let error = open(&path, Duration::from_millis(100), false).unwrap_err();
        assert_eq!(error.code(), Code::DatabaseUnavailable);
        assert!(!path.exists());
        open(&path, Duration::from_millis(100), true).unwrap();
        open(&path, Duration::from_millis(100), false).unwrap();
    }

    #[test]
    fn a_replaced_file_is_reopened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        let first = shared(&path, Duration::from_millis(100), true).unwrap();
        first.lock().execute("INSERT INTO phones VALUES ('79001234567', 1, 1)", []).unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let second = shared(&path, Duration::from_millis(100), true).unwrap();
        assert!(!Arc::ptr_eq(&first, &second), "a deleted file must not be served from the cache");
        let phones: i64 = second.lock().query_row("SELECT count(*) FROM phones", [], |row| row.get(0)).unwrap();
        assert_eq!(phones, 0);
        assert!(Arc::ptr_eq(&second, &shared(&path, Duration::from_millis(100), true).unwrap()));
    }
}
