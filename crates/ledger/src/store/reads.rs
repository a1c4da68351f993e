//! Reads of a ledger: its state from projections or rebuilt from the log (now or as of a date),
//! its records by seq or stream, and a record with the records a correction of it reads.

use super::{
    corrupt, entity_key, key_from_bytes, seq_from_key, Ledger, LedgerError, RecordAndRelated,
    StoredRecord,
};
use crate::record::{self, record_hash, Record};
use chrono::NaiveDate;
use gufen_core::state::{Entity, Key};
use gufen_core::{apply, Event, Recorded, State};
use std::collections::BTreeMap;

impl Ledger {
    /// The state from projections: the keys a command's scope names (and their households), or
    /// everything when `keys` is None. Projections behind the head (a write of this process
    /// whose projections failed after its records were published) are first brought up to it,
    /// as on open; while another thread is still writing them, this waits for it.
    pub fn load_state(&self, keys: Option<Vec<Key>>) -> Result<State, LedgerError> {
        self.catch_up()?;
        self.load_projected(keys)
    }

    /// `load_state` as the projections stand (recovery's own read).
    pub(super) fn load_projected(&self, keys: Option<Vec<Key>>) -> Result<State, LedgerError> {
        let Some(keys) = keys else {
            let mut raw = Vec::new();
            for entry in self.projections.iter() {
                let (key, value) = entry?;
                if !key.starts_with(b"~") {
                    raw.push((key, value));
                }
            }
            // Decoding is most of the cost of a whole state; two threads halve it.
            let decode =
                |part: &[(sled::IVec, sled::IVec)]| -> Result<Vec<(Key, Entity)>, LedgerError> {
                    part.iter()
                        .map(|(key, value)| checked(key_from_bytes(key)?, record::decode(value)?))
                        .collect()
                };
            let (first, second) = raw.split_at(raw.len() / 2);
            let (first, second) = std::thread::scope(|scope| {
                let other = scope.spawn(|| decode(second));
                (
                    decode(first),
                    other.join().expect("decoding does not panic"),
                )
            });
            let mut state = State::new();
            let persons = raw.iter().filter(|(key, _)| key.starts_with(b"p/")).count();
            state.reserve_persons(persons);
            for (key, entity) in first?.into_iter().chain(second?) {
                state.put(key, entity);
            }
            return Ok(state);
        };
        self.load_partial(keys, &BTreeMap::new())
    }

    /// A partial state of `keys` (and their households), each entity as `written` holds it
    /// (bytes, or None for removed) when it holds the key, else as the projections do.
    pub(super) fn load_partial(
        &self,
        keys: Vec<Key>,
        written: &BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    ) -> Result<State, LedgerError> {
        let mut state = State::partial();
        let mut pending = keys;
        while !pending.is_empty() {
            for key in pending {
                let stored = entity_key(&key);
                let bytes = match written.get(&stored) {
                    Some(bytes) => bytes.as_deref().map(sled::IVec::from),
                    None => self.projections.get(stored)?,
                };
                let entity = match bytes {
                    Some(bytes) => Some(checked(key.clone(), record::decode::<Entity>(&bytes)?)?.1),
                    None => None,
                };
                state.load(key, entity);
            }
            pending = state.missing_keys();
        }
        Ok(state)
    }

    /// The state rebuilt from the log: every record, or those effective on or before `as_of`.
    pub fn replay_state(&self, as_of: Option<NaiveDate>) -> Result<State, LedgerError> {
        let head = self.head()?;
        let mut state = State::for_replay();
        for chunk in self.record_chunks(0, head.seq_next)? {
            for (seq, bytes) in chunk? {
                let record = Record::decode(&bytes).map_err(|e| corrupt(Some(seq), e))?;
                let date = record.effective_date();
                if as_of.is_some_and(|d| date > d) {
                    continue;
                }
                let event = record.event().map_err(|e| corrupt(Some(seq), e))?;
                apply_checked(&mut state, date, &event).map_err(|e| corrupt(Some(seq), e))?;
            }
        }
        state.take_dirty();
        Ok(state)
    }

    pub(super) fn read_range(&self, from: u64, to: u64) -> Result<Vec<StoredRecord>, LedgerError> {
        let mut out = Vec::new();
        for chunk in self.record_chunks(from, to)? {
            for (seq, bytes) in chunk? {
                let record = Record::decode(&bytes).map_err(|e| corrupt(Some(seq), e))?;
                out.push(StoredRecord {
                    hash: record_hash(&bytes),
                    record,
                });
            }
        }
        Ok(out)
    }

    /// The stored bytes of published records `from..to` (cut at the head), in seq order: what
    /// an export writes and an auditor hashes.
    pub fn record_bytes(&self, from: u64, to: u64) -> Result<Vec<(u64, Vec<u8>)>, LedgerError> {
        let to = to.min(self.head()?.seq_next);
        let mut out = Vec::new();
        if from >= to {
            return Ok(out);
        }
        for chunk in self.record_chunks(from, to)? {
            out.extend(chunk?.into_iter().map(|(seq, bytes)| (seq, bytes.to_vec())));
        }
        Ok(out)
    }

    /// Up to `limit` published records from `from`.
    pub fn records(&self, from: u64, limit: u64) -> Result<Vec<StoredRecord>, LedgerError> {
        let head = self.head()?;
        let to = from.saturating_add(limit).min(head.seq_next);
        if from >= to {
            return Ok(Vec::new());
        }
        self.read_range(from, to)
    }

    /// Every published record of a stream, or concerning the person the stream names.
    pub fn stream(&self, stream: &str) -> Result<Vec<StoredRecord>, LedgerError> {
        let head = self.head()?;
        let mut prefix = stream.as_bytes().to_vec();
        prefix.push(0);
        let mut out = Vec::new();
        for entry in self.index.scan_prefix(&prefix) {
            let (key, value) = entry?;
            let first = seq_from_key(&key[prefix.len()..])?;
            let entry = super::index::decode(first, &value).map_err(|e| corrupt(Some(first), e))?;
            for seq in entry.seqs.into_iter().filter(|&seq| seq < head.seq_next) {
                out.extend(self.read_range(seq, seq + 1)?);
            }
        }
        Ok(out)
    }

    /// Record `seq` and every other record of its `Event::correction_streams`, earlier and
    /// later, in seq order: what a correction (R15) is decided on. None if there is no such
    /// record.
    pub fn record_and_related(&self, seq: u64) -> Result<Option<RecordAndRelated>, LedgerError> {
        let Some(stored) = self.records(seq, 1)?.into_iter().next() else {
            return Ok(None);
        };
        let recorded = |record: &Record| -> Result<Recorded, LedgerError> {
            Ok(Recorded {
                seq: record.seq,
                date: record.effective_date(),
                event: record.event()?,
            })
        };
        let original = recorded(&stored.record)?;
        let mut related: BTreeMap<u64, Recorded> = BTreeMap::new();
        for stream in original.event.correction_streams() {
            for record in self.stream(&stream)? {
                let at = record.record.seq;
                if at != seq && !related.contains_key(&at) {
                    related.insert(at, recorded(&record.record)?);
                }
            }
        }
        Ok(Some((original, related.into_values().collect())))
    }
}

/// Applies a record read back from the log. `apply` stops the program on a record that breaks
/// an invariant (a person unknown, a holding below zero); a log can hold one only if it was
/// written outside gufen or before a rule existed, so a replay (an as-of query, `verify
/// --replay`) reports it as an integrity failure of that record instead of crashing, and the
/// panic prints nothing of its own.
pub(crate) fn apply_checked(
    state: &mut State,
    date: NaiveDate,
    event: &Event,
) -> Result<(), String> {
    quietly(std::panic::AssertUnwindSafe(|| apply(state, date, event))).map_err(|why| {
        let why = why.as_deref().unwrap_or("an invariant does not hold");
        format!("the record cannot be applied to the state before it: {why}")
    })
}

/// Runs `work`, a panic in it caught and printing nothing of its own: its message (None when
/// it gave no text) is the error.
pub(super) fn quietly<T>(
    work: impl FnOnce() -> T + std::panic::UnwindSafe,
) -> Result<T, Option<String>> {
    let quiet = QuietPanics::new();
    let done = std::panic::catch_unwind(work);
    drop(quiet);
    done.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|text| text.to_string()))
    })
}

thread_local! {
    /// Whether this thread is applying a record under `apply_checked`.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While held, a panic on this thread prints nothing (it is reported as an integrity failure
/// instead); other threads' panics print as ever. The process's hook is wrapped once, to ask
/// the panicking thread's flag: swapping the global hook for each record applied let one
/// thread's replay silence another thread's panic, and two replays at once could leave the
/// silent hook in place for good.
struct QuietPanics;

impl QuietPanics {
    fn new() -> Self {
        static WRAPPED: std::sync::Once = std::sync::Once::new();
        WRAPPED.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if !QUIET.with(std::cell::Cell::get) {
                    previous(info);
                }
            }));
        });
        QUIET.with(|quiet| quiet.set(true));
        QuietPanics
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        QUIET.with(|quiet| quiet.set(false));
    }
}

impl Ledger {
    /// Reads every index, projection and command entry, so that damage sled finds on a read (a
    /// failed checksum, exit 3) is found by `verify` and not by the next command that happens to
    /// read that entry; checks each entry's shape against the head. The projections' contents
    /// are compared with the log by `verify --replay`.
    pub(crate) fn check_entries(
        &self,
        head: &super::Head,
        mut streams: Option<&mut StoredStreams>,
        mut projections: Option<&mut Vec<(sled::IVec, sled::IVec)>>,
    ) -> Result<Option<String>, LedgerError> {
        for entry in self.index.iter() {
            let (key, value) = entry?;
            let split = key.len().checked_sub(9);
            let Some(split) = split.filter(|&at| key[at] == 0) else {
                return Ok(Some(format!(
                    "an index entry has a malformed key ({} bytes)",
                    key.len()
                )));
            };
            let first = seq_from_key(&key[split + 1..])?;
            let entry = match super::index::decode(first, &value) {
                Ok(entry) => entry,
                Err(e) => return Ok(Some(e)),
            };
            if let Some(seq) = entry.seqs.iter().find(|&&seq| seq >= head.seq_next) {
                return Ok(Some(format!(
                    "an index entry names record {seq}, past the head"
                )));
            }
            if let Some(streams) = streams.as_deref_mut() {
                // Keys come in order: a stream's entries one after another, by first seq.
                let (count, seqs) = streams.entry(key[..split].to_vec()).or_default();
                seqs.extend(entry.seqs);
                if entry.count.is_some() {
                    *count = entry.count;
                }
            }
        }
        for entry in self.projections.iter() {
            let (key, value) = entry?;
            if key.starts_with(b"~") {
                continue;
            }
            if let Err(e) = key_from_bytes(&key) {
                return Ok(Some(e.to_string()));
            }
            if value.is_empty() {
                return Ok(Some(format!(
                    "the projection {} is empty",
                    super::key_label(&String::from_utf8_lossy(&key))
                )));
            }
            if let Some(projections) = projections.as_deref_mut() {
                projections.push((key, value));
            }
        }
        for entry in self.meta.scan_prefix(super::COMMAND_PREFIX) {
            let (_, value) = entry?;
            let well_formed = (value.len() == 12 || value.len() == 44) && {
                let first = u64::from_be_bytes(value[..8].try_into().expect("8 bytes"));
                let len = u32::from_be_bytes(value[8..12].try_into().expect("4 bytes"));
                first
                    .checked_add(u64::from(len))
                    .is_some_and(|end| end <= head.seq_next)
            };
            if !well_formed {
                return Ok(Some(
                    "a command entry does not name records below the head".into(),
                ));
            }
        }
        Ok(None)
    }
}

/// Per stream (its bytes), what the index says: the count of its own records of its last entry
/// that gives one, and every seq its entries name, in key order.
pub(crate) type StoredStreams = std::collections::HashMap<Vec<u8>, (Option<u64>, Vec<u64>)>;

/// The stream index (`stored`, read by `check_entries`) against the streams the records make
/// (`verify --replay`): each stream's entries name exactly its records, and its last count is its
/// number of own records, which the next record's stream version is taken from. Streams are not
/// named in a finding (a person's holds a whole ID number).
pub(crate) fn compare_index(
    stored: &StoredStreams,
    streams: &crate::verify::Streams,
) -> Option<(u64, String)> {
    // Of every stream that differs, the one whose first record comes first, so that the finding
    // is the same on every run.
    let mut finding: Option<(u64, String)> = None;
    let mut found = |seq: u64, text: String| {
        if finding.as_ref().is_none_or(|(first, _)| seq < *first) {
            finding = Some((seq, text));
        }
    };
    for (stream, (count, seqs)) in stored {
        let first = seqs.first().copied().unwrap_or(0);
        let expected = std::str::from_utf8(stream)
            .ok()
            .and_then(|stream| streams.get(stream));
        match expected {
            None => found(
                first,
                format!("the index names record {first} under a stream no record is in"),
            ),
            Some((_, want)) if want != seqs => {
                // The first record the two lists disagree on.
                let seq = want
                    .iter()
                    .zip(seqs)
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| *a.min(b))
                    .or_else(|| want.get(seqs.len()).or(seqs.get(want.len())).copied())
                    .unwrap_or(first);
                found(
                    seq,
                    format!("the index entries of the stream of record {seq} do not name its records"),
                )
            }
            Some((own, _)) if count.unwrap_or(0) != *own => found(
                first,
                format!(
                    "the index counts {} records of the stream of record {first}, the log has {own}",
                    count.unwrap_or(0)
                ),
            ),
            Some(_) => {}
        }
    }
    if finding.is_none() && stored.len() != streams.len() {
        let missing = streams
            .iter()
            .filter(|(stream, _)| !stored.contains_key(stream.as_bytes()))
            .filter_map(|(_, (_, seqs))| seqs.first().copied())
            .min()
            .unwrap_or(0);
        finding = Some((
            missing,
            format!("the index has no entry for the stream of record {missing}"),
        ));
    }
    finding
}

/// A projection read back, refused as damage when it does not belong under its key (another
/// entity, another person's, an empty line state): `State::put` would panic on it.
fn checked(key: Key, entity: Entity) -> Result<(Key, Entity), LedgerError> {
    if State::belongs(&key, &entity) {
        Ok((key, entity))
    } else {
        Err(super::corrupt(
            None,
            format!("the projection of {key} holds another entity or nothing"),
        ))
    }
}
