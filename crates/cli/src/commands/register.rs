//! `gufen register`: the shareholder register (股东名册), now or on a past date.

use crate::app::App;
use crate::arguments::date;
use crate::document::holdings::{Heading, RegisterDocument};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::Args;
use gufen_core::report;

#[derive(Args, Debug)]
pub struct RegisterArgs {
    /// The register on a past date, answered from the log.
    #[arg(long, value_parser = date)]
    as_of: Option<NaiveDate>,
}

pub fn run(app: &mut App, args: RegisterArgs) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let (state, date) = app.state(&ledger, args.as_of)?;
    let Some(collective) = state.collective() else {
        bail!("the collective is not registered on {date}")
    };
    app.render(&RegisterDocument {
        heading: Heading::new(&collective.charter, date),
        register: report::register(&state),
    })
}
