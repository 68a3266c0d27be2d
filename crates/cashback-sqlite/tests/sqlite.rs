//! What only the SQLite store does: one file shared through the per-process
//! connection cache, sync-log rows of reads queued in the process, and a whole
//! batch in one commit, read from the WAL itself.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use cashback_conformance::{
    big_batch,
    support::{accrual, applied, apply, balance, debit, duplicate, full_history},
};
use cashback_core::logqueue;
use cashback_core::{code::Code, config::Config, ledger::Ledger, synclog::LogEntry};
use cashback_sqlite::{Options, SqliteStore, connection, queue_location};
use tempfile::TempDir;

fn ledger_at(path: &Path, options: Options) -> Ledger {
    Ledger::new(Box::new(SqliteStore::open(path, options).expect("open the ledger")), Config::default())
}

fn fresh(options: Options) -> (TempDir, PathBuf, Ledger) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ledger.db");
    let ledger = ledger_at(&path, options);
    (dir, path, ledger)
}

#[test]
fn one_file_is_one_ledger_under_any_spelling_of_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let first = ledger_at(&path, Options::default());
    first.link_phone(3, "8 900 555 44 33", true).unwrap();
    let (id, _, _) = applied(&apply(&first, &accrual("p-1", 3, "70")));
    applied(&apply(&first, &debit("p-2", 3, "20")));

    // "dir/./ledger.db" is another spelling of the same path (std's Path equality skips "."),
    // so it shares the cached connection; it must still see the same data.
    let same = ledger_at(&dir.path().join(".").join("ledger.db"), Options::default());
    assert_eq!(balance(&same, 3), 5_000);

    // A symlinked directory is a different cache key: a second connection to the same file.
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(dir.path(), &link).unwrap();
    let linked = link.join("ledger.db");
    let second = ledger_at(&linked, Options::default());
    assert_eq!(duplicate(&apply(&second, &accrual("p-1", 3, "70"))), (id, 3));
    applied(&apply(&second, &accrual("p-3", 3, "1")));
    assert_eq!(balance(&first, 3), 5_100, "the first connection sees the second's commit");

    // Evict and drop every connection, then open afresh.
    drop((first, same, second));
    connection::evict(&path);
    connection::evict(&linked);
    let reopened = ledger_at(&path, Options { create: false, ..Options::default() });
    assert_eq!(balance(&reopened, 3), 5_100);
    assert_eq!(full_history(&reopened, 3).len(), 3);
}

#[test]
fn a_store_never_creates_a_file_that_disappeared() {
    let (_dir, path, ledger) = fresh(Options::default());
    applied(&apply(&ledger, &accrual("a", 1, "1")));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let error = ledger.balance(1).unwrap_err();
    assert_eq!(error.code(), Code::DatabaseUnavailable);
    assert!(!path.exists(), "the deleted ledger stays deleted");
    let error = SqliteStore::open(&path, Options { create: false, ..Options::default() }).unwrap_err();
    assert_eq!(error.code(), Code::DatabaseUnavailable);
    assert_eq!(SqliteStore::open("", Options::default()).unwrap_err().code(), Code::InvalidPath);
}

fn read_row(store: &str) -> LogEntry {
    LogEntry {
        endpoint: "balance".into(),
        status: "success".into(),
        store_id: Some(store.into()),
        ..LogEntry::default()
    }
}

fn rows_on_disk(path: &Path, store: &str) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM sync_log WHERE store_id = ?1", [store], |row| row.get(0))
        .unwrap()
}

#[test]
fn queued_read_rows_survive_a_failed_commit_and_go_out_with_the_next_one() {
    let (_dir, path, ledger) = fresh(Options { busy_timeout: Duration::from_millis(50), create: true });
    for _ in 0..3 {
        ledger.log_read(read_row("s-queue")).unwrap();
    }
    assert_eq!(
        (logqueue::queued(&queue_location(&path)), rows_on_disk(&path, "s-queue")),
        (3, 0),
        "rows wait in the process"
    );

    // Another writer holds the lock: the batch fails, and the rows it was to carry stay queued.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let error = ledger.apply_batch(&[accrual("q-1", 7, "1")], None).unwrap_err();
    assert_eq!(error.code(), Code::DatabaseBusy);
    assert_eq!(logqueue::queued(&queue_location(&path)), 3);
    holder.execute_batch("ROLLBACK").unwrap();

    // The next commit writes them, once.
    ledger.apply_batch(&[accrual("q-1", 7, "1")], None).unwrap();
    assert_eq!((logqueue::queued(&queue_location(&path)), rows_on_disk(&path, "s-queue")), (0, 3));
    ledger.log(read_row("s-queue")).unwrap();
    assert_eq!(rows_on_disk(&path, "s-queue"), 4);
}

#[test]
fn a_row_logged_at_once_fails_with_its_call_and_is_not_written_later() {
    let (_dir, path, ledger) = fresh(Options { busy_timeout: Duration::from_millis(50), create: true });
    ledger.log_read(read_row("s-queued")).unwrap();
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert_eq!(ledger.log(read_row("s-failed")).unwrap_err().code(), Code::DatabaseBusy);
    holder.execute_batch("ROLLBACK").unwrap();

    // The caller was told its row failed (and wrote it to the server log): only the queued read goes out now.
    ledger.apply_batch(&[accrual("l-1", 7, "1")], None).unwrap();
    assert_eq!((rows_on_disk(&path, "s-queued"), rows_on_disk(&path, "s-failed")), (1, 0));
}

#[test]
fn a_full_queue_of_read_rows_goes_out_long_before_its_rows_are_due_by_age() {
    let (_dir, path, ledger) = fresh(Options::default());
    for _ in 0..logqueue::FLUSH_ROWS {
        ledger.log_read(read_row("s-full")).unwrap();
    }
    // Well before the rows are FLUSH_AFTER old: only the thread taking full queues explains them on disk.
    let deadline = Instant::now() + logqueue::FLUSH_AFTER * 9 / 10;
    while rows_on_disk(&path, "s-full") < logqueue::FLUSH_ROWS as i64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(rows_on_disk(&path, "s-full"), logqueue::FLUSH_ROWS as i64);
    assert_eq!(logqueue::queued(&queue_location(&path)), 0);
}

struct WalSummary {
    frames: usize,
    commits: usize,
    last_is_commit: bool,
}

/// Parses a WAL file: a 32-byte header, then frames of a 24-byte header and one page.
/// Only frames carrying the header's salts belong to the current WAL generation.
fn read_wal(path: &Path) -> WalSummary {
    let bytes = std::fs::read(path).expect("read the WAL file");
    assert!(bytes.len() >= 32, "WAL has no header ({} bytes)", bytes.len());
    let be32 = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    let magic = be32(0);
    assert!(magic == 0x377f_0682 || magic == 0x377f_0683, "bad WAL magic {magic:#x}");
    let page_size = be32(8) as usize;
    let page_size = if page_size == 1 { 65_536 } else { page_size };
    assert!(page_size.is_power_of_two() && page_size >= 512, "bad page size {page_size}");
    let salts = &bytes[16..24];
    let frame_size = 24 + page_size;
    let mut summary = WalSummary { frames: 0, commits: 0, last_is_commit: false };
    let mut offset = 32;
    while offset + frame_size <= bytes.len() {
        if &bytes[offset + 8..offset + 16] != salts {
            break;
        }
        let commit = be32(offset + 4) != 0;
        summary.frames += 1;
        summary.commits += usize::from(commit);
        summary.last_is_commit = commit;
        offset += frame_size;
    }
    assert_eq!(offset, bytes.len(), "the WAL was empty before the batch, so every frame is of this generation");
    summary
}

#[test]
fn a_ten_thousand_item_batch_is_one_commit() {
    let (_dir, path, ledger) = fresh(Options::default());
    big_batch::link_customers(&ledger);
    let batch = big_batch::generate();

    // Empty the WAL through a separate connection, then apply the batch.
    let wal_path = PathBuf::from(format!("{}-wal", path.display()));
    let probe = rusqlite::Connection::open(&path).unwrap();
    let (busy, _, _): (i64, i64, i64) = probe
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap();
    assert_eq!(busy, 0, "checkpoint was blocked");
    assert_eq!(std::fs::metadata(&wal_path).map(|m| m.len()).unwrap_or(0), 0, "WAL must be empty before the batch");

    let outcomes = ledger.apply_batch(&batch.items, None).unwrap();
    let wal = read_wal(&wal_path);
    assert!(wal.frames > 1, "a 10,000-item batch writes many pages, got {} frames", wal.frames);
    assert_eq!(wal.commits, 1, "the batch must be exactly one commit ({} frames)", wal.frames);
    assert!(wal.last_is_commit);
    drop(probe);
    batch.check(&outcomes, &ledger);
}
