//! The PHP exception of the extension, and the one place core errors become it.
//!
//! `CashbackException extends \RuntimeException` carries a stable string code
//! (`getErrorCode()`: `database_busy`, `invalid_phone`, …, the call errors of
//! the core's vocabulary, [`Code`]). It is registered by
//! hand rather than with `#[php_class]`: that would replace the engine's own
//! exception constructor, and the exception would lose its file, line and trace.

use std::{
    ffi::{CString, c_char},
    sync::atomic::{AtomicPtr, Ordering},
};

use ext_php_rs::{
    builders::{ClassBuilder, ClassProperty, FunctionBuilder},
    exception::PhpException,
    ffi::{zend_class_entry, zend_object, zend_throw_exception},
    flags::{DataType, MethodFlags, PropertyFlags},
    types::Zval,
    zend::{ClassEntry, ExecuteData},
};

use cashback_core::{code::Code, error::LedgerError};

/// PHP name of the exception class.
pub const EXCEPTION_CLASS: &str = "CashbackException";

unsafe extern "C" {
    static spl_ce_RuntimeException: *mut zend_class_entry;
    fn zend_update_property_string(
        scope: *mut zend_class_entry,
        object: *mut zend_object,
        name: *const c_char,
        name_length: usize,
        value: *const c_char,
    );
}

static EXCEPTION_CE: AtomicPtr<ClassEntry> = AtomicPtr::new(std::ptr::null_mut());

fn runtime_exception() -> &'static ClassEntry {
    // SAFETY: SPL is a required extension; its class entries are set before any other MINIT.
    unsafe { spl_ce_RuntimeException.cast::<ClassEntry>().as_ref() }.expect("SPL RuntimeException is registered")
}

extern "C" fn get_error_code(execute_data: &mut ExecuteData, retval: &mut Zval) {
    let code =
        execute_data.get_self().and_then(|this| this.get_property::<String>("errorCode").ok()).unwrap_or_default();
    let _ = retval.set_string(&code, false);
}

/// Registers `CashbackException`; called from module startup.
///
/// # Errors
/// When the engine refuses the class.
pub fn register_exception() -> ext_php_rs::error::Result<()> {
    let error_code = ClassProperty {
        name: "errorCode".into(),
        flags: PropertyFlags::Protected,
        default: Some(Box::new(|| {
            let mut value = Zval::new();
            value.set_string("", true)?;
            Ok(value)
        })),
        docs: &[],
        ty: Some(DataType::String),
        nullable: false,
        readonly: false,
        default_stub: Some("''".into()),
    };
    ClassBuilder::new(EXCEPTION_CLASS)
        .extends((runtime_exception, "RuntimeException"))
        .property(error_code)
        .method(
            FunctionBuilder::new("getErrorCode", get_error_code).returns(DataType::String, false, false),
            MethodFlags::Public,
        )
        .registration(|ce, _| EXCEPTION_CE.store(ce, Ordering::Release))
        .register()
}

/// Throws `CashbackException` with `code` and `message` now.
fn throw(code: &str, message: &str) {
    let ce = EXCEPTION_CE.load(Ordering::Acquire);
    let (Ok(message), Ok(code)) = (CString::new(message.replace('\0', " ")), CString::new(code)) else { return };
    if ce.is_null() {
        return;
    }
    // SAFETY: `ce` was registered at startup and lives for the process; the strings outlive the calls.
    unsafe {
        let object = zend_throw_exception(ce.cast(), message.as_ptr(), 0);
        if !object.is_null() {
            zend_update_property_string(ce.cast(), object, c"errorCode".as_ptr(), "errorCode".len(), code.as_ptr());
        }
    }
}

/// Why a call failed: the ledger refused it or faulted, or the binding refused an argument.
#[derive(Debug)]
pub enum Error {
    /// The ledger's own error.
    Ledger(LedgerError),
    /// An argument the binding could not convert.
    Argument { code: Code, message: String },
}

/// Result of a binding call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An argument refused with `code`.
    pub fn argument(code: Code, message: impl Into<String>) -> Self {
        Self::Argument { code, message: message.into() }
    }
}

impl From<LedgerError> for Error {
    fn from(error: LedgerError) -> Self {
        Self::Ledger(error)
    }
}

/// The one mapping onto PHP: every failure is a `CashbackException` with its code.
///
/// The returned `PhpException` is what the generated wrapper "throws" next; as
/// an exception is already pending, the engine keeps ours.
impl From<Error> for PhpException {
    fn from(error: Error) -> Self {
        let (code, message) = match error {
            Error::Ledger(error) => (error.code(), error.message()),
            Error::Argument { code, message } => (code, message),
        };
        throw(code.name(), &message);
        PhpException::from_message(format!("{code}: {message}"))
    }
}
