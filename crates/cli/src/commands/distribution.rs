//! `gufen distribution …`: the yearly run (draft, notice, approve, post, pay), the public notice
//! (公示), `show` and `owed`.

use crate::app::{date_or_today, App};
use crate::arguments::{choice, date, percent, person_id, yuan};
use crate::cli::Format;
use crate::document::distribution::{Owed, PlanDocument, PlanPaper, PlanSummary};
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
        #[arg(long, conflicts_with = "reference")]
        file: Option<PathBuf>,
        #[arg(long, value_parser = date)]
        date: NaiveDate,
    },
    /// The plan and every holder's line, paid or unpaid; `--notice` reprints the public notice.
    Show {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
        #[arg(long)]
        notice: bool,
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
            app.write_with_document(date, Action::DraftDistribution(input), |app, ledger| {
                app.print_summary(ledger, year)
            })
        }
        DistributionCommand::Notice { year, date } => {
            app.write_with_document(date, Action::NoticeDistribution { year }, |app, ledger| {
                app.print_plan(ledger, year, PlanPaper::Notice)
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
                PlanPaper::Notice
            } else {
                PlanPaper::Show
            };
            app.print_plan(&ledger, year, document)
        }
        DistributionCommand::Owed => app.owed(),
        DistributionCommand::Payfile(args) => crate::commands::bank::payfile(app, args),
        DistributionCommand::Payresult(args) => crate::commands::bank::payresult(app, args),
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
        self.render(&PlanSummary {
            year,
            status: found.status(),
            holders: found.plan.lines.len(),
            distributable_fen: found.plan.distributable_fen,
            lines_fen: found.plan.lines.iter().map(|l| l.amount_fen).sum(),
        })
    }

    fn print_plan(&mut self, ledger: &Ledger, year: u16, paper: PlanPaper) -> Result<()> {
        let state = ledger.load_state(None)?;
        let charter = &state
            .collective()
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter;
        let Some(plan) = report::distribution(&state, year) else {
            bail!("no plan has been drafted for {year}")
        };
        self.render(&PlanDocument::new(charter, &plan, paper))
    }

    fn owed(&mut self) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let state = ledger.load_state(None)?;
        let lines = report::owed(&state);
        self.render(&Owed {
            owed_fen: lines.iter().map(|l| l.amount_fen).sum(),
            lines,
        })
    }
}
