//! `gufen witness cosign` through the real binary: a first cosignature, a later consistent one
//! (proof from the store and from an audit bundle's tiles), and the refusals (rollback, fork,
//! a checkpoint not signed by the log key), each exit 3 with both notes kept as evidence.

mod common;

use common::{Gufen, ORG};
use gufen_ledger::checkpoint::{self, Checkpoint, SignedCheckpoint};
use gufen_ledger::note::{Signer, Verifier};

struct Setup {
    g: Gufen,
    log: Signer,
    witness: Signer,
    witness_key: String,
}

fn setup() -> Setup {
    let g = Gufen::village_with_gift();
    let (log, _) = g.key("log.skey", "gufen-log");
    let (witness, witness_key) = g.key("witness.skey", "township");
    Setup {
        g,
        log,
        witness,
        witness_key,
    }
}

impl Setup {
    fn cosign(&self, note: &str, from: &str, out: Option<&str>) -> common::Run {
        self.cosign_in("en", note, from, out)
    }

    /// `cosign` with its output in `lang`.
    fn cosign_in(&self, lang: &str, note: &str, from: &str, out: Option<&str>) -> common::Run {
        let checkpoint = self.g.write("offered.note", note);
        let state = self.g.path("witness-state");
        let mut args = vec![
            "--lang",
            lang,
            "witness",
            "cosign",
            "--key",
            &self.witness_key,
            "--checkpoint",
            &checkpoint,
            "--from",
            from,
            "--state",
            state.to_str().unwrap(),
        ];
        let vkey = self.log.vkey();
        args.extend(["--log-key", &vkey]);
        if let Some(out) = out {
            args.extend(["--out", out]);
        }
        self.g.run(&args)
    }

    fn db(&self) -> String {
        self.g.db().to_str().unwrap().to_string()
    }

    fn forks(&self) -> Vec<String> {
        let dir = self.g.path("witness-state").join("forks");
        let mut texts: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default();
        texts.sort();
        texts
    }
}

fn open(note: &str, log: &Signer, witness: &Signer) -> SignedCheckpoint {
    SignedCheckpoint::open(
        note.as_bytes(),
        &Verifier::new(&log.vkey()).unwrap(),
        &[Verifier::cosigner(&witness.cosigner_vkey()).unwrap()],
    )
    .unwrap()
}

#[test]
fn first_cosign_then_consistent_then_rollback_and_fork_refused() {
    let s = setup();
    let first = s.g.sign(&s.log);
    let run = s.cosign(&first, &s.db(), None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let opened = open(&run.stdout, &s.log, &s.witness);
    // 2026-12-31T08:00:00Z, the pinned clock.
    assert_eq!(opened.cosigned_by("township"), Some(1_798_704_000));
    let first_size = opened.checkpoint.size;

    // The keeper adds the cosignature to the ledger's checkpoint.
    let merged = s.g.add_cosignatures(&run.stdout, &s.witness);
    assert_eq!(
        open(&merged, &s.log, &s.witness).cosigned_by("township"),
        Some(1_798_704_000)
    );

    // More records, signed again: consistent, cosigned, written to --out.
    s.g.transfer("2019-06-01");
    s.g.transfer("2020-06-01");
    let second = s.g.sign(&s.log);
    let out = s.g.path("cosigned.note");
    let run = s.cosign_in("zh", &second, &s.db(), Some(out.to_str().unwrap()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("已联署检查点"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&first_size.to_string()),
        "{}",
        run.stdout
    );
    let cosigned = std::fs::read_to_string(&out).unwrap();
    let opened = open(&cosigned, &s.log, &s.witness);
    assert_eq!(opened.checkpoint.size, first_size + 2);
    let state_file =
        s.g.path("witness-state")
            .join(gufen_ledger::witness::state_file_name(&checkpoint::origin(
                ORG,
            )));
    assert_eq!(std::fs::read_to_string(&state_file).unwrap(), cosigned);

    // The same checkpoint again is fine (same size, same root).
    assert_eq!(s.cosign(&second, &s.db(), None).code, 0);

    // Rollback: the older checkpoint is refused, both notes kept.
    let run = s.cosign(&first, &s.db(), None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("rollback"), "{}", run.stderr);
    assert!(run.stderr.contains("forks"), "{}", run.stderr);
    let forks = s.forks();
    assert_eq!(forks.len(), 1);
    assert!(forks[0].contains(&first) && forks[0].contains(&cosigned));

    // Fork: the same size with another root, signed by the log key.
    let other = Checkpoint::new(checkpoint::origin(ORG), first_size + 2, [7u8; 32])
        .sign(&s.log)
        .unwrap();
    let run = s.cosign(&other, &s.db(), None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("fork"), "{}", run.stderr);
    assert_eq!(s.forks().len(), 2);
    assert!(s.forks().iter().any(|f| f.contains(&other)));

    // A bigger checkpoint whose root does not extend: the proof fails.
    s.g.transfer("2021-06-01");
    let forged = Checkpoint::new(checkpoint::origin(ORG), first_size + 3, [8u8; 32])
        .sign(&s.log)
        .unwrap();
    let run = s.cosign(&forged, &s.db(), None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("consistency proof"), "{}", run.stderr);
    assert_eq!(s.forks().len(), 3);

    // The state still holds the last good checkpoint.
    assert_eq!(std::fs::read_to_string(&state_file).unwrap(), cosigned);
}

#[test]
fn a_checkpoint_not_signed_by_the_log_key_is_refused() {
    let s = setup();
    let impostor = Signer::generate("gufen-log").unwrap();
    let note = s.g.sign(&impostor);
    let run = s.cosign(&note, &s.db(), None);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("not signed by the log key"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    // Unsigned: refused too.
    let store = gufen_ledger::Store::open(&s.g.db(), false).unwrap();
    let body = store.ledger(ORG).unwrap().checkpoint_at(3).unwrap().body();
    drop(store);
    assert_eq!(s.cosign(&body, &s.db(), None).code, 3);
    assert!(!s.g.path("witness-state").join("forks").exists());
}

#[test]
fn proofs_from_an_audit_bundle_directory() {
    let s = setup();
    let first = s.g.sign(&s.log);
    assert_eq!(s.cosign(&first, &s.db(), None).code, 0);
    s.g.transfer("2019-06-01");
    let second = s.g.sign(&s.log);
    // An audit bundle's hash tiles, laid out as tlog-tiles paths.
    let bundle = s.g.path("bundle");
    {
        let store = gufen_ledger::Store::open(&s.g.db(), false).unwrap();
        let ledger = store.ledger(ORG).unwrap();
        let size = ledger.head().unwrap().seq_next;
        for level in 0..4u8 {
            for index in 0.. {
                let width = gufen_ledger::tiles::tile_width(size, level, index);
                if width == 0 {
                    break;
                }
                let path = bundle.join(gufen_ledger::tiles::tile_path(level, index, width));
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, ledger.tile(level, index).unwrap().concat()).unwrap();
            }
        }
        std::fs::write(bundle.join("checkpoint"), &second).unwrap();
    }
    let run = s.cosign(&second, bundle.to_str().unwrap(), None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    open(&run.stdout, &s.log, &s.witness);
    // A directory that is neither: refused, exit 1, nothing decided.
    let run = s.cosign(&second, s.g.dir.path().to_str().unwrap(), None);
    assert_eq!(run.code, 1, "{}", run.stderr);
}
