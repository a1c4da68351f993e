//! Membership (R1–R4): confirmation, roster imports, lawful grounds of loss and what never ends membership, voluntary exit. Each wrong case is refused
//! naming its rule, and deciding never changes the state.

use super::support::*;

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
    check_rejected(&state, lose(A, "disobedient"), Rule::R2);
    // An unknown ground naming an R3 circumstance is refused under R3 itself.
    check_rejected(&state, lose(A, "moved-away"), Rule::R3);
    check_rejected(&state, lose(A, "外嫁"), Rule::R3);
    for ground in ["death", "nationality", "civil-servant"] {
        assert!(decide(&state, &lose(A, ground)).is_ok(), "{ground}");
    }
    // The generic charter ground, naming none the charter lists, is refused (R2).
    check_rejected(&state, lose(A, "charter"), Rule::R2);
}

/// A village whose charter lists one loss ground, "long-absence", article 第十二条.
fn village_with_a_charter_ground() -> State {
    let text = format!(
        "{CHARTER}\n[[loss_grounds]]\ncode = \"long-absence\"\nname = \"连续五年不履行成员义务\"\narticle = \"第十二条\"\n"
    );
    let (charter, loss_grounds) = Charter::read(&text).unwrap();
    given(&[
        on(
            "2017-01-01",
            Action::RegisterCollective {
                charter,
                loss_grounds,
            },
        ),
        confirm(A, "001"),
    ])
}

fn lose_citing(ground: &str, resolution: Option<&str>, other_collective: Option<&str>) -> Command {
    on(
        "2020-01-01",
        Action::LoseMembership {
            person: id(A),
            ground: ground.into(),
            note: "会议纪要第3项".into(),
            resolution: resolution.map(Into::into),
            other_collective: other_collective.map(Into::into),
        },
    )
}

#[test]
fn r2_a_loss_on_a_charter_ground_cites_the_resolution_and_the_charter_gives_the_article() {
    let state = village_with_a_charter_ground();
    // The generic ground, a ground the charter does not list, and a listed one without a
    // resolution are refused.
    check_rejected(
        &state,
        lose_citing("charter", Some("2020-3"), None),
        Rule::R2,
    );
    check_rejected(
        &state,
        lose_citing("unlisted-ground", Some("2020-3"), None),
        Rule::R2,
    );
    // A ground the charter does not list that names an R3 circumstance is refused under R3.
    check_rejected(
        &state,
        lose_citing("married-out", Some("2020-3"), None),
        Rule::R3,
    );
    check_rejected(&state, lose_citing("long-absence", None, None), Rule::R2);
    check_rejected(
        &state,
        lose_citing("long-absence", Some(" "), None),
        Rule::R2,
    );
    let (after, events) = then(&state, &[lose_citing("long-absence", Some("2020-3"), None)]);
    let Event::MembershipLostCited(cited) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(cited.resolution.as_deref(), Some("2020-3"));
    assert_eq!(cited.charter_ground.as_ref().unwrap().article, "第十二条");
    let ending = after.person(&id(A)).unwrap().ending.clone().unwrap();
    assert_eq!(ending.charter_ground.unwrap().code, "long-absence");
    assert!(!after.person(&id(A)).unwrap().is_member());
}

#[test]
fn r3_a_charter_ground_naming_marriage_or_hukou_is_refused_when_the_charter_is_read() {
    for (code, name) in [
        ("married-out", "外嫁女"),
        ("out", "户口迁出本村"),
        ("absent", "在外务工满五年"),
        ("away", "Moved hukou to a town"),
    ] {
        let text = format!(
            "{CHARTER}\n[[loss_grounds]]\ncode = \"{code}\"\nname = \"{name}\"\narticle = \"第十二条\"\n"
        );
        let error = Charter::read(&text).unwrap_err().to_string();
        assert!(error.contains("R3"), "{code} {name}: {error}");
    }
}

#[test]
fn r2_membership_gained_elsewhere_cites_that_collectives_credit_code() {
    let state = village_with_a_charter_ground();
    check_rejected(
        &state,
        lose_citing("other-collective", None, None),
        Rule::R2,
    );
    check_rejected(
        &state,
        lose_citing("other-collective", None, Some("N2410183MF0000001X")),
        Rule::R2,
    );
    // This collective's own code is not another collective's.
    check_rejected(
        &state,
        lose_citing("other-collective", None, Some("N2410183MF0000001Y")),
        Rule::R2,
    );
    let (_, events) = then(
        &state,
        &[lose_citing(
            "other-collective",
            None,
            Some("N2410183MF00000022"),
        )],
    );
    let Event::MembershipLostCited(cited) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        cited.other_collective.as_deref(),
        Some("N2410183MF00000022")
    );
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
            "QuantificationPlanAdopted",
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

/// A write takes the changed entities out of the state it is done with (`into_dirty`, no
/// copy): the very entities `take_dirty` copies, persons, households and the collective.
#[test]
fn the_changed_entities_moved_out_are_those_copied_out() {
    let state = imported_village();
    let moved = state.clone().into_dirty().0;
    assert_eq!(moved, state.clone().take_dirty());
    assert_eq!(
        moved.len(),
        1 + 4 + 2,
        "the collective, four persons, two households"
    );
    assert!(moved.iter().all(|(_, entity)| entity.is_some()));
}

/// The register's totals added up one holder at a time (as a register streamed from the
/// projections adds them before its first line) are the register's own, and each line read
/// alone is the register's line.
#[test]
fn register_totals_added_holder_by_holder_are_the_registers() {
    let state = imported_village();
    let register = report::register(&state);
    let charter = &state.collective().unwrap().charter;
    let mut totals = report::RegisterTotals::default();
    let mut holders: Vec<_> = state.persons().filter(|p| report::is_holder(p)).collect();
    holders.sort_by(|a, b| (&a.household, &a.id).cmp(&(&b.household, &b.id)));
    for person in &holders {
        totals.add(charter, person);
    }
    let whole = totals.register(state.collective().unwrap());
    assert_eq!(totals.holders, register.holders.len());
    assert_eq!(
        (
            whole.total_units,
            whole.total_weighted_units,
            &whole.units_by_class
        ),
        (
            register.total_units,
            register.total_weighted_units,
            &register.units_by_class
        )
    );
    assert_eq!(whole.collective_units, register.collective_units);
    let lines: Vec<_> = holders
        .iter()
        .map(|p| report::register_line(charter, p, Some(totals.total_weighted_units)))
        .collect();
    assert_eq!(lines, register.holders);
    assert_eq!(lines.len(), 3, "B holds nothing");
}

fn imported_village() -> State {
    given(&[
        register(charter_with(&[(
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"40\"",
        )])),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "", ""),
            row(C, "丙", "002", "labor", "1.5"),
            row(D, "丁", "002", "basic", "1.5"),
        ]),
    ])
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
fn r1_a_roster_imported_again_is_refused_once_not_row_by_row() {
    let state = imported_village();
    let again = import(vec![
        row(A, "甲", "001", "basic", "1"),
        row(B, "乙", "001", "", ""),
        row(C, "丙", "002", "labor", "1.5"),
        row(D, "丁", "002", "basic", "1.5"),
    ]);
    let message = check_rejected(&state, again, Rule::R1).to_string();
    assert!(
        message.contains("every one of the roster's 4 persons is already a member"),
        "{message}"
    );
    // One new person among them: the three members are listed, row by row.
    let partly = import(vec![
        row(A, "甲", "001", "basic", "1"),
        row(B, "乙", "001", "", ""),
        row(C, "丙", "002", "labor", "1.5"),
        row("110101199003072316", "戊", "004", "", ""),
    ]);
    let before = state.clone();
    let Err(RuleViolation::Rows(rows)) = decide(&state, &partly) else {
        panic!("expected row violations")
    };
    assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [0, 1, 2]);
    assert_eq!(state, before);
}

#[test]
fn nothing_is_decided_before_the_collective_exists() {
    check_rejected(&State::new(), confirm(A, "001"), Rule::Input);
    check_rejected(&village(), register(charter_with(&[])), Rule::Input);
}

#[test]
fn r4_exit_needs_consent_and_redeems_or_keeps_the_units() {
    let state = quantified("50", "dynamic");
    let mut no_resolution = exit(A, None);
    if let Action::ExitMember { resolution, .. } = &mut no_resolution.action {
        resolution.clear();
    }
    check_rejected(&state, no_resolution, Rule::R4);
    // Nobody is exited without their own application.
    let mut no_application = exit(A, None);
    if let Action::ExitMember { application, .. } = &mut no_application.action {
        *application = " ".into();
    }
    check_rejected(&state, no_application, Rule::R4);
    // Redeeming on exit needs the holder's consent or a court's judgment (R8).
    let mut by_resolution_alone = exit(B, Some(1));
    if let Action::ExitMember { authority, .. } = &mut by_resolution_alone.action {
        *authority = None;
    }
    check_rejected(&state, by_resolution_alone, Rule::R8);
    // Keeping the units: a non-member holder with income rights.
    let (kept, _) = then(&state, &[exit(A, None)]);
    assert!(!kept.person(&id(A)).unwrap().is_member());
    assert_eq!(units_of(&kept, A), 10_000);
    assert_eq!(kept.collective().unwrap().member_count, 3);
    check_rejected(&kept, exit(A, None), Rule::R4);
    // Redeeming every unit: cancelled, since this charter keeps no collective share.
    let (redeemed, events) = then(&state, &[exit(B, Some(80_000))]);
    assert!(matches!(events[0], Event::SharesRedeemedWithConsent(_)));
    let Event::MembershipExitedOnApplication(exited) = &events[1] else {
        panic!("{events:?}")
    };
    assert_eq!(exited.application, "2024-申请书");
    assert_eq!(units_of(&redeemed, B), 0);
    assert_eq!(redeemed.collective().unwrap().units_total(), 30_000);
}

/// A valid citizen ID (check character included) from its first 17 digits.
fn citizen(first17: &str) -> String {
    format!(
        "{first17}{}",
        gufen_core::ids::citizen_check_character(first17)
    )
}

#[test]
fn r1_a_person_known_by_another_document_is_registered_and_never_confirmed() {
    let state = village();
    let register_heir = on(
        "2024-01-01",
        Action::RegisterPerson {
            person: id("passport:E12345678"),
            name: "Mary Wang".into(),
            household: None,
        },
    );
    // Given a foreign heir known by a passport, registered (she may inherit, R10)…
    let (registered, _) = then(&state, &[register_heir]);
    // …when the assembly confirms her membership, then R1 refuses it, naming the document.
    let mut command = confirm("passport:E12345678", "003");
    command.date = date("2024-02-01");
    if let Action::ConfirmMembership { name, .. } = &mut command.action {
        *name = "Mary Wang".into();
    }
    let message = check_rejected(&registered, command, Rule::R1).to_string();
    assert!(message.contains("citizen ID"), "{message}");
    assert!(!message.contains("E12345678"), "{message}");
    // A roster row with a document is refused the same way.
    let rows = import(vec![row("passport:E87654321", "John", "003", "", "")]);
    check_rejected(&state, rows, Rule::R1);
    // The passing twin: a citizen is confirmed.
    let mut twin = confirm(E, "003");
    twin.date = date("2024-02-01");
    assert!(decide(&registered, &twin).is_ok());
}

#[test]
fn r5_a_birth_date_after_the_records_date_is_refused() {
    let state = village();
    // Born 2018-03-01: neither registered nor confirmed on 2018-02-28.
    let born_2018 = citizen("41018320180301002");
    let mut confirmation = confirm(&born_2018, "003");
    confirmation.date = date("2018-02-28");
    let message = check_rejected(&state, confirmation.clone(), Rule::R5).to_string();
    assert!(message.contains("birth date"), "{message}");
    assert!(!message.contains("20180301"), "{message}");
    let registration = |day: &str| {
        on(
            day,
            Action::RegisterPerson {
                person: id(&born_2018),
                name: "新生儿".into(),
                household: Some("003".into()),
            },
        )
    };
    check_rejected(&state, registration("2018-02-28"), Rule::R5);
    let mut rows = import(vec![row(&born_2018, "新生儿", "003", "", "")]);
    rows.date = date("2018-02-28");
    check_rejected(&state, rows, Rule::R5);
    // The passing twins: on the birth date itself, both are accepted.
    assert!(decide(&state, &registration("2018-03-01")).is_ok());
    confirmation.date = date("2018-03-01");
    assert!(decide(&state, &confirmation).is_ok());
}

#[test]
fn r5_a_citizen_id_needs_a_real_birth_date_and_a_province_code() {
    // 1991-02-30 does not exist; 39 is no province of GB/T 2260. Both check characters are right.
    for (text, why) in [
        (citizen("36042619910230007"), "birth date"),
        (citizen("39042619910101007"), "province"),
    ] {
        let error = PersonId::parse(&text).unwrap_err().to_string();
        assert!(error.starts_with("R5:") && error.contains(why), "{error}");
        assert!(!error.contains(&text[6..14]), "{error}");
        // A roster row with such an ID is refused naming R5, the whole roster with it.
        let rows = import(vec![
            row(&text, "甲", "003", "basic", "1"),
            row(E, "乙", "003", "basic", "1"),
        ]);
        let message = check_rejected(&village(), rows, Rule::R5).to_string();
        assert!(!message.contains(&text[6..14]), "{message}");
    }
    // The passing twin: 1991-01-01 in 36 (江西).
    assert!(PersonId::parse(&citizen("36042619910101007")).is_ok());
}

/// Regression: a lawful ground carried an R3 circumstance in its note (`--reason civil-servant
/// --note 外嫁女`), which history did not even show. The note cannot name one (R3).
#[test]
fn r3_a_loss_note_naming_a_life_circumstance_is_refused() {
    let state = village();
    let with_note = |note: &str| {
        on(
            "2020-01-01",
            Action::LoseMembership {
                person: id(A),
                ground: "civil-servant".into(),
                note: note.into(),
                resolution: None,
                other_collective: None,
            },
        )
    };
    for note in ["外嫁女", "戶口遷出", "随夫生活", "moved to the city"] {
        check_rejected(&state, with_note(note), Rule::R3);
    }
    then(&state, &[with_note("考录为公务员")]);
}

/// A charter ground naming an R3 circumstance in traditional characters, a synonym or its
/// article is refused when the charter is read.
#[test]
fn r3_a_charter_ground_naming_a_circumstance_in_any_form_is_refused() {
    for (name, article) in [
        ("戶口遷出", "第十二条"),
        ("入伍", "第十二条"),
        ("坐牢", "第十二条"),
        ("连续五年不在本村居住", "第十二条"),
        ("随夫生活", "第十二条"),
        ("不履行义务", "第十二条（外嫁女）"),
    ] {
        let text = format!(
            "{CHARTER}\n[[loss_grounds]]\ncode = \"g1\"\nname = \"{name}\"\narticle = \"{article}\"\n"
        );
        let error = gufen_core::charter::Charter::read(&text)
            .unwrap_err()
            .to_string();
        assert!(error.contains("R3"), "{name} {article}: {error}");
    }
}
