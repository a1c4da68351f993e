//! Crash consistency: a child process appends batches and prints each acknowledged command id;
//! the parent kills it (SIGKILL) at random moments, reopens the store, and checks that every
//! acknowledged batch is present, no batch is partial, seq is gapless, the chain verifies and the
//! projections equal the state rebuilt from the log.

mod common;

use common::{command, fixture, ORG};
use gufen_ledger::Store;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

const CYCLES: u32 = 30;

/// A time-seeded SplitMix64: each run kills at other moments.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

#[test]
fn kill_9_loses_no_acknowledged_batch_and_leaves_no_partial_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    let text = std::fs::read_to_string(fixture("charter.toml"))
        .unwrap()
        .replace(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"100\"",
        );
    let charter = dir.path().join("charter.toml");
    std::fs::write(&charter, text).unwrap();
    let status = command(&db)
        .args(["init", "--charter"])
        .arg(&charter)
        .args(["--date", "2017-01-01"])
        .status()
        .unwrap();
    assert!(status.success());

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let mut acknowledged: Vec<String> = Vec::new();
    let started = Instant::now();
    for cycle in 0..CYCLES {
        let mut child = command(&db)
            .args(["crash-child", "--seed"])
            .arg((seed ^ u64::from(cycle)).to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + rng.below(250)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        acknowledged.extend(out.lines().map(str::to_string));

        let store = Store::open(&db, false).unwrap();
        let ledger = store.ledger(ORG).unwrap();
        let report = ledger.verify(true).unwrap();
        assert!(report.ok, "cycle {cycle}: {report:?}");
        for id in &acknowledged {
            let bytes = *uuid_bytes(id);
            assert!(
                ledger.find_command(&bytes).unwrap().is_some(),
                "cycle {cycle}: acknowledged command {id} is missing"
            );
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "the crash loop is bounded in time"
        );
    }
    assert!(
        acknowledged.len() as u32 >= CYCLES,
        "the child acknowledged too few batches to test anything: {}",
        acknowledged.len()
    );
    eprintln!(
        "{} acknowledged batches survived {CYCLES} kills",
        acknowledged.len()
    );
}

/// An open writes the engine's snapshot as a file named `….generating` and renames it once it
/// is synced. Killed in between, or stopped by a full disk, it left that file behind, and the
/// next open read it and refused the store as damaged (nothing was lost: the file was only cut
/// short). The store opens and verifies with such a file beside it.
#[test]
fn a_snapshot_cut_short_by_a_kill_or_a_full_disk_does_not_make_the_store_unopenable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("store");
    let status = command(&db)
        .args(["init", "--charter"])
        .arg(fixture("charter.toml"))
        .args(["--date", "2017-01-01"])
        .status()
        .unwrap();
    assert!(status.success());
    // Past any snapshot the store has: it is the one an open would read first.
    std::fs::write(db.join("snap.FFFFFFFFFFFFFFF0.generating"), b"").unwrap();
    for args in [&["verify"][..], &["charter", "show"]] {
        let output = command(&db).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn uuid_bytes(text: &str) -> Box<[u8; 16]> {
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    assert_eq!(hex.len(), 32, "{text}");
    let mut bytes = [0u8; 16];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    Box::new(bytes)
}
