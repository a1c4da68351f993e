//! Export: the ledger as an audit bundle, a directory in the C2SP tlog-tiles layout that anyone
//! can check with the ledger's public key alone (`gufen audit`, or their own verifier written
//! from docs/audit.md), without the store or trust in whoever keeps it.
//!
//! The bundle holds exactly the tree of the ledger's latest checkpoint: `checkpoint` (the note
//! as kept beside the store, with its signature and cosignatures), the hash tiles at
//! `tile/<L>/<N>[.p/<W>]`, the records exactly as stored in entry bundles at
//! `tile/entries/<N>[.p/<W>]` ([`crate::bundle`] framing), and `charter.toml`, the charter and
//! loss grounds in force at that size, so an auditor can see the rules the dividends were
//! computed under and the replay can confirm them.

use crate::bundle;
use crate::checkpoint::{self, note_body, Checkpoint};
use crate::record::Hash;
use crate::store::{Ledger, LedgerError};
use crate::tiles;
use crate::verify::ChainWalk;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The checkpoint note's file name in a bundle (tlog-tiles `<prefix>/checkpoint`).
pub const CHECKPOINT_FILE: &str = "checkpoint";
/// The charter's file name in a bundle.
pub const CHARTER_FILE: &str = "charter.toml";
/// Records per full entry bundle (and hashes per full tile).
const WIDTH: u64 = tiles::TILE_WIDTH as u64;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub origin: String,
    /// The checkpoint's tree size: records in the bundle.
    pub size: u64,
    pub root: Hash,
    /// Files written (checkpoint, charter, hash tiles, entry bundles).
    pub files: u64,
    /// Bytes written, over all files.
    pub bytes: u64,
}

fn io_error(path: &Path, e: std::io::Error) -> LedgerError {
    LedgerError::Io(std::io::Error::new(
        e.kind(),
        format!("{}: {e}", path.display()),
    ))
}

/// Writes `bytes` at `dir/relative` through a temporary file renamed into place, so a reader (or
/// an interrupted export) never sees a half-written file under a bundle path.
fn write_file(dir: &Path, relative: &str, bytes: &[u8]) -> Result<(), LedgerError> {
    let path = dir.join(relative);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut file = std::fs::File::create(&temporary).map_err(|e| io_error(&temporary, e))?;
    file.write_all(bytes).map_err(|e| io_error(&temporary, e))?;
    drop(file);
    std::fs::rename(&temporary, &path).map_err(|e| io_error(&path, e))
}

/// Whether `dir` may receive this export: absent, empty, or an earlier bundle of the same
/// origin (an export is idempotent; a directory holding anything else is never overwritten).
fn check_target(dir: &Path, origin: &str) -> Result<(), LedgerError> {
    let mut entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(dir, e)),
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let path = dir.join(CHECKPOINT_FILE);
    let existing = std::fs::read_to_string(&path).ok();
    let same = existing
        .as_deref()
        .and_then(|text| Checkpoint::parse(note_body(text)).ok())
        .is_some_and(|c| c.origin == origin);
    if same {
        Ok(())
    } else {
        Err(LedgerError::Refused(format!(
            "{} is not empty and is not an audit bundle of {origin}: choose an empty or new directory",
            dir.display()
        )))
    }
}

impl Ledger {
    /// Writes the audit bundle of the ledger's latest signed checkpoint into `dir`: an auditor
    /// trusts nothing unsigned, so a ledger whose checkpoint was never signed is refused.
    ///
    /// Every record exported goes through the same walk `verify --replay` and `audit` run, and
    /// every stored tile is compared with the tiles the records' hashes make, so a damaged
    /// ledger is refused (an integrity failure) rather than exported for an auditor to find.
    pub fn export(&self, dir: &Path) -> Result<ExportSummary, LedgerError> {
        self.export_reporting(dir, None)
    }

    /// `export`, reporting the records written to `hook` (throttled, `progress`).
    pub fn export_reporting(
        &self,
        dir: &Path,
        hook: Option<crate::progress::Hook<'_>>,
    ) -> Result<ExportSummary, LedgerError> {
        let note = self.signed_checkpoint_note()?.ok_or_else(|| {
            LedgerError::Refused(
                "the ledger has no signed checkpoint to export: sign it first (`gufen checkpoint --sign KEY`, or `gufen config set signing-key KEY` to sign every write)".into(),
            )
        })?;
        let signed = Checkpoint::parse(note_body(&note)).map_err(|e| LedgerError::Corrupt {
            seq: None,
            message: format!("the ledger's checkpoint is damaged: {e}"),
        })?;
        let origin = checkpoint::origin(self.id());
        if signed.origin != origin {
            return Err(LedgerError::Corrupt {
                seq: None,
                message: format!("the ledger's checkpoint is for {:?}", signed.origin),
            });
        }
        let size = signed.size;
        let head = self.head()?;
        if size > head.seq_next {
            return Err(LedgerError::Corrupt {
                seq: Some(head.seq_next),
                message: format!(
                    "the checkpoint says {size} records, the store holds {}",
                    head.seq_next
                ),
            });
        }
        check_target(dir, &origin)?;

        let mut files = 0u64;
        let mut bytes = 0u64;
        let mut write = |relative: &str, data: &[u8]| -> Result<(), LedgerError> {
            write_file(dir, relative, data)?;
            files += 1;
            bytes += data.len() as u64;
            Ok(())
        };

        let mut walk = ChainWalk::new(self.id(), true);
        let mut progress = crate::progress::Progress::new(hook, size);
        let mut start = 0u64;
        while start < size {
            let index = start / WIDTH;
            let width = tiles::tile_width(size, 0, index);
            let end = start + u64::from(width);
            let records = self.record_bytes(start, end)?;
            if records.len() as u64 != end - start {
                return Err(LedgerError::Corrupt {
                    seq: Some(start + records.len() as u64),
                    message: "the record is missing from the store".into(),
                });
            }
            for (seq, record) in &records {
                walk.push(*seq, record);
            }
            if walk.stopped() {
                break;
            }
            let entries = bundle::encode(records.iter().map(|(_, r)| r.as_slice()));
            write(&tiles::entries_path(index, width), &entries)?;
            start = end;
            progress.record(start);
        }
        progress.finish(start);
        let result = walk.finish(size, None, Some(&signed.root));
        if let Some(problem) = result.problem {
            return Err(LedgerError::Corrupt {
                seq: result.first_bad_seq,
                message: format!("not exported: {problem}"),
            });
        }
        for (level, index, want) in result.tiles {
            let mut have = self.tile(level, index)?;
            have.truncate(want.len());
            if have != want {
                return Err(LedgerError::Corrupt {
                    seq: None,
                    message: format!(
                        "not exported: hash tile {level}/{index} differs from the hashes of the records it covers"
                    ),
                });
            }
            let width = u16::try_from(want.len()).unwrap_or(tiles::TILE_WIDTH);
            write(&tiles::tile_path(level, index, width), &want.concat())?;
        }
        let collective = result
            .state
            .as_ref()
            .and_then(|state| state.collective())
            .ok_or_else(|| {
                LedgerError::Refused(
                    "the checkpoint holds no registration yet: there is no charter to export"
                        .into(),
                )
            })?;
        let charter = collective.charter.to_toml(&collective.loss_grounds);
        write(CHARTER_FILE, charter.as_bytes())?;
        // Last, so a bundle whose export was interrupted has no checkpoint to be taken for whole.
        write(CHECKPOINT_FILE, note.as_bytes())?;
        Ok(ExportSummary {
            origin,
            size,
            root: signed.root,
            files,
            bytes,
        })
    }
}
