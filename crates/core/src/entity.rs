//! The entities (the projection shape): the collective, each person, each household and each
//! year's plan, as the ledger stores them one projection entry each. A change of shape is a new
//! projection version (the ledger rebuilds older projections on open). Also the holding
//! primitives every area's `apply` uses, so that units are counted in one place.

use crate::amount::COEFFICIENT_SCALE;
use crate::charter::Charter;
use crate::event::{
    CharterLossGround, DistributionApproved, DistributionDrafted, HukouKind, LossGround,
};
use crate::ids::PersonId;
use crate::state::State;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The collective's own entity: charter and the aggregates rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collective {
    pub charter: Charter,
    pub registered_on: NaiveDate,
    /// Units in issue per class code.
    pub units_by_class: BTreeMap<String, u64>,
    /// Current members (membership confirmed and not ended).
    pub member_count: u64,
    /// Net change of the member count per effective date, for the count on any date (R13).
    pub member_changes: BTreeMap<NaiveDate, i64>,
    /// Net change of the count of members aged 18 or more per date (R13: the members' assembly
    /// is the members of full civil capacity). A member counts from the later of joining and
    /// their 18th birthday, and stops on leaving (a change at the later of leaving and the
    /// birthday, so one who leaves a minor is never counted).
    pub adult_member_changes: BTreeMap<NaiveDate, i64>,
    /// Units the collective share (集体股) holds per class, and their dated changes (R14).
    pub holdings: BTreeMap<String, u64>,
    pub holding_changes: Vec<HoldingChange>,
    /// How many holding changes take effect on each date: a plan remembers the count through
    /// its record date, and a different count at posting means the register on that date changed.
    pub holding_events: BTreeMap<NaiveDate, u64>,
    /// Holders who have died; their dividends accrue to their estates (R10).
    pub deceased: BTreeSet<PersonId>,
    /// Open pledges: contract → the pledging person (R11).
    pub pledges: BTreeMap<String, PersonId>,
    /// Records corrected by a compensating event (R15), each once.
    pub corrected: BTreeSet<u64>,
    /// The representatives register (R13): every seat held now, and seats of representatives
    /// whose membership ended (not seated, kept so that a loss undone seats them again).
    pub representatives: BTreeMap<PersonId, Seat>,
    /// Net change of the representatives seated per date, for the count on any date (R13).
    pub representative_changes: BTreeMap<NaiveDate, i64>,
    /// The record date of each posted plan, by year: a posted plan closes the register on and
    /// before its record date (R17).
    pub closed_record_dates: BTreeMap<u16, NaiveDate>,
    /// The loss grounds the charter lists, each with its article (R2).
    pub loss_grounds: Vec<CharterLossGround>,
    /// Adopted quantification plans by their resolution (R6).
    pub plans: BTreeMap<String, QuantificationPlan>,
}

/// A representative's seat, held from an election by resolution (R13).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seat {
    pub since: NaiveDate,
    pub resolution: String,
    /// The date the representative's membership ended: not seated from then on.
    pub membership_ended: Option<NaiveDate>,
}

impl Seat {
    pub fn is_seated(&self) -> bool {
        self.membership_ended.is_none()
    }
}

/// An adopted quantification plan and how much of it is allotted (R6, R9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantificationPlan {
    /// Total units per class.
    pub totals: BTreeMap<String, u64>,
    /// Units allotted under the plan so far per class (allotments undone are taken off).
    pub allotted: BTreeMap<String, u64>,
}

impl QuantificationPlan {
    pub fn total(&self) -> u64 {
        self.totals.values().sum()
    }

    pub fn allotted_total(&self) -> u64 {
        self.allotted.values().sum()
    }

    /// Units of `class` the plan has still to allot.
    pub fn left(&self, class: &str) -> u64 {
        let total = self.totals.get(class).copied().unwrap_or(0);
        total.saturating_sub(self.allotted.get(class).copied().unwrap_or(0))
    }

    /// Units of the plan not yet allotted.
    pub fn outstanding(&self) -> u64 {
        self.totals.keys().map(|class| self.left(class)).sum()
    }
}

impl Collective {
    /// The number of holding changes effective on or before `date`.
    pub fn register_mark(&self, date: NaiveDate) -> u64 {
        self.holding_events.range(..=date).map(|(_, n)| n).sum()
    }

    pub(crate) fn holding_changed(&mut self, date: NaiveDate) {
        *self.holding_events.entry(date).or_insert(0) += 1;
    }

    pub fn units_total(&self) -> u64 {
        self.units_by_class.values().sum()
    }

    /// Units the adopted plans still have to allot: with the units in issue, the issue once
    /// every plan is fully allotted, which the cap is measured against (R9).
    pub fn plans_outstanding(&self) -> u64 {
        self.plans
            .values()
            .map(QuantificationPlan::outstanding)
            .sum()
    }

    /// The charter's loss ground with this code (R2).
    pub fn loss_ground(&self, code: &str) -> Option<&CharterLossGround> {
        self.loss_grounds.iter().find(|g| g.code == code)
    }

    /// One more member from `date` (a confirmation, or a loss undone).
    pub(crate) fn member_joined(&mut self, date: NaiveDate, person: &PersonId) {
        self.member_count += 1;
        *self.member_changes.entry(date).or_insert(0) += 1;
        *self
            .adult_member_changes
            .entry(date.max(adult_from(person)))
            .or_insert(0) += 1;
    }

    /// One member fewer from `date` (a loss or exit, or a confirmation undone).
    pub(crate) fn member_left(&mut self, date: NaiveDate, person: &PersonId) {
        self.member_count = self
            .member_count
            .checked_sub(1)
            .expect("member count stays non-negative");
        *self.member_changes.entry(date).or_insert(0) -= 1;
        *self
            .adult_member_changes
            .entry(date.max(adult_from(person)))
            .or_insert(0) -= 1;
    }

    /// Members on `date` by effective dates: confirmations on or before it, less losses.
    pub fn member_count_on(&self, date: NaiveDate) -> u64 {
        let count: i64 = self.member_changes.range(..=date).map(|(_, n)| n).sum();
        u64::try_from(count).expect("a member count is not negative")
    }

    /// Representatives seated on `date` by effective dates: the eligible count of a
    /// representatives' vote (R13).
    pub fn representative_count_on(&self, date: NaiveDate) -> u64 {
        let count: i64 = self
            .representative_changes
            .range(..=date)
            .map(|(_, n)| n)
            .sum();
        u64::try_from(count).expect("a representative count is not negative")
    }

    /// Members aged 18 or more on `date` by their citizen ID's birth date: the members'
    /// assembly, the eligible count of a members' vote (R13).
    pub fn adult_member_count_on(&self, date: NaiveDate) -> u64 {
        let count: i64 = self
            .adult_member_changes
            .range(..=date)
            .map(|(_, n)| n)
            .sum();
        u64::try_from(count).expect("an adult member count is not negative")
    }
}

/// The age of full civil capacity (CC 17–18).
pub const ADULT_AGE_YEARS: u32 = 18;

/// The first day `person` is 18 by the citizen ID's birth date: the 18th birthday (1 March for
/// one born on 29 February, in a common year). A person known by another document has no birth
/// date on record and counts as of age (such a person is never confirmed a member, R1).
pub fn adult_from(person: &PersonId) -> NaiveDate {
    match person {
        PersonId::Citizen(id) => {
            let born = id.birth_date();
            let years = born.year() + ADULT_AGE_YEARS as i32;
            NaiveDate::from_ymd_opt(years, born.month(), born.day())
                .or_else(|| NaiveDate::from_ymd_opt(years, 3, 1))
                .expect("1 March exists")
        }
        PersonId::Document { .. } => NaiveDate::MIN,
    }
}

/// One dated change of a holding, kept so that holdings on any record date can be read from the
/// projection without replaying the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldingChange {
    pub date: NaiveDate,
    pub class: String,
    pub delta: i64,
}

/// The units of `class` that can leave a holding on `date` without it going below zero on that
/// date or any later one: the smallest balance from `date` on.
pub fn units_available_from(changes: &[HoldingChange], class: &str, date: NaiveDate) -> u64 {
    let mut balance: i64 = changes
        .iter()
        .filter(|c| c.class == class && c.date <= date)
        .map(|c| c.delta)
        .sum();
    let mut later: Vec<&HoldingChange> = changes
        .iter()
        .filter(|c| c.class == class && c.date > date)
        .collect();
    later.sort_by_key(|c| c.date);
    let mut lowest = balance;
    let mut index = 0;
    while index < later.len() {
        // All changes of one date apply together.
        let day = later[index].date;
        while index < later.len() && later[index].date == day {
            balance += later[index].delta;
            index += 1;
        }
        lowest = lowest.min(balance);
    }
    u64::try_from(lowest).expect("a holding is never below zero on any date")
}

pub(crate) fn record_change(
    changes: &mut Vec<HoldingChange>,
    date: NaiveDate,
    class: &str,
    delta: i64,
) {
    changes.push(HoldingChange {
        date,
        class: class.to_string(),
        delta,
    });
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Membership {
    /// Known to the ledger, never a member (e.g. a non-member heir).
    None,
    Member {
        since: NaiveDate,
        resolution: String,
    },
    Lost {
        since: NaiveDate,
        ended: NaiveDate,
        ground: LossGround,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hukou {
    pub kind: HukouKind,
    pub locality: String,
    pub since: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub household: Option<String>,
    pub membership: Membership,
    /// Recorded, never acted on.
    pub hukou: Option<Hukou>,
    /// Units held per class code.
    pub holdings: BTreeMap<String, u64>,
    pub holding_changes: Vec<HoldingChange>,
    /// Open pledges against this person's units (R11).
    pub pledges: Vec<Pledge>,
    /// Set by a recorded death (also of a non-member); the holding is then an estate (R10).
    pub deceased_on: Option<NaiveDate>,
    /// The effective date of the person's first record: nothing about them is dated before it
    /// (R17).
    pub since: NaiveDate,
    /// The latest effective date of a record of the person's own life (not hukou, a dividend,
    /// a correction, or their estate's settlement): their death cannot be dated before it (R17).
    pub last_record_on: NaiveDate,
    /// The latest effective date of a record that needed the person to be a member (a
    /// confirmation, an allotment, a transfer given or received, an election): their membership
    /// cannot end before it (R17).
    pub last_member_record_on: NaiveDate,
    /// What the end of the membership now in force cites (R2, R4); None while a member, and
    /// for an end recorded without citations.
    pub ending: Option<Ending>,
    /// The account the person's money is paid into by bank file (代发), if one is set. Boxed:
    /// most persons of a state being read have none, and it is three texts.
    pub bank_account: Option<Box<BankAccount>>,
}

/// A person's bank account as recorded: printed in public outputs only as its last 4 digits
/// (R16, `BankAccount::masked`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    pub bank: String,
    /// Digits only.
    pub account: String,
    /// The name the account is held in, as the bank knows it (户名).
    pub holder: String,
    pub since: NaiveDate,
}

impl BankAccount {
    /// The account number as public outputs show it: `**** 1234`.
    pub fn masked(&self) -> String {
        crate::bank::mask_account(&self.account)
    }
}

/// What a membership's end cites: the note, the charter's ground with its article, the
/// resolution, the other collective, the member's application (R2, R4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Ending {
    pub note: String,
    pub charter_ground: Option<CharterLossGround>,
    pub resolution: Option<String>,
    pub other_collective: Option<String>,
    pub application: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pledge {
    pub contract: String,
    pub pledgee: String,
    pub units: u64,
    pub since: NaiveDate,
    /// The class of the pledged units; None for a pledge of the whole holding (an earlier
    /// record's `SharesPledged`).
    pub class: Option<String>,
}

/// One holder's declared dividend of a posted plan, as its `DividendDeclared` record says:
/// written once with the posting and never changed. What happens to it later (its payment, the
/// bank's failure) is its `LineState`, kept under its own key; unpaid ones stay owed across
/// years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dividend {
    pub person: PersonId,
    pub weighted_units: u64,
    pub amount_fen: i64,
    /// Accrues to the deceased holder's estate (R10).
    pub estate: bool,
}

/// What has happened to one declared dividend since its posting: one projection entry per
/// line that has any (`Key::Line`), so that paying one line writes one small entry and the
/// year's plan, with its 100,000 lines, is never rewritten for it. A line with none of it has
/// no entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LineState {
    pub paid: Option<Payment>,
    /// The bank's latest report that it could not pay the dividend; cleared when it is paid.
    pub failure: Option<PaymentFailure>,
}

impl LineState {
    /// Nothing has happened to the line: it has no projection entry.
    pub fn is_empty(&self) -> bool {
        self.paid.is_none() && self.failure.is_none()
    }
}

/// Why the bank did not pay a dividend, as its result file said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFailure {
    pub on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub on: NaiveDate,
    pub reference: String,
}

impl Person {
    pub fn is_member(&self) -> bool {
        matches!(self.membership, Membership::Member { .. })
    }

    pub fn units_total(&self) -> u64 {
        self.holdings.values().sum()
    }

    pub fn is_deceased(&self) -> bool {
        self.deceased_on.is_some()
            || matches!(
                self.membership,
                Membership::Lost {
                    ground: LossGround::Death,
                    ..
                }
            )
    }

    pub fn pledged_units(&self) -> u64 {
        self.pledges.iter().map(|p| p.units).sum()
    }

    /// Units free of pledges: what may be transferred, redeemed or taken out on exit (R11).
    pub fn unpledged_units(&self) -> u64 {
        self.units_total().saturating_sub(self.pledged_units())
    }

    /// Units of `class` pledged by name.
    pub fn pledged_in(&self, class: &str) -> u64 {
        self.pledges
            .iter()
            .filter(|p| p.class.as_deref() == Some(class))
            .map(|p| p.units)
            .sum()
    }

    /// Units of `class` free of pledges: not pledged by name, and within what pledges of the
    /// whole holding leave free (R11).
    pub fn free_units(&self, class: &str) -> u64 {
        let held = self.holdings.get(class).copied().unwrap_or(0);
        held.saturating_sub(self.pledged_in(class))
            .min(self.unpledged_units())
    }

    /// Pledges never exceed the holding, in total and in each class named.
    pub(crate) fn pledges_fit(&self) -> bool {
        self.pledged_units() <= self.units_total()
            && self
                .pledges
                .iter()
                .filter_map(|p| p.class.as_deref())
                .all(|class| {
                    self.pledged_in(class) <= self.holdings.get(class).copied().unwrap_or(0)
                })
    }

    /// Σ units × coefficient over the classes, floored once to a whole unit (1/10000 share).
    pub fn weighted_units(&self, charter: &Charter) -> u64 {
        weighted_units(charter, &self.holdings)
    }
}

pub fn weighted_units(charter: &Charter, holdings: &BTreeMap<String, u64>) -> u64 {
    let scaled: u128 = holdings
        .iter()
        .map(|(class, units)| {
            let coefficient = charter.class(class).map_or(0, |c| c.coefficient.0);
            u128::from(*units) * u128::from(coefficient)
        })
        .sum();
    u64::try_from(scaled / u128::from(COEFFICIENT_SCALE)).expect("weighted units fit in u64")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Household {
    pub number: String,
    pub head: Option<PersonId>,
    pub persons: BTreeSet<PersonId>,
}

/// A year's distribution plan and how far it has gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// The current draft (the last one recorded for the year).
    pub plan: DistributionDrafted,
    /// 1 for the first draft, one more for each redraft.
    pub revision: u32,
    pub drafted_on: NaiveDate,
    /// How far the plan has gone, with the date of each step taken.
    pub progress: Progress,
    /// The collective's `register_mark` through the record date when drafted.
    pub register_mark: u64,
    /// The declared dividends once posted, in the plan's (person id) order; never changed
    /// after the posting. They live with the year's plan, not with each person, so that posting
    /// writes one projection entry; each line's payment and failure are its `LineState`.
    pub dividends: Vec<Dividend>,
}

/// A plan's steps after its draft (R13, R14), each carrying what the step recorded: a plan
/// cannot be approved without a notice date, nor posted without an approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    Drafted,
    Noticed {
        noticed_on: NaiveDate,
    },
    Approved {
        noticed_on: NaiveDate,
        approval: Approval,
    },
    Posted {
        noticed_on: NaiveDate,
        approval: Approval,
        posted_on: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub on: NaiveDate,
    pub decision: DistributionApproved,
}

/// A plan's status without its dates, for reports and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanStatus {
    Drafted,
    Noticed,
    Approved,
    Posted,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Drafted => "drafted",
            PlanStatus::Noticed => "noticed",
            PlanStatus::Approved => "approved",
            PlanStatus::Posted => "posted",
        }
    }
}

impl Progress {
    pub fn status(&self) -> PlanStatus {
        match self {
            Progress::Drafted => PlanStatus::Drafted,
            Progress::Noticed { .. } => PlanStatus::Noticed,
            Progress::Approved { .. } => PlanStatus::Approved,
            Progress::Posted { .. } => PlanStatus::Posted,
        }
    }
}

impl Distribution {
    /// The dividend declared to `person` in this year's posting.
    pub fn dividend(&self, person: &PersonId) -> Option<&Dividend> {
        self.dividends
            .binary_search_by(|d| d.person.cmp(person))
            .ok()
            .map(|i| &self.dividends[i])
    }

    pub fn status(&self) -> PlanStatus {
        self.progress.status()
    }

    pub fn noticed_on(&self) -> Option<NaiveDate> {
        match &self.progress {
            Progress::Drafted => None,
            Progress::Noticed { noticed_on }
            | Progress::Approved { noticed_on, .. }
            | Progress::Posted { noticed_on, .. } => Some(*noticed_on),
        }
    }

    pub fn approval(&self) -> Option<&Approval> {
        match &self.progress {
            Progress::Drafted | Progress::Noticed { .. } => None,
            Progress::Approved { approval, .. } | Progress::Posted { approval, .. } => {
                Some(approval)
            }
        }
    }

    pub fn posted_on(&self) -> Option<NaiveDate> {
        match &self.progress {
            Progress::Posted { posted_on, .. } => Some(*posted_on),
            _ => None,
        }
    }
}

/// Adds `delta` units of `class` to a person's holding (never below zero), with its dated change.
pub(crate) fn change_holding(
    state: &mut State,
    id: &PersonId,
    class: &str,
    delta: i64,
    date: NaiveDate,
) {
    let person = state.person_mut(id);
    let held = person.holdings.entry(class.to_string()).or_insert(0);
    *held = held
        .checked_add_signed(delta)
        .expect("a holding never goes below zero");
    if *held == 0 {
        person.holdings.remove(class);
    }
    assert!(
        person.pledges_fit(),
        "pledged units never exceed the holding"
    );
    record_change(&mut person.holding_changes, date, class, delta);
    state.collective_mut().holding_changed(date);
}

/// Moves `units` of `class` from one person's holding to another's on `date`: a transfer, an
/// estate's share to an heir, or either undone.
pub(crate) fn move_units(
    state: &mut State,
    from: &PersonId,
    to: &PersonId,
    class: &str,
    units: u64,
    date: NaiveDate,
) {
    let units = units_delta(units);
    change_holding(state, from, class, -units, date);
    change_holding(state, to, class, units, date);
}

pub(crate) fn units_delta(units: u64) -> i64 {
    i64::try_from(units).expect("units of one event fit in i64")
}

/// Cancels units in issue (a redemption, or an allotment undone).
pub(crate) fn cancel_units(collective: &mut Collective, class: &str, units: u64) {
    let issued = collective
        .units_by_class
        .get_mut(class)
        .expect("cancelled units were issued");
    *issued = issued
        .checked_sub(units)
        .expect("no more units are cancelled than were issued");
}

/// Adds `delta` units of `class` to the collective share (never below zero), with its dated
/// change.
pub(crate) fn change_collective_share(
    collective: &mut Collective,
    class: &str,
    delta: i64,
    date: NaiveDate,
) {
    let held = collective.holdings.entry(class.to_string()).or_insert(0);
    *held = held
        .checked_add_signed(delta)
        .expect("the collective share never goes below zero");
    record_change(&mut collective.holding_changes, date, class, delta);
}

pub(crate) fn issue_units(collective: &mut Collective, class: &str, units: u64) {
    let total = collective
        .units_by_class
        .entry(class.to_string())
        .or_insert(0);
    *total = total.checked_add(units).expect("units in issue fit in u64");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_person_is_of_age_from_the_18th_birthday() {
        let born_1991 = PersonId::parse("360426199101010071").unwrap();
        assert_eq!(adult_from(&born_1991), day("2009-01-01"));
        // Born on 29 February 2008: 2026 is a common year, so 1 March.
        let leap = PersonId::parse("410183200802290011").unwrap();
        assert_eq!(adult_from(&leap), day("2026-03-01"));
        let passport = PersonId::parse("passport:E12345678").unwrap();
        assert_eq!(adult_from(&passport), NaiveDate::MIN);
    }
}
