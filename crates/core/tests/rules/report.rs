//! The township report's per-year money (`report::year_totals`): a plan's status at each step,
//! nothing paid or owed before posting, and after posting paid and owed that agree with the
//! year's own report and the owed list, to the fen.

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
