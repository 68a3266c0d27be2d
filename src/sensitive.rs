//! Marks the parameters that can carry a database password with PHP's
//! `#[\SensitiveParameter]`, so that an exception's trace shows
//! `SensitiveParameterValue` instead of the URL (traces keep arguments unless
//! `zend.exception_ignore_args` is on, and development setups turn it off).
//!
//! ext-php-rs registers classes after every startup hook of the module, so
//! the attributes are added at the first request of each process, once.

use std::ffi::{CStr, c_char, c_void};

use ext_php_rs::{
    class::RegisteredClass,
    ffi::{HashTable, zend_function, zend_string},
    types::ZendStr,
};

use crate::ledger::CashbackLedger;

/// `(method, parameter index)`: every parameter a database setting is given in.
const SENSITIVE: [(&str, u32); 3] = [("__construct", 0), ("describedatabase", 0), ("migrateto", 0)];

const ATTRIBUTE: &str = "SensitiveParameter";
const ATTRIBUTE_LOWERCASE: &CStr = c"sensitiveparameter";
/// `ZEND_ATTRIBUTE_PERSISTENT`: the attribute of an internal function lives as long as the process.
const PERSISTENT: u32 = 1;

unsafe extern "C" {
    fn zend_add_attribute(
        attributes: *mut *mut HashTable,
        name: *mut zend_string,
        argc: u32,
        flags: u32,
        offset: u32,
        lineno: u32,
    ) -> *mut c_void;
    fn zend_get_parameter_attribute_str(
        attributes: *mut HashTable,
        name: *const c_char,
        length: usize,
        offset: u32,
    ) -> *mut c_void;
}

/// Adds the attribute wherever it is missing (a forked worker inherits its parent's).
pub fn mark_parameters() {
    let functions = &CashbackLedger::get_metadata().ce().function_table;
    for (method, parameter) in SENSITIVE {
        let Some(function) = functions.get(method).and_then(|entry| unsafe { entry.ptr::<zend_function>() }) else {
            continue;
        };
        // SAFETY: the class's function table holds live zend_function pointers; attributes are
        // read and added on this process's own copy, before any PHP code of the request runs.
        unsafe {
            let attributes = &raw mut (*function).common.attributes;
            let offset = parameter + 1; // 0 is the function itself
            let present = !(*attributes).is_null()
                && !zend_get_parameter_attribute_str(
                    *attributes,
                    ATTRIBUTE_LOWERCASE.as_ptr(),
                    ATTRIBUTE_LOWERCASE.to_bytes().len(),
                    offset,
                )
                .is_null();
            if !present {
                let name: *mut zend_string = ZendStr::new(ATTRIBUTE, true).into_raw();
                zend_add_attribute(attributes, name, 0, PERSISTENT, offset, 0);
            }
        }
    }
}
