//! `gufen init` (register the collective from its charter) and `gufen charter show`.

use crate::app::App;
use crate::cli::Format;
use crate::document::charter::{CharterDocument, Registered};
use crate::document::records::{WithOutcome, WriteOutcome};
use anyhow::{anyhow, bail, Context as _, Result};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gufen_core::command::Action;
use gufen_core::state::Key;
use gufen_core::{Charter, Command};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(long)]
    charter: PathBuf,
    /// The registration date: no record of the collective is dated before it (R17).
    #[arg(long, value_parser = crate::arguments::date)]
    date: NaiveDate,
}

#[derive(Subcommand, Debug)]
pub enum CharterCommand {
    /// The collective's charter as registered.
    Show,
    /// Print a commented charter (TOML) to start from; `gufen init --charter` accepts it as
    /// printed (replace the sample name and code).
    Template,
}

pub fn init(app: &mut App, args: InitArgs) -> Result<()> {
    let path = &args.charter;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read charter {}", path.display()))?;
    let (charter, loss_grounds) = Charter::read(&text)?;
    let date = args.date;
    let store = app.open_store(true)?;
    let ledger = store.ledger(charter.code.as_str())?;
    if ledger.head()?.seq_next > 0 {
        bail!(
            "collective {} is already in the store {}",
            charter.code,
            app.global.db.display()
        );
    }
    let action = Action::RegisterCollective {
        charter: charter.clone(),
        loss_grounds,
    };
    let outcome = ledger.execute(&app.context()?, &Command { date, action })?;
    app.render(&WithOutcome {
        paper: Registered {
            name: charter.name.clone(),
            code: charter.code.to_string(),
        },
        outcome: WriteOutcome::new(&outcome),
    })
}

pub fn run(app: &mut App, command: CharterCommand) -> Result<()> {
    match command {
        CharterCommand::Show => show(app),
        CharterCommand::Template => {
            app.refuse_format_unless(
                "charter template",
                ("带注释的章程样板（TOML）", "a commented charter (TOML)"),
                &[Format::Text],
            )?;
            let template = crate::labels::t(
                app.global.lang,
                super::charter_template::ZH,
                super::charter_template::EN,
            );
            app.print_text(template)
        }
    }
}

fn show(app: &mut App) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let state = ledger.load_state(Some(vec![Key::Collective]))?;
    let collective = state
        .collective()
        .ok_or_else(|| anyhow!("the collective is not registered"))?;
    app.render(&CharterDocument::new(collective))
}
