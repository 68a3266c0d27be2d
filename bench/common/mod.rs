//! Shared by the Rust bench programs (bench/core.rs, bench/storage_limit.rs, bench/gen_db.rs).
//!
//! - [`Batch`]: the benchmark batch, the same algorithm as bench/php/lib/Batch.php
//!   (bench/smoke.sh checks that both produce the same items);
//! - [`create_schema`]: the ledger's schema from its own migration files;
//! - [`open_ledger`], [`close_ledger`]: the ledger on a SQLite file, as the extension opens it;
//! - small statistics and formatting helpers.

#![allow(dead_code)]

use std::path::Path;

use cashback_core::{config::Config, ledger::Ledger};
use cashback_sqlite::{Options, SqliteStore};
use rusqlite::Connection;
use serde_json::{Map, Value, json};

/// Customers 1..USERS of the benchmark batch.
pub const USERS: u32 = 1000;
/// Customer `u` has phone `PHONE_PREFIX` + `u` in 7 digits (`79000000042`).
pub const PHONE_PREFIX: &str = "7900";
/// Linked to customers 1 and 2, neither verified: `phone_ambiguous`.
pub const AMBIGUOUS_PHONE: &str = "79990000001";

/// The normalized phone of customer `user`.
pub fn phone(user: u32) -> String {
    format!("{PHONE_PREFIX}{user:07}")
}

/// The ledger on the SQLite file at `path` (created if missing), with the default settings.
pub fn open_ledger(path: &Path) -> Ledger {
    Ledger::new(Box::new(SqliteStore::open(path, Options::default()).expect("open ledger")), Config::default())
}

/// Closes this process's connection to `path` (after the ledgers on it are dropped).
pub fn close_ledger(path: &Path) {
    cashback_sqlite::connection::evict(path);
}

/// Runs the ledger's migration files (crates/cashback-sqlite/migrations, in name order) on a
/// new database and records the schema version, exactly as the extension does.
pub fn create_schema(db: &Connection) -> rusqlite::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/cashback-sqlite/migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("crates/cashback-sqlite/migrations is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    for file in &files {
        db.execute_batch(&std::fs::read_to_string(file).expect("migration is readable"))?;
    }
    db.pragma_update(None, "user_version", files.len() as i64)
}

/// The benchmark batch generator (see bench/php/lib/Batch.php for the mix).
pub struct Batch {
    state: u32,
    users: u32,
    earlier: Vec<Value>,
    debits: Vec<(String, u32, u32)>,
    accruals: Vec<(String, u32, u32)>,
}

impl Batch {
    /// `(yesterday, today)`: yesterday's accruals and debits, and today's mixed batch.
    pub fn generate(prefix: &str, seed: u32, yesterday: usize, today: usize, users: u32) -> (Vec<Value>, Vec<Value>) {
        let mut generator = Batch {
            state: if seed == 0 { 1 } else { seed },
            users,
            earlier: Vec::new(),
            debits: Vec::new(),
            accruals: Vec::new(),
        };
        let old = (0..yesterday).map(|i| generator.yesterday_item(format!("{prefix}-y{i:05}"))).collect();
        let new = (0..today).map(|i| generator.today_item(format!("{prefix}-{i:06}"))).collect();
        (old, new)
    }

    /// xorshift32, as in PHP.
    fn next(&mut self) -> u32 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        x
    }

    fn rand(&mut self, n: u32) -> u32 {
        self.next() % n
    }

    fn user_ref(&mut self, user: u32, item: &mut Map<String, Value>) {
        let digits = phone(user);
        let n = &digits[1..];
        let value = match self.rand(4) {
            0 => ("user_phone", json!(digits)),
            1 => ("user_phone", json!(format!("8 ({}) {}-{}-{}", &n[0..3], &n[3..6], &n[6..8], &n[8..10]))),
            2 => ("user_phone", json!(format!("+7 {} {}-{}-{}", &n[0..3], &n[3..6], &n[6..8], &n[8..10]))),
            _ => ("user_id", json!(user)),
        };
        item.insert(value.0.to_owned(), value.1);
    }

    fn amount(&mut self, kopecks: u32) -> (Value, u32) {
        match self.rand(3) {
            0 => (json!(format!("{}.{:02}", kopecks / 100, kopecks % 100)), kopecks),
            1 => (json!(kopecks / 100), kopecks / 100 * 100),
            _ => (json!(f64::from(kopecks) / 100.0), kopecks),
        }
    }

    fn tail(&mut self, mut item: Map<String, Value>) -> Value {
        let store = self.rand(20) + 1;
        let register = self.rand(5) + 1;
        item.insert("description".into(), json!(format!("Store {store}, register {register}")));
        item.insert("store_id".into(), json!(format!("store-{store}")));
        let (day, hour, minute, second) = (26 + self.rand(2), 8 + self.rand(14), self.rand(60), self.rand(60));
        let offset = if self.rand(4) == 0 { "+03:00" } else { "" };
        item.insert("created_at".into(), json!(format!("2026-11-{day:02}T{hour:02}:{minute:02}:{second:02}{offset}")));
        Value::Object(item)
    }

    fn head(id: &str, kind: &str, amount: Value) -> Map<String, Value> {
        let mut item = Map::new();
        item.insert("external_id".into(), json!(id));
        item.insert("type".into(), json!(kind));
        item.insert("amount".into(), amount);
        item
    }

    fn accrual(&mut self, id: String) -> Value {
        let user = self.rand(self.users) + 1;
        let base = self.rand(50000) + 100;
        let (value, kopecks) = self.amount(base);
        let mut item = Self::head(&id, "accrual", value);
        self.user_ref(user, &mut item);
        let item = self.tail(item);
        self.accruals.push((id, user, kopecks));
        item
    }

    fn debit(&mut self, id: String) -> Value {
        let user = self.rand(self.users) + 1;
        let base = self.rand(20000) + 100;
        let (value, kopecks) = self.amount(base);
        let mut item = Self::head(&id, "debit", value);
        self.user_ref(user, &mut item);
        let item = self.tail(item);
        self.debits.push((id, user, kopecks));
        item
    }

    fn yesterday_item(&mut self, id: String) -> Value {
        let item = if self.rand(100) < 70 { self.accrual(id) } else { self.debit(id) };
        self.earlier.push(item.clone());
        item
    }

    fn today_item(&mut self, id: String) -> Value {
        let roll = self.rand(100);
        let item = if roll < 48 {
            self.accrual(id)
        } else if roll < 68 {
            self.debit(id)
        } else if roll < 73 && !self.debits.is_empty() {
            let pick = self.rand(self.debits.len() as u32) as usize;
            let (original, mut user, kopecks) = self.debits[pick].clone();
            let amount = if self.rand(10) == 0 { kopecks + 100 } else { self.rand(kopecks) + 1 };
            if self.rand(10) == 0 {
                user = self.rand(self.users) + 1;
            }
            let mut item = Self::head(&id, "release", json!(format!("{}.{:02}", amount / 100, amount % 100)));
            self.user_ref(user, &mut item);
            item.insert("original_external_id".into(), json!(original));
            self.tail(item)
        } else if roll < 76 && !self.accruals.is_empty() {
            let pick = self.rand(self.accruals.len() as u32) as usize;
            let (original, user, kopecks) = self.accruals[pick].clone();
            let amount = self.rand(kopecks) + 1;
            let mut item = Self::head(&id, "accrual", json!(format!("-{}.{:02}", amount / 100, amount % 100)));
            self.user_ref(user, &mut item);
            item.insert("original_external_id".into(), json!(original));
            self.tail(item)
        } else if roll < 86 && !self.earlier.is_empty() {
            let pick = self.rand(self.earlier.len() as u32) as usize;
            return self.earlier[pick].clone();
        } else if roll < 89 && !self.earlier.is_empty() {
            let pick = self.rand(self.earlier.len() as u32) as usize;
            let mut item = self.earlier[pick].clone();
            let (whole, cents) = (self.rand(900) + 1, self.rand(100));
            item["amount"] = json!(format!("{whole}.{cents:02}"));
            return item;
        } else {
            self.reject(id)
        };
        self.earlier.push(item.clone());
        item
    }

    fn reject(&mut self, id: String) -> Value {
        let user = self.rand(self.users) + 1;
        let mut base = Self::head(&id, "accrual", json!("10.00"));
        self.user_ref(user, &mut base);
        let with_phone = |base: &Map<String, Value>, phone: String| {
            let mut item = base.clone();
            item.remove("user_id");
            item.insert("user_phone".into(), json!(phone));
            item
        };
        let item = match self.rand(7) {
            0 => with_phone(&base, "12345".into()),
            1 => {
                let unknown = format!("7998{:07}", self.rand(10_000_000));
                with_phone(&base, unknown)
            }
            2 => with_phone(&base, AMBIGUOUS_PHONE.into()),
            3 => {
                base.insert("amount".into(), json!("1.234"));
                base
            }
            4 => {
                base.remove("type");
                base
            }
            5 => {
                base.insert("descripton".into(), json!("typo"));
                base
            }
            _ => {
                base.insert("created_at".into(), json!("yesterday"));
                base
            }
        };
        let mut ordered = Map::new();
        for key in ["external_id", "type", "amount", "user_phone", "user_id", "descripton", "created_at"] {
            if let Some(value) = item.get(key) {
                ordered.insert(key.to_owned(), value.clone());
            }
        }
        Value::Object(ordered)
    }
}

/// Median of a non-empty sample.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 }
}

/// The value after `--name` in the program's arguments.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// `--name` as a number, else the environment variable `env`, else `default`.
pub fn number(name: &str, env: &str, default: u64) -> u64 {
    arg(name)
        .or_else(|| std::env::var(env).ok())
        .map(|text| text.replace('_', "").parse().unwrap_or_else(|_| panic!("{name}/{env}: not a number: {text}")))
        .unwrap_or(default)
}

/// Whether the program runs under `cargo bench` (which passes `--bench`) rather than `cargo test`.
pub fn benchmarking() -> bool {
    std::env::args().any(|a| a == "--bench")
}
