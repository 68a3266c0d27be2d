//! `CashbackLedger`: the PHP face of [`Ledger`]. Each method converts
//! arguments, calls the core once, and converts the result back; nothing else.

use std::time::Duration;

use cashback_core::store::Store;
use cashback_core::{
    code::Code,
    config::Config,
    copy,
    ledger::{self as service, Ledger, RequestContext},
    phone::Region,
    phones,
    raw::Raw,
    synclog::{LogEntry, LogFilter},
    time::{self, Zone},
    wire,
};
use cashback_mysql::MysqlStore;
use cashback_sqlite::SqliteStore;
use ext_php_rs::{
    boxed::ZBox,
    flags::ClassFlags,
    prelude::*,
    types::{ZendCallable, ZendHashTable},
};
use serde_json::Value;

use crate::{
    convert::{
        Bytes, Flag, Int, Key, PhpTx, Text, array_to_json, entries, flag_value, json_to_array, outcome_array,
        parse_flag, scalar,
    },
    errors::{Error, Result},
    ini, results,
};

type PhpArray = ZBox<ZendHashTable>;

/// The cashback ledger on one SQLite file, or on a MariaDB/MySQL database.
///
/// Amounts in and out are rubles (numbers or decimal strings, at most 2
/// decimals); the ledger keeps exact kopecks inside.
#[php_class]
#[php(name = "CashbackLedger")]
#[php(flags = ClassFlags::Final)]
pub struct CashbackLedger {
    ledger: Ledger,
}

fn invalid(code: Code, message: &str) -> Error {
    Error::argument(code, message)
}

fn zone(name: &str, setting: &str) -> Result<Zone> {
    Zone::parse(name).map_err(|message| invalid(Code::InvalidOption, &format!("{setting}: {message}")))
}

fn region(code: &str, setting: &str) -> Result<Region> {
    Region::parse(code).map_err(|message| invalid(Code::InvalidOption, &format!("{setting}: {message}")))
}

/// How the store is opened, whichever backend it is.
struct Opening {
    busy_timeout: Duration,
    create: bool,
    table_prefix: Option<String>,
}

impl Opening {
    /// The store `database` names: a `mysql://` or `mariadb://` URL, else a SQLite file.
    fn store(self, database: &str) -> Result<Box<dyn Store>> {
        Ok(if cashback_mysql::is_url(database) {
            let options = cashback_mysql::Options {
                busy_timeout: self.busy_timeout,
                create: self.create,
                table_prefix: self.table_prefix,
            };
            Box::new(MysqlStore::open(database, options)?)
        } else {
            if self.table_prefix.is_some() {
                return Err(invalid(Code::InvalidOption, "table_prefix applies to a mysql:// database only"));
            }
            let options = cashback_sqlite::Options { busy_timeout: self.busy_timeout, create: self.create };
            Box::new(SqliteStore::open(database, options)?)
        })
    }
}

/// Reads `options` over the ini defaults: the ledger's settings and how its database is opened.
fn config(options: Option<&ZendHashTable>) -> Result<(Config, Opening)> {
    let mut config = Config {
        zone: zone(&ini::timezone(), "cashback.timezone")?,
        region: region(&ini::default_region(), "cashback.default_region")?,
        max_batch: ini::max_batch(),
        auth_max_failures: ini::auth_max_failures(),
        auto_register_stores: ini::auto_register_stores(),
    };
    let mut store =
        Opening { busy_timeout: Duration::from_millis(ini::busy_timeout_ms()), create: true, table_prefix: None };
    let Some(options) = options else { return Ok((config, store)) };
    let options = match array_to_json(options)? {
        Value::Object(options) => options,
        Value::Array(list) if list.is_empty() => return Ok((config, store)),
        _ => return Err(invalid(Code::InvalidOption, "options must be an array keyed by option name")),
    };
    for (name, value) in &options {
        match (name.as_str(), value) {
            ("timezone", Value::String(name)) => config.zone = zone(name, "timezone")?,
            ("default_region", Value::String(code)) => config.region = region(code, "default_region")?,
            ("busy_timeout_ms", Value::Number(ms)) if ms.as_u64().is_some() => {
                store.busy_timeout = Duration::from_millis(ms.as_u64().unwrap_or_default());
            }
            ("max_batch", Value::Number(max)) if max.as_u64().is_some_and(|m| m > 0) => {
                config.max_batch = max.as_u64().unwrap_or_default() as usize;
            }
            ("auth_max_failures", Value::Number(max)) if max.as_u64().is_some() => {
                config.auth_max_failures = max.as_i64().unwrap_or_default();
            }
            ("auto_register_stores", Value::Bool(flag)) => config.auto_register_stores = *flag,
            ("create", Value::Bool(create)) => store.create = *create,
            ("table_prefix", Value::String(prefix)) => store.table_prefix = Some(prefix.clone()),
            _ => {
                return Err(invalid(
                    Code::InvalidOption,
                    &format!(
                        "unknown or malformed option {name:?}; known: timezone (string), default_region (string), busy_timeout_ms (int >= 0), max_batch (int > 0), auth_max_failures (int >= 0), auto_register_stores (bool), create (bool), table_prefix (string, mysql:// only)"
                    ),
                ));
            }
        }
    }
    Ok((config, store))
}

fn context(context: Option<&ZendHashTable>) -> Result<Option<RequestContext>> {
    let Some(context) = context else { return Ok(None) };
    let value = array_to_json(context)?;
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(Some(RequestContext {
        client: text("client"),
        store_id: text("store_id"),
        endpoint: text("endpoint").ok_or_else(|| invalid(Code::InvalidArgument, "context needs an endpoint"))?,
    }))
}

fn optional_ms(value: &Value, key: &str, zone: &Zone) -> Result<Option<i64>> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_f64()
            .filter(|seconds| seconds.is_finite())
            .map(|seconds| Some((seconds * 1000.0) as i64))
            .ok_or_else(|| invalid(Code::InvalidArgument, &format!("{key} is out of range"))),
        Some(Value::String(text)) => time::parse_timestamp(text, zone)
            .map(|seconds| Some(seconds * 1000))
            .map_err(|message| invalid(Code::InvalidArgument, &format!("{key}: {message}"))),
        Some(_) => Err(invalid(Code::InvalidArgument, &format!("{key} must be an ISO 8601 string or Unix seconds"))),
    }
}

/// Filter keys of syncLog(); anything else is a typo that would silently show every row.
const LOG_FILTERS: [&str; 5] = ["store_id", "status", "external_id", "from", "to"];

fn positive(value: Int, name: &str) -> Result<usize> {
    usize::try_from(value.0)
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| invalid(Code::InvalidArgument, &format!("{name} must be positive")))
}

fn array(value: &Value) -> PhpArray {
    json_to_array(value)
}

#[php_impl]
impl CashbackLedger {
    /// Opens (creating and migrating if needed) the ledger database.
    ///
    /// `$database` is a SQLite file path, or `mysql://user:password@host:port/database`
    /// (also `mariadb://`, `?socket=/path/mysqld.sock`, `&table_prefix=`); it defaults to
    /// the `cashback.database` ini setting. `$options`: `timezone`, `default_region`,
    /// `busy_timeout_ms`, `max_batch`, `auth_max_failures` (defaults from ini),
    /// `table_prefix` (MySQL tables, default `local_cashback_`), and `create` (default
    /// true): whether a missing database file, or missing ledger tables, are created.
    /// Hosts serving requests pass false, so a deleted ledger answers
    /// `database_unavailable` instead of starting over empty.
    pub fn __construct(database: Option<String>, options: Option<&ZendHashTable>) -> Result<Self> {
        let database = database.unwrap_or_else(ini::database);
        let (config, opening) = config(options)?;
        Ok(Self { ledger: Ledger::new(opening.store(&database)?, config) })
    }

    /// Normalizes a phone to E.164 digits without `+` (`8 (900) 123-45-67` → `79001234567`);
    /// a number without a country code is read as one of `$region` (default: the
    /// `cashback.default_region` ini setting).
    pub fn normalize_phone(phone: Text, region: Option<String>) -> Result<String> {
        let region = match region {
            Some(code) => Region::parse(&code).map_err(|message| invalid(Code::InvalidRegion, &message))?,
            None => self::region(&ini::default_region(), "cashback.default_region")?,
        };
        Ok(service::normalize(&phone.0, region)?)
    }

    /// Extension version, commit and the schema versions of the SQLite and MySQL backends.
    pub fn version() -> PhpArray {
        array(&serde_json::json!({
            "version": crate::VERSION,
            "commit": crate::GIT_COMMIT,
            "schema_version": cashback_sqlite::schema_version(),
            "mysql_schema_version": cashback_mysql::schema_version(),
        }))
    }

    /// What a database setting names, as it may be shown: `{backend: sqlite|mysql, location}`,
    /// the location being a URL without its password, or the file path as given.
    pub fn describe_database(database: String) -> PhpArray {
        let backend = if cashback_mysql::is_url(&database) { "mysql" } else { "sqlite" };
        array(&serde_json::json!({"backend": backend, "location": cashback_mysql::target::shown(&database)}))
    }

    /// Every status and error code: `code => [number, http_status, transient, uses, meaning]`.
    pub fn codes() -> PhpArray {
        array(&results::codes())
    }

    /// The default of every setting (ini and constructor options).
    pub fn defaults() -> PhpArray {
        array(&results::defaults())
    }

    /// Applies one transaction; returns its result (`status`: success, duplicate or error).
    pub fn apply(&self, transaction: &ZendHashTable, context: Option<&ZendHashTable>) -> Result<PhpArray> {
        let outcome = self.ledger.apply(&PhpTx::table(transaction)?, self::context(context)?.as_ref())?;
        Ok(outcome_array(&outcome))
    }

    /// Applies a list of transactions in order, in one commit; returns one result per item.
    pub fn apply_batch(&self, transactions: &ZendHashTable, context: Option<&ZendHashTable>) -> Result<PhpArray> {
        let mut items = Vec::with_capacity(transactions.len());
        entries(transactions, |_, key, item| {
            // A list filtered with array_filter() keeps gaps in its keys: any integer-keyed array is taken in order.
            let Key::Index(_) = key else {
                return Err(invalid(
                    Code::InvalidArgument,
                    "transactions must be a list of transactions, not one transaction",
                ));
            };
            items.push(PhpTx::read(item)?);
            Ok(())
        })?;
        let outcomes = self.ledger.apply_batch(&items, self::context(context)?.as_ref())?;
        let mut results = ZendHashTable::with_capacity(u32::try_from(outcomes.len()).unwrap_or(u32::MAX));
        for outcome in &outcomes {
            let _ = results.push(outcome_array(outcome));
        }
        Ok(results)
    }

    /// Applies the JSON body of `POST transactions` as received (a UTF-8 BOM allowed): the
    /// result of apply(), or for a body that is not one JSON object of unique keys (nothing
    /// applied or logged) an array without `status`: `error` (invalid_json,
    /// validation_failed), `field` and `message`.
    pub fn apply_json(&self, body: Bytes, context: Option<&ZendHashTable>) -> Result<PhpArray> {
        let item = match wire::transaction(body.0) {
            Ok(item) => item,
            Err(refused) => return Ok(array(&results::body_error(&refused, None))),
        };
        Ok(outcome_array(&self.ledger.apply(&item, self::context(context)?.as_ref())?))
    }

    /// Applies the JSON body of `POST transactions/batch` as received (a list of transactions
    /// or `{"transactions": [...]}`): `results`, one per item as applyBatch() returns them, or
    /// for a refused body (nothing applied or logged) `error` (invalid_json, validation_failed,
    /// batch_too_large), `field`, `message` (and `max_batch`). Reading stops at max_batch + 1
    /// items; nothing nested inside a field is built.
    pub fn apply_batch_json(&self, body: Bytes, context: Option<&ZendHashTable>) -> Result<PhpArray> {
        let max_batch = self.ledger.config().max_batch;
        let items = match wire::batch(body.0, max_batch) {
            Ok(items) => items,
            Err(refused) => return Ok(array(&results::body_error(&refused, Some(max_batch)))),
        };
        let outcomes = self.ledger.apply_batch(&items, self::context(context)?.as_ref())?;
        let mut list = ZendHashTable::with_capacity(u32::try_from(outcomes.len()).unwrap_or(u32::MAX));
        for outcome in &outcomes {
            let _ = list.push(outcome_array(outcome));
        }
        let mut answer = ZendHashTable::with_capacity(1);
        let _ = answer.insert("results", list);
        Ok(answer)
    }

    /// Balance of a user: `user_id`, `balance`, `updated_at`.
    pub fn balance(&self, user_id: Int) -> Result<PhpArray> {
        Ok(array(&results::balance(&self.ledger.balance(user_id.0)?, self.zone())))
    }

    /// Balance of the owner of a phone: `user_id`, `balance`, `updated_at`, `phone`.
    pub fn balance_by_phone(&self, phone: Text) -> Result<PhpArray> {
        Ok(array(&results::balance(&self.ledger.balance_by_phone(&phone.0)?, self.zone())))
    }

    /// A page of a user's history, newest first: `items`, `next_cursor`.
    #[php(defaults(limit = 50))]
    pub fn history(&self, user_id: Int, limit: Int, cursor: Option<Int>) -> Result<PhpArray> {
        let page = self.ledger.history(user_id.0, positive(limit, "limit")?, cursor.map(|c| c.0))?;
        Ok(array(&results::history(&page, self.zone())))
    }

    /// Checks every invariant: `ok`, `accounts`, `entries`, `problems`.
    pub fn verify(&self) -> Result<PhpArray> {
        Ok(array(&results::verify(&self.ledger.verify()?)))
    }

    /// Copies this whole ledger into `$destination` (a SQLite file or a `mysql://` URL, created
    /// if missing, which must hold no ledger yet), calling `$progress(table, done, total)` after
    /// each page; then reads both sides again and compares them table by table, and runs
    /// verify() on the copy. Returns `{agrees, tables: {name: {rows, agrees}}, verify}`.
    pub fn migrate_to(&self, destination: String, progress: Option<ZendCallable>) -> Result<PhpArray> {
        let opening =
            Opening { busy_timeout: Duration::from_millis(ini::busy_timeout_ms()), create: true, table_prefix: None };
        let target = Ledger::new(opening.store(&destination)?, self.ledger.config().clone());
        let tables = copy::copy(&self.ledger, &target, &mut |table, done, total| {
            if let Some(callback) = &progress {
                // The callback only shows progress: what it returns or throws does not stop the copy.
                let _ = callback.try_call(vec![&table.name(), &(done as i64), &(total as i64)]);
            }
        })?;
        Ok(array(&results::migration(&tables, &target.verify()?)))
    }

    /// Database status: schema version, entries, writability. Throws on a database fault.
    pub fn health(&self) -> Result<PhpArray> {
        Ok(array(&results::health(&self.ledger.health()?)))
    }

    /// The user id owning a phone.
    pub fn find_user_by_phone(&self, phone: Text) -> Result<i64> {
        Ok(self.ledger.find_user_by_phone(&phone.0)?.0)
    }

    /// Links a phone to a user; returns the normalized phone.
    #[php(defaults(verified = false))]
    pub fn link_phone(&self, user_id: Int, phone: Text, verified: Flag) -> Result<String> {
        Ok(self.ledger.link_phone(user_id.0, &phone.0, verified.0)?)
    }

    /// Replaces all phones of a user. Items: a phone string, or `['phone' => ..., 'verified' => bool]`.
    pub fn replace_user_phones(&self, user_id: Int, phones: &ZendHashTable) -> Result<Vec<String>> {
        let Value::Array(items) = array_to_json(phones)? else {
            return Err(invalid(Code::InvalidArgument, "phones must be a list"));
        };
        let list = items.iter().map(phone_item).collect::<Result<Vec<_>>>()?;
        Ok(self.ledger.replace_user_phones(user_id.0, &list)?)
    }

    /// Removes all phones of a user; returns how many links were removed.
    pub fn unlink_user(&self, user_id: Int) -> Result<i64> {
        Ok(self.ledger.unlink_user(user_id.0)? as i64)
    }

    /// The phones of a user: list of `['phone' => ..., 'verified' => bool]`.
    pub fn user_phones(&self, user_id: Int) -> Result<PhpArray> {
        let list: Vec<Value> = self
            .ledger
            .user_phones(user_id.0)?
            .into_iter()
            .map(|(phone, verified)| serde_json::json!({"phone": phone, "verified": verified}))
            .collect();
        Ok(array(&Value::Array(list)))
    }

    /// Links many phones at once. Rows: `['user_id' => int, 'phone' => string, 'verified' => bool]`.
    /// Returns `imported` and `rejected` (`[['row' => index, 'error' => message], ...]`).
    pub fn import_phones(&self, rows: &ZendHashTable) -> Result<PhpArray> {
        let Value::Array(items) = array_to_json(rows)? else {
            return Err(invalid(Code::InvalidArgument, "rows must be a list"));
        };
        // Malformed rows are reported by their index like the ones the core refuses; the rest are imported.
        let mut rejected = Vec::new();
        let mut rows = Vec::with_capacity(items.len());
        let mut origin = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match import_row(item) {
                Ok(row) => {
                    rows.push(row);
                    origin.push(index);
                }
                Err(message) => rejected.push((index, message)),
            }
        }
        let report = self.ledger.import_phones(&rows)?;
        rejected.extend(report.rejected.into_iter().map(|(index, error)| (origin[index], error)));
        rejected.sort_by_key(|(index, _)| *index);
        let rejected: Vec<Value> =
            rejected.iter().map(|(row, error)| serde_json::json!({"row": row, "error": error})).collect();
        Ok(array(&serde_json::json!({"imported": report.imported, "rejected": rejected})))
    }

    /// Appends a sync-log row now: `endpoint`, `status`, and optional `client`, `store_id`,
    /// `external_id`, `error`, `duration_ms`.
    pub fn log_sync(&self, entry: &ZendHashTable) -> Result<()> {
        Ok(self.ledger.log(log_entry(entry)?)?)
    }

    /// Queues the sync-log row of a successful read (same keys as `logSync`): it is
    /// written with this process's next write, or within about a second, sparing
    /// the read a commit of its own.
    pub fn log_read(&self, entry: &ZendHashTable) -> Result<()> {
        Ok(self.ledger.log_read(log_entry(entry)?)?)
    }

    /// A page of the sync log, newest first. Filter keys: `store_id`, `status`,
    /// `external_id`, `from`, `to` (ISO 8601 or Unix seconds).
    #[php(defaults(limit = 100))]
    pub fn sync_log(&self, filter: Option<&ZendHashTable>, limit: Int, cursor: Option<Int>) -> Result<PhpArray> {
        let value = match filter {
            Some(filter) => array_to_json(filter)?,
            None => Value::Null,
        };
        if let Some(unknown) = value.as_object().and_then(|o| o.keys().find(|key| !LOG_FILTERS.contains(&key.as_str())))
        {
            return Err(invalid(
                Code::InvalidArgument,
                &format!("unknown filter {unknown:?}; known: {}", LOG_FILTERS.join(", ")),
            ));
        }
        let zone = self.zone();
        let text = |key: &str| value.get(key).and_then(Value::as_str).filter(|t| !t.is_empty()).map(str::to_owned);
        let filter = LogFilter {
            store_id: text("store_id"),
            status: text("status"),
            external_id: text("external_id"),
            from: optional_ms(&value, "from", zone)?,
            to: optional_ms(&value, "to", zone)?,
        };
        let page = self.ledger.sync_log(&filter, positive(limit, "limit")?, cursor.map(|c| c.0))?;
        Ok(array(&results::sync_log(&page, zone)))
    }

    /// Deletes sync-log rows older than `$days` days; returns how many.
    pub fn prune_sync_log(&self, days: Int) -> Result<i64> {
        Ok(self.ledger.prune_sync_log(days.0)? as i64)
    }

    /// Registers a store to watch, with its own silence threshold if given.
    pub fn register_store(&self, store_id: Text, name: Option<String>, silence_hours: Option<Int>) -> Result<()> {
        Ok(self.ledger.register_store(&store_id.0, name.as_deref(), silence_hours.map(|h| h.0))?)
    }

    /// Every store with its last activity.
    pub fn store_activity(&self) -> Result<PhpArray> {
        Ok(array(&results::stores(&self.ledger.store_activity()?, self.zone())))
    }

    /// Stores with no request for longer than their threshold (default `$hours`).
    pub fn silent_stores(&self, hours: Int) -> Result<PhpArray> {
        Ok(array(&results::stores(&self.ledger.silent_stores(hours.0)?, self.zone())))
    }

    /// Creates an API key, optionally limited to source networks (CIDR blocks).
    /// The result's `key` is the secret, shown this once.
    pub fn create_api_key(
        &self,
        name: String,
        store_id: Option<String>,
        networks: Option<&ZendHashTable>,
    ) -> Result<PhpArray> {
        let created = self.ledger.create_api_key(&name, store_id.as_deref(), &string_list(networks, "networks")?)?;
        Ok(array(&results::created_key(&created)))
    }

    /// Limits a key to source networks; an empty list allows any address again.
    pub fn set_api_key_networks(&self, id: Int, networks: &ZendHashTable) -> Result<()> {
        Ok(self.ledger.set_api_key_networks(id.0, &string_list(Some(networks), "networks")?)?)
    }

    /// Checks a key used from `$remoteAddress` (empty for local callers) to call `$endpoint`:
    /// `status` is ok (with `client`), unauthorized, forbidden_network, or throttled (with
    /// `retry_after` seconds). A valid key from an allowed network is always accepted; failures
    /// are counted per address (one sync-log row per address, status and window), and an address
    /// failing too often is throttled.
    pub fn authenticate(
        &self,
        key: String,
        remote_address: Option<String>,
        endpoint: Option<String>,
    ) -> Result<PhpArray> {
        let auth = self.ledger.authenticate(
            &key,
            remote_address.as_deref().unwrap_or_default(),
            endpoint.as_deref().unwrap_or("api"),
        )?;
        Ok(array(&results::auth(&auth)))
    }

    /// Seconds `$address` must still wait before it may try the admin password again (0: now).
    pub fn login_throttle(&self, address: String) -> Result<i64> {
        Ok(self.ledger.login_throttle(&address)?)
    }

    /// Records a failed admin sign-in from `$address`; returns the seconds it must now wait.
    pub fn record_login_failure(&self, address: String) -> Result<i64> {
        Ok(self.ledger.record_login_failure(&address)?)
    }

    /// Every API key, without secrets.
    pub fn list_api_keys(&self) -> Result<PhpArray> {
        Ok(array(&results::keys(&self.ledger.list_api_keys()?, self.zone())))
    }

    /// Revokes a key at once; false if it was already revoked.
    pub fn revoke_api_key(&self, id: Int) -> Result<bool> {
        Ok(self.ledger.revoke_api_key(id.0)?)
    }

    /// The client of a valid key (`id`, `name`, `store_id`), or null.
    pub fn verify_api_key(&self, key: String) -> Result<Option<PhpArray>> {
        Ok(self.ledger.verify_api_key(&key)?.map(|client| array(&results::client(&client))))
    }
}

impl CashbackLedger {
    fn zone(&self) -> &Zone {
        &self.ledger.config().zone
    }
}

fn string_list(list: Option<&ZendHashTable>, name: &str) -> Result<Vec<String>> {
    let Some(list) = list else { return Ok(Vec::new()) };
    match array_to_json(list)? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(text) => Ok(text),
                _ => Err(invalid(Code::InvalidArgument, &format!("{name} must be a list of strings"))),
            })
            .collect(),
        _ => Err(invalid(Code::InvalidArgument, &format!("{name} must be a list of strings"))),
    }
}

fn import_row(item: &Value) -> Result<phones::ImportRow, String> {
    let user_id = item.get("user_id").ok_or("user_id is missing").and_then(|id| {
        let id = match id {
            Value::Number(number) => number.as_i64().map_or(Raw::Nested, Raw::Int),
            Value::String(text) => Raw::Text(text),
            _ => Raw::Nested,
        };
        cashback_core::tx::parse_user_id(id).map_err(|_| "user_id must be a positive integer")
    })?;
    let phone = item.get("phone").and_then(Value::as_str).ok_or("phone must be a string")?.to_owned();
    let verified = parse_flag(item.get("verified")).ok_or("verified must be true/false, 1/0, yes/no or Y/N")?;
    Ok(phones::ImportRow { user_id, phone, verified })
}

fn phone_item(item: &Value) -> Result<(String, bool)> {
    match item {
        Value::String(phone) => Ok((phone.clone(), false)),
        Value::Object(object) => match object.get("phone") {
            Some(Value::String(phone)) => Ok((phone.clone(), flag_value(object.get("verified"), "verified")?)),
            _ => Err(invalid(Code::InvalidArgument, "each phone item needs a 'phone' string")),
        },
        _ => Err(invalid(Code::InvalidArgument, "each phone item is a string or ['phone' => ..., 'verified' => bool]")),
    }
}

fn unknown_log_key(key: &str) -> Error {
    invalid(
        Code::InvalidLogEntry,
        &format!("unknown key {key:?}; known: endpoint, status, client, store_id, external_id, error, duration_ms"),
    )
}

/// A sync-log row from its PHP array (read in place: every API call writes one).
fn log_entry(entry: &ZendHashTable) -> Result<LogEntry> {
    let mut row = LogEntry::default();
    entries(entry, |_, key, value| {
        let Key::Name(name) = key else { return Err(unknown_log_key(&key.to_string())) };
        let text = || match scalar(value)? {
            Raw::Null => Ok(None),
            Raw::Text(text) => Ok(Some(text.to_owned())),
            _ => Err(invalid(Code::InvalidLogEntry, &format!("{name} must be a string"))),
        };
        match name {
            "endpoint" => row.endpoint = text()?.unwrap_or_default(),
            "status" => row.status = text()?.unwrap_or_default(),
            "client" => row.client = text()?,
            "store_id" => row.store_id = text()?,
            "external_id" => row.external_id = text()?,
            "error" => row.error = text()?,
            "duration_ms" => {
                row.duration_ms = match scalar(value)? {
                    Raw::Null => 0,
                    Raw::Int(ms) => ms,
                    Raw::Float(ms) if ms.is_finite() => ms as i64,
                    Raw::Float(_) => -1,
                    _ => return Err(invalid(Code::InvalidLogEntry, "duration_ms must be a number")),
                }
            }
            other => return Err(unknown_log_key(other)),
        }
        Ok(())
    })?;
    Ok(row)
}
