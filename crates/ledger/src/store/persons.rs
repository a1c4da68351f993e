//! Reads of one projection at a time: the collective, one person, or every person in key order
//! (by ID), each decoded as it is reached, and a year's plan with the states of its lines, so
//! that a listing of many holders (the register, the member list, a year's plan papers, the
//! owed list) is read from the projections without a whole `State` in memory; and the
//! comparison of every projection entry (read while the log was walked) with the state the log
//! rebuilds (`verify --replay`), each decoded and compared in place.

use super::{corrupt, entity_key, key_from_bytes, Ledger, LedgerError};
use crate::record;
use gufen_core::entity::{Collective, Distribution, LineState, Person};
use gufen_core::state::{Entity, Key, State};
use gufen_core::PersonId;
use std::collections::BTreeMap;

/// The prefix of every person's projection key (`p/{id}`).
const PERSON_PREFIX: &[u8] = b"p/";
/// The prefix of every plan's projection key (`d/{year}`).
const DISTRIBUTION_PREFIX: &[u8] = b"d/";

impl Ledger {
    /// The collective's projection, if it is registered.
    pub fn collective(&self) -> Result<Option<Collective>, LedgerError> {
        match self.projections.get(entity_key(&Key::Collective))? {
            None => Ok(None),
            Some(bytes) => match record::decode::<Entity>(&bytes)? {
                Entity::Collective(collective) => Ok(Some(*collective)),
                _ => Err(corrupt(None, "the projection c holds another entity")),
            },
        }
    }

    /// One person's projection.
    pub fn person(&self, id: &PersonId) -> Result<Option<Person>, LedgerError> {
        let key = entity_key(&Key::Person(id.clone()));
        match self.projections.get(&key)? {
            None => Ok(None),
            Some(bytes) => decode_person(&key, &bytes).map(Some),
        }
    }

    /// Every person's projection in key order (by ID), one decoded at a time.
    pub fn persons(&self) -> impl Iterator<Item = Result<Person, LedgerError>> + '_ {
        self.projections
            .scan_prefix(PERSON_PREFIX)
            .map(|entry| -> Result<Person, LedgerError> {
                let (key, bytes) = entry?;
                decode_person(&key, &bytes)
            })
    }
}

impl Ledger {
    /// The `year` plan's projection, with its lines and declared dividends.
    pub fn distribution(&self, year: u16) -> Result<Option<Distribution>, LedgerError> {
        let key = entity_key(&Key::Distribution(year));
        match self.projections.get(&key)? {
            None => Ok(None),
            Some(bytes) => decode_distribution(&key, &bytes).map(Some),
        }
    }

    /// Every plan's projection in year order, one decoded at a time (a plan holds a line for
    /// each holder).
    pub fn distributions(&self) -> impl Iterator<Item = Result<Distribution, LedgerError>> + '_ {
        self.projections.scan_prefix(DISTRIBUTION_PREFIX).map(
            |entry| -> Result<Distribution, LedgerError> {
                let (key, bytes) = entry?;
                decode_distribution(&key, &bytes)
            },
        )
    }

    /// The state of every line of the `year` plan that has one (a payment or a bank's
    /// failure), by person: the few lines of a year anything has happened to, not its plan.
    pub fn line_states(&self, year: u16) -> Result<BTreeMap<PersonId, LineState>, LedgerError> {
        let mut lines = BTreeMap::new();
        for entry in self.projections.scan_prefix(format!("l/{year}/")) {
            let (key, bytes) = entry?;
            let Key::Line(of, id) = key_from_bytes(&key)? else {
                return Err(corrupt(
                    None,
                    "a line's projection key names another entity",
                ));
            };
            match record::decode::<Entity>(&bytes)? {
                Entity::Line(line) if of == year => lines.insert(id, line),
                _ => {
                    return Err(corrupt(
                        None,
                        format!(
                            "the projection of the {of} line of {} holds another entity",
                            id.masked()
                        ),
                    ))
                }
            };
        }
        Ok(lines)
    }
}

/// The plan a projection entry holds; another entity, or another year's plan, is damage.
fn decode_distribution(key: &[u8], bytes: &[u8]) -> Result<Distribution, LedgerError> {
    let Key::Distribution(year) = key_from_bytes(key)? else {
        return Err(corrupt(
            None,
            "a plan's projection key names another entity",
        ));
    };
    match record::decode::<Entity>(bytes)? {
        Entity::Distribution(found) if found.plan.year == year => Ok(found),
        _ => Err(corrupt(
            None,
            format!("the projection of the {year} plan holds another entity"),
        )),
    }
}

/// The person a projection entry holds; another entity under a person's key, or a person under
/// another person's key, is damage.
fn decode_person(key: &[u8], bytes: &[u8]) -> Result<Person, LedgerError> {
    let Key::Person(id) = key_from_bytes(key)? else {
        return Err(corrupt(
            None,
            "a person's projection key names another entity",
        ));
    };
    match record::decode::<Entity>(bytes)? {
        Entity::Person(person) if person.id == id => Ok(person),
        _ => Err(corrupt(
            None,
            format!(
                "the projection of person {} holds another entity",
                id.masked()
            ),
        )),
    }
}

/// The first entity whose stored projection differs from `rebuilt` (a complete state, the log
/// replayed), in the order `State::first_difference` looks at them (the collective, persons,
/// households, plans, lines): `stored` is every projection entry in key order, read while the
/// log was walked (`Ledger::check_entries`). The plans' lines (`l/`) are compared too: a line
/// wrongly marked paid would drop a holder from the pay-out file and the owed list. Each entry is
/// decoded and compared in place, so no second whole state is built; the entries are compared
/// in two halves on two threads, the first half's finding first.
pub(crate) fn first_stored_difference(
    stored: &[(sled::IVec, sled::IVec)],
    rebuilt: &State,
) -> Result<Option<Key>, LedgerError> {
    let of = |prefix: &[u8]| -> Vec<&(sled::IVec, sled::IVec)> {
        stored
            .iter()
            .filter(|(key, _)| key.starts_with(prefix))
            .collect()
    };
    let ordered: Vec<&(sled::IVec, sled::IVec)> = [&b"c"[..], b"p/", b"h/", b"d/", b"l/"]
        .into_iter()
        .flat_map(of)
        .collect();
    let first_in = |part: &[&(sled::IVec, sled::IVec)]| -> Result<Option<Key>, LedgerError> {
        for (key, bytes) in part {
            let key = key_from_bytes(key)?;
            if !rebuilt.holds(&key, &record::decode::<Entity>(bytes)?) {
                return Ok(Some(key));
            }
        }
        Ok(None)
    };
    let (first, second) = ordered.split_at(ordered.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let other = scope.spawn(|| first_in(second));
        (
            first_in(first),
            other.join().expect("comparing does not panic"),
        )
    });
    // The first half's finding (or damage) comes first, as a scan in order meets it.
    if let Some(key) = first? {
        return Ok(Some(key));
    }
    if let Some(key) = second? {
        return Ok(Some(key));
    }
    if ordered.len() != rebuilt.entity_count() {
        // Every stored entity is rebuilt alike, so one rebuilt is not stored.
        for key in rebuilt.keys() {
            let bytes = entity_key(&key);
            if stored
                .binary_search_by(|(k, _)| k.as_ref().cmp(bytes.as_slice()))
                .is_err()
            {
                return Ok(Some(key));
            }
        }
    }
    Ok(None)
}
