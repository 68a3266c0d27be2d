//! The cashback ledger's domain: validation of what 1C and the shop send, the
//! decision engine, the ledger's invariants, and the one vocabulary of codes.
//!
//! No storage, no PHP, no I/O: the engine decides on a snapshot that a
//! [`Store`](store::Store) adapter loads, and returns what to write. Layers,
//! from the outside in:
//! - [`ledger`]: the [`Ledger`](ledger::Ledger) service every caller uses;
//! - [`engine`]: a batch's keys, its snapshot, and the decisions with their write plan;
//! - [`store`]: the storage port adapters implement;
//! - [`wire`] (request bodies), [`tx`] (reading through [`raw`]), [`money`], [`phone`], [`time`]: validation of incoming fields;
//! - [`phones`], [`keys`], [`synclog`], [`verify`]: the policies of the other tables;
//! - [`copy`]: a whole ledger copied from one store to another, and compared;
//! - [`logqueue`]: sync-log rows of reads and refusal counts, queued in the process for any store;
//! - [`code`], [`error`], [`config`]: the vocabulary, the errors, the settings and their defaults.

pub mod code;
pub mod config;
pub mod copy;
pub mod engine;
pub mod error;
pub mod keys;
pub mod ledger;
pub mod logqueue;
pub mod money;
pub mod phone;
pub mod phones;
pub mod raw;
pub mod store;
pub mod synclog;
pub mod time;
pub mod tx;
pub mod verify;
pub mod wire;
