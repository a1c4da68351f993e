//! Households and life facts: moves between households, household heads, hukou and life events.
//! Hukou and life events are recorded and never acted on (R3; 户籍与集体经济权益脱钩). Each is
//! decided, applied and undone here.

use crate::checks::{known, text};
use crate::command::Recorded;
use crate::correction::Case;
use crate::decide::Given;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Hukou, State};
use chrono::NaiveDate;

// ---- decide ----

pub(crate) fn move_to(
    given: &Given,
    person: &PersonId,
    to: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let to = text("household", to)?;
    let current = known(given.state, person)?;
    if current.household.as_deref() == Some(to.as_str()) {
        return reject(
            Rule::Input,
            format!("{} is already in household {to}", person.masked()),
        );
    }
    Ok(vec![Event::HouseholdMoved(HouseholdMoved {
        person: person.clone(),
        from: current.household.clone(),
        to,
    })])
}

pub(crate) fn name_head(
    given: &Given,
    household: &str,
    person: &PersonId,
) -> Result<Vec<Event>, RuleViolation> {
    let found = known(given.state, person)?;
    // Trimmed as a confirmation and a move record the number (`--household " 001"` is 001).
    let household = household.trim();
    if found.household.as_deref() != Some(household) {
        return reject(
            Rule::R7,
            format!("{} is not in household {household}", person.masked()),
        );
    }
    Ok(vec![Event::HouseholdHeadNamed(HouseholdHeadNamed {
        household: household.to_string(),
        person: person.clone(),
    })])
}

pub(crate) fn record_hukou(
    given: &Given,
    person: &PersonId,
    kind: HukouKind,
    locality: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let locality = text("locality", locality)?;
    known(given.state, person)?;
    Ok(vec![Event::HukouRecorded(HukouRecorded {
        person: person.clone(),
        kind,
        locality,
    })])
}

pub(crate) fn record_life_event(
    given: &Given,
    person: &PersonId,
    kind: LifeEvent,
    note: &str,
) -> Result<Vec<Event>, RuleViolation> {
    known(given.state, person)?;
    let note = crate::checks::optional_text("note", note)?;
    Ok(vec![Event::LifeEventRecorded(LifeEventRecorded {
        person: person.clone(),
        kind,
        note,
    })])
}

// ---- apply ----

pub(crate) fn apply_moved(state: &mut State, e: &HouseholdMoved) {
    state.place_in_household(&e.person, &e.to);
}

pub(crate) fn apply_head_named(state: &mut State, e: &HouseholdHeadNamed) {
    state.household_mut(&e.household).head = Some(e.person.clone());
}

/// The record with the latest effective date is in force (of two on one date, the later one): a
/// back-dated record is kept in the log and does not replace it.
pub(crate) fn apply_hukou(state: &mut State, date: NaiveDate, e: &HukouRecorded) {
    let person = state.person_mut(&e.person);
    if person.hukou.as_ref().is_none_or(|h| h.since <= date) {
        person.hukou = Some(Hukou {
            kind: e.kind,
            locality: e.locality.clone(),
            since: date,
        });
    }
}

/// A life event changes nothing but the record (R3): membership, shares and household stay.
pub(crate) fn apply_life_event(_state: &mut State, _e: &LifeEventRecorded) {}

/// Moves a person out of their household and into `household` (or into none).
pub(crate) fn rehouse(state: &mut State, id: &PersonId, household: Option<&str>) {
    state.leave_household(id);
    state.person_mut(id).household = None;
    if let Some(number) = household {
        state.join_household(id, number);
    }
}

// ---- undo (R15) ----

pub(crate) fn undo_move(case: &Case, e: &HouseholdMoved) -> Result<Reversal, RuleViolation> {
    let person = known(case.state, &e.person)?;
    if person.household.as_deref() != Some(e.to.as_str()) {
        return case.refuse(format_args!(
            "{} is no longer in household {}{}",
            e.person.masked(),
            e.to,
            case.depending(
                Some(&e.person),
                &[EventKind::HouseholdMoved, EventKind::MembershipConfirmed]
            )
        ));
    }
    let head = case.state.household(&e.to).and_then(|h| h.head.as_ref());
    if head == Some(&e.person) {
        return case.refuse(format_args!(
            "{} has since been named head of household {}{}",
            e.person.masked(),
            e.to,
            case.depending(Some(&e.person), &[EventKind::HouseholdHeadNamed])
        ));
    }
    Ok(Reversal::HouseholdMove(e.clone()))
}

pub(crate) fn undo_head(case: &Case, e: &HouseholdHeadNamed) -> Result<Reversal, RuleViolation> {
    let household = case.state.household(&e.household);
    if household.and_then(|h| h.head.as_ref()) != Some(&e.person) {
        return case.refuse(format_args!(
            "{} is no longer head of household {}{}",
            e.person.masked(),
            e.household,
            case.depending(
                None,
                &[EventKind::HouseholdHeadNamed, EventKind::HouseholdMoved]
            )
        ));
    }
    // The head before this naming, by the household's earlier records.
    let mut previous = None;
    for record in case.earlier() {
        match &record.event {
            Event::HouseholdHeadNamed(h) if h.household == e.household => {
                previous = Some(h.person.clone())
            }
            Event::RecordCorrected(c) => match &c.reversal {
                Reversal::HouseholdHead(undone) if undone.named.household == e.household => {
                    previous = undone.previous.clone()
                }
                _ => {}
            },
            _ => {}
        }
    }
    // Only someone still in the household can be its head again.
    let previous =
        previous.filter(|p| p != &e.person && household.is_some_and(|h| h.persons.contains(p)));
    Ok(Reversal::HouseholdHead(HouseholdHeadUndone {
        named: e.clone(),
        previous,
    }))
}

/// The hukou record in force is the one with the latest effective date (of two on one date, the
/// later one): a back-dated record does not replace a later one. Undoing the record in force
/// puts the next one in force; undoing another is refused, naming the one in force.
pub(crate) fn undo_hukou(case: &Case, e: &HukouRecorded) -> Result<Reversal, RuleViolation> {
    known(case.state, &e.person)?;
    let corrected = (case.original.date, case.seq());
    let others: Vec<&Recorded> = case
        .related
        .iter()
        .filter(|r| {
            r.seq != case.seq()
                && !case.is_corrected(r.seq)
                && matches!(&r.event, Event::HukouRecorded(h) if h.person == e.person)
        })
        .collect();
    let in_force = others.iter().max_by_key(|r| (r.date, r.seq));
    if let Some(record) = in_force.filter(|r| (r.date, r.seq) > corrected) {
        return case.refuse(format_args!(
            "a later hukou record, {} (HukouRecorded), is in force instead; correct that one",
            record.seq
        ));
    }
    let previous = in_force.and_then(|r| match &r.event {
        Event::HukouRecorded(h) => Some((h.clone(), r.date)),
        _ => None,
    });
    Ok(Reversal::Hukou(HukouUndone {
        recorded: e.clone(),
        previous,
    }))
}

/// A life event recorded by mistake: it had no effect to undo (R3).
pub(crate) fn undo_life_event(e: &LifeEventRecorded) -> Result<Reversal, RuleViolation> {
    Ok(Reversal::LifeEvent(e.clone()))
}

pub(crate) fn apply_life_event_undone() {}

pub(crate) fn apply_move_undone(state: &mut State, moved: &HouseholdMoved) {
    rehouse(state, &moved.person, moved.from.as_deref());
}

pub(crate) fn apply_head_undone(state: &mut State, undone: &HouseholdHeadUndone) {
    state.household_mut(&undone.named.household).head = undone.previous.clone();
}

pub(crate) fn apply_hukou_undone(state: &mut State, undone: &HukouUndone) {
    state.person_mut(&undone.recorded.person).hukou =
        undone.previous.as_ref().map(|(recorded, since)| Hukou {
            kind: recorded.kind,
            locality: recorded.locality.clone(),
            since: *since,
        });
}
