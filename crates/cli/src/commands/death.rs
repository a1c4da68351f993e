//! `gufen death record` (the holding becomes an estate) and `gufen inherit` (the estate is
//! settled among heirs, who may be non-members).

use crate::app::App;
use crate::arguments::{date, heir, person_id, Heir};
use anyhow::Result;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use gufen_core::command::Action;
use gufen_core::PersonId;

#[derive(Subcommand, Debug)]
pub enum DeathCommand {
    /// Record a death: membership ends (R2) and the holding is an estate until settled.
    Record {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
}

#[derive(Args, Debug)]
pub struct InheritArgs {
    /// The deceased holder.
    #[arg(long, value_parser = person_id)]
    from: PersonId,
    /// An heir: ID, or ID:NUM/DEN for their fraction of the estate.
    #[arg(long = "heir", required = true, value_name = "ID[:NUM/DEN]", value_parser = heir)]
    heirs: Vec<Heir>,
    #[arg(long, value_parser = date)]
    date: NaiveDate,
}

pub fn run(app: &mut App, command: DeathCommand) -> Result<()> {
    let DeathCommand::Record { id, date } = command;
    app.write(date, Action::RecordDeath { person: id })
}

pub fn inherit(app: &mut App, args: InheritArgs) -> Result<()> {
    let action = Action::Inherit {
        from: args.from,
        heirs: args.heirs,
    };
    app.write(args.date, action)
}
