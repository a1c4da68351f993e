//! Exact amounts: money in integer fen, shares in integer units of 1/10000 share, rates and
//! coefficients as fixed-point integers. Decimal text in, decimal text out; no floating point.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Units per share: shares are kept in integer units of 1/10000 share.
pub const UNITS_PER_SHARE: u64 = 10_000;
/// Fen per yuan.
pub const FEN_PER_YUAN: i64 = 100;
/// Scale of a coefficient: a coefficient is kept in units of 1/10000.
pub const COEFFICIENT_SCALE: u64 = 10_000;
/// Scale of a rate: a percent is kept in units of 1/10000 percent (parts per million).
pub const RATE_SCALE: u64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("{text:?} is not a decimal number with at most {places} decimal places")]
    Decimal { text: String, places: u32 },
    #[error("{text:?} is too large")]
    TooLarge { text: String },
    #[error("{text:?} must be greater than zero")]
    NotPositive { text: String },
}

/// Parses non-negative decimal text ("1234.56", "1.5", "3") into an integer scaled by 10^places.
pub fn parse_scaled(text: &str, places: u32) -> Result<u128, AmountError> {
    let bad = || AmountError::Decimal {
        text: text.to_string(),
        places,
    };
    let trimmed = text.trim();
    let (whole, fraction) = match trimmed.split_once('.') {
        Some((w, f)) => (w, f),
        None => (trimmed, ""),
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits_only(whole)
        || !digits_only(fraction)
        || fraction.len() > places as usize
    {
        return Err(bad());
    }
    if trimmed.ends_with('.') {
        return Err(bad());
    }
    let too_large = || AmountError::TooLarge {
        text: text.to_string(),
    };
    if whole.len() > 24 {
        return Err(too_large());
    }
    let whole: u128 = whole.parse().map_err(|_| bad())?;
    let padded = format!("{fraction:0<width$}", width = places as usize);
    let fraction: u128 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(10u128.pow(places))
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(too_large)
}

/// Formats an integer scaled by 10^places as decimal text, trimming trailing zeros to `min_places`.
pub fn format_scaled(value: u128, places: u32, min_places: u32) -> String {
    let scale = 10u128.pow(places);
    let whole = value / scale;
    let mut fraction = format!("{:0width$}", value % scale, width = places as usize);
    while fraction.len() > min_places as usize && fraction.ends_with('0') {
        fraction.pop();
    }
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

/// A quantity of shares in units of 1/10000 share.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Units(pub u64);

impl Units {
    /// Parses share text with at most 4 decimal places: "1.5" is 15000 units.
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        let value = parse_scaled(text, 4)?;
        u64::try_from(value)
            .map(Units)
            .map_err(|_| AmountError::TooLarge {
                text: text.to_string(),
            })
    }

    pub fn parse_positive(text: &str) -> Result<Self, AmountError> {
        let units = Self::parse(text)?;
        if units.0 == 0 {
            return Err(AmountError::NotPositive {
                text: text.to_string(),
            });
        }
        Ok(units)
    }
}

impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_scaled(u128::from(self.0), 4, 0))
    }
}

/// Money in integer fen (分).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Fen(pub i64);

impl Fen {
    /// Parses non-negative yuan text with at most 2 decimal places: "1234.56" is 123456 fen.
    pub fn parse_yuan(text: &str) -> Result<Self, AmountError> {
        let value = parse_scaled(text, 2)?;
        i64::try_from(value)
            .map(Fen)
            .map_err(|_| AmountError::TooLarge {
                text: text.to_string(),
            })
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(
            f,
            "{sign}{}",
            format_scaled(u128::from(self.0.unsigned_abs()), 2, 2)
        )
    }
}

/// A class coefficient in units of 1/10000 ("0.5" is 5000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Coefficient(pub u64);

impl Coefficient {
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        let value = parse_scaled(text, 4)?;
        if value > 1000 * u128::from(COEFFICIENT_SCALE) {
            return Err(AmountError::TooLarge {
                text: text.to_string(),
            });
        }
        Ok(Coefficient(value as u64))
    }
}

impl fmt::Display for Coefficient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_scaled(u128::from(self.0), 4, 0))
    }
}

/// A percentage in parts per million ("3" percent is 30000; "2.5" is 25000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Percent(pub u64);

impl Percent {
    pub fn parse(text: &str) -> Result<Self, AmountError> {
        let value = parse_scaled(text, 4)?;
        if value > 100 * 10_000 {
            return Err(AmountError::TooLarge {
                text: text.to_string(),
            });
        }
        Ok(Percent(value as u64))
    }

    /// floor(amount × rate), exact.
    pub fn of_fen_floor(self, amount: Fen) -> Fen {
        assert!(amount.0 >= 0, "a rate applies to a non-negative amount");
        let product = u128::from(amount.0 as u64) * u128::from(self.0) / u128::from(RATE_SCALE);
        Fen(i64::try_from(product).expect("a rate of at most 100% keeps the amount in range"))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_scaled(u128::from(self.0), 4, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_round_trips() {
        assert_eq!(Units::parse("1.5").unwrap(), Units(15_000));
        assert_eq!(Units::parse("0.0001").unwrap(), Units(1));
        assert_eq!(Units(15_000).to_string(), "1.5");
        assert_eq!(Units(20_000).to_string(), "2");
        assert_eq!(Fen::parse_yuan("1234.56").unwrap(), Fen(123_456));
        assert_eq!(Fen::parse_yuan("7").unwrap(), Fen(700));
        assert_eq!(Fen(123_456).to_string(), "1234.56");
        assert_eq!(Fen(700).to_string(), "7.00");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Percent::parse("3").unwrap(), Percent(30_000));
        assert_eq!(Coefficient::parse("0.5").unwrap(), Coefficient(5_000));
    }

    #[test]
    fn bad_decimal_text_is_refused() {
        for text in ["", "-1", "1.23456", "1e3", "1.", ".5", "1,5", "abc", " 1 2"] {
            assert!(Units::parse(text).is_err(), "{text:?}");
        }
        assert!(Fen::parse_yuan("1.234").is_err());
        assert!(Units::parse("99999999999999999999").is_err());
        assert!(Percent::parse("101").is_err());
        assert!(Units::parse_positive("0").is_err());
    }

    #[test]
    fn rate_is_floored_to_the_fen() {
        assert_eq!(
            Percent::parse("10").unwrap().of_fen_floor(Fen(999)),
            Fen(99)
        );
        assert_eq!(
            Percent::parse("2.5").unwrap().of_fen_floor(Fen(1_000_001)),
            Fen(25_000)
        );
    }
}
