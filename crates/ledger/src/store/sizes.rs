//! What a ledger's trees hold, in bytes of keys and values as stored, beside which the store's
//! files show sled's own overhead (page headers, stale versions not yet reclaimed, snapshots).

use super::{Ledger, LedgerError};

/// The entries of one tree and the bytes of their keys and values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeBytes {
    pub entries: u64,
    pub key_bytes: u64,
    pub value_bytes: u64,
}

impl TreeBytes {
    pub fn total(&self) -> u64 {
        self.key_bytes + self.value_bytes
    }

    fn plus(self, other: TreeBytes) -> TreeBytes {
        TreeBytes {
            entries: self.entries + other.entries,
            key_bytes: self.key_bytes + other.key_bytes,
            value_bytes: self.value_bytes + other.value_bytes,
        }
    }

    fn of(tree: &sled::Tree) -> Result<Self, LedgerError> {
        let mut bytes = TreeBytes::default();
        for entry in tree.iter() {
            let (key, value) = entry?;
            bytes.entries += 1;
            bytes.key_bytes += key.len() as u64;
            bytes.value_bytes += value.len() as u64;
        }
        Ok(bytes)
    }
}

/// A ledger's bytes tree by tree: the records (the encoded record bytes), the stream index, the
/// projections, the hash tiles and the meta entries (head, command ids, settings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StorageSplit {
    pub records: TreeBytes,
    pub index: TreeBytes,
    pub projections: TreeBytes,
    pub tiles: TreeBytes,
    pub meta: TreeBytes,
}

impl StorageSplit {
    pub fn total(&self) -> u64 {
        [
            self.records,
            self.index,
            self.projections,
            self.tiles,
            self.meta,
        ]
        .iter()
        .map(TreeBytes::total)
        .sum()
    }
}

impl Ledger {
    /// The bytes each of the ledger's trees holds (every entry read once).
    pub fn storage_split(&self) -> Result<StorageSplit, LedgerError> {
        Ok(StorageSplit {
            records: TreeBytes::of(&self.records)?.plus(TreeBytes::of(&self.bundles)?),
            index: TreeBytes::of(&self.index)?,
            projections: TreeBytes::of(&self.projections)?,
            tiles: TreeBytes::of(&self.tiles)?,
            meta: TreeBytes::of(&self.meta)?,
        })
    }
}
