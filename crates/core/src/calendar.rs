//! The calendar every record obeys (R17), as one check every command passes through before its
//! domain area decides it: nothing before the collective's registration, a person's records
//! within their life (not before their first record; after their death only the estate's
//! settlement, payments and corrections; a death not before a record of their own), ends after
//! beginnings (a loss or exit after the membership began, a settlement after the death), and a
//! posted plan's record date closed to changes of the register. The clock (no date after today)
//! is the caller's: see `not_after_today`. Also the bookkeeping `apply` does for it.

use crate::command::Action;
use crate::decide::Given;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::{Event, EventKind};
use crate::ids::PersonId;
use crate::state::{Membership, State};
use chrono::NaiveDate;

/// R17: a record is not dated after today (the clock is the caller's, passed in).
pub fn not_after_today(date: NaiveDate, today: NaiveDate) -> Result<(), RuleViolation> {
    if date > today {
        return reject(
            Rule::R17,
            format!("a record cannot be dated {date}, after today ({today})"),
        );
    }
    Ok(())
}

/// Checks `action`'s date against the ledger's calendar (R17).
pub(crate) fn check(given: &Given, action: &Action) -> Result<(), RuleViolation> {
    let (collective, date) = (given.collective, given.date);
    if date < collective.registered_on {
        return reject(
            Rule::R17,
            format!(
                "{date} is before the collective's registration on {}",
                collective.registered_on
            ),
        );
    }
    for (person, after_death) in acting(action) {
        within_life(given, person, after_death)?;
    }
    ends_after_beginnings(given, action)?;
    if changes_the_register(action) {
        open_date(given)?;
    }
    Ok(())
}

/// Whether a person's record may come after their death.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterDeath {
    Refused,
    /// The estate's settlement, or a dividend paid to the estate (R10).
    Allowed,
}

/// The known persons a command records something about, by their place in it.
fn acting(action: &Action) -> Vec<(&PersonId, AfterDeath)> {
    use AfterDeath::*;
    match action {
        Action::ConfirmMembership { person, .. }
        | Action::LoseMembership { person, .. }
        | Action::MoveHousehold { person, .. }
        | Action::NameHouseholdHead { person, .. }
        | Action::RecordHukou { person, .. }
        | Action::RecordLifeEvent { person, .. }
        | Action::AllotShares { person, .. }
        | Action::PledgeShares { person, .. }
        | Action::ReleasePledge { person, .. }
        | Action::RedeemShares { person, .. }
        | Action::ExitMember { person, .. }
        | Action::ElectRepresentative { person, .. }
        | Action::LeaveRepresentative { person, .. }
        | Action::RecordDeath { person } => vec![(person, Refused)],
        Action::TransferShares { from, to, .. } => vec![(from, Refused), (to, Refused)],
        // A deceased heir is refused by the estate's own rule (R10: settle through their estate).
        Action::Inherit { from, heirs } => {
            let mut persons = vec![(from, Allowed)];
            persons.extend(heirs.iter().map(|(heir, _)| (heir, Allowed)));
            persons
        }
        Action::PayDividend { person, .. } => vec![(person, Allowed)],
        Action::PayDividends { payments, .. } => {
            payments.iter().map(|(p, _)| (p, Allowed)).collect()
        }
        // An account is where money is paid, to the estate too (R10).
        Action::SetBankAccount { person, .. } | Action::ClearBankAccount { person } => {
            vec![(person, Allowed)]
        }
        Action::ImportBankAccounts { rows } => rows.iter().map(|r| (&r.person, Allowed)).collect(),
        Action::SettleBankResult { rows, .. } => {
            rows.iter().map(|r| (&r.person, Allowed)).collect()
        }
        Action::RegisterCollective { .. }
        | Action::RegisterPerson { .. }
        | Action::ImportRoster { .. }
        | Action::AllotCollectiveShares { .. }
        | Action::AdoptQuantificationPlan { .. }
        | Action::DraftDistribution(_)
        | Action::NoticeDistribution { .. }
        | Action::ApproveDistribution { .. }
        | Action::PostDistribution { .. }
        | Action::Correct { .. } => vec![],
    }
}

/// A record about `id` dated within their life.
fn within_life(given: &Given, id: &PersonId, after_death: AfterDeath) -> Result<(), RuleViolation> {
    let Some(person) = given.state.person(id) else {
        return Ok(());
    };
    let date = given.date;
    if date < person.since {
        return reject(
            Rule::R17,
            format!(
                "{} is first recorded on {}: nothing about them is dated before it ({date})",
                id.masked(),
                person.since
            ),
        );
    }
    if let Some(died) = person.deceased_on {
        if date > died && after_death == AfterDeath::Refused {
            return reject(
                Rule::R17,
                format!(
                    "{} died on {died}: nothing of their own is recorded after it ({date}); their estate is settled by inheritance",
                    id.masked()
                ),
            );
        }
    }
    Ok(())
}

fn ends_after_beginnings(given: &Given, action: &Action) -> Result<(), RuleViolation> {
    let date = given.date;
    match action {
        Action::RecordDeath { person } => {
            if let Some(found) = given.state.person(person) {
                if date < found.last_record_on {
                    return reject(
                        Rule::R17,
                        format!(
                            "{} has a record of their own dated {}: the death cannot be dated before it ({date})",
                            person.masked(),
                            found.last_record_on
                        ),
                    );
                }
            }
        }
        Action::LoseMembership { person, .. } | Action::ExitMember { person, .. } => {
            let since = given.state.person(person).and_then(|p| match p.membership {
                Membership::Member { since, .. } => Some(since),
                _ => None,
            });
            if let Some(since) = since.filter(|since| date < *since) {
                return reject(
                    Rule::R17,
                    format!(
                        "the membership of {} began on {since}: it cannot end before that ({date})",
                        person.masked()
                    ),
                );
            }
            let needed = given.state.person(person).map(|p| p.last_member_record_on);
            if let Some(needed) = needed.filter(|needed| date < *needed) {
                return reject(
                    Rule::R17,
                    format!(
                        "{} has a record dated {needed} that needed their membership (an allotment, a transfer, an election): the membership cannot end before it ({date})",
                        person.masked()
                    ),
                );
            }
        }
        Action::Inherit { from, .. } => {
            let died = given.state.person(from).and_then(|p| p.deceased_on);
            if let Some(died) = died.filter(|died| date < *died) {
                return reject(
                    Rule::R17,
                    format!(
                        "{} died on {died}: the estate cannot be settled before that ({date})",
                        from.masked()
                    ),
                );
            }
        }
        _ => {}
    }
    Ok(())
}

/// Commands that change the register (holdings, membership, deaths, allotments, pledges and the
/// household a holder is listed under): refused on or before a posted plan's record date.
fn changes_the_register(action: &Action) -> bool {
    match action {
        Action::ImportRoster { .. }
        | Action::ConfirmMembership { .. }
        | Action::LoseMembership { .. }
        | Action::ExitMember { .. }
        | Action::AllotShares { .. }
        | Action::AllotCollectiveShares { .. }
        | Action::TransferShares { .. }
        | Action::RedeemShares { .. }
        | Action::RecordDeath { .. }
        | Action::Inherit { .. }
        | Action::PledgeShares { .. }
        | Action::ReleasePledge { .. }
        | Action::MoveHousehold { .. } => true,
        // A correction takes effect on its own date; undoing a posting is how a year reopens.
        Action::Correct { original, .. } => matches!(
            original.event.kind(),
            EventKind::SharesAllotted
                | EventKind::CollectiveSharesAllotted
                | EventKind::SharesTransferred
                | EventKind::SharesRedeemed
                | EventKind::MembershipConfirmed
                | EventKind::MembershipLost
                | EventKind::MembershipLostCited
                | EventKind::MembershipExited
                | EventKind::MembershipExitedOnApplication
                | EventKind::SharesRedeemedWithConsent
                | EventKind::DeathRecorded
                | EventKind::EstateSettled
                | EventKind::SharesPledged
                | EventKind::SharesPledgedInClass
                | EventKind::PledgeReleased
                | EventKind::HouseholdMoved
        ),
        _ => false,
    }
}

/// The command's date is after every posted plan's record date (R17).
fn open_date(given: &Given) -> Result<(), RuleViolation> {
    let closed = given
        .collective
        .closed_record_dates
        .iter()
        .filter(|(_, record_date)| given.date <= **record_date)
        .min_by_key(|(_, record_date)| **record_date);
    if let Some((year, record_date)) = closed {
        return reject(
            Rule::R17,
            format!(
                "{} is on or before the record date {record_date} of the posted {year} plan: the register on it is closed; correct the {year} posting first (R15) to change it",
                given.date
            ),
        );
    }
    Ok(())
}

/// The persons whose membership a record needed.
fn needing_membership(event: &Event) -> Vec<PersonId> {
    match event {
        Event::MembershipConfirmed(e) => vec![e.person.clone()],
        Event::SharesAllotted(e) => vec![e.person.clone()],
        Event::SharesTransferred(e) => vec![e.from.clone(), e.to.clone()],
        Event::RepresentativeElected(e) => vec![e.person.clone()],
        _ => Vec::new(),
    }
}

/// Keeps each person's `last_record_on` and `last_member_record_on` (R17): the latest date of a record of their own life.
/// A hukou record is not one: hukou is recorded and never acted on (R3), so it can never stand
/// in the way of another record.
pub(crate) fn apply(state: &mut State, date: NaiveDate, event: &Event) {
    let own: Vec<PersonId> = match event {
        Event::HukouRecorded(_)
        | Event::DividendDeclared(_)
        | Event::DividendPaid(_)
        | Event::BankAccountSet(_)
        | Event::BankAccountCleared(_)
        | Event::DividendPaymentFailed(_)
        | Event::RecordCorrected(_) => return,
        Event::EstateSettled(e) => e.shares.iter().map(|s| s.heir.clone()).collect(),
        other => other.persons().into_iter().cloned().collect(),
    };
    for id in own {
        if let Some(person) = state.person_loaded_mut(&id) {
            person.last_record_on = person.last_record_on.max(date);
        }
    }
    for id in needing_membership(event) {
        if let Some(person) = state.person_loaded_mut(&id) {
            person.last_member_record_on = person.last_member_record_on.max(date);
        }
    }
}
