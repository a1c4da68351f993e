//! Estates (R10): a death turns the holding into an estate, settled by exact fractions to members and non-members; the cap where the charter says. Each wrong case is refused
//! naming its rule, and deciding never changes the state.

use super::support::*;

#[test]
fn r10_an_estate_is_settled_by_exact_fractions_to_members_and_non_members() {
    let state = outsider_registered(&quantified("50", "dynamic"));
    check_rejected(&state, heirs(A, &[(C, None)]), Rule::R10);
    let (died, events) = then(&state, &[death(A)]);
    // The death ends membership (R2) and leaves the holding as an estate.
    assert!(matches!(events[0], Event::MembershipLost(_)));
    assert_eq!(died.collective().unwrap().member_count, 3);
    assert_eq!(units_of(&died, A), 10_000);
    check_rejected(&died, death(A), Rule::Input);
    check_rejected(
        &died,
        heirs(A, &[(C, Some((1, 3))), (E, Some((1, 3)))]),
        Rule::R10,
    );
    check_rejected(&died, heirs(A, &[(C, Some((1, 3))), (E, None)]), Rule::R10);
    check_rejected(
        &died,
        heirs(A, &[(C, Some((0, 1))), (E, Some((1, 1)))]),
        Rule::R10,
    );
    check_rejected(&died, heirs(A, &[(C, None), (C, None)]), Rule::R10);
    check_rejected(
        &died,
        heirs(A, &[(C, None), ("410183199412042535", None)]),
        Rule::Input,
    );
    let (b_died, _) = then(&died, &[death(B)]);
    check_rejected(&b_died, heirs(A, &[(B, None), (C, None)]), Rule::R10);
    // 1 share = 10,000 units: 1/3 is 3,333.33 and 2/3 is 6,666.67; the larger fraction gets the unit.
    let (settled, _) = then(&died, &[heirs(A, &[(C, Some((1, 3))), (E, Some((2, 3)))])]);
    assert_eq!(units_of(&settled, A), 0);
    assert_eq!(units_of(&settled, C), 10_000 + 3_333);
    assert_eq!(units_of(&settled, E), 6_667);
    // The non-member heir holds income rights only: not a member, not counted.
    let heir = settled.person(&id(E)).unwrap();
    assert!(!heir.is_member());
    assert_eq!(settled.collective().unwrap().member_count, 3);
    assert_eq!(settled.collective().unwrap().units_total(), 40_000);
    // Nothing is left to settle.
    check_rejected(&settled, heirs(A, &[(C, None)]), Rule::R10);
}

#[test]
fn r10_an_equal_split_gives_remainder_units_by_id() {
    let (died, _) = then(&quantified("50", "dynamic"), &[death(D)]);
    let (settled, _) = then(&died, &[heirs(D, &[(C, None), (B, None), (A, None)])]);
    // 10,000 / 3: each fraction is equal, so the one unit left goes to the smallest ID (C).
    let ids: std::collections::BTreeSet<PersonId> = [A, B, C].iter().map(|p| id(p)).collect();
    let first = ids.iter().next().unwrap().clone();
    for p in [A, B, C] {
        let expected = if id(p) == first { 13_334 } else { 13_333 };
        assert_eq!(units_of(&settled, p), expected, "{p}");
    }
}

#[test]
fn r9_inheritance_counts_toward_the_cap_only_where_the_charter_says() {
    let counting = given(&[
        register(charter_with(&[
            (
                "holding_cap_percent = \"3\"",
                "holding_cap_percent = \"50\"",
            ),
            (
                "inheritance_counts_toward_cap = false",
                "inheritance_counts_toward_cap = true",
            ),
        ])),
        import(vec![
            row(A, "甲", "001", "basic", "1"),
            row(B, "乙", "001", "basic", "1"),
            row(C, "丙", "002", "basic", "1"),
            row(D, "丁", "002", "basic", "1"),
        ]),
    ]);
    let (died, _) = then(&counting, &[death(A), death(B)]);
    let (one, _) = then(&died, &[heirs(A, &[(C, None)])]);
    // C would hold 3 of 4 shares.
    check_rejected(&one, heirs(B, &[(C, None)]), Rule::R9);
    let (default_charter, _) = then(
        &quantified("50", "dynamic"),
        &[death(A), death(B), heirs(A, &[(C, None)])],
    );
    assert!(decide(&default_charter, &heirs(B, &[(C, None)])).is_ok());
}

#[test]
fn an_estate_is_paid_its_dividends_and_then_the_heirs_are() {
    let state = outsider_registered(&quantified("50", "dynamic"));
    let cycle =
        |year: u16, record: &str, day: &str, notice_day: &str, vote: &str, eligible: u64| {
            vec![
                draft(year, 1_000_000, record, day),
                notice(year, notice_day),
                // A has died and C is under 18: B and D are the assembly.
                approve(year, eligible, eligible, vote),
                post(year, vote),
            ]
        };
    let (estate_year, _) = then(
        &state,
        &[
            vec![death(A)],
            cycle(
                2024,
                "2024-12-31",
                "2025-01-05",
                "2025-01-05",
                "2025-01-21",
                2,
            ),
        ]
        .concat(),
    );
    let line = estate_year
        .distribution(2024)
        .unwrap()
        .dividend(&id(A))
        .unwrap()
        .clone();
    assert!(line.estate);
    assert_eq!(line.amount_fen, 212_500);
    let (settled, _) = then(
        &estate_year,
        &[
            vec![on(
                "2025-03-01",
                Action::Inherit {
                    from: id(A),
                    heirs: vec![(id(C), Some((1, 2))), (id(E), Some((1, 2)))],
                },
            )],
            cycle(
                2025,
                "2025-12-31",
                "2026-01-05",
                "2026-01-05",
                "2026-01-21",
                2,
            ),
        ]
        .concat(),
    );
    let year = settled.distribution(2025).unwrap();
    assert!(year.dividend(&id(A)).is_none());
    assert_eq!(year.dividend(&id(E)).unwrap().amount_fen, 106_250);
    assert_eq!(year.dividend(&id(C)).unwrap().amount_fen, 318_750);
}
