//! `gufen key generate`: an Ed25519 key in C2SP signed-note form. The secret goes to a file only
//! its owner can read; the verifier key is printed for auditors (`--trust`, or for a witness key
//! `--witness`).

use crate::app::App;
use crate::cli::Format;
use crate::document::trust::KeyGenerated;
use anyhow::{bail, Context as _, Result};
use clap::{Args, Subcommand};
use gufen_ledger::note::{is_valid_name, Signer};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Generate a key: the secret to --out (mode 0600), the verifier key printed.
    Generate(GenerateArgs),
    /// Print the verifier key of a secret key file (what auditors pass to --trust or --witness).
    Show(ShowArgs),
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The secret key file.
    file: PathBuf,
    /// The cosigner verifier key (tlog-cosignature/v1) of a witness key.
    #[arg(long)]
    witness: bool,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// The key's name as it appears on signature lines, e.g. the collective's or the township's
    /// domain-like name (no spaces or '+').
    #[arg(long)]
    name: String,
    /// The secret key file to create; an existing file is never overwritten.
    #[arg(long)]
    out: PathBuf,
    /// A witness key: print the cosigner verifier key (tlog-cosignature/v1) auditors pass to
    /// `--witness`.
    #[arg(long)]
    witness: bool,
}

pub fn run(app: &mut App, command: KeyCommand) -> Result<()> {
    match command {
        KeyCommand::Generate(args) => generate(app, args),
        KeyCommand::Show(args) => show(app, args),
    }
}

/// The verifier key alone on a line (text), so it can be passed on as `$(gufen key show F)`.
fn show(app: &mut App, args: ShowArgs) -> Result<()> {
    app.refuse_format_unless("key show", ("密钥", "a key"), &[Format::Text, Format::Json])?;
    let signer = gufen_ledger::read_signer(&args.file)?;
    let vkey = if args.witness {
        signer.cosigner_vkey()
    } else {
        signer.vkey()
    };
    app.render(&KeyShown { vkey })
}

#[derive(serde::Serialize)]
struct KeyShown {
    vkey: String,
}

impl crate::document::Document for KeyShown {
    fn layout(&self, _: crate::cli::Lang) -> crate::document::Layout {
        let mut layout = crate::document::Layout::default();
        layout.line(self.vkey.clone());
        layout
    }
}

fn generate(app: &mut App, args: GenerateArgs) -> Result<()> {
    if !is_valid_name(&args.name) {
        bail!(
            "key name {:?} cannot be used: a name is non-empty and holds no spaces, '+' or control characters",
            args.name
        );
    }
    let signer = Signer::generate(&args.name)?;
    write_secret(&args.out, &format!("{}\n", signer.skey()))?;
    app.render(&KeyGenerated {
        name: args.name,
        file: args.out.display().to_string(),
        vkey: if args.witness {
            signer.cosigner_vkey()
        } else {
            signer.vkey()
        },
        witness: args.witness,
    })
}

/// Creates `path` readable and writable by its owner alone; refuses an existing file, so a key
/// is never lost by generating another over it.
fn write_secret(path: &Path, text: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("{} exists; a key file is never overwritten", path.display())
        }
        other => other.with_context(|| format!("cannot create {}", path.display()))?,
    };
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}
