//! Given/when/then tests for every membership and allotment rule (R1–R9): each wrong case is
//! refused naming its rule, and deciding never changes the state.

use chrono::NaiveDate;
use gufen_core::command::Action;
use gufen_core::event::{HukouKind, LifeEvent};
use gufen_core::{
    apply, decide, report, Charter, Command, Event, PersonId, RosterRow, Rule, RuleViolation,
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
    given(&[
        register(charter),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
            row(D, "丁", "002", "basic", "1"),
        ]),
    ])
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
