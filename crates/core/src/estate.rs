//! Deaths and estates (R10): a recorded death turns the holding into an estate, settled among
//! heirs (members or not) by exact fractions; each decided, applied and undone here.

use crate::amount::Units;
use crate::checks::{self, known};
use crate::correction::Case;
use crate::decide::Given;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{move_units, Membership, State};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The most heirs one settlement may name, and the largest fraction denominator.
pub const HEIRS_MAX: usize = 100;
pub const DENOMINATOR_MAX: u64 = 1_000_000;

// ---- decide ----

pub(crate) fn record_death(given: &Given, person: &PersonId) -> Result<Vec<Event>, RuleViolation> {
    let found = known(given.state, person)?;
    if found.is_deceased() {
        return reject(
            Rule::Input,
            format!("the death of {} is already recorded", person.masked()),
        );
    }
    let mut events = Vec::new();
    if found.is_member() {
        events.push(Event::MembershipLost(MembershipLost {
            person: person.clone(),
            ground: LossGround::Death,
            note: String::new(),
        }));
    }
    events.push(Event::DeathRecorded(DeathRecorded {
        person: person.clone(),
    }));
    Ok(events)
}

pub(crate) fn inherit(
    given: &Given,
    from: &PersonId,
    heirs: &[(PersonId, Option<(u64, u64)>)],
) -> Result<Vec<Event>, RuleViolation> {
    let (state, date) = (given.state, given.date);
    let deceased = known(state, from)?;
    if !deceased.is_deceased() {
        return reject(
            Rule::R10,
            format!(
                "{} ({}) has no recorded death: record it with `gufen death record` first",
                deceased.name,
                from.masked()
            ),
        );
    }
    if deceased.units_total() == 0 {
        return reject(
            Rule::R10,
            format!("the estate of {} holds no shares to settle", from.masked()),
        );
    }
    for (class, units) in &deceased.holdings {
        if checks::leaving(deceased, class, date).from_date < *units {
            return reject(
                Rule::Input,
                format!(
                    "part of the estate of {} is dated after {date}: date the settlement when the estate holds it all",
                    from.masked()
                ),
            );
        }
    }
    if deceased.pledged_units() > 0 {
        return reject(
            Rule::R11,
            format!(
                "the estate of {} has {} pledged shares: release them before settling",
                from.masked(),
                Units(deceased.pledged_units())
            ),
        );
    }
    let fractions = fractions(given, from, heirs)?;
    let mut shares = Vec::new();
    let mut added: BTreeMap<PersonId, u64> = BTreeMap::new();
    for (class, units) in &deceased.holdings {
        for (heir, part) in split_units(*units, &fractions) {
            if part > 0 {
                *added.entry(heir.clone()).or_insert(0) += part;
                shares.push(HeirShare {
                    heir,
                    class: class.clone(),
                    units: part,
                });
            }
        }
    }
    if given.collective.charter.inheritance_counts_toward_cap {
        checks::cap(state, given.collective, given.date, &added, 0)?;
    }
    Ok(vec![Event::EstateSettled(EstateSettled {
        deceased: from.clone(),
        fractions,
        shares,
    })])
}

/// Each heir's fraction, given or equal, checked to be living known persons whose fractions
/// sum to exactly one.
fn fractions(
    given: &Given,
    from: &PersonId,
    heirs: &[(PersonId, Option<(u64, u64)>)],
) -> Result<Vec<(PersonId, u64, u64)>, RuleViolation> {
    if heirs.is_empty() || heirs.len() > HEIRS_MAX {
        return reject(
            Rule::R10,
            format!("a settlement names 1 to {HEIRS_MAX} heirs"),
        );
    }
    let named = heirs.iter().filter(|(_, f)| f.is_some()).count();
    if named != 0 && named != heirs.len() {
        return reject(
            Rule::R10,
            "give every heir a fraction, or none for an equal split",
        );
    }
    let mut fractions: Vec<(PersonId, u64, u64)> = Vec::with_capacity(heirs.len());
    for (heir, fraction) in heirs {
        if heir == from || fractions.iter().any(|(h, _, _)| h == heir) {
            return reject(
                Rule::R10,
                format!("{} is named twice, or is the deceased", heir.masked()),
            );
        }
        let found = given.state.person(heir).ok_or_else(|| {
            RuleViolation::new(
                Rule::Input,
                format!(
                    "no person with ID {} in this collective: register a non-member heir with `gufen person add` first",
                    heir.masked()
                ),
            )
        })?;
        if found.is_deceased() {
            return reject(
                Rule::R10,
                format!(
                    "heir {} has died: settle through their own estate",
                    heir.masked()
                ),
            );
        }
        let (num, den) = fraction.unwrap_or((1, heirs.len() as u64));
        if num == 0 || den == 0 || num > den || den > DENOMINATOR_MAX {
            return reject(
                Rule::R10,
                format!(
                    "{num}/{den} for {} is not a fraction between 0 and 1 (denominators up to {DENOMINATOR_MAX})",
                    heir.masked()
                ),
            );
        }
        fractions.push((heir.clone(), num, den));
    }
    // Σ num/den = 1 exactly, in reduced rationals (too fine a set of fractions is refused).
    let mut sum: (u128, u128) = (0, 1);
    for (_, num, den) in &fractions {
        let (n, d) = (u128::from(*num), u128::from(*den));
        let numerator = sum
            .0
            .checked_mul(d)
            .and_then(|a| n.checked_mul(sum.1).and_then(|b| a.checked_add(b)));
        let denominator = sum.1.checked_mul(d);
        let (Some(numerator), Some(denominator)) = (numerator, denominator) else {
            return reject(Rule::R10, "these fractions are too fine to add up exactly");
        };
        let g = gcd(numerator, denominator);
        sum = (numerator / g, denominator / g);
    }
    if sum != (1, 1) {
        return reject(
            Rule::R10,
            format!(
                "the heirs' fractions sum to {}/{}, not exactly one",
                sum.0, sum.1
            ),
        );
    }
    Ok(fractions)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Splits `units` by exact fractions: floor(units·num/den) each, then the remaining units one
/// each to the largest fractional parts, ties by heir ID (R10). The parts sum to `units`.
pub fn split_units(units: u64, fractions: &[(PersonId, u64, u64)]) -> Vec<(PersonId, u64)> {
    let mut parts: Vec<(PersonId, u64, u128, u128)> = fractions
        .iter()
        .map(|(heir, num, den)| {
            let product = u128::from(units) * u128::from(*num);
            let den = u128::from(*den);
            (heir.clone(), (product / den) as u64, product % den, den)
        })
        .collect();
    let given: u64 = parts.iter().map(|p| p.1).sum();
    let mut remainder = units - given;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Larger fraction r_i/d_i first: r_i·d_j > r_j·d_i; equal ones by heir ID.
    order.sort_by(|&i, &j| {
        let (a, b) = (&parts[i], &parts[j]);
        (b.2 * a.3).cmp(&(a.2 * b.3)).then_with(|| a.0.cmp(&b.0))
    });
    for i in order {
        if remainder == 0 {
            break;
        }
        if parts[i].2 > 0 {
            parts[i].1 += 1;
            remainder -= 1;
        }
    }
    assert_eq!(remainder, 0, "the units of an estate are all given out");
    parts
        .into_iter()
        .map(|(heir, part, _, _)| (heir, part))
        .collect()
}

// ---- apply ----

pub(crate) fn apply_death(state: &mut State, date: NaiveDate, e: &DeathRecorded) {
    state.person_mut(&e.person).deceased_on = Some(date);
    state.collective_mut().deceased.insert(e.person.clone());
}

pub(crate) fn apply_settled(state: &mut State, date: NaiveDate, e: &EstateSettled) {
    for share in &e.shares {
        move_units(
            state,
            &e.deceased,
            &share.heir,
            &share.class,
            share.units,
            date,
        );
    }
    assert_eq!(
        state
            .person(&e.deceased)
            .expect("a settled estate's holder is known")
            .units_total(),
        0,
        "a settled estate ends empty"
    );
}

// ---- undo (R15) ----

pub(crate) fn undo_death(case: &Case, e: &DeathRecorded) -> Result<Reversal, RuleViolation> {
    let settled = case
        .later()
        .filter(|r| matches!(&r.event, Event::EstateSettled(s) if s.deceased == e.person))
        .map(crate::correction::named)
        .collect::<Vec<_>>();
    if !settled.is_empty() {
        return case.refuse(format_args!(
            "the estate has been settled; later records depend on it: {}",
            settled.join(", ")
        ));
    }
    known(case.state, &e.person)?;
    Ok(Reversal::Death(e.clone()))
}

pub(crate) fn undo_settlement(case: &Case, e: &EstateSettled) -> Result<Reversal, RuleViolation> {
    let mut received: BTreeMap<(&PersonId, &str), u64> = BTreeMap::new();
    for share in &e.shares {
        *received
            .entry((&share.heir, share.class.as_str()))
            .or_insert(0) += share.units;
    }
    for ((heir, class), units) in received {
        case.units_back(heir, class, units)?;
    }
    // The units going back to the estate are a receipt like any other (R9).
    let mut back = BTreeMap::new();
    back.insert(e.deceased.clone(), e.shares.iter().map(|s| s.units).sum());
    checks::cap(case.state, case.collective, case.date, &back, 0)?;
    Ok(Reversal::Estate(e.clone()))
}

/// The person is alive: the estate ends and a membership lost by the death is restored.
pub(crate) fn apply_death_undone(state: &mut State, date: NaiveDate, seq: u64, d: &DeathRecorded) {
    let person = state.person_mut(&d.person);
    assert!(person.is_deceased(), "a corrected death was recorded");
    person.deceased_on = None;
    let restored = match person.membership {
        Membership::Lost {
            since,
            ground: LossGround::Death,
            ..
        } => {
            person.membership = Membership::Member {
                since,
                resolution: format!("correction of record {seq}"),
            };
            person.ending = None;
            true
        }
        _ => false,
    };
    let collective = state.collective_mut();
    collective.deceased.remove(&d.person);
    if restored {
        collective.member_joined(date, &d.person);
        crate::representative::membership_restored(collective, &d.person, date);
    }
}

pub(crate) fn apply_settlement_undone(state: &mut State, date: NaiveDate, settled: &EstateSettled) {
    for share in &settled.shares {
        move_units(
            state,
            &share.heir,
            &settled.deceased,
            &share.class,
            share.units,
            date,
        );
    }
}
