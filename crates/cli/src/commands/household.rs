//! `gufen household …`: move a person, name the head, and the household share certificate
//! (股权证).

use crate::app::{now, yes_no, App};
use crate::arguments::{date, person_id};
use crate::cli::Format;
use crate::commands::register::{holding_cells, holdings_table};
use crate::render::{json, t};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::command::Action;
use gufen_core::report;
use gufen_core::state::{Key, State};
use gufen_core::{PersonId, Units};
use gufen_ledger::Ledger;
use serde_json::json;
use std::io::Write;

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
        Some(_) => app.state(&ledger, as_of)?,
        None => (
            ledger.load_state(Some(vec![
                Key::Collective,
                Key::Household(household.to_string()),
            ]))?,
            now()?.date_naive(),
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
    let charter = collective.charter.clone();
    let cert = report::certificate(&state, household)
        .ok_or_else(|| anyhow!("no household {household} on {date}"))?;
    let lang = app.global.lang;
    if app.global.format == Format::Json {
        let persons: Vec<_> = cert
            .persons
            .iter()
            .map(|p| json!({"name": p.name, "id_masked": p.id_masked, "member": p.member, "units": p.units,
                           "units_total": p.units_total, "weighted_units": p.weighted_units}))
            .collect();
        return json(
            &mut app.out,
            &json!({"collective": charter.name, "code": charter.code.as_str(), "household": cert.household, "head": cert.head,
                    "as_of": date.to_string(), "total_units": cert.total_units, "total_weighted_units": cert.total_weighted_units,
                    "persons": persons}),
        );
    }
    let mut table = holdings_table(
        &charter,
        lang,
        &[
            t(lang, "姓名", "name"),
            t(lang, "身份证号", "ID"),
            t(lang, "成员", "member"),
        ],
        &[],
    );
    for p in &cert.persons {
        let mut row = vec![p.name.clone(), p.id_masked.clone(), yes_no(lang, p.member)];
        row.extend(holding_cells(&charter, p));
        table.push(row);
    }
    if app.global.format == Format::Text {
        writeln!(
            app.out,
            "{}  {}",
            charter.name,
            t(lang, "股权证", "household share certificate")
        )?;
        writeln!(
            app.out,
            "{}: {}    {}: {}    {}: {date}",
            t(lang, "户号", "household"),
            cert.household,
            t(lang, "户主", "head"),
            cert.head.as_deref().unwrap_or("-"),
            t(lang, "截至", "as of")
        )?;
    }
    table.write(app.global.format, &mut app.out)?;
    if app.global.format == Format::Text {
        writeln!(
            app.out,
            "{}: {}    {}: {}",
            t(lang, "本户合计股", "household total"),
            Units(cert.total_units),
            t(lang, "折算股", "weighted"),
            Units(cert.total_weighted_units)
        )?;
    }
    Ok(())
}

fn load_household_persons(ledger: &Ledger, state: State, household: &str) -> Result<State> {
    let Some(found) = state.household(household) else {
        return Ok(state);
    };
    let mut keys = vec![Key::Collective, Key::Household(household.to_string())];
    keys.extend(found.persons.iter().map(|p| Key::Person(p.clone())));
    Ok(ledger.load_state(Some(keys))?)
}
