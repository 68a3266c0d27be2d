//! Request bodies through `cashback_core::wire`: the input bytes as the body of
//! `POST transactions` and of `POST transactions/batch` (`max_batch` 50), then
//! every transaction read from them through `cashback_core::tx::parse`.
//!
//! Properties: never panics; a refusal has a code of its kind (`invalid_json`,
//! `validation_failed`, and `batch_too_large` for batches only) and names where;
//! a batch read has 1..=50 items; and a transaction the wire reads the same as
//! serde_json's tree of the same text (no key twice, numbers a float keeps)
//! validates the same either way.
#![no_main]

use cashback_core::{
    code::Code,
    phone::Region,
    time::Zone,
    tx::{self, Context},
    wire::{self, BodyError},
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const MAX_BATCH: usize = 50;

fuzz_target!(|data: &[u8]| {
    let zone = Zone::moscow();
    let context = Context { zone: &zone, region: Region::russia(), now: 1_795_763_700 };
    match wire::transaction(data) {
        Ok(item) => compare_with_the_tree(data, &item, &context),
        Err(refused) => check_refusal(&refused, false),
    }
    match wire::batch(data, MAX_BATCH) {
        Ok(items) => {
            assert!((1..=MAX_BATCH).contains(&items.len()), "{} items", items.len());
            for item in &items {
                let _ = tx::parse(item, &context);
            }
        }
        Err(refused) => check_refusal(&refused, true),
    }
});

fn check_refusal(refused: &BodyError, batch: bool) {
    let kinds: &[Code] = if batch {
        &[Code::InvalidJson, Code::ValidationFailed, Code::BatchTooLarge]
    } else {
        &[Code::InvalidJson, Code::ValidationFailed]
    };
    assert!(kinds.contains(&refused.code), "{refused:?}");
    assert!(!refused.field.is_empty() && !refused.message.is_empty(), "{refused:?}");
}

/// The same text as a serde_json tree (which keeps the last of a repeated key, so a body the wire
/// accepted has none): where no number has more digits than a float keeps, both read alike.
fn compare_with_the_tree(data: &[u8], item: &wire::JsonTx<'_>, context: &Context<'_>) {
    let text = std::str::from_utf8(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data)).expect("the wire read UTF-8");
    let Ok(tree) = serde_json::from_str::<Value>(text) else { return };
    if has_long_number(&tree) {
        return; // the wire keeps such numbers as text and refuses them; the tree rounds them
    }
    let (by_wire, by_tree) = (tx::parse(item, context), tx::parse(&tree, context));
    if let (Ok(by_wire), Ok(by_tree)) = (&by_wire, &by_tree) {
        assert_eq!(by_wire, by_tree, "{text}");
    }
    assert_eq!(by_wire.is_ok(), by_tree.is_ok(), "{text}: {by_wire:?} / {by_tree:?}");
}

fn has_long_number(value: &Value) -> bool {
    match value {
        Value::Number(number) => {
            let digits = number.to_string().chars().filter(char::is_ascii_digit).count();
            digits > 15 || number.as_i64().is_none()
        }
        Value::Array(items) => items.iter().any(has_long_number),
        Value::Object(fields) => fields.values().any(has_long_number),
        _ => false,
    }
}
