//! Phone normalization to E.164 digits without the leading `+`.
//!
//! Agrees with Bitrix's `UserPhoneAuthTable::normalizePhoneNumber($n, 'RU')`
//! (libphonenumber, E.164) for Russian and Kazakh numbers, minus the `+`:
//! national forms `8 900 …`, `900 …` and `7 900 …` all become `79001234567`.
//! Numbers of other countries must be given in international form (`+375 …`
//! or `00375 …`); without a country code they cannot be told apart.

/// Separators people and 1C write inside numbers; anything else is refused.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\t' | '-' | '(' | ')' | '.' | '/')
}

/// Shortest and longest international numbers (E.164 allows up to 15 digits).
const MIN_INTERNATIONAL: usize = 8;
const MAX_INTERNATIONAL: usize = 15;

/// Normalizes a phone number to E.164 digits without `+`.
///
/// # Errors
/// `Err(reason)` for empty input, letters or other symbols, a `+` not at the
/// start, or a digit count that fits no accepted form.
pub fn normalize(input: &str) -> Result<String, String> {
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
        return international_digits(digits);
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return international_digits(rest.to_owned());
    }
    national_digits(digits)
}

fn international_digits(digits: String) -> Result<String, String> {
    if digits.starts_with('0') {
        return Err("a country code cannot start with 0".into());
    }
    if digits.starts_with('7') && digits.len() != 11 {
        return Err(format!("a +7 number has 11 digits, got {}", digits.len()));
    }
    if !(MIN_INTERNATIONAL..=MAX_INTERNATIONAL).contains(&digits.len()) {
        return Err(format!(
            "an international number has {MIN_INTERNATIONAL} to {MAX_INTERNATIONAL} digits, got {}",
            digits.len()
        ));
    }
    Ok(digits)
}

/// Russian/Kazakh forms without a country code: 10 digits, or 11 from 8 or 7.
fn national_digits(digits: String) -> Result<String, String> {
    match digits.len() {
        10 => Ok(format!("7{digits}")),
        11 if digits.starts_with('8') || digits.starts_with('7') => Ok(format!("7{}", &digits[1..])),
        len => Err(format!("expected a Russian number of 10 or 11 digits (or + and a country code), got {len} digits")),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

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
            assert_eq!(normalize(input).as_deref(), Ok("79001234567"), "{input}");
        }
    }

    #[test]
    fn other_countries_in_international_form() {
        assert_eq!(normalize("+375 29 123-45-67").as_deref(), Ok("375291234567"));
        assert_eq!(normalize("00375291234567").as_deref(), Ok("375291234567"));
        assert_eq!(normalize("+7 727 123 4567").as_deref(), Ok("77271234567"));
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
        ] {
            assert!(normalize(input).is_err(), "{input:?} must be refused");
        }
    }
}
