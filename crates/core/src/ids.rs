//! Identifiers: the citizen ID (GB 11643-1999), the unified social credit code (GB 32100-2015),
//! and masking for public documents (R16).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an identifier was refused. Each message names the rule it enforces.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The text as typed, masked (R16).
    #[error("R5: citizen ID {0} must have 18 characters (17 digits and a check character)")]
    CitizenIdLength(String),
    /// The text as typed, masked (R16).
    #[error("R5: citizen ID {0} must be 17 digits followed by a digit or X")]
    CitizenIdCharacters(String),
    /// The ID, masked (R16).
    #[error("R5: citizen ID {0} does not begin with a province code of GB/T 2260 (11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)")]
    CitizenIdProvince(String),
    /// The ID, masked (R16).
    #[error("R5: citizen ID {0} does not hold a real birth date (characters 7 to 14, YYYYMMDD)")]
    CitizenIdBirthDate(String),
    #[error("R5: citizen ID {masked} has a wrong check character: expected {expected}, found {found} (GB 11643)")]
    CitizenIdCheck {
        masked: String,
        expected: char,
        found: char,
    },
    #[error("org code {0:?} must have 18 characters (GB 32100 unified social credit code)")]
    OrgCodeLength(String),
    #[error("org code {code:?} has a character outside 0-9A-HJ-NPQRTUWXY at position {position}")]
    OrgCodeCharacter { code: String, position: usize },
    #[error("org code {code} has a wrong check character: expected {expected}, found {found} (GB 32100)")]
    OrgCodeCheck {
        code: String,
        expected: char,
        found: char,
    },
    /// The text as typed, masked (R16).
    #[error("R5: document {0} must be TYPE:NUMBER, e.g. passport:E12345678 (a type is a word of letters, digits or -, at most 20)")]
    Document(String),
    /// A citizen ID given as another document's number (masked, R16).
    #[error(
        "R5: {0} is a citizen ID: a citizen is keyed by the ID itself, not as another document"
    )]
    CitizenUnderDocument(String),
}

const CITIZEN_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CITIZEN_CHECK: &[u8; 11] = b"10X98765432";

/// A PRC citizen identity number (公民身份号码), the person key in the ledger (R5).
/// Always upper-case; the check character is validated on construction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CitizenId(String);

impl CitizenId {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let upper = text.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() != 18 || !upper.is_ascii() {
            return Err(IdError::CitizenIdLength(mask(text.trim())));
        }
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdError::CitizenIdCharacters(mask(&upper)));
        }
        if !is_province_code(&upper[..2]) {
            return Err(IdError::CitizenIdProvince(mask(&upper)));
        }
        if birth_date_of(&upper).is_none() {
            return Err(IdError::CitizenIdBirthDate(mask(&upper)));
        }
        let expected = citizen_check_character(&upper[..17]);
        let found = bytes[17] as char;
        if expected != found {
            return Err(IdError::CitizenIdCheck {
                masked: mask(&upper),
                expected,
                found,
            });
        }
        Ok(CitizenId(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 6 and last 4 characters, the birth date hidden (R16).
    pub fn masked(&self) -> String {
        mask(&self.0)
    }

    /// The birth date the ID holds (characters 7 to 14), a real date by construction (R5).
    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).expect("a citizen ID holds a real birth date")
    }
}

/// The first two digits of a citizen ID's address code: a province of GB/T 2260 (R5).
fn is_province_code(digits: &str) -> bool {
    matches!(
        digits.parse::<u8>(),
        Ok(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82)
    )
}

/// The earliest birth year a citizen ID may hold: no living person was born before it.
pub const BIRTH_YEAR_MIN: i32 = 1900;

/// The birth date in characters 7 to 14 of an 18-character ID, if it is a real date no earlier
/// than `BIRTH_YEAR_MIN`.
fn birth_date_of(id: &str) -> Option<NaiveDate> {
    let digits = id.get(6..14)?;
    NaiveDate::parse_from_str(digits, "%Y%m%d")
        .ok()
        .filter(|date| date.year() >= BIRTH_YEAR_MIN)
}

impl fmt::Display for CitizenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The GB 11643 check character for the first 17 digits.
pub fn citizen_check_character(first_17_digits: &str) -> char {
    assert_eq!(first_17_digits.len(), 17);
    let sum: u32 = first_17_digits
        .bytes()
        .zip(CITIZEN_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CITIZEN_CHECK[(sum % 11) as usize] as char
}

/// Masks an identifier for public documents: at most the first 6 and last 4 characters show.
pub fn mask(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// The longest document type (`passport`, `hk-macao-permit`, …).
pub const DOCUMENT_KIND_CHARS_MAX: usize = 20;

/// The key of a person in the ledger: a citizen ID, or for a non-PRC heir another document (R5).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PersonId {
    Citizen(CitizenId),
    /// e.g. `passport:E12345678`; the type is lower-case, the number upper-case.
    Document {
        kind: String,
        number: String,
    },
}

impl PersonId {
    /// Parses `ID` (18-char citizen ID) or `TYPE:NUMBER` (another document).
    pub fn parse(text: &str) -> Result<Self, IdError> {
        match text.split_once(':') {
            Some((kind, number)) => {
                let kind = kind.trim().to_ascii_lowercase();
                let number = number.trim().to_ascii_uppercase();
                // A type is a word (never digits, which could carry an ID into every output).
                let ok_kind = kind.len() <= DOCUMENT_KIND_CHARS_MAX
                    && kind.starts_with(|c: char| c.is_ascii_alphabetic())
                    && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                let ok_number = !number.is_empty()
                    && number.len() <= 40
                    && number
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-');
                if !ok_kind || !ok_number || kind == "citizen" {
                    return Err(IdError::Document(mask(text.trim())));
                }
                // A citizen is keyed by the citizen ID itself, never under another type (R5).
                if CitizenId::parse(&number).is_ok() {
                    return Err(IdError::CitizenUnderDocument(mask(&number)));
                }
                Ok(PersonId::Document { kind, number })
            }
            None => CitizenId::parse(text).map(PersonId::Citizen),
        }
    }

    pub fn masked(&self) -> String {
        match self {
            PersonId::Citizen(id) => id.masked(),
            PersonId::Document { kind, number } => format!("{kind}:{}", mask(number)),
        }
    }

    /// The ID as a public document shows it (R16).
    pub fn masked_id(&self) -> MaskedId {
        MaskedId(self.masked())
    }
}

/// A person's ID as a public document shows it (R16): at most the first 6 and last 4
/// characters of the number. It is made only from a `PersonId`, so a document that holds IDs as
/// `MaskedId` cannot hold a whole one; it serializes as the masked text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaskedId(String);

impl MaskedId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&PersonId> for MaskedId {
    fn from(id: &PersonId) -> Self {
        id.masked_id()
    }
}

impl fmt::Display for MaskedId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for MaskedId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PersonId::Citizen(id) => f.write_str(id.as_str()),
            PersonId::Document { kind, number } => write!(f, "{kind}:{number}"),
        }
    }
}

const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The 18-character unified social credit code (统一社会信用代码) of a collective: the ledger id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OrgCode(String);

impl OrgCode {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let code = text.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(IdError::OrgCodeLength(text.to_string()));
        }
        let mut values = Vec::with_capacity(18);
        for (position, c) in code.chars().enumerate() {
            match USCC_ALPHABET.find(c) {
                Some(v) => values.push(v as u32),
                None => {
                    return Err(IdError::OrgCodeCharacter {
                        code: code.clone(),
                        position: position + 1,
                    })
                }
            }
        }
        let expected = org_check_of(&values[..17]);
        let found = code.as_bytes()[17] as char;
        if expected != found {
            return Err(IdError::OrgCodeCheck {
                code,
                expected,
                found,
            });
        }
        Ok(OrgCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The GB 32100 check character of the first 17 characters of a credit code, or None when one
/// of them is outside the code's alphabet (I, O, S, V, Z and lower case are not in it).
pub fn org_check_character(first_17: &str) -> Option<char> {
    if first_17.chars().count() != 17 {
        return None;
    }
    let values: Option<Vec<u32>> = first_17
        .chars()
        .map(|c| USCC_ALPHABET.find(c).map(|v| v as u32))
        .collect();
    Some(org_check_of(&values?))
}

fn org_check_of(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    USCC_ALPHABET.as_bytes()[check as usize] as char
}

impl fmt::Display for OrgCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors from python-stdnum's tests (fixtures/ids.md names the source).
    #[test]
    fn citizen_ids_from_published_vectors() {
        assert!(CitizenId::parse("360426199101010071").is_ok());
        assert_eq!(
            CitizenId::parse("44011320141005001x").unwrap().as_str(),
            "44011320141005001X"
        );
        assert!(CitizenId::parse("412723199010050012").is_ok());
        assert!(matches!(
            CitizenId::parse("360426199101010072"),
            Err(IdError::CitizenIdCheck {
                expected: '1',
                found: '2',
                ..
            })
        ));
        assert!(matches!(
            CitizenId::parse("36042619910101007"),
            Err(IdError::CitizenIdLength(_))
        ));
        assert!(matches!(
            CitizenId::parse("3604261991010100A1"),
            Err(IdError::CitizenIdCharacters(_))
        ));
    }

    #[test]
    fn a_citizen_id_holds_a_real_birth_date_and_a_province_code() {
        let id = CitizenId::parse("360426199101010071").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1991, 1, 1).unwrap()
        );
        // 1991-02-30 does not exist; the check character is right for the 17 digits.
        let first17 = "36042619910230007";
        let text = format!("{first17}{}", citizen_check_character(first17));
        let error = CitizenId::parse(&text).unwrap_err();
        assert!(matches!(error, IdError::CitizenIdBirthDate(_)), "{error}");
        assert!(!error.to_string().contains("19910230"), "{error}");
        // 29 February exists in 2000, not in 1900.
        for (first17, real) in [("11010120000229001", true), ("11010119000229001", false)] {
            let text = format!("{first17}{}", citizen_check_character(first17));
            assert_eq!(CitizenId::parse(&text).is_ok(), real, "{text}");
        }
        // 16, 39 and 90 are no province of GB/T 2260; 11, 65, 71, 81 and 82 are.
        for (province, known) in [
            ("16", false),
            ("39", false),
            ("90", false),
            ("11", true),
            ("65", true),
            ("71", true),
            ("81", true),
            ("82", true),
        ] {
            let first17 = format!("{province}0426199101010071")[..17].to_string();
            let text = format!("{first17}{}", citizen_check_character(&first17));
            let parsed = CitizenId::parse(&text);
            assert_eq!(parsed.is_ok(), known, "{text}: {parsed:?}");
            if !known {
                assert!(matches!(parsed, Err(IdError::CitizenIdProvince(_))));
            }
        }
    }

    #[test]
    fn errors_about_a_typed_id_mask_it() {
        // A 15-digit ID of the old format, a 19-digit typo, a bad character, a bad document.
        for text in [
            "360426910101007",
            "3604261991010100711",
            "3604261991010100A1",
            "passport:E1234567890!",
        ] {
            let message = PersonId::parse(text).unwrap_err().to_string();
            assert!(message.starts_with("R5:"), "{message}");
            assert!(!message.contains(text), "{message}");
            assert!(!message.contains("910101"), "{message}");
        }
    }

    #[test]
    fn check_error_names_the_rule_and_hides_the_birth_date() {
        let message = CitizenId::parse("360426199101010072")
            .unwrap_err()
            .to_string();
        assert!(message.starts_with("R5:"), "{message}");
        assert!(!message.contains("19910101"), "{message}");
    }

    #[test]
    fn masking_shows_at_most_first_six_and_last_four() {
        assert_eq!(mask("360426199101010071"), "360426********0071");
        let id = PersonId::parse("passport:e1234567890").unwrap();
        assert_eq!(id.to_string(), "passport:E1234567890");
        assert_eq!(id.masked(), "passport:E12345*7890");
    }

    #[test]
    fn a_masked_id_holds_the_masked_text_only() {
        let id = PersonId::parse("360426199101010071").unwrap();
        let masked = MaskedId::from(&id);
        assert_eq!(masked.as_str(), "360426********0071");
        assert_eq!(masked.to_string(), masked.as_str());
        let document = PersonId::parse("passport:E1234567890").unwrap();
        assert_eq!(document.masked_id().as_str(), "passport:E12345*7890");
    }

    #[test]
    fn an_org_check_character_completes_a_valid_code() {
        assert_eq!(org_check_character("N2410183MF0000001"), Some('Y'));
        assert_eq!(org_check_character("91310115MA1K3BTP2"), Some('B'));
        assert_eq!(org_check_character("N2410183MF000000I"), None);
        assert_eq!(org_check_character("N2410183MF00001"), None);
        for n in 1..=50 {
            let first = format!("N2410183MF{n:07}");
            let check = org_check_character(&first).unwrap();
            assert!(OrgCode::parse(&format!("{first}{check}")).is_ok());
        }
    }

    #[test]
    fn org_codes() {
        assert!(OrgCode::parse("N2410183MF0000001Y").is_ok());
        assert!(OrgCode::parse("91310115MA1K3BTP2B").is_ok());
        assert!(OrgCode::parse("9144030071526726XG").is_ok());
        assert!(matches!(
            OrgCode::parse("N2410183MF0000001X"),
            Err(IdError::OrgCodeCheck { expected: 'Y', .. })
        ));
        assert!(matches!(
            OrgCode::parse("N2410183MF0000001"),
            Err(IdError::OrgCodeLength(_))
        ));
        assert!(matches!(
            OrgCode::parse("I2410183MF0000001Y"),
            Err(IdError::OrgCodeCharacter { position: 1, .. })
        ));
    }

    /// Regression: a document type of digits carried a whole citizen ID into the log and
    /// `member show`; a citizen ID under another type was a second key for one citizen; a
    /// birth year of 0000 or 1800 passed (R5, R16).
    #[test]
    fn a_document_type_is_a_word_and_never_carries_a_citizen_id() {
        for text in [
            "410183195202210053:E1",
            "-passport:E1",
            "averyveryverylongdocumenttype:E1",
        ] {
            let error = PersonId::parse(text).unwrap_err().to_string();
            assert!(error.starts_with("R5"), "{error}");
            assert!(!error.contains("410183195202210053"), "{error}");
        }
        let error = PersonId::parse("passport:410183195202210053")
            .unwrap_err()
            .to_string();
        assert!(error.contains("is a citizen ID"), "{error}");
        assert!(!error.contains("410183195202210053"), "{error}");
        assert!(PersonId::parse("hk-macao-permit:H1234567").is_ok());
        for born_too_early in ["410183000001010028", "410183180001010029"] {
            assert!(
                CitizenId::parse(born_too_early).is_err(),
                "{born_too_early}"
            );
        }
        assert!(CitizenId::parse("110101190001010014").is_ok());
    }
}
