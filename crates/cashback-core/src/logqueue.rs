//! Sync-log rows of reads, and counts of refused authentications, queued in
//! the process and written in batches, for any store: each database (its
//! location) has its own queue and the [`LogWriter`] its store gave it.
//!
//! The sync log records every call, and a balance read changes nothing else:
//! writing its row in a commit of its own made every read a write, queued
//! behind the ledger's serialized writers. So the row of a successful read
//! waits in this process's memory and is written
//! - with this process's next commit to the same database (a ledger write or a
//!   row that is logged at once), at no cost of its own;
//! - by a background thread, about [`FLUSH_AFTER`] after it was queued, or at
//!   once when [`FLUSH_ROWS`] rows wait: a read never commits (on SQLite a
//!   commit can run a WAL checkpoint, and after a burst of writes one took ~100 ms);
//! - by the read itself only when [`MAX_QUEUED`] rows wait (the thread cannot
//!   keep up, e.g. the database is locked): back-pressure instead of memory;
//! - when PHP shuts the module down (a worker recycled after `pm.max_requests`).
//!
//! Refused authentications wait the same way, counted per address, status and
//! window ([`Refusals`]): a flood of bad keys costs a few commits a second, not
//! one per request, and grows the log by one row per address and window.
//!
//! What a crash can lose is therefore at most about a second of read rows and
//! refusal counts of one process: never a ledger entry, never the row of a
//! write (those are written at once). Rows keep the time of the call, so the log
//! stays in order by time; only their ids come later.
//!
//! Queues are per process: a forked child starts with none (its parent writes
//! what it had queued) and with its own flusher thread.

use std::{
    collections::HashMap,
    fmt,
    sync::{
        Arc, LazyLock,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use parking_lot::{Condvar, Mutex};

use crate::{
    error::Result,
    keys,
    store::WriteTx,
    synclog::{LogEntry, Refusals},
    time,
};

/// How many queued rows wake the background thread to write them.
pub const FLUSH_ROWS: usize = 64;
/// How many queued rows make the read that queues the last one write them all itself.
pub const MAX_QUEUED: usize = 8192;
/// How long a row may wait for a commit before the background thread writes it.
pub const FLUSH_AFTER: Duration = Duration::from_secs(1);

/// What waits for a commit to one database file.
#[derive(Debug, Default)]
pub struct Queued {
    /// Sync-log rows of reads.
    pub rows: Vec<LogEntry>,
    /// Refusals, one element per sync-log row they are counted in.
    pub refusals: Vec<Refusals>,
}

impl Queued {
    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.refusals.is_empty()
    }

    /// How many rows it writes.
    pub fn len(&self) -> usize {
        self.rows.len() + self.refusals.len()
    }

    /// Counts refusals in, in the row they belong to.
    fn count(&mut self, refusals: Refusals) {
        match self.refusals.iter_mut().find(|queued| queued.same_row(&refusals)) {
            Some(queued) => queued.absorb(refusals),
            None => self.refusals.push(refusals),
        }
    }

    /// Puts `later` behind what is queued here.
    fn append(&mut self, later: Queued) {
        self.rows.extend(later.rows);
        for refusals in later.refusals {
            self.count(refusals);
        }
    }

    /// Writes everything in the caller's transaction.
    ///
    /// # Errors
    /// Storage faults.
    pub fn write(&self, tx: &mut dyn WriteTx) -> Result<()> {
        if !self.rows.is_empty() {
            tx.append_log(&self.rows)?;
        }
        keys::record_refusals(tx, &self.refusals, time::now_millis())
    }
}

/// How a store writes what waited for its database: one commit, in which
/// [`Queued::write`] runs, and which may skip the durability of ledger writes.
#[derive(Clone)]
pub struct LogWriter(Arc<Commit>);

/// The commit a [`LogWriter`] runs.
type Commit = dyn Fn(&Queued) -> Result<()> + Send + Sync;

impl LogWriter {
    /// A writer that runs `commit`.
    pub fn new(commit: impl Fn(&Queued) -> Result<()> + Send + Sync + 'static) -> Self {
        Self(Arc::new(commit))
    }

    /// Writes `queued` in one commit.
    ///
    /// # Errors
    /// Storage faults.
    pub fn write(&self, queued: &Queued) -> Result<()> {
        (self.0)(queued)
    }
}

impl fmt::Debug for LogWriter {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("LogWriter")
    }
}

/// One database's queue as a store uses it: what the store's calls for
/// sync-log rows do, the same for every adapter.
#[derive(Debug, Clone)]
pub struct DatabaseQueue {
    location: String,
    writer: LogWriter,
}

impl DatabaseQueue {
    /// The queue of the database at `location`, written by `writer`.
    pub fn new(location: String, writer: LogWriter) -> Self {
        Self { location, writer }
    }

    /// The database's location (its queue's key).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Runs `commit` with what this process queued (read rows, refusals),
    /// which it must write in its own commit; if it fails it stays queued for
    /// a later one.
    ///
    /// # Errors
    /// What `commit` returns.
    pub fn with_queued<T>(&self, commit: impl FnOnce(&mut Queued) -> Result<T>) -> Result<T> {
        let mut queued = take(&self.location);
        let result = commit(&mut queued);
        if result.is_err() {
            restore(&self.location, &self.writer, queued);
        }
        result
    }

    /// Writes `rows` now, with what was queued, in one commit of the writer.
    ///
    /// # Errors
    /// Storage faults: the caller's rows fail with the call, only what was queued before waits for a later commit.
    pub fn log_now(&self, rows: &[LogEntry]) -> Result<()> {
        self.with_queued(|queued| {
            let queued_rows = queued.rows.len();
            queued.rows.extend_from_slice(rows);
            let written = self.writer.write(queued);
            queued.rows.truncate(queued_rows);
            written
        })
    }

    /// Queues a row (see [`push`]).
    pub fn log_later(&self, row: LogEntry) {
        push(&self.location, &self.writer, row);
    }

    /// Counts refusals (see [`count`]).
    pub fn count_refusal(&self, refusals: Refusals) {
        count(&self.location, &self.writer, refusals);
    }

    /// How many refusals of `address` this process counted and has not written yet.
    pub fn unwritten_refusals(&self, address: &str) -> i64 {
        unwritten_refusals(&self.location, address)
    }

    /// Writes what waits; a failure leaves it queued.
    pub fn flush(&self) {
        let _ = self.with_queued(|queued| if queued.is_empty() { Ok(()) } else { self.writer.write(queued) });
    }
}

/// What waits for one database, and what writes it from the flusher thread.
struct Pending {
    queued: Queued,
    since: Instant,
    writer: LogWriter,
}

struct Queues {
    pid: u32,
    by_location: HashMap<String, Pending>,
}

static QUEUES: LazyLock<Mutex<Queues>> = LazyLock::new(|| Mutex::new(Queues { pid: 0, by_location: HashMap::new() }));
/// The process whose flusher thread is running (0: none yet).
static FLUSHER: AtomicU32 = AtomicU32::new(0);
/// Wakes the flusher thread when a queue is full.
static WAKE: Condvar = Condvar::new();

/// This process's queues, emptied first if they were inherited from a parent process.
fn queues() -> parking_lot::MutexGuard<'static, Queues> {
    let mut queues = QUEUES.lock();
    let pid = std::process::id();
    if queues.pid != pid {
        queues.pid = pid;
        queues.by_location.clear();
    }
    queues
}

/// The queue of `location`, created empty on first use.
fn queue_of<'q>(queues: &'q mut Queues, location: &str, writer: &LogWriter) -> &'q mut Pending {
    queues.by_location.entry(location.to_owned()).or_insert_with(|| Pending {
        queued: Queued { rows: Vec::with_capacity(FLUSH_ROWS), refusals: Vec::new() },
        since: Instant::now(),
        writer: writer.clone(),
    })
}

/// Queues a row for `location`, which `writer` writes; when so much waits
/// that the caller must write it itself, writes it all (see [`write_or_report`]).
pub fn push(location: &str, writer: &LogWriter, entry: LogEntry) {
    enqueue(location, writer, |queued| queued.rows.push(entry));
}

/// Counts refusals for `location`, like [`push`].
pub fn count(location: &str, writer: &LogWriter, refusals: Refusals) {
    enqueue(location, writer, |queued| queued.count(refusals));
}

fn enqueue(location: &str, writer: &LogWriter, add: impl FnOnce(&mut Queued)) {
    if let Some(due) = queue(location, writer, add) {
        write_or_report(location, writer, &due);
    }
}

/// Adds to the queue of `location`; returns it all when the caller must write it.
fn queue(location: &str, writer: &LogWriter, add: impl FnOnce(&mut Queued)) -> Option<Queued> {
    start_flusher();
    let mut queues = queues();
    let pending = queue_of(&mut queues, location, writer);
    if pending.queued.is_empty() {
        pending.since = Instant::now();
    }
    let before = pending.queued.len();
    add(&mut pending.queued);
    if pending.queued.len() == before {
        return None; // counted in a row that was queued already
    }
    match after_push(pending.queued.len()) {
        Next::WriteNow => Some(std::mem::take(&mut pending.queued)),
        Next::Wake => {
            WAKE.notify_one();
            None
        }
        Next::Wait => None,
    }
}

/// What a queue of `queued` rows calls for once a row was added.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// Nothing yet: the thread writes the rows when they are due by age.
    Wait,
    /// The queue just filled: wake the thread.
    Wake,
    /// The thread cannot keep up: the caller writes the rows.
    WriteNow,
}

fn after_push(queued: usize) -> Next {
    match queued {
        _ if queued >= MAX_QUEUED => Next::WriteNow,
        FLUSH_ROWS => Next::Wake,
        _ => Next::Wait,
    }
}

/// Takes everything queued for `location`, to be written in the caller's commit.
pub fn take(location: &str) -> Queued {
    queues().by_location.get_mut(location).map(|pending| std::mem::take(&mut pending.queued)).unwrap_or_default()
}

/// Puts back what a failed commit was to write, ahead of anything queued
/// since, so a later commit writes it.
pub fn restore(location: &str, writer: &LogWriter, mut queued: Queued) {
    if queued.is_empty() {
        return;
    }
    let mut queues = queues();
    let pending = queue_of(&mut queues, location, writer);
    queued.append(std::mem::take(&mut pending.queued));
    pending.queued = queued;
}

/// Writes every queued row (module shutdown).
pub fn flush_all() {
    write_where(|_| true);
}

/// Writes the queues that are full or have waited [`FLUSH_AFTER`].
fn flush_due() {
    write_where(|pending| pending.queued.len() >= FLUSH_ROWS || pending.since.elapsed() >= FLUSH_AFTER);
}

/// Writes the queues `due` picks (see [`write_or_report`]).
fn write_where(due: impl Fn(&Pending) -> bool) {
    let due: Vec<(String, LogWriter, Queued)> = {
        let mut queues = queues();
        queues
            .by_location
            .iter_mut()
            .filter(|(_, pending)| !pending.queued.is_empty() && due(pending))
            .map(|(location, pending)| (location.clone(), pending.writer.clone(), std::mem::take(&mut pending.queued)))
            .collect()
    };
    for (location, writer, queued) in due {
        write_or_report(&location, &writer, &queued);
    }
}

/// Writes queued rows; rows that cannot be written are reported on stderr (the
/// PHP-FPM log) and dropped, so a broken database cannot grow the queue.
pub fn write_or_report(location: &str, writer: &LogWriter, queued: &Queued) {
    if let Err(error) = writer.write(queued) {
        eprintln!(
            "cashback: {} sync-log rows of reads and refusals were not written to {location}: {} ({error})",
            queued.len(),
            error.code()
        );
    }
}

/// How many refusals of `address` wait for `location` in this process.
pub fn unwritten_refusals(location: &str, address: &str) -> i64 {
    queues().by_location.get(location).map_or(0, |pending| {
        pending
            .queued
            .refusals
            .iter()
            .filter(|refusals| refusals.address == address)
            .map(|refusals| refusals.times)
            .sum()
    })
}

/// How many rows wait for `location` in this process.
pub fn queued(location: &str) -> usize {
    queues().by_location.get(location).map_or(0, |pending| pending.queued.len())
}

/// Starts this process's flusher thread unless it runs already.
fn start_flusher() {
    let pid = std::process::id();
    if FLUSHER.swap(pid, Ordering::AcqRel) == pid {
        return;
    }
    let spawned = std::thread::Builder::new().name("cashback-log".into()).spawn(|| {
        loop {
            {
                let mut queues = queues();
                WAKE.wait_for(&mut queues, FLUSH_AFTER / 4);
            }
            flush_due();
        }
    });
    if let Err(error) = spawned {
        // Without the thread rows still go out with the next commit, a full queue or module shutdown.
        FLUSHER.store(0, Ordering::Release);
        eprintln!("cashback: cannot start the sync-log thread: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(endpoint: &str) -> LogEntry {
        LogEntry { endpoint: endpoint.into(), status: "success".into(), ..LogEntry::default() }
    }

    #[test]
    fn a_full_queue_wakes_the_thread_and_only_a_very_long_one_is_the_reads_to_write() {
        assert_eq!(after_push(1), Next::Wait);
        assert_eq!(after_push(FLUSH_ROWS - 1), Next::Wait);
        assert_eq!(after_push(FLUSH_ROWS), Next::Wake);
        assert_eq!(after_push(FLUSH_ROWS + 1), Next::Wait, "woken once per filling");
        assert_eq!(after_push(MAX_QUEUED - 1), Next::Wait);
        assert_eq!(after_push(MAX_QUEUED), Next::WriteNow);
    }

    #[test]
    fn restored_rows_go_ahead_of_newer_ones() {
        let location = "test:restore";
        let writer = LogWriter::new(|_| Ok(()));
        push(location, &writer, row("first"));
        let taken = take(location);
        push(location, &writer, row("third"));
        restore(location, &writer, taken);
        let order: Vec<String> = take(location).rows.into_iter().map(|entry| entry.endpoint).collect();
        assert_eq!(order, ["first", "third"]);
    }
}
