//! Property: hukou is recorded and never acted on. For arbitrary command sequences, interleaving
//! any hukou changes leaves every decision (distribution drafts and their lines included), the
//! register, every holding, membership, household and distribution line on any record date
//! identical to the run without them (户籍与集体经济权益脱钩).
//!
//! The same runs check conservation after every command of the share lifecycle (allot,
//! transfer, gift, redeem, death, inherit, pledge, release, exit): units in issue change only by
//! allotment and cancelling redemption, every unit in issue is held by a person or the
//! collective share, and pledged units never exceed a holding.

use chrono::NaiveDate;
use gufen_core::charter::Rounding;
use gufen_core::command::{Action, Recorded};
use gufen_core::distribution::{self, DraftInput};
use gufen_core::event::{HukouKind, LifeEvent};
use gufen_core::{apply, decide, report, Charter, Command, Event, Fen, PersonId, State, Units};
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
            note: String::new(),
            resolution: None,
            other_collective: None,
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
        (0..6usize, 0..6usize, 1..20_000u64, any::<bool>(), 0..3usize).prop_map(
            |(i, j, units, gift, c)| Action::TransferShares {
                from: id(i),
                to: id(j),
                class: class(c),
                units: Units(units),
                price: Fen(0),
                gift,
            }
        ),
        (0..6usize, 1..20_000u64).prop_map(|(i, units)| Action::RedeemShares {
            person: id(i),
            class: None,
            units: Units(units),
            price: Fen(100),
            resolution: "R".into(),
            authority: Some(gufen_core::event::RedemptionAuthority::Consent("C".into())),
        }),
        (0..6usize, 1..20_000u64, 0..2u8, 0..3usize).prop_map(|(i, units, k, c)| {
            Action::PledgeShares {
                person: id(i),
                class: class(c),
                units: Units(units),
                pledgee: "银行".into(),
                contract: format!("C{i}-{k}"),
            }
        }),
        (0..6usize, 0..2u8).prop_map(|(i, k)| Action::ReleasePledge {
            person: id(i),
            contract: format!("C{i}-{k}"),
        }),
        (0..6usize).prop_map(|i| Action::RecordDeath { person: id(i) }),
        (0..6usize, prop::collection::vec(0..6usize, 1..4)).prop_map(|(i, heirs)| {
            Action::Inherit {
                from: id(i),
                heirs: heirs.into_iter().map(|h| (id(h), None)).collect(),
            }
        }),
        // Corrects the k-th event so far, or the k-th from the end (seq u64::MAX - k), filled in
        // by `run` from its log.
        (0..60u64, any::<bool>()).prop_map(|(k, from_end)| Action::Correct {
            reason: "更正".into(),
            original: Recorded {
                seq: if from_end { u64::MAX - k } else { k },
                date: day(0),
                event: Event::DeathRecorded(gufen_core::event::DeathRecorded { person: id(0) }),
            },
            related: Vec::new(),
        }),
        (0..6usize, any::<bool>()).prop_map(|(i, redeem)| Action::ExitMember {
            person: id(i),
            resolution: "R".into(),
            application: "A".into(),
            redeem: redeem.then_some(Fen(1_000)),
            authority: redeem.then(|| gufen_core::event::RedemptionAuthority::Consent("C".into())),
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
        action: Action::RegisterCollective {
            charter,
            loss_grounds: vec![],
        },
    };
    for event in decide(&state, &register).unwrap() {
        apply(&mut state, register.date, &event);
    }
    // Everyone starts as a member holding shares, so the lifecycle commands have units to move.
    let mut preamble: Vec<(bool, Command)> = vec![(
        false,
        Command {
            date: day(0),
            action: Action::AdoptQuantificationPlan {
                resolution: "Q".into(),
                // Enough for every allotment the runs make (the cap here is 100%).
                totals: vec![
                    ("basic".into(), Units(1_000_000_000)),
                    ("labor".into(), Units(1_000_000_000)),
                ],
            },
        },
    )];
    for i in 0..IDS.len() {
        for action in [
            Action::ConfirmMembership {
                person: id(i),
                name: format!("人{i}"),
                household: format!("00{}", i % 3),
                resolution: "R".into(),
            },
            Action::AllotShares {
                person: id(i),
                class: "basic".into(),
                units: Units(20_000 + 1_000 * i as u64),
                resolution: "Q".into(),
            },
        ] {
            preamble.push((
                false,
                Command {
                    date: day(0),
                    action,
                },
            ));
        }
    }
    let mut outcomes = Vec::new();
    let mut issued: u64 = 0;
    // Events of the non-hukou commands, so a correction's target is the same in both runs.
    let mut log: Vec<Recorded> = Vec::new();
    for (is_hukou, command) in preamble.iter().chain(commands) {
        let mut command = command.clone();
        if let Action::Correct {
            original, related, ..
        } = &mut command.action
        {
            let index = match u64::MAX - original.seq {
                k if k < 60 => log.len().checked_sub(1 + k as usize),
                _ => Some(original.seq as usize),
            };
            let Some(target) = index.and_then(|i| log.get(i)) else {
                continue;
            };
            *original = target.clone();
            *related = gufen_core::correction::related(original, &log);
        }
        let command = &command;
        let result = decide(&state, command);
        if !is_hukou {
            outcomes.push(format!("{result:?}"));
        }
        for event in result.unwrap_or_default() {
            match &event {
                Event::SharesAllotted(e) => issued += e.units,
                Event::SharesRedeemed(e) if !e.to_collective => issued -= e.units,
                Event::SharesRedeemedWithConsent(e) if !e.redeemed.to_collective => {
                    issued -= e.redeemed.units
                }
                Event::RecordCorrected(c) => match &c.reversal {
                    gufen_core::event::Reversal::Allotment(e) => issued -= e.units,
                    gufen_core::event::Reversal::Redemption(e) if !e.to_collective => {
                        issued += e.units
                    }
                    _ => {}
                },
                _ => {}
            }
            if !is_hukou {
                log.push(Recorded {
                    seq: log.len() as u64,
                    date: command.date,
                    event: event.clone(),
                });
            }
            apply(&mut state, command.date, &event);
        }
        check_conservation(&state, issued);
    }
    (outcomes, state)
}

/// None (the holder's only class), basic or labor.
fn class(choice: usize) -> Option<String> {
    [None, Some("basic".to_string()), Some("labor".to_string())][choice].clone()
}

/// Units in issue equal allotments less cancellations, and are all held; pledges fit holdings.
fn check_conservation(state: &State, issued: u64) {
    let collective = state.collective().expect("registered");
    assert_eq!(collective.units_total(), issued, "units in issue");
    let mut held: std::collections::BTreeMap<String, u64> = collective.holdings.clone();
    for person in state.persons() {
        for (class, units) in &person.holdings {
            *held.entry(class.clone()).or_insert(0) += units;
        }
        assert!(
            person.pledged_units() <= person.units_total(),
            "pledged units within the holding"
        );
        for (class, units) in &person.holdings {
            assert!(
                person.pledged_in(class) <= *units,
                "pledged {class} units within the {class} holding"
            );
        }
        assert!(
            person
                .pledges
                .iter()
                .filter_map(|p| p.class.as_deref())
                .all(|class| person.holdings.contains_key(class)),
            "a class pledged is a class held"
        );
    }
    held.retain(|_, units| *units > 0);
    let mut by_class = collective.units_by_class.clone();
    by_class.retain(|_, units| *units > 0);
    assert_eq!(held, by_class, "every unit in issue is held");
}

/// Everything a right depends on: the register, each person's membership, holdings and
/// household, and the distribution lines on several record dates.
fn rights(state: &State) -> (report::Register, Vec<String>, Vec<distribution::Lines>) {
    let persons = state
        .persons()
        .map(|p| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?}",
                p.id, p.membership, p.holdings, p.household, p.pledges, p.deceased_on
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
        base in prop::collection::vec(base_command(), 1..60),
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
