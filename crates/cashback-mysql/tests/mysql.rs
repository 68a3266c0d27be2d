//! What only the MySQL store does: writers serialized by the lock row (a
//! batch decides on what committed before it got the lock), a connection the
//! server dropped is opened again, a write whose connection died before COMMIT
//! runs again, and one whose connection died at COMMIT reports that its
//! outcome is unknown (and a resend tells which).

mod support;

use std::{
    io::{Read, Write},
    net::{Shutdown, TcpListener, TcpStream},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use cashback_conformance::support::{accrual, applied, apply, balance, debit, duplicate, full_history, rejected};
use cashback_core::{code::Code, config::Config, ledger::Ledger};
use cashback_mysql::{MysqlStore, Options};
use mysql::prelude::Queryable;

struct Fresh {
    name: String,
    url: String,
}

impl Fresh {
    fn new() -> Self {
        let (name, url) = support::new_database();
        MysqlStore::open(&url, Options::default()).expect("create the ledger tables");
        Self { name, url }
    }

    fn ledger(&self, options: Options) -> Ledger {
        Ledger::new(Box::new(MysqlStore::open(&self.url, options).expect("open")), Config::default())
    }

    fn admin(&self) -> mysql::Conn {
        support::admin(Some(&self.name))
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        support::drop_database(&self.name);
    }
}

fn quick(busy_ms: u64) -> Options {
    Options { busy_timeout: Duration::from_millis(busy_ms), ..Options::default() }
}

#[test]
fn a_batch_decides_on_what_another_writer_committed_while_it_waited_for_the_lock() {
    let db = Fresh::new();
    let ledger = db.ledger(quick(5_000));
    applied(&apply(&ledger, &accrual("lock-1", 9, "100")));

    // Another web node takes the writers' lock and spends the whole balance, slowly.
    let mut other = db.admin();
    other.query_drop("START TRANSACTION").unwrap();
    other.query_drop("UPDATE local_cashback_writer SET commits = commits + 1 WHERE id = 1").unwrap();
    other
        .query_drop(
            "INSERT INTO local_cashback_entries (id, external_id, user_id, kind, amount, source, description, created_at, recorded_at)
             VALUES (2, 'other-node', 9, 2, 10000, 'bitrix', '', 0, 0)",
        )
        .unwrap();
    other.query_drop("UPDATE local_cashback_accounts SET balance = 0 WHERE user_id = 9").unwrap();

    let started = Instant::now();
    let outcome = thread::scope(|scope| {
        let waiting = scope.spawn(|| apply(&db.ledger(quick(5_000)), &debit("lock-2", 9, "100")));
        thread::sleep(Duration::from_millis(300));
        assert!(!waiting.is_finished(), "the write waits for the lock instead of deciding on its own snapshot");
        other.query_drop("COMMIT").unwrap();
        waiting.join().unwrap()
    });
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(rejected(&outcome).code(), Code::InsufficientBalance, "it saw the other node's debit: no overdraft");
    assert_eq!(balance(&ledger, 9), 0);
    assert_eq!(full_history(&ledger, 9).len(), 2);
}

#[test]
fn a_lock_held_past_the_busy_timeout_is_database_busy_and_writes_nothing() {
    let db = Fresh::new();
    let ledger = db.ledger(quick(1_000));
    let mut other = db.admin();
    other.query_drop("START TRANSACTION").unwrap();
    other.query_drop("UPDATE local_cashback_writer SET commits = commits + 1 WHERE id = 1").unwrap();
    let started = Instant::now();
    let error = ledger.apply_batch(&[accrual("busy-1", 4, "5")], None).unwrap_err();
    let waited = started.elapsed();
    assert_eq!(error.code(), Code::DatabaseBusy, "{error}");
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_secs(4), "gave up after {waited:?}");
    other.query_drop("ROLLBACK").unwrap();
    assert_eq!(balance(&ledger, 4), 0);
    applied(&apply(&ledger, &accrual("busy-1", 4, "5")));
}

#[test]
fn a_connection_the_server_killed_is_opened_again() {
    let db = Fresh::new();
    let ledger = db.ledger(Options::default());
    applied(&apply(&ledger, &accrual("kill-1", 5, "1")));
    kill_ledger_connections(&db);
    // Health, a read and a write go through on a new connection, each right after a kill.
    assert_eq!(ledger.health().unwrap().entries, 1);
    kill_ledger_connections(&db);
    assert_eq!(balance(&ledger, 5), 100);
    kill_ledger_connections(&db);
    applied(&apply(&ledger, &accrual("kill-2", 5, "1")));
    assert_eq!(balance(&ledger, 5), 200);
}

fn kill_ledger_connections(db: &Fresh) {
    let mut admin = db.admin();
    let ids: Vec<u64> = admin
        .exec("SELECT id FROM information_schema.processlist WHERE user = 'cashback_app' AND db = ?", (&db.name,))
        .unwrap();
    assert!(!ids.is_empty(), "the ledger keeps a connection open");
    for id in ids {
        admin.query_drop(format!("KILL {id}")).unwrap();
    }
}

/// A TCP proxy to the test server that, on the first client packet
/// containing `cut_after`, forwards it, drops everything the server answers
/// from then on and closes the client's side, so the client never learns the
/// statement's outcome (later connections pass untouched).
struct CuttingProxy {
    port: u16,
    cuts: Arc<AtomicUsize>,
}

impl CuttingProxy {
    fn start(cut_after: &'static [u8]) -> Self {
        let target = support::server_address();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cuts = Arc::new(AtomicUsize::new(0));
        let armed = Arc::new(AtomicBool::new(true));
        let counter = Arc::clone(&cuts);
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let server = TcpStream::connect(&target).unwrap();
                let cut = Arc::new(AtomicBool::new(false));
                let (armed, counter, silenced) = (Arc::clone(&armed), Arc::clone(&counter), Arc::clone(&cut));
                let (mut client_in, mut server_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (mut server_in, mut client_out) = (server, client);
                thread::spawn(move || {
                    let mut buffer = [0_u8; 64 * 1024];
                    while let Ok(read) = server_in.read(&mut buffer) {
                        if read == 0
                            || silenced.load(Ordering::SeqCst)
                            || client_out.write_all(&buffer[..read]).is_err()
                        {
                            break;
                        }
                    }
                    let _ = client_out.shutdown(Shutdown::Both);
                });
                thread::spawn(move || {
                    let mut buffer = [0_u8; 64 * 1024];
                    while let Ok(read) = client_in.read(&mut buffer) {
                        let packet = &buffer[..read];
                        let cutting = read > 0
                            && packet.windows(cut_after.len()).any(|window| window == cut_after)
                            && armed.swap(false, Ordering::SeqCst);
                        if cutting {
                            cut.store(true, Ordering::SeqCst);
                        }
                        if read == 0 || server_out.write_all(packet).is_err() {
                            break;
                        }
                        if cutting {
                            counter.fetch_add(1, Ordering::SeqCst);
                            let _ = client_in.shutdown(Shutdown::Both);
                            // Give the server time to act on the statement before it sees the connection end.
                            thread::sleep(Duration::from_millis(300));
                            let _ = server_out.shutdown(Shutdown::Both);
                            break;
                        }
                    }
                });
            }
        });
        Self { port, cuts }
    }

    fn url(&self, database: &str) -> String {
        let app = &support::server().app_url;
        let (credentials, _) = app.trim_start_matches("mysql://").split_once('@').unwrap();
        format!("mysql://{credentials}@127.0.0.1:{}/{database}", self.port)
    }
}

#[test]
fn a_connection_lost_at_commit_is_an_unknown_outcome_and_a_resend_tells_which() {
    let db = Fresh::new();
    let direct = db.ledger(Options::default());
    applied(&apply(&direct, &accrual("commit-0", 6, "10")));
    let proxy = CuttingProxy::start(b"\x03COMMIT");
    let through_proxy = Ledger::new(
        Box::new(MysqlStore::open(&proxy.url(&db.name), Options::default()).expect("open through the proxy")),
        Config::default(),
    );
    let error = through_proxy.apply_batch(&[debit("commit-1", 6, "4"), accrual("commit-2", 6, "1")], None).unwrap_err();
    assert_eq!(proxy.cuts.load(Ordering::SeqCst), 1);
    assert_eq!(error.code(), Code::DatabaseOutcomeUnknown, "{error}");
    assert!(error.to_string().contains("resend"), "{error}");
    // The server committed: the resend is answered duplicate for both, and nothing is applied twice.
    let resent = through_proxy.apply_batch(&[debit("commit-1", 6, "4"), accrual("commit-2", 6, "1")], None).unwrap();
    duplicate(&resent[0]);
    duplicate(&resent[1]);
    assert_eq!(balance(&direct, 6), 700);
    assert_eq!(full_history(&direct, 6).len(), 3);
}

#[test]
fn a_connection_lost_before_commit_runs_the_whole_write_again_once() {
    let db = Fresh::new();
    let proxy = CuttingProxy::start(b"UPDATE local_cashback_writer");
    let ledger = Ledger::new(
        Box::new(MysqlStore::open(&proxy.url(&db.name), Options::default()).expect("open through the proxy")),
        Config::default(),
    );
    let outcomes = ledger.apply_batch(&[accrual("retry-1", 8, "3"), debit("retry-2", 8, "1")], None).unwrap();
    assert_eq!(proxy.cuts.load(Ordering::SeqCst), 1, "the first run lost its connection");
    applied(&outcomes[0]);
    applied(&outcomes[1]);
    assert_eq!(balance(&db.ledger(Options::default()), 8), 200);
    assert_eq!(full_history(&ledger, 8).len(), 2, "applied once");
}

#[test]
fn a_database_without_ledger_tables_is_unavailable_unless_created_and_a_newer_schema_is_refused() {
    let (name, url) = support::new_database();
    let error = MysqlStore::open(&url, Options { create: false, ..Options::default() }).unwrap_err();
    assert_eq!(error.code(), Code::DatabaseUnavailable, "{error}");
    let tables: i64 = support::admin(Some(&name))
        .query_first("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()")
        .unwrap()
        .unwrap();
    assert_eq!(tables, 0, "nothing was created");
    MysqlStore::open(&url, Options::default()).unwrap();
    support::admin(Some(&name)).query_drop("UPDATE local_cashback_schema SET version = 99").unwrap();
    // A new process (a fresh session) checks the schema when it connects.
    let renamed = url.replace("127.0.0.1", "localhost");
    let error = MysqlStore::open(&renamed, Options::default()).unwrap_err();
    assert_eq!(error.code(), Code::SchemaTooNew, "{error}");
    support::drop_database(&name);
}

#[test]
fn the_password_is_in_no_error_and_no_health_report() {
    let db = Fresh::new();
    let store = MysqlStore::open(&db.url, Options::default()).unwrap();
    let password = support::server().app_url.split(':').nth(2).unwrap().split('@').next().unwrap().to_owned();
    use cashback_core::store::Store;
    let health = store.health().unwrap();
    assert_eq!((health.backend, health.checked), ("mysql", "server"));
    assert!(!health.location.contains(&password) && health.location.ends_with(&db.name), "{}", health.location);
    let wrong = db.url.replace(&password, "not-the-password-at-all");
    let error = MysqlStore::open(&wrong, Options::default()).unwrap_err();
    assert_eq!(error.code(), Code::DatabaseUnavailable);
    assert!(!error.to_string().contains("not-the-password-at-all"), "{error}");
    let unreachable = db.url.replace(&format!(":{}/", support::server_port()), ":1/");
    let error = MysqlStore::open(&unreachable, Options::default()).unwrap_err();
    assert_eq!(error.code(), Code::DatabaseUnavailable);
    assert!(!error.to_string().contains(&password), "{error}");
}
