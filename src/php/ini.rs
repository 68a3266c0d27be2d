//! The `cashback.*` ini settings: registered at startup, read per call.

use std::ffi::{CStr, c_char, c_int};

use ext_php_rs::{
    flags::IniEntryPermission,
    zend::{IniEntryDef, IniEntryDefs},
};

/// Setting names and defaults, as `php --ri cashback` shows them.
pub static ENTRIES: IniEntryDefs<5> = IniEntryDefs::new([
    IniEntryDef::new(c"cashback.database", c"", IniEntryPermission::All),
    IniEntryDef::new(c"cashback.timezone", c"Europe/Moscow", IniEntryPermission::All),
    IniEntryDef::new(c"cashback.busy_timeout_ms", c"5000", IniEntryPermission::All),
    IniEntryDef::new(c"cashback.max_batch", c"10000", IniEntryPermission::All),
    IniEntryDef::end(),
]);

unsafe extern "C" {
    fn zend_ini_string_ex(name: *const c_char, name_length: usize, orig: c_int, exists: *mut bool) -> *mut c_char;
}

fn get(name: &CStr) -> String {
    let mut exists = false;
    // SAFETY: the name is NUL-terminated; the engine returns a pointer into its own ini table or null.
    let value = unsafe { zend_ini_string_ex(name.as_ptr(), name.to_bytes().len(), 0, &mut exists) };
    if value.is_null() { String::new() } else { unsafe { CStr::from_ptr(value) }.to_string_lossy().into_owned() }
}

/// `cashback.database`: default database path.
pub fn database() -> String {
    get(c"cashback.database")
}

/// `cashback.timezone`: zone of offset-less timestamps.
pub fn timezone() -> String {
    get(c"cashback.timezone")
}

/// `cashback.busy_timeout_ms`: how long a write waits for the lock.
pub fn busy_timeout_ms() -> u64 {
    get(c"cashback.busy_timeout_ms").trim().parse().unwrap_or(5000)
}

/// `cashback.max_batch`: largest accepted batch.
pub fn max_batch() -> usize {
    get(c"cashback.max_batch").trim().parse().ok().filter(|max| *max > 0).unwrap_or(10_000)
}
