//! `gufen history --id ID`: every record concerning one person, with a summary of each.

use crate::app::{describe, App};
use crate::arguments::person_id;
use crate::cli::Format;
use crate::render::{hex_short, json, t, Table};
use anyhow::{bail, Result};
use clap::Args;
use gufen_core::event::person_stream;
use gufen_core::PersonId;
use gufen_ledger::record::hex;
use serde_json::json;
use std::io::Write;

#[derive(Args, Debug)]
pub struct HistoryArgs {
    #[arg(long, value_parser = person_id)]
    id: PersonId,
    /// Print the ID whole (the owner's own request; never on public documents).
    #[arg(long)]
    reveal: bool,
}

pub fn run(app: &mut App, args: HistoryArgs) -> Result<()> {
    let (person, reveal) = (args.id, args.reveal);
    let (_store, ledger) = app.open()?;
    let records = ledger.stream(&person_stream(&person))?;
    if records.is_empty() {
        bail!("no records concern ID {}", person.masked());
    }
    let lang = app.global.lang;
    if app.global.format == Format::Json {
        let list: Vec<_> = records
            .iter()
            .map(|r| {
                let event = r.record.event();
                json!({"seq": r.record.seq, "type": r.record.event_type, "hash": hex(&r.hash),
                   "effective_date": r.record.effective_date().to_string(),
                   "summary": event.map(|e| describe(&e, lang)).unwrap_or_default()})
            })
            .collect();
        let shown = if reveal {
            json!(person.to_string())
        } else {
            json!(null)
        };
        return json(
            &mut app.out,
            &json!({"id_masked": person.masked(), "id": shown, "records": list}),
        );
    }
    let mut table = Table::new(
        vec![
            "seq",
            t(lang, "日期", "date"),
            t(lang, "事件", "event"),
            t(lang, "摘要", "summary"),
            "hash",
        ],
        vec![true, false, false, false, false],
    );
    for r in &records {
        let summary = r
            .record
            .event()
            .map(|e| describe(&e, lang))
            .unwrap_or_else(|e| e.to_string());
        table.push(vec![
            r.record.seq.to_string(),
            r.record.effective_date().to_string(),
            r.record.event_type.clone(),
            summary,
            hex_short(&r.hash),
        ]);
    }
    let shown = if reveal {
        person.to_string()
    } else {
        person.masked()
    };
    if app.global.format == Format::Text {
        writeln!(
            app.out,
            "{} {shown}: {} {}",
            t(lang, "记录 关于", "records concerning"),
            records.len(),
            t(lang, "条", "records")
        )?;
    }
    table.write(app.global.format, &mut app.out)
}
