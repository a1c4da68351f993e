//! What the end-to-end tests share: the real binary on a temporary store with the clock and the
//! actor pinned and no store or collective taken from the environment, fixture paths, a copy of
//! a store or bundle directory, the sample village (the fixture charter and its 600-member
//! roster) and its 2025 distribution, and the store opened in the test process, e.g. to sign
//! through the library.

#![allow(dead_code)]

use gufen_ledger::note::Signer;
use gufen_ledger::{Ledger, LedgerError, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub const ORG: &str = "N2410183MF0000001Y";
/// Two members of fixtures/roster-600.csv.
pub const A: &str = "410183195202210053";
pub const B: &str = "410183196308011305";
/// The instant every run takes for now (GUFEN_NOW).
pub const NOW: &str = "2026-12-31T08:00:00Z";
/// Today, as that instant reads in China.
pub const TODAY: &str = "2026-12-31";

/// How often a run or an open waits out a store lock before the test fails.
const IN_USE_TRIES: u32 = 100;
const IN_USE_WAIT: Duration = Duration::from_millis(20);

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The binary on the store `db`, the clock and the actor pinned, GUFEN_DB and GUFEN_ORG removed
/// so that nothing in the environment running the tests chooses the store or the collective.
/// GUFEN_LANG is English, the language the tests' error texts are asserted in; a test of a
/// Chinese document or message says `--lang zh`, which the environment does not override.
pub fn command(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gufen"));
    command
        .arg("--db")
        .arg(db)
        .env("GUFEN_NOW", NOW)
        .env("GUFEN_ACTOR", "会计")
        .env("GUFEN_LANG", "en")
        .env_remove("GUFEN_DB")
        .env_remove("GUFEN_ORG");
    command
}

/// Runs the binary once on `db`.
pub fn run_once(db: &Path, args: &[&str]) -> Run {
    let output = command(db).args(args).output().unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs the binary once on `db` in the language it takes when none is asked for (GUFEN_LANG
/// unset): for a test of that default.
pub fn gufen_in_default_language(db: &Path, args: &[&str]) -> Run {
    let output = command(db)
        .env_remove("GUFEN_LANG")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs the binary on `db`, again while the store is in use: a test that opened the store in
/// its own process has dropped it, but sled releases its lock a moment after.
pub fn gufen(db: &Path, args: &[&str]) -> Run {
    for _ in 0..IN_USE_TRIES {
        let run = run_once(db, args);
        if !run.stderr.contains("in use by another gufen process") {
            return run;
        }
        std::thread::sleep(IN_USE_WAIT);
    }
    panic!("the store stayed in use")
}

/// Runs the binary on `db`; it must succeed. Returns its standard output.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let run = gufen(db, args);
    assert_eq!(run.code, 0, "gufen {args:?} failed: {}", run.stderr);
    run.stdout
}

/// Opens the store's only ledger in this process, waiting out a lock the last run still holds.
pub fn with_ledger<T>(db: &Path, f: impl FnOnce(&Ledger) -> T) -> T {
    for _ in 0..IN_USE_TRIES {
        match Store::open(db, false) {
            Err(LedgerError::StoreInUse(_)) => std::thread::sleep(IN_USE_WAIT),
            other => {
                let store = other.unwrap();
                let ids = store.ledger_ids().unwrap();
                let ledger = store.ledger(&ids[0]).unwrap();
                return f(&ledger);
            }
        }
    }
    panic!("the store stayed in use")
}

/// Registers the collective of fixtures/charter.toml on 2017-06-30.
pub fn init_sample(db: &Path) {
    ok(
        db,
        &[
            "init",
            "--charter",
            fixture("charter.toml").to_str().unwrap(),
            "--date",
            "2017-06-30",
        ],
    );
}

/// Imports fixtures/roster-600.csv under `resolution` on 2017-12-31 (the charter's baseline,
/// R7).
pub fn import_sample(db: &Path, resolution: &str) {
    ok(
        db,
        &[
            "member",
            "import",
            "--resolution",
            resolution,
            "--date",
            "2017-12-31",
            fixture("roster-600.csv").to_str().unwrap(),
        ],
    );
}

/// The sample village: the fixture charter registered, then its 600-member roster imported.
pub fn sample_village(db: &Path, resolution: &str) {
    init_sample(db);
    import_sample(db, resolution);
}

/// The draft of the 2025 distribution, its record date 2025-12-31.
pub const DRAFT_2025: &[&str] = &[
    "distribution",
    "draft",
    "--year",
    "2025",
    "--income",
    "1000000",
    "--record-date",
    "2025-12-31",
    "--date",
    "2026-01-05",
];

/// The 2025 distribution of the sample village drafted, noticed, approved by the members (420
/// of 545) and posted, so a replay recomputes posted lines.
pub fn post_distribution_2025(db: &Path) {
    post_distribution(db, 2025, 545);
}

/// The `year` distribution (income 1,000,000 yuan, record date the year's last day) drafted on
/// 5 January of the next year, noticed the day after, approved by 420 of the `eligible`
/// members of age on the 22nd and posted on the 23rd: what `post_distribution_2025` does for
/// 2025 with the sample village's 545.
pub fn post_distribution(db: &Path, year: u16, eligible: u32) {
    let next = year + 1;
    let (year, eligible) = (year.to_string(), eligible.to_string());
    let on = |day: u32| format!("{next}-01-{day:02}");
    let (record_date, resolution) = (format!("{year}-12-31"), format!("{next}-1"));
    let draft_date = on(5);
    let notice_date = on(6);
    let approve_date = on(22);
    let post_date = on(23);
    for args in [
        &[
            "distribution",
            "draft",
            "--year",
            &year,
            "--income",
            "1000000",
            "--record-date",
            &record_date,
            "--date",
            &draft_date,
        ][..],
        &[
            "distribution",
            "notice",
            "--year",
            &year,
            "--date",
            &notice_date,
        ],
        &[
            "distribution",
            "approve",
            "--year",
            &year,
            "--body",
            "members",
            "--for",
            "420",
            "--eligible",
            &eligible,
            "--resolution",
            &resolution,
            "--date",
            &approve_date,
        ],
        &[
            "distribution",
            "post",
            "--year",
            &year,
            "--date",
            &post_date,
        ],
    ] {
        ok(db, args);
    }
}

/// Copies a directory (a store, a bundle) with everything below it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary directory holding the store (`store`) and whatever files a test writes beside it.
pub struct Gufen {
    pub dir: tempfile::TempDir,
}

impl Gufen {
    /// What `args` prints with `--format json`, parsed.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--format", "json"];
        all.extend(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// `args` streamed from the projections and `args --as-of TODAY` (rebuilt from the log,
    /// printed whole) in every format that streams and both languages, and as a paper: the
    /// same bytes, each holding at least `lines` masked IDs of the sample village.
    pub fn streamed_equals_whole(&self, args: &[&str], lines: usize) {
        for (format, lang) in [
            ("json", "en"),
            ("text", "zh"),
            ("text", "en"),
            ("csv", "zh"),
            ("csv", "en"),
            // Gathered from the projections without a whole state, then laid out whole.
            ("html", "zh"),
        ] {
            let mut now = vec!["--lang", lang, "--format", format];
            now.extend(args);
            let mut whole = now.clone();
            whole.extend(["--as-of", TODAY]);
            let streamed = self.ok(&now);
            assert_eq!(streamed, self.ok(&whole), "{now:?}");
            assert!(
                streamed.matches("410183********").count() >= lines,
                "{now:?}: {streamed}"
            );
        }
    }

    /// No store yet.
    pub fn new() -> Self {
        Gufen {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The sample village, its roster imported under `resolution`.
    pub fn sample_village(resolution: &str) -> Self {
        let g = Gufen::new();
        sample_village(&g.db(), resolution);
        g
    }

    /// The sample village and a gift of shares from A to B (a record naming another person).
    pub fn village_with_gift() -> Self {
        let g = Gufen::sample_village("R");
        g.transfer("2018-06-01");
        g
    }

    pub fn transfer(&self, date: &str) {
        self.ok(&[
            "shares", "transfer", "--from", A, "--to", B, "--units", "0.1", "--gift", "--date",
            date,
        ]);
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        gufen(&self.db(), args)
    }

    /// Runs once, without waiting out a store in use: for a test of that refusal.
    pub fn run_once(&self, args: &[&str]) -> Run {
        run_once(&self.db(), args)
    }

    pub fn ok(&self, args: &[&str]) -> String {
        ok(&self.db(), args)
    }

    /// A fresh key; its skey is written to `name`.
    pub fn key(&self, name: &str, key_name: &str) -> (Signer, String) {
        let signer = Signer::generate(key_name).unwrap();
        let path = self.path(name);
        std::fs::write(&path, signer.skey()).unwrap();
        (signer, path.to_str().unwrap().to_string())
    }

    /// Signs the ledger's checkpoint with `signer` through the library and returns the note.
    pub fn sign(&self, signer: &Signer) -> String {
        with_ledger(&self.db(), |ledger| ledger.sign_checkpoint(signer).unwrap())
    }

    /// Adds a witness's cosignature from its cosigned note to the ledger's checkpoint through
    /// the library.
    pub fn add_cosignatures(&self, cosigned: &str, witness: &Signer) -> String {
        let verifier = gufen_ledger::note::Verifier::cosigner(&witness.cosigner_vkey()).unwrap();
        with_ledger(&self.db(), |ledger| {
            ledger.add_cosignatures(cosigned, &verifier).unwrap()
        })
    }

    /// Writes `text` to `name` beside the store and returns its path.
    pub fn write(&self, name: &str, text: &str) -> String {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    }
}

/// Every run of 18 ID characters (17 digits and a digit or X) in `text` that is not `own`.
pub fn other_ids<'a>(text: &'a str, own: &str) -> Vec<&'a str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        if !bytes[start].is_ascii_alphanumeric() {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
            end += 1;
        }
        let run = &text[start..end];
        let shaped = run.len() == 18
            && run.as_bytes()[..17].iter().all(u8::is_ascii_digit)
            && (run.as_bytes()[17].is_ascii_digit() || run.as_bytes()[17] == b'X');
        if shaped && run != own {
            found.push(run);
        }
        start = end;
    }
    found
}

/// Executes `action` on the collective `code` of the store through the library, as a store
/// written before a check the binary makes (one across collectives) would hold it; the clock
/// pinned to NOW.
pub fn execute_through_library(
    db: &Path,
    code: &str,
    date: &str,
    action: gufen_core::Action,
) -> gufen_ledger::Outcome {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    let context = gufen_ledger::Context {
        command_id: *uuid::Uuid::new_v4().as_bytes(),
        recorded_at_micros: now.timestamp_micros(),
        actor: "会计".into(),
    };
    let command = gufen_core::Command {
        date: chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
        action,
    };
    for _ in 0..IN_USE_TRIES {
        match Store::open(db, false) {
            Err(LedgerError::StoreInUse(_)) => std::thread::sleep(IN_USE_WAIT),
            other => {
                let ledger = other.unwrap().ledger(code).unwrap();
                return ledger.execute(&context, &command).unwrap();
            }
        }
    }
    panic!("the store stayed in use")
}
