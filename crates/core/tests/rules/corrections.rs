//! Corrections (R15): every record type undone by a compensating event, refused while later records stand on it, naming them. Each wrong case is refused
//! naming its rule, and deciding never changes the state.

use super::support::*;

#[test]
fn r15_an_allotment_is_undone_by_a_compensating_event_once() {
    let mut journal = quantified_journal();
    journal.run(&[plan("0.5", "2024-06-01")]);
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
    fresh.run(&[plan("0.5", "2024-06-01")]);
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
        Rule::R17,
    );
}

#[test]
fn r15_a_correction_is_refused_where_later_records_depend_on_it() {
    let mut journal = quantified_journal();
    journal.run(&[plan("0.5", "2024-01-15")]);
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
        approve(2024, 3, 3, "2025-01-25"),
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
    assert!(plan.dividend(&id(A)).is_some());
    assert!(journal
        .state
        .line(2024, &id(A))
        .is_none_or(|l| l.paid.is_none()));
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
        on(
            "2018-01-01",
            Action::AdoptQuantificationPlan {
                resolution: "2018-1".into(),
                totals: vec![("basic".into(), Units::parse("1").unwrap())],
            },
        ),
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

/// Regression: a loss of membership corrected after the person has died restored a dead
/// person's membership (and counted them among the members who vote).
#[test]
fn r15_a_loss_is_not_undone_once_the_person_has_died() {
    let mut journal = quantified_journal();
    let seqs = journal.run(&[lose(B, "nationality"), death(B)]);
    let message = journal.refused(seqs[0], "2025-01-10");
    assert!(message.contains("no longer in force"), "{message}");
    assert!(message.contains("(DeathRecorded)"), "{message}");
    assert!(!journal.person(B).is_member());
    assert_eq!(journal.members(), 3);
    // Undo the death first; then the loss can be undone.
    journal.correct(journal.last("DeathRecorded"), "2025-01-10");
    journal.correct(seqs[0], "2025-01-10");
    assert!(journal.person(B).is_member());
    assert_eq!(journal.members(), 4);
}
