//! Membership (R1): persons known to the ledger, confirmation by the assembly (one by one or a
//! whole roster, which may carry the plan's units); each decided, applied and undone here. Its
//! end, by loss or voluntary exit (R2–R4), is `loss`.

use crate::amount::Units;
use crate::checks::{self, known, resolution, text};
use crate::command::RosterRow;
use crate::correction::{named, Case};
use crate::decide::Given;
use crate::error::{reject, RowViolation, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Membership, State};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The most rows one roster import may hold (one batch).
pub const ROSTER_ROWS_MAX: usize = checks::BATCH_ROWS_MAX;

// ---- decide ----

pub(crate) fn register_person(
    given: &Given,
    person: &PersonId,
    name: &str,
    household: Option<&str>,
) -> Result<Vec<Event>, RuleViolation> {
    let name = text("name", name)?;
    let household = household.map(|h| text("household", h)).transpose()?;
    checks::born_by(person, given.date)?;
    if given.state.person(person).is_some() {
        return reject(
            Rule::Input,
            format!("person {} is already registered", person.masked()),
        );
    }
    Ok(vec![Event::PersonRegistered(PersonRegistered {
        person: person.clone(),
        name,
        household,
    })])
}

pub(crate) fn confirm(
    state: &State,
    date: NaiveDate,
    person: &PersonId,
    name: &str,
    household: &str,
    resolution_cited: &str,
) -> Result<Event, RuleViolation> {
    let name = text("name", name)?;
    let household = text("household", household)?;
    let resolution = resolution(
        Rule::R1,
        resolution_cited,
        "a membership confirmation must cite the assembly's resolution",
    )?;
    if let PersonId::Document { kind, .. } = person {
        return reject(
            Rule::R1,
            format!(
                "{} is known by a {kind}, not a citizen ID: a member is a PRC citizen keyed by the citizen ID (a foreign heir may be registered and inherit, never be a member)",
                person.masked()
            ),
        );
    }
    checks::born_by(person, date)?;
    if let Some(existing) = state.person(person) {
        if existing.is_member() {
            return reject(
                Rule::R1,
                format!(
                    "{} ({}) is already a member",
                    existing.name,
                    person.masked()
                ),
            );
        }
        if existing.name != name {
            return reject(
                Rule::Input,
                format!(
                    "ID {} is registered under the name {}, not {name}",
                    person.masked(),
                    existing.name,
                ),
            );
        }
    }
    Ok(Event::MembershipConfirmed(MembershipConfirmed {
        person: person.clone(),
        name,
        household,
        resolution,
    }))
}

/// Confirms every row's membership and allots its units in one batch; every bad row is
/// reported and one refuses all.
pub(crate) fn import(
    given: &Given,
    rows: &[RosterRow],
    resolution_cited: &str,
) -> Result<Vec<Event>, RuleViolation> {
    let (state, collective) = (given.state, given.collective);
    checks::batch(rows.len(), "roster")?;
    let resolution = resolution(
        Rule::R1,
        resolution_cited,
        "a roster import must cite the assembly's resolution",
    )?;
    let mut violations = Vec::new();
    let mut seen: BTreeMap<PersonId, usize> = BTreeMap::new();
    // Two events a row and the plan the roster adopts, put first: a vector sized for the rows
    // alone would double when the plan is inserted (48 MB more for 100,000 rows).
    let mut events = Vec::with_capacity(rows.len() * 2 + 1);
    let mut added: BTreeMap<PersonId, u64> = BTreeMap::new();
    let mut added_total: u64 = 0;
    // Rows whose person is a member already: when it is every row, the roster was imported
    // before, and that is said once instead of once a row.
    let mut members_already = 0;
    for (index, row) in rows.iter().enumerate() {
        let mut fail_about = |rule: Rule, message: String, other_row: Option<usize>| {
            violations.push(RowViolation {
                row: index,
                rule,
                message,
                other_row,
            })
        };
        let mut fail = |rule: Rule, message: String| fail_about(rule, message, None);
        let person = match PersonId::parse(&row.id) {
            Ok(p) => p,
            Err(e) => {
                fail(
                    Rule::R5,
                    e.to_string().trim_start_matches("R5: ").to_string(),
                );
                continue;
            }
        };
        if let Some(first) = seen.insert(person.clone(), index) {
            fail_about(
                Rule::Input,
                format!("ID {} also appears on row {}", person.masked(), first + 1),
                Some(first),
            );
            continue;
        }
        match confirm(
            state,
            given.date,
            &person,
            &row.name,
            &row.household,
            &resolution,
        ) {
            Ok(event) => events.push(event),
            Err(e) => {
                if state.person(&person).is_some_and(|p| p.is_member()) {
                    members_already += 1;
                }
                let (rule, message) = e.first();
                fail(rule, message);
                continue;
            }
        }
        let (class, units) = (row.class.trim(), row.units.trim());
        if class.is_empty() && units.is_empty() {
            continue;
        }
        let units = match Units::parse_positive(units) {
            Ok(u) => u,
            Err(e) => {
                fail(Rule::Input, format!("units: {e}"));
                continue;
            }
        };
        if collective.charter.class(class).is_none() {
            fail(
                Rule::R6,
                format!("share class {class:?} is not in the charter"),
            );
            continue;
        }
        if let Err(e) = checks::static_management(&collective.charter, given.date) {
            // About the row's units (the column a reader is sent to), with what to do.
            let (rule, message) = e.first();
            fail(
                rule,
                format!("units: {message}: leave this row's class and units empty"),
            );
            continue;
        }
        events.push(Event::SharesAllotted(SharesAllotted {
            person: person.clone(),
            class: class.to_string(),
            units: units.0,
            resolution: resolution.clone(),
        }));
        *added.entry(person).or_insert(0) += units.0;
        added_total = added_total.saturating_add(units.0);
    }
    if violations.is_empty() {
        checks::cap(state, collective, given.date, &added, added_total)?;
        let mut totals: BTreeMap<String, u64> = BTreeMap::new();
        for event in &events {
            if let Event::SharesAllotted(a) = event {
                *totals.entry(a.class.clone()).or_insert(0) += a.units;
            }
        }
        if let Some(plan) = collective.plans.get(&resolution) {
            // Rows under a plan already adopted allot what it has left (R6).
            for (class, units) in &totals {
                if *units > plan.left(class) {
                    return reject(
                        Rule::R6,
                        format!(
                            "the plan adopted by resolution {resolution} has {} {class} shares left to allot, fewer than the roster's {}",
                            Units(plan.left(class)),
                            Units(*units)
                        ),
                    );
                }
            }
        } else if added_total > 0 {
            // A roster with units is the plan its resolution adopts (R6): its totals are the
            // roster's, recorded first.
            let plan = QuantificationPlanAdopted {
                resolution: resolution.clone(),
                totals: totals
                    .into_iter()
                    .map(|(class, units)| PlanTotal { class, units })
                    .collect(),
            };
            events.insert(0, Event::QuantificationPlanAdopted(plan));
        }
        return Ok(events);
    }
    if rows.len() > 1 && members_already == rows.len() {
        return reject(
            Rule::R1,
            format!(
                "every one of the roster's {} persons is already a member: it has been imported before",
                rows.len()
            ),
        );
    }
    Err(RuleViolation::Rows(violations))
}

// ---- apply ----

pub(crate) fn apply_registered(state: &mut State, date: NaiveDate, e: &PersonRegistered) {
    state.ensure_person(&e.person, &e.name, date);
    if let Some(number) = &e.household {
        state.place_in_household(&e.person, number);
    }
}

pub(crate) fn apply_confirmed(state: &mut State, date: NaiveDate, e: &MembershipConfirmed) {
    state.ensure_person(&e.person, &e.name, date);
    state.place_in_household(&e.person, &e.household);
    let person = state.person_mut(&e.person);
    assert!(
        !person.is_member(),
        "membership is confirmed only for non-members"
    );
    person.name = e.name.clone();
    person.ending = None;
    person.membership = Membership::Member {
        since: date,
        resolution: e.resolution.clone(),
    };
    state.collective_mut().member_joined(date, &e.person);
}

// ---- undo (R15) ----

pub(crate) fn undo_registration(
    case: &Case,
    e: &PersonRegistered,
) -> Result<Reversal, RuleViolation> {
    known(case.state, &e.person)?;
    let since: Vec<String> = case
        .later()
        .filter(|r| {
            !matches!(r.event, Event::RecordCorrected(_)) && r.event.persons().contains(&&e.person)
        })
        .map(named)
        .collect();
    if !since.is_empty() {
        return case.refuse(format_args!(
            "later records depend on it: {}",
            since.join(", ")
        ));
    }
    Ok(Reversal::Registration(e.clone()))
}

/// A confirmation undone: the person holds nothing and goes back to what they were before it.
pub(crate) fn undo_confirmation(
    case: &Case,
    e: &MembershipConfirmed,
) -> Result<Reversal, RuleViolation> {
    let person = known(case.state, &e.person)?;
    if let Some(record) = case
        .later()
        .find(|r| matches!(&r.event, Event::MembershipConfirmed(c) if c.person == e.person))
    {
        return case.refuse(format_args!(
            "a later confirmation, {}, is in force instead",
            named(record)
        ));
    }
    if !person.is_member() || person.is_deceased() {
        return case.refuse(format_args!(
            "the membership is no longer in force{}",
            case.depending(
                Some(&e.person),
                &[
                    EventKind::MembershipLost,
                    EventKind::MembershipExited,
                    EventKind::MembershipLostCited,
                    EventKind::MembershipExitedOnApplication,
                    EventKind::DeathRecorded
                ]
            )
        ));
    }
    // Units that reached the person as a member since: an allotment (R6) or a transfer (R8).
    let received: Vec<String> = case
        .later()
        .filter(|r| match &r.event {
            Event::SharesAllotted(a) => a.person == e.person,
            Event::SharesTransferred(t) => t.to == e.person,
            _ => false,
        })
        .map(named)
        .collect();
    if !received.is_empty() {
        return case.refuse(format_args!(
            "{} received shares as a member since; undo those first; later records depend on it: {}",
            e.person.masked(),
            received.join(", ")
        ));
    }
    let elections = case.depending(Some(&e.person), &[EventKind::RepresentativeElected]);
    if !elections.is_empty() {
        return case.refuse(format_args!(
            "{} was elected a representative as a member since{elections}",
            e.person.masked(),
        ));
    }
    let (before, household) = before_confirmation(case, &e.person);
    // A household the person moved to since stays theirs.
    let household = if person.household.as_deref() == Some(e.household.as_str()) {
        household
    } else {
        person.household.clone()
    };
    let head = case
        .state
        .household(&e.household)
        .and_then(|h| h.head.as_ref());
    if household != person.household && head == Some(&e.person) {
        return case.refuse(format_args!(
            "{} has since been named head of household {}{}",
            e.person.masked(),
            e.household,
            case.depending(Some(&e.person), &[EventKind::HouseholdHeadNamed])
        ));
    }
    Ok(Reversal::Confirmation(ConfirmationUndone {
        confirmed: e.clone(),
        before,
        household,
    }))
}

/// What the person was before the corrected confirmation, by their earlier records: the
/// membership they had lost (if any) and their household.
fn before_confirmation(
    case: &Case,
    person: &PersonId,
) -> (Option<EarlierMembership>, Option<String>) {
    let mut confirmed_on = None;
    let mut before = None;
    let mut household = None;
    for record in case.earlier() {
        match &record.event {
            Event::PersonRegistered(r) if r.person == *person => household = r.household.clone(),
            Event::MembershipConfirmed(c) if c.person == *person => {
                confirmed_on = Some(record.date);
                household = Some(c.household.clone());
            }
            Event::MembershipLost(MembershipLost {
                person: lost,
                ground,
                ..
            }) if lost == person && !case.is_corrected(record.seq) => {
                before = confirmed_on.map(|since| EarlierMembership {
                    since,
                    ended: record.date,
                    ground: *ground,
                })
            }
            Event::MembershipLostCited(cited)
                if cited.lost.person == *person && !case.is_corrected(record.seq) =>
            {
                let ground = &cited.lost.ground;
                before = confirmed_on.map(|since| EarlierMembership {
                    since,
                    ended: record.date,
                    ground: *ground,
                })
            }
            Event::MembershipExited(x)
            | Event::MembershipExitedOnApplication(MembershipExitedOnApplication {
                exited: x,
                ..
            }) if x.person == *person && !case.is_corrected(record.seq) => {
                before = confirmed_on.map(|since| EarlierMembership {
                    since,
                    ended: record.date,
                    ground: LossGround::Exit,
                })
            }
            Event::HouseholdMoved(m) if m.person == *person => household = Some(m.to.clone()),
            Event::RecordCorrected(c) => match &c.reversal {
                Reversal::HouseholdMove(m) if m.person == *person => household = m.from.clone(),
                Reversal::Confirmation(u) if u.confirmed.person == *person => {
                    household = u.household.clone();
                    before = u.before.clone();
                }
                _ => {}
            },
            _ => {}
        }
    }
    (before, household)
}

pub(crate) fn apply_registration_undone(state: &mut State, r: &PersonRegistered) {
    state.forget_person(&r.person);
}

pub(crate) fn apply_confirmation_undone(
    state: &mut State,
    date: NaiveDate,
    undone: &ConfirmationUndone,
) {
    let id = &undone.confirmed.person;
    let person = state.person_mut(id);
    assert!(person.is_member(), "a corrected confirmation is in force");
    person.membership = match &undone.before {
        None => Membership::None,
        Some(before) => Membership::Lost {
            since: before.since,
            ended: before.ended,
            ground: before.ground,
        },
    };
    let moves = person.household != undone.household;
    state.collective_mut().member_left(date, id);
    if moves {
        crate::household::rehouse(state, id, undone.household.as_deref());
    }
}
