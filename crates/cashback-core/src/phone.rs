//! Phone normalization to E.164 digits without the leading `+`, valid by
//! libphonenumber's metadata.
//!
//! Agrees with Bitrix's `\Bitrix\Main\PhoneNumber` parser (the same Google
//! metadata) on what is a number: `8 900 123-45-67` in a Russian ledger is
//! `79001234567`; `8 029 123-45-67` is a Belarusian local number, so in a
//! Belarusian ledger it is `375291234567` and in a Russian one it is refused
//! (`+7 029…` cannot exist), never silently turned into a Russian number.
//! Numbers of other countries than the ledger's region must carry `+` (or
//! `00`) and their country code.
//!
//! The metadata comes from the `phonenumber` crate; its own parser is not used:
//! it strips a Russian trunk prefix `8` even after `+7`, so `+7 812 …` (Saint
//! Petersburg) and `+7 800 …` came out invalid. The digits are read here and
//! split with libphonenumber's rules (country code, national prefix for
//! parsing); validity is the metadata's number patterns, matched whole.
//! Russian mobile numbers, most of what a register sends, take a fast path
//! that a test shows to agree with the metadata.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex},
};

use phonenumber::{Metadata, Type, metadata::DATABASE};
use regex::Regex;

/// Separators people and 1C write inside numbers; anything else is refused.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\t' | '-' | '(' | ')' | '.' | '/')
}

/// Russia: the ledger's default region.
pub const RUSSIA: &str = "RU";

/// E.164 allows up to 15 digits.
const MAX_INTERNATIONAL: usize = 15;

/// The regions of libphonenumber's metadata, sorted, so that a region can be
/// named (in every request's ledger options) without loading the metadata,
/// which takes a process about 140 ms; a test checks the list against it.
const REGIONS: [&str; 245] = [
    "AC", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BW", "BY", "BZ", "CA", "CC",
    "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ",
    "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB",
    "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GT", "GU", "GW", "GY", "HK", "HN", "HR",
    "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH",
    "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY",
    "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV",
    "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE",
    "PF", "PG", "PH", "PK", "PL", "PM", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB",
    "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ",
    "TA", "TC", "TD", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "US",
    "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
];

/// A region of phone numbering (an ISO 3166 country code with metadata): how
/// numbers without a country code are read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Region {
    code: &'static str,
}

impl Region {
    /// Parses a region code such as `RU` or `by`.
    ///
    /// # Errors
    /// A message for a code without numbering metadata.
    pub fn parse(code: &str) -> Result<Region, String> {
        let upper = code.trim().to_ascii_uppercase();
        REGIONS.binary_search(&upper.as_str()).map(|index| Region { code: REGIONS[index] }).map_err(|_| {
            format!(
                "unknown region {code:?}: expected an ISO 3166 country code with phone numbering such as RU, BY or KZ"
            )
        })
    }

    /// Russia.
    pub fn russia() -> Region {
        Region::parse(RUSSIA).expect("the metadata has Russia")
    }

    /// The region code, upper case (`RU`).
    pub fn code(self) -> &'static str {
        self.code
    }

    fn is_russia(self) -> bool {
        self.code == RUSSIA
    }

    /// The region's metadata (loaded on first use in the process).
    fn metadata(self) -> &'static Metadata {
        DATABASE.by_id(self.code).expect("every region of REGIONS has metadata")
    }
}

impl std::fmt::Debug for Region {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.code)
    }
}

/// Normalizes a phone number to E.164 digits without `+`; a number without a
/// country code is read as one of `region`.
///
/// # Errors
/// `Err(reason)` for empty input, letters or other symbols, a `+` not at the
/// start, or digits that make no valid number.
pub fn normalize(input: &str, region: Region) -> Result<String, String> {
    let trimmed = input.trim_matches(|c: char| c.is_whitespace());
    if trimmed.is_empty() {
        return Err("phone is empty".into());
    }
    let (international, body) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_separator(c) {
            return Err(format!("phone contains {c:?}; only digits, spaces, + ( ) - . are allowed"));
        }
    }
    if international {
        return international_number(&digits);
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return international_number(rest);
    }
    if region.is_russia() { russian_number(&digits) } else { national_number(&digits, region) }
}

/// `+` or `00` and a country code.
fn international_number(digits: &str) -> Result<String, String> {
    if digits.starts_with('0') {
        return Err("a country code cannot start with 0".into());
    }
    if digits.starts_with('7') && digits.len() != 11 {
        return Err(format!("a +7 number has 11 digits, got {}", digits.len()));
    }
    if digits.len() > MAX_INTERNATIONAL {
        return Err(format!("an international number has at most {MAX_INTERNATIONAL} digits, got {}", digits.len()));
    }
    if let Some(national) = digits.strip_prefix('7')
        && is_russian_mobile(national)
    {
        return Ok(digits.to_owned());
    }
    let (code, national) = split_country_code(digits).ok_or_else(|| format!("+{digits} has no known country code"))?;
    if is_valid(code, national) { Ok(digits.to_owned()) } else { Err(format!("+{digits} is not a valid phone number")) }
}

/// A Russian number without a country code: 10 digits, or 11 from the trunk
/// prefix 8 or the country code 7, as libphonenumber reads Russian numbers
/// (Russia's only national number length is 10).
fn russian_number(digits: &str) -> Result<String, String> {
    let national = match digits.len() {
        10 => digits,
        11 if digits.starts_with(['8', '7']) => &digits[1..],
        len => {
            return Err(format!(
                "expected a Russian number of 10 or 11 digits (or + and a country code), got {len} digits"
            ));
        }
    };
    if is_russian_mobile(national) || is_valid(7, national) {
        Ok(format!("7{national}"))
    } else {
        Err(not_valid_in(national, "RU"))
    }
}

/// The fast path: every 9xx xxx-xx-xx is a valid Russian mobile number.
fn is_russian_mobile(national: &str) -> bool {
    national.len() == 10 && national.starts_with('9')
}

/// A number without a country code in any region, by libphonenumber's rules:
/// the region's own country code written without `+`, then its national
/// prefix, are stripped when what remains is a valid number.
fn national_number(digits: &str, region: Region) -> Result<String, String> {
    let metadata = region.metadata();
    let code = metadata.country_code();
    let valid = |national: &str| is_valid(code, national);
    let without_code = digits.strip_prefix(code.to_string().as_str()).filter(|rest| valid(rest) && !valid(digits));
    let national = match without_code {
        Some(rest) => rest.to_owned(),
        None => strip_national_prefix(digits, metadata).unwrap_or_else(|| digits.to_owned()),
    };
    if national.is_empty() || !valid(&national) {
        return Err(not_valid_in(&national, region.code()));
    }
    let number = format!("{code}{national}");
    if number.len() > MAX_INTERNATIONAL {
        return Err(format!(
            "a phone number has at most {MAX_INTERNATIONAL} digits with its country code, got {}",
            number.len()
        ));
    }
    Ok(number)
}

fn not_valid_in(national: &str, region: &str) -> String {
    format!(
        "{national} is not a valid phone number in {region}; a number of another country needs + and its country code"
    )
}

/// The number without its national (trunk) prefix, if it has one whose
/// removal leaves a number of the region (libphonenumber's
/// maybeStripNationalPrefixAndCarrierCode, with its transform rule).
fn strip_national_prefix(digits: &str, metadata: &'static Metadata) -> Option<String> {
    let patterns = patterns(metadata);
    let prefix = patterns.national_prefix.as_ref()?;
    let captures = prefix.captures(digits)?;
    let whole = captures.get(0)?;
    let transformed_group = captures.iter().skip(1).flatten().last();
    let stripped = match (metadata.national_prefix_transform_rule(), transformed_group) {
        (Some(rule), Some(_)) => {
            let mut replaced = String::new();
            captures.expand(rule, &mut replaced);
            replaced.push_str(&digits[whole.end()..]);
            replaced
        }
        _ => digits[whole.end()..].to_owned(),
    };
    let viable_before = patterns.general.is_match(digits);
    (!viable_before || patterns.general.is_match(&stripped)).then_some(stripped)
}

/// Splits international digits into country calling code and national number
/// (calling codes are prefix-free, one to three digits).
fn split_country_code(digits: &str) -> Option<(u16, &str)> {
    (1..=3.min(digits.len())).find_map(|length| {
        let code: u16 = digits[..length].parse().ok()?;
        DATABASE.by_code(&code).map(|_| (code, &digits[length..]))
    })
}

/// Whether `national` is a valid number of country calling code `code`, by
/// the metadata of the region that owns it.
pub fn is_valid(code: u16, national: &str) -> bool {
    let Some(regions) = DATABASE.by_code(&code) else { return false };
    let owner = match regions.as_slice() {
        [only] => Some(*only),
        several => several.iter().copied().find(|metadata| {
            let patterns = patterns(metadata);
            match &patterns.leading_digits {
                Some(leading) => leading.is_match(national),
                None => patterns.is_valid(national),
            }
        }),
    };
    owner.is_some_and(|metadata| patterns(metadata).is_valid(national))
}

/// A region's number patterns, anchored (libphonenumber matches them whole).
struct Patterns {
    general: Regex,
    types: Vec<(Regex, Vec<u16>)>,
    leading_digits: Option<Regex>,
    national_prefix: Option<Regex>,
}

/// The number types a valid number may have (not emergency or short codes).
const NUMBER_TYPES: [Type; 10] = [
    Type::FixedLine,
    Type::Mobile,
    Type::TollFree,
    Type::PremiumRate,
    Type::SharedCost,
    Type::PersonalNumber,
    Type::Voip,
    Type::Pager,
    Type::Uan,
    Type::Voicemail,
];

impl Patterns {
    fn of(metadata: &Metadata) -> Patterns {
        let descriptors = metadata.descriptors();
        let types = NUMBER_TYPES
            .iter()
            .filter_map(|kind| descriptors.get(*kind))
            .map(|descriptor| (whole(descriptor.national_number().as_str()), descriptor.possible_length().to_vec()))
            .collect();
        Patterns {
            general: whole(descriptors.general().national_number().as_str()),
            types,
            leading_digits: metadata.leading_digits().map(|pattern| prefix(pattern.as_str())),
            national_prefix: metadata
                .national_prefix_for_parsing()
                .map(|pattern| prefix(pattern.as_str()))
                .or_else(|| metadata.national_prefix().map(|literal| prefix(&regex::escape(literal)))),
        }
    }

    fn is_valid(&self, national: &str) -> bool {
        let length = national.len() as u16;
        self.general.is_match(national)
            && self.types.iter().any(|(pattern, lengths)| {
                (lengths.is_empty() || lengths.contains(&length)) && pattern.is_match(national)
            })
    }
}

fn compile(pattern: String) -> Regex {
    Regex::new(&pattern).unwrap_or_else(|error| panic!("libphonenumber pattern {pattern}: {error}"))
}

/// A metadata pattern that must match the whole number.
fn whole(pattern: &str) -> Regex {
    compile(format!("^(?:{})$", without_whitespace(pattern)))
}

/// A metadata pattern that must match at the start (Java's lookingAt).
fn prefix(pattern: &str) -> Regex {
    compile(format!("^(?:{})", without_whitespace(pattern)))
}

fn without_whitespace(pattern: &str) -> String {
    pattern.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Compiled patterns per region, built on first use in each process.
fn patterns(metadata: &'static Metadata) -> Arc<Patterns> {
    static COMPILED: LazyLock<Mutex<HashMap<&'static str, Arc<Patterns>>>> = LazyLock::new(Mutex::default);
    let mut compiled = COMPILED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    Arc::clone(compiled.entry(metadata.id()).or_insert_with(|| Arc::new(Patterns::of(metadata))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn russia(input: &str) -> Result<String, String> {
        normalize(input, Region::russia())
    }

    fn region(code: &str) -> Region {
        Region::parse(code).unwrap()
    }

    #[test]
    fn russian_forms_agree() {
        for input in [
            "+7 (900) 123-45-67",
            "8 900 123 45 67",
            "89001234567",
            "9001234567",
            "7-900-123-45-67",
            " +7.900.123.45.67 ",
            "79001234567",
            "+79001234567",
            "8(900)1234567",
            "007 900 123 45 67",
            "8\u{a0}900\u{a0}123-45-67",
        ] {
            assert_eq!(russia(input).as_deref(), Ok("79001234567"), "{input}");
        }
    }

    #[test]
    fn russian_landlines_and_toll_free_numbers_keep_their_eight() {
        for (input, expected) in [
            ("+7 812 123-45-67", "78121234567"),
            ("8 (812) 123-45-67", "78121234567"),
            ("+7 800 555-35-35", "78005553535"),
            ("8 800 555 35 35", "78005553535"),
            ("+7 (495) 123-45-67", "74951234567"),
            ("8 861 123 45 67", "78611234567"),
        ] {
            assert_eq!(russia(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn other_countries_in_international_form() {
        assert_eq!(russia("+375 29 123-45-67").as_deref(), Ok("375291234567"));
        assert_eq!(russia("00375291234567").as_deref(), Ok("375291234567"));
        assert_eq!(russia("+7 727 258 4567").as_deref(), Ok("77272584567"), "Almaty");
        assert_eq!(russia("8 727 258 4567").as_deref(), Ok("77272584567"), "Almaty dialled from Russia");
        assert_eq!(russia("+49 30 1234567").as_deref(), Ok("49301234567"));
        assert_eq!(russia("+39 06 1234 5678").as_deref(), Ok("390612345678"), "Italy keeps its leading zero");
    }

    #[test]
    fn a_belarusian_local_number_is_read_in_a_belarusian_ledger_and_refused_in_a_russian_one() {
        let belarus = region("BY");
        for input in ["8 029 123-45-67", "80291234567", "29 123 45 67", "+375 29 123-45-67"] {
            assert_eq!(normalize(input, belarus).as_deref(), Ok("375291234567"), "{input}");
        }
        assert!(russia("8 029 123-45-67").unwrap_err().contains("not a valid phone number in RU"));
        assert_eq!(normalize("+7 900 123 45 67", belarus).as_deref(), Ok("79001234567"));
        assert!(normalize("8 900 123 45 67", belarus).is_err(), "a Russian number in Belarus needs +7");
    }

    #[test]
    fn a_kazakh_ledger_reads_its_own_numbers() {
        let kazakhstan = region("KZ");
        assert_eq!(normalize("8 727 258 4567", kazakhstan).as_deref(), Ok("77272584567"));
        assert_eq!(normalize("8 701 123 45 67", kazakhstan).as_deref(), Ok("77011234567"));
        assert_eq!(normalize("+7 900 123 45 67", kazakhstan).as_deref(), Ok("79001234567"));
    }

    #[test]
    fn refuses_what_is_not_a_phone() {
        for input in [
            "",
            "   ",
            "abc",
            "8900123456a",
            "+7 900 123 45 6",
            "+7 900 123 45 678",
            "12345",
            "900123456",
            "890012345678",
            "375291234567",
            "7+9001234567",
            "+",
            "+0123456789",
            "+1234567",
            "+1234567890123456",
            "8 900 123 45 67 ext 1",
            "8;900;1234567",
            "8 029 123-45-67",
            "+7 029 123 45 67",
            "+7 727 123 4567",
            "+1 555 123 4567",
        ] {
            assert!(russia(input).is_err(), "{input:?} must be refused");
        }
    }

    /// Found by the phone fuzz target (fuzz/regressions/phone): German patterns allow long
    /// national numbers, but no number is longer than E.164's 15 digits with its country code.
    #[test]
    fn a_national_number_never_makes_more_than_fifteen_digits() {
        let germany = region("DE");
        for input in ["20338075083750", "020338092183750", "8 4504 5678 4504 56"] {
            let error = normalize(input, germany).unwrap_err();
            assert!(error.contains("at most 15 digits") || error.contains("not a valid"), "{input}: {error}");
            assert!(normalize(&format!("+49{input}"), germany).is_err());
        }
        assert_eq!(normalize("030 1234567", germany).as_deref(), Ok("49301234567"));
    }

    #[test]
    fn the_list_of_regions_is_the_metadatas() {
        let mut ids: Vec<&str> = DATABASE.iter().map(Metadata::id).filter(|id| *id != "001").collect();
        ids.sort_unstable();
        assert_eq!(ids, REGIONS);
    }

    #[test]
    fn regions_are_country_codes_with_metadata() {
        assert_eq!(region(" by ").code(), "BY");
        for bad in ["", "XX", "RUS", "001", "R1", "ру"] {
            assert!(Region::parse(bad).is_err(), "{bad:?}");
        }
    }

    /// The Russian fast paths against libphonenumber's rules on the metadata.
    #[test]
    fn the_russian_paths_agree_with_the_metadata() {
        let russia = region("RU");
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let value = next();
            let prefix = ["", "7", "8", "9"][(value % 4) as usize];
            let length = 9 + (value >> 2) % 3;
            let body: String = (0..length).map(|i| char::from(b'0' + ((value >> (8 + 3 * i)) % 10) as u8)).collect();
            let digits = format!("{prefix}{body}");
            let general = national_number(&digits, russia).ok();
            assert_eq!(russian_number(&digits).ok(), general, "{digits}");
            let international = format!("7{body}");
            let (code, national) = split_country_code(&international).unwrap();
            let by_metadata = national.len() <= 10 && is_valid(code, national);
            assert_eq!(international_number(&international).is_ok(), by_metadata, "+{international}");
        }
        let mobile = Region::russia().metadata();
        for _ in 0..50_000 {
            let national = format!("9{:09}", next() % 1_000_000_000);
            assert!(is_russian_mobile(&national) && patterns(mobile).is_valid(&national), "{national}");
        }
    }
}
