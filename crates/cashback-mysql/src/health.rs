//! What a write and a read would get now, found without committing anything:
//! the writers' lock is taken by the write every ledger write starts with, and
//! rolled back
//! (a read-only server refuses it: `read_only=1` applies to every user
//! without the privilege to bypass it, so asking the server beats reading the
//! variable), and a Galera node must be in the primary component and synced
//! enough to serve (`wsrep_ready`).

use cashback_core::error::{LedgerError, StorageFault};
use mysql::prelude::Queryable;

use crate::{
    connection::Session,
    error::{Failure, checked},
};

/// What the probe checked, for the health report.
pub const CHECKED: &str = "server";

/// Probes the session's server.
///
/// # Errors
/// The fault a write or a read would meet now.
pub fn probe(session: &mut Session, prefix: &str) -> Result<(), Failure> {
    if session.galera {
        let ready: Option<(String, String)> = checked(session.conn.query_first("SHOW STATUS LIKE 'wsrep_ready'"))?;
        if !ready.is_some_and(|(_, value)| value.eq_ignore_ascii_case("ON")) {
            return Err(Failure::final_error(LedgerError::storage(
                StorageFault::Unavailable,
                "this Galera node is not ready (outside the primary component or still joining)",
            )));
        }
    }
    checked(session.conn.query_drop("START TRANSACTION"))?;
    let probed =
        checked(session.conn.query_drop(format!("UPDATE {prefix}writer SET commits = commits + 1 WHERE id = 1")))
            .map(|()| session.conn.affected_rows());
    let _ = session.conn.query_drop("ROLLBACK");
    match probed? {
        1 => Ok(()),
        _ => Err(Failure::final_error(LedgerError::storage(
            StorageFault::Other,
            "the writers' lock row is missing; the ledger tables are damaged",
        ))),
    }
}
