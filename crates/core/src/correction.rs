//! Corrections (R15): a mistaken record is never edited; a `RecordCorrected` event cites it and
//! undoes its effect. Each record type has its own reversal and its own refusals: a correction
//! is refused while later records stand on the one corrected, and the refusal names them.
//!
//! The caller supplies the record and every other record of its `Event::correction_streams`
//! (earlier ones say what to restore; later ones are named when they depend on it).

use crate::amount::Units;
use crate::command::Recorded;
use crate::decide::{known, text};
use crate::error::{reject, Rule, RuleViolation};
use crate::event::*;
use crate::ids::PersonId;
use crate::state::{units_available_from, Collective, Key, Membership, PlanStatus, State};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Record types that move or encumber a person's units after they arrived.
const MOVES: [&str; 7] = [
    "SharesTransferred",
    "SharesRedeemed",
    "SharesPledged",
    "SharesPledgedInClass",
    "EstateSettled",
    "MembershipExited",
    "RecordCorrected",
];

/// What a correction is decided on: the record, its neighbours in the log, the collective.
struct Case<'a> {
    original: &'a Recorded,
    related: &'a [Recorded],
    collective: &'a Collective,
    date: NaiveDate,
}

impl<'a> Case<'a> {
    fn seq(&self) -> u64 {
        self.original.seq
    }

    /// Records after the corrected one that have not themselves been corrected.
    fn later(&self) -> impl Iterator<Item = &'a Recorded> + '_ {
        self.related
            .iter()
            .filter(|r| r.seq > self.seq() && !self.collective.corrected.contains(&r.seq))
    }

    /// Records before the corrected one, oldest first.
    fn earlier(&self) -> impl DoubleEndedIterator<Item = &'a Recorded> + '_ {
        self.related.iter().filter(|r| r.seq < self.seq())
    }

    /// "; later records depend on it: 12 (SharesTransferred), …" for the later records about
    /// `person` (any person when None) of the given types; empty when there are none.
    fn depending(&self, person: Option<&PersonId>, types: &[&str]) -> String {
        let seqs: Vec<String> = self
            .later()
            .filter(|r| {
                types.contains(&r.event.type_name())
                    && person.is_none_or(|p| r.event.persons().contains(&p))
            })
            .map(|r| format!("{} ({})", r.seq, r.event.type_name()))
            .collect();
        if seqs.is_empty() {
            String::new()
        } else {
            format!("; later records depend on it: {}", seqs.join(", "))
        }
    }

    fn refuse<T>(&self, message: impl std::fmt::Display) -> Result<T, RuleViolation> {
        reject(
            Rule::R15,
            format!("record {} cannot be undone: {message}", self.seq()),
        )
    }

    /// Refuses, naming the record to correct instead.
    fn refuse_for<T>(&self, why: &str, instead: Option<&Recorded>) -> Result<T, RuleViolation> {
        match instead {
            Some(r) => self.refuse(format_args!(
                "{why}: correct record {} ({})",
                r.seq,
                r.event.type_name()
            )),
            None => self.refuse(why),
        }
    }

    /// `units` of `class` can leave `person`'s holding on the correction's date (R15, R11).
    fn units_back(
        &self,
        state: &State,
        person: &PersonId,
        class: &str,
        units: u64,
    ) -> Result<(), RuleViolation> {
        let holder = known(state, person)?;
        let available = units_available_from(&holder.holding_changes, class, self.date)
            .min(holder.free_units(class));
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

/// Decides the correction of `original` (R15).
pub(crate) fn correct(
    state: &State,
    collective: &Collective,
    date: NaiveDate,
    reason: &str,
    original: &Recorded,
    related: &[Recorded],
) -> Result<Event, RuleViolation> {
    let seq = original.seq;
    if reason.trim().is_empty() {
        return reject(Rule::R15, "a correction states its reason");
    }
    text("reason", reason)?;
    if collective.corrected.contains(&seq) {
        return reject(
            Rule::R15,
            format!("record {seq} has already been corrected"),
        );
    }
    if date < original.date {
        return reject(
            Rule::Input,
            format!(
                "record {seq} takes effect on {}: its correction cannot be dated before it",
                original.date
            ),
        );
    }
    let case = Case {
        original,
        related,
        collective,
        date,
    };
    let reversal = match &original.event {
        Event::SharesAllotted(e) => {
            case.units_back(state, &e.person, &e.class, e.units)?;
            Reversal::Allotment(e.clone())
        }
        Event::SharesTransferred(e) => {
            case.units_back(state, &e.to, &e.class, e.units)?;
            let giver = known(state, &e.from)?;
            if !giver.is_member() || giver.is_deceased() {
                return case.refuse(format_args!(
                    "{} is no longer a member to take the units back{}",
                    e.from.masked(),
                    case.depending(
                        Some(&e.from),
                        &[
                            "MembershipLost",
                            "DeathRecorded",
                            "EstateSettled",
                            "MembershipExited"
                        ]
                    )
                ));
            }
            Reversal::Transfer(e.clone())
        }
        Event::SharesPledged(e)
        | Event::SharesPledgedInClass(SharesPledgedInClass { pledge: e, .. }) => {
            if collective.pledges.get(&e.contract) != Some(&e.person) {
                return case.refuse(format_args!(
                    "the pledge is no longer open{}",
                    case.depending(Some(&e.person), &["PledgeReleased"])
                ));
            }
            Reversal::Pledge(e.clone())
        }
        Event::PledgeReleased(e) => {
            let pledge = case.earlier().rev().find_map(|r| match &r.event {
                Event::SharesPledged(p) if p.contract == e.contract => Some((p, None, r.date)),
                Event::SharesPledgedInClass(p) if p.pledge.contract == e.contract => {
                    Some((&p.pledge, Some(p.class.clone()), r.date))
                }
                _ => None,
            });
            let Some((pledge, class, since)) = pledge else {
                return case.refuse(format_args!("no pledge under contract {} was found", e.contract));
            };
            if collective.pledges.contains_key(&e.contract) {
                return case.refuse(format_args!("contract {} is open again", e.contract));
            }
            let holder = known(state, &e.person)?;
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
            Reversal::Release(PledgeReopened {
                released: e.clone(),
                pledge: pledge.clone(),
                class,
                since,
            })
        }
        Event::MembershipLost(e) if e.ground == LossGround::Death => {
            let death = case
                .later()
                .find(|r| matches!(&r.event, Event::DeathRecorded(d) if d.person == e.person));
            return case.refuse_for(
                "a loss of membership by death is undone with the death",
                death,
            );
        }
        Event::MembershipLost(e) => {
            let person = known(state, &e.person)?;
            let still = matches!(person.membership, Membership::Lost { ground, .. } if ground == e.ground);
            if !still {
                return case.refuse(format_args!(
                    "the loss is no longer in force{}",
                    case.depending(
                        Some(&e.person),
                        &["MembershipConfirmed", "MembershipExited", "DeathRecorded"]
                    )
                ));
            }
            Reversal::MembershipLoss(e.clone())
        }
        Event::SharesRedeemed(e) => {
            if e.to_collective {
                let held = collective.holdings.get(&e.class).copied().unwrap_or(0);
                let available =
                    units_available_from(&collective.holding_changes, &e.class, date).min(held);
                if available < e.units {
                    return case.refuse("the collective share no longer holds the units it redeemed");
                }
            }
            known(state, &e.person)?;
            Reversal::Redemption(e.clone())
        }
        Event::MembershipExited(e) => {
            let person = known(state, &e.person)?;
            let still = matches!(
                person.membership,
                Membership::Lost {
                    ground: LossGround::Exit,
                    ..
                }
            );
            if !still || person.is_deceased() {
                return case.refuse(format_args!(
                    "the exit is no longer in force{}",
                    case.depending(
                        Some(&e.person),
                        &["MembershipConfirmed", "DeathRecorded", "MembershipLost"]
                    )
                ));
            }
            Reversal::Exit(e.clone())
        }
        Event::LifeEventRecorded(e) => Reversal::LifeEvent(e.clone()),
        Event::DeathRecorded(e) => {
            let settled = case
                .later()
                .filter(|r| matches!(&r.event, Event::EstateSettled(s) if s.deceased == e.person))
                .map(|r| format!("{} (EstateSettled)", r.seq))
                .collect::<Vec<_>>();
            if !settled.is_empty() {
                return case.refuse(format_args!(
                    "the estate has been settled; later records depend on it: {}",
                    settled.join(", ")
                ));
            }
            known(state, &e.person)?;
            Reversal::Death(e.clone())
        }
        Event::EstateSettled(e) => {
            let mut received: BTreeMap<(&PersonId, &str), u64> = BTreeMap::new();
            for share in &e.shares {
                *received
                    .entry((&share.heir, share.class.as_str()))
                    .or_insert(0) += share.units;
            }
            for ((heir, class), units) in received {
                case.units_back(state, heir, class, units)?;
            }
            Reversal::Estate(e.clone())
        }
        Event::MembershipConfirmed(e) => confirmation(state, &case, e)?,
        Event::HouseholdMoved(e) => {
            let person = known(state, &e.person)?;
            if person.household.as_deref() != Some(e.to.as_str()) {
                return case.refuse(format_args!(
                    "{} is no longer in household {}{}",
                    e.person.masked(),
                    e.to,
                    case.depending(
                        Some(&e.person),
                        &["HouseholdMoved", "MembershipConfirmed"]
                    )
                ));
            }
            let head = state.household(&e.to).and_then(|h| h.head.as_ref());
            if head == Some(&e.person) {
                return case.refuse(format_args!(
                    "{} has since been named head of household {}{}",
                    e.person.masked(),
                    e.to,
                    case.depending(Some(&e.person), &["HouseholdHeadNamed"])
                ));
            }
            Reversal::HouseholdMove(e.clone())
        }
        Event::HouseholdHeadNamed(e) => {
            let household = state.household(&e.household);
            if household.and_then(|h| h.head.as_ref()) != Some(&e.person) {
                return case.refuse(format_args!(
                    "{} is no longer head of household {}{}",
                    e.person.masked(),
                    e.household,
                    case.depending(None, &["HouseholdHeadNamed", "HouseholdMoved"])
                ));
            }
            // The head before this naming, by the household's earlier records.
            let mut previous = None;
            for record in case.earlier() {
                match &record.event {
                    Event::HouseholdHeadNamed(h) if h.household == e.household => {
                        previous = Some(h.person.clone())
                    }
                    Event::RecordCorrected(RecordCorrected {
                        reversal: Reversal::HouseholdHead(undone),
                        ..
                    }) if undone.named.household == e.household => {
                        previous = undone.previous.clone()
                    }
                    _ => {}
                }
            }
            // Only someone still in the household can be its head again.
            let previous = previous.filter(|p| {
                p != &e.person && household.is_some_and(|h| h.persons.contains(p))
            });
            Reversal::HouseholdHead(HouseholdHeadUndone {
                named: e.clone(),
                previous,
            })
        }
        Event::HukouRecorded(e) => {
            known(state, &e.person)?;
            let superseded = case.later().find(
                |r| matches!(&r.event, Event::HukouRecorded(h) if h.person == e.person),
            );
            if let Some(record) = superseded {
                return case.refuse(format_args!(
                    "a later hukou record, {} (HukouRecorded), is in force instead; correct that one",
                    record.seq
                ));
            }
            let mut previous = None;
            for record in case.earlier() {
                match &record.event {
                    Event::HukouRecorded(h) if h.person == e.person => {
                        previous = Some((h.clone(), record.date))
                    }
                    Event::RecordCorrected(RecordCorrected {
                        reversal: Reversal::Hukou(undone),
                        ..
                    }) if undone.recorded.person == e.person => {
                        previous = undone.previous.clone()
                    }
                    _ => {}
                }
            }
            Reversal::Hukou(HukouUndone {
                recorded: e.clone(),
                previous,
            })
        }
        Event::CollectiveSharesAllotted(e) => {
            let held = collective.holdings.get(&e.class).copied().unwrap_or(0);
            let available =
                units_available_from(&collective.holding_changes, &e.class, date).min(held);
            if available < e.units {
                return case.refuse(format_args!(
                    "the collective share holds only {} {} shares from {date} on",
                    Units(available),
                    e.class
                ));
            }
            Reversal::CollectiveAllotment(e.clone())
        }
        Event::DistributionDrafted(e) => {
            let plan = plan_of(state, &case, e.year)?;
            let later_draft = case
                .later()
                .find(|r| matches!(&r.event, Event::DistributionDrafted(d) if d.year == e.year));
            if let Some(record) = later_draft {
                return case.refuse(format_args!(
                    "record {} (DistributionDrafted) superseded this draft",
                    record.seq
                ));
            }
            if plan.status() != PlanStatus::Drafted {
                return case.refuse(format_args!(
                    "the plan for {} has gone on{}",
                    e.year,
                    case.depending(
                        None,
                        &["DistributionNoticed", "DistributionApproved", "DistributionPosted"]
                    )
                ));
            }
            if plan.revision > 1 {
                return case.refuse(format_args!(
                    "this draft superseded an earlier one for {}: draft the plan again, which supersedes it",
                    e.year
                ));
            }
            Reversal::Draft(e.clone())
        }
        Event::DistributionNoticed(e) => {
            plan_at(state, &case, e.year, PlanStatus::Noticed, "DistributionApproved")?;
            Reversal::Notice(e.clone())
        }
        Event::DistributionApproved(e) => {
            plan_at(state, &case, e.year, PlanStatus::Approved, "DistributionPosted")?;
            Reversal::Approval(e.clone())
        }
        Event::DistributionPosted(e) => {
            let plan = plan_at(state, &case, e.year, PlanStatus::Posted, "")?;
            let paid: Vec<String> = plan
                .dividends
                .iter()
                .filter(|d| d.paid.is_some())
                .map(|d| d.person.masked())
                .collect();
            if !paid.is_empty() {
                return case.refuse(format_args!(
                    "{} of its dividends have been paid (to {}{}): correct those payments first",
                    paid.len(),
                    paid.iter().take(5).cloned().collect::<Vec<_>>().join(", "),
                    if paid.len() > 5 { ", …" } else { "" }
                ));
            }
            Reversal::Posting(e.clone())
        }
        Event::DividendDeclared(e) => {
            let posting = case
                .later()
                .find(|r| matches!(&r.event, Event::DistributionPosted(p) if p.year == e.year));
            return case.refuse_for(
                "a dividend is undone with its whole posting, never alone (the lines sum to the plan)",
                posting,
            );
        }
        Event::DividendPaid(e) => {
            let plan = plan_of(state, &case, e.year)?;
            let paid = plan
                .dividend(&e.person)
                .and_then(|d| d.paid.as_ref())
                .is_some_and(|p| p.reference == e.reference);
            if !paid {
                return case.refuse("the payment is no longer recorded");
            }
            Reversal::Payment(e.clone())
        }
        Event::PersonRegistered(e) => {
            known(state, &e.person)?;
            let since: Vec<String> = case
                .later()
                .filter(|r| {
                    !matches!(r.event, Event::RecordCorrected(_))
                        && r.event.persons().contains(&&e.person)
                })
                .map(|r| format!("{} ({})", r.seq, r.event.type_name()))
                .collect();
            if !since.is_empty() {
                return case.refuse(format_args!(
                    "later records depend on it: {}",
                    since.join(", ")
                ));
            }
            Reversal::Registration(e.clone())
        }
        Event::CollectiveRegistered(_) => {
            return case.refuse(
                "the collective's registration is the ledger's first record; a wrong charter is a new ledger",
            )
        }
        Event::RecordCorrected(_) => {
            return case.refuse(
                "a correction is not itself undone: record the event again if it did happen",
            )
        }
    };
    Ok(Event::RecordCorrected(RecordCorrected {
        seq,
        reason: reason.trim().to_string(),
        reversal,
    }))
}

/// A confirmation undone: the person holds nothing and goes back to what they were before it.
fn confirmation(
    state: &State,
    case: &Case,
    e: &MembershipConfirmed,
) -> Result<Reversal, RuleViolation> {
    let person = known(state, &e.person)?;
    if let Some(record) = case
        .later()
        .find(|r| matches!(&r.event, Event::MembershipConfirmed(c) if c.person == e.person))
    {
        return case.refuse(format_args!(
            "a later confirmation, {} (MembershipConfirmed), is in force instead",
            record.seq
        ));
    }
    if !person.is_member() || person.is_deceased() {
        return case.refuse(format_args!(
            "the membership is no longer in force{}",
            case.depending(
                Some(&e.person),
                &["MembershipLost", "MembershipExited", "DeathRecorded"]
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
        .map(|r| format!("{} ({})", r.seq, r.event.type_name()))
        .collect();
    if !received.is_empty() {
        return case.refuse(format_args!(
            "{} received shares as a member since; undo those first; later records depend on it: {}",
            e.person.masked(),
            received.join(", ")
        ));
    }
    // What the person was before, by their earlier records.
    let mut confirmed_on = None;
    let mut before = None;
    let mut household = None;
    for record in case.earlier() {
        match &record.event {
            Event::PersonRegistered(r) if r.person == e.person => household = r.household.clone(),
            Event::MembershipConfirmed(c) if c.person == e.person => {
                confirmed_on = Some(record.date);
                household = Some(c.household.clone());
            }
            Event::MembershipLost(MembershipLost { person, ground, .. })
                if *person == e.person && !case.collective.corrected.contains(&record.seq) =>
            {
                before = confirmed_on.map(|since| EarlierMembership {
                    since,
                    ended: record.date,
                    ground: *ground,
                })
            }
            Event::MembershipExited(x)
                if x.person == e.person && !case.collective.corrected.contains(&record.seq) =>
            {
                before = confirmed_on.map(|since| EarlierMembership {
                    since,
                    ended: record.date,
                    ground: LossGround::Exit,
                })
            }
            Event::HouseholdMoved(m) if m.person == e.person => household = Some(m.to.clone()),
            Event::RecordCorrected(c) => match &c.reversal {
                Reversal::HouseholdMove(m) if m.person == e.person => household = m.from.clone(),
                Reversal::Confirmation(u) if u.confirmed.person == e.person => {
                    household = u.household.clone();
                    before = u.before.clone();
                }
                _ => {}
            },
            _ => {}
        }
    }
    // A household the person moved to since stays theirs.
    let household = if person.household.as_deref() == Some(e.household.as_str()) {
        household
    } else {
        person.household.clone()
    };
    let head = state.household(&e.household).and_then(|h| h.head.as_ref());
    if household != person.household && head == Some(&e.person) {
        return case.refuse(format_args!(
            "{} has since been named head of household {}{}",
            e.person.masked(),
            e.household,
            case.depending(Some(&e.person), &["HouseholdHeadNamed"])
        ));
    }
    Ok(Reversal::Confirmation(ConfirmationUndone {
        confirmed: e.clone(),
        before,
        household,
    }))
}

fn plan_of<'s>(
    state: &'s State,
    case: &Case,
    year: u16,
) -> Result<&'s crate::state::Distribution, RuleViolation> {
    state.distribution(year).map_or_else(
        || case.refuse(format_args!("there is no plan for {year}")),
        Ok,
    )
}

/// The year's plan, which must still be at `status`; `next` is the record type that moved it on.
fn plan_at<'s>(
    state: &'s State,
    case: &Case,
    year: u16,
    status: PlanStatus,
    next: &str,
) -> Result<&'s crate::state::Distribution, RuleViolation> {
    let plan = plan_of(state, case, year)?;
    if plan.status() != status {
        return case.refuse(format_args!(
            "the plan for {year} is {} now{}",
            plan.status().as_str(),
            case.depending(None, &[next, "DistributionDrafted"])
        ));
    }
    Ok(plan)
}

/// The entities a correction reads and changes: the persons the record names, the households
/// it (or, for a confirmation, the person's earlier records) names, and the year's plan.
pub(crate) fn scope(original: &Recorded, related: &[Recorded]) -> Vec<Key> {
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
        Event::DistributionDrafted(DistributionDrafted { year, .. })
        | Event::DistributionNoticed(DistributionNoticed { year })
        | Event::DistributionApproved(DistributionApproved { year, .. })
        | Event::DistributionPosted(DistributionPosted { year, .. })
        | Event::DividendDeclared(DividendDeclared { year, .. })
        | Event::DividendPaid(DividendPaid { year, .. }) => keys.push(Key::Distribution(*year)),
        _ => {}
    }
    keys.sort();
    keys.dedup();
    keys
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
