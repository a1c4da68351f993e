//! The representatives register (R13): members elected to the representatives' assembly by
//! resolution, and their leaving; a representative whose membership ends is no longer seated. A
//! representatives' vote counts every representative seated on its date. Decided, applied and
//! undone here.

use crate::checks::{member_for, resolution};
use crate::correction::{named, Case};
use crate::decide::Given;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Collective, Seat, State};
use chrono::NaiveDate;

// ---- decide ----

pub(crate) fn elect(
    given: &Given,
    person: &PersonId,
    resolution_cited: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let resolution = resolution(
        Rule::R13,
        resolution_cited,
        "a representative's election must cite the assembly's resolution",
    )?;
    let member = member_for(Rule::R13, given.state, person)?;
    // The assembly is the members of full civil capacity (R13; CC 17-18): so are its
    // representatives.
    let of_age = crate::state::adult_from(person);
    if given.date < of_age {
        return reject(
            Rule::R13,
            format!(
                "{} ({}) is under 18 on {} (of age from {of_age}): a representative is a member of full civil capacity",
                member.name,
                person.masked(),
                given.date
            ),
        );
    }
    if let Some(seat) = seated(given.collective, person) {
        return reject(
            Rule::R13,
            format!(
                "{} ({}) has been a representative since {}",
                member.name,
                person.masked(),
                seat.since
            ),
        );
    }
    Ok(vec![Event::RepresentativeElected(RepresentativeElected {
        person: person.clone(),
        resolution,
    })])
}

pub(crate) fn leave(
    given: &Given,
    person: &PersonId,
    resolution_cited: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let resolution = resolution(
        Rule::R13,
        resolution_cited,
        "a representative leaves by the assembly's resolution",
    )?;
    let Some(seat) = seated(given.collective, person) else {
        let why = match given.collective.representatives.get(person) {
            Some(Seat {
                membership_ended: Some(ended),
                ..
            }) => format!("; the seat ended with the membership on {ended}"),
            _ => String::new(),
        };
        return reject(
            Rule::R13,
            format!("{} is not a seated representative{why}", person.masked()),
        );
    };
    if given.date < seat.since {
        return reject(
            Rule::R17,
            format!(
                "{} was elected on {}: leaving cannot be dated before it",
                person.masked(),
                seat.since
            ),
        );
    }
    Ok(vec![Event::RepresentativeLeft(RepresentativeLeft {
        person: person.clone(),
        resolution,
    })])
}

/// The seat `person` holds now, if seated.
fn seated<'c>(collective: &'c Collective, person: &PersonId) -> Option<&'c Seat> {
    collective
        .representatives
        .get(person)
        .filter(|seat| seat.is_seated())
}

// ---- apply ----

pub(crate) fn apply_elected(state: &mut State, date: NaiveDate, e: &RepresentativeElected) {
    seat(state.collective_mut(), &e.person, date, &e.resolution);
}

pub(crate) fn apply_left(state: &mut State, date: NaiveDate, e: &RepresentativeLeft) {
    unseat(state.collective_mut(), &e.person, date);
}

fn seat(collective: &mut Collective, person: &PersonId, date: NaiveDate, resolution: &str) {
    let previous = collective.representatives.insert(
        person.clone(),
        Seat {
            since: date,
            resolution: resolution.to_string(),
            membership_ended: None,
        },
    );
    assert!(
        previous.is_none_or(|seat| !seat.is_seated()),
        "a representative is seated once"
    );
    *collective.representative_changes.entry(date).or_insert(0) += 1;
}

fn unseat(collective: &mut Collective, person: &PersonId, date: NaiveDate) {
    let seat = collective
        .representatives
        .remove(person)
        .expect("a representative leaves a seat held");
    if seat.is_seated() {
        *collective.representative_changes.entry(date).or_insert(0) -= 1;
    }
}

/// A membership ended on `date` (a loss, an exit, a death): a representative's seat ends with it.
pub(crate) fn membership_ended(collective: &mut Collective, person: &PersonId, date: NaiveDate) {
    if let Some(seat) = collective.representatives.get_mut(person) {
        if seat.is_seated() {
            seat.membership_ended = Some(date);
            *collective.representative_changes.entry(date).or_insert(0) -= 1;
        }
    }
}

/// A loss, exit or death undone on `date`: the seat it ended is held again from then on.
pub(crate) fn membership_restored(collective: &mut Collective, person: &PersonId, date: NaiveDate) {
    if let Some(seat) = collective.representatives.get_mut(person) {
        if !seat.is_seated() {
            seat.membership_ended = None;
            *collective.representative_changes.entry(date).or_insert(0) += 1;
        }
    }
}

// ---- undo (R15) ----

/// An election undone: refused while a later departure stands on it.
pub(crate) fn undo_election(
    case: &Case,
    e: &RepresentativeElected,
) -> Result<Reversal, RuleViolation> {
    if let Some(record) = case.later().find(|r| match &r.event {
        Event::RepresentativeLeft(left) => left.person == e.person,
        Event::RepresentativeElected(elected) => elected.person == e.person,
        _ => false,
    }) {
        return case.refuse_for(
            "the representative has left or been elected again since; undo that first",
            Some(record),
        );
    }
    Ok(Reversal::RepresentativeElection(e.clone()))
}

/// A departure undone: the seat as elected is held again; refused when the person has been
/// elected again since or is no longer a member.
pub(crate) fn undo_departure(
    case: &Case,
    e: &RepresentativeLeft,
) -> Result<Reversal, RuleViolation> {
    if let Some(record) = case.later().find(|r| match &r.event {
        Event::RepresentativeElected(elected) => elected.person == e.person,
        _ => false,
    }) {
        return case.refuse(format_args!(
            "{} has been elected again since: {}",
            e.person.masked(),
            named(record)
        ));
    }
    if !case.state.person(&e.person).is_some_and(|p| p.is_member()) {
        return case.refuse(format_args!(
            "{} is no longer a member, and only a member holds a seat",
            e.person.masked()
        ));
    }
    let election = case
        .earlier()
        .rev()
        .find(|r| match &r.event {
            Event::RepresentativeElected(elected) => {
                elected.person == e.person && !case.is_corrected(r.seq)
            }
            _ => false,
        })
        .expect("a departure follows an election");
    let Event::RepresentativeElected(elected) = &election.event else {
        unreachable!("found an election")
    };
    Ok(Reversal::RepresentativeDeparture(RepresentativeReseated {
        left: e.clone(),
        since: election.date,
        elected_by: elected.resolution.clone(),
    }))
}

pub(crate) fn apply_election_undone(state: &mut State, date: NaiveDate, e: &RepresentativeElected) {
    unseat(state.collective_mut(), &e.person, date);
}

pub(crate) fn apply_departure_undone(
    state: &mut State,
    date: NaiveDate,
    e: &RepresentativeReseated,
) {
    let collective = state.collective_mut();
    seat(collective, &e.left.person, date, &e.elected_by);
    let seat = collective
        .representatives
        .get_mut(&e.left.person)
        .expect("seated again");
    seat.since = e.since;
}
