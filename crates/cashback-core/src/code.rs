//! The one vocabulary of the ledger: every status and error code, numbered,
//! with its HTTP status, whether a retry later can succeed, and where it is used.
//!
//! Everything else that names codes is generated from this table or checked
//! against it: the PHP binding exposes it as `CashbackLedger::codes()` (the
//! API's HTTP statuses and the admin pages' status filters are built from
//! that), and tests compare the PHP stub, the OpenAPI contract and the lang
//! files with it. Numbers are stable: a code keeps its number forever, new
//! codes take new numbers.

/// Whether a caller should try the same request again later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The outcome stands: retrying the same request gives the same answer.
    Final,
    /// A passing fault (a busy, full or unreachable database): retry later (HTTP 503 with Retry-After).
    Transient,
}

/// Where a code appears (a code may appear in several places).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uses(u8);

impl Uses {
    /// The `status` of one transaction's result.
    pub const ITEM_STATUS: Uses = Uses(1);
    /// The `status` of a sync-log row.
    pub const LOG_STATUS: Uses = Uses(2);
    /// Why one transaction was refused (the `error` of its result).
    pub const ITEM_ERROR: Uses = Uses(4);
    /// Why a call into the ledger failed as a whole (`CashbackException::getErrorCode()`).
    pub const CALL_ERROR: Uses = Uses(8);
    /// An error the HTTP API answers by itself, before or around the ledger.
    pub const API_ERROR: Uses = Uses(16);

    /// Every use with its name, as `CashbackLedger::codes()` lists them.
    pub const NAMED: [(Uses, &'static str); 5] = [
        (Uses::ITEM_STATUS, "item_status"),
        (Uses::LOG_STATUS, "log_status"),
        (Uses::ITEM_ERROR, "item_error"),
        (Uses::CALL_ERROR, "call_error"),
        (Uses::API_ERROR, "api_error"),
    ];

    /// Whether every use of `other` is among these.
    pub const fn contains(self, other: Uses) -> bool {
        self.0 & other.0 == other.0
    }

    const fn with(self, other: Uses) -> Uses {
        Uses(self.0 | other.0)
    }

    /// The names of these uses.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMED.into_iter().filter(move |(uses, _)| self.contains(*uses)).map(|(_, name)| name)
    }
}

/// Declares [`Code`] from one table: `number Variant "name" http retry [uses] "meaning";`.
macro_rules! vocabulary {
    ($($number:literal $variant:ident $name:literal $http:tt $retry:ident [$($uses:ident)|+] $doc:literal;)+) => {
        /// Every status and error code of the ledger and its API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum Code {
            $(#[doc = $doc] $variant = $number,)+
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The stable wire name (`insufficient_balance`).
            pub const fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)+ }
            }

            /// The HTTP status an API answers with this code; `None` for a status that is no answer by itself.
            pub const fn http_status(self) -> Option<u16> {
                match self { $(Code::$variant => vocabulary!(@http $http),)+ }
            }

            /// Whether retrying later can succeed.
            pub const fn retry(self) -> Retry {
                match self { $(Code::$variant => Retry::$retry,)+ }
            }

            /// Where the code appears.
            pub const fn uses(self) -> Uses {
                match self { $(Code::$variant => Uses(0)$(.with(Uses::$uses))+,)+ }
            }

            /// What the code means, for documentation.
            pub const fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $doc,)+ }
            }
        }
    };
    (@http none) => { None };
    (@http $status:literal) => { Some($status) };
}

vocabulary! {
    // Statuses of a transaction's result and of sync-log rows.
    1 Success "success" 200 Final [ITEM_STATUS | LOG_STATUS] "Applied now (for a read: answered).";
    2 Duplicate "duplicate" 200 Final [ITEM_STATUS | LOG_STATUS] "Accepted before with the same values; nothing changed.";
    3 Error "error" none Final [ITEM_STATUS | LOG_STATUS] "Refused or failed; the `error` field holds the code.";
    4 Forbidden "forbidden" 403 Final [LOG_STATUS] "A valid key used from a network it is not allowed from.";
    5 Throttled "throttled" 429 Final [LOG_STATUS] "An address refused after too many failed authentications.";
    6 Unauthorized "unauthorized" 401 Final [LOG_STATUS | API_ERROR] "A missing, unknown or revoked API key.";

    // Refusals of one transaction: an ordinary result, the batch goes on.
    10 ValidationFailed "validation_failed" 400 Final [ITEM_ERROR] "A field is missing or malformed; `field` names it.";
    11 InvalidPhone "invalid_phone" 400 Final [ITEM_ERROR | CALL_ERROR] "Not a valid phone number for its country.";
    12 UserNotFound "user_not_found" 404 Final [ITEM_ERROR | CALL_ERROR] "No user has this phone.";
    13 PhoneAmbiguous "phone_ambiguous" 409 Final [ITEM_ERROR | CALL_ERROR] "Several users share the phone and none is its single verified owner.";
    14 ExternalIdConflict "external_id_conflict" 409 Final [ITEM_ERROR] "The external_id was accepted before with other values; `fields` names them.";
    15 InsufficientBalance "insufficient_balance" 422 Final [ITEM_ERROR] "A debit larger than the balance.";
    16 OriginalNotFound "original_not_found" 422 Final [ITEM_ERROR] "original_external_id names no accepted transaction.";
    17 OriginalTypeMismatch "original_type_mismatch" 422 Final [ITEM_ERROR] "The original is not a debit (release) or not a positive accrual (reversal).";
    18 OriginalUserMismatch "original_user_mismatch" 422 Final [ITEM_ERROR] "The original belongs to another user.";
    19 ExceedsOriginal "exceeds_original" 422 Final [ITEM_ERROR] "More than what remains of the original; `remaining` says how much does.";
    20 BalanceOverflow "balance_overflow" 422 Final [ITEM_ERROR] "The balance would exceed 9,999,999,999,999.99 in magnitude, beyond what a JSON number carries exactly.";
    21 StoreNotAllowed "store_not_allowed" 403 Final [ITEM_ERROR] "The API key is bound to another store than the item's store_id.";
    22 UnknownStore "unknown_store" 422 Final [ITEM_ERROR] "The store_id names no registered store (and auto-registration is off).";

    // Failures of a call as a whole (CashbackException); nothing was written.
    30 InvalidArgument "invalid_argument" 400 Final [CALL_ERROR] "An argument has the wrong shape or type.";
    31 InvalidUserId "invalid_user_id" 400 Final [CALL_ERROR] "A user id that is not positive.";
    32 InvalidOption "invalid_option" 500 Final [CALL_ERROR] "An unknown or malformed ledger option or ini setting (the host's configuration).";
    33 InvalidPath "invalid_path" 500 Final [CALL_ERROR] "No database was named (the host's configuration).";
    34 InvalidLogEntry "invalid_log_entry" 400 Final [CALL_ERROR] "A sync-log row with a malformed field.";
    35 InvalidStore "invalid_store" 400 Final [CALL_ERROR] "A malformed store id or silence threshold.";
    36 InvalidDays "invalid_days" 400 Final [CALL_ERROR] "A negative number of days.";
    37 InvalidHours "invalid_hours" 400 Final [CALL_ERROR] "A number of hours that is not positive.";
    38 InvalidKeyName "invalid_key_name" 400 Final [CALL_ERROR] "A malformed API key name.";
    39 InvalidNetwork "invalid_network" 400 Final [CALL_ERROR] "Not an IP address or CIDR block.";
    40 InvalidRegion "invalid_region" 400 Final [CALL_ERROR] "Not a region (ISO 3166 country code) with phone numbering metadata.";
    41 NotFound "not_found" 404 Final [CALL_ERROR | API_ERROR] "No such API key (ledger) or endpoint (API).";
    42 BatchTooLarge "batch_too_large" 413 Final [CALL_ERROR | API_ERROR] "More transactions than max_batch.";
    43 RandomUnavailable "random_unavailable" 500 Final [CALL_ERROR] "The operating system gave no random bytes for a key.";

    // Errors the HTTP API answers by itself.
    60 InvalidJson "invalid_json" 400 Final [API_ERROR] "The body is not JSON.";
    61 ForbiddenNetwork "forbidden_network" 403 Final [API_ERROR] "The API key may not be used from this address.";
    62 MethodNotAllowed "method_not_allowed" 405 Final [API_ERROR] "The endpoint does not take this method.";
    63 PayloadTooLarge "payload_too_large" 413 Final [API_ERROR] "The body is larger than max_body_bytes.";
    64 TooManyRequests "too_many_requests" 429 Final [API_ERROR] "Too many failed authentications from this address; retry after Retry-After.";
    65 InternalError "internal_error" 500 Final [API_ERROR] "A bug; the details are in the server log.";
    66 ServiceUnavailable "service_unavailable" 503 Transient [API_ERROR] "No PHP worker could answer (nginx); retry later.";
    67 ConfigInvalid "config_invalid" 503 Transient [API_ERROR] "The host's settings file is missing, not PHP or malformed, or its database setting or ledger options are unusable; the details are in the server log.";
    68 BadRequest "bad_request" 400 Final [API_ERROR] "nginx could not read the request line or a header.";
    69 UriTooLong "uri_too_long" 414 Final [API_ERROR] "The request line is longer than nginx accepts.";

    // Database faults: nothing of the call was written (but for 87, which says it does not know); retry later.
    80 DatabaseBusy "database_busy" 503 Transient [CALL_ERROR] "Another writer held the database longer than the busy timeout.";
    81 DatabaseReadonly "database_readonly" 503 Transient [CALL_ERROR] "The database or its directory cannot be written.";
    82 DatabaseFull "database_full" 503 Transient [CALL_ERROR] "The disk or the database size limit is full.";
    83 DatabaseCorrupt "database_corrupt" 503 Transient [CALL_ERROR] "The database file is damaged or not a database.";
    84 DatabaseUnavailable "database_unavailable" 503 Transient [CALL_ERROR] "The database cannot be opened (missing, moved, no permission).";
    85 DatabaseError "database_error" 503 Transient [CALL_ERROR] "Any other database failure.";
    86 SchemaTooNew "schema_too_new" 503 Transient [CALL_ERROR] "The database was written by a newer extension; upgrade this one.";
    87 DatabaseOutcomeUnknown "database_outcome_unknown" 503 Transient [CALL_ERROR] "The connection to the database server was lost at COMMIT: the write may have landed or not; resend it (a resend never applies twice).";
}

impl Code {
    /// The code with this wire name.
    pub fn from_name(name: &str) -> Option<Code> {
        Self::ALL.iter().copied().find(|code| code.name() == name)
    }

    /// Every code with all of `uses`.
    pub fn with_uses(uses: Uses) -> impl Iterator<Item = Code> {
        Self::ALL.iter().copied().filter(move |code| code.uses().contains(uses))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_are_unique_and_names_are_snake_case() {
        let mut numbers: Vec<u16> = Code::ALL.iter().map(|code| *code as u16).collect();
        numbers.dedup();
        assert_eq!(numbers.len(), Code::ALL.len(), "ALL is in numeric order without repeats");
        assert!(numbers.windows(2).all(|pair| pair[0] < pair[1]));
        for code in Code::ALL {
            assert!(code.name().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
            assert_eq!(Code::from_name(code.name()), Some(*code));
            assert!(code.uses().names().next().is_some(), "{code} is used somewhere");
        }
    }

    #[test]
    fn a_transient_code_is_exactly_a_503() {
        for code in Code::ALL {
            assert_eq!(code.retry() == Retry::Transient, code.http_status() == Some(503), "{code}");
        }
    }

    #[test]
    fn every_error_has_an_http_status() {
        for uses in [Uses::ITEM_ERROR, Uses::CALL_ERROR, Uses::API_ERROR] {
            for code in Code::with_uses(uses) {
                assert!(code.http_status().is_some_and(|status| status >= 400), "{code}");
            }
        }
    }
}
