//! PHP values ↔ JSON values. The core speaks `serde_json::Value`; PHP arrays
//! map to JSON arrays (lists) or objects (keyed arrays), key order kept.

use ext_php_rs::{
    boxed::ZBox,
    convert::{FromZval, StubLiteral},
    flags::DataType,
    types::{ArrayKey, ZendHashTable, Zval},
};
use serde_json::{Map, Number, Value};

use super::errors::exception;
use crate::core::{
    batch::{Outcome, ResultValue},
    money,
};
use ext_php_rs::exception::PhpException;

/// Deepest nesting accepted from PHP; transactions are two levels deep.
const MAX_DEPTH: usize = 32;

/// Converts a PHP array to JSON.
///
/// # Errors
/// `invalid_argument` for objects, resources, non-UTF-8 strings or too deep nesting.
pub fn array_to_json(array: &ZendHashTable) -> Result<Value, PhpException> {
    table(array, 0)
}

/// Converts any PHP value to JSON (see [`array_to_json`]).
///
/// # Errors
/// As [`array_to_json`].
pub fn zval_to_json(value: &Zval) -> Result<Value, PhpException> {
    zval(value, 0)
}

fn table(array: &ZendHashTable, depth: usize) -> Result<Value, PhpException> {
    if depth > MAX_DEPTH {
        return Err(exception("invalid_argument", "array is nested too deeply"));
    }
    if array.has_sequential_keys() {
        return array.values().map(|value| zval(value, depth + 1)).collect::<Result<_, _>>().map(Value::Array);
    }
    let mut object = Map::with_capacity(array.len());
    for (key, value) in array.iter() {
        let key = match key {
            ArrayKey::Long(index) => index.to_string(),
            ArrayKey::String(text) => text,
            ArrayKey::Str(text) => text.to_owned(),
            ArrayKey::ZendString(text) => {
                text.as_str().map_err(|_| exception("invalid_argument", "array key is not valid UTF-8"))?.to_owned()
            }
        };
        object.insert(key, zval(value, depth + 1)?);
    }
    Ok(Value::Object(object))
}

fn zval(value: &Zval, depth: usize) -> Result<Value, PhpException> {
    let value = value.dereference();
    if value.is_null() {
        return Ok(Value::Null);
    }
    if let Some(flag) = value.bool() {
        return Ok(Value::Bool(flag));
    }
    if let Some(int) = value.long() {
        return Ok(Value::from(int));
    }
    if let Some(float) = value.double() {
        // NaN and infinities have no JSON number; as text they fail validation with a clear message.
        return Ok(Number::from_f64(float).map_or_else(|| Value::String(float.to_string()), Value::Number));
    }
    if value.is_string() {
        return value
            .str()
            .map(|text| Value::String(text.to_owned()))
            .ok_or_else(|| exception("invalid_argument", "string is not valid UTF-8"));
    }
    if let Some(array) = value.array() {
        return table(array, depth);
    }
    Err(exception(
        "invalid_argument",
        &format!("{} values are not accepted; pass arrays, strings and numbers", value.get_type()),
    ))
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
pub fn flag_value(value: Option<&Value>, field: &str) -> Result<bool, PhpException> {
    parse_flag(value)
        .ok_or_else(|| exception("invalid_argument", &format!("{field} must be true/false, 1/0, yes/no or Y/N")))
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
