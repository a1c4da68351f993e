//! Where a ledger's records are kept. Each full bundle of 256 consecutive records (seq 256·k to
//! 256·k + 255) is one value of the `bundles` tree under k, in the `gufen-entries/v1` framing
//! the audit bundle uses; the records past the last full bundle (the tail, fewer than 256) are
//! one a key in the `records` tree. A store of a million records so holds about 3,900 record
//! entries instead of a million, which is what sled's open, its pages and its disk use follow.
//!
//! An append that completes a bundle writes it whole, with the tail's earlier records, and
//! removes those loose copies once its head is published; until then the loose copies are what
//! the head covers, and a bundle past the head is discarded on open like any record past it.
//! A store written before bundles has every record loose: opening it folds them.

use super::{corrupt, read_head, seq_from_key, seq_key, Ledger, LedgerError};
use crate::bundle::{self, BUNDLE_ENTRIES};
use sled::IVec;

/// Records in a full bundle.
pub(crate) const WIDTH: u64 = BUNDLE_ENTRIES as u64;

pub(super) fn bundle_key(index: u64) -> [u8; 8] {
    index.to_be_bytes()
}

/// Records `from..to` as stored, one bundle's width at a time (fewer where records are missing).
pub(crate) struct RecordChunks {
    records: sled::Tree,
    bundles: sled::Tree,
    meta: sled::Tree,
    /// Bundles below this index are full below the head; one at or past it (left by an append
    /// that failed, until recovery removes it) is never read.
    published_bundles: u64,
    next: u64,
    to: u64,
}

impl Iterator for RecordChunks {
    type Item = Result<Vec<(u64, IVec)>, LedgerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.to {
            return None;
        }
        let index = self.next / WIDTH;
        let from = self.next;
        let end = ((index + 1) * WIDTH).min(self.to);
        self.next = end;
        Some(self.read(index, from, end))
    }
}

impl RecordChunks {
    fn read(&self, index: u64, from: u64, end: u64) -> Result<Vec<(u64, IVec)>, LedgerError> {
        if index < self.published_bundles {
            if let Some(value) = self.bundles.get(bundle_key(index))? {
                return Ok(entries(&value, index * WIDTH, from, end));
            }
        }
        let mut out = Vec::new();
        for entry in self.records.range(seq_key(from)..seq_key(end)) {
            let (key, bytes) = entry?;
            out.push((seq_from_key(&key)?, bytes));
        }
        if out.len() as u64 != end - from && index >= self.published_bundles {
            // An append in this process may have completed the bundle and removed its loose
            // copies since this read began: the bundle, if it is now below the head, has them.
            let head = read_head(&self.meta)?;
            if (index + 1) * WIDTH <= head {
                if let Some(value) = self.bundles.get(bundle_key(index))? {
                    return Ok(entries(&value, index * WIDTH, from, end));
                }
            }
        }
        Ok(out)
    }
}

/// The records of a stored bundle (its first record is `start`) with seq in `from..end`, each a
/// slice of the bundle's bytes. Where the framing breaks, the rest of the bytes is given as the
/// next record: it cannot decode nor hash right, so the chain walk names its seq.
fn entries(value: &IVec, start: u64, from: u64, end: u64) -> Vec<(u64, IVec)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut seq = start;
    while offset < value.len() && seq < end {
        let rest = value.len() - offset;
        let len = value
            .get(offset..offset + 4)
            .map(|prefix| u32::from_be_bytes(prefix.try_into().expect("4 bytes")) as usize)
            .filter(|&len| len <= rest - 4);
        let Some(len) = len else {
            if seq >= from {
                out.push((seq, value.subslice(offset, rest)));
            }
            break;
        };
        if seq >= from {
            out.push((seq, value.subslice(offset + 4, len)));
        }
        offset += 4 + len;
        seq += 1;
    }
    out
}

/// The records of one append, written as they are made: those that complete a bundle gathered
/// into it (with the tail's earlier records), the rest loose.
pub(super) struct RecordWriter<'a> {
    ledger: &'a Ledger,
    /// The first seq of the append and the seq after its last.
    first: u64,
    end: u64,
    /// The bundle being filled, framed.
    pending: Vec<u8>,
}

impl<'a> RecordWriter<'a> {
    /// For an append of records `first..end`. When it completes the bundle its first record
    /// falls in, that bundle starts with the tail's records before `first`, which must all be
    /// there.
    pub(super) fn new(ledger: &'a Ledger, first: u64, end: u64) -> Result<Self, LedgerError> {
        let start = first / WIDTH * WIDTH;
        let mut pending = Vec::new();
        if first > start && end >= start + WIDTH {
            let mut expected = start;
            for entry in ledger.records.range(seq_key(start)..seq_key(first)) {
                let (key, bytes) = entry?;
                let seq = seq_from_key(&key)?;
                if seq != expected {
                    break;
                }
                bundle::push(&mut pending, &bytes);
                expected += 1;
            }
            if expected != first {
                return Err(corrupt(
                    Some(expected),
                    "the record is missing from the store; run `gufen verify`",
                ));
            }
        }
        Ok(RecordWriter {
            ledger,
            first,
            end,
            pending,
        })
    }

    /// Writes record `seq` (records come in seq order).
    pub(super) fn push(&mut self, seq: u64, bytes: Vec<u8>) -> Result<(), LedgerError> {
        if seq >= self.end / WIDTH * WIDTH {
            self.ledger.records.insert(seq_key(seq), bytes)?;
            return Ok(());
        }
        bundle::push(&mut self.pending, &bytes);
        if (seq + 1).is_multiple_of(WIDTH) {
            let value = std::mem::take(&mut self.pending);
            self.ledger.bundles.insert(bundle_key(seq / WIDTH), value)?;
        }
        Ok(())
    }

    /// The loose records this append's first bundle now holds: removed once its head is
    /// published (recovery removes them too, should that not happen).
    pub(super) fn folded(&self) -> std::ops::Range<u64> {
        let start = self.first / WIDTH * WIDTH;
        if self.end >= start + WIDTH {
            start..self.first
        } else {
            start..start
        }
    }
}

impl Ledger {
    /// Records `from..to` as stored (no cut at the head), a bundle's width at a time.
    pub(crate) fn record_chunks(&self, from: u64, to: u64) -> Result<RecordChunks, LedgerError> {
        Ok(RecordChunks {
            records: self.records.clone(),
            bundles: self.bundles.clone(),
            meta: self.meta.clone(),
            published_bundles: self.head()?.seq_next / WIDTH,
            next: from,
            to,
        })
    }

    /// Removes loose records `range`, which a bundle holds.
    pub(super) fn remove_loose(&self, range: std::ops::Range<u64>) -> Result<(), LedgerError> {
        for seq in range {
            self.records.remove(seq_key(seq))?;
        }
        Ok(())
    }

    /// Discards what an append left past the head (loose records and bundles, with their index
    /// entries), and folds loose records below the last full bundle into bundles: those of an
    /// append whose clean-up did not run, or of a store written before bundles. Says whether it
    /// changed anything.
    pub(super) fn recover_records(&self, head: u64) -> Result<bool, LedgerError> {
        let mut changed = false;
        for entry in self.records.range(seq_key(head)..) {
            let (key, bytes) = entry?;
            self.forget_index(seq_from_key(&key)?, &bytes)?;
            self.records.remove(key)?;
            changed = true;
        }
        for entry in self.bundles.range(bundle_key(head / WIDTH)..) {
            let (key, value) = entry?;
            let index = seq_from_key(&key)?;
            if let Ok(records) = bundle::decode(&value) {
                for (seq, bytes) in (index * WIDTH..).zip(records) {
                    if seq >= head {
                        self.forget_index(seq, bytes)?;
                    }
                }
            }
            self.bundles.remove(key)?;
            changed = true;
        }
        if changed {
            // Index entries of records that could not be decoded to find them: every entry
            // naming a record at or past the head goes.
            for entry in self.index.iter() {
                let (key, _) = entry?;
                let first = key
                    .len()
                    .checked_sub(8)
                    .and_then(|at| key[at..].try_into().ok())
                    .map(u64::from_be_bytes);
                if first.is_some_and(|first| first >= head) {
                    self.index.remove(key)?;
                }
            }
        }
        let full = head / WIDTH;
        let Some((key, _)) = self.records.first()? else {
            return Ok(changed);
        };
        for index in seq_from_key(&key)? / WIDTH..full {
            changed |= self.fold(index)?;
        }
        Ok(changed)
    }

    /// Bundle `index` from its loose records, then those removed; left loose when they are not
    /// all there (`verify` names the missing one).
    fn fold(&self, index: u64) -> Result<bool, LedgerError> {
        let range = index * WIDTH..(index + 1) * WIDTH;
        if !self.bundles.contains_key(bundle_key(index))? {
            let mut value = Vec::new();
            let mut expected = range.start;
            for entry in self.records.range(seq_key(range.start)..seq_key(range.end)) {
                let (key, bytes) = entry?;
                if seq_from_key(&key)? != expected {
                    return Ok(false);
                }
                bundle::push(&mut value, &bytes);
                expected += 1;
            }
            if expected != range.end {
                return Ok(false);
            }
            self.bundles.insert(bundle_key(index), value)?;
        }
        let mut any = false;
        for entry in self.records.range(seq_key(range.start)..seq_key(range.end)) {
            let (key, _) = entry?;
            self.records.remove(key)?;
            any = true;
        }
        Ok(any)
    }

    /// Each full bundle holds exactly its 256 records in whole frames, and no bundle lies past
    /// the head: what `verify` checks beside the records themselves. A finding names the first
    /// record the bundle holds, or the last where bytes follow it.
    pub(crate) fn check_bundles(&self, head: u64) -> Result<Option<(u64, String)>, LedgerError> {
        for entry in self.bundles.iter() {
            let (key, value) = entry?;
            let index = seq_from_key(&key)?;
            let first = index * WIDTH;
            if (index + 1) * WIDTH > head {
                return Ok(Some((
                    first.max(head),
                    format!(
                        "record bundle {index} (records {first} to {}) lies past the head",
                        first + WIDTH - 1
                    ),
                )));
            }
            match bundle::decode(&value) {
                Ok(records) if records.len() == BUNDLE_ENTRIES => {}
                Ok(records) => {
                    let seq = first + records.len().min(BUNDLE_ENTRIES - 1) as u64;
                    return Ok(Some((
                        seq,
                        format!(
                            "record bundle {index} holds {} records instead of {BUNDLE_ENTRIES}",
                            records.len()
                        ),
                    )));
                }
                Err(bundle::BundleError::TooMany) => {
                    return Ok(Some((
                        first + WIDTH - 1,
                        format!(
                            "record bundle {index} holds bytes after its last record {}",
                            first + WIDTH - 1
                        ),
                    )))
                }
                Err(e) => return Ok(Some((first, format!("record bundle {index}: {e}")))),
            }
        }
        Ok(None)
    }
}
