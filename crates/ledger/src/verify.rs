//! Verify: re-read every stored record and check the chain; optionally rebuild the state from
//! the log and compare it with the projections.

use crate::merkle::{Blake3Hasher, MerkleHasher};
use crate::record::{genesis_prev, record_hash, Hash, Record};
use crate::store::{
    apply_checked, compare_index, first_stored_difference, recorded_day, Head, Ledger, LedgerError,
    StoredStreams,
};
use crate::tiles::TileWrite;
use gufen_core::distribution::check_posting;
use gufen_core::event::DividendDeclared;
use gufen_core::state::State;
use gufen_core::Event;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    pub ok: bool,
    pub records: u64,
    pub head: Head,
    pub merkle_root: Hash,
    pub first_bad_seq: Option<u64>,
    pub problem: Option<String>,
    /// Whether the projections were rebuilt from the log and compared.
    pub replayed: bool,
}

/// Tracks the chain record by record. A broken link between n and n+1 blames record n when the
/// link n+1 → n+2 (or n+1 → head) holds, since then n+1 is intact and n changed; otherwise n+1.
struct Checker {
    expected_seq: u64,
    prev: Hash,
    /// (seq, stored prev) of the record after a broken link, awaiting the next link's verdict.
    suspect: Option<u64>,
    batch: Option<(u64, [u8; 16], u32, u32)>,
    hashes: Vec<Hash>,
    bad: Option<(u64, String)>,
}

impl Checker {
    fn fail(&mut self, seq: u64, message: String) {
        if self.bad.as_ref().is_none_or(|(s, _)| seq < *s) {
            self.bad = Some((seq, message));
        }
    }

    /// The link into record `after_break` is broken. If the next link holds, `after_break` is
    /// intact and the record before it changed; otherwise `after_break` itself changed.
    fn blame(&mut self, after_break: u64, next_link_holds: bool) {
        let blame = if next_link_holds {
            after_break - 1
        } else {
            after_break
        };
        self.fail(
            blame,
            format!("record {blame} does not match the hash its successor links to"),
        );
    }

    /// Checks one record; Err stops the walk. On success, the record and its event when the
    /// payload decoded (a replay applies them; decoding once serves both).
    fn check(
        &mut self,
        ledger_id: &str,
        key_seq: u64,
        bytes: &[u8],
    ) -> Result<Option<(Record, gufen_core::Event)>, ()> {
        if key_seq != self.expected_seq {
            self.fail(
                self.expected_seq,
                format!(
                    "record {} is missing (next stored is {key_seq})",
                    self.expected_seq
                ),
            );
            return Err(());
        }
        let hash = record_hash(bytes);
        let record = match Record::decode(bytes) {
            Ok(r) => r,
            Err(e) => {
                self.fail(key_seq, e.to_string());
                return Err(());
            }
        };
        if let Some(previous) = self.suspect.take() {
            // The link into `previous` broke; this link decides which record changed.
            self.blame(previous, record.prev == self.prev);
            return Err(());
        }
        if record.prev != self.prev {
            if key_seq == 0 {
                self.fail(
                    0,
                    "record 0 does not link to the genesis hash of this ledger".into(),
                );
                return Err(());
            }
            self.suspect = Some(key_seq);
        }
        if record.seq != key_seq || record.ledger_id != ledger_id {
            // A record in another's place (records reordered or spliced in from elsewhere):
            // what follows it, a batch broken open included, is a consequence, not a finding.
            self.fail(
                key_seq,
                format!(
                    "record {key_seq} claims seq {} of ledger {}",
                    record.seq, record.ledger_id
                ),
            );
            self.suspect = None;
            return Err(());
        }
        let event = match record.event() {
            Ok(event) => Some(event),
            Err(e) => {
                self.fail(key_seq, e.to_string());
                None
            }
        };
        // R17: a record is never dated after the day it was recorded (a clock set ahead, or a
        // record written outside gufen).
        let effective = record.effective_date();
        if recorded_day(record.recorded_at_micros).is_none_or(|day| effective > day) {
            self.fail(
                key_seq,
                format!(
                    "record {key_seq} is dated {effective}, after the day it was recorded (R17)"
                ),
            );
        }
        let b = record.batch;
        match self.batch {
            Some((first, id, len, next))
                if id == b.command_id && len == b.len && next == b.index =>
            {
                self.batch = if b.index + 1 == len {
                    None
                } else {
                    Some((first, id, len, next + 1))
                };
            }
            // The record that does not continue the batch is the finding: blaming the batch's
            // first record would name a record that may be intact, hundreds of records earlier.
            Some((first, ..)) => self.fail(
                key_seq,
                format!(
                    "record {key_seq} breaks off the batch starting at record {first} (it carries index {} of {})",
                    b.index, b.len
                ),
            ),
            None if b.index == 0 && b.len > 0 => {
                if b.len > 1 {
                    self.batch = Some((key_seq, b.command_id, b.len, 1));
                }
            }
            None => self.fail(
                key_seq,
                format!(
                    "record {key_seq} starts a batch at index {} of {}",
                    b.index, b.len
                ),
            ),
        }
        self.hashes.push(hash);
        self.prev = hash;
        self.expected_seq += 1;
        Ok(event.map(|event| (record, event)))
    }
}

/// The walk over a chain's records, in seq order, that both `Ledger::verify` (records read from
/// sled) and `audit` (records read from an exported bundle) run: decoding, hashes, links,
/// batches, R17 dates and the Merkle root; with replay, the state rebuilt record by record and
/// every posted line recomputed. It reads nothing itself, so what it checks does not depend on
/// where the bytes came from.
pub struct ChainWalk {
    ledger_id: String,
    checker: Checker,
    state: Option<State>,
    /// Dividend lines of the posting batch being replayed, with their seqs.
    declared: Vec<(u64, DividendDeclared)>,
    /// With replay: each stream's records so far (`Streams`); their seqs only when a store's
    /// index is to be compared with them (`with_stream_index`).
    streams: Streams,
    stream_seqs: bool,
    stopped: bool,
}

/// Per stream (its name): how many records are its own, and every record indexed under it (its
/// own and those concerning the person it names), in seq order. What a record's stream version
/// must be, and what the stream index must say.
pub type Streams = std::collections::HashMap<String, (u64, Vec<u64>)>;

/// What the read of every other entry found (a finding, with the record it names when it names
/// one) and, with replay, the streams the index holds.
type EntriesRead = (Option<(Option<u64>, String)>, Option<StoredEntries>);

/// What a replay compares the log with, read while the log is walked: the streams the index
/// holds, and every projection entry (its key and stored bytes) in key order.
type StoredEntries = (StoredStreams, Vec<(sled::IVec, sled::IVec)>);

/// What a finished walk found.
#[derive(Debug)]
pub struct WalkResult {
    pub records: u64,
    pub merkle_root: Hash,
    /// The hash of the last record walked (the genesis hash when there is none).
    pub last_hash: Hash,
    /// Every record's hash, in seq order.
    pub record_hashes: Vec<Hash>,
    /// Every hash tile of the tree over those records, built once: what the stored or exported
    /// tiles must equal, and what the root and any earlier root are read from.
    pub tiles: Vec<TileWrite>,
    pub first_bad_seq: Option<u64>,
    pub problem: Option<String>,
    /// The state rebuilt from the log, when replaying and nothing failed.
    pub state: Option<State>,
    /// The streams the records make, when replaying and nothing failed.
    pub streams: Option<Streams>,
}

impl ChainWalk {
    pub fn new(ledger_id: &str, replay: bool) -> ChainWalk {
        ChainWalk {
            ledger_id: ledger_id.to_string(),
            checker: Checker {
                expected_seq: 0,
                prev: genesis_prev(ledger_id),
                suspect: None,
                batch: None,
                hashes: Vec::new(),
                bad: None,
            },
            state: replay.then(State::for_replay),
            declared: Vec::new(),
            streams: Streams::new(),
            stream_seqs: false,
            stopped: false,
        }
    }

    /// Keeps every stream's seqs as well as its count, for a store's index to be compared with.
    pub fn with_stream_index(mut self) -> ChainWalk {
        self.stream_seqs = true;
        self
    }

    /// Whether a finding has stopped the walk; later records are not looked at.
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Checks the record stored under `key_seq`. After a broken chain nothing more is checked.
    pub fn push(&mut self, key_seq: u64, bytes: &[u8]) {
        if self.stopped {
            return;
        }
        let Ok(decoded) = self.checker.check(&self.ledger_id, key_seq, bytes) else {
            self.stopped = true;
            return;
        };
        let Some(state) = self.state.as_mut() else {
            return;
        };
        // The checker has already named a record whose payload is not the event its type says;
        // the replay stops there (the chain is still walked).
        let Some((record, event)) = decoded else {
            self.state = None;
            return;
        };
        let mut replay_failed = false;
        // A record's stream and version are what the records before it make them (the stream
        // is not named: it holds a whole ID number).
        let mut streams = event.index_streams().into_iter();
        let own = streams.next().expect("a record has its own stream");
        let count = self.streams.get(&own).map_or(0, |(count, _)| *count);
        if record.stream != own {
            self.checker.fail(
                key_seq,
                format!("record {key_seq} names another stream than its event's"),
            );
            replay_failed = true;
        } else if record.stream_version != count {
            self.checker.fail(
                key_seq,
                format!(
                    "record {key_seq} says {} records of its stream come before it, the log has {count}",
                    record.stream_version
                ),
            );
            replay_failed = true;
        }
        let (count, seqs) = self.streams.entry(own).or_default();
        *count += 1;
        if self.stream_seqs {
            seqs.push(key_seq);
            for stream in streams {
                self.streams.entry(stream).or_default().1.push(key_seq);
            }
        }
        match &event {
            Event::DividendDeclared(line) => self.declared.push((key_seq, line.clone())),
            Event::DistributionPosted(posted) => {
                let lines: Vec<DividendDeclared> =
                    self.declared.iter().map(|(_, l)| l.clone()).collect();
                match state.collective() {
                    None => {
                        self.checker.fail(
                            key_seq,
                            format!("record {key_seq}: a posting before the registration"),
                        );
                        replay_failed = true;
                    }
                    Some(collective) => {
                        if let Err((index, message)) =
                            check_posting(state, collective, &lines, posted)
                        {
                            let seq = self.declared.get(index).map_or(key_seq, |(s, _)| *s);
                            self.checker.fail(seq, format!("record {seq}: {message}"));
                            replay_failed = true;
                        }
                    }
                }
                self.declared.clear();
            }
            _ => {}
        }
        if !replay_failed {
            if let Err(message) = apply_checked(state, record.effective_date(), &event) {
                self.checker
                    .fail(key_seq, format!("record {key_seq}: {message}"));
                replay_failed = true;
            }
        }
        if replay_failed {
            // The chain is still checked to its end; the replay stops at the first mismatch.
            self.state = None;
        }
    }

    /// Ends the walk against the head the store or the checkpoint claims: `size` records whose
    /// last hashes to `last_hash` (when known) and whose Merkle root is `root` (when known).
    pub fn finish(
        mut self,
        size: u64,
        last_hash: Option<&Hash>,
        root: Option<&Hash>,
    ) -> WalkResult {
        let checker = &mut self.checker;
        if let Some(previous) = checker.suspect.take() {
            let holds = last_hash.is_none_or(|h| checker.prev == *h);
            checker.blame(previous, holds);
        }
        // A batch left open because the walk stopped at a bad record is not a second finding.
        if let (Some((first, ..)), None) = (checker.batch, &checker.bad) {
            checker.fail(
                first,
                format!("batch starting at record {first} is incomplete"),
            );
        }
        if checker.bad.is_none() && checker.expected_seq != size {
            checker.fail(
                checker.expected_seq,
                format!(
                    "the head says {size} records but {} are stored",
                    checker.expected_seq
                ),
            );
        }
        let last = size.saturating_sub(1);
        if checker.bad.is_none() && last_hash.is_some_and(|h| checker.prev != *h) {
            checker.fail(last, format!("record {last} does not match the head hash"));
        }
        let tiles = expected_tiles(&checker.hashes);
        let records = checker.hashes.len() as u64;
        let merkle_root = root_from_tiles(&tiles, records);
        if checker.bad.is_none() && root.is_some_and(|r| merkle_root != *r) {
            checker.fail(
                last,
                format!(
                    "the Merkle root of the {size} records is not the root the checkpoint signs"
                ),
            );
        }
        WalkResult {
            records,
            merkle_root,
            last_hash: checker.prev,
            record_hashes: std::mem::take(&mut checker.hashes),
            tiles,
            first_bad_seq: checker.bad.as_ref().map(|(s, _)| *s),
            problem: checker.bad.as_ref().map(|(_, m)| m.clone()),
            streams: (checker.bad.is_none() && self.state.is_some()).then_some(self.streams),
            state: if checker.bad.is_none() {
                self.state
            } else {
                None
            },
        }
    }
}

impl Ledger {
    /// Checks seq continuity, prev links, batch completeness, decoding and hashes of every
    /// record up to the head, and the Merkle root over their hashes. With `replay`, also rebuilds
    /// the state from the log and compares it with the stored projections.
    pub fn verify(&self, replay: bool) -> Result<VerifyReport, LedgerError> {
        self.verify_reporting(replay, None)
    }

    /// `verify`, reporting the records walked to `hook` (throttled, `progress`).
    pub fn verify_reporting(
        &self,
        replay: bool,
        hook: Option<crate::progress::Hook<'_>>,
    ) -> Result<VerifyReport, LedgerError> {
        let head = self.head()?;
        // The walk over the records and the read of every other entry (index, projections,
        // commands) touch different trees: on two cores they run side by side.
        let (result, entries) = std::thread::scope(|scope| {
            let entries = scope.spawn(|| -> Result<EntriesRead, LedgerError> {
                let mut stored: Option<StoredEntries> =
                    replay.then(|| (StoredStreams::new(), Vec::new()));
                let (streams, projections) = match stored.as_mut() {
                    Some((streams, projections)) => (Some(streams), Some(projections)),
                    None => (None, None),
                };
                let finding = match self.check_bundles(head.seq_next)? {
                    Some((seq, finding)) => Some((Some(seq), finding)),
                    None => self
                        .check_entries(&head, streams, projections)?
                        .map(|finding| (None, finding)),
                };
                Ok((finding, stored))
            });
            let result = self.walk_records(&head, replay, hook);
            let entries = entries.join().expect("reading the entries does not panic");
            (result, entries)
        });
        let result = result?;
        let mut problem = result.problem.clone();
        let mut first_bad_seq = result.first_bad_seq;
        let (finding, stored) = entries?;
        if problem.is_none() {
            if let Some((seq, finding)) = finding {
                problem = Some(finding);
                first_bad_seq = seq;
            }
        }
        if problem.is_none() {
            problem = self.check_tiles(&result.tiles)?;
        }
        if problem.is_none() {
            problem = self.check_signed_checkpoint(&head)?;
        }
        let (stored_streams, projections) = stored.unzip();
        if let (Some(streams), Some(stored), None) = (&result.streams, &stored_streams, &problem) {
            if let Some((seq, finding)) = compare_index(stored, streams) {
                problem = Some(finding);
                first_bad_seq = Some(seq);
            }
        }
        if let (Some(streams), Some(stored)) = (result.streams, stored_streams) {
            // Two maps of every stream, freed off this thread like the rebuilt state.
            std::thread::spawn(move || drop((streams, stored)));
        }
        if let (Some(rebuilt), Some(projections), None) = (result.state, &projections, &problem) {
            let finding = first_stored_difference(projections, &rebuilt);
            discard(rebuilt);
            problem = finding?.map(|key| {
                format!("the projection of {key} differs from the state rebuilt from the log")
            });
        }
        Ok(VerifyReport {
            ok: problem.is_none(),
            records: result.records,
            head,
            merkle_root: result.merkle_root,
            first_bad_seq,
            problem,
            replayed: replay,
        })
    }

    /// Walks the records up to the head. sled's reads (pages fetched and decoded) run on their
    /// own thread, a chunk ahead of the checks, so the two overlap.
    fn walk_records(
        &self,
        head: &Head,
        replay: bool,
        hook: Option<crate::progress::Hook<'_>>,
    ) -> Result<WalkResult, LedgerError> {
        const CHUNK: usize = 1024;
        let mut walk = ChainWalk::new(self.id(), replay).with_stream_index();
        let mut progress = crate::progress::Progress::new(hook, head.seq_next);
        let (send, receive) =
            std::sync::mpsc::sync_channel::<Result<Vec<(u64, sled::IVec)>, LedgerError>>(4);
        let chunks = self.record_chunks(0, head.seq_next)?;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut chunk = Vec::with_capacity(CHUNK);
                for entries in chunks {
                    match entries {
                        Ok(entries) => chunk.extend(entries),
                        Err(e) => {
                            let _ = send.send(Err(e));
                            return;
                        }
                    }
                    if chunk.len() >= CHUNK {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                        if send.send(Ok(full)).is_err() {
                            return; // the walk stopped
                        }
                    }
                }
                if !chunk.is_empty() {
                    let _ = send.send(Ok(chunk));
                }
            });
            // Owned here, so that a walk that stops early drops it and the reading thread's
            // next send fails and ends it (the scope waits for that thread).
            let receive = receive;
            for chunk in receive.iter() {
                for (seq, bytes) in chunk? {
                    walk.push(seq, &bytes);
                    progress.record(seq + 1);
                    if walk.stopped() {
                        // Dropping the receiver ends the reading thread at its next send.
                        return Ok(());
                    }
                }
            }
            Ok::<(), LedgerError>(())
        })?;
        progress.finish(head.seq_next);
        Ok(walk.finish(head.seq_next, Some(&head.hash), None))
    }

    /// The stored hash tiles against the tiles the records' hashes make: a damaged tile would
    /// give proofs that do not verify, and roots that differ from the chain's.
    fn check_tiles(&self, tiles: &[TileWrite]) -> Result<Option<String>, LedgerError> {
        for (level, index, want) in tiles {
            let have = self.tile(*level, *index)?;
            if have != *want {
                return Ok(Some(format!(
                    "hash tile {level}/{index} differs from the hashes of the records it covers"
                )));
            }
        }
        Ok(None)
    }
}

/// Every hash tile of the tree over these record hashes, built from nothing.
pub fn expected_tiles(record_hashes: &[Hash]) -> Vec<crate::tiles::TileWrite> {
    struct NoTiles;
    impl crate::tiles::TileRead for NoTiles {
        type Error = std::convert::Infallible;
        fn tile(&self, _: u8, _: u64) -> Result<Vec<Hash>, Self::Error> {
            Ok(Vec::new())
        }
    }
    let leaves: Vec<Hash> = record_hashes.iter().map(|h| Blake3Hasher.leaf(h)).collect();
    match crate::tiles::TileBuilder::new(Blake3Hasher).append(&NoTiles, 0, &leaves) {
        Ok(tiles) => tiles,
        Err(e) => match e {
            crate::tiles::TileError::Read { source, .. } => match source {},
            other => unreachable!("a tree built from nothing: {other}"),
        },
    }
}

/// Frees a whole state on another thread: a state of 100,000 persons takes a tenth of a second
/// to free, which a command about to end need not wait for.
pub fn discard(state: State) {
    std::thread::spawn(move || drop(state));
}

/// The Merkle root of the first `size` records, read from tiles built in memory (`size` at most
/// the tree the tiles were built for).
pub fn root_from_tiles(tiles: &[TileWrite], size: u64) -> Hash {
    struct InMemory<'a>(std::collections::HashMap<(u8, u64), &'a Vec<Hash>>);
    impl crate::tiles::TileRead for InMemory<'_> {
        type Error = std::convert::Infallible;
        fn tile(&self, level: u8, index: u64) -> Result<Vec<Hash>, Self::Error> {
            Ok(self
                .0
                .get(&(level, index))
                .map(|t| t.to_vec())
                .unwrap_or_default())
        }
    }
    let map = InMemory(tiles.iter().map(|(l, i, t)| ((*l, *i), t)).collect());
    let nodes = crate::tiles::TileNodes::new(map, Blake3Hasher, size);
    match crate::merkle::root(&Blake3Hasher, &nodes, size) {
        Ok(root) => root,
        Err(e) => unreachable!("the tiles of a tree built in memory give its roots: {e}"),
    }
}
