//! The decision engine behind every write, in the manner of a state machine
//! over a prefetched snapshot:
//!
//! 1. [`BatchKeys::of`] names what a batch touches: the external_ids of its
//!    items and of their originals, the phones and the user ids it names.
//! 2. [`Snapshot::load`] reads exactly that through the store's [`Prefetch`]
//!    (and what those rows lead to: corrections of the entries found, the
//!    balances of every user reached), inside the write transaction.
//! 3. [`decide`] settles each item in order from the snapshot alone, so later
//!    items see earlier ones (a debit can spend an accrual of the same batch),
//!    and returns the outcomes with a [`WritePlan`]: the entries to insert and
//!    the balances to set.
//!
//! The engine has no store handle; in debug builds every snapshot lookup
//! asserts that its key was loaded, so a decision never rests on a row that
//! was not read.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::{
    code::Code,
    error::{Result, TxError},
    money,
    phones::{self, Candidate},
    store::{NewEntry, Prefetch, StoredEntry},
    synclog::{LogEntry, StoreRow},
    tx::{Kind, TxRequest, UserRef},
};

/// What a batch touches, named before anything is read.
#[derive(Debug, Default)]
pub struct BatchKeys<'r> {
    /// Items' own external_ids and their originals'.
    pub external_ids: Vec<&'r str>,
    /// Normalized phones the items name.
    pub phones: Vec<&'r str>,
    /// User ids the items name.
    pub users: Vec<i64>,
    /// Stores the items name.
    pub stores: Vec<&'r str>,
}

impl<'r> BatchKeys<'r> {
    /// The keys of the valid requests of a batch.
    pub fn of(requests: &'r [std::result::Result<TxRequest<'r>, TxError>]) -> Self {
        let mut keys = BatchKeys::default();
        for request in requests.iter().flatten() {
            keys.external_ids.push(request.external_id);
            keys.external_ids.extend(request.original_external_id);
            match &request.user {
                UserRef::Id(id) => keys.users.push(*id),
                UserRef::Phone(phone) => keys.phones.push(phone),
            }
            keys.stores.extend(request.store_id);
        }
        keys.external_ids.sort_unstable();
        keys.external_ids.dedup();
        keys.phones.sort_unstable();
        keys.phones.dedup();
        keys.users.sort_unstable();
        keys.users.dedup();
        keys.stores.sort_unstable();
        keys.stores.dedup();
        keys
    }
}

/// Everything a store holds about a batch's keys, read once.
#[derive(Debug, Default)]
pub struct Snapshot {
    entries: HashMap<String, StoredEntry>,
    corrected: HashMap<i64, i64>,
    candidates: HashMap<String, Vec<Candidate>>,
    balances: HashMap<i64, i64>,
    stores: HashSet<String>,
    next_id: i64,
    #[cfg(debug_assertions)]
    loaded: Loaded,
}

/// The keys a snapshot was loaded for, to assert every lookup against.
#[cfg(debug_assertions)]
#[derive(Debug, Default)]
struct Loaded {
    external_ids: HashSet<String>,
    phones: HashSet<String>,
    users: HashSet<i64>,
    entry_ids: HashSet<i64>,
    stores: HashSet<String>,
}

impl Snapshot {
    /// Reads what `keys` name, and what the rows found lead to, in a handful of set queries.
    ///
    /// # Errors
    /// Storage faults.
    pub fn load(store: &mut dyn Prefetch, keys: &BatchKeys<'_>) -> Result<Snapshot> {
        // New operations name no earlier entry and no phone: no query at all (for a single write, each counts).
        let entries = if keys.external_ids.is_empty() { Vec::new() } else { store.entries(&keys.external_ids)? };
        let entry_ids: Vec<i64> = entries.iter().map(|entry| entry.id).collect();
        let corrected = if entry_ids.is_empty() { Vec::new() } else { store.corrected(&entry_ids)? };
        let candidates = if keys.phones.is_empty() { Vec::new() } else { store.candidates(&keys.phones)? };
        let mut users: Vec<i64> = keys.users.clone();
        users.extend(candidates.iter().map(|(_, candidate)| candidate.user_id));
        users.extend(entries.iter().map(|entry| entry.user_id));
        users.sort_unstable();
        users.dedup();
        let balances = if users.is_empty() { Vec::new() } else { store.balances(&users)? };
        let stores = if keys.stores.is_empty() { Vec::new() } else { store.registered_stores(&keys.stores)? };
        let mut snapshot = Snapshot {
            entries: entries.into_iter().map(|entry| (entry.external_id.clone(), entry)).collect(),
            corrected: corrected.into_iter().collect(),
            candidates: HashMap::default(),
            balances: balances.into_iter().collect(),
            stores: stores.into_iter().collect(),
            next_id: store.next_entry_id()?,
            #[cfg(debug_assertions)]
            loaded: Loaded {
                external_ids: keys.external_ids.iter().map(|id| (*id).to_owned()).collect(),
                phones: keys.phones.iter().map(|phone| (*phone).to_owned()).collect(),
                users: users.iter().copied().collect(),
                entry_ids: entry_ids.into_iter().collect(),
                stores: keys.stores.iter().map(|store| (*store).to_owned()).collect(),
            },
        };
        for (phone, candidate) in candidates {
            snapshot.candidates.entry(phone).or_default().push(candidate);
        }
        Ok(snapshot)
    }

    fn entry(&self, external_id: &str) -> Option<&StoredEntry> {
        #[cfg(debug_assertions)]
        assert!(self.loaded.external_ids.contains(external_id), "external_id {external_id:?} was not prefetched");
        self.entries.get(external_id)
    }

    fn corrected(&self, entry_id: i64) -> i64 {
        #[cfg(debug_assertions)]
        assert!(self.loaded.entry_ids.contains(&entry_id), "corrections of entry {entry_id} were not prefetched");
        self.corrected.get(&entry_id).copied().unwrap_or(0)
    }

    fn candidates(&self, phone: &str) -> &[Candidate] {
        #[cfg(debug_assertions)]
        assert!(self.loaded.phones.contains(phone), "phone {phone:?} was not prefetched");
        self.candidates.get(phone).map_or(&[], Vec::as_slice)
    }

    fn balance(&self, user_id: i64) -> i64 {
        #[cfg(debug_assertions)]
        assert!(self.loaded.users.contains(&user_id), "the balance of user {user_id} was not prefetched");
        self.balances.get(&user_id).copied().unwrap_or(0)
    }

    fn is_registered(&self, store_id: &str) -> bool {
        #[cfg(debug_assertions)]
        assert!(self.loaded.stores.contains(store_id), "store {store_id:?} was not prefetched");
        self.stores.contains(store_id)
    }
}

/// Which stores the caller of an API write may name: the HTTP API passes one,
/// in-process callers (the site's own code, trusted like the ledger) none.
#[derive(Debug, Clone, Copy)]
pub struct StorePolicy<'c> {
    /// The store the caller's key is bound to: its items may name no other.
    pub bound: Option<&'c str>,
    /// Whether an item may name a store nobody registered, registering it once applied.
    pub auto_register: bool,
}

impl StorePolicy<'_> {
    /// Whether an item of this caller may name `store_id` at all.
    pub fn allows(&self, store_id: &str) -> bool {
        self.bound.is_none_or(|bound| bound == store_id)
    }
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
    pub fn status(&self) -> Code {
        match self {
            Self::Applied { .. } => Code::Success,
            Self::Duplicate { .. } => Code::Duplicate,
            Self::Rejected { .. } => Code::Error,
        }
    }

    /// The item's external_id, if it had one.
    pub fn external_id(&self) -> Option<&str> {
        match self {
            Self::Applied { external_id, .. } | Self::Duplicate { external_id, .. } => Some(external_id),
            Self::Rejected { external_id, .. } => external_id.as_deref(),
        }
    }

    /// The code of a refusal.
    pub fn error_code(&self) -> Option<Code> {
        match self {
            Self::Rejected { error, .. } => Some(error.code()),
            _ => None,
        }
    }

    /// The result as callers see it, field by field in wire order: what the PHP
    /// binding's arrays (and so the API's JSON) are built from.
    pub fn fields(&self) -> Vec<(&'static str, ResultValue<'_>)> {
        use ResultValue::{Bool, Int, Money, Names, Null, Text};
        let status = Text(self.status().name());
        match self {
            Self::Applied { external_id, transaction_id, user_id, balance } => vec![
                ("external_id", Text(external_id)),
                ("status", status),
                ("transaction_id", Int(*transaction_id)),
                ("user_id", Int(*user_id)),
                ("balance", Money(*balance)),
                ("negative_balance", Bool(*balance < 0)),
            ],
            Self::Duplicate { external_id, transaction_id, user_id } => vec![
                ("external_id", Text(external_id)),
                ("status", status),
                ("transaction_id", Int(*transaction_id)),
                ("user_id", Int(*user_id)),
            ],
            Self::Rejected { external_id, error } => {
                let mut fields = vec![
                    ("external_id", external_id.as_deref().map_or(Null, Text)),
                    ("status", status),
                    ("error", Text(error.code().name())),
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

/// What a batch writes, decided by the engine and applied by the store in one transaction.
#[derive(Debug, Default)]
pub struct WritePlan<'r> {
    /// Entries to insert, in id order.
    pub entries: Vec<NewEntry<'r>>,
    /// Balances to set: `(user_id, balance)`, by user.
    pub balances: Vec<(i64, i64)>,
    /// Stores to register (auto-registration), each named by an applied item.
    pub stores: Vec<&'r str>,
    /// Sync-log rows to append.
    pub log: Vec<LogEntry>,
}

impl WritePlan<'_> {
    /// Applies the plan inside a write transaction.
    ///
    /// # Errors
    /// Storage faults; the transaction then rolls back whole.
    pub fn apply(&self, store: &mut dyn crate::store::WriteTx, recorded_at: i64) -> Result<()> {
        if !self.entries.is_empty() {
            store.insert_entries(&self.entries)?;
        }
        if !self.balances.is_empty() {
            store.put_balances(&self.balances, recorded_at)?;
        }
        for store_id in &self.stores {
            store.put_store(&StoreRow {
                store_id: (*store_id).to_owned(),
                name: None,
                silence_hours: None,
                registered_at: recorded_at,
                last_seen_at: None,
            })?;
        }
        if !self.log.is_empty() {
            store.append_log(&self.log)?;
        }
        Ok(())
    }
}

/// Decides every item of a batch in order from `snapshot` alone.
///
/// `requests` are the items as validated; `raw_external_ids` gives the
/// external_id of an invalid item, if it had a usable one; `stores` is the
/// caller's store policy (API writes), checked before anything else of an item.
pub fn decide<'r>(
    snapshot: &Snapshot,
    requests: &'r [std::result::Result<TxRequest<'r>, TxError>],
    raw_external_id: impl Fn(usize) -> Option<String>,
    recorded_at: i64,
    stores: Option<StorePolicy<'_>>,
) -> (Vec<Outcome>, WritePlan<'r>) {
    let mut engine = Engine {
        snapshot,
        stores,
        new_stores: Vec::new(),
        accepted: HashMap::default(),
        corrected: HashMap::default(),
        balances: HashMap::default(),
        next_id: snapshot.next_id,
        entries: Vec::new(),
        recorded_at,
    };
    let outcomes = requests
        .iter()
        .enumerate()
        .map(|(index, parsed)| match parsed {
            Ok(request) => engine.settle(request),
            Err(error) => Outcome::Rejected { external_id: raw_external_id(index), error: error.clone() },
        })
        .collect();
    let mut balances: Vec<(i64, i64)> = engine.balances.into_iter().collect();
    balances.sort_unstable();
    (outcomes, WritePlan { entries: engine.entries, balances, stores: engine.new_stores, log: Vec::new() })
}

/// An accepted entry as the engine judges resends and corrections by it:
/// from the snapshot, or accepted earlier in this batch.
#[derive(Debug, Clone, Copy)]
struct Known<'a> {
    id: i64,
    user_id: i64,
    phone: Option<&'a str>,
    kind: Kind,
    amount: i64,
    original_external_id: Option<&'a str>,
}

impl<'a> From<&'a StoredEntry> for Known<'a> {
    fn from(entry: &'a StoredEntry) -> Self {
        Known {
            id: entry.id,
            user_id: entry.user_id,
            phone: entry.phone.as_deref(),
            kind: entry.kind,
            amount: entry.amount,
            original_external_id: entry.original_external_id.as_deref(),
        }
    }
}

/// The state of one batch's decisions: the snapshot and what this batch changed so far.
struct Engine<'s, 'r> {
    snapshot: &'s Snapshot,
    stores: Option<StorePolicy<'s>>,
    new_stores: Vec<&'r str>,
    accepted: HashMap<&'r str, Known<'r>>,
    corrected: HashMap<i64, i64>,
    balances: HashMap<i64, i64>,
    next_id: i64,
    entries: Vec<NewEntry<'r>>,
    recorded_at: i64,
}

impl<'r> Engine<'_, 'r> {
    fn settle(&mut self, request: &'r TxRequest<'r>) -> Outcome {
        let outcome = self.check_store(request).and_then(|new_store| {
            let outcome = match self.known(request.external_id) {
                Some(previous) => self.compare_with(previous, request),
                None => self.accept(request),
            }?;
            if let (Some(store_id), Outcome::Applied { .. }) = (new_store, &outcome) {
                self.new_stores.push(store_id);
            }
            Ok(outcome)
        });
        outcome.unwrap_or_else(|error| Outcome::Rejected { external_id: Some(request.external_id.to_owned()), error })
    }

    /// Whether the caller may name the item's store; `Some` store when the item registers it.
    fn check_store(&self, request: &TxRequest<'r>) -> std::result::Result<Option<&'r str>, TxError> {
        let (Some(policy), Some(store_id)) = (self.stores, request.store_id) else { return Ok(None) };
        if !policy.allows(store_id) {
            return Err(TxError::StoreNotAllowed);
        }
        if self.snapshot.is_registered(store_id) || self.new_stores.contains(&store_id) {
            return Ok(None);
        }
        if policy.auto_register { Ok(Some(store_id)) } else { Err(TxError::UnknownStore) }
    }

    fn known(&self, external_id: &str) -> Option<Known<'_>> {
        self.accepted.get(external_id).copied().or_else(|| self.snapshot.entry(external_id).map(Known::from))
    }

    fn balance(&self, user_id: i64) -> i64 {
        self.balances.get(&user_id).copied().unwrap_or_else(|| self.snapshot.balance(user_id))
    }

    /// What has been released or reversed of an entry; one accepted in this batch starts at nothing.
    fn corrected(&self, entry_id: i64) -> i64 {
        match self.corrected.get(&entry_id) {
            Some(total) => *total,
            None if entry_id >= self.snapshot.next_id => 0,
            None => self.snapshot.corrected(entry_id),
        }
    }

    fn resolve(&self, user: &UserRef) -> std::result::Result<i64, TxError> {
        match user {
            UserRef::Id(id) => Ok(*id),
            UserRef::Phone(phone) => phones::pick(self.snapshot.candidates(phone)),
        }
    }

    /// A resend: the same values are a duplicate, other values a conflict naming them.
    fn compare_with(&self, previous: Known<'_>, request: &TxRequest<'_>) -> std::result::Result<Outcome, TxError> {
        let mut fields = Vec::new();
        if previous.kind != request.kind {
            fields.push("type");
        }
        if previous.amount != request.amount {
            fields.push("amount");
        }
        // A phone is judged as written the first time, so a resend stays a duplicate when its phone is shared later.
        let same_user = match (&request.user, previous.phone) {
            (UserRef::Phone(phone), Some(stored)) => phone == stored,
            (user, _) => self.resolve(user).is_ok_and(|id| id == previous.user_id),
        };
        if !same_user {
            fields.push(request.user.field().name());
        }
        if previous.original_external_id != request.original_external_id {
            fields.push("original_external_id");
        }
        if fields.is_empty() {
            Ok(Outcome::Duplicate {
                external_id: request.external_id.to_owned(),
                transaction_id: previous.id,
                user_id: previous.user_id,
            })
        } else {
            Err(TxError::ExternalIdConflict { fields })
        }
    }

    fn accept(&mut self, request: &'r TxRequest<'r>) -> std::result::Result<Outcome, TxError> {
        let user_id = self.resolve(&request.user)?;
        let original = self.check_original(request, user_id)?;
        let balance = self.balance(user_id);
        if request.kind == Kind::Debit && balance < request.amount {
            return Err(TxError::InsufficientBalance { balance });
        }
        let new_balance = balance
            .checked_add(request.kind.effect(request.amount))
            .filter(|new_balance| new_balance.abs() <= money::MAX_BALANCE)
            .ok_or(TxError::BalanceOverflow)?;
        let id = self.next_id;
        self.next_id += 1;
        if let Some(original_id) = original {
            let total = self.corrected(original_id) + request.amount.abs();
            self.corrected.insert(original_id, total);
        }
        self.balances.insert(user_id, new_balance);
        self.accepted.insert(
            request.external_id,
            Known {
                id,
                user_id,
                phone: request.user.phone(),
                kind: request.kind,
                amount: request.amount,
                original_external_id: request.original_external_id,
            },
        );
        self.entries.push(NewEntry { id, request, user_id, original_id: original, recorded_at: self.recorded_at });
        Ok(Outcome::Applied {
            external_id: request.external_id.to_owned(),
            transaction_id: id,
            user_id,
            balance: new_balance,
        })
    }

    /// For a release or a reversal: the original's id, after checking kind, owner and what is left of it.
    fn check_original(&self, request: &TxRequest<'_>, user_id: i64) -> std::result::Result<Option<i64>, TxError> {
        let Some(original_external_id) = request.original_external_id else { return Ok(None) };
        let original = self.known(original_external_id).ok_or(TxError::OriginalNotFound)?;
        let expected = if request.kind == Kind::Release { Kind::Debit } else { Kind::Accrual };
        if original.kind != expected || original.amount < 0 {
            return Err(TxError::OriginalTypeMismatch);
        }
        if original.user_id != user_id {
            return Err(TxError::OriginalUserMismatch);
        }
        let remaining = original.amount - self.corrected(original.id);
        if request.amount.abs() > remaining {
            return Err(TxError::ExceedsOriginal { remaining });
        }
        Ok(Some(original.id))
    }
}

#[cfg(test)]
mod tests;
