//! Pledges (R11): pledged units, of a named class, cannot leave the holding until released. Each wrong case is refused
//! naming its rule, and deciding never changes the state.

use super::support::*;

#[test]
fn r11_pledged_units_block_transfer_redemption_and_exit_until_released() {
    let (pledged, _) = then(&quantified("50", "dynamic"), &[pledge(A, "0.6", "质押-1")]);
    assert_eq!(
        report::register(&pledged)
            .holders
            .iter()
            .map(|h| h.pledged_units)
            .sum::<u64>(),
        6_000
    );
    // 0.4 of A's share is free: 0.5 cannot go anywhere, 0.4 can.
    check_rejected(&pledged, transfer(A, B, "0.5"), Rule::R11);
    check_rejected(&pledged, redeem(A, "0.5"), Rule::R11);
    check_rejected(&pledged, exit(A, None), Rule::R11);
    check_rejected(&pledged, pledge(A, "0.5", "质押-2"), Rule::R11);
    assert!(decide(&pledged, &transfer(A, B, "0.4")).is_ok());
    // A contract pledges once, and only an open pledge is released.
    check_rejected(&pledged, pledge(B, "0.1", "质押-1"), Rule::Input);
    let release = |person: &str| {
        on(
            "2024-03-01",
            Action::ReleasePledge {
                person: id(person),
                contract: "质押-1".into(),
            },
        )
    };
    check_rejected(&pledged, release(B), Rule::R11);
    let (released, _) = then(&pledged, &[release(A)]);
    assert!(decide(&released, &transfer(A, B, "0.5")).is_ok());
}

#[test]
fn r11_a_pledge_names_its_class_and_binds_only_those_units() {
    let (state, _) = then(
        &quantified("50", "dynamic"),
        &[
            plan_of("labor", "0.5", "2024-01-15"),
            allot(A, "labor", "0.5", "2024-01-15"),
        ],
    );
    let class_pledge = |class: Option<&str>, shares: &str, contract: &str| {
        let mut command = pledge(A, shares, contract);
        if let Action::PledgeShares { class: named, .. } = &mut command.action {
            *named = class.map(str::to_string);
        }
        command
    };
    // A holds two classes: the pledge must name one, and holds no more than that class.
    check_rejected(&state, class_pledge(None, "0.5", "质押-1"), Rule::Input);
    check_rejected(
        &state,
        class_pledge(Some("labor"), "0.6", "质押-1"),
        Rule::R11,
    );
    let (pledged, events) = then(&state, &[class_pledge(Some("labor"), "0.5", "质押-1")]);
    assert!(matches!(
        &events[0],
        Event::SharesPledgedInClass(e) if e.class == "labor" && e.pledge.units == 5_000
    ));
    let a = pledged.person(&id(A)).unwrap();
    assert_eq!((a.free_units("labor"), a.free_units("basic")), (0, 10_000));
    // The pledged labour-years units cannot move; the basic share is free.
    let moving = |class: &str, shares: &str| Command {
        date: date("2024-03-01"),
        action: Action::TransferShares {
            from: id(A),
            to: id(B),
            class: Some(class.into()),
            units: Units::parse(shares).unwrap(),
            price: Fen(10_000),
            gift: false,
        },
    };
    check_rejected(&pledged, moving("labor", "0.1"), Rule::R11);
    assert!(decide(&pledged, &moving("basic", "1")).is_ok());
    // A pledge recorded before pledges named a class binds units of the whole holding.
    let mut legacy = state.clone();
    apply(
        &mut legacy,
        date("2024-02-01"),
        &Event::SharesPledged(gufen_core::event::SharesPledged {
            person: id(A),
            units: 12_000,
            pledgee: "农商银行".into(),
            contract: "质押-0".into(),
        }),
    );
    let a = legacy.person(&id(A)).unwrap();
    assert_eq!(
        (a.free_units("basic"), a.free_units("labor")),
        (3_000, 3_000)
    );
    check_rejected(&legacy, moving("basic", "0.4"), Rule::R11);
    assert!(decide(&legacy, &moving("basic", "0.3")).is_ok());
}
