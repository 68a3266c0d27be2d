//! The conformance suite: what every [`Store`] adapter must do, as tests that
//! run against any of them. An adapter's crate plugs itself in with
//! [`conformance_tests!`] and a [`Harness`] that makes empty databases:
//!
//! ```ignore
//! cashback_conformance::conformance_tests!(MyHarness::new());
//! ```
//!
//! - [`scenarios`]: the ledger's rules, scenario by scenario (the brief's
//!   conflict, resends, phones, releases, reversals, batches, verify, history,
//!   keys, stores, the sync log);
//! - [`model`]: random operation sequences checked against an in-memory model;
//! - [`big_batch`]: a 10,000-item batch whose every outcome is checked;
//! - [`copying`]: a whole ledger copied into another database, and checked;
//! - [`support`]: building requests as JSON and reading typed results.

pub mod big_batch;
pub mod copying;
pub mod model;
pub mod scenarios;
pub mod support;

use cashback_core::{config::Config, ledger::Ledger, store::Store};

/// An adapter under test: makes empty databases.
pub trait Harness {
    /// A new, empty ledger database.
    fn database(&self) -> Box<dyn Database>;
}

/// One database of the adapter under test.
pub trait Database {
    /// A store on this database, opened as another process or web node would.
    fn store(&self) -> Box<dyn Store>;

    /// Changes the database behind the ledger's back, as damage or an intruder
    /// would; returns the id of a forged entry (0 for other changes).
    fn tamper(&self, change: Tamper) -> i64;
}

impl dyn Database + '_ {
    /// A ledger on this database.
    pub fn ledger(&self, config: Config) -> Ledger {
        Ledger::new(self.store(), config)
    }
}

/// Damage the ledger never does itself, for `verify()` to find.
#[derive(Debug, Clone, Copy)]
pub enum Tamper {
    /// Adds `amount` to a user's cached balance.
    AddToBalance { user_id: i64, amount: i64 },
    /// Inserts a debit entry without checking the balance, and takes it from the cached balance.
    ForgeDebit { user_id: i64, amount: i64 },
    /// Deletes a user's cached balance.
    DropAccount { user_id: i64 },
}

/// Declares one `#[test]` per conformance test, each run against `$harness`.
#[macro_export]
macro_rules! conformance_tests {
    ($harness:expr) => {
        $crate::conformance_tests!(@each $harness;
            offline_debit_after_online_redemption_is_refused_and_writes_nothing,
            resends_are_duplicates_and_changed_resends_are_conflicts,
            a_duplicate_is_judged_before_the_balance_and_the_user,
            phones_resolve_to_one_owner_or_are_refused,
            phone_links_keep_verified_flags_and_replace_whole,
            a_ledgers_region_reads_local_numbers,
            releases_are_capped_by_their_debit_and_checked,
            reversals_are_capped_by_their_accrual_and_may_go_negative,
            batch_items_are_decided_in_order_and_see_each_other,
            a_bad_item_does_not_affect_its_neighbours,
            a_batch_over_the_limit_is_refused_whole,
            a_batch_with_a_context_logs_every_item_in_its_commit,
            verify_finds_a_tampered_balance_and_an_overdraft,
            history_pages_newest_first,
            a_second_store_on_the_same_database_sees_every_commit,
            sync_log_rows_are_filtered_paged_and_pruned,
            stores_are_watched_for_silence,
            api_keys_authenticate_from_their_networks_and_failures_are_throttled,
            api_writes_name_only_their_keys_store_and_refusals_register_nothing,
            health_reports_the_schema_and_the_entries,
            a_ten_thousand_item_batch_decides_every_item,
            the_model_on_a_known_sequence,
            the_ledger_agrees_with_the_model,
            a_copied_ledger_holds_every_row_and_goes_on_where_its_source_stopped,
        );
    };
    (@each $harness:expr; $($name:ident,)+) => {
        $(
            #[test]
            fn $name() {
                $crate::scenarios::$name(&$harness);
            }
        )+
    };
}
