//! Request bodies of the HTTP API, read straight from their JSON text.
//!
//! Decoding in PHP (`json_decode`) built the whole document first: 16 MB of
//! `[[0],[0],…]` took a gigabyte, and a duplicate key silently kept its last
//! value, so a proxy or an audit reading the first one saw another operation.
//! Here the text is read once, without building a tree:
//! - a batch stops at `max_batch + 1` items (`batch_too_large`), and anything
//!   nested inside a field is checked and skipped, never stored;
//! - a key given twice in an object is `validation_failed`, naming it;
//! - a number keeps its text until a field reads it, so an integer too large
//!   for PHP or a decimal with more digits than a float keeps arrive as text
//!   and are refused as such, never rounded.
//!
//! The single-transaction endpoint takes one object; the batch endpoint a list
//! of objects, or `{"transactions": [...]}` with no other key.

use std::{borrow::Cow, fmt};

use rustc_hash::FxHashSet;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Deserializer as JsonDeserializer;
use serde_json::value::RawValue;

use crate::{
    code::Code,
    raw::{Field, Raw, RawTx},
};

/// UTF-8 byte-order mark: 1C's ЗаписатьJSON writes one by default.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Significant digits a float carries exactly.
const FLOAT_DIGITS: usize = 15;
/// The batch body's only key.
const TRANSACTIONS: &str = "transactions";
/// Deepest nesting of arrays and objects accepted (a batch is three levels deep).
const MAX_DEPTH: usize = 16;

/// Why a body was refused as a whole (nothing of it was applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyError {
    /// `invalid_json`, `validation_failed` or `batch_too_large`.
    pub code: Code,
    /// Where: `body`, `transactions`, `transactions[3].amount`, …
    pub field: String,
    /// What is wrong, for the client.
    pub message: String,
}

impl BodyError {
    fn new(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code, field: field.into(), message: message.into() }
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// One field's value as written.
#[derive(Debug, Clone, PartialEq)]
enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Cow<'a, str>),
    Nested,
}

impl<'a> Value<'a> {
    /// Reads a value captured as raw JSON (its syntax checked by the parser,
    /// a string's escapes not yet: a lone surrogate fails here).
    fn of(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        let text = raw.get();
        Ok(match text.as_bytes()[0] {
            b'n' => Self::Null,
            b't' => Self::Bool(true),
            b'f' => Self::Bool(false),
            b'{' | b'[' => Self::Nested,
            b'"' => Self::Text(Cow::Owned(serde_json::from_str(text)?)),
            _ => Self::number(text),
        })
    }

    /// A number as PHP's `json_decode` with `JSON_BIGINT_AS_STRING` and the
    /// host's precision guard read it, so both paths agree: integers beyond
    /// i64 and decimals with more than 15 significant digits stay text.
    fn number(text: &'a str) -> Self {
        if !text.contains(['.', 'e', 'E']) {
            return text.parse().map_or(Self::Text(Cow::Borrowed(text)), Self::Int);
        }
        let mantissa = text.trim_start_matches('-').split(['e', 'E']).next().unwrap_or_default();
        let digits = mantissa.replace('.', "");
        if digits.trim_matches('0').len() > FLOAT_DIGITS {
            return Self::Text(Cow::Borrowed(text));
        }
        text.parse().map_or(Self::Text(Cow::Borrowed(text)), Self::Float)
    }

    fn raw(&self) -> Raw<'_> {
        match self {
            Self::Null => Raw::Null,
            Self::Bool(flag) => Raw::Bool(*flag),
            Self::Int(int) => Raw::Int(*int),
            Self::Float(float) => Raw::Float(*float),
            Self::Text(text) => Raw::Text(text),
            Self::Nested => Raw::Nested,
        }
    }
}

/// One transaction of a body: its known fields, borrowed from the text where it has no escapes.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonTx<'a> {
    object: bool,
    fields: [Option<Value<'a>>; Field::ALL.len()],
    unknown: Option<String>,
}

impl RawTx for JsonTx<'_> {
    fn is_object(&self) -> bool {
        self.object
    }

    fn field(&self, field: Field) -> Option<Raw<'_>> {
        self.fields[field as usize].as_ref().map(Value::raw)
    }

    fn unknown_field(&self) -> Option<String> {
        self.unknown.clone()
    }
}

/// Reads the body of `POST transactions`: one object.
///
/// # Errors
/// `invalid_json`, or `validation_failed` for a body that is not one object
/// or has a key twice.
pub fn transaction(body: &[u8]) -> Result<JsonTx<'_>, BodyError> {
    let value = document(body)?;
    if !is_object(value) {
        return Err(BodyError::new(Code::ValidationFailed, "body", "the body must be a JSON object (one transaction)"));
    }
    item(value, "body")
}

/// Reads the body of `POST transactions/batch`: a list of transactions, or
/// `{"transactions": [...]}`, with at most `max_batch` of them.
///
/// # Errors
/// `invalid_json`; `validation_failed` for another shape, an empty list, an
/// unknown or repeated key; `batch_too_large`.
pub fn batch(body: &[u8], max_batch: usize) -> Result<Vec<JsonTx<'_>>, BodyError> {
    let mut value = document(body)?;
    if is_object(value) {
        value = only_transactions(value)?;
    }
    if !value.get().starts_with('[') {
        return Err(shape_error());
    }
    let mut refusal = None;
    let listed =
        ListSeed { max_batch, refusal: &mut refusal }.deserialize(&mut JsonDeserializer::from_str(value.get()));
    let items = listed.map_err(|error| refusal.take().unwrap_or_else(|| invalid_json(&error)))?;
    if items.is_empty() {
        return Err(BodyError::new(Code::ValidationFailed, TRANSACTIONS, "the batch is empty"));
    }
    items.into_iter().enumerate().map(|(index, raw)| item(raw, &format!("{TRANSACTIONS}[{index}]"))).collect()
}

/// The whole body as one JSON value, checked (syntax, UTF-8, nesting) but not built.
fn document(body: &[u8]) -> Result<&RawValue, BodyError> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let text = std::str::from_utf8(body)
        .map_err(|_| BodyError::new(Code::InvalidJson, "body", "the body is not valid UTF-8"))?;
    if nesting_exceeds(text, MAX_DEPTH) {
        return Err(BodyError::new(
            Code::InvalidJson,
            "body",
            format!("the body is nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    serde_json::from_str(text).map_err(|error| invalid_json(&error))
}

/// Whether arrays and objects nest deeper than `max` outside strings (the
/// parser skips nested values without a limit of its own).
fn nesting_exceeds(text: &str, max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn invalid_json(error: &serde_json::Error) -> BodyError {
    BodyError::new(Code::InvalidJson, "body", format!("the body is not valid JSON: {error}"))
}

fn is_object(value: &RawValue) -> bool {
    value.get().starts_with('{')
}

/// One transaction: an object read field by field, anything else not a transaction.
fn item<'a>(value: &'a RawValue, path: &str) -> Result<JsonTx<'a>, BodyError> {
    if !is_object(value) {
        return Ok(JsonTx { object: false, fields: Default::default(), unknown: None });
    }
    let mut repeated = None;
    let read = TxVisitor { repeated: &mut repeated }.visit(value);
    read.map_err(|error| match repeated {
        Some(key) => {
            BodyError::new(Code::ValidationFailed, format!("{path}.{key}"), format!("the key {key:?} appears twice"))
        }
        None => invalid_json(&error),
    })
}

/// The list of `{"transactions": [...]}`, refusing any other key.
fn only_transactions(value: &RawValue) -> Result<&RawValue, BodyError> {
    let mut refusal = None;
    let read = BatchObject { refusal: &mut refusal }.deserialize(&mut JsonDeserializer::from_str(value.get()));
    match read {
        Ok(Some(list)) => Ok(list),
        Ok(None) => Err(shape_error()),
        Err(error) => Err(refusal.take().unwrap_or_else(|| invalid_json(&error))),
    }
}

fn shape_error() -> BodyError {
    BodyError::new(
        Code::ValidationFailed,
        TRANSACTIONS,
        "the body must be a JSON array of transactions or {\"transactions\": [...]}",
    )
}

/// Records a refusal and stops the parser with it.
fn refuse<E: de::Error>(slot: &mut Option<BodyError>, error: BodyError) -> E {
    let message = error.to_string();
    *slot = Some(error);
    E::custom(message)
}

/// Reads an object's fields, noting the first key given twice.
struct TxVisitor<'r> {
    repeated: &'r mut Option<String>,
}

impl<'r> TxVisitor<'r> {
    fn visit<'a>(self, value: &'a RawValue) -> Result<JsonTx<'a>, serde_json::Error> {
        JsonDeserializer::from_str(value.get()).deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TxVisitor<'_> {
    type Value = JsonTx<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a transaction")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut item = JsonTx { object: true, fields: Default::default(), unknown: None };
        // A set, not a list: an object of a million unknown keys must not take a million squared steps.
        let mut unknown_keys: FxHashSet<Cow<'de, str>> = FxHashSet::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let repeated = match Field::from_name(&key) {
                Some(field) => {
                    let value = Value::of(map.next_value()?).map_err(de::Error::custom)?;
                    item.fields[field as usize].replace(value).is_some()
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                    item.unknown.get_or_insert_with(|| key.clone().into_owned());
                    !unknown_keys.insert(key.clone())
                }
            };
            if repeated {
                *self.repeated = Some(key.into_owned());
                return Err(de::Error::custom("repeated key"));
            }
        }
        Ok(item)
    }
}

/// The top-level object of a batch: `"transactions"` once, nothing else.
struct BatchObject<'r> {
    refusal: &'r mut Option<BodyError>,
}

impl<'de> DeserializeSeed<'de> for BatchObject<'_> {
    type Value = Option<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BatchObject<'_> {
    type Value = Option<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{\"transactions\": [...]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut list, mut unknown) = (None, None);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key != TRANSACTIONS {
                map.next_value::<IgnoredAny>()?;
                unknown.get_or_insert(key);
            } else if list.replace(map.next_value()?).is_some() {
                let message = "the key \"transactions\" appears twice";
                return Err(refuse(self.refusal, BodyError::new(Code::ValidationFailed, TRANSACTIONS, message)));
            }
        }
        match (list, unknown) {
            (Some(_), Some(key)) => {
                let message = format!("unknown key {key:?}; a batch object has only \"transactions\"");
                Err(refuse(self.refusal, BodyError::new(Code::ValidationFailed, "body", message)))
            }
            (list, _) => Ok(list),
        }
    }
}

/// The items of a batch, as raw values, stopping after `max_batch` of them.
struct ListSeed<'r> {
    max_batch: usize,
    refusal: &'r mut Option<BodyError>,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of transactions")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            if items.len() == self.max_batch {
                let message =
                    format!("the batch has more than {0} transactions; at most {0} are accepted", self.max_batch);
                return Err(refuse(self.refusal, BodyError::new(Code::BatchTooLarge, TRANSACTIONS, message)));
            }
            items.push(item);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(result: Result<impl fmt::Debug, BodyError>) -> (Code, String) {
        let error = result.expect_err("refused");
        (error.code, error.field)
    }

    #[test]
    fn a_transaction_reads_its_fields_as_written() {
        let body = "\u{feff}{\"external_id\":\"a\\u202e\",\"amount\":150.5,\"user_id\":42,\"description\":{\"x\":[1]},\"source\":null}";
        let tx = transaction(body.as_bytes()).unwrap();
        assert!(tx.is_object());
        assert_eq!(tx.field(Field::ExternalId), Some(Raw::Text("a\u{202e}")));
        assert_eq!(tx.field(Field::Amount), Some(Raw::Float(150.5)));
        assert_eq!(tx.field(Field::UserId), Some(Raw::Int(42)));
        assert_eq!(tx.field(Field::Description), Some(Raw::Nested));
        assert_eq!(tx.field(Field::Source), Some(Raw::Null));
        assert_eq!(tx.field(Field::Type), None);
        assert_eq!(tx.unknown_field(), None);
    }

    #[test]
    fn numbers_a_float_or_an_i64_cannot_keep_stay_text() {
        let tx = transaction(br#"{"amount": 150.0000000000000001, "user_id": 99999999999999999999}"#).unwrap();
        assert_eq!(tx.field(Field::Amount), Some(Raw::Text("150.0000000000000001")));
        assert_eq!(tx.field(Field::UserId), Some(Raw::Text("99999999999999999999")));
        let tx = transaction(br#"{"amount": 1.5e2, "user_id": -7}"#).unwrap();
        assert_eq!((tx.field(Field::Amount), tx.field(Field::UserId)), (Some(Raw::Float(150.0)), Some(Raw::Int(-7))));
    }

    #[test]
    fn a_key_given_twice_is_refused_naming_it() {
        let duplicate = br#"{"type":"accrual","amount":1,"amount":1000}"#;
        assert_eq!(refused(transaction(duplicate)), (Code::ValidationFailed, "body.amount".into()));
        let unknown_twice = br#"{"note":1,"note":2}"#;
        assert_eq!(refused(transaction(unknown_twice)), (Code::ValidationFailed, "body.note".into()));
        let in_batch = br#"[{"amount":1},{"user_id":1,"user_id":2}]"#;
        assert_eq!(refused(batch(in_batch, 10)), (Code::ValidationFailed, "transactions[1].user_id".into()));
        let escaped = br#"{"amount":1,"am\u006funt":2}"#;
        assert_eq!(
            refused(transaction(escaped)),
            (Code::ValidationFailed, "body.amount".into()),
            "escapes do not hide a key"
        );
        let wrapper = br#"{"transactions":[{}],"transactions":[{}]}"#;
        assert_eq!(refused(batch(wrapper, 10)), (Code::ValidationFailed, "transactions".into()));
    }

    #[test]
    fn a_batch_is_a_list_or_an_object_with_only_transactions() {
        assert_eq!(
            batch(br#"[{"amount":1},[],7]"#, 10).unwrap().iter().map(RawTx::is_object).collect::<Vec<_>>(),
            [true, false, false]
        );
        assert_eq!(batch(br#"{"transactions":[{}]}"#, 10).unwrap().len(), 1);
        assert_eq!(refused(batch(br#"{"transactions":[{}],"extra":1}"#, 10)), (Code::ValidationFailed, "body".into()));
        assert_eq!(refused(batch(br#"{"transactions":{}}"#, 10)), (Code::ValidationFailed, "transactions".into()));
        assert_eq!(refused(batch(br#"{"type":"accrual"}"#, 10)), (Code::ValidationFailed, "transactions".into()));
        assert_eq!(refused(batch(br#"{}"#, 10)), (Code::ValidationFailed, "transactions".into()));
        assert_eq!(refused(batch(b"[]", 10)), (Code::ValidationFailed, "transactions".into()));
        assert_eq!(refused(batch(b"7", 10)), (Code::ValidationFailed, "transactions".into()));
        assert_eq!(refused(transaction(b"[{}]")), (Code::ValidationFailed, "body".into()));
    }

    #[test]
    fn nesting_is_counted_outside_strings() {
        assert!(!nesting_exceeds(&format!("{}{}", "[".repeat(16), "]".repeat(16)), 16));
        assert!(nesting_exceeds(&format!("{}{}", "[".repeat(17), "]".repeat(17)), 16));
        assert!(!nesting_exceeds(r#"{"a":"[[[[[[[[[[[[[[[[[[[[\"[[["}"#, 2));
    }

    #[test]
    fn an_object_of_many_unknown_keys_is_read_whole() {
        // Repeats among 200,000 unknown keys are found by a set; a list made this quadratic.
        let keys: String = (0..200_000).map(|i| format!("\"k{i}\":0,")).collect();
        let body = format!("{{{keys}\"amount\":1}}");
        let tx = transaction(body.as_bytes()).unwrap();
        assert_eq!((tx.unknown_field().as_deref(), tx.field(Field::Amount)), (Some("k0"), Some(Raw::Int(1))));
        let repeated = format!("{{{keys}\"k7\":1}}");
        assert_eq!(refused(transaction(repeated.as_bytes())), (Code::ValidationFailed, "body.k7".into()));
    }

    #[test]
    fn a_batch_stops_reading_after_max_batch_items() {
        let flood = format!("[{}[0]]", "[0],".repeat(100_000));
        assert_eq!(refused(batch(flood.as_bytes(), 10)), (Code::BatchTooLarge, "transactions".into()));
        assert_eq!(batch(b"[{},{}]", 2).unwrap().len(), 2);
    }

    #[test]
    fn malformed_text_is_invalid_json() {
        let deep = format!("{}{}", "[".repeat(17), "]".repeat(17));
        let surrogate = br#"{"description":"\ud800"}"#;
        for body in [&b"{"[..], b"", b"{\"a\":1} x", b"\xff{}", b"{\"a\":01}", deep.as_bytes(), surrogate] {
            assert_eq!(refused(transaction(body)).0, Code::InvalidJson, "{:?}", String::from_utf8_lossy(body));
        }
    }
}
