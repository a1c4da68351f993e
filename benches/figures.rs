//! Benchmark (prints figures; never a pass/fail timing): every figure of a collective's year at
//! scale in one run, each beside the machine's own limit measured in the same run over the same
//! bytes. Through the real `gufen` binary, with each process's wall time and peak resident memory
//! (wait4), medians of several runs:
//!
//! - a 100,000-person roster imported into a fresh store, beside sled's raw batched insert of the
//!   same number of keys and bytes;
//! - the register as JSON and as text; `verify`, `verify --replay`, `export` and `audit`, beside
//!   chained blake3 over the records' stored bytes;
//! - the year's distribution drafted and posted for every holder, beside sled's raw insert of the
//!   posting's records;
//! - one durable write (`hukou set`) and one payment (`distribution pay`), beside fsync latency and
//!   the process's own start, with the bytes each payment added to the store;
//! - the bytes written against the bytes on disk, split by sled tree;
//! - a store of about 1,000,000 records (three rosters of about 170,000 persons), built once, and a
//!   write and a read on it end to end, process start included, beside sled's open of it alone.
//!
//! Run: `cargo bench --bench figures` (GUFEN_BENCH_PERSONS, GUFEN_BENCH_RUNS and
//! GUFEN_BENCH_BIG_PERSONS override; GUFEN_BENCH_BIG_PERSONS=0 leaves out the large store).

mod common;

use common::{
    copy_dir, dir_bytes, env_or, generate_key, gufen, import_roster, init_store, measure, median,
    sample_roster, sign_checkpoint,
};
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

const NOW: &str = "2026-11-25T08:00:00Z";
/// The demo village's five years run to 2027; its commands take a later now.
const VILLAGE_NOW: &str = "2031-12-31T08:00:00Z";

/// One measured figure: medians of seconds and peak MiB, its goal and the limit beside it.
struct Figure {
    name: String,
    seconds: f64,
    mib: Option<f64>,
    note: String,
}

fn figure(name: &str, runs: &[(f64, f64)], note: String) -> Figure {
    Figure {
        name: name.to_string(),
        seconds: median(runs.iter().map(|r| r.0).collect()),
        mib: Some(median(runs.iter().map(|r| r.1).collect())),
        note,
    }
}

/// Runs `args` against `db` `runs` times, measured.
fn repeat(db: &Path, args: &[&str], runs: usize) -> Vec<(f64, f64)> {
    (0..runs)
        .map(|_| measure(gufen().env("GUFEN_NOW", NOW).arg("--db").arg(db).args(args)))
        .collect()
}

/// fsync latency: a 4 KiB write and `fsync` of a file in the same directory as the stores,
/// median of 50, in seconds.
fn fsync_latency(dir: &Path) -> f64 {
    let path = dir.join("fsync-probe");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = [7u8; 4096];
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        file.write_all(&block).unwrap();
        file.sync_all().unwrap();
        times.push(started.elapsed().as_secs_f64());
    }
    std::fs::remove_file(path).unwrap();
    median(times)
}

/// sled's raw batched insert of `items` (key, value) in batches of 1,000, then a flush and an
/// fsync of its files: seconds.
fn sled_raw_insert(dir: &Path, items: &[(Vec<u8>, Vec<u8>)]) -> f64 {
    let path = dir.join("sled-raw");
    let _ = std::fs::remove_dir_all(&path);
    let started = Instant::now();
    let db = sled::open(&path).unwrap();
    let tree = db.open_tree("raw").unwrap();
    for chunk in items.chunks(1000) {
        let mut batch = sled::Batch::default();
        for (k, v) in chunk {
            batch.insert(k.as_slice(), v.as_slice());
        }
        tree.apply_batch(batch).unwrap();
    }
    db.flush().unwrap();
    for entry in std::fs::read_dir(&path).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::File::open(entry.path())
                .unwrap()
                .sync_all()
                .unwrap();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    drop(tree);
    drop(db);
    std::fs::remove_dir_all(&path).unwrap();
    seconds
}

/// The store's records as stored, with sled open alone timed: (records, open seconds).
fn stored_records(db: &Path) -> (Vec<(u64, Vec<u8>)>, f64) {
    let started = Instant::now();
    let store = wait_for(|| gufen_ledger::Store::open(db, false).ok());
    let open = started.elapsed().as_secs_f64();
    let ids = store.ledger_ids().unwrap();
    let mut all = Vec::new();
    for id in ids {
        let ledger = store.ledger(&id).unwrap();
        let head = ledger.head().unwrap().seq_next;
        all.extend(ledger.record_bytes(0, head).unwrap());
    }
    (all, open)
}

/// What the limits need of a store's records, measured in a child process of this benchmark
/// (this program run again with GUFEN_BENCH_PART=records), so that this process never holds a
/// store's records: a process spawned from a big one starts with the big one's resident memory
/// as its peak, which would be counted against every gufen command measured after it.
struct Records {
    count: usize,
    bytes: usize,
    open_seconds: f64,
    blake3_seconds: f64,
    /// sled's raw batched insert of the records from `from` on (seconds).
    insert_seconds: f64,
    inserted: usize,
}

fn records_of(db: &Path, from: usize, scratch: &Path) -> Records {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .env("GUFEN_BENCH_PART", "records")
        .env("GUFEN_BENCH_DB", db)
        .env("GUFEN_BENCH_FROM", from.to_string())
        .env("GUFEN_BENCH_SCRATCH", scratch)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let field = |name: &str| -> f64 {
        text.split_whitespace()
            .find_map(|part| part.strip_prefix(&format!("{name}=")))
            .unwrap()
            .parse()
            .unwrap()
    };
    Records {
        count: field("count") as usize,
        bytes: field("bytes") as usize,
        open_seconds: field("open"),
        blake3_seconds: field("blake3"),
        insert_seconds: field("insert"),
        inserted: field("inserted") as usize,
    }
}

/// The child's part: reads the records, times sled's open, chained blake3 and sled's raw insert
/// of the records from GUFEN_BENCH_FROM on, and prints them on one line.
fn records_part() {
    let db = std::path::PathBuf::from(std::env::var_os("GUFEN_BENCH_DB").unwrap());
    let scratch = std::path::PathBuf::from(std::env::var_os("GUFEN_BENCH_SCRATCH").unwrap());
    let from: usize = std::env::var("GUFEN_BENCH_FROM").unwrap().parse().unwrap();
    let (records, open) = stored_records(&db);
    let bytes: usize = records.iter().map(|(_, b)| b.len()).sum();
    let blake = chained_blake3(&records);
    let keyed: Vec<(Vec<u8>, Vec<u8>)> = records
        .iter()
        .skip(from)
        .map(|(seq, bytes)| (seq.to_be_bytes().to_vec(), bytes.clone()))
        .collect();
    let insert = sled_raw_insert(&scratch, &keyed);
    println!(
        "count={} bytes={bytes} open={open} blake3={blake} insert={insert} inserted={}",
        records.len(),
        keyed.len()
    );
}

/// Retries `open` while a gufen process that just ended may still hold the store's lock.
fn wait_for<T>(open: impl Fn() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(value) = open() {
            return value;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("the store stayed in use")
}

fn chained_blake3(records: &[(u64, Vec<u8>)]) -> f64 {
    let started = Instant::now();
    // Each record's hash over its stored bytes, which hold the previous hash: the chain as
    // `verify` checks it.
    let mut last = [0u8; 32];
    for (_, bytes) in records {
        last = gufen_ledger::record::record_hash(bytes);
    }
    std::hint::black_box(last);
    started.elapsed().as_secs_f64()
}

fn first_ids(roster: &str, n: usize) -> Vec<String> {
    roster
        .lines()
        .skip(1)
        .take(n)
        .map(|line| line.split(',').next().unwrap().to_string())
        .collect()
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / 1024.0 / 1024.0
}

fn main() {
    // As gufen itself does: the stores and everything beside them are the owner's alone.
    // SAFETY: umask only sets the process's file creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    if std::env::var("GUFEN_BENCH_PART").as_deref() == Ok("records") {
        return records_part();
    }
    let persons = env_or("GUFEN_BENCH_PERSONS", 100_000);
    let runs = env_or("GUFEN_BENCH_RUNS", 3).max(1);
    let big_persons = env_or("GUFEN_BENCH_BIG_PERSONS", 510_000);
    let dir = tempfile::tempdir().unwrap();
    let (roster, roster_text) = sample_roster(dir.path(), persons);
    let adults = roster_text
        .lines()
        .skip(1)
        .filter(|line| line.get(6..14).is_some_and(|born| born <= "20080122"))
        .count()
        .to_string();
    let mut figures: Vec<Figure> = Vec::new();

    // Process start and fsync: the floor under every single write.
    let start = repeat(dir.path(), &["--version"], 5.max(runs));
    let fsync = fsync_latency(dir.path());

    // Import, each run into a fresh store.
    let base = dir.path().join("base");
    let mut import = Vec::new();
    for run in 0..runs {
        let db = dir.path().join(format!("import-{run}"));
        init_store(&db);
        import.push(import_roster(&db, &roster));
        if run == 0 {
            std::fs::rename(&db, &base).unwrap();
        } else {
            std::fs::remove_dir_all(&db).unwrap();
        }
    }
    let stored = records_of(&base, 0, dir.path());
    let (record_bytes, open_100k, blake, raw_import) = (
        stored.bytes,
        stored.open_seconds,
        stored.blake3_seconds,
        stored.insert_seconds,
    );
    figures.push(figure(
        &format!("import {persons} persons ({} records)", stored.count),
        &import,
        format!(
            "goal ≤ 4 s, ≤ 200 MiB; limit: sled raw batched insert of the same {} records {:.2} s",
            stored.count, raw_import
        ),
    ));

    // Reads of the whole register and the chain.
    figures.push(figure(
        "register --format json",
        &repeat(&base, &["--format", "json", "register"], runs),
        "goal ≤ 1 s, ≤ 100 MiB".into(),
    ));
    figures.push(figure(
        "register (text)",
        &repeat(&base, &["register"], runs),
        String::new(),
    ));
    let chain_note = format!(
        "limit: chained blake3 over the same {:.0} MiB {:.3} s",
        mib(record_bytes),
        blake
    );
    figures.push(figure(
        "verify",
        &repeat(&base, &["verify"], runs),
        chain_note.clone(),
    ));
    figures.push(figure(
        "verify --replay",
        &repeat(&base, &["verify", "--replay"], runs),
        format!("goal ≤ 1 s; {chain_note}"),
    ));
    let key = dir.path().join("ledger.key");
    let vkey = generate_key(&key);
    sign_checkpoint(&base, &key, Some(NOW));
    let bundle = dir.path().join("bundle");
    let mut export = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&bundle);
        export.push(measure(
            gufen()
                .arg("--db")
                .arg(&base)
                .arg("export")
                .arg("--out")
                .arg(&bundle),
        ));
    }
    figures.push(figure("export", &export, chain_note.clone()));
    let audit: Vec<_> = (0..runs)
        .map(|_| measure(gufen().arg("audit").arg(&bundle).arg("--trust").arg(&vkey)))
        .collect();
    figures.push(figure("audit (with replay)", &audit, chain_note));

    // One durable write on the 100,000 store.
    let ids = first_ids(&roster_text, 8);
    let write: Vec<_> = (0..runs.max(5))
        .map(|i| {
            measure(gufen().env("GUFEN_NOW", NOW).arg("--db").arg(&base).args([
                "hukou",
                "set",
                "--id",
                &ids[i % ids.len()],
                "--kind",
                "urban",
                "--locality",
                "郑州",
                "--date",
                &format!("2020-{:02}-01", i % 12 + 1),
            ]))
        })
        .collect();
    figures.push(figure(
        "one write (hukou set)",
        &write,
        format!(
            "limits: fsync {:.1} ms, process start {:.1} ms",
            fsync * 1000.0,
            median(start.iter().map(|r| r.0).collect()) * 1000.0
        ),
    ));

    // The year's distribution, each run on a fresh copy of the store.
    let mut draft_post = Vec::new();
    let mut pay = Vec::new();
    let mut pay_growth = Vec::new();
    let mut posted_copy = None;
    for run in 0..runs {
        let db = dir.path().join(format!("year-{run}"));
        copy_dir(&base, &db);
        let step = |args: &[&str]| {
            measure(
                gufen()
                    .env("GUFEN_NOW", NOW)
                    .arg("--db")
                    .arg(&db)
                    .arg("distribution")
                    .args(args),
            )
        };
        let draft = step(&[
            "draft",
            "--year",
            "2025",
            "--income",
            "98765432.10",
            "--record-date",
            "2025-12-31",
            "--date",
            "2026-01-05",
        ]);
        step(&["notice", "--year", "2025", "--date", "2026-01-06"]);
        step(&[
            "approve",
            "--year",
            "2025",
            "--body",
            "members",
            "--for",
            &adults,
            "--eligible",
            &adults,
            "--resolution",
            "bench",
            "--date",
            "2026-01-22",
        ]);
        let post = step(&["post", "--year", "2025", "--date", "2026-01-23"]);
        draft_post.push((draft.0 + post.0, draft.1.max(post.1)));
        // Five payments, one line each: their time and what each adds to the store.
        for (i, id) in ids.iter().take(5).enumerate() {
            let before = dir_bytes(&db);
            let paid = step(&[
                "pay",
                "--year",
                "2025",
                "--id",
                id,
                "--ref",
                &format!("BANK-{run}-{i}"),
                "--date",
                "2026-02-01",
            ]);
            pay.push(paid);
            pay_growth.push(dir_bytes(&db) as f64 - before as f64);
        }
        if run == 0 {
            posted_copy = Some(db);
        } else {
            std::fs::remove_dir_all(&db).unwrap();
        }
    }
    let posted = posted_copy.unwrap();
    let posted_records = records_of(&posted, stored.count, dir.path());
    let raw_posting = posted_records.insert_seconds;
    figures.push(figure(
        &format!("distribution draft + post ({persons} holders)"),
        &draft_post,
        format!(
            "goal ≤ 1.5 s; limit: sled raw batched insert of the posting's {} records {:.2} s",
            posted_records.inserted, raw_posting
        ),
    ));
    figures.push(figure(
        "one payment (distribution pay)",
        &pay,
        format!(
            "store grew by {:.0} KiB a payment (median); limit: fsync {:.1} ms",
            median(pay_growth) / 1024.0,
            fsync * 1000.0
        ),
    ));

    // The year's papers over every holder, streamed from the projections.
    for (name, args) in [
        (
            "distribution show --format json",
            &["--format", "json", "distribution", "show", "--year", "2025"][..],
        ),
        (
            "distribution show (text)",
            &["distribution", "show", "--year", "2025"],
        ),
        (
            "distribution owed --format json",
            &["--format", "json", "distribution", "owed"],
        ),
        (
            "township report --format json",
            &["--format", "json", "township", "report"],
        ),
    ] {
        figures.push(figure(
            name,
            &repeat(&posted, args, runs),
            "goal as the register's: ≤ 1 s, ≤ 100 MiB".into(),
        ));
    }

    // Bytes written against bytes on disk.
    let posted_bytes = posted_records.bytes;
    let on_disk = dir_bytes(&posted);

    // The large store: built once.
    let mut big = None;
    if big_persons > 0 {
        let db = dir.path().join("big");
        init_store(&db);
        let mut built = 0.0;
        let mut offset = 0;
        let mut part = 0;
        let mut seen = std::collections::HashSet::new();
        while offset < big_persons {
            let take = (big_persons - offset).min(170_000);
            part += 1;
            let (path, rows) = common::sample_roster_part(dir.path(), take, part, &mut seen);
            built += common::import_roster_as(&db, &path, &format!("bench-{part}")).0;
            offset += rows;
        }
        let big_records = records_of(&db, usize::MAX, dir.path());
        let open = big_records.open_seconds;
        let id = first_ids(
            &std::fs::read_to_string(dir.path().join("roster-1.csv")).unwrap(),
            1,
        )
        .remove(0);
        let writes: Vec<_> = (0..runs.max(5))
            .map(|i| {
                measure(gufen().env("GUFEN_NOW", NOW).arg("--db").arg(&db).args([
                    "hukou",
                    "set",
                    "--id",
                    &id,
                    "--kind",
                    "urban",
                    "--locality",
                    "郑州",
                    "--date",
                    &format!("2021-{:02}-01", i % 12 + 1),
                ]))
            })
            .collect();
        let reads = repeat(&db, &["charter", "show"], runs.max(5));
        // The same kind of write, 20 of them as the lines of one `gufen shell`: one open.
        let lines: String = (0..20)
            .map(|i| {
                format!(
                    "hukou set --id {id} --kind urban --locality 洛阳 --date 2022-{:02}-01\n",
                    i % 12 + 1
                )
            })
            .collect();
        let file = dir.path().join("shell-lines.txt");
        std::fs::write(&file, lines).unwrap();
        let shell = repeat(&db, &["shell", file.to_str().unwrap()], runs);
        big = Some((
            big_records.count,
            built,
            open,
            writes,
            reads,
            shell,
            dir_bytes(&db),
        ));
    }

    // One collective as a province sees it: a village of 600 members over five years, signed,
    // exported, audited and witnessed, each by the real binary.
    let village = dir.path().join("village");
    let demo = gufen()
        .env("GUFEN_NOW", VILLAGE_NOW)
        .arg("--db")
        .arg(&village)
        .args(["demo", "--members", "600", "--years", "5"])
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let signed = sign_checkpoint(&village, &key, Some(VILLAGE_NOW));
    let checkpoint = dir.path().join("village-checkpoint.txt");
    std::fs::write(&checkpoint, &signed).unwrap();
    let village_records = records_of(&village, usize::MAX, dir.path());
    let village_bundle = dir.path().join("village-bundle");
    let mut village_export = Vec::new();
    for _ in 0..runs.max(5) {
        let _ = std::fs::remove_dir_all(&village_bundle);
        village_export.push(measure(
            gufen()
                .arg("--db")
                .arg(&village)
                .arg("export")
                .arg("--out")
                .arg(&village_bundle),
        ));
    }
    let village_audit: Vec<_> = (0..runs.max(5))
        .map(|_| {
            measure(
                gufen()
                    .env("GUFEN_NOW", VILLAGE_NOW)
                    .arg("audit")
                    .arg(&village_bundle)
                    .arg("--trust")
                    .arg(&vkey),
            )
        })
        .collect();
    let witness_key = dir.path().join("witness.key");
    let made = gufen()
        .args([
            "key",
            "generate",
            "--name",
            "bench.example/witness",
            "--witness",
            "--out",
        ])
        .arg(&witness_key)
        .output()
        .unwrap();
    assert!(made.status.success());
    let village_cosign: Vec<_> = (0..runs.max(5))
        .map(|run| {
            measure(
                gufen()
                    .env("GUFEN_NOW", VILLAGE_NOW)
                    .args(["witness", "cosign", "--key"])
                    .arg(&witness_key)
                    .args(["--log-key", &vkey, "--checkpoint"])
                    .arg(&checkpoint)
                    .arg("--from")
                    .arg(&village_bundle)
                    .arg("--state")
                    .arg(dir.path().join(format!("witness-state-{run}")))
                    .arg("--out")
                    .arg(dir.path().join(format!("cosigned-{run}.txt"))),
            )
        })
        .collect();
    let village_bundle_bytes = dir_bytes(&village_bundle);
    let village_store_bytes = dir_bytes(&village);

    // The report.
    println!(
        "gufen figures: {persons} persons; runs: {runs} (medians); peak = the process's peak resident memory (wait4)"
    );
    println!(
        "limits measured in this run: fsync of 4 KiB {:.2} ms; process start (gufen --version) {:.1} ms; \
         sled open of the {}-record store {:.0} ms; chained blake3 {:.0} MiB/s",
        fsync * 1000.0,
        median(start.iter().map(|r| r.0).collect()) * 1000.0,
        stored.count,
        open_100k * 1000.0,
        mib(record_bytes) / blake
    );
    println!();
    for f in &figures {
        let peak = f
            .mib
            .map_or(String::new(), |m| format!("peak {m:>5.0} MiB"));
        println!("{:<46} {:>8.3} s  {peak}  {}", f.name, f.seconds, f.note);
    }
    println!();
    println!(
        "disk after the posting and 5 payments: {} records, {:.1} MiB encoded record bytes; {:.1} MiB on disk ({:.2} × the records)",
        posted_records.count,
        mib(posted_bytes),
        mib(on_disk),
        on_disk as f64 / posted_bytes as f64
    );
    common::print_disk_split(&posted);
    println!();
    println!(
        "one collective (600 members, 5 years): {} records; store {:.1} MiB on disk, audit bundle {:.2} MiB",
        village_records.count,
        mib(village_store_bytes),
        mib(village_bundle_bytes)
    );
    for f in [
        figure("  export", &village_export, String::new()),
        figure("  audit (with replay)", &village_audit, String::new()),
        figure(
            "  witness cosign (first, from the bundle)",
            &village_cosign,
            String::new(),
        ),
    ] {
        println!(
            "{:<46} {:>8.3} s  peak {:>5.0} MiB",
            f.name,
            f.seconds,
            f.mib.unwrap_or(0.0)
        );
    }
    if let Some((n, built, open, writes, reads, shell, bytes)) = big {
        println!();
        println!(
            "large store: {n} records, built in {built:.1} s, {:.0} MiB on disk; sled open alone {:.0} ms",
            mib(bytes),
            open * 1000.0
        );
        let w = figure(
            "one write on it (hukou set), end to end",
            &writes,
            "goal ≤ 50 ms".into(),
        );
        let r = figure(
            "one read on it (charter show), end to end",
            &reads,
            String::new(),
        );
        let sh = figure(
            "20 such writes as lines of one gufen shell",
            &shell,
            String::new(),
        );
        for f in [w, r, sh] {
            println!(
                "{:<46} {:>8.3} s  peak {:>5.0} MiB  {}",
                f.name,
                f.seconds,
                f.mib.unwrap_or(0.0),
                f.note
            );
        }
        println!(
            "  that is {:.1} ms a write in the shell, against {:.1} ms a write as its own process",
            median(shell.iter().map(|r| r.0).collect()) / 20.0 * 1000.0,
            median(writes.iter().map(|r| r.0).collect()) * 1000.0
        );
    }
}
