//! Errors of the ledger.
//!
//! Two families, kept apart on purpose:
//! - [`LedgerError`]: the call itself failed (bad argument, database fault). The
//!   PHP binding turns it into a `CashbackException` carrying its [`Code`].
//! - [`TxError`]: one transaction was refused for a business reason. It is an
//!   ordinary result (`status: error`), so a batch goes on with the next item.

use thiserror::Error;

use crate::code::Code;

/// Result alias of the ledger.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

/// Why a storage operation failed, as far as the caller can act on it. Every
/// adapter maps its own errors onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageFault {
    /// Another writer holds the database longer than the adapter waits.
    Busy,
    /// The database is not writable.
    ReadOnly,
    /// The disk or the database size limit is full.
    Full,
    /// The database is damaged.
    Corrupt,
    /// The database cannot be opened or reached at all.
    Unavailable,
    /// The connection was lost at COMMIT: the write may have landed or not.
    OutcomeUnknown,
    /// Any other storage failure.
    Other,
}

impl StorageFault {
    /// The code of the fault.
    pub const fn code(self) -> Code {
        match self {
            Self::Busy => Code::DatabaseBusy,
            Self::ReadOnly => Code::DatabaseReadonly,
            Self::Full => Code::DatabaseFull,
            Self::Corrupt => Code::DatabaseCorrupt,
            Self::Unavailable => Code::DatabaseUnavailable,
            Self::OutcomeUnknown => Code::DatabaseOutcomeUnknown,
            Self::Other => Code::DatabaseError,
        }
    }
}

/// A failed call into the ledger.
#[derive(Debug, Error)]
pub enum LedgerError {
    /// A storage fault; nothing of the call was written.
    #[error("{}: {message}", fault.code())]
    Storage { fault: StorageFault, message: String },
    /// The database was written by a newer version of the extension.
    #[error("{}: {}", Code::SchemaTooNew, schema_too_new_message(*found, *supported))]
    SchemaTooNew { found: u32, supported: u32 },
    /// An argument is invalid, or a lookup found nothing or several candidates.
    #[error("{code}: {message}")]
    Refused { code: Code, message: String },
}

fn schema_too_new_message(found: u32, supported: u32) -> String {
    format!(
        "database schema version {found} is newer than the {supported} this extension supports; upgrade the extension"
    )
}

impl LedgerError {
    /// The code of the error.
    pub fn code(&self) -> Code {
        match self {
            Self::Storage { fault, .. } => fault.code(),
            Self::SchemaTooNew { .. } => Code::SchemaTooNew,
            Self::Refused { code, .. } => *code,
        }
    }

    /// The human-readable explanation, without the code.
    pub fn message(&self) -> String {
        match self {
            Self::Storage { message, .. } | Self::Refused { message, .. } => message.clone(),
            Self::SchemaTooNew { found, supported } => schema_too_new_message(*found, *supported),
        }
    }

    /// A refusal of the call with `code`.
    pub fn refused(code: Code, message: impl Into<String>) -> Self {
        debug_assert!(code.uses().contains(crate::code::Uses::CALL_ERROR), "{code} is not a call error");
        Self::Refused { code, message: message.into() }
    }

    /// A storage fault.
    pub fn storage(fault: StorageFault, message: impl Into<String>) -> Self {
        Self::Storage { fault, message: message.into() }
    }

    /// The storage fault, if this is one.
    pub fn fault(&self) -> Option<StorageFault> {
        match self {
            Self::Storage { fault, .. } => Some(*fault),
            _ => None,
        }
    }
}

/// Why one transaction was refused. Nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TxError {
    /// A field is missing or malformed.
    #[error("validation_failed: {field}: {message}")]
    Validation { field: &'static str, message: String },
    /// `user_phone` is not a valid phone number.
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
    /// The balance would leave the range every figure is exact in.
    #[error("balance_overflow")]
    BalanceOverflow,
    /// The caller's key is bound to another store.
    #[error("store_not_allowed")]
    StoreNotAllowed,
    /// The store_id names no registered store.
    #[error("unknown_store")]
    UnknownStore,
}

impl TxError {
    /// The code of the refusal.
    pub fn code(&self) -> Code {
        match self {
            Self::Validation { .. } => Code::ValidationFailed,
            Self::InvalidPhone => Code::InvalidPhone,
            Self::UserNotFound => Code::UserNotFound,
            Self::PhoneAmbiguous => Code::PhoneAmbiguous,
            Self::InsufficientBalance { .. } => Code::InsufficientBalance,
            Self::ExternalIdConflict { .. } => Code::ExternalIdConflict,
            Self::OriginalNotFound => Code::OriginalNotFound,
            Self::OriginalTypeMismatch => Code::OriginalTypeMismatch,
            Self::OriginalUserMismatch => Code::OriginalUserMismatch,
            Self::ExceedsOriginal { .. } => Code::ExceedsOriginal,
            Self::BalanceOverflow => Code::BalanceOverflow,
            Self::StoreNotAllowed => Code::StoreNotAllowed,
            Self::UnknownStore => Code::UnknownStore,
        }
    }

    /// Shorthand for a validation error of one field.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::Validation { field, message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Uses;

    #[test]
    fn every_refusal_and_fault_has_a_code_of_its_kind() {
        let refusals = [
            TxError::field("amount", "x"),
            TxError::InvalidPhone,
            TxError::UserNotFound,
            TxError::PhoneAmbiguous,
            TxError::ExternalIdConflict { fields: vec![] },
            TxError::InsufficientBalance { balance: 0 },
            TxError::OriginalNotFound,
            TxError::OriginalTypeMismatch,
            TxError::OriginalUserMismatch,
            TxError::ExceedsOriginal { remaining: 0 },
            TxError::BalanceOverflow,
            TxError::StoreNotAllowed,
            TxError::UnknownStore,
        ];
        let item_errors: Vec<Code> = Code::with_uses(Uses::ITEM_ERROR).collect();
        assert_eq!(refusals.iter().map(TxError::code).collect::<Vec<_>>(), item_errors);
        for refusal in &refusals {
            assert!(refusal.to_string().starts_with(refusal.code().name()));
        }
        let faults = [
            StorageFault::Busy,
            StorageFault::ReadOnly,
            StorageFault::Full,
            StorageFault::Corrupt,
            StorageFault::Unavailable,
            StorageFault::Other,
        ];
        for fault in faults {
            assert_eq!(fault.code().retry(), crate::code::Retry::Transient);
            assert!(fault.code().uses().contains(Uses::CALL_ERROR));
        }
    }
}
