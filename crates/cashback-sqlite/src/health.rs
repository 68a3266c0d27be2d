//! What a write and a read would get now, found without writing anything.
//!
//! `GET health` needs no key and is polled by monitors: a commit per poll
//! would be a write flood of its own, and an idempotent write proved little
//! (it fit in the WAL while real writes answered `database_full`). So the
//! probe commits nothing and checks:
//! - that the file and its WAL are writable now (also for a connection opened
//!   before they stopped being so) and the write lock can be taken (`BEGIN
//!   IMMEDIATE`, rolled back);
//! - that a write has room: [`MIN_FREE_BYTES`] free where the file lives, and
//!   the file below SQLite's page limit;
//! - the file's structure with `PRAGMA quick_check`, stopped after
//!   [`CHECK_BUDGET`] (a file of some hundreds of megabytes is checked only
//!   as far as it gets);
//! - a corrupt or full database that any call of this process met in the
//!   last [`FAULT_MEMORY`], which the checks above may not reach.

use std::{
    collections::HashMap,
    ffi::CString,
    os::unix::ffi::OsStrExt,
    path::{Path, PathBuf},
    sync::LazyLock,
    time::{Duration, Instant},
};

use cashback_core::error::{LedgerError, Result, StorageFault};
use parking_lot::Mutex;
use rusqlite::Connection;

use crate::error::sql;

/// Free bytes below which a write may not fit: a single write appends some tens of
/// kilobytes to the WAL (a 10,000-item batch about 4 MB, which may fail sooner).
pub const MIN_FREE_BYTES: u64 = 256 * 1024;
/// How long the structure check may run before it stops where it got to.
pub const CHECK_BUDGET: Duration = Duration::from_millis(100);
/// How long a fault met by a call is reported, unless a whole check finds the file sound.
pub const FAULT_MEMORY: Duration = Duration::from_secs(60);

/// How far the structure check got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Every page of the file.
    WholeFile,
    /// As far as [`CHECK_BUDGET`] allowed.
    Partly,
}

impl Checked {
    /// Stable name for the health report.
    pub fn name(self) -> &'static str {
        match self {
            Self::WholeFile => "whole_file",
            Self::Partly => "partly",
        }
    }
}

/// A fault a call met: what, the message, when.
type Met = (StorageFault, String, Instant);

static FAULTS: LazyLock<Mutex<HashMap<PathBuf, Met>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Notes a fault a call met, for the health probe: only those the probe
/// cannot find again by itself (a corrupt page it may not read, a disk that
/// filled up between two checks).
pub fn remember(path: &Path, error: &LedgerError) {
    if let LedgerError::Storage { fault: fault @ (StorageFault::Corrupt | StorageFault::Full), message } = error {
        FAULTS.lock().insert(path.to_path_buf(), (*fault, message.clone(), Instant::now()));
    }
}

fn recent_fault(path: &Path) -> Option<LedgerError> {
    let mut faults = FAULTS.lock();
    match faults.get(path) {
        Some((fault, message, at)) if at.elapsed() < FAULT_MEMORY => {
            Some(LedgerError::storage(*fault, format!("a call met this {}s ago: {message}", at.elapsed().as_secs())))
        }
        Some(_) => {
            faults.remove(path);
            None
        }
        None => None,
    }
}

/// Runs every check on this process's connection to `path`.
///
/// # Errors
/// The fault a write or a read would meet now.
pub fn probe(db: &Connection, path: &Path) -> Result<Checked> {
    if sql(db.is_readonly(rusqlite::MAIN_DB))? {
        return Err(LedgerError::storage(StorageFault::ReadOnly, "the database file is read-only for this process"));
    }
    // A connection opened before the file lost its write permission (or got the immutable flag) still looks
    // writable to SQLite; the next commit's checkpoint would fail.
    for file in [path.to_path_buf(), suffixed(path, "-wal")] {
        if file.exists() && !may_write(&file) {
            return Err(LedgerError::storage(
                StorageFault::ReadOnly,
                format!("{} cannot be written (permissions or the immutable flag)", file.display()),
            ));
        }
    }
    sql(db.execute_batch("BEGIN IMMEDIATE; ROLLBACK"))?;
    check_room(db, path)?;
    let checked = check_structure(db)?;
    if checked == Checked::WholeFile {
        FAULTS.lock().remove(path);
    } else if let Some(fault) = recent_fault(path) {
        return Err(fault);
    }
    Ok(checked)
}

fn check_room(db: &Connection, path: &Path) -> Result<()> {
    let free = free_bytes(path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new(".")));
    if free.is_some_and(|free| free < MIN_FREE_BYTES) {
        return Err(LedgerError::storage(
            StorageFault::Full,
            format!("{} bytes free where the database lives; writes need {MIN_FREE_BYTES}", free.unwrap_or(0)),
        ));
    }
    let pages: i64 = sql(db.query_row("PRAGMA page_count", [], |row| row.get(0)))?;
    let limit: i64 = sql(db.query_row("PRAGMA max_page_count", [], |row| row.get(0)))?;
    if pages >= limit {
        return Err(LedgerError::storage(StorageFault::Full, format!("the database has its limit of {limit} pages")));
    }
    Ok(())
}

fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether this process may write `file` now (`access(W_OK)`: permissions, a read-only mount, the immutable flag).
fn may_write(file: &Path) -> bool {
    let Ok(name) = CString::new(file.as_os_str().as_bytes()) else { return false };
    // SAFETY: `name` is a NUL-terminated path; access() only reads it.
    unsafe { libc::access(name.as_ptr(), libc::W_OK) == 0 }
}

/// Bytes an unprivileged process may still write on the file system of `dir`
/// (`None` when the system does not say).
fn free_bytes(dir: &Path) -> Option<u64> {
    let name = CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `name` is NUL-terminated and `stats` is writable memory of the right size; statvfs fills it
    // entirely when it returns 0, and it is read only then.
    let stats = unsafe {
        if libc::statvfs(name.as_ptr(), stats.as_mut_ptr()) != 0 {
            return None;
        }
        stats.assume_init()
    };
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// `PRAGMA quick_check` for at most [`CHECK_BUDGET`].
fn check_structure(db: &Connection) -> Result<Checked> {
    let started = Instant::now();
    sql(db.progress_handler(10_000, Some(move || started.elapsed() > CHECK_BUDGET)))?;
    let verdict = db.query_row("PRAGMA quick_check(1)", [], |row| row.get::<_, String>(0));
    sql(db.progress_handler(0, None::<fn() -> bool>))?;
    match verdict {
        Ok(verdict) if verdict == "ok" => Ok(Checked::WholeFile),
        Ok(verdict) => Err(LedgerError::storage(StorageFault::Corrupt, format!("quick_check: {verdict}"))),
        Err(rusqlite::Error::SqliteFailure(error, _)) if error.code == rusqlite::ErrorCode::OperationInterrupted => {
            Ok(Checked::Partly)
        }
        Err(error) => sql(Err(error)),
    }
}
