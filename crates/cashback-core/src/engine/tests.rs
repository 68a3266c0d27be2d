//! The engine on in-memory snapshots, no database at all: each case is what
//! the store holds, a batch, and the outcome expected of every item.

use serde_json::{Value, json};

use super::*;
use crate::{
    phone::Region,
    time::Zone,
    tx::{self, Context},
};

/// What a store holds before the batch.
#[derive(Default)]
struct Memory {
    entries: Vec<StoredEntry>,
    corrected: Vec<(i64, i64)>,
    links: Vec<(&'static str, i64, bool)>,
    balances: Vec<(i64, i64)>,
    stores: Vec<&'static str>,
}

impl Prefetch for Memory {
    fn entries(&mut self, external_ids: &[&str]) -> Result<Vec<StoredEntry>> {
        Ok(self.entries.iter().filter(|entry| external_ids.contains(&entry.external_id.as_str())).cloned().collect())
    }

    fn corrected(&mut self, entry_ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        Ok(self.corrected.iter().filter(|(id, _)| entry_ids.contains(id)).copied().collect())
    }

    fn candidates(&mut self, phones: &[&str]) -> Result<Vec<(String, Candidate)>> {
        Ok(self
            .links
            .iter()
            .filter(|(phone, _, _)| phones.contains(phone))
            .map(|(phone, user_id, verified)| {
                ((*phone).to_owned(), Candidate { user_id: *user_id, verified: *verified })
            })
            .collect())
    }

    fn balances(&mut self, users: &[i64]) -> Result<Vec<(i64, i64)>> {
        Ok(self.balances.iter().filter(|(user, _)| users.contains(user)).copied().collect())
    }

    fn registered_stores(&mut self, store_ids: &[&str]) -> Result<Vec<String>> {
        Ok(self.stores.iter().filter(|store| store_ids.contains(store)).map(|store| (*store).to_owned()).collect())
    }

    fn next_entry_id(&mut self) -> Result<i64> {
        Ok(self.entries.iter().map(|entry| entry.id).max().unwrap_or(0) + 1)
    }
}

fn stored(id: i64, external_id: &str, user_id: i64, kind: Kind, amount: i64) -> StoredEntry {
    StoredEntry { id, external_id: external_id.into(), user_id, phone: None, kind, amount, original_external_id: None }
}

/// What one item should come to.
#[derive(Debug, PartialEq)]
enum Expect {
    Applied(i64, i64, i64),
    Duplicate(i64, i64),
    Refused(TxError),
    Invalid(&'static str),
}

fn expectation(outcome: &Outcome) -> Expect {
    match outcome {
        Outcome::Applied { transaction_id, user_id, balance, .. } => {
            Expect::Applied(*transaction_id, *user_id, *balance)
        }
        Outcome::Duplicate { transaction_id, user_id, .. } => Expect::Duplicate(*transaction_id, *user_id),
        Outcome::Rejected { error: TxError::Validation { field, .. }, .. } => Expect::Invalid(field),
        Outcome::Rejected { error, .. } => Expect::Refused(error.clone()),
    }
}

fn accrual(ext: &str, user: i64, amount: i64) -> Value {
    json!({"external_id": ext, "type": "accrual", "amount": format!("{}.{:02}", amount / 100, amount % 100), "user_id": user})
}

fn debit(ext: &str, user: i64, amount: i64) -> Value {
    json!({"external_id": ext, "type": "debit", "amount": amount as f64 / 100.0, "user_id": user})
}

fn correction(kind: &str, ext: &str, user: i64, amount: i64, original: &str) -> Value {
    json!({"external_id": ext, "type": kind, "amount": amount as f64 / 100.0, "user_id": user,
           "original_external_id": original})
}

fn by_phone(ext: &str, kind: &str, phone: &str, amount: i64) -> Value {
    json!({"external_id": ext, "type": kind, "amount": amount as f64 / 100.0, "user_phone": phone})
}

/// Runs a batch through the engine: keys, snapshot, decisions.
fn run(memory: &mut Memory, batch: &[Value]) -> (Vec<Outcome>, Vec<(i64, i64)>, Vec<i64>) {
    let decided = run_with(memory, batch, None);
    (decided.outcomes, decided.balances, decided.ids)
}

/// What the engine decided of a batch.
struct Decided {
    outcomes: Vec<Outcome>,
    balances: Vec<(i64, i64)>,
    ids: Vec<i64>,
    registered: Vec<String>,
}

/// Runs a batch of a caller with a store policy.
fn run_with(memory: &mut Memory, batch: &[Value], stores: Option<StorePolicy<'_>>) -> Decided {
    let zone = Zone::moscow();
    let context = Context { zone: &zone, region: Region::russia(), now: 0 };
    let requests: Vec<_> = batch.iter().map(|item| tx::parse(item, &context)).collect();
    let keys = BatchKeys::of(&requests);
    let snapshot = Snapshot::load(memory, &keys).unwrap();
    let (outcomes, plan) = decide(&snapshot, &requests, |index| tx::raw_external_id(&batch[index]), 7, stores);
    Decided {
        ids: plan.entries.iter().map(|entry| entry.id).collect(),
        registered: plan.stores.iter().map(|store| (*store).to_owned()).collect(),
        balances: plan.balances,
        outcomes,
    }
}

#[test]
fn api_writes_name_only_the_keys_store_or_registered_ones() {
    use Expect::{Applied, Refused};
    let at = |ext: &str, store: &str| {
        let mut item = accrual(ext, 1, 100);
        item["store_id"] = json!(store);
        item
    };
    let overdraft = json!({"external_id": "big", "type": "debit", "amount": 5, "user_id": 1, "store_id": "new"});
    type Row = (&'static str, Option<&'static str>, bool, Vec<Value>, Vec<Expect>, Vec<&'static str>);
    let table: Vec<Row> = vec![
        (
            "a bound key writes for its own store only; items without a store are its own",
            Some("s1"),
            false,
            vec![at("a", "s1"), at("b", "s2"), accrual("c", 1, 100)],
            vec![Applied(1, 1, 100), Refused(TxError::StoreNotAllowed), Applied(2, 1, 200)],
            vec![],
        ),
        (
            "a key without a store writes for registered stores; an unknown one is refused",
            None,
            false,
            vec![at("a", "s2"), at("b", "new")],
            vec![Applied(1, 1, 100), Refused(TxError::UnknownStore)],
            vec![],
        ),
        (
            "auto-registration registers a store once, and only for an applied item",
            None,
            true,
            vec![overdraft, at("b", "new"), at("c", "new")],
            vec![Refused(TxError::InsufficientBalance { balance: 0 }), Applied(1, 1, 100), Applied(2, 1, 200)],
            vec!["new"],
        ),
        (
            "a bound key registers no other store, auto-registration or not",
            Some("s1"),
            true,
            vec![at("a", "other")],
            vec![Refused(TxError::StoreNotAllowed)],
            vec![],
        ),
    ];
    for (name, bound, auto_register, batch, expect, registers) in table {
        let mut memory = Memory { stores: vec!["s1", "s2"], ..Memory::default() };
        let decided = run_with(&mut memory, &batch, Some(StorePolicy { bound, auto_register }));
        assert_eq!(decided.outcomes.iter().map(expectation).collect::<Vec<_>>(), expect, "{name}");
        assert_eq!(decided.registered, registers, "{name}");
    }
    let decided = run_with(&mut Memory::default(), &[at("a", "anywhere")], None);
    assert!(matches!(decided.outcomes[0], Outcome::Applied { .. }), "in-process callers name any store");
}

struct Case {
    name: &'static str,
    memory: fn() -> Memory,
    batch: Vec<Value>,
    expect: Vec<Expect>,
    balances: Vec<(i64, i64)>,
}

fn cases() -> Vec<Case> {
    use Expect::{Applied, Duplicate, Invalid, Refused};
    let seeded = || Memory {
        entries: vec![
            stored(1, "a1", 1, Kind::Accrual, 10_000),
            stored(2, "d1", 1, Kind::Debit, 6_000),
            StoredEntry { phone: Some("79001110000".into()), ..stored(3, "p1", 2, Kind::Accrual, 500) },
        ],
        corrected: vec![(2, 1_000)],
        links: vec![("79001110000", 2, true), ("79001110000", 3, true), ("79002220000", 4, false)],
        balances: vec![(1, 5_000), (2, 500)],
        stores: vec![],
    };
    vec![
        Case {
            name: "the brief's conflict: an online debit spent the money, the offline one is refused",
            memory: Memory::default,
            batch: vec![accrual("acc", 42, 50_000), debit("web", 42, 50_000), debit("pos", 42, 30_000)],
            expect: vec![
                Applied(1, 42, 50_000),
                Applied(2, 42, 0),
                Refused(TxError::InsufficientBalance { balance: 0 }),
            ],
            balances: vec![(42, 0)],
        },
        Case {
            name: "a debit spends an accrual of the same batch; the exact balance is enough",
            memory: seeded,
            batch: vec![debit("d2", 1, 5_001), accrual("a2", 1, 1), debit("d3", 1, 5_001)],
            expect: vec![
                Refused(TxError::InsufficientBalance { balance: 5_000 }),
                Applied(4, 1, 5_001),
                Applied(5, 1, 0),
            ],
            balances: vec![(1, 0)],
        },
        Case {
            name: "resends: stored and in-batch duplicates keep the first id; other values are conflicts naming fields",
            memory: seeded,
            batch: vec![
                accrual("a1", 1, 10_000),
                accrual("n1", 5, 100),
                accrual("n1", 5, 100),
                accrual("a1", 2, 10_001),
                debit("n1", 5, 100),
                correction("release", "d1", 1, 6_000, "a1"),
            ],
            expect: vec![
                Duplicate(1, 1),
                Applied(4, 5, 100),
                Duplicate(4, 5),
                Refused(TxError::ExternalIdConflict { fields: vec!["amount", "user_id"] }),
                Refused(TxError::ExternalIdConflict { fields: vec!["type"] }),
                Refused(TxError::ExternalIdConflict { fields: vec!["type", "original_external_id"] }),
            ],
            balances: vec![(5, 100)],
        },
        Case {
            name: "a resend by phone is judged by the phone it named, though the phone is now shared",
            memory: seeded,
            batch: vec![
                by_phone("p1", "accrual", "+7 900 111-00-00", 500),
                by_phone("p2", "accrual", "89001110000", 1),
            ],
            expect: vec![Duplicate(3, 2), Refused(TxError::PhoneAmbiguous)],
            balances: vec![],
        },
        Case {
            name: "phones: a single unverified owner owns it; an unknown phone belongs to nobody",
            memory: seeded,
            batch: vec![by_phone("q1", "accrual", "9002220000", 250), by_phone("q2", "accrual", "+79003330000", 1)],
            expect: vec![Applied(4, 4, 250), Refused(TxError::UserNotFound)],
            balances: vec![(4, 250)],
        },
        Case {
            name: "releases are capped by what remains of their debit, across the batch",
            memory: seeded,
            batch: vec![
                correction("release", "r1", 1, 3_000, "d1"),
                correction("release", "r2", 1, 2_001, "d1"),
                correction("release", "r3", 1, 2_000, "d1"),
                correction("release", "r4", 1, 1, "d1"),
            ],
            expect: vec![
                Applied(4, 1, 8_000),
                Refused(TxError::ExceedsOriginal { remaining: 2_000 }),
                Applied(5, 1, 10_000),
                Refused(TxError::ExceedsOriginal { remaining: 0 }),
            ],
            balances: vec![(1, 10_000)],
        },
        Case {
            name: "originals must exist, be of the right kind and belong to the same user",
            memory: seeded,
            batch: vec![
                correction("release", "r1", 1, 100, "nope"),
                correction("release", "r2", 1, 100, "a1"),
                correction("accrual", "rv1", 1, -100, "d1"),
                correction("release", "r3", 2, 100, "d1"),
                correction("release", "r4", 1, 100, "r4"),
            ],
            expect: vec![
                Refused(TxError::OriginalNotFound),
                Refused(TxError::OriginalTypeMismatch),
                Refused(TxError::OriginalTypeMismatch),
                Refused(TxError::OriginalUserMismatch),
                Refused(TxError::OriginalNotFound),
            ],
            balances: vec![],
        },
        Case {
            name: "a reversal may take the balance negative, within its accrual, also one of this batch",
            memory: seeded,
            batch: vec![
                correction("accrual", "rv1", 1, -9_000, "a1"),
                accrual("a9", 1, 1_000),
                correction("accrual", "rv2", 1, -1_001, "a9"),
                correction("accrual", "rv3", 1, -1_000, "a9"),
                correction("release", "rr", 1, 1, "rv1"),
            ],
            expect: vec![
                Applied(4, 1, -4_000),
                Applied(5, 1, -3_000),
                Refused(TxError::ExceedsOriginal { remaining: 1_000 }),
                Applied(6, 1, -4_000),
                Refused(TxError::OriginalTypeMismatch),
            ],
            balances: vec![(1, -4_000)],
        },
        Case {
            name: "invalid items keep their external_id, change nothing, and take no id",
            memory: Memory::default,
            batch: vec![
                json!({"external_id": "bad", "type": "accrual", "amount": "1.001", "user_id": 1}),
                json!({"type": "accrual", "amount": 1, "user_id": 1}),
                by_phone("ph", "accrual", "12", 1),
                accrual("ok", 1, 1),
            ],
            expect: vec![Invalid("amount"), Invalid("external_id"), Refused(TxError::InvalidPhone), Applied(1, 1, 1)],
            balances: vec![(1, 1)],
        },
        Case {
            name: "a balance beyond what a JSON number carries exactly is refused",
            memory: || Memory { balances: vec![(1, money::MAX_BALANCE - 5)], ..Memory::default() },
            batch: vec![accrual("big", 1, 6), accrual("fits", 1, 5)],
            expect: vec![Refused(TxError::BalanceOverflow), Applied(1, 1, money::MAX_BALANCE)],
            balances: vec![(1, money::MAX_BALANCE)],
        },
    ]
}

#[test]
fn every_case_decides_as_expected() {
    for case in cases() {
        let mut memory = (case.memory)();
        let (outcomes, balances, ids) = run(&mut memory, &case.batch);
        let got: Vec<Expect> = outcomes.iter().map(expectation).collect();
        assert_eq!(got, case.expect, "{}", case.name);
        assert_eq!(balances, case.balances, "{}: balances to write", case.name);
        let applied: Vec<i64> = got
            .iter()
            .filter_map(|expect| match expect {
                Expect::Applied(id, _, _) => Some(*id),
                _ => None,
            })
            .collect();
        assert_eq!(ids, applied, "{}: the plan inserts exactly the applied items", case.name);
        for (outcome, item) in outcomes.iter().zip(&case.batch) {
            assert_eq!(outcome.external_id(), item["external_id"].as_str(), "{}", case.name);
        }
    }
}

#[test]
fn a_batch_names_its_keys_once_each() {
    let zone = Zone::moscow();
    let context = Context { zone: &zone, region: Region::russia(), now: 0 };
    let batch = [
        correction("release", "r1", 3, 1, "d1"),
        by_phone("p1", "accrual", "+7 900 111-00-00", 1),
        by_phone("p2", "accrual", "89001110000", 1),
        accrual("r1", 3, 1),
        json!({"external_id": "bad"}),
    ];
    let requests: Vec<_> = batch.iter().map(|item| tx::parse(item, &context)).collect();
    let keys = BatchKeys::of(&requests);
    assert_eq!(keys.external_ids, ["d1", "p1", "p2", "r1"]);
    assert_eq!(keys.phones, ["79001110000"]);
    assert_eq!(keys.users, [3]);
}

#[test]
fn outcomes_carry_their_wire_fields_in_order() {
    let conflict = Outcome::Rejected {
        external_id: Some("x".into()),
        error: TxError::ExternalIdConflict { fields: vec!["amount"] },
    };
    let names: Vec<&str> = conflict.fields().iter().map(|(name, _)| *name).collect();
    assert_eq!(names, ["external_id", "status", "error", "fields"]);
    let applied = Outcome::Applied { external_id: "a".into(), transaction_id: 1, user_id: 2, balance: -1 };
    assert_eq!(
        applied.fields(),
        [
            ("external_id", ResultValue::Text("a")),
            ("status", ResultValue::Text("success")),
            ("transaction_id", ResultValue::Int(1)),
            ("user_id", ResultValue::Int(2)),
            ("balance", ResultValue::Money(-1)),
            ("negative_balance", ResultValue::Bool(true)),
        ]
    );
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "was not prefetched")]
fn a_lookup_outside_the_snapshot_is_caught() {
    let snapshot = Snapshot::load(&mut Memory::default(), &BatchKeys::default()).unwrap();
    let zone = Zone::moscow();
    let context = Context { zone: &zone, region: Region::russia(), now: 0 };
    let items = [accrual("unseen", 1, 1)];
    let requests: Vec<_> = items.iter().map(|item| tx::parse(item, &context)).collect();
    // Decided on a snapshot loaded for other keys: the engine must not take "absent" for an answer.
    decide(&snapshot, &requests, |_| None, 0, None);
}
