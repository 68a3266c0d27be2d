//! ISO 8601 / RFC 3339 timestamps with fixed-offset time zones.
//!
//! Written without chrono or a tz database: the ledger only needs to read
//! timestamps sent by 1C and 1C-Bitrix and to render them back, and every
//! zone it supports has had a single fixed UTC offset for years.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds in a civil day; Unix time ignores leap seconds, so this is exact.
const SECONDS_PER_DAY: i64 = 86_400;

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

/// Supported IANA names with their UTC offset in hours.
///
/// Russia has had no DST since 2011 and the last offset changes were in
/// 2014-2020; Kazakhstan moved entirely to +05:00 on 2024-03-01.
const NAMED_ZONES: &[(&str, i32)] = &[
    ("Europe/Kaliningrad", 2),
    ("Europe/Moscow", 3),
    ("Europe/Simferopol", 3),
    ("Europe/Volgograd", 3),
    ("Europe/Kirov", 3),
    ("Europe/Samara", 4),
    ("Europe/Ulyanovsk", 4),
    ("Europe/Saratov", 4),
    ("Europe/Astrakhan", 4),
    ("Asia/Yekaterinburg", 5),
    ("Asia/Omsk", 6),
    ("Asia/Novosibirsk", 7),
    ("Asia/Barnaul", 7),
    ("Asia/Tomsk", 7),
    ("Asia/Novokuznetsk", 7),
    ("Asia/Krasnoyarsk", 7),
    ("Asia/Irkutsk", 8),
    ("Asia/Chita", 9),
    ("Asia/Yakutsk", 9),
    ("Asia/Khandyga", 9),
    ("Asia/Vladivostok", 10),
    ("Asia/Ust-Nera", 10),
    ("Asia/Magadan", 11),
    ("Asia/Sakhalin", 11),
    ("Asia/Srednekolymsk", 11),
    ("Asia/Kamchatka", 12),
    ("Asia/Anadyr", 12),
    ("Asia/Almaty", 5),
    ("Asia/Qostanay", 5),
    ("Asia/Aqtobe", 5),
    ("Asia/Aqtau", 5),
    ("Asia/Atyrau", 5),
    ("Asia/Oral", 5),
    ("Asia/Qyzylorda", 5),
];

/// A time zone the ledger reads offset-less timestamps in: a fixed UTC offset in seconds plus its display name.
///
/// Zones are fixed offsets only: no DST and no historic offset changes.
/// This avoids depending on a tz database, and is exact for the supported
/// regions, which observe no DST and have kept their current offset since
/// 2014 (Russia) or 2024 (Kazakhstan). Timestamps from before those changes
/// are read with today's offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// Display name: the canonical IANA name, `UTC`, or an offset like `+03:00`.
    pub name: String,
    /// Offset east of UTC in seconds (negative west of Greenwich).
    pub offset_seconds: i32,
}

impl Zone {
    /// Europe/Moscow (+03:00), the default.
    pub fn moscow() -> Zone {
        Zone { name: "Europe/Moscow".to_owned(), offset_seconds: 3 * SECONDS_PER_HOUR }
    }

    /// Parses a zone name.
    ///
    /// Accepted, ignoring surrounding whitespace and ASCII case:
    /// - IANA names of Russia and Kazakhstan with a fixed offset since 2014/2024,
    ///   e.g. `Europe/Moscow`, `Asia/Yekaterinburg`, `Asia/Almaty`;
    /// - `UTC`;
    /// - explicit offsets `+03:00`, `-05:30`, `+0300` (up to ±14:00).
    ///
    /// The result is always a fixed offset (no DST, no historic changes), see [`Zone`].
    ///
    /// # Errors
    /// Returns a message listing the accepted forms for anything else, e.g. `Mars/Base`.
    pub fn parse(name: &str) -> Result<Zone, String> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("UTC") {
            return Ok(Zone { name: "UTC".to_owned(), offset_seconds: 0 });
        }
        if name.starts_with(['+', '-']) {
            return parse_offset(name).map(Zone::from_offset);
        }
        named_zone(name).ok_or_else(|| {
            format!(
                "unknown time zone {}: expected UTC, an offset like +03:00 or +0300, \
                 or an IANA name of Russia or Kazakhstan such as Europe/Moscow or Asia/Almaty",
                quote(name)
            )
        })
    }

    /// Builds an anonymous zone named after its offset, so it renders the way it was written.
    fn from_offset(offset_seconds: i32) -> Zone {
        Zone { name: format_offset(offset_seconds), offset_seconds }
    }
}

/// Looks up a supported IANA name; case-insensitive because config files are hand-written.
fn named_zone(name: &str) -> Option<Zone> {
    NAMED_ZONES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|&(known, hours)| Zone { name: known.to_owned(), offset_seconds: hours * SECONDS_PER_HOUR })
}

/// Parses an ISO 8601 / RFC 3339 timestamp into Unix seconds (UTC).
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS`, optional fraction `.f{1,9}` (truncated to
/// whole seconds), optional `Z`/`z` or `±HH:MM` or `±HHMM` offset; a space
/// (or the RFC 3339 lower-case `t`) instead of `T` is accepted too. Without an
/// offset the time is read in `zone`. Date must be valid (month 1-12, day
/// within the month incl. leap years, hour 0-23, minute 0-59, second 0-59;
/// leap second 60 rejected); year 1970..=2199. Offsets up to ±14:00.
///
/// # Errors
/// Returns a specific human-readable message, e.g.
/// `expected YYYY-MM-DDTHH:MM:SS, got "..."`, `month 13 out of range (1-12)`,
/// `day 31 does not exist in 2026-11`.
pub fn parse_timestamp(text: &str, zone: &Zone) -> Result<i64, String> {
    if text.is_empty() {
        return Err("empty timestamp, expected YYYY-MM-DDTHH:MM:SS".to_owned());
    }
    let with_seconds = with_default_seconds(text);
    let text = with_seconds.as_deref().unwrap_or(text);
    let local =
        LocalDateTime::parse(text).ok_or_else(|| format!("expected YYYY-MM-DDTHH:MM:SS, got {}", quote(text)))?;
    local.validate()?;
    // The layout check guarantees the first 19 bytes are ASCII, so this slice is on a char boundary.
    let suffix = skip_fraction(&text[DATE_TIME_LEN..])?;
    let offset = parse_suffix_offset(suffix, zone)?;
    Ok(local.local_seconds() - i64::from(offset))
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
/// The offset is rendered to whole minutes, as RFC 3339 cannot express seconds.
pub fn format_timestamp(unix_seconds: i64, zone: &Zone) -> String {
    // Saturating keeps absurd inputs from panicking; they render as far-future dates instead.
    let local = unix_seconds.saturating_add(i64::from(zone.offset_seconds));
    let date = civil_from_days(local.div_euclid(SECONDS_PER_DAY));
    let second_of_day = local.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        date.year,
        date.month,
        date.day,
        second_of_day / 3_600,
        second_of_day % 3_600 / 60,
        second_of_day % 60,
        format_offset(zone.offset_seconds)
    )
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

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CivilDate {
    year: i64,
    month: u32,
    day: u32,
}

/// The wall-clock fields of a timestamp before its offset is applied.
#[derive(Debug, Clone, Copy)]
struct LocalDateTime {
    date: CivilDate,
    hour: u32,
    minute: u32,
    second: u32,
}

impl LocalDateTime {
    /// Reads the fixed-width `YYYY-MM-DDTHH:MM:SS` prefix; `None` when the layout does not match.
    fn parse(text: &str) -> Option<LocalDateTime> {
        let bytes = text.as_bytes();
        if bytes.len() < DATE_TIME_LEN || !has_date_time_separators(bytes) {
            return None;
        }
        Some(LocalDateTime {
            date: CivilDate {
                year: i64::from(digits(&bytes[0..4])?),
                month: digits(&bytes[5..7])?,
                day: digits(&bytes[8..10])?,
            },
            hour: digits(&bytes[11..13])?,
            minute: digits(&bytes[14..16])?,
            second: digits(&bytes[17..19])?,
        })
    }

    /// Checks field ranges, reporting the first offending field.
    fn validate(&self) -> Result<(), String> {
        let CivilDate { year, month, day } = self.date;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(format!("year {year} out of range ({MIN_YEAR}-{MAX_YEAR})"));
        }
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} out of range (1-12)"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("day {day} does not exist in {year:04}-{month:02}"));
        }
        check_range("hour", self.hour, 23)?;
        check_range("minute", self.minute, 59)?;
        if self.second == 60 {
            return Err("second 60 out of range (0-59): leap seconds are not supported".to_owned());
        }
        check_range("second", self.second, 59)
    }

    /// Seconds since the epoch as if the wall-clock time were UTC.
    fn local_seconds(&self) -> i64 {
        let time = i64::from(self.hour * 3_600 + self.minute * 60 + self.second);
        days_from_civil(self.date) * SECONDS_PER_DAY + time
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

/// Resolves what follows the time: nothing (use `zone`), `Z`/`z`, or a numeric offset.
fn parse_suffix_offset(suffix: &str, zone: &Zone) -> Result<i32, String> {
    match suffix {
        "" => Ok(zone.offset_seconds),
        "Z" | "z" => Ok(0),
        _ if suffix.starts_with(['+', '-']) => parse_offset(suffix),
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

/// Gregorian leap year rule.
fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1-12) of `year`.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
///
/// Counting years from March puts the leap day last, so each 400-year era
/// has a closed-form day count without month tables.
fn days_from_civil(date: CivilDate) -> i64 {
    let year = if date.month <= 2 { date.year - 1 } else { date.year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((date.month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(date.day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // 719_468 is the day number of 1970-01-01 counted from 0000-03-01.
    era * 146_097 + day_of_era - 719_468
}

/// Proleptic Gregorian date for days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> CivilDate {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    // Both values are bounded (day 1-31, month 1-12), so the casts are lossless.
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    CivilDate { year, month, day }
}

/// Formats Unix milliseconds as RFC 3339 in `zone`, to the second.
pub fn format_millis(unix_millis: i64, zone: &Zone) -> String {
    format_timestamp(unix_millis.div_euclid(1000), zone)
}

#[cfg(test)]
mod tests {
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

    use super::*;

    fn utc() -> Zone {
        Zone::parse("UTC").unwrap()
    }

    fn parse_err(text: &str) -> String {
        parse_timestamp(text, &Zone::moscow()).unwrap_err()
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
        let zone = Zone::parse("-05:30").unwrap();
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
        assert_eq!(parse_err("2026-11-31T00:00:00"), "day 31 does not exist in 2026-11");
        assert_eq!(parse_err("2026-11-00T00:00:00"), "day 0 does not exist in 2026-11");
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
    }

    #[test]
    fn round_trip_in_several_zones() {
        let cases = [
            ("Europe/Kaliningrad", "2026-03-01T00:00:00+02:00"),
            ("Europe/Moscow", "2026-11-27T10:15:00+03:00"),
            ("Asia/Almaty", "2024-02-29T23:59:59+05:00"),
            ("Asia/Kamchatka", "2199-12-31T23:59:59+12:00"),
            ("UTC", "1970-01-01T00:00:00+00:00"),
            ("-05:30", "2026-01-15T08:00:00-05:30"),
            ("+0545", "2026-07-04T12:34:56+05:45"),
        ];
        for (zone_name, text) in cases {
            let zone = Zone::parse(zone_name).unwrap();
            let seconds = parse_timestamp(text, &zone).unwrap();
            assert_eq!(format_timestamp(seconds, &zone), text, "{zone_name}");
            let local = &text[..DATE_TIME_LEN];
            assert_eq!(parse_timestamp(local, &zone), Ok(seconds), "{zone_name} without offset");
        }
    }

    #[test]
    fn zone_names() {
        assert_eq!(Zone::parse("Europe/Moscow"), Ok(Zone::moscow()));
        assert_eq!(Zone::parse(" europe/moscow "), Ok(Zone::moscow()));
        let yekaterinburg = Zone::parse("Asia/Yekaterinburg").unwrap();
        assert_eq!(yekaterinburg.offset_seconds, 5 * 3_600);
        assert_eq!(Zone::parse("Asia/Ust-Nera").unwrap().offset_seconds, 10 * 3_600);
        assert_eq!(Zone::parse("Asia/Anadyr").unwrap().offset_seconds, 12 * 3_600);
        assert_eq!(Zone::parse("Europe/Kaliningrad").unwrap().offset_seconds, 2 * 3_600);
        assert_eq!(Zone::parse("Asia/Qyzylorda").unwrap().offset_seconds, 5 * 3_600);
        assert_eq!(Zone::parse("utc"), Ok(Zone { name: "UTC".to_owned(), offset_seconds: 0 }));
        assert_eq!(NAMED_ZONES.len(), 34);
    }

    #[test]
    fn zone_offsets() {
        let plus_three = Zone { name: "+03:00".to_owned(), offset_seconds: 10_800 };
        assert_eq!(Zone::parse("+03:00"), Ok(plus_three.clone()));
        assert_eq!(Zone::parse("+0300"), Ok(plus_three));
        assert_eq!(Zone::parse("-05:30").unwrap().offset_seconds, -19_800);
        assert_eq!(Zone::parse("-00:00").unwrap().offset_seconds, 0);
        assert!(Zone::parse("+14:30").unwrap_err().contains("out of range"));
        assert!(Zone::parse("+3").unwrap_err().contains("invalid UTC offset"));
    }

    #[test]
    fn unknown_zones_are_rejected() {
        let message = Zone::parse("Mars/Base").unwrap_err();
        assert!(message.contains("Mars/Base"), "{message}");
        assert!(message.contains("Europe/Moscow"), "{message}");
        assert!(Zone::parse("").is_err());
        assert!(Zone::parse("Europe/Berlin").is_err());
    }

    #[test]
    fn now_is_after_2024() {
        assert!(now_millis() > 1_704_067_200_000);
    }

    #[test]
    fn civil_conversion_known_points() {
        let epoch = CivilDate { year: 1970, month: 1, day: 1 };
        assert_eq!(days_from_civil(epoch), 0);
        assert_eq!(civil_from_days(0), epoch);
        assert_eq!(civil_from_days(-1), CivilDate { year: 1969, month: 12, day: 31 });
        assert_eq!(days_from_civil(CivilDate { year: 2000, month: 3, day: 1 }), 11_017);
    }

    /// Walks the calendar day by day with month tables and checks both algorithms
    /// agree with the walk at every step, so a wrong leap rule cannot hide.
    #[test]
    fn civil_days_round_trip_1970_to_2199() {
        let mut expected_days = 0i64;
        for year in MIN_YEAR..=MAX_YEAR {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    let date = CivilDate { year, month, day };
                    assert_eq!(days_from_civil(date), expected_days, "{date:?}");
                    assert_eq!(civil_from_days(expected_days), date);
                    expected_days += 1;
                }
            }
        }
        assert_eq!(expected_days, days_from_civil(CivilDate { year: 2200, month: 1, day: 1 }));
    }

    #[test]
    fn leap_years() {
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(2100));
        assert!(!is_leap_year(2026));
    }
}
