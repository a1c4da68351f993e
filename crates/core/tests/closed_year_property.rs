//! Property (R17): once a year's plan is posted, no sequence of commands or corrections,
//! however back-dated, changes that year: the register as of its record date, the posted
//! dividends, and the lines a recomputation gives (what `verify --replay` checks) all stay as
//! they were posted.

use chrono::NaiveDate;
use gufen_core::charter::ApprovalBody;
use gufen_core::command::{Action, Recorded};
use gufen_core::distribution::{self, DraftInput};
use gufen_core::event::{HukouKind, RedemptionAuthority};
use gufen_core::{apply, decide, report, Charter, Command, Event, Fen, PersonId, State, Units};
use proptest::prelude::*;

const CHARTER: &str = include_str!("../../../fixtures/charter.toml");
/// Four adult members (so that any rule on who votes keeps the vote below valid).
const IDS: [&str; 4] = [
    "360426199101010071",
    "412723199010050012",
    "110102199101010078",
    "110101199003072316",
];
const RECORD_DATE: &str = "2024-12-31";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn id(i: usize) -> PersonId {
    PersonId::parse(IDS[i % IDS.len()]).unwrap()
}

fn on(day: NaiveDate, action: Action) -> Command {
    Command { date: day, action }
}

/// A ledger as a log of dated events and the state they fold into.
#[derive(Default)]
struct Log {
    state: State,
    records: Vec<(NaiveDate, Event)>,
}

impl Log {
    /// Runs a command; an accepted one is appended, a refused one leaves everything as it was.
    fn run(&mut self, command: &Command) -> bool {
        let Ok(events) = decide(&self.state, command) else {
            return false;
        };
        for event in events {
            apply(&mut self.state, command.date, &event);
            self.records.push((command.date, event));
        }
        true
    }

    /// A correction of record `seq`, decided on the records a ledger would read for it; None
    /// for the posting.
    fn correction(&self, seq: usize, day: NaiveDate) -> Option<Command> {
        let numbered: Vec<Recorded> = self
            .records
            .iter()
            .enumerate()
            .map(|(seq, (date, event))| Recorded {
                seq: seq as u64,
                date: *date,
                event: event.clone(),
            })
            .collect();
        let original = numbered[seq].clone();
        // The posting and its payment are left alone: undoing the posting is how a year
        // reopens, and undoing a payment is a change of the year's payments, not of its
        // register.
        if matches!(
            original.event,
            Event::DistributionPosted(_) | Event::DividendPaid(_)
        ) {
            return None;
        }
        let related = gufen_core::correction::related(&original, &numbered);
        Some(on(
            day,
            Action::Correct {
                reason: "录入错误".into(),
                original,
                related,
            },
        ))
    }

    /// The register as of `day`, rebuilt from the records effective on or before it.
    fn register_as_of(&self, day: NaiveDate) -> report::Register {
        let state = gufen_core::replay(
            self.records
                .iter()
                .filter(|(effective, _)| *effective <= day)
                .map(|(effective, event)| (*effective, event)),
        );
        report::register(&state)
    }
}

/// Four members with a share each, and the 2024 plan (record date 2024-12-31) posted.
fn posted() -> Log {
    let charter = Charter::from_toml(
        &CHARTER
            .replace(
                "holding_cap_percent = \"3\"",
                "holding_cap_percent = \"100\"",
            )
            .replace("management = \"static\"", "management = \"dynamic\""),
    )
    .unwrap();
    let mut log = Log::default();
    let mut setup = vec![
        on(
            date("2017-06-30"),
            Action::RegisterCollective {
                charter,
                loss_grounds: Vec::new(),
            },
        ),
        // The quantification plan the allotments cite, with room for later allotments (R6).
        on(
            date("2017-12-31"),
            Action::AdoptQuantificationPlan {
                resolution: "2017-2".into(),
                totals: vec![("basic".into(), Units(1_000_000))],
            },
        ),
    ];
    for i in 0..IDS.len() {
        setup.push(on(
            date("2017-12-31"),
            Action::ConfirmMembership {
                person: id(i),
                name: format!("成员{i}"),
                household: format!("00{}", i % 2),
                resolution: "2017-1".into(),
            },
        ));
        setup.push(on(
            date("2017-12-31"),
            Action::AllotShares {
                person: id(i),
                class: "basic".into(),
                units: Units(10_000),
                resolution: "2017-2".into(),
            },
        ));
    }
    setup.extend([
        on(
            date("2025-01-05"),
            Action::DraftDistribution(DraftInput {
                year: 2024,
                record_date: date(RECORD_DATE),
                income: Fen(1_000_003),
                losses: Fen(0),
                reserve_rate: None,
                welfare_rate: None,
                rounding: None,
            }),
        ),
        on(
            date("2025-01-06"),
            Action::NoticeDistribution { year: 2024 },
        ),
        on(
            date("2025-02-01"),
            Action::ApproveDistribution {
                year: 2024,
                body: ApprovalBody::Members,
                votes_for: 4,
                eligible: 4,
                resolution: "2025-1".into(),
            },
        ),
        on(date("2025-02-02"), Action::PostDistribution { year: 2024 }),
        // One line paid, so that the year's line states are there to stay unchanged.
        on(
            date("2025-02-03"),
            Action::PayDividend {
                year: 2024,
                person: id(0),
                reference: "BK-1".into(),
            },
        ),
    ]);
    for command in &setup {
        assert!(log.run(command), "setup {command:?} was refused");
    }
    assert_eq!(
        log.state.lines(2024).count(),
        1,
        "the paid line has its state"
    );
    log
}

/// One command of the share lifecycle about persons `a` and `b`, dated `day`.
fn command(kind: u8, a: usize, b: usize, day: NaiveDate) -> Command {
    let action = match kind % 10 {
        0 => Action::TransferShares {
            from: id(a),
            to: id(b),
            class: None,
            units: Units(1_000),
            price: Fen(0),
            gift: true,
        },
        1 => Action::RecordDeath { person: id(a) },
        2 => Action::AllotShares {
            person: id(a),
            class: "basic".into(),
            units: Units(5_000),
            resolution: "2017-2".into(),
        },
        3 => Action::LoseMembership {
            person: id(a),
            ground: "nationality".into(),
            note: String::new(),
            resolution: None,
            other_collective: None,
        },
        4 => Action::RedeemShares {
            person: id(a),
            class: None,
            units: Units(1_000),
            price: Fen(0),
            resolution: "赎回".into(),
            authority: Some(RedemptionAuthority::Consent("同意书".into())),
        },
        5 => Action::ExitMember {
            person: id(a),
            resolution: "退出".into(),
            application: "申请".into(),
            redeem: None,
            authority: None,
        },
        6 => Action::PledgeShares {
            person: id(a),
            class: None,
            units: Units(1_000),
            pledgee: "农商银行".into(),
            contract: format!("ZY-{a}-{day}"),
        },
        7 => Action::RecordHukou {
            person: id(a),
            kind: HukouKind::Urban,
            locality: "郑州市".into(),
        },
        8 => Action::Inherit {
            from: id(a),
            heirs: vec![(id(b), None)],
        },
        _ => Action::MoveHousehold {
            person: id(a),
            to: format!("10{b}"),
        },
    };
    on(day, action)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn back_dated_commands_never_change_a_posted_year(
        steps in proptest::collection::vec((any::<u8>(), 0..4usize, 0..4usize, 0..3_000u64), 1..40)
    ) {
        let mut log = posted();
        let record_date = date(RECORD_DATE);
        let register = log.register_as_of(record_date);
        let dividends = log.state.distribution(2024).unwrap().dividends.clone();
        let paid: Vec<_> = log.state.lines(2024).map(|(p, l)| (p.clone(), l.clone())).collect();
        for (kind, a, b, offset) in steps {
            let day = date("2018-01-01") + chrono::Days::new(offset);
            // One step in four corrects an earlier record instead (the posting itself is left
            // alone: undoing it is how a year reopens).
            if kind % 4 == 3 {
                let seq = (a * 31 + b * 7 + offset as usize) % log.records.len();
                if let Some(correction) = log.correction(seq, day) {
                    log.run(&correction);
                }
            } else {
                log.run(&command(kind / 4, a, b, day));
            }
        }
        prop_assert_eq!(log.register_as_of(record_date), register);
        let plan = log.state.distribution(2024).unwrap();
        prop_assert_eq!(&plan.dividends, &dividends);
        let paid_now: Vec<_> = log.state.lines(2024).map(|(p, l)| (p.clone(), l.clone())).collect();
        prop_assert_eq!(paid_now, paid);
        let collective = log.state.collective().unwrap();
        let recomputed = distribution::recompute(&log.state, collective, &plan.plan);
        prop_assert_eq!(recomputed.lines, plan.plan.lines.clone());
    }
}
