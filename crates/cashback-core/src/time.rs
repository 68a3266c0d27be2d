//! ISO 8601 / RFC 3339 timestamps, read and rendered in IANA time zones.
//!
//! The text is checked here, field by field, so that a 1C developer gets a
//! precise message (`day 31 does not exist in 2026-11`); calendar arithmetic,
//! time zones and daylight saving time are jiff's, with its bundled copy of
//! the IANA database (no files are read: the same rules on every host).

use std::time::{SystemTime, UNIX_EPOCH};

use jiff::{
    Timestamp,
    civil::{Date, DateTime},
    tz::{Offset, TimeZone},
};

/// Seconds in an hour, used to build offsets.
const SECONDS_PER_HOUR: i32 = 3_600;

/// Largest offset in use anywhere (Line Islands, +14:00); anything beyond is a typo.
const MAX_OFFSET_SECONDS: i32 = 14 * SECONDS_PER_HOUR;

/// Earliest accepted year: nothing in the ledger predates the Unix epoch.
const MIN_YEAR: i64 = 1970;

/// Latest accepted year: far enough for any expiry date, near enough to catch typos like `20260`.
const MAX_YEAR: i64 = 2199;

/// Length of the mandatory `YYYY-MM-DDTHH:MM:SS` part.
const DATE_TIME_LEN: usize = 19;

/// Longest fraction accepted: nanosecond precision, as RFC 3339 producers emit at most.
const MAX_FRACTION_DIGITS: usize = 9;

/// Moscow time: what 1C sends when it sends no offset, and the ledger's default zone.
pub const MOSCOW: &str = "Europe/Moscow";

/// The zone offset-less timestamps are read in, and times are rendered in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    /// Europe/Moscow.
    pub fn moscow() -> Zone {
        Zone::parse(MOSCOW).expect("Moscow is in the bundled database")
    }

    /// Parses a zone name.
    ///
    /// Accepted, ignoring surrounding whitespace and ASCII case:
    /// - any IANA name, e.g. `Europe/Moscow`, `Europe/Minsk`, `Asia/Almaty`, `Europe/Berlin`
    ///   (with its daylight saving time and historic offsets);
    /// - `UTC`;
    /// - explicit fixed offsets `+03:00`, `-05:30`, `+0300` (up to ±14:00).
    ///
    /// # Errors
    /// A message listing the accepted forms for anything else, e.g. `Mars/Base`.
    pub fn parse(name: &str) -> Result<Zone, String> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("UTC") {
            return Ok(Zone { name: "UTC".to_owned(), tz: TimeZone::UTC });
        }
        if name.starts_with(['+', '-']) {
            let seconds = parse_offset(name)?;
            let offset = Offset::from_seconds(seconds).map_err(|error| error.to_string())?;
            return Ok(Zone { name: format_offset(seconds), tz: TimeZone::fixed(offset) });
        }
        let unknown = || {
            format!(
                "unknown time zone {}: expected UTC, an offset like +03:00 or +0300, \
                 or an IANA name such as Europe/Moscow, Europe/Minsk or Asia/Almaty",
                quote(name)
            )
        };
        // jiff resolves names case-insensitively; a name must look like one (no paths, no empty parts).
        if name.is_empty() || name.starts_with('/') || name.contains("..") {
            return Err(unknown());
        }
        let tz = TimeZone::get(name).map_err(|_| unknown())?;
        let canonical = tz.iana_name().unwrap_or(name).to_owned();
        Ok(Zone { name: canonical, tz })
    }

    /// The display name: the canonical IANA name, `UTC`, or an offset like `+03:00`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The offset east of UTC, in seconds, in force at `unix_seconds`.
    pub fn offset_at(&self, unix_seconds: i64) -> i32 {
        self.tz.to_offset(clamped(unix_seconds)).seconds()
    }
}

/// Parses an ISO 8601 / RFC 3339 timestamp into Unix seconds (UTC).
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS` (the seconds may be left out), optional
/// fraction `.f{1,9}` (truncated to whole seconds), optional `Z`/`z` or
/// `±HH:MM` or `±HHMM` offset; a space (or the RFC 3339 lower-case `t`) instead
/// of `T` is accepted too. Without an offset the time is read in `zone`, with
/// the offset in force there at that time; a wall-clock time that a daylight
/// saving change skips is read as the same time after the change, one that
/// occurs twice as the first of them. The date must exist (leap seconds are
/// refused); year 1970..=2199. Offsets up to ±14:00.
///
/// # Errors
/// A specific human-readable message, e.g.
/// `expected YYYY-MM-DDTHH:MM:SS, got "..."`, `month 13 out of range (1-12)`,
/// `day 31 does not exist in 2026-11`.
pub fn parse_timestamp(text: &str, zone: &Zone) -> Result<i64, String> {
    if text.is_empty() {
        return Err("empty timestamp, expected YYYY-MM-DDTHH:MM:SS".to_owned());
    }
    let with_seconds = with_default_seconds(text);
    let text = with_seconds.as_deref().unwrap_or(text);
    let local = Fields::parse(text).ok_or_else(|| format!("expected YYYY-MM-DDTHH:MM:SS, got {}", quote(text)))?;
    let datetime = local.to_datetime()?;
    // The layout check guarantees the first 19 bytes are ASCII, so this slice is on a char boundary.
    let suffix = skip_fraction(&text[DATE_TIME_LEN..])?;
    let instant = match parse_suffix_offset(suffix)? {
        Some(offset) => Offset::from_seconds(offset).and_then(|offset| offset.to_timestamp(datetime)),
        None => zone.tz.to_ambiguous_timestamp(datetime).compatible(),
    };
    instant.map(|instant| instant.as_second()).map_err(|error| format!("{} cannot be read: {error}", quote(text)))
}

/// ISO 8601 lets the seconds be left out (`2026-11-27T10:15`, what an HTML
/// datetime-local field sends); reads them as `:00`.
fn with_default_seconds(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let minutes_only = bytes.len() >= 16 && bytes[13] == b':' && bytes.get(16) != Some(&b':');
    (minutes_only && text.is_char_boundary(16)).then(|| format!("{}:00{}", &text[..16], &text[16..]))
}

/// Formats Unix seconds as RFC 3339 in `zone`, e.g. `2026-11-27T10:15:00+03:00` (UTC renders as `+00:00`).
///
/// The offset is the one in force at that instant, rendered to whole minutes
/// (RFC 3339 cannot express seconds).
pub fn format_timestamp(unix_seconds: i64, zone: &Zone) -> String {
    let instant = clamped(unix_seconds);
    let offset = zone.tz.to_offset(instant);
    let local = offset.to_datetime(instant);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute(),
        local.second(),
        format_offset(offset.seconds())
    )
}

/// Formats Unix milliseconds as RFC 3339 in `zone`, to the second.
pub fn format_millis(unix_millis: i64, zone: &Zone) -> String {
    format_timestamp(unix_millis.div_euclid(1000), zone)
}

/// The instant at `unix_seconds`; absurd values render as the ends of jiff's range instead of panicking.
fn clamped(unix_seconds: i64) -> Timestamp {
    let bounded = unix_seconds.clamp(Timestamp::MIN.as_second() + 86_400, Timestamp::MAX.as_second() - 86_400);
    Timestamp::from_second(bounded).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Current Unix time in milliseconds (`SystemTime`).
///
/// A clock set before 1970 yields a negative value rather than a panic.
pub fn now_millis() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        Err(err) => -i64::try_from(err.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// The wall-clock fields of a timestamp before its offset is applied.
#[derive(Debug, Clone, Copy)]
struct Fields {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Fields {
    /// Reads the fixed-width `YYYY-MM-DDTHH:MM:SS` prefix; `None` when the layout does not match.
    fn parse(text: &str) -> Option<Fields> {
        let bytes = text.as_bytes();
        if bytes.len() < DATE_TIME_LEN || !has_date_time_separators(bytes) {
            return None;
        }
        Some(Fields {
            year: digits(&bytes[0..4])?,
            month: digits(&bytes[5..7])?,
            day: digits(&bytes[8..10])?,
            hour: digits(&bytes[11..13])?,
            minute: digits(&bytes[14..16])?,
            second: digits(&bytes[17..19])?,
        })
    }

    /// The civil date and time, reporting the first offending field.
    fn to_datetime(self) -> Result<DateTime, String> {
        let Fields { year, month, day, .. } = self;
        if !(MIN_YEAR..=MAX_YEAR).contains(&i64::from(year)) {
            return Err(format!("year {year} out of range ({MIN_YEAR}-{MAX_YEAR})"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} out of range (1-12)"));
        }
        // Year, month and day are in range for jiff's types; the date itself may not exist.
        let date = Date::new(year as i16, month as i8, day as i8)
            .map_err(|_| format!("day {day} does not exist in {year:04}-{month:02}"))?;
        check_range("hour", self.hour, 23)?;
        check_range("minute", self.minute, 59)?;
        if self.second == 60 {
            return Err("second 60 out of range (0-59): leap seconds are not supported".to_owned());
        }
        check_range("second", self.second, 59)?;
        Ok(date.at(self.hour as i8, self.minute as i8, self.second as i8, 0))
    }
}

/// Checks the punctuation of `YYYY-MM-DDTHH:MM:SS`; digits are checked while reading fields.
fn has_date_time_separators(bytes: &[u8]) -> bool {
    bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b't' | b' ')
        && bytes[13] == b':'
        && bytes[16] == b':'
}

/// Reads a run of ASCII digits; `None` if any byte is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

/// Errors with `"<field> <value> out of range (0-<max>)"` when `value > max`.
fn check_range(field: &str, value: u32, max: u32) -> Result<(), String> {
    if value > max {
        return Err(format!("{field} {value} out of range (0-{max})"));
    }
    Ok(())
}

/// Skips an optional `.f{1,9}` fraction; sub-second precision is not kept by the ledger.
fn skip_fraction(rest: &str) -> Result<&str, String> {
    let Some(after_dot) = rest.strip_prefix('.') else {
        return Ok(rest);
    };
    let count = after_dot.bytes().take_while(u8::is_ascii_digit).count();
    if count == 0 || count > MAX_FRACTION_DIGITS {
        return Err(format!("fraction of a second must have 1 to {MAX_FRACTION_DIGITS} digits, got {}", quote(rest)));
    }
    Ok(&after_dot[count..])
}

/// What follows the time: nothing (the zone's offset), `Z`/`z`, or a numeric offset in seconds.
fn parse_suffix_offset(suffix: &str) -> Result<Option<i32>, String> {
    match suffix {
        "" => Ok(None),
        "Z" | "z" => Ok(Some(0)),
        _ if suffix.starts_with(['+', '-']) => parse_offset(suffix).map(Some),
        _ => {
            Err(format!("unexpected {} after the time, expected a fraction, Z or an offset like +03:00", quote(suffix)))
        }
    }
}

/// Parses `±HH:MM` or `±HHMM` into seconds east of UTC, up to ±14:00.
fn parse_offset(text: &str) -> Result<i32, String> {
    let invalid = || format!("invalid UTC offset {}, expected ±HH:MM or ±HHMM", quote(text));
    let bytes = text.as_bytes();
    let (hours, minutes) = match bytes {
        [_, h @ .., b':', m1, m2] if h.len() == 2 => (digits(h), digits(&[*m1, *m2])),
        [_, h1, h2, m1, m2] => (digits(&[*h1, *h2]), digits(&[*m1, *m2])),
        _ => return Err(invalid()),
    };
    let (Some(hours), Some(minutes)) = (hours, minutes) else {
        return Err(invalid());
    };
    // Two digits each, so the casts cannot overflow.
    let magnitude = hours as i32 * SECONDS_PER_HOUR + minutes as i32 * 60;
    if minutes > 59 || magnitude > MAX_OFFSET_SECONDS {
        return Err(format!("UTC offset {} out of range (up to ±14:00)", quote(text)));
    }
    Ok(if bytes[0] == b'-' { -magnitude } else { magnitude })
}

/// Renders an offset as `±HH:MM`; zero is `+00:00` as RFC 3339 prefers for known-UTC times.
fn format_offset(offset_seconds: i32) -> String {
    let sign = if offset_seconds < 0 { '-' } else { '+' };
    let magnitude = offset_seconds.unsigned_abs();
    format!("{sign}{:02}:{:02}", magnitude / 3_600, magnitude % 3_600 / 60)
}

/// Quotes user input for error messages, shortened so garbage cannot flood logs.
fn quote(text: &str) -> String {
    const MAX_CHARS: usize = 40;
    if text.chars().count() <= MAX_CHARS {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(MAX_CHARS).collect();
    format!("{head:?}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> Zone {
        Zone::parse("UTC").unwrap()
    }

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse_timestamp(text, &Zone::moscow()).unwrap_err()
    }

    #[test]
    fn seconds_may_be_left_out() {
        let moscow = Zone::moscow();
        assert_eq!(parse_timestamp("2026-11-27T10:15", &moscow), parse_timestamp("2026-11-27T10:15:00", &moscow));
        assert_eq!(parse_timestamp("2026-11-27T10:15Z", &moscow), parse_timestamp("2026-11-27T10:15:00Z", &moscow));
        assert_eq!(
            parse_timestamp("2026-11-27T10:15+05:00", &moscow),
            parse_timestamp("2026-11-27T10:15:00+05:00", &moscow)
        );
        assert!(parse_timestamp("2026-11-27T10:1", &moscow).is_err());
        assert!(parse_timestamp("2026-11-27T10:15:", &moscow).is_err());
    }

    /// Reference values below come from GNU `date -d '...' +%s`.
    #[test]
    fn one_c_local_time_is_read_in_moscow() {
        assert_eq!(parse_timestamp("2026-11-27T10:15:00", &Zone::moscow()), Ok(1_795_763_700));
    }

    #[test]
    fn z_and_explicit_offsets() {
        let moscow = Zone::moscow();
        assert_eq!(parse_timestamp("2026-11-27T07:15:00Z", &moscow), Ok(1_795_763_700));
        assert_eq!(parse_timestamp("2026-11-27T07:15:00z", &moscow), Ok(1_795_763_700));
        assert_eq!(parse_timestamp("2026-11-27T10:15:00+03:00", &utc()), Ok(1_795_763_700));
        assert_eq!(parse_timestamp("2026-11-27T10:15:00+0300", &utc()), Ok(1_795_763_700));
        assert_eq!(parse_timestamp("2024-02-29T00:00:00Z", &moscow), Ok(1_709_164_800));
        assert_eq!(parse_timestamp("2199-12-31T23:59:59Z", &moscow), Ok(7_258_118_399));
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z", &moscow), Ok(0));
    }

    #[test]
    fn negative_offsets() {
        assert_eq!(parse_timestamp("2026-01-15T08:00:00-05:30", &utc()), Ok(1_768_483_800));
        assert_eq!(parse_timestamp("2026-01-15T08:00:00-0530", &utc()), Ok(1_768_483_800));
        let zone = zone("-05:30");
        assert_eq!(format_timestamp(1_768_483_800, &zone), "2026-01-15T08:00:00-05:30");
        assert_eq!(parse_timestamp("2026-01-15T08:00:00", &zone), Ok(1_768_483_800));
    }

    #[test]
    fn offsets_beyond_fourteen_hours_are_rejected() {
        assert!(parse_timestamp("2026-01-15T08:00:00+14:00", &utc()).is_ok());
        assert!(parse_err("2026-01-15T08:00:00+14:01").contains("out of range"));
        assert!(parse_err("2026-01-15T08:00:00-15:00").contains("out of range"));
        assert!(parse_err("2026-01-15T08:00:00+03:60").contains("out of range"));
        assert!(parse_err("2026-01-15T08:00:00+3:00").contains("invalid UTC offset"));
    }

    #[test]
    fn fractions_are_truncated() {
        let moscow = Zone::moscow();
        for text in [
            "2026-11-27T10:15:00.0",
            "2026-11-27T10:15:00.5",
            "2026-11-27T10:15:00.999999999",
            "2026-11-27T07:15:00.123Z",
            "2026-11-27T10:15:00.123456+03:00",
        ] {
            assert_eq!(parse_timestamp(text, &moscow), Ok(1_795_763_700), "{text}");
        }
        assert!(parse_err("2026-11-27T10:15:00.").contains("fraction"));
        assert!(parse_err("2026-11-27T10:15:00.1234567890").contains("fraction"));
        assert!(parse_err("2026-11-27T10:15:00.Z").contains("fraction"));
    }

    #[test]
    fn space_separator() {
        assert_eq!(parse_timestamp("2026-11-27 10:15:00", &Zone::moscow()), Ok(1_795_763_700));
        assert_eq!(parse_timestamp("2026-11-27 07:15:00Z", &Zone::moscow()), Ok(1_795_763_700));
    }

    #[test]
    fn invalid_dates_and_times() {
        assert_eq!(parse_err("2026-02-29T00:00:00"), "day 29 does not exist in 2026-02");
        assert!(parse_timestamp("2024-02-29T00:00:00", &Zone::moscow()).is_ok());
        assert_eq!(parse_err("2100-02-29T00:00:00"), "day 29 does not exist in 2100-02");
        assert!(parse_timestamp("2000-02-29T00:00:00", &Zone::moscow()).is_ok());
        assert_eq!(parse_err("2026-11-31T00:00:00"), "day 31 does not exist in 2026-11");
        assert_eq!(parse_err("2026-11-00T00:00:00"), "day 0 does not exist in 2026-11");
        assert_eq!(parse_err("2026-11-99T00:00:00"), "day 99 does not exist in 2026-11");
        assert_eq!(parse_err("2026-13-01T00:00:00"), "month 13 out of range (1-12)");
        assert_eq!(parse_err("2026-00-01T00:00:00"), "month 0 out of range (1-12)");
        assert_eq!(parse_err("2026-11-27T25:00:00"), "hour 25 out of range (0-23)");
        assert_eq!(parse_err("2026-11-27T24:00:00"), "hour 24 out of range (0-23)");
        assert_eq!(parse_err("2026-11-27T10:60:00"), "minute 60 out of range (0-59)");
        assert!(parse_err("2026-11-27T10:15:60").contains("leap seconds"));
        assert_eq!(parse_err("2026-11-27T10:15:61"), "second 61 out of range (0-59)");
        assert_eq!(parse_err("1969-12-31T23:59:59"), "year 1969 out of range (1970-2199)");
        assert_eq!(parse_err("2200-01-01T00:00:00"), "year 2200 out of range (1970-2199)");
    }

    #[test]
    fn garbage_and_empty_strings() {
        assert!(parse_err("").contains("empty timestamp"));
        for text in [
            "garbage",
            "2026-11-27",
            "2026/11/27T10:15:00",
            "2026-11-27X10:15:00",
            "20261127T101500",
            "2026-1-27T10:15:00",
            "+026-11-27T10:15:00",
            "2026-11-27T10:15:0a",
            "\u{00e9}026-11-27T10:15:00",
            " 2026-11-27T10:15:00",
        ] {
            assert!(parse_err(text).starts_with("expected YYYY-MM-DDTHH:MM:SS, got"), "{text}");
        }
        assert!(parse_err("2026-11-27T10:15:00 ").contains("unexpected"));
        assert!(parse_err("2026-11-27T10:15:00UTC").contains("unexpected"));
        assert!(parse_err("2026-11-27T10:15:00+03:00:00").contains("invalid UTC offset"));
        assert!(parse_err("2026-11-27T10:15:00\u{00e9}").contains("unexpected"));
    }

    #[test]
    fn long_garbage_is_shortened_in_errors() {
        let message = parse_err(&"x".repeat(10_000));
        assert!(message.len() < 100, "{message}");
    }

    #[test]
    fn format_examples() {
        assert_eq!(format_timestamp(1_795_763_700, &Zone::moscow()), "2026-11-27T10:15:00+03:00");
        assert_eq!(format_timestamp(1_795_763_700, &utc()), "2026-11-27T07:15:00+00:00");
        assert_eq!(format_timestamp(0, &utc()), "1970-01-01T00:00:00+00:00");
        assert_eq!(format_timestamp(-1, &utc()), "1969-12-31T23:59:59+00:00");
        assert_eq!(format_millis(1_795_763_700_999, &Zone::moscow()), "2026-11-27T10:15:00+03:00");
        assert!(format_timestamp(i64::MAX, &utc()).starts_with("9999-"), "absurd values render, not panic");
    }

    #[test]
    fn round_trip_in_several_zones() {
        let cases = [
            ("Europe/Kaliningrad", "2026-03-01T00:00:00+02:00"),
            ("Europe/Moscow", "2026-11-27T10:15:00+03:00"),
            ("Europe/Minsk", "2026-11-27T10:15:00+03:00"),
            ("Asia/Almaty", "2024-02-29T23:59:59+06:00"),
            ("Asia/Almaty", "2026-02-27T23:59:59+05:00"),
            ("Asia/Kamchatka", "2199-12-31T23:59:59+12:00"),
            ("Europe/Berlin", "2026-07-01T12:00:00+02:00"),
            ("Europe/Berlin", "2026-01-15T12:00:00+01:00"),
            ("America/New_York", "2026-07-04T12:34:56-04:00"),
            ("UTC", "1970-01-01T00:00:00+00:00"),
            ("-05:30", "2026-01-15T08:00:00-05:30"),
            ("+0545", "2026-07-04T12:34:56+05:45"),
        ];
        for (zone_name, text) in cases {
            let zone = zone(zone_name);
            let seconds = parse_timestamp(text, &zone).unwrap();
            assert_eq!(format_timestamp(seconds, &zone), text, "{zone_name}");
            let local = &text[..DATE_TIME_LEN];
            assert_eq!(parse_timestamp(local, &zone), Ok(seconds), "{zone_name} without offset");
        }
    }

    #[test]
    fn daylight_saving_time_is_the_zones_own() {
        let berlin = zone("Europe/Berlin");
        let summer = parse_timestamp("2026-07-01T12:00:00", &berlin).unwrap();
        let winter = parse_timestamp("2026-01-15T12:00:00", &berlin).unwrap();
        assert_eq!(summer, parse_timestamp("2026-07-01T10:00:00Z", &berlin).unwrap());
        assert_eq!(winter, parse_timestamp("2026-01-15T11:00:00Z", &berlin).unwrap());
        assert_eq!((berlin.offset_at(summer), berlin.offset_at(winter)), (7_200, 3_600));
        // 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00): read as 03:30 CEST.
        assert_eq!(
            parse_timestamp("2026-03-29T02:30:00", &berlin),
            parse_timestamp("2026-03-29T03:30:00+02:00", &berlin)
        );
        // 2026-10-25 02:30 happens twice: the first one (CEST) is taken.
        assert_eq!(
            parse_timestamp("2026-10-25T02:30:00", &berlin),
            parse_timestamp("2026-10-25T02:30:00+02:00", &berlin)
        );
    }

    #[test]
    fn zone_names() {
        assert_eq!(Zone::parse("Europe/Moscow"), Ok(Zone::moscow()));
        assert_eq!(Zone::parse(" europe/moscow ").unwrap().name(), "Europe/Moscow");
        assert_eq!(Zone::parse("europe/minsk").unwrap().name(), "Europe/Minsk");
        let offset_now = |name: &str| zone(name).offset_at(1_795_763_700);
        assert_eq!(offset_now("Asia/Yekaterinburg"), 5 * 3_600);
        assert_eq!(offset_now("Asia/Ust-Nera"), 10 * 3_600);
        assert_eq!(offset_now("Asia/Anadyr"), 12 * 3_600);
        assert_eq!(offset_now("Europe/Kaliningrad"), 2 * 3_600);
        assert_eq!(offset_now("Europe/Minsk"), 3 * 3_600);
        assert_eq!(offset_now("Asia/Qyzylorda"), 5 * 3_600);
        assert_eq!(Zone::parse("utc").unwrap().name(), "UTC");
    }

    #[test]
    fn zone_offsets() {
        let plus_three = zone("+03:00");
        assert_eq!(plus_three.name(), "+03:00");
        assert_eq!(Zone::parse("+0300"), Ok(plus_three.clone()));
        assert_eq!(plus_three.offset_at(0), 10_800);
        assert_eq!(zone("-05:30").offset_at(0), -19_800);
        assert_eq!(zone("-00:00").offset_at(0), 0);
        assert!(Zone::parse("+14:30").unwrap_err().contains("out of range"));
        assert!(Zone::parse("+3").unwrap_err().contains("invalid UTC offset"));
    }

    #[test]
    fn unknown_zones_are_rejected() {
        let message = Zone::parse("Mars/Base").unwrap_err();
        assert!(message.contains("Mars/Base"), "{message}");
        assert!(message.contains("Europe/Moscow"), "{message}");
        for bad in ["", "/etc/passwd", "Europe/../Europe/Moscow", "Europe/", "Moscow"] {
            assert!(Zone::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_millis() > 1_704_067_200_000);
    }
}
