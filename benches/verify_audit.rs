//! Benchmark (prints figures; never a pass/fail timing): `verify`, `verify --replay`, `export`
//! and `audit` through the real binary on a store of a synthetic village (100,000 persons:
//! 200,001 records), each beside the machine's own limits measured in the same run over the
//! same bytes: sled's raw iteration of the records, and chained blake3 of the records (each hash
//! over the record's stored bytes, one after another, as the chain is checked).
//!
//! Goal (issue: verify and audit at 1,000,000 records/s or more). Medians of several runs.
//! Run: `cargo bench --bench verify_audit` (GUFEN_BENCH_PERSONS and GUFEN_BENCH_RUNS override).

mod common;

use common::{
    env_or, generate_key, gufen, import_roster, init_store, measure, median, sample_roster,
    sign_checkpoint,
};
use std::time::Instant;

/// Opens the store, waiting out the lock a gufen process that just ended may still hold.
fn open_store(db: &std::path::Path) -> gufen_ledger::Store {
    for _ in 0..200 {
        match gufen_ledger::Store::open(db, false) {
            Err(gufen_ledger::LedgerError::StoreInUse(_)) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            other => return other.unwrap(),
        }
    }
    panic!("the store stayed in use")
}

fn main() {
    let persons = env_or("GUFEN_BENCH_PERSONS", 100_000);
    let runs = env_or("GUFEN_BENCH_RUNS", 5).max(1);
    let dir = tempfile::tempdir().unwrap();
    let (roster, _) = sample_roster(dir.path(), persons);
    let db = dir.path().join("store");
    init_store(&db);
    import_roster(&db, &roster);
    let key = dir.path().join("ledger.key");
    let vkey = generate_key(&key);
    sign_checkpoint(&db, &key, None);

    // The limits, in this process, over the same stored bytes. Each run opens the store afresh,
    // as every gufen command does, so sled reads and decodes its pages as a command would (the
    // files themselves are in the OS cache, as they are for the commands measured below).
    let (records, bytes, iterate_s, chain_s, walk_s) = {
        let mut iterate = Vec::new();
        let mut chain = Vec::new();
        let mut walk = Vec::new();
        let mut stored = Vec::new();
        let mut head = 0;
        for _ in 0..runs {
            let store = open_store(&db);
            let ids = store.ledger_ids().unwrap();
            let ledger = store.ledger(&ids[0]).unwrap();
            head = ledger.head().unwrap().seq_next;
            let started = Instant::now();
            stored = ledger.record_bytes(0, head).unwrap();
            iterate.push(started.elapsed().as_secs_f64());
            let started = Instant::now();
            let mut last = [0u8; 32];
            for (_, bytes) in &stored {
                last = gufen_ledger::record::record_hash(bytes);
            }
            std::hint::black_box(last);
            chain.push(started.elapsed().as_secs_f64());
            // The chain checks alone (decode, hash, links, batches, dates, Merkle root) over
            // records already in memory: what verify does per record, without sled.
            let started = Instant::now();
            let mut chain_walk = gufen_ledger::verify::ChainWalk::new(&ids[0], false);
            for (seq, bytes) in &stored {
                chain_walk.push(*seq, bytes);
            }
            let result = chain_walk.finish(head, None, None);
            assert!(result.problem.is_none());
            walk.push(started.elapsed().as_secs_f64());
            drop(ledger);
            drop(store);
        }
        let bytes: usize = stored.iter().map(|(_, b)| b.len()).sum();
        (head, bytes, median(iterate), median(chain), median(walk))
    };

    let mut figures: Vec<(&str, Vec<f64>, Vec<f64>)> = Vec::new();
    let bundle = dir.path().join("bundle");
    for (name, args) in [
        ("verify", vec!["verify"]),
        ("verify --replay", vec!["verify", "--replay"]),
    ] {
        let mut seconds = Vec::new();
        let mut mib = Vec::new();
        for _ in 0..runs {
            let (s, m) = measure(gufen().arg("--db").arg(&db).args(&args));
            seconds.push(s);
            mib.push(m);
        }
        figures.push((name, seconds, mib));
    }
    let mut seconds = Vec::new();
    let mut mib = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&bundle);
        let (s, m) = measure(
            gufen()
                .arg("--db")
                .arg(&db)
                .arg("export")
                .arg("--out")
                .arg(&bundle),
        );
        seconds.push(s);
        mib.push(m);
    }
    figures.push(("export", seconds, mib));
    let mut seconds = Vec::new();
    let mut mib = Vec::new();
    for _ in 0..runs {
        let (s, m) = measure(gufen().arg("audit").arg(&bundle).arg("--trust").arg(&vkey));
        seconds.push(s);
        mib.push(m);
    }
    figures.push(("audit (with replay)", seconds, mib));

    let per_second = |s: f64| records as f64 / s;
    println!(
        "records: {records} ({bytes} bytes, {:.0} bytes a record); runs: {runs} (medians)",
        bytes as f64 / records as f64
    );
    println!(
        "limit  sled iteration of the records:      {iterate_s:.3} s  ({:>9.0} records/s)",
        per_second(iterate_s)
    );
    println!(
        "limit  chained blake3 over the same bytes: {chain_s:.3} s  ({:>9.0} records/s)",
        per_second(chain_s)
    );
    println!(
        "part   the chain checks on records in memory: {walk_s:.3} s  ({:>9.0} records/s)",
        per_second(walk_s)
    );
    for (name, seconds, mib) in figures {
        let s = median(seconds);
        println!(
            "{name:<22} {s:.3} s  ({:>9.0} records/s)  peak RSS {:.0} MiB  [goal ≥ 1,000,000 records/s]",
            per_second(s),
            median(mib)
        );
    }
}
