//! `gufen register`: the shareholder register (股东名册), now or on a past date.
//!
//! Now, it streams from the projections (`listing`): one person read at a time, each holder's
//! line written as it is read, in the register's order (household, then ID). On a past date it
//! is the register of the state rebuilt from the log, which is whole in memory anyway.

use crate::app::{today, App};
use crate::arguments::date;
use crate::document::holdings::{Heading, RegisterDocument};
use crate::listing::Order;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::Args;
use gufen_core::report::{self, RegisterTotals};

#[derive(Args, Debug)]
pub struct RegisterArgs {
    /// The register on a past date, answered from the log.
    #[arg(long, value_parser = date)]
    as_of: Option<NaiveDate>,
}

pub fn run(app: &mut App, args: RegisterArgs) -> Result<()> {
    let (_store, ledger) = app.open()?;
    if let Some(as_of) = args.as_of {
        let (state, date) = app.state(&ledger, as_of)?;
        let Some(collective) = state.collective() else {
            bail!("the collective is not registered on {date}")
        };
        return app.render(&RegisterDocument {
            heading: Heading::new(&collective.charter, date),
            register: report::register(&state),
        });
    }
    let date = today()?;
    let Some(collective) = ledger.collective()? else {
        bail!("the collective is not registered on {date}")
    };
    let charter = &collective.charter;
    let mut totals = RegisterTotals::default();
    let order = Order::pick(&ledger, |person| {
        report::is_holder(person).then(|| {
            totals.add(charter, person);
            person.household.clone().unwrap_or_default()
        })
    })?;
    assert_eq!(
        order.len(),
        totals.holders,
        "the register lists every holder it counts"
    );
    let document = RegisterDocument {
        heading: Heading::new(charter, date),
        register: totals.register(&collective),
    };
    let whole = totals.total_weighted_units;
    app.render_list(
        document,
        "holders",
        &mut |each| {
            order.each(&ledger, &mut |person| {
                each(&report::register_line(charter, person, Some(whole)))
            })
        },
        |document, lang| document.frame(lang, totals.holders, totals.pledged_units),
        |document, lang, _, line| document.row(lang, line),
        |document, line| document.register.holders.push(line.clone()),
    )
}
