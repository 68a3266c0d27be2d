//! The ledger's rules, scenario by scenario, through the [`Ledger`] service on
//! whatever store the harness gives. Every test starts from an empty database.

use cashback_core::{
    code::Code,
    config::Config,
    engine::Outcome,
    error::TxError,
    keys::Auth,
    ledger::RequestContext,
    phone::Region,
    phones::ImportRow,
    synclog::{LogEntry, LogFilter},
    tx::Kind,
    verify::Check,
};
use serde_json::{Value, json};

pub use crate::model::the_model_on_a_known_sequence;
use crate::{Harness, Tamper, support::*};
pub use crate::{
    big_batch::a_ten_thousand_item_batch_decides_every_item,
    copying::a_copied_ledger_holds_every_row_and_goes_on_where_its_source_stopped,
    model::the_ledger_agrees_with_the_model,
};

// ---------------------------------------------------------------------------
// the brief's conflict
// ---------------------------------------------------------------------------

/// The user redeemed 500 online while the register was offline; its debit of 300 is refused.
pub fn offline_debit_after_online_redemption_is_refused_and_writes_nothing(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
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
    assert_eq!(outcome.status(), Code::Error);
    assert_eq!(outcome.external_id(), Some("pos-7-0001"));
    assert_eq!(rejected(&outcome), TxError::InsufficientBalance { balance: 0 });
    let wire = wire(&outcome);
    assert_eq!(wire["error"], json!("insufficient_balance"));
    assert_eq!(wire["balance"], json!(0.0));

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

/// A resend with the same values is a duplicate however it is spelled; other values name the fields.
pub fn resends_are_duplicates_and_changed_resends_are_conflicts(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
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
    assert_eq!(dup.status(), Code::Duplicate);
    assert_eq!(wire(&dup)["transaction_id"], json!(id));
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
    let wire = wire(&apply(&ledger, &json!({"external_id": "A-1", "type": "accrual", "amount": 1, "user_id": 8})));
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

/// A resend of an accepted debit is a duplicate even though the balance no longer
/// covers it, and even if its phone is now ambiguous.
pub fn a_duplicate_is_judged_before_the_balance_and_the_user(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
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
// phones
// ---------------------------------------------------------------------------

/// The one verified owner, else the only owner, gets the money; anything else is refused.
pub fn phones_resolve_to_one_owner_or_are_refused(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
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
    let wire = wire(&apply(&ledger, &by_phone("p8", "abc")));
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
    assert_eq!(full_history(&ledger, 4)[0].external_id, "p9");

    // The same rules for a lookup.
    assert_eq!(ledger.find_user_by_phone("8 (900) 000-00-02").unwrap(), (4, "79000000002".to_owned()));
    let shared = ledger.find_user_by_phone("+79000000003").unwrap_err();
    assert_eq!(
        (shared.code(), shared.message().as_str()),
        (Code::PhoneAmbiguous, "2 users share phone 79000000003; none is its single verified owner")
    );
    assert_eq!(ledger.find_user_by_phone("+7 999 999-99-99").unwrap_err().code(), Code::UserNotFound);
    assert_eq!(ledger.balance_by_phone("12").unwrap_err().code(), Code::InvalidPhone);
    let by_phone_balance = ledger.balance_by_phone("9000000002").unwrap();
    assert_eq!((by_phone_balance.user_id, by_phone_balance.balance), (4, 2_500));
    assert_eq!(by_phone_balance.phone.as_deref(), Some("79000000002"));
    assert_verified(&ledger);
}

/// A verified link stays verified when linked again unverified; a replace is whole and checked first.
pub fn phone_links_keep_verified_flags_and_replace_whole(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    assert_eq!(ledger.link_phone(1, "8 900 111-22-33", true).unwrap(), "79001112233");
    ledger.link_phone(1, "+79001112233", false).unwrap();
    assert_eq!(ledger.user_phones(1).unwrap(), [("79001112233".to_owned(), true)]);

    let list =
        [("+7 900 000 00 09".to_owned(), false), ("9000000008".to_owned(), true), ("89000000009".to_owned(), true)];
    assert_eq!(ledger.replace_user_phones(1, &list).unwrap(), ["79000000009", "79000000008", "79000000009"]);
    assert_eq!(
        ledger.user_phones(1).unwrap(),
        [("79000000008".to_owned(), true), ("79000000009".to_owned(), true)],
        "the old phone is gone; a phone named twice is one verified link"
    );
    let bad = [("9000000007".to_owned(), false), ("no phone".to_owned(), false)];
    assert_eq!(ledger.replace_user_phones(1, &bad).unwrap_err().code(), Code::InvalidPhone);
    assert_eq!(ledger.user_phones(1).unwrap().len(), 2, "a refused replace changes nothing");
    assert_eq!(ledger.link_phone(0, "9000000007", false).unwrap_err().code(), Code::InvalidUserId);

    let rows = [
        ImportRow { user_id: 2, phone: "9000000008".into(), verified: false },
        ImportRow { user_id: 2, phone: "nope".into(), verified: true },
        ImportRow { user_id: -1, phone: "9000000007".into(), verified: true },
        ImportRow { user_id: 1, phone: "9000000008".into(), verified: false },
    ];
    let report = ledger.import_phones(&rows).unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(report.rejected.iter().map(|(row, _)| *row).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(ledger.user_phones(1).unwrap()[0], ("79000000008".to_owned(), true), "an import never unverifies");
    assert_eq!(ledger.find_user_by_phone("9000000008").unwrap().0, 1, "the verified owner of a shared phone");
    assert_eq!(ledger.unlink_user(1).unwrap(), 2);
    assert_eq!(ledger.user_phones(1).unwrap(), []);
    assert_eq!(ledger.find_user_by_phone("9000000008").unwrap().0, 2);
}

/// Phones without a country code are read as numbers of the ledger's region.
pub fn a_ledgers_region_reads_local_numbers(harness: &dyn Harness) {
    let db = harness.database();
    let belarus = db.ledger(Config { region: Region::parse("BY").unwrap(), ..Config::default() });
    let russia = db.ledger(Config::default());
    assert_eq!(belarus.link_phone(5, "8 029 123-45-67", true).unwrap(), "375291234567");
    assert_eq!(russia.link_phone(5, "8 029 123-45-67", true).unwrap_err().code(), Code::InvalidPhone);
    let local = json!({"external_id": "by-1", "type": "accrual", "amount": 10, "user_phone": "29 123 45 67"});
    assert_eq!(applied(&apply(&belarus, &local)).1, 5);
    assert_eq!(
        rejected(&apply(
            &russia,
            &json!({"external_id": "ru-1", "type": "accrual", "amount": 10,
                                                "user_phone": "29 123 45 67"})
        )),
        TxError::InvalidPhone
    );
    // The resend through the Russian ledger in international form is the same operation.
    let international = json!({"external_id": "by-1", "type": "accrual", "amount": 10, "user_phone": "+375291234567"});
    assert_eq!(duplicate(&apply(&russia, &international)).1, 5);
}

// ---------------------------------------------------------------------------
// releases and reversals
// ---------------------------------------------------------------------------

/// A release gives back at most what remains of its debit, of the same user.
pub fn releases_are_capped_by_their_debit_and_checked(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    applied(&apply(&ledger, &accrual("a1", 1, "1000")));
    assert_eq!(applied(&apply(&ledger, &debit("d1", 1, "600"))).2, 40_000);

    assert_eq!(applied(&apply(&ledger, &release("r1", 1, "200", "d1"))).2, 60_000);
    assert_eq!(applied(&apply(&ledger, &release("r2", 1, "300", "d1"))).2, 90_000);
    assert_eq!(
        rejected(&apply(&ledger, &release("r3", 1, "100.01", "d1"))),
        TxError::ExceedsOriginal { remaining: 10_000 }
    );
    let wire = wire(&apply(&ledger, &release("r3", 1, "100.01", "d1")));
    assert_eq!(wire["error"], json!("exceeds_original"));
    assert_eq!(wire["remaining"], json!(100.0));
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
    assert_eq!(item.kind, Kind::Release);
    assert_eq!(item.original_external_id.as_deref(), Some("d2"));
    assert_verified(&ledger);
}

/// A reversal takes back at most its accrual, and may leave the balance negative.
pub fn reversals_are_capped_by_their_accrual_and_may_go_negative(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    applied(&apply(&ledger, &accrual("a1", 1, "1000")));
    assert_eq!(applied(&apply(&ledger, &debit("d1", 1, "800"))).2, 20_000);

    let outcome = apply(&ledger, &reversal("rv1", 1, "500", Some("a1")));
    assert_eq!(applied(&outcome).2, -30_000);
    let wire_form = wire(&outcome);
    assert_eq!(wire_form["status"], json!("success"));
    assert_eq!(wire_form["negative_balance"], json!(true));
    assert_eq!(wire_form["balance"], json!(-300.0));
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
    assert_eq!(wire(&outcome)["negative_balance"], json!(false));
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
    let history = full_history(&ledger, 1);
    let rv1 = by_external_id(&history, "rv1");
    assert_eq!((rv1.kind, rv1.amount, rv1.effect()), (Kind::Accrual, -50_000, -50_000));
    assert_eq!(rv1.original_external_id.as_deref(), Some("a1"));
    assert_verified(&ledger);
}

// ---------------------------------------------------------------------------
// batches
// ---------------------------------------------------------------------------

/// Items are decided in order; later ones see earlier ones of the same batch.
pub fn batch_items_are_decided_in_order_and_see_each_other(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
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
    let statuses: Vec<&str> = outcomes.iter().map(|outcome| outcome.status().name()).collect();
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

/// An invalid item is refused on its own; its neighbours are applied.
pub fn a_bad_item_does_not_affect_its_neighbours(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
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
    assert_eq!(wire(&outcomes[1])["field"], json!("type"));
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

/// A batch over max_batch is refused whole; exactly max_batch is fine.
pub fn a_batch_over_the_limit_is_refused_whole(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config { max_batch: 3, ..Config::default() });
    let four: Vec<Value> = (1..=4).map(|i| accrual(&format!("big-{i}"), 1, "10")).collect();
    let error = ledger.apply_batch(&four, None).unwrap_err();
    assert_eq!(error.code(), Code::BatchTooLarge);
    assert_eq!(entry_count(&ledger), 0);
    assert_eq!(balance(&ledger, 1), 0);
    // Exactly the limit is fine, and nothing of the refused batch was recorded.
    let outcomes = ledger.apply_batch(&four[..3], None).unwrap();
    assert!(outcomes.iter().all(|o| o.status() == Code::Success), "{outcomes:?}");
    assert_eq!(entry_count(&ledger), 3);
    assert_eq!(balance(&ledger, 1), 3_000);
    // An empty batch is a no-op.
    assert!(ledger.apply_batch::<Value>(&[], None).unwrap().is_empty());
}

/// A write with a context leaves one sync-log row per item, attributed to the item's store.
pub fn a_batch_with_a_context_logs_every_item_in_its_commit(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    let context =
        RequestContext { client: Some("1c-central".into()), store_id: None, endpoint: "transactions/batch".into() };
    for store in ["s7", "s8", "s9"] {
        ledger.register_store(store, None, None).unwrap();
    }
    let items = [
        json!({"external_id": "l1", "type": "accrual", "amount": 5, "user_id": 1, "store_id": "s8"}),
        json!({"external_id": "l2", "type": "debit", "amount": 50, "user_id": 1, "store_id": "s7"}),
        json!({"external_id": "l3", "type": "refund", "amount": 5, "user_id": 1, "store_id": "s9"}),
    ];
    ledger.apply_batch(&items, Some(&context)).unwrap();
    let rows: Vec<LogEntry> =
        ledger.sync_log(&LogFilter::default(), 10, None).unwrap().items.into_iter().map(|row| row.entry).collect();
    let summary: Vec<String> = rows
        .iter()
        .rev()
        .map(|row| format!("{:?} {} {:?} {:?}", row.external_id, row.status, row.error, row.store_id))
        .collect();
    assert_eq!(
        summary,
        [
            r#"Some("l1") success None Some("s8")"#,
            r#"Some("l2") error Some("insufficient_balance") Some("s7")"#,
            r#"Some("l3") error Some("validation_failed") Some("s9")"#,
        ]
    );
    assert!(rows.iter().all(|row| row.client.as_deref() == Some("1c-central") && row.endpoint == "transactions/batch"));
    let activity = ledger.store_activity().unwrap();
    assert!(
        activity.iter().all(|store| store.last_seen_at.is_some()),
        "every store named counts as seen: {activity:?}"
    );
}

/// Through the API a key bound to a store writes for that store only, a key
/// without one for registered stores only, and nothing refused registers or
/// refreshes a store.
pub fn api_writes_name_only_their_keys_store_and_refusals_register_nothing(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    ledger.create_api_key("store-1", Some("s1"), &[]).unwrap();
    ledger.register_store("s2", None, None).unwrap();
    let bound =
        RequestContext { client: Some("store-1".into()), store_id: Some("s1".into()), endpoint: "transactions".into() };
    let at = |external_id: &str, store: &str| json!({"external_id": external_id, "type": "accrual", "amount": 5, "user_id": 1, "store_id": store});

    let outcomes = ledger.apply_batch(&[at("own", "s1"), at("other", "s2")], Some(&bound)).unwrap();
    assert_eq!(outcomes.iter().map(Outcome::error_code).collect::<Vec<_>>(), [None, Some(Code::StoreNotAllowed)]);
    let activity = ledger.store_activity().unwrap();
    let seen = |store: &str| activity.iter().find(|row| row.store_id == store).and_then(|row| row.last_seen_at);
    assert!(seen("s1").is_some(), "the key's store was created with the key and is seen");
    assert_eq!(seen("s2"), None, "another store's key cannot refresh s2's last activity");
    let refused_row = ledger.sync_log(&LogFilter::default(), 1, None).unwrap().items.remove(0).entry;
    assert_eq!(
        (refused_row.store_id.as_deref(), refused_row.error.as_deref()),
        (Some("s1"), Some("store_not_allowed"))
    );

    let central =
        RequestContext { client: Some("1c-central".into()), store_id: None, endpoint: "transactions/batch".into() };
    let unknown: Vec<Value> = (0..1_000).map(|i| at(&format!("u{i}"), &format!("nowhere-{i}"))).collect();
    let outcomes = ledger.apply_batch(&unknown, Some(&central)).unwrap();
    assert!(outcomes.iter().all(|outcome| outcome.error_code() == Some(Code::UnknownStore)));
    assert_eq!(ledger.store_activity().unwrap().len(), 2, "1,000 refused items registered no store");
    assert_eq!(
        ledger.apply(&at("in-process", "site"), None).unwrap().error_code(),
        None,
        "the site's own code is trusted"
    );
    assert_eq!(ledger.store_activity().unwrap().len(), 2);

    let open = db.ledger(Config { auto_register_stores: true, ..Config::default() });
    let outcomes = open.apply_batch(&[at("new-1", "s3"), at("new-2", "s3")], Some(&central)).unwrap();
    assert_eq!(outcomes.iter().map(Outcome::error_code).collect::<Vec<_>>(), [None, None]);
    assert!(open.store_activity().unwrap().iter().any(|store| store.store_id == "s3" && store.last_seen_at.is_some()));
}

// ---------------------------------------------------------------------------
// verify()
// ---------------------------------------------------------------------------

/// verify() names a balance that disagrees with its entries, and a debit that overdrew.
pub fn verify_finds_a_tampered_balance_and_an_overdraft(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
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
    assert!(report.ok(), "{report:#?}");
    assert_eq!((report.accounts, report.entries), (3, 6));

    db.tamper(Tamper::AddToBalance { user_id: 2, amount: 1 });
    let report = ledger.verify().unwrap();
    assert!(!report.ok());
    assert_eq!(report.problems.len(), 1, "{report:#?}");
    assert_eq!((report.problems[0].check, report.problems[0].user_id), (Check::BalanceMismatch, Some(2)));
    assert_eq!(report.problems[0].message, "cached balance -1999, entries sum to -2000");

    // Undo, then write a debit that overdraws user 3, keeping the cached balance in step.
    db.tamper(Tamper::AddToBalance { user_id: 2, amount: -1 });
    assert_verified(&ledger);
    let forged = db.tamper(Tamper::ForgeDebit { user_id: 3, amount: 900 });
    let overdrafts = problems_of(&ledger, Check::Overdraft);
    assert_eq!(overdrafts.len(), 1, "{overdrafts:#?}");
    assert_eq!((overdrafts[0].user_id, overdrafts[0].entry_id), (Some(3), Some(forged)));
    assert!(problems_of(&ledger, Check::BalanceMismatch).is_empty());

    // A user with entries but no cached balance is a mismatch too.
    db.tamper(Tamper::DropAccount { user_id: 1 });
    let mismatches = problems_of(&ledger, Check::BalanceMismatch);
    assert_eq!(mismatches.len(), 1, "{mismatches:#?}");
    assert_eq!(mismatches[0].user_id, Some(1));
}

// ---------------------------------------------------------------------------
// history
// ---------------------------------------------------------------------------

/// History pages newest first, every entry exactly once, whatever the page size.
pub fn history_pages_newest_first(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    let mut mine = Vec::new();
    let item = json!({"external_id": "h-a1", "type": "accrual", "amount": 1250.5, "user_id": 5,
                      "description": "Store 1", "store_id": "s1", "created_at": "2026-11-27T10:15:00"});
    mine.push(applied(&apply(&ledger, &item)).0);
    mine.push(applied(&apply(&ledger, &debit("h-d1", 5, "100.25"))).0);
    mine.push(applied(&apply(&ledger, &reversal("h-rv1", 5, "50", Some("h-a1")))).0);
    mine.push(applied(&apply(&ledger, &release("h-r1", 5, "0.25", "h-d1"))).0);
    for i in 0..20 {
        applied(&apply(&ledger, &accrual(&format!("other-{i}"), 6, "1")));
        mine.push(applied(&apply(&ledger, &accrual(&format!("h-more-{i}"), 5, &format!("{}.0{}", i + 1, i % 10)))).0);
    }
    apply(&ledger, &debit("h-refused", 5, "1000000")); // refused: not in the history

    let expected: Vec<i64> = mine.iter().rev().copied().collect();
    for limit in [1, 3, 7, 24, 100] {
        let mut seen = Vec::new();
        let mut cursor = None;
        for pages in 1.. {
            assert!(pages <= 100, "paging does not end");
            let page = ledger.history(5, limit, cursor).unwrap();
            assert!(page.items.len() <= limit);
            seen.extend(page.items.iter().map(|item| item.id));
            match page.next_cursor {
                Some(next) => {
                    assert_eq!(page.items.len(), limit, "only the last page may be short");
                    cursor = Some(next);
                }
                None => break,
            }
        }
        assert_eq!(seen, expected, "limit {limit}");
    }

    let history = full_history(&ledger, 5);
    let a1 = by_external_id(&history, "h-a1");
    assert_eq!((a1.kind, a1.amount, a1.effect()), (Kind::Accrual, 125_050, 125_050));
    assert_eq!(
        (a1.description.as_str(), a1.store_id.as_deref(), a1.source.as_str()),
        ("Store 1", Some("s1"), "1c_retail")
    );
    assert_eq!(a1.created_at, 1_795_763_700, "read in Moscow time");
    assert!(a1.recorded_at > 1_700_000_000_000, "milliseconds of acceptance");
    assert_eq!(a1.original_external_id, None);
    let d1 = by_external_id(&history, "h-d1");
    assert_eq!((d1.kind, d1.amount, d1.effect()), (Kind::Debit, 10_025, -10_025));
    let r1 = by_external_id(&history, "h-r1");
    assert_eq!((r1.kind, r1.amount, r1.original_external_id.as_deref()), (Kind::Release, 25, Some("h-d1")));
    assert_eq!(by_external_id(&history, "h-more-13").amount, 1_403);

    // The sum of effects is the balance; a user without entries has an empty history.
    assert_eq!(history.iter().map(|item| item.effect()).sum::<i64>(), balance(&ledger, 5));
    let empty = ledger.history(77, 10, None).unwrap();
    assert_eq!((empty.items.len(), empty.next_cursor), (0, None));
    assert_eq!(ledger.history(0, 10, None).unwrap_err().code(), Code::InvalidUserId);
    let limited = ledger.history(5, 100_000, None).unwrap();
    assert_eq!(limited.items.len(), 24, "limits above 500 are 500");
}

// ---------------------------------------------------------------------------
// several stores on one database
// ---------------------------------------------------------------------------

/// Two stores on one database (two processes, two web nodes) see each other's commits.
pub fn a_second_store_on_the_same_database_sees_every_commit(harness: &dyn Harness) {
    let db = harness.database();
    let first = db.ledger(Config::default());
    first.link_phone(3, "8 900 555 44 33", true).unwrap();
    let (id, _, _) = applied(&apply(&first, &accrual("p-1", 3, "70")));
    applied(&apply(&first, &debit("p-2", 3, "20")));

    let second = db.ledger(Config::default());
    assert_eq!(balance(&second, 3), 5_000);
    assert_eq!(second.find_user_by_phone("+79005554433").unwrap().0, 3);
    assert_eq!(duplicate(&apply(&second, &accrual("p-1", 3, "70"))), (id, 3));
    applied(&apply(&second, &accrual("p-3", 3, "1")));
    assert_eq!(balance(&first, 3), 5_100, "the first store sees the second's commit");
    assert_eq!(full_history(&second, 3).len(), 3);
    assert_eq!(
        rejected(&apply(&first, &accrual("p-1", 3, "71"))),
        TxError::ExternalIdConflict { fields: vec!["amount"] }
    );

    // Both spend the same money: exactly one debit of the whole balance goes through.
    let outcomes = [apply(&first, &debit("spend-a", 3, "51")), apply(&second, &debit("spend-b", 3, "51"))];
    assert_eq!(outcomes.iter().filter(|outcome| outcome.status() == Code::Success).count(), 1);
    assert_eq!(balance(&first, 3), 0);
    assert_eq!(second.user_phones(3).unwrap(), [("79005554433".to_owned(), true)]);
    assert_verified(&second);
}

// ---------------------------------------------------------------------------
// the sync log and store monitoring
// ---------------------------------------------------------------------------

fn log_row(endpoint: &str, status: &str, store: Option<&str>, at: i64) -> LogEntry {
    LogEntry {
        at,
        endpoint: endpoint.into(),
        status: status.into(),
        store_id: store.map(str::to_owned),
        ..LogEntry::default()
    }
}

/// Log rows are filtered by store, status, external_id and time, paged newest first, and pruned by age.
pub fn sync_log_rows_are_filtered_paged_and_pruned(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    let now = cashback_core::time::now_millis();
    let day = 86_400_000;
    ledger.log(log_row("balance", "success", Some("s1"), now - 10 * day)).unwrap();
    ledger.log(log_row("transactions", "unauthorized", None, now - 2 * day)).unwrap();
    ledger
        .log(LogEntry { external_id: Some("e-9".into()), ..log_row("transactions", "error", Some("s2"), now) })
        .unwrap();
    ledger.log_read(log_row("balance", "success", Some("s1"), now)).unwrap();
    let bad = LogEntry { status: "Not A Code".into(), ..log_row("balance", "x", None, 0) };
    assert_eq!(ledger.log(bad).unwrap_err().code(), Code::InvalidLogEntry);

    let all = ledger.sync_log(&LogFilter::default(), 100, None).unwrap();
    assert_eq!(all.items.len(), 4, "the queued read row is written before a query");
    assert!(all.items.windows(2).all(|pair| pair[0].id > pair[1].id), "newest first");
    let count = |filter: LogFilter| ledger.sync_log(&filter, 100, None).unwrap().items.len();
    assert_eq!(count(LogFilter { store_id: Some("s1".into()), ..LogFilter::default() }), 2);
    assert_eq!(count(LogFilter { status: Some("unauthorized".into()), ..LogFilter::default() }), 1);
    assert_eq!(count(LogFilter { external_id: Some("e-9".into()), ..LogFilter::default() }), 1);
    assert_eq!(count(LogFilter { from: Some(now - 3 * day), to: Some(now - day), ..LogFilter::default() }), 1);

    let first = ledger.sync_log(&LogFilter::default(), 3, None).unwrap();
    assert_eq!((first.items.len(), first.next_cursor), (3, Some(first.items[2].id)));
    let rest = ledger.sync_log(&LogFilter::default(), 3, first.next_cursor).unwrap();
    assert_eq!((rest.items.len(), rest.next_cursor), (1, None));

    assert_eq!(ledger.prune_sync_log(-1).unwrap_err().code(), Code::InvalidDays);
    assert_eq!(ledger.prune_sync_log(5).unwrap(), 1);
    assert_eq!(ledger.prune_sync_log(1).unwrap(), 1);
    assert_eq!(ledger.sync_log(&LogFilter::default(), 100, None).unwrap().items.len(), 2);
}

/// Stores are seen by their requests; a silent one is reported after its own threshold or the default.
pub fn stores_are_watched_for_silence(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    let now = cashback_core::time::now_millis();
    let hour = 3_600_000;
    ledger.register_store("quiet", Some("Quiet St"), Some(2)).unwrap();
    ledger.register_store("fresh", None, None).unwrap();
    ledger.register_store("busy", None, None).unwrap();
    ledger.register_store("old", None, None).unwrap();
    // Only registered stores are watched: a row naming another store registers nothing.
    ledger.log(log_row("balance", "success", Some("stranger"), now)).unwrap();
    ledger.log(log_row("balance", "success", Some("quiet"), now - 3 * hour)).unwrap();
    ledger.log(log_row("balance", "success", Some("busy"), now - hour)).unwrap();
    ledger.log(log_row("balance", "success", Some("old"), now - 30 * hour)).unwrap();
    assert_eq!(ledger.register_store(" bad", None, None).unwrap_err().code(), Code::InvalidStore);
    assert_eq!(ledger.silent_stores(0).unwrap_err().code(), Code::InvalidHours);

    let activity = ledger.store_activity().unwrap();
    let order: Vec<&str> = activity.iter().map(|store| store.store_id.as_str()).collect();
    assert_eq!(order, ["busy", "quiet", "old", "fresh"]);
    assert_eq!((activity[1].name.as_deref(), activity[1].silence_hours), (Some("Quiet St"), Some(2)));
    assert!((3 * 3_600 - 5..=3 * 3_600 + 60).contains(&activity[1].silent_for_seconds));
    let silent: Vec<String> = ledger.silent_stores(24).unwrap().into_iter().map(|store| store.store_id).collect();
    assert_eq!(silent, ["quiet", "old"]);

    // A later registration keeps what it does not name; 0 returns the store to the default.
    ledger.register_store("quiet", None, Some(0)).unwrap();
    let quiet = ledger.store_activity().unwrap().into_iter().find(|store| store.store_id == "quiet").unwrap();
    assert_eq!((quiet.name.as_deref(), quiet.silence_hours), (Some("Quiet St"), None));
    assert!(quiet.last_seen_at.is_some(), "registering again keeps the last activity");
    let silent: Vec<String> = ledger.silent_stores(24).unwrap().into_iter().map(|store| store.store_id).collect();
    assert_eq!(silent, ["old"]);
}

/// Keys authenticate only from their networks; the failures of an address are
/// counted in one log row per status and window, and throttled once too many,
/// while a valid key from that address keeps working.
pub fn api_keys_authenticate_from_their_networks_and_failures_are_throttled(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config { auth_max_failures: 3, ..Config::default() });
    let office = ledger.create_api_key("store-1", Some("s1"), &["10.1.0.0/16".into()]).unwrap();
    let central = ledger.create_api_key("1c-central", None, &[]).unwrap();
    assert_eq!((office.stored.id, central.stored.id), (1, 2));
    let auth = |key: &str, address: &str| ledger.authenticate(key, address, "balance").unwrap();
    assert!(matches!(auth(&office.key, "10.1.2.3"), Auth::Allowed(client) if client.store_id.as_deref() == Some("s1")));
    assert_eq!(auth(&office.key, "10.2.0.1"), Auth::ForbiddenNetwork);
    assert_eq!(auth(&office.key, ""), Auth::ForbiddenNetwork);
    assert_eq!(ledger.create_api_key("x", None, &["10.1.0.0/33".into()]).unwrap_err().code(), Code::InvalidNetwork);
    assert_eq!(ledger.authenticate("k", "10.2.0.1", "Bad Endpoint").unwrap_err().code(), Code::InvalidLogEntry);

    // The forbidden attempt above counted for 10.2.0.1; two more failures reach the limit.
    for _ in 0..2 {
        assert_eq!(auth("cbk_bad_guess", "10.2.0.1"), Auth::Unauthorized);
    }
    let rows = refusal_rows(&ledger);
    assert_eq!(
        rows,
        [
            ("unauthorized".to_owned(), "10.2.0.1".to_owned(), 2),
            ("forbidden".to_owned(), String::new(), 1),
            ("forbidden".to_owned(), "10.2.0.1".to_owned(), 1),
        ],
        "one row per status and address, with a count"
    );
    assert!(matches!(auth("cbk_bad_guess", "10.2.0.1"), Auth::Throttled { retry_after } if retry_after > 290));
    assert!(matches!(auth(&office.key, "10.2.0.1"), Auth::Throttled { .. }), "a foreign network is a failure too");
    assert!(matches!(auth(&central.key, "10.2.0.1"), Auth::Allowed(_)), "others' failures never lock a valid key out");
    assert!(matches!(auth(&central.key, "10.2.0.2"), Auth::Allowed(_)));
    for _ in 0..5 {
        assert_eq!(auth("cbk_bad_guess", ""), Auth::Unauthorized, "local callers (no address) are never throttled");
    }
    let rows = refusal_rows(&ledger);
    assert_eq!(rows.len(), 5, "throttled refusals have their own row: {rows:?}");
    assert!(rows.contains(&("throttled".to_owned(), "10.2.0.1".to_owned(), 2)));
    assert!(rows.contains(&("unauthorized".to_owned(), String::new(), 5)));

    ledger.set_api_key_networks(1, &[]).unwrap();
    assert!(matches!(ledger.authenticate(&office.key, "10.3.0.1", "balance").unwrap(), Auth::Allowed(_)));
    assert_eq!(ledger.set_api_key_networks(99, &[]).unwrap_err().code(), Code::NotFound);
    let listed = ledger.list_api_keys().unwrap();
    assert_eq!(listed.iter().map(|key| key.id).collect::<Vec<_>>(), [2, 1], "newest first");
    assert!(office.key.starts_with(&listed[1].prefix()));
    assert!(ledger.revoke_api_key(1).unwrap());
    assert!(!ledger.revoke_api_key(1).unwrap(), "already revoked");
    assert_eq!(ledger.revoke_api_key(99).unwrap_err().code(), Code::NotFound);
    assert_eq!(ledger.verify_api_key(&office.key).unwrap(), None);
    assert_eq!(ledger.verify_api_key(&central.key).unwrap().map(|client| client.name), Some("1c-central".into()));
    assert!(ledger.list_api_keys().unwrap()[1].revoked_at.is_some());
}

/// The refusal rows of the sync log as (status, address, times), newest first;
/// reading the log writes what this process still counts.
fn refusal_rows(ledger: &cashback_core::ledger::Ledger) -> Vec<(String, String, i64)> {
    let page = ledger.sync_log(&LogFilter::default(), 100, None).unwrap();
    page.items.into_iter().filter_map(|row| Some((row.entry.status, row.entry.address?, row.entry.times))).collect()
}

/// health() reports the schema version and the entries written.
pub fn health_reports_the_schema_and_the_entries(harness: &dyn Harness) {
    let db = harness.database();
    let ledger = db.ledger(Config::default());
    let empty = ledger.health().unwrap();
    assert!(empty.schema_version >= 1);
    assert_eq!(empty.entries, 0);
    applied(&apply(&ledger, &accrual("h1", 1, "1")));
    applied(&apply(&ledger, &accrual("h2", 1, "1")));
    let health = ledger.health().unwrap();
    assert_eq!((health.schema_version, health.entries), (empty.schema_version, 2));
    assert!(!health.location.is_empty());
}
