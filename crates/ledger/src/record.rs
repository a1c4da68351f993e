//! The record: one event as stored, its bytes and its hash. docs/format.md draws the layout.
//!
//! **Invariant:** a record's hash is computed over its bytes as stored; verify never re-encodes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The record format this code writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// Domain tag hashed before a record's bytes.
pub const RECORD_DOMAIN_TAG: &[u8] = b"gufen/record/v1\0";
/// Domain tag hashed before the ledger id to make the genesis `prev`.
pub const GENESIS_DOMAIN_TAG: &[u8] = b"gufen/genesis/v1\0";
/// The largest record this code writes or reads, in bytes. A distribution plan carries every
/// holder's line (at most `gufen_core::distribution::PLAN_LINES_MAX`); a citizen's line is at
/// most 38 bytes (20 for the person ID, at most 9 for each of the two varints).
pub const RECORD_BYTES_MAX: usize = 64 * 1024 * 1024;

pub type Hash = [u8; 32];

/// Which command wrote the record, and where in its batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRef {
    pub command_id: [u8; 16],
    pub index: u32,
    pub len: u32,
}

/// One stored record. Field order is the byte order (bincode 2, `config::standard()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub format_version: u16,
    /// The collective's unified social credit code.
    pub ledger_id: String,
    pub seq: u64,
    pub prev: Hash,
    pub batch: BatchRef,
    /// When the record was written: UTC microseconds since 1970-01-01T00:00:00Z.
    pub recorded_at_micros: i64,
    /// The business date: days since 1970-01-01.
    pub effective_days: i32,
    pub actor: String,
    pub stream: String,
    /// The number of records of this stream before this one.
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u16,
    /// The event, bincode 2 `config::standard()` of `gufen_core::Event`.
    pub payload: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("record bytes do not decode: {0}")]
    Bytes(String),
    #[error("record has {0} trailing bytes")]
    Trailing(usize),
    #[error("record is {0} bytes, above the limit of {RECORD_BYTES_MAX}")]
    TooLarge(usize),
    #[error("record format version {0} is not known to this program")]
    FormatVersion(u16),
    #[error("record is dated {0} days from 1970-01-01, outside the calendar")]
    DateOutOfRange(i32),
    #[error("payload does not decode as a {0} event: {1}")]
    Payload(String, String),
}

fn config() -> bincode::config::Configuration {
    bincode::config::standard()
}

/// The most memory one decode may claim for the strings and sequences it reads. A length prefix
/// is data: without a bound, bytes claiming a string of 2⁶⁰ bytes make the allocator abort the
/// process (an audit of a crafted bundle would end in SIGABRT, not exit 3). The bound is far
/// above any real value (a 100,000-holder plan entity is about 6 MB) and changes no byte: the
/// limit only applies while decoding.
pub const DECODE_BYTES_MAX: usize = 1 << 30;

fn decode_config() -> bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<DECODE_BYTES_MAX>,
> {
    bincode::config::standard().with_limit::<DECODE_BYTES_MAX>()
}

/// Encodes any serde value with the project's one fixed bincode configuration.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    bincode::serde::encode_to_vec(value, config()).expect("encoding to a Vec cannot fail")
}

/// Decodes a value encoded by `encode`, refusing trailing bytes. Non-shortest varints are
/// accepted (bincode 2.0.1 does not check), so only `encode` of the result is canonical.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let (value, used) = bincode::serde::decode_from_slice(bytes, decode_config())
        .map_err(|e| DecodeError::Bytes(e.to_string()))?;
    if used != bytes.len() {
        return Err(DecodeError::Trailing(bytes.len() - used));
    }
    Ok(value)
}

impl Record {
    pub fn encode(&self) -> Vec<u8> {
        let bytes = encode(self);
        assert!(
            bytes.len() <= RECORD_BYTES_MAX,
            "record of {} bytes exceeds the limit",
            bytes.len()
        );
        bytes
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        if bytes.len() > RECORD_BYTES_MAX {
            return Err(DecodeError::TooLarge(bytes.len()));
        }
        let record: Record = decode(bytes)?;
        if record.format_version != FORMAT_VERSION {
            return Err(DecodeError::FormatVersion(record.format_version));
        }
        // An i32 of days reaches past the dates chrono can hold, and `effective_date` would
        // panic on such a record (written outside gufen, in a bundle or a statement).
        if checked_date_from_days(record.effective_days).is_none() {
            return Err(DecodeError::DateOutOfRange(record.effective_days));
        }
        Ok(record)
    }

    pub fn event(&self) -> Result<gufen_core::Event, DecodeError> {
        let event: gufen_core::Event = decode(&self.payload)
            .map_err(|e| DecodeError::Payload(shown(&self.event_type), e.to_string()))?;
        if event.type_name() != self.event_type {
            return Err(DecodeError::Payload(
                shown(&self.event_type),
                format!("payload holds a {}", event.type_name()),
            ));
        }
        Ok(event)
    }

    pub fn effective_date(&self) -> NaiveDate {
        date_from_days(self.effective_days)
    }
}

/// A stored type name as a message may show it: a record written outside gufen can hold control
/// characters there, which must not reach a terminal.
fn shown(event_type: &str) -> String {
    if event_type.chars().all(|c| c.is_ascii_alphanumeric()) {
        event_type.to_string()
    } else {
        format!("{event_type:?}")
    }
}

/// `blake3(RECORD_DOMAIN_TAG ‖ bytes)`.
pub fn record_hash(bytes: &[u8]) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(RECORD_DOMAIN_TAG);
    hasher.update(bytes);
    *hasher.finalize().as_bytes()
}

/// The `prev` of record 0: `blake3(GENESIS_DOMAIN_TAG ‖ ledger id)`.
pub fn genesis_prev(ledger_id: &str) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(GENESIS_DOMAIN_TAG);
    hasher.update(ledger_id.as_bytes());
    *hasher.finalize().as_bytes()
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => unreachable!(),
};

pub fn days_from_date(date: NaiveDate) -> i32 {
    i32::try_from((date - EPOCH).num_days()).expect("dates fit in i32 days")
}

/// The date `days` after 1970-01-01. Panics outside chrono's range, which a decoded record
/// never is (`Record::decode` refuses it).
pub fn date_from_days(days: i32) -> NaiveDate {
    checked_date_from_days(days).expect("a decoded record's date is in range")
}

fn checked_date_from_days(days: i32) -> Option<NaiveDate> {
    EPOCH.checked_add_signed(chrono::Duration::days(i64::from(days)))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
