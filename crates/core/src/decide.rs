//! `decide`: a command and the state at head in, events or a rule violation out. Pure.

use crate::amount::{Units, RATE_SCALE};
use crate::charter::{Charter, Management};
use crate::command::{Action, Command, RosterRow};
use crate::error::{reject, RowViolation, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Collective, Key, Person, State};
use std::collections::BTreeMap;

/// The most rows one roster import may hold (one batch).
pub const ROSTER_ROWS_MAX: usize = 200_000;
/// The longest name, household number, resolution or note, in characters.
pub const TEXT_CHARS_MAX: usize = 200;

/// Which entities a command needs loaded; `None` means the whole state.
pub fn scope(action: &Action) -> Option<Vec<Key>> {
    let person = |id: &PersonId| Key::Person(id.clone());
    let mut keys = vec![Key::Collective];
    match action {
        Action::RegisterCollective { .. } => {}
        Action::ImportRoster { rows, .. } => {
            for row in rows {
                if let Ok(id) = PersonId::parse(&row.id) {
                    keys.push(person(&id));
                }
                keys.push(Key::Household(row.household.trim().to_string()));
            }
        }
        Action::RegisterPerson {
            person: id,
            household,
            ..
        } => {
            keys.push(person(id));
            keys.extend(household.iter().map(|h| Key::Household(h.clone())));
        }
        Action::ConfirmMembership {
            person: id,
            household,
            ..
        } => {
            keys.push(person(id));
            keys.push(Key::Household(household.clone()));
        }
        Action::MoveHousehold { person: id, to } => {
            keys.push(person(id));
            keys.push(Key::Household(to.clone()));
        }
        Action::NameHouseholdHead {
            household,
            person: id,
        } => {
            keys.push(person(id));
            keys.push(Key::Household(household.clone()));
        }
        Action::LoseMembership { person: id, .. }
        | Action::RecordHukou { person: id, .. }
        | Action::RecordLifeEvent { person: id, .. }
        | Action::AllotShares { person: id, .. } => keys.push(person(id)),
    }
    Some(keys)
}

/// Decides a command against the state; the state is not changed.
pub fn decide(state: &State, command: &Command) -> Result<Vec<Event>, RuleViolation> {
    if let Action::RegisterCollective { charter } = &command.action {
        if state.collective().is_some() {
            return reject(
                Rule::Input,
                "this ledger already has its collective registered",
            );
        }
        return Ok(vec![Event::CollectiveRegistered(CollectiveRegistered {
            charter: charter.clone(),
        })]);
    }
    let Some(collective) = state.collective() else {
        return reject(
            Rule::Input,
            "the collective is not registered: run `gufen init` first",
        );
    };
    let date = command.date;
    match &command.action {
        Action::RegisterCollective { .. } => unreachable!("handled above"),
        Action::RegisterPerson {
            person,
            name,
            household,
        } => {
            text("name", name)?;
            if let Some(h) = household {
                text("household", h)?;
            }
            if state.person(person).is_some() {
                return reject(
                    Rule::Input,
                    format!("person {} is already registered", person.masked()),
                );
            }
            Ok(vec![Event::PersonRegistered(PersonRegistered {
                person: person.clone(),
                name: name.trim().to_string(),
                household: household.as_ref().map(|h| h.trim().to_string()),
            })])
        }
        Action::ConfirmMembership {
            person,
            name,
            household,
            resolution,
        } => confirm(state, person, name, household, resolution).map(|e| vec![e]),
        Action::ImportRoster { rows, resolution } => {
            import(state, collective, date, rows, resolution)
        }
        Action::LoseMembership {
            person,
            ground,
            note,
        } => {
            let ground = loss_ground(ground)?;
            member(state, person)?;
            Ok(vec![Event::MembershipLost(MembershipLost {
                person: person.clone(),
                ground,
                note: note.trim().to_string(),
            })])
        }
        Action::MoveHousehold { person, to } => {
            text("household", to)?;
            let current = known(state, person)?;
            if current.household.as_deref() == Some(to.trim()) {
                return reject(
                    Rule::Input,
                    format!("{} is already in household {to}", person.masked()),
                );
            }
            Ok(vec![Event::HouseholdMoved(HouseholdMoved {
                person: person.clone(),
                from: current.household.clone(),
                to: to.trim().to_string(),
            })])
        }
        Action::NameHouseholdHead { household, person } => {
            let found = known(state, person)?;
            if found.household.as_deref() != Some(household.as_str()) {
                return reject(
                    Rule::R7,
                    format!("{} is not in household {household}", person.masked()),
                );
            }
            Ok(vec![Event::HouseholdHeadNamed(HouseholdHeadNamed {
                household: household.clone(),
                person: person.clone(),
            })])
        }
        Action::RecordHukou {
            person,
            kind,
            locality,
        } => {
            text("locality", locality)?;
            known(state, person)?;
            Ok(vec![Event::HukouRecorded(HukouRecorded {
                person: person.clone(),
                kind: *kind,
                locality: locality.trim().to_string(),
            })])
        }
        Action::RecordLifeEvent { person, kind, note } => {
            known(state, person)?;
            Ok(vec![Event::LifeEventRecorded(LifeEventRecorded {
                person: person.clone(),
                kind: *kind,
                note: note.trim().to_string(),
            })])
        }
        Action::AllotShares {
            person,
            class,
            units,
            resolution,
        } => {
            let event = allot(state, collective, date, person, class, *units, resolution)?;
            let mut added = BTreeMap::new();
            added.insert(person.clone(), units.0);
            check_cap(state, collective, &added, units.0)?;
            Ok(vec![event])
        }
    }
}

fn text(field: &str, value: &str) -> Result<(), RuleViolation> {
    let value = value.trim();
    if value.is_empty() {
        return reject(Rule::Input, format!("{field} must not be empty"));
    }
    if value.chars().count() > TEXT_CHARS_MAX || value.chars().any(char::is_control) {
        return reject(
            Rule::Input,
            format!(
                "{field} must be at most {TEXT_CHARS_MAX} characters, with no control characters"
            ),
        );
    }
    Ok(())
}

fn known<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    state.person(person).ok_or_else(|| {
        RuleViolation::new(
            Rule::Input,
            format!("no person with ID {} in this collective", person.masked()),
        )
    })
}

fn member<'s>(state: &'s State, person: &PersonId) -> Result<&'s Person, RuleViolation> {
    let found = known(state, person)?;
    if !found.is_member() {
        return reject(
            Rule::R1,
            format!(
                "{} ({}) is not a current member",
                found.name,
                person.masked()
            ),
        );
    }
    Ok(found)
}

fn confirm(
    state: &State,
    person: &PersonId,
    name: &str,
    household: &str,
    resolution: &str,
) -> Result<Event, RuleViolation> {
    text("name", name)?;
    text("household", household)?;
    if resolution.trim().is_empty() {
        return reject(
            Rule::R1,
            "a membership confirmation must cite the assembly's resolution",
        );
    }
    text("resolution", resolution)?;
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
        if existing.name != name.trim() {
            return reject(
                Rule::Input,
                format!(
                    "ID {} is registered under the name {}, not {}",
                    person.masked(),
                    existing.name,
                    name.trim()
                ),
            );
        }
    }
    Ok(Event::MembershipConfirmed(MembershipConfirmed {
        person: person.clone(),
        name: name.trim().to_string(),
        household: household.trim().to_string(),
        resolution: resolution.trim().to_string(),
    }))
}

/// Lawful grounds (R2) are accepted; grounds R3 forbids are refused naming R3.
pub fn loss_ground(text: &str) -> Result<LossGround, RuleViolation> {
    match text {
        "death" => Ok(LossGround::Death),
        "nationality" => Ok(LossGround::Nationality),
        "other-collective" => Ok(LossGround::OtherCollective),
        "civil-servant" => Ok(LossGround::CivilServant),
        "charter" => Ok(LossGround::Charter),
        other => match LifeEvent::parse(other) {
            Some(event) => reject(
                Rule::R3,
                format!("{} never ends membership (RCEOL 18); record it as a life event instead", event.as_str()),
            ),
            None => reject(
                Rule::R2,
                format!("{other:?} is not a ground for losing membership: death, nationality, other-collective, civil-servant or charter"),
            ),
        },
    }
}

fn allot(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    person: &PersonId,
    class: &str,
    units: Units,
    resolution: &str,
) -> Result<Event, RuleViolation> {
    let charter = &collective.charter;
    if charter.class(class).is_none() {
        let known: Vec<&str> = charter.classes.iter().map(|c| c.code.as_str()).collect();
        return reject(
            Rule::R6,
            format!(
                "share class {class:?} is not in the charter ({})",
                known.join(", ")
            ),
        );
    }
    if units.0 == 0 {
        return reject(Rule::Input, "an allotment needs units above zero");
    }
    if resolution.trim().is_empty() {
        return reject(
            Rule::R6,
            "an allotment must cite the resolution adopting the quantification plan",
        );
    }
    text("resolution", resolution)?;
    check_static(charter, date)?;
    member(state, person)?;
    Ok(Event::SharesAllotted(SharesAllotted {
        person: person.clone(),
        class: class.to_string(),
        units: units.0,
        resolution: resolution.trim().to_string(),
    }))
}

fn check_static(charter: &Charter, date: chrono::NaiveDate) -> Result<(), RuleViolation> {
    if charter.management == Management::Static && date > charter.baseline_date {
        return reject(
            Rule::R7,
            format!(
                "static management (生不增、死不减): no allotment after the baseline date {} (this one is dated {date})",
                charter.baseline_date
            ),
        );
    }
    Ok(())
}

/// R9: every holder that receives units must end at or below the cap of all units in issue.
/// A holding already above the cap is kept; it is only refused an increase.
fn check_cap(
    state: &State,
    collective: &Collective,
    added: &BTreeMap<PersonId, u64>,
    added_total: u64,
) -> Result<(), RuleViolation> {
    let total_after = u128::from(collective.units_total()) + u128::from(added_total);
    let cap = collective.charter.holding_cap_percent;
    for (person, units) in added {
        let before = state.person(person).map_or(0, Person::units_total);
        let after = u128::from(before) + u128::from(*units);
        // after / total_after > cap_percent / 100, in integers: after × 100·10^4 > total_after × cap_ppm.
        if after * u128::from(RATE_SCALE) > total_after * u128::from(cap.0) {
            return reject(
                Rule::R9,
                format!(
                    "{} would hold {} of {} shares, above the charter's cap of {}%",
                    person.masked(),
                    Units(after as u64),
                    Units(total_after as u64),
                    cap
                ),
            );
        }
    }
    Ok(())
}

fn import(
    state: &State,
    collective: &Collective,
    date: chrono::NaiveDate,
    rows: &[RosterRow],
    resolution: &str,
) -> Result<Vec<Event>, RuleViolation> {
    if rows.is_empty() {
        return reject(Rule::Input, "the roster has no rows");
    }
    if rows.len() > ROSTER_ROWS_MAX {
        return reject(
            Rule::Input,
            format!("a roster holds at most {ROSTER_ROWS_MAX} rows"),
        );
    }
    if resolution.trim().is_empty() {
        return reject(
            Rule::R1,
            "a roster import must cite the assembly's resolution",
        );
    }
    text("resolution", resolution)?;
    let mut violations = Vec::new();
    let mut seen: BTreeMap<PersonId, usize> = BTreeMap::new();
    let mut events = Vec::with_capacity(rows.len() * 2);
    let mut added: BTreeMap<PersonId, u64> = BTreeMap::new();
    let mut added_total: u64 = 0;
    for (index, row) in rows.iter().enumerate() {
        let mut fail = |rule: Rule, message: String| {
            violations.push(RowViolation {
                row: index,
                rule,
                message,
            })
        };
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
            fail(
                Rule::Input,
                format!("ID {} also appears on row {}", person.masked(), first + 1),
            );
            continue;
        }
        match confirm(state, &person, &row.name, &row.household, resolution) {
            Ok(event) => events.push(event),
            Err(e) => {
                let (rule, message) = split(e);
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
        if let Err(e) = check_static(&collective.charter, date) {
            let (rule, message) = split(e);
            fail(rule, message);
            continue;
        }
        events.push(Event::SharesAllotted(SharesAllotted {
            person: person.clone(),
            class: class.to_string(),
            units: units.0,
            resolution: resolution.trim().to_string(),
        }));
        *added.entry(person).or_insert(0) += units.0;
        added_total = added_total.saturating_add(units.0);
    }
    if violations.is_empty() {
        check_cap(state, collective, &added, added_total)?;
        return Ok(events);
    }
    Err(RuleViolation::Rows(violations))
}

fn split(violation: RuleViolation) -> (Rule, String) {
    match violation {
        RuleViolation::Rule { rule, message } => (rule, message),
        RuleViolation::Rows(mut rows) => {
            let first = rows.remove(0);
            (first.rule, first.message)
        }
    }
}
