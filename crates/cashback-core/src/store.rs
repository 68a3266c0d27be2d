//! The storage port: everything the ledger persists, as set-wise reads and
//! writes with no decisions in them. Adapters (SQLite, MySQL/MariaDB)
//! implement it; the conformance suite (`cashback-conformance`) checks that an
//! adapter behaves like every other.
//!
//! # What an adapter must guarantee
//!
//! - **Serialized writers.** [`Store::write`] runs its work in one transaction
//!   during which no other writer (thread, process or web node) commits
//!   anything the work read. The engine decides a batch on a snapshot read
//!   inside that transaction; if two writers could interleave, both could
//!   spend the same balance. How is the adapter's business: SQLite takes its
//!   write lock up front (`BEGIN IMMEDIATE`); a server database locks what
//!   the [`Prefetch`] reads return, or serializes writers outright.
//! - **Atomicity.** Either everything the work wrote is committed, or nothing
//!   is; an error from the work rolls back.
//! - **Durability.** Once `write` returns `Ok`, the commit survives a crash
//!   and a power cut. Only the sync-log writes of [`Store::log_now`] and
//!   [`Store::log_later`] may trade that for speed (a crash may lose the last
//!   such rows, never an entry or the row of a write).
//! - **Retries.** An adapter may run the work again from the start, on a fresh
//!   transaction, when the database aborted it for a reason that a retry can
//!   cure (a deadlock, a lost connection before COMMIT). The work must
//!   therefore read everything it decides on through the transaction it is
//!   given and keep nothing from an earlier run. When the outcome of a COMMIT
//!   is unknown the adapter must not report success or silently retry writes
//!   that may have landed; it answers a storage fault, and the caller's resend
//!   is safe because external_ids are idempotent.
//! - **Faults.** Failures are [`LedgerError::Storage`](crate::error::LedgerError::Storage)
//!   with the [`StorageFault`](crate::error::StorageFault) that says what a
//!   caller can do (busy, read-only, full, corrupt, unavailable); never a panic.
//! - **Reads** see committed data only. Statements of one [`Store::read`] may
//!   see successive commits; a read that follows a write of the same caller
//!   must see that write (read-your-writes, also across web nodes).
//!
//! Rows come back in the order each method names; amounts are integer minor
//! units; times are Unix milliseconds unless a field says seconds.

use ipnet::IpNet;

use crate::{
    copy::{Cell, Row, Table},
    error::Result,
    keys::{FailureWindow, Gate, StoredKey},
    phones::{Candidate, PhoneLink},
    synclog::{LogEntry, LogFilter, LogRow, Refusals, StoreRow},
    tx::{Kind, TxRequest},
    verify::{CorrectionFact, EntryFact},
};

/// A ledger database.
pub trait Store {
    /// Runs `work` in one serialized, atomic, durable write transaction (see the module docs).
    ///
    /// # Errors
    /// Storage faults, or what `work` returns; either way nothing was written.
    fn write(&self, work: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()>;

    /// Runs `work` on committed data.
    ///
    /// # Errors
    /// Storage faults, or what `work` returns.
    fn read(&self, work: &mut dyn FnMut(&mut dyn ReadTx) -> Result<()>) -> Result<()>;

    /// Appends sync-log rows now, in a commit of their own that may skip the
    /// durability of ledger writes.
    ///
    /// # Errors
    /// Storage faults.
    fn log_now(&self, rows: &[LogEntry]) -> Result<()>;

    /// Appends a sync-log row soon: with this process's next write, or within
    /// about a second. Rows that cannot be written then are reported to the
    /// server log.
    fn log_later(&self, row: LogEntry);

    /// Counts refused authentications: written in aggregate (their sync-log
    /// row and the failure window of the address, see [`crate::keys::record_refusals`])
    /// with this process's next write, or within about a second.
    fn count_refusal(&self, refusals: Refusals);

    /// How many refusals of `address` this process counted and has not written yet.
    fn unwritten_refusals(&self, address: &str) -> i64;

    /// Writes the rows [`Store::log_later`] still holds, so that a query of the
    /// log in this process sees its own calls; a failure leaves them held.
    fn flush_log(&self);

    /// Checks that the database can be read and written now, without writing.
    ///
    /// # Errors
    /// The storage fault that keeps it from being written.
    fn health(&self) -> Result<StoreHealth>;
}

/// What [`Store::health`] reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHealth {
    /// Which adapter: `sqlite` or `mysql`.
    pub backend: &'static str,
    /// Schema version of the database (each backend numbers its own migrations).
    pub schema_version: u32,
    /// The highest entry id (the number of entries ever written).
    pub entries: i64,
    /// Where the database is (a path, or a URL without its password).
    pub location: String,
    /// How much of the storage the probe checked (the SQLite store: `whole_file` or `partly`; MySQL: `server`).
    pub checked: &'static str,
}

/// Reads of committed data.
pub trait ReadTx {
    /// The cached balance of a user.
    fn account(&mut self, user_id: i64) -> Result<Option<Account>>;

    /// Every link of these phones.
    fn phone_links(&mut self, phones: &[&str]) -> Result<Vec<PhoneLink>>;

    /// The links of one user, by phone.
    fn user_phones(&mut self, user_id: i64) -> Result<Vec<PhoneLink>>;

    /// Every link of one phone with its user's cached balance, if the user has one (a
    /// balance lookup by phone in one read).
    fn phone_accounts(&mut self, phone: &str) -> Result<Vec<(PhoneLink, Option<Account>)>>;

    /// Up to `limit` entries of a user with ids below `before` (any, if `None`), newest first.
    fn history(&mut self, user_id: i64, before: Option<i64>, limit: usize) -> Result<Vec<HistoryEntry>>;

    /// Up to `limit` sync-log rows matching `filter` with ids below `before`, newest first.
    fn sync_log(&mut self, filter: &LogFilter, before: Option<i64>, limit: usize) -> Result<Vec<LogRow>>;

    /// Every store, in any order.
    fn stores(&mut self) -> Result<Vec<StoreRow>>;

    /// One store.
    fn store(&mut self, store_id: &str) -> Result<Option<StoreRow>>;

    /// Every API key, newest first.
    fn api_keys(&mut self) -> Result<Vec<StoredKey>>;

    /// One API key by id.
    fn api_key(&mut self, id: i64) -> Result<Option<StoredKey>>;

    /// The key with this lookup part, unless revoked.
    fn active_api_key(&mut self, lookup: &str) -> Result<Option<StoredKey>>;

    /// The failures of an address at a gate in its current window.
    fn failure_window(&mut self, gate: Gate, address: &str) -> Result<Option<FailureWindow>>;

    /// Every entry, ordered by user, then id.
    fn scan_entries(&mut self, visit: &mut dyn FnMut(EntryFact)) -> Result<()>;

    /// Every entry that names an original, with that original.
    fn scan_corrections(&mut self, visit: &mut dyn FnMut(CorrectionFact)) -> Result<()>;

    /// Every cached balance: `(user_id, balance)`.
    fn scan_accounts(&mut self, visit: &mut dyn FnMut(i64, i64)) -> Result<()>;

    /// The database's own integrity check: `None` when intact, else what it found.
    fn integrity(&mut self) -> Result<Option<String>>;

    /// How many rows `table` holds.
    fn count_rows(&mut self, table: Table) -> Result<u64>;

    /// Up to `limit` rows of `table` with keys after `after` (from the first, if `None`), in key
    /// order, one cell per column of [`Table::columns`] (see [`crate::copy`]).
    fn dump(&mut self, table: Table, after: Option<&[Cell]>, limit: usize) -> Result<Vec<Row>>;
}

/// The reads a batch's snapshot is made of, inside the write transaction (an
/// adapter that locks rows locks what these return).
pub trait Prefetch {
    /// The accepted entries with these external_ids.
    fn entries(&mut self, external_ids: &[&str]) -> Result<Vec<StoredEntry>>;

    /// How much of each of these entries has been released or reversed: `(entry id, total)`,
    /// for the entries that have been corrected at all.
    fn corrected(&mut self, entry_ids: &[i64]) -> Result<Vec<(i64, i64)>>;

    /// Every user linked to each of these phones: `(phone, candidate)`.
    fn candidates(&mut self, phones: &[&str]) -> Result<Vec<(String, Candidate)>>;

    /// The cached balances of these users, for those that have one: `(user_id, balance)`.
    fn balances(&mut self, users: &[i64]) -> Result<Vec<(i64, i64)>>;

    /// Which of these stores are registered.
    fn registered_stores(&mut self, store_ids: &[&str]) -> Result<Vec<String>>;

    /// The id the next entry gets (ids only grow).
    fn next_entry_id(&mut self) -> Result<i64>;
}

/// Writes, inside [`Store::write`].
pub trait WriteTx: ReadTx + Prefetch {
    /// Inserts accepted entries.
    fn insert_entries(&mut self, entries: &[NewEntry<'_>]) -> Result<()>;

    /// Sets cached balances: `(user_id, balance)`, all updated at `at`.
    fn put_balances(&mut self, balances: &[(i64, i64)], at: i64) -> Result<()>;

    /// Appends sync-log rows, and raises each named registered store's last
    /// activity to its latest row (a store nobody registered stays unknown).
    fn append_log(&mut self, rows: &[LogEntry]) -> Result<()>;

    /// Adds refusals to their row of the sync log (one per address, status
    /// and window), creating it if it is new; never registers a store.
    fn add_refusals(&mut self, refusals: &[Refusals]) -> Result<()>;

    /// Deletes sync-log rows older than `before`; returns how many.
    fn delete_log_before(&mut self, before: i64) -> Result<usize>;

    /// Inserts or replaces a store's registration (its last activity is kept).
    fn put_store(&mut self, store: &StoreRow) -> Result<()>;

    /// Inserts these links, or replaces the verified flag of existing ones.
    fn put_phone_links(&mut self, links: &[PhoneLink]) -> Result<()>;

    /// Deletes every link of a user; returns how many.
    fn delete_user_phones(&mut self, user_id: i64) -> Result<usize>;

    /// Inserts an API key; returns its id.
    fn insert_api_key(&mut self, key: &StoredKey) -> Result<i64>;

    /// Replaces a key's networks; false if there is no such key.
    fn set_api_key_networks(&mut self, id: i64, networks: &[IpNet]) -> Result<bool>;

    /// Marks a key revoked at `at`.
    fn revoke_api_key(&mut self, id: i64, at: i64) -> Result<()>;

    /// Stores the failure window of an address at a gate.
    fn put_failure_window(&mut self, gate: Gate, address: &str, window: FailureWindow) -> Result<()>;

    /// Deletes the failure windows that started before `start`.
    fn delete_failure_windows_before(&mut self, start: i64) -> Result<()>;

    /// Inserts rows read by [`ReadTx::dump`] of another database, as they are (ids kept).
    fn load(&mut self, table: Table, rows: &[Row]) -> Result<()>;
}

/// A cached balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Minor units.
    pub balance: i64,
    /// Unix milliseconds of the last entry.
    pub updated_at: i64,
}

/// What the engine knows of one accepted entry: enough to judge a resend of
/// it, or a release or reversal that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    /// Entry id (the `transaction_id` callers see).
    pub id: i64,
    /// Idempotency key.
    pub external_id: String,
    /// Owner.
    pub user_id: i64,
    /// The normalized phone the request named, if it named one.
    pub phone: Option<String>,
    /// Kind.
    pub kind: Kind,
    /// Amount as given.
    pub amount: i64,
    /// The external_id of its original, if it corrects one.
    pub original_external_id: Option<String>,
}

/// An entry the engine accepted, to be inserted.
#[derive(Debug, Clone, Copy)]
pub struct NewEntry<'r> {
    /// Its id, assigned by the engine from [`Prefetch::next_entry_id`].
    pub id: i64,
    /// The validated request.
    pub request: &'r TxRequest<'r>,
    /// The owner it was resolved to.
    pub user_id: i64,
    /// The id of the entry it corrects, if any.
    pub original_id: Option<i64>,
    /// Unix milliseconds of acceptance.
    pub recorded_at: i64,
}

impl NewEntry<'_> {
    /// The normalized phone the request named, if it named one.
    pub fn phone(&self) -> Option<&str> {
        self.request.user.phone()
    }
}

/// One entry of a user's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Entry id.
    pub id: i64,
    /// Idempotency key.
    pub external_id: String,
    /// Kind.
    pub kind: Kind,
    /// Amount as given (negative only for a reversal).
    pub amount: i64,
    /// Channel.
    pub source: String,
    /// Store.
    pub store_id: Option<String>,
    /// Free text.
    pub description: String,
    /// When it happened, Unix seconds.
    pub created_at: i64,
    /// When the ledger accepted it, Unix milliseconds.
    pub recorded_at: i64,
    /// The external_id of its original, if it corrects one.
    pub original_external_id: Option<String>,
}

impl HistoryEntry {
    /// Its signed effect on the balance.
    pub fn effect(&self) -> i64 {
        self.kind.effect(self.amount)
    }
}
