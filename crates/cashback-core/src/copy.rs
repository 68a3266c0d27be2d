//! Copying a whole ledger from one store to another (`cashback
//! migrate-storage`, SQLite to MariaDB): every table row for row, ids kept,
//! in pages with progress; then both sides are read again and compared by a
//! digest of each table, so a copy that missed or changed a row (or a source
//! that was written to meanwhile) is reported, not trusted.
//!
//! The tables and their columns are listed here once; each adapter reads and
//! writes them through [`ReadTx::dump`](crate::store::ReadTx::dump) and
//! [`WriteTx::load`](crate::store::WriteTx::load). The failure windows of
//! the authentication throttle are not copied: they last five minutes.

use sha2::{Digest, Sha256};

use crate::{
    code::Code,
    error::{LedgerError, Result},
    ledger::Ledger,
};

/// A table of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Ledger entries.
    Entries,
    /// Cached balances.
    Accounts,
    /// Phone links.
    Phones,
    /// Registered stores.
    Stores,
    /// API keys.
    ApiKeys,
    /// The sync log.
    SyncLog,
}

/// How a column's values are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A 64-bit integer.
    Int,
    /// UTF-8 text.
    Text,
    /// Bytes.
    Blob,
}

use ColumnType::{Blob, Int, Text};

impl Table {
    /// Every table, in the order they are copied.
    pub const ALL: [Table; 6] =
        [Table::Stores, Table::ApiKeys, Table::Phones, Table::Accounts, Table::Entries, Table::SyncLog];

    /// The table's name without any prefix.
    pub fn name(self) -> &'static str {
        match self {
            Self::Entries => "entries",
            Self::Accounts => "accounts",
            Self::Phones => "phones",
            Self::Stores => "stores",
            Self::ApiKeys => "api_keys",
            Self::SyncLog => "sync_log",
        }
    }

    /// Its columns; the first [`Table::key_columns`] are its key, unique and the order rows are read in.
    pub fn columns(self) -> &'static [(&'static str, ColumnType)] {
        match self {
            Self::Entries => &[
                ("id", Int),
                ("external_id", Text),
                ("user_id", Int),
                ("phone", Text),
                ("kind", Int),
                ("amount", Int),
                ("original_id", Int),
                ("source", Text),
                ("store_id", Text),
                ("description", Text),
                ("created_at", Int),
                ("recorded_at", Int),
            ],
            Self::Accounts => &[("user_id", Int), ("balance", Int), ("updated_at", Int)],
            Self::Phones => &[("phone", Text), ("user_id", Int), ("verified", Int)],
            Self::Stores => &[
                ("store_id", Text),
                ("name", Text),
                ("silence_hours", Int),
                ("registered_at", Int),
                ("last_seen_at", Int),
            ],
            Self::ApiKeys => &[
                ("id", Int),
                ("name", Text),
                ("store_id", Text),
                ("lookup", Text),
                ("hash", Blob),
                ("created_at", Int),
                ("revoked_at", Int),
                ("allowed_networks", Text),
            ],
            Self::SyncLog => &[
                ("id", Int),
                ("at", Int),
                ("client", Text),
                ("store_id", Text),
                ("endpoint", Text),
                ("external_id", Text),
                ("status", Text),
                ("error", Text),
                ("duration_ms", Int),
                ("address", Text),
                ("times", Int),
                ("refusal_window", Int),
            ],
        }
    }

    /// How many leading columns make the key (phones: phone and user).
    pub fn key_columns(self) -> usize {
        if self == Self::Phones { 2 } else { 1 }
    }

    /// `SELECT` of a page after `after` key values: `(statement, whether it binds the key)`, with `{t}`
    /// for the table's name and `?` placeholders ending with the limit.
    pub fn page_query(self, after: bool) -> String {
        let columns: Vec<&str> = self.columns().iter().map(|(name, _)| *name).collect();
        let key = &columns[..self.key_columns()];
        let condition = match (after, key) {
            (false, _) => String::new(),
            (true, [single]) => format!(" WHERE {single} > ?"),
            // Written out rather than as a row comparison, which not every server reads through the index.
            (true, [first, second]) => format!(" WHERE {first} > ? OR ({first} = ? AND {second} > ?)"),
            (true, _) => unreachable!("keys have one or two columns"),
        };
        format!("SELECT {} FROM {{t}}{condition} ORDER BY {} LIMIT ?", columns.join(", "), key.join(", "))
    }

    /// The values `page_query(true)` binds before its limit, for the last row's key.
    pub fn page_parameters(self, last: &[Cell]) -> Vec<Cell> {
        match self.key_columns() {
            1 => vec![last[0].clone()],
            _ => vec![last[0].clone(), last[0].clone(), last[1].clone()],
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cell {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// A row: one cell per column of its table.
pub type Row = Vec<Cell>;

/// Rows read and written per commit.
pub const PAGE_ROWS: usize = 2_000;

/// What was copied of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    /// The table.
    pub table: Table,
    /// Rows copied.
    pub rows: u64,
    /// SHA-256 of the source's rows, in key order.
    pub source_digest: String,
    /// SHA-256 of the destination's rows after the copy.
    pub destination_digest: String,
}

impl TableCopy {
    /// Whether both sides hold the same rows.
    pub fn agrees(&self) -> bool {
        self.source_digest == self.destination_digest
    }
}

fn digest_row(hasher: &mut Sha256, row: &[Cell]) {
    for cell in row {
        // Tag and length first, so that no two different rows hash the same bytes.
        match cell {
            Cell::Null => hasher.update([0]),
            Cell::Int(value) => {
                hasher.update([1]);
                hasher.update(value.to_le_bytes());
            }
            Cell::Text(text) => {
                hasher.update([2]);
                hasher.update((text.len() as u64).to_le_bytes());
                hasher.update(text.as_bytes());
            }
            Cell::Blob(bytes) => {
                hasher.update([3]);
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(bytes);
            }
        }
    }
}

/// Reads `table` of `ledger` page by page, giving each page to `visit`.
fn each_page(ledger: &Ledger, table: Table, mut visit: impl FnMut(&[Row]) -> Result<()>) -> Result<()> {
    let mut after: Option<Row> = None;
    loop {
        let page = ledger.dump(table, after.as_deref(), PAGE_ROWS)?;
        if page.is_empty() {
            return Ok(());
        }
        visit(&page)?;
        if page.len() < PAGE_ROWS {
            return Ok(());
        }
        after = page.last().map(|row| row[..table.key_columns()].to_vec());
    }
}

/// The digest of a table's rows in key order.
fn digest(ledger: &Ledger, table: Table) -> Result<String> {
    let mut hasher = Sha256::new();
    each_page(ledger, table, |page| {
        page.iter().for_each(|row| digest_row(&mut hasher, row));
        Ok(())
    })?;
    Ok(hex::encode(hasher.finalize()))
}

/// Copies every table of `source` into the empty `destination`, reporting
/// `(table, rows done, rows in the table)` after each page, then compares both.
///
/// # Errors
/// `invalid_argument` when the destination holds any ledger data; storage faults of either side.
pub fn copy(
    source: &Ledger,
    destination: &Ledger,
    progress: &mut dyn FnMut(Table, u64, u64),
) -> Result<Vec<TableCopy>> {
    for table in Table::ALL {
        let rows = destination.count_rows(table)?;
        if rows > 0 {
            return Err(LedgerError::refused(
                Code::InvalidArgument,
                format!(
                    "the destination already holds {rows} {} rows; migrate into a database without a ledger",
                    table.name()
                ),
            ));
        }
    }
    let mut report = Vec::with_capacity(Table::ALL.len());
    for table in Table::ALL {
        let total = source.count_rows(table)?;
        let mut done = 0_u64;
        progress(table, done, total);
        let mut hasher = Sha256::new();
        each_page(source, table, |page| {
            destination.load(table, page)?;
            page.iter().for_each(|row| digest_row(&mut hasher, row));
            done += page.len() as u64;
            progress(table, done, total.max(done));
            Ok(())
        })?;
        report.push(TableCopy {
            table,
            rows: done,
            source_digest: hex::encode(hasher.finalize()),
            destination_digest: digest(destination, table)?,
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_read_in_key_order_after_the_last_key() {
        assert_eq!(
            Table::Accounts.page_query(false),
            "SELECT user_id, balance, updated_at FROM {t} ORDER BY user_id LIMIT ?"
        );
        assert_eq!(
            Table::Phones.page_query(true),
            "SELECT phone, user_id, verified FROM {t} WHERE phone > ? OR (phone = ? AND user_id > ?) ORDER BY phone, user_id LIMIT ?"
        );
        let last = [Cell::Text("7900".into()), Cell::Int(3), Cell::Int(1)];
        assert_eq!(Table::Phones.page_parameters(&last), [last[0].clone(), last[0].clone(), Cell::Int(3)]);
    }

    #[test]
    fn the_digest_tells_a_null_from_an_empty_text_and_split_texts_apart() {
        let hash = |row: &[Cell]| {
            let mut hasher = Sha256::new();
            digest_row(&mut hasher, row);
            hex::encode(hasher.finalize())
        };
        assert_ne!(hash(&[Cell::Null]), hash(&[Cell::Text(String::new())]));
        assert_ne!(
            hash(&[Cell::Text("ab".into()), Cell::Text("c".into())]),
            hash(&[Cell::Text("a".into()), Cell::Text("bc".into())])
        );
        assert_ne!(hash(&[Cell::Int(1)]), hash(&[Cell::Text("1".into())]));
    }
}
