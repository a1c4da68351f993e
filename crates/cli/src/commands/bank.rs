//! Money reaching members through the bank (代发): `member bank` and `member bank-import` (each
//! person's account), `distribution payfile` (the year's unpaid lines as the bank's batch file,
//! shaped by a template) and `distribution payresult` (the bank's result file: paid lines
//! recorded paid, failed lines kept owed with the bank's reason, `--resubmit` the failed ones).

use crate::app::{date_or_today, write_file, App};
use crate::arguments::{date, person_id};
use crate::bankfile::{Batch, PayLine, ResultColumns, ResultLine, Template};
use crate::cli::Lang;
use crate::document::{Column, Document, Layout, Table};
use crate::input::{self, halfwidth, Encoding};
use crate::labels::t;
use crate::roster::{self, Field};
use anyhow::{bail, Result};
use chrono::NaiveDate;
use clap::Args;
use gufen_core::bank::line_reference;
use gufen_core::command::{Action, BankAccountRow, BankOutcome, BankResultRow};
use gufen_core::error::RowViolation;
use gufen_core::ids::MaskedId;
use gufen_core::state::{Distribution, Key, Person, State};
use gufen_core::{Command, Fen, PersonId, RuleViolation};
use gufen_ledger::LedgerError;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// `member bank`: set (or replace) one person's account, or clear it.
#[derive(Args, Debug)]
pub struct BankArgs {
    #[arg(long, value_parser = person_id)]
    id: PersonId,
    /// The bank (开户行), e.g. 新密农商银行.
    #[arg(long, required_unless_present = "clear", conflicts_with = "clear")]
    bank: Option<String>,
    /// The account number: digits, spaces allowed between them.
    #[arg(long, required_unless_present = "clear", conflicts_with = "clear")]
    account: Option<String>,
    /// The name the account is held in, as the bank knows it (default: the person's name).
    #[arg(long, conflicts_with = "clear")]
    holder: Option<String>,
    /// The account is no longer used: nothing is paid to the person by bank file until another
    /// is set.
    #[arg(long)]
    clear: bool,
    #[arg(long, value_parser = date)]
    date: NaiveDate,
}

/// `member bank-import FILE`: many accounts at once.
#[derive(Args, Debug)]
pub struct BankImportArgs {
    /// CSV or workbook, read as a roster is (docs/import.md): a header row 身份证号/证件号码,
    /// 开户行/银行, 账号/银行账号/卡号 and optionally 户名/账户名 and 姓名 (or id, bank,
    /// account, holder, name), titles above it and totals below skipped.
    file: PathBuf,
    #[arg(long, value_enum, default_value = "auto")]
    encoding: Encoding,
    /// The workbook's sheet to read (default: the one with a header row of accounts).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    #[arg(long, value_parser = date)]
    date: NaiveDate,
}

/// `distribution payfile`: the bank's batch file of the year's unpaid lines.
#[derive(Args, Debug)]
pub struct PayfileArgs {
    #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
    year: u16,
    /// The bank's template (TOML; see docs/bank.md and fixtures/banks/).
    #[arg(long)]
    bank: PathBuf,
}

/// `distribution payresult FILE`: the bank's result file.
#[derive(Args, Debug)]
pub struct PayresultArgs {
    #[arg(long, value_parser = crate::arguments::whole::<u16>, allow_hyphen_values = true)]
    year: u16,
    /// The bank's result file (CSV or workbook).
    file: PathBuf,
    #[arg(long, value_enum, default_value = "auto")]
    encoding: Encoding,
    /// The bank's template: its `[result]` section names the result file's columns (without
    /// one the usual headers are read); needed for --resubmit.
    #[arg(long)]
    bank: Option<PathBuf>,
    /// Write a new batch file of the failed lines only, in the template's shape.
    #[arg(long, requires = "bank")]
    resubmit: Option<PathBuf>,
    /// The date the bank paid (default: today).
    #[arg(long, value_parser = date)]
    date: Option<NaiveDate>,
}

pub fn set(app: &mut App, args: BankArgs) -> Result<()> {
    let action = if args.clear {
        Action::ClearBankAccount { person: args.id }
    } else {
        Action::SetBankAccount {
            person: args.id,
            bank: args.bank.unwrap_or_default(),
            account: halfwidth(args.account.as_deref().unwrap_or_default()),
            holder: args.holder,
        }
    };
    app.write(args.date, action)
}

// ---- member bank-import ----

pub fn import(app: &mut App, args: BankImportArgs) -> Result<()> {
    let lang = app.global.lang;
    let located =
        roster::read_bank_accounts(&args.file, args.encoding, args.sheet.as_deref(), lang)?;
    if located.rows.is_empty() {
        bail!(t(
            lang,
            format!("银行账户文件 {} 中没有账户", located.file),
            format!("the bank account file {} holds no account", located.file)
        ));
    }
    let mut accounts = Vec::new();
    // The index among the file's rows of each account read.
    let mut indices = Vec::new();
    // Each refused row's index among the file's rows, to list them in the file's order.
    let mut problems: Vec<(usize, String)> = Vec::new();
    for (index, cells) in located.rows.iter().enumerate() {
        match PersonId::parse(&cells.id) {
            Ok(person) => {
                accounts.push(BankAccountRow {
                    person,
                    bank: cells.bank.clone(),
                    account: halfwidth(&cells.account),
                    holder: Some(cells.holder.clone()).filter(|h| !h.is_empty()),
                });
                indices.push(index);
            }
            Err(e) => problems.push((
                index,
                format!(
                    "{}: {e} [{}]",
                    located.place(index, Field::Id),
                    located.header(Field::Id)
                ),
            )),
        }
    }
    let (_store, ledger) = app.open()?;
    let command = Command {
        date: args.date,
        action: Action::ImportBankAccounts { rows: accounts },
    };
    // Each row's name against the ledger's, one person read at a time (the write decides on
    // its own state: two states of every person would double its memory).
    if let Action::ImportBankAccounts { rows } = &command.action {
        for (read, row) in indices.iter().zip(rows) {
            let cells = &located.rows[*read];
            if cells.name.is_empty() {
                continue;
            }
            let Some(person) = ledger.person(&row.person)? else {
                continue;
            };
            if !same_name(&cells.name, &person.name) {
                problems.push((
                    *read,
                    t(
                        lang,
                        format!(
                            "{}（{}）：姓名“{}”与台账中 {} 的姓名“{}”不符：这一行可能错位了",
                            located.place(*read, Field::Name),
                            located.header(Field::Name),
                            cells.name,
                            row.person.masked(),
                            person.name,
                        ),
                        format!(
                            "{}: the name {:?} is not the ledger's name of {} ({:?}): the row may be out of line [{}]",
                            located.place(*read, Field::Name),
                            cells.name,
                            row.person.masked(),
                            person.name,
                            located.header(Field::Name)
                        ),
                    ),
                ));
            }
        }
    }
    // A violation of the read accounts, named by its row's place in the file.
    let describe = |v: &RowViolation| {
        let in_file = RowViolation {
            row: indices[v.row],
            other_row: v.other_row.map(|o| indices[o]),
            ..v.clone()
        };
        (in_file.row, located.describe(&in_file, ""))
    };
    if problems.is_empty() {
        return match ledger.execute(&app.context()?, &command) {
            Ok(outcome) => app.print_outcome(&outcome),
            Err(LedgerError::Rejected(RuleViolation::Rows(violations))) => {
                let listed: Vec<String> = violations.iter().map(|v| describe(v).1).collect();
                bail!(refused(lang, &located.file, &listed))
            }
            Err(e) => Err(e.into()),
        };
    }
    // Every bad row is listed: the rows that were read are decided too, written or not.
    if let Action::ImportBankAccounts { rows } = &command.action {
        if !rows.is_empty() {
            let state = ledger.load_state(gufen_core::scope(&command.action))?;
            if let Err(RuleViolation::Rows(violations)) = gufen_core::decide(&state, &command) {
                problems.extend(violations.iter().map(describe));
            }
        }
    }
    problems.sort_by_key(|(index, _)| *index);
    let listed: Vec<String> = problems.into_iter().map(|(_, p)| p).collect();
    bail!(refused(lang, &located.file, &listed))
}

/// Whether a name in a file is the ledger's, spaces aside (`孙　云` is `孙云`).
fn same_name(given: &str, recorded: &str) -> bool {
    let key = |name: &str| -> String { halfwidth(name).split_whitespace().collect() };
    key(given) == key(recorded)
}

fn refused(lang: Lang, file: &str, problems: &[String]) -> String {
    t(
        lang,
        format!(
            "{file} 中 {} 行被拒绝，未写入任何记录\n  {}",
            problems.len(),
            problems.join("\n  ")
        ),
        format!(
            "{} row(s) of {file} refused; nothing was written\n  {}",
            problems.len(),
            problems.join("\n  ")
        ),
    )
}

// ---- distribution payfile ----

/// What the columns of a table of lines hold: reference, name, masked ID, amount, why.
const LINE_COLUMNS: [Column; 5] = [
    Column::Code,
    Column::Text,
    Column::Code,
    Column::Money,
    Column::Text,
];

/// A line left out of the bank file, and why.
#[derive(Serialize)]
pub struct LeftOut {
    pub reference: String,
    pub name: String,
    pub id_masked: MaskedId,
    pub amount_fen: i64,
    pub why: LeftOutBecause,
}

#[derive(Serialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum LeftOutBecause {
    /// No bank account on record.
    NoAccount,
    /// The holder has died, before the record date or since: the dividend goes to the estate,
    /// paid once it is settled (R10), never to the deceased's own account.
    Estate,
}

impl LeftOutBecause {
    fn text(self, lang: Lang) -> &'static str {
        match self {
            LeftOutBecause::NoAccount => crate::document::distribution::no_account_text(lang),
            LeftOutBecause::Estate => crate::document::distribution::estate_text(lang),
        }
    }
}

/// What `payfile` (and `payresult --resubmit`) wrote.
#[derive(Serialize)]
pub struct BankFileWritten {
    pub year: u16,
    pub template: String,
    pub file: String,
    pub lines: usize,
    pub total_fen: i64,
    pub left_out: Vec<LeftOut>,
    pub left_out_fen: i64,
}

impl Document for BankFileWritten {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(
            lang,
            format!(
                "{} 年度分红代发文件 {}（{}）：{} 笔，合计 {} 元",
                self.year,
                self.file,
                self.template,
                self.lines,
                Fen(self.total_fen)
            ),
            format!(
                "{} dividend bank file {} ({}): {} lines, {} yuan in all",
                self.year,
                self.file,
                self.template,
                self.lines,
                Fen(self.total_fen)
            ),
        ));
        if !self.left_out.is_empty() {
            layout.line(t(
                lang,
                format!(
                    "未列入文件：{} 笔，合计 {} 元（仍为未付）",
                    self.left_out.len(),
                    Fen(self.left_out_fen)
                ),
                format!(
                    "not in the file: {} lines, {} yuan in all (still owed)",
                    self.left_out.len(),
                    Fen(self.left_out_fen)
                ),
            ));
            layout.table(left_out_table(&self.left_out, lang));
        }
        layout
    }
}

fn left_out_table(lines: &[LeftOut], lang: Lang) -> Table {
    let mut table = Table::typed(
        vec![
            t(lang, "参考号", "reference"),
            t(lang, "姓名", "name"),
            t(lang, "身份证号", "ID"),
            t(lang, "金额(元)", "amount (yuan)"),
            t(lang, "原因", "why"),
        ],
        LINE_COLUMNS.to_vec(),
    );
    for line in lines {
        table.push(vec![
            line.reference.clone(),
            line.name.clone(),
            line.id_masked.to_string(),
            Fen(line.amount_fen).to_string(),
            line.why.text(lang).to_string(),
        ]);
    }
    table
}

/// The year's posted plan, or why there is none to pay.
fn posted(state: &State, year: u16, lang: Lang) -> Result<Distribution> {
    posted_plan(state.distribution(year).cloned(), year, lang)
}

/// The `year` plan `found`, refused unless it is posted.
fn posted_plan(found: Option<Distribution>, year: u16, lang: Lang) -> Result<Distribution> {
    match found {
        Some(plan) if plan.posted_on().is_some() => Ok(plan),
        Some(_) => bail!(t(
            lang,
            format!("{year} 年度分配方案尚未入账：没有可支付的分红"),
            format!("the {year} plan is not posted: no dividend is payable yet")
        )),
        None => bail!(t(
            lang,
            format!("{year} 年度没有分配方案"),
            format!("there is no {year} plan")
        )),
    }
}

/// The lines of `indices` (of the year's dividends) that go into a bank file, and those left
/// out with why.
fn batch_lines(
    persons: &mut Persons,
    plan: &Distribution,
    indices: &[usize],
) -> Result<(Vec<PayLine>, Vec<LeftOut>)> {
    let year = plan.plan.year;
    let (mut lines, mut left_out) = (Vec::new(), Vec::new());
    for &index in indices {
        let dividend = &plan.dividends[index];
        let person = persons(&dividend.person)?;
        let person = person.as_ref();
        let reference = line_reference(year, index);
        let account = person.and_then(|p| p.bank_account.as_ref());
        let deceased = dividend.estate || person.is_some_and(|p| p.is_deceased());
        let why = match (deceased, account) {
            (true, _) => LeftOutBecause::Estate,
            (false, None) => LeftOutBecause::NoAccount,
            (false, Some(account)) => {
                lines.push(PayLine {
                    reference,
                    holder: account.holder.clone(),
                    bank: account.bank.clone(),
                    account: account.account.clone(),
                    amount_fen: dividend.amount_fen,
                });
                continue;
            }
        };
        left_out.push(LeftOut {
            reference,
            name: person.map(|p| p.name.clone()).unwrap_or_default(),
            id_masked: dividend.person.masked_id(),
            amount_fen: dividend.amount_fen,
            why,
        });
    }
    Ok((lines, left_out))
}

/// Each holder's person, looked up one at a time (from a state, or from the projections).
type Persons<'a> = dyn FnMut(&PersonId) -> Result<Option<Person>> + 'a;

/// A bank file made but not yet written: its bytes and its report.
struct BankFile {
    bytes: Vec<u8>,
    report: BankFileWritten,
}

/// Makes the bank file of `indices` (every refusal of its text comes here, before anything is
/// written or recorded).
fn make_bank_file(
    lang: Lang,
    collective: &str,
    persons: &mut Persons,
    plan: &Distribution,
    indices: &[usize],
    template: &Template,
    out: &Path,
) -> Result<BankFile> {
    let (lines, left_out) = batch_lines(persons, plan, indices)?;
    let batch = Batch {
        collective,
        year: plan.plan.year,
        lines: &lines,
    };
    let bytes = template.write(&batch, lang)?;
    let left_out_fen = left_out.iter().map(|l| l.amount_fen).sum();
    Ok(BankFile {
        bytes,
        report: BankFileWritten {
            year: plan.plan.year,
            template: template.name.clone(),
            file: out.display().to_string(),
            lines: lines.len(),
            total_fen: lines.iter().map(|l| l.amount_fen).sum(),
            left_out,
            left_out_fen,
        },
    })
}

/// Writes a bank file made by `make_bank_file` and reports it: the lines left out on standard
/// error too, so that none goes unnoticed.
fn write_bank_file(lang: Lang, file: BankFile) -> Result<BankFileWritten> {
    write_file(Path::new(&file.report.file), &file.bytes)?;
    let BankFileWritten {
        left_out,
        left_out_fen,
        ..
    } = &file.report;
    let (left_out, left_out_fen) = (left_out, *left_out_fen);
    if !left_out.is_empty() {
        crate::say(&t(
            lang,
            format!(
                "注意：{} 笔分红（{} 元）未列入代发文件，仍为未付：{}",
                left_out.len(),
                Fen(left_out_fen),
                left_out
                    .iter()
                    .map(|l| format!("{} {} {}", l.reference, l.id_masked, l.why.text(lang)))
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            format!(
                "note: {} dividends ({} yuan) are not in the bank file and stay owed: {}",
                left_out.len(),
                Fen(left_out_fen),
                left_out
                    .iter()
                    .map(|l| format!("{} {} {}", l.reference, l.id_masked, l.why.text(lang)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    }
    Ok(file.report)
}

/// Prints a report on standard output even when `-o` names the bank file.
fn print(app: &mut App, document: &impl Document) -> Result<()> {
    let (format, lang) = (app.global.format, app.global.lang);
    crate::render::render(&mut app.out, format, lang, document)
}

pub fn payfile(app: &mut App, args: PayfileArgs) -> Result<()> {
    let lang = app.global.lang;
    let Some(out) = app.global.output.clone() else {
        bail!(t(
            lang,
            "请用 -o FILE 指定要写出的代发文件",
            "give the bank file to write with -o FILE"
        ));
    };
    let template = Template::read(&args.bank)?;
    let (_store, ledger) = app.open()?;
    // The plan, the states of its lines that have one, and each holder read as their line is
    // made: never a whole state.
    let collective = ledger
        .collective()?
        .map(|c| c.charter.name)
        .unwrap_or_default();
    let plan = posted_plan(ledger.distribution(args.year)?, args.year, lang)?;
    let states = ledger.line_states(args.year)?;
    let unpaid: Vec<usize> = (0..plan.dividends.len())
        .filter(|&i| {
            let dividend = &plan.dividends[i];
            let paid = states
                .get(&dividend.person)
                .is_some_and(|l| l.paid.is_some());
            !paid && dividend.amount_fen > 0
        })
        .collect();
    drop(states);
    if unpaid.is_empty() {
        bail!(t(
            lang,
            format!("{} 年度没有未付的分红", args.year),
            format!("every {} dividend is paid", args.year)
        ));
    }
    let mut persons = |id: &PersonId| Ok(ledger.person(id)?);
    let file = make_bank_file(
        lang,
        &collective,
        &mut persons,
        &plan,
        &unpaid,
        &template,
        &out,
    )?;
    if file.report.lines == 0 {
        // A file of a header alone would be sent to the bank for nothing.
        let listed: Vec<String> = file
            .report
            .left_out
            .iter()
            .map(|l| {
                format!(
                    "{} {} {} {} {}",
                    l.reference,
                    l.name,
                    l.id_masked,
                    Fen(l.amount_fen),
                    l.why.text(lang)
                )
            })
            .collect();
        bail!(t(
            lang,
            format!(
                "{} 年度的 {} 笔未付分红都不能列入代发文件，未写出 {}（只有表头的文件无可代发）：\n  {}",
                args.year,
                listed.len(),
                out.display(),
                listed.join("\n  ")
            ),
            format!(
                "none of the {} unpaid {} dividends can go into a bank file, so {} was not written (a file of a header alone pays nothing):\n  {}",
                listed.len(),
                args.year,
                out.display(),
                listed.join("\n  ")
            ),
        ));
    }
    let written = write_bank_file(lang, file)?;
    print(app, &written)
}

// ---- distribution payresult ----

/// What `payresult` recorded.
#[derive(Serialize)]
pub struct BankResultRecorded {
    pub year: u16,
    pub paid: usize,
    pub paid_fen: i64,
    pub failed: Vec<FailedLine>,
    pub failed_fen: i64,
    /// Paid lines of holders who have died (since the bank file was written): the deposit is
    /// part of the estate, settled with the heirs.
    pub paid_to_deceased: Vec<DeceasedPaid>,
    /// The batch file of the failed lines, where --resubmit asked for one.
    pub resubmit: Option<BankFileWritten>,
    /// The --resubmit file not written because no failed line could go into it (none failed,
    /// or each is left out): a file of a header alone would be sent to the bank for nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resubmit_not_written: Option<String>,
}

/// Why the --resubmit file `file` was not written.
fn nothing_to_resubmit(lang: Lang, file: &str) -> String {
    t(
        lang,
        format!("没有可重新代发的失败明细：未写出 {file}"),
        format!("no failed line to resubmit: {file} was not written"),
    )
}

/// A paid line of a deceased holder.
#[derive(Serialize)]
pub struct DeceasedPaid {
    pub reference: String,
    pub name: String,
    pub id_masked: MaskedId,
    pub amount_fen: i64,
}

/// The warning for paid lines of deceased holders.
fn deceased_paid_warning(lang: Lang, lines: &[DeceasedPaid]) -> String {
    let listed = |separator: &str| {
        lines
            .iter()
            .map(|l| format!("{} {} {}", l.reference, l.name, l.id_masked))
            .collect::<Vec<_>>()
            .join(separator)
    };
    t(
        lang,
        format!(
            "注意：已故持有人的分红已付至其账户，由遗产继承人结算（{} 笔）：{}",
            lines.len(),
            listed("；")
        ),
        format!(
            "warning: paid to the deceased holder's account; settle it with the estate ({} lines): {}",
            lines.len(),
            listed("; ")
        ),
    )
}

#[derive(Serialize)]
pub struct FailedLine {
    pub reference: String,
    pub name: String,
    pub id_masked: MaskedId,
    pub amount_fen: i64,
    pub reason: String,
}

impl Document for BankResultRecorded {
    fn layout(&self, lang: Lang) -> Layout {
        let mut layout = Layout::default();
        layout.line(t(
            lang,
            format!(
                "{} 年度银行代发结果：成功 {} 笔 {} 元，失败 {} 笔 {} 元（仍为未付）",
                self.year,
                self.paid,
                Fen(self.paid_fen),
                self.failed.len(),
                Fen(self.failed_fen)
            ),
            format!(
                "{} bank result: {} lines paid ({} yuan), {} failed ({} yuan, still owed)",
                self.year,
                self.paid,
                Fen(self.paid_fen),
                self.failed.len(),
                Fen(self.failed_fen)
            ),
        ));
        if !self.failed.is_empty() {
            let mut table = Table::typed(
                vec![
                    t(lang, "参考号", "reference"),
                    t(lang, "姓名", "name"),
                    t(lang, "身份证号", "ID"),
                    t(lang, "金额(元)", "amount (yuan)"),
                    t(lang, "失败原因", "reason"),
                ],
                LINE_COLUMNS.to_vec(),
            );
            for line in &self.failed {
                table.push(vec![
                    line.reference.clone(),
                    line.name.clone(),
                    line.id_masked.to_string(),
                    Fen(line.amount_fen).to_string(),
                    line.reason.clone(),
                ]);
            }
            layout.table(table);
        }
        if !self.paid_to_deceased.is_empty() {
            layout.line(deceased_paid_warning(lang, &self.paid_to_deceased));
        }
        if let Some(resubmit) = &self.resubmit {
            layout.blocks.extend(resubmit.layout(lang).blocks);
        }
        if let Some(file) = &self.resubmit_not_written {
            layout.line(nothing_to_resubmit(lang, file));
        }
        layout
    }
}

/// Refuses, before anything is read or recorded, a `--resubmit` file that cannot be written (a
/// directory, or in a directory that does not exist), as `-o` is checked, so that payments are
/// not recorded and then reported as a failure; or that is the result file being read (writing
/// it would overwrite the bank's answer).
fn check_resubmit(out: &Path, input: &Path, lang: Lang) -> Result<()> {
    if out.is_dir() {
        bail!(t(
            lang,
            format!(
                "--resubmit {}：这是一个目录，请给出文件名；未做任何操作",
                out.display()
            ),
            format!(
                "--resubmit {}: that is a directory; give a file name; nothing was done",
                out.display()
            ),
        ));
    }
    let dir = match out.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(t(
            lang,
            format!(
                "--resubmit {}：目录 {} 不存在；未做任何操作",
                out.display(),
                dir.display()
            ),
            format!(
                "--resubmit {}: the directory {} does not exist; nothing was done",
                out.display(),
                dir.display()
            ),
        ));
    }
    if same_file(out, input) {
        bail!(t(
            lang,
            format!(
                "--resubmit {}：这正是要读取的银行结果文件，写入会覆盖它；请另给一个文件名；未做任何操作",
                out.display()
            ),
            format!(
                "--resubmit {}: that is the bank's result file being read, which writing would overwrite; give another file name; nothing was done",
                out.display()
            ),
        ));
    }
    Ok(())
}

/// A path as compared: canonical, or, for a file not yet written, its canonical directory and
/// its name.
fn canonical(path: &Path) -> Option<PathBuf> {
    if let Ok(found) = path.canonicalize() {
        return Some(found);
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    Some(dir.canonicalize().ok()?.join(path.file_name()?))
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((canonical(a), canonical(b)), (Some(a), Some(b)) if a == b)
}

/// Refuses, before anything is read or recorded, `-o` naming the result file being read (the
/// report would overwrite the bank's answer) or the `--resubmit` file (one would overwrite the
/// other).
fn check_report_file(out: &Path, args: &PayresultArgs, lang: Lang) -> Result<()> {
    if same_file(out, &args.file) {
        bail!(t(
            lang,
            format!(
                "-o {}：这正是要读取的银行结果文件，写入报告会覆盖它；请另给一个文件名；未做任何操作",
                out.display()
            ),
            format!(
                "-o {}: that is the bank's result file being read, which the report would overwrite; give another file name; nothing was done",
                out.display()
            ),
        ));
    }
    if args.resubmit.as_deref().is_some_and(|r| same_file(out, r)) {
        bail!(t(
            lang,
            format!(
                "-o {}：与 --resubmit 是同一个文件，报告会覆盖重新代发文件；请另给一个文件名；未做任何操作",
                out.display()
            ),
            format!(
                "-o {}: that is the --resubmit file, which the report would overwrite; give another file name; nothing was done",
                out.display()
            ),
        ));
    }
    Ok(())
}

pub fn payresult(app: &mut App, args: PayresultArgs) -> Result<()> {
    let lang = app.global.lang;
    if let Some(out) = &args.resubmit {
        check_resubmit(out, &args.file, lang)?;
    }
    if let Some(out) = app.global.output.clone() {
        check_report_file(&out, &args, lang)?;
    }
    let template = args.bank.as_deref().map(Template::read).transpose()?;
    let default_columns = ResultColumns::default();
    let columns = template.as_ref().map_or(&default_columns, |t| &t.result);
    let date = date_or_today(args.date)?;
    let (_store, ledger) = app.open()?;
    let year = args.year;
    let state = ledger.load_state(Some(vec![Key::Collective, Key::Distribution(year)]))?;
    let plan = posted(&state, year, lang)?;
    let sheet = input::first_visible(
        input::read(&args.file, "bank result file", args.encoding)?,
        &args.file.display().to_string(),
        "bank result file",
    )?;
    let (read, mut problems) = columns.read(&sheet, year, plan.dividends.len(), lang)?;
    let rows: Vec<BankResultRow> = read.iter().map(|line| result_row(&plan, line)).collect();
    let places: Vec<String> = read.iter().map(|line| line.place.clone()).collect();
    let command = Command {
        date,
        action: Action::SettleBankResult { year, rows },
    };
    if !problems.is_empty() {
        // Every bad row is listed in one run: the rows that were read are decided too.
        if !read.is_empty() {
            let state = ledger.load_state(gufen_core::scope(&command.action))?;
            match gufen_core::decide(&state, &command) {
                Err(RuleViolation::Rows(violations)) => {
                    let rows = rows_of(&command);
                    problems.extend(
                        violations
                            .iter()
                            .map(|v| (read[v.row].number, listed_row(lang, v, &places, rows))),
                    )
                }
                // A refusal of the whole batch (its date) comes first.
                Err(whole) => problems.push((0, whole.to_string())),
                Ok(_) => {}
            }
        }
        problems.sort_by_key(|(number, _)| *number);
        let listed: Vec<String> = problems.into_iter().map(|(_, p)| p).collect();
        bail!(refused(lang, &sheet.file, &listed));
    }
    let failed: Vec<&ResultLine> = read.iter().filter(|l| !l.paid).collect();
    let mut keys = vec![Key::Collective, Key::Distribution(year)];
    keys.extend(
        read.iter()
            .map(|l| Key::Person(plan.dividends[l.index].person.clone())),
    );
    let state = ledger.load_state(Some(keys))?;
    let failed_lines: Vec<FailedLine> = failed
        .iter()
        .map(|line| {
            let dividend = &plan.dividends[line.index];
            FailedLine {
                reference: line_reference(year, line.index),
                name: state
                    .person(&dividend.person)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                id_masked: dividend.person.masked_id(),
                amount_fen: dividend.amount_fen,
                reason: line.reason.clone(),
            }
        })
        .collect();
    let paid_to_deceased: Vec<DeceasedPaid> = read
        .iter()
        .filter(|line| line.paid)
        .filter_map(|line| {
            let dividend = &plan.dividends[line.index];
            let person = state.person(&dividend.person);
            let deceased = dividend.estate || person.is_some_and(|p| p.is_deceased());
            deceased.then(|| DeceasedPaid {
                reference: line_reference(year, line.index),
                name: person.map(|p| p.name.clone()).unwrap_or_default(),
                id_masked: dividend.person.masked_id(),
                amount_fen: dividend.amount_fen,
            })
        })
        .collect();
    // The resubmission is made before anything is recorded, so that a refusal of its text
    // leaves the ledger as it was; it is written once the result is recorded.
    let resubmit = match (&args.resubmit, &template) {
        (Some(out), Some(template)) => {
            let indices: Vec<usize> = failed.iter().map(|l| l.index).collect();
            let collective = state
                .collective()
                .map(|c| c.charter.name.clone())
                .unwrap_or_default();
            let mut persons = |id: &PersonId| Ok(state.person(id).cloned());
            Some(make_bank_file(
                lang,
                &collective,
                &mut persons,
                &plan,
                &indices,
                template,
                out,
            )?)
        }
        _ => None,
    };
    let outcome = match ledger.execute(&app.context()?, &command) {
        Ok(outcome) => outcome,
        Err(LedgerError::Rejected(RuleViolation::Rows(violations))) => {
            let rows = rows_of(&command);
            let listed: Vec<String> = violations
                .iter()
                .map(|v| listed_row(lang, v, &places, rows))
                .collect();
            bail!(refused(lang, &sheet.file, &listed))
        }
        Err(e) => return Err(e.into()),
    };
    // A resubmission with no line is not written: the bank would be sent a header alone.
    let (resubmit, resubmit_not_written) = match resubmit {
        Some(file) if file.report.lines == 0 => {
            crate::say(&nothing_to_resubmit(lang, &file.report.file));
            (None, Some(file.report.file))
        }
        Some(file) => (Some(write_bank_file(lang, file)?), None),
        None => (None, None),
    };
    let amount = |paid: bool| -> i64 {
        read.iter()
            .filter(|l| l.paid == paid)
            .map(|l| plan.dividends[l.index].amount_fen)
            .sum()
    };
    if !paid_to_deceased.is_empty() {
        crate::say(&deceased_paid_warning(lang, &paid_to_deceased));
    }
    let report = BankResultRecorded {
        year,
        paid: read.iter().filter(|l| l.paid).count(),
        paid_fen: amount(true),
        failed_fen: amount(false),
        failed: failed_lines,
        paid_to_deceased,
        resubmit,
        resubmit_not_written,
    };
    // One document, the report then the write's outcome (JSON: the outcome), so that a CSV or
    // a workbook of it is one file.
    app.render(&crate::document::records::WithOutcome {
        paper: report,
        outcome: crate::document::records::WriteOutcome::new(&outcome),
    })
}

/// The result rows of a `SettleBankResult` command.
fn rows_of(command: &Command) -> &[BankResultRow] {
    match &command.action {
        Action::SettleBankResult { rows, .. } => rows,
        _ => &[],
    }
}

/// A refused row of a result file as listed: its place, the rule and the message, a row it
/// repeats named by its place in the file (`line 7`, `row 7`) as the refused row is, not by its
/// count among the rows read.
fn listed_row(lang: Lang, v: &RowViolation, places: &[String], rows: &[BankResultRow]) -> String {
    let place = &places[v.row];
    let repeated = v.other_row.filter(|&other| {
        other < places.len()
            && v.row < rows.len()
            && v.message
                .ends_with(&format!("row {} of the file", other + 1))
    });
    let Some(other) = repeated else {
        return format!("{place}: {}: {}", v.rule, v.message);
    };
    let row = &rows[v.row];
    let message = t(
        lang,
        format!(
            "明细 {}（{}）也出现在{}",
            row.line_reference,
            row.person.masked(),
            crate::messages::place(Lang::Zh, &places[other])
        ),
        format!(
            "line {} ({}) is also on {}",
            row.line_reference,
            row.person.masked(),
            places[other]
        ),
    );
    format!("{place}: {}: {message}", v.rule)
}

/// A result line as the core decides it: the line's holder, the bank's reference (or, where
/// the bank gave none for a paid line, the line's own), the bank's amount, paid or failed.
fn result_row(plan: &Distribution, line: &ResultLine) -> BankResultRow {
    let reference = line_reference(plan.plan.year, line.index);
    let outcome = if line.paid {
        BankOutcome::Paid {
            bank_reference: line
                .bank_reference
                .clone()
                .unwrap_or_else(|| reference.clone()),
        }
    } else {
        BankOutcome::Failed {
            bank_reference: line.bank_reference.clone(),
            reason: line.reason.clone(),
        }
    };
    BankResultRow {
        person: plan.dividends[line.index].person.clone(),
        line_reference: reference,
        amount_fen: line.amount_fen,
        outcome,
    }
}
