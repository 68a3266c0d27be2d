//! The ledger core: pure Rust, no PHP types, unit-tested with `cargo test`.
//!
//! Layout, from the outside in:
//! - [`ledger`]: the [`Ledger`](ledger::Ledger) facade every caller uses;
//! - [`batch`]: the set-wise engine that decides and writes transactions;
//! - [`tx`] (reading through [`raw`]), [`money`], [`phone`], [`time`]: validation of incoming fields;
//! - [`phones`], [`synclog`] (with [`readlog`]), [`keys`] (with [`network`]), [`verify`]: the other tables;
//! - [`db`]: opening, migrations and the per-process connection cache;
//! - [`error`]: the error types and their stable codes.

pub mod batch;
pub mod db;
pub mod error;
pub mod keys;
pub mod ledger;
pub mod money;
pub mod network;
pub mod phone;
pub mod phones;
pub mod raw;
pub mod readlog;
pub mod sha256;
pub mod synclog;
pub mod time;
pub mod tx;
pub mod verify;

/// Version of the extension (Cargo package version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Commit the extension was built from.
pub const GIT_COMMIT: &str = env!("CASHBACK_GIT_COMMIT");
/// Build time, Unix seconds.
pub const BUILD_EPOCH: &str = env!("CASHBACK_BUILD_EPOCH");
