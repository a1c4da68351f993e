//! Member statements (`gufen-statement/v1`): what one person is given to keep, and can have
//! checked by anyone, without access to the collective's store.
//!
//! A statement carries the collective's signed checkpoint and every record concerning the
//! person, each with its Merkle inclusion proof against that checkpoint. Whoever holds the
//! ledger's verifier key (published by the collective, kept by the township) can then check
//! offline that each listed record is in the log the collective signed, so the keeper cannot
//! later show the person a different history than the one the township witnessed. The
//! record's bytes go along only when the record concerns nobody else: a statement is handed
//! to one person, and the bytes of a transfer or an inheritance name other people whole.
//!
//! What a statement cannot prove is completeness (that no record concerning the person was
//! left out): that needs the whole log, which the audit bundle carries. docs/audit.md ("Member statements")
//! gives the format field by field.

use crate::checkpoint::{note_body, Checkpoint, SignedCheckpoint};
use crate::merkle::{self, Blake3Hasher, MerkleHasher};
use crate::note::{Note, Verifier};
use crate::record::{self, hex, Hash, Record};
use crate::{Ledger, LedgerError};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::NaiveDate;
use gufen_core::event::{person_stream, EventKind, Reversal};
use gufen_core::{Event, PersonId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format name every statement carries in its `format` field.
pub const FORMAT: &str = "gufen-statement/v1";
/// The prefix of the reference string (version 1 of its layout).
pub const REFERENCE_PREFIX: &str = "GF1";
/// Domain tag hashed first into the reference digest.
const REFERENCE_DOMAIN_TAG: &[u8] = b"gufen-statement/v1\0";
/// Why a record's bytes are left out (the statement's words, in both languages).
pub const BYTES_OMITTED: &str = "names other persons / 涉及他人，不附原始记录";
/// Record types whose event can name more than one person: only their bytes may be left out.
const MAY_NAME_OTHERS: &[EventKind] = &[
    EventKind::SharesTransferred,
    EventKind::EstateSettled,
    EventKind::RecordCorrected,
];

/// Whether a record of this stored type name may name persons besides the statement's.
fn may_name_others(event_type: &str) -> bool {
    EventKind::parse(event_type).is_some_and(|kind| MAY_NAME_OTHERS.contains(&kind))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub format: String,
    pub collective: StatementCollective,
    pub person: StatementPerson,
    /// When the statement was made (RFC 3339); informational, not covered by the reference.
    pub issued_at: String,
    /// The ledger's checkpoint note, signed by the ledger key, with any witness cosignatures.
    pub checkpoint: String,
    /// The records the checkpoint covers (seq below its size), in seq order.
    pub records: Vec<StatementRecord>,
    /// Records appended after the checkpoint was signed: listed, without proof or bytes.
    pub not_yet_covered: Vec<UncoveredRecord>,
    /// The person's dividends, from the covered records.
    pub dividends: Vec<DividendLine>,
    /// `GF1-<code>-<checkpoint size>-<12 hex>`: see [`reference`].
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementCollective {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementPerson {
    /// The person's whole ID: the statement is theirs.
    pub id: String,
    pub name: String,
}

/// A record's summary in both languages, every ID in it masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementRecord {
    pub seq: u64,
    pub date: NaiveDate,
    #[serde(rename = "type")]
    pub event_type: String,
    pub summary: Summary,
    /// The record hash (standard base64): `blake3("gufen/record/v1\0" ‖ bytes)`. Base64, as
    /// checkpoints give hashes: a hex hash can hold 18 digits in a row that read as an ID.
    pub hash: String,
    /// The inclusion proof (base64 hashes, RFC 9162 order) against the checkpoint.
    pub proof: Vec<String>,
    /// The record's stored bytes (base64), only when it concerns nobody else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<String>,
    /// Why the bytes are left out, when they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_omitted: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UncoveredRecord {
    pub seq: u64,
    pub date: NaiveDate,
    #[serde(rename = "type")]
    pub event_type: String,
    pub summary: Summary,
}

/// One year's dividend: declared (sum of `DividendDeclared`) and paid (sum of `DividendPaid`
/// less reversed payments), in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DividendLine {
    pub year: u16,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub paid: bool,
}

/// The dividend lines the events give, by year.
pub fn dividend_lines<'a>(events: impl IntoIterator<Item = &'a Event>) -> Vec<DividendLine> {
    let mut years: BTreeMap<u16, (i64, i64)> = BTreeMap::new();
    for event in events {
        match event {
            Event::DividendDeclared(e) => years.entry(e.year).or_default().0 += e.amount_fen,
            Event::DividendPaid(e) => years.entry(e.year).or_default().1 += e.amount_fen,
            Event::RecordCorrected(c) => {
                if let Reversal::Payment(p) = &c.reversal {
                    years.entry(p.year).or_default().1 -= p.amount_fen;
                }
            }
            _ => {}
        }
    }
    years
        .into_iter()
        .map(|(year, (amount_fen, paid_fen))| DividendLine {
            year,
            amount_fen,
            paid_fen,
            paid: amount_fen > 0 && paid_fen >= amount_fen,
        })
        .collect()
}

/// The reference string printed (as a QR code) on a certificate made from the statement:
/// `GF1-<collective code>-<checkpoint size>-<first 12 hex of D>` with
/// `D = blake3("gufen-statement/v1\0" ‖ person ID ‖ 0x00 ‖ root ‖ (seq u64 BE ‖ hash)*)` over
/// the covered records in order. It names the checkpoint and pins the list of records, so a
/// certificate and the statement it came from can be matched.
pub fn reference(
    code: &str,
    person: &str,
    checkpoint: &Checkpoint,
    records: &[(u64, Hash)],
) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(REFERENCE_DOMAIN_TAG);
    hasher.update(person.as_bytes());
    hasher.update(&[0]);
    hasher.update(&checkpoint.root);
    for (seq, hash) in records {
        hasher.update(&seq.to_be_bytes());
        hasher.update(hash);
    }
    let digest = hex(hasher.finalize().as_bytes());
    format!(
        "{REFERENCE_PREFIX}-{code}-{}-{}",
        checkpoint.size,
        &digest[..12]
    )
}

/// Makes the statement of `person` from the ledger's latest signed checkpoint note (refused
/// when the ledger was never signed). `summarize` gives each record's summary (the caller's
/// labels, every ID masked).
pub fn build(
    ledger: &Ledger,
    person: &PersonId,
    person_name: &str,
    collective_name: &str,
    issued_at: String,
    summarize: impl Fn(&Event) -> Summary,
) -> Result<Statement, LedgerError> {
    let note = ledger.signed_checkpoint_note()?.ok_or_else(|| {
        LedgerError::Refused(
            "the ledger's checkpoint is not signed: sign it first (`gufen checkpoint --sign KEY`), then make the statement".into(),
        )
    })?;
    let checkpoint = Checkpoint::parse(note_body(&note))
        .map_err(|e| LedgerError::Refused(format!("the ledger's checkpoint note: {e}")))?;
    let mut records = Vec::new();
    let mut uncovered = Vec::new();
    let mut events = Vec::new();
    let mut pinned: Vec<(u64, Hash)> = Vec::new();
    for stored in ledger.stream(&person_stream(person))? {
        let seq = stored.record.seq;
        let event = stored.record.event()?;
        let summary = summarize(&event);
        let date = stored.record.effective_date();
        let event_type = stored.record.event_type.clone();
        if seq >= checkpoint.size {
            uncovered.push(UncoveredRecord {
                seq,
                date,
                event_type,
                summary,
            });
            continue;
        }
        let proof = ledger.inclusion_proof(seq, Some(checkpoint.size))?;
        if proof.root != checkpoint.root || proof.record_hash != stored.hash {
            return Err(LedgerError::Corrupt {
                seq: Some(seq),
                message: "the store's tree does not lead to its own checkpoint's root".into(),
            });
        }
        let alone = event.persons().iter().all(|p| *p == person);
        let bytes = if alone {
            let stored_bytes = ledger.record_bytes(seq, seq + 1)?;
            let (_, bytes) = stored_bytes
                .into_iter()
                .next()
                .ok_or(LedgerError::Corrupt {
                    seq: Some(seq),
                    message: "the record is missing".into(),
                })?;
            Some(BASE64.encode(bytes))
        } else {
            None
        };
        records.push(StatementRecord {
            seq,
            date,
            event_type,
            summary,
            hash: b64(&stored.hash),
            proof: proof.proof.iter().map(b64).collect(),
            bytes_omitted: bytes.is_none().then(|| BYTES_OMITTED.to_string()),
            bytes,
        });
        events.push(event);
        pinned.push((seq, stored.hash));
    }
    Ok(Statement {
        format: FORMAT.to_string(),
        collective: StatementCollective {
            code: ledger.id().to_string(),
            name: collective_name.to_string(),
        },
        person: StatementPerson {
            id: person.to_string(),
            name: person_name.to_string(),
        },
        issued_at,
        reference: reference(ledger.id(), &person.to_string(), &checkpoint, &pinned),
        checkpoint: note,
        records,
        not_yet_covered: uncovered,
        dividends: dividend_lines(&events),
    })
}

fn b64(hash: &Hash) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(hash)
}

/// A hash as a statement spells it: standard base64 of 32 bytes, in its one canonical form.
fn un64(text: &str) -> Option<Hash> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .ok()?;
    let hash: Hash = bytes.try_into().ok()?;
    (b64(&hash) == text).then_some(hash)
}

/// What an offline check of a statement found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The checkpoint, once its signatures verified.
    pub checkpoint: Option<Checkpoint>,
    /// The witnesses whose cosignatures verified.
    pub witnesses: Vec<String>,
    /// The records checked, in order, up to the first failure.
    pub records: Vec<RecordCheck>,
    pub not_yet_covered: usize,
    pub dividends_checked: bool,
    pub reference_checked: bool,
    pub failure: Option<Failure>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordCheck {
    pub seq: u64,
    pub event_type: String,
    pub date: NaiveDate,
    /// Whether the bytes were there and checked (hash, decoding, person, seq, type, date).
    pub bytes_checked: bool,
}

/// The first thing that did not hold, and the record it concerns when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub seq: Option<u64>,
    pub problem: String,
}

/// Checks a statement offline: the checkpoint's signature by `log` (and a cosignature by every
/// one of `witnesses`), its origin, every inclusion proof against its root, every included byte
/// string against its record hash and the person, the dividend lines and the reference.
pub fn check(statement: &Statement, log: &Verifier, witnesses: &[Verifier]) -> Report {
    let mut report = Report::default();
    if let Err(failure) = check_into(statement, log, witnesses, &mut report) {
        report.failure = Some(failure);
    }
    report
}

fn fail(seq: Option<u64>, problem: impl Into<String>) -> Failure {
    Failure {
        seq,
        problem: problem.into(),
    }
}

fn check_into(
    statement: &Statement,
    log: &Verifier,
    witnesses: &[Verifier],
    report: &mut Report,
) -> Result<(), Failure> {
    if statement.format != FORMAT {
        return Err(fail(
            None,
            format!("the format is {:?}, not {FORMAT}", statement.format),
        ));
    }
    let person = PersonId::parse(&statement.person.id)
        .map_err(|e| fail(None, format!("the person's ID: {e}")))?;
    let opened = SignedCheckpoint::open(statement.checkpoint.as_bytes(), log, witnesses)
        .map_err(|e| fail(None, format!("the checkpoint: {e}")))?;
    for witness in witnesses {
        if !opened
            .cosignatures
            .iter()
            .any(|c| witness.matches(&c.name, c.key_id))
        {
            return Err(fail(
                None,
                format!(
                    "the checkpoint is not cosigned by the witness {}",
                    witness.name()
                ),
            ));
        }
    }
    let checkpoint = opened.checkpoint;
    checkpoint
        .check_origin(&statement.collective.code)
        .map_err(|e| fail(None, e.to_string()))?;
    report.witnesses = opened.cosignatures.iter().map(|c| c.name.clone()).collect();
    report.checkpoint = Some(checkpoint.clone());

    let mut pinned = Vec::with_capacity(statement.records.len());
    let mut events = Vec::new();
    let mut last: Option<u64> = None;
    for entry in &statement.records {
        let seq = entry.seq;
        let at = |problem: String| fail(Some(seq), problem);
        if last.is_some_and(|l| seq <= l) {
            return Err(at("records are not in increasing seq order".into()));
        }
        last = Some(seq);
        let hash = un64(&entry.hash)
            .ok_or_else(|| at("the record hash is not 32 bytes in standard base64".into()))?;
        let proof = entry
            .proof
            .iter()
            .map(|h| un64(h))
            .collect::<Option<Vec<Hash>>>()
            .ok_or_else(|| at("a proof hash is not 32 bytes in standard base64".into()))?;
        merkle::verify_inclusion(
            &Blake3Hasher,
            seq,
            checkpoint.size,
            &Blake3Hasher.leaf(&hash),
            &proof,
            &checkpoint.root,
        )
        .map_err(|e| at(format!("the inclusion proof does not verify: {e}")))?;
        let bytes_checked = match &entry.bytes {
            Some(text) => {
                let event = check_bytes(text, &hash, entry, &statement.collective.code, &person)
                    .map_err(at)?;
                events.push(event);
                true
            }
            None => {
                if !may_name_others(&entry.event_type) {
                    return Err(at(format!(
                        "the bytes of a {} record are left out, but such a record concerns one person only",
                        entry.event_type
                    )));
                }
                false
            }
        };
        pinned.push((seq, hash));
        report.records.push(RecordCheck {
            seq,
            event_type: entry.event_type.clone(),
            date: entry.date,
            bytes_checked,
        });
    }
    for uncovered in &statement.not_yet_covered {
        if uncovered.seq < checkpoint.size {
            return Err(fail(
                Some(uncovered.seq),
                "listed as not yet covered, but the checkpoint covers it (its proof is missing)",
            ));
        }
    }
    report.not_yet_covered = statement.not_yet_covered.len();
    if dividend_lines(&events) != statement.dividends {
        return Err(fail(
            None,
            "the dividend lines are not the ones the records give",
        ));
    }
    report.dividends_checked = true;
    let expected = reference(
        &statement.collective.code,
        &statement.person.id,
        &checkpoint,
        &pinned,
    );
    if statement.reference != expected {
        return Err(fail(
            None,
            format!(
                "the reference {:?} is not the one the records give ({expected})",
                statement.reference
            ),
        ));
    }
    report.reference_checked = true;
    Ok(())
}

/// Checks one record's bytes: they hash to the record hash, decode to a record of this
/// collective with the stated seq, type and date, whose event concerns the person and nobody
/// else (bytes naming others must not be in a statement). Returns the event.
fn check_bytes(
    text: &str,
    hash: &Hash,
    entry: &StatementRecord,
    code: &str,
    person: &PersonId,
) -> Result<Event, String> {
    let bytes = BASE64
        .decode(text)
        .map_err(|_| "the record bytes are not base64".to_string())?;
    if record::record_hash(&bytes) != *hash {
        return Err("the record bytes do not hash to the record hash".into());
    }
    let record = Record::decode(&bytes).map_err(|e| e.to_string())?;
    if record.ledger_id != code {
        return Err(format!("the record is of collective {}", record.ledger_id));
    }
    if record.seq != entry.seq {
        return Err(format!("the record bytes are of record {}", record.seq));
    }
    if record.event_type != entry.event_type || record.effective_date() != entry.date {
        return Err("the stated type or date is not the record's".into());
    }
    let event = record.event().map_err(|e| e.to_string())?;
    let persons = event.persons();
    if !persons.contains(&person) {
        return Err("the record does not concern the person".into());
    }
    if persons.iter().any(|p| *p != person) {
        return Err("the record's bytes name other persons and must not be in a statement".into());
    }
    Ok(event)
}

/// The statement's checkpoint body, when the note parses (for callers that only display it).
pub fn checkpoint_of(statement: &Statement) -> Option<Checkpoint> {
    let note = Note::parse(statement.checkpoint.as_bytes()).ok()?;
    Checkpoint::parse(&note.text).ok()
}
