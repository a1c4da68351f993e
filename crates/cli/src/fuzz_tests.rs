//! Fuzz targets for the files people bring to the binary: rosters (`member import`), bank
//! payment files (`distribution pay --file`) and charters (`init`). Each mutates seeds from
//! `fixtures/fuzz/<target>/` with the ledger's fuzzer (`crates/ledger/tests/support/mutate.rs`)
//! and asserts only that reading returns, accepted or refused: never a panic or an abort. What a
//! parser accepts goes on to the domain's decision against a registered collective, as the
//! commands do.

#[path = "../../ledger/tests/support/mutate.rs"]
mod mutate;

use chrono::NaiveDate;
use gufen_core::command::Action;
use gufen_core::{apply, decide, Charter, Command, PersonId, State};
use proptest::prelude::*;
use std::sync::OnceLock;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The outcome of `command` against `state` with its events applied, as a write would be.
fn decide_and_apply(state: &mut State, command: &Command) {
    if let Ok(events) = decide(state, command) {
        for event in &events {
            apply(state, command.date, event);
        }
    }
}

/// The collective of the sample charter, registered.
fn registered() -> &'static State {
    static STATE: OnceLock<State> = OnceLock::new();
    STATE.get_or_init(|| {
        let text =
            std::fs::read_to_string(mutate::corpus_dir().join("charter/sample.toml")).unwrap();
        let (charter, loss_grounds) = Charter::read(&text).unwrap();
        let mut state = State::new();
        let command = Command {
            date: date("2017-12-31"),
            action: Action::RegisterCollective {
                charter,
                loss_grounds,
            },
        };
        let events = decide(&state, &command).unwrap();
        for event in &events {
            apply(&mut state, command.date, event);
        }
        state
    })
}

fn read_roster(bytes: Vec<u8>) {
    if let Ok(read) = crate::roster::parse_bytes(bytes, "roster.csv", crate::cli::Lang::En) {
        let rows = read.rows;
        let mut state = registered().clone();
        let command = Command {
            date: date("2017-12-31"),
            action: Action::ImportRoster {
                rows,
                resolution: "2017-1".into(),
            },
        };
        decide_and_apply(&mut state, &command);
    }
}

fn read_payments(bytes: Vec<u8>) {
    if let Ok(read) =
        crate::roster::parse_payments_bytes(bytes, "payments.csv", crate::cli::Lang::En)
    {
        let payments: Vec<_> = read
            .rows
            .into_iter()
            .filter_map(|(id, reference)| Some((PersonId::parse(&id).ok()?, reference)))
            .collect();
        let command = Command {
            date: date("2025-06-15"),
            action: Action::PayDividends {
                year: 2024,
                payments,
            },
        };
        let _ = decide(registered(), &command);
    }
}

fn read_charter(bytes: &[u8]) {
    // `init` refuses a charter that is not UTF-8 before reading it; the lossy text still
    // reaches the TOML reader with whatever the mutation made of it.
    let text = String::from_utf8_lossy(bytes);
    if let Ok((charter, loss_grounds)) = Charter::read(&text) {
        let command = Command {
            date: date("2017-12-31"),
            action: Action::RegisterCollective {
                charter,
                loss_grounds,
            },
        };
        decide_and_apply(&mut State::new(), &command);
    }
}

proptest! {
    #![proptest_config(mutate::config())]

    #[test]
    fn fuzz_roster(input in mutate::input(mutate::seeds("roster").len())) {
        read_roster(input.bytes(mutate::seeds("roster")));
    }

    #[test]
    fn fuzz_payments(input in mutate::input(mutate::seeds("payments").len())) {
        read_payments(input.bytes(mutate::seeds("payments")));
    }

    #[test]
    fn fuzz_charter(input in mutate::input(mutate::seeds("charter").len())) {
        read_charter(&input.bytes(mutate::seeds("charter")));
    }
}

/// Every seed is read as valid, so mutations start past the first check.
#[test]
fn every_seed_is_accepted() {
    for seed in mutate::seeds("roster") {
        let read = crate::roster::parse_bytes(seed.clone(), "seed", crate::cli::Lang::En).unwrap();
        assert!(!read.rows.is_empty());
    }
    for seed in mutate::seeds("payments") {
        let read = crate::roster::parse_payments_bytes(seed.clone(), "seed", crate::cli::Lang::En)
            .unwrap();
        for (id, _) in read.rows {
            PersonId::parse(&id).unwrap();
        }
    }
    for seed in mutate::seeds("charter") {
        let (charter, loss_grounds) = Charter::read(std::str::from_utf8(seed).unwrap()).unwrap();
        let command = Command {
            date: date("2017-12-31"),
            action: Action::RegisterCollective {
                charter,
                loss_grounds,
            },
        };
        decide(&State::new(), &command).unwrap();
    }
}
