//! Scenario tests of the ledger core through its public facade, `Ledger`.
//!
//! Every test opens a fresh database in its own temporary directory, so the
//! per-(pid, path) connection cache never hands two tests the same file.

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
};

use cashback::core::{
    batch::Outcome,
    db,
    error::TxError,
    ledger::{Config, Ledger},
    phones::ImportRow,
    readlog,
    synclog::LogEntry,
};
use serde_json::{Value, json};
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------

fn fresh() -> (TempDir, PathBuf, Ledger) {
    fresh_with(Config::default())
}

fn fresh_with(config: Config) -> (TempDir, PathBuf, Ledger) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("ledger.db");
    let ledger = Ledger::open(&path, config).expect("open ledger");
    (dir, path, ledger)
}

fn accrual(ext: &str, user_id: i64, amount: &str) -> Value {
    json!({"external_id": ext, "type": "accrual", "amount": amount, "user_id": user_id})
}

fn debit(ext: &str, user_id: i64, amount: &str) -> Value {
    json!({"external_id": ext, "type": "debit", "amount": amount, "user_id": user_id})
}

fn release(ext: &str, user_id: i64, amount: &str, original: &str) -> Value {
    json!({"external_id": ext, "type": "release", "amount": amount, "user_id": user_id,
           "original_external_id": original})
}

/// A reversal: an accrual with a negative amount (`amount` is given without its sign).
fn reversal(ext: &str, user_id: i64, amount: &str, original: Option<&str>) -> Value {
    let mut value = json!({"external_id": ext, "type": "accrual", "amount": format!("-{amount}"), "user_id": user_id});
    if let Some(original) = original {
        value["original_external_id"] = json!(original);
    }
    value
}

fn apply(ledger: &Ledger, item: &Value) -> Outcome {
    ledger.apply(item, None).expect("apply must not fail with a storage fault")
}

/// `(transaction_id, user_id, balance)` of an applied outcome.
#[track_caller]
fn applied(outcome: &Outcome) -> (i64, i64, i64) {
    match outcome {
        Outcome::Applied { transaction_id, user_id, balance, .. } => (*transaction_id, *user_id, *balance),
        other => panic!("expected Applied, got {other:?}"),
    }
}

/// `(transaction_id, user_id)` of a duplicate outcome.
#[track_caller]
fn duplicate(outcome: &Outcome) -> (i64, i64) {
    match outcome {
        Outcome::Duplicate { transaction_id, user_id, .. } => (*transaction_id, *user_id),
        other => panic!("expected Duplicate, got {other:?}"),
    }
}

#[track_caller]
fn rejected(outcome: &Outcome) -> TxError {
    match outcome {
        Outcome::Rejected { error, .. } => error.clone(),
        other => panic!("expected Rejected, got {other:?}"),
    }
}

/// A JSON ruble amount as integer kopecks.
#[track_caller]
fn minor(value: &Value) -> i64 {
    let float = value.as_f64().unwrap_or_else(|| panic!("expected a JSON number, got {value}"));
    (float * 100.0).round() as i64
}

fn balance(ledger: &Ledger, user_id: i64) -> i64 {
    minor(&ledger.balance(user_id).expect("balance")["balance"])
}

fn entry_count(ledger: &Ledger) -> i64 {
    ledger.verify().expect("verify")["entries"].as_i64().expect("entries count")
}

fn full_history(ledger: &Ledger, user_id: i64) -> Vec<Value> {
    let page = ledger.history(user_id, 500, None).expect("history");
    assert!(page["next_cursor"].is_null(), "test histories fit one page of 500");
    page["items"].as_array().expect("items").clone()
}

#[track_caller]
fn assert_verified(ledger: &Ledger) {
    let report = ledger.verify().expect("verify");
    assert_eq!(report["ok"], json!(true), "verify reported problems: {report:#}");
}

// ---------------------------------------------------------------------------
// the brief's conflict
// ---------------------------------------------------------------------------

#[test]
fn offline_debit_after_online_redemption_is_refused_and_writes_nothing() {
    let (_dir, _path, ledger) = fresh();
    let (_, _, after_accrual) = applied(&apply(&ledger, &accrual("acc-1", 42, "500")));
    assert_eq!(after_accrual, 50_000);

    let online = json!({"external_id": "web-1", "type": "debit", "amount": 500, "user_id": 42, "source": "web"});
    let (_, _, after_online) = applied(&apply(&ledger, &online));
    assert_eq!(after_online, 0);

    let history_before = full_history(&ledger, 42);
    let entries_before = entry_count(&ledger);

    let offline = json!({"external_id": "pos-7-0001", "type": "debit", "amount": "300.00", "user_id": 42,
                         "source": "1c_retail", "store_id": "store-7", "description": "Register 7, offline"});
    let outcome = apply(&ledger, &offline);
    assert_eq!(outcome.status(), "error");
    assert_eq!(outcome.external_id(), Some("pos-7-0001"));
    assert_eq!(rejected(&outcome), TxError::InsufficientBalance { balance: 0 });
    let wire = outcome.to_json();
    assert_eq!(wire["error"], json!("insufficient_balance"));
    assert_eq!(minor(&wire["balance"]), 0);

    assert_eq!(balance(&ledger, 42), 0);
    assert_eq!(full_history(&ledger, 42), history_before, "a refused debit must not appear in the history");
    assert_eq!(entry_count(&ledger), entries_before);

    // The refusal recorded nothing: the same external_id can be accepted later, once there is money.
    applied(&apply(&ledger, &accrual("acc-2", 42, "300")));
    let (_, _, after_retry) = applied(&apply(&ledger, &offline));
    assert_eq!(after_retry, 0);
    assert_verified(&ledger);
}

// ---------------------------------------------------------------------------
// duplicates and conflicting resends
// ---------------------------------------------------------------------------

#[test]
fn resends_are_duplicates_and_changed_resends_are_conflicts() {
    let (_dir, _path, ledger) = fresh();
    ledger.link_phone(7, "+7 (900) 123-45-67", true).unwrap();
    ledger.link_phone(8, "+7 (900) 765-43-21", true).unwrap();
    applied(&apply(&ledger, &accrual("seed-8", 8, "1000")));

    let original = json!({"external_id": "A-1", "type": "accrual", "amount": 150.5, "user_phone": "8 900 123 45 67"});
    let (id, user, bal) = applied(&apply(&ledger, &original));
    assert_eq!((user, bal), (7, 15_050));
    let entries = entry_count(&ledger);

    // Exact resend.
    assert_eq!(duplicate(&apply(&ledger, &original)), (id, 7));
    // Same values written differently: the amount as a decimal string, the phone in another form.
    let respelled = json!({"external_id": "A-1", "type": "accrual", "amount": "150.50", "user_phone": "+79001234567"});
    assert_eq!(duplicate(&apply(&ledger, &respelled)), (id, 7));
    // The user named by user_id (number and string) instead of the phone used the first time.
    let by_id = json!({"external_id": "A-1", "type": "accrual", "amount": 150.5, "user_id": 7});
    assert_eq!(duplicate(&apply(&ledger, &by_id)), (id, 7));
    let by_id_text = json!({"external_id": "A-1", "type": "accrual", "amount": 150.5, "user_id": "7"});
    assert_eq!(duplicate(&apply(&ledger, &by_id_text)), (id, 7));
    let dup = apply(&ledger, &original);
    assert_eq!(dup.status(), "duplicate");
    assert_eq!(dup.to_json()["transaction_id"], json!(id));
    assert_eq!(balance(&ledger, 7), 15_050);
    assert_eq!(entry_count(&ledger), entries);

    // Changed resends name exactly the differing fields.
    let conflict = |item: Value| match rejected(&apply(&ledger, &item)) {
        TxError::ExternalIdConflict { fields } => fields,
        other => panic!("expected ExternalIdConflict, got {other:?}"),
    };
    assert_eq!(
        conflict(json!({"external_id": "A-1", "type": "accrual", "amount": 150.51, "user_id": 7})),
        vec!["amount"]
    );
    assert_eq!(conflict(json!({"external_id": "A-1", "type": "debit", "amount": 150.5, "user_id": 7})), vec!["type"]);
    assert_eq!(
        conflict(json!({"external_id": "A-1", "type": "accrual", "amount": 150.5, "user_id": 8})),
        vec!["user_id"]
    );
    assert_eq!(
        conflict(json!({"external_id": "A-1", "type": "accrual", "amount": 150.5, "user_phone": "+7 900 765-43-21"})),
        vec!["user_phone"]
    );
    assert_eq!(
        conflict(json!({"external_id": "A-1", "type": "debit", "amount": 10, "user_id": 8})),
        vec!["type", "amount", "user_id"]
    );
    // A resend that became a reversal of another accrual: sign of amount and the original differ.
    assert_eq!(
        conflict(json!({"external_id": "A-1", "type": "accrual", "amount": -150.5, "user_id": 7,
                        "original_external_id": "seed-8"})),
        vec!["amount", "original_external_id"]
    );
    let wire = apply(&ledger, &json!({"external_id": "A-1", "type": "accrual", "amount": 1, "user_id": 8})).to_json();
    assert_eq!(wire["error"], json!("external_id_conflict"));
    assert_eq!(wire["fields"], json!(["amount", "user_id"]));

    // The original field of a reversal: dropped, or pointing elsewhere.
    applied(&apply(&ledger, &accrual("A-2", 7, "100")));
    let rv = reversal("RV-1", 7, "10", Some("A-1"));
    let (rv_id, _, _) = applied(&apply(&ledger, &rv));
    assert_eq!(duplicate(&apply(&ledger, &rv)), (rv_id, 7));
    assert_eq!(conflict(reversal("RV-1", 7, "10", None)), vec!["original_external_id"]);
    assert_eq!(conflict(reversal("RV-1", 7, "10", Some("A-2"))), vec!["original_external_id"]);
    // A release resend naming another debit.
    applied(&apply(&ledger, &debit("D-1", 8, "10")));
    applied(&apply(&ledger, &debit("D-2", 8, "10")));
    let rel = release("R-1", 8, "5", "D-1");
    let (rel_id, _, _) = applied(&apply(&ledger, &rel));
    assert_eq!(duplicate(&apply(&ledger, &rel)), (rel_id, 8));
    assert_eq!(conflict(release("R-1", 8, "5", "D-2")), vec!["original_external_id"]);

    // None of the conflicts changed anything.
    assert_eq!(balance(&ledger, 7), 15_050 + 10_000 - 1_000);
    assert_eq!(balance(&ledger, 8), 100_000 - 2_000 + 500);
    assert_verified(&ledger);
}

#[test]
fn a_duplicate_is_judged_before_the_balance_and_the_user() {
    // A resend of a debit that was accepted must be a duplicate even though the
    // balance no longer covers it, and even if its phone is now ambiguous.
    let (_dir, _path, ledger) = fresh();
    ledger.link_phone(1, "9001110000", true).unwrap();
    applied(&apply(&ledger, &accrual("a", 1, "100")));
    let spend = json!({"external_id": "d", "type": "debit", "amount": 100, "user_phone": "9001110000"});
    let (id, _, bal) = applied(&apply(&ledger, &spend));
    assert_eq!(bal, 0);
    assert_eq!(duplicate(&apply(&ledger, &spend)), (id, 1));
    // Another verified owner makes the phone ambiguous; the stored phone still identifies the resend.
    ledger.link_phone(2, "9001110000", true).unwrap();
    assert_eq!(duplicate(&apply(&ledger, &spend)), (id, 1));
    assert_eq!(balance(&ledger, 1), 0);
}

// ---------------------------------------------------------------------------
// phones in transactions
// ---------------------------------------------------------------------------

#[test]
fn phones_resolve_to_one_owner_or_are_refused() {
    let (_dir, _path, ledger) = fresh();
    // Two unverified owners.
    ledger.link_phone(1, "+7 900 000-00-01", false).unwrap();
    ledger.link_phone(2, "+7 900 000-00-01", false).unwrap();
    // One verified and one unverified owner.
    ledger.link_phone(3, "+7 900 000-00-02", false).unwrap();
    ledger.link_phone(4, "+7 900 000-00-02", true).unwrap();
    // Two verified owners.
    ledger.link_phone(5, "+7 900 000-00-03", true).unwrap();
    ledger.link_phone(6, "+7 900 000-00-03", true).unwrap();
    // A single unverified owner.
    ledger.link_phone(9, "+375 29 123-45-67", false).unwrap();

    let by_phone =
        |ext: &str, phone: &str| json!({"external_id": ext, "type": "accrual", "amount": "25.00", "user_phone": phone});

    assert_eq!(rejected(&apply(&ledger, &by_phone("p1", "+7 999 999-99-99"))), TxError::UserNotFound);
    assert_eq!(rejected(&apply(&ledger, &by_phone("p2", "8 900 000 00 01"))), TxError::PhoneAmbiguous);
    assert_eq!(rejected(&apply(&ledger, &by_phone("p3", "89000000003"))), TxError::PhoneAmbiguous);
    for (ext, bad) in [("p4", "12345"), ("p5", "not a phone"), ("p6", "+7 900 123 45 6"), ("p7", "")] {
        assert_eq!(rejected(&apply(&ledger, &by_phone(ext, bad))), TxError::InvalidPhone, "{bad:?}");
    }
    let wire = apply(&ledger, &by_phone("p8", "abc")).to_json();
    assert_eq!(wire["error"], json!("invalid_phone"));
    assert_eq!(wire["external_id"], json!("p8"));

    let (_, user, bal) = applied(&apply(&ledger, &by_phone("p9", "9000000002")));
    assert_eq!((user, bal), (4, 2_500), "the verified owner gets the money");
    let (_, user, _) = applied(&apply(&ledger, &by_phone("p10", "00375291234567")));
    assert_eq!(user, 9, "a single unverified owner is the owner");

    assert_eq!(balance(&ledger, 3), 0);
    assert_eq!(balance(&ledger, 4), 2_500);
    for user in [1, 2, 5, 6] {
        assert_eq!(balance(&ledger, user), 0);
    }
    // Only p9 and p10 were written.
    assert_eq!(entry_count(&ledger), 2);
    let item = &full_history(&ledger, 4)[0];
    assert_eq!(item["external_id"], json!("p9"));
    assert_verified(&ledger);
}

// ---------------------------------------------------------------------------
// releases
// ---------------------------------------------------------------------------

#[test]
fn releases_are_capped_by_their_debit_and_checked() {
    let (_dir, _path, ledger) = fresh();
    applied(&apply(&ledger, &accrual("a1", 1, "1000")));
    assert_eq!(applied(&apply(&ledger, &debit("d1", 1, "600"))).2, 40_000);

    assert_eq!(applied(&apply(&ledger, &release("r1", 1, "200", "d1"))).2, 60_000);
    assert_eq!(applied(&apply(&ledger, &release("r2", 1, "300", "d1"))).2, 90_000);
    assert_eq!(
        rejected(&apply(&ledger, &release("r3", 1, "100.01", "d1"))),
        TxError::ExceedsOriginal { remaining: 10_000 }
    );
    let wire = apply(&ledger, &release("r3", 1, "100.01", "d1")).to_json();
    assert_eq!(wire["error"], json!("exceeds_original"));
    assert_eq!(minor(&wire["remaining"]), 10_000);
    assert_eq!(applied(&apply(&ledger, &release("r4", 1, "100", "d1"))).2, 100_000);
    assert_eq!(rejected(&apply(&ledger, &release("r5", 1, "0.01", "d1"))), TxError::ExceedsOriginal { remaining: 0 });

    // Wrong kinds of original.
    assert_eq!(rejected(&apply(&ledger, &release("r6", 1, "1", "a1"))), TxError::OriginalTypeMismatch);
    assert_eq!(rejected(&apply(&ledger, &release("r7", 1, "1", "r1"))), TxError::OriginalTypeMismatch);
    applied(&apply(&ledger, &reversal("rv1", 1, "1", Some("a1"))));
    assert_eq!(rejected(&apply(&ledger, &release("r8", 1, "1", "rv1"))), TxError::OriginalTypeMismatch);

    // Another user's debit.
    applied(&apply(&ledger, &accrual("a2", 2, "50")));
    applied(&apply(&ledger, &debit("d2", 2, "50")));
    assert_eq!(rejected(&apply(&ledger, &release("r9", 1, "10", "d2"))), TxError::OriginalUserMismatch);

    // An unknown original.
    assert_eq!(rejected(&apply(&ledger, &release("r10", 1, "10", "no-such-debit"))), TxError::OriginalNotFound);
    // An item cannot be its own original.
    assert_eq!(rejected(&apply(&ledger, &release("r11", 1, "10", "r11"))), TxError::OriginalNotFound);

    assert_eq!(balance(&ledger, 1), 100_000 - 100);
    assert_eq!(balance(&ledger, 2), 0);
    // A release of the whole debit of user 2 by its owner works.
    assert_eq!(applied(&apply(&ledger, &release("r12", 2, "50", "d2"))).2, 5_000);
    let item = &full_history(&ledger, 2)[0];
    assert_eq!(item["type"], json!("release"));
    assert_eq!(item["original_external_id"], json!("d2"));
    assert_verified(&ledger);
}

// ---------------------------------------------------------------------------
// reversals
// ---------------------------------------------------------------------------

#[test]
fn reversals_are_capped_by_their_accrual_and_may_go_negative() {
    let (_dir, _path, ledger) = fresh();
    applied(&apply(&ledger, &accrual("a1", 1, "1000")));
    assert_eq!(applied(&apply(&ledger, &debit("d1", 1, "800"))).2, 20_000);

    let outcome = apply(&ledger, &reversal("rv1", 1, "500", Some("a1")));
    assert_eq!(applied(&outcome).2, -30_000);
    let wire = outcome.to_json();
    assert_eq!(wire["status"], json!("success"));
    assert_eq!(wire["negative_balance"], json!(true));
    assert_eq!(minor(&wire["balance"]), -30_000);
    assert_eq!(balance(&ledger, 1), -30_000);

    assert_eq!(
        rejected(&apply(&ledger, &reversal("rv2", 1, "500.01", Some("a1")))),
        TxError::ExceedsOriginal { remaining: 50_000 }
    );
    assert_eq!(applied(&apply(&ledger, &reversal("rv3", 1, "500", Some("a1")))).2, -80_000);
    assert_eq!(
        rejected(&apply(&ledger, &reversal("rv4", 1, "0.01", Some("a1")))),
        TxError::ExceedsOriginal { remaining: 0 }
    );

    // No debit while the balance is below the amount.
    assert_eq!(rejected(&apply(&ledger, &debit("d2", 1, "0.01"))), TxError::InsufficientBalance { balance: -80_000 });
    let outcome = apply(&ledger, &accrual("a2", 1, "800"));
    assert_eq!(applied(&outcome).2, 0);
    assert_eq!(outcome.to_json()["negative_balance"], json!(false));
    assert_eq!(rejected(&apply(&ledger, &debit("d2", 1, "0.01"))), TxError::InsufficientBalance { balance: 0 });
    applied(&apply(&ledger, &accrual("a3", 1, "100")));
    assert_eq!(applied(&apply(&ledger, &debit("d2", 1, "100"))).2, 0);

    // Without an original a reversal is not capped.
    assert_eq!(applied(&apply(&ledger, &reversal("rv5", 1, "5000", None))).2, -500_000);

    // Wrong originals.
    assert_eq!(rejected(&apply(&ledger, &reversal("rv6", 1, "1", Some("d1")))), TxError::OriginalTypeMismatch);
    assert_eq!(rejected(&apply(&ledger, &reversal("rv7", 1, "1", Some("rv1")))), TxError::OriginalTypeMismatch);
    assert_eq!(rejected(&apply(&ledger, &reversal("rv8", 1, "1", Some("nope")))), TxError::OriginalNotFound);
    applied(&apply(&ledger, &accrual("b1", 2, "10")));
    assert_eq!(rejected(&apply(&ledger, &reversal("rv9", 1, "1", Some("b1")))), TxError::OriginalUserMismatch);
    // A positive accrual cannot name an original at all.
    let positive_with_original = json!({"external_id": "x", "type": "accrual", "amount": 1, "user_id": 1,
                                        "original_external_id": "a1"});
    assert!(matches!(
        rejected(&apply(&ledger, &positive_with_original)),
        TxError::Validation { field: "original_external_id", .. }
    ));

    // The history shows a reversal as an accrual with a negative amount.
    let items = full_history(&ledger, 1);
    let rv1 = items.iter().find(|item| item["external_id"] == json!("rv1")).expect("rv1 in history");
    assert_eq!(rv1["type"], json!("accrual"));
    assert_eq!(minor(&rv1["amount"]), -50_000);
    assert_eq!(minor(&rv1["effect"]), -50_000);
    assert_eq!(rv1["original_external_id"], json!("a1"));
    assert_verified(&ledger);
}

// ---------------------------------------------------------------------------
// batches
// ---------------------------------------------------------------------------

#[test]
fn batch_items_are_decided_in_order_and_see_each_other() {
    let (_dir, _path, ledger) = fresh();
    let items = vec![
        accrual("b1", 1, "100"),
        debit("b2", 1, "60"),
        accrual("b1", 1, "100"),                               // duplicate of item 0
        accrual("b1", 1, "101"),                               // conflict with item 0
        debit("b3", 1, "40.01"),                               // 40 left
        release("b4", 1, "60", "b2"),                          // releases item 1 of the same batch
        debit("b3", 1, "100"),                                 // b3 was refused above, so it is free
        json!({"type": "accrual", "amount": 1, "user_id": 1}), // no external_id
        reversal("b5", 1, "100", Some("b1")),                  // reverses item 0
    ];
    let outcomes = ledger.apply_batch(&items, None).unwrap();
    assert_eq!(outcomes.len(), items.len());
    let ids: Vec<Option<&str>> = outcomes.iter().map(Outcome::external_id).collect();
    assert_eq!(
        ids,
        [Some("b1"), Some("b2"), Some("b1"), Some("b1"), Some("b3"), Some("b4"), Some("b3"), None, Some("b5")]
    );
    let statuses: Vec<&str> = outcomes.iter().map(Outcome::status).collect();
    assert_eq!(
        statuses,
        ["success", "success", "duplicate", "error", "error", "success", "success", "error", "success"]
    );

    let (id0, _, bal0) = applied(&outcomes[0]);
    assert_eq!(bal0, 10_000);
    let (id1, _, bal1) = applied(&outcomes[1]);
    assert_eq!((id1, bal1), (id0 + 1, 4_000));
    assert_eq!(duplicate(&outcomes[2]), (id0, 1));
    assert_eq!(rejected(&outcomes[3]), TxError::ExternalIdConflict { fields: vec!["amount"] });
    assert_eq!(rejected(&outcomes[4]), TxError::InsufficientBalance { balance: 4_000 });
    assert_eq!(applied(&outcomes[5]), (id0 + 2, 1, 10_000));
    assert_eq!(applied(&outcomes[6]), (id0 + 3, 1, 0));
    assert!(matches!(rejected(&outcomes[7]), TxError::Validation { field: "external_id", .. }));
    assert_eq!(applied(&outcomes[8]), (id0 + 4, 1, -10_000));

    assert_eq!(balance(&ledger, 1), -10_000);
    assert_eq!(entry_count(&ledger), 5);
    assert_verified(&ledger);
}

#[test]
fn a_bad_item_does_not_affect_its_neighbours() {
    let (_dir, _path, ledger) = fresh();
    let items = vec![
        accrual("x1", 1, "10"),
        json!({"external_id": "x2", "type": "refund", "amount": 5, "user_id": 1}),
        accrual("x3", 2, "20"),
        json!({"external_id": "x4", "type": "accrual", "amount": "1.234", "user_id": 1}),
        json!({"external_id": "x5", "type": "accrual", "amount": 5, "user_id": 1, "colour": "red"}),
        json!("not an object"),
        accrual("x6", 1, "1"),
    ];
    let outcomes = ledger.apply_batch(&items, None).unwrap();
    assert_eq!(applied(&outcomes[0]).2, 1_000);
    let error = rejected(&outcomes[1]);
    assert!(matches!(error, TxError::Validation { field: "type", .. }), "{error:?}");
    assert_eq!(outcomes[1].external_id(), Some("x2"));
    assert_eq!(outcomes[1].to_json()["field"], json!("type"));
    assert_eq!(applied(&outcomes[2]).2, 2_000);
    assert!(matches!(rejected(&outcomes[3]), TxError::Validation { field: "amount", .. }));
    assert!(matches!(rejected(&outcomes[4]), TxError::Validation { field: "transaction", .. }));
    assert_eq!(outcomes[5].external_id(), None);
    assert!(matches!(rejected(&outcomes[5]), TxError::Validation { field: "transaction", .. }));
    assert_eq!(applied(&outcomes[6]).2, 1_100);
    assert_eq!(entry_count(&ledger), 3);
    // Ids of accepted items are consecutive: refused items take no id.
    let ids: Vec<i64> = [0, 2, 6].iter().map(|i| applied(&outcomes[*i]).0).collect();
    assert_eq!(ids, [ids[0], ids[0] + 1, ids[0] + 2]);
}

#[test]
fn a_batch_over_the_limit_is_refused_whole() {
    let (_dir, _path, ledger) = fresh_with(Config { max_batch: 3, ..Config::default() });
    let four: Vec<Value> = (1..=4).map(|i| accrual(&format!("big-{i}"), 1, "10")).collect();
    let error = ledger.apply_batch(&four, None).unwrap_err();
    assert_eq!(error.code(), "batch_too_large");
    assert_eq!(entry_count(&ledger), 0);
    assert_eq!(balance(&ledger, 1), 0);
    // Exactly the limit is fine, and nothing of the refused batch was recorded.
    let outcomes = ledger.apply_batch(&four[..3], None).unwrap();
    assert!(outcomes.iter().all(|o| o.status() == "success"), "{outcomes:?}");
    assert_eq!(entry_count(&ledger), 3);
    assert_eq!(balance(&ledger, 1), 3_000);
    // An empty batch is a no-op.
    assert!(ledger.apply_batch::<Value>(&[], None).unwrap().is_empty());
}

// ---------------------------------------------------------------------------
// one commit per batch, proven from the WAL
// ---------------------------------------------------------------------------

/// Small deterministic generator (SplitMix64), so the big batch is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
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

struct WalSummary {
    frames: usize,
    commits: usize,
    last_is_commit: bool,
}

/// Parses a WAL file: a 32-byte header, then frames of a 24-byte header and one page.
/// Only frames carrying the header's salts belong to the current WAL generation.
fn read_wal(path: &Path) -> WalSummary {
    let bytes = std::fs::read(path).expect("read the WAL file");
    assert!(bytes.len() >= 32, "WAL has no header ({} bytes)", bytes.len());
    let be32 = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    let magic = be32(0);
    assert!(magic == 0x377f_0682 || magic == 0x377f_0683, "bad WAL magic {magic:#x}");
    let page_size = be32(8) as usize;
    let page_size = if page_size == 1 { 65_536 } else { page_size };
    assert!(page_size.is_power_of_two() && page_size >= 512, "bad page size {page_size}");
    let salts = &bytes[16..24];
    let frame_size = 24 + page_size;
    let mut summary = WalSummary { frames: 0, commits: 0, last_is_commit: false };
    let mut offset = 32;
    while offset + frame_size <= bytes.len() {
        if &bytes[offset + 8..offset + 16] != salts {
            break;
        }
        let commit = be32(offset + 4) != 0;
        summary.frames += 1;
        summary.commits += usize::from(commit);
        summary.last_is_commit = commit;
        offset += frame_size;
    }
    assert_eq!(offset, bytes.len(), "the WAL was empty before the batch, so every frame is of this generation");
    summary
}

#[test]
fn a_ten_thousand_item_batch_is_one_commit() {
    const USERS: i64 = 1_000;
    const ITEMS: usize = 10_000;
    let (_dir, path, ledger) = fresh();
    let rows: Vec<ImportRow> =
        (1..=USERS).map(|user| ImportRow { user_id: user, phone: phone_of(user), verified: user % 3 != 0 }).collect();
    let report = ledger.import_phones(&rows).unwrap();
    assert_eq!(report.imported, USERS as usize);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);

    // Build the batch and, alongside, what each item should do.
    let mut rng = Rng(0x00C0_FFEE);
    let mut items: Vec<Value> = Vec::with_capacity(ITEMS);
    let mut effects: Vec<Option<i64>> = Vec::with_capacity(ITEMS); // effect if accepted, None if not writable
    let mut sent: Vec<usize> = Vec::new();
    let mut expect_duplicate = 0usize;
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
                // An exact resend of an earlier item.
                // Usually a duplicate; a resend of a refused debit is decided afresh.
                let earlier = sent[rng.below(sent.len() as u64) as usize];
                expect_duplicate += 1;
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
        let effect = match item["type"].as_str() {
            Some("accrual") if item["external_id"].as_str().unwrap().starts_with("acc-") => Some(amount),
            Some("debit") if item["external_id"].as_str().unwrap().starts_with("deb-") => Some(-amount),
            _ => None,
        };
        if effect.is_some() {
            sent.push(n);
        }
        items.push(item);
        effects.push(effect);
    }
    assert_eq!(items.len(), ITEMS);

    // Empty the WAL through a separate connection, then apply the batch.
    let wal_path = PathBuf::from(format!("{}-wal", path.display()));
    let probe = rusqlite::Connection::open(&path).unwrap();
    let (busy, _, _): (i64, i64, i64) = probe
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap();
    assert_eq!(busy, 0, "checkpoint was blocked");
    assert_eq!(std::fs::metadata(&wal_path).map(|m| m.len()).unwrap_or(0), 0, "WAL must be empty before the batch");

    let outcomes = ledger.apply_batch(&items, None).unwrap();
    let wal = read_wal(&wal_path);
    assert!(wal.frames > 1, "a 10,000-item batch writes many pages, got {} frames", wal.frames);
    assert_eq!(wal.commits, 1, "the batch must be exactly one commit ({} frames)", wal.frames);
    assert!(wal.last_is_commit);
    drop(probe);

    // Outcomes: in order, each consistent with its item.
    assert_eq!(outcomes.len(), ITEMS);
    let mut first_ids: HashMap<String, (i64, i64)> = HashMap::new();
    let mut final_balance: HashMap<i64, i64> = HashMap::new();
    let mut accepted_effects: HashMap<i64, i64> = HashMap::new();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for ((item, outcome), effect) in items.iter().zip(&outcomes).zip(&effects) {
        let ext = item["external_id"].as_str().unwrap();
        assert_eq!(outcome.external_id(), Some(ext));
        *counts.entry(outcome.error_code().unwrap_or(outcome.status())).or_default() += 1;
        match outcome {
            Outcome::Applied { transaction_id, user_id, balance, .. } => {
                let effect = effect.expect("only plain accruals and debits can be applied");
                assert_eq!(*user_id, user_of(item), "{ext}: applied to the wrong user");
                assert!(first_ids.insert(ext.to_owned(), (*transaction_id, *user_id)).is_none(), "{ext} applied twice");
                *accepted_effects.entry(*user_id).or_default() += effect;
                assert_eq!(accepted_effects[user_id], *balance, "running balance of user {user_id} at {ext}");
                final_balance.insert(*user_id, *balance);
            }
            Outcome::Duplicate { transaction_id, user_id, .. } => {
                assert_eq!(
                    first_ids.get(ext),
                    Some(&(*transaction_id, *user_id)),
                    "{ext}: duplicate of an unknown item"
                );
            }
            Outcome::Rejected { error, .. } => match error {
                TxError::InsufficientBalance { balance } => {
                    assert!(ext.starts_with("deb-"));
                    assert_eq!(*balance, accepted_effects.get(&user_of(item)).copied().unwrap_or(0));
                }
                TxError::Validation { field: "amount", .. } => assert!(ext.starts_with("bad-")),
                TxError::UserNotFound => assert!(ext.starts_with("nobody-")),
                // A resend of an item that was itself refused is decided afresh.
                other => panic!("{ext}: unexpected refusal {other:?}"),
            },
        }
    }
    for code in ["success", "duplicate", "insufficient_balance", "validation_failed", "user_not_found"] {
        assert!(counts.get(code).copied().unwrap_or(0) > 50, "too few {code} outcomes: {counts:?}");
    }
    assert!(expect_duplicate > 0);

    // The ledger agrees: every balance, their sum, and verify().
    let ids: HashSet<i64> = first_ids.values().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), first_ids.len(), "transaction ids are unique");
    let mut total = 0;
    for user in 1..=USERS {
        let expected = accepted_effects.get(&user).copied().unwrap_or(0);
        assert_eq!(balance(&ledger, user), expected, "balance of user {user}");
        total += balance(&ledger, user);
    }
    assert_eq!(total, accepted_effects.values().sum::<i64>());
    assert_eq!(final_balance.len(), accepted_effects.len());
    let report = ledger.verify().unwrap();
    assert_eq!(report["ok"], json!(true), "{report:#}");
    assert_eq!(report["entries"], json!(first_ids.len()));
}

/// The user an item names, resolving a phone the way the big batch links them.
fn user_of(item: &Value) -> i64 {
    if let Some(id) = item["user_id"].as_i64() {
        return id;
    }
    let digits: String = item["user_phone"].as_str().unwrap().chars().filter(char::is_ascii_digit).collect();
    digits[2..].parse().unwrap()
}

// ---------------------------------------------------------------------------
// verify()
// ---------------------------------------------------------------------------

fn problems_of(report: &Value, check: &str) -> Vec<Value> {
    report["problems"].as_array().unwrap().iter().filter(|p| p["check"] == json!(check)).cloned().collect()
}

#[test]
fn verify_finds_a_tampered_balance_and_an_overdraft() {
    let (_dir, path, ledger) = fresh();
    ledger
        .apply_batch(
            &[
                accrual("a1", 1, "100"),
                debit("d1", 1, "30"),
                release("r1", 1, "10", "d1"),
                accrual("a2", 2, "50"),
                reversal("rv", 2, "70", None),
                accrual("a3", 3, "5"),
            ],
            None,
        )
        .unwrap();
    let report = ledger.verify().unwrap();
    assert_eq!(report["ok"], json!(true), "{report:#}");
    assert_eq!(report["accounts"], json!(3));
    assert_eq!(report["entries"], json!(6));
    assert_eq!(report["problems"], json!([]));

    let tamper = rusqlite::Connection::open(&path).unwrap();
    tamper.execute("UPDATE accounts SET balance = balance + 1 WHERE user_id = 2", []).unwrap();
    let report = ledger.verify().unwrap();
    assert_eq!(report["ok"], json!(false));
    let mismatches = problems_of(&report, "balance_mismatch");
    assert_eq!(mismatches.len(), 1, "{report:#}");
    assert_eq!(mismatches[0]["user_id"], json!(2));
    assert_eq!(report["problems"].as_array().unwrap().len(), 1, "{report:#}");

    // Undo, then write a debit that overdraws user 3, keeping the cached balance in step.
    tamper.execute("UPDATE accounts SET balance = balance - 1 WHERE user_id = 2", []).unwrap();
    assert_verified(&ledger);
    tamper
        .execute(
            "INSERT INTO entries (external_id, user_id, kind, amount, source, description, created_at, recorded_at)
         VALUES ('forged', 3, 2, 900, '1c_retail', '', 0, 0)",
            [],
        )
        .unwrap();
    let forged = tamper.last_insert_rowid();
    tamper.execute("UPDATE accounts SET balance = balance - 900 WHERE user_id = 3", []).unwrap();
    let report = ledger.verify().unwrap();
    assert_eq!(report["ok"], json!(false));
    let overdrafts = problems_of(&report, "overdraft");
    assert_eq!(overdrafts.len(), 1, "{report:#}");
    assert_eq!(overdrafts[0]["user_id"], json!(3));
    assert_eq!(overdrafts[0]["entry_id"], json!(forged));
    assert!(problems_of(&report, "balance_mismatch").is_empty(), "{report:#}");

    // A user with entries but no cached balance is a mismatch too.
    tamper.execute("DELETE FROM accounts WHERE user_id = 1", []).unwrap();
    let report = ledger.verify().unwrap();
    let mismatches = problems_of(&report, "balance_mismatch");
    assert_eq!(mismatches.len(), 1, "{report:#}");
    assert_eq!(mismatches[0]["user_id"], json!(1));
}

// ---------------------------------------------------------------------------
// history
// ---------------------------------------------------------------------------

#[test]
fn history_pages_newest_first_in_rubles() {
    let (_dir, _path, ledger) = fresh();
    let mut mine = Vec::new();
    let push = |mine: &mut Vec<i64>, outcome: Outcome| mine.push(applied(&outcome).0);
    push(
        &mut mine,
        apply(
            &ledger,
            &json!({"external_id": "h-a1", "type": "accrual", "amount": 1250.5, "user_id": 5,
                                            "description": "Store 1", "store_id": "s1"}),
        ),
    );
    push(&mut mine, apply(&ledger, &debit("h-d1", 5, "100.25")));
    push(&mut mine, apply(&ledger, &reversal("h-rv1", 5, "50", Some("h-a1"))));
    push(&mut mine, apply(&ledger, &release("h-r1", 5, "0.25", "h-d1")));
    for i in 0..20 {
        applied(&apply(&ledger, &accrual(&format!("other-{i}"), 6, "1")));
        push(&mut mine, apply(&ledger, &accrual(&format!("h-more-{i}"), 5, &format!("{}.0{}", i + 1, i % 10))));
    }
    apply(&ledger, &debit("h-refused", 5, "1000000")); // refused: not in the history

    // Page through with several page sizes; every entry exactly once, newest first.
    let expected: Vec<i64> = mine.iter().rev().copied().collect();
    for limit in [1, 3, 7, 24, 100] {
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let page = ledger.history(5, limit, cursor).unwrap();
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= limit);
            seen.extend(items.iter().map(|item| item["transaction_id"].as_i64().unwrap()));
            pages += 1;
            assert!(pages <= 100, "paging does not end");
            match page["next_cursor"].as_i64() {
                Some(next) => {
                    assert_eq!(items.len(), limit, "only the last page may be short");
                    cursor = Some(next);
                }
                None => {
                    assert!(page["next_cursor"].is_null());
                    break;
                }
            }
        }
        assert_eq!(seen, expected, "limit {limit}");
    }

    let items = full_history(&ledger, 5);
    let by_ext = |ext: &str| items.iter().find(|item| item["external_id"] == json!(ext)).unwrap().clone();
    let a1 = by_ext("h-a1");
    assert_eq!(a1["type"], json!("accrual"));
    assert_eq!(a1["amount"], json!(1250.5));
    assert_eq!(a1["amount"].to_string(), "1250.5");
    assert_eq!(a1["effect"], json!(1250.5));
    assert_eq!(a1["description"], json!("Store 1"));
    assert_eq!(a1["store_id"], json!("s1"));
    assert_eq!(a1["source"], json!("1c_retail"));
    assert!(a1["original_external_id"].is_null());
    let d1 = by_ext("h-d1");
    assert_eq!(d1["type"], json!("debit"));
    assert_eq!(d1["amount"], json!(100.25));
    assert_eq!(d1["effect"], json!(-100.25));
    let rv1 = by_ext("h-rv1");
    assert_eq!(rv1["type"], json!("accrual"));
    assert_eq!(rv1["amount"].as_f64(), Some(-50.0));
    assert_eq!(rv1["effect"].as_f64(), Some(-50.0));
    assert_eq!(rv1["original_external_id"], json!("h-a1"));
    let r1 = by_ext("h-r1");
    assert_eq!(r1["type"], json!("release"));
    assert_eq!(r1["amount"], json!(0.25));
    assert_eq!(r1["effect"], json!(0.25));
    assert_eq!(r1["original_external_id"], json!("h-d1"));
    let more = by_ext("h-more-13");
    assert_eq!(more["amount"], json!(14.03));

    // The sum of effects is the balance.
    let sum: i64 = items.iter().map(|item| minor(&item["effect"])).sum();
    assert_eq!(sum, balance(&ledger, 5));
    // A user without entries has an empty history.
    let empty = ledger.history(77, 10, None).unwrap();
    assert_eq!(empty["items"], json!([]));
    assert!(empty["next_cursor"].is_null());
}

// ---------------------------------------------------------------------------
// reopening
// ---------------------------------------------------------------------------

#[test]
fn data_persists_across_ledgers_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.db");
    let first = Ledger::open(&path, Config::default()).unwrap();
    first.link_phone(3, "8 900 555 44 33", true).unwrap();
    let (id, _, _) = applied(&apply(&first, &accrual("p-1", 3, "70")));
    applied(&apply(&first, &debit("p-2", 3, "20")));

    // "dir/./ledger.db" is another spelling of the same path (std's Path equality skips "."),
    // so it shares the cached connection; it must still see the same data.
    let dotted = dir.path().join(".").join("ledger.db");
    let same = Ledger::open(&dotted, Config::default()).unwrap();
    assert_eq!(balance(&same, 3), 5_000);

    // A symlinked directory is a different cache key: a second connection to the same file.
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(dir.path(), &link).unwrap();
    let linked = link.join("ledger.db");
    let second = Ledger::open(&linked, Config::default()).unwrap();
    assert_eq!(balance(&second, 3), 5_000);
    assert_eq!(second.find_user_by_phone("+79005554433").unwrap().0, 3);
    assert_eq!(duplicate(&apply(&second, &accrual("p-1", 3, "70"))), (id, 3));
    applied(&apply(&second, &accrual("p-3", 3, "1")));
    assert_eq!(balance(&first, 3), 5_100, "the first connection sees the second's commit");
    assert_eq!(full_history(&second, 3).len(), 3);

    // Evict and drop every connection, then open afresh.
    drop((first, same, second));
    db::evict(&path);
    db::evict(&linked);
    let reopened = Ledger::open(&path, Config::default()).unwrap();
    assert_eq!(balance(&reopened, 3), 5_100);
    assert_eq!(full_history(&reopened, 3).len(), 3);
    assert_eq!(
        rejected(&apply(&reopened, &accrual("p-1", 3, "71"))),
        TxError::ExternalIdConflict { fields: vec!["amount"] }
    );
    assert_eq!(reopened.user_phones(3).unwrap(), vec![("79005554433".to_owned(), true)]);
    assert_verified(&reopened);
}

// ---------------------------------------------------------------------------
// queued read rows of the sync log
// ---------------------------------------------------------------------------

fn read_row(store: &str) -> LogEntry {
    LogEntry {
        endpoint: "balance".into(),
        status: "success".into(),
        store_id: Some(store.into()),
        ..LogEntry::default()
    }
}

fn rows_on_disk(path: &Path, store: &str) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM sync_log WHERE store_id = ?1", [store], |row| row.get(0))
        .unwrap()
}

#[test]
fn queued_read_rows_survive_a_failed_commit_and_go_out_with_the_next_one() {
    let (_dir, path, ledger) =
        fresh_with(Config { busy_timeout: std::time::Duration::from_millis(50), ..Config::default() });
    for _ in 0..3 {
        ledger.log_read(read_row("s-queue")).unwrap();
    }
    assert_eq!((readlog::queued(&path), rows_on_disk(&path, "s-queue")), (3, 0), "rows wait in the process");

    // Another writer holds the lock: the batch fails, and the rows it was to carry stay queued.
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let error = ledger.apply_batch(&[accrual("q-1", 7, "1")], None).unwrap_err();
    assert_eq!(error.code(), "database_busy");
    assert_eq!(readlog::queued(&path), 3);
    holder.execute_batch("ROLLBACK").unwrap();

    // The next commit writes them, once.
    ledger.apply_batch(&[accrual("q-1", 7, "1")], None).unwrap();
    assert_eq!((readlog::queued(&path), rows_on_disk(&path, "s-queue")), (0, 3));
    ledger.log(read_row("s-queue")).unwrap();
    assert_eq!(rows_on_disk(&path, "s-queue"), 4);
}

#[test]
fn a_full_queue_of_read_rows_goes_out_long_before_its_rows_are_due_by_age() {
    let (_dir, path, ledger) = fresh();
    for _ in 0..readlog::FLUSH_ROWS {
        ledger.log_read(read_row("s-full")).unwrap();
    }
    // Well before the rows are FLUSH_AFTER old: only the thread taking full queues explains them on disk.
    let deadline = std::time::Instant::now() + readlog::FLUSH_AFTER * 9 / 10;
    while rows_on_disk(&path, "s-full") < readlog::FLUSH_ROWS as i64 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(rows_on_disk(&path, "s-full"), readlog::FLUSH_ROWS as i64);
    assert_eq!(readlog::queued(&path), 0);
}
