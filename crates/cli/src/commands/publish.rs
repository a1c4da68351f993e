//! `gufen publish --to s3://BUCKET/PREFIX [--collective CODE]... [--with-entries]`: each
//! collective's tree sent to object storage under `PREFIX/CODE/`, for a province to mirror and
//! witness without the store (docs/publish.md). By default only what witnessing and
//! consistency need, none of it personal: the hash tiles, the charter and the checkpoint.
//! `--with-entries` adds the entry bundles (the records as stored, whole citizen IDs and bank
//! accounts in them), for an access-controlled archive bucket whose readers (a province's
//! auditors) run the full `gufen audit`, never for a public one. Only what the storage lacks is
//! sent, the checkpoint last; a storage holding another history of a collective is refused for
//! that collective (exit 3), never written over.
//!
//! Every collective of the store is published unless `--collective` names some, or else
//! `--org` names one;
//! one that cannot be published (no signed checkpoint, the storage refused a file) is listed
//! with why, the others are published, and the command then fails (exit 1, or 3 for an
//! integrity failure).

use crate::app::{App, IntegrityFailure};
use crate::cli::{Format, Lang};
use crate::document::records::HashText;
use crate::document::{Column, Document, Layout, Table};
use crate::labels::t;
use crate::s3::{Bundle, Client, Location, S3Args};
use anyhow::{anyhow, bail, Result};
use clap::Args;
use gufen_ledger::export::{CHARTER_FILE, CHECKPOINT_FILE};
use gufen_ledger::publish::{Entries, Mirror, PublishError, PublishSummary};
use gufen_ledger::LedgerError;
use serde::Serialize;

#[derive(Args, Debug)]
pub struct PublishArgs {
    /// Where to publish: s3://BUCKET/PREFIX; each collective's bundle goes under PREFIX/CODE/
    #[arg(long, value_name = "s3://BUCKET/PREFIX")]
    to: String,
    /// Publish only this collective (its code); repeatable. Default: every collective in the
    /// store, or the one --org names
    #[arg(long, value_name = "CODE")]
    collective: Vec<String>,
    /// Also upload the entry bundles: the records as stored, with whole citizen IDs and bank
    /// account numbers. Only to an access-controlled archive bucket (a province's auditors, who
    /// run the full audit), never a public one; without it only the hash tiles, the charter and
    /// the checkpoint go, which witnessing needs
    #[arg(long)]
    with_entries: bool,
    #[command(flatten)]
    s3: S3Args,
}

pub fn run(app: &mut App, args: PublishArgs) -> Result<()> {
    app.refuse_format_unless(
        "publish",
        (
            "发布结果（每个组织上传的对象数和字节数）",
            "what was uploaded (objects and bytes per collective)",
        ),
        &[Format::Text, Format::Json],
    )?;
    let location = match Location::parse(&args.to) {
        Some(location) => location?,
        None => bail!(
            "--to {}: publish writes to object storage: give s3://BUCKET/PREFIX (`gufen export --out DIR` writes a directory)",
            args.to
        ),
    };
    let store = app.open_store(false)?;
    let held = store.ledger_ids()?;
    // --collective names them; else --org (or GUFEN_ORG) names one; else every collective.
    let named = if args.collective.is_empty() {
        app.global.org.iter().cloned().collect()
    } else {
        args.collective.clone()
    };
    let mut codes: Vec<String> = named
        .iter()
        .map(|code| code.trim().to_ascii_uppercase())
        .collect();
    codes.sort();
    codes.dedup();
    if codes.is_empty() {
        codes = held.clone();
    }
    if codes.is_empty() {
        bail!(
            "the store {} holds no collective: run `gufen init --charter FILE`",
            app.global.db.display()
        );
    }
    if let Some(missing) = codes.iter().find(|code| !held.contains(code)) {
        bail!(
            "no collective with code {missing} in the store {} (it holds: {})",
            app.global.db.display(),
            held.join(", ")
        );
    }

    let client = Client::connect(&location, &args.s3, true)?;
    let mut report = Published {
        to: location.to_string(),
        with_entries: args.with_entries,
        collectives: Vec::new(),
        files: 0,
        bytes: 0,
    };
    let mut integrity = false;
    for code in &codes {
        let ledger = store.ledger(code)?;
        let bundle = Bundle {
            client: &client,
            location: location.join(code),
        };
        let outcome = {
            let progress =
                crate::progress::Progress::start(app.global.lang, "上传记录", "uploading records");
            let outcome = publish_one(
                &ledger,
                &bundle,
                args.with_entries,
                Some(&progress.counter()),
            );
            outcome
        };
        let line = match outcome {
            Ok(summary) => {
                report.files += summary.files;
                report.bytes += summary.bytes;
                Line::published(code, &bundle.location, &summary)
            }
            Err(error) => {
                integrity |= matches!(
                    error.downcast_ref::<PublishError>(),
                    Some(
                        PublishError::Diverged(_)
                            | PublishError::Ledger(LedgerError::Corrupt { .. })
                    )
                ) || matches!(
                    error.downcast_ref::<LedgerError>(),
                    Some(LedgerError::Corrupt { .. })
                );
                Line::refused(code, &bundle.location, &error, app.global.lang)
            }
        };
        report.collectives.push(line);
    }
    app.render(&report)?;
    let refused: Vec<&Line> = report.collectives.iter().filter(|l| !l.ok).collect();
    if refused.is_empty() {
        return Ok(());
    }
    let lang = app.global.lang;
    let listed: Vec<String> = refused
        .iter()
        .map(|line| {
            format!(
                "{}: {}",
                line.code,
                line.problem.clone().unwrap_or_default()
            )
        })
        .collect();
    let message = t(
        lang,
        format!(
            "{} 个组织未发布：\n  {}",
            refused.len(),
            listed.join("\n  ")
        ),
        format!(
            "{} collective(s) not published:\n  {}",
            refused.len(),
            listed.join("\n  ")
        ),
    );
    if integrity {
        return Err(IntegrityFailure(message).into());
    }
    Err(anyhow!(message))
}

/// Publishes one collective: reads what the storage holds, then sends what it lacks (the
/// entry bundles only `with_entries`).
fn publish_one(
    ledger: &gufen_ledger::Ledger,
    bundle: &Bundle<'_>,
    with_entries: bool,
    hook: Option<gufen_ledger::progress::Hook<'_>>,
) -> Result<PublishSummary> {
    let checkpoint = bundle.get(CHECKPOINT_FILE)?;
    let charter = bundle.get(CHARTER_FILE)?;
    let mirror = Mirror {
        checkpoint: checkpoint.as_deref(),
        charter: charter.as_deref(),
    };
    let holds = |path: &str| bundle.holds(path);
    let entries: Entries<'_> = if with_entries { Some(&holds) } else { None };
    let mut send = |path: &str, bytes: &[u8]| bundle.put(path, bytes);
    Ok(ledger.publish(mirror, entries, &mut send, hook)?)
}

/// What `gufen publish` did, collective by collective.
#[derive(Serialize)]
struct Published {
    to: String,
    /// Whether the entry bundles (personal data) were published: `--with-entries`.
    with_entries: bool,
    collectives: Vec<Line>,
    /// Objects uploaded, over all collectives.
    files: u64,
    /// Bytes uploaded, over all collectives.
    bytes: u64,
}

/// One collective's publication: what was uploaded, or why it was not.
#[derive(Serialize)]
struct Line {
    code: String,
    /// Where its bundle is: `s3://BUCKET/PREFIX/CODE`.
    location: String,
    ok: bool,
    /// The published checkpoint's tree size (records).
    size: Option<u64>,
    root: Option<HashText>,
    /// The tree size of the checkpoint the storage held before, if any.
    previous_size: Option<u64>,
    entry_bundles: u64,
    tiles: u64,
    charter: bool,
    checkpoint: bool,
    /// Objects uploaded (entry bundles, tiles, charter, checkpoint).
    files: u64,
    bytes: u64,
    problem: Option<String>,
}

impl Line {
    fn published(code: &str, location: &Location, summary: &PublishSummary) -> Line {
        Line {
            code: code.to_string(),
            location: location.to_string(),
            ok: true,
            size: Some(summary.size),
            root: Some(HashText(summary.root)),
            previous_size: summary.previous_size,
            entry_bundles: summary.entry_bundles,
            tiles: summary.tiles,
            charter: summary.charter,
            checkpoint: summary.checkpoint,
            files: summary.files,
            bytes: summary.bytes,
            problem: None,
        }
    }

    fn refused(code: &str, location: &Location, error: &anyhow::Error, lang: Lang) -> Line {
        Line {
            code: code.to_string(),
            location: location.to_string(),
            ok: false,
            size: None,
            root: None,
            previous_size: None,
            entry_bundles: 0,
            tiles: 0,
            charter: false,
            checkpoint: false,
            files: 0,
            bytes: 0,
            problem: Some(crate::messages::localized(lang, &error.to_string())),
        }
    }
}

impl Document for Published {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(format!(
            "{} {}",
            t(lang, "已发布到", "published to"),
            self.to
        ));
        layout.line(if self.with_entries {
            t(
                lang,
                "含条目包（记录原文，含完整身份证号和银行账号，属个人信息）：此存储桶必须限制访问，只供审计人员读取，不得公开",
                "with the entry bundles (the records as stored, whole citizen IDs and bank account numbers: personal data): this bucket must be access-controlled, for auditors only, never public",
            )
        } else {
            t(
                lang,
                "只含哈希瓦片、章程和检查点（无个人信息），供见证和一致性核验；未上传条目包（记录原文）：完整审计需要用 --with-entries 发布到限制访问的存储桶",
                "the hash tiles, the charter and the checkpoint only (nothing personal), for witnessing and consistency; no entry bundles (the records) were uploaded: a full audit needs a publish with --with-entries to an access-controlled bucket",
            )
        });
        let mut table = Table::typed(
            vec![
                t(lang, "组织代码", "collective"),
                t(lang, "记录数", "records"),
                t(lang, "此前", "before"),
                t(lang, "条目包", "entry bundles"),
                t(lang, "哈希瓦片", "tiles"),
                t(lang, "对象数", "objects"),
                t(lang, "字节数", "bytes"),
                t(lang, "结果", "result"),
            ],
            vec![
                Column::Code,
                Column::Number,
                Column::Number,
                Column::Number,
                Column::Number,
                Column::Number,
                Column::Number,
                Column::Text,
            ],
        );
        let count = |n: Option<u64>| n.map_or_else(|| "-".to_string(), |n| n.to_string());
        for line in &self.collectives {
            let result = match (&line.problem, line.files) {
                (Some(problem), _) => t(
                    lang,
                    format!("未发布：{problem}"),
                    format!("not published: {problem}"),
                ),
                (None, 0) => t(lang, "已是最新", "up to date").to_string(),
                (None, _) if line.checkpoint => {
                    t(lang, "已上传，检查点最后", "uploaded, checkpoint last").to_string()
                }
                (None, _) => t(lang, "已上传", "uploaded").to_string(),
            };
            table.push(vec![
                line.code.clone(),
                count(line.size),
                count(line.previous_size),
                line.entry_bundles.to_string(),
                line.tiles.to_string(),
                line.files.to_string(),
                line.bytes.to_string(),
                result,
            ]);
        }
        layout.table(table);
        let published = self.collectives.iter().filter(|l| l.ok).count();
        layout.field(
            t(lang, "已发布组织", "collectives published"),
            format!("{published}/{}", self.collectives.len()),
        );
        layout.field(
            t(lang, "上传对象", "objects uploaded"),
            self.files.to_string(),
        );
        layout.field(
            t(lang, "上传字节", "bytes uploaded"),
            self.bytes.to_string(),
        );
        layout
    }
}
