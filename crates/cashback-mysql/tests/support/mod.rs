//! The MariaDB server the tests run on, and empty databases on it.
//!
//! `CASHBACK_MARIADB_DIR` names a server started by `tests/mariadb/server.sh`
//! (`make test` starts one); without it the tests start their own in
//! `var/mariadb-cargo` on `CASHBACK_MARIADB_PORT` (default 13316), left running
//! for the next run (`tests/mariadb/server.sh stop var/mariadb-cargo`).

// Every test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::{
    path::PathBuf,
    process::Command,
    sync::{
        OnceLock,
        atomic::{AtomicU32, Ordering},
    },
};

use mysql::{Conn, Opts, prelude::Queryable};

/// A running server: its admin URL and the ledger user's URL (both end in `/`).
pub struct Server {
    pub admin_url: String,
    pub app_url: String,
}

fn script(command: &str, dir: &str, port: Option<&str>) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut run = Command::new("bash");
    run.arg(root.join("tests/mariadb/server.sh")).arg(command).arg(root.join(dir));
    run.args(port);
    let output = run.output().expect("run tests/mariadb/server.sh");
    assert!(output.status.success(), "server.sh {command}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8").trim().to_owned()
}

/// The test server, started on first use.
pub fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let dir = std::env::var("CASHBACK_MARIADB_DIR").unwrap_or_else(|_| {
            let port = std::env::var("CASHBACK_MARIADB_PORT").unwrap_or_else(|_| "13316".into());
            script("start", "var/mariadb-cargo", Some(&port));
            "var/mariadb-cargo".into()
        });
        let admin_url = script("url", &dir, None);
        let app_url = script("app-url", &dir, None);
        assert!(!admin_url.is_empty(), "no MariaDB server runs in {dir}");
        Server { admin_url, app_url }
    })
}

/// An admin connection to `database` (or to none).
pub fn admin(database: Option<&str>) -> Conn {
    let url = format!("{}{}", server().admin_url, database.unwrap_or(""));
    Conn::new(Opts::from_url(&url).expect("admin URL")).expect("admin connection")
}

/// A new, empty database the ledger's user may use: `(name, ledger URL)`.
pub fn new_database() -> (String, String) {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!("cb_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    admin(None).query_drop(format!("CREATE DATABASE {name} CHARACTER SET utf8mb4")).expect("create database");
    let url = format!("{}{name}", server().app_url);
    (name, url)
}

/// Drops a database made by [`new_database`].
pub fn drop_database(name: &str) {
    let _ = admin(None).query_drop(format!("DROP DATABASE IF EXISTS {name}"));
}

/// The test server's port.
pub fn server_port() -> u16 {
    let after_host = server().admin_url.rsplit_once(':').expect("a port in the URL").1;
    after_host.trim_end_matches('/').parse().expect("a numeric port")
}

/// `127.0.0.1:PORT` of the test server.
pub fn server_address() -> String {
    format!("127.0.0.1:{}", server_port())
}
