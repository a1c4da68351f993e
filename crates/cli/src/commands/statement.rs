//! `gufen statement --id ID --out FILE`: a member's statement (gufen-statement/v1), every record
//! concerning them with its inclusion proof against the ledger's signed checkpoint; and
//! `audit statement FILE --trust VKEY [--witness VKEY]...`, its offline check (exit 3 naming
//! the first record that fails). docs/audit.md ("Member statements") describes the format.

use crate::app::{now, App, IntegrityFailure};
use crate::arguments::person_id;
use crate::cli::{Format, Lang};
use crate::document::paper::{StatementLine, StatementPaper};
use crate::document::records::Summary as DocumentSummary;
use crate::document::{Column, Document, Layout, Table};
use crate::labels::events::summary;
use crate::labels::{event_type, t};
use anyhow::{anyhow, bail, Context as _, Result};
use clap::Args;
use gufen_core::ids::MaskedId;
use gufen_core::state::Key;
use gufen_core::PersonId;
use gufen_ledger::note::Verifier;
use gufen_ledger::statement::{self, Statement, Summary};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct StatementArgs {
    #[arg(long, value_parser = person_id)]
    id: PersonId,
    /// The statement file to write (JSON).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the statement as a paper (HTML, A4) with its reference as a QR code, on standard
    /// output or into `-o FILE`; the same as `--format html`. With `--out` the JSON is written
    /// too.
    #[arg(long)]
    paper: bool,
}

pub fn run(app: &mut App, args: StatementArgs) -> Result<()> {
    let person = args.id;
    let (_store, ledger) = app.open()?;
    let state = ledger.load_state(Some(vec![Key::Collective, Key::Person(person.clone())]))?;
    let collective = state
        .collective()
        .ok_or_else(|| anyhow!("the ledger holds no collective yet"))?;
    let Some(entity) = state.person(&person) else {
        bail!("no person with ID {} in the ledger", person.masked());
    };
    let classes = collective.charter.classes.clone();
    let made = statement::build(
        &ledger,
        &person,
        &entity.name,
        &collective.charter.name,
        now()?.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        |event| Summary {
            zh: summary(event, Lang::Zh, &classes),
            en: summary(event, Lang::En, &classes),
        },
    )?;
    let checkpoint = statement::checkpoint_of(&made)
        .ok_or_else(|| anyhow!("the ledger's checkpoint note does not parse"))?;
    if let Some(out) = &args.out {
        let json = serde_json::to_string_pretty(&made)? + "\n";
        std::fs::write(out, json)
            .with_context(|| format!("{} cannot be written", out.display()))?;
    }
    if args.paper || app.global.format == Format::Html {
        app.global.format = Format::Html;
        return app.render(&statement_paper(&made, &person, checkpoint.size));
    }
    let Some(out) = args.out else {
        bail!(t(
            app.global.lang,
            "请用 --out FILE 写出对账单文件（JSON），或用 --paper 打印纸质对账单",
            "give --out FILE for the statement file (JSON), or --paper for the printed statement"
        ))
    };
    app.render(&StatementWritten {
        id_masked: person.masked_id(),
        records: made.records.len(),
        bytes_omitted: made.records.iter().filter(|r| r.bytes.is_none()).count(),
        not_yet_covered: made.not_yet_covered.len(),
        checkpoint_size: checkpoint.size,
        reference: made.reference.clone(),
        out: out.display().to_string(),
    })
}

/// The statement as printed: every ID masked (the file holds the member's whole ID, the paper
/// does not).
fn statement_paper(made: &Statement, person: &PersonId, checkpoint_size: u64) -> StatementPaper {
    let summary = |s: &statement::Summary| DocumentSummary {
        zh: s.zh.clone(),
        en: s.en.clone(),
    };
    StatementPaper {
        document: "member-statement",
        collective: made.collective.name.clone(),
        code: made.collective.code.clone(),
        name: made.person.name.clone(),
        id_masked: person.masked_id(),
        issued_at: made.issued_at.clone(),
        checkpoint_size,
        reference: made.reference.clone(),
        records: made
            .records
            .iter()
            .map(|r| StatementLine {
                seq: r.seq,
                date: r.date,
                event_type: r.event_type.clone(),
                summary: summary(&r.summary),
            })
            .collect(),
        not_yet_covered: made.not_yet_covered.len(),
        dividends: made.dividends.clone(),
    }
}

/// What `statement` reports: never the whole ID (it is in the file, for its owner).
#[derive(Serialize)]
struct StatementWritten {
    id_masked: MaskedId,
    records: usize,
    bytes_omitted: usize,
    not_yet_covered: usize,
    checkpoint_size: u64,
    reference: String,
    out: String,
}

impl Document for StatementWritten {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(lang, "成员对账单已生成", "member statement written"));
        layout.field(t(lang, "身份证号", "ID"), self.id_masked.to_string());
        layout.field(t(lang, "记录", "records"), self.records.to_string());
        layout.field(
            t(
                lang,
                "涉及他人、未附原始记录",
                "bytes left out (name others)",
            ),
            self.bytes_omitted.to_string(),
        );
        layout.field(
            t(lang, "检查点尚未覆盖", "not yet covered by the checkpoint"),
            self.not_yet_covered.to_string(),
        );
        layout.field(
            t(lang, "检查点记录数", "checkpoint size"),
            self.checkpoint_size.to_string(),
        );
        layout.field(t(lang, "核验码", "reference"), self.reference.clone());
        layout.field(t(lang, "文件", "file"), self.out.clone());
        layout
    }
}

#[derive(clap::Args, Debug)]
pub struct AuditStatementArgs {
    /// The statement file (gufen-statement/v1 JSON).
    file: PathBuf,
    /// The ledger's verifier key (vkey text, or a file holding it).
    #[arg(long)]
    trust: String,
    /// A witness whose cosignature is required (cosigner vkey text or file); repeatable.
    #[arg(long)]
    witness: Vec<String>,
}

pub fn audit_statement(app: &mut App, args: AuditStatementArgs) -> Result<()> {
    let log = Verifier::new(&crate::arguments::vkey(&args.trust)?)
        .map_err(|e| anyhow!("--trust is not a log verifier key: {e}"))?;
    let witnesses = args
        .witness
        .iter()
        .map(|w| {
            Verifier::cosigner(&crate::arguments::vkey(w)?)
                .map_err(|e| anyhow!("--witness is not a witness (cosigner) key: {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("{} cannot be read", args.file.display()))?;
    let parsed: Statement = serde_json::from_str(&text).map_err(|e| {
        IntegrityFailure(format!(
            "{} is not a gufen-statement/v1 file: {e}",
            args.file.display()
        ))
    })?;
    let report = statement::check(&parsed, &log, &witnesses);
    let id_masked = PersonId::parse(&parsed.person.id)
        .map(|id| id.masked())
        .unwrap_or_else(|_| "-".to_string());
    app.render(&StatementAudit::new(&parsed, id_masked, &report))?;
    if let Some(failure) = report.failure {
        let lang = app.global.lang;
        let at = failure.seq.map_or_else(String::new, |seq| {
            t(
                lang,
                format!("（第 {seq} 条记录）"),
                format!(" at record {seq}"),
            )
        });
        let problem = failure.problem;
        return Err(IntegrityFailure(t(
            lang,
            format!("成员对账单核验未通过{at}：{problem}"),
            format!("the statement does not check{at}: {problem}"),
        ))
        .into());
    }
    Ok(())
}

/// What `audit statement` checked.
#[derive(Serialize)]
struct StatementAudit {
    ok: bool,
    collective: String,
    id_masked: String,
    checkpoint_size: Option<u64>,
    witnesses: Vec<String>,
    records: Vec<AuditedRecord>,
    not_yet_covered: usize,
    dividends_checked: bool,
    reference: String,
    reference_checked: bool,
    failed_seq: Option<u64>,
    problem: Option<String>,
}

#[derive(Serialize)]
struct AuditedRecord {
    seq: u64,
    date: chrono::NaiveDate,
    #[serde(rename = "type")]
    event_type: String,
    proof_checked: bool,
    bytes_checked: bool,
}

impl StatementAudit {
    fn new(parsed: &Statement, id_masked: String, report: &statement::Report) -> Self {
        StatementAudit {
            ok: report.failure.is_none(),
            collective: parsed.collective.code.clone(),
            id_masked,
            checkpoint_size: report.checkpoint.as_ref().map(|c| c.size),
            witnesses: report.witnesses.clone(),
            records: report
                .records
                .iter()
                .map(|r| AuditedRecord {
                    seq: r.seq,
                    date: r.date,
                    event_type: r.event_type.clone(),
                    proof_checked: true,
                    bytes_checked: r.bytes_checked,
                })
                .collect(),
            not_yet_covered: report.not_yet_covered,
            dividends_checked: report.dividends_checked,
            reference: parsed.reference.clone(),
            reference_checked: report.reference_checked,
            failed_seq: report.failure.as_ref().and_then(|f| f.seq),
            problem: report.failure.as_ref().map(|f| f.problem.clone()),
        }
    }
}

impl Document for StatementAudit {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(if self.ok {
            t(lang, "成员对账单核验通过", "member statement verified")
        } else {
            t(lang, "成员对账单核验未通过", "member statement FAILED")
        });
        layout.field(
            t(lang, "集体经济组织", "collective"),
            self.collective.clone(),
        );
        layout.field(t(lang, "身份证号", "ID"), self.id_masked.clone());
        layout.field(
            t(lang, "检查点（已验签）", "checkpoint (signature verified)"),
            self.checkpoint_size.map_or_else(
                || "-".to_string(),
                |s| format!("{s} {}", t(lang, "条记录", "records")),
            ),
        );
        layout.field(
            t(lang, "见证联署", "witness cosignatures"),
            if self.witnesses.is_empty() {
                "-".to_string()
            } else {
                self.witnesses.join(", ")
            },
        );
        let mut table = Table::typed(
            vec![
                t(lang, "序号", "seq"),
                t(lang, "日期", "date"),
                t(lang, "类型", "type"),
                t(lang, "包含证明", "inclusion proof"),
                t(lang, "原始记录", "record bytes"),
            ],
            vec![
                Column::Number,
                Column::Date,
                Column::Text,
                Column::Text,
                Column::Text,
            ],
        );
        for record in &self.records {
            table.push(vec![
                record.seq.to_string(),
                record.date.to_string(),
                event_type(&record.event_type, lang).to_string(),
                t(lang, "通过", "ok").to_string(),
                if record.bytes_checked {
                    t(lang, "已核对", "checked")
                } else {
                    t(lang, "涉及他人，未附", "left out (names others)")
                }
                .to_string(),
            ]);
        }
        layout.table(table);
        layout.field(
            t(lang, "检查点尚未覆盖", "not yet covered"),
            self.not_yet_covered.to_string(),
        );
        layout.field(
            t(lang, "分红明细", "dividend lines"),
            t(
                lang,
                yes_no(self.dividends_checked).0,
                yes_no(self.dividends_checked).1,
            )
            .to_string(),
        );
        layout.field(
            t(lang, "核验码", "reference"),
            format!(
                "{} ({})",
                self.reference,
                t(
                    lang,
                    yes_no(self.reference_checked).0,
                    yes_no(self.reference_checked).1
                )
            ),
        );
        if let Some(problem) = &self.problem {
            let at = self
                .failed_seq
                .map_or_else(|| "-".to_string(), |s| s.to_string());
            layout.field(t(lang, "首个失败记录", "first failing record"), at);
            layout.field(t(lang, "问题", "problem"), problem.clone());
        }
        layout
    }
}

fn yes_no(ok: bool) -> (&'static str, &'static str) {
    if ok {
        ("已核对", "checked")
    } else {
        ("未核对", "not checked")
    }
}
