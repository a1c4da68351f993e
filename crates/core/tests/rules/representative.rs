//! The representatives register (R13): members elected by resolution, leaving by resolution, a
//! seat ended with the membership, a representatives' vote counting every representative
//! seated on its date, and each record's correction (R15). Each wrong case is refused naming its
//! rule, and deciding never changes the state.

use super::support::*;

fn elect(person: &str, day: &str) -> Command {
    on(
        day,
        Action::ElectRepresentative {
            person: id(person),
            resolution: "2025-代表".into(),
        },
    )
}

fn leave(person: &str, day: &str) -> Command {
    on(
        day,
        Action::LeaveRepresentative {
            person: id(person),
            resolution: "2025-代表-退".into(),
        },
    )
}

fn seated(state: &State, day: &str) -> u64 {
    state
        .collective()
        .unwrap()
        .representative_count_on(date(day))
}

fn representatives_vote(votes_for: u64, eligible: u64, day: &str) -> Command {
    let mut command = approve(2024, votes_for, eligible, day);
    if let Action::ApproveDistribution { body, .. } = &mut command.action {
        *body = ApprovalBody::Representatives;
    }
    command
}

/// A, B, C quantified under a charter that delegates approval to the representatives, with the
/// 2024 plan drafted and noticed on 2025-01-06.
fn delegated() -> Vec<Command> {
    vec![
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
            row(D, "丁", "002", "basic", "1"),
        ]),
        draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
        notice(2024, "2025-01-06"),
    ]
}

#[test]
fn r13_only_a_current_member_is_elected_by_resolution_and_seated_once() {
    let state = outsider_registered(&village());
    // E is known to the ledger and no member: never elected.
    let message = check_rejected(&state, elect(E, "2025-01-10"), Rule::R13).to_string();
    assert!(message.contains("not a current member"), "{message}");
    let mut unresolved = elect(A, "2025-01-10");
    if let Action::ElectRepresentative { resolution, .. } = &mut unresolved.action {
        *resolution = " ".into();
    }
    check_rejected(&state, unresolved, Rule::R13);
    // The passing twin: A, a member, is elected; not a second time while seated.
    let (elected, _) = then(&state, &[elect(A, "2025-01-10")]);
    assert_eq!(seated(&elected, "2025-01-09"), 0);
    assert_eq!(seated(&elected, "2025-01-10"), 1);
    check_rejected(&elected, elect(A, "2025-01-11"), Rule::R13);
    // A member who has left is no longer a candidate; one who has lost membership neither.
    let (lost, _) = then(&state, &[lose(B, "nationality")]);
    check_rejected(&lost, elect(B, "2025-01-10"), Rule::R13);
}

#[test]
fn r13_a_representative_leaves_by_resolution_and_a_lost_membership_ends_the_seat() {
    let (state, _) = then(
        &village(),
        &[elect(A, "2019-01-10"), elect(B, "2019-01-10")],
    );
    // Only a seated representative leaves.
    check_rejected(&state, leave(D, "2019-06-01"), Rule::R13);
    let (left, _) = then(&state, &[leave(A, "2019-06-01")]);
    assert_eq!(seated(&left, "2019-05-31"), 2);
    assert_eq!(seated(&left, "2019-06-01"), 1);
    check_rejected(&left, leave(A, "2019-07-01"), Rule::R13);
    // B loses membership on 2020-01-01: no longer seated, and cannot leave a seat not held.
    let (lost, _) = then(&left, &[lose(B, "nationality")]);
    assert_eq!(seated(&lost, "2019-12-31"), 1);
    assert_eq!(seated(&lost, "2020-01-01"), 0);
    let message = check_rejected(&lost, leave(B, "2020-02-01"), Rule::R13).to_string();
    assert!(message.contains("2020-01-01"), "{message}");
    // A death and an exit end the seat the same way.
    let (died, _) = then(&state, &[death(A)]);
    assert_eq!(seated(&died, "2024-05-01"), 1);
    let (exited, _) = then(&state, &[exit(B, None)]);
    assert_eq!(
        exited
            .collective()
            .unwrap()
            .representative_count_on(date("2030-01-01")),
        1
    );
}

#[test]
fn r13_a_representatives_vote_counts_every_representative_seated_on_its_date() {
    let mut commands = delegated();
    commands.extend([
        elect(A, "2025-01-10"),
        elect(B, "2025-01-10"),
        elect(D, "2025-01-10"),
    ]);
    let state = given(&commands);
    // The members' assembly cannot approve where the charter delegates… and the reverse.
    let members_vote = approve(2024, 3, 3, "2025-01-22");
    assert!(
        decide(&state, &members_vote).is_ok(),
        "a members' vote is always the assembly's"
    );
    let message = check_rejected(
        &state,
        representatives_vote(40, 50, "2025-01-22"),
        Rule::R13,
    )
    .to_string();
    assert!(message.contains("3 representatives"), "{message}");
    // 2/3 of all 3 seated is 2.
    check_rejected(&state, representatives_vote(1, 3, "2025-01-22"), Rule::R13);
    assert!(decide(&state, &representatives_vote(2, 3, "2025-01-22")).is_ok());
    // D leaves on 2025-01-20: 2 seated on the vote's date, both needed.
    let (fewer, _) = then(&state, &[leave(D, "2025-01-20")]);
    check_rejected(&fewer, representatives_vote(2, 3, "2025-01-22"), Rule::R13);
    check_rejected(&fewer, representatives_vote(1, 2, "2025-01-22"), Rule::R13);
    assert!(decide(&fewer, &representatives_vote(2, 2, "2025-01-22")).is_ok());
    // A charter that gives the vote to the members refuses a representatives' vote.
    let mut members_charter = delegated();
    members_charter[0] = register(charter_with(&[(
        "holding_cap_percent = \"3\"",
        "holding_cap_percent = \"50\"",
    )]));
    members_charter.push(elect(A, "2025-01-10"));
    let members_only = given(&members_charter);
    let message = check_rejected(
        &members_only,
        representatives_vote(1, 1, "2025-01-22"),
        Rule::R13,
    )
    .to_string();
    assert!(message.contains("members' assembly"), "{message}");
}

#[test]
fn r15_an_election_and_a_departure_are_corrected_and_a_loss_undone_seats_again() {
    let mut journal = Journal::new(&delegated());
    let seqs = journal.run(&[elect(A, "2025-01-10"), leave(A, "2025-01-12")]);
    let (elected, left) = (seqs[0], seqs[1]);
    // The election is not undone while the departure stands on it.
    let message = journal.refused(elected, "2025-01-13");
    assert!(
        message.contains(&format!("{left} (RepresentativeLeft)")),
        "{message}"
    );
    // The departure undone: A is seated again from the correction's date, since the election.
    journal.correct(left, "2025-01-13");
    let collective = journal.state.collective().unwrap();
    assert_eq!(collective.representatives[&id(A)].since, date("2025-01-10"));
    assert_eq!(seated(&journal.state, "2025-01-12"), 0);
    assert_eq!(seated(&journal.state, "2025-01-13"), 1);
    // A confirmation is not undone while an election stands on it: E, confirmed and elected.
    let mut confirmation = confirm(E, "003");
    confirmation.date = date("2025-01-13");
    let seqs = journal.run(&[confirmation, elect(E, "2025-01-13")]);
    let message = journal.refused(seqs[0], "2025-01-14");
    assert!(
        message.contains(&format!("{} (RepresentativeElected)", seqs[1])),
        "{message}"
    );
    // A loss ends the seat; the loss undone seats A again.
    journal.run(&[on(
        "2025-01-15",
        Action::LoseMembership {
            person: id(A),
            ground: "nationality".into(),
            note: String::new(),
            resolution: None,
            other_collective: None,
        },
    )]);
    // (E is seated throughout.)
    assert_eq!(seated(&journal.state, "2025-01-14"), 2);
    assert_eq!(seated(&journal.state, "2025-01-15"), 1);
    let lost = journal.last("MembershipLost");
    journal.correct(lost, "2025-01-16");
    assert_eq!(seated(&journal.state, "2025-01-16"), 2);
    // Then A's election is undone: A holds no seat from the correction's date.
    journal.correct(elected, "2025-01-17");
    assert_eq!(seated(&journal.state, "2025-01-17"), 1);
    let representatives = &journal.state.collective().unwrap().representatives;
    assert!(!representatives.contains_key(&id(A)));
    // A departure is not undone once the person is no longer a member.
    let mut journal = Journal::new(&delegated());
    let seqs = journal.run(&[elect(B, "2025-01-10"), leave(B, "2025-01-12")]);
    journal.run(&[on(
        "2025-01-15",
        Action::LoseMembership {
            person: id(B),
            ground: "nationality".into(),
            note: String::new(),
            resolution: None,
            other_collective: None,
        },
    )]);
    let message = journal.refused(seqs[1], "2025-01-16");
    assert!(message.contains("no longer a member"), "{message}");
}

/// Regression: a member aged 11 was elected and counted in the representatives' vote; a
/// representative is of full civil capacity like the assembly they stand for (R13).
#[test]
fn r13_a_representative_is_of_age_on_the_election_date() {
    // C was born on 2014-10-05: 18 on 2032-10-05.
    let state = given(&delegated());
    let message = check_rejected(&state, elect(C, "2025-01-10"), Rule::R13).to_string();
    assert!(message.contains("under 18"), "{message}");
    assert!(!message.contains(C), "the ID is masked: {message}");
    then(&state, &[elect(A, "2025-01-10")]);
}
