//! The township report's per-year money (`report::year_totals`): a plan's status at each step,
//! nothing paid or owed before posting, and after posting paid and owed that agree with the
//! year's own report and the owed list, to the fen. One plan line and one owed line as the papers
//! print them (`dividend_line`, `owed_line`), which the whole-state reports and the streamed
//! listings share.

use crate::support::*;
use gufen_core::report;
use gufen_core::state::PlanStatus;

#[test]
fn year_totals_follow_the_plan_and_agree_with_its_lines() {
    let noticed = noticed();
    assert!(report::year_totals(&noticed, 2023).is_none());
    let totals = report::year_totals(&noticed, 2024).unwrap();
    assert_eq!(totals.status, PlanStatus::Noticed);
    let plan = &noticed.distribution(2024).unwrap().plan;
    assert_eq!(totals.distributable_fen, plan.distributable_fen);
    assert_eq!((totals.paid_fen, totals.owed_fen), (0, 0));
    assert_eq!((totals.lines_paid, totals.lines_unpaid), (0, 0));

    let (state, _) = then(
        &noticed,
        &[
            approve(2024, 2, 3, "2025-02-01"),
            post(2024, "2025-02-02"),
            pay(2024, A, "2025-02-05"),
        ],
    );
    let totals = report::year_totals(&state, 2024).unwrap();
    assert_eq!(totals.status, PlanStatus::Posted);
    let shown = report::distribution(&state, 2024).unwrap();
    assert_eq!(totals.paid_fen, shown.paid_fen);
    assert_eq!(totals.paid_fen + totals.owed_fen, shown.lines_fen);
    assert_eq!(totals.lines_paid, 1);
    let owed = report::owed(&state);
    assert_eq!(totals.lines_unpaid, owed.len() as u64);
    assert_eq!(
        totals.owed_fen,
        owed.iter().map(|line| line.amount_fen).sum::<i64>()
    );
    assert!(totals.paid_fen > 0 && totals.owed_fen > 0);
}

/// One plan line as the papers print it (`report::dividend_line`): before posting no dividend is
/// declared, so no line reference, nothing paid, and a deceased holder's line marked for the
/// estate from the holder; after posting the reference is the declared dividend's, found by ID
/// even when the declared dividends are not in step with the plan's lines.
#[test]
fn a_plan_line_takes_its_reference_and_estate_from_the_declared_dividend() {
    let noticed = noticed();
    let found = noticed.distribution(2024).unwrap();
    let deceased = report::Holder {
        name: "甲".into(),
        household: "001".into(),
        deceased: true,
        has_account: false,
    };
    let drafted = report::dividend_line(found, 0, &deceased, None);
    let payment = drafted.payment.clone().unwrap();
    assert_eq!(payment.line_reference, None);
    assert!(!payment.paid);
    assert!(
        drafted.estate,
        "a deceased holder's undeclared line goes to the estate"
    );
    assert_eq!(
        (drafted.name.as_str(), drafted.household.as_str()),
        ("甲", "001")
    );

    let (state, _) = then(
        &noticed,
        &[approve(2024, 2, 3, "2025-02-01"), post(2024, "2025-02-02")],
    );
    let mut posted = state.distribution(2024).unwrap().clone();
    let living = report::Holder::default();
    let lines: Vec<_> = (0..posted.plan.lines.len())
        .map(|index| report::dividend_line(&posted, index, &living, None))
        .collect();
    for (index, line) in lines.iter().enumerate() {
        let reference = line.payment.as_ref().unwrap().line_reference.clone();
        assert_eq!(
            reference,
            Some(gufen_core::bank::line_reference(2024, index))
        );
        assert!(!line.estate, "no one had died when it was declared");
    }
    // The plan's lines reversed: each still finds its own dividend.
    posted.plan.lines.reverse();
    let last = posted.plan.lines.len() - 1;
    let line = report::dividend_line(&posted, 0, &living, None);
    assert_eq!(line.id_masked, lines[last].id_masked);
    assert_eq!(line.payment, lines[last].payment);
}

/// Why an owed line is not paid (`report::owed_line`): the bank's failure first, then a
/// deceased holder (or a dividend declared to an estate), then no account; none when nothing
/// stands in the way.
#[test]
fn an_owed_line_says_why_it_is_not_paid() {
    let (state, _) = then(
        &noticed(),
        &[approve(2024, 2, 3, "2025-02-01"), post(2024, "2025-02-02")],
    );
    let found = state.distribution(2024).unwrap();
    let dividend = &found.dividends[0];
    let holder = |deceased, has_account| report::Holder {
        deceased,
        has_account,
        ..report::Holder::default()
    };
    let failed = gufen_core::entity::LineState {
        paid: None,
        failure: Some(gufen_core::entity::PaymentFailure {
            reason: "账户已销户".into(),
            on: date("2025-02-10"),
        }),
    };
    let because = |holder: &report::Holder, state| {
        report::owed_line(2024, 0, dividend, holder, state).not_paid_because
    };
    use report::NotPaidBecause::*;
    assert_eq!(
        because(&holder(true, false), Some(&failed)),
        Some(BankFailure)
    );
    assert_eq!(because(&holder(true, true), None), Some(Estate));
    assert_eq!(because(&holder(false, false), None), Some(NoAccount));
    assert_eq!(because(&holder(false, true), None), None);
    let line = report::owed_line(2024, 0, dividend, &holder(false, true), Some(&failed));
    assert_eq!(line.failure_reason.as_deref(), Some("账户已销户"));
    assert_eq!(
        line.line_reference,
        gufen_core::bank::line_reference(2024, 0)
    );
    assert!(report::is_owed(dividend, None) == (dividend.amount_fen > 0));
}

/// Owed lines of one household are in the order `distribution show` prints them: by the
/// holder's whole ID. By the masked ID (first six and last four digits) the older holder of
/// two from one county came second here.
#[test]
fn owed_lines_of_a_household_are_ordered_by_whole_id() {
    let (state, _) = then(
        &noticed(),
        &[approve(2024, 2, 3, "2025-02-01"), post(2024, "2025-02-02")],
    );
    let found = state.distribution(2024).unwrap();
    let (older, younger) = ("110101198001019998", "110101199003072316");
    let holder = report::Holder {
        household: "001".into(),
        ..report::Holder::default()
    };
    let line = |person: &str, index| {
        let dividend = gufen_core::entity::Dividend {
            person: id(person),
            ..found.dividends[0].clone()
        };
        report::owed_line(2024, index, &dividend, &holder, None)
    };
    let mut lines = vec![line(younger, 0), line(older, 1)];
    assert!(
        lines[0].id_masked < lines[1].id_masked,
        "the masked IDs sort the other way"
    );
    report::sort_owed(&mut lines);
    let ids: Vec<&PersonId> = lines.iter().map(|l| &l.person).collect();
    assert_eq!(ids, [&id(older), &id(younger)]);
}
