//! The SQL of every read and write of the port, on one connection.
//!
//! Sets go in as one JSON array parameter (`IN (SELECT value FROM json_each(?))`),
//! so a batch of 10,000 items reads each table once; rows go out in
//! multi-row INSERTs. Statements come from the connection's statement cache.

use cashback_core::{
    copy::{Cell, ColumnType, Row as CopiedRow, Table},
    error::Result,
    keys::{FailureWindow, Gate, StoredKey},
    phones::{Candidate, PhoneLink},
    store::{Account, HistoryEntry, NewEntry, Prefetch, ReadTx, StoredEntry, WriteTx},
    synclog::{self, LogEntry, LogFilter, LogRow, Refusals, StoreRow},
    tx::Kind,
    verify::{CorrectionFact, EntryFact},
};
use ipnet::IpNet;
use rusqlite::{
    Connection, OptionalExtension, Params, Row, ToSql, params, params_from_iter,
    types::{Value, ValueRef},
};

use crate::error::sql;

/// Reads and writes on one connection (inside [`crate::SqliteStore::write`], in its transaction).
pub struct SqliteTx<'c> {
    pub(crate) db: &'c Connection,
}

const ENTRY_COLUMNS: usize = 12;
/// Rows per INSERT: large enough to amortize statement cost, well under SQLite's 32766 variables.
const ENTRY_CHUNK: usize = 256;
const ACCOUNT_CHUNK: usize = 512;
const LOG_COLUMNS: usize = 10;
const LOG_CHUNK: usize = 256;

/// `INSERT … VALUES (?, …), (?, …) …` for `rows` rows of `columns` values.
fn multi_row_insert(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    let mut text = String::with_capacity(head.len() + rows * (row.len() + 2) + tail.len());
    text.push_str(head);
    text.push_str(&vec![row; rows].join(", "));
    text.push_str(tail);
    text
}

/// One JSON array parameter stands for a whole set in `IN (SELECT value FROM json_each(?))`.
fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).expect("plain values serialize")
}

/// Reads an `entries.kind` column, refusing numbers the schema cannot hold.
fn kind_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Kind> {
    let number: i64 = row.get(index)?;
    Kind::from_number(number).ok_or(rusqlite::Error::IntegralValueOutOfRange(index, number))
}

/// `api_keys.allowed_networks`: a JSON list of CIDR blocks, NULL for any address.
fn networks_column(networks: &[IpNet]) -> Option<String> {
    (!networks.is_empty()).then(|| json_list(&networks.iter().map(ToString::to_string).collect::<Vec<_>>()))
}

fn networks_from_column(column: Option<String>) -> Vec<IpNet> {
    column
        .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
        .map(|list| list.iter().filter_map(|text| text.parse().ok()).collect())
        .unwrap_or_default()
}

const KEY_COLUMNS: &str = "id, name, store_id, lookup, hash, created_at, revoked_at, allowed_networks";

fn key_row(row: &Row<'_>) -> rusqlite::Result<StoredKey> {
    Ok(StoredKey {
        id: row.get(0)?,
        name: row.get(1)?,
        store_id: row.get(2)?,
        lookup: row.get(3)?,
        hash: row.get(4)?,
        created_at: row.get(5)?,
        revoked_at: row.get(6)?,
        networks: networks_from_column(row.get(7)?),
    })
}

const STORE_COLUMNS: &str = "store_id, name, silence_hours, registered_at, last_seen_at";

fn store_row(row: &Row<'_>) -> rusqlite::Result<StoreRow> {
    Ok(StoreRow {
        store_id: row.get(0)?,
        name: row.get(1)?,
        silence_hours: row.get(2)?,
        registered_at: row.get(3)?,
        last_seen_at: row.get(4)?,
    })
}

fn entry_fact(row: &Row<'_>, first: usize) -> rusqlite::Result<EntryFact> {
    Ok(EntryFact {
        id: row.get(first)?,
        user_id: row.get(first + 1)?,
        kind: kind_column(row, first + 2)?,
        amount: row.get(first + 3)?,
    })
}

fn link_row(row: &Row<'_>) -> rusqlite::Result<PhoneLink> {
    Ok(PhoneLink { phone: row.get(0)?, user_id: row.get(1)?, verified: row.get(2)? })
}

/// A cell of a copied row as SQLite binds it.
fn bound(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Int(value) => Value::Integer(*value),
        Cell::Text(text) => Value::Text(text.clone()),
        Cell::Blob(bytes) => Value::Blob(bytes.clone()),
    }
}

/// Column `index` of a dumped row, read as its column type says.
fn copied_cell(row: &Row<'_>, index: usize, kind: ColumnType) -> rusqlite::Result<Cell> {
    let wrong =
        || rusqlite::Error::InvalidColumnType(index, format!("column {index}"), row.get_ref_unwrap(index).data_type());
    Ok(match (row.get_ref(index)?, kind) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Integer(value), ColumnType::Int) => Cell::Int(value),
        (ValueRef::Text(text), ColumnType::Text) => {
            Cell::Text(std::str::from_utf8(text).map_err(|error| rusqlite::Error::Utf8Error(index, error))?.to_owned())
        }
        (ValueRef::Blob(bytes), ColumnType::Blob) => Cell::Blob(bytes.to_vec()),
        _ => return Err(wrong()),
    })
}

/// Rows of a copied table per INSERT (12 columns at most, well under SQLite's variable limit).
const LOAD_CHUNK: usize = 256;

fn pair_row(row: &Row<'_>) -> rusqlite::Result<(i64, i64)> {
    Ok((row.get(0)?, row.get(1)?))
}

impl SqliteTx<'_> {
    /// Every row of a cached statement, mapped.
    fn all<T>(
        &self,
        statement: &str,
        parameters: impl Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        sql(self.db.prepare_cached(statement).and_then(|mut statement| statement.query_map(parameters, map)?.collect()))
    }

    /// The row of a cached statement, if there is one, mapped.
    fn one<T>(
        &self,
        statement: &str,
        parameters: impl Params,
        map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        sql(self.db.prepare_cached(statement).and_then(|mut statement| statement.query_row(parameters, map).optional()))
    }

    fn one_key(&self, condition: &str, parameter: &dyn ToSql) -> Result<Option<StoredKey>> {
        self.one(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE {condition}"), [parameter], key_row)
    }

    fn scan(&self, statement: &str, mut visit: impl FnMut(&Row<'_>) -> rusqlite::Result<()>) -> Result<()> {
        sql((|| {
            let mut statement = self.db.prepare(statement)?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                visit(row)?;
            }
            Ok(())
        })())
    }
}

impl ReadTx for SqliteTx<'_> {
    fn account(&mut self, user_id: i64) -> Result<Option<Account>> {
        self.one("SELECT balance, updated_at FROM accounts WHERE user_id = ?1", [user_id], |row| {
            Ok(Account { balance: row.get(0)?, updated_at: row.get(1)? })
        })
    }

    fn phone_links(&mut self, phones: &[&str]) -> Result<Vec<PhoneLink>> {
        // One phone, the balance lookup of every register request, needs no JSON set.
        match phones {
            [phone] => self.all("SELECT phone, user_id, verified FROM phones WHERE phone = ?1", [phone], link_row),
            _ => self.all(
                "SELECT phone, user_id, verified FROM phones WHERE phone IN (SELECT value FROM json_each(?1))",
                [json_list(phones)],
                link_row,
            ),
        }
    }

    fn phone_accounts(&mut self, phone: &str) -> Result<Vec<(PhoneLink, Option<Account>)>> {
        self.all(
            "SELECT p.phone, p.user_id, p.verified, a.balance, a.updated_at
             FROM phones p LEFT JOIN accounts a ON a.user_id = p.user_id WHERE p.phone = ?1",
            [phone],
            |row| {
                let account = match (row.get::<_, Option<i64>>(3)?, row.get::<_, Option<i64>>(4)?) {
                    (Some(balance), Some(updated_at)) => Some(Account { balance, updated_at }),
                    _ => None,
                };
                Ok((link_row(row)?, account))
            },
        )
    }

    fn user_phones(&mut self, user_id: i64) -> Result<Vec<PhoneLink>> {
        self.all("SELECT phone, user_id, verified FROM phones WHERE user_id = ?1 ORDER BY phone", [user_id], link_row)
    }

    fn history(&mut self, user_id: i64, before: Option<i64>, limit: usize) -> Result<Vec<HistoryEntry>> {
        self.all(
            "SELECT e.id, e.external_id, e.kind, e.amount, e.source, e.store_id, e.description, e.created_at,
                    e.recorded_at, o.external_id
             FROM entries e LEFT JOIN entries o ON o.id = e.original_id
             WHERE e.user_id = ?1 AND (?2 IS NULL OR e.id < ?2) ORDER BY e.id DESC LIMIT ?3",
            params![user_id, before, limit as i64],
            |row| {
                Ok(HistoryEntry {
                    id: row.get(0)?,
                    external_id: row.get(1)?,
                    kind: kind_column(row, 2)?,
                    amount: row.get(3)?,
                    source: row.get(4)?,
                    store_id: row.get(5)?,
                    description: row.get(6)?,
                    created_at: row.get(7)?,
                    recorded_at: row.get(8)?,
                    original_external_id: row.get(9)?,
                })
            },
        )
    }

    fn sync_log(&mut self, filter: &LogFilter, before: Option<i64>, limit: usize) -> Result<Vec<LogRow>> {
        self.all(
            "SELECT id, at, client, store_id, endpoint, external_id, status, error, duration_ms, address, times FROM sync_log
             WHERE (?1 IS NULL OR store_id = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR external_id = ?3)
               AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5) AND (?6 IS NULL OR id < ?6)
             ORDER BY id DESC LIMIT ?7",
            params![filter.store_id, filter.status, filter.external_id, filter.from, filter.to, before, limit as i64],
            |row| {
                Ok(LogRow {
                    id: row.get(0)?,
                    entry: LogEntry {
                        at: row.get(1)?,
                        client: row.get(2)?,
                        store_id: row.get(3)?,
                        endpoint: row.get(4)?,
                        external_id: row.get(5)?,
                        status: row.get(6)?,
                        error: row.get(7)?,
                        duration_ms: row.get(8)?,
                        address: row.get(9)?,
                        times: row.get(10)?,
                    },
                })
            },
        )
    }

    fn stores(&mut self) -> Result<Vec<StoreRow>> {
        self.all(&format!("SELECT {STORE_COLUMNS} FROM stores"), [], store_row)
    }

    fn store(&mut self, store_id: &str) -> Result<Option<StoreRow>> {
        self.one(&format!("SELECT {STORE_COLUMNS} FROM stores WHERE store_id = ?1"), [store_id], store_row)
    }

    fn api_keys(&mut self) -> Result<Vec<StoredKey>> {
        self.all(&format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY id DESC"), [], key_row)
    }

    fn api_key(&mut self, id: i64) -> Result<Option<StoredKey>> {
        self.one_key("id = ?1", &id)
    }

    fn active_api_key(&mut self, lookup: &str) -> Result<Option<StoredKey>> {
        self.one_key("lookup = ?1 AND revoked_at IS NULL", &lookup)
    }

    fn failure_window(&mut self, gate: Gate, address: &str) -> Result<Option<FailureWindow>> {
        self.one(
            "SELECT window_start, failures FROM auth_failures WHERE gate = ?1 AND address = ?2",
            [gate.name(), address],
            |row| Ok(FailureWindow { start: row.get(0)?, failures: row.get(1)? }),
        )
    }

    fn scan_entries(&mut self, visit: &mut dyn FnMut(EntryFact)) -> Result<()> {
        self.scan("SELECT id, user_id, kind, amount FROM entries ORDER BY user_id, id", |row| {
            visit(entry_fact(row, 0)?);
            Ok(())
        })
    }

    fn scan_corrections(&mut self, visit: &mut dyn FnMut(CorrectionFact)) -> Result<()> {
        self.scan(
            "SELECT e.id, e.user_id, e.kind, e.amount, o.id, o.user_id, o.kind, o.amount
             FROM entries e LEFT JOIN entries o ON o.id = e.original_id WHERE e.original_id IS NOT NULL",
            |row| {
                let original = match row.get::<_, Option<i64>>(4)? {
                    Some(_) => Some(entry_fact(row, 4)?),
                    None => None,
                };
                visit(CorrectionFact { entry: entry_fact(row, 0)?, original });
                Ok(())
            },
        )
    }

    fn scan_accounts(&mut self, visit: &mut dyn FnMut(i64, i64)) -> Result<()> {
        self.scan("SELECT user_id, balance FROM accounts", |row| {
            let (user_id, balance) = pair_row(row)?;
            visit(user_id, balance);
            Ok(())
        })
    }

    fn integrity(&mut self) -> Result<Option<String>> {
        let verdict: String = sql(self.db.query_row("PRAGMA quick_check", [], |row| row.get(0)))?;
        Ok((verdict != "ok").then_some(verdict))
    }

    fn count_rows(&mut self, table: Table) -> Result<u64> {
        let rows: i64 =
            sql(self.db.query_row(&format!("SELECT count(*) FROM {}", table.name()), [], |row| row.get(0)))?;
        Ok(rows.unsigned_abs())
    }

    fn dump(&mut self, table: Table, after: Option<&[Cell]>, limit: usize) -> Result<Vec<CopiedRow>> {
        let statement = table.page_query(after.is_some()).replace("{t}", table.name());
        let mut values: Vec<Value> =
            after.map(|last| table.page_parameters(last).iter().map(bound).collect()).unwrap_or_default();
        values.push(Value::Integer(limit as i64));
        let columns = table.columns();
        self.all(&statement, params_from_iter(values), |row| {
            columns.iter().enumerate().map(|(index, (_, kind))| copied_cell(row, index, *kind)).collect()
        })
    }
}

impl Prefetch for SqliteTx<'_> {
    fn entries(&mut self, external_ids: &[&str]) -> Result<Vec<StoredEntry>> {
        self.all(
            "SELECT e.id, e.external_id, e.user_id, e.phone, e.kind, e.amount, o.external_id
             FROM entries e LEFT JOIN entries o ON o.id = e.original_id
             WHERE e.external_id IN (SELECT value FROM json_each(?1))",
            [json_list(external_ids)],
            |row| {
                Ok(StoredEntry {
                    id: row.get(0)?,
                    external_id: row.get(1)?,
                    user_id: row.get(2)?,
                    phone: row.get(3)?,
                    kind: kind_column(row, 4)?,
                    amount: row.get(5)?,
                    original_external_id: row.get(6)?,
                })
            },
        )
    }

    fn corrected(&mut self, entry_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        self.all(
            "SELECT original_id, sum(abs(amount)) FROM entries
             WHERE original_id IN (SELECT value FROM json_each(?1)) GROUP BY original_id",
            [json_list(entry_ids)],
            pair_row,
        )
    }

    fn candidates(&mut self, phones: &[&str]) -> Result<Vec<(String, Candidate)>> {
        let links = self.phone_links(phones)?;
        Ok(links
            .into_iter()
            .map(|link| {
                let candidate = link.candidate();
                (link.phone, candidate)
            })
            .collect())
    }

    fn balances(&mut self, users: &[i64]) -> Result<Vec<(i64, i64)>> {
        self.all(
            "SELECT user_id, balance FROM accounts WHERE user_id IN (SELECT value FROM json_each(?1))",
            [json_list(users)],
            pair_row,
        )
    }

    fn registered_stores(&mut self, store_ids: &[&str]) -> Result<Vec<String>> {
        self.all(
            "SELECT store_id FROM stores WHERE store_id IN (SELECT value FROM json_each(?1))",
            [json_list(store_ids)],
            |row| row.get(0),
        )
    }

    fn next_entry_id(&mut self) -> Result<i64> {
        // An aggregate always returns its one row.
        sql(self
            .db
            .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM entries")
            .and_then(|mut statement| statement.query_row([], |row| row.get(0))))
    }
}

impl WriteTx for SqliteTx<'_> {
    fn insert_entries(&mut self, entries: &[NewEntry<'_>]) -> Result<()> {
        for chunk in entries.chunks(ENTRY_CHUNK) {
            let kinds: Vec<i64> = chunk.iter().map(|entry| entry.request.kind.number()).collect();
            let phones: Vec<Option<&str>> = chunk.iter().map(NewEntry::phone).collect();
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * ENTRY_COLUMNS);
            for ((entry, phone), kind) in chunk.iter().zip(&phones).zip(&kinds) {
                let request = entry.request;
                values.extend([
                    &entry.id as &dyn ToSql,
                    &request.external_id,
                    &entry.user_id,
                    phone,
                    kind,
                    &request.amount,
                    &entry.original_id,
                    &request.source,
                    &request.store_id,
                    &request.description,
                    &request.created_at,
                    &entry.recorded_at,
                ]);
            }
            let statement = multi_row_insert(
                "INSERT INTO entries (id, external_id, user_id, phone, kind, amount, original_id, source, store_id, \
                 description, created_at, recorded_at) VALUES ",
                ENTRY_COLUMNS,
                chunk.len(),
                "",
            );
            sql(self
                .db
                .prepare_cached(&statement)
                .and_then(|mut statement| statement.execute(params_from_iter(values))))?;
        }
        Ok(())
    }

    fn put_balances(&mut self, balances: &[(i64, i64)], at: i64) -> Result<()> {
        for chunk in balances.chunks(ACCOUNT_CHUNK) {
            let values: Vec<&dyn ToSql> =
                chunk.iter().flat_map(|(user, balance)| [user as &dyn ToSql, balance, &at]).collect();
            let statement = multi_row_insert(
                "INSERT INTO accounts (user_id, balance, updated_at) VALUES ",
                3,
                chunk.len(),
                " ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance, updated_at = excluded.updated_at",
            );
            sql(self
                .db
                .prepare_cached(&statement)
                .and_then(|mut statement| statement.execute(params_from_iter(values))))?;
        }
        Ok(())
    }

    fn append_log(&mut self, rows: &[LogEntry]) -> Result<()> {
        for chunk in rows.chunks(LOG_CHUNK) {
            let values: Vec<&dyn ToSql> = chunk
                .iter()
                .flat_map(|row| {
                    [
                        &row.at as &dyn ToSql,
                        &row.client,
                        &row.store_id,
                        &row.endpoint,
                        &row.external_id,
                        &row.status,
                        &row.error,
                        &row.duration_ms,
                        &row.address,
                        &row.times,
                    ]
                })
                .collect();
            let statement = multi_row_insert(
                "INSERT INTO sync_log (at, client, store_id, endpoint, external_id, status, error, duration_ms, address, times) VALUES ",
                LOG_COLUMNS,
                chunk.len(),
                "",
            );
            sql(self
                .db
                .prepare_cached(&statement)
                .and_then(|mut statement| statement.execute(params_from_iter(values))))?;
        }
        for (store_id, at) in synclog::latest_by_store(rows) {
            sql(self
                .db
                .prepare_cached(
                    "UPDATE stores SET last_seen_at = max(coalesce(last_seen_at, 0), ?2) WHERE store_id = ?1",
                )
                .and_then(|mut statement| statement.execute(params![store_id, at])))?;
        }
        Ok(())
    }

    fn add_refusals(&mut self, refusals: &[Refusals]) -> Result<()> {
        let mut statement = sql(self.db.prepare_cached(
            "INSERT INTO sync_log (at, client, endpoint, status, error, duration_ms, address, times, refusal_window)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8)
             ON CONFLICT (status, address, refusal_window) WHERE refusal_window IS NOT NULL DO UPDATE SET
                 times = times + excluded.times, at = min(at, excluded.at), client = coalesce(excluded.client, client)",
        ))?;
        for refusal in refusals {
            sql(statement.execute(params![
                refusal.first_at,
                refusal.client,
                refusal.endpoint,
                refusal.status.name(),
                refusal.error.name(),
                refusal.address,
                refusal.times,
                refusal.window_start(),
            ]))?;
        }
        Ok(())
    }

    fn delete_log_before(&mut self, before: i64) -> Result<usize> {
        sql(self.db.execute("DELETE FROM sync_log WHERE at < ?1", [before]))
    }

    fn put_store(&mut self, store: &StoreRow) -> Result<()> {
        sql(self.db.execute(
            "INSERT INTO stores (store_id, name, silence_hours, registered_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (store_id) DO UPDATE SET name = excluded.name, silence_hours = excluded.silence_hours,
                 registered_at = excluded.registered_at",
            params![store.store_id, store.name, store.silence_hours, store.registered_at],
        ))?;
        Ok(())
    }

    fn put_phone_links(&mut self, links: &[PhoneLink]) -> Result<()> {
        sql((|| {
            let mut statement = self.db.prepare_cached(
                "INSERT INTO phones (phone, user_id, verified) VALUES (?1, ?2, ?3)
                 ON CONFLICT (phone, user_id) DO UPDATE SET verified = excluded.verified",
            )?;
            for link in links {
                statement.execute(params![link.phone, link.user_id, link.verified])?;
            }
            Ok(())
        })())
    }

    fn delete_user_phones(&mut self, user_id: i64) -> Result<usize> {
        sql(self.db.execute("DELETE FROM phones WHERE user_id = ?1", [user_id]))
    }

    fn insert_api_key(&mut self, key: &StoredKey) -> Result<i64> {
        sql(self.db.execute(
            "INSERT INTO api_keys (name, store_id, lookup, hash, created_at, revoked_at, allowed_networks)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                key.name,
                key.store_id,
                key.lookup,
                key.hash,
                key.created_at,
                key.revoked_at,
                networks_column(&key.networks)
            ],
        ))?;
        Ok(self.db.last_insert_rowid())
    }

    fn set_api_key_networks(&mut self, id: i64, networks: &[IpNet]) -> Result<bool> {
        let changed = sql(self.db.execute(
            "UPDATE api_keys SET allowed_networks = ?2 WHERE id = ?1",
            params![id, networks_column(networks)],
        ))?;
        Ok(changed > 0)
    }

    fn revoke_api_key(&mut self, id: i64, at: i64) -> Result<()> {
        sql(self.db.execute("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1", params![id, at]))?;
        Ok(())
    }

    fn put_failure_window(&mut self, gate: Gate, address: &str, window: FailureWindow) -> Result<()> {
        sql(self
            .db
            .prepare_cached(
                "INSERT INTO auth_failures (gate, address, window_start, failures) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (gate, address) DO UPDATE SET window_start = excluded.window_start, failures = excluded.failures",
            )
            .and_then(|mut statement| statement.execute(params![gate.name(), address, window.start, window.failures])))?;
        Ok(())
    }

    fn delete_failure_windows_before(&mut self, start: i64) -> Result<()> {
        sql(self
            .db
            .prepare_cached("DELETE FROM auth_failures WHERE window_start < ?1")
            .and_then(|mut statement| statement.execute([start])))?;
        Ok(())
    }

    fn load(&mut self, table: Table, rows: &[CopiedRow]) -> Result<()> {
        let columns: Vec<&str> = table.columns().iter().map(|(name, _)| *name).collect();
        for chunk in rows.chunks(LOAD_CHUNK) {
            let statement = multi_row_insert(
                &format!("INSERT INTO {} ({}) VALUES ", table.name(), columns.join(", ")),
                columns.len(),
                chunk.len(),
                "",
            );
            let values: Vec<Value> = chunk.iter().flatten().map(bound).collect();
            sql(self
                .db
                .prepare_cached(&statement)
                .and_then(|mut statement| statement.execute(params_from_iter(values))))?;
        }
        Ok(())
    }
}
