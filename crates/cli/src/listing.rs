//! Listings of many persons (the register, the member list) read from the projections one
//! person at a time, never a whole state in memory. A first pass over every person, in key order
//! (by ID), picks those listed with the key they are listed by (household, then ID) and adds up
//! what the listing's heading needs; the picked keys (a few dozen bytes each) are sorted, and a
//! second pass reads each person again by ID as its line is written.

use anyhow::{anyhow, Result};
use gufen_core::entity::Person;
use gufen_core::PersonId;
use gufen_ledger::Ledger;

/// The persons a listing holds, in its order.
pub struct Order<K> {
    listed: Vec<(K, PersonId)>,
}

impl<K: Ord> Order<K> {
    /// Every person of the projections for whom `pick` gives a key, ordered by that key and
    /// then by ID.
    pub fn pick(ledger: &Ledger, mut pick: impl FnMut(&Person) -> Option<K>) -> Result<Self> {
        let mut listed = Vec::new();
        for person in ledger.persons() {
            let person = person?;
            if let Some(key) = pick(&person) {
                listed.push((key, person.id));
            }
        }
        // Read in key order, the IDs are already in order within each listing key.
        listed.sort();
        Ok(Order { listed })
    }
}

impl<K> Order<K> {
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    /// Each listed person in order, read again from the projections.
    pub fn each(&self, ledger: &Ledger, each: &mut dyn FnMut(&Person) -> Result<()>) -> Result<()> {
        for (_, id) in &self.listed {
            let person = ledger.person(id)?.ok_or_else(|| {
                anyhow!(
                    "the projection of person {} went missing while it was listed",
                    id.masked()
                )
            })?;
            each(&person)?;
        }
        Ok(())
    }
}
