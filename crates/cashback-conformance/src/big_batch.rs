//! A 10,000-item batch over 1,000 customers (by id and by phone, with resends,
//! refused debits, malformed amounts and unknown phones) whose every outcome
//! is checked against what the item should do.

use std::collections::{HashMap, HashSet};

use cashback_core::{code::Code, config::Config, engine::Outcome, error::TxError, ledger::Ledger, phones::ImportRow};
use serde_json::{Value, json};

use crate::{
    Harness,
    support::{Rng, balance},
};

/// Customers of the batch.
pub const USERS: i64 = 1_000;
/// Items of the batch.
pub const ITEMS: usize = 10_000;

/// The batch and, for each item, its effect if it can be applied (`None` if it cannot).
pub struct BigBatch {
    /// The items, as 1C sends them.
    pub items: Vec<Value>,
    effects: Vec<Option<i64>>,
}

fn phone_of(user: i64) -> String {
    format!(
        "+7 (9{:02}) {:03}-{:02}-{:02}",
        user / 10_000_000 % 100,
        user / 10_000 % 1000,
        user / 100 % 100,
        user % 100
    )
}

fn rubles(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Links the customers' phones (two of three verified).
pub fn link_customers(ledger: &Ledger) {
    let rows: Vec<ImportRow> =
        (1..=USERS).map(|user| ImportRow { user_id: user, phone: phone_of(user), verified: user % 3 != 0 }).collect();
    let report = ledger.import_phones(&rows).unwrap();
    assert_eq!(report.imported, USERS as usize);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

/// The reproducible batch.
pub fn generate() -> BigBatch {
    let mut rng = Rng(0x00C0_FFEE);
    let mut items: Vec<Value> = Vec::with_capacity(ITEMS);
    let mut effects: Vec<Option<i64>> = Vec::with_capacity(ITEMS);
    let mut sent: Vec<usize> = Vec::new();
    while items.len() < ITEMS {
        let n = items.len();
        let user = 1 + rng.below(USERS as u64) as i64;
        let by_phone = rng.below(2) == 0;
        let who = if by_phone { json!({"user_phone": phone_of(user)}) } else { json!({"user_id": user}) };
        let amount = 1 + rng.below(200_000) as i64;
        let roll = rng.below(100);
        let mut item = match roll {
            0..=44 => json!({"external_id": format!("acc-{n}"), "type": "accrual", "amount": rubles(amount)}),
            45..=79 => json!({"external_id": format!("deb-{n}"), "type": "debit", "amount": rubles(amount)}),
            80..=89 if !sent.is_empty() => {
                // An exact resend of an earlier item: usually a duplicate; a resend of a refused debit is decided afresh.
                let earlier = sent[rng.below(sent.len() as u64) as usize];
                items.push(items[earlier].clone());
                effects.push(effects[earlier]);
                continue;
            }
            90..=94 => json!({"external_id": format!("bad-{n}"), "type": "debit", "amount": "12.345"}),
            _ => json!({"external_id": format!("nobody-{n}"), "type": "accrual", "amount": "1",
                        "user_phone": format!("+7 800 {:03} {:04}", n % 1000, n % 10_000)}),
        };
        if item.get("user_phone").is_none() {
            for (key, value) in who.as_object().unwrap() {
                item[key] = value.clone();
            }
        }
        let external_id = item["external_id"].as_str().unwrap();
        let effect = match item["type"].as_str() {
            Some("accrual") if external_id.starts_with("acc-") => Some(amount),
            Some("debit") if external_id.starts_with("deb-") => Some(-amount),
            _ => None,
        };
        if effect.is_some() {
            sent.push(n);
        }
        items.push(item);
        effects.push(effect);
    }
    BigBatch { items, effects }
}

/// The user an item names, resolving a phone the way [`link_customers`] links them.
fn user_of(item: &Value) -> i64 {
    if let Some(id) = item["user_id"].as_i64() {
        return id;
    }
    let digits: String = item["user_phone"].as_str().unwrap().chars().filter(char::is_ascii_digit).collect();
    digits[2..].parse().unwrap()
}

impl BigBatch {
    /// Checks every outcome against its item, then every balance and `verify()`.
    pub fn check(&self, outcomes: &[Outcome], ledger: &Ledger) {
        assert_eq!(outcomes.len(), ITEMS);
        let mut first_ids: HashMap<String, (i64, i64)> = HashMap::new();
        let mut accepted_effects: HashMap<i64, i64> = HashMap::new();
        let mut counts: HashMap<Code, usize> = HashMap::new();
        for ((item, outcome), effect) in self.items.iter().zip(outcomes).zip(&self.effects) {
            let ext = item["external_id"].as_str().unwrap();
            assert_eq!(outcome.external_id(), Some(ext));
            *counts.entry(outcome.error_code().unwrap_or(outcome.status())).or_default() += 1;
            match outcome {
                Outcome::Applied { transaction_id, user_id, balance, .. } => {
                    let effect = effect.expect("only plain accruals and debits can be applied");
                    assert_eq!(*user_id, user_of(item), "{ext}: applied to the wrong user");
                    assert!(first_ids.insert(ext.to_owned(), (*transaction_id, *user_id)).is_none(), "{ext} twice");
                    *accepted_effects.entry(*user_id).or_default() += effect;
                    assert_eq!(accepted_effects[user_id], *balance, "running balance of user {user_id} at {ext}");
                }
                Outcome::Duplicate { transaction_id, user_id, .. } => {
                    assert_eq!(first_ids.get(ext), Some(&(*transaction_id, *user_id)), "{ext}: duplicate of what?");
                }
                Outcome::Rejected { error, .. } => match error {
                    TxError::InsufficientBalance { balance } => {
                        assert!(ext.starts_with("deb-"));
                        assert_eq!(*balance, accepted_effects.get(&user_of(item)).copied().unwrap_or(0));
                    }
                    TxError::Validation { field: "amount", .. } => assert!(ext.starts_with("bad-")),
                    TxError::UserNotFound => assert!(ext.starts_with("nobody-")),
                    other => panic!("{ext}: unexpected refusal {other:?}"),
                },
            }
        }
        for code in
            [Code::Success, Code::Duplicate, Code::InsufficientBalance, Code::ValidationFailed, Code::UserNotFound]
        {
            assert!(counts.get(&code).copied().unwrap_or(0) > 50, "too few {code} outcomes: {counts:?}");
        }

        // The ledger agrees: every balance, their sum, and verify().
        let ids: HashSet<i64> = first_ids.values().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), first_ids.len(), "transaction ids are unique");
        let mut total = 0;
        for user in 1..=USERS {
            let expected = accepted_effects.get(&user).copied().unwrap_or(0);
            assert_eq!(balance(ledger, user), expected, "balance of user {user}");
            total += expected;
        }
        assert_eq!(total, accepted_effects.values().sum::<i64>());
        let report = ledger.verify().unwrap();
        assert!(report.ok(), "{report:#?}");
        assert_eq!(report.entries, first_ids.len() as i64);
    }
}

/// The batch in one call: every item decided as it should be.
pub fn a_ten_thousand_item_batch_decides_every_item(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    link_customers(&ledger);
    let batch = generate();
    let outcomes = ledger.apply_batch(&batch.items, None).unwrap();
    batch.check(&outcomes, &ledger);
}
