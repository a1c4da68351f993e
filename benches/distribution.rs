//! Benchmark (prints figures; never a pass/fail timing): the yearly distribution for 100,000
//! holders. Through the real `gufen` binary on a store holding the imported roster, it times
//! `distribution draft` and `distribution post` (each durable: it returns after fsync), and
//! notice and approve for context, with each process's peak resident memory (wait4). In process,
//! it times the arithmetic alone: the plan from the state (weighted units on the record date and
//! the exact split), and the split by itself. Medians of several runs, each on a fresh copy of
//! the same store. Targets: draft + post ≤ 2 s; arithmetic ≤ 100 ms.
//!
//! Run: `cargo bench --bench distribution` (GUFEN_BENCH_PERSONS and GUFEN_BENCH_RUNS override).

mod common;

use chrono::NaiveDate;
use common::{copy_dir, env_or, gufen, import_roster, init_store, measure, median, sample_roster};
use gufen_core::charter::Rounding;
use gufen_core::command::Action;
use gufen_core::distribution::{self, DraftInput, Holder};
use gufen_core::{apply, decide, Charter, Command, Fen, RosterRow, State};
use std::time::Instant;

const CHARTER: &str = include_str!("../fixtures/charter.toml");

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The state after registering the collective and importing the roster, built in process.
fn state_from(roster: &str) -> State {
    let charter = Charter::from_toml(CHARTER).unwrap();
    let rows: Vec<RosterRow> = roster
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            RosterRow {
                id: f[0].into(),
                name: f[1].into(),
                household: f[2].into(),
                class: f[3].into(),
                units: f[4].into(),
            }
        })
        .collect();
    let mut state = State::new();
    for command in [
        Command {
            date: day("2017-06-30"),
            action: Action::RegisterCollective {
                charter,
                loss_grounds: vec![],
            },
        },
        Command {
            date: day("2017-12-31"),
            action: Action::ImportRoster {
                rows,
                resolution: "bench".into(),
            },
        },
    ] {
        for event in decide(&state, &command).unwrap() {
            apply(&mut state, command.date, &event);
        }
    }
    state
}

fn main() {
    let persons = env_or("GUFEN_BENCH_PERSONS", 100_000);
    let runs = env_or("GUFEN_BENCH_RUNS", 3).max(1);
    let dir = tempfile::tempdir().unwrap();
    let (roster, roster_text) = sample_roster(dir.path(), persons);
    let base = dir.path().join("base");
    init_store(&base);
    let (import_s, _) = import_roster(&base, &roster);
    eprintln!("setup: imported {persons} persons in {import_s:.2} s");

    let mut draft = (Vec::new(), Vec::new());
    let mut notice = Vec::new();
    let mut approve = Vec::new();
    let mut post = (Vec::new(), Vec::new());
    // The members' assembly is every member aged 18 or more on the day of the vote (R13): the
    // roster's IDs carry each birth date (characters 7 to 14), so count those born by 2008-01-22.
    let members = roster_text
        .lines()
        .skip(1)
        .filter(|line| line.get(6..14).is_some_and(|born| born <= "20080122"))
        .count()
        .to_string();
    for run in 0..runs {
        let db = dir.path().join(format!("run-{run}"));
        copy_dir(&base, &db);
        let step = |args: &[&str]| {
            let mut command = gufen();
            command
                .arg("--db")
                .arg(&db)
                .args(["distribution"])
                .args(args);
            measure(&mut command)
        };
        let (s, mib) = step(&[
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
        draft.0.push(s);
        draft.1.push(mib);
        notice.push(step(&["notice", "--year", "2025", "--date", "2026-01-06"]).0);
        approve.push(
            step(&[
                "approve",
                "--year",
                "2025",
                "--body",
                "members",
                "--for",
                &members,
                "--eligible",
                &members,
                "--resolution",
                "bench",
                "--date",
                "2026-01-22",
            ])
            .0,
        );
        let (s, mib) = step(&["post", "--year", "2025", "--date", "2026-01-23"]);
        post.0.push(s);
        post.1.push(mib);
        eprintln!(
            "run {run}: draft {:.2} s, notice {:.2} s, approve {:.2} s, post {:.2} s",
            draft.0[run], notice[run], approve[run], post.0[run]
        );
        std::fs::remove_dir_all(&db).unwrap();
    }

    // The arithmetic alone, in process: no store, no encoding, no I/O.
    let state = state_from(&roster_text);
    let collective = state.collective().unwrap();
    let input = DraftInput {
        year: 2025,
        record_date: day("2025-12-31"),
        income: Fen(9_876_543_210),
        losses: Fen(0),
        reserve_rate: None,
        welfare_rate: None,
        rounding: None,
    };
    let mut plan_s = Vec::new();
    let mut split_s = Vec::new();
    let mut lines = 0;
    for _ in 0..runs.max(5) {
        let started = Instant::now();
        let plan = distribution::draft(&state, collective, &input).unwrap();
        plan_s.push(started.elapsed().as_secs_f64());
        lines = plan.lines.len();
        let weights: Vec<(Holder, u64)> = plan
            .lines
            .iter()
            .map(|l| (Holder::Person(l.person.clone()), l.weighted_units))
            .collect();
        let started = Instant::now();
        let split = distribution::split(
            Fen(plan.distributable_fen),
            &weights,
            Rounding::LargestRemainder,
        );
        split_s.push(started.elapsed().as_secs_f64());
        assert_eq!(split.lines.len(), lines);
    }

    let (draft_s, post_s) = (median(draft.0), median(post.0));
    println!(
        "holders: {lines}; runs: {runs} (medians; each run on a fresh copy of the imported store)"
    );
    println!(
        "draft:   {draft_s:.2} s  peak RSS {:.0} MiB  (durable)",
        median(draft.1)
    );
    println!(
        "post:    {post_s:.2} s  peak RSS {:.0} MiB  ({} records in one batch, {:.0} records/s, durable)",
        median(post.1),
        lines + 1,
        (lines + 1) as f64 / post_s
    );
    println!("draft + post: {:.2} s  [target ≤ 2 s]", draft_s + post_s);
    println!(
        "notice:  {:.2} s   approve: {:.2} s  (for context)",
        median(notice),
        median(approve)
    );
    println!(
        "arithmetic alone: plan from the state {:.1} ms (weights on the record date + split), split alone {:.1} ms  [target ≤ 100 ms]",
        median(plan_s) * 1000.0,
        median(split_s) * 1000.0
    );
}
