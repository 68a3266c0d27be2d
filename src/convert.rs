//! PHP values ↔ JSON values, transactions read in place ([`PhpTx`]), and
//! transaction results built straight into PHP arrays. PHP arrays map to JSON
//! arrays (lists) or objects (keyed arrays), key order kept.

use ext_php_rs::{
    boxed::ZBox,
    convert::{FromZval, StubLiteral},
    flags::DataType,
    types::{ZendHashTable, Zval},
};
use serde_json::{Map, Number, Value};

use crate::errors::{Error, Result};
use cashback_core::{
    code::Code,
    engine::{Outcome, ResultValue},
    money,
    raw::{Field, Raw, RawTx},
};

/// Deepest nesting accepted from PHP; transactions are two levels deep.
const MAX_DEPTH: usize = 32;

/// Converts a PHP array to JSON.
///
/// # Errors
/// `invalid_argument` for objects, resources, non-UTF-8 strings or too deep nesting.
pub fn array_to_json(array: &ZendHashTable) -> Result<Value> {
    table(array, 0)
}

fn table(array: &ZendHashTable, depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(Error::argument(Code::InvalidArgument, "array is nested too deeply"));
    }
    let mut pairs = Vec::with_capacity(array.len());
    let mut sequential = true;
    entries(array, |position, key, value| {
        sequential &= key.is_index(position);
        pairs.push((key.to_string(), zval(value, depth + 1)?));
        Ok(())
    })?;
    Ok(if sequential {
        Value::Array(pairs.into_iter().map(|(_, value)| value).collect())
    } else {
        Value::Object(pairs.into_iter().collect::<Map<_, _>>())
    })
}

fn zval(value: &Zval, depth: usize) -> Result<Value> {
    Ok(match classify(value)? {
        Php::Null => Value::Null,
        Php::Bool(flag) => Value::Bool(flag),
        Php::Int(int) => Value::from(int),
        // NaN and infinities have no JSON number; as text they fail validation with a clear message.
        Php::Float(float) => Number::from_f64(float).map_or_else(|| Value::String(float.to_string()), Value::Number),
        Php::Text(text) => Value::String(text.to_owned()),
        Php::Array(array) => table(array, depth)?,
    })
}

/// A PHP value as the binding accepts it: the one place that decides which
/// values are refused (objects, resources, strings that are not UTF-8).
#[derive(Clone, Copy)]
enum Php<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(&'a str),
    Array(&'a ZendHashTable),
}

fn classify(value: &Zval) -> Result<Php<'_>> {
    let value = value.dereference();
    if value.is_null() {
        return Ok(Php::Null);
    }
    if let Some(flag) = value.bool() {
        return Ok(Php::Bool(flag));
    }
    if let Some(int) = value.long() {
        return Ok(Php::Int(int));
    }
    if let Some(float) = value.double() {
        return Ok(Php::Float(float));
    }
    if value.is_string() {
        return value
            .str()
            .map(Php::Text)
            .ok_or_else(|| Error::argument(Code::InvalidArgument, "string is not valid UTF-8"));
    }
    if let Some(array) = value.array() {
        return Ok(Php::Array(array));
    }
    Err(Error::argument(
        Code::InvalidArgument,
        format!("{} values are not accepted; pass arrays, strings and numbers", value.get_type()),
    ))
}

/// A value where a scalar is expected, borrowed (an array is [`Raw::Nested`], not looked into).
///
/// # Errors
/// `invalid_argument` for objects, resources and strings that are not UTF-8.
pub fn scalar(value: &Zval) -> Result<Raw<'_>> {
    Ok(match classify(value)? {
        Php::Null => Raw::Null,
        Php::Bool(flag) => Raw::Bool(flag),
        Php::Int(int) => Raw::Int(int),
        Php::Float(float) => Raw::Float(float),
        Php::Text(text) => Raw::Text(text),
        Php::Array(_) => Raw::Nested,
    })
}

/// A key of a PHP array.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    /// An integer key.
    Index(i64),
    /// A string key (valid UTF-8).
    Name(&'a str),
}

impl Key<'_> {
    /// Whether this is the integer key `position`, as in a list.
    pub fn is_index(self, position: usize) -> bool {
        matches!(self, Self::Index(index) if usize::try_from(index) == Ok(position))
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Index(index) => write!(f, "{index}"),
            Self::Name(name) => f.write_str(name),
        }
    }
}

/// Calls `each` with the position, key and value of every entry of `array`, in order.
///
/// Reads the hash table's slots directly rather than through ext-php-rs's
/// `iter()`/`values()`: those go through the engine's external-position API,
/// copy every key into a `String`, and panic on a key that is not UTF-8, which
/// PHP code can pass. This runs for every field of every batch item.
///
/// # Errors
/// `invalid_argument` for a key that is not UTF-8, or what `each` returns.
pub fn entries<'a>(
    array: &'a ZendHashTable,
    mut each: impl FnMut(usize, Key<'a>, &'a Zval) -> Result<()>,
) -> Result<()> {
    /// `HASH_FLAG_PACKED` of Zend/zend_hash.h: a list stored as bare zvals (PHP 8.2+).
    const HASH_FLAG_PACKED: u32 = 1 << 2;
    // SAFETY: `array` is a live hash table the engine handed us, not modified while we read it (PHP runs this
    // call alone on its thread). Its first `nNumUsed` slots are initialized, either zvals (packed) or buckets; a
    // deleted slot holds an IS_UNDEF zval and is skipped. A bucket's key is null for an integer key (then `h` is
    // the integer) or points to a live zend_string owned by the table.
    let (packed, used) = unsafe { (array.u.flags & HASH_FLAG_PACKED != 0, array.nNumUsed as usize) };
    let mut position = 0;
    for slot in 0..used {
        let (key, value) = if packed {
            // SAFETY: see above; `slot < nNumUsed`.
            (Key::Index(slot as i64), unsafe { &*array.__bindgen_anon_1.arPacked.add(slot) })
        } else {
            // SAFETY: see above; `slot < nNumUsed`.
            let bucket = unsafe { &*array.__bindgen_anon_1.arData.add(slot) };
            let key = if bucket.key.is_null() {
                Key::Index(bucket.h as i64)
            } else {
                // SAFETY: see above.
                let bytes = unsafe { (*bucket.key.cast_const()).as_bytes() };
                Key::Name(
                    std::str::from_utf8(bytes)
                        .map_err(|_| Error::argument(Code::InvalidArgument, "array key is not valid UTF-8"))?,
                )
            };
            (key, &bucket.val)
        };
        if value.get_type() == DataType::Undef {
            continue;
        }
        each(position, key, value)?;
        position += 1;
    }
    Ok(())
}

/// Checks a value the way [`array_to_json`] would convert it, without building anything.
fn check(value: &Zval, depth: usize) -> Result<()> {
    match classify(value)? {
        Php::Array(array) => check_table(array, depth),
        _ => Ok(()),
    }
}

fn check_table(array: &ZendHashTable, depth: usize) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(Error::argument(Code::InvalidArgument, "array is nested too deeply"));
    }
    entries(array, |_, _, value| check(value, depth + 1))
}

/// A transaction read from PHP (a batch item or `apply()`'s argument) in one
/// pass over its array, borrowing its strings: the ledger validates it field
/// by field through [`RawTx`], with no copy into a JSON tree.
pub struct PhpTx<'a> {
    is_object: bool,
    /// The value of each [`Field`] that is present, by position.
    known: [Option<Raw<'a>>; Field::ALL.len()],
    unknown: Option<String>,
}

impl<'a> PhpTx<'a> {
    /// Accepts what [`array_to_json`] accepts, and fails the same way on anything else.
    ///
    /// # Errors
    /// `invalid_argument` for objects, resources, non-UTF-8 strings or too deep nesting.
    pub fn read(value: &'a Zval) -> Result<Self> {
        match classify(value)? {
            Php::Array(array) => Self::table(array),
            // A scalar where a transaction belongs: refused by the ledger as "must be a JSON object".
            _ => Ok(Self { is_object: false, known: [None; Field::ALL.len()], unknown: None }),
        }
    }

    /// [`PhpTx::read`] for an array argument.
    ///
    /// # Errors
    /// As [`PhpTx::read`].
    pub fn table(array: &'a ZendHashTable) -> Result<Self> {
        let mut known = [None; Field::ALL.len()];
        let mut unknown = None;
        let mut sequential = true;
        entries(array, |position, key, value| {
            sequential &= key.is_index(position);
            let raw = scalar(value)?;
            if raw == Raw::Nested {
                check(value, 1)?;
            }
            let field = match key {
                Key::Name(name) => Field::from_name(name),
                Key::Index(_) => None,
            };
            match field {
                Some(field) => known[field as usize] = Some(raw),
                None if unknown.is_none() => unknown = Some(key.to_string()),
                None => {}
            }
            Ok(())
        })?;
        // As array_to_json reads it: a list is a JSON array (the empty one standing for `{}`), anything else an object.
        Ok(Self { is_object: array.is_empty() || !sequential, known, unknown })
    }
}

impl RawTx for PhpTx<'_> {
    fn is_object(&self) -> bool {
        self.is_object
    }

    fn field(&self, field: Field) -> Option<Raw<'_>> {
        self.known[field as usize]
    }

    fn unknown_field(&self) -> Option<String> {
        self.unknown.clone()
    }
}

/// Converts JSON to a PHP value.
pub fn json_to_zval(value: &Value) -> Zval {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(flag) => zval.set_bool(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(int) => zval.set_long(int),
            None => zval.set_double(number.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(text) => {
            let _ = zval.set_string(text, false);
        }
        Value::Array(_) | Value::Object(_) => zval.set_hashtable(json_to_array(value)),
    }
    zval
}

/// Converts a JSON array or object to a PHP array (any other value becomes `[value]`).
pub fn json_to_array(value: &Value) -> ZBox<ZendHashTable> {
    let mut array = ZendHashTable::new();
    match value {
        Value::Object(object) => {
            for (key, item) in object {
                let _ = array.insert(key.as_str(), json_to_zval(item));
            }
        }
        Value::Array(items) => {
            for item in items {
                let _ = array.push(json_to_zval(item));
            }
        }
        other => {
            let _ = array.push(json_to_zval(other));
        }
    }
    array
}

/// The PHP array of a transaction's result, built from its fields without a JSON detour
/// (this runs once per batch item).
pub fn outcome_array(outcome: &Outcome) -> ZBox<ZendHashTable> {
    let fields = outcome.fields();
    let mut array = ZendHashTable::with_capacity(fields.len() as u32);
    for (name, value) in fields {
        let mut zval = Zval::new();
        match value {
            ResultValue::Text(text) => {
                let _ = zval.set_string(text, false);
            }
            ResultValue::Int(int) => zval.set_long(int),
            ResultValue::Money(minor) => zval.set_double(money::minor_to_float(minor)),
            ResultValue::Bool(flag) => zval.set_bool(flag),
            ResultValue::Null => zval.set_null(),
            ResultValue::Names(names) => {
                let mut list = ZendHashTable::with_capacity(names.len() as u32);
                for name in names {
                    let _ = list.push(*name);
                }
                zval.set_hashtable(list);
            }
        }
        let _ = array.insert(name, zval);
    }
    array
}

/// An `int` argument read with PHP's coercive typing: ints, integral floats
/// and integer strings (`"42"`, as Bitrix's `$USER->GetID()` returns).
pub struct Int(pub i64);

impl<'a> FromZval<'a> for Int {
    const TYPE: DataType = DataType::Long;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        let zval = zval.dereference();
        if let Some(int) = zval.long() {
            return Some(Self(int));
        }
        if let Some(float) = zval.double() {
            return (float.fract() == 0.0 && float.abs() < 9.0e18).then_some(Self(float as i64));
        }
        zval.str().and_then(|text| text.trim().parse().ok()).map(Self)
    }
}

/// A `bool` argument: booleans, 0/1, and the strings Bitrix stores flags as (`Y`/`N`, `1`/`0`, yes/no, true/false).
pub struct Flag(pub bool);

impl<'a> FromZval<'a> for Flag {
    const TYPE: DataType = DataType::Bool;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        let zval = zval.dereference();
        if let Some(flag) = zval.bool() {
            return Some(Self(flag));
        }
        if let Some(int) = zval.long() {
            return flag_from_int(int).map(Self);
        }
        zval.str().and_then(flag_from_text).map(Self)
    }
}

/// A `string` argument as bytes, whatever they are (a request body, which may not be UTF-8).
pub struct Bytes<'a>(pub &'a [u8]);

impl<'a> FromZval<'a> for Bytes<'a> {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        zval.dereference().zend_str().map(|text| Self(text.as_bytes()))
    }
}

/// A `string` argument that also takes numbers (a phone typed as an int).
pub struct Text(pub String);

impl<'a> FromZval<'a> for Text {
    const TYPE: DataType = DataType::String;

    fn from_zval(zval: &'a Zval) -> Option<Self> {
        let zval = zval.dereference();
        if let Some(text) = zval.str() {
            return Some(Self(text.to_owned()));
        }
        zval.long().map(|int| Self(int.to_string()))
    }
}

fn flag_from_int(int: i64) -> Option<bool> {
    match int {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

fn flag_from_text(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "y" | "yes" | "true" => Some(true),
        "0" | "n" | "no" | "false" | "" => Some(false),
        _ => None,
    }
}

/// A flag inside an array (`verified` of a phone row), with the spellings of [`Flag`]; absent is false.
pub fn parse_flag(value: Option<&Value>) -> Option<bool> {
    match value {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(flag)) => Some(*flag),
        Some(Value::Number(number)) => number.as_i64().and_then(flag_from_int),
        Some(Value::String(text)) => flag_from_text(text),
        Some(_) => None,
    }
}

/// [`parse_flag`], or `invalid_argument` naming the field.
///
/// # Errors
/// `invalid_argument` for anything but the accepted spellings.
pub fn flag_value(value: Option<&Value>, field: &str) -> Result<bool> {
    parse_flag(value).ok_or_else(|| {
        Error::argument(Code::InvalidArgument, format!("{field} must be true/false, 1/0, yes/no or Y/N"))
    })
}

// Defaults written in `#[php(defaults(...))]` are plain literals.
impl From<i64> for Int {
    fn from(int: i64) -> Self {
        Self(int)
    }
}

impl From<bool> for Flag {
    fn from(flag: bool) -> Self {
        Self(flag)
    }
}

impl StubLiteral for Int {
    fn stub_literal(&self) -> String {
        self.0.to_string()
    }
}

impl StubLiteral for Flag {
    fn stub_literal(&self) -> String {
        self.0.to_string()
    }
}
