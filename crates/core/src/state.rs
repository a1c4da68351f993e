//! The state that commands are decided against, and `apply`, which folds one event into it.
//!
//! A state is either complete (rebuilt from the whole log) or partial: the ledger loads only the
//! entities a command needs (see `scope`). **Invariant:** reading an entity a partial state did
//! not load is a bug that would decide against missing data; it stops the program.

use crate::amount::COEFFICIENT_SCALE;
use crate::charter::Charter;
use crate::event::*;
use crate::ids::PersonId;
use chrono::NaiveDate;
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
}

impl Collective {
    /// The number of holding changes effective on or before `date`.
    pub fn register_mark(&self, date: NaiveDate) -> u64 {
        self.holding_events.range(..=date).map(|(_, n)| n).sum()
    }

    fn holding_changed(&mut self, date: NaiveDate) {
        *self.holding_events.entry(date).or_insert(0) += 1;
    }

    pub fn units_total(&self) -> u64 {
        self.units_by_class.values().sum()
    }

    /// Members on `date` by effective dates: confirmations on or before it, less losses.
    pub fn member_count_on(&self, date: NaiveDate) -> u64 {
        let count: i64 = self.member_changes.range(..=date).map(|(_, n)| n).sum();
        u64::try_from(count).expect("a member count is not negative")
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

fn record_change(changes: &mut Vec<HoldingChange>, date: NaiveDate, class: &str, delta: i64) {
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

/// One holder's declared dividend of a posted plan; unpaid ones stay owed across years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dividend {
    pub person: PersonId,
    pub weighted_units: u64,
    pub amount_fen: i64,
    /// Accrues to the deceased holder's estate (R10).
    pub estate: bool,
    pub paid: Option<Payment>,
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
    fn pledges_fit(&self) -> bool {
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
    pub noticed_on: Option<NaiveDate>,
    pub approval: Option<Approval>,
    pub posted_on: Option<NaiveDate>,
    /// The collective's `register_mark` through the record date when drafted.
    pub register_mark: u64,
    /// The declared dividends once posted, in the plan's (person id) order. They live with the
    /// year's plan, not with each person, so that posting writes one projection entry.
    pub dividends: Vec<Dividend>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub on: NaiveDate,
    pub decision: DistributionApproved,
}

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

impl Distribution {
    /// The dividend declared to `person` in this year's posting.
    pub fn dividend(&self, person: &PersonId) -> Option<&Dividend> {
        self.dividends
            .binary_search_by(|d| d.person.cmp(person))
            .ok()
            .map(|i| &self.dividends[i])
    }

    pub fn status(&self) -> PlanStatus {
        if self.posted_on.is_some() {
            PlanStatus::Posted
        } else if self.approval.is_some() {
            PlanStatus::Approved
        } else if self.noticed_on.is_some() {
            PlanStatus::Noticed
        } else {
            PlanStatus::Drafted
        }
    }
}

/// The key of one entity; the ledger keeps one projection record per key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Collective,
    Person(PersonId),
    Household(String),
    Distribution(u16),
}

/// One entity's value, for the ledger to store under its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entity {
    Collective(Collective),
    Person(Person),
    Household(Household),
    Distribution(Distribution),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum View {
    #[default]
    Complete,
    Partial(BTreeSet<Key>),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State {
    collective: Option<Collective>,
    persons: BTreeMap<PersonId, Person>,
    households: BTreeMap<String, Household>,
    distributions: BTreeMap<u16, Distribution>,
    view: View,
    dirty: BTreeSet<Key>,
}

impl State {
    /// An empty, complete state: the state before the first record.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty partial state, to be filled with `load` for the keys a command needs.
    pub fn partial() -> Self {
        State {
            view: View::Partial(BTreeSet::new()),
            ..Self::default()
        }
    }

    pub fn is_complete(&self) -> bool {
        self.view == View::Complete
    }

    fn covers(&self, key: &Key) -> bool {
        match &self.view {
            View::Complete => true,
            View::Partial(keys) => keys.contains(key),
        }
    }

    fn assert_covers(&self, key: &Key) {
        assert!(
            self.covers(key),
            "state read {key:?}, which the command's scope did not load"
        );
    }

    /// Loads one entity (or its absence) into a partial state.
    pub fn load(&mut self, key: Key, entity: Option<Entity>) {
        if let View::Partial(keys) = &mut self.view {
            keys.insert(key.clone());
        }
        if let Some(entity) = entity {
            self.put(key, entity);
        }
    }

    /// Puts an entity without marking it changed (loading or rebuilding).
    pub fn put(&mut self, key: Key, entity: Entity) {
        match (key, entity) {
            (Key::Collective, Entity::Collective(c)) => self.collective = Some(c),
            (Key::Person(id), Entity::Person(p)) => {
                assert_eq!(id, p.id, "a person is stored under their own id");
                self.persons.insert(id, p);
            }
            (Key::Household(n), Entity::Household(h)) => {
                assert_eq!(n, h.number, "a household is stored under its own number");
                self.households.insert(n, h);
            }
            (Key::Distribution(year), Entity::Distribution(d)) => {
                assert_eq!(year, d.plan.year, "a plan is stored under its own year");
                self.distributions.insert(year, d);
            }
            (key, entity) => panic!("entity {entity:?} does not belong under {key:?}"),
        }
    }

    /// Keys a partial state still needs so that every loaded person's household is loaded too.
    pub fn missing_keys(&self) -> Vec<Key> {
        let View::Partial(keys) = &self.view else {
            return Vec::new();
        };
        let mut missing: Vec<Key> = self
            .persons
            .values()
            .filter_map(|p| p.household.clone().map(Key::Household))
            .filter(|k| !keys.contains(k))
            .collect();
        missing.dedup();
        missing
    }

    pub fn entity(&self, key: &Key) -> Option<Entity> {
        match key {
            Key::Collective => self.collective.clone().map(Entity::Collective),
            Key::Person(id) => self.persons.get(id).cloned().map(Entity::Person),
            Key::Household(n) => self.households.get(n).cloned().map(Entity::Household),
            Key::Distribution(year) => self
                .distributions
                .get(year)
                .cloned()
                .map(Entity::Distribution),
        }
    }

    /// Every entity, in key order (complete states only).
    pub fn entities(&self) -> Vec<(Key, Entity)> {
        assert!(
            self.is_complete(),
            "only a complete state lists every entity"
        );
        let mut all = Vec::new();
        if let Some(c) = &self.collective {
            all.push((Key::Collective, Entity::Collective(c.clone())));
        }
        all.extend(
            self.persons
                .values()
                .map(|p| (Key::Person(p.id.clone()), Entity::Person(p.clone()))),
        );
        all.extend(self.households.values().map(|h| {
            (
                Key::Household(h.number.clone()),
                Entity::Household(h.clone()),
            )
        }));
        all.extend(self.distributions.values().map(|d| {
            (
                Key::Distribution(d.plan.year),
                Entity::Distribution(d.clone()),
            )
        }));
        all
    }

    /// The keys changed since the last call, with their new values (None: removed).
    pub fn take_dirty(&mut self) -> Vec<(Key, Option<Entity>)> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .map(|k| {
                let value = self.entity(&k);
                (k, value)
            })
            .collect()
    }

    pub fn collective(&self) -> Option<&Collective> {
        self.assert_covers(&Key::Collective);
        self.collective.as_ref()
    }

    pub fn person(&self, id: &PersonId) -> Option<&Person> {
        if !self.is_complete() {
            self.assert_covers(&Key::Person(id.clone()));
        }
        self.persons.get(id)
    }

    pub fn household(&self, number: &str) -> Option<&Household> {
        if !self.is_complete() {
            self.assert_covers(&Key::Household(number.to_string()));
        }
        self.households.get(number)
    }

    pub fn distribution(&self, year: u16) -> Option<&Distribution> {
        if !self.is_complete() {
            self.assert_covers(&Key::Distribution(year));
        }
        self.distributions.get(&year)
    }

    /// All persons in id order (complete states only).
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        assert!(
            self.is_complete(),
            "only a complete state lists every person"
        );
        self.persons.values()
    }

    /// All distribution plans in year order (complete states only).
    pub fn distributions(&self) -> impl Iterator<Item = &Distribution> {
        assert!(self.is_complete(), "only a complete state lists every plan");
        self.distributions.values()
    }

    /// All households in number order (complete states only).
    pub fn households(&self) -> impl Iterator<Item = &Household> {
        assert!(
            self.is_complete(),
            "only a complete state lists every household"
        );
        self.households.values()
    }

    fn collective_mut(&mut self) -> &mut Collective {
        self.dirty.insert(Key::Collective);
        self.collective
            .as_mut()
            .expect("events after registration find the collective")
    }

    fn person_mut(&mut self, id: &PersonId) -> &mut Person {
        self.dirty.insert(Key::Person(id.clone()));
        self.persons
            .get_mut(id)
            .expect("events name persons the ledger knows")
    }

    fn household_mut(&mut self, number: &str) -> &mut Household {
        self.dirty.insert(Key::Household(number.to_string()));
        self.households
            .entry(number.to_string())
            .or_insert_with(|| Household {
                number: number.to_string(),
                ..Household::default()
            })
    }

    fn distribution_mut(&mut self, year: u16) -> &mut Distribution {
        self.dirty.insert(Key::Distribution(year));
        self.distributions
            .get_mut(&year)
            .expect("events name plans the ledger holds")
    }

    fn leave_household(&mut self, id: &PersonId) {
        let Some(old) = self.persons.get(id).and_then(|p| p.household.clone()) else {
            return;
        };
        let household = self.household_mut(&old);
        household.persons.remove(id);
        if household.head.as_ref() == Some(id) {
            household.head = None;
        }
    }

    fn join_household(&mut self, id: &PersonId, number: &str) {
        self.household_mut(number).persons.insert(id.clone());
        self.person_mut(id).household = Some(number.to_string());
    }

    fn ensure_person(&mut self, id: &PersonId, name: &str) {
        if !self.persons.contains_key(id) {
            self.dirty.insert(Key::Person(id.clone()));
            self.persons.insert(
                id.clone(),
                Person {
                    id: id.clone(),
                    name: name.to_string(),
                    household: None,
                    membership: Membership::None,
                    hukou: None,
                    holdings: BTreeMap::new(),
                    holding_changes: Vec::new(),
                    pledges: Vec::new(),
                    deceased_on: None,
                },
            );
        }
    }

    fn place_in_household(&mut self, id: &PersonId, number: &str) {
        let current = self.persons.get(id).and_then(|p| p.household.clone());
        if current.as_deref() != Some(number) {
            self.leave_household(id);
            self.join_household(id, number);
        }
    }
}

/// Folds one event into the state. Total: every event `decide` produced applies.
pub fn apply(state: &mut State, date: NaiveDate, event: &Event) {
    match event {
        Event::CollectiveRegistered(e) => {
            assert!(
                state.collective.is_none(),
                "a ledger registers its collective once"
            );
            state.dirty.insert(Key::Collective);
            state.collective = Some(Collective {
                charter: e.charter.clone(),
                registered_on: date,
                units_by_class: BTreeMap::new(),
                member_count: 0,
                member_changes: BTreeMap::new(),
                holdings: BTreeMap::new(),
                holding_changes: Vec::new(),
                holding_events: BTreeMap::new(),
                deceased: BTreeSet::new(),
                pledges: BTreeMap::new(),
                corrected: BTreeSet::new(),
            });
        }
        Event::PersonRegistered(e) => {
            state.ensure_person(&e.person, &e.name);
            if let Some(number) = &e.household {
                state.place_in_household(&e.person, number);
            }
        }
        Event::MembershipConfirmed(e) => {
            state.ensure_person(&e.person, &e.name);
            state.place_in_household(&e.person, &e.household);
            let person = state.person_mut(&e.person);
            assert!(
                !person.is_member(),
                "membership is confirmed only for non-members"
            );
            person.name = e.name.clone();
            person.membership = Membership::Member {
                since: date,
                resolution: e.resolution.clone(),
            };
            let collective = state.collective_mut();
            collective.member_count += 1;
            *collective.member_changes.entry(date).or_insert(0) += 1;
        }
        Event::MembershipLost(e) => {
            let person = state.person_mut(&e.person);
            let Membership::Member { since, .. } = person.membership else {
                panic!("membership is lost only by a member")
            };
            person.membership = Membership::Lost {
                since,
                ended: date,
                ground: e.ground,
            };
            let collective = state.collective_mut();
            collective.member_count = collective
                .member_count
                .checked_sub(1)
                .expect("member count stays non-negative");
            *collective.member_changes.entry(date).or_insert(0) -= 1;
            if e.ground == LossGround::Death {
                collective.deceased.insert(e.person.clone());
            }
        }
        Event::HouseholdMoved(e) => state.place_in_household(&e.person, &e.to),
        Event::HouseholdHeadNamed(e) => {
            state.household_mut(&e.household).head = Some(e.person.clone())
        }
        Event::HukouRecorded(e) => {
            state.person_mut(&e.person).hukou = Some(Hukou {
                kind: e.kind,
                locality: e.locality.clone(),
                since: date,
            });
        }
        Event::LifeEventRecorded(_) => {}
        Event::SharesAllotted(e) => {
            let person = state.person_mut(&e.person);
            *person.holdings.entry(e.class.clone()).or_insert(0) += e.units;
            record_change(
                &mut person.holding_changes,
                date,
                &e.class,
                units_delta(e.units),
            );
            let collective = state.collective_mut();
            issue_units(collective, &e.class, e.units);
            collective.holding_changed(date);
        }
        Event::CollectiveSharesAllotted(e) => {
            let collective = state.collective_mut();
            change_collective_share(collective, &e.class, units_delta(e.units), date);
            issue_units(collective, &e.class, e.units);
            collective.holding_changed(date);
        }
        Event::DistributionDrafted(e) => {
            let register_mark = state
                .collective
                .as_ref()
                .expect("a plan follows the registration")
                .register_mark(e.record_date);
            // A draft supersedes the year's plan until it is posted (an approved plan only when
            // the register on its record date has changed; `decide` checks that).
            let revision = state.distributions.get(&e.year).map_or(0, |d| {
                assert!(d.posted_on.is_none(), "a posted plan is never redrafted");
                d.revision
            }) + 1;
            state.dirty.insert(Key::Distribution(e.year));
            state.distributions.insert(
                e.year,
                Distribution {
                    plan: e.clone(),
                    revision,
                    drafted_on: date,
                    noticed_on: None,
                    approval: None,
                    posted_on: None,
                    register_mark,
                    dividends: Vec::new(),
                },
            );
        }
        Event::DistributionNoticed(e) => state.distribution_mut(e.year).noticed_on = Some(date),
        Event::DistributionApproved(e) => {
            state.distribution_mut(e.year).approval = Some(Approval {
                on: date,
                decision: e.clone(),
            })
        }
        Event::DividendDeclared(e) => {
            let plan = state.distribution_mut(e.year);
            assert!(
                plan.posted_on.is_none(),
                "lines are declared before the summary"
            );
            assert!(
                plan.dividends.last().is_none_or(|d| d.person < e.person),
                "a year's dividends are declared once each, in id order"
            );
            plan.dividends.push(Dividend {
                person: e.person.clone(),
                weighted_units: e.weighted_units,
                amount_fen: e.amount_fen,
                estate: e.estate,
                paid: None,
            });
        }
        Event::DistributionPosted(e) => {
            let plan = state.distribution_mut(e.year);
            assert!(plan.posted_on.is_none(), "a plan is posted once");
            plan.posted_on = Some(date);
        }
        Event::DividendPaid(e) => {
            let plan = state.distribution_mut(e.year);
            let index = plan
                .dividends
                .binary_search_by(|d| d.person.cmp(&e.person))
                .expect("a paid dividend was declared");
            let dividend = &mut plan.dividends[index];
            assert!(dividend.paid.is_none(), "a dividend is paid once");
            dividend.paid = Some(Payment {
                on: date,
                reference: e.reference.clone(),
            });
        }
        Event::SharesPledged(e) => open_pledge(state, e, None, date),
        Event::SharesPledgedInClass(e) => {
            open_pledge(state, &e.pledge, Some(e.class.clone()), date)
        }
        Event::PledgeReleased(e) => {
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
        Event::SharesTransferred(e) => {
            let units = units_delta(e.units);
            change_holding(state, &e.from, &e.class, -units, date);
            change_holding(state, &e.to, &e.class, units, date);
        }
        Event::DeathRecorded(e) => {
            state.person_mut(&e.person).deceased_on = Some(date);
            state.collective_mut().deceased.insert(e.person.clone());
        }
        Event::EstateSettled(e) => {
            for share in &e.shares {
                let units = units_delta(share.units);
                change_holding(state, &e.deceased, &share.class, -units, date);
                change_holding(state, &share.heir, &share.class, units, date);
            }
            assert_eq!(
                state.persons[&e.deceased].units_total(),
                0,
                "a settled estate ends empty"
            );
        }
        Event::SharesRedeemed(e) => {
            change_holding(state, &e.person, &e.class, -units_delta(e.units), date);
            let collective = state.collective_mut();
            if e.to_collective {
                change_collective_share(collective, &e.class, units_delta(e.units), date);
            } else {
                cancel_units(collective, &e.class, e.units);
            }
        }
        Event::MembershipExited(e) => {
            let person = state.person_mut(&e.person);
            let Membership::Member { since, .. } = person.membership else {
                panic!("only a member exits")
            };
            person.membership = Membership::Lost {
                since,
                ended: date,
                ground: LossGround::Exit,
            };
            let collective = state.collective_mut();
            collective.member_count = collective
                .member_count
                .checked_sub(1)
                .expect("member count stays non-negative");
            *collective.member_changes.entry(date).or_insert(0) -= 1;
        }
        Event::RecordCorrected(e) => {
            match &e.reversal {
                Reversal::Allotment(a) => {
                    change_holding(state, &a.person, &a.class, -units_delta(a.units), date);
                    cancel_units(state.collective_mut(), &a.class, a.units);
                }
                Reversal::Transfer(t) => {
                    let units = units_delta(t.units);
                    change_holding(state, &t.to, &t.class, -units, date);
                    change_holding(state, &t.from, &t.class, units, date);
                }
                Reversal::Pledge(p) => {
                    let person = state.person_mut(&p.person);
                    person.pledges.retain(|open| open.contract != p.contract);
                    state.collective_mut().pledges.remove(&p.contract);
                }
                Reversal::Redemption(r) => {
                    change_holding(state, &r.person, &r.class, units_delta(r.units), date);
                    let collective = state.collective_mut();
                    if r.to_collective {
                        change_collective_share(collective, &r.class, -units_delta(r.units), date);
                    } else {
                        issue_units(collective, &r.class, r.units);
                    }
                }
                Reversal::LifeEvent(_) => {}
                Reversal::Exit(MembershipExited { person: id, .. })
                | Reversal::MembershipLoss(MembershipLost { person: id, .. }) => {
                    let person = state.person_mut(id);
                    let Membership::Lost { since, .. } = person.membership else {
                        panic!("a corrected loss is still in force")
                    };
                    person.membership = Membership::Member {
                        since,
                        resolution: format!("correction of record {}", e.seq),
                    };
                    let collective = state.collective_mut();
                    collective.member_count += 1;
                    *collective.member_changes.entry(date).or_insert(0) += 1;
                }
                Reversal::Death(d) => {
                    let person = state.person_mut(&d.person);
                    assert!(person.is_deceased(), "a corrected death was recorded");
                    person.deceased_on = None;
                    let restored = match person.membership {
                        Membership::Lost {
                            since,
                            ground: LossGround::Death,
                            ..
                        } => {
                            person.membership = Membership::Member {
                                since,
                                resolution: format!("correction of record {}", e.seq),
                            };
                            true
                        }
                        _ => false,
                    };
                    let collective = state.collective_mut();
                    collective.deceased.remove(&d.person);
                    if restored {
                        collective.member_count += 1;
                        *collective.member_changes.entry(date).or_insert(0) += 1;
                    }
                }
                Reversal::Estate(settled) => {
                    for share in &settled.shares {
                        let units = units_delta(share.units);
                        change_holding(state, &share.heir, &share.class, -units, date);
                        change_holding(state, &settled.deceased, &share.class, units, date);
                    }
                }
                Reversal::Confirmation(undone) => {
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
                    let collective = state.collective_mut();
                    collective.member_count = collective
                        .member_count
                        .checked_sub(1)
                        .expect("member count stays non-negative");
                    *collective.member_changes.entry(date).or_insert(0) -= 1;
                    if moves {
                        state.leave_household(id);
                        state.person_mut(id).household = None;
                        if let Some(number) = &undone.household {
                            state.join_household(id, number);
                        }
                    }
                }
                Reversal::HouseholdMove(moved) => {
                    state.leave_household(&moved.person);
                    state.person_mut(&moved.person).household = None;
                    if let Some(number) = &moved.from {
                        state.join_household(&moved.person, number);
                    }
                }
                Reversal::HouseholdHead(undone) => {
                    state.household_mut(&undone.named.household).head = undone.previous.clone();
                }
                Reversal::Hukou(undone) => {
                    state.person_mut(&undone.recorded.person).hukou =
                        undone.previous.as_ref().map(|(recorded, since)| Hukou {
                            kind: recorded.kind,
                            locality: recorded.locality.clone(),
                            since: *since,
                        });
                }
                Reversal::CollectiveAllotment(a) => {
                    let collective = state.collective_mut();
                    change_collective_share(collective, &a.class, -units_delta(a.units), date);
                    cancel_units(collective, &a.class, a.units);
                    collective.holding_changed(date);
                }
                Reversal::Draft(d) => {
                    state.dirty.insert(Key::Distribution(d.year));
                    let withdrawn = state.distributions.remove(&d.year);
                    assert!(
                        withdrawn.is_some_and(|p| p.status() == PlanStatus::Drafted),
                        "a withdrawn draft is the year's plan, not yet noticed"
                    );
                }
                Reversal::Notice(n) => state.distribution_mut(n.year).noticed_on = None,
                Reversal::Approval(a) => state.distribution_mut(a.year).approval = None,
                Reversal::Posting(p) => {
                    let plan = state.distribution_mut(p.year);
                    assert!(
                        plan.dividends.iter().all(|d| d.paid.is_none()),
                        "a posting is undone only while nothing of it is paid"
                    );
                    plan.posted_on = None;
                    plan.dividends.clear();
                }
                Reversal::Payment(paid) => {
                    let plan = state.distribution_mut(paid.year);
                    let index = plan
                        .dividends
                        .binary_search_by(|d| d.person.cmp(&paid.person))
                        .expect("a corrected payment was declared");
                    plan.dividends[index].paid = None;
                }
                Reversal::Release(reopened) => open_pledge(
                    state,
                    &reopened.pledge,
                    reopened.class.clone(),
                    reopened.since,
                ),
                Reversal::Registration(r) => {
                    state.leave_household(&r.person);
                    state.dirty.insert(Key::Person(r.person.clone()));
                    state.persons.remove(&r.person);
                }
            }
            let fresh = state.collective_mut().corrected.insert(e.seq);
            assert!(fresh, "a record is corrected once");
        }
    }
}

/// Registers a pledge (R11), of units of `class` or of the whole holding.
fn open_pledge(state: &mut State, e: &SharesPledged, class: Option<String>, since: NaiveDate) {
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

/// Adds `delta` units of `class` to a person's holding (never below zero), with its dated change.
fn change_holding(state: &mut State, id: &PersonId, class: &str, delta: i64, date: NaiveDate) {
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

fn units_delta(units: u64) -> i64 {
    i64::try_from(units).expect("units of one event fit in i64")
}

/// Cancels units in issue (a redemption, or an allotment undone).
fn cancel_units(collective: &mut Collective, class: &str, units: u64) {
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
fn change_collective_share(collective: &mut Collective, class: &str, delta: i64, date: NaiveDate) {
    let held = collective.holdings.entry(class.to_string()).or_insert(0);
    *held = held
        .checked_add_signed(delta)
        .expect("the collective share never goes below zero");
    record_change(&mut collective.holding_changes, date, class, delta);
}

fn issue_units(collective: &mut Collective, class: &str, units: u64) {
    let total = collective
        .units_by_class
        .entry(class.to_string())
        .or_insert(0);
    *total = total.checked_add(units).expect("units in issue fit in u64");
}
