//! `gufen proof`: RFC 9162 inclusion and consistency proofs over the ledger's blake3 Merkle
//! tree, read from the stored hash tiles (O(log n) reads).

use crate::app::App;
use crate::document::trust::{b64, ConsistencyDoc, InclusionDoc};
use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum ProofCommand {
    /// Record N is in the tree of the first M records (the head by default).
    Inclusion {
        #[arg(long, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
        seq: u64,
        #[arg(long, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
        size: Option<u64>,
    },
    /// The tree of the first M records is a prefix of the tree of N (the head by default).
    Consistency {
        #[arg(long, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
        from: u64,
        #[arg(long, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
        to: Option<u64>,
    },
}

pub fn run(app: &mut App, command: ProofCommand) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let all = |hashes: &[[u8; 32]]| hashes.iter().map(|h| b64(h)).collect();
    match command {
        ProofCommand::Inclusion { seq, size } => {
            let proof = ledger.inclusion_proof(seq, size)?;
            app.render(&InclusionDoc {
                seq: proof.seq,
                size: proof.size,
                record_hash: b64(&proof.record_hash),
                leaf_hash: b64(&proof.leaf_hash),
                root: b64(&proof.root),
                proof: all(&proof.proof),
            })
        }
        ProofCommand::Consistency { from, to } => {
            let proof = ledger.consistency_proof(from, to)?;
            app.render(&ConsistencyDoc {
                from: proof.from,
                to: proof.to,
                from_root: b64(&proof.from_root),
                to_root: b64(&proof.to_root),
                proof: all(&proof.proof),
            })
        }
    }
}
