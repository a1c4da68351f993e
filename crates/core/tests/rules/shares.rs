//! Shares (R6–R9): allotment under a plan and a charter class, static management, transfers only between current members, the holding cap, redemption. Each wrong case is refused
//! naming its rule, and deciding never changes the state.

use super::support::*;

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
    // An allotment cites an adopted plan's resolution.
    let mut no_plan = allot(A, "basic", "1", "2017-12-31");
    if let Action::AllotShares { resolution, .. } = &mut no_plan.action {
        *resolution = "2017-9".into();
    }
    check_rejected(&state, no_plan, Rule::R6);
    let outsider = given(&[
        register(charter_with(&[])),
        confirm(A, "001"),
        plan("1", "2017-06-01"),
        lose(A, "nationality"),
    ]);
    check_rejected(&outsider, allot(A, "basic", "1", "2017-12-31"), Rule::R1);
}

#[test]
fn r7_static_management_allots_nothing_after_the_baseline() {
    let (state, _) = then(&quantified("50", "static"), &[plan("1", "2017-12-31")]);
    let message =
        check_rejected(&state, allot(A, "basic", "0.0001", "2018-01-01"), Rule::R7).to_string();
    assert!(message.contains("2017-12-31"), "{message}");
    assert!(decide(&state, &allot(A, "basic", "0.0001", "2017-12-31")).is_ok());
    let (dynamic, _) = then(&quantified("50", "dynamic"), &[plan("1", "2024-01-01")]);
    assert!(decide(&dynamic, &allot(A, "basic", "0.0001", "2024-01-01")).is_ok());
}

#[test]
fn r9_no_holder_above_the_cap_through_allotment() {
    // 4 shares imported, and a plan of 3 more: the cap is measured against 7.
    let (state, _) = then(&quantified("50", "static"), &[plan("3", "2017-12-31")]);
    // A: 1 + 3 of 7 shares is 57% > 50%; 1 + 1 of 7 is 29%.
    check_rejected(&state, allot(A, "basic", "3", "2017-12-31"), Rule::R9);
    assert!(decide(&state, &allot(A, "basic", "1", "2017-12-31")).is_ok());
    // Exactly at the cap is allowed: A holds 1 + 2.5 of 7 shares, 50%.
    assert!(decide(&state, &allot(A, "basic", "2.5", "2017-12-31")).is_ok());
    check_rejected(&state, allot(A, "basic", "2.5001", "2017-12-31"), Rule::R9);
}

#[test]
fn r6_nothing_is_allotted_beyond_the_plan() {
    // Beyond the plan's total is refused by the plan (R6), whatever the cap.
    let (other, _) = then(
        &quantified("100", "static"),
        &[
            plan("3", "2017-12-31"),
            allot(B, "basic", "3", "2017-12-31"),
        ],
    );
    check_rejected(&other, allot(A, "basic", "0.0001", "2017-12-31"), Rule::R6);
    // So is a roster imported under an adopted plan with more than it has left.
    let mut over = import(vec![row(E, "戊", "003", "basic", "0.0001")]);
    if let Action::ImportRoster { resolution, .. } = &mut over.action {
        *resolution = "2017-2".into();
    }
    check_rejected(&other, over, Rule::R6);
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
fn units_cannot_leave_a_holding_on_a_date_before_they_were_held() {
    // Regression (found by the conservation property): a transfer dated before the allotment
    // it draws on made the holding negative on the dates in between.
    let (state, _) = then(
        &quantified("50", "dynamic"),
        &[
            plan("1", "2024-06-01"),
            allot(A, "basic", "1", "2024-06-01"),
        ],
    );
    let mut early = transfer(A, B, "1.5");
    early.date = date("2024-03-01");
    let message = check_rejected(&state, early.clone(), Rule::R17).to_string();
    assert!(message.contains("from 2024-03-01"), "{message}");
    early.date = date("2024-06-01");
    assert!(decide(&state, &early).is_ok());
}

#[test]
fn r8_a_living_holders_units_are_redeemed_only_with_consent_or_a_judgment() {
    let state = quantified("50", "static");
    let mut resolution_alone = redeem(A, "1");
    if let Action::RedeemShares { authority, .. } = &mut resolution_alone.action {
        *authority = None;
    }
    check_rejected(&state, resolution_alone, Rule::R8);
    let mut empty_consent = redeem(A, "1");
    if let Action::RedeemShares { authority, .. } = &mut empty_consent.action {
        *authority = Some(RedemptionAuthority::Consent(" ".into()));
    }
    check_rejected(&state, empty_consent, Rule::R8);
    let mut by_judgment = redeem(A, "1");
    if let Action::RedeemShares { authority, .. } = &mut by_judgment.action {
        *authority = Some(RedemptionAuthority::Judgment("(2024)豫0183民初1号".into()));
    }
    let (after, events) = then(&state, &[by_judgment]);
    let Event::SharesRedeemedWithConsent(redeemed) = &events[0] else {
        panic!("{events:?}")
    };
    assert!(matches!(
        redeemed.authority,
        RedemptionAuthority::Judgment(_)
    ));
    assert_eq!(units_of(&after, A), 0);
}

/// A fresh collective with a cap of 3%, four members and no shares allotted yet.
fn fresh_collective() -> State {
    given(&[
        register(charter_with(&[])),
        confirm(A, "001"),
        confirm(B, "001"),
        confirm(C, "002"),
        confirm(D, "002"),
    ])
}

#[test]
fn r6_r9_a_plan_keyed_in_one_member_at_a_time_measures_the_cap_against_its_total() {
    let state = fresh_collective();
    // No plan adopted: nothing to cite (R6).
    check_rejected(&state, allot(A, "basic", "1", "2017-12-31"), Rule::R6);
    let mut unknown_class = plan("100", "2017-12-01");
    if let Action::AdoptQuantificationPlan { totals, .. } = &mut unknown_class.action {
        totals[0].0 = "contribution".into();
    }
    check_rejected(&state, unknown_class, Rule::R6);
    let planned = given(&[
        register(charter_with(&[])),
        confirm(A, "001"),
        confirm(B, "001"),
        plan("100", "2017-12-01"),
    ]);
    // The first allotment is measured against the plan's 100 shares: 3 is at the cap.
    let (first, _) = then(&planned, &[allot(A, "basic", "3", "2017-12-31")]);
    assert_eq!(units_of(&first, A), 30_000);
    check_rejected(
        &planned,
        allot(A, "basic", "3.0001", "2017-12-31"),
        Rule::R9,
    );
    check_rejected(&first, allot(A, "basic", "0.0001", "2017-12-31"), Rule::R9);
    let (second, _) = then(&first, &[allot(B, "basic", "3", "2017-12-31")]);
    assert_eq!(second.collective().unwrap().plans_outstanding(), 940_000);
}

/// Cap 50%; A, B, C, D with 1 share each; A gives B 1 (B at the cap), B gives C 1.
fn at_the_cap_then_moved() -> Journal {
    let mut journal = quantified_journal();
    journal.run(&[transfer(A, B, "1"), transfer(B, C, "1")]);
    journal
}

#[test]
fn r9_units_given_back_by_a_correction_are_checked_against_the_cap() {
    let mut journal = at_the_cap_then_moved();
    let out = journal.last("SharesTransferred");
    // D gives B 1: B is at the cap again, and undoing B's transfer to C would put B above it.
    journal.run(&[transfer(D, B, "1")]);
    let correction = journal.correction(out, "2025-01-10");
    check_rejected(&journal.state, correction, Rule::R9);
    // The passing twin: without D's gift, B goes back to exactly the cap.
    let mut twin = at_the_cap_then_moved();
    let out = twin.last("SharesTransferred");
    twin.correct(out, "2025-01-10");
    assert_eq!(units_of(&twin.state, B), 20_000);
}

#[test]
fn r9_a_redemption_undone_is_checked_against_the_cap() {
    // Cap 50%; A's unit redeemed (3 in issue), then C gives A 1 and B gives A 0.5: A holds
    // 1.5 of 3, at the cap. Undoing the redemption would give A 2.5 of 4.
    let mut journal = quantified_journal();
    journal.run(&[redeem(A, "1"), transfer(C, A, "1")]);
    let redeemed = journal.last("SharesRedeemedWithConsent");
    let mut twin = Journal {
        state: journal.state.clone(),
        log: journal.log.clone(),
    };
    journal.run(&[transfer(B, A, "0.5")]);
    let correction = journal.correction(redeemed, "2025-01-10");
    check_rejected(&journal.state, correction, Rule::R9);
    // The passing twin: A holds 1 of 3, and 2 of 4 once the unit is back, exactly the cap.
    twin.correct(redeemed, "2025-01-10");
    assert_eq!(units_of(&twin.state, A), 20_000);
}

/// Regression: under static management the plan's unallotted units counted toward the cap after
/// the baseline, when R7 forbids allotting them, so a holder could reach any share of the units
/// in issue (R9). Then the cap is measured against the units in issue; under dynamic management
/// the plan can still be allotted and counts.
#[test]
fn r9_a_plan_that_can_no_longer_be_allotted_does_not_widen_the_cap() {
    let keyed_in = |management: &str| {
        given(&[
            register(charter_with(&[
                (
                    "holding_cap_percent = \"3\"",
                    "holding_cap_percent = \"50\"",
                ),
                (
                    "management = \"static\"",
                    &format!("management = \"{management}\""),
                ),
            ])),
            confirm(A, "001"),
            confirm(B, "001"),
            plan("100", "2017-12-31"),
            allot(A, "basic", "1", "2017-12-31"),
            allot(B, "basic", "3", "2017-12-31"),
        ])
    };
    // B would hold 4 of the 4 units in issue.
    check_rejected(&keyed_in("static"), transfer(A, B, "1"), Rule::R9);
    then(&keyed_in("dynamic"), &[transfer(A, B, "1")]);
}
