//! Corrections (R15): a mistaken record is never edited; a `RecordCorrected` event cites it and
//! undoes its effect. This module says which record types can be undone and dispatches to each
//! domain area's undo, which decides the reversal (and what blocks it) and applies it. A
//! correction is refused while later records stand on the one corrected, and the refusal names
//! them.
//!
//! The caller supplies the record and every other record of its `Event::correction_streams`
//! (earlier ones say what to restore; later ones are named when they depend on it).

use crate::amount::Units;
use crate::checks::{known, leaving, text};
use crate::command::Recorded;
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{Collective, Key, State};
use crate::{
    bank, collective, distribution, estate, household, loss, membership, pledge, representative,
    shares,
};
use chrono::NaiveDate;

/// Record types that move or encumber a person's units after they arrived.
pub(crate) const MOVES: [EventKind; 9] = [
    EventKind::SharesTransferred,
    EventKind::SharesRedeemed,
    EventKind::SharesRedeemedWithConsent,
    EventKind::MembershipExitedOnApplication,
    EventKind::SharesPledged,
    EventKind::SharesPledgedInClass,
    EventKind::EstateSettled,
    EventKind::MembershipExited,
    EventKind::RecordCorrected,
];

/// What a correction is decided on: the record, its neighbours in the log, the state.
pub(crate) struct Case<'a> {
    pub original: &'a Recorded,
    pub related: &'a [Recorded],
    pub state: &'a State,
    pub collective: &'a Collective,
    /// The correction's effective date.
    pub date: NaiveDate,
}

impl<'a> Case<'a> {
    pub fn seq(&self) -> u64 {
        self.original.seq
    }

    /// Records after the corrected one that have not themselves been corrected.
    pub fn later(&self) -> impl Iterator<Item = &'a Recorded> + '_ {
        self.related
            .iter()
            .filter(|r| r.seq > self.seq() && !self.collective.corrected.contains(&r.seq))
    }

    /// Records before the corrected one, oldest first.
    pub fn earlier(&self) -> impl DoubleEndedIterator<Item = &'a Recorded> + '_ {
        self.related.iter().filter(|r| r.seq < self.seq())
    }

    /// Whether the record at `seq` has been corrected.
    pub fn is_corrected(&self, seq: u64) -> bool {
        self.collective.corrected.contains(&seq)
    }

    /// "; later records depend on it: 12 (SharesTransferred), …" for the later records about
    /// `person` (any person when None) of the given types; empty when there are none.
    pub fn depending(&self, person: Option<&PersonId>, kinds: &[EventKind]) -> String {
        let seqs: Vec<String> = self
            .later()
            .filter(|r| {
                kinds.contains(&r.event.kind())
                    && person.is_none_or(|p| r.event.persons().contains(&p))
            })
            .map(named)
            .collect();
        if seqs.is_empty() {
            String::new()
        } else {
            format!("; later records depend on it: {}", seqs.join(", "))
        }
    }

    pub fn refuse<T>(&self, message: impl std::fmt::Display) -> Result<T, RuleViolation> {
        reject(
            Rule::R15,
            format!("record {} cannot be undone: {message}", self.seq()),
        )
    }

    /// Refuses, naming the record to correct instead.
    pub fn refuse_for<T>(&self, why: &str, instead: Option<&Recorded>) -> Result<T, RuleViolation> {
        match instead {
            Some(r) => self.refuse(format_args!("{why}: correct record {}", named(r))),
            None => self.refuse(why),
        }
    }

    /// `units` of `class` can leave `person`'s holding on the correction's date (R15, R11).
    pub fn units_back(
        &self,
        person: &PersonId,
        class: &str,
        units: u64,
    ) -> Result<(), RuleViolation> {
        let holder = known(self.state, person)?;
        let available = leaving(holder, class, self.date).available();
        if available < units {
            return self.refuse(format_args!(
                "{} no longer holds the {} {class} shares it received (free now: {}){}",
                person.masked(),
                Units(units),
                Units(available),
                self.depending(Some(person), &MOVES)
            ));
        }
        Ok(())
    }
}

/// "12 (SharesTransferred)": a record as a refusal names it.
pub(crate) fn named(record: &Recorded) -> String {
    format!("{} ({})", record.seq, record.event.type_name())
}

/// Decides the correction of `original` (R15).
pub(crate) fn correct(
    state: &State,
    collective: &Collective,
    date: NaiveDate,
    reason: &str,
    original: &Recorded,
    related: &[Recorded],
) -> Result<Vec<Event>, RuleViolation> {
    let seq = original.seq;
    if reason.trim().is_empty() {
        return reject(Rule::R15, "a correction states its reason");
    }
    let reason = text("reason", reason)?;
    if collective.corrected.contains(&seq) {
        return reject(
            Rule::R15,
            format!("record {seq} has already been corrected"),
        );
    }
    if date < original.date {
        return reject(
            Rule::R17,
            format!(
                "record {seq} takes effect on {}: its correction cannot be dated before it",
                original.date
            ),
        );
    }
    let case = Case {
        original,
        related,
        state,
        collective,
        date,
    };
    let reversal = reversal(&case)?;
    Ok(vec![Event::RecordCorrected(Box::new(RecordCorrected {
        seq,
        reason,
        reversal,
    }))])
}

/// Each record type's reversal, decided by its domain area; one line a type.
fn reversal(case: &Case) -> Result<Reversal, RuleViolation> {
    match &case.original.event {
        Event::CollectiveRegistered(_) => collective::undo_registration(case),
        Event::PersonRegistered(e) => membership::undo_registration(case, e),
        Event::MembershipConfirmed(e) => membership::undo_confirmation(case, e),
        Event::MembershipLost(e) => loss::undo_loss(case, e),
        Event::MembershipExited(e) => loss::undo_exit(case, e),
        Event::HouseholdMoved(e) => household::undo_move(case, e),
        Event::HouseholdHeadNamed(e) => household::undo_head(case, e),
        Event::HukouRecorded(e) => household::undo_hukou(case, e),
        Event::LifeEventRecorded(e) => household::undo_life_event(e),
        Event::SharesAllotted(e) => shares::undo_allotment(case, e),
        Event::CollectiveSharesAllotted(e) => shares::undo_collective_allotment(case, e),
        Event::SharesTransferred(e) => shares::undo_transfer(case, e),
        Event::SharesRedeemed(e) => shares::undo_redemption(case, e),
        Event::SharesPledged(e) => pledge::undo_pledge(case, e),
        Event::SharesPledgedInClass(e) => pledge::undo_pledge(case, &e.pledge),
        Event::PledgeReleased(e) => pledge::undo_release(case, e),
        Event::DeathRecorded(e) => estate::undo_death(case, e),
        Event::EstateSettled(e) => estate::undo_settlement(case, e),
        Event::DistributionDrafted(e) => distribution::plan::undo_draft(case, e),
        Event::DistributionNoticed(e) => distribution::plan::undo_notice(case, e),
        Event::DistributionApproved(e) => distribution::plan::undo_approval(case, e),
        Event::DistributionPosted(e) => distribution::plan::undo_posting(case, e),
        Event::DividendDeclared(e) => distribution::dividends::undo_declared(case, e),
        Event::DividendPaid(e) => distribution::dividends::undo_payment(case, e),
        Event::RepresentativeElected(e) => representative::undo_election(case, e),
        Event::RepresentativeLeft(e) => representative::undo_departure(case, e),
        Event::LossGroundsAdopted(_) => collective::undo_loss_grounds(case),
        Event::MembershipLostCited(e) => loss::undo_loss(case, &e.lost),
        Event::MembershipExitedOnApplication(e) => loss::undo_exit(case, &e.exited),
        Event::SharesRedeemedWithConsent(e) => shares::undo_redemption(case, &e.redeemed),
        Event::QuantificationPlanAdopted(e) => shares::undo_plan(case, e),
        Event::BankAccountSet(_) => bank::undo_set(case),
        Event::BankAccountCleared(_) => bank::undo_cleared(case),
        Event::DividendPaymentFailed(_) => bank::undo_failed(case),
        Event::RecordCorrected(_) => case
            .refuse("a correction is not itself undone: record the event again if it did happen"),
    }
}

/// Applies a correction: each reversal by its domain area; one line a variant.
pub(crate) fn apply(state: &mut State, date: NaiveDate, corrected: &RecordCorrected) {
    let seq = corrected.seq;
    match &corrected.reversal {
        Reversal::Registration(r) => membership::apply_registration_undone(state, r),
        Reversal::Confirmation(u) => membership::apply_confirmation_undone(state, date, u),
        Reversal::MembershipLoss(l) => loss::apply_loss_undone(state, date, seq, &l.person),
        Reversal::Exit(x) => loss::apply_loss_undone(state, date, seq, &x.person),
        Reversal::HouseholdMove(m) => household::apply_move_undone(state, m),
        Reversal::HouseholdHead(h) => household::apply_head_undone(state, h),
        Reversal::Hukou(h) => household::apply_hukou_undone(state, h),
        Reversal::LifeEvent(_) => household::apply_life_event_undone(),
        Reversal::Allotment(a) => shares::apply_allotment_undone(state, date, a),
        Reversal::CollectiveAllotment(a) => {
            shares::apply_collective_allotment_undone(state, date, a)
        }
        Reversal::Transfer(t) => shares::apply_transfer_undone(state, date, t),
        Reversal::Redemption(r) => shares::apply_redemption_undone(state, date, r),
        Reversal::Pledge(p) => pledge::apply_pledge_undone(state, p),
        Reversal::Release(r) => pledge::apply_release_undone(state, r),
        Reversal::Death(d) => estate::apply_death_undone(state, date, seq, d),
        Reversal::Estate(s) => estate::apply_settlement_undone(state, date, s),
        Reversal::Draft(d) => distribution::plan::apply_draft_undone(state, d),
        Reversal::Notice(n) => distribution::plan::apply_notice_undone(state, n),
        Reversal::Approval(a) => distribution::plan::apply_approval_undone(state, a),
        Reversal::Posting(p) => distribution::plan::apply_posting_undone(state, p),
        Reversal::Payment(p) => distribution::dividends::apply_payment_undone(state, p),
        Reversal::RepresentativeElection(e) => {
            representative::apply_election_undone(state, date, e)
        }
        Reversal::RepresentativeDeparture(e) => {
            representative::apply_departure_undone(state, date, e)
        }
        Reversal::QuantificationPlan(p) => shares::apply_plan_undone(state, p),
    }
    let fresh = state.collective_mut().corrected.insert(seq);
    assert!(fresh, "a record is corrected once");
}

/// The entities a correction reads and changes: the persons the record names, the households
/// it (or, for a confirmation, the person's earlier records) names, the year's plan and a
/// payment's line. None (the whole state) for a posting, whose reversal reads every line.
pub(crate) fn scope(original: &Recorded, related: &[Recorded]) -> Option<Vec<Key>> {
    let mut keys: Vec<Key> = original
        .event
        .persons()
        .into_iter()
        .map(|p| Key::Person(p.clone()))
        .collect();
    let household = |number: &str| Key::Household(number.to_string());
    match &original.event {
        Event::PersonRegistered(e) => keys.extend(e.household.as_deref().map(household)),
        Event::HouseholdMoved(e) => {
            keys.extend(e.from.as_deref().map(household));
            keys.push(household(&e.to));
        }
        Event::HouseholdHeadNamed(e) => keys.push(household(&e.household)),
        Event::MembershipConfirmed(e) => {
            keys.push(household(&e.household));
            for record in related {
                match &record.event {
                    Event::PersonRegistered(r) => {
                        keys.extend(r.household.as_deref().map(household))
                    }
                    Event::MembershipConfirmed(c) => keys.push(household(&c.household)),
                    Event::HouseholdMoved(m) => {
                        keys.extend(m.from.as_deref().map(household));
                        keys.push(household(&m.to));
                    }
                    _ => {}
                }
            }
        }
        Event::DistributionPosted(_) => return None,
        Event::DividendPaid(DividendPaid { year, person, .. }) => {
            keys.push(Key::Distribution(*year));
            keys.push(Key::Line(*year, person.clone()));
        }
        Event::DistributionDrafted(DistributionDrafted { year, .. })
        | Event::DistributionNoticed(DistributionNoticed { year })
        | Event::DistributionApproved(DistributionApproved { year, .. })
        | Event::DividendDeclared(DividendDeclared { year, .. }) => {
            keys.push(Key::Distribution(*year))
        }
        _ => {}
    }
    keys.sort();
    keys.dedup();
    Some(keys)
}

/// The records among `records` that a correction of `original` is decided on: those indexed
/// under one of its `Event::correction_streams` (what the ledger reads through its index).
pub fn related<'a>(
    original: &Recorded,
    records: impl IntoIterator<Item = &'a Recorded>,
) -> Vec<Recorded> {
    let streams = original.event.correction_streams();
    records
        .into_iter()
        .filter(|r| {
            r.seq != original.seq && r.event.index_streams().iter().any(|s| streams.contains(s))
        })
        .cloned()
        .collect()
}
