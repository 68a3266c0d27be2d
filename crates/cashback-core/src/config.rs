//! Settings of a ledger and their defaults, written once: the PHP binding's
//! ini defaults and `CashbackLedger::defaults()` are built from these.

use std::time::Duration;

use crate::{
    phone::{self, Region},
    time::{self, Zone},
};

/// Zone of offset-less timestamps and of rendered times.
pub const DEFAULT_TIMEZONE: &str = time::MOSCOW;
/// Region of phones written without a country code.
pub const DEFAULT_REGION: &str = phone::RUSSIA;
/// Largest batch accepted.
pub const DEFAULT_MAX_BATCH: usize = 10_000;
/// How long a write waits for other writers, in milliseconds.
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5_000;
/// Failed authentications per address and window before the address is throttled.
pub const DEFAULT_AUTH_MAX_FAILURES: i64 = 10;
/// Whether a write through the API may name a store nobody registered (and so register it).
pub const DEFAULT_AUTO_REGISTER_STORES: bool = false;
/// Largest page of a user's history.
pub const MAX_HISTORY_PAGE: usize = 500;
/// Largest page of the sync log.
pub const MAX_LOG_PAGE: usize = 1_000;

/// Settings of a ledger instance.
#[derive(Debug, Clone)]
pub struct Config {
    /// Zone of offset-less timestamps and of rendered times.
    pub zone: Zone,
    /// Region of phones written without a country code.
    pub region: Region,
    /// Largest batch accepted.
    pub max_batch: usize,
    /// Failed authentications per address and window before it is throttled (0: never).
    pub auth_max_failures: i64,
    /// Whether an API write may name an unregistered store, registering it when applied.
    pub auto_register_stores: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            zone: Zone::moscow(),
            region: Region::russia(),
            max_batch: DEFAULT_MAX_BATCH,
            auth_max_failures: DEFAULT_AUTH_MAX_FAILURES,
            auto_register_stores: DEFAULT_AUTO_REGISTER_STORES,
        }
    }
}

/// The default busy timeout.
pub fn default_busy_timeout() -> Duration {
    Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS)
}
