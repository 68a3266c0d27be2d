//! Generates a large, consistent ledger for the scale benchmarks: 1,000,000
//! customers (phones and balances) and 10,000,000 entries by default, written
//! with direct SQL inserts in one transaction, then checked with the ledger's
//! own `verify()`.
//!
//!     cargo bench --bench gen_db -- --out PATH [--customers N] [--entries N]
//!
//! Sizes also come from BENCH_SCALE_CUSTOMERS and BENCH_SCALE_ENTRIES. Progress
//! goes to stderr; a JSON summary to stdout and to PATH.meta.json. The file is
//! built as PATH.tmp and renamed when complete, so a PATH that exists is whole.
//!
//! Customer u has phone 7900 + u in 7 digits (the benchmark batch's customers
//! 1..1000 are among them) and entries spread evenly over customers and over a
//! year: accruals, debits never beyond the balance, releases of a customer's
//! last debit and reversals of their last accrual within what remains, so that
//! every invariant `verify()` checks holds. The sync log is left empty (as after
//! `cashback prune`). Without --out (`cargo bench`, `cargo test`), a small
//! ledger is generated in a temporary directory.

#[path = "common/mod.rs"]
mod common;

use std::{
    io::Write,
    path::{Path, PathBuf},
    time::Instant,
};

use rusqlite::{Connection, params};
use serde_json::json;

#[derive(Clone, Copy, Default)]
struct Customer {
    balance: i64,
    updated_at: i64,
    /// Last debit: id and what may still be released of it.
    debit: (i64, i64),
    /// Last positive accrual: id and what may still be reversed of it.
    accrual: (i64, i64),
}

fn main() {
    let out = common::arg("--out");
    let small = out.is_none();
    let customers = common::number("--customers", "BENCH_SCALE_CUSTOMERS", if small { 2_000 } else { 1_000_000 });
    let entries = common::number("--entries", "BENCH_SCALE_ENTRIES", if small { 20_000 } else { 10_000_000 });
    assert!(customers >= u64::from(common::USERS), "at least {} customers (the benchmark batch's)", common::USERS);
    let temp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let out = out.map_or_else(|| temp.path().join("scale.db"), PathBuf::from);
    let started = Instant::now();
    generate(&out, customers, entries);
    let generated = started.elapsed().as_secs_f64();
    let size: u64 = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    eprintln!("verify: checking every invariant of {} entries ...", entries);
    let verify_started = Instant::now();
    // verify() reports nothing until it is done: a heartbeat every 10 s meanwhile.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let heartbeat = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            let mut ticks = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(100));
                ticks += 1;
                if ticks % 100 == 0 {
                    eprintln!("verify: still checking ({}s)", ticks / 10);
                }
            }
        })
    };
    // The ledger's own checks, exactly what CashbackLedger::verify() and `cashback verify` run.
    let ledger = common::open_ledger(&out);
    let report = ledger.verify().expect("verify");
    let verified = verify_started.elapsed().as_secs_f64();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    heartbeat.join().expect("heartbeat");
    drop(ledger);
    common::close_ledger(&out);
    let summary = json!({
        "path": out.display().to_string(), "customers": customers, "entries": entries,
        "generate_seconds": generated, "verify_seconds": verified, "verify_ok": report.ok(),
        "bytes": size, "bytes_per_million_entries": size as f64 * 1e6 / entries as f64,
    });
    eprintln!(
        "verify: {} in {verified:.1}s (problems: {})",
        if report.ok() { "ok" } else { "FAILED" },
        report.problems.len()
    );
    println!("{summary}");
    std::fs::write(format!("{}.meta.json", out.display()), summary.to_string()).expect("write meta");
    if !report.ok() {
        std::process::exit(1);
    }
}

fn generate(out: &Path, customers: u64, entries: u64) {
    let tmp = PathBuf::from(format!("{}.tmp", out.display()));
    for suffix in ["", "-wal", "-shm", ".meta.json"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", out.display()));
        let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
    }
    let mut db = Connection::open(&tmp).expect("create database");
    // Bulk load: no journal, no fsync until the end, a large page cache.
    db.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1500000;
         PRAGMA temp_store = MEMORY; PRAGMA locking_mode = EXCLUSIVE;",
    )
    .expect("pragmas");
    common::create_schema(&db).expect("schema");
    // Secondary indexes of entries are built after the load (one sort instead of
    // 10 million random inserts), from their own CREATE INDEX statements.
    let indexes: Vec<(String, String)> = {
        let mut statement = db
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'entries' AND sql IS NOT NULL",
            )
            .expect("prepare");
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("indexes")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    for (name, _) in &indexes {
        db.execute_batch(&format!("DROP INDEX {name}")).expect("drop index");
    }
    let tx = db.transaction().expect("begin");
    let mut progress = Progress::new("phones", customers);
    {
        let mut insert =
            tx.prepare("INSERT INTO phones (phone, user_id, verified) VALUES (?1, ?2, 1)").expect("prepare");
        for user in 1..=customers {
            insert.execute(params![common::phone(user as u32), user as i64]).expect("insert phone");
            progress.tick(user);
        }
    }
    progress.done();
    // Spread each customer's entries over the whole run: entry n goes to a
    // stride permutation of the customers (stride coprime with their number).
    let stride = [7919u64, 7907, 7901, 7883].into_iter().find(|s| gcd(*s, customers) == 1).expect("a coprime stride");
    let mut state = vec![Customer::default(); customers as usize + 1];
    let mut rng: u32 = 0x9e37_79b9;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    // 2025-11-28T00:00:00Z onwards, one year.
    let start: i64 = 1_764_288_000;
    let step = (365 * 86_400) as f64 / entries as f64;
    let mut progress = Progress::new("entries", entries);
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO entries (id, external_id, user_id, phone, kind, amount, original_id, source, store_id,
                                      description, created_at, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '1c_retail', ?8, ?9, ?10, ?11)",
            )
            .expect("prepare");
        for n in 1..=entries {
            let user = ((n - 1) * stride + 17) % customers + 1;
            let c = &mut state[user as usize];
            let id = n as i64;
            let roll = next() % 100;
            let (kind, amount, original) = if roll < 8 && c.debit.1 > 0 {
                let amount = 1 + i64::from(next()) % c.debit.1;
                c.debit.1 -= amount;
                c.balance += amount;
                (3, amount, Some(c.debit.0))
            } else if roll < 12 && c.accrual.1 > 0 {
                let amount = 1 + i64::from(next()) % c.accrual.1.min(5_000);
                c.accrual.1 -= amount;
                c.balance -= amount;
                (1, -amount, Some(c.accrual.0))
            } else if roll < 40 && c.balance >= 100 {
                let amount = (100 + i64::from(next() % 20_000)).min(c.balance);
                c.balance -= amount;
                c.debit = (id, amount);
                (2, amount, None)
            } else {
                let amount = 100 + i64::from(next() % 50_000);
                c.balance += amount;
                c.accrual = (id, amount);
                (1, amount, None)
            };
            let created_at = start + (n as f64 * step) as i64;
            let recorded_at = created_at * 1000 + i64::from(next() % 1000);
            c.updated_at = recorded_at;
            let store = n % 300 + 1;
            insert
                .execute(params![
                    id,
                    format!("gen-{n:09}"),
                    user as i64,
                    (n % 2 == 0).then(|| common::phone(user as u32)),
                    kind,
                    amount,
                    original,
                    format!("store-{store}"),
                    format!("Store {store}, register {}", n % 5 + 1),
                    created_at,
                    recorded_at
                ])
                .expect("insert entry");
            progress.tick(n);
        }
    }
    progress.done();
    let mut progress = Progress::new("accounts", customers);
    {
        let mut insert =
            tx.prepare("INSERT INTO accounts (user_id, balance, updated_at) VALUES (?1, ?2, ?3)").expect("prepare");
        for (user, c) in state.iter().enumerate().skip(1) {
            if c.updated_at != 0 {
                insert.execute(params![user as i64, c.balance, c.updated_at]).expect("insert account");
            }
            progress.tick(user as u64);
        }
    }
    progress.done();
    for (name, sql) in &indexes {
        let started = Instant::now();
        eprintln!("index {name}: building ...");
        tx.execute_batch(sql).expect("create index");
        eprintln!("index {name}: built in {:.1}s", started.elapsed().as_secs_f64());
    }
    eprintln!("commit ...");
    tx.commit().expect("commit");
    // The ledger runs in WAL mode (recorded in the file); normal locking for the servers.
    db.execute_batch("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;").expect("wal");
    drop(db);
    std::fs::rename(&tmp, out).expect("rename");
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Progress lines on stderr: every 5 % with the rate and the time left.
struct Progress {
    what: &'static str,
    total: u64,
    step: u64,
    started: Instant,
}

impl Progress {
    fn new(what: &'static str, total: u64) -> Self {
        Self { what, total, step: (total / 20).max(1), started: Instant::now() }
    }

    fn tick(&mut self, done: u64) {
        if done % self.step == 0 && done < self.total {
            let elapsed = self.started.elapsed().as_secs_f64();
            let rate = done as f64 / elapsed.max(1e-9);
            eprintln!(
                "{}: {:>3}% {done}/{} ({:.0}/s, {:.0}s left)",
                self.what,
                done * 100 / self.total,
                self.total,
                rate,
                (self.total - done) as f64 / rate
            );
            let _ = std::io::stderr().flush();
        }
    }

    fn done(&self) {
        eprintln!("{}: 100% {} in {:.1}s", self.what, self.total, self.started.elapsed().as_secs_f64());
    }
}
