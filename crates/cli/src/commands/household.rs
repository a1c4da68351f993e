//! `gufen household …`: move a person, name the head, and the household share certificate
//! (股权证).

use crate::app::App;
use crate::arguments::{date, person_id};
use crate::cli::Format;
use crate::commands::booklet;
use crate::document::holdings::{CertificateDocument, Heading};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::command::Action;
use gufen_core::report;
use gufen_core::state::{Key, State};
use gufen_core::PersonId;
use gufen_ledger::Ledger;

#[derive(Subcommand, Debug)]
pub enum HouseholdCommand {
    /// The household share certificate (股权证).
    Certificate {
        #[arg(long)]
        household: String,
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
    /// Move a person to another household.
    Move {
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long)]
        to: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Name the household's head.
    Head {
        #[arg(long)]
        household: String,
        #[arg(long, value_parser = person_id)]
        id: PersonId,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
}

pub fn run(app: &mut App, command: HouseholdCommand) -> Result<()> {
    match command {
        HouseholdCommand::Move { id, to, date } => {
            app.write(date, Action::MoveHousehold { person: id, to })
        }
        HouseholdCommand::Head {
            household,
            id,
            date,
        } => app.write(
            date,
            Action::NameHouseholdHead {
                household,
                person: id,
            },
        ),
        HouseholdCommand::Certificate { household, as_of } => certificate(app, &household, as_of),
    }
}

fn certificate(app: &mut App, household: &str, as_of: Option<NaiveDate>) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let (state, date) = match as_of {
        Some(date) => app.state(&ledger, date)?,
        None => (
            ledger.load_state(Some(vec![
                Key::Collective,
                Key::Household(household.to_string()),
            ]))?,
            crate::app::today()?,
        ),
    };
    let state = if state.is_complete() {
        state
    } else {
        load_household_persons(&ledger, state, household)?
    };
    let Some(collective) = state.collective() else {
        bail!("the collective is not registered on {date}")
    };
    let certificate = report::certificate(&state, household)
        .ok_or_else(|| anyhow!("no household {household} on {date}"))?;
    let document = CertificateDocument {
        heading: Heading::new(&collective.charter, date),
        certificate,
    };
    if app.global.format == Format::Html {
        // The booklet: the certificate with the household's changes and pledges.
        let booklet = booklet::gather(&ledger, &state, document, as_of)?;
        return app.render(&booklet);
    }
    app.render(&document)
}

/// Loads the persons of a household into a partial state that holds the household.
fn load_household_persons(ledger: &Ledger, state: State, household: &str) -> Result<State> {
    let Some(found) = state.household(household) else {
        return Ok(state);
    };
    let mut keys = vec![Key::Collective, Key::Household(household.to_string())];
    keys.extend(found.persons.iter().map(|p| Key::Person(p.clone())));
    Ok(ledger.load_state(Some(keys))?)
}
