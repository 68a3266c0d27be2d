//! Whole batches through `cashback_core::ledger::Ledger::apply_batch` on a temp-file
//! SQLite database (`cashback_sqlite::SqliteStore`).
//!
//! The ledger is opened once per process (a thread-local: a `Ledger` over a
//! boxed store is not `Sync`; libFuzzer runs inputs on one thread) in a fresh temp dir, with
//! the phones of [`cashback_fuzz::PHONES`] linked to three users and the stores
//! of [`cashback_fuzz::STORES`] registered. Every input
//! starts from an empty ledger, so a crash reproduces from its input alone, and
//! runs up to four batches, so later batches meet the entries of earlier ones:
//! - when the input is a JSON array of arrays, each inner array is a batch;
//!   another JSON array is one batch, any other JSON value a batch of one;
//! - then, from an empty ledger again, the input bytes drive
//!   [`cashback_fuzz::Gen`] to build up to four batches of up to 50 items.
//!
//! Properties after every batch: `apply_batch` returns `Ok` with one outcome per
//! item; `verify()` reports no problem; a balance is negative only for a user who has
//! a reversal; each applied outcome's balance is the user's balance at that point
//! (the last one is the balance stored); and sending the accepted items again
//! changes nothing: each comes back a duplicate of the same transaction.
#![no_main]

use std::{collections::HashMap, path::PathBuf, time::Duration};

use arbitrary::Unstructured;
use cashback_core::{
    code::Code,
    config::Config,
    engine::{Outcome, ResultValue},
    ledger::{Ledger, RequestContext},
};
use cashback_fuzz::{Gen, PHONES, STORES};
use cashback_sqlite::{
    Options, SqliteStore,
    connection::{self, SharedConnection},
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

struct Fixture {
    ledger: Ledger,
    path: PathBuf,
}

thread_local! {
    static FIXTURE: Fixture = Fixture::open();
}

impl Fixture {
    fn open() -> Fixture {
        // Kept for the whole process; the run script points TMPDIR at a directory it removes afterwards.
        let dir = tempfile::Builder::new().prefix("cashback-fuzz-").tempdir().expect("temp dir").keep();
        let path = dir.join("ledger.db");
        let store = SqliteStore::open(&path, Options::default()).expect("open the store");
        let ledger = Ledger::new(Box::new(store), Config::default());
        {
            let connection = connection::shared(&path, BUSY_TIMEOUT, false).expect("shared connection");
            // Durability is not under test; one fsync per batch would dominate the run.
            connection.lock().execute_batch("PRAGMA synchronous = OFF").expect("synchronous off");
        }
        // The stores Gen names; odd batches come through a key bound to the first (API writes).
        for store in STORES {
            ledger.register_store(store, None, None).expect("register store");
        }
        for (phone, owners) in PHONES {
            for &(user_id, verified) in owners {
                ledger.link_phone(user_id, phone, verified).expect("link phone");
            }
        }
        Fixture { ledger, path }
    }
}

/// How long raw SQL waits for the ledger's writes (there are none in parallel: one process, one thread).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl Fixture {
    /// The process's connection to the database, the one the store writes through.
    fn connection(&self) -> SharedConnection {
        connection::shared(&self.path, BUSY_TIMEOUT, false).expect("shared connection")
    }

    fn sql(&self, sql: &str) -> Vec<(i64, i64)> {
        let connection = self.connection();
        let connection = connection.lock();
        let mut statement = connection.prepare(sql).expect("prepare");
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    fn reset(&self) {
        self.connection()
            .lock()
            .execute_batch("DELETE FROM entries; DELETE FROM accounts; DELETE FROM sync_log; UPDATE stores SET last_seen_at = NULL;")
            .expect("reset");
    }

    fn balances(&self) -> HashMap<i64, i64> {
        self.sql("SELECT user_id, balance FROM accounts").into_iter().collect()
    }

    fn entry_count(&self) -> i64 {
        self.sql("SELECT count(*), 0 FROM entries")[0].0
    }

    fn apply(&self, items: &[Value], batch_number: usize) {
        let context = (batch_number % 2 == 1).then(|| RequestContext {
            client: Some("fuzz".into()),
            store_id: Some(STORES[0].into()),
            endpoint: "transactions/batch".into(),
        });
        let before = self.balances();
        let outcomes = match self.ledger.apply_batch(items, context.as_ref()) {
            Ok(outcomes) => outcomes,
            Err(error) => panic!("apply_batch failed: {error} ({})\nbatch: {}", error.code(), Value::from(items)),
        };
        assert_eq!(outcomes.len(), items.len(), "one outcome per item");
        self.check_invariants(items);

        // Each applied outcome reports the balance after it; the last one per user is what is stored.
        let after = self.balances();
        let mut running = before.clone();
        for outcome in &outcomes {
            if let Outcome::Applied { user_id, balance, .. } = outcome {
                running.insert(*user_id, *balance);
            }
            let expected = match outcome {
                Outcome::Applied { .. } => Code::Success,
                Outcome::Duplicate { .. } => Code::Duplicate,
                Outcome::Rejected { .. } => Code::Error,
            };
            assert_eq!(outcome.status(), expected, "{outcome:?}: status");
            // The fields callers see (the API's JSON) name the same status and external_id.
            let fields = outcome.fields();
            let field = |name: &str| fields.iter().find(|(key, _)| *key == name).map(|(_, value)| *value);
            assert_eq!(field("status"), Some(ResultValue::Text(expected.name())), "{outcome:?}: status field");
            let external_id = outcome.external_id().map_or(ResultValue::Null, ResultValue::Text);
            assert_eq!(field("external_id"), Some(external_id), "{outcome:?}: external_id field");
        }
        assert_eq!(running, after, "outcome balances disagree with stored balances\nbatch: {}", Value::from(items));

        // Resending what was accepted is a no-op: every item comes back a duplicate of the same transaction.
        // (Refused items may pass on a resend, e.g. a debit after an accrual, so they are not resent.)
        let accepted: Vec<(Value, i64, i64)> = outcomes
            .iter()
            .zip(items)
            .filter_map(|(outcome, item)| match outcome {
                Outcome::Applied { transaction_id, user_id, .. }
                | Outcome::Duplicate { transaction_id, user_id, .. } => Some((item.clone(), *transaction_id, *user_id)),
                Outcome::Rejected { .. } => None,
            })
            .collect();
        let resend: Vec<Value> = accepted.iter().map(|(item, _, _)| item.clone()).collect();
        let entries = self.entry_count();
        let again = self.ledger.apply_batch(&resend, None).expect("resend");
        assert_eq!(self.entry_count(), entries, "a resend wrote entries\nbatch: {}", Value::from(items));
        assert_eq!(self.balances(), after, "a resend changed balances\nbatch: {}", Value::from(items));
        for ((item, transaction_id, user_id), second) in accepted.iter().zip(&again) {
            match second {
                Outcome::Duplicate { transaction_id: id, user_id: user, .. } => {
                    assert_eq!((id, user), (transaction_id, user_id), "{item}: resent as another transaction")
                }
                other => panic!("{item}: accepted, then resent as {other:?}\nbatch: {}", Value::from(items)),
            }
        }
        self.check_invariants(items);
    }

    fn check_invariants(&self, items: &[Value]) {
        let report = self.ledger.verify().expect("verify");
        assert!(report.ok(), "verify: {:?}\nbatch: {}", report.problems, Value::from(items));
        let negative = self.sql(
            "SELECT user_id, balance FROM accounts WHERE balance < 0
             AND user_id NOT IN (SELECT user_id FROM entries WHERE kind = 1 AND amount < 0)",
        );
        assert!(
            negative.is_empty(),
            "negative balance without a reversal: {negative:?}\nbatch: {}",
            Value::from(items)
        );
    }
}

/// Batches written directly as JSON (the seed corpus): an array of arrays, an array, or one item.
fn json_batches(value: Value) -> Vec<Vec<Value>> {
    match value {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_array) => items
            .into_iter()
            .map(|batch| match batch {
                Value::Array(items) => items,
                _ => unreachable!(),
            })
            .collect(),
        Value::Array(items) => vec![items],
        other => vec![vec![other]],
    }
}

fuzz_target!(|data: &[u8]| {
    FIXTURE.with(|fixture| run(fixture, data));
});

fn run(fixture: &Fixture, data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        fixture.reset();
        for (number, batch) in json_batches(value).iter().take(4).enumerate() {
            fixture.apply(batch, number);
        }
    }
    fixture.reset();
    let mut u = Unstructured::new(data);
    for number in 0..4 {
        if u.is_empty() {
            break;
        }
        let Ok(batch) = Gen::new(&mut u).batch(50) else { break };
        fixture.apply(&batch, number);
    }
}
