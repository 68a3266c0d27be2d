//! A ledger moved between the backends (`cashback migrate-storage`): from a
//! SQLite file into MariaDB, and back, each copy checked row for row.

mod support;

use cashback_conformance::copying::{assert_copies, fill};
use cashback_core::{config::Config, ledger::Ledger};
use cashback_mysql::{MysqlStore, Options};
use cashback_sqlite::SqliteStore;

fn sqlite(path: &std::path::Path) -> Ledger {
    Ledger::new(Box::new(SqliteStore::open(path, cashback_sqlite::Options::default()).unwrap()), Config::default())
}

fn mysql(url: &str) -> Ledger {
    Ledger::new(Box::new(MysqlStore::open(url, Options::default()).unwrap()), Config::default())
}

#[test]
fn a_sqlite_ledger_moves_to_mariadb_and_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let file = sqlite(&dir.path().join("ledger.db"));
    let key = fill(&file, cashback_core::copy::PAGE_ROWS + 3);
    let (name, url) = support::new_database();
    assert_copies(&file, &mysql(&url), &key);

    // And back into a new file: what MariaDB holds (with the checks' writes) reads the same on SQLite.
    assert_copies(&mysql(&url), &sqlite(&dir.path().join("back.db")), &key);
    support::drop_database(&name);
}
