//! `gufen verify`: check the chain; with --replay also rebuild the state from the log and
//! compare it with the projections. A failure is an integrity failure (exit 3).

use crate::app::{App, IntegrityFailure};
use crate::document::records::Verification;
use anyhow::Result;
use clap::Args;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// Also rebuild the state from the log and compare it with the projections.
    #[arg(long)]
    replay: bool,
}

pub fn run(app: &mut App, args: VerifyArgs) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let report = {
        let progress =
            crate::progress::Progress::start(app.global.lang, "校验记录", "verifying records");
        let report = ledger.verify_reporting(args.replay, Some(&progress.counter()))?;
        report
    };
    let verification = Verification::new(ledger.id(), &report);
    app.render(&verification)?;
    if !report.ok {
        let at = report
            .first_bad_seq
            .map_or_else(|| "-".to_string(), |s| s.to_string());
        let problem = report.problem.unwrap_or_default();
        return Err(IntegrityFailure(crate::labels::t(
            app.global.lang,
            format!("校验未通过（第 {at} 条记录）：{problem}"),
            format!("verify failed at record {at}: {problem}"),
        ))
        .into());
    }
    Ok(())
}
