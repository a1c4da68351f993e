//! Pledges (股权质押, R11): units of a named class pledged under a contract and released; pledged
//! units cannot leave the holding. Each decided, applied and undone here.

use crate::amount::Units;
use crate::checks::{self, holder_class, known, living, text};
use crate::correction::{Case, MOVES};
use crate::decide::Given;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Pledge, State};
use chrono::NaiveDate;

// ---- decide ----

pub(crate) fn pledge(
    given: &Given,
    person: &PersonId,
    class: Option<&str>,
    units: Units,
    pledgee: &str,
    contract: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let pledgee = text("pledgee", pledgee)?;
    let contract = text("contract", contract)?;
    let holder = living(given.state, person)?;
    let class = holder_class(holder, class)?;
    if units.0 == 0 {
        return reject(Rule::Input, "a pledge needs units above zero");
    }
    if units.0 > holder.free_units(&class) {
        return reject(
            Rule::R11,
            format!(
                "{} holds {} {class} shares of which {} are free of pledges; {} cannot be pledged",
                person.masked(),
                Units(holder.holdings.get(&class).copied().unwrap_or(0)),
                Units(holder.free_units(&class)),
                units
            ),
        );
    }
    let held_from = checks::leaving(holder, &class, given.date).from_date;
    if units.0 > held_from {
        return reject(
            Rule::R17,
            format!(
                "{} holds only {} {class} shares from {} on: a pledge binds units held on its date",
                person.masked(),
                Units(held_from),
                given.date
            ),
        );
    }
    if given.collective.pledges.contains_key(&contract) {
        return reject(
            Rule::Input,
            format!("contract {contract} already registers a pledge"),
        );
    }
    Ok(vec![Event::SharesPledgedInClass(Box::new(
        SharesPledgedInClass {
            pledge: SharesPledged {
                person: person.clone(),
                units: units.0,
                pledgee,
                contract,
            },
            class,
        },
    ))])
}

pub(crate) fn release(
    given: &Given,
    person: &PersonId,
    contract: &str,
) -> Result<Vec<Event>, RuleViolation> {
    if given.collective.pledges.get(contract.trim()) != Some(person) {
        return reject(
            Rule::R11,
            format!(
                "no open pledge of {} under contract {contract}",
                person.masked()
            ),
        );
    }
    let since = given
        .state
        .person(person)
        .and_then(|holder| {
            holder
                .pledges
                .iter()
                .find(|p| p.contract == contract.trim())
        })
        .map(|pledge| pledge.since);
    if let Some(since) = since.filter(|since| given.date < *since) {
        return reject(
            Rule::R17,
            format!(
                "the pledge under contract {contract} was registered on {since}: it cannot be released before that ({})",
                given.date
            ),
        );
    }
    Ok(vec![Event::PledgeReleased(PledgeReleased {
        person: person.clone(),
        contract: contract.trim().to_string(),
    })])
}

// ---- apply ----

/// Registers a pledge (R11), of units of `class` or of the whole holding.
pub(crate) fn apply_pledged(
    state: &mut State,
    e: &SharesPledged,
    class: Option<String>,
    since: NaiveDate,
) {
    let person = state.person_mut(&e.person);
    person.pledges.push(Pledge {
        contract: e.contract.clone(),
        pledgee: e.pledgee.clone(),
        units: e.units,
        since,
        class,
    });
    assert!(
        person.pledges_fit(),
        "pledged units never exceed the holding"
    );
    let previous = state
        .collective_mut()
        .pledges
        .insert(e.contract.clone(), e.person.clone());
    assert!(previous.is_none(), "a contract pledges once");
}

pub(crate) fn apply_released(state: &mut State, e: &PledgeReleased) {
    let person = state.person_mut(&e.person);
    let before = person.pledges.len();
    person.pledges.retain(|p| p.contract != e.contract);
    assert_eq!(
        person.pledges.len() + 1,
        before,
        "a released pledge was open"
    );
    state.collective_mut().pledges.remove(&e.contract);
}

// ---- undo (R15) ----

pub(crate) fn undo_pledge(case: &Case, e: &SharesPledged) -> Result<Reversal, RuleViolation> {
    if case.collective.pledges.get(&e.contract) != Some(&e.person) {
        return case.refuse(format_args!(
            "the pledge is no longer open{}",
            case.depending(Some(&e.person), &[EventKind::PledgeReleased])
        ));
    }
    Ok(Reversal::Pledge(e.clone()))
}

pub(crate) fn undo_release(case: &Case, e: &PledgeReleased) -> Result<Reversal, RuleViolation> {
    let pledge = case.earlier().rev().find_map(|r| match &r.event {
        Event::SharesPledged(p) if p.contract == e.contract => Some((p, None, r.date)),
        Event::SharesPledgedInClass(p) if p.pledge.contract == e.contract => {
            Some((&p.pledge, Some(p.class.clone()), r.date))
        }
        _ => None,
    });
    let Some((pledge, class, since)) = pledge else {
        return case.refuse(format_args!(
            "no pledge under contract {} was found",
            e.contract
        ));
    };
    if case.collective.pledges.contains_key(&e.contract) {
        return case.refuse(format_args!("contract {} is open again", e.contract));
    }
    let holder = known(case.state, &e.person)?;
    let free = match &class {
        Some(class) => holder.free_units(class),
        None => holder.unpledged_units(),
    };
    if free < pledge.units {
        return case.refuse(format_args!(
            "{} has {} shares free of pledges, fewer than the {} the pledge held{}",
            e.person.masked(),
            Units(free),
            Units(pledge.units),
            case.depending(Some(&e.person), &MOVES)
        ));
    }
    Ok(Reversal::Release(PledgeReopened {
        released: e.clone(),
        pledge: pledge.clone(),
        class,
        since,
    }))
}

pub(crate) fn apply_pledge_undone(state: &mut State, p: &SharesPledged) {
    let person = state.person_mut(&p.person);
    person.pledges.retain(|open| open.contract != p.contract);
    state.collective_mut().pledges.remove(&p.contract);
}

pub(crate) fn apply_release_undone(state: &mut State, reopened: &PledgeReopened) {
    apply_pledged(
        state,
        &reopened.pledge,
        reopened.class.clone(),
        reopened.since,
    );
}
