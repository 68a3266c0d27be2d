//! PHP values ↔ JSON values. The core speaks `serde_json::Value`; PHP arrays
//! map to JSON arrays (lists) or objects (keyed arrays), key order kept.

use ext_php_rs::{
    boxed::ZBox,
    types::{ArrayKey, ZendHashTable, Zval},
};
use serde_json::{Map, Number, Value};

use super::errors::exception;
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
            ArrayKey::ZendString(text) => text
                .as_str()
                .map_err(|_| exception("invalid_argument", "array key is not valid UTF-8"))?
                .to_owned(),
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
    Err(exception("invalid_argument", &format!("{} values are not accepted; pass arrays, strings and numbers", value.get_type())))
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
