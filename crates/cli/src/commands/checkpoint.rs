//! `gufen checkpoint`: the ledger's latest checkpoint (C2SP tlog-checkpoint over the blake3
//! Merkle tree), kept beside the store after every append; `--sign KEY` signs it and keeps the
//! signed note; `--add-cosignature FILE --witness VKEY` adds a witness's verified cosignature;
//! `--restore FILE` puts back a lost checkpoint file.

use crate::app::App;
use crate::document::trust::{b64, CheckpointDoc};
use anyhow::{bail, Context as _, Result};
use clap::Args;
use gufen_ledger::checkpoint::Checkpoint;
use gufen_ledger::note::{Note, Verifier};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CheckpointArgs {
    /// Sign the current checkpoint with this key file (from `gufen key generate`) and keep it.
    #[arg(long, value_name = "KEY_FILE")]
    sign: Option<PathBuf>,
    /// Add the cosignature in this note (from `gufen witness cosign`) to the checkpoint it
    /// cosigns; needs --witness.
    #[arg(long, value_name = "NOTE_FILE", requires = "witness")]
    add_cosignature: Option<PathBuf>,
    /// The witness's cosigner verifier key (`gufen key show KEY --witness`), or a file holding
    /// it: its line is verified before it is added.
    #[arg(long, value_name = "VKEY")]
    witness: Option<String>,
    /// Put back a lost checkpoint file from a copy of it or any earlier checkpoint of this
    /// ledger (an export's `checkpoint`, the witness's); the store is then checked against it.
    #[arg(long, value_name = "NOTE_FILE", conflicts_with_all = ["sign", "add_cosignature"])]
    restore: Option<PathBuf>,
    /// Print the latest signed checkpoint (what exports and statements use) instead of the
    /// current one.
    #[arg(long)]
    signed: bool,
}

pub fn run(app: &mut App, args: CheckpointArgs) -> Result<()> {
    let mut restored = None;
    if let Some(path) = &args.restore {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let store = app.open_store(false)?;
        let id = app.ledger_id(&store)?;
        // A file that is there and agrees with the store stays; a missing or failing one is
        // replaced (a failing one kept beside it).
        let replace = match store.ledger(&id) {
            Ok(_) => false,
            Err(gufen_ledger::LedgerError::Corrupt { .. }) => true,
            Err(other) => return Err(other.into()),
        };
        restored = Some(gufen_ledger::Ledger::restore_checkpoint_file(
            store.path(),
            &id,
            &text,
            replace,
        )?);
    }
    let (_store, ledger) = app.open()?;
    if let Some(restored) = restored {
        let head = ledger.head()?.seq_next;
        if restored.size < head {
            let (n, m) = (restored.size, head - restored.size);
            crate::say(&crate::labels::t(
                    app.global.lang,
                    format!("注意：恢复的检查点只证明前 {n} 条记录；此后的 {m} 条记录仅以本存储为证，请与导出包或见证人的检查点核对"),
                format!("note: the restored checkpoint vouches for the first {n} records only; the {m} after it rest on this store alone: compare with an export's or a witness's checkpoint"),
            ));
        }
    }
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
        let vkey = crate::arguments::vkey(args.witness.as_deref().unwrap_or_default())?;
        let witness = Verifier::cosigner(&vkey)
            .with_context(|| "--witness is not a witness's cosigner vkey")?;
        note = ledger.add_cosignatures(cosigned, &witness)?;
    }
    if args.signed {
        match ledger.signed_checkpoint_note()? {
            Some(signed) => note = signed,
            None => bail!(
                "the ledger has no signed checkpoint: sign it with `gufen checkpoint --sign KEY`"
            ),
        }
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
