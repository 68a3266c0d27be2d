//! A ledger with something in every table, and the check that a copy of it
//! (`cashback_core::copy`) holds the same and goes on where its source stopped.

use cashback_core::{
    code::Code,
    config::Config,
    copy::{self, Table},
    keys::Auth,
    ledger::{Ledger, RequestContext},
    synclog::LogFilter,
};
use serde_json::json;

use crate::{Harness, support::*};

/// Users of [`fill`].
pub const USERS: [i64; 8] = [11, 12, 13, 14, 15, 16, 17, 18];

/// Writes entries of every kind, phones, stores, keys (one with networks),
/// sync-log rows of writes, reads and refusals; returns the API key created.
pub fn fill(ledger: &Ledger, entries: usize) -> String {
    ledger.register_store("store-1", Some("Москва, Тверская 1"), Some(4)).unwrap();
    ledger.link_phone(11, "+7 900 111-22-33", true).unwrap();
    ledger.link_phone(12, "+7 900 111-22-33", false).unwrap();
    let key = ledger.create_api_key("register-1", Some("store-1"), &["10.0.0.0/8".into()]).unwrap();
    ledger.create_api_key("central", None, &[]).unwrap();
    let context = RequestContext {
        client: Some("register-1".into()),
        store_id: Some("store-1".into()),
        endpoint: "transactions/batch".into(),
    };
    let mut items = vec![
        json!({"external_id": "c-acc", "type": "accrual", "amount": "150.50", "user_phone": "79001112233",
               "store_id": "store-1", "description": "чек №1 \u{1F600}", "created_at": "2026-11-27T10:15:00"}),
        debit("c-deb", 11, "50"),
        release("c-rel", 11, "20", "c-deb"),
        reversal("c-rev", 11, "0.50", Some("c-acc")),
        debit("c-over", 12, "1"),
    ];
    items.extend((0..entries).map(|n| accrual(&format!("c-bulk-{n}"), USERS[n % USERS.len()], "1.01")));
    ledger.apply_batch(&items, Some(&context)).unwrap();
    assert_eq!(ledger.authenticate("cbk_wrong", "10.9.9.9", "balance").unwrap(), Auth::Unauthorized);
    ledger
        .log_read(cashback_core::synclog::LogEntry {
            endpoint: "balance".into(),
            status: "success".into(),
            store_id: Some("store-1".into()),
            ..Default::default()
        })
        .unwrap();
    // Reading the log writes what this process queued (the read row, the refusal count).
    assert!(ledger.sync_log(&LogFilter::default(), 1, None).unwrap().items.len() == 1);
    key.key
}

/// Everything a caller sees of a ledger, for comparing two.
fn visible(ledger: &Ledger) -> serde_json::Value {
    let users: Vec<_> = USERS
        .iter()
        .map(|user| {
            json!({"balance": balance(ledger, *user), "history": format!("{:?}", full_history(ledger, *user)),
                           "phones": format!("{:?}", ledger.user_phones(*user).unwrap())})
        })
        .collect();
    let log = ledger.sync_log(&LogFilter::default(), 1000, None).unwrap();
    // How long a store has been silent depends on when it is asked: compare what is stored.
    let stores: Vec<String> = ledger
        .store_activity()
        .unwrap()
        .into_iter()
        .map(|store| format!("{} {:?} {:?} {:?}", store.store_id, store.name, store.silence_hours, store.last_seen_at))
        .collect();
    json!({"users": users, "log": format!("{:?}", log.items), "keys": format!("{:?}", ledger.list_api_keys().unwrap()),
           "stores": stores})
}

/// Copies `source` into the empty `destination` and checks the copy.
pub fn assert_copies(source: &Ledger, destination: &Ledger, key: &str) {
    let mut pages = 0;
    let report = copy::copy(source, destination, &mut |_, done, total| {
        assert!(done <= total, "progress {done} of {total}");
        pages += 1;
    })
    .unwrap();
    assert_eq!(report.iter().map(|table| table.table).collect::<Vec<_>>(), Table::ALL);
    for table in &report {
        assert!(table.agrees(), "{:?}: the copy differs from its source", table.table);
        assert_eq!(table.rows, source.count_rows(table.table).unwrap(), "{:?}", table.table);
        assert!(table.rows > 0, "{:?}: the fill leaves no table empty", table.table);
    }
    assert!(pages > Table::ALL.len(), "progress is reported per page");
    assert_eq!(visible(destination), visible(source));
    assert!(destination.verify().unwrap().ok(), "the copy passes verify()");

    // The copy goes on where its source stopped: resends are duplicates, new ids follow, keys still work.
    let (id, user) = duplicate(&apply(destination, &debit("c-deb", 11, "50")));
    assert_eq!(user, 11);
    let copied = source.health().unwrap().entries;
    let (next, _, _) = applied(&apply(destination, &accrual(&format!("c-after-{copied}"), 13, "1")));
    assert_eq!(next, copied.max(id) + 1);
    assert!(matches!(destination.authenticate(key, "10.1.1.1", "balance").unwrap(), Auth::Allowed(_)));

    // A second copy into a database that now holds a ledger is refused, and writes nothing.
    let entries = destination.count_rows(Table::Entries).unwrap();
    let error = copy::copy(source, destination, &mut |_, _, _| {}).unwrap_err();
    assert_eq!(error.code(), Code::InvalidArgument);
    assert_eq!(destination.count_rows(Table::Entries).unwrap(), entries);
}

/// A ledger copied into another database of the same adapter holds every row and goes on where its source stopped.
pub fn a_copied_ledger_holds_every_row_and_goes_on_where_its_source_stopped(harness: &dyn Harness) {
    let from = harness.database();
    let to = harness.database();
    let source = from.ledger(Config::default());
    // More entries than a page: the copy pages through them.
    let key = fill(&source, copy::PAGE_ROWS + 7);
    assert_copies(&source, &to.ledger(Config::default()), &key);
}
