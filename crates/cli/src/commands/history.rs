//! `gufen history --id ID`: every record concerning one person, with a summary of each.

use crate::app::App;
use crate::arguments::person_id;
use crate::cli::Lang;
use crate::document::records::{History, HistoryRecord, Summary};
use crate::labels::events::summary;
use anyhow::{bail, Result};
use clap::Args;
use gufen_core::event::person_stream;
use gufen_core::state::Key;
use gufen_core::PersonId;

#[derive(Args, Debug)]
pub struct HistoryArgs {
    #[arg(long, value_parser = person_id)]
    id: PersonId,
    /// Print the ID whole (the owner's own request; never on public documents).
    #[arg(long)]
    reveal: bool,
}

pub fn run(app: &mut App, args: HistoryArgs) -> Result<()> {
    let person = args.id;
    let (_store, ledger) = app.open()?;
    let records = ledger.stream(&person_stream(&person))?;
    if records.is_empty() {
        bail!("no records concern ID {}", person.masked());
    }
    let state = ledger.load_state(Some(vec![Key::Collective]))?;
    let classes = state
        .collective()
        .map(|c| c.charter.classes.clone())
        .unwrap_or_default();
    let records = records
        .iter()
        .map(|stored| {
            let summary = match stored.record.event() {
                Ok(event) => Summary {
                    zh: summary(&event, Lang::Zh, &classes),
                    en: summary(&event, Lang::En, &classes),
                },
                Err(error) => Summary {
                    zh: error.to_string(),
                    en: error.to_string(),
                },
            };
            HistoryRecord::new(stored, summary)
        })
        .collect();
    app.render(&History {
        id_masked: person.masked_id(),
        id: args.reveal.then(|| person.to_string()),
        records,
    })
}
