//! `gufen log`: the records in order, with seq, type, stream (IDs masked), dates and hash.

use crate::app::App;
use crate::document::records::{Log, LogRecord};
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct LogArgs {
    /// The first record's seq.
    #[arg(long, default_value_t = 0, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
    from: u64,
    /// At most this many records.
    #[arg(long, default_value_t = 100, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
    limit: u64,
}

pub fn run(app: &mut App, args: LogArgs) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let records = ledger.records(args.from, args.limit)?;
    app.render(&Log {
        records: records.iter().map(LogRecord::new).collect(),
    })
}
