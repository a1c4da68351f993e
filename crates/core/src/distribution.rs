//! Distribution arithmetic (收益分配): income → losses covered → reserve and welfare funds →
//! distributable D, split by weighted units in integer fen. Σ lines + retained = D exactly.

use crate::amount::{Fen, Percent};
use crate::charter::Rounding;
use crate::error::{reject, Rule, RuleViolation};

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
