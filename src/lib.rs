//! `cashback`: the cashback ledger shared by 1C:Retail registers and a 1C-Bitrix shop.
//!
//! - [`core`]: the ledger in pure Rust (SQLite through rusqlite), no PHP types.
//! - `php`: the ext-php-rs binding that exposes it as the `CashbackLedger` class.

pub mod core;
mod php;
