//! `gufen audit DIR --trust VKEY [--witness VKEY]... [--known FILE]...`: checks an audit bundle
//! written by `gufen export` with the ledger's public key alone; no store is opened. `DIR` may
//! be `s3://BUCKET/PREFIX/CODE`, a bundle `gufen publish` wrote, read object by object. A bundle
//! that fails is an integrity failure (exit 3) naming the first bad record where there is one;
//! a missing directory, key or known checkpoint that cannot be used is refused (exit 1).
//!
//! `gufen audit statement FILE ...` checks one member's statement (commands/statement.rs).

use super::statement::{self, AuditStatementArgs};
use crate::app::{App, IntegrityFailure};
use crate::document::audit::Audit;
use crate::labels::t;
use crate::s3::{Bundle, Client, Location, S3Args};
use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Args, Subcommand};
use gufen_ledger::audit::{self, KnownCheckpoint};
use gufen_ledger::checkpoint::SignedCheckpoint;
use gufen_ledger::note::Verifier;
use std::path::PathBuf;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: Option<AuditCommand>,
    /// The audit bundle: a directory (written by `gufen export`), or s3://BUCKET/PREFIX/CODE
    /// (written by `gufen publish`)
    #[arg(required = true)]
    dir: Option<PathBuf>,
    /// The ledger's public key (vkey text, or a file holding it): its signature is required.
    #[arg(long, required = true)]
    trust: Option<String>,
    /// A witness's cosigner key (vkey text or file) whose cosignature is required; repeatable.
    #[arg(long)]
    witness: Vec<String>,
    /// A checkpoint kept from before (a note signed by the trusted key); it must be a prefix of
    /// the bundle's tree. Repeatable.
    #[arg(long)]
    known: Vec<PathBuf>,
    #[command(flatten)]
    s3: S3Args,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check one member's statement against the signed checkpoint.
    Statement(AuditStatementArgs),
}

pub fn run(app: &mut App, args: AuditArgs) -> Result<()> {
    if let Some(AuditCommand::Statement(args)) = args.command {
        return statement::audit_statement(app, args);
    }
    let dir = args
        .dir
        .ok_or_else(|| anyhow!("audit needs a bundle directory"))?;
    let trust = args
        .trust
        .ok_or_else(|| anyhow!("audit needs the ledger's key: --trust VKEY"))?;
    let log = Verifier::new(&crate::arguments::vkey(&trust)?)
        .with_context(|| format!("--trust {trust} is not a log key"))?;
    let witnesses = args
        .witness
        .iter()
        .map(|given| {
            Verifier::cosigner(&crate::arguments::vkey(given)?)
                .with_context(|| format!("--witness {given} is not a witness (cosigner) key"))
        })
        .collect::<Result<Vec<_>>>()?;
    let known = args
        .known
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).with_context(|| {
                format!("the known checkpoint {} cannot be read", path.display())
            })?;
            let opened = SignedCheckpoint::open(&bytes, &log, &[]).with_context(|| {
                format!(
                    "the known checkpoint {} is not signed by the trusted key",
                    path.display()
                )
            })?;
            Ok(KnownCheckpoint {
                label: path.display().to_string(),
                checkpoint: opened.checkpoint,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let s3 = match dir.to_str().and_then(Location::parse) {
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
    // A place holding nothing is a wrong place, not a bundle that fails: the audit cannot be
    // run (exit 1). A bundle missing only its checkpoint still fails (exit 3).
    if let Some(bundle) = &s3 {
        if !bundle.exists()? {
            bail!(
                "{} holds no object: give the place `gufen publish` wrote a collective's bundle to, s3://BUCKET/PREFIX/CODE",
                bundle.location
            );
        }
    }
    // A directory with none of a bundle's files is a wrong path, not a bundle that fails.
    if s3.is_none()
        && dir.is_dir()
        && !dir.join("checkpoint").exists()
        && !dir.join("tile").exists()
    {
        bail!(
            "{} is not an audit bundle (no `checkpoint` file and no `tile/` directory): give the directory `gufen export --out` wrote",
            dir.display()
        );
    }
    let report = {
        let progress =
            crate::progress::Progress::start(app.global.lang, "审计记录", "auditing records");
        let counter = progress.counter();
        match &s3 {
            Some(bundle) => audit::audit_files(bundle, &log, &witnesses, &known, Some(&counter))?,
            None => audit::audit_reporting(&dir, &log, &witnesses, &known, Some(&counter))?,
        }
    };
    app.render(&Audit::new(&report))?;
    if let Some(problem) = report.problem {
        let lang = app.global.lang;
        let at = report.first_bad_seq.map_or_else(String::new, |seq| {
            t(
                lang,
                format!("（第 {seq} 条记录）"),
                format!(" at record {seq}"),
            )
        });
        let dir = dir.display();
        return Err(IntegrityFailure(t(
            lang,
            format!("审计未通过：{dir}{at}：{problem}"),
            format!("audit of {dir} failed{at}: {problem}"),
        ))
        .into());
    }
    Ok(())
}
