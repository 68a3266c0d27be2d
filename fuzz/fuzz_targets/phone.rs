//! `core::phone::normalize` on arbitrary UTF-8.
//!
//! Properties: never panics; an accepted phone is 8..=15 ASCII digits that do
//! not start with 0; normalizing `+<output>` gives the output back (idempotence).
#![no_main]

use cashback::core::phone::normalize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let Ok(phone) = normalize(input) else { return };
    assert!((8..=15).contains(&phone.len()), "{input:?} -> {phone:?}: length {}", phone.len());
    assert!(phone.bytes().all(|b| b.is_ascii_digit()), "{input:?} -> {phone:?}: not only ASCII digits");
    assert!(!phone.starts_with('0'), "{input:?} -> {phone:?}: starts with 0");
    let again = normalize(&format!("+{phone}"));
    assert_eq!(again.as_deref(), Ok(phone.as_str()), "{input:?} -> {phone:?}: not idempotent");
    // The international form with `00` means the same as `+`.
    assert_eq!(normalize(&format!("00{phone}")).as_deref(), Ok(phone.as_str()), "{input:?} -> {phone:?} via 00");
});
