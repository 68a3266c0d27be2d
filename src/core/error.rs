//! Errors of the ledger core.
//!
//! Two families, kept apart on purpose:
//! - [`LedgerError`]: the call itself failed (bad argument, database fault). The
//!   PHP binding turns it into a `CashbackException` carrying [`LedgerError::code`].
//! - [`TxError`]: one transaction was refused for a business reason. It is an
//!   ordinary result (`status: error`), so a batch goes on with the next item.

use thiserror::Error;

/// Result alias of the core.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

/// Why a database operation failed, as far as the caller can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    /// Another process holds the write lock longer than the busy timeout.
    Busy,
    /// The file or its directory is not writable.
    ReadOnly,
    /// The disk or the database size limit is full.
    Full,
    /// The file is not a database or is damaged.
    Corrupt,
    /// The file cannot be opened at all.
    CantOpen,
    /// Any other SQLite or I/O failure.
    Other,
}

impl StorageFault {
    /// Stable error code of the fault.
    pub fn code(self) -> &'static str {
        match self {
            Self::Busy => "database_busy",
            Self::ReadOnly => "database_readonly",
            Self::Full => "database_full",
            Self::Corrupt => "database_corrupt",
            Self::CantOpen => "database_unavailable",
            Self::Other => "database_error",
        }
    }

    /// Whether retrying later can succeed without an operator (the HTTP layer answers 503).
    pub fn is_transient(self) -> bool {
        !matches!(self, Self::Other)
    }
}

/// A failed call into the ledger.
#[derive(Debug, Error)]
pub enum LedgerError {
    /// A database fault; nothing of the call was written.
    #[error("{}: {message}", fault.code())]
    Storage { fault: StorageFault, message: String },
    /// The database was written by a newer version of the extension.
    #[error("schema_too_new: database schema version {found} is newer than the {supported} this extension supports")]
    SchemaTooNew { found: u32, supported: u32 },
    /// An argument is invalid; `code` is stable, `message` explains.
    #[error("{code}: {message}")]
    Invalid { code: &'static str, message: String },
    /// A lookup found nothing or several candidates (`user_not_found`, `phone_ambiguous`, `not_found`).
    #[error("{code}: {message}")]
    Lookup { code: &'static str, message: String },
}

impl LedgerError {
    /// Stable, machine-readable code of the error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Storage { fault, .. } => fault.code(),
            Self::SchemaTooNew { .. } => "schema_too_new",
            Self::Invalid { code, .. } | Self::Lookup { code, .. } => code,
        }
    }

    /// The human-readable explanation, without the code.
    pub fn message(&self) -> String {
        match self {
            Self::Storage { message, .. } | Self::Invalid { message, .. } | Self::Lookup { message, .. } => {
                message.clone()
            }
            Self::SchemaTooNew { found, supported } => {
                format!(
                    "database schema version {found} is newer than the {supported} this extension supports; upgrade the extension"
                )
            }
        }
    }

    /// Shorthand for an invalid-argument error.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { code, message: message.into() }
    }

    /// Shorthand for a failed lookup.
    pub fn lookup(code: &'static str, message: impl Into<String>) -> Self {
        Self::Lookup { code, message: message.into() }
    }
}

impl From<rusqlite::Error> for LedgerError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        let fault = match error.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => StorageFault::Busy,
            Some(C::ReadOnly) => StorageFault::ReadOnly,
            Some(C::DiskFull) => StorageFault::Full,
            Some(C::DatabaseCorrupt | C::NotADatabase) => StorageFault::Corrupt,
            Some(C::CannotOpen | C::PermissionDenied) => StorageFault::CantOpen,
            _ => StorageFault::Other,
        };
        Self::Storage { fault, message: error.to_string() }
    }
}

/// Why one transaction was refused. Nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TxError {
    /// A field is missing or malformed.
    #[error("validation_failed: {field}: {message}")]
    Validation { field: &'static str, message: String },
    /// `user_phone` is not a phone number.
    #[error("invalid_phone")]
    InvalidPhone,
    /// No user has this phone.
    #[error("user_not_found")]
    UserNotFound,
    /// Several users share this phone and none is the single verified owner.
    #[error("phone_ambiguous")]
    PhoneAmbiguous,
    /// A debit larger than the balance.
    #[error("insufficient_balance")]
    InsufficientBalance { balance: i64 },
    /// The same external_id was accepted with other values.
    #[error("external_id_conflict")]
    ExternalIdConflict { fields: Vec<&'static str> },
    /// `original_external_id` names no accepted transaction.
    #[error("original_not_found")]
    OriginalNotFound,
    /// The original is not a debit (release) or not a positive accrual (reversal).
    #[error("original_type_mismatch")]
    OriginalTypeMismatch,
    /// The original belongs to another user.
    #[error("original_user_mismatch")]
    OriginalUserMismatch,
    /// More than what remains of the original.
    #[error("exceeds_original")]
    ExceedsOriginal { remaining: i64 },
    /// The balance would leave the i64 range.
    #[error("balance_overflow")]
    BalanceOverflow,
}

impl TxError {
    /// Stable error code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "validation_failed",
            Self::InvalidPhone => "invalid_phone",
            Self::UserNotFound => "user_not_found",
            Self::PhoneAmbiguous => "phone_ambiguous",
            Self::InsufficientBalance { .. } => "insufficient_balance",
            Self::ExternalIdConflict { .. } => "external_id_conflict",
            Self::OriginalNotFound => "original_not_found",
            Self::OriginalTypeMismatch => "original_type_mismatch",
            Self::OriginalUserMismatch => "original_user_mismatch",
            Self::ExceedsOriginal { .. } => "exceeds_original",
            Self::BalanceOverflow => "balance_overflow",
        }
    }

    /// Shorthand for a validation error of one field.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation { field, message: message.into() }
    }
}
