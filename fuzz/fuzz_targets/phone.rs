//! `cashback_core::phone::normalize` on arbitrary UTF-8, read in several regions.
//!
//! Properties, in every region: never panics; an accepted phone is 1..=15 ASCII
//! digits that do not start with 0 (validity itself is libphonenumber's
//! metadata, which has no minimum length: some countries have 7-digit
//! international numbers); normalizing `+<output>` or `00<output>` gives the
//! output back in every region (idempotence: the international form does not
//! depend on the region it is read in).
#![no_main]

use std::sync::LazyLock;

use cashback_core::phone::{Region, normalize};
use libfuzzer_sys::fuzz_target;

/// Russia (with its fast path); Belarus, Kazakhstan (which shares +7) and Ukraine; Germany
/// (trunk prefix 0, national numbers of many lengths); the US (+1, shared by some 25 regions).
static REGIONS: LazyLock<Vec<Region>> = LazyLock::new(|| {
    ["RU", "BY", "KZ", "DE", "UA", "US"]
        .iter()
        .map(|code| Region::parse(code).expect("region of the fuzz list"))
        .collect()
});

fn check(input: &str, region: Region) {
    let Ok(phone) = normalize(input, region) else { return };
    assert!((1..=15).contains(&phone.len()), "{input:?} in {region:?} -> {phone:?}: length {}", phone.len());
    assert!(phone.bytes().all(|b| b.is_ascii_digit()), "{input:?} in {region:?} -> {phone:?}: not only ASCII digits");
    assert!(!phone.starts_with('0'), "{input:?} in {region:?} -> {phone:?}: starts with 0");
    for other in REGIONS.iter().copied() {
        let again = normalize(&format!("+{phone}"), other);
        assert_eq!(again.as_deref(), Ok(phone.as_str()), "{input:?} in {region:?} -> {phone:?}: +form in {other:?}");
        // The international form with `00` means the same as `+`.
        let again = normalize(&format!("00{phone}"), other);
        assert_eq!(again.as_deref(), Ok(phone.as_str()), "{input:?} in {region:?} -> {phone:?}: 00form in {other:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    for region in REGIONS.iter().copied() {
        check(input, region);
    }
    // Region codes themselves: any input either is refused or names a region that reads its own numbers.
    if let Ok(region) = Region::parse(input) {
        assert_eq!(Region::parse(region.code()), Ok(region), "{input:?}: region code does not read back");
        check("8 029 123-45-67", region);
        check("+7 900 123 45 67", region);
    }
});
