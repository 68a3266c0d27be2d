//! The server's and the driver's errors as the ledger's storage faults, and
//! whether running the transaction again can cure them.
//!
//! Server error numbers are MariaDB's and MySQL's (`include/mysqld_error.h`,
//! the same numbers on both for those used here).

use cashback_core::error::{LedgerError, StorageFault};

/// What a failed statement means for the transaction it was part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// The server rolled the transaction back (a deadlock, a Galera
    /// certification conflict): running it again from the start can succeed.
    Retry,
    /// The connection is gone: open another; a transaction that had not
    /// reached COMMIT can run again on it.
    Reconnect,
    /// Another try now would fail the same way.
    GiveUp,
}

/// A failure of a statement, with what to do about it.
#[derive(Debug)]
pub struct Failure {
    /// The ledger's error.
    pub error: LedgerError,
    /// How the transaction can recover.
    pub recovery: Recovery,
}

impl Failure {
    /// A failure that no retry cures.
    pub fn final_error(error: LedgerError) -> Self {
        Self { error, recovery: Recovery::GiveUp }
    }
}

impl From<LedgerError> for Failure {
    fn from(error: LedgerError) -> Self {
        Self::final_error(error)
    }
}

/// ER_LOCK_DEADLOCK: a deadlock, or on Galera a brute-force abort or a failed certification.
pub const DEADLOCK: u16 = 1213;
/// ER_LOCK_WAIT_TIMEOUT: another writer held the lock past `innodb_lock_wait_timeout`.
pub const LOCK_WAIT_TIMEOUT: u16 = 1205;
/// ER_DUP_ENTRY: the unique external_id, the writers' last guard.
pub const DUPLICATE_KEY: u16 = 1062;
/// ER_NO_SUCH_TABLE.
pub const NO_SUCH_TABLE: u16 = 1146;

/// The fault and recovery of a server error number.
fn server_fault(code: u16, message: &str) -> (StorageFault, Recovery) {
    use {Recovery as R, StorageFault as F};
    match code {
        DEADLOCK | DUPLICATE_KEY => (F::Busy, R::Retry),
        LOCK_WAIT_TIMEOUT => (F::Busy, R::GiveUp),
        // ER_OPTION_PREVENTS_STATEMENT (--read-only), ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION,
        // ER_READ_ONLY_MODE, ER_INNODB_READ_ONLY.
        1290 | 1792 | 1836 | 1874 => (F::ReadOnly, R::GiveUp),
        // ER_RECORD_FILE_FULL, ER_DISK_FULL, ER_OUTOFMEMORY; ER_ERROR_ON_WRITE / ER_GET_ERRNO with ENOSPC.
        1114 | 1021 | 1037 => (F::Full, R::GiveUp),
        3 | 1030 if message.contains("28") => (F::Full, R::GiveUp),
        // ER_NOT_KEYFILE, ER_CRASHED_ON_USAGE, ER_CRASHED_ON_REPAIR, ER_TABLE_CORRUPT, ER_INDEX_CORRUPT.
        1034 | 1194 | 1195 | 1877 | 1712 => (F::Corrupt, R::GiveUp),
        // ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED, ER_QUERY_INTERRUPTED: this connection ends.
        1053 | 1927 | 1317 => (F::Unavailable, R::Reconnect),
        // ER_UNKNOWN_COM_ERROR: a Galera node outside the primary component ("WSREP has not yet prepared node").
        1047 => (F::Unavailable, R::GiveUp),
        // ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_BAD_DB_ERROR, ER_TABLEACCESS_DENIED_ERROR, too many connections.
        1045 | 1044 | 1049 | 1142 | 1040 | 1203 => (F::Unavailable, R::GiveUp),
        NO_SUCH_TABLE => (F::Unavailable, R::GiveUp),
        _ => (F::Other, R::GiveUp),
    }
}

/// A driver error as a failure.
pub fn failure(error: mysql::Error) -> Failure {
    use mysql::{DriverError as D, Error as E};
    let (fault, recovery) = match &error {
        E::MySqlError(server) => server_fault(server.code, &server.message),
        E::IoError(_) | E::CodecError(_) => (StorageFault::Unavailable, Recovery::Reconnect),
        E::DriverError(D::ConnectTimeout | D::CouldNotConnect(_) | D::Timeout) => {
            (StorageFault::Unavailable, Recovery::Reconnect)
        }
        E::DriverError(D::PacketOutOfSync | D::UnexpectedPacket) => (StorageFault::Unavailable, Recovery::Reconnect),
        _ => (StorageFault::Other, Recovery::GiveUp),
    };
    Failure { error: LedgerError::storage(fault, error.to_string()), recovery }
}

/// A driver result as a result with a [`Failure`].
pub fn checked<T>(result: Result<T, mysql::Error>) -> Result<T, Failure> {
    result.map_err(failure)
}

/// A failure of the adapter itself, not of a statement.
pub fn database_error(message: impl Into<String>) -> LedgerError {
    LedgerError::storage(StorageFault::Other, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_retry_lost_connections_reconnect_and_the_rest_gives_up() {
        assert_eq!(server_fault(DEADLOCK, ""), (StorageFault::Busy, Recovery::Retry));
        assert_eq!(server_fault(LOCK_WAIT_TIMEOUT, ""), (StorageFault::Busy, Recovery::GiveUp));
        assert_eq!(
            server_fault(1290, "running with the --read-only option"),
            (StorageFault::ReadOnly, Recovery::GiveUp)
        );
        assert_eq!(server_fault(1114, "The table is full"), (StorageFault::Full, Recovery::GiveUp));
        assert_eq!(server_fault(1927, "Connection was killed"), (StorageFault::Unavailable, Recovery::Reconnect));
        assert_eq!(
            server_fault(1047, "WSREP has not yet prepared node"),
            (StorageFault::Unavailable, Recovery::GiveUp)
        );
        assert_eq!(server_fault(1064, "syntax"), (StorageFault::Other, Recovery::GiveUp));
        let lost = failure(mysql::Error::IoError(std::io::Error::from(std::io::ErrorKind::ConnectionReset)));
        assert_eq!((lost.error.fault(), lost.recovery), (Some(StorageFault::Unavailable), Recovery::Reconnect));
    }
}
