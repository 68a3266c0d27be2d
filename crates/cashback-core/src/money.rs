//! Exact money: amounts are integer minor units (kopecks) inside the ledger.
//!
//! Amounts arrive as JSON numbers or decimal strings. A number is read through
//! its shortest decimal representation, which is exactly what its author wrote
//! for any amount with at most 15 significant digits, so no float arithmetic
//! ever happens: 150.5 is read as the text "150.5", then as 15050 kopecks.

use crate::raw::Raw;

/// Largest accepted magnitude: 1,000,000,000.00 rubles in kopecks.
pub const MAX_MINOR: i64 = 100_000_000_000;

/// Largest balance magnitude: 9,999,999,999,999.99 rubles in kopecks. Balances
/// travel as JSON numbers, which most readers (PHP, 1C, JavaScript) hold in a
/// double: a decimal of at most 15 significant digits survives that exactly,
/// one of more may not (10000000000000002 kopecks read back as …000.00).
pub const MAX_BALANCE: i64 = 999_999_999_999_999;

/// Minor units per ruble.
const MINOR_PER_UNIT: i64 = 100;
/// Digits before the point a decimal amount may have.
const MAX_WHOLE_DIGITS: usize = 10;

/// Parses an amount given as a JSON number, a PHP scalar or a decimal string into signed minor units.
///
/// # Errors
/// A message naming what is wrong: wrong type, empty, not a decimal, more than
/// two fraction digits, or beyond [`MAX_MINOR`].
pub fn parse_amount<'a>(value: impl Into<Raw<'a>>) -> Result<i64, String> {
    match value.into() {
        Raw::Int(int) => units_to_minor(int),
        Raw::BigInt(int) => parse_float(int as f64),
        Raw::Float(float) => parse_float(float),
        Raw::Text(text) => parse_decimal(text),
        Raw::Null => Err("amount must not be null".into()),
        Raw::Bool(_) => Err("amount must be a number or a decimal string, not a boolean".into()),
        Raw::Nested => Err("amount must be a number or a decimal string".into()),
    }
}

/// Reads a float through its shortest round-trip decimal text.
pub fn parse_float(float: f64) -> Result<i64, String> {
    if !float.is_finite() {
        return Err("amount must be a finite number".into());
    }
    // Display prints the shortest text that reads back as the same float. Amounts fit on the stack;
    // only extreme floats (1e300 or 1e-300 printed in full) need the heap.
    let mut buffer = [0u8; 64];
    let mut cursor = std::io::Cursor::new(&mut buffer[..]);
    if std::io::Write::write_fmt(&mut cursor, format_args!("{float}")).is_err() {
        return parse_decimal(&format!("{float}"));
    }
    let written = usize::try_from(cursor.position()).unwrap_or(0);
    parse_decimal(std::str::from_utf8(&buffer[..written]).unwrap_or_default())
}

fn units_to_minor(units: i64) -> Result<i64, String> {
    units.checked_mul(MINOR_PER_UNIT).filter(|minor| minor.abs() <= MAX_MINOR).ok_or_else(too_large)
}

fn too_large() -> String {
    "amount exceeds 1000000000.00 in magnitude".into()
}

/// Parses `[-]digits[.d[d]]` (at most 10 digits before the point) into minor units.
///
/// # Errors
/// A message for empty text, anything that is not a plain decimal (exponents,
/// commas, spaces, `NaN`), three or more fraction digits, or too large a value.
pub fn parse_decimal(text: &str) -> Result<i64, String> {
    if text.is_empty() {
        return Err("amount must not be empty".into());
    }
    // As the contract has it: `-?` digits `(.d[d])?`; no `+`, no exponent.
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(unsigned) => (true, unsigned),
        None => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits_only(whole)
        || !digits_only(fraction)
        || (unsigned.contains('.') && fraction.is_empty())
    {
        return Err(format!("amount {text:?} is not a decimal number like 150 or 150.50"));
    }
    if fraction.len() > 2 {
        return Err(format!("amount {text:?} has more than 2 fraction digits"));
    }
    if whole.len() > MAX_WHOLE_DIGITS {
        // Leading zeros do not make an amount large, but the contract allows 10 digits at most.
        return Err(if whole.starts_with('0') {
            format!("amount {text:?} has more than {MAX_WHOLE_DIGITS} digits before the point")
        } else {
            too_large()
        });
    }
    let whole = whole.trim_start_matches('0');
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_large())? };
    let cents: i64 = format!("{fraction:0<2}").parse().expect("two ASCII digits");
    let minor = whole * MINOR_PER_UNIT + cents;
    if minor > MAX_MINOR {
        return Err(too_large());
    }
    Ok(if negative { -minor } else { minor })
}

/// Formats minor units as a decimal with two fraction digits: `125050` → `"1250.50"`.
pub fn format_minor(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// Minor units as the float whose shortest representation is the decimal
/// amount (`125050` → `1250.5`).
///
/// Both operands are exact in an `f64` (amounts stay far below 2^53) and IEEE
/// division is correctly rounded, so the quotient is the float nearest to the
/// exact decimal: the same float that parsing the decimal text gives.
pub fn minor_to_float(minor: i64) -> f64 {
    minor as f64 / MINOR_PER_UNIT as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimal_text_is_exactly_the_contracts() {
        assert_eq!(parse_decimal("0000000001.5"), Ok(150), "10 digits before the point");
        assert!(parse_decimal("+1").unwrap_err().contains("not a decimal"), "no plus sign");
        assert!(parse_decimal("00000000000000000001.5").unwrap_err().contains("more than 10 digits"));
        assert!(parse_decimal("10000000000").unwrap_err().contains("exceeds"));
        assert_eq!(parse_decimal("-0.01"), Ok(-1));
    }

    #[test]
    fn the_largest_balance_reads_back_exactly_as_a_json_number() {
        for minor in [MAX_BALANCE, MAX_BALANCE - 2, -MAX_BALANCE] {
            assert_eq!(format!("{}", minor_to_float(minor)), format!("{}", format_minor(minor).trim_end_matches('0')));
        }
        let beyond = 9_007_199_254_740_993_i64; // 2^53 + 1 kopecks
        assert_ne!(format!("{}", minor_to_float(beyond)), "90071992547409.93", "why the cap exists");
    }

    #[test]
    fn floats_of_amounts_are_those_of_their_decimal_text() {
        let edges = [0, 1, -1, 7, 10, 99, 101, 125_050, MAX_MINOR, -MAX_MINOR, MAX_MINOR - 1];
        let sweep = (0..200_000).map(|i| i * 7_919 % MAX_MINOR).chain((0..100_000).map(|i| -i * 104_729));
        for minor in edges.into_iter().chain(sweep) {
            let parsed: f64 = format_minor(minor).parse().unwrap();
            assert_eq!(minor_to_float(minor).to_bits(), parsed.to_bits(), "{minor}");
            assert_eq!(parse_float(minor_to_float(minor)), Ok(minor));
        }
    }

    #[test]
    fn accepts_numbers_and_decimal_strings() {
        assert_eq!(parse_amount(&json!(150)), Ok(15000));
        assert_eq!(parse_amount(&json!(150.5)), Ok(15050));
        assert_eq!(parse_amount(&json!(150.50)), Ok(15050));
        assert_eq!(parse_amount(&json!("150")), Ok(15000));
        assert_eq!(parse_amount(&json!("150.50")), Ok(15050));
        assert_eq!(parse_amount(&json!("0.01")), Ok(1));
        assert_eq!(parse_amount(&json!("-300")), Ok(-30000));
        assert_eq!(parse_amount(&json!(0.1)), Ok(10));
        assert_eq!(parse_amount(&json!(1_000_000_000)), Ok(MAX_MINOR));
        assert_eq!(parse_amount(&json!("1000000000.00")), Ok(MAX_MINOR));
        assert_eq!(parse_amount(&json!("000150.5")), Ok(15050));
    }

    #[test]
    fn refuses_everything_else_without_rounding() {
        for bad in [
            json!("150.555"),
            json!(150.555),
            json!(""),
            json!("NaN"),
            json!("1e3"),
            json!("150,50"),
            json!(" 150"),
            json!("150."),
            json!(".5"),
            json!("-"),
            json!(true),
            json!(null),
            json!([1]),
            json!("1000000000.01"),
            json!(1e300),
            json!(1_000_000_001),
            json!("99999999999999999999999"),
            json!(i64::MAX),
            json!(0.001),
        ] {
            assert!(parse_amount(&bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn formats_exactly() {
        assert_eq!(format_minor(125050), "1250.50");
        assert_eq!(format_minor(-5), "-0.05");
        assert_eq!(format_minor(0), "0.00");
        assert_eq!(minor_to_float(125050), 1250.5);
        assert_eq!(minor_to_float(1).to_string(), "0.01");
    }

    proptest::proptest! {
        #[test]
        fn text_round_trips(minor in -MAX_MINOR..=MAX_MINOR) {
            proptest::prop_assert_eq!(parse_decimal(&format_minor(minor)), Ok(minor));
            proptest::prop_assert_eq!(parse_amount(Raw::Float(minor_to_float(minor))), Ok(minor));
        }
    }
}
