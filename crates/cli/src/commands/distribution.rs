//! `gufen distribution …`: the yearly run (draft, notice, approve, post, pay), the public notice
//! (公示), `show` and `owed`.

use crate::app::{date_or_today, App};
use crate::arguments::{choice, date, percent, person_id, yuan};
use crate::document::distribution::{Owed, PlanDocument, PlanPaper, PlanSummary};
use crate::document::paper;
use crate::document::records::{WithOutcome, WriteOutcome};
use crate::document::Document;
use crate::input::Encoding;
use crate::labels::{t, Labelled};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::amount::Percent;
use gufen_core::charter::{ApprovalBody, Rounding};
use gufen_core::command::Action;
use gufen_core::distribution::DraftInput;
use gufen_core::report;
use gufen_core::state::Key;
use gufen_core::{Command, Fen, PersonId};
use gufen_ledger::Ledger;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum DistributionCommand {
    /// Draft (or redraft, until approved) the year's plan: funds at the charter's rates, then
    /// every holder's line on the record date (R12, R14).
    Draft {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
        /// The year's income in yuan, e.g. 1250000.00.
        #[arg(long, value_parser = yuan, allow_hyphen_values = true)]
        income: Fen,
        /// Losses to cover first, in yuan.
        #[arg(long, default_value = "0", value_parser = yuan, allow_hyphen_values = true)]
        losses: Fen,
        #[arg(long, value_parser = date)]
        record_date: NaiveDate,
        /// The rounding rule (default: the charter's).
        #[arg(long, value_parser = choice::<Rounding>())]
        rounding: Option<Rounding>,
        /// This year's reserve fund rate in percent (default: the charter's; never below its floor).
        #[arg(long, value_parser = percent, allow_hyphen_values = true)]
        reserve_rate: Option<Percent>,
        /// This year's welfare fund rate in percent (default: the charter's; never below its floor).
        #[arg(long, value_parser = percent, allow_hyphen_values = true)]
        welfare_rate: Option<Percent>,
        /// The date of the draft (default: today).
        #[arg(long, value_parser = date)]
        date: Option<NaiveDate>,
    },
    /// Put the plan up for public notice (公示) and print the notice (R13, R16).
    Notice {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Record the assembly's approval: after the notice period, at least 2/3 of all eligible (R13).
    Approve {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
        #[arg(long, value_parser = choice::<ApprovalBody>())]
        body: ApprovalBody,
        /// Votes for.
        #[arg(long = "for", value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
        votes_for: u64,
        /// All eligible: for the members' assembly, every member on the register that day.
        #[arg(long, value_parser = crate::arguments::whole::<u64>, allow_hyphen_values = true)]
        eligible: u64,
        #[arg(long)]
        resolution: String,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Post the approved plan: one dividend record per holder and a summary, in one batch (R14).
    Post {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// Record the payment of one holder's dividend, or of every row of a bank's payment file
    /// (CSV id,ref) in one batch.
    Pay {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
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
        /// A bank's payment file (id,ref; CSV or a workbook, a header row in English or
        /// Chinese as docs/import.md lists): one batch, one bad row refuses it all.
        #[arg(long, conflicts_with = "reference")]
        file: Option<PathBuf>,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
        /// How a CSV payment file's bytes are read (auto: UTF-8, else GBK/GB18030).
        #[arg(long, value_enum)]
        encoding: Option<Encoding>,
        #[arg(long, value_name = "NAME", requires = "file")]
        sheet: Option<String>,
    },
    /// The plan and every holder's line, paid or unpaid; `--notice` reprints the public notice.
    Show {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
        #[arg(long)]
        notice: bool,
    },
    /// The pay-out sheet (分红发放表) of a posted year: every holder's dividend with a column
    /// to sign on receipt; `--format html` prints it on A4.
    Sheet {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
    },
    /// Every posted dividend not yet paid, over all years.
    Owed,
    /// Write the year's unpaid lines as the bank's batch pay-out file (代发) to `-o FILE`,
    /// shaped by the bank's template; lines without an account are listed, not dropped.
    Payfile(crate::commands::bank::PayfileArgs),
    /// Record the bank's result file: paid lines paid with the bank's reference, failed lines
    /// kept owed with the bank's reason; `--resubmit OUT` writes the failed lines again.
    Payresult(crate::commands::bank::PayresultArgs),
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
            app.write_with_document(date, Action::DraftDistribution(input), |ledger| {
                App::summary(ledger, year)
            })
        }
        DistributionCommand::Notice { year, date } => {
            app.write_with_document(date, Action::NoticeDistribution { year }, |ledger| {
                App::plan(ledger, year, PlanPaper::Notice)
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
            let _progress = crate::progress::Progress::start(app.global.lang, "入账", "posting");
            app.write_with_document(date, Action::PostDistribution { year }, |ledger| {
                App::summary(ledger, year)
            })
        }
        DistributionCommand::Pay {
            year,
            id,
            reference,
            file,
            date,
            encoding,
            sheet,
        } => match (id, reference, file) {
            (Some(_), Some(_), None) if encoding.is_some() => bail!(t(
                app.global.lang,
                "--encoding 只用于 --file 给出的付款文件",
                "--encoding reads a payment file: give it with --file"
            )),
            (Some(person), Some(reference), None) => app.write(
                date,
                Action::PayDividend {
                    year,
                    person,
                    reference,
                },
            ),
            (None, None, Some(path)) => app.pay_file(
                year,
                &path,
                date,
                encoding.unwrap_or_default(),
                sheet.as_deref(),
            ),
            _ => bail!("give either --id and --ref, or --file"),
        },
        DistributionCommand::Show { year, notice } => {
            let (_store, ledger) = app.open()?;
            let document = if notice {
                PlanPaper::Notice
            } else {
                PlanPaper::Show
            };
            let plan = App::plan(&ledger, year, document)?;
            app.render(&plan)
        }
        DistributionCommand::Sheet { year } => app.payout_sheet(year),
        DistributionCommand::Owed => app.owed(),
        DistributionCommand::Payfile(args) => crate::commands::bank::payfile(app, args),
        DistributionCommand::Payresult(args) => crate::commands::bank::payresult(app, args),
    }
}

impl App {
    fn pay_file(
        &mut self,
        year: u16,
        path: &std::path::Path,
        date: NaiveDate,
        encoding: Encoding,
        sheet: Option<&str>,
    ) -> Result<()> {
        self.refuse_output_over(&[path])?;
        let read = crate::roster::read_payments(path, encoding, sheet, self.global.lang)?;
        let mut payments = crate::roster::payments(read)?;
        let (_store, ledger) = self.open()?;
        let command = Command {
            date,
            action: Action::PayDividends {
                year,
                payments: std::mem::take(&mut payments.rows),
            },
        };
        let file = payments.file.clone();
        self.execute_rows(&ledger, &command, &file, |violation| {
            payments.describe(violation, "")
        })
    }

    /// Executes a write and prints the paper `document` makes after it with the write's
    /// outcome, as one document (JSON: the outcome alone).
    fn write_with_document<D: Document>(
        &mut self,
        date: NaiveDate,
        action: Action,
        document: impl FnOnce(&Ledger) -> Result<D>,
    ) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let outcome = ledger.execute(&self.context()?, &Command { date, action })?;
        let paper = document(&ledger)?;
        self.render(&WithOutcome {
            paper,
            outcome: WriteOutcome::new(&outcome),
        })
    }

    /// The plan's figures without its lines.
    fn summary(ledger: &Ledger, year: u16) -> Result<PlanSummary> {
        let state = ledger.load_state(Some(vec![Key::Collective, Key::Distribution(year)]))?;
        let found = state
            .distribution(year)
            .ok_or_else(|| anyhow!("no plan for {year}"))?;
        Ok(PlanSummary {
            year,
            status: found.status(),
            holders: found.plan.lines.len(),
            distributable_fen: found.plan.distributable_fen,
            lines_fen: found.plan.lines.iter().map(|l| l.amount_fen).sum(),
        })
    }

    /// The plan with every holder's line, as `paper` shows it.
    fn plan(ledger: &Ledger, year: u16, paper: PlanPaper) -> Result<PlanDocument> {
        let state = ledger.load_state(None)?;
        let charter = &state
            .collective()
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter;
        let Some(plan) = report::distribution(&state, year) else {
            bail!("no plan has been drafted for {year}")
        };
        Ok(PlanDocument::new(charter, &plan, paper))
    }

    /// The pay-out sheet of a posted year; refused, naming the plan's status, before posting.
    fn payout_sheet(&mut self, year: u16) -> Result<()> {
        let lang = self.global.lang;
        let (_store, ledger) = self.open()?;
        let state = ledger.load_state(None)?;
        let charter = &state
            .collective()
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter;
        let Some(plan) = report::distribution(&state, year) else {
            bail!(t(
                lang,
                format!("{year} 年度尚无分配方案"),
                format!("no plan has been drafted for {year}")
            ))
        };
        if !paper::payable(plan.status) {
            let status = plan.status.text(lang);
            bail!(t(
                lang,
                format!("{year} 年度分配方案尚未入账（{status}）：发放表只为已入账的方案打印"),
                format!("the {year} plan is not posted ({status}): a pay-out sheet is printed for a posted plan only")
            ))
        }
        self.render(&paper::PayoutSheet {
            document: "payout-sheet",
            collective: charter.name.clone(),
            code: charter.code.to_string(),
            year,
            posted_on: plan.posted_on,
            holders: plan.lines.len(),
            lines_fen: plan.lines_fen,
            paid_fen: plan.paid_fen,
            lines: plan.lines,
        })
    }

    fn owed(&mut self) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let state = ledger.load_state(None)?;
        let lines = report::owed(&state);
        self.render(&Owed {
            as_of: crate::app::today()?,
            owed_fen: lines.iter().map(|l| l.amount_fen).sum(),
            lines,
        })
    }
}
