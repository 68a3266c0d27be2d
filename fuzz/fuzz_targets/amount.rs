//! `cashback_core::money`: `parse_decimal`, `parse_amount` and `parse_float`.
//!
//! The input is read three ways: as text (a decimal string), as a JSON document
//! (numbers, strings and anything else `parse_amount` may be given), and its
//! first 8 bytes as the bits of an f64.
//!
//! Properties: never panics; an accepted amount is within ±MAX_MINOR;
//! `format_minor` → `parse_decimal`, and `minor_to_float` → `parse_float` and
//! (as a JSON number, also through its JSON text) → `parse_amount`, give the
//! amount back; an accepted float is exactly the float the amount denotes (no
//! rounding); a JSON number written as a plain decimal of at most 15
//! significant digits reads exactly as the same text does as a string.
#![no_main]

use cashback_core::money::{MAX_MINOR, format_minor, minor_to_float, parse_amount, parse_decimal, parse_float};
use libfuzzer_sys::fuzz_target;
use serde_json::{Number, Value};

fn check_accepted(what: &dyn std::fmt::Debug, minor: i64) {
    assert!((-MAX_MINOR..=MAX_MINOR).contains(&minor), "{what:?} -> {minor}: beyond ±MAX_MINOR");
    let text = format_minor(minor);
    assert_eq!(parse_decimal(&text), Ok(minor), "{what:?} -> {minor} -> {text:?} does not round-trip");
    let float = minor_to_float(minor);
    assert_eq!(parse_float(float), Ok(minor), "{what:?} -> {minor} -> {float:?} does not round-trip");
    // The float as the JSON number a client receives, and sends back.
    let json = Value::Number(Number::from_f64(float).expect("an amount is a finite float"));
    assert_eq!(parse_amount(&json), Ok(minor), "{what:?} -> {minor} -> {json} does not round-trip");
    let text = json.to_string();
    let reread: Value = serde_json::from_str(&text).expect("a JSON number reads back");
    assert_eq!(parse_amount(&reread), Ok(minor), "{what:?} -> {minor} -> {text} (JSON text) does not round-trip");
}

/// `-?digits(.digits)?` with at most 15 significant digits and no f64 underflow: what a JSON number reads exactly.
fn plain_short_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || (unsigned.contains('.') && !all_digits(fraction)) {
        return false;
    }
    let significant = format!("{whole}{fraction}");
    let significant = significant.trim_start_matches('0').trim_end_matches('0');
    // Beyond ~300 fraction digits a nonzero number underflows to 0.0, which is no longer "exact".
    significant.len() <= 15 && fraction.trim_end_matches('0').len() <= 300
}

fn check_value(value: &Value) {
    if let Ok(minor) = parse_amount(value) {
        check_accepted(value, minor);
    }
    match value {
        Value::Array(items) => items.iter().for_each(check_value),
        Value::Object(fields) => fields.values().for_each(check_value),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() >= 8 {
        let float = f64::from_bits(u64::from_le_bytes(data[..8].try_into().unwrap()));
        if let Ok(minor) = parse_float(float) {
            check_accepted(&float, minor);
            let exact: f64 = format_minor(minor).parse().unwrap();
            assert!(exact == float, "{float:?} ({:#x}) read as {minor}, which is {exact:?}", float.to_bits());
        }
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let decimal = parse_decimal(text);
    if let Ok(minor) = decimal {
        check_accepted(&text, minor);
    }
    assert_eq!(parse_amount(&Value::String(text.to_owned())), decimal, "{text:?}: string amount differs from decimal");
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        check_value(&value);
        if value.is_number() && plain_short_decimal(text) {
            // A JSON number cannot keep trailing fraction zeros (1.000 is 1.0): compare without them.
            let trimmed = match text.split_once('.') {
                Some((whole, fraction)) if fraction.trim_end_matches('0').is_empty() => whole.to_owned(),
                Some((whole, fraction)) => format!("{whole}.{}", fraction.trim_end_matches('0')),
                None => text.to_owned(),
            };
            assert_eq!(
                parse_amount(&value).ok(),
                parse_decimal(&trimmed).ok(),
                "{text:?}: JSON number differs from the same decimal text"
            );
        }
    }
});
