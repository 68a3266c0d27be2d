//! Validation of incoming transactions: from loosely typed input ([`RawTx`]) to [`TxRequest`].
//!
//! Every refusal names the field and says what is wrong, so a 1C developer can
//! fix the request from the error alone.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::{
    error::TxError,
    money,
    phone::{self, Region},
    raw::{Field, Raw, RawTx},
    time::{self, Zone},
};

/// What a transaction does to a balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Credits cashback; with a negative amount it reverses an earlier accrual.
    Accrual = 1,
    /// Spends cashback; never below zero.
    Debit = 2,
    /// Gives back all or part of an earlier debit.
    Release = 3,
}

impl Kind {
    /// The wire name (`accrual`, `debit`, `release`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Accrual => "accrual",
            Self::Debit => "debit",
            Self::Release => "release",
        }
    }

    /// The number stored for this kind (every adapter stores kinds as these numbers).
    pub fn number(self) -> i64 {
        self as i64
    }

    /// Reads a stored number back.
    pub fn from_number(number: i64) -> Option<Self> {
        match number {
            1 => Some(Self::Accrual),
            2 => Some(Self::Debit),
            3 => Some(Self::Release),
            _ => None,
        }
    }

    fn parse(name: &str) -> Option<Self> {
        match name {
            "accrual" => Some(Self::Accrual),
            "debit" => Some(Self::Debit),
            "release" => Some(Self::Release),
            _ => None,
        }
    }

    /// Signed change of the balance for an entry of this kind and amount.
    pub fn effect(self, amount: i64) -> i64 {
        match self {
            Self::Debit => -amount,
            Self::Accrual | Self::Release => amount,
        }
    }
}

/// Whose balance a transaction changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserRef {
    /// A Bitrix user id.
    Id(i64),
    /// A normalized phone, resolved through the phone index.
    Phone(String),
}

impl UserRef {
    /// The normalized phone, for a reference by phone.
    pub fn phone(&self) -> Option<&str> {
        match self {
            Self::Phone(phone) => Some(phone),
            Self::Id(_) => None,
        }
    }

    /// The user id, for a reference by id.
    pub fn id(&self) -> Option<i64> {
        match self {
            Self::Id(id) => Some(*id),
            Self::Phone(_) => None,
        }
    }

    /// The field that names the user: `user_id` or `user_phone`.
    pub fn field(&self) -> Field {
        match self {
            Self::Id(_) => Field::UserId,
            Self::Phone(_) => Field::UserPhone,
        }
    }
}

/// A validated transaction. Its texts borrow from the request it was read from
/// (a batch item is validated, decided and written without copying them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxRequest<'a> {
    /// Idempotency key, unique forever.
    pub external_id: &'a str,
    /// Accrual, debit or release.
    pub kind: Kind,
    /// Minor units as given; negative only for an accrual reversal.
    pub amount: i64,
    /// The customer.
    pub user: UserRef,
    /// Free text shown to the customer (store address, register number).
    pub description: &'a str,
    /// Channel: `1c_retail` by default, `web` for the online shop.
    pub source: &'a str,
    /// Store the operation came from.
    pub store_id: Option<&'a str>,
    /// When it happened, Unix seconds.
    pub created_at: i64,
    /// The debit a release cancels, or the accrual a reversal corrects.
    pub original_external_id: Option<&'a str>,
}

impl TxRequest<'_> {
    /// Whether this is a negative accrual, the brief's "accrual reversal".
    pub fn is_reversal(&self) -> bool {
        self.kind == Kind::Accrual && self.amount < 0
    }
}

/// Default `source` when a request names none.
pub const DEFAULT_SOURCE: &str = "1c_retail";
/// Longest external_id, in characters.
pub const MAX_EXTERNAL_ID: usize = 128;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 1000;
/// Longest store id, in characters.
pub const MAX_STORE_ID: usize = 64;

/// What reading a transaction depends on besides the transaction itself.
#[derive(Debug, Clone, Copy)]
pub struct Context<'z> {
    /// Offset-less `created_at` times are read in this zone.
    pub zone: &'z Zone,
    /// Phones without a country code are read as numbers of this region.
    pub region: Region,
    /// The default `created_at`, Unix seconds.
    pub now: i64,
}

/// Characters of a refused item's external_id kept in its result and log row.
const MAX_REPORTED_ID: usize = 64;

/// The external_id of a refused raw item, for its result and its log row: as
/// sent when it is a valid id, else its first characters with every control or
/// format character replaced (a 400,000-character id or one carrying U+202E
/// must not reach the log, the admin page or a terminal as it came).
pub fn raw_external_id<T: RawTx + ?Sized>(raw: &T) -> Option<String> {
    let Some(Raw::Text(text)) = raw.field(Field::ExternalId) else { return None };
    if check_text(text, Field::ExternalId, MAX_EXTERNAL_ID, false).is_ok() {
        return Some(text.to_owned());
    }
    let mut shown: String = text
        .chars()
        .take(MAX_REPORTED_ID)
        .map(|c| if is_invisible(c) { char::REPLACEMENT_CHARACTER } else { c })
        .collect();
    if text.chars().nth(MAX_REPORTED_ID).is_some() {
        shown.push('…');
    }
    Some(shown)
}

/// Whether `text` is a valid store id (1..64 characters, nothing invisible, no surrounding spaces).
pub fn is_valid_store_id(text: &str) -> bool {
    !text.is_empty() && check_text(text, Field::StoreId, MAX_STORE_ID, false).is_ok()
}

/// The store a raw item names, even when the item was refused (so a store's
/// log rows include its failures), if it is a valid store id.
pub fn raw_store_id<T: RawTx + ?Sized>(raw: &T) -> Option<&str> {
    match raw.field(Field::StoreId) {
        Some(Raw::Text(store)) => Some(store).filter(|store| is_valid_store_id(store)),
        _ => None,
    }
}

/// Validates one raw transaction.
///
/// # Errors
/// [`TxError::Validation`] naming the first bad field, or [`TxError::InvalidPhone`].
pub fn parse<'a, T: RawTx + ?Sized>(raw: &'a T, context: &Context<'_>) -> Result<TxRequest<'a>, TxError> {
    if !raw.is_object() {
        return Err(TxError::field("transaction", "must be a JSON object"));
    }
    if let Some(unknown) = raw.unknown_field() {
        return Err(TxError::field("transaction", format!("unknown field {unknown:?}")));
    }
    let object = Fields(raw);
    let external_id = required_text(&object, Field::ExternalId, MAX_EXTERNAL_ID)?;
    let kind = parse_kind(&object)?;
    let amount = parse_amount(&object, kind)?;
    let user = parse_user(&object, context.region)?;
    let original_external_id = optional_text(&object, Field::OriginalExternalId, MAX_EXTERNAL_ID, false)?;
    check_original(kind, amount, original_external_id.is_some())?;
    Ok(TxRequest {
        external_id,
        kind,
        amount,
        user,
        description: optional_text(&object, Field::Description, MAX_DESCRIPTION, true)?.unwrap_or_default(),
        source: parse_source(&object)?,
        store_id: optional_text(&object, Field::StoreId, MAX_STORE_ID, false)?,
        created_at: parse_created_at(&object, context)?,
        original_external_id,
    })
}

/// The fields of a transaction; a field given as null counts as absent.
struct Fields<'a, T: ?Sized>(&'a T);

impl<'a, T: RawTx + ?Sized> Fields<'a, T> {
    fn present(&self, field: Field) -> Option<Raw<'a>> {
        self.0.field(field).filter(|value| *value != Raw::Null)
    }
}

fn required_text<'a, T: RawTx + ?Sized>(object: &Fields<'a, T>, field: Field, max: usize) -> Result<&'a str, TxError> {
    optional_text(object, field, max, false)?.ok_or_else(|| TxError::field(field.name(), "is required"))
}

/// Text of 1..=max characters without control characters (line breaks allowed in free text).
fn optional_text<'a, T: RawTx + ?Sized>(
    object: &Fields<'a, T>,
    field: Field,
    max: usize,
    free_text: bool,
) -> Result<Option<&'a str>, TxError> {
    let Some(value) = object.present(field) else { return Ok(None) };
    let Raw::Text(text) = value else {
        return Err(TxError::field(field.name(), "must be a string"));
    };
    if !free_text && text.is_empty() {
        return Err(TxError::field(field.name(), "must not be empty"));
    }
    check_text(text, field, max, free_text)?;
    Ok(Some(text))
}

/// At most `max` characters, no control characters (line breaks and tabs allowed in free text),
/// and in identifiers no format characters or line separators either and no surrounding whitespace.
fn check_text(text: &str, field: Field, max: usize, free_text: bool) -> Result<(), TxError> {
    let field = field.name();
    // A text of at most `max` bytes has at most `max` characters: count them only when it could be too long.
    if text.len() > max {
        let length = text.chars().count();
        if length > max {
            return Err(TxError::field(field, format!("is {length} characters long; at most {max} are allowed")));
        }
    }
    let allowed_control = |c: char| free_text && matches!(c, '\n' | '\r' | '\t');
    // Control characters are C0, DEL and C1; in ASCII text the bytes tell, without decoding characters.
    if text.is_ascii() {
        if text.bytes().any(|b| (b < 0x20 || b == 0x7f) && !allowed_control(char::from(b))) {
            return Err(TxError::field(field, "must not contain control characters"));
        }
    } else if free_text {
        if text.chars().any(|c| c.is_control() && !allowed_control(c)) {
            return Err(TxError::field(field, "must not contain control characters"));
        }
    } else if let Some(c) = text.chars().find(|c| is_invisible(*c)) {
        // An id that differs from another only by U+200B or U+FEFF would be a new operation.
        let code = u32::from(c);
        return Err(TxError::field(field, format!("must not contain control or format characters (U+{code:04X})")));
    }
    if !free_text && text.trim() != text {
        return Err(TxError::field(field, "must not start or end with whitespace"));
    }
    Ok(())
}

/// Characters an identifier must not hold: they are invisible or change how
/// text around them shows (Unicode Cc, Cf, Zl, Zp).
fn is_invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

fn parse_kind<T: RawTx + ?Sized>(object: &Fields<'_, T>) -> Result<Kind, TxError> {
    match object.present(Field::Type) {
        None => Err(TxError::field("type", "is required: accrual, debit or release")),
        Some(Raw::Text(name)) => Kind::parse(name)
            .ok_or_else(|| TxError::field("type", format!("{name:?} is not accrual, debit or release"))),
        Some(_) => Err(TxError::field("type", "must be a string: accrual, debit or release")),
    }
}

fn parse_amount<T: RawTx + ?Sized>(object: &Fields<'_, T>, kind: Kind) -> Result<i64, TxError> {
    let value = object.present(Field::Amount).ok_or_else(|| TxError::field("amount", "is required"))?;
    let amount = money::parse_amount(value).map_err(|message| TxError::field("amount", message))?;
    if amount == 0 {
        return Err(TxError::field("amount", "must not be zero"));
    }
    if amount < 0 && kind != Kind::Accrual {
        return Err(TxError::field("amount", format!("must be positive for {}", kind.name())));
    }
    Ok(amount)
}

fn parse_user<T: RawTx + ?Sized>(object: &Fields<'_, T>, region: Region) -> Result<UserRef, TxError> {
    let by_phone =
        |digits: &str| phone::normalize(digits, region).map(UserRef::Phone).map_err(|_| TxError::InvalidPhone);
    match (object.present(Field::UserId), object.present(Field::UserPhone)) {
        (Some(_), Some(_)) => Err(TxError::field("user_id", "give user_id or user_phone, not both")),
        (None, None) => Err(TxError::field("user_phone", "is required (or user_id)")),
        (Some(id), None) => parse_user_id(id).map(UserRef::Id),
        (None, Some(Raw::Text(text))) => by_phone(text),
        // A phone typed as a JSON integer is its digits; a fractional number (79001234567.0) is not a phone,
        // and reading its text would add the zero after the dot as a digit.
        (None, Some(Raw::Int(digits))) if digits >= 0 => by_phone(&digits.to_string()),
        (None, Some(Raw::BigInt(digits))) => by_phone(&digits.to_string()),
        (None, Some(Raw::Int(_) | Raw::Float(_))) => {
            Err(TxError::field("user_phone", "must be a string, or a whole positive number of digits"))
        }
        (None, Some(_)) => Err(TxError::field("user_phone", "must be a string")),
    }
}

/// A positive integer, given as a number or a string of digits (Bitrix ids are often strings).
pub fn parse_user_id(value: Raw<'_>) -> Result<i64, TxError> {
    let id = match value {
        Raw::Int(id) => Some(id),
        Raw::Text(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok(),
        _ => None,
    };
    id.filter(|id| *id > 0).ok_or_else(|| TxError::field("user_id", "must be a positive integer"))
}

fn check_original(kind: Kind, amount: i64, has_original: bool) -> Result<(), TxError> {
    match kind {
        Kind::Release if !has_original => {
            Err(TxError::field("original_external_id", "is required for a release: name the debit it cancels"))
        }
        Kind::Debit if has_original => Err(TxError::field("original_external_id", "is not allowed for a debit")),
        Kind::Accrual if has_original && amount > 0 => Err(TxError::field(
            "original_external_id",
            "is only allowed on a negative accrual (a reversal) or a release",
        )),
        _ => Ok(()),
    }
}

fn parse_source<'a, T: RawTx + ?Sized>(object: &Fields<'a, T>) -> Result<&'a str, TxError> {
    let Some(value) = object.present(Field::Source) else { return Ok(DEFAULT_SOURCE) };
    match value {
        Raw::Text(text)
            if (1..=32).contains(&text.len())
                && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
        {
            Ok(text)
        }
        _ => Err(TxError::field("source", "must be 1 to 32 characters of a-z, 0-9 and _ (like 1c_retail or web)")),
    }
}

fn parse_created_at<T: RawTx + ?Sized>(object: &Fields<'_, T>, context: &Context<'_>) -> Result<i64, TxError> {
    match object.present(Field::CreatedAt) {
        None => Ok(context.now),
        Some(Raw::Text(text)) => {
            time::parse_timestamp(text, context.zone).map_err(|message| TxError::field("created_at", message))
        }
        Some(_) => Err(TxError::field("created_at", "must be an ISO 8601 string like 2026-11-27T10:15:00")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn check(value: &Value) -> Result<TxRequest<'_>, TxError> {
        parse(value, &Context { zone: &Zone::moscow(), region: Region::russia(), now: 1_000 })
    }

    fn field_of(value: Value) -> &'static str {
        match check(&value) {
            Err(TxError::Validation { field, .. }) => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn reads_the_briefs_request() {
        let request = json!({
            "type": "accrual", "amount": 150.00, "external_id": "Accrual_0001_20261127",
            "user_phone": "+7 (900) 123-45-67", "description": "Store 1", "created_at": "2026-11-27T10:15:00"
        });
        let tx = check(&request).unwrap();
        assert_eq!(tx.kind, Kind::Accrual);
        assert_eq!(tx.amount, 15000);
        assert_eq!(tx.user, UserRef::Phone("79001234567".into()));
        assert_eq!(tx.source, DEFAULT_SOURCE);
        assert_eq!(tx.created_at, time::parse_timestamp("2026-11-27T07:15:00Z", &Zone::moscow()).unwrap());
    }

    #[test]
    fn names_the_bad_field() {
        let base = json!({"type": "debit", "amount": "10", "external_id": "d1", "user_id": 5});
        let with = |key: &str, value: Value| {
            let mut object = base.clone();
            object[key] = value;
            object
        };
        assert_eq!(field_of(with("amount", json!("1.234"))), "amount");
        assert_eq!(field_of(with("amount", json!(-5))), "amount");
        assert_eq!(field_of(with("amount", json!(0))), "amount");
        assert_eq!(field_of(with("type", json!("refund"))), "type");
        assert_eq!(field_of(with("external_id", json!(""))), "external_id");
        assert_eq!(field_of(with("external_id", json!("x".repeat(129)))), "external_id");
        assert_eq!(field_of(with("external_id", json!("a\u{0}b"))), "external_id");
        assert_eq!(field_of(with("user_id", json!(0))), "user_id");
        assert_eq!(field_of(with("user_phone", json!("89001234567"))), "user_id");
        assert_eq!(field_of(with("created_at", json!("yesterday"))), "created_at");
        assert_eq!(field_of(with("source", json!("Web Shop"))), "source");
        assert_eq!(field_of(with("original_external_id", json!("a1"))), "original_external_id");
        assert_eq!(field_of(with("extra", json!(1))), "transaction");
        assert_eq!(field_of(json!([1])), "transaction");
        assert_eq!(field_of(json!([])), "external_id");
        assert_eq!(
            field_of(json!({"type": "release", "amount": 1, "external_id": "r", "user_id": 1})),
            "original_external_id"
        );
        let mut bad_phone = with("user_id", json!(null));
        bad_phone["user_phone"] = json!("12");
        assert_eq!(check(&bad_phone), Err(TxError::InvalidPhone));
    }

    #[test]
    fn control_characters_are_refused_in_ascii_and_other_text() {
        for code in (0u32..0x100).chain([0x2028, 0x200b]) {
            let c = char::from_u32(code).unwrap();
            for suffix in ["", " é"] {
                let description = format!("a{c}b{suffix}");
                let request = json!({"type": "accrual", "amount": 1, "external_id": "c", "user_id": 1,
                                     "description": description});
                let allowed = !c.is_control() || matches!(c, '\n' | '\r' | '\t');
                assert_eq!(check(&request).is_ok(), allowed, "U+{code:04X} in {description:?}");
            }
        }
    }

    #[test]
    fn identifiers_refuse_format_characters_and_separators() {
        for c in
            ['\u{200b}', '\u{200d}', '\u{feff}', '\u{202e}', '\u{2066}', '\u{00ad}', '\u{2028}', '\u{2029}', '\u{85}']
        {
            for field in ["external_id", "store_id", "original_external_id"] {
                let mut request = json!({"type": "accrual", "amount": 1, "external_id": "c", "user_id": 1});
                if field == "original_external_id" {
                    request = json!({"type": "release", "amount": 1, "external_id": "c", "user_id": 1});
                }
                request[field] = json!(format!("A-1{c}"));
                let refused = check(&request).unwrap_err();
                assert_eq!(field_of(request.clone()), field, "U+{:04X} in {field}", u32::from(c));
                assert!(refused.to_string().contains(&format!("U+{:04X}", u32::from(c))), "{refused}");
            }
            let description = json!({"type": "accrual", "amount": 1, "external_id": "c", "user_id": 1,
                                     "description": format!("emoji\u{200d}text {c}")});
            assert_eq!(check(&description).is_ok(), !c.is_control(), "free text keeps format characters");
        }
        let cyrillic =
            json!({"type": "accrual", "amount": 1, "external_id": "Чек-1 №5", "user_id": 1, "store_id": "Магазин 2"});
        assert!(check(&cyrillic).is_ok());
    }

    #[test]
    fn a_refused_items_id_is_reported_bounded_and_visible() {
        let long = json!({"external_id": "x".repeat(400_000)});
        let shown = raw_external_id(&long).unwrap();
        assert_eq!((shown.chars().count(), shown.ends_with('…')), (MAX_REPORTED_ID + 1, true));
        let hidden = json!({"external_id": "A-1\u{202e}\u{1b}[2J"});
        assert_eq!(raw_external_id(&hidden).as_deref(), Some("A-1\u{fffd}\u{fffd}[2J"));
        let fine = json!({"external_id": "Чек-1"});
        assert_eq!(raw_external_id(&fine).as_deref(), Some("Чек-1"));
        assert_eq!(raw_store_id(&json!({"store_id": "s\u{200b}"})), None);
    }

    #[test]
    fn a_phone_given_as_a_number_must_be_an_integer() {
        let with_phone =
            |phone: Value| json!({"type": "accrual", "amount": 1, "external_id": "p", "user_phone": phone});
        assert_eq!(check(&with_phone(json!(79001234567u64))).unwrap().user, UserRef::Phone("79001234567".into()));
        assert_eq!(field_of(with_phone(json!(900123456.0))), "user_phone");
        assert_eq!(field_of(with_phone(json!(79001234567.0))), "user_phone");
        assert_eq!(
            check(&with_phone(json!(-79001234567i64))),
            Err(TxError::field("user_phone", "must be a string, or a whole positive number of digits"))
        );
    }

    #[test]
    fn a_negative_accrual_is_a_reversal() {
        let request = json!({"type": "accrual", "amount": -50, "external_id": "rv", "user_id": "7",
                             "original_external_id": "a1"});
        let tx = check(&request).unwrap();
        assert!(tx.is_reversal());
        assert_eq!(tx.user, UserRef::Id(7));
        assert_eq!(tx.created_at, 1_000);
    }
}
