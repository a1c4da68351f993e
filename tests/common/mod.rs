//! What the witness and statement tests share: the real binary on a temporary store with the
//! clock pinned, a 600-member village with a transfer, keys made through the library.

#![allow(dead_code)]

use gufen_ledger::note::Signer;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const ORG: &str = "N2410183MF0000001Y";
/// Two members of fixtures/roster-600.csv.
pub const A: &str = "410183195202210053";
pub const B: &str = "410183196308011305";

pub struct Gufen {
    pub dir: tempfile::TempDir,
}

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

impl Gufen {
    /// The village (dated as tests/cli.rs does: the charter's baseline is 2017-12-31, R7): the sample charter, the 600-member roster, and a gift of shares from A to
    /// B (a record naming another person).
    pub fn village() -> Self {
        let g = Gufen {
            dir: tempfile::tempdir().unwrap(),
        };
        g.ok(&[
            "init",
            "--charter",
            fixture("charter.toml").to_str().unwrap(),
            "--date",
            "2017-06-30",
        ]);
        g.ok(&[
            "member",
            "import",
            "--resolution",
            "R",
            "--date",
            "2017-12-31",
            fixture("roster-600.csv").to_str().unwrap(),
        ]);
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
        let output = Command::new(env!("CARGO_BIN_EXE_gufen"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("GUFEN_NOW", "2026-12-31T08:00:00Z")
            .env("GUFEN_ACTOR", "会计")
            .env_remove("GUFEN_DB")
            .env_remove("GUFEN_ORG")
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "gufen {args:?} failed: {}", run.stderr);
        run.stdout
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
        let store = gufen_ledger::Store::open(&self.db(), false).unwrap();
        let ledger = store.ledger(ORG).unwrap();
        ledger.sign_checkpoint(signer).unwrap()
    }

    /// Adds a witness's cosignature from its cosigned note to the ledger's checkpoint through
    /// the library.
    pub fn add_cosignatures(&self, cosigned: &str, witness: &Signer) -> String {
        let store = gufen_ledger::Store::open(&self.db(), false).unwrap();
        let ledger = store.ledger(ORG).unwrap();
        let verifier = gufen_ledger::note::Verifier::cosigner(&witness.cosigner_vkey()).unwrap();
        ledger.add_cosignatures(cosigned, &verifier).unwrap()
    }

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
