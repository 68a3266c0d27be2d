//! `cashback`: the PHP extension of the cashback ledger shared by 1C:Retail
//! registers and a 1C-Bitrix shop.
//!
//! This crate is the ext-php-rs binding only: it registers the classes, reads
//! the `cashback.*` ini settings and converts values. The ledger itself is
//! `cashback-core` (the domain) over a store: `cashback-sqlite` (a file, the
//! default) or `cashback-mysql` (a `mysql://` URL); see docs/architecture.md.
//!
//! - [`ledger`]: the `CashbackLedger` class;
//! - [`errors`]: `CashbackException`, the one place ledger errors become PHP exceptions;
//! - [`convert`]: PHP arrays in (transactions read in place), [`results`]: typed results out;
//! - [`ini`]: the settings, with their defaults from the core;
//! - [`sensitive`]: `#[\SensitiveParameter]` on the parameters that carry a database password.

mod convert;
mod errors;
mod ini;
mod ledger;
mod results;
mod sensitive;

use ext_php_rs::{
    info_table_end, info_table_row, info_table_start,
    prelude::*,
    zend::{IniEntryDef, ModuleEntry},
};

/// Version of the extension (Cargo package version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Commit the extension was built from.
pub const GIT_COMMIT: &str = env!("CASHBACK_GIT_COMMIT");

unsafe extern "C" {
    fn display_ini_entries(module: *mut ModuleEntry);
}

/// Module startup: ini entries and the exception class (which must exist before the ledger class uses it).
fn startup(_type: i32, module_number: i32) -> i32 {
    IniEntryDef::register(ini::entries(), module_number);
    match errors::register_exception() {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

/// Request startup: the password-carrying parameters get `#[\SensitiveParameter]` (once per process).
extern "C" fn request_startup(_type: i32, _module_number: i32) -> i32 {
    sensitive::mark_parameters();
    0
}

/// Module shutdown (a worker's last request served): writes the queued read rows of the sync log,
/// then ends the process's MariaDB/MySQL sessions.
extern "C" fn shutdown(_type: i32, _module_number: i32) -> i32 {
    cashback_core::logqueue::flush_all();
    cashback_mysql::connection::close_all();
    0
}

/// `php --ri cashback`: version, build and settings.
extern "C" fn info(module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("cashback ledger", "enabled");
    info_table_row!("version", VERSION);
    info_table_row!("commit", GIT_COMMIT);
    info_table_row!("schema version", cashback_sqlite::schema_version().to_string());
    info_table_row!("mysql schema version", cashback_mysql::schema_version().to_string());
    info_table_row!("sqlite", cashback_sqlite::sqlite_version());
    info_table_end!();
    // SAFETY: called by the engine while printing module info, with its own module entry.
    unsafe { display_ini_entries(module) };
}

#[php_module]
#[php(startup = "startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .name("cashback")
        .version(VERSION)
        .info_function(info)
        .shutdown_function(shutdown)
        .request_startup_function(request_startup)
        .class::<ledger::CashbackLedger>()
}
