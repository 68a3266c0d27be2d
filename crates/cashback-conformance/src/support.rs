//! Requests as JSON (what 1C sends), and typed results read back.

use cashback_core::{
    engine::{Outcome, ResultValue},
    error::TxError,
    ledger::Ledger,
    money,
    store::HistoryEntry,
    verify::{Check, Problem},
};
use serde_json::{Value, json};

/// An accrual.
pub fn accrual(ext: &str, user_id: i64, amount: &str) -> Value {
    json!({"external_id": ext, "type": "accrual", "amount": amount, "user_id": user_id})
}

/// A debit.
pub fn debit(ext: &str, user_id: i64, amount: &str) -> Value {
    json!({"external_id": ext, "type": "debit", "amount": amount, "user_id": user_id})
}

/// A release of a debit.
pub fn release(ext: &str, user_id: i64, amount: &str, original: &str) -> Value {
    json!({"external_id": ext, "type": "release", "amount": amount, "user_id": user_id,
           "original_external_id": original})
}

/// A reversal: an accrual with a negative amount (`amount` is given without its sign).
pub fn reversal(ext: &str, user_id: i64, amount: &str, original: Option<&str>) -> Value {
    let mut value = json!({"external_id": ext, "type": "accrual", "amount": format!("-{amount}"), "user_id": user_id});
    if let Some(original) = original {
        value["original_external_id"] = json!(original);
    }
    value
}

/// Applies one item; a storage fault fails the test.
pub fn apply(ledger: &Ledger, item: &Value) -> Outcome {
    ledger.apply(item, None).expect("apply must not fail with a storage fault")
}

/// `(transaction_id, user_id, balance)` of an applied outcome.
#[track_caller]
pub fn applied(outcome: &Outcome) -> (i64, i64, i64) {
    match outcome {
        Outcome::Applied { transaction_id, user_id, balance, .. } => (*transaction_id, *user_id, *balance),
        other => panic!("expected Applied, got {other:?}"),
    }
}

/// `(transaction_id, user_id)` of a duplicate outcome.
#[track_caller]
pub fn duplicate(outcome: &Outcome) -> (i64, i64) {
    match outcome {
        Outcome::Duplicate { transaction_id, user_id, .. } => (*transaction_id, *user_id),
        other => panic!("expected Duplicate, got {other:?}"),
    }
}

/// The refusal of a rejected outcome.
#[track_caller]
pub fn rejected(outcome: &Outcome) -> TxError {
    match outcome {
        Outcome::Rejected { error, .. } => error.clone(),
        other => panic!("expected Rejected, got {other:?}"),
    }
}

/// The outcome as the wire shows it (amounts in rubles), from its fields.
pub fn wire(outcome: &Outcome) -> Value {
    let fields = outcome.fields().into_iter().map(|(name, value)| {
        let value = match value {
            ResultValue::Text(text) => json!(text),
            ResultValue::Int(int) => json!(int),
            ResultValue::Money(minor) => json!(money::minor_to_float(minor)),
            ResultValue::Bool(flag) => json!(flag),
            ResultValue::Null => Value::Null,
            ResultValue::Names(names) => json!(names),
        };
        (name.to_owned(), value)
    });
    Value::Object(fields.collect())
}

/// A user's balance in minor units.
pub fn balance(ledger: &Ledger, user_id: i64) -> i64 {
    ledger.balance(user_id).expect("balance").balance
}

/// How many entries the ledger holds.
pub fn entry_count(ledger: &Ledger) -> i64 {
    ledger.verify().expect("verify").entries
}

/// A user's whole history, newest first.
pub fn full_history(ledger: &Ledger, user_id: i64) -> Vec<HistoryEntry> {
    let page = ledger.history(user_id, 500, None).expect("history");
    assert_eq!(page.next_cursor, None, "test histories fit one page of 500");
    page.items
}

/// The entry of a history with this external_id.
#[track_caller]
pub fn by_external_id<'h>(history: &'h [HistoryEntry], external_id: &str) -> &'h HistoryEntry {
    history.iter().find(|entry| entry.external_id == external_id).unwrap_or_else(|| panic!("{external_id} in history"))
}

/// Fails the test unless every invariant holds.
#[track_caller]
pub fn assert_verified(ledger: &Ledger) {
    let report = ledger.verify().expect("verify");
    assert!(report.ok(), "verify reported problems: {report:#?}");
}

/// The problems `verify()` reports for one check.
pub fn problems_of(ledger: &Ledger, check: Check) -> Vec<Problem> {
    ledger.verify().expect("verify").problems.into_iter().filter(|problem| problem.check == check).collect()
}

/// A small deterministic generator (SplitMix64), so generated batches are reproducible.
pub struct Rng(pub u64);

impl Rng {
    /// The next value.
    pub fn next_value(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_value() % n
    }
}
