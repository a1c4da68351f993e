//! The state that commands are decided against: the entities (see `entity`), complete (rebuilt
//! from the whole log) or partial: the ledger loads only the entities a command needs (see
//! `scope`). **Invariant:** reading an entity a partial state did not load is a bug that would
//! decide against missing data; it stops the program.

use crate::ids::PersonId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use crate::entity::*;

/// The key of one entity; the ledger keeps one projection record per key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Collective,
    Person(PersonId),
    Household(String),
    Distribution(u16),
}

/// A key as messages name it: a person by their masked ID (R16), never the whole one.
impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Collective => f.write_str("collective"),
            Key::Person(id) => write!(f, "person {}", id.masked()),
            Key::Household(number) => write!(f, "household {number}"),
            Key::Distribution(year) => write!(f, "the {year} plan"),
        }
    }
}

/// One entity's value, for the ledger to store under its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entity {
    /// Boxed: one a ledger, and far larger than the others (serialized as the entity itself).
    Collective(Box<Collective>),
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
    /// Hashed, not ordered: a replay looks persons up several times a record, and an ordered
    /// map's comparisons of 18-character IDs were a third of an audit's time. `persons()` and
    /// `entities()` give them in ID order.
    persons: HashMap<PersonId, Person>,
    households: BTreeMap<String, Household>,
    distributions: BTreeMap<u16, Distribution>,
    view: View,
    dirty: BTreeSet<Key>,
    /// A replay of the log (verify, audit, as-of) reads the state it rebuilds and never writes
    /// it back, so it keeps no changed set: that set's inserts were a third of a replay's time.
    untracked: bool,
}

impl State {
    /// An empty, complete state: the state before the first record.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty, complete state that keeps no record of what changed: for rebuilding a state
    /// from the log to read it (`take_dirty` then gives nothing).
    pub fn for_replay() -> Self {
        State {
            untracked: true,
            ..Self::default()
        }
    }

    fn touch(&mut self, key: Key) {
        if !self.untracked {
            self.dirty.insert(key);
        }
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
            "state read {key}, which the command's scope did not load"
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
            (Key::Collective, Entity::Collective(c)) => self.collective = Some(*c),
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
            Key::Collective => self
                .collective
                .clone()
                .map(|c| Entity::Collective(Box::new(c))),
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
            all.push((Key::Collective, Entity::Collective(Box::new(c.clone()))));
        }
        all.extend(
            self.persons()
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

    /// The first entity, in key order, that two complete states hold differently (one holds it
    /// and the other does not, or with another value); None when they hold the same entities.
    /// Compares in place: a projection check of 100,000 persons clones none of them.
    pub fn first_difference(&self, other: &State) -> Option<Key> {
        assert!(self.is_complete() && other.is_complete());
        if self.collective != other.collective {
            return Some(Key::Collective);
        }
        let mut ids: Vec<&PersonId> = self.persons.keys().chain(other.persons.keys()).collect();
        ids.sort_unstable();
        ids.dedup();
        if let Some(id) = ids
            .into_iter()
            .find(|id| self.persons.get(*id) != other.persons.get(*id))
        {
            return Some(Key::Person(id.clone()));
        }
        let numbers: BTreeSet<&String> = self
            .households
            .keys()
            .chain(other.households.keys())
            .collect();
        if let Some(number) = numbers
            .into_iter()
            .find(|n| self.households.get(*n) != other.households.get(*n))
        {
            return Some(Key::Household(number.clone()));
        }
        let years: BTreeSet<&u16> = self
            .distributions
            .keys()
            .chain(other.distributions.keys())
            .collect();
        years
            .into_iter()
            .find(|y| self.distributions.get(*y) != other.distributions.get(*y))
            .map(|y| Key::Distribution(*y))
    }

    /// Whether this complete state holds `entity` under `key`, compared in place (no copy): how
    /// `verify --replay` compares each stored projection, read one at a time, with the state
    /// the log rebuilds.
    pub fn holds(&self, key: &Key, entity: &Entity) -> bool {
        match (key, entity) {
            (Key::Collective, Entity::Collective(c)) => self.collective.as_ref() == Some(&**c),
            (Key::Person(id), Entity::Person(p)) => self.persons.get(id) == Some(p),
            (Key::Household(n), Entity::Household(h)) => self.households.get(n) == Some(h),
            (Key::Distribution(y), Entity::Distribution(d)) => self.distributions.get(y) == Some(d),
            _ => false,
        }
    }

    /// The number of entities: the collective (once registered), persons, households, plans.
    pub fn entity_count(&self) -> usize {
        usize::from(self.collective.is_some())
            + self.persons.len()
            + self.households.len()
            + self.distributions.len()
    }

    /// Every entity's key, in the order `first_difference` looks at them: the collective,
    /// persons by ID, households, plans by year.
    pub fn keys(&self) -> Vec<Key> {
        let mut ids: Vec<&PersonId> = self.persons.keys().collect();
        ids.sort_unstable();
        let collective = self.collective.as_ref().map(|_| Key::Collective);
        collective
            .into_iter()
            .chain(ids.into_iter().map(|id| Key::Person(id.clone())))
            .chain(self.households.keys().map(|n| Key::Household(n.clone())))
            .chain(self.distributions.keys().map(|y| Key::Distribution(*y)))
            .collect()
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

    /// The changed entities moved out of the state, as `take_dirty` gives them but without
    /// copying them: for a command's write, after which the state is not read again (an import
    /// of 100,000 persons would otherwise hold every person twice).
    pub fn into_dirty(mut self) -> Vec<(Key, Option<Entity>)> {
        let dirty = std::mem::take(&mut self.dirty);
        dirty
            .into_iter()
            .map(|key| {
                let value = match &key {
                    Key::Collective => self
                        .collective
                        .take()
                        .map(|c| Entity::Collective(Box::new(c))),
                    Key::Person(id) => self.persons.remove(id).map(Entity::Person),
                    Key::Household(n) => self.households.remove(n).map(Entity::Household),
                    Key::Distribution(year) => {
                        self.distributions.remove(year).map(Entity::Distribution)
                    }
                };
                (key, value)
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
        let mut all: Vec<&Person> = self.persons.values().collect();
        all.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        all.into_iter()
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

    /// The collective's entity, once, from its registration.
    pub(crate) fn register_collective(&mut self, collective: Collective) {
        assert!(
            self.collective.is_none(),
            "a ledger registers its collective once"
        );
        self.touch(Key::Collective);
        self.collective = Some(collective);
    }

    /// Puts a year's plan in place of the one before (a draft or a redraft).
    pub(crate) fn put_plan(&mut self, plan: Distribution) {
        self.touch(Key::Distribution(plan.plan.year));
        self.distributions.insert(plan.plan.year, plan);
    }

    /// Removes a year's plan (its only draft undone).
    pub(crate) fn withdraw_plan(&mut self, year: u16) -> Option<Distribution> {
        self.touch(Key::Distribution(year));
        self.distributions.remove(&year)
    }

    /// Removes a person (their registration undone), out of their household first.
    pub(crate) fn forget_person(&mut self, id: &PersonId) {
        self.leave_household(id);
        self.touch(Key::Person(id.clone()));
        self.persons.remove(id);
    }

    /// A person to update if the state holds them (a complete state, or one loaded them).
    pub(crate) fn person_loaded_mut(&mut self, id: &PersonId) -> Option<&mut Person> {
        if !self.persons.contains_key(id) {
            return None;
        }
        self.touch(Key::Person(id.clone()));
        self.persons.get_mut(id)
    }

    pub(crate) fn collective_mut(&mut self) -> &mut Collective {
        self.touch(Key::Collective);
        self.collective
            .as_mut()
            .expect("events after registration find the collective")
    }

    pub(crate) fn person_mut(&mut self, id: &PersonId) -> &mut Person {
        self.touch(Key::Person(id.clone()));
        self.persons
            .get_mut(id)
            .expect("events name persons the ledger knows")
    }

    pub(crate) fn household_mut(&mut self, number: &str) -> &mut Household {
        self.touch(Key::Household(number.to_string()));
        self.households
            .entry(number.to_string())
            .or_insert_with(|| Household {
                number: number.to_string(),
                ..Household::default()
            })
    }

    pub(crate) fn distribution_mut(&mut self, year: u16) -> &mut Distribution {
        self.touch(Key::Distribution(year));
        self.distributions
            .get_mut(&year)
            .expect("events name plans the ledger holds")
    }

    pub(crate) fn leave_household(&mut self, id: &PersonId) {
        let Some(old) = self.persons.get(id).and_then(|p| p.household.clone()) else {
            return;
        };
        let household = self.household_mut(&old);
        household.persons.remove(id);
        if household.head.as_ref() == Some(id) {
            household.head = None;
        }
    }

    pub(crate) fn join_household(&mut self, id: &PersonId, number: &str) {
        self.household_mut(number).persons.insert(id.clone());
        self.person_mut(id).household = Some(number.to_string());
    }

    pub(crate) fn ensure_person(&mut self, id: &PersonId, name: &str, date: NaiveDate) {
        if !self.persons.contains_key(id) {
            self.touch(Key::Person(id.clone()));
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
                    since: date,
                    last_record_on: date,
                    last_member_record_on: date,
                    ending: None,
                    bank_account: None,
                },
            );
        }
    }

    pub(crate) fn place_in_household(&mut self, id: &PersonId, number: &str) {
        let current = self.persons.get(id).and_then(|p| p.household.clone());
        if current.as_deref() != Some(number) {
            self.leave_household(id);
            self.join_household(id, number);
        }
    }
}
