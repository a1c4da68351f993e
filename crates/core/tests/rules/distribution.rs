//! Distributions (R12–R14): funds, the notice period and the vote, posting once, the record date, rounding, the collective share, dividends owed and paid, estates. Each wrong case is refused
//! naming its rule, and deciding never changes the state.

use super::support::*;

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
    check_rejected(&drafted, approve(2024, 3, 3, "2025-03-01"), Rule::R13);
    let state = noticed();
    // Noticed on 2025-01-06 with 15 days: the day of the notice is not counted, the 15th day
    // (the 21st) ends at its end, so the 21st is too early and the 22nd the first day (CC 201).
    let message = check_rejected(&state, approve(2024, 3, 3, "2025-01-21"), Rule::R13).to_string();
    assert!(message.contains("2025-01-22"), "{message}");
    assert!(decide(&state, &approve(2024, 3, 3, "2025-01-22")).is_ok());
}

#[test]
fn r13_a_charter_gives_at_least_10_days_of_notice() {
    // Given a charter of 9 days of notice, when it is read, then R13 refuses it (RCEOL 46).
    let error = Charter::from_toml(&CHARTER.replace("notice_days = 15", "notice_days = 9"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("R13") && error.contains("notice_days"),
        "{error}"
    );
    // The passing twin: 10 days; noticed on 2025-01-06, the vote is on the 17th at the earliest.
    let charter = charter_with(&[
        ("notice_days = 15", "notice_days = 10"),
        (
            "holding_cap_percent = \"3\"",
            "holding_cap_percent = \"50\"",
        ),
    ]);
    let mut commands = quantified_commands("50", "dynamic");
    commands[0] = register(charter);
    commands.extend([
        draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
        notice(2024, "2025-01-06"),
    ]);
    let state = given(&commands);
    check_rejected(&state, approve(2024, 3, 3, "2025-01-16"), Rule::R13);
    assert!(decide(&state, &approve(2024, 3, 3, "2025-01-17")).is_ok());
}

#[test]
fn r13_approval_needs_two_thirds_of_all_members_on_the_register() {
    // C (born 2014-10-05) is a member under 18: the assembly is A, B and D.
    let state = noticed();
    let message = check_rejected(&state, approve(2024, 1, 3, "2025-02-01"), Rule::R13).to_string();
    assert!(message.contains("at least 2"), "{message}");
    assert!(decide(&state, &approve(2024, 2, 3, "2025-02-01")).is_ok());
    // The eligible count is every member of age on the register that day, not those who came.
    check_rejected(&state, approve(2024, 2, 2, "2025-02-01"), Rule::R13);
    check_rejected(&state, approve(2024, 3, 4, "2025-02-01"), Rule::R13);
    // A member lost before the vote is not eligible: 2 of age left, both needed.
    let fewer = then(&state, &[lose(D, "nationality")]).0;
    check_rejected(&fewer, approve(2024, 2, 3, "2025-02-01"), Rule::R13);
    assert!(decide(&fewer, &approve(2024, 2, 2, "2025-02-01")).is_ok());
    // On a date before the loss (2020-01-01) the register still had 4, 3 of them of age.
    let collective = fewer.collective().unwrap();
    assert_eq!(collective.member_count_on(date("2019-12-31")), 4);
    assert_eq!(collective.adult_member_count_on(date("2019-12-31")), 3);
}

/// F turns 18 on 2025-02-01.
const F: &str = "410183200702010019";

#[test]
fn r13_a_member_counts_in_the_assembly_from_the_18th_birthday() {
    let mut journal = Journal::new(&quantified_commands("50", "dynamic"));
    let mut joins = confirm(F, "003");
    joins.date = date("2020-06-01");
    let seqs = journal.run(&[
        joins,
        draft(2024, 1_000_000, "2024-12-31", "2025-01-05"),
        notice(2024, "2025-01-06"),
    ]);
    // Given F, a member since 2020, 17 on 2025-01-31 and 18 on 2025-02-01…
    let state = journal.state.clone();
    let message = check_rejected(&state, approve(2024, 3, 4, "2025-01-31"), Rule::R13).to_string();
    assert!(message.contains("3 members aged 18"), "{message}");
    assert!(decide(&state, &approve(2024, 2, 3, "2025-01-31")).is_ok());
    // …on the birthday F is in the assembly: 4 of age (A, B, D, F), C still a minor.
    check_rejected(&state, approve(2024, 2, 3, "2025-02-01"), Rule::R13);
    assert!(decide(&state, &approve(2024, 3, 4, "2025-02-01")).is_ok());
    // A confirmation undone on 2025-01-10 takes F out of the count again from then on.
    journal.correct(seqs[0], "2025-01-10");
    let collective = journal.state.collective().unwrap();
    assert_eq!(collective.adult_member_count_on(date("2025-02-01")), 3);
    assert_eq!(collective.member_count_on(date("2025-02-01")), 4);
    assert!(decide(&journal.state, &approve(2024, 2, 3, "2025-02-01")).is_ok());
}

#[test]
fn r13_a_member_who_leaves_a_minor_is_never_counted_and_a_loss_undone_counts_again() {
    let mut journal = quantified_journal();
    // C, born 2014-10-05, loses membership in 2020, a minor; the loss is undone in 2021.
    let lost = journal.run(&[lose(C, "nationality")])[0];
    let counts = |journal: &Journal, day: &str| {
        let collective = journal.state.collective().unwrap();
        (
            collective.member_count_on(date(day)),
            collective.adult_member_count_on(date(day)),
        )
    };
    assert_eq!(counts(&journal, "2032-10-05"), (3, 3));
    journal.correct(lost, "2021-01-01");
    // Counted as a member again from the correction, in the assembly from the 18th birthday.
    assert_eq!(counts(&journal, "2020-06-01"), (3, 3));
    assert_eq!(counts(&journal, "2021-01-01"), (4, 3));
    assert_eq!(counts(&journal, "2032-10-04"), (4, 3));
    assert_eq!(counts(&journal, "2032-10-05"), (4, 4));
    // A death and its correction count the same way.
    journal.run(&[on("2022-01-01", Action::RecordDeath { person: id(A) })]);
    let died = journal.last("DeathRecorded");
    assert_eq!(counts(&journal, "2022-01-01"), (3, 2));
    journal.correct(died, "2022-02-01");
    assert_eq!(counts(&journal, "2022-02-01"), (4, 3));
}

#[test]
fn r13_post_only_after_approval_and_only_once() {
    let state = noticed();
    check_rejected(&state, post(2024, "2025-02-02"), Rule::R13);
    check_rejected(&state, post(2023, "2025-02-02"), Rule::R13);
    let (approved, _) = then(&state, &[approve(2024, 2, 3, "2025-02-01")]);
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
    check_rejected(&approved, approve(2024, 3, 3, "2025-02-01"), Rule::R13);
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
    check_rejected(&redrafted, approve(2024, 3, 3, "2025-03-01"), Rule::R13);
}

#[test]
fn r14_a_changed_register_before_the_record_date_blocks_posting() {
    let (approved, _) = then(&noticed(), &[approve(2024, 2, 3, "2025-02-01")]);
    // An allotment dated after the record date does not matter.
    let (later, _) = then(
        &approved,
        &[
            plan("1", "2025-01-15"),
            allot(A, "basic", "1", "2025-01-15"),
        ],
    );
    assert!(decide(&later, &post(2024, "2025-02-02")).is_ok());
    // One back-dated before it does: the approved plan no longer matches the register.
    let (changed, _) = then(
        &approved,
        &[
            plan("1", "2024-06-30"),
            allot(A, "basic", "1", "2024-06-30"),
        ],
    );
    let message = check_rejected(&changed, post(2024, "2025-02-02"), Rule::R14).to_string();
    assert!(message.contains("draft it again"), "{message}");
    // Then the approved plan may be redrafted, noticed and approved again.
    let (again, _) = then(
        &changed,
        &[
            draft(2024, 1_000_000, "2024-12-31", "2025-02-03"),
            notice(2024, "2025-02-03"),
            approve(2024, 2, 3, "2025-02-19"),
            post(2024, "2025-02-19"),
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
            resolution: "2017-2".into(),
        },
    );
    let state = given(&[
        register(charter),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
        ]),
        plan("1", "2017-12-31"),
        collective_allot.clone(),
    ]);
    let (posted, events) = then(
        &state,
        &[
            draft(2024, 1_000_001, "2024-12-31", "2025-01-05"),
            notice(2024, "2025-01-06"),
            approve(2024, 2, 2, "2025-01-22"),
            post(2024, "2025-01-23"),
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
            plan("0.5", "2017-12-31"),
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
    let (approved, _) = then(&noticed(), &[approve(2024, 2, 3, "2025-02-01")]);
    check_rejected(&approved, pay(2024, A, "2025-02-05"), Rule::R14);
    let (state, _) = then(
        &approved,
        &[
            post(2024, "2025-02-02"),
            pay(2024, A, "2025-02-05"),
            draft(2025, 2_000_000, "2025-12-31", "2026-01-05"),
            notice(2025, "2026-01-05"),
            approve(2025, 3, 3, "2026-01-21"),
            post(2025, "2026-01-22"),
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
    let (approved, _) = then(&noticed(), &[approve(2024, 2, 3, "2025-02-01")]);
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
    let (approved, _) = then(&noticed(), &[approve(2024, 2, 3, "2025-02-01")]);
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

/// R17: a year is distributed once it has begun, on the register of a date in it or after it:
/// a plan for a year still to come, or read on a register from before its year, is refused.
#[test]
fn a_plan_is_of_a_year_begun_on_a_register_of_that_year_or_later() {
    let state = quantified("100", "static");
    let message = check_rejected(
        &state,
        draft(2027, 100_000, "2026-12-31", "2026-01-05"),
        Rule::R17,
    );
    assert!(message.to_string().contains("has not begun"), "{message}");
    let message = check_rejected(
        &state,
        draft(2025, 100_000, "2024-12-31", "2026-01-05"),
        Rule::R17,
    );
    assert!(
        message.to_string().contains("before the year 2025"),
        "{message}"
    );
    let accepted = decide(&state, &draft(2025, 100_000, "2025-12-31", "2026-01-05"));
    assert!(accepted.is_ok(), "{accepted:?}");
}
