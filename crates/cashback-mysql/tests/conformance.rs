//! The conformance suite on the MariaDB store: every database is a new one on
//! the test server, dropped afterwards.

mod support;

use cashback_conformance::{Database, Harness, Tamper};
use cashback_core::store::Store;
use cashback_mysql::{MysqlStore, Options, target::Target};
use mysql::prelude::Queryable;

struct Mariadb;

struct Schema {
    name: String,
    url: String,
}

impl Harness for Mariadb {
    fn database(&self) -> Box<dyn Database> {
        let (name, url) = support::new_database();
        MysqlStore::open(&url, Options::default()).expect("create the ledger tables");
        Box::new(Schema { name, url })
    }
}

impl Database for Schema {
    fn store(&self) -> Box<dyn Store> {
        Box::new(MysqlStore::open(&self.url, Options { create: false, ..Options::default() }).expect("open"))
    }

    /// Another connection, as another web node (or an intruder) would change the tables.
    fn tamper(&self, change: Tamper) -> i64 {
        let mut db = support::admin(Some(&self.name));
        let prefix = Target::parse(&self.url, None).unwrap().table_prefix;
        match change {
            Tamper::AddToBalance { user_id, amount } => {
                db.exec_drop(
                    format!("UPDATE {prefix}accounts SET balance = balance + ? WHERE user_id = ?"),
                    (amount, user_id),
                )
                .unwrap();
                0
            }
            Tamper::ForgeDebit { user_id, amount } => {
                let id: i64 =
                    db.query_first(format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {prefix}entries")).unwrap().unwrap();
                db.exec_drop(
                    format!(
                        "INSERT INTO {prefix}entries (id, external_id, user_id, kind, amount, source, description, created_at, recorded_at)
                         VALUES (?, 'forged', ?, 2, ?, '1c_retail', '', 0, 0)"
                    ),
                    (id, user_id, amount),
                )
                .unwrap();
                db.exec_drop(
                    format!("UPDATE {prefix}accounts SET balance = balance - ? WHERE user_id = ?"),
                    (amount, user_id),
                )
                .unwrap();
                id
            }
            Tamper::DropAccount { user_id } => {
                db.exec_drop(format!("DELETE FROM {prefix}accounts WHERE user_id = ?"), (user_id,)).unwrap();
                0
            }
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        support::drop_database(&self.name);
    }
}

cashback_conformance::conformance_tests!(Mariadb);
