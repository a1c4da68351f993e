//! gufen-ledger: the event store. Owns sled and every stored byte: record encoding (bincode 2,
//! fixed configuration), the blake3 hash chain, the Merkle tree, projections and verification.

pub mod audit;
pub mod bundle;
pub mod checkpoint;
pub mod export;
pub mod merkle;
pub mod note;
pub mod progress;
pub mod publish;
pub mod record;
pub mod statement;
pub mod store;
pub mod tiles;
pub mod verify;
pub mod witness;

pub use record::{Hash, Record};
pub use store::{
    read_signer, ConsistencyProof, Context, Head, InclusionProof, Ledger, LedgerError, Outcome,
    Store, StoredRecord,
};
pub use verify::VerifyReport;

#[cfg(test)]
mod tests;
