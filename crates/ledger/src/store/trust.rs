//! What lets someone who does not trust the store's keeper check the ledger: the Merkle tree's
//! hash tiles (kept with every append, so a proof costs O(log n) reads), the checkpoint file
//! outside sled (written after every append, checked on every open), signing, and proofs.

use super::{corrupt, head_file, Head, Ledger, LedgerError};
use crate::checkpoint::{self, note_body, Checkpoint};
use crate::merkle::{self, Blake3Hasher, MerkleHasher};
use crate::note::{self, Signer};
use crate::record::Hash;
use crate::tiles::{self, TileBuilder, TileNodes, TileRead};
use std::path::{Path, PathBuf};

const SIGNING_KEY: &[u8] = b"config/signing-key";
/// Set in sled with every append: the store keeps a checkpoint file, so its absence is damage.
pub(super) const CHECKPOINT_KEPT: &[u8] = b"checkpoint-file";

/// The stored tiles of one ledger, read through sled.
pub(crate) struct StoredTiles<'a>(&'a sled::Tree);

fn tile_key(level: u8, index: u64) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = level;
    key[1..].copy_from_slice(&index.to_be_bytes());
    key
}

impl TileRead for StoredTiles<'_> {
    type Error = LedgerError;
    fn tile(&self, level: u8, index: u64) -> Result<Vec<Hash>, LedgerError> {
        let Some(bytes) = self.0.get(tile_key(level, index))? else {
            return Ok(Vec::new());
        };
        if bytes.len() % 32 != 0 || bytes.len() > 32 * usize::from(tiles::TILE_WIDTH) {
            return Err(corrupt(
                None,
                format!("hash tile {level}/{index} is {} bytes", bytes.len()),
            ));
        }
        Ok(bytes
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32 bytes"))
            .collect())
    }
}

fn tile_error(e: impl std::fmt::Display) -> LedgerError {
    corrupt(None, format!("the Merkle tree's hash tiles: {e}"))
}

/// What a proof request asks that the tree cannot answer (a size beyond the head, seq past it).
fn proof_refused(e: impl std::fmt::Display) -> LedgerError {
    LedgerError::Refused(e.to_string())
}

/// An inclusion proof: record `seq`'s leaf hash, its audit path, and the root of the tree of
/// `size` records it leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    pub seq: u64,
    pub size: u64,
    pub record_hash: Hash,
    pub leaf_hash: Hash,
    pub proof: Vec<Hash>,
    pub root: Hash,
}

/// A consistency proof between the trees of `from` and `to` records, with both roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<Hash>,
    pub from_root: Hash,
    pub to_root: Hash,
}

impl Ledger {
    pub(crate) fn stored_tiles(&self) -> StoredTiles<'_> {
        StoredTiles(&self.tiles)
    }

    /// Writes the tiles that change when records with `hashes` follow the first `size` records.
    /// Like records, tiles past the head are invisible until the head moves: every read cuts a
    /// tile to the width the head implies.
    pub(super) fn write_tiles(&self, size: u64, hashes: &[Hash]) -> Result<(), LedgerError> {
        let leaves: Vec<Hash> = hashes.iter().map(|h| Blake3Hasher.leaf(h)).collect();
        let writes = TileBuilder::new(Blake3Hasher)
            .append(&self.stored_tiles(), size, &leaves)
            .map_err(tile_error)?;
        for (level, index, hashes) in writes {
            self.tiles.insert(tile_key(level, index), hashes.concat())?;
        }
        Ok(())
    }

    /// Rebuilds every tile from the records (a store written before tiles were kept).
    fn rebuild_tiles(&self, head: &Head) -> Result<(), LedgerError> {
        self.tiles.clear()?;
        let mut size = 0;
        while size < head.seq_next {
            let to = (size + 65_536).min(head.seq_next);
            let hashes: Vec<Hash> = self.read_range(size, to)?.iter().map(|r| r.hash).collect();
            self.write_tiles(size, &hashes)?;
            size = to;
        }
        self.durability.make_durable()
    }

    /// The Merkle root of the first `size` records, from the tiles (O(log n) reads).
    pub fn root_at(&self, size: u64) -> Result<Hash, LedgerError> {
        let nodes = TileNodes::new(self.stored_tiles(), Blake3Hasher, size);
        merkle::root(&Blake3Hasher, &nodes, size).map_err(tile_error)
    }

    /// Tile `index` of tile-level `level` as the tree at the head has it: full, partial, or
    /// empty when the tree has no such tile.
    pub fn tile(&self, level: u8, index: u64) -> Result<Vec<Hash>, LedgerError> {
        let head = self.head()?;
        let width = usize::from(tiles::tile_width(head.seq_next, level, index));
        let mut hashes = self.stored_tiles().tile(level, index)?;
        if hashes.len() < width {
            return Err(tile_error(format!(
                "tile {level}/{index} holds {} hashes, the tree needs {width}",
                hashes.len()
            )));
        }
        hashes.truncate(width);
        Ok(hashes)
    }

    /// The proof that record `seq` is in the tree of the first `size` records (the head when
    /// None).
    pub fn inclusion_proof(
        &self,
        seq: u64,
        size: Option<u64>,
    ) -> Result<InclusionProof, LedgerError> {
        let head = self.head()?;
        let size = size.unwrap_or(head.seq_next);
        if size > head.seq_next {
            return Err(proof_refused(format!(
                "the ledger has {} records; there is no tree of {size}",
                head.seq_next
            )));
        }
        if seq >= size {
            return Err(proof_refused(format!(
                "record {seq} is not in the tree of the first {size} records"
            )));
        }
        let nodes = TileNodes::new(self.stored_tiles(), Blake3Hasher, size);
        let proof =
            merkle::inclusion_proof(&Blake3Hasher, &nodes, seq, size).map_err(tile_error)?;
        let record_hash = self
            .read_range(seq, seq + 1)?
            .first()
            .map(|r| r.hash)
            .ok_or_else(|| corrupt(Some(seq), "the record is missing"))?;
        let leaf_hash = Blake3Hasher.leaf(&record_hash);
        let root = merkle::root(&Blake3Hasher, &nodes, size).map_err(tile_error)?;
        merkle::verify_inclusion(&Blake3Hasher, seq, size, &leaf_hash, &proof, &root).map_err(
            |e| {
                corrupt(
                    Some(seq),
                    format!("the tiles do not hold the record's hash: {e}"),
                )
            },
        )?;
        Ok(InclusionProof {
            seq,
            size,
            record_hash,
            leaf_hash,
            proof,
            root,
        })
    }

    /// The proof that the tree of `from` records is a prefix of the tree of `to` (the head when
    /// None).
    pub fn consistency_proof(
        &self,
        from: u64,
        to: Option<u64>,
    ) -> Result<ConsistencyProof, LedgerError> {
        let head = self.head()?;
        let to = to.unwrap_or(head.seq_next);
        if to > head.seq_next {
            return Err(proof_refused(format!(
                "the ledger has {} records; there is no tree of {to}",
                head.seq_next
            )));
        }
        if from == 0 || from > to {
            return Err(proof_refused(format!(
                "a consistency proof runs from a tree of 1 to {to} records to one of {to}; {from} is outside that"
            )));
        }
        let nodes = TileNodes::new(self.stored_tiles(), Blake3Hasher, to);
        let proof =
            merkle::consistency_proof(&Blake3Hasher, &nodes, from, to).map_err(tile_error)?;
        Ok(ConsistencyProof {
            from,
            to,
            proof,
            from_root: self.root_at(from)?,
            to_root: self.root_at(to)?,
        })
    }

    /// This ledger's checkpoint of its first `size` records (unsigned).
    pub fn checkpoint_at(&self, size: u64) -> Result<Checkpoint, LedgerError> {
        Ok(Checkpoint::new(
            checkpoint::origin(self.id()),
            size,
            self.root_at(size)?,
        ))
    }

    fn checkpoint_path(&self) -> PathBuf {
        head_file::path(&self.path, self.id())
    }

    /// The latest checkpoint note as kept beside the store: the body, the ledger's signature
    /// when a key signed it, and the witnesses' cosignatures added to it.
    pub fn checkpoint_note(&self) -> Result<String, LedgerError> {
        let head = self.head()?;
        match head_file::read(&self.checkpoint_path())? {
            Some(text) => Ok(text),
            None => Ok(self.checkpoint_at(head.seq_next)?.body()),
        }
    }

    /// Writes the checkpoint of the first `size` records to the checkpoint file, signed by
    /// `signer` when there is one.
    pub(super) fn write_checkpoint_file(
        &self,
        size: u64,
        signer: Option<&Signer>,
    ) -> Result<(), LedgerError> {
        let body = self.checkpoint_at(size)?.body();
        let text = match signer {
            Some(signer) => {
                note::sign(&body, &[signer]).map_err(|e| LedgerError::Refused(e.to_string()))?
            }
            None => body,
        };
        if signer.is_none() {
            // An unsigned checkpoint replaces a signed one: keep the signed note (with its
            // cosignatures) as the latest signed checkpoint, which exports and statements use.
            if let Some(current) = head_file::read(&self.checkpoint_path())? {
                let kept_size = head_file::read(&self.signed_path())?
                    .and_then(|kept| Checkpoint::parse(note_body(&kept)).ok())
                    .map(|kept| kept.size);
                let current_size = Checkpoint::parse(note_body(&current)).ok().map(|c| c.size);
                // Never replace a later signed checkpoint with an earlier one.
                if is_signed(&current) && current_size >= kept_size {
                    head_file::write_atomic(&self.signed_path(), &current)?;
                }
            }
        }
        head_file::write_atomic(&self.checkpoint_path(), &text)?;
        Ok(())
    }

    fn signed_path(&self) -> PathBuf {
        let mut path = self.checkpoint_path().into_os_string();
        path.push(".signed");
        PathBuf::from(path)
    }

    /// The latest checkpoint note the ledger's key signed, with the cosignatures added to it:
    /// the current one when it is signed, otherwise the one kept when an unsigned checkpoint
    /// replaced it. None when no checkpoint was ever signed.
    pub fn signed_checkpoint_note(&self) -> Result<Option<String>, LedgerError> {
        let current = self.checkpoint_note()?;
        if is_signed(&current) {
            return Ok(Some(current));
        }
        Ok(head_file::read(&self.signed_path())?.filter(|kept| is_signed(kept)))
    }

    /// The kept signed checkpoint against the records (what `verify` adds to the open's check of
    /// the current one): a kept note of another size or root would make exports and statements
    /// prove against records this ledger does not hold.
    pub(crate) fn check_signed_checkpoint(
        &self,
        head: &Head,
    ) -> Result<Option<String>, LedgerError> {
        let path = self.signed_path();
        let Some(kept) = head_file::read(&path)? else {
            return Ok(None);
        };
        let name = path.display();
        let Ok(kept) = Checkpoint::parse(note_body(&kept)) else {
            return Ok(Some(format!(
                "the latest signed checkpoint {name} does not parse"
            )));
        };
        let agrees = kept.origin == checkpoint::origin(self.id())
            && kept.size <= head.seq_next
            && self.root_at(kept.size)? == kept.root;
        Ok((!agrees).then(|| {
            format!(
                "the latest signed checkpoint {name} ({} records) is not of this ledger's records: it was changed or belongs elsewhere",
                kept.size
            )
        }))
    }

    /// Signs the current checkpoint with `signer` and keeps the signed note (with any
    /// cosignatures already on it) as the ledger's checkpoint.
    pub fn sign_checkpoint(&self, signer: &Signer) -> Result<String, LedgerError> {
        let _guard = self.lock.lock().expect("append lock");
        let current = self.checkpoint_note()?;
        let signed = note::sign(note_body(&current), &[signer])
            .map_err(|e| LedgerError::Refused(e.to_string()))?;
        let merged = if current.contains("\n\n") {
            note::merge(signed.as_bytes(), current.as_bytes())
                .map_err(|e| LedgerError::Refused(e.to_string()))?
        } else {
            signed
        };
        head_file::write_atomic(&self.checkpoint_path(), &merged)?;
        Ok(merged)
    }

    /// Adds `witness`'s cosignature from `cosigned` (a note as the witness returns it) to the
    /// ledger's checkpoint over the same body: the current one, or the latest signed one if the
    /// witness cosigned that. The line is verified first, so a line that does not verify never
    /// joins the note (it would make every later audit requiring that witness fail); lines of
    /// other keys in `cosigned` are not taken.
    pub fn add_cosignatures(
        &self,
        cosigned: &str,
        witness: &note::Verifier,
    ) -> Result<String, LedgerError> {
        let _guard = self.lock.lock().expect("append lock");
        let refused = LedgerError::Refused;
        let offered = note::Note::parse(cosigned.as_bytes())
            .map_err(|e| refused(format!("the cosigned note: {e}")))?;
        let body = offered.text.clone();
        let Some(line) = offered
            .signatures
            .iter()
            .find(|line| witness.matches(&line.name, line.key_id))
            .map(|line| line.line())
        else {
            return Err(refused(format!(
                "the cosigned note has no line from the witness {}",
                witness.name()
            )));
        };
        checkpoint::verify_cosignature(witness, &body, &line).map_err(|e| {
            refused(format!(
                "the cosignature of {} does not verify over this checkpoint: {e}",
                witness.name()
            ))
        })?;
        let current = self.checkpoint_note()?;
        let target = if note_body(&current) == body {
            self.checkpoint_path()
        } else {
            match head_file::read(&self.signed_path())? {
                Some(kept) if note_body(&kept) == body => self.signed_path(),
                _ => {
                    return Err(refused(
                        "the cosigned note is not over the ledger's current or latest signed checkpoint (another size or root)".into(),
                    ))
                }
            }
        };
        let existing = head_file::read(&target)?.unwrap_or_default();
        if !is_signed(&existing) {
            return Err(refused(
                "the ledger's checkpoint is not signed yet: sign it (`gufen checkpoint --sign KEY`) before adding cosignatures".into(),
            ));
        }
        let merged = checkpoint::add_cosignatures(existing.as_bytes(), &[line.as_str()])
            .map_err(|e| refused(e.to_string()))?;
        head_file::write_atomic(&target, &merged)?;
        Ok(merged)
    }

    /// Puts back a checkpoint file that was lost (or one that no longer agrees with the store),
    /// from a copy of it or any earlier checkpoint of this ledger (an export's, a witness's).
    /// Only its body is written: the store is checked against its size and root on the next
    /// open, as after every append, and signatures nobody checks here never become the ledger's
    /// signed checkpoint. A file it replaces is kept beside it as `<code>.replaced`. Returns the
    /// restored checkpoint.
    pub fn restore_checkpoint_file(
        store: &Path,
        ledger_id: &str,
        text: &str,
        replace: bool,
    ) -> Result<Checkpoint, LedgerError> {
        let parsed = Checkpoint::parse(note_body(text))
            .map_err(|e| LedgerError::Refused(format!("not a checkpoint: {e}")))?;
        if parsed.origin != checkpoint::origin(ledger_id) {
            return Err(LedgerError::Refused(format!(
                "the checkpoint is for {:?}, not this collective",
                parsed.origin
            )));
        }
        let path = head_file::path(store, ledger_id);
        if path.exists() {
            if !replace {
                return Err(LedgerError::Refused(format!(
                    "{} exists and agrees with the store; only a lost or failing checkpoint file is restored",
                    path.display()
                )));
            }
            let mut aside = path.clone().into_os_string();
            aside.push(".replaced");
            std::fs::rename(&path, aside)?;
        }
        head_file::write_atomic(&path, &parsed.body())?;
        Ok(parsed)
    }

    /// Every append signs its checkpoint with the key in this file from now on (None: stop).
    /// The file is read now, so a key that cannot be used is refused here.
    pub fn set_signing_key(&self, path: Option<&Path>) -> Result<(), LedgerError> {
        match path {
            None => {
                self.meta.remove(SIGNING_KEY)?;
            }
            Some(path) => {
                let path = std::fs::canonicalize(path).map_err(|e| {
                    LedgerError::Refused(format!("the key file {}: {e}", path.display()))
                })?;
                read_signer(&path)?;
                let text = path.to_str().ok_or_else(|| {
                    LedgerError::Refused("the key file's path is not UTF-8".into())
                })?;
                self.meta.insert(SIGNING_KEY, text.as_bytes())?;
            }
        }
        self.durability.make_durable()
    }

    /// The key file every append signs with, if one is set.
    pub fn signing_key(&self) -> Result<Option<PathBuf>, LedgerError> {
        Ok(self
            .meta
            .get(SIGNING_KEY)?
            .map(|bytes| PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())))
    }

    pub(super) fn signer(&self) -> Result<Option<Signer>, LedgerError> {
        self.signing_key()?
            .map(|path| read_signer(&path))
            .transpose()
    }

    /// On open: the checkpoint file (written after every append) against sled's head. sled
    /// behind it, or holding other records at its size, is an integrity failure naming what is
    /// missing; sled ahead of it by an append that crashed before writing the file is brought
    /// up to date once its older root is confirmed.
    pub(super) fn check_checkpoint_file(&self, head: Head) -> Result<(), LedgerError> {
        if head.seq_next > 0 && self.tiles.is_empty() {
            self.rebuild_tiles(&head)?;
        }
        let path = self.checkpoint_path();
        let text = head_file::read(&path).map_err(|e| {
            corrupt(
                None,
                format!("the checkpoint file {} is damaged: {e}; move it aside and put back a copy with `gufen checkpoint --restore FILE`", path.display()),
            )
        })?;
        let Some(text) = text else {
            if head.seq_next == 0 {
                return Ok(());
            }
            if self.meta.contains_key(CHECKPOINT_KEPT)? {
                return Err(corrupt(
                    None,
                    format!(
                        "the checkpoint file {} is missing: it is written after every append, so without it the store cannot show that it still holds every acknowledged record; put back the latest checkpoint you have (a copy of the file, an export's `checkpoint`, the witness's) with `gufen checkpoint --restore FILE`",
                        path.display()
                    ),
                ));
            }
            // A store from before checkpoint files were kept: start one now.
            self.write_checkpoint_file(head.seq_next, None)?;
            self.meta.insert(CHECKPOINT_KEPT, &[1u8][..])?;
            return Ok(());
        };
        let file = Checkpoint::parse(note_body(&text)).map_err(|e| {
            corrupt(
                None,
                format!("the checkpoint file {} is damaged: {e}; move it aside and put back a copy with `gufen checkpoint --restore FILE`", path.display()),
            )
        })?;
        if file.origin != checkpoint::origin(self.id()) {
            return Err(corrupt(
                None,
                format!(
                    "the checkpoint file {} is for {:?}, not this ledger",
                    path.display(),
                    file.origin
                ),
            ));
        }
        if file.size > head.seq_next {
            return Err(corrupt(
                Some(head.seq_next),
                format!(
                    "the store holds {} records but its checkpoint (written after every append) says {}: records {} to {} were acknowledged and are missing from the store's data files; restore the store from a copy",
                    head.seq_next,
                    file.size,
                    head.seq_next,
                    file.size - 1
                ),
            ));
        }
        let root = self.root_at(file.size).map_err(|e| {
            corrupt(
                None,
                format!("the store cannot give the root its checkpoint names: {e}"),
            )
        })?;
        if root != file.root {
            return Err(corrupt(
                None,
                format!(
                    "the store's first {} records are not the records its checkpoint signs (another Merkle root): the store's data files are damaged or were rewritten",
                    file.size
                ),
            ));
        }
        if file.size < head.seq_next {
            // The last append was made durable in sled and its process stopped before the file
            // was written; the older checkpoint is a prefix of the tree, so the append stands.
            self.write_checkpoint_file(head.seq_next, self.signer().ok().flatten().as_ref())?;
        }
        Ok(())
    }
}

/// Whether a checkpoint note carries signature lines (a body alone carries none).
fn is_signed(note: &str) -> bool {
    note.contains("\n\n")
}

/// The signer in a key file (C2SP skey text).
pub fn read_signer(path: &Path) -> Result<Signer, LedgerError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        LedgerError::Refused(format!(
            "the key file {} cannot be read: {e}",
            path.display()
        ))
    })?;
    Signer::from_skey(text.trim())
        .map_err(|e| LedgerError::Refused(format!("{} is not a signing key: {e}", path.display())))
}
