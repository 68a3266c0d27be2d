//! Incoming transactions as the ledger reads them, wherever they come from.
//!
//! The HTTP API hands the ledger the request body as text ([`crate::wire`]);
//! the site's own PHP code hands it PHP arrays; tests, benches and fuzzers JSON
//! values (feature `json`). Validation ([`tx::parse`](crate::tx::parse)) reads
//! each through [`RawTx`], field by field, borrowing: neither a body nor a PHP
//! batch is copied into a tree first.

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

/// Declares [`Field`]: the fields a transaction may carry, with their wire names.
macro_rules! fields {
    ($($variant:ident $name:literal,)+) => {
        /// A field of an incoming transaction; anything else is refused, so typos do not pass silently.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Field {
            $(#[doc = concat!("`", $name, "`")] $variant,)+
        }

        impl Field {
            /// Every field, in wire order; `field as usize` is its position here.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// The wire name.
            pub const fn name(self) -> &'static str {
                match self { $(Field::$variant => $name,)+ }
            }

            /// The field with this wire name.
            pub fn from_name(name: &str) -> Option<Field> {
                match name { $($name => Some(Field::$variant),)+ _ => None }
            }
        }
    };
}

fields! {
    ExternalId "external_id",
    Type "type",
    Amount "amount",
    UserId "user_id",
    UserPhone "user_phone",
    Description "description",
    Source "source",
    StoreId "store_id",
    CreatedAt "created_at",
    OriginalExternalId "original_external_id",
}

/// A transaction as it arrived: an object of fields.
pub trait RawTx {
    /// Whether it is an object of fields at all. An empty list counts as the
    /// empty object: PHP decodes `{}` to `[]`, and the caller should learn
    /// which field is missing.
    fn is_object(&self) -> bool;

    /// A field, or `None` when it is absent.
    fn field(&self, field: Field) -> Option<Raw<'_>>;

    /// The first key that is not a [`Field`].
    fn unknown_field(&self) -> Option<String>;
}

#[cfg(any(test, feature = "json"))]
mod json {
    use serde_json::Value;

    use super::{Field, Raw, RawTx};

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

    /// JSON values as transactions, for tests, benches and fuzzers.
    impl RawTx for Value {
        fn is_object(&self) -> bool {
            match self {
                Self::Object(_) => true,
                Self::Array(items) => items.is_empty(),
                _ => false,
            }
        }

        fn field(&self, field: Field) -> Option<Raw<'_>> {
            self.as_object()?.get(field.name()).map(Raw::from)
        }

        fn unknown_field(&self) -> Option<String> {
            self.as_object()?.keys().find(|key| Field::from_name(key).is_none()).cloned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Field;

    #[test]
    fn a_field_is_its_position_and_its_name() {
        for (position, field) in Field::ALL.iter().enumerate() {
            assert_eq!(*field as usize, position);
            assert_eq!(Field::from_name(field.name()), Some(*field));
        }
        assert_eq!(Field::from_name("descripton"), None);
    }
}
