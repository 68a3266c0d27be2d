//! Incoming transactions as the ledger reads them, wherever they come from.
//!
//! The HTTP API decodes JSON in PHP and hands the ledger PHP arrays; tests,
//! benches and fuzzers hand it `serde_json` values. Validation ([`tx::parse`](super::tx::parse))
//! reads either through [`RawTx`], field by field, borrowing: the PHP binding
//! reads a batch in place instead of copying every item into a JSON tree first.

use serde_json::Value;

use super::tx::KNOWN_FIELDS;

/// One incoming value, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An integer above `i64::MAX` (JSON only).
    BigInt(u64),
    /// A number with a fraction or an exponent.
    Float(f64),
    /// A string.
    Text(&'a str),
    /// An array or object where a scalar was expected.
    Nested,
}

impl<'a> From<&'a Value> for Raw<'a> {
    fn from(value: &'a Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(flag) => Self::Bool(*flag),
            Value::Number(number) => number
                .as_i64()
                .map(Self::Int)
                .or_else(|| number.as_u64().map(Self::BigInt))
                .unwrap_or_else(|| Self::Float(number.as_f64().unwrap_or(f64::NAN))),
            Value::String(text) => Self::Text(text),
            Value::Array(_) | Value::Object(_) => Self::Nested,
        }
    }
}

/// A transaction as it arrived: an object of fields.
pub trait RawTx {
    /// Whether it is an object of fields at all. An empty list counts as the
    /// empty object: PHP decodes `{}` to `[]`, and the caller should learn
    /// which field is missing.
    fn is_object(&self) -> bool;

    /// A field, or `None` when it is absent.
    fn field(&self, name: &str) -> Option<Raw<'_>>;

    /// The first field name that is not one of [`KNOWN_FIELDS`].
    fn unknown_field(&self) -> Option<String>;
}

impl RawTx for Value {
    fn is_object(&self) -> bool {
        match self {
            Self::Object(_) => true,
            Self::Array(items) => items.is_empty(),
            _ => false,
        }
    }

    fn field(&self, name: &str) -> Option<Raw<'_>> {
        self.as_object()?.get(name).map(Raw::from)
    }

    fn unknown_field(&self) -> Option<String> {
        self.as_object()?.keys().find(|key| !KNOWN_FIELDS.contains(&key.as_str())).cloned()
    }
}
