//! The conformance suite on the SQLite store: every database is a new file in
//! its own temporary directory, so the per-(pid, path) connection cache never
//! hands two tests the same file.

use std::path::PathBuf;

use cashback_conformance::{Database, Harness, Tamper};
use cashback_core::store::Store;
use cashback_sqlite::{Options, SqliteStore, connection};
use rusqlite::{Connection, params};
use tempfile::TempDir;

struct Sqlite;

struct File {
    path: PathBuf,
    _dir: TempDir,
}

impl Harness for Sqlite {
    fn database(&self) -> Box<dyn Database> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("ledger.db");
        SqliteStore::open(&path, Options::default()).expect("create the ledger file");
        Box::new(File { path, _dir: dir })
    }
}

impl Database for File {
    fn store(&self) -> Box<dyn Store> {
        Box::new(SqliteStore::open(&self.path, Options { create: false, ..Options::default() }).expect("open"))
    }

    /// Another connection, as another process would change the file.
    fn tamper(&self, change: Tamper) -> i64 {
        let db = Connection::open(&self.path).expect("open for tampering");
        match change {
            Tamper::AddToBalance { user_id, amount } => {
                db.execute("UPDATE accounts SET balance = balance + ?2 WHERE user_id = ?1", params![user_id, amount])
                    .unwrap();
                0
            }
            Tamper::ForgeDebit { user_id, amount } => {
                db.execute(
                    "INSERT INTO entries (external_id, user_id, kind, amount, source, description, created_at, recorded_at)
                     VALUES ('forged', ?1, 2, ?2, '1c_retail', '', 0, 0)",
                    params![user_id, amount],
                )
                .unwrap();
                let forged = db.last_insert_rowid();
                db.execute("UPDATE accounts SET balance = balance - ?2 WHERE user_id = ?1", params![user_id, amount])
                    .unwrap();
                forged
            }
            Tamper::DropAccount { user_id } => {
                db.execute("DELETE FROM accounts WHERE user_id = ?1", [user_id]).unwrap();
                0
            }
        }
    }
}

impl Drop for File {
    fn drop(&mut self) {
        connection::evict(&self.path);
    }
}

cashback_conformance::conformance_tests!(Sqlite);
