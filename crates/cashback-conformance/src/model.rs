//! Model-based property test of the ledger, on any store.
//!
//! Random sequences of accruals, debits, releases, reversals and resends over
//! four users and a small pool of external_ids (so duplicates and conflicting
//! resends are common) go both to a real `Ledger` and to a tiny in-memory model
//! of the rules of the engine (`cashback_core::engine`):
//!
//! 1. validation (amount, phone syntax) before anything else;
//! 2. a known external_id: same type/amount/user/original is a duplicate (with
//!    the original acceptance's id), anything else a conflict naming the fields;
//! 3. user resolution (id, or phone: the one verified owner, else the only owner);
//! 4. the original of a release/reversal: exists, right kind, same owner, and the
//!    amount fits what remains of it;
//! 5. a debit needs balance >= amount; a reversal may take the balance negative.
//!
//! Some consecutive operations are grouped into one `apply_batch`. After each
//! call every outcome and every balance is compared with the model; at the end
//! `verify()` must be ok. `PROPTEST_CASES` overrides the default 64 cases.

use std::collections::HashMap;

use cashback_core::{config::Config, engine::Outcome, error::TxError, ledger::Ledger};
use proptest::{
    prelude::*,
    test_runner::{Config as ProptestConfig, TestRunner},
};
use serde_json::{Value, json};

use crate::Harness;

const USERS: [i64; 4] = [1, 2, 3, 4];
const EXT_POOL: u8 = 20;

// ---------------------------------------------------------------------------
// who a request names
// ---------------------------------------------------------------------------

/// Linked as: users 1..=4 each own one phone (1 and 3 verified, 2 and 4 unverified
/// single owners); MIX is user 1's (verified) and user 2's (unverified);
/// AMBIGUOUS is shared by users 3 and 4, both unverified; UNKNOWN is nobody's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Id(i64),
    Phone(i64),
    Mix,
    Ambiguous,
    Unknown,
    Invalid,
}

fn own_phone(user: i64) -> String {
    format!("7900000000{user}")
}
const MIX: &str = "79010000000";
const AMBIGUOUS: &str = "79020000000";
const UNKNOWN: &str = "79030000000";

impl Who {
    /// The normalized phone, for phone references.
    fn phone(self) -> Option<String> {
        match self {
            Who::Id(_) | Who::Invalid => None,
            Who::Phone(user) => Some(own_phone(user)),
            Who::Mix => Some(MIX.to_owned()),
            Who::Ambiguous => Some(AMBIGUOUS.to_owned()),
            Who::Unknown => Some(UNKNOWN.to_owned()),
        }
    }

    /// The JSON fields naming the user, written in one of several equivalent spellings.
    fn fields(self, spelling: u8) -> (&'static str, Value) {
        let phone_text = |normalized: &str| -> Value {
            let national = &normalized[1..];
            match spelling % 4 {
                0 => json!(format!("+{normalized}")),
                1 => {
                    json!(format!("8 ({}) {}-{}-{}", &national[..3], &national[3..6], &national[6..8], &national[8..]))
                }
                2 => json!(national),
                _ => json!(normalized),
            }
        };
        match self {
            Who::Id(user) if spelling % 2 == 0 => ("user_id", json!(user)),
            Who::Id(user) => ("user_id", json!(user.to_string())),
            Who::Invalid => ("user_phone", json!("12-34-5")),
            other => ("user_phone", phone_text(&other.phone().unwrap())),
        }
    }

    fn field_name(self) -> &'static str {
        match self {
            Who::Id(_) => "user_id",
            _ => "user_phone",
        }
    }

    fn resolve(self) -> Result<i64, TxError> {
        match self {
            Who::Id(user) | Who::Phone(user) => Ok(user),
            Who::Mix => Ok(1),
            Who::Ambiguous => Err(TxError::PhoneAmbiguous),
            Who::Unknown => Err(TxError::UserNotFound),
            Who::Invalid => Err(TxError::InvalidPhone),
        }
    }
}

fn link_phones(ledger: &Ledger) {
    for user in USERS {
        ledger.link_phone(user, &format!("+{}", own_phone(user)), user % 2 == 1).unwrap();
    }
    ledger.link_phone(1, MIX, true).unwrap();
    ledger.link_phone(2, MIX, false).unwrap();
    ledger.link_phone(3, AMBIGUOUS, false).unwrap();
    ledger.link_phone(4, AMBIGUOUS, false).unwrap();
}

// ---------------------------------------------------------------------------
// generated operations
// ---------------------------------------------------------------------------

/// Which original a release or reversal names.
#[derive(Debug, Clone, Copy)]
enum OrigSel {
    /// Any id of the pool: often unknown or of the wrong kind.
    Pool(u8),
    /// The n-th (modulo) accepted original of the right kind, if any.
    Accepted(usize),
}

/// Whose balance a release or reversal names.
#[derive(Debug, Clone, Copy)]
enum Owner {
    /// A given user reference.
    Who(Who),
    /// The owner of the original per the model (by id or by own phone), else user 1.
    OfOriginal { by_phone: bool },
}

/// How big a debit, release or reversal is.
#[derive(Debug, Clone, Copy)]
enum Amount {
    /// This many kopecks.
    Fixed(i64),
    /// What is there (the balance for a debit, the original's remaining amount for a
    /// release or reversal) plus -1, 0 or +1 kopeck: the edges of every limit.
    Edge(i64),
}

#[derive(Debug, Clone)]
enum Op {
    Accrual {
        ext: u8,
        who: Who,
        amount: i64,
    },
    Debit {
        ext: u8,
        who: Who,
        amount: Amount,
    },
    Release {
        ext: u8,
        who: Owner,
        original: OrigSel,
        amount: Amount,
    },
    /// `amount` is the positive size of the reversal; it is sent negative.
    Reversal {
        ext: u8,
        who: Owner,
        original: Option<OrigSel>,
        amount: Amount,
    },
    /// A zero amount: refused by validation whatever else it says.
    ZeroAmount {
        ext: u8,
        who: Who,
    },
    /// The n-th (modulo) earlier request again, as is or with another amount.
    Resend {
        pick: usize,
        new_amount: Option<i64>,
    },
}

fn who_strategy() -> impl Strategy<Value = Who> {
    prop_oneof![
        12 => (1i64..=4).prop_map(Who::Id),
        4 => (1i64..=4).prop_map(Who::Phone),
        1 => Just(Who::Mix),
        1 => Just(Who::Ambiguous),
        1 => Just(Who::Unknown),
        1 => Just(Who::Invalid),
    ]
}

fn owner_strategy() -> impl Strategy<Value = Owner> {
    prop_oneof![
        4 => any::<bool>().prop_map(|by_phone| Owner::OfOriginal { by_phone }),
        1 => who_strategy().prop_map(Owner::Who),
    ]
}

fn orig_strategy() -> impl Strategy<Value = OrigSel> {
    prop_oneof![
        3 => any::<usize>().prop_map(OrigSel::Accepted),
        1 => (0..EXT_POOL).prop_map(OrigSel::Pool),
    ]
}

fn amount_strategy(max: i64) -> impl Strategy<Value = Amount> {
    prop_oneof![
        2 => (1..=max).prop_map(Amount::Fixed),
        1 => (-1i64..=1).prop_map(Amount::Edge),
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let ext = 0..EXT_POOL;
    prop_oneof![
        6 => (ext.clone(), who_strategy(), 1i64..=20_000).prop_map(|(ext, who, amount)| Op::Accrual { ext, who, amount }),
        5 => (ext.clone(), who_strategy(), amount_strategy(15_000)).prop_map(|(ext, who, amount)| Op::Debit { ext, who, amount }),
        3 => (ext.clone(), owner_strategy(), orig_strategy(), amount_strategy(8_000))
            .prop_map(|(ext, who, original, amount)| Op::Release { ext, who, original, amount }),
        3 => (ext.clone(), owner_strategy(), proptest::option::weighted(0.8, orig_strategy()), amount_strategy(8_000))
            .prop_map(|(ext, who, original, amount)| Op::Reversal { ext, who, original, amount }),
        1 => (ext, who_strategy()).prop_map(|(ext, who)| Op::ZeroAmount { ext, who }),
        4 => (any::<usize>(), proptest::option::weighted(0.35, 1i64..=10_000))
            .prop_map(|(pick, new_amount)| Op::Resend { pick, new_amount }),
    ]
}

// ---------------------------------------------------------------------------
// requests and the model
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Accrual,
    Debit,
    Release,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Accrual => "accrual",
            Kind::Debit => "debit",
            Kind::Release => "release",
        }
    }

    fn effect(self, amount: i64) -> i64 {
        if self == Kind::Debit { -amount } else { amount }
    }
}

/// One request as sent.
#[derive(Debug, Clone)]
struct Req {
    ext: String,
    kind: Kind,
    /// Signed minor units; negative only for a reversal; 0 is invalid.
    amount: i64,
    who: Who,
    original: Option<String>,
    /// How the amount and the user are spelled (values are the same either way).
    spelling: u8,
}

fn decimal(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", minor.abs() / 100, minor.abs() % 100)
}

impl Req {
    fn to_json(&self) -> Value {
        let amount = match self.spelling % 3 {
            0 => json!(decimal(self.amount)),
            1 => json!(self.amount as f64 / 100.0),
            _ => json!(decimal(self.amount).trim_end_matches('0').trim_end_matches('.')),
        };
        let amount = if amount == json!("") || amount == json!("-") { json!("0") } else { amount };
        let mut value = json!({"external_id": self.ext, "type": self.kind.name(), "amount": amount});
        let (field, user) = self.who.fields(self.spelling / 3);
        value[field] = user;
        if let Some(original) = &self.original {
            value["original_external_id"] = json!(original);
        }
        value
    }
}

#[derive(Debug, Clone)]
struct Accepted {
    id: i64,
    user: i64,
    phone: Option<String>,
    kind: Kind,
    amount: i64,
    original: Option<String>,
}

/// What the model expects of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    Applied { id: i64, user: i64, balance: i64 },
    Duplicate { id: i64, user: i64 },
    Validation(&'static str),
    Refused(TxError),
}

#[derive(Debug, Default)]
struct Model {
    balances: HashMap<i64, i64>,
    accepted: HashMap<String, Accepted>,
    order: Vec<String>,
    consumed: HashMap<String, i64>,
    next_id: i64,
    /// What the model expected of every item so far, in order.
    expected: Vec<Expect>,
}

impl Model {
    fn new() -> Self {
        Self { next_id: 1, ..Self::default() }
    }

    fn balance(&self, user: i64) -> i64 {
        self.balances.get(&user).copied().unwrap_or(0)
    }

    /// Accepted originals a release (debits) or a reversal (positive accruals) may name.
    fn originals(&self, kind: Kind) -> Vec<&String> {
        self.order
            .iter()
            .filter(|ext| {
                let entry = &self.accepted[*ext];
                entry.kind == kind && entry.amount > 0
            })
            .collect()
    }

    fn pick_original(&self, sel: OrigSel, kind: Kind) -> String {
        match sel {
            OrigSel::Accepted(n) => {
                let candidates = self.originals(kind);
                if candidates.is_empty() {
                    format!("E{:02}", n % EXT_POOL as usize)
                } else {
                    candidates[n % candidates.len()].clone()
                }
            }
            OrigSel::Pool(n) => format!("E{n:02}"),
        }
    }

    fn owner(&self, owner: Owner, original: Option<&String>) -> Who {
        match owner {
            Owner::Who(who) => who,
            Owner::OfOriginal { by_phone } => {
                let user = original.and_then(|ext| self.accepted.get(ext)).map_or(1, |entry| entry.user);
                if by_phone { Who::Phone(user) } else { Who::Id(user) }
            }
        }
    }

    /// What remains of an accepted original, if it is one.
    fn remaining(&self, original: Option<&String>) -> Option<i64> {
        let entry = self.accepted.get(original?)?;
        Some(entry.amount - self.consumed.get(original?).copied().unwrap_or(0))
    }

    /// Resolves an [`Amount`] against `available`; never below 1 kopeck.
    fn amount(amount: Amount, available: Option<i64>) -> i64 {
        match amount {
            Amount::Fixed(amount) => amount,
            Amount::Edge(delta) => (available.unwrap_or(100) + delta).max(1),
        }
    }

    /// Turns a generated operation into a request, given what was sent so far.
    fn request(&self, op: &Op, sent: &[Req], spelling: u8) -> Req {
        let ext = |n: u8| format!("E{n:02}");
        match *op {
            Op::Accrual { ext: e, who, amount } => {
                Req { ext: ext(e), kind: Kind::Accrual, amount, who, original: None, spelling }
            }
            Op::Debit { ext: e, who, amount } => {
                let amount = Self::amount(amount, who.resolve().ok().map(|user| self.balance(user)));
                Req { ext: ext(e), kind: Kind::Debit, amount, who, original: None, spelling }
            }
            Op::ZeroAmount { ext: e, who } => {
                Req { ext: ext(e), kind: Kind::Debit, amount: 0, who, original: None, spelling }
            }
            Op::Release { ext: e, who, original, amount } => {
                let original = self.pick_original(original, Kind::Debit);
                let who = self.owner(who, Some(&original));
                let amount = Self::amount(amount, self.remaining(Some(&original)));
                Req { ext: ext(e), kind: Kind::Release, amount, who, original: Some(original), spelling }
            }
            Op::Reversal { ext: e, who, original, amount } => {
                let original = original.map(|sel| self.pick_original(sel, Kind::Accrual));
                let who = self.owner(who, original.as_ref());
                let available =
                    self.remaining(original.as_ref()).or_else(|| who.resolve().ok().map(|user| self.balance(user)));
                let amount = Self::amount(amount, available);
                Req { ext: ext(e), kind: Kind::Accrual, amount: -amount, who, original, spelling }
            }
            Op::Resend { pick, new_amount } => {
                let Some(earlier) = (!sent.is_empty()).then(|| &sent[pick % sent.len()]) else {
                    return Req {
                        ext: ext(0),
                        kind: Kind::Accrual,
                        amount: 100,
                        who: Who::Id(1),
                        original: None,
                        spelling,
                    };
                };
                let mut again = earlier.clone();
                again.spelling = spelling; // same values, possibly spelled differently
                if let Some(amount) = new_amount {
                    let amount = if amount == earlier.amount.abs() { amount + 1 } else { amount };
                    again.amount = if earlier.amount < 0 { -amount } else { amount };
                }
                again
            }
        }
    }

    /// Decides one request the way batch.rs should, and records an acceptance.
    fn decide(&mut self, req: &Req) -> Expect {
        if req.amount == 0 {
            return Expect::Validation("amount");
        }
        if req.who == Who::Invalid {
            return Expect::Refused(TxError::InvalidPhone);
        }
        if let Some(previous) = self.accepted.get(&req.ext) {
            let mut fields = Vec::new();
            if previous.kind != req.kind {
                fields.push("type");
            }
            if previous.amount != req.amount {
                fields.push("amount");
            }
            let same_user = match (req.who.phone(), &previous.phone) {
                (Some(phone), Some(stored)) => &phone == stored,
                _ => req.who.resolve() == Ok(previous.user),
            };
            if !same_user {
                fields.push(req.who.field_name());
            }
            if previous.original != req.original {
                fields.push("original_external_id");
            }
            return if fields.is_empty() {
                Expect::Duplicate { id: previous.id, user: previous.user }
            } else {
                Expect::Refused(TxError::ExternalIdConflict { fields })
            };
        }
        let user = match req.who.resolve() {
            Ok(user) => user,
            Err(error) => return Expect::Refused(error),
        };
        if let Some(original_ext) = &req.original {
            let Some(original) = self.accepted.get(original_ext) else {
                return Expect::Refused(TxError::OriginalNotFound);
            };
            let expected = if req.kind == Kind::Release { Kind::Debit } else { Kind::Accrual };
            if original.kind != expected || original.amount < 0 {
                return Expect::Refused(TxError::OriginalTypeMismatch);
            }
            if original.user != user {
                return Expect::Refused(TxError::OriginalUserMismatch);
            }
            let remaining = original.amount - self.consumed.get(original_ext).copied().unwrap_or(0);
            if req.amount.abs() > remaining {
                return Expect::Refused(TxError::ExceedsOriginal { remaining });
            }
        }
        let balance = self.balance(user);
        if req.kind == Kind::Debit && balance < req.amount {
            return Expect::Refused(TxError::InsufficientBalance { balance });
        }
        let balance = balance + req.kind.effect(req.amount);
        let id = self.next_id;
        self.next_id += 1;
        if let Some(original_ext) = &req.original {
            *self.consumed.entry(original_ext.clone()).or_default() += req.amount.abs();
        }
        self.balances.insert(user, balance);
        self.accepted.insert(
            req.ext.clone(),
            Accepted {
                id,
                user,
                phone: req.who.phone(),
                kind: req.kind,
                amount: req.amount,
                original: req.original.clone(),
            },
        );
        self.order.push(req.ext.clone());
        Expect::Applied { id, user, balance }
    }
}

fn matches_expectation(outcome: &Outcome, expect: &Expect, req: &Req) -> Result<(), String> {
    let same = match (outcome, expect) {
        (
            Outcome::Applied { external_id, transaction_id, user_id, balance },
            Expect::Applied { id, user, balance: b },
        ) => external_id == &req.ext && transaction_id == id && user_id == user && balance == b,
        (Outcome::Duplicate { external_id, transaction_id, user_id }, Expect::Duplicate { id, user }) => {
            external_id == &req.ext && transaction_id == id && user_id == user
        }
        (Outcome::Rejected { external_id, error: TxError::Validation { field, .. } }, Expect::Validation(expected)) => {
            external_id.as_deref() == Some(req.ext.as_str()) && field == expected
        }
        (Outcome::Rejected { external_id, error }, Expect::Refused(expected)) => {
            external_id.as_deref() == Some(req.ext.as_str()) && error == expected
        }
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(format!("request {req:?} ({})\n  ledger: {outcome:?}\n  model:  {expect:?}", req.to_json()))
    }
}

// ---------------------------------------------------------------------------
// the property
// ---------------------------------------------------------------------------

/// The calls a sequence makes: an op whose byte is a multiple of 5 joins the previous call (a batch).
fn calls(ops: &[(Op, u8)]) -> Vec<Vec<(Op, u8)>> {
    let mut calls: Vec<Vec<(Op, u8)>> = Vec::new();
    for (op, byte) in ops {
        match calls.last_mut() {
            Some(call) if byte % 5 == 0 && call.len() < 8 => call.push((op.clone(), *byte)),
            _ => calls.push(vec![(op.clone(), *byte)]),
        }
    }
    calls
}

fn run(harness: &dyn Harness, ops: &[(Op, u8)]) -> Result<Model, TestCaseError> {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    link_phones(&ledger);
    check(&ledger, ops)
}

fn check(ledger: &Ledger, ops: &[(Op, u8)]) -> Result<Model, TestCaseError> {
    let mut model = Model::new();
    let mut sent: Vec<Req> = Vec::new();
    for (call_index, call) in calls(ops).iter().enumerate() {
        let mut reqs = Vec::new();
        let mut expects = Vec::new();
        for (op, byte) in call {
            let req = model.request(op, &sent, byte / 5);
            expects.push(model.decide(&req));
            sent.push(req.clone());
            reqs.push(req);
        }
        let items: Vec<Value> = reqs.iter().map(Req::to_json).collect();
        let outcomes = if items.len() == 1 && call_index % 2 == 0 {
            vec![ledger.apply(&items[0], None).unwrap()]
        } else {
            ledger.apply_batch(&items, None).unwrap()
        };
        prop_assert_eq!(outcomes.len(), items.len());
        for ((outcome, expect), req) in outcomes.iter().zip(&expects).zip(&reqs) {
            if let Err(message) = matches_expectation(outcome, expect, req) {
                return Err(TestCaseError::fail(format!("call {call_index} ({} items): {message}", items.len())));
            }
        }
        model.expected.extend(expects);
        for user in USERS {
            let actual = ledger.balance(user).unwrap().balance;
            prop_assert_eq!(actual, model.balance(user), "balance of user {} after call {}", user, call_index);
        }
    }
    let report = ledger.verify().unwrap();
    prop_assert!(report.ok(), "verify: {:#?}", report);
    prop_assert_eq!(report.entries, model.accepted.len() as i64);
    Ok(model)
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(64)
}

/// Random sequences (`PROPTEST_CASES`, default 64), each on a new database.
pub fn the_ledger_agrees_with_the_model(harness: &dyn Harness) {
    // No regression files written into the adapter's source tree.
    let mut runner =
        TestRunner::new(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() });
    let sequences = prop::collection::vec((op_strategy(), any::<u8>()), 1..=60);
    if let Err(failure) = runner.run(&sequences, |ops| run(harness, &ops).map(drop)) {
        panic!("{failure}");
    }
}

/// A fixed sequence through the same harness, with its outcomes worked out by
/// hand, so the model itself is checked on known ground.
pub fn the_model_on_a_known_sequence(harness: &dyn Harness) {
    let ops = vec![
        (Op::Accrual { ext: 0, who: Who::Phone(2), amount: 10_000 }, 1),
        (Op::Debit { ext: 1, who: Who::Id(2), amount: Amount::Fixed(4_000) }, 1),
        (
            Op::Release {
                ext: 2,
                who: Owner::OfOriginal { by_phone: false },
                original: OrigSel::Accepted(0),
                amount: Amount::Fixed(1_000),
            },
            5,
        ),
        (Op::Resend { pick: 0, new_amount: None }, 10), // duplicate, spelled by id
        (Op::Resend { pick: 1, new_amount: Some(1) }, 1), // conflict on amount
        (
            Op::Reversal {
                ext: 3,
                who: Owner::OfOriginal { by_phone: true },
                original: Some(OrigSel::Accepted(0)),
                amount: Amount::Fixed(9_000),
            },
            1,
        ),
        (Op::Debit { ext: 4, who: Who::Mix, amount: Amount::Fixed(1) }, 1),
        (Op::Accrual { ext: 11, who: Who::Id(2), amount: 5_000 }, 1),
        (Op::Debit { ext: 7, who: Who::Id(2), amount: Amount::Edge(1) }, 1), // one kopeck more than the balance
        (Op::Debit { ext: 8, who: Who::Id(2), amount: Amount::Edge(0) }, 5), // exactly the balance
        (
            Op::Release {
                ext: 9,
                who: Owner::OfOriginal { by_phone: false },
                original: OrigSel::Accepted(0),
                amount: Amount::Edge(1),
            },
            1,
        ),
        (
            Op::Release {
                ext: 10,
                who: Owner::OfOriginal { by_phone: false },
                original: OrigSel::Accepted(0),
                amount: Amount::Edge(0),
            },
            1,
        ),
        (Op::Accrual { ext: 5, who: Who::Ambiguous, amount: 1 }, 15),
        (Op::ZeroAmount { ext: 6, who: Who::Invalid }, 20),
    ];
    use Expect::{Applied, Duplicate, Refused, Validation};
    // Worked out by hand: user 2 gets 100.00, spends 40.00, gets 10.00 of it back, resends
    // both (a duplicate, then a conflict), has 90.00 of the accrual reversed (-20.00), and so on.
    let by_hand = [
        Applied { id: 1, user: 2, balance: 10_000 },
        Applied { id: 2, user: 2, balance: 6_000 },
        Applied { id: 3, user: 2, balance: 7_000 },
        Duplicate { id: 1, user: 2 },
        Refused(TxError::ExternalIdConflict { fields: vec!["amount"] }),
        Applied { id: 4, user: 2, balance: -2_000 },
        Refused(TxError::InsufficientBalance { balance: 0 }),
        Applied { id: 5, user: 2, balance: 3_000 },
        Refused(TxError::InsufficientBalance { balance: 3_000 }),
        Applied { id: 6, user: 2, balance: 0 },
        Refused(TxError::ExceedsOriginal { remaining: 3_000 }),
        Applied { id: 7, user: 2, balance: 3_000 },
        Refused(TxError::PhoneAmbiguous),
        Validation("amount"),
    ];
    assert_eq!(calls(&ops).iter().map(Vec::len).collect::<Vec<_>>(), [1, 3, 1, 1, 1, 1, 2, 1, 3]);
    let model = run(harness, &ops).unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(model.expected, by_hand, "the model's own expectations");
    assert_eq!(USERS.map(|user| model.balance(user)), [0, 3_000, 0, 0]);
}
