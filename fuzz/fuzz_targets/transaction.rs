//! `cashback_core::tx::parse` on arbitrary JSON and on generated transaction objects,
//! in several zones and phone regions.
//!
//! Each input is used twice: as a JSON document (`serde_json::from_slice`), and
//! as the bytes that drive [`cashback_fuzz::Gen`] to build a plausible object.
//!
//! Properties: never panics; an accepted transaction has an external_id of
//! 1..=128 characters, a non-zero amount within ±MAX_MINOR, negative only for an
//! accrual, an original on every release and reversal and on nothing else, a
//! positive user id or a normalized phone (international: `+` and it reads the
//! same in every region); written back out as JSON it is read again as the same
//! transaction; and a phone given as a JSON number reads like its digits as text
//! when it is a whole positive integer, and is refused otherwise (a float such
//! as 79001234567.0 included). Every input is read in three (zone, region)
//! pairs: Moscow and RU, -05:30 and BY, Europe/Berlin (DST) and KZ.
#![no_main]

use std::sync::LazyLock;

use arbitrary::Unstructured;
use cashback_core::{
    error::TxError,
    money::{MAX_MINOR, format_minor},
    phone::{self, Region},
    time::{Zone, format_timestamp},
    tx::{self, Context, Kind, MAX_DESCRIPTION, MAX_EXTERNAL_ID, MAX_STORE_ID, TxRequest, UserRef},
};
use cashback_fuzz::Gen;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

/// A fixed "now" (2026-11-27T07:15:00Z) for transactions without created_at.
const NOW: i64 = 1_795_763_700;

/// The zones and phone regions transactions are read in: the default, a fixed offset far from it
/// with a region whose local numbers Russia refuses, and a zone with daylight saving time.
static READINGS: LazyLock<[(Zone, Region); 3]> = LazyLock::new(|| {
    let region = |code| Region::parse(code).expect("region of the fuzz list");
    let zone = |name| Zone::parse(name).expect("zone of the fuzz list");
    [(Zone::moscow(), Region::russia()), (zone("-05:30"), region("BY")), (zone("Europe/Berlin"), region("KZ"))]
});

fn context(zone: &Zone, region: Region, now: i64) -> Context<'_> {
    Context { zone, region, now }
}

fn check_accepted(raw: &Value, tx: &TxRequest<'_>, zone: &Zone, region: Region) {
    let id_chars = tx.external_id.chars().count();
    assert!((1..=MAX_EXTERNAL_ID).contains(&id_chars), "{raw}: external_id of {id_chars} characters");
    assert!(!tx.external_id.chars().any(char::is_control), "{raw}: control character in external_id");
    assert_ne!(tx.amount, 0, "{raw}: zero amount");
    assert!(tx.amount.abs() <= MAX_MINOR, "{raw}: amount {} beyond ±MAX_MINOR", tx.amount);
    assert!(tx.amount > 0 || tx.kind == Kind::Accrual, "{raw}: negative {:?}", tx.kind);
    match tx.kind {
        Kind::Release => assert!(tx.original_external_id.is_some(), "{raw}: release without an original"),
        Kind::Debit => assert!(tx.original_external_id.is_none(), "{raw}: debit with an original"),
        Kind::Accrual => {
            assert!(tx.original_external_id.is_none() || tx.amount < 0, "{raw}: positive accrual with an original")
        }
    }
    if let Some(original) = &tx.original_external_id {
        assert!((1..=MAX_EXTERNAL_ID).contains(&original.chars().count()), "{raw}: original length");
    }
    match &tx.user {
        UserRef::Id(id) => assert!(*id > 0, "{raw}: user id {id}"),
        UserRef::Phone(number) => {
            // A normalized phone is international: `+` and it read the same in every region.
            for (_, other) in READINGS.iter() {
                assert_eq!(
                    phone::normalize(&format!("+{number}"), *other).as_deref(),
                    Ok(number.as_str()),
                    "{raw}: phone"
                )
            }
        }
    }
    assert!(tx.description.chars().count() <= MAX_DESCRIPTION, "{raw}: description too long");
    assert!(
        (1..=32).contains(&tx.source.len())
            && tx.source.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "{raw}: source {:?}",
        tx.source
    );
    if let Some(store) = &tx.store_id {
        assert!((1..=MAX_STORE_ID).contains(&store.chars().count()), "{raw}: store_id length");
    }
    if raw.get("created_at").is_none_or(Value::is_null) {
        assert_eq!(tx.created_at, NOW, "{raw}: created_at default");
    }

    // Written back the way a client would send it, it reads as the same transaction.
    let mut object = Map::new();
    object.insert("external_id".into(), json!(tx.external_id));
    object.insert("type".into(), json!(tx.kind.name()));
    object.insert("amount".into(), json!(format_minor(tx.amount)));
    match &tx.user {
        UserRef::Id(id) => object.insert("user_id".into(), json!(id)),
        UserRef::Phone(number) => object.insert("user_phone".into(), json!(format!("+{number}"))),
    };
    object.insert("description".into(), json!(tx.description));
    object.insert("source".into(), json!(tx.source));
    if let Some(store) = &tx.store_id {
        object.insert("store_id".into(), json!(store));
    }
    if let Some(original) = &tx.original_external_id {
        object.insert("original_external_id".into(), json!(original));
    }
    // Out of 1970..=2199 when rendered in the zone (a far offset moved it over the edge): let "now" carry it.
    let rendered = format_timestamp(tx.created_at, zone);
    let in_range = rendered.get(..4).and_then(|y| y.parse::<i64>().ok()).is_some_and(|y| (1970..=2199).contains(&y));
    if in_range {
        object.insert("created_at".into(), json!(rendered));
    }
    let written = Value::Object(object);
    let reread = tx::parse(&written, &context(zone, region, tx.created_at));
    assert_eq!(reread.as_ref(), Ok(tx), "{raw}: written back as {written}, read differently");
}

/// A phone given as a JSON number: a whole positive number reads like its digits as text;
/// anything else (a fraction, a float such as 79001234567.0, a negative number) is refused as user_phone.
fn check_number_phone(raw: &Value, reading: &Context<'_>, parsed: &Result<TxRequest<'_>, TxError>) {
    let Some(Value::Number(number)) = raw.get("user_phone") else { return };
    if raw.get("user_id").is_some_and(|id| !id.is_null()) {
        return; // naming both is refused before the phone is read
    }
    match number.as_u64() {
        Some(digits) => {
            let mut as_text = raw.clone();
            as_text["user_phone"] = json!(digits.to_string());
            assert_eq!(parsed, &tx::parse(&as_text, reading), "{raw}: phone {number} read unlike its digits");
        }
        // Earlier fields (external_id, type, amount) may be refused first; the phone is never accepted.
        None => assert!(parsed.is_err(), "{raw}: the non-integer phone {number} was accepted"),
    }
}

fn check(raw: &Value) {
    for (zone, region) in READINGS.iter() {
        let reading = context(zone, *region, NOW);
        let first = tx::parse(raw, &reading);
        assert_eq!(tx::parse(raw, &reading), first, "{raw}: not deterministic");
        if let Ok(tx) = &first {
            check_accepted(raw, tx, zone, *region);
        }
        check_number_phone(raw, &reading, &first);
    }
    let _ = tx::raw_external_id(raw);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(raw) = serde_json::from_slice::<Value>(data) {
        check(&raw);
        if let Value::Array(items) = &raw {
            items.iter().for_each(check);
        }
    }
    let mut u = Unstructured::new(data);
    while !u.is_empty() {
        let Ok(raw) = Gen::new(&mut u).transaction() else { break };
        check(&raw);
    }
});
