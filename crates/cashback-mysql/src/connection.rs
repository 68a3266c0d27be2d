//! Connections: opened lazily in a request, kept per process, checked before
//! reuse, and the schema prepared on each new one.
//!
//! PHP-FPM forks its workers after module startup: a connection (a socket
//! with a server session behind it) must never be used by two processes, so
//! connections are cached per process id and target, and a child leaks what
//! it inherited instead of closing it (closing would end its parent's session).
//! A connection idle for [`PING_AFTER`] is pinged before use; one the server
//! dropped is opened again.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock},
    time::{Duration, Instant},
};

use cashback_core::error::{LedgerError, StorageFault};
use mysql::{Conn, OptsBuilder, prelude::Queryable};
use parking_lot::Mutex;

use crate::{
    error::{Failure, Recovery, checked},
    migrate,
    target::Target,
};

/// How long a cached connection may idle before it is pinged first.
pub const PING_AFTER: Duration = Duration::from_secs(1);
/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one read or write on the socket may take: above a Galera
/// cluster's stall while it evicts a dead node (3-7 s), below PHP's timeouts.
pub const IO_TIMEOUT: Duration = Duration::from_secs(20);
/// Prepared statements kept per connection (the ledger uses some dozens, sets in a few sizes each).
const STATEMENT_CACHE: usize = 256;

/// One server session, and what it is.
pub struct Session {
    /// The connection.
    pub conn: Conn,
    /// Whether the server is a Galera node (reads then wait for the cluster's commits).
    pub galera: bool,
    /// The session's `innodb_lock_wait_timeout`, seconds.
    lock_wait: u64,
    /// Set while a write runs with autocommit off; still set afterwards only if
    /// autocommit could not be turned on again (the session is then dropped).
    pub writing: bool,
    last_used: Instant,
}

impl Session {
    /// Runs statements given as one query; returns the rows the last one changed.
    ///
    /// # Errors
    /// The first statement's failure (the server runs none after it).
    pub fn run_all(&mut self, statements: &str) -> Result<u64, Failure> {
        let mut result = checked(self.conn.query_iter(statements))?;
        let mut changed = 0;
        while let Some(set) = result.iter() {
            // Read before the set is consumed: these statements return no rows, each ends in its OK packet.
            changed = set.affected_rows();
            for row in set {
                checked(row)?;
            }
        }
        Ok(changed)
    }

    /// Ends a write with `COMMIT` or `ROLLBACK`, and turns autocommit on again.
    ///
    /// # Errors
    /// The failure of `end` (then autocommit stays off, and the session is
    /// dropped before its next use unless a ROLLBACK turns it on again).
    pub fn end_write(&mut self, end: &str) -> Result<(), Failure> {
        // Two commands: the outcome of COMMIT must come back as the answer to a command of its own.
        checked(self.conn.query_drop(end))?;
        checked(self.conn.query_drop("SET autocommit = 1"))?;
        self.writing = false;
        Ok(())
    }

    /// Makes row locks wait as long as `settings` say: stores opened with
    /// other busy timeouts share this process's session.
    fn wait_for_locks(&mut self, settings: Settings) -> Result<(), Failure> {
        let seconds = lock_wait_seconds(settings);
        if seconds != self.lock_wait {
            checked(self.conn.query_drop(format!("SET SESSION innodb_lock_wait_timeout = {seconds}")))?;
            self.lock_wait = seconds;
        }
        Ok(())
    }
}

/// InnoDB counts lock waits in whole seconds, at least one.
fn lock_wait_seconds(settings: Settings) -> u64 {
    settings.lock_wait.as_secs().max(1)
}

type Shared = Arc<Mutex<Session>>;

static CACHE: LazyLock<Mutex<HashMap<(u32, String), Shared>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// How sessions are set up.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How long a statement waits for a row lock (the writers' lock) before `database_busy`.
    pub lock_wait: Duration,
    /// Create the ledger's tables when the database has none.
    pub create: bool,
}

/// Runs `work` on this process's session to `target`, opening it if needed.
///
/// # Errors
/// What `work` returns, or the failure to connect; a session whose connection
/// was lost is dropped, so the next call opens another.
pub fn with_session<T>(
    target: &Target,
    settings: Settings,
    work: impl FnOnce(&mut Session) -> Result<T, Failure>,
) -> Result<T, Failure> {
    let shared = shared(target, settings)?;
    let mut session = shared.lock();
    // A session whose write could not turn autocommit on again would read old snapshots: never reuse it.
    if session.writing || (session.last_used.elapsed() >= PING_AFTER && session.conn.ping().is_err()) {
        drop(session);
        evict(target);
        return with_session(target, settings, work);
    }
    let result = session.wait_for_locks(settings).and_then(|()| work(&mut session));
    session.last_used = Instant::now();
    drop(session);
    if let Err(failure) = &result
        && failure.recovery == Recovery::Reconnect
    {
        evict(target);
    }
    result
}

fn shared(target: &Target, settings: Settings) -> Result<Shared, Failure> {
    let pid = std::process::id();
    let key = (pid, target.cache_key());
    let mut cache = CACHE.lock();
    forget_inherited(&mut cache, pid);
    if let Some(session) = cache.get(&key) {
        return Ok(Arc::clone(session));
    }
    let session = Arc::new(Mutex::new(open(target, settings)?));
    cache.insert(key, Arc::clone(&session));
    Ok(session)
}

/// Ends every session of this process with the server's goodbye (module
/// shutdown: a worker that just exits leaves "Aborted connection" warnings in
/// the server's log and its `Aborted_clients` count rising).
pub fn close_all() {
    let pid = std::process::id();
    let mut cache = CACHE.lock();
    forget_inherited(&mut cache, pid);
    cache.clear();
}

/// Drops this process's session to `target`, so the next call connects afresh.
pub fn evict(target: &Target) {
    CACHE.lock().remove(&(std::process::id(), target.cache_key()));
}

/// Leaks the sessions a forked child inherited: dropping one would send the
/// server a goodbye on the parent's socket.
fn forget_inherited(cache: &mut HashMap<(u32, String), Shared>, pid: u32) {
    let inherited: Vec<_> = cache.keys().filter(|(owner, _)| *owner != pid).cloned().collect();
    for key in inherited {
        if let Some(session) = cache.remove(&key) {
            std::mem::forget(session);
        }
    }
}

fn options(target: &Target) -> OptsBuilder {
    let builder = OptsBuilder::new()
        .user(Some(&target.user))
        .pass(target.password.clone())
        .db_name(Some(&target.database))
        .prefer_socket(false)
        .tcp_nodelay(true)
        .tcp_connect_timeout(Some(CONNECT_TIMEOUT))
        .read_timeout(Some(IO_TIMEOUT))
        .write_timeout(Some(IO_TIMEOUT))
        .stmt_cache_size(STATEMENT_CACHE);
    match (&target.socket, &target.host) {
        (Some(socket), _) => builder.socket(Some(socket)),
        (None, host) => builder.ip_or_hostname(host.clone()).tcp_port(target.port),
    }
}

/// Connects, sets the session up, and prepares the schema.
///
/// # Errors
/// `database_unavailable` when the server cannot be reached or refuses the
/// login, [`LedgerError::SchemaTooNew`], or the failure of a migration.
pub fn open(target: &Target, settings: Settings) -> Result<Session, Failure> {
    let mut conn = Conn::new(options(target)).map_err(|error| {
        let failure = crate::error::failure(error);
        // Whatever kept the connection from opening, the ledger is unavailable; no retry of this call cures it.
        Failure::final_error(LedgerError::storage(
            StorageFault::Unavailable,
            format!("cannot connect to {}: {}", target.location(), failure.error.message()),
        ))
    })?;
    let lock_wait = lock_wait_seconds(settings);
    checked(conn.query_drop(format!(
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', innodb_lock_wait_timeout = {lock_wait}"
    )))?;
    let galera = is_galera_node(&mut conn)?;
    if galera {
        // Reads see every commit the cluster made before them, through any node (read-your-writes across web nodes).
        checked(conn.query_drop("SET SESSION wsrep_sync_wait = 1"))?;
    }
    migrate::prepare(&mut conn, target, settings.create)?;
    Ok(Session { conn, galera, lock_wait, writing: false, last_used: Instant::now() })
}

/// MariaDB reports `wsrep_on` on every server (ON on a Galera node); MySQL has no such variable.
fn is_galera_node(conn: &mut Conn) -> Result<bool, Failure> {
    let row: Option<(String, String)> = checked(conn.query_first("SHOW VARIABLES LIKE 'wsrep_on'"))?;
    Ok(row.is_some_and(|(_, value)| value.eq_ignore_ascii_case("ON")))
}
