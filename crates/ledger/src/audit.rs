//! Audit: checks an exported bundle (see [`crate::export`]) with nothing but the ledger's public
//! key, the witnesses' keys and checkpoints the auditor kept from before. No store is opened:
//! the point is to trust neither the store nor whoever keeps it.
//!
//! In order: the checkpoint verifies under the trusted log key and every required witness
//! cosigned it; its origin is a gufen ledger's; every record of its size is in the entry
//! bundles and passes the walk `verify --replay` runs (hashes, links, batches, dates, the state
//! rebuilt, every posted dividend line recomputed), and the records' Merkle root is the signed
//! root; every hash tile is the tile the records' hashes make; `charter.toml` is the charter and
//! the loss grounds the replay ends with; and every checkpoint the auditor knew before is a
//! prefix of this tree (a larger one means the bundle is a rollback, another root at a size the
//! bundle covers means the log was forked). docs/audit.md describes the same steps for anyone
//! writing their own verifier.

use crate::bundle::{self, BundleFiles, Directory};
use crate::checkpoint::{origin_code, Checkpoint, SignedCheckpoint, WitnessCosignature};
use crate::export::{CHARTER_FILE, CHECKPOINT_FILE};
use crate::note::Verifier;
use crate::record::Hash;
use crate::tiles;
use crate::tiles::TileWrite;
use crate::verify::{root_from_tiles, ChainWalk, WalkResult};
use gufen_core::state::State;
use gufen_core::Charter;
use std::path::{Path, PathBuf};

const WIDTH: u64 = tiles::TILE_WIDTH as u64;

/// A checkpoint the auditor kept from an earlier audit or from a witness, already opened with
/// the trusted log key; `label` names it in findings (e.g. its file name).
#[derive(Debug, Clone)]
pub struct KnownCheckpoint {
    pub label: String,
    pub checkpoint: Checkpoint,
}

/// What an audit found. `ok` is false exactly when `problem` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub ok: bool,
    /// The checkpoint's origin, once the checkpoint was read.
    pub origin: Option<String>,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The signed root.
    pub root: Option<Hash>,
    /// Records walked.
    pub records: u64,
    /// The log key that signed the checkpoint (`name+keyid`), when it verified.
    pub signed_by: Option<String>,
    /// The required witnesses' cosignatures that verified.
    pub cosigned_by: Vec<WitnessCosignature>,
    /// Signature lines from keys the auditor did not give (`name+keyid`): reported, not counted.
    pub unverified: Vec<String>,
    /// Known checkpoints found consistent with the bundle.
    pub known_checked: u64,
    pub first_bad_seq: Option<u64>,
    pub problem: Option<String>,
}

/// An audit that could not be run (as opposed to a bundle that failed it).
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("no audit bundle at {0}: the directory does not exist")]
    NoDirectory(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Why an audit stopped: a failed check (the first bad record when there is one, and what is
/// wrong), or an error that kept it from running.
enum Stop {
    Found { seq: Option<u64>, problem: String },
    Error(AuditError),
}

impl From<AuditError> for Stop {
    fn from(error: AuditError) -> Stop {
        Stop::Error(error)
    }
}

fn finding(seq: Option<u64>, problem: impl Into<String>) -> Stop {
    Stop::Found {
        seq,
        problem: problem.into(),
    }
}

/// Reads the bundle's file at `relative` into `buf` (cleared first); false when there is none.
fn read_into(
    files: &dyn BundleFiles,
    relative: &str,
    buf: &mut Vec<u8>,
) -> Result<bool, AuditError> {
    files.read(relative, buf).map_err(|source| AuditError::Io {
        path: PathBuf::from(files.name(relative)),
        source,
    })
}

fn key_name(name: &str, key_id: u32) -> String {
    format!("{name}+{key_id:08x}")
}

/// Audits the bundle in `dir` against the trusted log key, the witnesses that must have
/// cosigned, and checkpoints known from before.
pub fn audit(
    dir: &Path,
    log: &Verifier,
    witnesses: &[Verifier],
    known: &[KnownCheckpoint],
) -> Result<AuditReport, AuditError> {
    audit_reporting(dir, log, witnesses, known, None)
}

/// `audit`, reporting the records walked to `hook` (throttled, `progress`).
pub fn audit_reporting(
    dir: &Path,
    log: &Verifier,
    witnesses: &[Verifier],
    known: &[KnownCheckpoint],
    hook: Option<crate::progress::Hook<'_>>,
) -> Result<AuditReport, AuditError> {
    if !dir.is_dir() {
        return Err(AuditError::NoDirectory(dir.to_path_buf()));
    }
    audit_files(&Directory(dir.to_path_buf()), log, witnesses, known, hook)
}

/// The audit of a bundle read from `files`: a directory, or a mirror in object storage, read
/// file by file as the steps need them (nothing is copied first).
pub fn audit_files(
    files: &dyn BundleFiles,
    log: &Verifier,
    witnesses: &[Verifier],
    known: &[KnownCheckpoint],
    hook: Option<crate::progress::Hook<'_>>,
) -> Result<AuditReport, AuditError> {
    let mut report = AuditReport {
        ok: false,
        origin: None,
        size: 0,
        root: None,
        records: 0,
        signed_by: None,
        cosigned_by: Vec::new(),
        unverified: Vec::new(),
        known_checked: 0,
        first_bad_seq: None,
        problem: None,
    };
    match run(files, log, witnesses, known, &mut report, hook) {
        Ok(()) => report.ok = true,
        Err(Stop::Found { seq, problem }) => {
            report.first_bad_seq = seq;
            report.problem = Some(problem);
        }
        Err(Stop::Error(error)) => return Err(error),
    }
    Ok(report)
}

/// The steps the module doc lists, in order; the first that fails stops the audit.
fn run(
    files: &dyn BundleFiles,
    log: &Verifier,
    witnesses: &[Verifier],
    known: &[KnownCheckpoint],
    report: &mut AuditReport,
    hook: Option<crate::progress::Hook<'_>>,
) -> Result<(), Stop> {
    let mut buf = Vec::new();
    let checkpoint = open_checkpoint(files, log, witnesses, &mut buf, report)?;
    // Step 2: the origin names the ledger whose records these are.
    let Some(ledger_id) = origin_code(&checkpoint.origin) else {
        return Err(finding(
            None,
            format!(
                "the checkpoint's origin {:?} is not a gufen ledger's (gufen/<code>/blake3)",
                checkpoint.origin
            ),
        ));
    };
    let result = walk_records(files, ledger_id, &checkpoint, &mut buf, hook)?;
    report.records = result.records;
    if let Some(problem) = result.problem {
        return Err(finding(
            result.first_bad_seq,
            naming_bundle(files, problem, result.first_bad_seq, checkpoint.size),
        ));
    }
    check_tiles(files, &result.tiles, checkpoint.size, &mut buf)?;
    let charter = check_charter(files, result.state.as_ref(), &mut buf);
    if let Some(state) = result.state {
        crate::verify::discard(state);
    }
    charter?;
    check_known(&checkpoint, &result.tiles, known, report)
}

/// A finding about record `seq` with the entry bundle that holds it named (a path, or a URL of
/// a mirror), so whoever keeps the bundle knows which file to look at.
fn naming_bundle(files: &dyn BundleFiles, problem: String, seq: Option<u64>, size: u64) -> String {
    let Some(seq) = seq.filter(|&seq| seq < size) else {
        return problem;
    };
    let index = seq / WIDTH;
    let relative = tiles::entries_path(index, tiles::tile_width(size, 0, index));
    if problem.contains(&relative) {
        return problem;
    }
    format!("{problem} (in the entry bundle {})", files.name(&relative))
}

/// Step 1: the checkpoint verifies under the trusted log key, and every required witness
/// cosigned it. Fills in what the report says of the checkpoint.
fn open_checkpoint(
    files: &dyn BundleFiles,
    log: &Verifier,
    witnesses: &[Verifier],
    buf: &mut Vec<u8>,
    report: &mut AuditReport,
) -> Result<Checkpoint, Stop> {
    let path = files.name(CHECKPOINT_FILE);
    if !read_into(files, CHECKPOINT_FILE, buf)? {
        return Err(finding(
            None,
            format!("{path} is missing: the bundle has no checkpoint"),
        ));
    }
    let signed = match SignedCheckpoint::open(buf, log, witnesses) {
        Ok(signed) => signed,
        Err(e) => {
            return Err(finding(
                None,
                format!(
                    "{path}: the checkpoint does not verify under the trusted key {}: {e}",
                    key_name(log.name(), log.key_id())
                ),
            ))
        }
    };
    report.signed_by = Some(key_name(log.name(), log.key_id()));
    report.cosigned_by = signed.cosignatures.clone();
    report.unverified = signed
        .unverified
        .iter()
        .map(|s| key_name(&s.name, s.key_id))
        .collect();
    let checkpoint = signed.checkpoint;
    report.origin = Some(checkpoint.origin.clone());
    report.size = checkpoint.size;
    report.root = Some(checkpoint.root);
    for witness in witnesses {
        let cosigned = report
            .cosigned_by
            .iter()
            .any(|c| witness.matches(&c.name, c.key_id));
        if !cosigned {
            let others = if report.unverified.is_empty() {
                String::new()
            } else {
                format!(
                    " (lines from keys not given, not counted: {})",
                    report.unverified.join(", ")
                )
            };
            return Err(finding(
                None,
                format!(
                    "the checkpoint is not cosigned by the required witness {}{others}",
                    key_name(witness.name(), witness.key_id())
                ),
            ));
        }
    }
    Ok(checkpoint)
}

/// Step 3: every record of the checkpoint's size, read bundle by bundle in order, through the
/// chain walk with replay (what `verify --replay` runs).
fn walk_records(
    files: &dyn BundleFiles,
    ledger_id: &str,
    checkpoint: &Checkpoint,
    buf: &mut Vec<u8>,
    hook: Option<crate::progress::Hook<'_>>,
) -> Result<WalkResult, Stop> {
    let size = checkpoint.size;
    let mut walk = ChainWalk::new(ledger_id, true);
    let mut progress = crate::progress::Progress::new(hook, size);
    let mut start = 0u64;
    while start < size && !walk.stopped() {
        let index = start / WIDTH;
        let width = tiles::tile_width(size, 0, index);
        let relative = tiles::entries_path(index, width);
        if !read_into(files, &relative, buf)? {
            return Err(finding(
                Some(start),
                format!("record {start} is missing: there is no entry bundle {relative}"),
            ));
        }
        let entries = match bundle::decode(buf) {
            Ok(entries) => entries,
            Err(bundle::BundleError::Truncated { index: at, .. }) => {
                let seq = start + at as u64;
                return Err(finding(
                    Some(seq),
                    format!("record {seq} is cut short in the entry bundle {relative}"),
                ));
            }
            Err(e) => {
                return Err(finding(
                    Some(start),
                    format!("the entry bundle {relative} does not decode: {e}"),
                ))
            }
        };
        if entries.len() as u64 != u64::from(width) {
            let seq = start + entries.len().min(usize::from(width)) as u64;
            let problem = if entries.len() < usize::from(width) {
                format!(
                    "record {seq} is missing: the entry bundle {relative} holds {} records, its path says {width}",
                    entries.len()
                )
            } else {
                format!(
                    "the entry bundle {relative} holds {} records, its path says {width}",
                    entries.len()
                )
            };
            return Err(finding(Some(seq), problem));
        }
        for (seq, entry) in (start..).zip(entries) {
            walk.push(seq, entry);
        }
        start += u64::from(width);
        progress.record(start);
    }
    progress.finish(start.min(size));
    Ok(walk.finish(size, None, Some(&checkpoint.root)))
}

/// Step 4: every hash tile is the tile the records' hashes make.
fn check_tiles(
    files: &dyn BundleFiles,
    tiles: &[TileWrite],
    size: u64,
    buf: &mut Vec<u8>,
) -> Result<(), Stop> {
    for (level, index, want) in tiles {
        let (level, index) = (*level, *index);
        let width = u16::try_from(want.len()).unwrap_or(tiles::TILE_WIDTH);
        let relative = tiles::tile_path(level, index, width);
        if !read_into(files, &relative, buf)? {
            return Err(finding(
                None,
                format!("the hash tile {relative} is missing"),
            ));
        }
        let differs = buf
            .chunks_exact(32)
            .zip(want)
            .position(|(h, w)| h != &w[..])
            .or_else(|| (buf.len() != want.len() * 32).then(|| (buf.len() / 32).min(want.len())));
        if let Some(at) = differs {
            // The first record under the first differing hash.
            let seq = (index * WIDTH + at as u64)
                .checked_mul(WIDTH.checked_pow(u32::from(level)).unwrap_or(u64::MAX))
                .filter(|&seq| seq < size);
            return Err(finding(
                seq,
                format!(
                    "the hash tile {relative} differs from the hashes of the records it covers"
                ),
            ));
        }
    }
    Ok(())
}

/// Step 5: `charter.toml` is the charter and the loss grounds the replay ends with.
fn check_charter(
    files: &dyn BundleFiles,
    state: Option<&State>,
    buf: &mut Vec<u8>,
) -> Result<(), Stop> {
    let Some(collective) = state.and_then(|s| s.collective()) else {
        return Err(finding(
            None,
            "the log holds no registration, so there is no charter to compare",
        ));
    };
    let path = files.name(CHARTER_FILE);
    if !read_into(files, CHARTER_FILE, buf)? {
        return Err(finding(None, format!("{path} is missing")));
    }
    let Ok(text) = std::str::from_utf8(buf) else {
        return Err(finding(None, format!("{} is not UTF-8", path)));
    };
    let (charter, grounds) = match Charter::read(text) {
        Ok(read) => read,
        Err(e) => return Err(finding(None, format!("{} does not parse: {e}", path))),
    };
    if charter != collective.charter {
        return Err(finding(
            None,
            format!(
                "{} is not the charter the ledger registered and amended (a swapped charter)",
                path
            ),
        ));
    }
    if grounds != collective.loss_grounds {
        return Err(finding(
            None,
            format!(
                "{} does not hold the loss grounds in force at the checkpoint",
                path
            ),
        ));
    }
    Ok(())
}

/// Step 6: every checkpoint the auditor knew before is a prefix of this tree.
fn check_known(
    checkpoint: &Checkpoint,
    tiles: &[TileWrite],
    known: &[KnownCheckpoint],
    report: &mut AuditReport,
) -> Result<(), Stop> {
    let size = checkpoint.size;
    for known in known {
        let other = &known.checkpoint;
        if other.origin != checkpoint.origin {
            return Err(finding(
                None,
                format!(
                    "the known checkpoint {} is of {:?}, not of {:?}",
                    known.label, other.origin, checkpoint.origin
                ),
            ));
        }
        if other.size > size {
            return Err(finding(
                Some(size),
                format!(
                    "rollback: the known checkpoint {} signs {} records, the bundle holds only {size}; records {size} to {} are missing",
                    known.label,
                    other.size,
                    other.size - 1
                ),
            ));
        }
        let root = root_from_tiles(tiles, other.size);
        if root != other.root {
            let problem = if other.size == size {
                format!(
                    "fork: the known checkpoint {} and the bundle's checkpoint are both signed by the log key for {size} records, with different roots",
                    known.label
                )
            } else {
                format!(
                    "fork: the bundle's first {} records do not have the root the known checkpoint {} signs; the log was rewritten after it",
                    other.size, known.label
                )
            };
            return Err(finding(None, problem));
        }
        report.known_checked += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Signer;
    use crate::store::{Context, Store};
    use chrono::NaiveDate;
    use gufen_core::command::Action;
    use gufen_core::{Command, PersonId, Units};

    const CHARTER: &str = include_str!("../../../fixtures/charter.toml");
    const ORG: &str = "N2410183MF0000001Y";
    const IDS: [&str; 3] = [
        "360426199101010071",
        "412723199010050012",
        "44011320141005001X",
    ];

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn context(n: u8) -> Context {
        Context {
            command_id: [n; 16],
            recorded_at_micros: 1_764_000_000_000_000 + i64::from(n),
            actor: "test".into(),
        }
    }

    /// A ledger of 5 records, signed by `log`, exported into `out`.
    fn exported(store_dir: &Path, out: &Path, log: &Signer) -> ExportedLedger {
        let store = Store::open(store_dir, true).unwrap();
        let ledger = store.ledger(ORG).unwrap();
        let mut commands = vec![
            Action::RegisterCollective {
                charter: Charter::from_toml(CHARTER).unwrap(),
                loss_grounds: vec![],
            },
            Action::AdoptQuantificationPlan {
                resolution: "2017-2".into(),
                totals: vec![("basic".into(), Units(20_000))],
            },
        ];
        for (i, id) in IDS.iter().enumerate() {
            commands.push(Action::ConfirmMembership {
                person: PersonId::parse(id).unwrap(),
                name: format!("成员{i}"),
                household: "001".into(),
                resolution: "2017-1".into(),
            });
        }
        for (n, action) in commands.into_iter().enumerate() {
            let command = Command {
                date: date("2017-06-01"),
                action,
            };
            ledger.execute(&context(n as u8 + 1), &command).unwrap();
        }
        ledger.sign_checkpoint(log).unwrap();
        let summary = ledger.export(out).unwrap();
        ExportedLedger { store, summary }
    }

    struct ExportedLedger {
        store: Store,
        summary: crate::export::ExportSummary,
    }

    #[test]
    fn an_exported_bundle_audits_and_damage_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bundle");
        let log = Signer::generate("village-log").unwrap();
        let trust = Verifier::new(&log.vkey()).unwrap();
        let exported = exported(&dir.path().join("store"), &out, &log);
        assert_eq!(exported.summary.size, 5);
        assert_eq!(exported.summary.origin, format!("gufen/{ORG}/blake3"));

        let report = audit(&out, &trust, &[], &[]).unwrap();
        assert!(report.ok, "{report:?}");
        assert_eq!(report.records, 5);
        assert_eq!(report.root, Some(exported.summary.root));
        assert_eq!(
            report.signed_by,
            Some(format!("village-log+{:08x}", log.key_id()))
        );

        // Exporting again into the same bundle is allowed and gives the same bytes.
        let before = std::fs::read(out.join("tile/entries/000.p/5")).unwrap();
        let ledger = exported.store.ledger(ORG).unwrap();
        ledger.export(&out).unwrap();
        assert_eq!(
            std::fs::read(out.join("tile/entries/000.p/5")).unwrap(),
            before
        );
        // A directory holding something else is refused.
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        std::fs::write(other.join("notes.txt"), "mine").unwrap();
        assert!(ledger.export(&other).is_err());

        // The same checkpoint known from before is consistent; one of a larger size is a rollback.
        let body = Checkpoint::parse(crate::checkpoint::note_body(
            &std::fs::read_to_string(out.join("checkpoint")).unwrap(),
        ))
        .unwrap();
        let same = KnownCheckpoint {
            label: "same".into(),
            checkpoint: body.clone(),
        };
        let report = audit(&out, &trust, &[], &[same]).unwrap();
        assert!(report.ok && report.known_checked == 1, "{report:?}");
        let mut larger = body.clone();
        larger.size = 9;
        let known = KnownCheckpoint {
            label: "later".into(),
            checkpoint: larger,
        };
        let report = audit(&out, &trust, &[], &[known]).unwrap();
        assert_eq!(report.first_bad_seq, Some(5));
        assert!(report.problem.unwrap().contains("rollback"));

        // The last byte of record 4 changed in its bundle: named by seq.
        let mut bytes = before.clone();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(out.join("tile/entries/000.p/5"), &bytes).unwrap();
        let report = audit(&out, &trust, &[], &[]).unwrap();
        assert!(!report.ok);
        assert_eq!(report.first_bad_seq, Some(4), "{report:?}");
        // The finding names the file that holds the record.
        let named = out.join("tile/entries/000.p/5").display().to_string();
        assert!(report.problem.unwrap().contains(&named));

        // The bundle cut inside record 4.
        std::fs::write(
            out.join("tile/entries/000.p/5"),
            &before[..before.len() - 3],
        )
        .unwrap();
        let report = audit(&out, &trust, &[], &[]).unwrap();
        assert_eq!(report.first_bad_seq, Some(4), "{report:?}");
        std::fs::write(out.join("tile/entries/000.p/5"), &before).unwrap();

        // Another key does not vouch for the bundle.
        let stranger = Signer::generate("village-log").unwrap();
        let report = audit(&out, &Verifier::new(&stranger.vkey()).unwrap(), &[], &[]).unwrap();
        assert!(!report.ok && report.signed_by.is_none(), "{report:?}");

        // A damaged hash tile is found.
        let tile = out.join("tile/0/000.p/5");
        let mut hashes = std::fs::read(&tile).unwrap();
        hashes[40] ^= 1;
        std::fs::write(&tile, &hashes).unwrap();
        let report = audit(&out, &trust, &[], &[]).unwrap();
        assert_eq!(report.first_bad_seq, Some(1), "{report:?}");
        assert!(report.problem.unwrap().contains("tile/0/000.p/5"));

        assert!(matches!(
            audit(&dir.path().join("absent"), &trust, &[], &[]),
            Err(AuditError::NoDirectory(_))
        ));
    }
}
