//! `gufen person add`: register a person who is not a member, e.g. an heir.

use crate::app::App;
use crate::arguments::{date, document, person_id};
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gufen_core::command::Action;
use gufen_core::PersonId;

#[derive(Subcommand, Debug)]
pub enum PersonCommand {
    /// Register a non-member person (an heir); `--doc TYPE:NUMBER` for a non-PRC document.
    Add(AddArgs),
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// The citizen ID.
    #[arg(
        long,
        required_unless_present = "doc",
        conflicts_with = "doc",
        value_parser = person_id
    )]
    id: Option<PersonId>,
    #[arg(long)]
    name: String,
    /// Another document: TYPE:NUMBER, e.g. passport:E12345678.
    #[arg(long, value_parser = document)]
    doc: Option<PersonId>,
    #[arg(long)]
    household: Option<String>,
    #[arg(long, value_parser = date)]
    date: NaiveDate,
}

pub fn run(app: &mut App, command: PersonCommand) -> Result<()> {
    let PersonCommand::Add(args) = command;
    let person = args
        .id
        .or(args.doc)
        .expect("clap requires exactly one of --id and --doc");
    app.write(
        args.date,
        Action::RegisterPerson {
            person,
            name: args.name,
            household: args.household,
        },
    )
}
