//! The SQL of every read and write of the port, on one session.
//!
//! Sets go in as `IN (?, ?, …)` lists in a few fixed sizes ([`SET_SIZES`],
//! the last value repeated to fill one), so a batch of 10,000 items reads
//! each table in some twenty statements and the prepared-statement cache
//! holds a handful of shapes; rows go out in multi-row INSERTs. `{p}` in a
//! statement stands for the table prefix.

use cashback_core::{
    copy::{Cell, ColumnType, Row as CopiedRow, Table},
    error::{LedgerError, Result},
    keys::{FailureWindow, Gate, StoredKey},
    phones::{Candidate, PhoneLink},
    store::{Account, HistoryEntry, NewEntry, Prefetch, ReadTx, StoredEntry, WriteTx},
    synclog::{self, LogEntry, LogFilter, LogRow, Refusals, StoreRow},
    tx::Kind,
    verify::{CorrectionFact, EntryFact},
};
use ipnet::IpNet;
use mysql::{Conn, Params, Value, prelude::FromRow, prelude::Queryable};

use crate::error::{Recovery, database_error, failure};

/// The sizes a set is read in: a set is split into lists of the largest size
/// and its rest goes into the smallest size that holds it.
pub const SET_SIZES: [usize; 4] = [1, 8, 64, 512];
const ENTRY_CHUNK: usize = 256;
const ACCOUNT_CHUNK: usize = 512;
const LOG_CHUNK: usize = 256;

/// Reads and writes on one session (inside [`crate::MysqlStore::write`], in its transaction).
pub struct MysqlTx<'s> {
    conn: &'s mut Conn,
    prefix: &'s str,
    /// How the first failed statement says the transaction can recover.
    failed: Option<Recovery>,
}

fn params(values: Vec<Value>) -> Params {
    if values.is_empty() { Params::Empty } else { Params::Positional(values) }
}

/// `(?, ?, …)` for `rows` rows of `columns` values, after `head`.
fn multi_row_insert(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    format!("{head}{}{tail}", vec![row; rows].join(", "))
}

/// The lists a set is read in: `(placeholders, values)`, each padded to a size of [`SET_SIZES`].
fn set_lists<T: Clone + Into<Value>>(items: &[T]) -> Vec<(String, Vec<Value>)> {
    let largest = SET_SIZES[SET_SIZES.len() - 1];
    items
        .chunks(largest)
        .map(|chunk| {
            let size = SET_SIZES.iter().copied().find(|size| *size >= chunk.len()).unwrap_or(largest);
            let mut values: Vec<Value> = chunk.iter().cloned().map(Into::into).collect();
            let last = values.last().cloned().expect("chunks are never empty");
            values.resize(size, last);
            (vec!["?"; size].join(", "), values)
        })
        .collect()
}

/// A cell of a copied row as the server binds it.
fn bound(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::NULL,
        Cell::Int(value) => Value::Int(*value),
        Cell::Text(text) => Value::Bytes(text.clone().into_bytes()),
        Cell::Blob(bytes) => Value::Bytes(bytes.clone()),
    }
}

/// A value of a dumped row, read as its column type says.
fn copied_cell(value: Value, kind: ColumnType, column: &str) -> Result<Cell> {
    let wrong = |value: &Value| database_error(format!("column {column} holds {value:?}, not {kind:?}"));
    Ok(match (value, kind) {
        (Value::NULL, _) => Cell::Null,
        (Value::Int(number), ColumnType::Int) => Cell::Int(number),
        (Value::UInt(number), ColumnType::Int) => {
            Cell::Int(i64::try_from(number).map_err(|_| wrong(&Value::UInt(number)))?)
        }
        (Value::Bytes(bytes), ColumnType::Text) => {
            Cell::Text(String::from_utf8(bytes).map_err(|error| wrong(&Value::Bytes(error.into_bytes())))?)
        }
        (Value::Bytes(bytes), ColumnType::Blob) => Cell::Blob(bytes),
        (other, _) => return Err(wrong(&other)),
    })
}

/// Rows of a copied table per INSERT.
const LOAD_CHUNK: usize = 256;

fn kind(number: i64) -> Result<Kind> {
    Kind::from_number(number).ok_or_else(|| database_error(format!("entries.kind holds {number}, not a kind")))
}

fn networks_column(networks: &[IpNet]) -> Option<String> {
    (!networks.is_empty()).then(|| {
        serde_json::to_string(&networks.iter().map(ToString::to_string).collect::<Vec<_>>()).expect("strings serialize")
    })
}

fn networks_from_column(column: Option<String>) -> Vec<IpNet> {
    column
        .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
        .map(|list| list.iter().filter_map(|text| text.parse().ok()).collect())
        .unwrap_or_default()
}

const KEY_COLUMNS: &str = "id, name, store_id, lookup, hash, created_at, revoked_at, allowed_networks";
type KeyRow = (i64, String, Option<String>, String, Vec<u8>, i64, Option<i64>, Option<String>);

fn stored_key((id, name, store_id, lookup, hash, created_at, revoked_at, networks): KeyRow) -> StoredKey {
    StoredKey { id, name, store_id, lookup, hash, created_at, revoked_at, networks: networks_from_column(networks) }
}

const STORE_COLUMNS: &str = "store_id, name, silence_hours, registered_at, last_seen_at";
type StoreColumns = (String, Option<String>, Option<i64>, i64, Option<i64>);

fn store_row((store_id, name, silence_hours, registered_at, last_seen_at): StoreColumns) -> StoreRow {
    StoreRow { store_id, name, silence_hours, registered_at, last_seen_at }
}

fn link((phone, user_id, verified): (String, i64, bool)) -> PhoneLink {
    PhoneLink { phone, user_id, verified }
}

fn fact(id: i64, user_id: i64, kind_number: i64, amount: i64) -> Result<EntryFact> {
    Ok(EntryFact { id, user_id, kind: kind(kind_number)?, amount })
}

impl<'s> MysqlTx<'s> {
    /// Statements on `conn` for tables prefixed `prefix`.
    pub fn new(conn: &'s mut Conn, prefix: &'s str) -> Self {
        Self { conn, prefix, failed: None }
    }

    /// How the transaction can recover from its first failed statement, if one failed.
    pub fn failed(&self) -> Option<Recovery> {
        self.failed
    }

    fn sql(&self, statement: &str) -> String {
        statement.replace("{p}", self.prefix)
    }

    fn fail(&mut self, error: mysql::Error) -> LedgerError {
        let failure = failure(error);
        self.failed.get_or_insert(failure.recovery);
        failure.error
    }

    /// Every row of a statement, converted.
    fn all<T: FromRow>(&mut self, statement: &str, values: Vec<Value>) -> Result<Vec<T>> {
        let statement = self.sql(statement);
        let rows = self.conn.exec_iter(statement, params(values)).and_then(|result| {
            result
                .map(|row| row.and_then(|row| mysql::from_row_opt(row).map_err(|e| mysql::Error::FromRowError(e.0))))
                .collect()
        });
        rows.map_err(|error| self.fail(error))
    }

    fn one<T: FromRow>(&mut self, statement: &str, values: Vec<Value>) -> Result<Option<T>> {
        Ok(self.all(statement, values)?.into_iter().next())
    }

    /// Runs a statement; returns how many rows it changed.
    fn run(&mut self, statement: &str, values: Vec<Value>) -> Result<u64> {
        let statement = self.sql(statement);
        match self.conn.exec_drop(statement, params(values)) {
            Ok(()) => Ok(self.conn.affected_rows()),
            Err(error) => Err(self.fail(error)),
        }
    }

    /// The rows of `statement` (whose `{set}` is an `IN` list) for every list of `items`.
    fn all_in<T: FromRow, I: Clone + Into<Value>>(&mut self, statement: &str, items: &[I]) -> Result<Vec<T>> {
        let mut rows = Vec::new();
        for (placeholders, values) in set_lists(items) {
            rows.extend(self.all(&statement.replace("{set}", &placeholders), values)?);
        }
        Ok(rows)
    }

    /// Streams every row of a statement to `visit`.
    fn scan<T: FromRow>(&mut self, statement: &str, mut visit: impl FnMut(T) -> Result<()>) -> Result<()> {
        let statement = self.sql(statement);
        let mut visited = Ok(());
        let streamed = self.conn.query_iter(statement).and_then(|result| {
            for row in result {
                let row = mysql::from_row_opt(row?).map_err(|e| mysql::Error::FromRowError(e.0))?;
                if visited.is_ok() {
                    visited = visit(row);
                }
            }
            Ok(())
        });
        streamed.map_err(|error| self.fail(error))?;
        visited
    }

    fn one_key(&mut self, condition: &str, value: Value) -> Result<Option<StoredKey>> {
        Ok(self
            .one::<KeyRow>(&format!("SELECT {KEY_COLUMNS} FROM {{p}}api_keys WHERE {condition}"), vec![value])?
            .map(stored_key))
    }
}

impl ReadTx for MysqlTx<'_> {
    fn account(&mut self, user_id: i64) -> Result<Option<Account>> {
        Ok(self
            .one::<(i64, i64)>("SELECT balance, updated_at FROM {p}accounts WHERE user_id = ?", vec![user_id.into()])?
            .map(|(balance, updated_at)| Account { balance, updated_at }))
    }

    fn phone_links(&mut self, phones: &[&str]) -> Result<Vec<PhoneLink>> {
        let rows = self.all_in::<(String, i64, bool), _>(
            "SELECT DISTINCT phone, user_id, verified FROM {p}phones WHERE phone IN ({set})",
            phones,
        )?;
        Ok(rows.into_iter().map(link).collect())
    }

    fn phone_accounts(&mut self, phone: &str) -> Result<Vec<(PhoneLink, Option<Account>)>> {
        let rows = self.all::<(String, i64, bool, Option<i64>, Option<i64>)>(
            "SELECT p.phone, p.user_id, p.verified, a.balance, a.updated_at
             FROM {p}phones p LEFT JOIN {p}accounts a ON a.user_id = p.user_id WHERE p.phone = ?",
            vec![phone.into()],
        )?;
        Ok(rows
            .into_iter()
            .map(|(phone, user_id, verified, balance, updated_at)| {
                let account = balance.zip(updated_at).map(|(balance, updated_at)| Account { balance, updated_at });
                (link((phone, user_id, verified)), account)
            })
            .collect())
    }

    fn user_phones(&mut self, user_id: i64) -> Result<Vec<PhoneLink>> {
        let rows = self.all::<(String, i64, bool)>(
            "SELECT phone, user_id, verified FROM {p}phones WHERE user_id = ? ORDER BY phone",
            vec![user_id.into()],
        )?;
        Ok(rows.into_iter().map(link).collect())
    }

    fn history(&mut self, user_id: i64, before: Option<i64>, limit: usize) -> Result<Vec<HistoryEntry>> {
        type Row = (i64, String, i64, i64, String, Option<String>, String, i64, i64, Option<String>);
        let mut values = vec![Value::from(user_id)];
        let mut condition = "e.user_id = ?";
        if let Some(before) = before {
            values.push(before.into());
            condition = "e.user_id = ? AND e.id < ?";
        }
        values.push((limit as u64).into());
        let rows = self.all::<Row>(
            &format!(
                "SELECT e.id, e.external_id, e.kind, e.amount, e.source, e.store_id, e.description, e.created_at,
                        e.recorded_at, o.external_id
                 FROM {{p}}entries e LEFT JOIN {{p}}entries o ON o.id = e.original_id
                 WHERE {condition} ORDER BY e.id DESC LIMIT ?"
            ),
            values,
        )?;
        rows.into_iter()
            .map(
                |(
                    id,
                    external_id,
                    kind_number,
                    amount,
                    source,
                    store_id,
                    description,
                    created_at,
                    recorded_at,
                    original,
                )| {
                    Ok(HistoryEntry {
                        id,
                        external_id,
                        kind: kind(kind_number)?,
                        amount,
                        source,
                        store_id,
                        description,
                        created_at,
                        recorded_at,
                        original_external_id: original,
                    })
                },
            )
            .collect()
    }

    fn sync_log(&mut self, filter: &LogFilter, before: Option<i64>, limit: usize) -> Result<Vec<LogRow>> {
        let mut conditions = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut add = |condition: &'static str, value: Option<Value>| {
            if let Some(value) = value {
                conditions.push(condition);
                values.push(value);
            }
        };
        add("store_id = ?", filter.store_id.as_deref().map(Value::from));
        add("status = ?", filter.status.as_deref().map(Value::from));
        add("external_id = ?", filter.external_id.as_deref().map(Value::from));
        add("at >= ?", filter.from.map(Value::from));
        add("at < ?", filter.to.map(Value::from));
        add("id < ?", before.map(Value::from));
        let condition = if conditions.is_empty() { "TRUE".to_owned() } else { conditions.join(" AND ") };
        values.push((limit as u64).into());
        type Row = (
            i64,
            i64,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            String,
            Option<String>,
            i64,
            Option<String>,
            i64,
        );
        let rows = self.all::<Row>(
            &format!(
                "SELECT id, at, client, store_id, endpoint, external_id, status, error, duration_ms, address, times
                 FROM {{p}}sync_log WHERE {condition} ORDER BY id DESC LIMIT ?"
            ),
            values,
        )?;
        Ok(rows
            .into_iter()
            .map(|(id, at, client, store_id, endpoint, external_id, status, error, duration_ms, address, times)| {
                LogRow {
                    id,
                    entry: LogEntry {
                        at,
                        client,
                        store_id,
                        endpoint,
                        external_id,
                        status,
                        error,
                        duration_ms,
                        address,
                        times,
                    },
                }
            })
            .collect())
    }

    fn stores(&mut self) -> Result<Vec<StoreRow>> {
        Ok(self
            .all::<StoreColumns>(&format!("SELECT {STORE_COLUMNS} FROM {{p}}stores"), vec![])?
            .into_iter()
            .map(store_row)
            .collect())
    }

    fn store(&mut self, store_id: &str) -> Result<Option<StoreRow>> {
        Ok(self
            .one::<StoreColumns>(
                &format!("SELECT {STORE_COLUMNS} FROM {{p}}stores WHERE store_id = ?"),
                vec![store_id.into()],
            )?
            .map(store_row))
    }

    fn api_keys(&mut self) -> Result<Vec<StoredKey>> {
        Ok(self
            .all::<KeyRow>(&format!("SELECT {KEY_COLUMNS} FROM {{p}}api_keys ORDER BY id DESC"), vec![])?
            .into_iter()
            .map(stored_key)
            .collect())
    }

    fn api_key(&mut self, id: i64) -> Result<Option<StoredKey>> {
        self.one_key("id = ?", id.into())
    }

    fn active_api_key(&mut self, lookup: &str) -> Result<Option<StoredKey>> {
        self.one_key("lookup = ? AND revoked_at IS NULL", lookup.into())
    }

    fn failure_window(&mut self, gate: Gate, address: &str) -> Result<Option<FailureWindow>> {
        Ok(self
            .one::<(i64, i64)>(
                "SELECT window_start, failures FROM {p}auth_failures WHERE gate = ? AND address = ?",
                vec![gate.name().into(), address.into()],
            )?
            .map(|(start, failures)| FailureWindow { start, failures }))
    }

    fn scan_entries(&mut self, visit: &mut dyn FnMut(EntryFact)) -> Result<()> {
        self.scan(
            "SELECT id, user_id, kind, amount FROM {p}entries ORDER BY user_id, id",
            |(id, user, kind, amount)| {
                visit(fact(id, user, kind, amount)?);
                Ok(())
            },
        )
    }

    fn scan_corrections(&mut self, visit: &mut dyn FnMut(CorrectionFact)) -> Result<()> {
        type Row = (i64, i64, i64, i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
        self.scan::<Row>(
            "SELECT e.id, e.user_id, e.kind, e.amount, o.id, o.user_id, o.kind, o.amount
             FROM {p}entries e LEFT JOIN {p}entries o ON o.id = e.original_id WHERE e.original_id IS NOT NULL",
            |(id, user, kind, amount, original_id, original_user, original_kind, original_amount)| {
                let original = match (original_id, original_user, original_kind, original_amount) {
                    (Some(id), Some(user), Some(kind), Some(amount)) => Some(fact(id, user, kind, amount)?),
                    _ => None,
                };
                visit(CorrectionFact { entry: fact(id, user, kind, amount)?, original });
                Ok(())
            },
        )
    }

    fn scan_accounts(&mut self, visit: &mut dyn FnMut(i64, i64)) -> Result<()> {
        self.scan("SELECT user_id, balance FROM {p}accounts", |(user_id, balance)| {
            visit(user_id, balance);
            Ok(())
        })
    }

    fn integrity(&mut self) -> Result<Option<String>> {
        let tables = ["entries", "accounts", "phones", "sync_log", "stores", "api_keys", "auth_failures"]
            .map(|table| format!("{}{table}", self.prefix))
            .join(", ");
        // CHECK TABLE answers (table, op, message type, message) rows; only errors are findings.
        let mut problems = Vec::new();
        self.scan::<(String, String, String, String)>(&format!("CHECK TABLE {tables}"), |(table, _, kind, text)| {
            if kind.eq_ignore_ascii_case("error") {
                problems.push(format!("{table}: {text}"));
            }
            Ok(())
        })?;
        Ok((!problems.is_empty()).then(|| problems.join("; ")))
    }

    fn count_rows(&mut self, table: Table) -> Result<u64> {
        let rows: Option<i64> = self.one(&format!("SELECT COUNT(*) FROM {{p}}{}", table.name()), vec![])?;
        Ok(rows.unwrap_or(0).unsigned_abs())
    }

    fn dump(&mut self, table: Table, after: Option<&[Cell]>, limit: usize) -> Result<Vec<CopiedRow>> {
        let statement = table.page_query(after.is_some()).replace("{t}", &format!("{{p}}{}", table.name()));
        let mut values: Vec<Value> =
            after.map(|last| table.page_parameters(last).iter().map(bound).collect()).unwrap_or_default();
        values.push((limit as u64).into());
        let rows: Vec<mysql::Row> = self.all(&statement, values)?;
        let columns = table.columns();
        rows.into_iter()
            .map(|row| {
                row.unwrap()
                    .into_iter()
                    .zip(columns)
                    .map(|(value, (name, kind))| copied_cell(value, *kind, name))
                    .collect()
            })
            .collect()
    }
}

impl Prefetch for MysqlTx<'_> {
    fn entries(&mut self, external_ids: &[&str]) -> Result<Vec<StoredEntry>> {
        type Row = (i64, String, i64, Option<String>, i64, i64, Option<String>);
        let rows = self.all_in::<Row, _>(
            "SELECT DISTINCT e.id, e.external_id, e.user_id, e.phone, e.kind, e.amount, o.external_id
             FROM {p}entries e LEFT JOIN {p}entries o ON o.id = e.original_id WHERE e.external_id IN ({set})",
            external_ids,
        )?;
        rows.into_iter()
            .map(|(id, external_id, user_id, phone, kind_number, amount, original_external_id)| {
                Ok(StoredEntry {
                    id,
                    external_id,
                    user_id,
                    phone,
                    kind: kind(kind_number)?,
                    amount,
                    original_external_id,
                })
            })
            .collect()
    }

    fn corrected(&mut self, entry_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        // A padded list names an id twice; IN matches each row once, so the sums are not doubled.
        self.all_in(
            "SELECT original_id, CAST(SUM(ABS(amount)) AS SIGNED) FROM {p}entries WHERE original_id IN ({set}) GROUP BY original_id",
            entry_ids,
        )
    }

    fn candidates(&mut self, phones: &[&str]) -> Result<Vec<(String, Candidate)>> {
        Ok(self
            .phone_links(phones)?
            .into_iter()
            .map(|link| {
                let candidate = link.candidate();
                (link.phone, candidate)
            })
            .collect())
    }

    fn balances(&mut self, users: &[i64]) -> Result<Vec<(i64, i64)>> {
        self.all_in("SELECT DISTINCT user_id, balance FROM {p}accounts WHERE user_id IN ({set})", users)
    }

    fn registered_stores(&mut self, store_ids: &[&str]) -> Result<Vec<String>> {
        self.all_in("SELECT DISTINCT store_id FROM {p}stores WHERE store_id IN ({set})", store_ids)
    }

    fn next_entry_id(&mut self) -> Result<i64> {
        let next: Option<i64> = self.one("SELECT COALESCE(MAX(id), 0) + 1 FROM {p}entries", vec![])?;
        next.ok_or_else(|| database_error("MAX(id) returned no row"))
    }
}

impl WriteTx for MysqlTx<'_> {
    fn insert_entries(&mut self, entries: &[NewEntry<'_>]) -> Result<()> {
        for chunk in entries.chunks(ENTRY_CHUNK) {
            let mut values = Vec::with_capacity(chunk.len() * 12);
            for entry in chunk {
                let request = entry.request;
                values.extend([
                    Value::from(entry.id),
                    request.external_id.into(),
                    entry.user_id.into(),
                    entry.phone().into(),
                    request.kind.number().into(),
                    request.amount.into(),
                    entry.original_id.into(),
                    request.source.into(),
                    request.store_id.into(),
                    request.description.into(),
                    request.created_at.into(),
                    entry.recorded_at.into(),
                ]);
            }
            let statement = multi_row_insert(
                "INSERT INTO {p}entries (id, external_id, user_id, phone, kind, amount, original_id, source, store_id, \
                 description, created_at, recorded_at) VALUES ",
                12,
                chunk.len(),
                "",
            );
            self.run(&statement, values)?;
        }
        Ok(())
    }

    fn put_balances(&mut self, balances: &[(i64, i64)], at: i64) -> Result<()> {
        for chunk in balances.chunks(ACCOUNT_CHUNK) {
            let values = chunk
                .iter()
                .flat_map(|(user, balance)| [Value::from(*user), Value::from(*balance), Value::from(at)])
                .collect();
            let statement = multi_row_insert(
                "INSERT INTO {p}accounts (user_id, balance, updated_at) VALUES ",
                3,
                chunk.len(),
                " ON DUPLICATE KEY UPDATE balance = VALUES(balance), updated_at = VALUES(updated_at)",
            );
            self.run(&statement, values)?;
        }
        Ok(())
    }

    fn append_log(&mut self, rows: &[LogEntry]) -> Result<()> {
        for chunk in rows.chunks(LOG_CHUNK) {
            let values = chunk
                .iter()
                .flat_map(|row| {
                    [
                        Value::from(row.at),
                        row.client.as_deref().into(),
                        row.store_id.as_deref().into(),
                        row.endpoint.as_str().into(),
                        row.external_id.as_deref().into(),
                        row.status.as_str().into(),
                        row.error.as_deref().into(),
                        row.duration_ms.into(),
                        row.address.as_deref().into(),
                        row.times.into(),
                    ]
                })
                .collect();
            let statement = multi_row_insert(
                "INSERT INTO {p}sync_log (at, client, store_id, endpoint, external_id, status, error, duration_ms, address, times) VALUES ",
                10,
                chunk.len(),
                "",
            );
            self.run(&statement, values)?;
        }
        for (store_id, at) in synclog::latest_by_store(rows) {
            self.run(
                "UPDATE {p}stores SET last_seen_at = GREATEST(COALESCE(last_seen_at, 0), ?) WHERE store_id = ?",
                vec![at.into(), store_id.into()],
            )?;
        }
        Ok(())
    }

    fn add_refusals(&mut self, refusals: &[Refusals]) -> Result<()> {
        for refusal in refusals {
            self.run(
                "INSERT INTO {p}sync_log (at, client, endpoint, status, error, duration_ms, address, times, refusal_window)
                 VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)
                 ON DUPLICATE KEY UPDATE times = times + VALUES(times), at = LEAST(at, VALUES(at)),
                     client = COALESCE(VALUES(client), client)",
                vec![
                    refusal.first_at.into(),
                    refusal.client.as_deref().into(),
                    refusal.endpoint.as_str().into(),
                    refusal.status.name().into(),
                    refusal.error.name().into(),
                    refusal.address.as_str().into(),
                    refusal.times.into(),
                    refusal.window_start().into(),
                ],
            )?;
        }
        Ok(())
    }

    fn delete_log_before(&mut self, before: i64) -> Result<usize> {
        Ok(self.run("DELETE FROM {p}sync_log WHERE at < ?", vec![before.into()])? as usize)
    }

    fn put_store(&mut self, store: &StoreRow) -> Result<()> {
        self.run(
            "INSERT INTO {p}stores (store_id, name, silence_hours, registered_at) VALUES (?, ?, ?, ?)
             ON DUPLICATE KEY UPDATE name = VALUES(name), silence_hours = VALUES(silence_hours),
                 registered_at = VALUES(registered_at)",
            vec![
                store.store_id.as_str().into(),
                store.name.as_deref().into(),
                store.silence_hours.into(),
                store.registered_at.into(),
            ],
        )?;
        Ok(())
    }

    fn put_phone_links(&mut self, links: &[PhoneLink]) -> Result<()> {
        for link in links {
            self.run(
                "INSERT INTO {p}phones (phone, user_id, verified) VALUES (?, ?, ?)
                 ON DUPLICATE KEY UPDATE verified = VALUES(verified)",
                vec![link.phone.as_str().into(), link.user_id.into(), link.verified.into()],
            )?;
        }
        Ok(())
    }

    fn delete_user_phones(&mut self, user_id: i64) -> Result<usize> {
        Ok(self.run("DELETE FROM {p}phones WHERE user_id = ?", vec![user_id.into()])? as usize)
    }

    fn insert_api_key(&mut self, key: &StoredKey) -> Result<i64> {
        self.run(
            "INSERT INTO {p}api_keys (name, store_id, lookup, hash, created_at, revoked_at, allowed_networks)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                key.name.as_str().into(),
                key.store_id.as_deref().into(),
                key.lookup.as_str().into(),
                key.hash.clone().into(),
                key.created_at.into(),
                key.revoked_at.into(),
                networks_column(&key.networks).into(),
            ],
        )?;
        i64::try_from(self.conn.last_insert_id()).map_err(|_| database_error("api key id out of range"))
    }

    fn set_api_key_networks(&mut self, id: i64, networks: &[IpNet]) -> Result<bool> {
        // Affected rows count rows found (CLIENT_FOUND_ROWS is not set): compare by existence instead.
        let exists = self.api_key(id)?.is_some();
        self.run(
            "UPDATE {p}api_keys SET allowed_networks = ? WHERE id = ?",
            vec![networks_column(networks).into(), id.into()],
        )?;
        Ok(exists)
    }

    fn revoke_api_key(&mut self, id: i64, at: i64) -> Result<()> {
        self.run("UPDATE {p}api_keys SET revoked_at = ? WHERE id = ?", vec![at.into(), id.into()])?;
        Ok(())
    }

    fn put_failure_window(&mut self, gate: Gate, address: &str, window: FailureWindow) -> Result<()> {
        self.run(
            "INSERT INTO {p}auth_failures (gate, address, window_start, failures) VALUES (?, ?, ?, ?)
             ON DUPLICATE KEY UPDATE window_start = VALUES(window_start), failures = VALUES(failures)",
            vec![gate.name().into(), address.into(), window.start.into(), window.failures.into()],
        )?;
        Ok(())
    }

    fn delete_failure_windows_before(&mut self, start: i64) -> Result<()> {
        self.run("DELETE FROM {p}auth_failures WHERE window_start < ?", vec![start.into()])?;
        Ok(())
    }

    fn load(&mut self, table: Table, rows: &[CopiedRow]) -> Result<()> {
        let columns: Vec<&str> = table.columns().iter().map(|(name, _)| *name).collect();
        for chunk in rows.chunks(LOAD_CHUNK) {
            let statement = multi_row_insert(
                &format!("INSERT INTO {{p}}{} ({}) VALUES ", table.name(), columns.join(", ")),
                columns.len(),
                chunk.len(),
                "",
            );
            self.run(&statement, chunk.iter().flatten().map(bound).collect())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_read_in_few_list_sizes() {
        let sizes = |count: usize| -> Vec<usize> {
            set_lists(&(0..count as i64).collect::<Vec<_>>()).iter().map(|(_, values)| values.len()).collect()
        };
        assert_eq!(sizes(1), [1]);
        assert_eq!(sizes(2), [8]);
        assert_eq!(sizes(64), [64]);
        assert_eq!(sizes(65), [512]);
        assert_eq!(sizes(1100), [512, 512, 512]);
        let (placeholders, values) = &set_lists(&[5_i64, 6, 7])[0];
        assert_eq!(placeholders.matches('?').count(), 8);
        assert_eq!(values.last(), Some(&Value::from(7_i64)), "padded with the last value");
    }
}
