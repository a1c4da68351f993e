//! Value parsers for typed clap arguments: a handler receives validated values, and a bad value
//! is refused (naming its flag) before any store is opened, as bad input (exit 1): a value of the
//! wrong shape (a date, an ID, an amount), or outside a fixed set of choices (clap lists them).

use crate::labels::Labelled;
use chrono::NaiveDate;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use gufen_core::amount::Percent;
use gufen_core::ids::IdError;
use gufen_core::{Fen, PersonId, Units};

/// A date: `YYYY-MM-DD`, or as a spreadsheet or a person writes it with the year first:
/// `2026/5/1`, `2026.05.01`, `2026年5月1日`. The year has four digits, the month and day one or
/// two; one separator throughout. chrono alone would also take `21-03-01` as the year 21 and
/// `+2021-03-01`; a year of two digits is refused, since `26/5/1` could be any century and
/// `5/1/2026` either order.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    match year_first_date(text.trim()) {
        Some(Some(date)) => Ok(date),
        // A year, month and day of the right shape naming no day: 2021-02-30.
        Some(None) => Err(format!(
            "{text:?} is not a date YYYY-MM-DD: there is no such day"
        )),
        None => Err(format!("{text:?} is not a date YYYY-MM-DD")),
    }
}

/// The date `text` names, year first: None when it is not of that shape, Some(None) when it is
/// but names no day (a 30 February, a month 13).
fn year_first_date(text: &str) -> Option<Option<NaiveDate>> {
    let (year, month, day) = match text.strip_suffix('日') {
        Some(rest) => {
            let (year, rest) = rest.split_once('年')?;
            let (month, day) = rest.split_once('月')?;
            (year, month, day)
        }
        None => {
            let separator = text.chars().find(|c| !c.is_ascii_digit())?;
            if !matches!(separator, '-' | '/' | '.') {
                return None;
            }
            let mut parts = text.split(separator);
            let parts = (parts.next()?, parts.next()?, parts.next()?, parts.next());
            if parts.3.is_some() {
                return None;
            }
            (parts.0, parts.1, parts.2)
        }
    };
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        (lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(digits(year, 4..=4)?).ok()?;
    let (month, day) = (digits(month, 1..=2)?, digits(day, 1..=2)?);
    Some(NaiveDate::from_ymd_opt(year, month, day))
}

/// A whole number of 0 or more: a year, a record's seq, a count of votes or records, seconds. A
/// negative one reaches this parser (the argument allows a leading hyphen) so that it is refused
/// as the bad value it is, not taken for an unknown flag.
pub fn whole<T: TryFrom<u64>>(text: &str) -> Result<T, String> {
    let trimmed = text.trim();
    if is_negative(text) {
        return Err(format!(
            "{trimmed} is negative: a year, a record's seq, a count or a number of seconds is a whole number of 0 or more"
        ));
    }
    let value: u64 = trimmed
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    T::try_from(value).map_err(|_| format!("{trimmed} is too large"))
}

/// A command id: a UUID.
pub fn uuid(text: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::parse_str(text).map_err(|_| format!("{text:?} is not a UUID"))
}

/// An 18-character citizen ID (GB 11643) or `TYPE:NUMBER` of another document (R5).
pub fn person_id(text: &str) -> Result<PersonId, IdError> {
    PersonId::parse(text)
}

/// Another document than a citizen ID: `TYPE:NUMBER`, e.g. `passport:E12345678`.
pub fn document(text: &str) -> Result<PersonId, String> {
    if !text.contains(':') {
        // The value is not repeated: it may be a citizen ID typed here by mistake.
        return Err("must be TYPE:NUMBER, e.g. passport:E12345678".to_string());
    }
    PersonId::parse(text).map_err(|e| e.to_string())
}

/// A positive number of shares, at most 4 decimal places ("1.5").
pub fn units(text: &str) -> Result<Units, String> {
    if is_negative(text) {
        return Err(format!(
            "{} is negative: shares are given as a positive number of units; shares leave a holding by a transfer, a redemption or a correction",
            text.trim()
        ));
    }
    Units::parse_positive(text).map_err(|e| e.to_string())
}

/// Whether a number typed on the command line is negative. Such values reach their parser (the
/// arguments allow a leading hyphen) so that they are refused with the rule's words, not taken
/// for an unknown flag.
fn is_negative(text: &str) -> bool {
    text.trim_start().starts_with('-')
}

/// A class's total in a quantification plan: CLASS=UNITS ("basic=1000").
pub fn class_units(text: &str) -> Result<(String, Units), String> {
    let (class, units) = text
        .split_once('=')
        .ok_or_else(|| "must be CLASS=UNITS, e.g. basic=1000".to_string())?;
    let units = Units::parse_positive(units.trim()).map_err(|e| e.to_string())?;
    Ok((class.trim().to_string(), units))
}

/// An amount in yuan, at most 2 decimal places ("1234.56").
pub fn yuan(text: &str) -> Result<Fen, String> {
    if is_negative(text) {
        return Err(format!(
            "{} is negative: money is entered as yuan of 0 or more (a year's losses go in --losses; money paid back is a correction of the payment)",
            text.trim()
        ));
    }
    Fen::parse_yuan(text).map_err(|e| e.to_string())
}

/// A percentage as decimal text ("10", "2.5").
pub fn percent(text: &str) -> Result<Percent, String> {
    if is_negative(text) {
        return Err(format!(
            "{} is negative: a rate is a percentage from 0 to 100, never below the charter's floor (R12)",
            text.trim()
        ));
    }
    Percent::parse(text).map_err(|e| e.to_string())
}

/// An heir and their share of the estate: `ID` or `ID:NUM/DEN`.
pub type Heir = (PersonId, Option<(u64, u64)>);

/// `ID` or `ID:NUM/DEN` (R10). The ID may itself hold a ':' (`passport:E12345678`), so the
/// fraction is the text after the last ':', and only when it holds a '/'.
pub fn heir(text: &str) -> Result<Heir, String> {
    let Some((id, fraction)) = text
        .rsplit_once(':')
        .filter(|(_, fraction)| fraction.contains('/'))
    else {
        return Ok((person_id(text).map_err(|e| e.to_string())?, None));
    };
    let (numerator, denominator) = fraction.split_once('/').expect("the fraction holds a '/'");
    let number = |part: &str| {
        part.trim()
            .parse::<u64>()
            .map_err(|_| format!("{part:?} is not a whole number"))
    };
    let fraction = (number(numerator)?, number(denominator)?);
    Ok((person_id(id).map_err(|e| e.to_string())?, Some(fraction)))
}

/// One of a labelled enum's codes; clap lists them in the help and in the error.
pub fn choice<T: Labelled + Clone>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        T::TABLE
            .iter()
            .map(|(_, label)| PossibleValue::new(label.code)),
    )
    .map(|code: String| T::from_code(&code).expect("clap accepts only the table's codes"))
}

/// A verifier key given on the command line: a file holding the vkey when such a file exists,
/// otherwise the vkey text itself (a vkey is `name+keyid+base64`, never a path one would type).
pub fn vkey(given: &str) -> anyhow::Result<String> {
    let path = std::path::Path::new(given);
    if path.is_file() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("the key file {} cannot be read: {e}", path.display()))?;
        return Ok(text.trim().to_string());
    }
    if given.matches('+').count() >= 2 {
        return Ok(given.trim().to_string());
    }
    anyhow::bail!("{given}: no such key file, and not a vkey (name+keyid+base64)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_taken_year_first_as_spreadsheets_write_it() {
        let may_day = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        for text in [
            "2026-05-01",
            " 2026-05-01 ",
            "2026/05/01",
            "2026/5/1",
            "2026-5-1",
            "2026.05.01",
            "2026年5月1日",
            "2026年05月01日",
        ] {
            assert_eq!(date(text), Ok(may_day), "{text}");
        }
        for text in [
            "26-05-01",
            "26/5/1",
            "5/1/2026",
            "01/05/2026",
            "+2026-05-01",
            "2026-05-01-02",
            "2026/05-01",
            "2026-005-01",
            "2026年5月1",
            "2026 05 01",
            "20260501",
            "",
        ] {
            assert!(
                date(text)
                    .unwrap_err()
                    .ends_with("is not a date YYYY-MM-DD"),
                "{text}"
            );
        }
        for text in ["2026-02-30", "2026/13/1", "2026年4月31日"] {
            assert!(
                date(text).unwrap_err().ends_with("there is no such day"),
                "{text}"
            );
        }
    }

    #[test]
    fn an_heir_is_an_id_with_or_without_a_fraction() {
        const A: &str = "360426199101010071";
        let a = PersonId::parse(A).unwrap();
        let passport = PersonId::parse("passport:E12345678").unwrap();
        assert_eq!(heir(A).unwrap(), (a.clone(), None));
        assert_eq!(heir(&format!("{A}:1/3")).unwrap(), (a, Some((1, 3))));
        assert_eq!(
            heir("passport:E12345678").unwrap(),
            (passport.clone(), None)
        );
        assert_eq!(
            heir("passport:E12345678:2/5").unwrap(),
            (passport, Some((2, 5)))
        );
        assert!(heir(&format!("{A}:1/x"))
            .unwrap_err()
            .contains("whole number"));
        assert!(
            heir("E12345678").is_err(),
            "no document type, and no citizen ID"
        );
    }
}
