//! The ext-php-rs binding: module registration, ini settings, `phpinfo()`.
//!
//! One file per PHP class ([`ledger`] → `CashbackLedger`, [`errors`] →
//! `CashbackException`); [`convert`] maps PHP arrays to and from JSON values.

mod convert;
mod errors;
mod ini;
mod ledger;

use ext_php_rs::{
    info_table_end, info_table_row, info_table_start,
    prelude::*,
    zend::{IniEntryDef, ModuleEntry},
};

use crate::core;

unsafe extern "C" {
    fn display_ini_entries(module: *mut ModuleEntry);
}

/// Module startup: ini entries and the exception class (which must exist before the ledger class uses it).
pub fn startup(_type: i32, module_number: i32) -> i32 {
    IniEntryDef::register(ini::ENTRIES.as_slice(), module_number);
    match errors::register_exception() {
        Ok(()) => 0,
        Err(_) => -1,
    }
}

/// Module shutdown (a worker's last request served): writes the queued read rows of the sync log.
pub extern "C" fn shutdown(_type: i32, _module_number: i32) -> i32 {
    core::readlog::flush_all();
    0
}

/// `php --ri cashback`: version, build and settings.
pub extern "C" fn info(module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("cashback ledger", "enabled");
    info_table_row!("version", core::VERSION);
    info_table_row!("commit", core::GIT_COMMIT);
    info_table_row!("schema version", core::db::schema_version().to_string());
    info_table_row!("sqlite", rusqlite::version());
    info_table_end!();
    // SAFETY: called by the engine while printing module info, with its own module entry.
    unsafe { display_ini_entries(module) };
}

#[php_module]
#[php(startup = "startup")]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .name("cashback")
        .version(core::VERSION)
        .info_function(info)
        .shutdown_function(shutdown)
        .class::<ledger::CashbackLedger>()
}
