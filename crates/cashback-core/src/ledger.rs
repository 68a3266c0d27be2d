//! [`Ledger`]: the ledger service every caller uses. It validates arguments,
//! runs the engine between a store's prefetch and its writes, and applies the
//! policies (phone ownership, throttling, store silence) over the store's
//! plain reads and writes. Results are typed; presentation (rubles, time
//! zones, JSON) is the caller's.

use std::time::Instant;

use ipnet::IpNet;

use crate::{
    code::Code,
    config::{Config, MAX_HISTORY_PAGE, MAX_LOG_PAGE},
    copy::{Cell, Row, Table},
    engine::{self, BatchKeys, Outcome, Snapshot, StorePolicy},
    error::{LedgerError, Result},
    keys::{self, Auth, Client, Gate, StoredKey},
    phone,
    phones::{self, ImportReport, ImportRow, PhoneLink},
    raw::RawTx,
    store::{HistoryEntry, ReadTx, Store, StoreHealth, WriteTx},
    synclog::{self, LogEntry, LogFilter, LogRow, Refusals, StoreActivity},
    time,
    tx::{self, Context, TxRequest},
    verify::{self, Verifier},
};

/// Who sent a write, for the sync log written in the same commit.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// API client name.
    pub client: Option<String>,
    /// The store the client's key is bound to: its items may name no other
    /// store, and rows of items without one are attributed to it.
    pub store_id: Option<String>,
    /// Endpoint such as `transactions/batch`.
    pub endpoint: String,
}

/// A user's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// Bitrix user id.
    pub user_id: i64,
    /// Minor units; 0 for a user without entries.
    pub balance: i64,
    /// Unix milliseconds of the last entry; `None` for a user without entries.
    pub updated_at: Option<i64>,
    /// The normalized phone the user was found by, for a lookup by phone.
    pub phone: Option<String>,
}

/// A page of rows, newest first, and the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The id of the last row shown when more follow.
    pub next_cursor: Option<i64>,
}

/// A key just created; `key` is the only time its secret exists in clear.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// The stored key (with its id).
    pub stored: StoredKey,
    /// The whole key.
    pub key: String,
}

/// The cashback ledger over one store.
pub struct Ledger {
    store: Box<dyn Store>,
    config: Config,
}

impl Ledger {
    /// A ledger over `store`.
    pub fn new(store: Box<dyn Store>, config: Config) -> Self {
        Self { store, config }
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Runs `work` in a write transaction and returns what it produced.
    fn write<T>(&self, mut work: impl FnMut(&mut dyn WriteTx) -> Result<T>) -> Result<T> {
        let mut produced = None;
        self.store.write(&mut |tx| {
            produced = Some(work(tx)?);
            Ok(())
        })?;
        Ok(produced.expect("a successful write ran its work"))
    }

    /// Runs `work` on committed data and returns what it produced.
    fn read<T>(&self, mut work: impl FnMut(&mut dyn ReadTx) -> Result<T>) -> Result<T> {
        let mut produced = None;
        self.store.read(&mut |tx| {
            produced = Some(work(tx)?);
            Ok(())
        })?;
        Ok(produced.expect("a successful read ran its work"))
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
            return Err(LedgerError::refused(
                Code::BatchTooLarge,
                format!("batch has {} transactions; at most {} are accepted", items.len(), self.config.max_batch),
            ));
        }
        let started = Instant::now();
        let now = time::now_millis();
        let reading = Context { zone: &self.config.zone, region: self.config.region, now: now.div_euclid(1000) };
        let requests: Vec<_> = items.iter().map(|item| tx::parse(item, &reading)).collect();
        let keys = BatchKeys::of(&requests);
        let stores = context.map(|context| StorePolicy {
            bound: context.store_id.as_deref(),
            auto_register: self.config.auto_register_stores,
        });
        self.write(|store| {
            let snapshot = Snapshot::load(store, &keys)?;
            let (outcomes, mut plan) =
                engine::decide(&snapshot, &requests, |index| tx::raw_external_id(&items[index]), now, stores);
            if let (Some(context), Some(stores)) = (context, stores) {
                plan.log = log_rows(&outcomes, &requests, items, context, stores, now, started);
            }
            plan.apply(store, now)?;
            Ok(outcomes)
        })
    }

    /// Balance of a user (0 and no `updated_at` for a user without entries).
    ///
    /// # Errors
    /// `invalid_user_id` or a storage fault.
    pub fn balance(&self, user_id: i64) -> Result<Balance> {
        let user_id = phones::check_user_id(user_id)?;
        self.read(|store| account(store, user_id))
    }

    /// Balance of the owner of a phone, with the normalized phone.
    ///
    /// # Errors
    /// `invalid_phone`, `user_not_found`, `phone_ambiguous`, or a storage fault.
    pub fn balance_by_phone(&self, phone: &str) -> Result<Balance> {
        let phone = self.normalize_phone(phone)?;
        let links = self.read(|store| store.phone_accounts(&phone))?;
        let candidates: Vec<phones::Candidate> = links.iter().map(|(link, _)| link.candidate()).collect();
        let user_id = phones::owner(&phone, &candidates)?;
        let account = links.into_iter().find(|(link, _)| link.user_id == user_id).and_then(|(_, account)| account);
        Ok(Balance {
            user_id,
            balance: account.map_or(0, |account| account.balance),
            updated_at: account.map(|account| account.updated_at),
            phone: Some(phone),
        })
    }

    /// A page of a user's history, newest first (at most 500 items).
    ///
    /// # Errors
    /// `invalid_user_id` or a storage fault.
    pub fn history(&self, user_id: i64, limit: usize, cursor: Option<i64>) -> Result<Page<HistoryEntry>> {
        let user_id = phones::check_user_id(user_id)?;
        let limit = limit.clamp(1, MAX_HISTORY_PAGE);
        let rows = self.read(|store| store.history(user_id, cursor, limit + 1))?;
        Ok(page(rows, limit, |entry| entry.id))
    }

    /// Checks every invariant of the ledger (see [`verify`]).
    ///
    /// # Errors
    /// Storage faults.
    pub fn verify(&self) -> Result<verify::Report> {
        self.read(|store| {
            let mut verifier = Verifier::default();
            store.scan_entries(&mut |fact| verifier.entry(fact))?;
            store.scan_corrections(&mut |fact| verifier.correction(fact))?;
            store.scan_accounts(&mut |user_id, balance| verifier.account(user_id, balance))?;
            verifier.storage(store.integrity()?);
            Ok(verifier.finish())
        })
    }

    /// How many rows `table` holds (for [`crate::copy`]).
    ///
    /// # Errors
    /// Storage faults.
    pub fn count_rows(&self, table: Table) -> Result<u64> {
        self.read(|store| store.count_rows(table))
    }

    /// A page of `table`'s rows in key order (for [`crate::copy`]).
    ///
    /// # Errors
    /// Storage faults.
    pub fn dump(&self, table: Table, after: Option<&[Cell]>, limit: usize) -> Result<Vec<Row>> {
        self.read(|store| store.dump(table, after, limit))
    }

    /// Inserts rows of another ledger's `table` as they are, in one commit (for [`crate::copy`]).
    ///
    /// # Errors
    /// Storage faults (a row that is there already among them).
    pub fn load(&self, table: Table, rows: &[Row]) -> Result<()> {
        self.write(|store| store.load(table, rows))
    }

    /// Normalizes a phone as this ledger reads phones (its default region).
    ///
    /// # Errors
    /// `invalid_phone`.
    pub fn normalize_phone(&self, phone: &str) -> Result<String> {
        normalize(phone, self.config.region)
    }

    /// Finds the owner of a phone: `(user_id, normalized phone)`.
    ///
    /// # Errors
    /// `invalid_phone`, `user_not_found`, `phone_ambiguous`, or a storage fault.
    pub fn find_user_by_phone(&self, phone: &str) -> Result<(i64, String)> {
        let phone = self.normalize_phone(phone)?;
        let user_id = self.read(|store| owner(store, &phone))?;
        Ok((user_id, phone))
    }

    /// Links a phone to a user (a verified link stays verified); returns the normalized phone.
    ///
    /// # Errors
    /// `invalid_phone`, `invalid_user_id`, or a storage fault.
    pub fn link_phone(&self, user_id: i64, phone: &str, verified: bool) -> Result<String> {
        let user_id = phones::check_user_id(user_id)?;
        let phone = self.normalize_phone(phone)?;
        let wanted = PhoneLink { phone: phone.clone(), user_id, verified };
        self.write(|store| {
            let existing = store.phone_links(&[phone.as_str()])?;
            store.put_phone_links(&phones::merge(&existing, [wanted.clone()]))
        })?;
        Ok(phone)
    }

    /// Replaces every phone of a user, as a Bitrix user-update handler needs.
    /// All phones are checked before anything changes. Returns the normalized phones.
    ///
    /// # Errors
    /// `invalid_phone` naming the bad entry, `invalid_user_id`, or a storage fault.
    pub fn replace_user_phones(&self, user_id: i64, list: &[(String, bool)]) -> Result<Vec<String>> {
        let user_id = phones::check_user_id(user_id)?;
        let wanted: Vec<PhoneLink> = list
            .iter()
            .map(|(phone, verified)| {
                Ok(PhoneLink { phone: self.normalize_phone(phone)?, user_id, verified: *verified })
            })
            .collect::<Result<_>>()?;
        self.write(|store| {
            store.delete_user_phones(user_id)?;
            store.put_phone_links(&phones::merge(&[], wanted.iter().cloned()))
        })?;
        Ok(wanted.into_iter().map(|link| link.phone).collect())
    }

    /// Removes every phone of a user; returns how many links were removed.
    ///
    /// # Errors
    /// `invalid_user_id`, or a storage fault.
    pub fn unlink_user(&self, user_id: i64) -> Result<usize> {
        let user_id = phones::check_user_id(user_id)?;
        self.write(|store| store.delete_user_phones(user_id))
    }

    /// The phones of a user, by phone: `(phone, verified)`.
    ///
    /// # Errors
    /// `invalid_user_id`, or a storage fault.
    pub fn user_phones(&self, user_id: i64) -> Result<Vec<(String, bool)>> {
        let user_id = phones::check_user_id(user_id)?;
        let links = self.read(|store| store.user_phones(user_id))?;
        Ok(links.into_iter().map(|link| (link.phone, link.verified)).collect())
    }

    /// Links many phones in one transaction; bad rows are reported and skipped.
    ///
    /// # Errors
    /// Storage faults (then nothing is written).
    pub fn import_phones(&self, rows: &[ImportRow]) -> Result<ImportReport> {
        let mut report = ImportReport::default();
        let mut wanted = Vec::with_capacity(rows.len());
        for (index, row) in rows.iter().enumerate() {
            let checked = phones::check_user_id(row.user_id).and_then(|user_id| {
                Ok(PhoneLink { phone: self.normalize_phone(&row.phone)?, user_id, verified: row.verified })
            });
            match checked {
                Ok(link) => wanted.push(link),
                Err(error) => report.rejected.push((index, error.message())),
            }
        }
        report.imported = wanted.len();
        let numbers: Vec<&str> = wanted.iter().map(|link| link.phone.as_str()).collect();
        self.write(|store| {
            let existing = if numbers.is_empty() { Vec::new() } else { store.phone_links(&numbers)? };
            store.put_phone_links(&phones::merge(&existing, wanted.iter().cloned()))
        })?;
        Ok(report)
    }

    /// Appends one sync-log row now (a refusal or an error: rows an operator may
    /// look for at once).
    ///
    /// # Errors
    /// `invalid_log_entry` or a storage fault.
    pub fn log(&self, entry: LogEntry) -> Result<()> {
        self.store.log_now(&[stamped(entry)?])
    }

    /// Queues the sync-log row of a successful read: it is written with this
    /// process's next commit, or within about a second.
    ///
    /// # Errors
    /// `invalid_log_entry` only.
    pub fn log_read(&self, entry: LogEntry) -> Result<()> {
        self.store.log_later(stamped(entry)?);
        Ok(())
    }

    /// A page of the sync log, newest first (at most 1000 rows).
    ///
    /// # Errors
    /// Storage faults.
    pub fn sync_log(&self, filter: &LogFilter, limit: usize, cursor: Option<i64>) -> Result<Page<LogRow>> {
        self.store.flush_log();
        let limit = limit.clamp(1, MAX_LOG_PAGE);
        let rows = self.read(|store| store.sync_log(filter, cursor, limit + 1))?;
        Ok(page(rows, limit, |row| row.id))
    }

    /// Deletes sync-log rows older than `days` days; returns how many.
    ///
    /// # Errors
    /// `invalid_days` or a storage fault.
    pub fn prune_sync_log(&self, days: i64) -> Result<usize> {
        let before = synclog::prune_before(days, time::now_millis())?;
        self.write(|store| store.delete_log_before(before))
    }

    /// Registers a store to watch; `None` keeps what a known store has, a threshold of 0 the default.
    ///
    /// # Errors
    /// `invalid_store` or a storage fault.
    pub fn register_store(&self, store_id: &str, name: Option<&str>, silence_hours: Option<i64>) -> Result<()> {
        let now = time::now_millis();
        self.write(|store| {
            let registered = synclog::registration(store.store(store_id)?, store_id, name, silence_hours, now)?;
            store.put_store(&registered)
        })
    }

    /// Every store with its last activity, most recently seen first.
    ///
    /// # Errors
    /// Storage faults.
    pub fn store_activity(&self) -> Result<Vec<StoreActivity>> {
        self.stores(None)
    }

    /// Stores silent for longer than their threshold (default `hours`).
    ///
    /// # Errors
    /// `invalid_hours` or a storage fault.
    pub fn silent_stores(&self, hours: i64) -> Result<Vec<StoreActivity>> {
        self.stores(Some(synclog::check_hours(hours)?))
    }

    fn stores(&self, silent_after_hours: Option<i64>) -> Result<Vec<StoreActivity>> {
        self.store.flush_log();
        let stores = self.read(|store| store.stores())?;
        Ok(synclog::activity(stores, silent_after_hours, time::now_millis()))
    }

    /// Creates an API key, optionally limited to networks; the secret is in the result once.
    ///
    /// # Errors
    /// `invalid_network`, `invalid_key_name`, `random_unavailable`, or a storage fault.
    pub fn create_api_key(&self, name: &str, store_id: Option<&str>, networks: &[String]) -> Result<CreatedKey> {
        let networks = keys::parse_networks(networks)?;
        let now = time::now_millis();
        let new = keys::generate(name, store_id, networks, now)?;
        let id = self.write(|store| {
            // A key's store is registered with it: the key may write for that store only.
            if let Some(store_id) = store_id {
                let registered = synclog::registration(store.store(store_id)?, store_id, None, None, now)?;
                store.put_store(&registered)?;
            }
            store.insert_api_key(&new.stored)
        })?;
        Ok(CreatedKey { stored: StoredKey { id, ..new.stored }, key: new.key })
    }

    /// Limits a key to networks (an empty list allows any address).
    ///
    /// # Errors
    /// `invalid_network`, `not_found`, or a storage fault.
    pub fn set_api_key_networks(&self, id: i64, networks: &[String]) -> Result<()> {
        let networks: Vec<IpNet> = keys::parse_networks(networks)?;
        if !self.write(|store| store.set_api_key_networks(id, &networks))? {
            return Err(no_such_key(id));
        }
        Ok(())
    }

    /// Checks a key used from `address` (empty: a local caller, never throttled)
    /// to call `endpoint`.
    ///
    /// A valid key used from an allowed network is always accepted: failures
    /// of others from the same address (a shared NAT) never lock it out. A
    /// failure is refused as `unauthorized` or `forbidden_network`, or as
    /// `throttled` once its address failed `auth_max_failures` times in a
    /// window. Refusals are counted, not logged one by one
    /// ([`Store::count_refusal`]): the throttle sees this process's failures
    /// at once and another process's within about a second.
    ///
    /// # Errors
    /// `invalid_log_entry` for a malformed endpoint, or a storage fault.
    pub fn authenticate(&self, key: &str, address: &str, endpoint: &str) -> Result<Auth> {
        synclog::check_endpoint(endpoint)?;
        let address = address.trim();
        let max_failures = if address.is_empty() { 0 } else { self.config.auth_max_failures };
        let now = time::now_millis();
        let stored = self.read(|store| store.active_api_key(keys::lookup_of(key)))?;
        let client = keys::check(key, stored);
        if let Some(client) = &client
            && keys::allows(&client.networks, address)
        {
            // A valid key from an allowed network is never throttled: its window need not be read.
            return Ok(Auth::Allowed(client.clone()));
        }
        let window = if max_failures > 0 { self.read(|store| store.failure_window(Gate::Api, address))? } else { None };
        let unwritten = if max_failures > 0 { self.store.unwritten_refusals(address) } else { 0 };
        let window = if unwritten > 0 { Some(keys::after_failures(window, now, unwritten)) } else { window };
        let outcome = match (&client, keys::throttled_for(window, max_failures, now)) {
            (_, Some(retry_after)) => Auth::Throttled { retry_after },
            (None, None) => Auth::Unauthorized,
            (Some(_), None) => Auth::ForbiddenNetwork,
        };
        let (status, error) = outcome.log_codes();
        self.store.count_refusal(Refusals {
            address: address.to_owned(),
            status,
            error,
            endpoint: endpoint.to_owned(),
            client: client.map(|client| client.name),
            first_at: now,
            times: 1,
        });
        Ok(outcome)
    }

    /// Seconds `address` must still wait before it may try the admin password
    /// again (0: it may try now).
    ///
    /// # Errors
    /// Storage faults.
    pub fn login_throttle(&self, address: &str) -> Result<i64> {
        let window = self.read(|store| store.failure_window(Gate::Admin, address.trim()))?;
        Ok(keys::throttled_for(window, keys::ADMIN_MAX_FAILURES, time::now_millis()).unwrap_or(0))
    }

    /// Records a failed admin sign-in from `address`; returns the seconds it
    /// must now wait (0: it may still try).
    ///
    /// # Errors
    /// Storage faults.
    pub fn record_login_failure(&self, address: &str) -> Result<i64> {
        let address = address.trim();
        let now = time::now_millis();
        let window = self.write(|store| {
            let window = keys::after_failures(store.failure_window(Gate::Admin, address)?, now, 1);
            store.put_failure_window(Gate::Admin, address, window)?;
            store.delete_failure_windows_before(keys::stale_before(now))?;
            Ok(window)
        })?;
        Ok(keys::throttled_for(Some(window), keys::ADMIN_MAX_FAILURES, now).unwrap_or(0))
    }

    /// Every API key (their hashes stay inside), newest first.
    ///
    /// # Errors
    /// Storage faults.
    pub fn list_api_keys(&self) -> Result<Vec<StoredKey>> {
        self.read(|store| store.api_keys())
    }

    /// Revokes an API key at once. Returns false if it was already revoked.
    ///
    /// # Errors
    /// `not_found` for an unknown id, or a storage fault.
    pub fn revoke_api_key(&self, id: i64) -> Result<bool> {
        let now = time::now_millis();
        self.write(|store| match store.api_key(id)? {
            None => Err(no_such_key(id)),
            Some(key) if key.revoked_at.is_some() => Ok(false),
            Some(_) => store.revoke_api_key(id, now).map(|()| true),
        })
    }

    /// The client of a valid key.
    ///
    /// # Errors
    /// Storage faults.
    pub fn verify_api_key(&self, key: &str) -> Result<Option<Client>> {
        let stored = self.read(|store| store.active_api_key(keys::lookup_of(key)))?;
        Ok(keys::check(key, stored))
    }

    /// Whether the database can be read and written.
    ///
    /// # Errors
    /// The storage fault that keeps it from being written.
    pub fn health(&self) -> Result<StoreHealth> {
        self.store.health()
    }
}

/// Normalizes a phone argument.
///
/// # Errors
/// `invalid_phone` with the reason.
pub fn normalize(phone: &str, region: phone::Region) -> Result<String> {
    phone::normalize(phone, region).map_err(|reason| LedgerError::refused(Code::InvalidPhone, reason))
}

fn no_such_key(id: i64) -> LedgerError {
    LedgerError::refused(Code::NotFound, format!("no API key with id {id}"))
}

/// The balance fields of a user (zero and no `updated_at` for one who never had an entry).
fn account(store: &mut dyn ReadTx, user_id: i64) -> Result<Balance> {
    let account = store.account(user_id)?;
    Ok(Balance {
        user_id,
        balance: account.map_or(0, |account| account.balance),
        updated_at: account.map(|account| account.updated_at),
        phone: None,
    })
}

/// The owner of a normalized phone.
fn owner(store: &mut dyn ReadTx, phone: &str) -> Result<i64> {
    let candidates: Vec<phones::Candidate> = store.phone_links(&[phone])?.iter().map(PhoneLink::candidate).collect();
    phones::owner(phone, &candidates)
}

/// Cuts a `limit + 1` row fetch into a page and the cursor of the next one (the last id shown).
fn page<T>(mut rows: Vec<T>, limit: usize, id: impl Fn(&T) -> i64) -> Page<T> {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next_cursor = if more { rows.last().map(id) } else { None };
    Page { items: rows, next_cursor }
}

/// A validated log row with its time (now, unless the caller gave one).
fn stamped(mut entry: LogEntry) -> Result<LogEntry> {
    entry.validate()?;
    if entry.at == 0 {
        entry.at = time::now_millis();
    }
    Ok(entry)
}

/// The sync-log rows of a batch: one per item, attributed to the item's own
/// store when the caller may name it (also for refused items, so a store's
/// failures count as activity), else to the caller's.
fn log_rows<T: RawTx>(
    outcomes: &[Outcome],
    requests: &[std::result::Result<TxRequest<'_>, crate::error::TxError>],
    items: &[T],
    context: &RequestContext,
    stores: StorePolicy<'_>,
    now: i64,
    started: Instant,
) -> Vec<LogEntry> {
    let duration_ms = started.elapsed().as_millis() as i64;
    outcomes
        .iter()
        .zip(requests.iter().zip(items))
        .map(|(outcome, (request, raw))| {
            let item_store = match request {
                Ok(request) => request.store_id,
                Err(_) => tx::raw_store_id(raw),
            }
            .filter(|store_id| stores.allows(store_id));
            LogEntry {
                at: now,
                client: context.client.clone(),
                store_id: item_store.map(str::to_owned).or_else(|| context.store_id.clone()),
                endpoint: context.endpoint.clone(),
                external_id: outcome.external_id().map(str::to_owned),
                status: outcome.status().name().to_owned(),
                error: outcome.error_code().map(|code| code.name().to_owned()),
                duration_ms,
                ..LogEntry::default()
            }
        })
        .collect()
}
