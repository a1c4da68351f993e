//! `gufen checkpoint`: the ledger's latest checkpoint (C2SP tlog-checkpoint over the blake3
//! Merkle tree), kept beside the store after every append; `--sign KEY` signs it and keeps the
//! signed note; `--add-cosignature FILE` adds a witness's cosignature to it.

use crate::app::App;
use crate::document::trust::{b64, CheckpointDoc};
use anyhow::{Context as _, Result};
use clap::Args;
use gufen_ledger::checkpoint::Checkpoint;
use gufen_ledger::note::Note;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CheckpointArgs {
    /// Sign the current checkpoint with this key file (from `gufen key generate`) and keep it.
    #[arg(long, value_name = "KEY_FILE")]
    sign: Option<PathBuf>,
    /// Add the cosignature lines of this note (from `gufen witness cosign`) to the checkpoint.
    #[arg(long, value_name = "NOTE_FILE")]
    add_cosignature: Option<PathBuf>,
}

pub fn run(app: &mut App, args: CheckpointArgs) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let signer = args
        .sign
        .as_deref()
        .map(gufen_ledger::read_signer)
        .transpose()?;
    let cosigned = args
        .add_cosignature
        .as_ref()
        .map(|path| {
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
        })
        .transpose()?;
    let mut note = ledger.checkpoint_note()?;
    if let Some(signer) = &signer {
        note = ledger.sign_checkpoint(signer)?;
    }
    if let Some(cosigned) = &cosigned {
        note = ledger.add_cosignatures(cosigned)?;
    }
    let document = checkpoint_document(&note)?;
    app.render(&document)
}

/// The document of a checkpoint note: its body's fields and the names on its signature lines.
pub fn checkpoint_document(note: &str) -> Result<CheckpointDoc> {
    let (body, signatures) = if note.contains("\n\n") {
        let parsed = Note::parse(note.as_bytes())?;
        let names = parsed.signatures.iter().map(|s| s.name.clone()).collect();
        (parsed.text.clone(), names)
    } else {
        (note.to_string(), Vec::new())
    };
    let checkpoint = Checkpoint::parse(&body)?;
    Ok(CheckpointDoc {
        origin: checkpoint.origin,
        size: checkpoint.size,
        root: b64(&checkpoint.root),
        signatures,
        note: note.to_string(),
    })
}
