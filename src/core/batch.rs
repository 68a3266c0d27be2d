//! The set-wise batch engine behind every write.
//!
//! A batch (a single transaction is a batch of one) runs in three steps inside
//! one `BEGIN IMMEDIATE` transaction:
//! 1. [`BatchState::load`] reads once everything the batch touches: entries
//!    with its external_ids and originals, what is left of those originals, the
//!    phones it names and the balances of their users.
//! 2. [`BatchState::decide`] settles each item in order, in memory, so later
//!    items see earlier ones (a debit can spend an accrual from the same batch).
//! 3. [`BatchState::write`] inserts the accepted entries with multi-row
//!    statements and writes each touched balance once.
//!
//! The caller commits once: one fsync however long the batch.

use std::borrow::Cow;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use rusqlite::{Connection, ToSql, params_from_iter};
use serde_json::Value;

use super::{
    error::{Result, TxError},
    money,
    phones::{self, Candidates},
    tx::{Kind, TxRequest, UserRef},
};

/// What the ledger knows of one accepted entry: read from the database, or
/// accepted earlier in this batch (then its texts borrow from the request).
#[derive(Debug, Clone)]
struct Known<'r> {
    id: i64,
    user_id: i64,
    phone: Option<Cow<'r, str>>,
    kind: Kind,
    amount: i64,
    original_external_id: Option<Cow<'r, str>>,
}

/// The result of one item, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written now.
    Applied { external_id: String, transaction_id: i64, user_id: i64, balance: i64 },
    /// Written before with the same values; nothing changed.
    Duplicate { external_id: String, transaction_id: i64, user_id: i64 },
    /// Refused; nothing written.
    Rejected { external_id: Option<String>, error: TxError },
}

impl Outcome {
    /// `success`, `duplicate` or `error`.
    pub fn status(&self) -> &'static str {
        match self {
            Self::Applied { .. } => "success",
            Self::Duplicate { .. } => "duplicate",
            Self::Rejected { .. } => "error",
        }
    }

    /// The item's external_id, if it had one.
    pub fn external_id(&self) -> Option<&str> {
        match self {
            Self::Applied { external_id, .. } | Self::Duplicate { external_id, .. } => Some(external_id),
            Self::Rejected { external_id, .. } => external_id.as_deref(),
        }
    }

    /// The error code of a refusal.
    pub fn error_code(&self) -> Option<&'static str> {
        match self {
            Self::Rejected { error, .. } => Some(error.code()),
            _ => None,
        }
    }

    /// The result as callers see it, field by field in wire order: what both the
    /// JSON form ([`Outcome::to_json`]) and the PHP binding's arrays are built from.
    pub fn fields(&self) -> Vec<(&'static str, ResultValue<'_>)> {
        use ResultValue::{Bool, Int, Money, Names, Null, Text};
        match self {
            Self::Applied { external_id, transaction_id, user_id, balance } => vec![
                ("external_id", Text(external_id)),
                ("status", Text("success")),
                ("transaction_id", Int(*transaction_id)),
                ("user_id", Int(*user_id)),
                ("balance", Money(*balance)),
                ("negative_balance", Bool(*balance < 0)),
            ],
            Self::Duplicate { external_id, transaction_id, user_id } => vec![
                ("external_id", Text(external_id)),
                ("status", Text("duplicate")),
                ("transaction_id", Int(*transaction_id)),
                ("user_id", Int(*user_id)),
            ],
            Self::Rejected { external_id, error } => {
                let mut fields = vec![
                    ("external_id", external_id.as_deref().map_or(Null, Text)),
                    ("status", Text("error")),
                    ("error", Text(error.code())),
                ];
                match error {
                    TxError::Validation { field, message } => {
                        fields.extend([("field", Text(field)), ("message", Text(message))]);
                    }
                    TxError::InsufficientBalance { balance } => fields.push(("balance", Money(*balance))),
                    TxError::ExceedsOriginal { remaining } => fields.push(("remaining", Money(*remaining))),
                    TxError::ExternalIdConflict { fields: names } => fields.push(("fields", Names(names))),
                    _ => {}
                }
                fields
            }
        }
    }

    /// The result as a JSON object; amounts in rubles.
    pub fn to_json(&self) -> Value {
        Value::Object(self.fields().into_iter().map(|(name, value)| (name.to_owned(), value.to_json())).collect())
    }
}

/// One field of an [`Outcome`], borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ResultValue<'a> {
    /// A string.
    Text(&'a str),
    /// An integer (ids).
    Int(i64),
    /// An amount in minor units, shown in rubles.
    Money(i64),
    /// A flag.
    Bool(bool),
    /// No value.
    Null,
    /// A list of field names.
    Names(&'a [&'static str]),
}

impl ResultValue<'_> {
    /// The value as JSON.
    pub fn to_json(self) -> Value {
        match self {
            Self::Text(text) => Value::from(text),
            Self::Int(int) => Value::from(int),
            Self::Money(minor) => money::minor_to_json(minor),
            Self::Bool(flag) => Value::Bool(flag),
            Self::Null => Value::Null,
            Self::Names(names) => Value::from(names.to_vec()),
        }
    }
}

/// An entry accepted by this batch, waiting to be inserted.
struct NewEntry {
    id: i64,
    request_index: usize,
    user_id: i64,
    original_id: Option<i64>,
}

/// Everything a batch reads, then decides on, then writes.
pub struct BatchState<'r> {
    requests: Vec<Option<&'r TxRequest<'r>>>,
    known: HashMap<Cow<'r, str>, Known<'r>>,
    consumed: HashMap<i64, i64>,
    phones: HashMap<String, Candidates>,
    balances: HashMap<i64, i64>,
    touched: HashSet<i64>,
    next_id: i64,
    accepted: Vec<NewEntry>,
}

impl<'r> BatchState<'r> {
    /// Reads what the valid requests touch, in a handful of set queries.
    ///
    /// # Errors
    /// Storage faults.
    pub fn load(db: &Connection, requests: Vec<Option<&'r TxRequest<'r>>>) -> Result<Self> {
        let valid = || requests.iter().flatten();
        let mut ids: Vec<&str> = valid().map(|tx| tx.external_id).collect();
        ids.extend(valid().filter_map(|tx| tx.original_external_id));
        let known = load_known(db, &ids)?;
        let consumed = load_consumed(db, known.values().map(|entry| entry.id))?;
        let phone_list: Vec<&str> = valid()
            .filter_map(|tx| match &tx.user {
                UserRef::Phone(phone) => Some(phone.as_str()),
                UserRef::Id(_) => None,
            })
            .collect();
        let phones = phones::load_candidates(db, &phone_list)?;
        let mut users: Vec<i64> = phones.values().flatten().map(|candidate| candidate.user_id).collect();
        users.extend(valid().filter_map(|tx| match tx.user {
            UserRef::Id(id) => Some(id),
            UserRef::Phone(_) => None,
        }));
        users.extend(known.values().map(|entry| entry.user_id));
        let balances = load_balances(db, &users)?;
        let next_id = db.query_row("SELECT coalesce(max(id), 0) + 1 FROM entries", [], |row| row.get(0))?;
        Ok(Self {
            requests,
            known,
            consumed,
            phones,
            balances,
            touched: HashSet::default(),
            next_id,
            accepted: Vec::new(),
        })
    }

    /// Settles item `index`, given its validation result.
    pub fn decide(
        &mut self,
        index: usize,
        parsed: &'r std::result::Result<TxRequest<'r>, TxError>,
        raw_external_id: Option<String>,
    ) -> Outcome {
        let tx = match parsed {
            Ok(tx) => tx,
            Err(error) => return Outcome::Rejected { external_id: raw_external_id, error: error.clone() },
        };
        let outcome = match self.known.get(tx.external_id) {
            Some(previous) => self.compare_with(previous, tx),
            None => self.accept(index, tx),
        };
        outcome.unwrap_or_else(|error| Outcome::Rejected { external_id: Some(tx.external_id.to_owned()), error })
    }

    fn resolve(&self, user: &UserRef) -> std::result::Result<i64, TxError> {
        match user {
            UserRef::Id(id) => Ok(*id),
            UserRef::Phone(phone) => phones::pick(self.phones.get(phone).map_or(&[][..], Vec::as_slice)),
        }
    }

    /// A resend: the same values are a duplicate, other values a conflict.
    fn compare_with(&self, previous: &Known<'r>, tx: &TxRequest<'r>) -> std::result::Result<Outcome, TxError> {
        let mut fields = Vec::new();
        if previous.kind != tx.kind {
            fields.push("type");
        }
        if previous.amount != tx.amount {
            fields.push("amount");
        }
        let same_user = match (&tx.user, &previous.phone) {
            (UserRef::Phone(phone), Some(stored)) => phone.as_str() == stored.as_ref(),
            (user, _) => self.resolve(user).is_ok_and(|id| id == previous.user_id),
        };
        if !same_user {
            fields.push(match tx.user {
                UserRef::Id(_) => "user_id",
                UserRef::Phone(_) => "user_phone",
            });
        }
        if previous.original_external_id.as_deref() != tx.original_external_id {
            fields.push("original_external_id");
        }
        if fields.is_empty() {
            Ok(Outcome::Duplicate {
                external_id: tx.external_id.to_owned(),
                transaction_id: previous.id,
                user_id: previous.user_id,
            })
        } else {
            Err(TxError::ExternalIdConflict { fields })
        }
    }

    fn accept(&mut self, index: usize, tx: &'r TxRequest<'r>) -> std::result::Result<Outcome, TxError> {
        let user_id = self.resolve(&tx.user)?;
        let original = self.check_original(tx, user_id)?;
        let balance = self.balances.get(&user_id).copied().unwrap_or(0);
        let effect = tx.kind.effect(tx.amount);
        if tx.kind == Kind::Debit && balance < tx.amount {
            return Err(TxError::InsufficientBalance { balance });
        }
        let new_balance = balance.checked_add(effect).ok_or(TxError::BalanceOverflow)?;
        let id = self.next_id;
        self.next_id += 1;
        if let Some(original_id) = original {
            *self.consumed.entry(original_id).or_insert(0) += tx.amount.abs();
        }
        self.balances.insert(user_id, new_balance);
        self.touched.insert(user_id);
        self.known.insert(
            Cow::Borrowed(tx.external_id),
            Known {
                id,
                user_id,
                phone: phone_of(&tx.user).map(Cow::Borrowed),
                kind: tx.kind,
                amount: tx.amount,
                original_external_id: tx.original_external_id.map(Cow::Borrowed),
            },
        );
        self.accepted.push(NewEntry { id, request_index: index, user_id, original_id: original });
        Ok(Outcome::Applied {
            external_id: tx.external_id.to_owned(),
            transaction_id: id,
            user_id,
            balance: new_balance,
        })
    }

    /// For a release or a reversal: the original's id, after checking kind, owner and what is left.
    fn check_original(&self, tx: &TxRequest<'r>, user_id: i64) -> std::result::Result<Option<i64>, TxError> {
        let Some(original_external_id) = tx.original_external_id else { return Ok(None) };
        let original = self.known.get(original_external_id).ok_or(TxError::OriginalNotFound)?;
        let expected_kind = if tx.kind == Kind::Release { Kind::Debit } else { Kind::Accrual };
        if original.kind != expected_kind || original.amount < 0 {
            return Err(TxError::OriginalTypeMismatch);
        }
        if original.user_id != user_id {
            return Err(TxError::OriginalUserMismatch);
        }
        let remaining = original.amount - self.consumed.get(&original.id).copied().unwrap_or(0);
        if tx.amount.abs() > remaining {
            return Err(TxError::ExceedsOriginal { remaining });
        }
        Ok(Some(original.id))
    }

    /// Inserts the accepted entries and the touched balances.
    ///
    /// # Errors
    /// Storage faults; the caller's transaction then rolls back whole.
    pub fn write(&self, db: &Connection, recorded_at: i64) -> Result<()> {
        for chunk in self.accepted.chunks(ENTRY_CHUNK) {
            let tx_of = |entry: &NewEntry| self.requests[entry.request_index].expect("accepted items are valid");
            let mut values: Vec<&dyn ToSql> = Vec::with_capacity(chunk.len() * ENTRY_COLUMNS);
            let phones: Vec<Option<&str>> = chunk
                .iter()
                .map(|e| match &tx_of(e).user {
                    UserRef::Phone(phone) => Some(phone.as_str()),
                    UserRef::Id(_) => None,
                })
                .collect();
            let kinds: Vec<i64> = chunk.iter().map(|e| tx_of(e).kind.code()).collect();
            for ((entry, phone), kind) in chunk.iter().zip(&phones).zip(&kinds) {
                let tx = tx_of(entry);
                values.extend([
                    &entry.id as &dyn ToSql,
                    &tx.external_id,
                    &entry.user_id,
                    phone,
                    kind,
                    &tx.amount,
                    &entry.original_id,
                    &tx.source,
                    &tx.store_id,
                    &tx.description,
                    &tx.created_at,
                    &recorded_at,
                ]);
            }
            let sql = multi_row_insert(
                "INSERT INTO entries (id, external_id, user_id, phone, kind, amount, original_id, source, store_id, \
                 description, created_at, recorded_at) VALUES ",
                ENTRY_COLUMNS,
                chunk.len(),
                "",
            );
            db.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        }
        let touched: Vec<(i64, i64)> = self.touched.iter().map(|user| (*user, self.balances[user])).collect();
        for chunk in touched.chunks(ACCOUNT_CHUNK) {
            let values: Vec<&dyn ToSql> =
                chunk.iter().flat_map(|(user, balance)| [user as &dyn ToSql, balance, &recorded_at]).collect();
            let sql = multi_row_insert(
                "INSERT INTO accounts (user_id, balance, updated_at) VALUES ",
                3,
                chunk.len(),
                " ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance, updated_at = excluded.updated_at",
            );
            db.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        }
        Ok(())
    }
}

const ENTRY_COLUMNS: usize = 12;
/// Rows per INSERT: large enough to amortize statement cost, well under SQLite's 32766 variables.
const ENTRY_CHUNK: usize = 256;
const ACCOUNT_CHUNK: usize = 512;

fn phone_of(user: &UserRef) -> Option<&str> {
    match user {
        UserRef::Phone(phone) => Some(phone),
        UserRef::Id(_) => None,
    }
}

/// `INSERT … VALUES (?, …), (?, …) …` for `rows` rows of `columns` values.
pub fn multi_row_insert(head: &str, columns: usize, rows: usize, tail: &str) -> String {
    let row = format!("({})", vec!["?"; columns].join(", "));
    let mut sql = String::with_capacity(head.len() + rows * (row.len() + 2) + tail.len());
    sql.push_str(head);
    sql.push_str(&vec![row; rows].join(", "));
    sql.push_str(tail);
    sql
}

/// Entries with these external_ids, with their originals' external_ids.
fn load_known<'r>(db: &Connection, external_ids: &[&str]) -> Result<HashMap<Cow<'r, str>, Known<'r>>> {
    if external_ids.is_empty() {
        return Ok(HashMap::default());
    }
    let mut statement = db.prepare_cached(
        "SELECT e.id, e.external_id, e.user_id, e.phone, e.kind, e.amount, o.external_id
         FROM entries e LEFT JOIN entries o ON o.id = e.original_id
         WHERE e.external_id IN (SELECT value FROM json_each(?1))",
    )?;
    let rows = statement.query_map([json_list(external_ids)], |row| {
        Ok((
            Cow::Owned(row.get::<_, String>(1)?),
            Known {
                id: row.get(0)?,
                user_id: row.get(2)?,
                phone: row.get::<_, Option<String>>(3)?.map(Cow::Owned),
                kind: super::ledger::kind_column(row, 4)?,
                amount: row.get(5)?,
                original_external_id: row.get::<_, Option<String>>(6)?.map(Cow::Owned),
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How much of each original has been released or reversed so far.
fn load_consumed(db: &Connection, ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, i64>> {
    let ids: Vec<i64> = ids.collect();
    // New operations name no earlier entry: no query at all (for a single write, each one counts).
    if ids.is_empty() {
        return Ok(HashMap::default());
    }
    let mut statement = db.prepare_cached(
        "SELECT original_id, sum(abs(amount)) FROM entries
         WHERE original_id IN (SELECT value FROM json_each(?1)) GROUP BY original_id",
    )?;
    let rows = statement.query_map([json_list(&ids)], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load_balances(db: &Connection, users: &[i64]) -> Result<HashMap<i64, i64>> {
    if users.is_empty() {
        return Ok(HashMap::default());
    }
    let mut statement =
        db.prepare_cached("SELECT user_id, balance FROM accounts WHERE user_id IN (SELECT value FROM json_each(?1))")?;
    let rows = statement.query_map([json_list(users)], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One JSON array parameter stands for a whole set in `IN (SELECT value FROM json_each(?))`.
pub fn json_list<T: serde::Serialize>(items: &[T]) -> String {
    serde_json::to_string(items).expect("plain values serialize")
}
