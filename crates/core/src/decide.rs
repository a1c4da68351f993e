//! `decide`: a command and the state at head in, events or a rule violation out. Pure. This is
//! the dispatcher: each command is decided by its domain area (membership, household, shares,
//! pledge, estate, distribution, correction), one line a command.

use crate::command::{Action, Command};
use crate::distribution::{dividends, plan};
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Collective, Key, State};
use crate::{bank, calendar, correction};
use crate::{collective, estate, household, loss, membership, pledge, representative, shares};
use chrono::NaiveDate;

pub use crate::checks::TEXT_CHARS_MAX;
pub use crate::estate::split_units;
pub use crate::loss::loss_ground;
pub use crate::membership::ROSTER_ROWS_MAX;

/// What every decision reads: the state at head, its collective, and the command's date.
pub(crate) struct Given<'a> {
    pub state: &'a State,
    pub collective: &'a Collective,
    pub date: NaiveDate,
}

/// Which entities applying `events` reads and changes, for events whose reach their own fields
/// name: a roster import's (the plan it adopts, each confirmation and allotment). The persons'
/// present households follow when the state is loaded (`State::missing_keys`). `None` for any
/// other event: its effects are applied on the state the command was decided on.
///
/// What lets a large import apply its events a slice at a time, each slice on the entities it
/// names, as the slices before it made them or else as the projections hold them, instead of
/// holding an entity for every row at once.
pub fn apply_scope(events: &[Event]) -> Option<Vec<Key>> {
    let mut keys = vec![Key::Collective];
    for event in events {
        match event {
            Event::QuantificationPlanAdopted(_) => {}
            Event::MembershipConfirmed(e) => {
                keys.push(Key::Person(e.person.clone()));
                keys.push(Key::Household(e.household.clone()));
            }
            Event::SharesAllotted(e) => keys.push(Key::Person(e.person.clone())),
            _ => return None,
        }
    }
    keys.sort();
    keys.dedup();
    Some(keys)
}

/// Whether `apply_scope` names what every one of `events` reaches.
pub fn applies_in_scope(events: &[Event]) -> bool {
    events.iter().all(|event| {
        matches!(
            event,
            Event::QuantificationPlanAdopted(_)
                | Event::MembershipConfirmed(_)
                | Event::SharesAllotted(_)
        )
    })
}

/// A household's key as its events will name it: the number trimmed, as `decide` records it. A
/// number typed with spaces (`--household " 7"`) loaded as typed would leave household 7 unloaded
/// while the event joins it (refused as a read the scope did not load; before that check, it
/// was made anew, empty, and written over the stored one).
fn household_key(number: &str) -> Key {
    Key::Household(number.trim().to_string())
}

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
                keys.push(household_key(&row.household));
            }
        }
        Action::RegisterPerson {
            person: id,
            household,
            ..
        } => {
            keys.push(person(id));
            keys.extend(household.iter().map(|h| household_key(h)));
        }
        Action::ConfirmMembership {
            person: id,
            household,
            ..
        } => {
            keys.push(person(id));
            keys.push(household_key(household));
        }
        Action::MoveHousehold { person: id, to } => {
            keys.push(person(id));
            keys.push(household_key(to));
        }
        Action::NameHouseholdHead {
            household,
            person: id,
        } => {
            keys.push(person(id));
            keys.push(household_key(household));
        }
        Action::LoseMembership { person: id, .. }
        | Action::RecordHukou { person: id, .. }
        | Action::RecordLifeEvent { person: id, .. }
        | Action::AllotShares { person: id, .. }
        | Action::PledgeShares { person: id, .. }
        | Action::ReleasePledge { person: id, .. }
        | Action::RecordDeath { person: id }
        | Action::RedeemShares { person: id, .. }
        | Action::ExitMember { person: id, .. }
        | Action::ElectRepresentative { person: id, .. }
        | Action::LeaveRepresentative { person: id, .. } => keys.push(person(id)),
        Action::TransferShares { from, to, .. } => {
            keys.push(person(from));
            keys.push(person(to));
        }
        Action::Correct {
            original, related, ..
        } => keys.extend(crate::correction::scope(original, related)?),
        Action::Inherit { from, heirs } => {
            keys.push(person(from));
            keys.extend(heirs.iter().map(|(heir, _)| person(heir)));
        }
        // A payment reads the year's plan (its declared lines) and the line's own state.
        Action::PayDividend {
            person: id, year, ..
        } => {
            keys.push(person(id));
            keys.push(Key::Distribution(*year));
            keys.push(Key::Line(*year, id.clone()));
        }
        Action::PayDividends { payments, year } => {
            keys.extend(payments.iter().map(|(id, _)| person(id)));
            keys.extend(payments.iter().map(|(id, _)| Key::Line(*year, id.clone())));
            keys.push(Key::Distribution(*year));
        }
        Action::SetBankAccount { person: id, .. } | Action::ClearBankAccount { person: id } => {
            keys.push(person(id))
        }
        Action::ImportBankAccounts { rows } => keys.extend(rows.iter().map(|r| person(&r.person))),
        Action::SettleBankResult { year, rows } => {
            keys.extend(rows.iter().map(|r| person(&r.person)));
            keys.extend(rows.iter().map(|r| Key::Line(*year, r.person.clone())));
            keys.push(Key::Distribution(*year));
        }
        Action::AllotCollectiveShares { .. } | Action::AdoptQuantificationPlan { .. } => {}
        Action::NoticeDistribution { year } | Action::ApproveDistribution { year, .. } => {
            keys.push(Key::Distribution(*year))
        }
        Action::PostDistribution { year } => keys.push(Key::Distribution(*year)),
        // A plan's lines read every holder.
        Action::DraftDistribution(_) => return None,
    }
    Some(keys)
}

/// Decides a command against the state; the state is not changed.
pub fn decide(state: &State, command: &Command) -> Result<Vec<Event>, RuleViolation> {
    if let Action::RegisterCollective {
        charter,
        loss_grounds,
    } = &command.action
    {
        return collective::register(state, charter, loss_grounds);
    }
    let Some(collective) = state.collective() else {
        return reject(
            Rule::Input,
            "the collective is not registered: run `gufen init` first",
        );
    };
    let given = &Given {
        state,
        collective,
        date: command.date,
    };
    let events = dispatch(given, command)?;
    // The calendar last, so that a command a domain rule refuses is refused by that rule.
    calendar::check(given, &command.action)?;
    Ok(events)
}

/// Each command decided by its domain area; one line a command.
fn dispatch(given: &Given, command: &Command) -> Result<Vec<Event>, RuleViolation> {
    let (state, collective) = (given.state, given.collective);
    match &command.action {
        Action::RegisterCollective { .. } => unreachable!("handled above"),
        Action::RegisterPerson {
            person,
            name,
            household,
        } => membership::register_person(given, person, name, household.as_deref()),
        Action::ConfirmMembership {
            person,
            name,
            household,
            resolution,
        } => membership::confirm(state, given.date, person, name, household, resolution)
            .map(|e| vec![e]),
        Action::ImportRoster { rows, resolution } => membership::import(given, rows, resolution),
        Action::LoseMembership {
            person,
            ground,
            note,
            resolution,
            other_collective,
        } => {
            let cited = loss::LossCitation {
                note,
                resolution: resolution.as_deref(),
                other_collective: other_collective.as_deref(),
            };
            loss::lose(given, person, ground, cited)
        }
        Action::ExitMember {
            person,
            resolution,
            application,
            redeem,
            authority,
        } => {
            let consent = loss::ExitConsent {
                application,
                resolution,
            };
            loss::exit(given, person, consent, *redeem, authority.as_ref())
        }
        Action::ElectRepresentative { person, resolution } => {
            representative::elect(given, person, resolution)
        }
        Action::LeaveRepresentative { person, resolution } => {
            representative::leave(given, person, resolution)
        }
        Action::AdoptQuantificationPlan { resolution, totals } => {
            shares::adopt_plan(given, resolution, totals)
        }
        Action::MoveHousehold { person, to } => household::move_to(given, person, to),
        Action::NameHouseholdHead { household, person } => {
            household::name_head(given, household, person)
        }
        Action::RecordHukou {
            person,
            kind,
            locality,
        } => household::record_hukou(given, person, *kind, locality),
        Action::RecordLifeEvent { person, kind, note } => {
            household::record_life_event(given, person, *kind, note)
        }
        Action::AllotShares {
            person,
            class,
            units,
            resolution,
        } => shares::allot(given, person, class, *units, resolution),
        Action::AllotCollectiveShares {
            class,
            units,
            resolution,
        } => shares::allot_collective(given, class, *units, resolution),
        Action::TransferShares {
            from,
            to,
            class,
            units,
            price,
            gift,
        } => {
            let what = shares::Transfer {
                class: class.as_deref(),
                units: *units,
                price: *price,
                gift: *gift,
            };
            shares::transfer(given, from, to, what)
        }
        Action::RedeemShares {
            person,
            class,
            units,
            price,
            resolution,
            authority,
        } => {
            let what = shares::Redemption {
                class: "",
                units: *units,
                price: *price,
                resolution,
                authority: authority.as_ref(),
            };
            shares::redeem(given, person, class.as_deref(), what)
        }
        Action::PledgeShares {
            person,
            class,
            units,
            pledgee,
            contract,
        } => pledge::pledge(given, person, class.as_deref(), *units, pledgee, contract),
        Action::ReleasePledge { person, contract } => pledge::release(given, person, contract),
        Action::RecordDeath { person } => estate::record_death(given, person),
        Action::Inherit { from, heirs } => estate::inherit(given, from, heirs),
        Action::DraftDistribution(input) => plan::draft(given, input),
        Action::NoticeDistribution { year } => plan::notice(given, *year),
        Action::ApproveDistribution {
            year,
            body,
            votes_for,
            eligible,
            resolution,
        } => {
            let vote = plan::Vote {
                body: *body,
                votes_for: *votes_for,
                eligible: *eligible,
                resolution,
            };
            plan::approve(given, *year, vote)
        }
        Action::PostDistribution { year } => plan::post(given, *year),
        Action::PayDividend {
            year,
            person,
            reference,
        } => dividends::pay(given, *year, person, reference),
        Action::PayDividends { year, payments } => dividends::pay_many(given, *year, payments),
        Action::SetBankAccount {
            person,
            bank,
            account,
            holder,
        } => bank::set(given, person, bank, account, holder.as_deref()),
        Action::ClearBankAccount { person } => bank::clear(given, person),
        Action::ImportBankAccounts { rows } => bank::import(given, rows),
        Action::SettleBankResult { year, rows } => bank::settle(given, *year, rows),
        Action::Correct {
            reason,
            original,
            related,
        } => correction::correct(state, collective, command.date, reason, original, related),
    }
}
