//! `cashback_core::time::parse_timestamp` in a handful of zones, plus `Zone::parse`.
//!
//! Properties: never panics; an accepted timestamp, rendered by
//! `format_timestamp` in the zone it was read in, carries the offset the zone
//! has at that instant (`Zone::offset_at`) and reads back as the same instant,
//! in that zone and in every other (the rendering carries its offset); a
//! timestamp without an offset renders with the wall-clock time it was given,
//! unless the zone's offset changes within a day of the instant (a wall-clock
//! time in a daylight saving gap is read as the same time after the change).
//! Any input that is a zone name has offsets within ±14:00 from 1970 to 2199
//! and its name reads back as the same zone.
#![no_main]

use std::sync::LazyLock;

use cashback_core::time::{Zone, format_timestamp, parse_timestamp};
use libfuzzer_sys::fuzz_target;

static ZONES: LazyLock<Vec<Zone>> = LazyLock::new(|| {
    [
        "Europe/Moscow",
        "UTC",
        "Europe/Kaliningrad",
        "Europe/Minsk",
        "Europe/Berlin",
        "Asia/Kamchatka",
        "Asia/Almaty",
        "America/New_York",
        "+14:00",
        "-14:00",
        "-05:30",
        "+0545",
    ]
    .iter()
    .map(|name| Zone::parse(name).expect("zone of the fuzz list"))
    .collect()
});

/// Instants from 1970 to 2199 at which a zone's offset is checked: the epoch, Moscow's last DST
/// change (2011-03-27), Almaty's move to +05:00 (2024-03-01), the fuzz targets' "now", the last second.
const INSTANTS: [i64; 7] =
    [0, 1_301_180_400, 1_709_229_600, 1_709_236_800, 1_795_763_700, 4_102_444_800, 7_258_118_399];

/// A day, for "the offset changes near this instant".
const DAY: i64 = 86_400;

/// Years `parse_timestamp` accepts; a rendering outside them cannot be read back by design.
fn year_in_range(rendered: &str) -> bool {
    rendered.get(..4).and_then(|year| year.parse::<i64>().ok()).is_some_and(|year| (1970..=2199).contains(&year))
}

/// The `±HH:MM` offset at the end of a rendering, in seconds.
fn rendered_offset(rendered: &str) -> Option<i32> {
    let offset = rendered.get(19..)?;
    let sign = match offset.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = offset.get(1..3)?.parse().ok()?;
    let minutes: i32 = offset.get(4..6)?.parse().ok()?;
    (offset.len() == 6 && &offset[3..4] == ":").then_some(sign * (hours * 3_600 + minutes * 60))
}

fn check(text: &str, zone: &Zone) {
    let Ok(seconds) = parse_timestamp(text, zone) else { return };
    let rendered = format_timestamp(seconds, zone);
    let offset = zone.offset_at(seconds);
    // RFC 3339 renders whole minutes; only a few historic offsets (Africa/Monrovia's -00:44:30 until 1972) have seconds.
    let whole_minutes = offset % 60 == 0;
    let expected = offset.signum() * (offset.abs() / 60 * 60);
    assert_eq!(
        rendered_offset(&rendered),
        Some(expected),
        "{text:?} in {} -> {seconds} -> {rendered:?}: offset_at says {offset}",
        zone.name()
    );
    if year_in_range(&rendered) && whole_minutes {
        assert_eq!(
            parse_timestamp(&rendered, zone),
            Ok(seconds),
            "{text:?} in {} -> {seconds} -> {rendered:?} does not read back",
            zone.name()
        );
        for other in ZONES.iter() {
            assert_eq!(parse_timestamp(&rendered, other), Ok(seconds), "{rendered:?} read in {}", other.name());
        }
    }
    // Without an offset the text is wall-clock time in `zone`, which the rendering repeats,
    // except in a gap of a change of offset: then it is read as the same time after the change.
    let bytes = text.as_bytes();
    let has_offset =
        text.ends_with(['Z', 'z']) || (bytes.len() > 16 && bytes[16..].iter().any(|b| matches!(b, b'+' | b'-')));
    if !has_offset {
        let date_time: String = text.chars().take(16).collect::<String>().replacen(['t', ' '], "T", 1);
        let changes_nearby = zone.offset_at(seconds - DAY) != zone.offset_at(seconds + DAY);
        assert!(
            rendered.starts_with(&date_time) || changes_nearby,
            "{text:?} in {} -> {rendered:?}: wall-clock time changed",
            zone.name()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for zone in ZONES.iter() {
        check(text, zone);
    }
    // The input as a zone name, and when it is one, timestamps in it.
    if let Ok(zone) = Zone::parse(text) {
        for instant in INSTANTS {
            let offset = zone.offset_at(instant);
            assert!(offset.abs() <= 14 * 3600, "{text:?}: offset {offset} at {instant} beyond ±14:00");
        }
        // Absurd instants are clamped, not a panic.
        let _ = (zone.offset_at(i64::MIN), zone.offset_at(i64::MAX));
        assert_eq!(Zone::parse(zone.name()).as_ref(), Ok(&zone), "{text:?}: zone name does not read back");
        for sample in [
            "2026-11-27T10:15:00",
            "1970-01-01T00:00:00",
            "2199-12-31T23:59:59",
            "2024-02-29 12:00",
            "2026-03-29T02:30:00",
            "2026-10-25T02:30:00",
            "2011-03-27T02:30:00",
        ] {
            check(sample, &zone);
        }
    }
});
