//! Households and hukou: moves, heads, and hukou recorded without effect on any right. Each wrong case is refused
//! naming its rule, and deciding never changes the state.

use super::support::*;

#[test]
fn hukou_is_recorded_and_changes_nothing_else() {
    let before = given(&[
        register(charter_with(&[(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"100\"",
        )])),
        confirm(A, "001"),
        plan("2", "2017-06-01"),
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

/// Regression: a back-dated hukou record replaced a later one, so `member show` reported an
/// older hukou as the current one. The record with the latest effective date is in force.
#[test]
fn the_hukou_in_force_is_the_latest_dated_record() {
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
    let mut journal = Journal::new(&quantified_commands("50", "dynamic"));
    journal.run(&[
        hukou(HukouKind::Urban, "郑州市", "2021-03-01"),
        hukou(HukouKind::Rural, "本村", "2019-01-01"),
    ]);
    let current = journal.person(C).hukou.clone().unwrap();
    assert_eq!(
        (current.locality.as_str(), current.since),
        ("郑州市", date("2021-03-01"))
    );
    // The back-dated record is not in force: undoing it is refused, naming the one that is.
    let back_dated = journal.last("HukouRecorded");
    let message = journal.refused(back_dated, "2025-01-10");
    assert!(message.contains("in force instead"), "{message}");
    // Undoing the one in force puts the back-dated one in force.
    let in_force = back_dated - 1;
    journal.correct(in_force, "2025-01-10");
    let current = journal.person(C).hukou.clone().unwrap();
    assert_eq!(
        (current.locality.as_str(), current.since),
        ("本村", date("2019-01-01"))
    );
}

/// R16: a citizen ID typed into free text (a locality, a pledgee, a contract, a note) would be
/// printed whole on every paper showing that text; it is refused, whoever's ID it is.
#[test]
fn a_citizen_id_inside_free_text_is_refused() {
    let state = given(&[
        register(charter_with(&[(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"100\"",
        )])),
        confirm(A, "001"),
        confirm(B, "002"),
    ]);
    for locality in [format!("郑州{B}"), format!("{B}号"), format!("镇 {A} 号")] {
        let command = Command {
            date: date("2021-03-01"),
            action: Action::RecordHukou {
                person: id(A),
                kind: HukouKind::Urban,
                locality,
            },
        };
        let message = check_rejected(&state, command, Rule::Input).to_string();
        assert!(
            message.contains("R16") && !message.contains(B) && !message.contains(A),
            "{message}"
        );
    }
    // Digits that are not an ID (a wrong check character, a phone number) are text like any.
    let wrong_check = format!("{}{}", &B[..17], if B.ends_with('2') { '3' } else { '2' });
    for locality in [format!("郑州{wrong_check}"), "电话13800138000".to_string()] {
        let command = Command {
            date: date("2021-03-01"),
            action: Action::RecordHukou {
                person: id(A),
                kind: HukouKind::Urban,
                locality,
            },
        };
        assert!(decide(&state, &command).is_ok());
    }
}

/// Stored text is one line shown as written: control characters and characters that change the
/// direction text is shown in (a name can display as another) are refused.
#[test]
fn stored_text_holds_no_control_or_direction_characters() {
    let state = given(&[register(charter_with(&[])), confirm(A, "001")]);
    for locality in [
        "郑州\u{202e}市",
        "郑州\u{2066}市",
        "郑州\n市",
        "郑州\u{1b}[2J",
    ] {
        let command = Command {
            date: date("2021-03-01"),
            action: Action::RecordHukou {
                person: id(A),
                kind: HukouKind::Urban,
                locality: locality.into(),
            },
        };
        check_rejected(&state, command, Rule::Input);
    }
}
