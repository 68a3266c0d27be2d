//! Criterion benchmarks of the ledger core (no PHP): applying one transaction,
//! applying the 10,000-item benchmark batch, a balance lookup by phone, and
//! phone normalization.
//!
//!     cargo bench --bench core                # BENCH_CORE_BATCH=10000 items per batch
//!     cargo test --bench core                 # each benchmark once, as a smoke test
//!
//! Databases live on the target directory's disk (not tmpfs), so every commit
//! pays the real fsync, as in production.

#[path = "common/mod.rs"]
mod common;

use std::{
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use cashback_core::{
    ledger::Ledger,
    phone::{self, Region},
    phones::ImportRow,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use tempfile::TempDir;

/// A ledger file that is closed (evicted from the connection cache) when dropped.
struct Fresh {
    ledger: Option<Ledger>,
    path: PathBuf,
    _dir: TempDir,
}

impl Drop for Fresh {
    fn drop(&mut self) {
        self.ledger.take();
        common::close_ledger(&self.path);
    }
}

fn temp_dir() -> TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir on the target disk")
}

/// A ledger with the benchmark customers' phones and yesterday's batch applied.
fn prepared(path: &Path, yesterday: &[Value]) -> Ledger {
    let ledger = common::open_ledger(path);
    let phones: Vec<ImportRow> = (1..=common::USERS)
        .map(|user| ImportRow { user_id: i64::from(user), phone: common::phone(user), verified: true })
        .collect();
    ledger.import_phones(&phones).expect("import phones");
    ledger.link_phone(1, common::AMBIGUOUS_PHONE, false).expect("link");
    ledger.link_phone(2, common::AMBIGUOUS_PHONE, false).expect("link");
    ledger.apply_batch(yesterday, None).expect("yesterday's batch");
    ledger
}

fn batch_size() -> usize {
    common::number("--batch", "BENCH_CORE_BATCH", if common::benchmarking() { 10_000 } else { 500 }) as usize
}

fn benches(c: &mut Criterion) {
    let size = batch_size();
    let (yesterday, today) = common::Batch::generate("core", 1, size / 10, size, common::USERS);

    // A closed base file (phones + yesterday), copied for every batch iteration.
    let base_dir = temp_dir();
    let base = base_dir.path().join("base.db");
    drop(prepared(&base, &yesterday));
    common::close_ledger(&base);

    let mut group = c.benchmark_group("core");
    group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(8));
    group.throughput(Throughput::Elements(size as u64));
    group.bench_function(format!("apply_batch_{size}"), |b| {
        b.iter_batched(
            || {
                let dir = temp_dir();
                let path = dir.path().join("ledger.db");
                std::fs::copy(&base, &path).expect("copy base");
                let ledger = common::open_ledger(&path);
                Fresh { ledger: Some(ledger), path, _dir: dir }
            },
            |fresh| {
                let outcomes = fresh.ledger.as_ref().expect("ledger").apply_batch(&today, None).expect("batch");
                assert_eq!(outcomes.len(), today.len());
                fresh
            },
            BatchSize::PerIteration,
        );
    });

    // One transaction per commit (one fsync each): a new accrual every iteration.
    let one_dir = temp_dir();
    let one_path = one_dir.path().join("one.db");
    let one = Fresh { ledger: Some(prepared(&one_path, &yesterday)), path: one_path, _dir: one_dir };
    let counter = AtomicU64::new(0);
    group.throughput(Throughput::Elements(1));
    group.sample_size(20).measurement_time(Duration::from_secs(5));
    group.bench_function("apply_one", |b| {
        b.iter(|| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let item = json!({"external_id": format!("one-{n}"), "type": "accrual", "amount": "1.50",
                              "user_phone": "8 (900) 000-00-42", "store_id": "store-1",
                              "created_at": "2026-11-27T10:15:00"});
            one.ledger.as_ref().expect("ledger").apply(&item, None).expect("apply")
        });
    });

    // Balance lookups by phone in the form 1C sends, over the benchmark's customers.
    let ledger = one.ledger.as_ref().expect("ledger");
    ledger.apply_batch(&today, None).expect("today's batch");
    let phones: Vec<String> = (1..=common::USERS).map(|u| format!("8{}", &common::phone(u)[1..])).collect();
    let mut next = 0usize;
    group.sample_size(30).measurement_time(Duration::from_secs(3));
    group.bench_function("balance_by_phone", |b| {
        b.iter(|| {
            next = (next + 1) % phones.len();
            ledger.balance_by_phone(&phones[next]).expect("balance")
        });
    });

    let inputs = ["+7 (900) 123-45-67", "8 900 123 45 67", "9001234567", "+375 29 123-45-67", "007 900 123 45 67"];
    let russia = Region::russia();
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("normalize_phone_x5", |b| {
        b.iter(|| {
            for input in inputs {
                std::hint::black_box(phone::normalize(std::hint::black_box(input), russia).expect("valid"));
            }
        });
    });
    group.finish();
    drop(one);
}

criterion_group!(core_benches, benches);
criterion_main!(core_benches);
