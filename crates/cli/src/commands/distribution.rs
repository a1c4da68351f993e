//! `gufen distribution …`: the yearly run (draft, notice, approve, post, pay) and its documents,
//! the public notice (公示) and `show`, in zh/en as text, JSON or CSV. IDs are always masked.

use crate::app::{date_or_today, yes_no, App};
use crate::arguments::{choice, date, percent, person_id, yuan};
use crate::cli::{Format, Lang};
use crate::labels::Labelled;
use crate::render::{json, t, Table};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::amount::{format_scaled, Percent};
use gufen_core::charter::{ApprovalBody, Rounding};
use gufen_core::command::Action;
use gufen_core::distribution::DraftInput;
use gufen_core::report::{self, DistributionReport};
use gufen_core::state::Key;
use gufen_core::{Charter, Command, Fen, PersonId, Units};
use gufen_ledger::Ledger;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum DistributionCommand {
    /// Draft (or redraft, until approved) the year's plan: funds at the charter's rates, then
    /// every holder's line on the record date (R12, R14).
    Draft {
        #[arg(long)]
        year: u16,
        /// The year's income in yuan, e.g. 1250000.00.
        #[arg(long, value_parser = yuan)]
        income: Fen,
        /// Losses to cover first, in yuan.
        #[arg(long, default_value = "0", value_parser = yuan)]
        losses: Fen,
        #[arg(long, value_parser = date)]
        record_date: NaiveDate,
        /// The rounding rule (default: the charter's).
        #[arg(long, value_parser = choice::<Rounding>())]
        rounding: Option<Rounding>,
        /// This year's reserve fund rate in percent (default: the charter's; never below its floor).
        #[arg(long, value_parser = percent)]
        reserve_rate: Option<Percent>,
        /// This year's welfare fund rate in percent (default: the charter's; never below its floor).
        #[arg(long, value_parser = percent)]
        welfare_rate: Option<Percent>,
        /// The date of the draft (default: today).
        #[arg(long, value_parser = date)]
        date: Option<NaiveDate>,
    },
    /// Put the plan up for public notice (公示) and print the notice (R13, R16).
    Notice {
        #[arg(long)]
        year: u16,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Record the assembly's approval: after the notice period, at least 2/3 of all eligible (R13).
    Approve {
        #[arg(long)]
        year: u16,
        #[arg(long, value_parser = choice::<ApprovalBody>())]
        body: ApprovalBody,
        /// Votes for.
        #[arg(long = "for")]
        votes_for: u64,
        /// All eligible: for the members' assembly, every member on the register that day.
        #[arg(long)]
        eligible: u64,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Post the approved plan: one dividend record per holder and a summary, in one batch (R14).
    Post {
        #[arg(long)]
        year: u16,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Record the payment of one holder's dividend, or of every row of a bank's payment file
    /// (CSV id,ref) in one batch.
    Pay {
        #[arg(long)]
        year: u16,
        #[arg(
            long,
            required_unless_present = "file",
            conflicts_with = "file",
            requires = "reference",
            value_parser = person_id
        )]
        id: Option<PersonId>,
        /// The bank's transaction reference.
        #[arg(long = "ref")]
        reference: Option<String>,
        #[arg(long, conflicts_with = "reference")]
        file: Option<PathBuf>,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// The plan and every holder's line, paid or unpaid; `--notice` reprints the public notice.
    Show {
        #[arg(long)]
        year: u16,
        #[arg(long)]
        notice: bool,
    },
    /// Every posted dividend not yet paid, over all years.
    Owed,
}

/// Which document to print from a plan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Document {
    /// The public notice: no payment columns.
    Notice,
    /// The accountant's view: each line paid or unpaid.
    Show,
}

pub fn run(app: &mut App, command: DistributionCommand) -> Result<()> {
    match command {
        DistributionCommand::Draft {
            year,
            income,
            losses,
            record_date,
            rounding,
            reserve_rate,
            welfare_rate,
            date,
        } => {
            let input = DraftInput {
                year,
                record_date,
                income,
                losses,
                reserve_rate,
                welfare_rate,
                rounding,
            };
            let date = date_or_today(date)?;
            app.write_with_document(date, Action::DraftDistribution(input), |app, ledger| {
                app.print_summary(ledger, year)
            })
        }
        DistributionCommand::Notice { year, date } => {
            app.write_with_document(date, Action::NoticeDistribution { year }, |app, ledger| {
                app.print_plan(ledger, year, Document::Notice)
            })
        }
        DistributionCommand::Approve {
            year,
            body,
            votes_for,
            eligible,
            resolution,
            date,
        } => app.write(
            date,
            Action::ApproveDistribution {
                year,
                body,
                votes_for,
                eligible,
                resolution,
            },
        ),
        DistributionCommand::Post { year, date } => {
            app.write_with_document(date, Action::PostDistribution { year }, |app, ledger| {
                app.print_summary(ledger, year)
            })
        }
        DistributionCommand::Pay {
            year,
            id,
            reference,
            file,
            date,
        } => match (id, reference, file) {
            (Some(person), Some(reference), None) => app.write(
                date,
                Action::PayDividend {
                    year,
                    person,
                    reference,
                },
            ),
            (None, None, Some(path)) => app.pay_file(year, &path, date),
            _ => bail!("give either --id and --ref, or --file"),
        },
        DistributionCommand::Show { year, notice } => {
            let (_store, ledger) = app.open()?;
            let document = if notice {
                Document::Notice
            } else {
                Document::Show
            };
            app.print_plan(&ledger, year, document)
        }
        DistributionCommand::Owed => app.owed(),
    }
}

impl App {
    fn pay_file(&mut self, year: u16, path: &std::path::Path, date: NaiveDate) -> Result<()> {
        let (rows, lines) = crate::roster::read_payments(path)?;
        let mut payments = Vec::with_capacity(rows.len());
        let mut problems = Vec::new();
        for ((id, reference), line) in rows.into_iter().zip(&lines) {
            match PersonId::parse(&id) {
                Ok(person) => payments.push((person, reference)),
                Err(e) => problems.push(format!("line {line}: {e}")),
            }
        }
        if !problems.is_empty() {
            bail!(
                "{} row(s) of {} refused; nothing was written\n  {}",
                problems.len(),
                path.display(),
                problems.join("\n  ")
            );
        }
        let (_store, ledger) = self.open()?;
        let command = Command {
            date,
            action: Action::PayDividends { year, payments },
        };
        self.execute_rows(&ledger, &command, path, &lines)
    }

    /// Executes a write, prints a document (text and CSV) and then the outcome (text and JSON;
    /// JSON prints the outcome alone, CSV the document alone).
    fn write_with_document(
        &mut self,
        date: NaiveDate,
        action: Action,
        document: impl FnOnce(&mut App, &Ledger) -> Result<()>,
    ) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let outcome = ledger.execute(&self.context()?, &Command { date, action })?;
        if self.global.format != Format::Json {
            document(self, &ledger)?;
        }
        if self.global.format != Format::Csv {
            self.print_outcome(&outcome)?;
        }
        Ok(())
    }

    /// The plan's figures without its lines.
    fn print_summary(&mut self, ledger: &Ledger, year: u16) -> Result<()> {
        let state = ledger.load_state(Some(vec![Key::Collective, Key::Distribution(year)]))?;
        let found = state
            .distribution(year)
            .ok_or_else(|| anyhow!("no plan for {year}"))?;
        let lang = self.global.lang;
        let plan = &found.plan;
        let paid_out: i64 = plan.lines.iter().map(|l| l.amount_fen).sum();
        writeln!(
            self.out,
            "{year} {}{}: {} {}, {} {} {}, {} {} {}",
            t(lang, "年度分配方案", "distribution plan"),
            match found.status() {
                gufen_core::state::PlanStatus::Posted => t(lang, "（已入账）", " (posted)"),
                _ => "",
            },
            t(lang, "股东", "holders"),
            plan.lines.len(),
            t(lang, "可分配", "distributable"),
            Fen(plan.distributable_fen),
            t(lang, "元", "yuan"),
            t(lang, "分配到人", "to holders"),
            Fen(paid_out),
            t(lang, "元", "yuan"),
        )?;
        Ok(())
    }

    fn print_plan(&mut self, ledger: &Ledger, year: u16, document: Document) -> Result<()> {
        let state = ledger.load_state(None)?;
        let charter = state
            .collective()
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter
            .clone();
        let Some(plan) = report::distribution(&state, year) else {
            bail!("no plan has been drafted for {year}")
        };
        match self.global.format {
            Format::Json => self.plan_json(&charter, &plan, document),
            format => self.plan_table(&charter, &plan, document, format),
        }
    }

    fn plan_json(
        &mut self,
        charter: &Charter,
        plan: &DistributionReport,
        document: Document,
    ) -> Result<()> {
        let lines: Vec<_> = plan
            .lines
            .iter()
            .map(|l| {
                let mut line = json!({"name": l.name, "id_masked": l.id_masked, "household": l.household,
                    "weighted_units": l.weighted_units, "amount_fen": l.amount_fen, "estate": l.estate});
                if document == Document::Show {
                    line["paid"] = json!(l.paid);
                    line["paid_on"] = json!(l.paid_on.map(|d| d.to_string()));
                }
                line
            })
            .collect();
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
        json(
            &mut self.out,
            &json!({
                "document": match document { Document::Notice => "notice", Document::Show => "distribution" },
                "collective": charter.name, "code": charter.code.as_str(),
                "year": plan.plan.year, "status": plan.status, "revision": plan.revision,
                "record_date": plan.plan.record_date.to_string(), "drafted_on": plan.drafted_on.to_string(),
                "noticed_on": date(plan.noticed_on), "approved_on": date(plan.approved_on), "posted_on": date(plan.posted_on),
                "vote_not_before": date(plan.noticed_on.map(|d| d + chrono::Days::new(u64::from(charter.notice_days)))),
                "income_fen": plan.plan.income_fen, "losses_fen": plan.plan.losses_fen,
                "reserve_rate_percent": Percent(plan.plan.reserve_rate_ppm).to_string(), "reserve_fen": plan.plan.reserve_fen,
                "welfare_rate_percent": Percent(plan.plan.welfare_rate_ppm).to_string(), "welfare_fen": plan.plan.welfare_fen,
                "distributable_fen": plan.plan.distributable_fen, "rounding": plan.plan.rounding.as_str(),
                "total_weighted_units": plan.plan.total_weighted_units,
                "collective_weighted_units": plan.plan.collective_weighted_units, "collective_fen": plan.plan.collective_fen,
                "retained_fen": plan.plan.retained_fen, "per_share_yuan": format_scaled(plan.per_share_yuan_e4, 4, 2),
                "lines_fen": plan.lines_fen, "paid_fen": plan.paid_fen, "holders": plan.lines.len(),
                "lines": lines,
            }),
        )
    }

    fn plan_table(
        &mut self,
        charter: &Charter,
        plan: &DistributionReport,
        document: Document,
        format: Format,
    ) -> Result<()> {
        let lang = self.global.lang;
        let mut headers = vec![
            t(lang, "户号", "household"),
            t(lang, "姓名", "name"),
            t(lang, "身份证号", "ID"),
            t(lang, "折算股", "weighted shares"),
            t(lang, "分红(元)", "dividend (yuan)"),
        ];
        if document == Document::Show {
            headers.extend([t(lang, "已支付", "paid"), t(lang, "支付日期", "paid on")]);
        }
        let mut right = vec![false, false, false, true, true];
        right.resize(headers.len(), false);
        let mut table = Table::new(headers, right);
        for line in &plan.lines {
            let name = match (line.estate, lang) {
                (false, _) => line.name.clone(),
                (true, Lang::Zh) => format!("{}（遗产）", line.name),
                (true, Lang::En) => format!("{} (estate)", line.name),
            };
            let mut row = vec![
                line.household.clone(),
                name,
                line.id_masked.clone(),
                Units(line.weighted_units).to_string(),
                Fen(line.amount_fen).to_string(),
            ];
            if document == Document::Show {
                row.push(yes_no(lang, line.paid));
                row.push(line.paid_on.map(|d| d.to_string()).unwrap_or_default());
            }
            table.push(row);
        }
        let mut total = vec![
            t(lang, "合计", "total").to_string(),
            String::new(),
            String::new(),
            Units(plan.lines.iter().map(|l| l.weighted_units).sum()).to_string(),
            Fen(plan.lines_fen).to_string(),
        ];
        if document == Document::Show {
            total.push(Fen(plan.paid_fen).to_string());
            total.push(String::new());
        }
        table.push(total);
        if format == Format::Text {
            self.plan_heading(charter, plan, document)?;
        }
        table.write(format, &mut self.out)
    }

    fn plan_heading(
        &mut self,
        charter: &Charter,
        plan: &DistributionReport,
        document: Document,
    ) -> Result<()> {
        let lang = self.global.lang;
        let zh = lang == Lang::Zh;
        let title = match (document, zh) {
            (Document::Notice, true) => "年度收益分配方案公示",
            (Document::Notice, false) => "income distribution plan: public notice",
            (Document::Show, true) => "年度收益分配",
            (Document::Show, false) => "income distribution",
        };
        let status = match (plan.status.as_str(), zh) {
            (s, false) => s.to_string(),
            ("drafted", true) => "草案".into(),
            ("noticed", true) => "公示中".into(),
            ("approved", true) => "已表决通过".into(),
            (_, true) => "已入账".into(),
        };
        let out = &mut self.out;
        if zh {
            writeln!(
                out,
                "{}（{}）{} {title}（第 {} 稿，{status}）",
                charter.name, charter.code, plan.plan.year, plan.revision
            )?;
        } else {
            writeln!(
                out,
                "{} ({}) {} {title} (draft {}, {status})",
                charter.name, charter.code, plan.plan.year, plan.revision
            )?;
        }
        let when = |d: Option<chrono::NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
        let vote = plan
            .noticed_on
            .map(|d| d + chrono::Days::new(u64::from(charter.notice_days)));
        writeln!(
            out,
            "{}: {}    {}: {}    {}: {}",
            t(lang, "股权登记日", "record date"),
            plan.plan.record_date,
            t(lang, "公示日期", "noticed on"),
            when(plan.noticed_on),
            t(lang, "表决不早于", "vote not before"),
            when(vote),
        )?;
        let sep = t(lang, "；", "; ");
        let rounding = plan.plan.rounding.text(lang);
        let funds = [
            format!(
                "{} {}",
                t(lang, "年度收益", "income"),
                Fen(plan.plan.income_fen)
            ),
            format!(
                "{} {}",
                t(lang, "弥补亏损", "losses covered"),
                Fen(plan.plan.losses_fen)
            ),
            format!(
                "{} ({}%) {}",
                t(lang, "提取公积金", "reserve fund"),
                Percent(plan.plan.reserve_rate_ppm),
                Fen(plan.plan.reserve_fen)
            ),
            format!(
                "{} ({}%) {}",
                t(lang, "提取公益金", "welfare fund"),
                Percent(plan.plan.welfare_rate_ppm),
                Fen(plan.plan.welfare_fen)
            ),
            format!(
                "{} {}",
                t(lang, "可分配", "distributable"),
                Fen(plan.plan.distributable_fen)
            ),
        ];
        writeln!(
            out,
            "{}{}",
            funds.join(sep),
            t(lang, "（金额单位：元）", " (amounts in yuan)")
        )?;
        let shares = [
            format!(
                "{} {}",
                t(lang, "折算总股数", "weighted shares in all"),
                Units(plan.plan.total_weighted_units)
            ),
            format!(
                "{} {}",
                t(lang, "每股分红", "per share"),
                format_scaled(plan.per_share_yuan_e4, 4, 2)
            ),
            format!("{} {rounding}", t(lang, "尾差处理", "rounding")),
            format!(
                "{} {}",
                t(lang, "留存", "retained"),
                Fen(plan.plan.retained_fen)
            ),
            format!(
                "{} {}",
                t(lang, "集体股分得", "collective share's part"),
                Fen(plan.plan.collective_fen)
            ),
        ];
        writeln!(out, "{}", shares.join(sep))?;
        Ok(())
    }

    fn owed(&mut self) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let state = ledger.load_state(None)?;
        let owed = report::owed(&state);
        let lang = self.global.lang;
        let total: i64 = owed.iter().map(|l| l.amount_fen).sum();
        if self.global.format == Format::Json {
            let lines: Vec<_> = owed
                .iter()
                .map(|l| json!({"year": l.year, "name": l.name, "id_masked": l.id_masked, "household": l.household,
                                "amount_fen": l.amount_fen, "estate": l.estate}))
                .collect();
            return json(&mut self.out, &json!({"owed_fen": total, "lines": lines}));
        }
        let mut table = Table::new(
            vec![
                t(lang, "年度", "year"),
                t(lang, "户号", "household"),
                t(lang, "姓名", "name"),
                t(lang, "身份证号", "ID"),
                t(lang, "未付分红(元)", "owed (yuan)"),
            ],
            vec![false, false, false, false, true],
        );
        for l in &owed {
            let name = match (l.estate, lang) {
                (false, _) => l.name.clone(),
                (true, Lang::Zh) => format!("{}（遗产）", l.name),
                (true, Lang::En) => format!("{} (estate)", l.name),
            };
            table.push(vec![
                l.year.to_string(),
                l.household.clone(),
                name,
                l.id_masked.clone(),
                Fen(l.amount_fen).to_string(),
            ]);
        }
        table.push(vec![
            t(lang, "合计", "total").to_string(),
            String::new(),
            String::new(),
            String::new(),
            Fen(total).to_string(),
        ]);
        table.write(self.global.format, &mut self.out)
    }
}
