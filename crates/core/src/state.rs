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
    /// One declared line of a year's plan that has a payment or a bank failure (`LineState`).
    Line(u16, PersonId),
}

/// A key as messages name it: a person by their masked ID (R16), never the whole one.
impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Collective => f.write_str("collective"),
            Key::Person(id) => write!(f, "person {}", id.masked()),
            Key::Household(number) => write!(f, "household {number}"),
            Key::Distribution(year) => write!(f, "the {year} plan"),
            Key::Line(year, id) => write!(f, "the {year} line of {}", id.masked()),
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
    Line(LineState),
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
    /// Each year's lines that have a state, by person; a year with none has no entry.
    lines: BTreeMap<u16, BTreeMap<PersonId, LineState>>,
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

    /// Whether `entity` may be stored under `key`: the entity of that kind, under its own id,
    /// number or year, and a line only with a state. What the ledger checks of each projection
    /// it reads, so that a damaged one is an integrity failure rather than a panic in `put`.
    pub fn belongs(key: &Key, entity: &Entity) -> bool {
        match (key, entity) {
            (Key::Collective, Entity::Collective(_)) => true,
            (Key::Person(id), Entity::Person(p)) => *id == p.id,
            (Key::Household(n), Entity::Household(h)) => *n == h.number,
            (Key::Distribution(year), Entity::Distribution(d)) => *year == d.plan.year,
            (Key::Line(_, _), Entity::Line(line)) => !line.is_empty(),
            _ => false,
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
            (Key::Line(year, id), Entity::Line(line)) => {
                assert!(!line.is_empty(), "a line without a state has no entry");
                self.lines.entry(year).or_default().insert(id, line);
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
            Key::Line(year, id) => self
                .lines
                .get(year)
                .and_then(|lines| lines.get(id))
                .cloned()
                .map(Entity::Line),
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
        for (year, lines) in &self.lines {
            all.extend(
                lines
                    .iter()
                    .map(|(id, line)| (Key::Line(*year, id.clone()), Entity::Line(line.clone()))),
            );
        }
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
        if let Some(year) = years
            .into_iter()
            .find(|y| self.distributions.get(*y) != other.distributions.get(*y))
        {
            return Some(Key::Distribution(*year));
        }
        let lines = |state: &'_ State| -> BTreeSet<(u16, PersonId)> {
            state
                .lines
                .iter()
                .flat_map(|(year, lines)| lines.keys().map(|id| (*year, id.clone())))
                .collect()
        };
        let mut keys = lines(self);
        keys.extend(lines(other));
        keys.into_iter()
            .find(|(year, id)| self.line_of(*year, id) != other.line_of(*year, id))
            .map(|(year, id)| Key::Line(year, id))
    }

    fn line_of(&self, year: u16, person: &PersonId) -> Option<&LineState> {
        self.lines.get(&year).and_then(|lines| lines.get(person))
    }

    /// The changed keys with their new values (None: removed), moved out of the state (which
    /// is left without them): what a command writes back, without copying a plan's 100,000
    /// lines first.
    pub fn into_dirty(mut self) -> (Vec<(Key, Option<Entity>)>, State) {
        let dirty = std::mem::take(&mut self.dirty);
        let changes = dirty
            .into_iter()
            .map(|key| {
                let value = self.remove(&key);
                (key, value)
            })
            .collect();
        (changes, self)
    }

    fn remove(&mut self, key: &Key) -> Option<Entity> {
        match key {
            Key::Collective => self
                .collective
                .take()
                .map(|c| Entity::Collective(Box::new(c))),
            Key::Person(id) => self.persons.remove(id).map(Entity::Person),
            Key::Household(n) => self.households.remove(n).map(Entity::Household),
            Key::Distribution(year) => self.distributions.remove(year).map(Entity::Distribution),
            Key::Line(year, id) => self
                .lines
                .get_mut(year)
                .and_then(|lines| lines.remove(id))
                .map(Entity::Line),
        }
    }

    /// Room for `persons` more persons: a whole state's load puts 100,000 of them, and growing
    /// the table as they come was a tenth of a draft's time.
    pub fn reserve_persons(&mut self, persons: usize) {
        self.persons.reserve(persons);
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
            (Key::Line(y, id), Entity::Line(l)) => self.line_of(*y, id) == Some(l),
            _ => false,
        }
    }

    /// The number of entities: the collective (once registered), persons, households, plans,
    /// and the plans' lines that have a state.
    pub fn entity_count(&self) -> usize {
        usize::from(self.collective.is_some())
            + self.persons.len()
            + self.households.len()
            + self.distributions.len()
            + self.lines.values().map(BTreeMap::len).sum::<usize>()
    }

    /// Every entity's key, in the order `first_difference` looks at them: the collective,
    /// persons by ID, households, plans by year, lines by year and person.
    pub fn keys(&self) -> Vec<Key> {
        let mut ids: Vec<&PersonId> = self.persons.keys().collect();
        ids.sort_unstable();
        let collective = self.collective.as_ref().map(|_| Key::Collective);
        collective
            .into_iter()
            .chain(ids.into_iter().map(|id| Key::Person(id.clone())))
            .chain(self.households.keys().map(|n| Key::Household(n.clone())))
            .chain(self.distributions.keys().map(|y| Key::Distribution(*y)))
            .chain(
                self.lines
                    .iter()
                    .flat_map(|(year, lines)| lines.keys().map(|id| Key::Line(*year, id.clone()))),
            )
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

    /// The state of `person`'s line of the `year` plan: None while nothing has happened to it
    /// (or no such line was declared).
    pub fn line(&self, year: u16, person: &PersonId) -> Option<&LineState> {
        if !self.is_complete() {
            self.assert_covers(&Key::Line(year, person.clone()));
        }
        self.line_of(year, person)
    }

    /// The `year` plan's lines that have a state, in person id order (complete states only).
    pub fn lines(&self, year: u16) -> impl Iterator<Item = (&PersonId, &LineState)> {
        assert!(
            self.is_complete(),
            "only a complete state lists every line of a plan"
        );
        self.lines.get(&year).into_iter().flatten()
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
        // A household a partial state did not load would be made anew here, empty, and written
        // back over the stored one.
        let key = Key::Household(number.to_string());
        self.assert_covers(&key);
        self.touch(key);
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

    /// Changes `person`'s line of the `year` plan (from no state when it has none); a line left
    /// with no state loses its entry.
    pub(crate) fn change_line(
        &mut self,
        year: u16,
        person: &PersonId,
        change: impl FnOnce(&mut LineState),
    ) {
        if !self.is_complete() {
            self.assert_covers(&Key::Line(year, person.clone()));
        }
        self.touch(Key::Line(year, person.clone()));
        let lines = self.lines.entry(year).or_default();
        let line = lines.entry(person.clone()).or_default();
        change(line);
        if line.is_empty() {
            lines.remove(person);
        }
        if lines.is_empty() {
            self.lines.remove(&year);
        }
    }

    /// Removes the state of every line of the `year` plan (its posting undone; complete states
    /// only, since only those hold every line).
    pub(crate) fn clear_lines(&mut self, year: u16) {
        assert!(
            self.is_complete(),
            "only a complete state holds every line of a plan to clear"
        );
        for person in self.lines.remove(&year).unwrap_or_default().into_keys() {
            self.touch(Key::Line(year, person));
        }
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
            // As for a household: a person not loaded is not a person unknown.
            let key = Key::Person(id.clone());
            self.assert_covers(&key);
            self.touch(key);
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
