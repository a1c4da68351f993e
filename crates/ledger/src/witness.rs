//! A witness: a party outside the collective (the township) that cosigns the ledger's
//! checkpoints only after checking that each one extends the last one it cosigned.
//!
//! The point of a witness is that the keeper cannot show two different histories to two
//! audiences: once the township has cosigned a checkpoint of size m, it cosigns a later one of
//! size n only with a consistency proof that the first m records are unchanged. A checkpoint
//! that does not extend the remembered one (smaller = rollback, same size and another root,
//! or a proof that fails) is refused, and both signed notes are kept as evidence: two
//! checkpoints signed by the log's key that cannot both be true are proof of a fork that anyone
//! holding the log's vkey can check.
//!
//! The witness's state is one file per origin in its state directory, holding the last note it
//! cosigned (with its own cosignature), written atomically so a crash leaves the old or the new
//! checkpoint, never a torn one (a torn state would make the next cosign fail or, worse, start
//! afresh). Fork evidence goes to `forks/` under the same directory.
//!
//! The consistency proof comes from an untrusted source (the keeper's store or an audit
//! bundle); it is checked against the two roots the witness holds, so a wrong source can only
//! make the witness refuse, never make it cosign.

use crate::bundle::{BundleFiles, BundleTiles, Directory};
use crate::checkpoint::{self, Checkpoint, CheckpointError, SignedCheckpoint};
use crate::merkle::{self, Blake3Hasher};
use crate::note::{Note, Signer, Verifier};
use crate::record::Hash;
use crate::store::head_file;
use crate::tiles::TileNodes;
use std::path::{Path, PathBuf};

/// The directory under the state directory that holds fork evidence.
pub const FORKS_DIRECTORY: &str = "forks";

/// Why a witness did not cosign.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    /// The offered note is not a checkpoint signed by the log's key.
    #[error("the checkpoint is not signed by the log key: {0}")]
    Signature(#[from] CheckpointError),
    /// The checkpoint does not extend the one this witness cosigned last: a fork or rollback.
    /// Both notes were written to `evidence`.
    #[error("{reason}; both checkpoints are kept as fork evidence in {}", evidence.display())]
    Inconsistent { reason: String, evidence: PathBuf },
    /// The source could not give a consistency proof (nothing was decided about the log).
    #[error("the proof source cannot give a consistency proof from {from} to {to}: {why}")]
    Source { from: u64, to: u64, why: String },
    /// The witness's own state is unreadable or unwritable.
    #[error("witness state {}: {why}", path.display())]
    State { path: PathBuf, why: String },
}

/// Where consistency proofs come from. The answer is not trusted: the witness verifies it.
pub trait ProofSource {
    /// The hashes of the RFC 9162 consistency proof from the tree of `from` records to the
    /// tree of `to` records of the log named by `origin`.
    fn consistency(&self, origin: &str, from: u64, to: u64) -> Result<Vec<Hash>, String>;
}

/// A gufen store directory. Opening it is an ordinary open (never a create), so the store's
/// recovery may run; the proof itself writes nothing.
pub struct StoreSource(pub PathBuf);

impl ProofSource for StoreSource {
    fn consistency(&self, origin: &str, from: u64, to: u64) -> Result<Vec<Hash>, String> {
        let code = checkpoint::origin_code(origin)
            .ok_or_else(|| format!("{origin:?} is not a gufen ledger origin"))?;
        let store = crate::Store::open(&self.0, false).map_err(|e| e.to_string())?;
        let ledger = store.ledger(code).map_err(|e| e.to_string())?;
        let proof = ledger
            .consistency_proof(from, Some(to))
            .map_err(|e| e.to_string())?;
        Ok(proof.proof)
    }
}

/// An audit bundle (C2SP tlog-tiles layout: `checkpoint` and `tile/<L>/<N>`): a directory
/// ([`crate::bundle::Directory`]) or a mirror of one in object storage. Only the tiles the proof
/// needs are read.
pub struct BundleSource<F>(pub F);

impl<F: BundleFiles> ProofSource for BundleSource<F> {
    fn consistency(&self, _origin: &str, from: u64, to: u64) -> Result<Vec<Hash>, String> {
        let tiles = BundleTiles::new(&self.0, to);
        let nodes = TileNodes::new(tiles, Blake3Hasher, to);
        merkle::consistency_proof(&Blake3Hasher, &nodes, from, to).map_err(|e| e.to_string())
    }
}

/// The source a directory holds: a store has sled's `conf` file, a bundle a `checkpoint` file
/// and a `tile/` directory. None when it is neither.
pub fn source_at(dir: &Path) -> Option<Box<dyn ProofSource>> {
    if dir.join("conf").is_file() {
        Some(Box::new(StoreSource(dir.to_path_buf())))
    } else if dir.join(crate::export::CHECKPOINT_FILE).is_file() && dir.join("tile").is_dir() {
        Some(Box::new(BundleSource(Directory(dir.to_path_buf()))))
    } else {
        None
    }
}

/// The outcome of a cosigning.
#[derive(Debug, Clone)]
pub struct Cosigned {
    pub checkpoint: Checkpoint,
    /// The offered note with this witness's cosignature line added.
    pub note: String,
    /// The cosignature line (without newline), for keepers who merge lines themselves.
    pub line: String,
    /// The size of the checkpoint cosigned before, if any (the consistency proof ran from it).
    pub previous_size: Option<u64>,
    pub timestamp: u64,
}

/// A witness: its cosigning key, the log key it requires, and its state directory.
pub struct Witness<'a> {
    pub signer: &'a Signer,
    pub log: &'a Verifier,
    pub state: PathBuf,
}

/// The state file name of an origin: every byte outside `[A-Za-z0-9.-]` written as `_XX`
/// (hex), so `/` cannot make a path, `..` cannot escape, and two origins never share a file.
pub fn state_file_name(origin: &str) -> String {
    let mut name = String::with_capacity(origin.len());
    for byte in origin.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || (byte == b'.' && !name.is_empty()) {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("_{byte:02X}"));
        }
    }
    name
}

impl Witness<'_> {
    /// The file holding the last note cosigned for `origin`.
    pub fn state_path(&self, origin: &str) -> PathBuf {
        self.state.join(state_file_name(origin))
    }

    fn state_error(path: &Path, why: impl std::fmt::Display) -> WitnessError {
        WitnessError::State {
            path: path.to_path_buf(),
            why: why.to_string(),
        }
    }

    /// The last checkpoint cosigned for `origin` and its note, if any.
    pub fn latest(&self, origin: &str) -> Result<Option<(Checkpoint, String)>, WitnessError> {
        let path = self.state_path(origin);
        let Some(text) = head_file::read(&path).map_err(|e| Self::state_error(&path, e))? else {
            return Ok(None);
        };
        let body = Note::parse(text.as_bytes()).map_err(|e| Self::state_error(&path, e))?;
        let checkpoint = Checkpoint::parse(&body.text).map_err(|e| Self::state_error(&path, e))?;
        if checkpoint.origin != origin {
            return Err(Self::state_error(
                &path,
                format!("holds a checkpoint of {:?}", checkpoint.origin),
            ));
        }
        Ok(Some((checkpoint, text)))
    }

    /// Checks `note` (signature by the log key, consistency with the last checkpoint cosigned
    /// for its origin, proof from `source`), cosigns it at `timestamp` and remembers it.
    pub fn cosign(
        &self,
        note: &str,
        source: &dyn ProofSource,
        timestamp: u64,
    ) -> Result<Cosigned, WitnessError> {
        let opened = SignedCheckpoint::open(note.as_bytes(), self.log, &[])?;
        let offered = opened.checkpoint;
        let previous = self.latest(&offered.origin)?;
        if let Some((old, old_note)) = &previous {
            if let Err(reason) = extends(old, &offered, source) {
                let (reason, proof) = match reason {
                    Refusal::Fork(reason, proof) => (reason, proof),
                    Refusal::Source { from, to, why } => {
                        return Err(WitnessError::Source { from, to, why })
                    }
                };
                let evidence = self.keep_fork(old, old_note, &offered, note, &reason, &proof)?;
                return Err(WitnessError::Inconsistent { reason, evidence });
            }
        }
        let line = checkpoint::cosign(self.signer, &offered.body(), timestamp)?;
        let cosigned = checkpoint::add_cosignatures(note.as_bytes(), &[&line])
            .map_err(CheckpointError::from)?;
        let path = self.state_path(&offered.origin);
        head_file::write_atomic(&path, &cosigned).map_err(|e| Self::state_error(&path, e))?;
        Ok(Cosigned {
            checkpoint: offered,
            note: cosigned,
            line,
            previous_size: previous.map(|(old, _)| old.size),
            timestamp,
        })
    }

    /// Writes both notes of a fork to `forks/<origin>-<old size>-<new size>-<8 hex>.txt`
    /// (the hex from the offered body, so two different forks at the same sizes both stay).
    fn keep_fork(
        &self,
        old: &Checkpoint,
        old_note: &str,
        offered: &Checkpoint,
        offered_note: &str,
        reason: &str,
        proof: &[Hash],
    ) -> Result<PathBuf, WitnessError> {
        let tag = crate::record::hex(&blake3::hash(offered.body().as_bytes()).as_bytes()[..4]);
        let path = self.state.join(FORKS_DIRECTORY).join(format!(
            "{}-{}-{}-{tag}.txt",
            state_file_name(&old.origin),
            old.size,
            offered.size
        ));
        let text = fork_evidence(old_note, offered_note, &old.origin, reason, proof);
        head_file::write_atomic(&path, &text).map_err(|e| Self::state_error(&path, e))?;
        Ok(path)
    }
}

/// The text of a fork evidence file: a header, then the two notes exactly as signed, each
/// after a marker line, so each can be cut out and opened with the log's vkey; then, when the
/// refusal was a proof that did not verify, that proof (base64 hashes, one a line).
pub fn fork_evidence(
    old_note: &str,
    offered_note: &str,
    origin: &str,
    reason: &str,
    proof: &[Hash],
) -> String {
    let mut text = format!(
        "gufen witness fork evidence\norigin: {origin}\nreason: {reason}\n\n\
         --- checkpoint cosigned earlier ---\n{old_note}\
         --- checkpoint offered now ---\n{offered_note}"
    );
    if !proof.is_empty() {
        use base64::Engine as _;
        text.push_str("--- consistency proof the source gave (it does not verify) ---\n");
        for hash in proof {
            text.push_str(&base64::engine::general_purpose::STANDARD.encode(hash));
            text.push('\n');
        }
    }
    text
}

enum Refusal {
    /// Why, and the consistency proof the source gave when it is a proof that failed.
    Fork(String, Vec<Hash>),
    Source {
        from: u64,
        to: u64,
        why: String,
    },
}

/// Whether `new` extends `old`: m ≤ n, equal roots when m = n, else a verified proof.
fn extends(old: &Checkpoint, new: &Checkpoint, source: &dyn ProofSource) -> Result<(), Refusal> {
    let (m, n) = (old.size, new.size);
    if n < m {
        return Err(Refusal::Fork(
            format!("rollback: the checkpoint has {n} records, fewer than the {m} cosigned before"),
            Vec::new(),
        ));
    }
    if n == m {
        return if old.root == new.root {
            Ok(())
        } else {
            Err(Refusal::Fork(
                format!(
                    "fork: a checkpoint of {n} records with another root than the one cosigned before"
                ),
                Vec::new(),
            ))
        };
    }
    if m == 0 {
        // The empty tree is a prefix of every tree; RFC 9162 has no proof for it.
        return Ok(());
    }
    let proof = source
        .consistency(&new.origin, m, n)
        .map_err(|why| Refusal::Source {
            from: m,
            to: n,
            why,
        })?;
    merkle::verify_consistency(&Blake3Hasher, m, n, &proof, &old.root, &new.root).map_err(|e| {
        Refusal::Fork(
            format!("fork: the consistency proof from {m} to {n} records does not verify ({e})"),
            proof.clone(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Vec<Hash>);
    impl ProofSource for Fixed {
        fn consistency(&self, _: &str, _: u64, _: u64) -> Result<Vec<Hash>, String> {
            Ok(self.0.clone())
        }
    }

    fn leaves(n: u8) -> Vec<Hash> {
        (0..n)
            .map(|i| merkle::MerkleHasher::leaf(&Blake3Hasher, &[i; 32]))
            .collect()
    }

    fn root(leaves: &[Hash], size: u64) -> Hash {
        let source = merkle::LeafHashes::new(&Blake3Hasher, leaves);
        merkle::root(&Blake3Hasher, &source, size).unwrap()
    }

    #[test]
    fn names_are_safe_and_distinct() {
        assert_eq!(
            state_file_name("gufen/N2410183MF0000001Y/blake3"),
            "gufen_2FN2410183MF0000001Y_2Fblake3"
        );
        assert_eq!(state_file_name(".."), "_2E.");
        assert_ne!(state_file_name("a/b"), state_file_name("a_2Fb"));
    }

    #[test]
    fn cosigns_extensions_and_refuses_forks() {
        let dir = tempfile::tempdir().unwrap();
        let log = Signer::generate("log").unwrap();
        let witness_key = Signer::generate("township").unwrap();
        let log_verifier = Verifier::new(&log.vkey()).unwrap();
        let witness = Witness {
            signer: &witness_key,
            log: &log_verifier,
            state: dir.path().to_path_buf(),
        };
        let all = leaves(7);
        let origin = checkpoint::origin("N2410183MF0000001Y");
        let note = |size: u64, root: Hash| {
            Checkpoint::new(origin.clone(), size, root)
                .sign(&log)
                .unwrap()
        };
        let first = witness
            .cosign(&note(3, root(&all, 3)), &Fixed(vec![]), 10)
            .unwrap();
        assert_eq!(first.previous_size, None);
        let cosigner = Verifier::cosigner(&witness_key.cosigner_vkey()).unwrap();
        let opened =
            SignedCheckpoint::open(first.note.as_bytes(), &log_verifier, &[cosigner]).unwrap();
        assert_eq!(opened.cosigned_by("township"), Some(10));

        let nodes = merkle::LeafHashes::new(&Blake3Hasher, &all);
        let proof = merkle::consistency_proof(&Blake3Hasher, &nodes, 3, 7).unwrap();
        let second = witness
            .cosign(&note(7, root(&all, 7)), &Fixed(proof.clone()), 11)
            .unwrap();
        assert_eq!(second.previous_size, Some(3));

        // Rollback, same size other root, bad proof: refused with evidence.
        for (size, r, proof) in [
            (5, root(&all, 5), vec![]),
            (7, root(&all, 6), vec![]),
            (8, [9u8; 32], proof),
        ] {
            let given = !proof.is_empty();
            match witness.cosign(&note(size, r), &Fixed(proof), 12) {
                Err(WitnessError::Inconsistent { evidence, .. }) => {
                    let text = std::fs::read_to_string(evidence).unwrap();
                    assert!(text.contains(&note(size, r)));
                    assert!(text.contains(&second.note));
                    // The proof that failed is kept with the notes.
                    assert_eq!(text.contains("consistency proof the source gave"), given);
                }
                other => panic!("{other:?}"),
            }
        }
        // The state still holds the checkpoint of 7.
        assert_eq!(witness.latest(&origin).unwrap().unwrap().0.size, 7);

        // Another key's signature is refused.
        let other = Signer::generate("log").unwrap();
        let forged = Checkpoint::new(origin.clone(), 7, root(&all, 7))
            .sign(&other)
            .unwrap();
        assert!(matches!(
            witness.cosign(&forged, &Fixed(vec![]), 13),
            Err(WitnessError::Signature(_))
        ));
    }
}
