//! `core::time::parse_timestamp` in a handful of zones, plus `Zone::parse`.
//!
//! Properties: never panics; an accepted timestamp, rendered by
//! `format_timestamp` in the zone it was read in, reads back as the same
//! instant, in that zone and in every other (the rendering carries its offset);
//! a timestamp without an offset renders with the wall-clock time it was given.
#![no_main]

use cashback::core::time::{Zone, format_timestamp, parse_timestamp};
use libfuzzer_sys::fuzz_target;
use once_cell::sync::Lazy;

static ZONES: Lazy<Vec<Zone>> = Lazy::new(|| {
    [
        "Europe/Moscow",
        "UTC",
        "Europe/Kaliningrad",
        "Asia/Kamchatka",
        "Asia/Almaty",
        "+14:00",
        "-14:00",
        "-05:30",
        "+0545",
    ]
    .iter()
    .map(|name| Zone::parse(name).expect("zone of the fuzz list"))
    .collect()
});

/// Years `parse_timestamp` accepts; a rendering outside them cannot be read back by design.
fn year_in_range(rendered: &str) -> bool {
    rendered.get(..4).and_then(|year| year.parse::<i64>().ok()).is_some_and(|year| (1970..=2199).contains(&year))
}

fn check(text: &str, zone: &Zone) {
    let Ok(seconds) = parse_timestamp(text, zone) else { return };
    let rendered = format_timestamp(seconds, zone);
    if year_in_range(&rendered) {
        assert_eq!(
            parse_timestamp(&rendered, zone),
            Ok(seconds),
            "{text:?} in {} -> {seconds} -> {rendered:?} does not read back",
            zone.name
        );
        for other in ZONES.iter() {
            assert_eq!(parse_timestamp(&rendered, other), Ok(seconds), "{rendered:?} read in {}", other.name);
        }
    }
    // Without an offset the text is wall-clock time in `zone`, which the rendering repeats.
    let bytes = text.as_bytes();
    let has_offset =
        text.ends_with(['Z', 'z']) || (bytes.len() > 16 && bytes[16..].iter().any(|b| matches!(b, b'+' | b'-')));
    if !has_offset {
        let date_time: String = text.chars().take(16).collect::<String>().replacen(['t', ' '], "T", 1);
        assert!(rendered.starts_with(&date_time), "{text:?} in {} -> {rendered:?}: wall-clock time changed", zone.name);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for zone in ZONES.iter() {
        check(text, zone);
    }
    // The input as a zone name, and when it is one, timestamps in it.
    if let Ok(zone) = Zone::parse(text) {
        assert!(zone.offset_seconds.abs() <= 14 * 3600, "{text:?}: offset {} beyond ±14:00", zone.offset_seconds);
        assert_eq!(Zone::parse(&zone.name).as_ref(), Ok(&zone), "{text:?}: zone name does not read back");
        for sample in ["2026-11-27T10:15:00", "1970-01-01T00:00:00", "2199-12-31T23:59:59", "2024-02-29 12:00"] {
            check(sample, &zone);
        }
    }
});
