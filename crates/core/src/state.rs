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
}

impl Collective {
    pub fn units_total(&self) -> u64 {
        self.units_by_class.values().sum()
    }
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
}

impl Person {
    pub fn is_member(&self) -> bool {
        matches!(self.membership, Membership::Member { .. })
    }

    pub fn units_total(&self) -> u64 {
        self.holdings.values().sum()
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

/// The key of one entity; the ledger keeps one projection record per key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    Collective,
    Person(PersonId),
    Household(String),
}

/// One entity's value, for the ledger to store under its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Entity {
    Collective(Collective),
    Person(Person),
    Household(Household),
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

    /// All persons in id order (complete states only).
    pub fn persons(&self) -> impl Iterator<Item = &Person> {
        assert!(
            self.is_complete(),
            "only a complete state lists every person"
        );
        self.persons.values()
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
            state.collective_mut().member_count += 1;
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
            *state
                .person_mut(&e.person)
                .holdings
                .entry(e.class.clone())
                .or_insert(0) += e.units;
            let collective = state.collective_mut();
            let total = collective
                .units_by_class
                .entry(e.class.clone())
                .or_insert(0);
            *total = total
                .checked_add(e.units)
                .expect("units in issue fit in u64");
        }
    }
}
