//! `gufen hukou set`: record a person's hukou. It is recorded and changes no right.

use crate::app::App;
use crate::arguments::{choice, date, person_id};
use anyhow::Result;
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::command::Action;
use gufen_core::event::HukouKind;
use gufen_core::PersonId;

#[derive(Subcommand, Debug)]
pub enum HukouCommand {
    /// Record the person's hukou kind and locality as of a date.
    Set {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long, value_parser = choice::<HukouKind>())]
        kind: HukouKind,
        #[arg(long)]
        locality: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
}

pub fn run(app: &mut App, command: HukouCommand) -> Result<()> {
    let HukouCommand::Set {
        id,
        kind,
        locality,
        date,
    } = command;
    app.write(
        date,
        Action::RecordHukou {
            person: id,
            kind,
            locality,
        },
    )
}
