//! The calendar (R17): nothing before the collective's registration or a person's first record,
//! nothing of a person's own after their death, a death not before their own records, ends
//! after beginnings, and a posted plan's record date closed until its posting is corrected.
//! Each wrong date is refused naming R17 with the state unchanged, beside its passing twin.

use super::support::*;

fn life_event(person: &str, day: &str) -> Command {
    on(
        day,
        Action::RecordLifeEvent {
            person: id(person),
            kind: LifeEvent::Marriage,
            note: String::new(),
        },
    )
}

fn hukou(person: &str, day: &str) -> Command {
    on(
        day,
        Action::RecordHukou {
            person: id(person),
            kind: HukouKind::Urban,
            locality: "郑州市".into(),
        },
    )
}

#[test]
fn r17_nothing_is_dated_before_the_collective_was_registered() {
    let state = given(&[register(charter_with(&[]))]);
    let mut early = confirm(A, "001");
    early.date = date("2016-12-31");
    let message = check_rejected(&state, early, Rule::R17).to_string();
    assert!(message.contains("2017-01-01"), "{message}");
    let mut on_the_day = confirm(A, "001");
    on_the_day.date = date("2017-01-01");
    given(&[register(charter_with(&[])), on_the_day]);
}

#[test]
fn r17_nothing_about_a_person_is_dated_before_their_first_record() {
    let state = outsider_registered(&quantified("50", "dynamic"));
    let message = check_rejected(&state, hukou(E, "2023-12-31"), Rule::R17).to_string();
    assert!(
        message.contains("first recorded on 2024-01-01"),
        "{message}"
    );
    assert!(!message.contains(E), "the ID is masked: {message}");
    then(&state, &[hukou(E, "2024-01-01")]);
}

#[test]
fn r17_nothing_of_a_persons_own_after_their_death() {
    let (died, _) = then(&quantified("50", "dynamic"), &[death(A)]);
    check_rejected(&died, life_event(A, "2024-05-02"), Rule::R17);
    check_rejected(&died, hukou(A, "2024-06-01"), Rule::R17);
    // Back-dated within their life, it is accepted.
    then(&died, &[life_event(A, "2024-04-30")]);
}

#[test]
fn r17_a_death_is_not_dated_before_a_record_of_the_persons_own() {
    let (moved, _) = then(&quantified("50", "dynamic"), &[transfer(A, B, "0.5")]);
    let mut early = death(A);
    early.date = date("2024-02-29");
    let message = check_rejected(&moved, early, Rule::R17).to_string();
    assert!(message.contains("2024-03-01"), "{message}");
    let mut same_day = death(A);
    same_day.date = date("2024-03-01");
    then(&moved, &[same_day]);
    // A hukou record is never one (R3): it does not stand in the way of an earlier death.
    let (recorded, _) = then(&quantified("50", "dynamic"), &[hukou(A, "2024-06-01")]);
    then(&recorded, &[death(A)]);
}

#[test]
fn r17_ends_come_after_their_beginnings() {
    let state = quantified("50", "dynamic");
    // A loss before the membership began (the import confirmed A on 2017-12-31).
    let mut early_loss = lose(A, "nationality");
    early_loss.date = date("2017-12-30");
    check_rejected(&state, early_loss, Rule::R17);
    // A settlement before the death.
    let (died, _) = then(&state, &[death(A)]);
    let mut early_settlement = heirs(A, &[(B, None)]);
    early_settlement.date = date("2024-04-30");
    check_rejected(&died, early_settlement, Rule::R17);
    then(&died, &[heirs(A, &[(B, None)])]);
    // A release before its pledge, and a pledge of units not yet held on its date.
    let (pledged, _) = then(&state, &[pledge(A, "0.5", "ZY-1")]);
    let release = |day: &str| {
        on(
            day,
            Action::ReleasePledge {
                person: id(A),
                contract: "ZY-1".into(),
            },
        )
    };
    check_rejected(&pledged, release("2024-01-31"), Rule::R17);
    then(&pledged, &[release("2024-02-01")]);
    let (allotted, _) = then(
        &state,
        &[
            plan("10", "2024-06-01"),
            allot(A, "basic", "1", "2024-06-01"),
        ],
    );
    let mut early_pledge = pledge(A, "1.5", "ZY-2");
    early_pledge.date = date("2024-05-31");
    check_rejected(&allotted, early_pledge, Rule::R17);
    let mut later_pledge = pledge(A, "1.5", "ZY-2");
    later_pledge.date = date("2024-06-01");
    then(&allotted, &[later_pledge]);
}

/// The four-member village with its 2024 plan (record date 2024-12-31) posted.
fn posted() -> Journal {
    let mut journal = Journal::new(&quantified_commands("50", "dynamic"));
    journal.run(&[
        // A plan with units left to allot, so that an allotment is refused by the calendar alone.
        plan("10", "2017-12-31"),
        draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
        notice(2024, "2025-01-06"),
        approve(2024, 2, 3, "2025-02-01"),
        post(2024, "2025-02-02"),
    ]);
    journal
}

#[test]
fn r17_a_posted_plan_closes_its_record_date_until_the_posting_is_corrected() {
    let mut journal = posted();
    let back_dated = [
        transfer(A, B, "0.5"),
        death(C),
        allot(D, "basic", "1", "2024-06-01"),
        lose(B, "nationality"),
    ];
    for command in back_dated.clone() {
        let message = check_rejected(&journal.state, command, Rule::R17).to_string();
        assert!(message.contains("posted 2024 plan"), "{message}");
        assert!(message.contains("2024-12-31"), "{message}");
    }
    // On the record date itself, too; the day after it is open.
    let mut on_record_date = transfer(A, B, "0.5");
    on_record_date.date = date("2024-12-31");
    check_rejected(&journal.state, on_record_date, Rule::R17);
    let mut after = transfer(A, B, "0.5");
    after.date = date("2025-01-01");
    then(&journal.state, &[after]);
    // What changes no line stays open: a hukou record, a life event.
    then(
        &journal.state,
        &[hukou(A, "2024-06-01"), life_event(A, "2024-06-01")],
    );
    // Correcting the posting reopens the year; the back-dated change is then accepted.
    journal.correct(journal.last("DistributionPosted"), "2025-03-01");
    journal.run(&[transfer(A, B, "0.5")]);
}

/// Regression: a loss or an exit back-dated before a record that needed the membership (a gift
/// received as a member) was accepted, leaving a non-member who had received shares (R8).
#[test]
fn r17_a_membership_does_not_end_before_a_record_that_needed_it() {
    let (gave, _) = then(&quantified("50", "dynamic"), &[transfer(A, B, "0.5")]);
    let mut early_loss = lose(B, "nationality");
    early_loss.date = date("2024-02-29");
    let message = check_rejected(&gave, early_loss, Rule::R17).to_string();
    assert!(message.contains("2024-03-01"), "{message}");
    let exit = |person: &str, day: &str| {
        on(
            day,
            Action::ExitMember {
                person: id(person),
                resolution: "退出".into(),
                application: "申请".into(),
                redeem: None,
                authority: None,
            },
        )
    };
    check_rejected(&gave, exit(A, "2024-02-29"), Rule::R17);
    let mut on_the_day = lose(B, "nationality");
    on_the_day.date = date("2024-03-01");
    then(&gave, &[on_the_day, exit(A, "2024-03-01")]);
}
