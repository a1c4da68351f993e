//! `gufen log`: the records in order, with seq, type, stream, dates and hash.

use crate::app::App;
use crate::cli::Format;
use crate::render::{json, Table};
use anyhow::Result;
use clap::Args;
use gufen_core::PersonId;
use gufen_ledger::record::hex;
use serde_json::json;

#[derive(Args, Debug)]
pub struct LogArgs {
    /// The first record's seq.
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// At most this many records.
    #[arg(long, default_value_t = 100)]
    limit: u64,
}

pub fn run(app: &mut App, args: LogArgs) -> Result<()> {
    let (from, limit) = (args.from, args.limit);
    let (_store, ledger) = app.open()?;
    let records = ledger.records(from, limit)?;
    let rows: Vec<_> = records
        .iter()
        .map(|r| {
            let recorded = chrono::DateTime::from_timestamp_micros(r.record.recorded_at_micros)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default();
            (r, recorded)
        })
        .collect();
    if app.global.format == Format::Json {
        let list: Vec<_> = rows
            .iter()
            .map(|(r, recorded)| {
                json!({"seq": r.record.seq, "type": r.record.event_type, "hash": hex(&r.hash), "prev": hex(&r.record.prev),
                   "stream": r.record.stream, "effective_date": r.record.effective_date().to_string(), "recorded_at": recorded,
                   "actor": r.record.actor, "command_id": uuid::Uuid::from_bytes(r.record.batch.command_id).to_string()})
            })
            .collect();
        return json(&mut app.out, &serde_json::Value::Array(list));
    }
    let mut table = Table::new(
        vec![
            "seq",
            "type",
            "stream",
            "effective_date",
            "recorded_at",
            "hash",
        ],
        vec![true, false, false, false, false, false],
    );
    for (r, recorded) in rows {
        let stream = match r.record.stream.strip_prefix("person/") {
            Some(id) => format!(
                "person/{}",
                PersonId::parse(id)
                    .map(|p| p.masked())
                    .unwrap_or_else(|_| gufen_core::ids::mask(id))
            ),
            None => r.record.stream.clone(),
        };
        table.push(vec![
            r.record.seq.to_string(),
            r.record.event_type.clone(),
            stream,
            r.record.effective_date().to_string(),
            recorded,
            hex(&r.hash),
        ]);
    }
    table.write(app.global.format, &mut app.out)
}
