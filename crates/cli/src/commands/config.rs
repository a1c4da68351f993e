//! `gufen config`: the collective's settings kept in the store. `signing-key FILE` makes every
//! append sign its checkpoint with that key (the file stays where it is; the store keeps its
//! path).

use crate::app::App;
use crate::document::trust::ConfigDoc;
use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Set a setting: `signing-key FILE`.
    Set {
        #[arg(value_enum)]
        setting: Setting,
        value: PathBuf,
    },
    /// Remove a setting.
    Unset {
        #[arg(value_enum)]
        setting: Setting,
    },
    /// The settings.
    Show,
}

#[derive(ValueEnum, Debug, Clone, Copy)]
pub enum Setting {
    /// The key file every append signs the checkpoint with.
    SigningKey,
}

pub fn run(app: &mut App, command: ConfigCommand) -> Result<()> {
    let (_store, ledger) = app.open()?;
    match command {
        ConfigCommand::Set {
            setting: Setting::SigningKey,
            value,
        } => {
            ledger.set_signing_key(Some(&value))?;
            // Sign the checkpoint now too, so the latest one is signed from this moment.
            ledger.sign_checkpoint(&gufen_ledger::read_signer(&value)?)?;
        }
        ConfigCommand::Unset {
            setting: Setting::SigningKey,
        } => ledger.set_signing_key(None)?,
        ConfigCommand::Show => {}
    }
    let document = ConfigDoc {
        signing_key: ledger.signing_key()?.map(|p| p.display().to_string()),
    };
    app.render(&document)
}
