//! The `cashback.*` ini settings: registered at startup with the core's
//! defaults, read per call.

use std::ffi::{CStr, CString, c_char, c_int, c_void};

use cashback_core::{config, phone::Region, time::Zone};
use ext_php_rs::{
    ffi::{zend_ini_entry, zend_string},
    flags::IniEntryPermission,
    types::ZendStr,
    zend::IniEntryDef,
};

type OnModify =
    unsafe extern "C" fn(*mut zend_ini_entry, *mut zend_string, *mut c_void, *mut c_void, *mut c_void, c_int) -> c_int;

const DATABASE: &CStr = c"cashback.database";

/// Setting names, defaults and validators, as `php --ri cashback` shows them.
/// Each has a validator, so `ini_set()` refuses a bad value at once (and
/// returns false) instead of the ledger failing later; PHP also needs one for
/// `ini_restore()`.
fn settings() -> [(&'static CStr, String, OnModify); 7] {
    [
        (DATABASE, String::new(), accept_any),
        (c"cashback.timezone", config::DEFAULT_TIMEZONE.to_owned(), check_timezone),
        (c"cashback.default_region", config::DEFAULT_REGION.to_owned(), check_region),
        (c"cashback.busy_timeout_ms", config::DEFAULT_BUSY_TIMEOUT_MS.to_string(), check_busy_timeout),
        (c"cashback.max_batch", config::DEFAULT_MAX_BATCH.to_string(), check_max_batch),
        (c"cashback.auth_max_failures", config::DEFAULT_AUTH_MAX_FAILURES.to_string(), check_auth_max_failures),
        (c"cashback.auto_register_stores", flag_text(config::DEFAULT_AUTO_REGISTER_STORES), check_flag),
    ]
}

/// The entry table to register; PHP keeps it (and its strings) for the whole process.
pub fn entries() -> &'static [IniEntryDef] {
    let mut entries: Vec<IniEntryDef> = settings()
        .into_iter()
        .map(|(name, default, on_modify)| {
            let default: &'static CStr =
                Box::leak(CString::new(default).expect("defaults have no NUL").into_boxed_c_str());
            let mut entry = IniEntryDef::new(name, default, IniEntryPermission::All);
            entry.on_modify = Some(on_modify);
            if name == DATABASE {
                entry.displayer = Some(show_database);
            }
            entry
        })
        .collect();
    entries.push(IniEntryDef::end());
    Box::leak(entries.into_boxed_slice())
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
validator!(check_region, |text| Region::parse(text).is_ok());
validator!(check_busy_timeout, |text| text.trim().parse::<u64>().is_ok());
validator!(check_auth_max_failures, |text| text.trim().parse::<u32>().is_ok());
validator!(check_max_batch, |text| text.trim().parse::<usize>().is_ok_and(|max| max > 0));
validator!(check_flag, |text| parse_flag(text).is_some());

/// An ini flag as PHP writes them: 1/0, on/off, yes/no, true/false (or empty for off).
fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "yes" | "true" => Some(true),
        "" | "0" | "off" | "no" | "false" | "none" => Some(false),
        _ => None,
    }
}

fn flag_text(flag: bool) -> String {
    if flag { "1" } else { "0" }.to_owned()
}

unsafe extern "C" {
    fn zend_ini_string_ex(name: *const c_char, name_length: usize, orig: c_int, exists: *mut bool) -> *mut c_char;
}

fn get(name: &CStr) -> String {
    let mut exists = false;
    // SAFETY: the name is NUL-terminated; the engine returns a pointer into its own ini table or null.
    let value = unsafe { zend_ini_string_ex(name.as_ptr(), name.to_bytes().len(), 0, &mut exists) };
    if value.is_null() { String::new() } else { unsafe { CStr::from_ptr(value) }.to_string_lossy().into_owned() }
}

/// `cashback.database`: the default database (a SQLite file, or a `mysql://` URL).
pub fn database() -> String {
    get(DATABASE)
}

unsafe extern "C" {
    fn php_printf(format: *const c_char, ...) -> usize;
}

/// PHP's `ZEND_INI_DISPLAY_ORIG`: show the value before `ini_set()`.
const DISPLAY_ORIGINAL: c_int = 1;

/// Shows `cashback.database` in `php --ri` and phpinfo() without the password of a URL.
unsafe extern "C" fn show_database(entry: *mut zend_ini_entry, kind: c_int) {
    // SAFETY: the engine passes its live entry of this setting.
    let Some(entry) = (unsafe { entry.as_ref() }) else { return };
    let value = if kind == DISPLAY_ORIGINAL && entry.modified != 0 { entry.orig_value } else { entry.value };
    // SAFETY: the entry's values are live zend_strings or null.
    let text = unsafe { value.cast::<ZendStr>().as_ref() }.and_then(|value| value.as_str().ok()).unwrap_or("");
    let shown = if text.is_empty() { "no value".to_owned() } else { cashback_mysql::target::shown(text) };
    // Markup would be read by phpinfo()'s HTML page; no database name needs it.
    let shown = CString::new(shown.replace(['<', '>', '&', '\0'], "")).unwrap_or_default();
    // SAFETY: a constant format with one NUL-terminated string argument.
    unsafe { php_printf(c"%s".as_ptr(), shown.as_ptr()) };
}

/// `cashback.timezone`: zone of offset-less timestamps.
pub fn timezone() -> String {
    get(c"cashback.timezone")
}

/// `cashback.default_region`: region of phones without a country code.
pub fn default_region() -> String {
    get(c"cashback.default_region")
}

/// `cashback.busy_timeout_ms`: how long a write waits for the lock.
pub fn busy_timeout_ms() -> u64 {
    get(c"cashback.busy_timeout_ms").trim().parse().unwrap_or(config::DEFAULT_BUSY_TIMEOUT_MS)
}

/// `cashback.auth_max_failures`: failed authentications per address and 5 minutes before throttling (0: off).
pub fn auth_max_failures() -> i64 {
    get(c"cashback.auth_max_failures").trim().parse().unwrap_or(config::DEFAULT_AUTH_MAX_FAILURES)
}

/// `cashback.auto_register_stores`: whether API writes may name unregistered stores.
pub fn auto_register_stores() -> bool {
    parse_flag(&get(c"cashback.auto_register_stores")).unwrap_or(config::DEFAULT_AUTO_REGISTER_STORES)
}

/// `cashback.max_batch`: largest accepted batch.
pub fn max_batch() -> usize {
    get(c"cashback.max_batch").trim().parse().ok().filter(|max| *max > 0).unwrap_or(config::DEFAULT_MAX_BATCH)
}
