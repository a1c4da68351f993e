//! Distribution arithmetic (收益分配): income → losses covered → reserve and welfare funds →
//! distributable D, split by weighted units in integer fen. Σ lines + retained = D exactly.

use crate::amount::{Fen, Percent, COEFFICIENT_SCALE, RATE_SCALE};
use crate::charter::{Charter, Rounding};
use crate::error::{reject, Rule, RuleViolation};
use crate::event::{DistributionDrafted, PlanLine};
use crate::ids::PersonId;
use crate::state::{Collective, HoldingChange, State};
use chrono::NaiveDate;

/// The most holder lines one plan may carry (its posting is one batch).
pub const PLAN_LINES_MAX: usize = 400_000;

/// The amounts of a plan before it is split among holders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Funds {
    pub income: Fen,
    pub losses: Fen,
    pub reserve: Fen,
    pub welfare: Fen,
    pub distributable: Fen,
}

/// R12: each fund is rate × (income − losses), rounded down to the fen; the rest is distributable.
pub fn funds(
    income: Fen,
    losses: Fen,
    reserve_rate: Percent,
    welfare_rate: Percent,
) -> Result<Funds, RuleViolation> {
    if income.0 < 0 || losses.0 < 0 {
        return reject(Rule::Input, "income and losses are not negative");
    }
    if losses > income {
        return reject(
            Rule::R12,
            format!("losses {losses} exceed income {income}: nothing is left to distribute"),
        );
    }
    let base = Fen(income.0 - losses.0);
    let reserve = reserve_rate.of_fen_floor(base);
    let welfare = welfare_rate.of_fen_floor(base);
    let distributable = Fen(base.0 - reserve.0 - welfare.0);
    assert!(
        distributable.0 >= 0,
        "the charter keeps reserve + welfare rates at or below 100%"
    );
    Ok(Funds {
        income,
        losses,
        reserve,
        welfare,
        distributable,
    })
}

/// One holder's amount in a split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<K> {
    pub lines: Vec<(K, Fen)>,
    /// Undistributed remainder (round-down) or zero (largest-remainder, or nobody to pay).
    pub retained: Fen,
}

/// Splits `distributable` by weight: each holder gets floor(D·w/W) (u128 intermediates); the
/// remainder R < holders goes one fen each to the largest fractional parts, ties by key
/// (largest-remainder), or is retained (round-down). Lines come back in key order.
pub fn split<K: Ord + Clone>(
    distributable: Fen,
    weights: &[(K, u64)],
    rounding: Rounding,
) -> Split<K> {
    assert!(
        distributable.0 >= 0,
        "a distributable amount is not negative"
    );
    let total: u128 = weights.iter().map(|(_, w)| u128::from(*w)).sum();
    let mut sorted: Vec<&(K, u64)> = weights.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    if total == 0 {
        return Split {
            lines: sorted
                .into_iter()
                .map(|(k, _)| (k.clone(), Fen(0)))
                .collect(),
            retained: distributable,
        };
    }
    let d = distributable.0 as u128;
    let mut lines: Vec<(K, Fen)> = Vec::with_capacity(sorted.len());
    let mut fractions: Vec<(u128, usize)> = Vec::with_capacity(sorted.len());
    let mut paid: u128 = 0;
    for (index, (key, weight)) in sorted.iter().enumerate() {
        let product = d * u128::from(*weight);
        let base = product / total;
        paid += base;
        fractions.push((product % total, index));
        lines.push((key.clone(), Fen(base as i64)));
    }
    let remainder = d - paid;
    assert!(
        remainder < sorted.len() as u128,
        "the remainder is less than one fen per holder"
    );
    let retained = match rounding {
        Rounding::RoundDown => remainder,
        Rounding::LargestRemainder => {
            // Largest fraction first; equal fractions in key order (the index is key order).
            fractions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, index) in fractions.iter().take(remainder as usize) {
                lines[*index].1 .0 += 1;
            }
            0
        }
    };
    let split = Split {
        lines,
        retained: Fen(retained as i64),
    };
    let sum: i64 = split.lines.iter().map(|(_, f)| f.0).sum::<i64>() + split.retained.0;
    assert_eq!(sum, distributable.0, "Σ lines + retained = distributable");
    split
}

/// Who a share of the distributable amount goes to. The collective share sorts first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    Collective,
    Person(PersonId),
}

/// Weighted units on `date` from dated holding changes: floor(Σ units × coefficient), and
/// whether any units are held at all.
pub fn weighted_on(charter: &Charter, changes: &[HoldingChange], date: NaiveDate) -> (u64, bool) {
    let mut units: i128 = 0;
    let mut scaled: i128 = 0;
    for change in changes.iter().filter(|c| c.date <= date) {
        let coefficient = charter.class(&change.class).map_or(0, |c| c.coefficient.0);
        units += i128::from(change.delta);
        scaled += i128::from(change.delta) * i128::from(coefficient);
    }
    assert!(
        units >= 0 && scaled >= 0,
        "holdings on any date are not negative"
    );
    let weighted =
        u64::try_from(scaled / i128::from(COEFFICIENT_SCALE)).expect("weighted units fit in u64");
    (weighted, units > 0)
}

/// The split of a distributable amount among the holders on a record date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lines {
    pub lines: Vec<PlanLine>,
    pub total_weighted_units: u64,
    pub collective_weighted_units: u64,
    pub collective_fen: i64,
    pub retained_fen: i64,
}

/// Every holder's line on `record_date` (complete states only): persons holding units on that
/// date by their weighted units, and the collective share's part. Hukou, residence and marital
/// status do not enter it.
pub fn lines_on(
    state: &State,
    collective: &Collective,
    record_date: NaiveDate,
    distributable: Fen,
    rounding: Rounding,
) -> Lines {
    let charter = &collective.charter;
    let mut weights: Vec<(Holder, u64)> = Vec::new();
    let (collective_weighted, collective_holds) =
        weighted_on(charter, &collective.holding_changes, record_date);
    if collective_holds {
        weights.push((Holder::Collective, collective_weighted));
    }
    for person in state.persons() {
        let (weighted, holds) = weighted_on(charter, &person.holding_changes, record_date);
        if holds {
            weights.push((Holder::Person(person.id.clone()), weighted));
        }
    }
    let total: u64 = weights.iter().map(|(_, w)| *w).sum();
    let result = split(distributable, &weights, rounding);
    let mut lines = Vec::with_capacity(result.lines.len());
    let mut collective_fen = 0;
    for ((holder, amount), (_, weighted)) in result.lines.into_iter().zip(weights) {
        match holder {
            Holder::Collective => collective_fen = amount.0,
            Holder::Person(person) => lines.push(PlanLine {
                person,
                weighted_units: weighted,
                amount_fen: amount.0,
            }),
        }
    }
    Lines {
        lines,
        total_weighted_units: total,
        collective_weighted_units: collective_weighted,
        collective_fen,
        retained_fen: result.retained.0,
    }
}

/// What the board decides when it drafts a plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DraftInput {
    pub year: u16,
    pub record_date: NaiveDate,
    pub income: Fen,
    pub losses: Fen,
    /// Rates above the charter's for this year; never below its floors (R12).
    pub reserve_rate: Option<Percent>,
    pub welfare_rate: Option<Percent>,
    pub rounding: Option<Rounding>,
}

/// Drafts a plan from the state (complete) at head: funds, then every holder's line.
pub fn draft(
    state: &State,
    collective: &Collective,
    input: &DraftInput,
) -> Result<DistributionDrafted, RuleViolation> {
    let charter = &collective.charter;
    let reserve_rate = input.reserve_rate.unwrap_or(charter.reserve_rate_percent);
    let welfare_rate = input.welfare_rate.unwrap_or(charter.welfare_rate_percent);
    if reserve_rate < charter.reserve_floor_percent {
        return reject(
            Rule::R12,
            format!(
                "a reserve fund rate of {reserve_rate}% is below the charter's floor of {}%",
                charter.reserve_floor_percent
            ),
        );
    }
    if welfare_rate < charter.welfare_floor_percent {
        return reject(
            Rule::R12,
            format!(
                "a welfare fund rate of {welfare_rate}% is below the charter's floor of {}%",
                charter.welfare_floor_percent
            ),
        );
    }
    if reserve_rate.0 + welfare_rate.0 > RATE_SCALE {
        return reject(
            Rule::R12,
            "the reserve and welfare rates together exceed 100%",
        );
    }
    if input.income.0 <= 0 {
        return reject(Rule::Input, "the year's income must be above zero");
    }
    let funds = funds(input.income, input.losses, reserve_rate, welfare_rate)?;
    let rounding = input.rounding.unwrap_or(charter.rounding);
    let lines = lines_on(
        state,
        collective,
        input.record_date,
        funds.distributable,
        rounding,
    );
    if lines.total_weighted_units == 0 {
        return reject(
            Rule::R14,
            format!(
                "nobody holds weighted shares on the record date {}: there is no one to distribute to",
                input.record_date
            ),
        );
    }
    if lines.lines.len() > PLAN_LINES_MAX {
        return reject(
            Rule::Input,
            format!("a plan holds at most {PLAN_LINES_MAX} holder lines"),
        );
    }
    Ok(DistributionDrafted {
        year: input.year,
        record_date: input.record_date,
        income_fen: funds.income.0,
        losses_fen: funds.losses.0,
        reserve_rate_ppm: reserve_rate.0,
        welfare_rate_ppm: welfare_rate.0,
        reserve_fen: funds.reserve.0,
        welfare_fen: funds.welfare.0,
        distributable_fen: funds.distributable.0,
        rounding,
        total_weighted_units: lines.total_weighted_units,
        collective_weighted_units: lines.collective_weighted_units,
        collective_fen: lines.collective_fen,
        retained_fen: lines.retained_fen,
        lines: lines.lines,
    })
}

/// Recomputes a plan's lines from the state: what posting checks, and what `verify --replay`
/// compares every posted line with.
pub fn recompute(state: &State, collective: &Collective, plan: &DistributionDrafted) -> Lines {
    lines_on(
        state,
        collective,
        plan.record_date,
        Fen(plan.distributable_fen),
        plan.rounding,
    )
}

/// Checks a posting batch against a recomputation from the state it was posted on: every
/// declared line (holder, weighted units, amount, estate) and the summary. On a mismatch returns
/// the index in `declared` of the first bad line (`declared.len()` for the summary) and why.
pub fn check_posting(
    state: &State,
    collective: &Collective,
    declared: &[crate::event::DividendDeclared],
    posted: &crate::event::DistributionPosted,
) -> Result<(), (usize, String)> {
    let Some(plan) = state.distribution(posted.year) else {
        return Err((
            declared.len(),
            format!("{} was posted without a draft", posted.year),
        ));
    };
    let now = recompute(state, collective, &plan.plan);
    for (index, line) in declared.iter().enumerate() {
        let Some(expected) = now.lines.get(index) else {
            return Err((
                index,
                format!("line {index} has no holder in the recomputation"),
            ));
        };
        let estate = state.person(&line.person).is_some_and(|p| p.is_deceased());
        if line.year != posted.year
            || line.person != expected.person
            || line.weighted_units != expected.weighted_units
            || line.amount_fen != expected.amount_fen
            || line.estate != estate
        {
            return Err((
                index,
                format!(
                    "the {} line of {} declares {} weighted units and {} fen; recomputed from the log: {} ({}) with {} weighted units and {} fen",
                    posted.year,
                    line.person.masked(),
                    line.weighted_units,
                    line.amount_fen,
                    expected.person.masked(),
                    if estate { "estate" } else { "holder" },
                    expected.weighted_units,
                    expected.amount_fen
                ),
            ));
        }
    }
    let declared_fen: i64 = declared.iter().map(|l| l.amount_fen).sum();
    if declared.len() != now.lines.len()
        || posted.lines != declared.len() as u64
        || posted.declared_fen != declared_fen
        || posted.collective_fen != now.collective_fen
        || posted.retained_fen != now.retained_fen
        || posted.distributable_fen != plan.plan.distributable_fen
        || declared_fen + now.collective_fen + now.retained_fen != plan.plan.distributable_fen
    {
        return Err((
            declared.len(),
            format!(
                "the {} posting summary ({} lines, {} fen declared) does not match the recomputation ({} lines, {} fen)",
                posted.year,
                posted.lines,
                posted.declared_fen,
                now.lines.len(),
                now.lines.iter().map(|l| l.amount_fen).sum::<i64>()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funds_follow_the_charter_rates_rounded_down() {
        let f = funds(Fen(1_000_001), Fen(1), Percent(100_000), Percent(50_000)).unwrap();
        assert_eq!(
            (f.reserve, f.welfare, f.distributable),
            (Fen(100_000), Fen(50_000), Fen(850_000))
        );
        assert_eq!(
            funds(Fen(5), Fen(6), Percent(0), Percent(0))
                .unwrap_err()
                .rule(),
            Rule::R12
        );
    }

    #[test]
    fn largest_remainder_by_hand() {
        // 100 fen over weights 1, 1, 1: 33 each, remainder 1 to the first key on a tie.
        let s = split(
            Fen(100),
            &[("c", 1), ("a", 1), ("b", 1)],
            Rounding::LargestRemainder,
        );
        assert_eq!(
            s.lines,
            vec![("a", Fen(34)), ("b", Fen(33)), ("c", Fen(33))]
        );
        assert_eq!(s.retained, Fen(0));
        // 10 fen over 1, 2: exact 3.33 and 6.67; the larger fraction (b) gets the fen.
        let s = split(Fen(10), &[("a", 1), ("b", 2)], Rounding::LargestRemainder);
        assert_eq!(s.lines, vec![("a", Fen(3)), ("b", Fen(7))]);
        let s = split(Fen(10), &[("a", 1), ("b", 2)], Rounding::RoundDown);
        assert_eq!(
            (s.lines, s.retained),
            (vec![("a", Fen(3)), ("b", Fen(6))], Fen(1))
        );
    }

    #[test]
    fn nobody_to_pay_retains_everything() {
        let s = split::<u32>(Fen(500), &[], Rounding::LargestRemainder);
        assert_eq!(s.retained, Fen(500));
    }
}
