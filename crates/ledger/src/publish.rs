//! Publishing: the ledger's audit bundle (see [`crate::export`]) sent to a mirror, such as
//! object storage, that may already hold the bundle of an earlier checkpoint; only what the
//! mirror lacks is sent, and the checkpoint last.
//!
//! By default only what witnessing and consistency need is sent, none of it personal: the hash
//! tiles, the charter and the checkpoint. The entry bundles (the records as stored, with every
//! whole citizen ID and bank account number) go only when asked for ([`Entries`]), to an
//! access-controlled archive. A publish without them leaves the mirror's entry bundles as they
//! are; a publish with them sends, besides the new ones, those of the mirror's tree it lacks
//! (a mirror published without them before).
//!
//! What a mirror holds is read from its checkpoint: the bundle of a tree of `m` records holds
//! every entry bundle and hash tile of that tree, at paths that name their width (`.p/<W>` for a
//! partial one), and the bytes at a path never change. The tree of `n` records needs exactly
//! the tiles whose (index, width) the tree of `m` does not have: at each level, from the tile
//! that was partial (or next) at `m` to the right edge. So publishing `k` new records sends
//! about `k / 256` entry bundles and tiles plus one partial tile a level, however long the log.
//!
//! Order: entry bundles and tiles, then `charter.toml` when it differs, then the checkpoint
//! when it differs. A reader who fetches the checkpoint finds every file it covers; a publish
//! cut short leaves the mirror's old checkpoint, whose files are all still there (nothing is
//! deleted, and a path is only ever written with the bytes it already held), and the next
//! publish sends again what the cut one sent.
//!
//! Before anything is sent, the mirror's checkpoint must be one of this ledger's trees: the
//! same origin, no larger than the latest signed checkpoint, and its root the root of this
//! ledger's first `m` records. A mirror holding another history (the store rolled back or
//! rewritten, or another log at this place) is refused, never written over.
//!
//! What is sent is checked as an export checks it: each new record links to the one before
//! and its hash is its leaf in the level-0 tile, every tile sent is the tile the records'
//! hashes make, and the tree's root is the signed root.

use crate::bundle;
use crate::checkpoint::{self, note_body, Checkpoint};
use crate::export::{CHARTER_FILE, CHECKPOINT_FILE};
use crate::merkle::{Blake3Hasher, MerkleHasher};
use crate::record::{genesis_prev, record_hash, Hash, Record};
use crate::store::{Ledger, LedgerError};
use crate::tiles::{self, TileBuilder};
use gufen_core::state::Key;

/// Records per full entry bundle (and hashes per full tile).
const WIDTH: u64 = tiles::TILE_WIDTH as u64;

/// What the mirror holds now, as read from it (both untrusted).
#[derive(Debug, Clone, Copy, Default)]
pub struct Mirror<'a> {
    /// The mirror's `checkpoint`, if it has one.
    pub checkpoint: Option<&'a [u8]>,
    /// The mirror's `charter.toml`, if it has one.
    pub charter: Option<&'a [u8]>,
}

/// Whether entry bundles are sent: `Some(holds)` sends them, where `holds(path)` says whether
/// the mirror holds the file at the bundle path `path` (asked only of entry bundles of the
/// mirror's tree, newest first, until one is held); `None` sends none.
pub type Entries<'h> = Option<&'h dyn Fn(&str) -> Result<bool, String>>;

/// What a publish sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishSummary {
    pub origin: String,
    /// The published checkpoint's tree size.
    pub size: u64,
    pub root: Hash,
    /// The tree size of the checkpoint the mirror held before, if it held one.
    pub previous_size: Option<u64>,
    /// Entry bundles sent.
    pub entry_bundles: u64,
    /// Hash tiles sent.
    pub tiles: u64,
    /// Whether `charter.toml` was sent (the mirror had none, or another).
    pub charter: bool,
    /// Whether the checkpoint was sent (the mirror had another note: a larger tree, or the
    /// same tree with other cosignatures).
    pub checkpoint: bool,
    /// Files sent, over all kinds.
    pub files: u64,
    /// Bytes sent, over all files.
    pub bytes: u64,
}

/// Why a publish stopped.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The ledger refused (no signed checkpoint) or is damaged (an integrity failure).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The mirror's checkpoint is not a tree of this ledger: nothing was sent.
    #[error("{0}")]
    Diverged(String),
    /// The mirror did not take a file; what was sent before it stays, the checkpoint was not
    /// sent, so the mirror still shows its old checkpoint.
    #[error("{path}: {why}")]
    Send { path: String, why: String },
}

/// Where published files go: `send(path, bytes)` stores `bytes` at the bundle path `path`.
pub type Send<'s> = &'s mut dyn FnMut(&str, &[u8]) -> Result<(), String>;

fn diverged(message: String) -> PublishError {
    PublishError::Diverged(message)
}

fn corrupt(seq: Option<u64>, message: String) -> PublishError {
    PublishError::Ledger(LedgerError::Corrupt { seq, message })
}

/// The mirror's checkpoint, checked against this ledger: `Ok(None)` when it holds none.
fn mirrored_tree(
    ledger: &Ledger,
    note: Option<&[u8]>,
    signed: &Checkpoint,
) -> Result<Option<Checkpoint>, PublishError> {
    let Some(note) = note else {
        return Ok(None);
    };
    let text = std::str::from_utf8(note).map_err(|_| {
        diverged("the mirror's checkpoint is not UTF-8 text: it is not a checkpoint of this ledger; nothing was sent".into())
    })?;
    let mirrored = Checkpoint::parse(note_body(text)).map_err(|e| {
        diverged(format!(
            "the mirror's checkpoint does not parse ({e}); nothing was sent"
        ))
    })?;
    if mirrored.origin != signed.origin {
        return Err(diverged(format!(
            "the mirror holds a checkpoint of {:?}, not of {:?}; nothing was sent",
            mirrored.origin, signed.origin
        )));
    }
    if mirrored.size > signed.size {
        return Err(diverged(format!(
            "rollback: the mirror's checkpoint signs {} records, the ledger's latest signed checkpoint {}; nothing was sent",
            mirrored.size, signed.size
        )));
    }
    if ledger.root_at(mirrored.size)? != mirrored.root {
        return Err(diverged(format!(
            "fork: the mirror's checkpoint of {} records has another root than this ledger's first {} records; nothing was sent",
            mirrored.size, mirrored.size
        )));
    }
    Ok(Some(mirrored))
}

impl Ledger {
    /// Sends to `send` what the mirror (holding `mirror`) lacks of the audit bundle of the
    /// ledger's latest signed checkpoint, the checkpoint last; reports progress in records.
    /// Entry bundles are sent only with `entries` (see [`Entries`]).
    pub fn publish(
        &self,
        mirror: Mirror<'_>,
        entries: Entries<'_>,
        send: Send<'_>,
        hook: Option<crate::progress::Hook<'_>>,
    ) -> Result<PublishSummary, PublishError> {
        let note = self.signed_checkpoint_note()?.ok_or_else(|| {
            LedgerError::Refused(
                "the ledger has no signed checkpoint to publish: sign it first (`gufen checkpoint --sign KEY`, or `gufen config set signing-key KEY` to sign every write)".into(),
            )
        })?;
        let signed = Checkpoint::parse(note_body(&note))
            .map_err(|e| corrupt(None, format!("the ledger's checkpoint is damaged: {e}")))?;
        let origin = checkpoint::origin(self.id());
        let size = signed.size;
        if signed.origin != origin || size > self.head()?.seq_next || size == 0 {
            return Err(corrupt(
                None,
                format!(
                    "the ledger's signed checkpoint ({:?}, {size} records) is not of its records",
                    signed.origin
                ),
            ));
        }
        if self.root_at(size)? != signed.root {
            return Err(corrupt(
                None,
                format!("not published: the hash tiles of the first {size} records do not give the signed root"),
            ));
        }
        let previous = mirrored_tree(self, mirror.checkpoint, &signed)?;
        let from = previous.as_ref().map_or(0, |c| c.size);

        let mut summary = PublishSummary {
            origin,
            size,
            root: signed.root,
            previous_size: previous.as_ref().map(|c| c.size),
            entry_bundles: 0,
            tiles: 0,
            charter: false,
            checkpoint: false,
            files: 0,
            bytes: 0,
        };
        let mut put = |path: &str, bytes: &[u8], summary: &mut PublishSummary| {
            send(path, bytes).map_err(|why| PublishError::Send {
                path: path.to_string(),
                why,
            })?;
            summary.files += 1;
            summary.bytes += bytes.len() as u64;
            Ok::<(), PublishError>(())
        };

        // With entries, the entry bundles of the mirror's tree it lacks (it was published
        // without them), sent first. What a publish with entries leaves is every entry bundle of
        // its tree, so the mirror's are a prefix of its tree's: asked newest first, the first
        // one held ends the search.
        if let Some(holds) = entries {
            // Bundles from `from / WIDTH` on are sent by the loop below when the tree grew.
            let end = if from < size {
                from / WIDTH
            } else {
                size.div_ceil(WIDTH)
            };
            let mut first = end;
            while first > 0 {
                let path = tiles::entries_path(first - 1, tiles::tile_width(size, 0, first - 1));
                if holds(&path).map_err(|why| PublishError::Send {
                    path: path.clone(),
                    why,
                })? {
                    break;
                }
                first -= 1;
            }
            for index in first..end {
                let width = tiles::tile_width(size, 0, index);
                let start = index * WIDTH;
                let records = self.record_bytes(start, start + u64::from(width))?;
                let mut leaves = Vec::with_capacity(records.len());
                for (seq, bytes) in &records {
                    let record = Record::decode(bytes)
                        .map_err(|e| corrupt(Some(*seq), format!("not published: {e}")))?;
                    if record.seq != *seq {
                        return Err(corrupt(
                            Some(*seq),
                            "not published: the record is stored at another number".into(),
                        ));
                    }
                    leaves.push(Blake3Hasher.leaf(&record_hash(bytes)));
                }
                // The stored level-0 tile gives the signed root (checked above).
                let mut tile = self.tile(0, index)?;
                tile.truncate(usize::from(width));
                if leaves.len() != usize::from(width) || leaves != tile {
                    return Err(corrupt(
                        Some(start),
                        format!("not published: the records of entry bundle {index} are not the leaves of hash tile 0/{index}"),
                    ));
                }
                let bundle = bundle::encode(records.iter().map(|(_, r)| r.as_slice()));
                put(&tiles::entries_path(index, width), &bundle, &mut summary)?;
                summary.entry_bundles += 1;
            }
        }

        let mut progress = crate::progress::Progress::new(hook, size - from);
        let mut prev = match from {
            0 => genesis_prev(self.id()),
            _ => match self.record_bytes(from - 1, from)?.first() {
                Some((_, bytes)) => record_hash(bytes),
                None => return Err(corrupt(Some(from - 1), "the record is missing".into())),
            },
        };
        // The tree whose tiles are accounted for so far: the mirror's, then bundle by bundle.
        let mut done = from;
        let mut index = from / WIDTH;
        // Every bundle from the one holding record `from` on has new records (none when the
        // mirror holds this tree already).
        while from < size && index * WIDTH < size {
            let start = index * WIDTH;
            let width = tiles::tile_width(size, 0, index);
            let end = start + u64::from(width);
            let records = self.record_bytes(start, end)?;
            if records.len() as u64 != end - start {
                return Err(corrupt(
                    Some(start + records.len() as u64),
                    "the record is missing from the store".into(),
                ));
            }
            let mut leaves = Vec::new();
            for (seq, bytes) in records.iter().filter(|(seq, _)| *seq >= done) {
                let record = Record::decode(bytes)
                    .map_err(|e| corrupt(Some(*seq), format!("not published: {e}")))?;
                if record.seq != *seq || record.prev != prev {
                    return Err(corrupt(
                        Some(*seq),
                        format!(
                            "not published: record {seq} does not link to the record before it"
                        ),
                    ));
                }
                prev = record_hash(bytes);
                leaves.push(Blake3Hasher.leaf(&prev));
            }
            if entries.is_some() {
                let bundle = bundle::encode(records.iter().map(|(_, r)| r.as_slice()));
                put(&tiles::entries_path(index, width), &bundle, &mut summary)?;
                summary.entry_bundles += 1;
            }

            let writes = TileBuilder::new(Blake3Hasher)
                .append(&self.stored_tiles(), done, &leaves)
                .map_err(|e| corrupt(None, format!("not published: the hash tiles: {e}")))?;
            done = end;
            for (level, tile_index, want) in writes {
                let mut have = self.tile(level, tile_index)?;
                have.truncate(want.len());
                if have != want {
                    return Err(corrupt(
                        None,
                        format!("not published: hash tile {level}/{tile_index} differs from the hashes of the records it covers"),
                    ));
                }
                // A tile that grows further in a later bundle is sent then, at its last width.
                let final_width = tiles::tile_width(size, level, tile_index);
                if want.len() == usize::from(final_width) {
                    put(
                        &tiles::tile_path(level, tile_index, final_width),
                        &want.concat(),
                        &mut summary,
                    )?;
                    summary.tiles += 1;
                }
            }
            progress.record(done - from);
            index += 1;
        }
        progress.finish(size - from);

        // The charter is recorded with the registration and never changes after it (a wrong
        // charter is a new ledger), so the charter of every signed tree is the one in force now.
        let state = self.load_state(Some(vec![Key::Collective]))?;
        let collective = state.collective().ok_or_else(|| {
            LedgerError::Refused(
                "the ledger holds no registration: there is no charter to publish".into(),
            )
        })?;
        let charter = collective.charter.to_toml(&collective.loss_grounds);
        if mirror.charter != Some(charter.as_bytes()) {
            put(CHARTER_FILE, charter.as_bytes(), &mut summary)?;
            summary.charter = true;
        }
        // Last: a reader who sees this checkpoint finds every file it covers.
        if mirror.checkpoint != Some(note.as_bytes()) {
            put(CHECKPOINT_FILE, note.as_bytes(), &mut summary)?;
            summary.checkpoint = true;
        }
        Ok(summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::audit_files;
    use crate::bundle::BundleFiles;
    use crate::note::{Signer, Verifier};
    use crate::store::{Context, Store};
    use chrono::NaiveDate;
    use gufen_core::command::Action;
    use gufen_core::ids::citizen_check_character;
    use gufen_core::{Charter, Command, RosterRow};
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::path::Path;

    const CHARTER: &str = include_str!("../../../fixtures/charter.toml");
    const ORG: &str = "N2410183MF0000001Y";

    /// A mirror in memory: bundle paths and their bytes.
    #[derive(Default)]
    struct Memory(RefCell<BTreeMap<String, Vec<u8>>>);

    impl BundleFiles for Memory {
        fn read(&self, relative: &str, buf: &mut Vec<u8>) -> std::io::Result<bool> {
            buf.clear();
            match self.0.borrow().get(relative) {
                Some(bytes) => {
                    buf.extend_from_slice(bytes);
                    Ok(true)
                }
                None => Ok(false),
            }
        }
        fn name(&self, relative: &str) -> String {
            format!("memory:{relative}")
        }
    }

    impl Memory {
        fn publish(&self, ledger: &Ledger) -> Result<PublishSummary, PublishError> {
            self.publish_as(ledger, true)
        }

        /// Publishes, with the entry bundles or without them.
        fn publish_as(
            &self,
            ledger: &Ledger,
            with_entries: bool,
        ) -> Result<PublishSummary, PublishError> {
            let (checkpoint, charter) = {
                let files = self.0.borrow();
                (
                    files.get(CHECKPOINT_FILE).cloned(),
                    files.get(CHARTER_FILE).cloned(),
                )
            };
            let mirror = Mirror {
                checkpoint: checkpoint.as_deref(),
                charter: charter.as_deref(),
            };
            let mut send = |path: &str, bytes: &[u8]| {
                // The checkpoint comes last: every file it covers is there before it.
                assert!(
                    !self.0.borrow().contains_key(path)
                        || path == CHARTER_FILE
                        || path == CHECKPOINT_FILE,
                    "{path} sent twice; mirror {:?}",
                    String::from_utf8_lossy(
                        self.0
                            .borrow()
                            .get(CHECKPOINT_FILE)
                            .map(|v| v.as_slice())
                            .unwrap_or(b"")
                    )
                );
                self.0.borrow_mut().insert(path.to_string(), bytes.to_vec());
                Ok(())
            };
            let holds = |path: &str| Ok(self.0.borrow().contains_key(path));
            let entries: Entries<'_> = if with_entries { Some(&holds) } else { None };
            ledger.publish(mirror, entries, &mut send, None)
        }

        fn paths(&self) -> Vec<String> {
            self.0.borrow().keys().cloned().collect()
        }
    }

    fn context(n: u8) -> Context {
        Context {
            command_id: [n; 16],
            recorded_at_micros: 1_764_000_000_000_000 + i64::from(n),
            actor: "test".into(),
        }
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Registers the collective in a new store: 1 record (2 with loss grounds).
    fn registered(dir: &Path) -> Store {
        let store = Store::open(dir, true).unwrap();
        let ledger = store.ledger(ORG).unwrap();
        let command = Command {
            date: date("2017-06-01"),
            action: Action::RegisterCollective {
                charter: Charter::from_toml(CHARTER).unwrap(),
                loss_grounds: vec![],
            },
        };
        ledger.execute(&context(1), &command).unwrap();
        store
    }

    /// Confirms `count` members numbered from `first` by one roster import, and signs.
    fn import(ledger: &Ledger, first: u32, count: u32, n: u8, log: &Signer) {
        let rows = (first..first + count)
            .map(|i| {
                let digits = format!("11010119{:02}0101{:03}", 60 + i / 1000, i % 1000);
                RosterRow {
                    id: format!("{digits}{}", citizen_check_character(&digits)),
                    name: format!("成员{i}"),
                    household: format!("{:03}", i / 4),
                    ..Default::default()
                }
            })
            .collect();
        let command = Command {
            date: date("2017-12-31"),
            action: Action::ImportRoster {
                rows,
                resolution: "2017-1".into(),
            },
        };
        ledger.execute(&context(n), &command).unwrap();
        ledger.sign_checkpoint(log).unwrap();
    }

    /// Every file of the export of `ledger`, by bundle path.
    fn exported(ledger: &Ledger, dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let _ = std::fs::remove_dir_all(dir);
        ledger.export(dir).unwrap();
        let mut files = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(next) = pending.pop() {
            for entry in std::fs::read_dir(next).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let relative = path.strip_prefix(dir).unwrap().to_str().unwrap();
                    files.insert(relative.to_string(), std::fs::read(&path).unwrap());
                }
            }
        }
        files
    }

    #[test]
    fn a_publish_sends_what_the_mirror_lacks_and_the_mirror_audits() {
        let dir = tempfile::tempdir().unwrap();
        let log = Signer::generate("village-log").unwrap();
        let trust = Verifier::new(&log.vkey()).unwrap();
        let store = registered(&dir.path().join("store"));
        let ledger = store.ledger(ORG).unwrap();
        let mirror = Memory::default();

        // Unsigned: refused, nothing sent.
        assert!(matches!(
            mirror.publish(&ledger),
            Err(PublishError::Ledger(LedgerError::Refused(_)))
        ));
        assert!(mirror.paths().is_empty());

        let mut before = BTreeMap::new();
        // Sizes 4, 300 (past one full tile), 601, 1201 (level-1 tile of 4 hashes).
        for (step, (first, count)) in [(0, 3), (3, 296), (299, 301), (600, 600)]
            .into_iter()
            .enumerate()
        {
            import(&ledger, first, count, step as u8 + 2, &log);
            let export = exported(&ledger, &dir.path().join(format!("export-{step}")));
            let summary = mirror.publish(&ledger).unwrap();
            let new: Vec<&String> = export
                .iter()
                .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
                .map(|(path, _)| path)
                .collect();
            assert_eq!(summary.files as usize, new.len(), "step {step}: {new:?}");
            assert_eq!(summary.size, ledger.head().unwrap().seq_next);
            assert_eq!(summary.previous_size.is_some(), step > 0);
            assert_eq!(summary.charter, step == 0);
            assert!(summary.checkpoint);
            // The mirror holds the export exactly, and the partial files of earlier trees.
            for (path, bytes) in &export {
                assert_eq!(mirror.0.borrow().get(path), Some(bytes), "{path}");
            }
            let report = audit_files(&mirror, &trust, &[], &[], None).unwrap();
            assert!(report.ok, "{report:?}");
            assert_eq!(report.size, summary.size);
            // Published again unchanged: nothing is sent.
            let again = mirror.publish(&ledger).unwrap();
            assert_eq!((again.files, again.bytes), (0, 0), "{again:?}");
            before = export;
        }
        assert!(mirror.paths().contains(&"tile/1/000.p/4".to_string()));
    }

    #[test]
    fn by_default_no_entry_bundle_is_sent_and_with_entries_the_missing_ones_follow() {
        let dir = tempfile::tempdir().unwrap();
        let log = Signer::generate("village-log").unwrap();
        let trust = Verifier::new(&log.vkey()).unwrap();
        let store = registered(&dir.path().join("store"));
        let ledger = store.ledger(ORG).unwrap();
        let mirror = Memory::default();
        let is_entries = |path: &str| path.starts_with("tile/entries/");

        // Default: the export without its entry bundles; the witness's proof reads from it.
        import(&ledger, 0, 300, 2, &log);
        let first = ledger.head().unwrap().seq_next;
        let summary = mirror.publish_as(&ledger, false).unwrap();
        assert_eq!(summary.entry_bundles, 0);
        let export = exported(&ledger, &dir.path().join("export-0"));
        let public: BTreeMap<String, Vec<u8>> = export
            .iter()
            .filter(|(path, _)| !is_entries(path))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        assert_eq!(*mirror.0.borrow(), public);
        import(&ledger, 300, 400, 3, &log);
        let summary = mirror.publish_as(&ledger, false).unwrap();
        assert_eq!(
            (summary.entry_bundles, summary.previous_size),
            (0, Some(first))
        );
        assert!(!mirror.paths().iter().any(|p| is_entries(p)));
        let size = ledger.head().unwrap().seq_next;
        let source = crate::witness::BundleSource(&mirror);
        let proof = crate::witness::ProofSource::consistency(&source, "", first, size).unwrap();
        let from_store = crate::witness::StoreSource(dir.path().join("store"));
        drop(ledger);
        drop(store);
        assert_eq!(
            crate::witness::ProofSource::consistency(
                &from_store,
                &checkpoint::origin(ORG),
                first,
                size
            ),
            Ok(proof)
        );
        let store = Store::open(&dir.path().join("store"), false).unwrap();
        let ledger = store.ledger(ORG).unwrap();
        // Without the records the audit cannot pass.
        assert!(!audit_files(&mirror, &trust, &[], &[], None).unwrap().ok);

        // With entries over a tree grown since: the bundles of the mirror's tree it lacks (0
        // and 1), then the new partial one (2); the mirror is the export, and audits.
        import(&ledger, 700, 10, 4, &log);
        let summary = mirror.publish_as(&ledger, true).unwrap();
        assert_eq!(summary.entry_bundles, 3, "{summary:?}");
        let export = exported(&ledger, &dir.path().join("export-1"));
        for (path, bytes) in &export {
            assert_eq!(mirror.0.borrow().get(path), Some(bytes), "{path}");
        }
        assert!(audit_files(&mirror, &trust, &[], &[], None).unwrap().ok);

        // A default publish leaves them there; a publish with entries of the same tree after
        // it sends the bundles the default one skipped (2 full, 3 partial), and no other.
        import(&ledger, 710, 300, 5, &log);
        let summary = mirror.publish_as(&ledger, false).unwrap();
        assert_eq!(summary.entry_bundles, 0);
        assert!(export.keys().all(|p| mirror.0.borrow().contains_key(p)));
        let summary = mirror.publish_as(&ledger, true).unwrap();
        assert_eq!(
            (summary.entry_bundles, summary.files, summary.checkpoint),
            (2, 2, false),
            "{summary:?}"
        );
        assert!(audit_files(&mirror, &trust, &[], &[], None).unwrap().ok);
        let export = exported(&ledger, &dir.path().join("export-2"));
        for (path, bytes) in &export {
            assert_eq!(mirror.0.borrow().get(path), Some(bytes), "{path}");
        }
    }

    #[test]
    fn a_mirror_of_another_history_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let log = Signer::generate("village-log").unwrap();
        let store = registered(&dir.path().join("store"));
        let ledger = store.ledger(ORG).unwrap();
        import(&ledger, 0, 5, 2, &log);
        let mirror = Memory::default();
        mirror.publish(&ledger).unwrap();

        // The same collective's store with other records (rebuilt, or another keeper's).
        let other_store = registered(&dir.path().join("other"));
        let other = other_store.ledger(ORG).unwrap();
        import(&other, 100, 5, 2, &log);
        let held = mirror.0.borrow().clone();
        let refused = mirror.publish(&other).unwrap_err();
        assert!(
            matches!(&refused, PublishError::Diverged(m) if m.starts_with("fork")),
            "{refused}"
        );
        // A longer tree of the other history: its first records are not the mirror's either.
        import(&other, 200, 5, 3, &log);
        let refused = mirror.publish(&other).unwrap_err();
        assert!(
            matches!(&refused, PublishError::Diverged(m) if m.starts_with("fork")),
            "{refused}"
        );
        assert_eq!(*mirror.0.borrow(), held);

        // The mirror ahead of the ledger: a rollback.
        let behind_store = registered(&dir.path().join("behind"));
        let behind = behind_store.ledger(ORG).unwrap();
        import(&behind, 0, 2, 2, &log);
        let refused = mirror.publish(&behind).unwrap_err();
        assert!(
            matches!(&refused, PublishError::Diverged(m) if m.starts_with("rollback")),
            "{refused}"
        );

        // A checkpoint that is not one, or of another collective.
        for note in [
            &b"garbage"[..],
            b"gufen/N2410183MF0000002Y/blake3\n6\nAAAA\n",
        ] {
            mirror
                .0
                .borrow_mut()
                .insert(CHECKPOINT_FILE.into(), note.to_vec());
            assert!(matches!(
                mirror.publish(&ledger),
                Err(PublishError::Diverged(_))
            ));
        }
    }
}
