//! End-to-end tests of `gufen export` and `gufen audit` on the real binary: a village ledger
//! (600 members imported, one distribution posted, so the replay recomputes posted lines) signed
//! by a log key and cosigned by a witness, exported once; then a clean audit, and a tamper
//! matrix where each case damages a fresh copy of the bundle and the audit must fail with exit
//! 3 naming what is wrong.

mod common;

use common::{
    copy_dir, gufen, gufen_in_default_language, import_sample, init_sample, ok,
    post_distribution_2025, sample_village, with_ledger, Run, DRAFT_2025,
};
use gufen_ledger::bundle;
use gufen_ledger::checkpoint::{self, Checkpoint};
use gufen_ledger::note::{Signer, Verifier};
use gufen_ledger::record::{record_hash, Record};
use gufen_ledger::tiles;
use gufen_ledger::verify::expected_tiles;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The village, its keys and its bundles, made once for every test.
struct Village {
    dir: tempfile::TempDir,
    log: Signer,
    /// The bundle of the whole ledger, signed, cosigned by `witness` and by `stranger`.
    bundle: PathBuf,
    /// A bundle exported before the distribution, and its signed checkpoint.
    early_bundle: PathBuf,
    early_checkpoint: PathBuf,
    /// The signed checkpoint of the whole ledger.
    late_checkpoint: PathBuf,
    log_vkey: PathBuf,
    witness_vkey: String,
    /// A witness whose key the auditor knows but who did not cosign.
    absent_vkey: String,
}

impl Village {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn db(&self) -> PathBuf {
        self.path("store")
    }

    /// A fresh copy of the bundle to damage.
    fn copy(&self, of: &Path) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let to = dir.path().join("bundle");
        copy_dir(of, &to);
        (dir, to)
    }

    fn audit(&self, bundle: &Path, extra: &[&str]) -> Run {
        // The findings are matched in English; `fails_in_chinese` checks the default.
        let mut args = vec![
            "--lang",
            "en",
            "audit",
            bundle.to_str().unwrap(),
            "--trust",
            self.log_vkey.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        gufen(&self.db(), &args)
    }

    /// The audit fails as an integrity failure whose message contains `expected`.
    fn fails(&self, bundle: &Path, extra: &[&str], expected: &str) -> String {
        let run = self.audit(bundle, extra);
        assert_eq!(
            run.code, 3,
            "audit should fail: {} {}",
            run.stdout, run.stderr
        );
        assert!(
            run.stderr.contains(expected),
            "{expected:?} not in {:?}",
            run.stderr
        );
        run.stderr
    }
}

fn village() -> &'static Village {
    static VILLAGE: OnceLock<Village> = OnceLock::new();
    VILLAGE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("store");
        let log = Signer::generate("village-log").unwrap();
        let witness = Signer::generate("witness-w").unwrap();
        let stranger = Signer::generate("witness-u").unwrap();
        let absent = Signer::generate("witness-k").unwrap();
        let log_vkey = dir.path().join("log.vkey");
        std::fs::write(&log_vkey, log.vkey()).unwrap();

        sample_village(&db, "2017-1");
        let early = with_ledger(&db, |ledger| ledger.sign_checkpoint(&log).unwrap());
        let early_checkpoint = dir.path().join("early.checkpoint");
        std::fs::write(&early_checkpoint, &early).unwrap();
        let early_bundle = dir.path().join("early");
        ok(&db, &["export", "--out", early_bundle.to_str().unwrap()]);

        post_distribution_2025(&db);
        let late = with_ledger(&db, |ledger| {
            let signed = ledger.sign_checkpoint(&log).unwrap();
            let body = &signed[..signed.find("\n\n").unwrap() + 1];
            let lines = [
                checkpoint::cosign(&witness, body, 1_798_700_000).unwrap(),
                checkpoint::cosign(&stranger, body, 1_798_700_001).unwrap(),
            ];
            let cosigned = checkpoint::add_cosignatures(
                signed.as_bytes(),
                &[lines[0].as_str(), lines[1].as_str()],
            )
            .unwrap();
            // The stranger is a real witness, only not one the auditor names.
            for cosigner in [&witness, &stranger] {
                let verifier = Verifier::cosigner(&cosigner.cosigner_vkey()).unwrap();
                ledger.add_cosignatures(&cosigned, &verifier).unwrap();
            }
            ledger.checkpoint_note().unwrap()
        });
        let late_checkpoint = dir.path().join("late.checkpoint");
        std::fs::write(&late_checkpoint, &late).unwrap();
        let bundle = dir.path().join("bundle");
        ok(&db, &["export", "--out", bundle.to_str().unwrap()]);
        Village {
            dir,
            log,
            bundle,
            early_bundle,
            early_checkpoint,
            late_checkpoint,
            log_vkey,
            witness_vkey: witness.cosigner_vkey(),
            absent_vkey: absent.cosigner_vkey(),
        }
    })
}

/// Every entry bundle of `dir` for a tree of `size`, decoded: (path, records).
fn read_bundles(dir: &Path, size: u64) -> Vec<(PathBuf, Vec<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut index = 0;
    while index * 256 < size {
        let width = tiles::tile_width(size, 0, index);
        let path = dir.join(tiles::entries_path(index, width));
        let bytes = std::fs::read(&path).unwrap();
        let entries = bundle::decode(&bytes).unwrap();
        out.push((path, entries.into_iter().map(<[u8]>::to_vec).collect()));
        index += 1;
    }
    out
}

fn checkpoint_of(dir: &Path) -> Checkpoint {
    let note = std::fs::read_to_string(dir.join("checkpoint")).unwrap();
    Checkpoint::parse(&note[..note.find("\n\n").map_or(note.len(), |at| at + 1)]).unwrap()
}

#[test]
fn a_clean_bundle_audits() {
    let v = village();
    let size = checkpoint_of(&v.bundle).size;
    assert!(size > 600, "the village has {size} records");
    let early = v.early_checkpoint.to_str().unwrap();
    let run = v.audit(&v.bundle, &["--witness", &v.witness_vkey, "--known", early]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("audit passed"), "{}", run.stdout);
    assert!(run.stdout.contains("witness-w"), "{}", run.stdout);
    let zh = gufen_in_default_language(
        &v.db(),
        &[
            "audit",
            v.bundle.to_str().unwrap(),
            "--trust",
            v.log_vkey.to_str().unwrap(),
        ],
    );
    assert!(
        zh.stdout.contains("审计通过"),
        "Chinese by default: {}",
        zh.stdout
    );
    assert!(
        run.stdout.contains("witness-u+"),
        "the stranger is listed, not counted: {}",
        run.stdout
    );

    let run = v.audit(&v.bundle, &["--format", "json", "--known", early]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["size"], size);
    assert_eq!(json["records"], size);
    assert_eq!(json["known_checked"], 1);
    assert_eq!(json["origin"], "gufen/N2410183MF0000001Y/blake3");
    assert_eq!(
        json["signed_by"],
        format!("village-log+{:08x}", v.log.key_id())
    );

    let run = v.audit(&v.bundle, &["--lang", "en"]);
    assert!(run.stdout.contains("audit passed"), "{}", run.stdout);
    // The bundle holds the charter and the records, not the register: no whole ID anywhere in
    // what the audit prints.
    assert!(!run.stdout.contains("410183195202210053"));

    // The export is idempotent: exporting again over the bundle changes no byte of it.
    let (_tmp, again) = v.copy(&v.bundle);
    let out = ok(
        &v.db(),
        &["--lang", "en", "export", "--out", again.to_str().unwrap()],
    );
    assert!(out.contains(&format!("records: {size}")), "{out}");
    for (path, entries) in read_bundles(&v.bundle, size) {
        let relative = path.strip_prefix(&v.bundle).unwrap();
        assert_eq!(
            read_bundles(&again, size)
                .iter()
                .find(|(p, _)| p.ends_with(relative))
                .unwrap()
                .1,
            entries
        );
    }
    // A directory holding something else is refused (exit 1), and left alone.
    let other = v.path("not-a-bundle");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let run = gufen(&v.db(), &["export", "--out", other.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!other.join("checkpoint").exists());
}

#[test]
fn a_missing_directory_or_key_is_refused() {
    let v = village();
    let run = v.audit(&v.path("absent"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    let run = gufen(
        &v.db(),
        &[
            "audit",
            v.bundle.to_str().unwrap(),
            "--trust",
            "no-such-file",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
}

/// A record edited, then the chain after it relinked, the tiles rebuilt and the bundles
/// rewritten: everything agrees except the signed root.
#[test]
fn an_edited_record_with_the_chain_rebuilt_fails_on_the_signed_root() {
    let v = village();
    let (_tmp, dir) = v.copy(&v.bundle);
    let size = checkpoint_of(&dir).size;
    let mut bundles = read_bundles(&dir, size);
    let mut prev = None;
    let mut hashes = Vec::new();
    for (_, entries) in &mut bundles {
        for bytes in entries.iter_mut() {
            let mut record = Record::decode(bytes).unwrap();
            if record.seq == 300 {
                record.actor = "someone else".into();
            }
            if let Some(prev) = prev {
                record.prev = prev;
            }
            *bytes = record.encode();
            let hash = record_hash(bytes);
            hashes.push(hash);
            prev = Some(hash);
        }
    }
    for (path, entries) in &bundles {
        std::fs::write(path, bundle::encode(entries.iter().map(Vec::as_slice))).unwrap();
    }
    for (level, index, hashes) in expected_tiles(&hashes) {
        let path = dir.join(tiles::tile_path(level, index, hashes.len() as u16));
        std::fs::write(path, hashes.concat()).unwrap();
    }
    v.fails(&dir, &[], "not the root the checkpoint signs");

    // The same edit without relinking is named by its seq.
    let (_tmp, dir) = v.copy(&v.bundle);
    let mut bundles = read_bundles(&dir, size);
    let (path, entries) = &mut bundles[1];
    let mut record = Record::decode(&entries[44]).unwrap();
    record.actor = "someone else".into();
    entries[44] = record.encode();
    std::fs::write(path, bundle::encode(entries.iter().map(Vec::as_slice))).unwrap();
    v.fails(&dir, &[], "at record 300");
}

#[test]
fn a_truncated_log_names_the_first_missing_record() {
    let v = village();
    let size = checkpoint_of(&v.bundle).size;
    let last = (size - 1) / 256;
    let width = tiles::tile_width(size, 0, last);
    let relative = tiles::entries_path(last, width);

    let (_tmp, dir) = v.copy(&v.bundle);
    std::fs::remove_file(dir.join(&relative)).unwrap();
    v.fails(&dir, &[], &format!("record {} is missing", last * 256));

    let (_tmp, dir) = v.copy(&v.bundle);
    let path = dir.join(&relative);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    v.fails(&dir, &[], &format!("record {} is cut short", size - 1));

    let (_tmp, dir) = v.copy(&v.bundle);
    std::fs::remove_file(dir.join(tiles::entries_path(1, 256))).unwrap();
    v.fails(&dir, &[], "record 256 is missing");
}

#[test]
fn two_signed_checkpoints_of_one_size_with_different_roots_are_a_fork() {
    let v = village();
    let signed = checkpoint_of(&v.bundle);
    let mut other = signed.clone();
    other.root[0] ^= 1;
    let path = v.path("fork.checkpoint");
    std::fs::write(&path, other.sign(&v.log).unwrap()).unwrap();
    v.fails(&v.bundle, &["--known", path.to_str().unwrap()], "fork");

    // A smaller checkpoint whose root is not this tree's prefix: also a fork.
    let mut early = checkpoint_of(&v.early_bundle);
    early.root[0] ^= 1;
    let path = v.path("early-fork.checkpoint");
    std::fs::write(&path, early.sign(&v.log).unwrap()).unwrap();
    v.fails(&v.bundle, &["--known", path.to_str().unwrap()], "fork");
}

#[test]
fn reordered_records_are_named() {
    let v = village();
    let (_tmp, dir) = v.copy(&v.bundle);
    let size = checkpoint_of(&dir).size;
    let mut bundles = read_bundles(&dir, size);
    let (path, entries) = &mut bundles[0];
    entries.swap(10, 11);
    std::fs::write(path, bundle::encode(entries.iter().map(Vec::as_slice))).unwrap();
    v.fails(&dir, &[], "at record 10");
    // In Chinese by default.
    let run = gufen_in_default_language(
        &v.db(),
        &[
            "audit",
            dir.to_str().unwrap(),
            "--trust",
            v.log_vkey.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 3);
    assert!(
        run.stderr.contains("审计未通过") && run.stderr.contains("（第 10 条记录）"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_swapped_charter_is_named() {
    let v = village();
    let (_tmp, dir) = v.copy(&v.bundle);
    let text = std::fs::read_to_string(dir.join("charter.toml")).unwrap();
    let swapped = text.replace(
        "holding_cap_percent = \"3\"",
        "holding_cap_percent = \"30\"",
    );
    assert_ne!(swapped, text, "the charter names its cap: {text}");
    std::fs::write(dir.join("charter.toml"), swapped).unwrap();
    v.fails(&dir, &[], "swapped charter");

    // Another village's charter (its own name), well formed: named as swapped all the same.
    let (_tmp, dir) = v.copy(&v.bundle);
    let name_line = text.lines().find(|l| l.starts_with("name = ")).unwrap();
    let other = text.replace(name_line, "name = \"另一个村股份经济合作社\"");
    std::fs::write(dir.join("charter.toml"), other).unwrap();
    v.fails(&dir, &[], "swapped charter");
}

#[test]
fn a_bad_signature_fails() {
    let v = village();
    let (_tmp, dir) = v.copy(&v.bundle);
    let note = std::fs::read_to_string(dir.join("checkpoint")).unwrap();
    let line = note
        .lines()
        .find(|l| l.starts_with("— village-log "))
        .unwrap()
        .to_string();
    let mut chars: Vec<char> = line.chars().collect();
    let at = chars.len() - 5;
    chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
    let damaged: String = chars.into_iter().collect();
    std::fs::write(dir.join("checkpoint"), note.replace(&line, &damaged)).unwrap();
    v.fails(&dir, &[], "does not verify under the trusted key");
}

#[test]
fn a_cosignature_from_an_unknown_witness_is_not_counted() {
    let v = village();
    let stderr = v.fails(
        &v.bundle,
        &["--witness", &v.absent_vkey],
        "not cosigned by the required witness witness-k",
    );
    assert!(stderr.contains("witness-u+"), "{stderr}");
}

#[test]
fn a_known_checkpoint_larger_than_the_bundle_is_a_rollback() {
    let v = village();
    let early_size = checkpoint_of(&v.early_bundle).size;
    let run = v.audit(
        &v.early_bundle,
        &["--known", v.early_checkpoint.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    v.fails(
        &v.early_bundle,
        &["--known", v.late_checkpoint.to_str().unwrap()],
        "rollback",
    );
    let stderr = v
        .audit(
            &v.early_bundle,
            &["--known", v.late_checkpoint.to_str().unwrap()],
        )
        .stderr;
    assert!(
        stderr.contains(&format!("at record {early_size}")),
        "{stderr}"
    );
}

/// A draft of 2,500 holders is one record of more than 65,535 bytes, which C2SP's uint16 entry
/// framing cannot carry: the bundle's gufen-entries/v1 framing (uint32 lengths) carries it, and
/// the audit reads it back.
#[test]
fn a_record_larger_than_c2sp_entries_allow_travels_in_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    let roster = Command::new(env!("CARGO_BIN_EXE_gufen"))
        .args(["sample", "roster", "--persons", "2500"])
        .output()
        .unwrap();
    assert!(roster.status.success());
    let roster_path = dir.path().join("roster.csv");
    std::fs::write(&roster_path, roster.stdout).unwrap();
    init_sample(&db);
    ok(
        &db,
        &[
            "member",
            "import",
            roster_path.to_str().unwrap(),
            "--resolution",
            "2017-1",
            "--date",
            "2017-12-31",
        ],
    );
    ok(&db, DRAFT_2025);
    let signer = Signer::generate("big.example/ledger").unwrap();
    with_ledger(&db, |ledger| ledger.sign_checkpoint(&signer).unwrap());
    let bundle_dir = dir.path().join("bundle");
    ok(&db, &["export", "--out", bundle_dir.to_str().unwrap()]);
    let size = checkpoint_of(&bundle_dir).size;
    let largest = read_bundles(&bundle_dir, size)
        .into_iter()
        .flat_map(|(_, entries)| entries)
        .map(|entry| entry.len())
        .max()
        .unwrap();
    assert!(largest > 65_535, "the largest record is {largest} bytes");
    let audit = gufen(
        &db,
        &[
            "audit",
            bundle_dir.to_str().unwrap(),
            "--trust",
            &signer.vkey(),
        ],
    );
    assert_eq!(audit.code, 0, "{}", audit.stderr);
}

/// Through the binary: a ledger never signed is not exported (an auditor trusts nothing
/// unsigned); a cosignature that does not verify is not added; a lost checkpoint file is put
/// back with `checkpoint --restore`; after an unsigned write the export is still of the latest
/// signed checkpoint.
#[test]
fn the_keepers_checkpoint_commands_refuse_what_an_auditor_could_not_trust() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    init_sample(&db);
    let bundle_dir = dir.path().join("bundle");
    let bundle = bundle_dir.to_str().unwrap();
    let refused = gufen(&db, &["export", "--out", bundle]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("checkpoint --sign"),
        "{}",
        refused.stderr
    );

    let key = dir.path().join("log.key");
    let witness_key = dir.path().join("witness.key");
    ok(
        &db,
        &[
            "key",
            "generate",
            "--name",
            "log.example",
            "--out",
            key.to_str().unwrap(),
        ],
    );
    ok(
        &db,
        &[
            "key",
            "generate",
            "--name",
            "town.example",
            "--out",
            witness_key.to_str().unwrap(),
            "--witness",
        ],
    );
    let vkey = ok(&db, &["key", "show", key.to_str().unwrap()])
        .trim()
        .to_string();
    let witness_vkey = ok(
        &db,
        &["key", "show", witness_key.to_str().unwrap(), "--witness"],
    )
    .trim()
    .to_string();
    let signed = ok(&db, &["checkpoint", "--sign", key.to_str().unwrap()]);
    let note = dir.path().join("cp.txt");
    std::fs::write(&note, format!("{}\n", signed.trim_end())).unwrap();
    let cosigned = ok(
        &db,
        &[
            "witness",
            "cosign",
            "--key",
            witness_key.to_str().unwrap(),
            "--log-key",
            &vkey,
            "--checkpoint",
            note.to_str().unwrap(),
            "--from",
            db.to_str().unwrap(),
            "--state",
            dir.path().join("state").to_str().unwrap(),
        ],
    );
    let line_at = cosigned.rfind("— town.example ").unwrap() + "— town.example ".len() + 20;
    let mut broken = cosigned.clone();
    let swap = if &broken[line_at..line_at + 1] == "A" {
        "B"
    } else {
        "A"
    };
    broken.replace_range(line_at..line_at + 1, swap);
    let broken_file = dir.path().join("broken.txt");
    std::fs::write(&broken_file, &broken).unwrap();
    let run = gufen(
        &db,
        &[
            "checkpoint",
            "--add-cosignature",
            broken_file.to_str().unwrap(),
            "--witness",
            &witness_vkey,
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let good_file = dir.path().join("cosigned.txt");
    std::fs::write(&good_file, &cosigned).unwrap();
    ok(
        &db,
        &[
            "checkpoint",
            "--add-cosignature",
            good_file.to_str().unwrap(),
            "--witness",
            &witness_vkey,
        ],
    );

    // An unsigned write, then the checkpoint file lost and restored from the signed copy: only
    // its body comes back (the store is checked against it; its signature is not the ledger's
    // to take on trust), so the keeper signs again before exporting.
    import_sample(&db, "2017-1");
    // The export is of the latest signed checkpoint (size 1, with its cosignature), not of the
    // unsigned head.
    ok(&db, &["export", "--out", bundle]);
    assert_eq!(checkpoint_of(&bundle_dir).size, 1);
    let audit = gufen(
        &db,
        &[
            "audit",
            bundle,
            "--trust",
            &vkey,
            "--witness",
            &witness_vkey,
        ],
    );
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    let saved = ok(&db, &["checkpoint", "--signed"]);
    let saved_file = dir.path().join("saved.txt");
    std::fs::write(&saved_file, format!("{}\n", saved.trim_end())).unwrap();
    std::fs::remove_dir_all(db.join("checkpoints")).unwrap();
    assert_eq!(gufen(&db, &["register"]).code, 3);
    let restore = gufen(
        &db,
        &[
            "--lang",
            "zh",
            "checkpoint",
            "--restore",
            saved_file.to_str().unwrap(),
        ],
    );
    assert_eq!(restore.code, 0, "{}", restore.stderr);
    assert!(
        restore.stderr.contains("只证明前 1 条记录"),
        "{}",
        restore.stderr
    );
    let refused = gufen(
        &db,
        &["checkpoint", "--restore", saved_file.to_str().unwrap()],
    );
    assert_eq!(refused.code, 1, "a file that agrees with the store stays");

    // A forged file (another root) makes every command fail; restoring over it replaces it and
    // keeps it beside the new one.
    let file = db.join("checkpoints").join("N2410183MF0000001Y");
    let current = std::fs::read_to_string(&file).unwrap();
    let mut forged = Checkpoint::parse(&current).unwrap();
    forged.root[0] ^= 1;
    std::fs::write(&file, forged.body()).unwrap();
    assert_eq!(gufen(&db, &["register"]).code, 3);
    ok(
        &db,
        &["checkpoint", "--restore", saved_file.to_str().unwrap()],
    );
    assert!(db
        .join("checkpoints")
        .join("N2410183MF0000001Y.replaced")
        .exists());

    ok(&db, &["checkpoint", "--sign", key.to_str().unwrap()]);
    ok(&db, &["export", "--out", bundle]);
    let audit = gufen(&db, &["audit", bundle, "--trust", &vkey]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    assert_eq!(checkpoint_of(&bundle_dir).size, 1202);
}
