//! `gufen audit DIR --trust VKEY [--witness VKEY]... [--known FILE]...`: checks an audit bundle
//! written by `gufen export` with the ledger's public key alone; no store is opened. `DIR` may
//! be `s3://BUCKET/PREFIX/CODE`, a bundle `gufen publish --with-entries` wrote, read object by
//! object (one published without the entry bundles is refused, exit 1: it holds no records). A bundle
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
use gufen_ledger::checkpoint::{note_body, Checkpoint, SignedCheckpoint};
use gufen_ledger::export::CHECKPOINT_FILE;
use gufen_ledger::note::Verifier;
use gufen_ledger::tiles;
use std::path::PathBuf;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    command: Option<AuditCommand>,
    /// The audit bundle: a directory (written by `gufen export`), or s3://BUCKET/PREFIX/CODE
    /// (written by `gufen publish --with-entries`)
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
    if let Some(bundle) = &s3 {
        published_with_entries(bundle)?;
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

/// Whether the audit of the published bundle can run, before it does (exit 1 when it cannot).
///
/// The checkpoint is read first (GetObject, which a reader allowed nothing else has). Without
/// it, a listing tells a place holding nothing (a wrong place) from a bundle missing its
/// checkpoint (which fails the audit, exit 3). With it, the entry bundles the audit walks must
/// be there: `gufen publish` sends them only with `--with-entries` (they are personal data), so
/// a bucket of the tree and checkpoint only is refused in words rather than failed as damaged.
fn published_with_entries(bundle: &Bundle<'_>) -> Result<()> {
    let Some(note) = bundle.get(CHECKPOINT_FILE)? else {
        if !bundle.exists()? {
            bail!(
                "{} holds no object: give the place `gufen publish` wrote a collective's bundle to, s3://BUCKET/PREFIX/CODE",
                bundle.location
            );
        }
        return Ok(());
    };
    // A checkpoint that does not parse fails the audit itself (exit 3).
    let Some(size) = std::str::from_utf8(&note)
        .ok()
        .and_then(|text| Checkpoint::parse(note_body(text)).ok())
        .map(|checkpoint| checkpoint.size)
        .filter(|&size| size > 0)
    else {
        return Ok(());
    };
    let entries = |index: u64| tiles::entries_path(index, tiles::tile_width(size, 0, index));
    let last = (size - 1) / tiles::TILE_WIDTH as u64;
    if bundle.holds(&entries(last)).map_err(|e| anyhow!(e))? {
        return Ok(());
    }
    if last == 0 || !bundle.holds(&entries(0)).map_err(|e| anyhow!(e))? {
        bail!(
            "{} holds the tree and checkpoint only: a full audit needs a bucket published with --with-entries; `witness cosign --from` works",
            bundle.location
        );
    }
    bail!(
        "{} holds the entry bundles of earlier records only ({} is not there): the last publish was without --with-entries; a full audit needs one with it (it sends those missing); `witness cosign --from` works",
        bundle.location,
        entries(last)
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_refusals_of_a_bucket_without_entry_bundles_are_translated() {
        let url = "s3://village-logs/henan/N2410183MF0000001Y";
        let tree_only = format!("{url} holds the tree and checkpoint only: a full audit needs a bucket published with --with-entries; `witness cosign --from` works");
        assert_eq!(
            crate::messages::translate(&tree_only).as_deref(),
            Some("s3://village-logs/henan/N2410183MF0000001Y 只有哈希树和检查点：完整审计需要用 --with-entries 发布的存储桶；`witness cosign --from` 可以使用")
        );
        let earlier = format!("{url} holds the entry bundles of earlier records only (tile/entries/004.p/179 is not there): the last publish was without --with-entries; a full audit needs one with it (it sends those missing); `witness cosign --from` works");
        let zh = crate::messages::translate(&earlier).unwrap();
        assert!(zh.contains("（没有 tile/entries/004.p/179）"), "{zh}");
    }
}
