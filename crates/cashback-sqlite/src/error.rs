//! SQLite's errors as the ledger's storage faults.

use cashback_core::error::{LedgerError, Result, StorageFault};

/// A rusqlite error on its way to a [`LedgerError`].
#[derive(Debug)]
pub struct Sql(pub rusqlite::Error);

impl From<rusqlite::Error> for Sql {
    fn from(error: rusqlite::Error) -> Self {
        Self(error)
    }
}

impl From<Sql> for LedgerError {
    fn from(Sql(error): Sql) -> Self {
        use rusqlite::ErrorCode as C;
        let fault = match error.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => StorageFault::Busy,
            Some(C::ReadOnly) => StorageFault::ReadOnly,
            Some(C::DiskFull) => StorageFault::Full,
            Some(C::DatabaseCorrupt | C::NotADatabase) => StorageFault::Corrupt,
            Some(C::CannotOpen | C::PermissionDenied) => StorageFault::Unavailable,
            _ => StorageFault::Other,
        };
        LedgerError::storage(fault, error.to_string())
    }
}

/// A rusqlite result as the ledger's.
pub fn sql<T>(result: rusqlite::Result<T>) -> Result<T> {
    result.map_err(|error| Sql(error).into())
}

/// A failure of the adapter itself, not of a statement.
pub fn database_error(message: impl Into<String>) -> LedgerError {
    LedgerError::storage(StorageFault::Other, message)
}
