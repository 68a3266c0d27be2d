//! [`Ledger`]: the one entry point of the core. The PHP class is a thin skin over it.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::{Value, json};

use super::{
    batch::{BatchState, Outcome},
    db::{self, SharedConnection},
    error::{LedgerError, Result, StorageFault},
    keys, money, phones,
    raw::{Raw, RawTx},
    readlog,
    synclog::{self, LogEntry, LogFilter},
    time::{self, Zone},
    tx::{self, Kind},
    verify,
};

/// Settings of a ledger instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// Zone for offset-less timestamps and for rendering times.
    pub zone: Zone,
    /// How long a write waits for another writer before `database_busy`.
    pub busy_timeout: Duration,
    /// Largest batch accepted.
    pub max_batch: usize,
    /// Create the database file when it does not exist (hosts serving requests turn this off).
    pub create: bool,
    /// Failed authentications per address and 5 minutes before it is throttled (0: never).
    pub auth_max_failures: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            zone: Zone::moscow(),
            busy_timeout: Duration::from_millis(5000),
            max_batch: 10_000,
            create: true,
            auth_max_failures: keys::THROTTLE_FAILURES,
        }
    }
}

/// Who sent a write, for the sync log written in the same commit.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// API client name.
    pub client: Option<String>,
    /// Store of the client; an item's own `store_id` takes precedence.
    pub store_id: Option<String>,
    /// Endpoint such as `transactions/batch`.
    pub endpoint: String,
}

/// The cashback ledger on one SQLite file.
///
/// It holds the path, not a connection: every call takes this process's
/// connection from the cache, which reopens it if the file at the path was
/// replaced, so a long-lived object never writes into a deleted file.
pub struct Ledger {
    path: PathBuf,
    config: Config,
}

impl Ledger {
    /// Opens the ledger at `path` through the per-process connection cache.
    ///
    /// # Errors
    /// Storage faults or a schema that is too new.
    pub fn open(path: impl AsRef<Path>, config: Config) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        if path.as_os_str().is_empty() {
            return Err(LedgerError::invalid(
                "invalid_path",
                "database path is empty; set cashback.database or pass a path",
            ));
        }
        db::shared(&path, config.busy_timeout, config.create)?;
        // Later calls never create: the file exists now, and one that disappears must stay missing.
        Ok(Self { path, config: Config { create: false, ..config } })
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs `work` on the connection; a fault that a fresh connection may cure evicts this one.
    fn with<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        with_connection(&self.path, self.config.busy_timeout, work)
    }

    /// Runs `commit` with this process's queued read rows (see [`readlog`]), which it
    /// must write in its own commit; if it fails they stay queued for a later one.
    fn with_queued_reads<T>(&self, commit: impl FnOnce(&[LogEntry]) -> Result<T>) -> Result<T> {
        let rows = readlog::take(&self.path);
        let result = commit(&rows);
        if result.is_err() {
            readlog::restore(&self.path, self.config.busy_timeout, rows);
        }
        result
    }

    /// Writes the queued read rows now, so a query of the log or of the stores
    /// in this process sees its own calls; a failure leaves them queued.
    fn write_queued_reads(&self) {
        let _ = self.with_queued_reads(|rows| {
            if rows.is_empty() { Ok(()) } else { write_log_rows(&self.path, self.config.busy_timeout, rows) }
        });
    }

    /// Applies one transaction. Same rules as a batch of one.
    ///
    /// # Errors
    /// Storage faults only; business refusals are an [`Outcome::Rejected`].
    pub fn apply<T: RawTx>(&self, item: &T, context: Option<&RequestContext>) -> Result<Outcome> {
        Ok(self.apply_batch(std::slice::from_ref(item), context)?.remove(0))
    }

    /// Applies a batch: each item independently, in order, all in one commit.
    ///
    /// # Errors
    /// `batch_too_large`, or a storage fault (then nothing of the batch is written).
    pub fn apply_batch<T: RawTx>(&self, items: &[T], context: Option<&RequestContext>) -> Result<Vec<Outcome>> {
        if items.len() > self.config.max_batch {
            return Err(LedgerError::invalid(
                "batch_too_large",
                format!("batch has {} transactions; at most {} are accepted", items.len(), self.config.max_batch),
            ));
        }
        let started = Instant::now();
        let now_ms = time::now_millis();
        let parsed: Vec<_> =
            items.iter().map(|item| tx::parse(item, &self.config.zone, now_ms.div_euclid(1000))).collect();
        self.with_queued_reads(|queued| {
            self.with(|connection| {
                db::write_transaction(connection, |db| {
                    synclog::append(db, queued)?;
                    let mut state = BatchState::load(db, parsed.iter().map(|p| p.as_ref().ok()).collect())?;
                    let outcomes: Vec<Outcome> = parsed
                        .iter()
                        .zip(items)
                        .enumerate()
                        .map(|(index, (result, raw))| state.decide(index, result, tx::raw_external_id(raw)))
                        .collect();
                    state.write(db, now_ms)?;
                    if let Some(context) = context {
                        let duration_ms = started.elapsed().as_millis() as i64;
                        let log: Vec<LogEntry> = outcomes
                            .iter()
                            .zip(parsed.iter().zip(items))
                            .map(|(outcome, (parsed, raw))| LogEntry {
                                at: now_ms,
                                client: context.client.clone(),
                                store_id: item_store(parsed, raw).or_else(|| context.store_id.clone()),
                                endpoint: context.endpoint.clone(),
                                external_id: outcome.external_id().map(str::to_owned),
                                status: outcome.status().to_owned(),
                                error: outcome.error_code().map(str::to_owned),
                                duration_ms,
                            })
                            .collect();
                        synclog::append(db, &log)?;
                    }
                    Ok(outcomes)
                })
            })
        })
    }

    /// Balance of a user: `{user_id, balance, updated_at}`; 0 and null for a user without entries.
    ///
    /// # Errors
    /// `invalid_user_id` or a storage fault.
    pub fn balance(&self, user_id: i64) -> Result<Value> {
        let user_id = phones::check_user_id(user_id)?;
        self.with(|db| self.account(db, user_id))
    }

    /// The balance fields of a user (zero and no `updated_at` for one who never had an entry).
    fn account(&self, db: &Connection, user_id: i64) -> Result<Value> {
        let row: Option<(i64, i64)> = db
            .prepare_cached("SELECT balance, updated_at FROM accounts WHERE user_id = ?1")?
            .query_row([user_id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let (balance, updated_at) = row.map_or((0, None), |(balance, at)| (balance, Some(at)));
        Ok(json!({
            "user_id": user_id,
            "balance": money::minor_to_json(balance),
            "updated_at": updated_at.map(|ms| time::format_millis(ms, &self.config.zone)),
        }))
    }

    /// Balance of the owner of a phone: the balance fields plus the normalized `phone`.
    ///
    /// # Errors
    /// `invalid_phone`, `user_not_found`, `phone_ambiguous`, or a storage fault.
    pub fn balance_by_phone(&self, phone: &str) -> Result<Value> {
        self.with(|db| {
            let (user_id, normalized) = phones::find_user(db, phone)?;
            let mut balance = self.account(db, user_id)?;
            balance["phone"] = Value::String(normalized);
            Ok(balance)
        })
    }

    /// A page of a user's history, newest first: `{items, next_cursor}`.
    ///
    /// # Errors
    /// `invalid_user_id` or a storage fault.
    pub fn history(&self, user_id: i64, limit: usize, cursor: Option<i64>) -> Result<Value> {
        let user_id = phones::check_user_id(user_id)?;
        let limit = limit.clamp(1, 500);
        let zone = &self.config.zone;
        self.with(|db| {
            let mut statement = db.prepare_cached(
                "SELECT e.id, e.external_id, e.kind, e.amount, e.source, e.store_id, e.description, e.created_at,
                        e.recorded_at, o.external_id
                 FROM entries e LEFT JOIN entries o ON o.id = e.original_id
                 WHERE e.user_id = ?1 AND (?2 IS NULL OR e.id < ?2) ORDER BY e.id DESC LIMIT ?3",
            )?;
            let rows = statement.query_map(params![user_id, cursor, limit as i64 + 1], |row| {
                let kind = kind_column(row, 2)?;
                let amount: i64 = row.get(3)?;
                Ok(json!({
                    "transaction_id": row.get::<_, i64>(0)?,
                    "external_id": row.get::<_, String>(1)?,
                    "type": kind.name(),
                    "amount": money::minor_to_json(amount),
                    "effect": money::minor_to_json(kind.effect(amount)),
                    "source": row.get::<_, String>(4)?,
                    "store_id": row.get::<_, Option<String>>(5)?,
                    "description": row.get::<_, String>(6)?,
                    "created_at": time::format_timestamp(row.get(7)?, zone),
                    "recorded_at": time::format_millis(row.get(8)?, zone),
                    "original_external_id": row.get::<_, Option<String>>(9)?,
                }))
            })?;
            Ok(synclog::page(rows.collect::<rusqlite::Result<_>>()?, limit))
        })
    }

    /// Checks every invariant of the ledger; see [`verify`].
    ///
    /// # Errors
    /// Storage faults.
    pub fn verify(&self) -> Result<Value> {
        self.with(|db| verify::run(db))
    }

    /// Finds the owner of a phone: `(user_id, normalized phone)`.
    ///
    /// # Errors
    /// `invalid_phone`, `user_not_found`, `phone_ambiguous`, or a storage fault.
    pub fn find_user_by_phone(&self, phone: &str) -> Result<(i64, String)> {
        self.with(|db| phones::find_user(db, phone))
    }

    /// Links a phone to a user; returns the normalized phone.
    ///
    /// # Errors
    /// See [`phones::link`].
    pub fn link_phone(&self, user_id: i64, phone: &str, verified: bool) -> Result<String> {
        self.with(|db| phones::link(db, user_id, phone, verified))
    }

    /// Replaces all phones of a user.
    ///
    /// # Errors
    /// See [`phones::replace`].
    pub fn replace_user_phones(&self, user_id: i64, list: &[(String, bool)]) -> Result<Vec<String>> {
        self.with(|db| phones::replace(db, user_id, list))
    }

    /// Removes all phones of a user.
    ///
    /// # Errors
    /// See [`phones::unlink_user`].
    pub fn unlink_user(&self, user_id: i64) -> Result<usize> {
        self.with(|db| phones::unlink_user(db, user_id))
    }

    /// The phones of a user.
    ///
    /// # Errors
    /// Storage faults.
    pub fn user_phones(&self, user_id: i64) -> Result<Vec<(String, bool)>> {
        self.with(|db| phones::of_user(db, user_id))
    }

    /// Links many phones at once.
    ///
    /// # Errors
    /// See [`phones::import`].
    pub fn import_phones(&self, rows: &[phones::ImportRow]) -> Result<phones::ImportReport> {
        self.with(|db| phones::import(db, rows))
    }

    /// Appends one sync-log row now (a refusal or an error: rows an operator may
    /// look for at once), together with this process's queued read rows.
    ///
    /// The rows are committed without an fsync of their own (see [`db::without_fsync`]):
    /// a power cut may lose the last such rows, never a ledger entry or the log of a write.
    ///
    /// # Errors
    /// `invalid_log_entry` or a storage fault.
    pub fn log(&self, entry: LogEntry) -> Result<()> {
        let entry = stamped(entry)?;
        self.with_queued_reads(|queued| {
            let rows: Vec<LogEntry> = queued.iter().cloned().chain(std::iter::once(entry)).collect();
            write_log_rows(&self.path, self.config.busy_timeout, &rows)
        })
    }

    /// Queues the sync-log row of a successful read; it is written with this
    /// process's next commit, or within about a second (see [`readlog`]).
    ///
    /// # Errors
    /// `invalid_log_entry` only: rows that cannot be written later are reported on stderr.
    pub fn log_read(&self, entry: LogEntry) -> Result<()> {
        let entry = stamped(entry)?;
        if let Some(due) = readlog::push(&self.path, self.config.busy_timeout, entry) {
            readlog::write_or_report(&self.path, self.config.busy_timeout, &due);
        }
        Ok(())
    }

    /// A page of the sync log, newest first.
    ///
    /// # Errors
    /// Storage faults.
    pub fn sync_log(&self, filter: &LogFilter, limit: usize, cursor: Option<i64>) -> Result<Value> {
        self.write_queued_reads();
        self.with(|db| synclog::query(db, filter, limit, cursor, &self.config.zone))
    }

    /// Deletes sync-log rows older than `days` days.
    ///
    /// # Errors
    /// `invalid_days` or a storage fault.
    pub fn prune_sync_log(&self, days: i64) -> Result<usize> {
        self.with(|db| synclog::prune(db, days, time::now_millis()))
    }

    /// Registers a store to watch.
    ///
    /// # Errors
    /// `invalid_store` or a storage fault.
    pub fn register_store(&self, store_id: &str, name: Option<&str>, silence_hours: Option<i64>) -> Result<()> {
        self.with(|db| synclog::register_store(db, store_id, name, silence_hours, time::now_millis()))
    }

    /// Every store with its last activity.
    ///
    /// # Errors
    /// Storage faults.
    pub fn store_activity(&self) -> Result<Value> {
        self.write_queued_reads();
        self.with(|db| synclog::stores(db, None, time::now_millis(), &self.config.zone))
    }

    /// Stores silent for longer than their threshold (default `hours`).
    ///
    /// # Errors
    /// `invalid_hours` or a storage fault.
    pub fn silent_stores(&self, hours: i64) -> Result<Value> {
        if hours <= 0 {
            return Err(LedgerError::invalid("invalid_hours", "hours must be positive"));
        }
        self.write_queued_reads();
        self.with(|db| synclog::stores(db, Some(hours), time::now_millis(), &self.config.zone))
    }

    /// Creates an API key, optionally limited to networks; the secret is in the result once.
    ///
    /// # Errors
    /// `invalid_network`, and see [`keys::create`].
    pub fn create_api_key(&self, name: &str, store_id: Option<&str>, networks: &[String]) -> Result<Value> {
        let networks = keys::parse_networks(networks)?;
        self.with(|db| keys::create(db, name, store_id, &networks, time::now_millis()))
    }

    /// Limits a key to networks (an empty list allows any address).
    ///
    /// # Errors
    /// `invalid_network`, `not_found`, or a storage fault.
    pub fn set_api_key_networks(&self, id: i64, networks: &[String]) -> Result<()> {
        let networks = keys::parse_networks(networks)?;
        self.with(|db| keys::set_networks(db, id, &networks))
    }

    /// Checks a key used from `address`, with per-key networks and throttling of failing addresses.
    ///
    /// # Errors
    /// Storage faults.
    pub fn authenticate(&self, key: &str, address: &str) -> Result<keys::Auth> {
        self.with(|db| keys::authenticate(db, key, address, self.config.auth_max_failures, time::now_millis()))
    }

    /// Lists API keys without secrets.
    ///
    /// # Errors
    /// Storage faults.
    pub fn list_api_keys(&self) -> Result<Value> {
        self.with(|db| keys::list(db, &self.config.zone))
    }

    /// Revokes an API key.
    ///
    /// # Errors
    /// See [`keys::revoke`].
    pub fn revoke_api_key(&self, id: i64) -> Result<bool> {
        self.with(|db| keys::revoke(db, id, time::now_millis()))
    }

    /// The client of a valid key.
    ///
    /// # Errors
    /// Storage faults.
    pub fn verify_api_key(&self, key: &str) -> Result<Option<keys::Client>> {
        self.with(|db| keys::verify(db, key))
    }

    /// Database status for health checks: schema version, sizes, and whether a write lock can be taken.
    ///
    /// # Errors
    /// Storage faults (the database cannot be read or written).
    pub fn health(&self) -> Result<Value> {
        self.with(|db| {
            // SQLite silently opens a file it may not write read-only; say so instead of "healthy".
            if db.is_readonly(rusqlite::MAIN_DB)? {
                return Err(LedgerError::Storage {
                    fault: StorageFault::ReadOnly,
                    message: "the database file is read-only for this process".into(),
                });
            }
            let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let entries: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM entries", [], |row| row.get(0))?;
            // A real (idempotent) write, so a full disk or a lost write permission shows here too.
            tx.pragma_update(None, "user_version", db::schema_version())?;
            tx.commit()?;
            Ok(json!({
                "schema_version": db::user_version(db)?,
                "entries": entries,
                "path": self.path.to_string_lossy(),
                "writable": true,
            }))
        })
    }
}

/// A validated log row with its time (now, unless the caller gave one).
fn stamped(mut entry: LogEntry) -> Result<LogEntry> {
    entry.validate()?;
    if entry.at == 0 {
        entry.at = time::now_millis();
    }
    Ok(entry)
}

/// Runs `work` on this process's connection to `path`; a fault that a fresh
/// connection may cure evicts it.
fn with_connection<T>(
    path: &Path,
    busy_timeout: Duration,
    work: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    // Only Ledger::open creates the file: one that disappears later must stay missing.
    let shared: SharedConnection = db::shared(path, busy_timeout, false)?;
    let mut connection = shared.lock();
    let result = work(&mut connection).map_err(|error| db::refine_fault(&connection, error));
    drop(connection);
    if let Err(LedgerError::Storage {
        fault: StorageFault::Corrupt | StorageFault::CantOpen | StorageFault::ReadOnly,
        ..
    }) = &result
    {
        db::evict(path);
    }
    result
}

/// Writes sync-log rows of calls that changed nothing (reads, refusals) in one
/// commit without an fsync of its own (see [`db::without_fsync`]).
///
/// # Errors
/// Storage faults.
pub(crate) fn write_log_rows(path: &Path, busy_timeout: Duration, rows: &[LogEntry]) -> Result<()> {
    with_connection(path, busy_timeout, |db| {
        db::without_fsync(db, |db| db::write_transaction(db, |db| synclog::append(db, rows)))
    })
}

/// The store an item names, even when the item was refused, so the store's
/// log rows and last activity include its failures.
fn item_store<T: RawTx>(
    parsed: &std::result::Result<tx::TxRequest, crate::core::error::TxError>,
    raw: &T,
) -> Option<String> {
    match (parsed, raw.field("store_id")) {
        (Ok(tx), _) => tx.store_id.map(str::to_owned),
        (Err(_), Some(Raw::Text(store))) => (1..=tx::MAX_STORE_ID)
            .contains(&store.chars().count())
            .then_some(store)
            .filter(|store| !store.chars().any(char::is_control))
            .map(str::to_owned),
        (Err(_), _) => None,
    }
}

/// Reads an `entries.kind` column, refusing codes the schema cannot hold.
pub fn kind_column(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Kind> {
    let code: i64 = row.get(index)?;
    Kind::from_code(code).ok_or(rusqlite::Error::IntegralValueOutOfRange(index, code))
}
