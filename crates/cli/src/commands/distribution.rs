//! `gufen distribution …`: the yearly run (draft, notice, approve, post, pay), the public notice
//! (公示), `show` and `owed`.

use crate::app::{date_or_today, App};
use crate::arguments::{choice, date, percent, person_id, yuan};
use crate::cli::Lang;
use crate::document::distribution::{shown, Owed, PlanDocument, PlanPaper, PlanSummary};
use crate::document::paper;
use crate::document::records::{WithOutcome, WriteOutcome};
use crate::document::Document;
use crate::input::Encoding;
use crate::labels::{t, Labelled};
use crate::listing::{OwedLines, PlanLines};
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use clap::Subcommand;
use gufen_core::amount::Percent;
use gufen_core::charter::Charter;
use gufen_core::charter::{ApprovalBody, Rounding};
use gufen_core::command::Action;
use gufen_core::distribution::DraftInput;
use gufen_core::report::{self, DistributionSums};
use gufen_core::state::{Key, PlanStatus};
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
        /// The plan and its payments as they stood on a past date, rebuilt from the log.
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
    /// The pay-out sheet (分红发放表) of a posted year: every holder's dividend with a column
    /// to sign on receipt; `--format html` prints it on A4.
    Sheet {
        #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
        year: u16,
        /// The sheet as it stood on a past date, rebuilt from the log.
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
    /// Every posted dividend not yet paid, over all years.
    Owed {
        /// What was owed on a past date, rebuilt from the log.
        #[arg(long, value_parser = date)]
        as_of: Option<NaiveDate>,
    },
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
            let lang = app.global.lang;
            app.write_with_document(date, Action::NoticeDistribution { year }, |ledger| {
                App::plan(ledger, year, PlanPaper::Notice, lang)
            })
            .map_err(|error| reprint_instead(error, year))
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
        DistributionCommand::Show {
            year,
            notice,
            as_of,
        } => {
            let document = if notice {
                PlanPaper::Notice
            } else {
                PlanPaper::Show
            };
            match as_of {
                None => app.show(year, document),
                Some(date) => app.show_as_of(year, document, date),
            }
        }
        DistributionCommand::Sheet { year, as_of } => app.payout_sheet(year, as_of),
        DistributionCommand::Owed { as_of } => app.owed(as_of),
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
        self.execute_rows(&ledger, command, &file, |violation| {
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

    /// The plan with every holder's line, as `paper` shows it, gathered from the projections
    /// (never a whole state): the paper a notice prints after its write.
    fn plan(ledger: &Ledger, year: u16, paper: PlanPaper, lang: Lang) -> Result<PlanDocument> {
        let (charter, lines) = App::plan_lines(ledger, year, lang)?;
        let mut document =
            PlanDocument::heading(&charter, &lines.heading(), paper, lines.len(), &lines.sums);
        lines.each(&mut |line| {
            document.lines.push(shown(paper, line));
            Ok(())
        })?;
        Ok(document)
    }

    /// The charter and the `year` plan's lines, refused when there is no plan.
    fn plan_lines(ledger: &Ledger, year: u16, lang: Lang) -> Result<(Charter, PlanLines)> {
        let charter = ledger
            .collective()?
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter;
        match PlanLines::read(ledger, year)? {
            Some(lines) => Ok((charter, lines)),
            None => bail!(no_plan(lang, year, None)),
        }
    }

    /// `distribution show`: the plan as `paper` shows it, each line read from the projections
    /// as it is printed (text, CSV, JSON); a workbook and a printed paper gather the lines.
    fn show(&mut self, year: u16, paper: PlanPaper) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let (charter, lines) = App::plan_lines(&ledger, year, self.global.lang)?;
        let document =
            PlanDocument::heading(&charter, &lines.heading(), paper, lines.len(), &lines.sums);
        self.render_list(
            document,
            "lines",
            &mut |each| lines.each(&mut |line| each(&shown(paper, line))),
            |document, lang| document.frame(lang),
            |document, lang, _, line| document.row(lang, line),
            |document, line| document.lines.push(line.clone()),
        )
    }

    /// `distribution show --as-of`: the plan as it stood on `date`, rebuilt from the log and
    /// printed whole.
    fn show_as_of(&mut self, year: u16, paper: PlanPaper, date: NaiveDate) -> Result<()> {
        let (_store, ledger) = self.open()?;
        let (state, _) = self.state(&ledger, date)?;
        let charter = &state
            .collective()
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter;
        let Some(plan) = report::distribution(&state, year) else {
            bail!(no_plan(self.global.lang, year, Some(date)))
        };
        self.render(&PlanDocument::new(charter, &plan, paper))
    }

    /// The pay-out sheet of a posted year; refused, naming the plan's status, before posting.
    /// Streamed from the projections as `show` is; `as_of` rebuilds it from the log.
    fn payout_sheet(&mut self, year: u16, as_of: Option<NaiveDate>) -> Result<()> {
        let lang = self.global.lang;
        let (_store, ledger) = self.open()?;
        if let Some(date) = as_of {
            let (state, _) = self.state(&ledger, date)?;
            let charter = &state
                .collective()
                .ok_or_else(|| anyhow!("the collective is not registered"))?
                .charter;
            let plan = report::distribution(&state, year);
            refuse_unless_payable(lang, year, plan.as_ref().map(|p| p.status), Some(date))?;
            let plan = plan.expect("a payable plan is there");
            let sums = DistributionSums::of(&plan.lines);
            let mut sheet = payout_sheet(charter, year, plan.posted_on, &sums, plan.lines.len());
            sheet.lines = plan.lines;
            return self.render(&sheet);
        }
        let charter = ledger
            .collective()?
            .ok_or_else(|| anyhow!("the collective is not registered"))?
            .charter;
        // Refused before any holder is read.
        let found = ledger.distribution(year)?;
        refuse_unless_payable(lang, year, found.as_ref().map(|f| f.status()), None)?;
        let lines = PlanLines::of(&ledger, found.expect("a payable plan is there"))?;
        let posted_on = lines.found.posted_on();
        let sheet = payout_sheet(&charter, year, posted_on, &lines.sums, lines.len());
        self.render_list(
            sheet,
            "lines",
            &mut |each| lines.each(each),
            |sheet, lang| sheet.frame(lang),
            |sheet, lang, number, line| sheet.row(lang, number, line),
            |sheet, line| sheet.lines.push(line.clone()),
        )
    }

    /// Every dividend still owed, over all years, each line read from the projections as it is
    /// printed (a workbook and a printed paper gather them); `as_of` rebuilds it from the log.
    fn owed(&mut self, as_of: Option<NaiveDate>) -> Result<()> {
        let (_store, ledger) = self.open()?;
        if let Some(date) = as_of {
            let (state, _) = self.state(&ledger, date)?;
            let lines = report::owed(&state);
            return self.render(&Owed {
                as_of: date,
                owed_fen: lines.iter().map(|l| l.amount_fen).sum(),
                lines,
            });
        }
        let OwedLines { lines, owed_fen } = OwedLines::read(&ledger)?;
        let document = Owed {
            as_of: crate::app::today()?,
            owed_fen,
            lines: Vec::new(),
        };
        self.render_list(
            document,
            "lines",
            &mut |each| lines.iter().try_for_each(&mut *each),
            |document, lang| document.frame(lang),
            |_, lang, _, line| Owed::row(lang, line),
            |document, line| document.lines.push(line.clone()),
        )
    }
}

/// Refuses a pay-out sheet of the `year` plan unless it is posted: `status` is the plan's
/// (None: no plan), as it stands or as it stood on `as_of`.
fn refuse_unless_payable(
    lang: Lang,
    year: u16,
    status: Option<PlanStatus>,
    as_of: Option<NaiveDate>,
) -> Result<()> {
    let Some(status) = status else {
        bail!(no_plan(lang, year, as_of))
    };
    if !paper::payable(status) {
        let status = status.text(lang);
        bail!(t(
            lang,
            format!("{year} 年度分配方案尚未入账（{status}）：发放表只为已入账的方案打印"),
            format!("the {year} plan is not posted ({status}): a pay-out sheet is printed for a posted plan only")
        ))
    }
    Ok(())
}

/// Why a plan's paper cannot be printed: the year has no plan (on `as_of`, when given).
fn no_plan(lang: Lang, year: u16, as_of: Option<NaiveDate>) -> String {
    match as_of {
        None => t(
            lang,
            format!("{year} 年度尚无分配方案"),
            format!("no plan has been drafted for {year}"),
        ),
        Some(date) => t(
            lang,
            format!("截至 {date}，{year} 年度尚无分配方案"),
            format!("no plan had been drafted for {year} on {date}"),
        ),
    }
}

/// The pay-out sheet of the `year` plan without its lines: `holders` lines summing to `sums`
/// go in it.
fn payout_sheet(
    charter: &Charter,
    year: u16,
    posted_on: Option<NaiveDate>,
    sums: &DistributionSums,
    holders: usize,
) -> paper::PayoutSheet {
    paper::PayoutSheet {
        document: "payout-sheet",
        collective: charter.name.clone(),
        code: charter.code.to_string(),
        year,
        posted_on,
        holders,
        lines_fen: sums.lines_fen,
        paid_fen: sums.paid_fen,
        lines: Vec::new(),
        lines_weighted_units: sums.weighted_units,
    }
}

/// A notice refused because the plan is past it (approved, posted) says how to print the
/// notice again, which is what an accountant asking for it after the vote wants.
fn reprint_instead(error: anyhow::Error, year: u16) -> anyhow::Error {
    use gufen_core::{Rule, RuleViolation};
    use gufen_ledger::LedgerError;
    match error.downcast_ref::<LedgerError>() {
        Some(LedgerError::Rejected(RuleViolation::Rule {
            rule: Rule::R13,
            message,
        })) if message.starts_with(&format!("the {year} plan is already ")) => {
            LedgerError::Rejected(RuleViolation::new(
                Rule::R13,
                format!(
                    "{message}: its notice is printed again by `gufen distribution show --year {year} --notice`"
                ),
            ))
            .into()
        }
        _ => error,
    }
}
