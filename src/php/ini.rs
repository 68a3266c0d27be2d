//! The `cashback.*` ini settings: registered at startup, read per call.

use std::ffi::{CStr, c_char, c_int, c_void};

use ext_php_rs::{
    ffi::{zend_ini_entry, zend_string},
    flags::IniEntryPermission,
    types::ZendStr,
    zend::{IniEntryDef, IniEntryDefs},
};

use crate::core::time::Zone;

/// Setting names and defaults, as `php --ri cashback` shows them. Each has a
/// validator, so `ini_set()` refuses a bad value at once (and returns false)
/// instead of the ledger failing later; PHP also needs one for `ini_restore()`.
pub static ENTRIES: IniEntryDefs<6> = IniEntryDefs::new([
    entry(c"cashback.database", c"", accept_any),
    entry(c"cashback.timezone", c"Europe/Moscow", check_timezone),
    entry(c"cashback.busy_timeout_ms", c"5000", check_busy_timeout),
    entry(c"cashback.max_batch", c"10000", check_max_batch),
    entry(c"cashback.auth_max_failures", c"10", check_auth_max_failures),
    IniEntryDef::end(),
]);

type OnModify =
    unsafe extern "C" fn(*mut zend_ini_entry, *mut zend_string, *mut c_void, *mut c_void, *mut c_void, c_int) -> c_int;

const fn entry(name: &'static CStr, default: &'static CStr, on_modify: OnModify) -> IniEntryDef {
    let mut entry = IniEntryDef::new(name, default, IniEntryPermission::All);
    entry.on_modify = Some(on_modify);
    entry
}

const SUCCESS: c_int = 0;
const FAILURE: c_int = -1;

/// Runs `valid` on the new value of a setting.
fn validate(new_value: *mut zend_string, valid: fn(&str) -> bool) -> c_int {
    // SAFETY: the engine passes the new value as a live zend_string.
    let text = unsafe { new_value.cast::<ZendStr>().as_ref() }.and_then(|value| value.as_str().ok());
    if text.is_some_and(valid) { SUCCESS } else { FAILURE }
}

/// Declares an `on_modify` handler that takes a new value only when `$valid` holds for it.
macro_rules! validator {
    ($name:ident, $valid:expr) => {
        unsafe extern "C" fn $name(
            _: *mut zend_ini_entry,
            value: *mut zend_string,
            _: *mut c_void,
            _: *mut c_void,
            _: *mut c_void,
            _: c_int,
        ) -> c_int {
            validate(value, $valid)
        }
    };
}

validator!(accept_any, |_| true);
validator!(check_timezone, |text| Zone::parse(text).is_ok());
validator!(check_busy_timeout, |text| text.trim().parse::<u64>().is_ok());
validator!(check_auth_max_failures, |text| text.trim().parse::<u32>().is_ok());
validator!(check_max_batch, |text| text.trim().parse::<usize>().is_ok_and(|max| max > 0));

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

/// `cashback.auth_max_failures`: failed authentications per address and 5 minutes before throttling (0: off).
pub fn auth_max_failures() -> i64 {
    get(c"cashback.auth_max_failures").trim().parse().unwrap_or(crate::core::keys::THROTTLE_FAILURES)
}

/// `cashback.max_batch`: largest accepted batch.
pub fn max_batch() -> usize {
    get(c"cashback.max_batch").trim().parse().ok().filter(|max| *max > 0).unwrap_or(10_000)
}
