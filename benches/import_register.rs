//! Benchmark (prints figures; never a pass/fail timing): import a 100,000-person roster through
//! the real `gufen` binary into a fresh store, print the register as JSON, and look up one
//! member. Reports the median of several runs in seconds, rows per second and the peak resident
//! memory of the process (from wait4). Targets: import ≤ 10 s, register ≤ 2 s.
//!
//! Run: `cargo bench --bench import_register` (GUFEN_BENCH_PERSONS and GUFEN_BENCH_RUNS override).

mod common;

use common::{
    env_or, gufen, import_roster, init_store, measure, median, print_disk_split, sample_roster,
};

fn main() {
    let persons = env_or("GUFEN_BENCH_PERSONS", 100_000);
    let runs = env_or("GUFEN_BENCH_RUNS", 3).max(1);
    let dir = tempfile::tempdir().unwrap();
    let (roster, roster_text) = sample_roster(dir.path(), persons);

    let mut import = (Vec::new(), Vec::new());
    let mut register = (Vec::new(), Vec::new());
    let mut lookup = Vec::new();
    for run in 0..runs {
        let db = dir.path().join(format!("store-{run}"));
        init_store(&db);
        let (s, mib) = import_roster(&db, &roster);
        import.0.push(s);
        import.1.push(mib);
        if run == 0 {
            print_disk_split(&db);
        }
        let (s, mib) = measure(
            gufen()
                .arg("--db")
                .arg(&db)
                .args(["--format", "json", "register"]),
        );
        register.0.push(s);
        register.1.push(mib);
        let first_id = roster_text
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_string();
        let (s, _) = measure(
            gufen()
                .arg("--db")
                .arg(&db)
                .args(["member", "show", "--id", &first_id]),
        );
        lookup.push(s);
        eprintln!(
            "run {run}: import {:.2} s, register {:.2} s, member show {:.3} s",
            import.0[run], register.0[run], lookup[run]
        );
    }
    let records = persons * 2 + 1;
    let import_s = median(import.0.clone());
    println!(
        "persons: {persons}; records in the store after import: {records}; runs: {runs} (medians)"
    );
    println!("import:      {import_s:.2} s  ({:.0} rows/s, {:.0} events/s)  peak RSS {:.0} MiB  [target ≤ 10 s]", persons as f64 / import_s, (persons * 2) as f64 / import_s, median(import.1));
    println!(
        "register:    {:.2} s  as JSON  peak RSS {:.0} MiB  [target ≤ 2 s]",
        median(register.0),
        median(register.1)
    );
    println!("member show: {:.3} s  (one command on a store of {records} records, process start included)", median(lookup));
}
