//! The given/when/then helpers every rules test uses: commands by name, `given` (commands that
//! must be accepted), `check_rejected` (refused naming its rule, the state unchanged), sample
//! villages, and `Journal`, a state with its numbered log for corrections.

pub use chrono::NaiveDate;
pub use gufen_core::amount::Percent;
pub use gufen_core::charter::{ApprovalBody, Rounding};
pub use gufen_core::command::{Action, Recorded};
pub use gufen_core::distribution::DraftInput;
pub use gufen_core::event::{HukouKind, LifeEvent, RedemptionAuthority};
pub use gufen_core::state::PlanStatus;
pub use gufen_core::{
    apply, decide, report, Charter, Command, Event, Fen, PersonId, RosterRow, Rule, RuleViolation,
    State, Units,
};

pub const CHARTER: &str = include_str!("../../../../fixtures/charter.toml");
pub const A: &str = "360426199101010071";
pub const B: &str = "412723199010050012";
pub const C: &str = "44011320141005001X";
pub const D: &str = "110102199101010078";

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub fn id(text: &str) -> PersonId {
    PersonId::parse(text).unwrap()
}

pub fn charter_with(replace: &[(&str, &str)]) -> Charter {
    let mut text = CHARTER.to_string();
    for (from, to) in replace {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    Charter::from_toml(&text).unwrap()
}

pub fn register(charter: Charter) -> Command {
    Command {
        date: date("2017-01-01"),
        action: Action::RegisterCollective {
            charter,
            loss_grounds: vec![],
        },
    }
}

pub fn confirm(person: &str, household: &str) -> Command {
    Command {
        date: date("2017-06-01"),
        action: Action::ConfirmMembership {
            person: id(person),
            name: format!("成员{}", &person[14..]),
            household: household.into(),
            resolution: "2017-1".into(),
        },
    }
}

/// The assembly adopts the plan "2017-2" that `allot` cites: `units` basic shares (R6). (The
/// sample villages are quantified by importing a roster under "2017-1", the plan it adopts.)
pub fn plan(units: &str, on: &str) -> Command {
    plan_of("basic", units, on)
}

/// The plan "2017-2" of `units` shares of `class`.
pub fn plan_of(class: &str, units: &str, on: &str) -> Command {
    Command {
        date: date(on),
        action: Action::AdoptQuantificationPlan {
            resolution: "2017-2".into(),
            totals: vec![(class.into(), Units::parse(units).unwrap())],
        },
    }
}

pub fn allot(person: &str, class: &str, shares: &str, on: &str) -> Command {
    Command {
        date: date(on),
        action: Action::AllotShares {
            person: id(person),
            class: class.into(),
            units: Units::parse(shares).unwrap(),
            resolution: "2017-2".into(),
        },
    }
}

pub fn lose(person: &str, ground: &str) -> Command {
    Command {
        date: date("2020-01-01"),
        action: Action::LoseMembership {
            person: id(person),
            ground: ground.into(),
            note: String::new(),
            resolution: None,
            other_collective: None,
        },
    }
}

/// Given these commands (each must be accepted), the state.
pub fn given(commands: &[Command]) -> State {
    let mut state = State::new();
    for command in commands {
        let events = decide(&state, command)
            .unwrap_or_else(|e| panic!("given {command:?} was refused: {e}"));
        for event in &events {
            apply(&mut state, command.date, event);
        }
    }
    state
}

/// When this command, then this rule refuses it, and the state is as it was.
pub fn check_rejected(state: &State, command: Command, rule: Rule) -> RuleViolation {
    let before = state.clone();
    let violation = decide(state, &command).expect_err("the command must be refused");
    assert_eq!(violation.rule(), rule, "{violation}");
    assert_eq!(*state, before);
    violation
}

pub fn village() -> State {
    given(&[
        register(charter_with(&[(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"50\"",
        )])),
        confirm(A, "001"),
        confirm(B, "001"),
        confirm(C, "002"),
        confirm(D, "002"),
    ])
}

/// A, B, C, D quantified with 1 basic share each by the plan's import (25% each).
pub fn quantified(cap: &str, management: &str) -> State {
    given(&quantified_commands(cap, management))
}

pub fn quantified_commands(cap: &str, management: &str) -> Vec<Command> {
    let charter = charter_with(&[
        (
            "holding_cap_percent = \"3\"",
            &format!("holding_cap_percent = \"{cap}\""),
        ),
        (
            "management = \"static\"",
            &format!("management = \"{management}\""),
        ),
    ]);
    vec![
        register(charter),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
            row(D, "丁", "002", "basic", "1"),
        ]),
    ]
}

pub fn row(id: &str, name: &str, household: &str, class: &str, units: &str) -> RosterRow {
    RosterRow {
        id: id.into(),
        name: name.into(),
        household: household.into(),
        class: class.into(),
        units: units.into(),
    }
}

pub fn import(rows: Vec<RosterRow>) -> Command {
    Command {
        date: date("2017-12-31"),
        action: Action::ImportRoster {
            rows,
            resolution: "2017-1".into(),
        },
    }
}

pub fn on(text: &str, action: Action) -> Command {
    Command {
        date: date(text),
        action,
    }
}

pub fn draft_input(year: u16, income_fen: i64, record: &str) -> DraftInput {
    DraftInput {
        year,
        record_date: date(record),
        income: Fen(income_fen),
        losses: Fen(0),
        reserve_rate: None,
        welfare_rate: None,
        rounding: None,
    }
}

pub fn draft(year: u16, income_fen: i64, record: &str, day: &str) -> Command {
    on(
        day,
        Action::DraftDistribution(draft_input(year, income_fen, record)),
    )
}

pub fn notice(year: u16, day: &str) -> Command {
    on(day, Action::NoticeDistribution { year })
}

pub fn approve(year: u16, votes_for: u64, eligible: u64, day: &str) -> Command {
    on(
        day,
        Action::ApproveDistribution {
            year,
            body: ApprovalBody::Members,
            votes_for,
            eligible,
            resolution: format!("{year}-分配"),
        },
    )
}

pub fn post(year: u16, day: &str) -> Command {
    on(day, Action::PostDistribution { year })
}

pub fn pay(year: u16, person: &str, day: &str) -> Command {
    on(
        day,
        Action::PayDividend {
            year,
            person: id(person),
            reference: format!("BANK-{year}-{}", &person[14..]),
        },
    )
}

/// Continues from a state with more commands, each of which must be accepted.
pub fn then(state: &State, commands: &[Command]) -> (State, Vec<Event>) {
    let mut state = state.clone();
    let mut all = Vec::new();
    for command in commands {
        let events =
            decide(&state, command).unwrap_or_else(|e| panic!("{command:?} was refused: {e}"));
        for event in &events {
            apply(&mut state, command.date, event);
        }
        all.extend(events);
    }
    (state, all)
}

/// The four-member village with one share each, its 2024 plan drafted and noticed.
pub fn noticed() -> State {
    then(
        &quantified("50", "dynamic"),
        &[
            draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
            notice(2024, "2025-01-06"),
        ],
    )
    .0
}

pub const E: &str = "110101199003072316";

pub fn transfer(from: &str, to: &str, shares: &str) -> Command {
    on(
        "2024-03-01",
        Action::TransferShares {
            from: id(from),
            to: id(to),
            class: None,
            units: Units::parse(shares).unwrap(),
            price: Fen(10_000),
            gift: false,
        },
    )
}

pub fn pledge(person: &str, shares: &str, contract: &str) -> Command {
    on(
        "2024-02-01",
        Action::PledgeShares {
            person: id(person),
            class: None,
            units: Units::parse(shares).unwrap(),
            pledgee: "农商银行".into(),
            contract: contract.into(),
        },
    )
}

pub fn death(person: &str) -> Command {
    on("2024-05-01", Action::RecordDeath { person: id(person) })
}

pub fn heirs(from: &str, heirs: &[(&str, Option<(u64, u64)>)]) -> Command {
    on(
        "2024-06-01",
        Action::Inherit {
            from: id(from),
            heirs: heirs.iter().map(|(h, f)| (id(h), *f)).collect(),
        },
    )
}

pub fn redeem(person: &str, shares: &str) -> Command {
    on(
        "2024-04-01",
        Action::RedeemShares {
            person: id(person),
            class: None,
            units: Units::parse(shares).unwrap(),
            price: Fen(50_000),
            resolution: "2024-赎回".into(),
            authority: Some(RedemptionAuthority::Consent("2024-同意书".into())),
        },
    )
}

pub fn exit(person: &str, redeem: Option<i64>) -> Command {
    on(
        "2024-07-01",
        Action::ExitMember {
            person: id(person),
            resolution: "2024-退出".into(),
            application: "2024-申请书".into(),
            redeem: redeem.map(Fen),
            authority: redeem.map(|_| RedemptionAuthority::Consent("2024-同意书".into())),
        },
    )
}

/// E: a non-member (say, a daughter living in the city) registered to inherit.
pub fn outsider_registered(state: &State) -> State {
    then(
        state,
        &[on(
            "2024-01-01",
            Action::RegisterPerson {
                person: id(E),
                name: "城里的女儿".into(),
                household: None,
            },
        )],
    )
    .0
}

pub fn units_of(state: &State, person: &str) -> u64 {
    state.person(&id(person)).unwrap().units_total()
}

/// A state with its log, numbered as the ledger numbers records: a correction reads its record
/// and the related records from the log, as the ledger does through its index.
pub struct Journal {
    pub state: State,
    pub log: Vec<Recorded>,
}

impl Journal {
    pub fn new(commands: &[Command]) -> Self {
        let mut journal = Journal {
            state: State::new(),
            log: Vec::new(),
        };
        journal.run(commands);
        journal
    }

    /// Runs commands that must be accepted; the seq of each one's first record.
    pub fn run(&mut self, commands: &[Command]) -> Vec<u64> {
        let mut firsts = Vec::new();
        for command in commands {
            let events = decide(&self.state, command)
                .unwrap_or_else(|e| panic!("{command:?} was refused: {e}"));
            firsts.push(self.log.len() as u64);
            for event in events {
                apply(&mut self.state, command.date, &event);
                self.log.push(Recorded {
                    seq: self.log.len() as u64,
                    date: command.date,
                    event,
                });
            }
        }
        firsts
    }

    /// The seq of the last record of this type.
    pub fn last(&self, type_name: &str) -> u64 {
        self.log
            .iter()
            .rev()
            .find(|r| r.event.type_name() == type_name)
            .unwrap_or_else(|| panic!("no {type_name} in the log"))
            .seq
    }

    pub fn correction(&self, seq: u64, day: &str) -> Command {
        let original = self.log[seq as usize].clone();
        let related = gufen_core::correction::related(&original, &self.log);
        on(
            day,
            Action::Correct {
                reason: "录入错误".into(),
                original,
                related,
            },
        )
    }

    /// The correction is refused naming R15 (state unchanged); its message.
    pub fn refused(&self, seq: u64, day: &str) -> String {
        check_rejected(&self.state, self.correction(seq, day), Rule::R15).to_string()
    }

    pub fn correct(&mut self, seq: u64, day: &str) {
        let command = self.correction(seq, day);
        self.run(&[command]);
    }

    pub fn person(&self, person: &str) -> &gufen_core::state::Person {
        self.state.person(&id(person)).unwrap()
    }

    pub fn members(&self) -> u64 {
        self.state.collective().unwrap().member_count
    }
}

pub fn quantified_journal() -> Journal {
    Journal::new(&quantified_commands("50", "dynamic"))
}
