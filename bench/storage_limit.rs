//! The storage limit: the rows a ledger batch produces, written by the most
//! direct Rust program possible (rusqlite, the same bundled SQLite, the same
//! schema from crates/cashback-sqlite/migrations, the same WAL + synchronous=FULL settings),
//! with no validation and no reads: prepared single-row INSERTs in one
//! transaction, one commit. What the ledger achieves is reported as a fraction
//! of this.
//!
//! Modes (the first word among the arguments):
//! - `write --source DB --after-id A --through-id B --target DB --tag T`: copies
//!   the entries with A < id <= B of the source (the rows a ledger batch just
//!   wrote) and their customers' balances into the target (created with the
//!   migrations if new), external_ids prefixed with T; prints one JSON line
//!   `{"rows", "accounts", "seconds"}` with the time from BEGIN to the end of
//!   COMMIT. bench/php/batch_bench.php runs this beside the extension and the
//!   pure-PHP reference in every round.
//! - `emit-batch --prefix P --seed S --yesterday M --today N`: prints the
//!   benchmark batch `[yesterday, today]` as JSON (bench/smoke.sh compares it
//!   with the PHP generator's).
//! - `versions`: the bundled SQLite version, as JSON.
//! - otherwise (`cargo bench --bench storage_limit`): a self-contained run of
//!   the ledger core against the raw writer, side by side, BENCH_ROUNDS rounds
//!   (5) of a BENCH_BATCH-item batch (10,000); under `cargo test` a tiny one.

#[path = "common/mod.rs"]
mod common;

use std::{path::Path, time::Instant};

use cashback_core::{code::Code, phones::ImportRow};
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use serde_json::{Value, json};

/// One row of `entries`, as the ledger wrote it.
struct Entry {
    external_id: String,
    user_id: i64,
    phone: Option<String>,
    kind: i64,
    amount: i64,
    original_id: Option<i64>,
    source: String,
    store_id: Option<String>,
    description: String,
    created_at: i64,
    recorded_at: i64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.iter().skip(1).find(|a| ["write", "emit-batch", "versions"].contains(&a.as_str()));
    match mode.map(String::as_str) {
        Some("write") => write_mode(),
        Some("emit-batch") => emit_batch(),
        Some("versions") => {
            let db = Connection::open_in_memory().expect("in-memory database");
            let version: String = db.query_row("SELECT sqlite_version()", [], |r| r.get(0)).expect("version");
            println!("{}", json!({"sqlite": version, "rusqlite_bundled": true}));
        }
        _ => self_contained(),
    }
}

fn required(name: &str) -> String {
    common::arg(name).unwrap_or_else(|| panic!("missing {name}"))
}

fn emit_batch() {
    let (old, new) = common::Batch::generate(
        &required("--prefix"),
        required("--seed").parse().expect("seed"),
        required("--yesterday").parse().expect("yesterday"),
        required("--today").parse().expect("today"),
        common::number("--users", "BENCH_USERS", u64::from(common::USERS)) as u32,
    );
    println!("{}", Value::Array(vec![Value::Array(old), Value::Array(new)]));
}

fn write_mode() {
    let source = required("--source");
    let after: i64 = required("--after-id").parse().expect("after-id");
    let through: i64 = required("--through-id").parse().expect("through-id");
    let (rows, accounts) = read_rows(Path::new(&source), after, through);
    let target = open_target(Path::new(&required("--target")));
    let seconds = write_rows(&target, &rows, &accounts, &required("--tag"));
    println!("{}", json!({"rows": rows.len(), "accounts": accounts.len(), "seconds": seconds}));
}

/// The entries with `after < id <= through` and the final balances of their customers.
fn read_rows(source: &Path, after: i64, through: i64) -> (Vec<Entry>, Vec<(i64, i64, i64)>) {
    let db = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open source");
    let mut statement = db
        .prepare(
            "SELECT external_id, user_id, phone, kind, amount, original_id, source, store_id, description, created_at,
                    recorded_at FROM entries WHERE id > ?1 AND id <= ?2 ORDER BY id",
        )
        .expect("prepare");
    let rows = statement
        .query_map(params![after, through], |r| {
            Ok(Entry {
                external_id: r.get(0)?,
                user_id: r.get(1)?,
                phone: r.get(2)?,
                kind: r.get(3)?,
                amount: r.get(4)?,
                original_id: r.get(5)?,
                source: r.get(6)?,
                store_id: r.get(7)?,
                description: r.get(8)?,
                created_at: r.get(9)?,
                recorded_at: r.get(10)?,
            })
        })
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows");
    let mut statement = db
        .prepare(
            "SELECT user_id, balance, updated_at FROM accounts
             WHERE user_id IN (SELECT user_id FROM entries WHERE id > ?1 AND id <= ?2) ORDER BY user_id",
        )
        .expect("prepare");
    let accounts = statement
        .query_map(params![after, through], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("accounts");
    (rows, accounts)
}

/// Opens (creating with the ledger's migrations if new) with the ledger's connection settings.
fn open_target(path: &Path) -> Connection {
    let db = Connection::open(path).expect("open target");
    db.busy_timeout(std::time::Duration::from_secs(5)).expect("busy timeout");
    let mode: String = db.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).expect("wal");
    assert_eq!(mode, "wal");
    db.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16000;",
    )
    .expect("pragmas");
    let version: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version");
    if version == 0 {
        common::create_schema(&db).expect("schema");
    }
    db
}

/// Writes the rows in one transaction; returns the seconds from BEGIN to the end of COMMIT.
fn write_rows(db: &Connection, rows: &[Entry], accounts: &[(i64, i64, i64)], tag: &str) -> f64 {
    let started = Instant::now();
    let tx = rusqlite::Transaction::new_unchecked(db, TransactionBehavior::Immediate).expect("begin");
    {
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO entries (external_id, user_id, phone, kind, amount, original_id, source, store_id,
                                      description, created_at, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .expect("prepare insert");
        let mut external_id = String::with_capacity(160);
        for row in rows {
            external_id.clear();
            external_id.push_str(tag);
            external_id.push_str(&row.external_id);
            insert
                .execute(params![
                    external_id,
                    row.user_id,
                    row.phone,
                    row.kind,
                    row.amount,
                    row.original_id,
                    row.source,
                    row.store_id,
                    row.description,
                    row.created_at,
                    row.recorded_at
                ])
                .expect("insert entry");
        }
        let mut upsert = tx
            .prepare_cached(
                "INSERT INTO accounts (user_id, balance, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (user_id) DO UPDATE SET balance = excluded.balance, updated_at = excluded.updated_at",
            )
            .expect("prepare upsert");
        for (user, balance, at) in accounts {
            upsert.execute(params![user, balance, at]).expect("upsert account");
        }
    }
    tx.commit().expect("commit");
    started.elapsed().as_secs_f64()
}

/// The ledger core and the raw writer side by side, without PHP.
fn self_contained() {
    let bench = common::benchmarking();
    let size = common::number("--size", "BENCH_BATCH", if bench { 10_000 } else { 300 }) as usize;
    let rounds = common::number("--rounds", "BENCH_ROUNDS", if bench { 5 } else { 1 }) as usize;
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir on the target disk");
    let mut ledger_rate = Vec::new();
    let mut storage_rate = Vec::new();
    let mut fraction = Vec::new();
    for round in 0..rounds {
        let (old, new) =
            common::Batch::generate(&format!("s{round}"), round as u32 + 1, size / 10, size, common::USERS);
        let path = dir.path().join(format!("ledger-{round}.db"));
        let ledger = common::open_ledger(&path);
        let phones: Vec<ImportRow> = (1..=common::USERS)
            .map(|user| ImportRow { user_id: i64::from(user), phone: common::phone(user), verified: true })
            .collect();
        ledger.import_phones(&phones).expect("import phones");
        ledger.link_phone(1, common::AMBIGUOUS_PHONE, false).expect("link");
        ledger.link_phone(2, common::AMBIGUOUS_PHONE, false).expect("link");
        ledger.apply_batch(&old, None).expect("yesterday");
        let before = max_id(&path);
        let started = Instant::now();
        let outcomes = ledger.apply_batch(&new, None).expect("today");
        let ledger_seconds = started.elapsed().as_secs_f64();
        drop(ledger);
        common::close_ledger(&path);
        let applied = outcomes.iter().filter(|o| o.status() == Code::Success).count();
        let (rows, accounts) = read_rows(&path, before, i64::MAX);
        assert_eq!(rows.len(), applied, "the ledger wrote one entry per success");
        let target = open_target(&dir.path().join(format!("raw-{round}.db")));
        let storage_seconds = write_rows(&target, &rows, &accounts, "raw-");
        let (l, s) = (size as f64 / ledger_seconds, size as f64 / storage_seconds);
        println!(
            "round {}: ledger core {:.0} items/s ({:.1} ms), raw rusqlite {:.0} items/s ({:.1} ms, {} rows + {} accounts): {:.2}",
            round + 1,
            l,
            ledger_seconds * 1e3,
            s,
            storage_seconds * 1e3,
            rows.len(),
            accounts.len(),
            l / s
        );
        ledger_rate.push(l);
        storage_rate.push(s);
        fraction.push(l / s);
    }
    println!(
        "{}",
        json!({
            "size": size, "rounds": rounds,
            "ledger_core_items_per_s": common::median(&ledger_rate),
            "storage_items_per_s": common::median(&storage_rate),
            "core_fraction_of_storage": common::median(&fraction),
        })
    );
}

fn max_id(path: &Path) -> i64 {
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    db.query_row("SELECT coalesce(max(id), 0) FROM entries", [], |r| r.get(0)).expect("max id")
}
