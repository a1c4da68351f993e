//! Helpers the benchmarks share: run the real binary, measure wall time and peak RSS, medians.

#![allow(dead_code)] // each benchmark uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub fn gufen() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gufen"));
    command.env_remove("GUFEN_DB").env_remove("GUFEN_ORG");
    command
}

/// Runs a command to completion; returns (seconds, peak RSS in MiB).
#[allow(clippy::zombie_processes)] // the child is reaped by wait4, which also reports its peak RSS
pub fn measure(command: &mut Command) -> (f64, f64) {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gufen starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; status and usage are valid for writes.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "gufen failed: {command:?}"
    );
    (seconds, usage.ru_maxrss as f64 / 1024.0)
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Writes a synthetic roster of `persons` rows into `dir`; returns its path and text.
pub fn sample_roster(dir: &Path, persons: usize) -> (PathBuf, String) {
    let output = gufen()
        .args(["sample", "roster", "--persons", &persons.to_string()])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let path = dir.join("roster.csv");
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

/// Creates a store at `db` with the sample charter (not measured).
pub fn init_store(db: &Path) {
    let charter = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/charter.toml");
    let status = gufen()
        .arg("--db")
        .arg(db)
        .arg("init")
        .arg("--charter")
        .arg(&charter)
        .args(["--date", "2017-06-30"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Imports the roster into the store at `db`, measured: (seconds, peak RSS in MiB).
pub fn import_roster(db: &Path, roster: &Path) -> (f64, f64) {
    import_roster_as(db, roster, "bench")
}

/// Imports the roster under its own resolution (each import adopts its own quantification
/// plan), measured: (seconds, peak RSS in MiB).
pub fn import_roster_as(db: &Path, roster: &Path, resolution: &str) -> (f64, f64) {
    measure(
        gufen()
            .arg("--db")
            .arg(db)
            .args(["member", "import"])
            .arg(roster)
            .args(["--resolution", resolution, "--date", "2017-12-31"]),
    )
}

/// Part `part` of a large synthetic population: a roster of about `persons` rows (seeded by the
/// part), its household numbers prefixed with the part and any ID an earlier part holds left out
/// (`seen`). Written to `roster-{part}.csv` in `dir`; returns its path and its rows.
pub fn sample_roster_part(
    dir: &Path,
    persons: usize,
    part: usize,
    seen: &mut std::collections::HashSet<String>,
) -> (PathBuf, usize) {
    let output = gufen()
        .args(["sample", "roster", "--persons", &persons.to_string()])
        .args(["--seed", &part.to_string()])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    let mut out = format!("{}\n", lines.next().unwrap());
    let mut rows = 0;
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        if !seen.insert(fields[0].to_string()) {
            continue;
        }
        let household = format!("{part}{}", fields[2]);
        out.push_str(&[fields[0], fields[1], &household, fields[3], fields[4]].join(","));
        out.push('\n');
        rows += 1;
    }
    let path = dir.join(format!("roster-{part}.csv"));
    std::fs::write(&path, out).unwrap();
    (path, rows)
}

/// Copies a store directory (files and subdirectories).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The bytes a directory's files take on disk (allocated blocks, as `du` counts them).
pub fn dir_bytes(dir: &Path) -> usize {
    use std::os::unix::fs::MetadataExt as _;
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            total += dir_bytes(&entry.path());
        } else {
            total += meta.blocks() as usize * 512;
        }
    }
    total
}

/// Prints the store's bytes on disk beside what its only ledger's trees hold: the encoded
/// records, the index, the projections, the tiles, the meta entries, and the rest (sled's own).
pub fn print_disk_split(db: &Path) {
    let on_disk = dir_bytes(db) as u64;
    let split = {
        let mut tries = 0;
        let store = loop {
            match gufen_ledger::Store::open(db, false) {
                Err(gufen_ledger::LedgerError::StoreInUse(_)) if tries < 200 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other.unwrap(),
            }
        };
        let ids = store.ledger_ids().unwrap();
        store.ledger(&ids[0]).unwrap().storage_split().unwrap()
    };
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    println!("disk: {:.1} MiB in the store's files", mib(on_disk));
    for (name, tree) in [
        ("records (encoded record bytes)", split.records),
        ("index", split.index),
        ("projections", split.projections),
        ("tiles", split.tiles),
        ("meta", split.meta),
    ] {
        println!(
            "  {name:<31} {:>8.1} MiB  {:>8} entries  (keys {:.1} MiB, values {:.1} MiB)",
            mib(tree.total()),
            tree.entries,
            mib(tree.key_bytes),
            mib(tree.value_bytes)
        );
    }
    let limit = 2 * split.records.value_bytes + split.projections.total();
    println!(
        "  sled's own (files − entries)    {:>8.1} MiB\n  limit: 2 × record bytes + projections = {:.1} MiB",
        mib(on_disk.saturating_sub(split.total())),
        mib(limit)
    );
}

/// A signing key generated at `key`; returns its verifier key.
pub fn generate_key(key: &Path) -> String {
    let generated = gufen()
        .args(["key", "generate", "--name", "bench.example/ledger", "--out"])
        .arg(key)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(generated.status.success());
    serde_json::from_slice::<serde_json::Value>(&generated.stdout).unwrap()["vkey"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Signs the checkpoint of the store at `db` with `key` (the clock at `now` when given); returns
/// the signed checkpoint's text.
pub fn sign_checkpoint(db: &Path, key: &Path, now: Option<&str>) -> Vec<u8> {
    let mut command = gufen();
    if let Some(now) = now {
        command.env("GUFEN_NOW", now);
    }
    let signed = command
        .arg("--db")
        .arg(db)
        .arg("checkpoint")
        .arg("--sign")
        .arg(key)
        .output()
        .unwrap();
    assert!(signed.status.success());
    signed.stdout
}
