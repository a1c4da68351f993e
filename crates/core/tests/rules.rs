//! Given/when/then tests for every membership, allotment and distribution rule (R1–R9,
//! R12–R14): each wrong case is refused naming its rule, and deciding never changes the state.

use chrono::NaiveDate;
use gufen_core::amount::Percent;
use gufen_core::charter::{ApprovalBody, Rounding};
use gufen_core::command::{Action, Recorded};
use gufen_core::distribution::DraftInput;
use gufen_core::event::{HukouKind, LifeEvent};
use gufen_core::state::PlanStatus;
use gufen_core::{
    apply, decide, report, Charter, Command, Event, Fen, PersonId, RosterRow, Rule, RuleViolation,
    State, Units,
};

const CHARTER: &str = include_str!("../../../fixtures/charter.toml");
const A: &str = "360426199101010071";
const B: &str = "412723199010050012";
const C: &str = "44011320141005001X";
const D: &str = "110102199101010078";

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn id(text: &str) -> PersonId {
    PersonId::parse(text).unwrap()
}

fn charter_with(replace: &[(&str, &str)]) -> Charter {
    let mut text = CHARTER.to_string();
    for (from, to) in replace {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    Charter::from_toml(&text).unwrap()
}

fn register(charter: Charter) -> Command {
    Command {
        date: date("2017-01-01"),
        action: Action::RegisterCollective { charter },
    }
}

fn confirm(person: &str, household: &str) -> Command {
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

fn allot(person: &str, class: &str, shares: &str, on: &str) -> Command {
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

fn lose(person: &str, ground: &str) -> Command {
    Command {
        date: date("2020-01-01"),
        action: Action::LoseMembership {
            person: id(person),
            ground: ground.into(),
            note: String::new(),
        },
    }
}

/// Given these commands (each must be accepted), the state.
fn given(commands: &[Command]) -> State {
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
fn check_rejected(state: &State, command: Command, rule: Rule) -> RuleViolation {
    let before = state.clone();
    let violation = decide(state, &command).expect_err("the command must be refused");
    assert_eq!(violation.rule(), rule, "{violation}");
    assert_eq!(*state, before);
    violation
}

fn village() -> State {
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

#[test]
fn r1_confirmation_cites_a_resolution() {
    let state = village();
    let mut command = confirm("110101199003072316", "003");
    if let Action::ConfirmMembership { resolution, .. } = &mut command.action {
        *resolution = "  ".into();
    }
    check_rejected(&state, command, Rule::R1);
}

#[test]
fn r1_a_member_is_not_confirmed_twice() {
    let message = check_rejected(&village(), confirm(A, "001"), Rule::R1).to_string();
    assert!(message.contains("already a member"), "{message}");
}

#[test]
fn r2_only_lawful_grounds_end_membership() {
    let state = village();
    check_rejected(&state, lose(A, "moved-away"), Rule::R2);
    for ground in [
        "death",
        "nationality",
        "other-collective",
        "civil-servant",
        "charter",
    ] {
        assert!(decide(&state, &lose(A, ground)).is_ok(), "{ground}");
    }
}

#[test]
fn r3_life_events_never_end_membership() {
    let state = village();
    for event in LifeEvent::ALL {
        check_rejected(&state, lose(C, event.as_str()), Rule::R3);
    }
    // Marriage is recorded as a life event, with no effect on membership or shares.
    let after = given(&[register(charter_with(&[])), confirm(C, "002")]);
    let mut married = after.clone();
    let command = Command {
        date: date("2019-10-01"),
        action: Action::RecordLifeEvent {
            person: id(C),
            kind: LifeEvent::Marriage,
            note: "外嫁".into(),
        },
    };
    for event in decide(&married.clone(), &command).unwrap() {
        apply(&mut married, command.date, &event);
    }
    assert!(married.person(&id(C)).unwrap().is_member());
    assert_eq!(report::register(&married), report::register(&after));
}

#[test]
fn r2_a_lost_membership_cannot_be_lost_again() {
    let state = given(&[
        register(charter_with(&[])),
        confirm(A, "001"),
        lose(A, "civil-servant"),
    ]);
    check_rejected(&state, lose(A, "death"), Rule::R1);
    assert_eq!(state.collective().unwrap().member_count, 0);
}

#[test]
fn r6_allotments_need_a_charter_class_a_resolution_and_a_member() {
    let state = village();
    check_rejected(
        &state,
        allot(A, "contribution", "1", "2017-12-31"),
        Rule::R6,
    );
    let mut no_resolution = allot(A, "basic", "1", "2017-12-31");
    if let Action::AllotShares { resolution, .. } = &mut no_resolution.action {
        resolution.clear();
    }
    check_rejected(&state, no_resolution, Rule::R6);
    let outsider = given(&[
        register(charter_with(&[])),
        confirm(A, "001"),
        lose(A, "nationality"),
    ]);
    check_rejected(&outsider, allot(A, "basic", "1", "2017-12-31"), Rule::R1);
}

/// A, B, C, D quantified with 1 basic share each by the plan's import (25% each).
fn quantified(cap: &str, management: &str) -> State {
    given(&quantified_commands(cap, management))
}

fn quantified_commands(cap: &str, management: &str) -> Vec<Command> {
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

#[test]
fn r7_static_management_allots_nothing_after_the_baseline() {
    let state = quantified("50", "static");
    let message =
        check_rejected(&state, allot(A, "basic", "0.0001", "2018-01-01"), Rule::R7).to_string();
    assert!(message.contains("2017-12-31"), "{message}");
    assert!(decide(&state, &allot(A, "basic", "0.0001", "2017-12-31")).is_ok());
    let dynamic = quantified("50", "dynamic");
    assert!(decide(&dynamic, &allot(A, "basic", "0.0001", "2024-01-01")).is_ok());
}

#[test]
fn r9_no_holder_above_the_cap_through_allotment() {
    let state = quantified("50", "static");
    // A: 1 + 3 of 7 shares is 57% > 50%; 1 + 1 of 5 is 40%.
    check_rejected(&state, allot(A, "basic", "3", "2017-12-31"), Rule::R9);
    assert!(decide(&state, &allot(A, "basic", "1", "2017-12-31")).is_ok());
    // Exactly at the cap is allowed: A holds 1 + 2 of 6 shares, 50%.
    assert!(decide(&state, &allot(A, "basic", "2", "2017-12-31")).is_ok());
    check_rejected(&state, allot(A, "basic", "2.0001", "2017-12-31"), Rule::R9);
}

fn row(id: &str, name: &str, household: &str, class: &str, units: &str) -> RosterRow {
    RosterRow {
        id: id.into(),
        name: name.into(),
        household: household.into(),
        class: class.into(),
        units: units.into(),
    }
}

fn import(rows: Vec<RosterRow>) -> Command {
    Command {
        date: date("2017-12-31"),
        action: Action::ImportRoster {
            rows,
            resolution: "2017-1".into(),
        },
    }
}

#[test]
fn an_import_confirms_and_allots_every_row() {
    let state = given(&[register(charter_with(&[(
        "holding_cap_percent = \"3\"",
        "holding_cap_percent = \"40\"",
    )]))]);
    let events = decide(
        &state,
        &import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "", ""),
            row(C, "丙", "002", "labor", "1.5"),
            row(D, "丁", "002", "basic", "1.5"),
        ]),
    )
    .unwrap();
    let kinds: Vec<&str> = events.iter().map(Event::type_name).collect();
    assert_eq!(
        kinds,
        [
            "MembershipConfirmed",
            "SharesAllotted",
            "MembershipConfirmed",
            "MembershipConfirmed",
            "SharesAllotted",
            "MembershipConfirmed",
            "SharesAllotted"
        ]
    );
}

#[test]
fn an_import_with_bad_rows_lists_every_one_and_writes_nothing() {
    let state = given(&[register(charter_with(&[])), confirm(D, "009")]);
    let command = import(vec![
        row(A, "甲", "001", "basic", "1"),
        row("360426199101010072", "乙", "001", "basic", "1"),
        row(A, "甲二", "001", "basic", "1"),
        row(C, "丙", "002", "gold", "1"),
        row(D, "丁", "009", "basic", "1"),
        row(B, "", "003", "basic", "1"),
        row("110101199003072316", "戊", "004", "basic", "-1"),
    ]);
    let before = state.clone();
    let Err(RuleViolation::Rows(rows)) = decide(&state, &command) else {
        panic!("expected row violations")
    };
    let listed: Vec<(usize, Rule)> = rows.iter().map(|r| (r.row, r.rule)).collect();
    assert_eq!(
        listed,
        vec![
            (1, Rule::R5),
            (2, Rule::Input),
            (3, Rule::R6),
            (4, Rule::R1),
            (5, Rule::Input),
            (6, Rule::Input)
        ]
    );
    assert_eq!(state, before);
}

#[test]
fn r9_the_cap_applies_to_an_import_as_a_whole() {
    let state = given(&[register(charter_with(&[]))]);
    // 3% of 4 shares: nobody may hold 1.
    check_rejected(
        &state,
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
            row(D, "丁", "002", "basic", "1"),
        ]),
        Rule::R9,
    );
}

#[test]
fn hukou_is_recorded_and_changes_nothing_else() {
    let before = given(&[
        register(charter_with(&[(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"100\"",
        )])),
        confirm(A, "001"),
        allot(A, "basic", "1", "2017-12-31"),
    ]);
    let mut after = before.clone();
    let command = Command {
        date: date("2021-03-01"),
        action: Action::RecordHukou {
            person: id(A),
            kind: HukouKind::Urban,
            locality: "郑州市".into(),
        },
    };
    for event in decide(&after.clone(), &command).unwrap() {
        apply(&mut after, command.date, &event);
    }
    let person = after.person(&id(A)).unwrap();
    assert_eq!(person.hukou.as_ref().unwrap().kind, HukouKind::Urban);
    assert!(person.is_member());
    assert_eq!(report::register(&after), report::register(&before));
    assert!(
        decide(&after, &allot(A, "basic", "1", "2017-12-31")).is_ok(),
        "an urban hukou still receives allotments"
    );
}

#[test]
fn households_move_and_name_their_head() {
    let mut state = village();
    let moved = Command {
        date: date("2020-01-01"),
        action: Action::MoveHousehold {
            person: id(A),
            to: "002".into(),
        },
    };
    let head = Command {
        date: date("2020-01-01"),
        action: Action::NameHouseholdHead {
            household: "002".into(),
            person: id(A),
        },
    };
    for command in [moved, head] {
        for event in decide(&state, &command).unwrap() {
            apply(&mut state, command.date, &event);
        }
    }
    assert_eq!(state.household("002").unwrap().head, Some(id(A)));
    assert!(!state.household("001").unwrap().persons.contains(&id(A)));
    let not_there = Command {
        date: date("2020-01-01"),
        action: Action::NameHouseholdHead {
            household: "001".into(),
            person: id(A),
        },
    };
    check_rejected(&state, not_there, Rule::R7);
}

#[test]
fn nothing_is_decided_before_the_collective_exists() {
    check_rejected(&State::new(), confirm(A, "001"), Rule::Input);
    check_rejected(&village(), register(charter_with(&[])), Rule::Input);
}

// ---- Distribution (R12–R14) ----

fn on(text: &str, action: Action) -> Command {
    Command {
        date: date(text),
        action,
    }
}

fn draft_input(year: u16, income_fen: i64, record: &str) -> DraftInput {
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

fn draft(year: u16, income_fen: i64, record: &str, day: &str) -> Command {
    on(
        day,
        Action::DraftDistribution(draft_input(year, income_fen, record)),
    )
}

fn notice(year: u16, day: &str) -> Command {
    on(day, Action::NoticeDistribution { year })
}

fn approve(year: u16, votes_for: u64, eligible: u64, day: &str) -> Command {
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

fn post(year: u16, day: &str) -> Command {
    on(day, Action::PostDistribution { year })
}

fn pay(year: u16, person: &str, day: &str) -> Command {
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
fn then(state: &State, commands: &[Command]) -> (State, Vec<Event>) {
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
fn noticed() -> State {
    then(
        &quantified("50", "dynamic"),
        &[
            draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
            notice(2024, "2025-01-06"),
        ],
    )
    .0
}

#[test]
fn r12_funds_in_order_and_every_fen_accounted_for() {
    let mut input = draft_input(2024, 1_000_001, "2024-12-31");
    input.losses = Fen(1);
    let state = quantified("50", "dynamic");
    let (state, events) = then(
        &state,
        &[on("2025-01-05", Action::DraftDistribution(input))],
    );
    let Event::DistributionDrafted(plan) = &events[0] else {
        panic!("a draft records the plan")
    };
    // 1,000,000 after losses: 10% reserve, 5% welfare, 850,000 to 4 equal holders.
    assert_eq!(
        (plan.reserve_fen, plan.welfare_fen, plan.distributable_fen),
        (100_000, 50_000, 850_000)
    );
    assert!(plan.lines.iter().all(|l| l.amount_fen == 212_500));
    assert_eq!(
        plan.lines.iter().map(|l| l.amount_fen).sum::<i64>() + plan.retained_fen,
        plan.distributable_fen
    );
    assert_eq!(
        state.distribution(2024).unwrap().status(),
        PlanStatus::Drafted
    );
}

#[test]
fn r12_rates_below_the_floors_and_losses_above_income_are_refused() {
    let state = quantified("50", "dynamic");
    let mut low = draft_input(2024, 1_000_000, "2024-12-31");
    low.reserve_rate = Some(Percent::parse("9.99").unwrap());
    let message = check_rejected(
        &state,
        on("2025-01-05", Action::DraftDistribution(low.clone())),
        Rule::R12,
    )
    .to_string();
    assert!(message.contains("floor"), "{message}");
    low.reserve_rate = None;
    low.welfare_rate = Some(Percent::parse("4").unwrap());
    check_rejected(
        &state,
        on("2025-01-05", Action::DraftDistribution(low.clone())),
        Rule::R12,
    );
    // A higher rate than the charter's is the board's choice.
    low.welfare_rate = Some(Percent::parse("20").unwrap());
    assert!(decide(&state, &on("2025-01-05", Action::DraftDistribution(low))).is_ok());
    let mut losses = draft_input(2024, 1_000, "2024-12-31");
    losses.losses = Fen(1_001);
    check_rejected(
        &state,
        on("2025-01-05", Action::DraftDistribution(losses)),
        Rule::R12,
    );
    // A charter whose rates are below its own floors is refused when it is read.
    let error = Charter::from_toml(&CHARTER.replace(
        "reserve_rate_percent = \"10\"",
        "reserve_rate_percent = \"5\"",
    ))
    .unwrap_err()
    .to_string();
    assert!(error.contains("R12"), "{error}");
}

#[test]
fn r13_approval_needs_the_notice_period_first() {
    let drafted = then(
        &quantified("50", "dynamic"),
        &[draft(2024, 1_000_000, "2024-12-31", "2025-01-05")],
    )
    .0;
    check_rejected(&drafted, approve(2024, 4, 4, "2025-03-01"), Rule::R13);
    let state = noticed();
    // Noticed on 2025-01-06 with 15 days: the 20th is too early, the 21st is the first day.
    let message = check_rejected(&state, approve(2024, 4, 4, "2025-01-20"), Rule::R13).to_string();
    assert!(message.contains("2025-01-21"), "{message}");
    assert!(decide(&state, &approve(2024, 4, 4, "2025-01-21")).is_ok());
}

#[test]
fn r13_approval_needs_two_thirds_of_all_members_on_the_register() {
    let state = noticed();
    let message = check_rejected(&state, approve(2024, 2, 4, "2025-02-01"), Rule::R13).to_string();
    assert!(message.contains("at least 3"), "{message}");
    assert!(decide(&state, &approve(2024, 3, 4, "2025-02-01")).is_ok());
    // The eligible count is every member on the register that day, not those who came.
    check_rejected(&state, approve(2024, 3, 3, "2025-02-01"), Rule::R13);
    check_rejected(&state, approve(2024, 4, 5, "2025-02-01"), Rule::R13);
    // A member lost before the vote is not eligible: 3 members, 2 of 3 is two thirds.
    let fewer = then(&state, &[lose(D, "nationality")]).0;
    check_rejected(&fewer, approve(2024, 3, 4, "2025-02-01"), Rule::R13);
    assert!(decide(&fewer, &approve(2024, 2, 3, "2025-02-01")).is_ok());
    // On a date before the loss (2020-01-01) the register still had 4.
    assert_eq!(
        fewer
            .collective()
            .unwrap()
            .member_count_on(date("2019-12-31")),
        4
    );
}

#[test]
fn r13_representatives_approve_only_where_the_charter_delegates() {
    let state = noticed();
    let mut command = approve(2024, 40, 50, "2025-02-01");
    if let Action::ApproveDistribution { body, .. } = &mut command.action {
        *body = ApprovalBody::Representatives;
    }
    check_rejected(&state, command.clone(), Rule::R13);
    let delegated = then(
        &given(&[
            register(charter_with(&[
                (
                    "holding_cap_percent = \"3\"",
                    "holding_cap_percent = \"50\"",
                ),
                (
                    "approval_body = \"members\"",
                    "approval_body = \"representatives\"",
                ),
            ])),
            import(vec![
                row(A, "甲", "001", "basic", "1"),
                row(B, "乙", "001", "basic", "1"),
                row(C, "丙", "002", "basic", "1"),
            ]),
        ]),
        &[
            draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
            notice(2024, "2025-01-06"),
        ],
    )
    .0;
    // 2/3 of all 50 representatives is 34 (33.3 rounded up).
    let mut short = command.clone();
    if let Action::ApproveDistribution { votes_for, .. } = &mut short.action {
        *votes_for = 33;
    }
    check_rejected(&delegated, short, Rule::R13);
    assert!(decide(&delegated, &command).is_ok());
}

#[test]
fn r13_post_only_after_approval_and_only_once() {
    let state = noticed();
    check_rejected(&state, post(2024, "2025-02-02"), Rule::R13);
    check_rejected(&state, post(2023, "2025-02-02"), Rule::R13);
    let (approved, _) = then(&state, &[approve(2024, 3, 4, "2025-02-01")]);
    let (posted, events) = then(&approved, &[post(2024, "2025-02-02")]);
    // One dividend per holder and the summary, in one batch.
    assert_eq!(events.len(), 5);
    assert!(matches!(events[4], Event::DistributionPosted(_)));
    let message = check_rejected(&posted, post(2024, "2025-02-03"), Rule::R13).to_string();
    assert!(message.contains("already posted"), "{message}");
    // Nor is a posted or approved plan redrafted or approved again.
    check_rejected(
        &posted,
        draft(2024, 5, "2024-12-31", "2025-03-01"),
        Rule::R13,
    );
    check_rejected(
        &approved,
        draft(2024, 5, "2024-12-31", "2025-03-01"),
        Rule::R13,
    );
    check_rejected(&approved, approve(2024, 4, 4, "2025-02-01"), Rule::R13);
}

#[test]
fn r13_a_draft_is_superseded_until_approved() {
    let state = noticed();
    let (redrafted, _) = then(
        &state,
        &[draft(2024, 2_000_000, "2024-12-31", "2025-01-10")],
    );
    let plan = redrafted.distribution(2024).unwrap();
    assert_eq!((plan.revision, plan.status()), (2, PlanStatus::Drafted));
    assert_eq!(plan.plan.income_fen, 2_000_000);
    // The new draft needs its own notice before a vote.
    check_rejected(&redrafted, approve(2024, 4, 4, "2025-03-01"), Rule::R13);
}

#[test]
fn r14_a_changed_register_before_the_record_date_blocks_posting() {
    let (approved, _) = then(&noticed(), &[approve(2024, 3, 4, "2025-02-01")]);
    // An allotment dated after the record date does not matter.
    let (later, _) = then(&approved, &[allot(A, "basic", "1", "2025-01-15")]);
    assert!(decide(&later, &post(2024, "2025-02-02")).is_ok());
    // One back-dated before it does: the approved plan no longer matches the register.
    let (changed, _) = then(&approved, &[allot(A, "basic", "1", "2024-06-30")]);
    let message = check_rejected(&changed, post(2024, "2025-02-02"), Rule::R14).to_string();
    assert!(message.contains("draft it again"), "{message}");
    // Then the approved plan may be redrafted, noticed and approved again.
    let (again, _) = then(
        &changed,
        &[
            draft(2024, 1_000_000, "2024-12-31", "2025-02-03"),
            notice(2024, "2025-02-03"),
            approve(2024, 3, 4, "2025-02-18"),
            post(2024, "2025-02-18"),
        ],
    );
    // A holds 2 of 5 shares: 2/5 of 850,000 fen.
    let a = again.distribution(2024).unwrap().dividend(&id(A)).unwrap();
    assert_eq!(a.amount_fen, 340_000);
}

#[test]
fn r14_the_collective_share_keeps_its_part() {
    let charter = charter_with(&[
        (
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"50\"",
        ),
        ("collective_share = false", "collective_share = true"),
    ]);
    let collective_allot = on(
        "2017-12-31",
        Action::AllotCollectiveShares {
            class: "basic".into(),
            units: Units::parse("1").unwrap(),
            resolution: "2017-1".into(),
        },
    );
    let state = given(&[
        register(charter),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
        ]),
        collective_allot.clone(),
    ]);
    let (posted, events) = then(
        &state,
        &[
            draft(2024, 1_000_001, "2024-12-31", "2025-01-05"),
            notice(2024, "2025-01-06"),
            approve(2024, 3, 3, "2025-01-21"),
            post(2024, "2025-01-22"),
        ],
    );
    let Event::DistributionDrafted(plan) = &events[0] else {
        panic!("the draft comes first")
    };
    // 850,001 fen over 4 equal shares: 212,500 each and one fen of remainder, which the tie
    // gives to the collective share (it sorts first). The collective keeps its part.
    assert_eq!(plan.collective_fen, 212_501);
    assert!(plan.lines.iter().all(|l| l.amount_fen == 212_500));
    assert_eq!(plan.lines.len(), 3);
    let declared: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Event::DividendDeclared(_)))
        .collect();
    assert_eq!(declared.len(), 3);
    assert_eq!(
        posted.distribution(2024).unwrap().status(),
        PlanStatus::Posted
    );
    // Where the charter keeps no collective share, none is allotted.
    check_rejected(&quantified("50", "static"), collective_allot, Rule::R6);
}

#[test]
fn r14_round_down_retains_the_remainder() {
    let mut input = draft_input(2024, 1_000, "2024-12-31");
    input.rounding = Some(Rounding::RoundDown);
    input.reserve_rate = Some(Percent::parse("10").unwrap());
    let (_, events) = then(
        &quantified("50", "dynamic"),
        &[
            allot(A, "basic", "0.5", "2017-12-31"),
            on("2025-01-05", Action::DraftDistribution(input)),
        ],
    );
    let Some(Event::DistributionDrafted(plan)) = events.last() else {
        panic!("a draft")
    };
    // 850 fen over weights 1.5, 1, 1, 1: 283.33, 188.89 ×3 → 283 + 188 × 3 = 847, 3 retained.
    let amount = |p: &str| {
        plan.lines
            .iter()
            .find(|l| l.person == id(p))
            .unwrap()
            .amount_fen
    };
    assert_eq!(
        [amount(A), amount(B), amount(C), amount(D)],
        [283, 188, 188, 188]
    );
    assert_eq!(plan.retained_fen, 3);
}

#[test]
fn dividends_are_paid_once_and_unpaid_ones_stay_owed_across_years() {
    let (approved, _) = then(&noticed(), &[approve(2024, 3, 4, "2025-02-01")]);
    check_rejected(&approved, pay(2024, A, "2025-02-05"), Rule::R14);
    let (state, _) = then(
        &approved,
        &[
            post(2024, "2025-02-02"),
            pay(2024, A, "2025-02-05"),
            draft(2025, 2_000_000, "2025-12-31", "2026-01-05"),
            notice(2025, "2026-01-05"),
            approve(2025, 4, 4, "2026-01-20"),
            post(2025, "2026-01-21"),
        ],
    );
    let message = check_rejected(&state, pay(2024, A, "2026-02-01"), Rule::Input).to_string();
    assert!(message.contains("already paid"), "{message}");
    // A was paid for 2024 only; B, C, D are owed both years.
    let owed = report::owed(&state);
    assert_eq!(owed.len(), 7);
    assert_eq!(
        owed.iter().filter(|l| l.year == 2024).count(),
        3,
        "2024 stays owed in 2026"
    );
}

#[test]
fn r10_a_deceased_holders_dividend_accrues_to_the_estate() {
    let (approved, _) = then(&noticed(), &[approve(2024, 3, 4, "2025-02-01")]);
    // B dies after the record date, before posting: B's line goes to the estate.
    let death = Command {
        date: date("2025-01-30"),
        ..lose(B, "death")
    };
    let (_, events) = then(&approved, &[death, post(2024, "2025-02-02")]);
    let estate: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            Event::DividendDeclared(d) => Some(d.estate),
            _ => None,
        })
        .collect();
    let b_index = [A, B, C, D]
        .iter()
        .map(|p| id(p))
        .collect::<std::collections::BTreeSet<_>>()
        .iter()
        .position(|p| *p == id(B))
        .unwrap();
    assert_eq!(estate.iter().filter(|e| **e).count(), 1);
    assert!(estate[b_index]);
}

#[test]
fn hukou_and_marriage_change_no_line() {
    let (approved, _) = then(&noticed(), &[approve(2024, 3, 4, "2025-02-01")]);
    let (moved, _) = then(
        &approved,
        &[
            on(
                "2024-03-01",
                Action::RecordHukou {
                    person: id(C),
                    kind: HukouKind::Urban,
                    locality: "郑州市金水区".into(),
                },
            ),
            on(
                "2024-05-01",
                Action::RecordLifeEvent {
                    person: id(C),
                    kind: LifeEvent::Marriage,
                    note: "外嫁".into(),
                },
            ),
        ],
    );
    // Back-dated before the record date, and still the plan posts unchanged.
    let (_, plain) = then(&approved, &[post(2024, "2025-02-02")]);
    let (_, mixed) = then(&moved, &[post(2024, "2025-02-02")]);
    assert_eq!(plain, mixed);
}

// ---- Share lifecycle (R4, R8–R11) ----

const E: &str = "110101199003072316";

fn transfer(from: &str, to: &str, shares: &str) -> Command {
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

fn pledge(person: &str, shares: &str, contract: &str) -> Command {
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

fn death(person: &str) -> Command {
    on("2024-05-01", Action::RecordDeath { person: id(person) })
}

fn heirs(from: &str, heirs: &[(&str, Option<(u64, u64)>)]) -> Command {
    on(
        "2024-06-01",
        Action::Inherit {
            from: id(from),
            heirs: heirs.iter().map(|(h, f)| (id(h), *f)).collect(),
        },
    )
}

fn redeem(person: &str, shares: &str) -> Command {
    on(
        "2024-04-01",
        Action::RedeemShares {
            person: id(person),
            class: None,
            units: Units::parse(shares).unwrap(),
            price: Fen(50_000),
            resolution: "2024-赎回".into(),
        },
    )
}

fn exit(person: &str, redeem: Option<i64>) -> Command {
    on(
        "2024-07-01",
        Action::ExitMember {
            person: id(person),
            resolution: "2024-退出".into(),
            redeem: redeem.map(Fen),
        },
    )
}

/// E: a non-member (say, a daughter living in the city) registered to inherit.
fn outsider_registered(state: &State) -> State {
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

fn units_of(state: &State, person: &str) -> u64 {
    state.person(&id(person)).unwrap().units_total()
}

#[test]
fn r11_pledged_units_block_transfer_redemption_and_exit_until_released() {
    let (pledged, _) = then(&quantified("50", "dynamic"), &[pledge(A, "0.6", "质押-1")]);
    assert_eq!(
        report::register(&pledged)
            .holders
            .iter()
            .map(|h| h.pledged_units)
            .sum::<u64>(),
        6_000
    );
    // 0.4 of A's share is free: 0.5 cannot go anywhere, 0.4 can.
    check_rejected(&pledged, transfer(A, B, "0.5"), Rule::R11);
    check_rejected(&pledged, redeem(A, "0.5"), Rule::R11);
    check_rejected(&pledged, exit(A, None), Rule::R11);
    check_rejected(&pledged, pledge(A, "0.5", "质押-2"), Rule::R11);
    assert!(decide(&pledged, &transfer(A, B, "0.4")).is_ok());
    // A contract pledges once, and only an open pledge is released.
    check_rejected(&pledged, pledge(B, "0.1", "质押-1"), Rule::Input);
    let release = |person: &str| {
        on(
            "2024-03-01",
            Action::ReleasePledge {
                person: id(person),
                contract: "质押-1".into(),
            },
        )
    };
    check_rejected(&pledged, release(B), Rule::R11);
    let (released, _) = then(&pledged, &[release(A)]);
    assert!(decide(&released, &transfer(A, B, "0.5")).is_ok());
}

#[test]
fn r11_a_pledge_names_its_class_and_binds_only_those_units() {
    let (state, _) = then(
        &quantified("50", "dynamic"),
        &[allot(A, "labor", "0.5", "2024-01-15")],
    );
    let class_pledge = |class: Option<&str>, shares: &str, contract: &str| {
        let mut command = pledge(A, shares, contract);
        if let Action::PledgeShares { class: named, .. } = &mut command.action {
            *named = class.map(str::to_string);
        }
        command
    };
    // A holds two classes: the pledge must name one, and holds no more than that class.
    check_rejected(&state, class_pledge(None, "0.5", "质押-1"), Rule::Input);
    check_rejected(
        &state,
        class_pledge(Some("labor"), "0.6", "质押-1"),
        Rule::R11,
    );
    let (pledged, events) = then(&state, &[class_pledge(Some("labor"), "0.5", "质押-1")]);
    assert!(matches!(
        &events[0],
        Event::SharesPledgedInClass(e) if e.class == "labor" && e.pledge.units == 5_000
    ));
    let a = pledged.person(&id(A)).unwrap();
    assert_eq!((a.free_units("labor"), a.free_units("basic")), (0, 10_000));
    // The pledged labour-years units cannot move; the basic share is free.
    let moving = |class: &str, shares: &str| Command {
        date: date("2024-03-01"),
        action: Action::TransferShares {
            from: id(A),
            to: id(B),
            class: Some(class.into()),
            units: Units::parse(shares).unwrap(),
            price: Fen(10_000),
            gift: false,
        },
    };
    check_rejected(&pledged, moving("labor", "0.1"), Rule::R11);
    assert!(decide(&pledged, &moving("basic", "1")).is_ok());
    // A pledge recorded before pledges named a class binds units of the whole holding.
    let mut legacy = state.clone();
    apply(
        &mut legacy,
        date("2024-02-01"),
        &Event::SharesPledged(gufen_core::event::SharesPledged {
            person: id(A),
            units: 12_000,
            pledgee: "农商银行".into(),
            contract: "质押-0".into(),
        }),
    );
    let a = legacy.person(&id(A)).unwrap();
    assert_eq!(
        (a.free_units("basic"), a.free_units("labor")),
        (3_000, 3_000)
    );
    check_rejected(&legacy, moving("basic", "0.4"), Rule::R11);
    assert!(decide(&legacy, &moving("basic", "0.3")).is_ok());
}

#[test]
fn r8_shares_pass_only_between_current_members() {
    let state = outsider_registered(&quantified("50", "dynamic"));
    // An outsider unknown to the ledger, a non-member heir, the deceased, an exited member.
    check_rejected(&state, transfer(A, "410183199412042535", "0.1"), Rule::R8);
    check_rejected(&state, transfer(A, E, "0.1"), Rule::R8);
    let (b_died, _) = then(&state, &[death(B)]);
    check_rejected(&b_died, transfer(A, B, "0.1"), Rule::R8);
    let (c_left, _) = then(&state, &[exit(C, None)]);
    let message = check_rejected(&c_left, transfer(A, C, "0.1"), Rule::R8).to_string();
    assert!(message.contains("exited"), "{message}");
    // A non-member holder cannot pass shares on either; the collective may redeem them.
    check_rejected(&c_left, transfer(C, A, "0.1"), Rule::R8);
    assert!(decide(&c_left, &redeem(C, "1")).is_ok());
    // Between members, a transfer and a gift are accepted; more than is held is not.
    let (moved, _) = then(&state, &[transfer(A, D, "0.5")]);
    assert_eq!((units_of(&moved, A), units_of(&moved, D)), (5_000, 15_000));
    check_rejected(&moved, transfer(A, D, "0.6"), Rule::Input);
    let mut gift = transfer(A, C, "0.5");
    if let Action::TransferShares { price, gift: g, .. } = &mut gift.action {
        (*price, *g) = (Fen(0), true);
    }
    assert!(decide(&moved, &gift).is_ok());
}

#[test]
fn r9_the_cap_holds_for_transfers_and_a_holding_above_it_is_kept_but_never_increased() {
    let state = quantified("50", "dynamic");
    // C: 1 + 1 of 4 is exactly 50%; 1 + 1.5 is above.
    let (a_more, _) = then(&state, &[transfer(B, A, "0.5")]);
    check_rejected(&a_more, transfer(A, C, "1.5"), Rule::R9);
    let (at_cap, _) = then(&state, &[transfer(A, C, "1")]);
    assert_eq!(units_of(&at_cap, C), 20_000);
    // Redemption shrinks the issue: C's 2 of 3 shares is above the cap, and is kept.
    let (above, _) = then(&at_cap, &[redeem(D, "1")]);
    assert_eq!(above.collective().unwrap().units_total(), 30_000);
    assert_eq!(units_of(&above, C), 20_000);
    check_rejected(&above, transfer(B, C, "0.1"), Rule::R9);
    // C may still give shares away.
    assert!(decide(&above, &transfer(C, B, "0.5")).is_ok());
}

#[test]
fn r10_an_estate_is_settled_by_exact_fractions_to_members_and_non_members() {
    let state = outsider_registered(&quantified("50", "dynamic"));
    check_rejected(&state, heirs(A, &[(C, None)]), Rule::R10);
    let (died, events) = then(&state, &[death(A)]);
    // The death ends membership (R2) and leaves the holding as an estate.
    assert!(matches!(events[0], Event::MembershipLost(_)));
    assert_eq!(died.collective().unwrap().member_count, 3);
    assert_eq!(units_of(&died, A), 10_000);
    check_rejected(&died, death(A), Rule::Input);
    check_rejected(
        &died,
        heirs(A, &[(C, Some((1, 3))), (E, Some((1, 3)))]),
        Rule::R10,
    );
    check_rejected(&died, heirs(A, &[(C, Some((1, 3))), (E, None)]), Rule::R10);
    check_rejected(
        &died,
        heirs(A, &[(C, Some((0, 1))), (E, Some((1, 1)))]),
        Rule::R10,
    );
    check_rejected(&died, heirs(A, &[(C, None), (C, None)]), Rule::R10);
    check_rejected(
        &died,
        heirs(A, &[(C, None), ("410183199412042535", None)]),
        Rule::Input,
    );
    let (b_died, _) = then(&died, &[death(B)]);
    check_rejected(&b_died, heirs(A, &[(B, None), (C, None)]), Rule::R10);
    // 1 share = 10,000 units: 1/3 is 3,333.33 and 2/3 is 6,666.67; the larger fraction gets the unit.
    let (settled, _) = then(&died, &[heirs(A, &[(C, Some((1, 3))), (E, Some((2, 3)))])]);
    assert_eq!(units_of(&settled, A), 0);
    assert_eq!(units_of(&settled, C), 10_000 + 3_333);
    assert_eq!(units_of(&settled, E), 6_667);
    // The non-member heir holds income rights only: not a member, not counted.
    let heir = settled.person(&id(E)).unwrap();
    assert!(!heir.is_member());
    assert_eq!(settled.collective().unwrap().member_count, 3);
    assert_eq!(settled.collective().unwrap().units_total(), 40_000);
    // Nothing is left to settle.
    check_rejected(&settled, heirs(A, &[(C, None)]), Rule::R10);
}

#[test]
fn r10_an_equal_split_gives_remainder_units_by_id() {
    let (died, _) = then(&quantified("50", "dynamic"), &[death(D)]);
    let (settled, _) = then(&died, &[heirs(D, &[(C, None), (B, None), (A, None)])]);
    // 10,000 / 3: each fraction is equal, so the one unit left goes to the smallest ID (C).
    let ids: std::collections::BTreeSet<PersonId> = [A, B, C].iter().map(|p| id(p)).collect();
    let first = ids.iter().next().unwrap().clone();
    for p in [A, B, C] {
        let expected = if id(p) == first { 13_334 } else { 13_333 };
        assert_eq!(units_of(&settled, p), expected, "{p}");
    }
}

#[test]
fn r9_inheritance_counts_toward_the_cap_only_where_the_charter_says() {
    let counting = given(&[
        register(charter_with(&[
            (
                "holding_cap_percent = \"3\"",
                "holding_cap_percent = \"50\"",
            ),
            (
                "inheritance_counts_toward_cap = false",
                "inheritance_counts_toward_cap = true",
            ),
        ])),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
            row(D, "丁", "002", "basic", "1"),
        ]),
    ]);
    let (died, _) = then(&counting, &[death(A), death(B)]);
    let (one, _) = then(&died, &[heirs(A, &[(C, None)])]);
    // C would hold 3 of 4 shares.
    check_rejected(&one, heirs(B, &[(C, None)]), Rule::R9);
    let (default_charter, _) = then(
        &quantified("50", "dynamic"),
        &[death(A), death(B), heirs(A, &[(C, None)])],
    );
    assert!(decide(&default_charter, &heirs(B, &[(C, None)])).is_ok());
}

#[test]
fn r4_exit_needs_consent_and_redeems_or_keeps_the_units() {
    let state = quantified("50", "dynamic");
    let mut no_resolution = exit(A, None);
    if let Action::ExitMember { resolution, .. } = &mut no_resolution.action {
        resolution.clear();
    }
    check_rejected(&state, no_resolution, Rule::R4);
    // Keeping the units: a non-member holder with income rights.
    let (kept, _) = then(&state, &[exit(A, None)]);
    assert!(!kept.person(&id(A)).unwrap().is_member());
    assert_eq!(units_of(&kept, A), 10_000);
    assert_eq!(kept.collective().unwrap().member_count, 3);
    check_rejected(&kept, exit(A, None), Rule::R4);
    // Redeeming every unit: cancelled, since this charter keeps no collective share.
    let (redeemed, events) = then(&state, &[exit(B, Some(80_000))]);
    assert!(matches!(events[0], Event::SharesRedeemed(_)));
    assert_eq!(units_of(&redeemed, B), 0);
    assert_eq!(redeemed.collective().unwrap().units_total(), 30_000);
}

#[test]
fn redeemed_units_go_to_the_collective_share_where_the_charter_keeps_one() {
    let state = given(&[
        register(charter_with(&[
            (
                "holding_cap_percent = \"3\"",
                "holding_cap_percent = \"50\"",
            ),
            ("collective_share = false", "collective_share = true"),
        ])),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
        ]),
    ]);
    let (after, _) = then(&state, &[redeem(A, "0.5")]);
    let collective = after.collective().unwrap();
    assert_eq!(collective.units_total(), 30_000);
    assert_eq!(collective.holdings["basic"], 5_000);
    let mut no_resolution = redeem(A, "0.1");
    if let Action::RedeemShares { resolution, .. } = &mut no_resolution.action {
        resolution.clear();
    }
    check_rejected(&state, no_resolution, Rule::R8);
}

#[test]
fn an_estate_is_paid_its_dividends_and_then_the_heirs_are() {
    let state = outsider_registered(&quantified("50", "dynamic"));
    let cycle =
        |year: u16, record: &str, day: &str, notice_day: &str, vote: &str, eligible: u64| {
            vec![
                draft(year, 1_000_000, record, day),
                notice(year, notice_day),
                approve(year, eligible, eligible, vote),
                post(year, vote),
            ]
        };
    let (estate_year, _) = then(
        &state,
        &[
            vec![death(A)],
            cycle(
                2024,
                "2024-12-31",
                "2025-01-05",
                "2025-01-05",
                "2025-01-20",
                3,
            ),
        ]
        .concat(),
    );
    let line = estate_year
        .distribution(2024)
        .unwrap()
        .dividend(&id(A))
        .unwrap()
        .clone();
    assert!(line.estate);
    assert_eq!(line.amount_fen, 212_500);
    let (settled, _) = then(
        &estate_year,
        &[
            vec![on(
                "2025-03-01",
                Action::Inherit {
                    from: id(A),
                    heirs: vec![(id(C), Some((1, 2))), (id(E), Some((1, 2)))],
                },
            )],
            cycle(
                2025,
                "2025-12-31",
                "2026-01-05",
                "2026-01-05",
                "2026-01-20",
                3,
            ),
        ]
        .concat(),
    );
    let year = settled.distribution(2025).unwrap();
    assert!(year.dividend(&id(A)).is_none());
    assert_eq!(year.dividend(&id(E)).unwrap().amount_fen, 106_250);
    assert_eq!(year.dividend(&id(C)).unwrap().amount_fen, 318_750);
}

#[test]
fn units_cannot_leave_a_holding_on_a_date_before_they_were_held() {
    // Regression (found by the conservation property): a transfer dated before the allotment
    // it draws on made the holding negative on the dates in between.
    let (state, _) = then(
        &quantified("50", "dynamic"),
        &[allot(A, "basic", "1", "2024-06-01")],
    );
    let mut early = transfer(A, B, "1.5");
    early.date = date("2024-03-01");
    let message = check_rejected(&state, early.clone(), Rule::Input).to_string();
    assert!(message.contains("from 2024-03-01"), "{message}");
    early.date = date("2024-06-01");
    assert!(decide(&state, &early).is_ok());
}

// ---- Corrections (R15) ----

/// A state with its log, numbered as the ledger numbers records: a correction reads its record
/// and the related records from the log, as the ledger does through its index.
struct Journal {
    state: State,
    log: Vec<Recorded>,
}

impl Journal {
    fn new(commands: &[Command]) -> Self {
        let mut journal = Journal {
            state: State::new(),
            log: Vec::new(),
        };
        journal.run(commands);
        journal
    }

    /// Runs commands that must be accepted; the seq of each one's first record.
    fn run(&mut self, commands: &[Command]) -> Vec<u64> {
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
    fn last(&self, type_name: &str) -> u64 {
        self.log
            .iter()
            .rev()
            .find(|r| r.event.type_name() == type_name)
            .unwrap_or_else(|| panic!("no {type_name} in the log"))
            .seq
    }

    fn correction(&self, seq: u64, day: &str) -> Command {
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
    fn refused(&self, seq: u64, day: &str) -> String {
        check_rejected(&self.state, self.correction(seq, day), Rule::R15).to_string()
    }

    fn correct(&mut self, seq: u64, day: &str) {
        let command = self.correction(seq, day);
        self.run(&[command]);
    }

    fn person(&self, person: &str) -> &gufen_core::state::Person {
        self.state.person(&id(person)).unwrap()
    }

    fn members(&self) -> u64 {
        self.state.collective().unwrap().member_count
    }
}

fn quantified_journal() -> Journal {
    Journal::new(&quantified_commands("50", "dynamic"))
}

#[test]
fn r15_an_allotment_is_undone_by_a_compensating_event_once() {
    let mut journal = quantified_journal();
    let [wrong] = journal.run(&[allot(A, "basic", "0.5", "2024-06-01")])[..] else {
        unreachable!()
    };
    journal.correct(wrong, "2025-01-10");
    assert_eq!(units_of(&journal.state, A), 10_000);
    assert_eq!(journal.state.collective().unwrap().units_total(), 40_000);
    let message = journal.refused(wrong, "2025-01-11");
    assert!(message.contains("already been corrected"), "{message}");
    // A correction states its reason, and is never dated before the record it corrects.
    let mut fresh = quantified_journal();
    let [wrong] = fresh.run(&[allot(A, "basic", "0.5", "2024-06-01")])[..] else {
        unreachable!()
    };
    let mut no_reason = fresh.correction(wrong, "2025-01-10");
    if let Action::Correct { reason, .. } = &mut no_reason.action {
        reason.clear();
    }
    check_rejected(&fresh.state, no_reason, Rule::R15);
    check_rejected(
        &fresh.state,
        fresh.correction(wrong, "2024-05-31"),
        Rule::Input,
    );
}

#[test]
fn r15_a_correction_is_refused_where_later_records_depend_on_it() {
    let mut journal = quantified_journal();
    let seqs = journal.run(&[
        allot(A, "basic", "0.5", "2024-01-15"),
        transfer(A, B, "1.2"),
    ]);
    let (allotment, moved) = (seqs[0], seqs[1]);
    let message = journal.refused(allotment, "2025-01-10");
    assert!(
        message.contains(&format!("{moved} (SharesTransferred)")),
        "{message}"
    );
    // Nor is a transfer undone once the giver has died: the units would go back to an estate.
    let mut died = Journal {
        state: journal.state.clone(),
        log: journal.log.clone(),
    };
    died.run(&[death(A)]);
    let message = died.refused(moved, "2025-01-10");
    let death_seq = died.last("DeathRecorded");
    assert!(
        message.contains(&format!("{death_seq} (DeathRecorded)")),
        "{message}"
    );
    // The transfer itself can be undone while the giver is a member and B still holds the units;
    // then the allotment no longer has anything standing on it.
    journal.correct(moved, "2025-01-10");
    assert_eq!(
        (units_of(&journal.state, A), units_of(&journal.state, B)),
        (15_000, 10_000)
    );
    journal.correct(allotment, "2025-01-10");
    assert_eq!(units_of(&journal.state, A), 10_000);
}

#[test]
fn r15_pledges_releases_and_wrongful_losses_are_corrected() {
    let mut journal = quantified_journal();
    let seqs = journal.run(&[pledge(A, "0.5", "ZY-1"), lose(B, "nationality")]);
    journal.correct(seqs[0], "2025-01-10");
    journal.correct(seqs[1], "2025-01-10");
    assert_eq!(journal.person(A).pledged_units(), 0);
    assert!(journal.person(B).is_member());
    assert_eq!(journal.members(), 4);
    // A release recorded by mistake: the pledge is open again, as registered.
    let seqs = journal.run(&[
        pledge(C, "0.5", "ZY-2"),
        on(
            "2024-03-01",
            Action::ReleasePledge {
                person: id(C),
                contract: "ZY-2".into(),
            },
        ),
    ]);
    journal.correct(seqs[1], "2025-01-10");
    let reopened = &journal.person(C).pledges;
    assert_eq!(
        (reopened.len(), reopened[0].units, reopened[0].since),
        (1, 5_000, date("2024-02-01"))
    );
    check_rejected(&journal.state, transfer(C, D, "1"), Rule::R11);
}

#[test]
fn r15_a_release_is_not_undone_once_the_units_are_gone() {
    let mut journal = quantified_journal();
    let seqs = journal.run(&[
        pledge(A, "0.5", "ZY-1"),
        on(
            "2024-02-15",
            Action::ReleasePledge {
                person: id(A),
                contract: "ZY-1".into(),
            },
        ),
        transfer(A, B, "0.8"),
    ]);
    let message = journal.refused(seqs[1], "2025-01-10");
    assert!(
        message.contains(&format!("{} (SharesTransferred)", seqs[2])),
        "{message}"
    );
}

#[test]
fn r15_redemptions_exits_and_mistaken_life_events_are_corrected() {
    let mut journal = quantified_journal();
    let seqs = journal.run(&[
        redeem(A, "0.5"),
        exit(B, None),
        on(
            "2024-08-01",
            Action::RecordLifeEvent {
                person: id(C),
                kind: LifeEvent::Marriage,
                note: String::new(),
            },
        ),
    ]);
    assert_eq!(journal.state.collective().unwrap().units_total(), 35_000);
    for seq in seqs {
        journal.correct(seq, "2025-01-10");
    }
    assert_eq!(units_of(&journal.state, A), 10_000);
    assert_eq!(journal.state.collective().unwrap().units_total(), 40_000);
    assert!(journal.person(B).is_member());
    assert_eq!(journal.members(), 4);
}

#[test]
fn r15_a_death_is_undone_with_its_estate_first() {
    let mut journal = quantified_journal();
    journal.run(&[death(C)]);
    let (loss, died) = (
        journal.last("MembershipLost"),
        journal.last("DeathRecorded"),
    );
    // The loss by death goes with the death record, never alone.
    let message = journal.refused(loss, "2025-01-10");
    assert!(
        message.contains(&format!("record {died} (DeathRecorded)")),
        "{message}"
    );
    let [settled] = journal.run(&[heirs(C, &[(A, None), (D, None)])])[..] else {
        unreachable!()
    };
    let message = journal.refused(died, "2025-01-10");
    assert!(
        message.contains(&format!("{settled} (EstateSettled)")),
        "{message}"
    );
    // The settlement is undone first: the heirs' units go back to the estate.
    journal.correct(settled, "2025-01-10");
    assert_eq!(
        [A, C, D].map(|p| units_of(&journal.state, p)),
        [10_000, 10_000, 10_000]
    );
    assert!(journal.person(C).is_deceased());
    // Then the death: C is a living member again, counted from the correction's date.
    journal.correct(died, "2025-01-10");
    let c = journal.person(C);
    assert!(c.is_member() && !c.is_deceased());
    assert_eq!(journal.members(), 4);
    let collective = journal.state.collective().unwrap();
    assert!(!collective.deceased.contains(&id(C)));
    assert_eq!(collective.member_count_on(date("2025-01-09")), 3);
    assert_eq!(collective.member_count_on(date("2025-01-10")), 4);
}

#[test]
fn r15_a_settlement_is_not_undone_once_an_heir_has_passed_the_units_on() {
    let mut journal = quantified_journal();
    let seqs = journal.run(&[
        death(C),
        heirs(C, &[(D, None)]),
        Command {
            date: date("2024-07-01"),
            ..transfer(D, A, "0.6")
        },
        Command {
            date: date("2024-07-01"),
            ..transfer(D, B, "0.6")
        },
    ]);
    // D received 1 share and keeps 0.8 of the 2 held.
    let message = journal.refused(seqs[1], "2025-01-10");
    assert!(
        message.contains(&format!(
            "{} (SharesTransferred), {} (SharesTransferred)",
            seqs[2], seqs[3]
        )),
        "{message}"
    );
}

#[test]
fn r15_a_confirmation_is_undone_once_nothing_stands_on_it() {
    let mut journal = quantified_journal();
    let confirmed = journal
        .log
        .iter()
        .find(|r| matches!(&r.event, Event::MembershipConfirmed(c) if c.person == id(D)))
        .unwrap()
        .seq;
    let allotted = journal
        .log
        .iter()
        .find(|r| matches!(&r.event, Event::SharesAllotted(a) if a.person == id(D)))
        .unwrap()
        .seq;
    let message = journal.refused(confirmed, "2025-01-10");
    assert!(
        message.contains(&format!("{allotted} (SharesAllotted)")),
        "{message}"
    );
    journal.correct(allotted, "2025-01-10");
    journal.correct(confirmed, "2025-01-10");
    let d = journal.person(D);
    assert_eq!(d.membership, gufen_core::state::Membership::None);
    assert_eq!(d.household, None);
    assert!(!journal
        .state
        .household("002")
        .unwrap()
        .persons
        .contains(&id(D)));
    assert_eq!(journal.members(), 3);
    // A re-admission recorded by mistake: the earlier loss is in force again.
    let mut journal = quantified_journal();
    journal.run(&[lose(B, "nationality")]);
    let again = on(
        "2021-01-01",
        Action::ConfirmMembership {
            person: id(B),
            name: "乙".into(),
            household: "001".into(),
            resolution: "2021-1".into(),
        },
    );
    let [readmitted] = journal.run(&[again])[..] else {
        unreachable!()
    };
    assert!(journal.person(B).is_member());
    journal.correct(readmitted, "2021-02-01");
    assert!(matches!(
        journal.person(B).membership,
        gufen_core::state::Membership::Lost {
            ground: gufen_core::event::LossGround::Nationality,
            ended,
            ..
        } if ended == date("2020-01-01")
    ));
    assert_eq!(journal.person(B).household.as_deref(), Some("001"));
}

#[test]
fn r15_household_moves_heads_and_hukou_go_back_to_what_was_before() {
    let mut journal = quantified_journal();
    let head = |number: &str, person: &str| {
        on(
            "2024-02-01",
            Action::NameHouseholdHead {
                household: number.into(),
                person: id(person),
            },
        )
    };
    let hukou = |kind: HukouKind, locality: &str, day: &str| {
        on(
            day,
            Action::RecordHukou {
                person: id(C),
                kind,
                locality: locality.into(),
            },
        )
    };
    let seqs = journal.run(&[
        head("001", A),
        head("001", B),
        on(
            "2024-03-01",
            Action::MoveHousehold {
                person: id(C),
                to: "003".into(),
            },
        ),
        head("003", C),
        hukou(HukouKind::Urban, "杭州市", "2024-04-01"),
        hukou(HukouKind::Rural, "本村", "2024-05-01"),
    ]);
    let [_, b_head, moved, c_head, urban, rural] = seqs[..] else {
        unreachable!()
    };
    // A move is undone only while the person is still where it put them, and not its head.
    let message = journal.refused(moved, "2025-01-10");
    assert!(
        message.contains(&format!("{c_head} (HouseholdHeadNamed)")),
        "{message}"
    );
    journal.correct(c_head, "2025-01-10");
    assert_eq!(journal.state.household("003").unwrap().head, None);
    journal.correct(moved, "2025-01-10");
    assert_eq!(journal.person(C).household.as_deref(), Some("002"));
    assert!(!journal
        .state
        .household("003")
        .unwrap()
        .persons
        .contains(&id(C)));
    // The head named before is head again.
    journal.correct(b_head, "2025-01-10");
    assert_eq!(journal.state.household("001").unwrap().head, Some(id(A)));
    // A hukou record superseded by a later one is not the one in force.
    let message = journal.refused(urban, "2025-01-10");
    assert!(
        message.contains(&format!("{rural} (HukouRecorded)")),
        "{message}"
    );
    journal.correct(rural, "2025-01-10");
    let restored = journal.person(C).hukou.clone().unwrap();
    assert_eq!(
        (restored.kind, restored.locality.as_str(), restored.since),
        (HukouKind::Urban, "杭州市", date("2024-04-01"))
    );
    journal.correct(urban, "2025-01-10");
    assert_eq!(journal.person(C).hukou, None);
    assert!(journal.person(C).is_member());
}

#[test]
fn r15_a_plan_is_undone_step_by_step_from_its_last_one() {
    let mut journal = quantified_journal();
    journal.run(&[
        draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
        notice(2024, "2025-01-06"),
        approve(2024, 4, 4, "2025-01-25"),
        post(2024, "2025-01-26"),
        pay(2024, A, "2025-01-27"),
    ]);
    let seq = |t: &str| journal.last(t);
    let (drafted, noticed, approved, posted, paid) = (
        seq("DistributionDrafted"),
        seq("DistributionNoticed"),
        seq("DistributionApproved"),
        seq("DistributionPosted"),
        seq("DividendPaid"),
    );
    let line = seq("DividendDeclared");
    let message = journal.refused(line, "2025-02-01");
    assert!(
        message.contains(&format!("record {posted} (DistributionPosted)")),
        "{message}"
    );
    let message = journal.refused(drafted, "2025-02-01");
    assert!(
        message.contains(&format!("{noticed} (DistributionNoticed)")),
        "{message}"
    );
    let message = journal.refused(approved, "2025-02-01");
    assert!(
        message.contains(&format!("{posted} (DistributionPosted)")),
        "{message}"
    );
    let message = journal.refused(posted, "2025-02-01");
    assert!(
        message.contains("1 of its dividends have been paid"),
        "{message}"
    );
    // The payment, then the posting: every dividend is withdrawn and the plan is approved again.
    journal.correct(paid, "2025-02-01");
    let plan = journal.state.distribution(2024).unwrap();
    assert!(plan.dividend(&id(A)).unwrap().paid.is_none());
    journal.correct(posted, "2025-02-01");
    let plan = journal.state.distribution(2024).unwrap();
    assert_eq!(
        (plan.status(), plan.dividends.len()),
        (PlanStatus::Approved, 0)
    );
    // It can be posted again as it stands, or taken back further, to no plan at all.
    assert!(decide(&journal.state, &post(2024, "2025-02-02")).is_ok());
    journal.correct(approved, "2025-02-01");
    journal.correct(noticed, "2025-02-01");
    assert_eq!(
        journal.state.distribution(2024).unwrap().status(),
        PlanStatus::Drafted
    );
    journal.correct(drafted, "2025-02-01");
    assert!(journal.state.distribution(2024).is_none());
    assert!(decide(
        &journal.state,
        &draft(2024, 1_000_000, "2024-12-31", "2025-02-02")
    )
    .is_ok());
}

#[test]
fn r15_a_redraft_is_superseded_by_drafting_again_not_withdrawn() {
    let mut journal = quantified_journal();
    let seqs = journal.run(&[
        draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
        draft(2024, 900_000, "2024-12-31", "2025-01-06"),
    ]);
    let message = journal.refused(seqs[0], "2025-02-01");
    assert!(
        message.contains(&format!(
            "record {} (DistributionDrafted) superseded",
            seqs[1]
        )),
        "{message}"
    );
    let message = journal.refused(seqs[1], "2025-02-01");
    assert!(message.contains("draft the plan again"), "{message}");
}

#[test]
fn r15_a_registration_and_a_collective_allotment_are_undone() {
    let charter = charter_with(&[
        (
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"100\"",
        ),
        ("management = \"static\"", "management = \"dynamic\""),
        ("collective_share = false", "collective_share = true"),
    ]);
    let mut journal = Journal::new(&[
        register(charter),
        import(vec![row(A, "甲", "001", "basic", "1")]),
    ]);
    let seqs = journal.run(&[
        on(
            "2018-01-01",
            Action::AllotCollectiveShares {
                class: "basic".into(),
                units: Units::parse("1").unwrap(),
                resolution: "2018-1".into(),
            },
        ),
        on(
            "2018-02-01",
            Action::RegisterPerson {
                person: id(E),
                name: "城里的女儿".into(),
                household: Some("001".into()),
            },
        ),
        on(
            "2018-03-01",
            Action::RecordHukou {
                person: id(E),
                kind: HukouKind::Urban,
                locality: "上海市".into(),
            },
        ),
    ]);
    journal.correct(seqs[0], "2018-06-01");
    let collective = journal.state.collective().unwrap();
    assert_eq!(
        (collective.units_total(), collective.holdings.get("basic")),
        (10_000, Some(&0))
    );
    let message = journal.refused(seqs[1], "2018-06-01");
    assert!(
        message.contains(&format!("{} (HukouRecorded)", seqs[2])),
        "{message}"
    );
    journal.correct(seqs[2], "2018-06-01");
    journal.correct(seqs[1], "2018-06-01");
    assert!(journal.state.person(&id(E)).is_none());
    assert!(!journal
        .state
        .household("001")
        .unwrap()
        .persons
        .contains(&id(E)));
}

#[test]
fn r15_a_record_no_longer_in_force_is_not_undone_and_the_later_one_is_named() {
    let mut journal = quantified_journal();
    let head = |person: &str| {
        on(
            "2024-02-01",
            Action::NameHouseholdHead {
                household: "001".into(),
                person: id(person),
            },
        )
    };
    let move_c = |to: &str, day: &str| {
        on(
            day,
            Action::MoveHousehold {
                person: id(C),
                to: to.into(),
            },
        )
    };
    let readmit = on(
        "2021-01-01",
        Action::ConfirmMembership {
            person: id(B),
            name: "乙".into(),
            household: "001".into(),
            resolution: "2021-1".into(),
        },
    );
    let first_confirmation = journal
        .log
        .iter()
        .find(|r| matches!(&r.event, Event::MembershipConfirmed(c) if c.person == id(B)))
        .unwrap()
        .seq;
    let seqs = journal.run(&[
        lose(B, "nationality"),
        readmit,
        pledge(A, "0.5", "ZY-1"),
        on(
            "2024-02-15",
            Action::ReleasePledge {
                person: id(A),
                contract: "ZY-1".into(),
            },
        ),
        head(A),
        head(B),
        move_c("003", "2024-03-01"),
        move_c("004", "2024-03-02"),
    ]);
    let [lost, readmitted, pledged, released, a_head, b_head, to_003, to_004] = seqs[..] else {
        unreachable!()
    };
    let named = |seq: u64, day: &str, later: u64, type_name: &str| {
        let message = journal.refused(seq, day);
        assert!(
            message.contains(&format!("{later} ({type_name})")),
            "{message}"
        );
    };
    named(lost, "2024-06-01", readmitted, "MembershipConfirmed");
    named(
        first_confirmation,
        "2024-06-01",
        readmitted,
        "MembershipConfirmed",
    );
    named(pledged, "2024-06-01", released, "PledgeReleased");
    named(a_head, "2024-06-01", b_head, "HouseholdHeadNamed");
    named(to_003, "2024-06-01", to_004, "HouseholdMoved");
    // The first records of the ledger, and corrections themselves, are not undone.
    let message = journal.refused(0, "2024-06-01");
    assert!(message.contains("first record"), "{message}");
    journal.correct(to_004, "2024-06-01");
    let correction = journal.last("RecordCorrected");
    let message = journal.refused(correction, "2024-06-02");
    assert!(message.contains("not itself undone"), "{message}");
}
