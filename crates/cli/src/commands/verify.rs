//! `gufen verify`: check the chain; with --replay also rebuild the state from the log and
//! compare it with the projections. A failure is an integrity failure (exit 3).

use crate::app::{App, IntegrityFailure};
use crate::cli::Format;
use crate::render::{json, t};
use anyhow::Result;
use clap::Args;
use gufen_ledger::record::hex;
use serde_json::json;
use std::io::Write;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Also rebuild the state from the log and compare it with the projections.
    #[arg(long)]
    replay: bool,
}

pub fn run(app: &mut App, args: VerifyArgs) -> Result<()> {
    let replay = args.replay;
    let (_store, ledger) = app.open()?;
    let report = ledger.verify(replay)?;
    let lang = app.global.lang;
    if app.global.format == Format::Json {
        json(
            &mut app.out,
            &json!({"ok": report.ok, "records": report.records, "head_seq": report.head.last_seq(), "head_hash": hex(&report.head.hash),
                    "merkle_root": hex(&report.merkle_root), "first_bad_seq": report.first_bad_seq, "problem": report.problem,
                    "replayed": report.replayed}),
        )?;
    } else if report.ok {
        writeln!(
            app.out,
            "{} {}",
            t(lang, "校验通过", "verified"),
            ledger.id()
        )?;
        writeln!(
            app.out,
            "{}: {}",
            t(lang, "记录数", "records"),
            report.records
        )?;
        writeln!(
            app.out,
            "{}: {}",
            t(lang, "链头哈希", "head hash"),
            hex(&report.head.hash)
        )?;
        writeln!(app.out, "merkle root: {}", hex(&report.merkle_root))?;
        if replay {
            writeln!(
                app.out,
                "{}",
                t(
                    lang,
                    "重放：投影与日志重建结果一致",
                    "replay: projections equal the state rebuilt from the log"
                )
            )?;
        }
    }
    if !report.ok {
        let at = report
            .first_bad_seq
            .map_or_else(|| "-".to_string(), |s| s.to_string());
        return Err(IntegrityFailure(format!(
            "verify failed at record {at}: {}",
            report.problem.unwrap_or_default()
        ))
        .into());
    }
    Ok(())
}
