//! The event store on sled: one store directory, many ledgers (one per collective), each its own
//! hash chain, with its projections kept beside it.
//!
//! Append protocol (see docs/ARCHITECTURE.md): records and then their index entries are written
//! past the head, made durable, then published by moving the head pointer (with the
//! command id) in one atomic write, made durable. Projections follow behind a watermark. On
//! open, records past the head are discarded and projections catch up to the head.

use crate::record::{
    self, genesis_prev, record_hash, BatchRef, DecodeError, Hash, Record, FORMAT_VERSION,
};
use chrono::NaiveDate;
use gufen_core::state::{Entity, Key};
use gufen_core::{apply, decide, scope, Command, Event, Recorded, RuleViolation};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub(crate) mod head_file;
mod index;
mod persons;
mod reads;
mod records;
mod sizes;
mod trust;

pub use sizes::{StorageSplit, TreeBytes};
pub use trust::{read_signer, ConsistencyProof, InclusionProof};

/// Where the checkpoint file of a ledger lives in a store directory.
pub fn checkpoint_file_path(store: &Path, ledger_id: &str) -> PathBuf {
    head_file::path(store, ledger_id)
}

pub(crate) use persons::first_stored_difference;
pub(crate) use reads::{apply_checked, compare_index, StoredStreams};

/// The keys a leaf page of a tree of many small entries (the stream index; the projections, a
/// person or household each, among which a year's plan is one large value; the meta tree's
/// command ids) holds before it splits: a fourth of the pages sled's own 16 made.
const MANY_SMALL_ENTRIES_LEAF_KEYS: usize = 64;

/// sled's page cache. Its default (1 GiB) kept the pages a large write made in memory until the
/// process ended: an import of 100,000 persons peaked at 230 MiB with it, 203 MiB with this, and
/// the posting of their dividends at 161 and 148 MiB. At 8 MiB they took 194 and 129 MiB, and
/// the JSON register 1.03 s instead of 0.72 s (sled re-reading pages it had let go).
const SLED_CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// Projection entries written per sled batch.
pub const CHUNK_ENTRIES: usize = 1_000;
/// A command of more events than this whose entities their events name (a large import) makes
/// its projections a slice of this many events at a time (`project_in_slices`).
pub(crate) const APPLY_SLICE_EVENTS: usize = if cfg!(test) { 64 } else { 2_048 };
/// The most events one command may append.
pub const BATCH_EVENTS_MAX: usize = 500_000;

const HEAD_KEY: &[u8] = b"head";
const COMMAND_PREFIX: &[u8] = b"cmd/";
const WATERMARK_KEY: &[u8] = b"~applied";
/// The shape of the stored projections; a store whose projections have another shape (or none
/// recorded) rebuilds them from the log on open.
const PROJECTION_VERSION_KEY: &[u8] = b"~version";
pub const PROJECTION_VERSION: u32 = 8;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("the store at {0} is in use by another gufen process; try again when it has finished, or wait for it with --wait SECONDS")]
    StoreInUse(PathBuf),
    #[error(
        "no store at {0}: create one with `gufen init --charter FILE`, or name another with --db"
    )]
    NoStore(PathBuf),
    #[error("conflict: the command was decided at head {expected} but the ledger is now at {found}; run it again")]
    Conflict { expected: u64, found: u64 },
    #[error("{0}")]
    Rejected(#[from] RuleViolation),
    #[error("integrity failure{}: {message}", .seq.map(|seq| format!(" at record {seq}")).unwrap_or_default())]
    Corrupt { seq: Option<u64>, message: String },
    #[error("store error: {0}")]
    Sled(sled::Error),
    /// A request the ledger cannot answer as asked, or a key file it cannot use (exit 1).
    #[error("{0}")]
    Refused(String),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

fn corrupt(seq: Option<u64>, message: impl ToString) -> LedgerError {
    LedgerError::Corrupt {
        seq,
        message: message.to_string(),
    }
}

impl From<DecodeError> for LedgerError {
    fn from(e: DecodeError) -> Self {
        corrupt(None, e)
    }
}

/// A record's event and the later records (seq, event) concerning the same persons.
/// A record and the records a correction of it is decided on.
pub type RecordAndRelated = (Recorded, Vec<Recorded>);

/// The head of a chain: the next seq to write and the hash the next record links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub seq_next: u64,
    pub hash: Hash,
}

impl Head {
    /// The seq of the last record, if any.
    pub fn last_seq(&self) -> Option<u64> {
        self.seq_next.checked_sub(1)
    }
}

/// Who and when: everything about a command that is not the domain's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    pub command_id: [u8; 16],
    pub recorded_at_micros: i64,
    pub actor: String,
}

impl Context {
    /// The business day the command is recorded on: the recorded-at instant in China Standard
    /// Time (UTC+8), where the collectives are; no record is dated after it (R17).
    pub fn today(&self) -> NaiveDate {
        recorded_day(self.recorded_at_micros).expect("the clock's instant is a date")
    }
}

/// The business day of a recorded-at instant: its date in China Standard Time (UTC+8). No
/// record is dated after it (R17); None for an instant outside the calendar.
pub fn recorded_day(recorded_at_micros: i64) -> Option<NaiveDate> {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is an offset");
    chrono::DateTime::from_timestamp_micros(recorded_at_micros)
        .map(|instant| instant.with_timezone(&china).date_naive())
}

/// sled's errors; a checksum failure it reports on a read is an integrity failure (exit 3), said
/// in words, not as sled's internal location and backtrace.
impl From<sled::Error> for LedgerError {
    fn from(error: sled::Error) -> Self {
        match error {
            sled::Error::Corruption { .. } => LedgerError::Corrupt {
                seq: None,
                message: "the store's data file is damaged: a read failed its checksum; restore the store from a copy and run `gufen verify`".into(),
            },
            // At open, sled reports a damaged `conf` (or a log it cannot make sense of) as
            // unsupported or as its own bug: the store's files are not what sled wrote.
            sled::Error::Unsupported(what) | sled::Error::ReportableBug(what) => LedgerError::Corrupt {
                seq: None,
                message: format!("the store's data files are damaged (sled: {what}); restore the store from a copy and run `gufen verify`"),
            },
            other => LedgerError::Sled(other),
        }
    }
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub first_seq: u64,
    pub len: u32,
    pub head: Head,
    /// The command id had been seen: this is the first result and nothing was appended.
    pub repeated: bool,
}

/// A record read back with the hash of its stored bytes.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub record: Record,
    pub hash: Hash,
}

pub struct Store {
    db: sled::Db,
    path: PathBuf,
    durability: Durability,
    /// One append lock per ledger, shared by every handle `ledger` gives for it: two handles of
    /// one ledger (threads of one process) must not append, or recover, at once.
    locks: Mutex<std::collections::HashMap<String, std::sync::Arc<Mutex<()>>>>,
}

/// Makes the store readable and writable by its owner alone: the directories 0700 and the files
/// 0600 (sled's data file holds every whole ID number). Returns how many entries were tightened,
/// so the caller can say so the once it happens (a store made before this was done).
pub fn tighten_permissions(dir: &Path) -> std::io::Result<usize> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fn walk(path: &Path, changed: &mut usize) -> std::io::Result<()> {
            let meta = std::fs::symlink_metadata(path)?;
            if meta.file_type().is_symlink() {
                return Ok(());
            }
            let want = if meta.is_dir() { 0o700 } else { 0o600 };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & want))?;
                *changed += 1;
            }
            if meta.is_dir() {
                for entry in std::fs::read_dir(path)? {
                    walk(&entry?.path(), changed)?;
                }
            }
            Ok(())
        }
        let mut changed = 0;
        walk(dir, &mut changed)?;
        Ok(changed)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(0)
    }
}

impl Store {
    /// Opens the store at `path`; `create` allows a new one. A store held by another process is
    /// refused at once with `StoreInUse`.
    pub fn open(path: &Path, create: bool) -> Result<Store, LedgerError> {
        if !create && !path.join("conf").exists() {
            return Err(LedgerError::NoStore(path.to_path_buf()));
        }
        // sled recovers its page table from the log on open and, on some damaged logs (a byte
        // changed in a message it then skips), panics instead of returning an error: that is
        // damage like a failed checksum (exit 3), not a crash, and prints nothing of its own.
        let opened = reads::quietly(|| {
            sled::Config::new()
                .path(path)
                .cache_capacity(SLED_CACHE_BYTES)
                .open()
        })
        .map_err(|why| {
            let why = why.as_deref().unwrap_or("no reason given");
            LedgerError::Corrupt {
                seq: None,
                message: format!("the store's data files are damaged: its engine could not read them back ({why}); restore the store from a copy and run `gufen verify`"),
            }
        })?;
        let db = opened.map_err(|e| match e {
            sled::Error::Io(ref io) if io.to_string().contains("could not acquire lock") => {
                LedgerError::StoreInUse(path.to_path_buf())
            }
            // sled writes when it opens a store, even for a read: on a full disk nothing opens.
            sled::Error::Io(ref io) if io.kind() == std::io::ErrorKind::StorageFull => {
                LedgerError::Refused(format!(
                    "the disk holding the store {} is full: the store's engine writes when it opens, even to read; free some space and run the command again (nothing was lost)",
                    path.display()
                ))
            }
            other => LedgerError::from(other),
        })?;
        let durability = Durability::new(&db, path)?;
        Ok(Store {
            db,
            path: path.to_path_buf(),
            durability,
            locks: Mutex::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    #[cfg(test)]
    pub(crate) fn make_blobs_durable_for_tests(
        &self,
        sync: &mut dyn FnMut(&std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), LedgerError> {
        self.durability.make_blobs_durable_with(sync)
    }

    #[cfg(test)]
    pub(crate) fn make_durable_for_tests(
        &self,
        sync: &mut dyn FnMut(&std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), LedgerError> {
        self.durability.make_durable_with(sync)
    }

    /// Writes sled's buffered pages (what dropping the store would do), without the fsyncs an
    /// append makes: records are already durable when a command returns; projections written
    /// after them are caught up from the log on open if they were lost.
    pub fn flush(&self) -> Result<(), LedgerError> {
        while self.db.flush()? > 0 {}
        Ok(())
    }

    /// A handle of one of a ledger's trees as sled gives it, past `ledger_tree`.
    #[cfg(test)]
    pub(crate) fn raw_tree_for_tests(&self, ledger_id: &str, part: &str) -> sled::Tree {
        self.db
            .open_tree(format!("ledger/{ledger_id}/{part}"))
            .unwrap()
    }

    #[cfg(test)]
    pub(crate) fn flush_for_tests(&self) {
        self.db.flush().unwrap();
    }

    /// The collectives (ledger ids) in this store that have at least one record.
    pub fn ledger_ids(&self) -> Result<Vec<String>, LedgerError> {
        let mut ids = Vec::new();
        for name in self.db.tree_names() {
            let name = String::from_utf8_lossy(&name).to_string();
            if let Some(id) = name
                .strip_prefix("ledger/")
                .and_then(|n| n.strip_suffix("/meta"))
            {
                let meta = self.ledger_tree(id, "meta")?;
                if meta.contains_key(HEAD_KEY)? {
                    ids.push(id.to_string());
                }
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// One of a ledger's trees, its leaf limit set: trees of many small entries keep 64 keys to a
    /// leaf page (sled's own 16 made the page table every open rebuilds four times larger);
    /// those of large values (bundles of records, tiles) keep 16, a leaf being written whole
    /// (vendor/sled/GUFEN.md). Every open of a tree goes through here, a read included: sled
    /// splits a leaf it passes over on a read too.
    fn ledger_tree(&self, ledger_id: &str, part: &str) -> Result<sled::Tree, sled::Error> {
        let tree = self.db.open_tree(format!("ledger/{ledger_id}/{part}"))?;
        if matches!(part, "index" | "projections" | "meta") {
            tree.set_leaf_split_keys(MANY_SMALL_ENTRIES_LEAF_KEYS);
        }
        Ok(tree)
    }

    /// Opens (or starts) the ledger with this id, recovering it to a consistent head.
    pub fn ledger(&self, ledger_id: &str) -> Result<Ledger, LedgerError> {
        let tree = |part: &str| self.ledger_tree(ledger_id, part);
        let ledger = Ledger {
            path: self.path.clone(),
            durability: self.durability.clone(),
            id: ledger_id.to_string(),
            records: tree("records")?,
            bundles: tree("bundles")?,
            index: tree("index")?,
            meta: tree("meta")?,
            projections: tree("projections")?,
            tiles: tree("tiles")?,
            lock: self
                .locks
                .lock()
                .expect("the store's lock table")
                .entry(ledger_id.to_string())
                .or_default()
                .clone(),
            poisoned: false.into(),
            #[cfg(test)]
            fail_next_append: false.into(),
            #[cfg(test)]
            fail_next_cleanup: false.into(),
            #[cfg(test)]
            slices_made: 0.into(),
        };
        ledger.recover()?;
        Ok(ledger)
    }
}

pub struct Ledger {
    path: PathBuf,
    durability: Durability,
    id: String,
    /// The records past the last full bundle, seq (u64 BE) → record bytes (`store/records`).
    records: sled::Tree,
    /// Full bundles of 256 records, bundle index (u64 BE) → `gufen-entries/v1` bundle.
    bundles: sled::Tree,
    index: sled::Tree,
    meta: sled::Tree,
    projections: sled::Tree,
    /// The Merkle tree's hash tiles: [tile-level] ‖ tile index (u64 BE) → its hashes.
    tiles: sled::Tree,
    /// The ledger's append lock, shared with its other handles of the same `Store`.
    pub(crate) lock: std::sync::Arc<Mutex<()>>,
    /// An append failed and what it wrote past the head could not be removed: no more appends
    /// through this handle (opening the ledger again recovers it).
    poisoned: std::sync::atomic::AtomicBool,
    /// Test only: the next append fails after writing its records, before making them durable.
    #[cfg(test)]
    pub(crate) fail_next_append: std::sync::atomic::AtomicBool,
    /// Test only: the clean-up after that failure fails too.
    #[cfg(test)]
    pub(crate) fail_next_cleanup: std::sync::atomic::AtomicBool,
    /// Test only: the slices `project_in_slices` has made.
    #[cfg(test)]
    pub(crate) slices_made: std::sync::atomic::AtomicUsize,
}

/// The seq_next of the head pointer in `meta` (0 for none).
fn read_head(meta: &sled::Tree) -> Result<u64, LedgerError> {
    match meta.get(HEAD_KEY)? {
        None => Ok(0),
        Some(bytes) if bytes.len() == 40 => {
            Ok(u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes")))
        }
        Some(_) => Err(corrupt(None, "the head pointer is not 40 bytes")),
    }
}

fn seq_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

fn seq_from_key(key: &[u8]) -> Result<u64, LedgerError> {
    let bytes: [u8; 8] = key
        .try_into()
        .map_err(|_| corrupt(None, "a record key is not 8 bytes"))?;
    Ok(u64::from_be_bytes(bytes))
}

use index::index_key;

fn entity_key(key: &Key) -> Vec<u8> {
    match key {
        Key::Collective => b"c".to_vec(),
        Key::Person(id) => format!("p/{id}").into_bytes(),
        Key::Household(number) => format!("h/{number}").into_bytes(),
        Key::Distribution(year) => format!("d/{year}").into_bytes(),
        Key::Line(year, id) => format!("l/{year}/{id}").into_bytes(),
    }
}

/// Changed entities as stored: each projection key with the entity's bytes, or None for an
/// entity removed.
type EncodedChanges = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// What a write does to the projections: write the entities its command changed, or make them
/// from its events a slice at a time (`project_in_slices`).
enum Projected {
    Changes(Vec<(Key, Option<Entity>)>),
    InSlices,
}

/// The changes encoded, each entity freed once encoded (its bytes are a fraction of its size in
/// memory, so a large write's peak is its encoded projections, not its entities and them).
fn encode_changes(changes: Vec<(Key, Option<Entity>)>) -> EncodedChanges {
    changes
        .into_iter()
        .map(|(key, entity)| (entity_key(&key), entity.as_ref().map(record::encode)))
        .collect()
}

fn key_from_bytes(bytes: &[u8]) -> Result<Key, LedgerError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| corrupt(None, "projection key is not UTF-8"))?;
    // Named only in a finding: masking it is work a sound key does not need.
    let label = || key_label(text);
    match text.split_once('/') {
        None if text == "c" => Ok(Key::Collective),
        Some(("p", id)) => gufen_core::PersonId::parse(id)
            .map(Key::Person)
            .map_err(|_| {
                corrupt(
                    None,
                    format!("projection key {}: not an ID number", label()),
                )
            }),
        Some(("h", number)) => Ok(Key::Household(number.to_string())),
        Some(("d", year)) => year
            .parse()
            .map(Key::Distribution)
            .map_err(|_| corrupt(None, format!("projection key {}: not a year", label()))),
        Some(("l", line)) => {
            let (year, id) = line
                .split_once('/')
                .ok_or_else(|| corrupt(None, format!("projection key {}: not year/id", label())))?;
            let year = year
                .parse()
                .map_err(|_| corrupt(None, format!("projection key {}: not a year", label())))?;
            gufen_core::PersonId::parse(id)
                .map(|id| Key::Line(year, id))
                .map_err(|_| {
                    corrupt(
                        None,
                        format!("projection key {}: not an ID number", label()),
                    )
                })
        }
        _ => Err(corrupt(
            None,
            format!("unknown projection key {:?}", label()),
        )),
    }
}

/// A projection key as a message may show it: a part long enough to be an ID number (whole or
/// damaged) masked like an ID, so no finding prints one whole.
pub(crate) fn key_label(text: &str) -> String {
    text.split('/')
        .map(|part| {
            let chars: Vec<char> = part.chars().collect();
            if chars.len() >= 15 {
                let head: String = chars[..6].iter().collect();
                let tail: String = chars[chars.len() - 4..].iter().collect();
                format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Where the store keeps the LSN of the newest of sled's blob files known to be on disk.
const BLOBS_DURABLE_KEY: &[u8] = b"gufen/blobs-durable";

/// What makes a store's writes durable: sled's files, fsynced. sled writes a page too large for
/// its log (a leaf of the bundles tree, holding several bundles; a draft's record) to a file of
/// its own under `blobs/`, named by its LSN and never changed once written (a page written again
/// is a new file; sled's cleaner, moving a page, points at the blob file it has). Blob files at
/// or below the newest already fsynced are not fsynced again, so a write costs the same on a
/// store of thousands of blob files as on one of none.
#[derive(Clone)]
struct Durability {
    db: sled::Db,
    path: PathBuf,
    blobs_durable: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Durability {
    fn new(db: &sled::Db, path: &Path) -> Result<Self, LedgerError> {
        let durable = match db.get(BLOBS_DURABLE_KEY)? {
            Some(bytes) => u64::from_be_bytes(bytes.as_ref().try_into().unwrap_or([0; 8])),
            None => 0,
        };
        Ok(Durability {
            db: db.clone(),
            path: path.to_path_buf(),
            blobs_durable: std::sync::Arc::new(durable.into()),
        })
    }

    /// Pushes sled's buffered writes and fsyncs its files: sled's own flush uses
    /// sync_file_range on Linux, which flushes neither the disk cache nor file metadata, and
    /// never syncs its blob files.
    fn make_durable(&self) -> Result<(), LedgerError> {
        self.make_durable_with(&mut |file| file.sync_all())
    }

    fn make_durable_with(
        &self,
        sync: &mut dyn FnMut(&std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), LedgerError> {
        self.fsync_files(&self.path, sync)
    }

    /// Fsyncs the blob files sled wrote since the mark, and no other file: what a write that
    /// needs no fsync of its own (projections, behind the watermark) leaves. sled's background
    /// flush soon makes the log that points to such a file stable; the file itself sled never
    /// syncs, and one lost to a power cut would leave a stable page pointing at a torn blob (a
    /// store that reads "corrupt" instead of one that catches its projections up). Costs nothing
    /// when the write made no blob file.
    fn make_blobs_durable(&self) -> Result<(), LedgerError> {
        self.make_blobs_durable_with(&mut |file| file.sync_all())
    }

    fn make_blobs_durable_with(
        &self,
        sync: &mut dyn FnMut(&std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), LedgerError> {
        let dir = self.path.join("blobs");
        if newest_blob(&dir)?
            <= self
                .blobs_durable
                .load(std::sync::atomic::Ordering::Acquire)
        {
            // Nothing new (a mark above every file, damaged, is for `make_durable` to find).
            return Ok(());
        }
        self.fsync_files(&dir, sync)
    }

    /// Flushes sled and fsyncs (`sync`) every file under `dir` but the blob files at or below
    /// the mark, then moves the mark to the newest blob file listed before the flush.
    fn fsync_files(
        &self,
        dir: &Path,
        sync: &mut dyn FnMut(&std::fs::File) -> std::io::Result<()>,
    ) -> Result<(), LedgerError> {
        use std::sync::atomic::Ordering;
        // The blob files there before the flush are whole once it returns: sled writes a blob
        // inside the log reservation that points to it, and a flush waits for every reservation
        // made before it. Only they may be marked fsynced; one that sled's background work
        // writes during this call is fsynced with the rest but left above the mark.
        let whole = newest_blob(&self.path.join("blobs"))?;
        self.db.flush()?;
        let mut mark = self.blobs_durable.load(Ordering::Acquire);
        if mark > whole {
            // No blob file above the mark can exist unless the mark is damaged: fsync them all.
            mark = 0;
        }
        fsync_tree(dir, mark, sync)?;
        if whole > mark {
            // Another thread's higher mark, replaced, only means more fsyncs later.
            self.blobs_durable.store(whole, Ordering::Release);
            // Kept for the next process; lost, it only means more fsyncs then.
            self.db.insert(BLOBS_DURABLE_KEY, &whole.to_be_bytes())?;
        }
        Ok(())
    }
}

/// The LSN a blob file is named by.
fn blob_lsn(name: &std::ffi::OsStr) -> Option<u64> {
    name.to_str()?.parse().ok()
}

/// The newest blob file's LSN in `dir` (0 for none, or no directory).
fn newest_blob(dir: &Path) -> Result<u64, LedgerError> {
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        other => other?,
    };
    let mut newest = 0;
    for entry in entries {
        newest = newest.max(blob_lsn(&entry?.file_name()).unwrap_or(0));
    }
    Ok(newest)
}

/// Fsyncs (`sync`) every file under `dir` and the directories themselves, except blob files
/// whose LSN is at most `blobs_durable`. A file sled removed meanwhile (an old snapshot, a blob
/// it collected) is passed over.
fn fsync_tree(
    dir: &Path,
    blobs_durable: u64,
    sync: &mut dyn FnMut(&std::fs::File) -> std::io::Result<()>,
) -> Result<(), LedgerError> {
    let blobs = dir.file_name().is_some_and(|name| name == "blobs");
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            fsync_tree(&entry.path(), blobs_durable, sync)?;
        } else if kind.is_file() {
            let lsn = blobs.then(|| blob_lsn(&entry.file_name())).flatten();
            if lsn.is_some_and(|lsn| lsn <= blobs_durable) {
                continue;
            }
            match std::fs::File::open(entry.path()) {
                Ok(file) => sync(&file)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

impl Ledger {
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn head(&self) -> Result<Head, LedgerError> {
        match self.meta.get(HEAD_KEY)? {
            None => Ok(Head {
                seq_next: 0,
                hash: genesis_prev(&self.id),
            }),
            Some(bytes) => {
                if bytes.len() != 40 {
                    return Err(corrupt(None, "the head pointer is not 40 bytes"));
                }
                let seq_next = u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"));
                let hash: Hash = bytes[8..].try_into().expect("32 bytes");
                Ok(Head { seq_next, hash })
            }
        }
    }

    fn command_key(command_id: &[u8; 16]) -> Vec<u8> {
        [COMMAND_PREFIX, command_id.as_slice()].concat()
    }

    /// The first result of a command id, if the ledger holds it.
    pub fn find_command(&self, command_id: &[u8; 16]) -> Result<Option<Outcome>, LedgerError> {
        Ok(self.command_entry(command_id)?.map(|(outcome, _)| outcome))
    }

    /// A command id's first result and the digest of the command it was given to (entries
    /// written before digests were kept have none).
    fn command_entry(
        &self,
        command_id: &[u8; 16],
    ) -> Result<Option<(Outcome, Option<Hash>)>, LedgerError> {
        let Some(bytes) = self.meta.get(Self::command_key(command_id))? else {
            return Ok(None);
        };
        if bytes.len() != 12 && bytes.len() != 44 {
            return Err(corrupt(None, "a command entry is not 12 or 44 bytes"));
        }
        let digest = (bytes.len() == 44).then(|| bytes[12..].try_into().expect("32 bytes"));
        Ok(Some((
            Outcome {
                first_seq: u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes")),
                len: u32::from_be_bytes(bytes[8..12].try_into().expect("4 bytes")),
                head: self.head()?,
                repeated: true,
            },
            digest,
        )))
    }

    /// The first result of a command id given again with the same command; a reused id whose
    /// command differs is refused, naming the first command's records: a retry must never
    /// answer "done" for a command that was not written.
    fn repeated(&self, context: &Context, digest: &Hash) -> Result<Option<Outcome>, LedgerError> {
        let Some((outcome, first)) = self.command_entry(&context.command_id)? else {
            return Ok(None);
        };
        if first.is_some_and(|first| first != *digest) {
            let kind = self
                .records(outcome.first_seq, 1)?
                .first()
                .map(|r| r.record.event_type.clone())
                .unwrap_or_default();
            let last = outcome.first_seq + u64::from(outcome.len) - 1;
            return Err(LedgerError::Refused(format!(
                "this command id was already used for another command (records {}..={last}, {kind}); a command id names one command: give a new one, or none",
                outcome.first_seq
            )));
        }
        Ok(Some(outcome))
    }

    /// The digest a command id is kept with: of the command as decided (`execute`), or of the
    /// events and date appended (`append` called directly).
    fn digest_of<T: serde::Serialize>(value: &T) -> Hash {
        *blake3::hash(&record::encode(value)).as_bytes()
    }

    /// Decides `command` against the state at head and appends its events; a command id seen
    /// before returns the first result and appends nothing.
    pub fn execute(&self, context: &Context, command: &Command) -> Result<Outcome, LedgerError> {
        self.decide_and_append(context, std::borrow::Cow::Borrowed(command))
    }

    /// `execute` of a command given away: it is freed once decided (an import's rows are tens
    /// of megabytes that the append no longer needs).
    pub fn execute_owned(
        &self,
        context: &Context,
        command: Command,
    ) -> Result<Outcome, LedgerError> {
        self.decide_and_append(context, std::borrow::Cow::Owned(command))
    }

    fn decide_and_append(
        &self,
        context: &Context,
        command: std::borrow::Cow<'_, Command>,
    ) -> Result<Outcome, LedgerError> {
        let date = command.date;
        // A correction carries the records it is decided on, read at the time: a retry after an
        // unrelated write must still be the same command, so its digest is what was asked.
        let digest = match &command.action {
            gufen_core::command::Action::Correct {
                reason, original, ..
            } => Self::digest_of(&(date, "correct", original.seq, reason)),
            _ => Self::digest_of(&*command),
        };
        if let Some(outcome) = self.repeated(context, &digest)? {
            return Ok(outcome);
        }
        gufen_core::calendar::not_after_today(date, context.today())?;
        let head = self.head()?;
        let mut state = self.load_state(scope(&command.action))?;
        let events = decide(&state, &command)?;
        drop(command);
        if events.len() > APPLY_SLICE_EVENTS && gufen_core::applies_in_scope(&events) {
            // A large import: its entities are made a slice of events at a time before its
            // records are written (`project_in_slices`), not held for every row at once.
            drop(state);
            return self.append_digested(
                context,
                date,
                std::borrow::Cow::Owned(events),
                head,
                Projected::InSlices,
                digest,
            );
        }
        for event in &events {
            apply(&mut state, date, event);
        }
        let complete = state.is_complete();
        let (changes, rest) = state.into_dirty();
        if complete {
            // A whole state (a draft's) takes a tenth of a second to free.
            crate::verify::discard(rest);
        } else {
            // What a partial state keeps once its changes are out (an import's tables, sized
            // for every person it loaded) is freed before the append needs memory.
            drop(rest);
        }
        self.append_digested(
            context,
            date,
            std::borrow::Cow::Owned(events),
            head,
            Projected::Changes(changes),
            digest,
        )
    }

    /// Appends one command's events, all or none, if the head is still `expected`.
    pub fn append(
        &self,
        context: &Context,
        date: NaiveDate,
        events: &[Event],
        expected: Head,
        changes: Vec<(Key, Option<Entity>)>,
    ) -> Result<Outcome, LedgerError> {
        let digest = Self::digest_of(&(record::days_from_date(date), events));
        self.append_digested(
            context,
            date,
            std::borrow::Cow::Borrowed(events),
            expected,
            Projected::Changes(changes),
            digest,
        )
    }

    fn append_digested(
        &self,
        context: &Context,
        date: NaiveDate,
        events: std::borrow::Cow<'_, [Event]>,
        expected: Head,
        projected: Projected,
        digest: Hash,
    ) -> Result<Outcome, LedgerError> {
        let _guard = self.lock.lock().expect("append lock");
        if let Some(outcome) = self.repeated(context, &digest)? {
            return Ok(outcome);
        }
        if self.poisoned.load(std::sync::atomic::Ordering::Acquire) {
            return Err(LedgerError::Refused(
                "an earlier write to this collective failed and what it left could not be removed: open the store again (the next command does), which removes it".into(),
            ));
        }
        let head = self.head()?;
        if head != expected {
            return Err(LedgerError::Conflict {
                expected: expected.seq_next,
                found: head.seq_next,
            });
        }
        assert!(
            !events.is_empty() && events.len() <= BATCH_EVENTS_MAX,
            "a batch holds 1 to {BATCH_EVENTS_MAX} events"
        );
        let len = u32::try_from(events.len()).expect("batch length fits u32");
        // The signing key is read before anything is written: a key that cannot be read refuses
        // the command instead of leaving an unsigned head behind it.
        let signer = self.signer()?;
        // A large write's projections (an import's every person) are encoded on another core
        // while its records are written.
        let changes = match projected {
            Projected::Changes(changes) => Some(changes),
            Projected::InSlices => None,
        };
        // A large import's entities are made a slice at a time and kept encoded, before a record
        // is written: applying its events is where a broken invariant stops the program, and it
        // must stop while the log does not hold them.
        let made = match changes {
            Some(_) => None,
            None => Some(self.project_in_slices(date, &events)?),
        };
        let (written, projections) = std::thread::scope(|scope| {
            let (encoding, changes) = match changes {
                Some(changes) if changes.len() > CHUNK_ENTRIES => {
                    (Some(scope.spawn(move || encode_changes(changes))), None)
                }
                changes => (None, changes),
            };
            let written = self.write_records(context, date, &events, head).and_then(
                |(new_head, hashes, folded)| {
                    self.write_tiles(head.seq_next, &hashes)?;
                    Ok((new_head, folded))
                },
            );
            let projections = match (encoding, changes) {
                (Some(encoding), _) => encoding.join().expect("encoding does not panic"),
                (None, Some(changes)) => encode_changes(changes),
                (None, None) => made.expect("a write's entities are changed or made"),
            };
            (written, projections)
        });
        // Written: what is left to write is their entities (a large import's events are tens
        // of megabytes, freed before its entities are).
        drop(events);
        let written = written.and_then(|written| {
            #[cfg(test)]
            if self
                .fail_next_append
                .swap(false, std::sync::atomic::Ordering::AcqRel)
            {
                return Err(LedgerError::Io(std::io::Error::other(
                    "a failure for the test",
                )));
            }
            self.durability.make_durable()?;
            Ok(written)
        });
        let (new_head, folded) = match written {
            Ok(written) => written,
            Err(e) => {
                // Nothing is published: what was written past the head goes now (reads never
                // see it; recovery would remove it on the next open). Should that fail too, this
                // handle writes nothing more.
                #[cfg(test)]
                let cleaned = if self
                    .fail_next_cleanup
                    .swap(false, std::sync::atomic::Ordering::AcqRel)
                {
                    Err(LedgerError::Io(std::io::Error::other(
                        "a failure for the test",
                    )))
                } else {
                    self.recover_records(head.seq_next)
                };
                #[cfg(not(test))]
                let cleaned = self.recover_records(head.seq_next);
                if cleaned.is_err() {
                    self.poisoned
                        .store(true, std::sync::atomic::Ordering::Release);
                }
                return Err(e);
            }
        };
        let mut publish = sled::Batch::default();
        let mut head_bytes = new_head.seq_next.to_be_bytes().to_vec();
        head_bytes.extend_from_slice(&new_head.hash);
        publish.insert(HEAD_KEY, head_bytes);
        // From the first append on, a missing checkpoint file is damage, not an old store.
        publish.insert(trust::CHECKPOINT_KEPT, &[1u8][..]);
        let mut command_entry = head.seq_next.to_be_bytes().to_vec();
        command_entry.extend_from_slice(&len.to_be_bytes());
        command_entry.extend_from_slice(&digest);
        publish.insert(Self::command_key(&context.command_id), command_entry);
        self.meta.apply_batch(publish)?;
        self.durability.make_durable()?;
        // The tail's records now in a full bundle; made durable with the next write, and
        // removed on open if they are still there.
        let _ = self.remove_loose(folded);
        self.write_checkpoint_file(new_head.seq_next, signer.as_ref())?;
        self.write_projections(projections, new_head.seq_next)?;
        Ok(Outcome {
            first_seq: head.seq_next,
            len,
            head: new_head,
            repeated: false,
        })
    }

    /// Writes records and then index entries past the head. Not yet visible: the head still
    /// points before them, reads stop at the head, and recovery discards them.
    ///
    /// Each is a plain sled insert rather than a batch: nothing past the head needs atomicity,
    /// and on this storage one insert costs less than its share of a batch. Index entries go in
    /// key order, since a large batch's entries (one per holder) spread over the whole index.
    fn write_records(
        &self,
        context: &Context,
        date: NaiveDate,
        events: &[Event],
        head: Head,
    ) -> Result<(Head, Vec<Hash>, std::ops::Range<u64>), LedgerError> {
        let mut writer =
            records::RecordWriter::new(self, head.seq_next, head.seq_next + events.len() as u64)?;
        let mut hashes = Vec::with_capacity(events.len());
        let mut index = index::Gathered::default();
        let mut prev = head.hash;
        let mut seq = head.seq_next;
        let effective_days = record::days_from_date(date);
        for (position, event) in events.iter().enumerate() {
            let stream = event.stream();
            let version = index.version(&stream, || self.stream_len(&stream, head.seq_next))?;
            let record = Record {
                format_version: FORMAT_VERSION,
                ledger_id: self.id.clone(),
                seq,
                prev,
                batch: BatchRef {
                    command_id: context.command_id,
                    index: position as u32,
                    len: events.len() as u32,
                },
                recorded_at_micros: context.recorded_at_micros,
                effective_days,
                actor: context.actor.clone(),
                stream: stream.clone(),
                stream_version: version,
                event_type: event.type_name().to_string(),
                schema_version: event.schema_version(),
                payload: record::encode(event),
            };
            let bytes = record.encode();
            prev = record_hash(&bytes);
            hashes.push(prev);
            // The record's own stream (with its version), then each person it also concerns:
            // the streams `Event::index_streams` names, which corrections read back.
            let mut streams = event.index_streams().into_iter();
            let own = streams.next().expect("a record has its own stream");
            debug_assert_eq!(own, stream);
            index.push(&own, seq, true, || self.stream_len(&own, head.seq_next))?;
            for concerned in streams {
                index.push(&concerned, seq, false, || {
                    self.stream_len(&concerned, head.seq_next)
                })?;
            }
            writer.push(seq, bytes)?;
            seq += 1;
        }
        for (key, value) in index.into_entries() {
            self.index.insert(key, value)?;
        }
        Ok((
            Head {
                seq_next: seq,
                hash: prev,
            },
            hashes,
            writer.folded(),
        ))
    }

    /// The number of records in `stream` below `head` (its next version): one seek to the
    /// stream's last index entry below the head, stepping back over an older store's entries that
    /// only mention a person.
    fn stream_len(&self, stream: &str, head: u64) -> Result<u64, LedgerError> {
        let mut prefix = stream.as_bytes().to_vec();
        prefix.push(0);
        let mut bound = index_key(stream, head);
        while let Some((key, value)) = self.index.get_lt(&bound)? {
            if !key.starts_with(&prefix) {
                break;
            }
            let first = seq_from_key(&key[prefix.len()..])?;
            let entry = index::decode(first, &value).map_err(|e| corrupt(Some(first), e))?;
            if let Some(count) = entry.count {
                return Ok(count);
            }
            bound = key.to_vec();
        }
        Ok(0)
    }

    /// Writes changed entities behind the watermark, a chunk a sled batch, the last with the
    /// watermark moved to `applied`; several chunks first clear the watermark so a crash between
    /// them forces a rebuild.
    fn write_projections(&self, changes: EncodedChanges, applied: u64) -> Result<(), LedgerError> {
        if changes.len() > CHUNK_ENTRIES {
            self.projections.remove(WATERMARK_KEY)?;
        }
        // Each entry is given to its batch and freed with it: an import's 128,000 encoded
        // entities were all held until the last batch was written (its peak).
        let mut entries = changes.into_iter().peekable();
        loop {
            let mut batch = sled::Batch::default();
            for (key, bytes) in entries.by_ref().take(CHUNK_ENTRIES) {
                match bytes {
                    Some(bytes) => batch.insert(key, bytes),
                    None => batch.remove(key),
                }
            }
            let last = entries.peek().is_none();
            if last {
                batch.insert(WATERMARK_KEY, &applied.to_be_bytes());
                batch.insert(PROJECTION_VERSION_KEY, &PROJECTION_VERSION.to_be_bytes());
            }
            self.projections.apply_batch(batch)?;
            if last {
                // sled's cleaning of stale log segments, which a short process would leave
                // undone (the store was 2.5 times its records after an import and a posting);
                // it may write blob files, made durable next.
                self.durability.db.reclaim()?;
                return self.durability.make_blobs_durable();
            }
        }
    }

    /// The entities `events` (the append's, not yet written) change, made a slice at a time and
    /// encoded: each slice's entities (`apply_scope`) are read from the projections, or as the
    /// slices before made them, changed, and kept encoded (a fraction of their size as entities;
    /// a person is about 150 bytes so). Nothing is written: the append writes them behind the
    /// watermark once its records are published, like any command's changes.
    pub(crate) fn project_in_slices(
        &self,
        date: NaiveDate,
        events: &[Event],
    ) -> Result<EncodedChanges, LedgerError> {
        let mut made: std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>> =
            std::collections::BTreeMap::new();
        for slice in events.chunks(APPLY_SLICE_EVENTS) {
            let keys = gufen_core::apply_scope(slice)
                .expect("a command applied in slices holds only events whose scope they name");
            let mut state = self.load_partial(keys, &made)?;
            for event in slice {
                apply(&mut state, date, event);
            }
            let (changes, rest) = state.into_dirty();
            drop(rest);
            made.extend(encode_changes(changes));
            #[cfg(test)]
            self.slices_made
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        }
        // Sized once: collected into a growing vector, its last doubling alone was 9 MiB.
        let mut changes = Vec::with_capacity(made.len());
        changes.extend(made);
        Ok(changes)
    }

    /// Recovers the projections (`recover`) when they do not stand at the head.
    fn catch_up(&self) -> Result<(), LedgerError> {
        let head = self.head()?.seq_next;
        if head > 0 && self.watermark()? != Some(head) {
            self.recover()?;
        }
        Ok(())
    }

    fn watermark(&self) -> Result<Option<u64>, LedgerError> {
        Ok(self
            .projections
            .get(WATERMARK_KEY)?
            .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0xff; 8]))))
    }

    /// Discards records past the head (an append that crashed before publishing) and brings
    /// projections up to the head.
    fn recover(&self) -> Result<(), LedgerError> {
        let _guard = self.lock.lock().expect("append lock");
        let head = self.head()?;
        if self.recover_records(head.seq_next)? {
            self.durability.make_durable()?;
        }
        self.check_checkpoint_file(head)?;
        let version = self.projections.get(PROJECTION_VERSION_KEY)?;
        if head.seq_next > 0 && version.as_deref() != Some(&PROJECTION_VERSION.to_be_bytes()[..]) {
            return self.rebuild_projections();
        }
        match self.watermark()? {
            Some(applied) if applied == head.seq_next => {}
            None if head.seq_next == 0 => {}
            Some(applied) if applied < head.seq_next => {
                let mut state = self.load_projected(None)?;
                for stored in self.read_range(applied, head.seq_next)? {
                    let event = stored.record.event()?;
                    apply(&mut state, stored.record.effective_date(), &event);
                }
                self.write_projections(encode_changes(state.take_dirty()), head.seq_next)?;
            }
            _ => self.rebuild_projections()?,
        }
        Ok(())
    }

    /// Replaces every projection with the state rebuilt from the whole log.
    pub fn rebuild_projections(&self) -> Result<(), LedgerError> {
        let head = self.head()?;
        let state = self.replay_state(None)?;
        self.projections.clear()?;
        let entities: Vec<(Key, Option<Entity>)> = state
            .entities()
            .into_iter()
            .map(|(k, e)| (k, Some(e)))
            .collect();
        self.write_projections(encode_changes(entities), head.seq_next)?;
        self.durability.make_durable()
    }

    /// Removes the index entries of a record past the head (its own stream's and those of each
    /// person it concerns); a record that does not decode has none to find.
    fn forget_index(&self, seq: u64, bytes: &[u8]) -> Result<(), LedgerError> {
        if let Ok(record) = Record::decode(bytes) {
            self.index.remove(index_key(&record.stream, seq))?;
            if let Ok(event) = record.event() {
                for concerned in event.index_streams() {
                    self.index.remove(index_key(&concerned, seq))?;
                }
            }
        }
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn raw_records(&self) -> &sled::Tree {
        &self.records
    }

    #[cfg(test)]
    pub(crate) fn raw_bundles(&self) -> &sled::Tree {
        &self.bundles
    }

    #[cfg(test)]
    pub(crate) fn raw_index(&self) -> &sled::Tree {
        &self.index
    }

    #[cfg(test)]
    pub(crate) fn raw_projections(&self) -> &sled::Tree {
        &self.projections
    }

    #[cfg(test)]
    pub(crate) fn raw_meta(&self) -> &sled::Tree {
        &self.meta
    }

    #[cfg(test)]
    pub(crate) fn raw_tiles(&self) -> &sled::Tree {
        &self.tiles
    }
}
