//! What the spreadsheet renderers (CSV, XLSX) ask of a cell's text: whether it is a genuine
//! number, its exact amount in fen, whether it is all digits.

/// `-?[0-9]+(\.[0-9]+)?`: a number as gufen prints counts, units and yuan (no sign but a
/// minus, no thousands separators, no exponent).
pub fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    match unsigned.split_once('.') {
        Some((whole, fraction)) => is_digits(whole) && is_digits(fraction),
        None => is_digits(unsigned),
    }
}

/// Non-empty and ASCII digits only.
pub fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The exact amount in fen of yuan text with at most two decimals (`-12.3` is -1230), or
/// `None` for anything else.
pub fn fen(text: &str) -> Option<i64> {
    if !is_decimal(text) {
        return None;
    }
    let negative = text.starts_with('-');
    let unsigned = text.trim_start_matches('-');
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if fraction.len() > 2 {
        return None;
    }
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    let fen = whole
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)?;
    Some(if negative { -fen } else { fen })
}

/// The number a spreadsheet cell holds for an amount of `fen`: the one place money becomes a
/// float (a workbook's number cells are doubles). `fen` is exact below 2^53 as a double and the
/// division is correctly rounded, so the cell holds the double nearest the yuan amount, which
/// its `0.00` format shows exactly; every sum and comparison stays in integer fen elsewhere.
pub fn yuan_cell(fen: i64) -> f64 {
    fen as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::{fen, is_decimal, is_digits};

    #[test]
    fn decimals_are_what_gufen_prints_and_nothing_else() {
        for yes in ["0", "12", "-12.34", "26.6666", "00001"] {
            assert!(is_decimal(yes), "{yes}");
        }
        for no in [
            "", "-", "+1", "1.", ".5", "1e3", "1,000", "=1", " 1", "1-2", "--1", "１",
        ] {
            assert!(!is_decimal(no), "{no}");
        }
        assert!(is_digits("00001") && !is_digits("") && !is_digits("-1") && !is_digits("1.0"));
    }

    #[test]
    fn yuan_text_is_read_to_the_exact_fen() {
        assert_eq!(fen("12.34"), Some(1234));
        assert_eq!(fen("-12.3"), Some(-1230));
        assert_eq!(fen("7650.00"), Some(765_000));
        assert_eq!(fen("0.07"), Some(7));
        assert_eq!(fen("1.234"), None);
        assert_eq!(fen("合计"), None);
        assert_eq!(fen("99999999999999999999"), None);
    }
}
