//! Property: the distribution split is exact, non-negative, within one fen of each exact share,
//! and independent of the order holders are listed in, for both rounding rules.

use gufen_core::charter::Rounding;
use gufen_core::distribution::split;
use gufen_core::Fen;
use proptest::prelude::*;

fn check(
    distributable: i64,
    weights: Vec<u64>,
    rounding: Rounding,
    shuffle_seed: u64,
) -> Result<(), TestCaseError> {
    let keyed: Vec<(u32, u64)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (i as u32, *w))
        .collect();
    let result = split(Fen(distributable), &keyed, rounding);
    let total: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    let sum: i64 = result.lines.iter().map(|(_, f)| f.0).sum();
    prop_assert_eq!(sum + result.retained.0, distributable);
    for (key, fen) in &result.lines {
        prop_assert!(fen.0 >= 0);
        if total > 0 {
            // |line − D·w/W| < 1  ⇔  |line·W − D·w| < W
            let exact = distributable as u128 * u128::from(weights[*key as usize]);
            let line = fen.0 as u128 * total;
            prop_assert!(
                line.abs_diff(exact) < total,
                "line {} for weight {}",
                fen.0,
                weights[*key as usize]
            );
        }
    }
    let mut shuffled = keyed.clone();
    let mut state = shuffle_seed | 1;
    for i in (1..shuffled.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        shuffled.swap(i, (state % (i as u64 + 1)) as usize);
    }
    prop_assert_eq!(split(Fen(distributable), &shuffled, rounding), result);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn split_is_exact_and_fair(
        distributable in 0i64..=1_000_000_000_000,
        weights in prop::collection::vec(0u64..=1_000_000_000, 1..2_000),
        round_down in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let rounding = if round_down { Rounding::RoundDown } else { Rounding::LargestRemainder };
        check(distributable, weights, rounding, seed)?;
    }
}

proptest! {
    // The full range of holder counts the issue asks for, with fewer cases: each is large.
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn split_is_exact_for_up_to_one_hundred_thousand_holders(
        distributable in 0i64..=1_000_000_000_000,
        weights in prop::collection::vec(0u64..=1_000_000_000, 1..=100_000),
        round_down in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let rounding = if round_down { Rounding::RoundDown } else { Rounding::LargestRemainder };
        check(distributable, weights, rounding, seed)?;
    }
}

#[test]
fn one_hundred_thousand_holders() {
    let weights: Vec<u64> = (0..100_000u64)
        .map(|i| 1 + (i * 7_919) % 1_000_000_000)
        .collect();
    check(
        999_999_999_999,
        weights.clone(),
        Rounding::LargestRemainder,
        42,
    )
    .unwrap();
    check(999_999_999_999, weights, Rounding::RoundDown, 7).unwrap();
}
