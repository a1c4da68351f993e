//! Property: hukou is recorded and never acted on. For arbitrary command sequences, interleaving
//! any hukou changes leaves every decision (distribution drafts and their lines included), the
//! register, every holding, membership, household and distribution line on any record date
//! identical to the run without them (户籍与集体经济权益脱钩).

use chrono::NaiveDate;
use gufen_core::charter::Rounding;
use gufen_core::command::Action;
use gufen_core::distribution::{self, DraftInput};
use gufen_core::event::{HukouKind, LifeEvent};
use gufen_core::{apply, decide, report, Charter, Command, Fen, PersonId, State, Units};
use proptest::prelude::*;

const CHARTER: &str = include_str!("../../../fixtures/charter.toml");
const IDS: [&str; 6] = [
    "360426199101010071",
    "412723199010050012",
    "44011320141005001X",
    "110102199101010078",
    "110101199003072316",
    "410183199412042535",
];
const GROUNDS: [&str; 8] = [
    "death",
    "nationality",
    "other-collective",
    "civil-servant",
    "charter",
    "marriage",
    "hukou-moved",
    "study",
];

fn id(i: usize) -> PersonId {
    PersonId::parse(IDS[i % IDS.len()]).unwrap()
}

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 1, 1).unwrap() + chrono::Duration::days(i64::from(offset))
}

fn base_command() -> impl Strategy<Value = Command> {
    let action = prop_oneof![
        (0..6usize, 0..3u8).prop_map(|(i, h)| Action::ConfirmMembership {
            person: id(i),
            name: format!("人{i}"),
            household: format!("00{h}"),
            resolution: "R".into()
        }),
        (0..6usize, prop::bool::ANY, 1..30_000u64).prop_map(|(i, labor, units)| {
            Action::AllotShares {
                person: id(i),
                class: if labor {
                    "labor".into()
                } else {
                    "basic".into()
                },
                units: Units(units),
                resolution: "Q".into(),
            }
        }),
        (0..6usize, 0..GROUNDS.len()).prop_map(|(i, g)| Action::LoseMembership {
            person: id(i),
            ground: GROUNDS[g].into(),
            note: String::new()
        }),
        (0..6usize, 0..3u8).prop_map(|(i, h)| Action::MoveHousehold {
            person: id(i),
            to: format!("00{h}")
        }),
        (0..6usize, 0..3u8).prop_map(|(i, h)| Action::NameHouseholdHead {
            household: format!("00{h}"),
            person: id(i)
        }),
        (0..6usize, 0..LifeEvent::ALL.len()).prop_map(|(i, k)| Action::RecordLifeEvent {
            person: id(i),
            kind: LifeEvent::ALL[k],
            note: String::new()
        }),
        (0..1200u32, 1..1_000_000_000i64, any::<bool>()).prop_map(|(record, income, down)| {
            Action::DraftDistribution(DraftInput {
                year: 2020,
                record_date: day(record),
                income: Fen(income),
                losses: Fen(0),
                reserve_rate: None,
                welfare_rate: None,
                rounding: Some(if down {
                    Rounding::RoundDown
                } else {
                    Rounding::LargestRemainder
                }),
            })
        }),
    ];
    (action, 0..1200u32).prop_map(|(action, offset)| Command {
        date: day(offset),
        action,
    })
}

fn hukou_command() -> impl Strategy<Value = Command> {
    (0..6usize, prop::bool::ANY, 0..3usize, 0..3000u32).prop_map(|(i, urban, place, offset)| {
        Command {
            date: day(offset),
            action: Action::RecordHukou {
                person: id(i),
                kind: if urban {
                    HukouKind::Urban
                } else {
                    HukouKind::Rural
                },
                locality: ["郑州市金水区", "新密市", "北京市朝阳区"][place].into(),
            },
        }
    })
}

/// Runs commands, returning each base command's outcome (events or refusal) and the state.
fn run(commands: &[(bool, Command)]) -> (Vec<String>, State) {
    let charter = Charter::from_toml(
        &CHARTER
            .replace(
                "holding_cap_percent = \"3\"",
                "holding_cap_percent = \"100\"",
            )
            .replace("\"static\"", "\"dynamic\""),
    )
    .unwrap();
    let mut state = State::new();
    let register = Command {
        date: day(0),
        action: Action::RegisterCollective { charter },
    };
    for event in decide(&state, &register).unwrap() {
        apply(&mut state, register.date, &event);
    }
    let mut outcomes = Vec::new();
    for (is_hukou, command) in commands {
        let result = decide(&state, command);
        if !is_hukou {
            outcomes.push(format!("{result:?}"));
        }
        for event in result.unwrap_or_default() {
            apply(&mut state, command.date, &event);
        }
    }
    (outcomes, state)
}

/// Everything a right depends on: the register, each person's membership, holdings and
/// household, and the distribution lines on several record dates.
fn rights(state: &State) -> (report::Register, Vec<String>, Vec<distribution::Lines>) {
    let persons = state
        .persons()
        .map(|p| {
            format!(
                "{:?} {:?} {:?} {:?}",
                p.id, p.membership, p.holdings, p.household
            )
        })
        .collect();
    let collective = state.collective().expect("registered");
    let lines = [0, 300, 900, 3000]
        .into_iter()
        .map(|offset| {
            distribution::lines_on(
                state,
                collective,
                day(offset),
                Fen(987_654_321),
                Rounding::LargestRemainder,
            )
        })
        .collect();
    (report::register(state), persons, lines)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn hukou_changes_change_no_right(
        base in prop::collection::vec(base_command(), 1..40),
        hukou in prop::collection::vec((any::<prop::sample::Index>(), hukou_command()), 0..20),
    ) {
        let plain: Vec<(bool, Command)> = base.iter().cloned().map(|c| (false, c)).collect();
        let mut mixed = plain.clone();
        for (at, command) in hukou {
            let position = at.index(mixed.len() + 1);
            mixed.insert(position, (true, command));
        }
        let (plain_outcomes, plain_state) = run(&plain);
        let (mixed_outcomes, mixed_state) = run(&mixed);
        prop_assert_eq!(plain_outcomes, mixed_outcomes);
        prop_assert_eq!(rights(&plain_state), rights(&mixed_state));
    }
}
