//! `gufen export --out DIR`: the ledger as an audit bundle (C2SP tlog-tiles layout) that anyone
//! holding the ledger's public key can check with `gufen audit`, without the store.

use crate::app::App;
use crate::document::audit::Export;
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The bundle directory: new, empty, or an earlier bundle of this collective (overwritten).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(app: &mut App, args: ExportArgs) -> Result<()> {
    let (_store, ledger) = app.open()?;
    let summary = {
        let progress =
            crate::progress::Progress::start(app.global.lang, "导出记录", "exporting records");
        let summary = ledger.export_reporting(&args.out, Some(&progress.counter()))?;
        summary
    };
    app.render(&Export::new(&args.out, &summary))
}
