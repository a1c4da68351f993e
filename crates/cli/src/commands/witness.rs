//! `gufen witness cosign`: run by a witness (the township) on a checkpoint the keeper hands
//! over. The witness cosigns only a checkpoint signed by the log key it was given and
//! consistent with the last one it cosigned for that collective; a rollback or fork is refused
//! (exit 3) with both notes kept as evidence. `--from s3://BUCKET/PREFIX/CODE` reads the
//! checkpoint (unless `--checkpoint` gives one) and the tiles the proof needs from a bundle
//! `gufen publish` wrote (tiles only: the entry bundles, which a default publish leaves out, are
//! never read).

use crate::app::{now, App, IntegrityFailure};
use crate::cli::{Format, Lang};
use crate::document::{Document, Layout};
use crate::labels::t;
use crate::s3::{Bundle, Client, Location, S3Args};
use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, Subcommand};
use gufen_ledger::export::CHECKPOINT_FILE;
use gufen_ledger::note::Verifier;
use gufen_ledger::witness::{self, Witness, WitnessError};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum WitnessCommand {
    /// Cosign a checkpoint that extends the last one cosigned for its collective.
    Cosign(CosignArgs),
}

#[derive(Args, Debug)]
pub struct CosignArgs {
    /// The witness's signing key file (skey text).
    #[arg(long)]
    key: PathBuf,
    /// The checkpoint note to cosign, as the keeper hands it over (signed by the log key);
    /// default: the checkpoint of the audit bundle --from names
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// The log's verifier key (vkey text, or a file holding it): the checkpoint must carry its
    /// signature.
    #[arg(long)]
    log_key: String,
    /// Where the consistency proof comes from: a gufen store directory, an audit bundle
    /// directory, or s3://BUCKET/PREFIX/CODE (a bundle `gufen publish` wrote)
    #[arg(long)]
    from: PathBuf,
    /// The witness's state directory: the last checkpoint cosigned per collective, and forks/.
    #[arg(long, default_value = "./gufen-witness")]
    state: PathBuf,
    /// Write the cosigned note here instead of printing it.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    s3: S3Args,
}

pub fn run(app: &mut App, command: WitnessCommand) -> Result<()> {
    match command {
        WitnessCommand::Cosign(args) => cosign(app, args),
    }
}

fn cosign(app: &mut App, args: CosignArgs) -> Result<()> {
    if args.out.is_none() {
        // The note itself is printed: text, or JSON carrying it in `note`.
        app.refuse_format_unless(
            "witness cosign",
            (
                "联署后的检查点（签名文本），可用 --out FILE 写入文件",
                "a cosigned note (use --out FILE to write it to a file)",
            ),
            &[Format::Text, Format::Json],
        )?;
    }
    let signer = gufen_ledger::read_signer(&args.key)?;
    let log = Verifier::new(&crate::arguments::vkey(&args.log_key)?)
        .map_err(|e| anyhow!("--log-key is not a log verifier key: {e}"))?;
    let s3 = match args.from.to_str().and_then(Location::parse) {
        Some(location) => {
            let location = location?;
            Some((Client::connect(&location, &args.s3, false)?, location))
        }
        None => None,
    };
    let s3 = s3.as_ref().map(|(client, location)| Bundle {
        client,
        location: location.clone(),
    });
    let source: Box<dyn witness::ProofSource + '_> = match &s3 {
        Some(bundle) => Box::new(witness::BundleSource(bundle)),
        None => match witness::source_at(&args.from) {
            Some(source) => source,
            None => bail!(
                "{} is neither a gufen store (no `conf` file) nor an audit bundle (no `checkpoint` file and `tile/` directory)",
                args.from.display()
            ),
        },
    };
    let (note, named) = match (&args.checkpoint, &s3) {
        (Some(path), _) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("the checkpoint {} cannot be read", path.display()))?,
            path.display().to_string(),
        ),
        (None, Some(bundle)) => {
            let url = bundle.location.url(CHECKPOINT_FILE);
            let bytes = bundle
                .get(CHECKPOINT_FILE)?
                .ok_or_else(|| anyhow!("{url} is missing: the bundle has no checkpoint"))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| anyhow!("{url} is not a checkpoint: it is not UTF-8 text"))?;
            (text, url)
        }
        (None, None) if !args.from.join("conf").is_file() => {
            let path = args.from.join(CHECKPOINT_FILE);
            (
                std::fs::read_to_string(&path)
                    .with_context(|| format!("the checkpoint {} cannot be read", path.display()))?,
                path.display().to_string(),
            )
        }
        (None, None) => bail!(
            "--checkpoint FILE is needed when --from is a store: the note the keeper hands over"
        ),
    };
    // A file that is not a checkpoint at all is bad input (exit 1); a checkpoint the log key
    // did not sign is a trust failure (exit 3), decided by the witness below.
    if let Err(e) =
        gufen_ledger::checkpoint::Checkpoint::parse(gufen_ledger::checkpoint::note_body(&note))
    {
        bail!("{named} is not a checkpoint: {e}");
    }
    let timestamp = u64::try_from(now()?.timestamp())
        .map_err(|_| anyhow!("the clock is before 1970: no cosignature timestamp"))?;
    let witness = Witness {
        signer: &signer,
        log: &log,
        state: args.state.clone(),
    };
    let cosigned = match witness.cosign(&note, source.as_ref(), timestamp) {
        Ok(cosigned) => cosigned,
        Err(e @ (WitnessError::Inconsistent { .. } | WitnessError::Signature(_))) => {
            return Err(IntegrityFailure(crate::labels::t(
                app.global.lang,
                format!("未联署：{e}"),
                format!("not cosigned: {e}"),
            ))
            .into())
        }
        Err(e) => {
            return Err(anyhow!(crate::labels::t(
                app.global.lang,
                format!("未联署：{e}"),
                format!("not cosigned: {e}"),
            )))
        }
    };
    let outcome = CosignOutcome {
        origin: cosigned.checkpoint.origin.clone(),
        size: cosigned.checkpoint.size,
        previous_size: cosigned.previous_size,
        witness: signer.name().to_string(),
        timestamp: cosigned.timestamp,
        out: args.out.as_ref().map(|p| p.display().to_string()),
        note: cosigned.note.clone(),
    };
    match &args.out {
        // The note itself, to be saved and handed to the keeper; JSON carries it in `note`.
        None if app.global.format != Format::Json => app.print_text(&cosigned.note),
        None => app.render(&outcome),
        Some(path) => {
            std::fs::write(path, &cosigned.note)
                .with_context(|| format!("{} cannot be written", path.display()))?;
            app.render(&outcome)
        }
    }
}

/// What a cosigning written to a file reports.
#[derive(Serialize)]
struct CosignOutcome {
    origin: String,
    size: u64,
    previous_size: Option<u64>,
    witness: String,
    timestamp: u64,
    out: Option<String>,
    /// The cosigned note (the offered note with the witness's line).
    note: String,
}

impl Document for CosignOutcome {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(lang, "已联署检查点", "checkpoint cosigned"));
        layout.field(t(lang, "日志", "log"), self.origin.clone());
        layout.field(t(lang, "记录数", "records"), self.size.to_string());
        layout.field(
            t(lang, "上次联署", "previously cosigned"),
            self.previous_size.map_or_else(
                || t(lang, "无（首次）", "none (first)").to_string(),
                |m| m.to_string(),
            ),
        );
        layout.field(t(lang, "见证人", "witness"), self.witness.clone());
        layout.field(t(lang, "时间戳", "timestamp"), self.timestamp.to_string());
        if let Some(out) = &self.out {
            layout.field(t(lang, "写入", "written to"), out.clone());
        }
        layout
    }
}
