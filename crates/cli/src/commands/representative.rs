//! `gufen representative …`: elect a member to the representatives' assembly, a representative
//! leaving, and the representatives seated on a date (R13).

use crate::app::App;
use crate::arguments::{date, person_id};
use crate::document::representative::RepresentativeList;
use anyhow::Result;
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::command::Action;
use gufen_core::state::Key;
use gufen_core::PersonId;

#[derive(Subcommand, Debug)]
pub enum RepresentativeCommand {
    /// Elect a current member a representative (cites the assembly's resolution).
    Elect {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// A representative leaves the representatives' assembly (cites the resolution).
    Leave {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// The representatives seated on a date (default: today).
    List {
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
}

pub fn run(app: &mut App, command: RepresentativeCommand) -> Result<()> {
    match command {
        RepresentativeCommand::Elect {
            id,
            resolution,
            date,
        } => app.write(
            date,
            Action::ElectRepresentative {
                person: id,
                resolution,
            },
        ),
        RepresentativeCommand::Leave {
            id,
            resolution,
            date,
        } => app.write(
            date,
            Action::LeaveRepresentative {
                person: id,
                resolution,
            },
        ),
        RepresentativeCommand::List { as_of } => {
            let (_store, ledger) = app.open()?;
            let (state, date) = match as_of {
                Some(date) => app.state(&ledger, date)?,
                // The collective and the seated representatives only, from the projections.
                None => {
                    let seated: Vec<PersonId> = ledger
                        .collective()?
                        .map(|c| {
                            (c.representatives.into_iter())
                                .filter(|(_, seat)| seat.is_seated())
                                .map(|(id, _)| id)
                                .collect()
                        })
                        .unwrap_or_default();
                    let keys = std::iter::once(Key::Collective)
                        .chain(seated.into_iter().map(Key::Person))
                        .collect();
                    (ledger.load_state(Some(keys))?, crate::app::today()?)
                }
            };
            app.render(&RepresentativeList::new(&state, date))
        }
    }
}
