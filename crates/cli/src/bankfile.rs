//! The bank's files for batch pay-out (代发): a template (TOML) that says how one bank wants its
//! batch file (CSV or XLSX, the encoding, a title and a header row, the columns in order and
//! what each holds), the batch file written from a year's unpaid lines, and the bank's result
//! file read back into paid and failed lines. docs/bank.md describes the template.

use crate::cli::Lang;
use crate::input::{halfwidth, Row, Sheet};
use crate::labels::t;
use anyhow::{anyhow, bail, Context, Result};
use gufen_core::bank::{clean_bank_reference, clean_bank_text};
use gufen_core::Fen;
use serde::Deserialize;
use std::path::Path;

/// How one bank wants its batch file, and how its result file reads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The bank or the arrangement, for messages.
    pub name: String,
    pub format: FileKind,
    /// CSV only: the encoding the bank reads.
    #[serde(default)]
    pub encoding: OutputEncoding,
    /// CSV only: begin a UTF-8 file with a byte order mark (as Excel writes "CSV UTF-8").
    #[serde(default)]
    pub bom: bool,
    /// CSV only: the line ending (`crlf`, as Windows programs write, or `lf`).
    #[serde(default)]
    pub line_ending: LineEnding,
    /// A title row above everything else (placeholders `{collective}`, `{year}`, `{lines}`,
    /// `{total}`), for banks whose sheet opens with one.
    #[serde(default)]
    pub title: Option<String>,
    /// Whether a header row of the columns' header texts comes before the lines.
    #[serde(default = "yes")]
    pub header: bool,
    pub columns: Vec<Column>,
    /// Which columns of the bank's result file hold what; the defaults read the usual headers.
    #[serde(default)]
    pub result: ResultColumns,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum OutputEncoding {
    #[default]
    Utf8,
    Gbk,
    Gb18030,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum LineEnding {
    #[default]
    Crlf,
    Lf,
}

/// One column of the batch file: its header text and what it holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub header: String,
    pub field: Field,
    /// The text of a `memo` or `fixed` column, with placeholders.
    #[serde(default)]
    pub text: Option<String>,
}

/// What a column holds.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// 1, 2, 3, … in the file's order (序号).
    Sequence,
    /// The name the account is held in (户名).
    Holder,
    /// The account number, whole: the bank needs it (账号).
    Account,
    /// The amount in yuan with 2 decimals (金额).
    Yuan,
    /// The amount in fen, a whole number.
    Fen,
    /// A text with placeholders (`{year}`, `{ref}`, `{name}`, `{collective}`): 摘要, 用途.
    Memo,
    /// The bank the account is at (开户行).
    Bank,
    /// The line's reference, `GF2025-0001`, which the bank echoes in its result.
    Reference,
    /// The same text on every line (e.g. a currency, a business code).
    Fixed,
}

/// The result file's columns, each a list of header texts any one of which names it.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResultColumns {
    /// Columns that hold the line reference (inside other text is fine); none: every cell.
    #[serde(default)]
    pub reference: Vec<String>,
    #[serde(default)]
    pub status: Vec<String>,
    /// The status values that mean paid.
    #[serde(default)]
    pub success: Vec<String>,
    /// The status values that mean not paid (the line stays owed and may be resubmitted). A
    /// status in neither list refuses the file: a paid line taken for a failure would be paid
    /// twice.
    #[serde(default)]
    pub failure: Vec<String>,
    #[serde(default)]
    pub bank_reference: Vec<String>,
    #[serde(default)]
    pub reason: Vec<String>,
    #[serde(default)]
    pub amount: Vec<String>,
}

const STATUS_HEADERS: &[&str] = &[
    "状态",
    "处理状态",
    "处理结果",
    "交易状态",
    "交易结果",
    "结果",
    "status",
];
const SUCCESS_VALUES: &[&str] = &[
    "成功",
    "交易成功",
    "已入账",
    "处理成功",
    "入账成功",
    "success",
];
const FAILURE_VALUES: &[&str] = &[
    "失败",
    "交易失败",
    "处理失败",
    "入账失败",
    "退回",
    "已退回",
    "退票",
    "拒绝",
    "交易拒绝",
    "账户不存在",
    "户名不符",
    "账户已销户",
    "账户冻结",
    "failed",
    "failure",
    "rejected",
];
const BANK_REFERENCE_HEADERS: &[&str] = &[
    "流水号",
    "银行流水号",
    "交易流水号",
    "银行参考号",
    "交易参考号",
    "bank reference",
];
const REASON_HEADERS: &[&str] = &["失败原因", "原因", "错误信息", "失败信息", "reason"];
const AMOUNT_HEADERS: &[&str] = &["金额", "金额(元)", "交易金额", "amount"];

impl Template {
    /// Reads and checks a template file.
    pub fn read(path: &Path) -> Result<Template> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the bank template {}", path.display()))?;
        let template: Template = toml::from_str(&text)
            .map_err(|e| anyhow!("the bank template {} does not parse: {e}", path.display()))?;
        template
            .check()
            .map_err(|e| anyhow!("the bank template {}: {e}", path.display()))?;
        Ok(template)
    }

    fn check(&self) -> Result<()> {
        if self.columns.is_empty() {
            bail!("it lists no columns");
        }
        let has = |field: Field| self.columns.iter().any(|c| c.field == field);
        if !has(Field::Account) {
            bail!("no column holds the account number (field = \"account\")");
        }
        if !has(Field::Yuan) && !has(Field::Fen) {
            bail!("no column holds the amount (field = \"yuan\" or \"fen\")");
        }
        let carries_reference = self.columns.iter().any(|c| {
            c.field == Field::Reference
                || (c.field == Field::Memo
                    && c.text.as_deref().is_some_and(|t| t.contains("{ref}")))
        });
        if !carries_reference {
            bail!("no column carries the line reference (field = \"reference\", or a memo with {{ref}}): the bank's result could not be matched to the lines");
        }
        for column in &self.columns {
            let needs_text = matches!(column.field, Field::Memo | Field::Fixed);
            match (&column.text, needs_text) {
                (None, true) => bail!("column {:?} needs a text", column.header),
                (Some(_), false) => bail!(
                    "column {:?}: only a memo or fixed column has a text",
                    column.header
                ),
                (Some(text), true) => check_placeholders(text, LINE_PLACEHOLDERS)
                    .map_err(|e| anyhow!("column {:?}: {e}", column.header))?,
                (None, false) => {}
            }
        }
        if let Some(title) = &self.title {
            check_placeholders(title, TITLE_PLACEHOLDERS).map_err(|e| anyhow!("title: {e}"))?;
        }
        let success = or_defaults(&self.result.success, SUCCESS_VALUES);
        let failure = or_defaults(&self.result.failure, FAILURE_VALUES);
        if let Some(both) = success
            .iter()
            .find(|s| failure.iter().any(|f| header_key(f) == header_key(s)))
        {
            bail!("[result]: the status {both:?} is both a success and a failure");
        }
        if self.format == FileKind::Xlsx && self.encoding != OutputEncoding::Utf8 {
            bail!("an XLSX file carries its own encoding: give no encoding");
        }
        Ok(())
    }
}

const LINE_PLACEHOLDERS: &[&str] = &["year", "ref", "name", "collective"];
const TITLE_PLACEHOLDERS: &[&str] = &["year", "collective", "lines", "total"];

fn check_placeholders(text: &str, known: &[&str]) -> Result<()> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| anyhow!("a {{ without its }}"))?;
        let name = &after[..close];
        if !known.contains(&name) {
            bail!(
                "unknown placeholder {{{name}}} (known here: {})",
                known
                    .iter()
                    .map(|k| format!("{{{k}}}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut filled = text.to_string();
    for (name, value) in values {
        filled = filled.replace(&format!("{{{name}}}"), value);
    }
    filled
}

/// One line of a batch file.
#[derive(Debug, Clone)]
pub struct PayLine {
    pub reference: String,
    pub holder: String,
    pub bank: String,
    pub account: String,
    pub amount_fen: i64,
}

/// What the whole file is about, for the title and memos.
pub struct Batch<'a> {
    pub collective: &'a str,
    pub year: u16,
    pub lines: &'a [PayLine],
}

/// A cell of the batch file: text, or (XLSX) a number.
enum Cell {
    Text(String),
    Yuan(i64),
    Whole(i64),
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Yuan(fen) => Fen(*fen).to_string(),
            Cell::Whole(n) => n.to_string(),
        }
    }
}

impl Template {
    fn rows(&self, batch: &Batch) -> Vec<Vec<Cell>> {
        let year = batch.year.to_string();
        let mut rows = Vec::new();
        if let Some(title) = &self.title {
            let total: i64 = batch.lines.iter().map(|l| l.amount_fen).sum();
            let (lines, total) = (batch.lines.len().to_string(), Fen(total).to_string());
            let values = [
                ("year", year.as_str()),
                ("collective", batch.collective),
                ("lines", lines.as_str()),
                ("total", total.as_str()),
            ];
            rows.push(vec![Cell::Text(fill(title, &values))]);
        }
        if self.header {
            rows.push(
                self.columns
                    .iter()
                    .map(|c| Cell::Text(c.header.clone()))
                    .collect(),
            );
        }
        for (index, line) in batch.lines.iter().enumerate() {
            let values = [
                ("year", year.as_str()),
                ("ref", line.reference.as_str()),
                ("name", line.holder.as_str()),
                ("collective", batch.collective),
            ];
            let text = |column: &Column| fill(column.text.as_deref().unwrap_or(""), &values);
            rows.push(
                self.columns
                    .iter()
                    .map(|column| match column.field {
                        Field::Sequence => Cell::Whole(index as i64 + 1),
                        Field::Holder => Cell::Text(line.holder.clone()),
                        Field::Account => Cell::Text(line.account.clone()),
                        Field::Yuan => Cell::Yuan(line.amount_fen),
                        Field::Fen => Cell::Whole(line.amount_fen),
                        Field::Memo | Field::Fixed => Cell::Text(text(column)),
                        Field::Bank => Cell::Text(line.bank.clone()),
                        Field::Reference => Cell::Text(line.reference.clone()),
                    })
                    .collect(),
            );
        }
        rows
    }

    /// The batch file's bytes; a text the file's encoding cannot hold is refused first, naming
    /// each line's reference and holder.
    pub fn write(&self, batch: &Batch, lang: Lang) -> Result<Vec<u8>> {
        let rows = self.rows(batch);
        if self.format == FileKind::Csv && self.encoding == OutputEncoding::Gbk {
            self.check_gbk(batch, &rows, lang)?;
        }
        match self.format {
            FileKind::Csv => self.csv(&rows),
            FileKind::Xlsx => xlsx(&rows),
        }
    }

    fn csv(&self, rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
        let terminator = match self.line_ending {
            LineEnding::Crlf => csv::Terminator::CRLF,
            LineEnding::Lf => csv::Terminator::Any(b'\n'),
        };
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .terminator(terminator)
            .from_writer(Vec::new());
        for row in rows {
            writer.write_record(row.iter().map(Cell::text))?;
        }
        let text = String::from_utf8(writer.into_inner().map_err(|e| anyhow!("{e}"))?)?;
        match self.encoding {
            OutputEncoding::Utf8 => {
                let mut bytes = if self.bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    Vec::new()
                };
                bytes.extend(text.into_bytes());
                Ok(bytes)
            }
            OutputEncoding::Gb18030 => Ok(encoding_rs::GB18030.encode(&text).0.into_owned()),
            OutputEncoding::Gbk => {
                // `check_gbk` has refused any text outside strict GBK.
                assert!(text.chars().all(in_strict_gbk), "a GBK file holds GBK only");
                Ok(encoding_rs::GBK.encode(&text).0.into_owned())
            }
        }
    }
}

impl Template {
    /// Refuses every text of a GBK file that strict GBK cannot hold, each named: the line's
    /// reference and holder, or the title or header row.
    fn check_gbk(&self, batch: &Batch, rows: &[Vec<Cell>], lang: Lang) -> Result<()> {
        let above = usize::from(self.title.is_some()) + usize::from(self.header);
        let mut problems = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            let Some(c) = row
                .iter()
                .flat_map(|cell| cell.text().chars().collect::<Vec<_>>())
                .find(|c| !in_strict_gbk(*c))
            else {
                continue;
            };
            let code = format!("U+{:04X}", c as u32);
            problems.push(match r.checked_sub(above).map(|i| &batch.lines[i]) {
                Some(line) => t(
                    lang,
                    format!(
                        "{}（户名 {}）：字符“{c}”（{code}）不在 GBK 中",
                        line.reference, line.holder
                    ),
                    format!(
                        "{} (holder {}): the character {c:?} ({code}) is not in GBK",
                        line.reference, line.holder
                    ),
                ),
                None => t(
                    lang,
                    format!("标题或表头：字符“{c}”（{code}）不在 GBK 中"),
                    format!("the title or header row: the character {c:?} ({code}) is not in GBK"),
                ),
            });
        }
        if problems.is_empty() {
            return Ok(());
        }
        bail!(t(
            lang,
            format!(
                "代发模板 {} 要求 GBK 编码，以下文字无法用 GBK 写出（银行按 GBK 读取时会拒收或读错）；如银行能读 GB18030，请改用 encoding = \"gb18030\"，否则请更正户名；未写出任何文件\n  {}",
                self.name,
                problems.join("\n  ")
            ),
            format!(
                "the template {} writes GBK, which cannot hold these texts (a GBK reader would reject or misread them): give encoding = \"gb18030\" if the bank reads it, or change the name the account is held in; nothing was written\n  {}",
                self.name,
                problems.join("\n  ")
            ),
        ))
    }
}

/// Whether strict GBK (as Windows code page 936 and the GBK readers of banks' systems decode it)
/// holds a character. encoding_rs's GBK encoder is GB18030's without its four-byte sequences,
/// and GB18030 gives two-byte codes GBK leaves undefined or to private use: the euro sign at
/// A2E3, ǹ at A8BF, the ideographic description characters at A989–A995, and the radicals and
/// rare ideographs at FE50–FEA0 (䶮 is FE9F). Those, private-use characters and the one-byte
/// euro sign (0x80) are refused.
fn in_strict_gbk(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    if ('\u{E000}'..='\u{F8FF}').contains(&c) {
        return false;
    }
    let mut buffer = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buffer));
    let [lead, trail] = bytes[..] else {
        return false;
    };
    !unmappable
        && !matches!(
            u16::from_be_bytes([lead, trail]),
            0xA2E3 | 0xA8BF | 0xA989..=0xA995 | 0xFE50..=0xFEA0
        )
}

/// An XLSX workbook of one sheet: account numbers and references as text (a number cell would
/// lose an account's digits past the 15th), amounts in yuan as numbers shown with 2 decimals.
fn xlsx(rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let yuan = Format::new().set_num_format("0.00");
    let text = Format::new().set_num_format("@");
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c)?;
            match cell {
                Cell::Text(value) => sheet.write_string_with_format(r, c, value, &text)?,
                Cell::Yuan(fen) => sheet.write_number_with_format(
                    r,
                    c,
                    crate::render::cells::yuan_cell(*fen),
                    &yuan,
                )?,
                Cell::Whole(n) => sheet.write_number(r, c, *n as f64)?,
            };
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// One line of the bank's result file, as read.
#[derive(Debug, Clone)]
pub struct ResultLine {
    /// Where it is in the file (`line 7`, `row 7`).
    pub place: String,
    /// Its row number in the file, to list refused rows in the file's order.
    pub number: u64,
    /// The 0-based line of the year's dividends its reference names.
    pub index: usize,
    pub paid: bool,
    pub bank_reference: Option<String>,
    /// The bank's reason (or its status text), for a failed line.
    pub reason: String,
    pub amount_fen: Option<i64>,
}

/// A refused row of a result file: its number in the file, and the problem named by its place.
pub type RowProblem = (u64, String);

/// A header cell as compared: no spaces, ASCII brackets, lower case.
fn header_key(text: &str) -> String {
    halfwidth(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The first column whose header is one of `names`.
fn column_named(header: &Row, names: &[String]) -> Option<usize> {
    let keys: Vec<String> = names.iter().map(|n| header_key(n)).collect();
    (0..header.cells.len()).find(|&i| keys.contains(&header_key(header.cell(i))))
}

fn or_defaults(configured: &[String], defaults: &[&str]) -> Vec<String> {
    if configured.is_empty() {
        defaults.iter().map(|d| d.to_string()).collect()
    } else {
        configured.to_vec()
    }
}

/// The result file's columns once its header row is found.
struct ResultLayout {
    header_row: usize,
    reference: Vec<usize>,
    status: usize,
    bank_reference: Option<usize>,
    reason: Option<usize>,
    amount: Option<usize>,
    success: Vec<String>,
    failure: Vec<String>,
    /// The status values as the template (or the defaults) spell them, for messages.
    known: (Vec<String>, Vec<String>),
}

impl ResultColumns {
    fn layout(&self, sheet: &Sheet) -> Result<ResultLayout> {
        let status_names = or_defaults(&self.status, STATUS_HEADERS);
        // The header row is the first (of the first ten, past any title) naming a status.
        let (header_row, status) = sheet
            .rows
            .iter()
            .take(10)
            .enumerate()
            .find_map(|(i, row)| column_named(row, &status_names).map(|c| (i, c)))
            .ok_or_else(|| {
                anyhow!(
                    "the bank's result file {} has no header naming the status column (one of: {})",
                    sheet.file,
                    status_names.join(", ")
                )
            })?;
        let header = &sheet.rows[header_row];
        let reference = if self.reference.is_empty() {
            (0..header.cells.len()).filter(|&i| i != status).collect()
        } else {
            let keys: Vec<String> = self.reference.iter().map(|n| header_key(n)).collect();
            let found: Vec<usize> = (0..header.cells.len())
                .filter(|&i| keys.contains(&header_key(header.cell(i))))
                .collect();
            if found.is_empty() {
                bail!(
                    "the bank's result file {} has no reference column (one of: {})",
                    sheet.file,
                    self.reference.join(", ")
                );
            }
            found
        };
        Ok(ResultLayout {
            header_row,
            reference,
            status,
            bank_reference: column_named(
                header,
                &or_defaults(&self.bank_reference, BANK_REFERENCE_HEADERS),
            ),
            reason: column_named(header, &or_defaults(&self.reason, REASON_HEADERS)),
            amount: column_named(header, &or_defaults(&self.amount, AMOUNT_HEADERS)),
            success: or_defaults(&self.success, SUCCESS_VALUES)
                .iter()
                .map(|s| header_key(s))
                .collect(),
            failure: or_defaults(&self.failure, FAILURE_VALUES)
                .iter()
                .map(|s| header_key(s))
                .collect(),
            known: (
                or_defaults(&self.success, SUCCESS_VALUES),
                or_defaults(&self.failure, FAILURE_VALUES),
            ),
        })
    }

    /// The result file's lines for `year`, whose bank file had `lines` lines. A row with
    /// neither a status nor a reference (a total, a note) is passed over; every other row
    /// must name one of the year's lines. The rows read, and each refused row (its number in
    /// the file, and the problem named by its place), for the caller to list with the rows the
    /// ledger refuses.
    pub fn read(
        &self,
        sheet: &Sheet,
        year: u16,
        lines: usize,
        lang: Lang,
    ) -> Result<(Vec<ResultLine>, Vec<RowProblem>)> {
        let layout = self.layout(sheet)?;
        let mut read = Vec::new();
        let mut problems = Vec::new();
        for row in &sheet.rows[layout.header_row + 1..] {
            match layout.line(sheet, row, year, lines, lang) {
                Ok(Some(line)) => read.push(line),
                Ok(None) => {}
                Err(problem) => {
                    problems.push((row.number, format!("{}: {problem}", sheet.place(row, None))))
                }
            }
        }
        Ok((read, problems))
    }
}

impl ResultLayout {
    fn line(
        &self,
        sheet: &Sheet,
        row: &Row,
        year: u16,
        lines: usize,
        lang: Lang,
    ) -> Result<Option<ResultLine>> {
        let status = row.cell(self.status).trim();
        // Every reference of the year in the row's reference cells: two different ones leave the
        // line the row is about unclear, and are refused rather than the first taken.
        let mut references: Vec<(usize, usize)> = Vec::new();
        // A reference not as the bank file wrote it (`GF2025-001`, cut from `GF2025-0012`)
        // would name another line: refused, naming its cell, never taken for line 1.
        for &c in &self.reference {
            if let Some(bad) =
                gufen_core::bank::malformed_references(&halfwidth(row.cell(c)), year).first()
            {
                let cell = sheet.place(row, Some(c));
                let form = gufen_core::bank::line_reference(year, 0);
                bail!(t(
                    lang,
                    format!(
                        "{cell} 中的“{bad}”不是代发文件写出的参考号（形如 {form}）：可能被银行截断或改动，无法确定是哪一笔"
                    ),
                    format!(
                        "{cell} holds {bad:?}, not a line reference as the bank file wrote it ({form}): the bank may have cut or changed it, so which line it names is unclear"
                    ),
                ));
            }
        }
        for &c in &self.reference {
            for number in gufen_core::bank::references_in(&halfwidth(row.cell(c)), year) {
                if !references.iter().any(|(_, n)| *n == number) {
                    references.push((c, number));
                }
            }
        }
        if references.len() > 1 {
            let mut cells: Vec<String> = references
                .iter()
                .map(|(c, _)| sheet.place(row, Some(*c)))
                .collect();
            cells.dedup();
            let named: Vec<String> = references
                .iter()
                .map(|(_, n)| gufen_core::bank::line_reference(year, n - 1))
                .collect();
            bail!(t(
                lang,
                format!(
                    "{} 含有多个参考号（{}）：无法确定这一行是哪一笔；请只保留一个",
                    cells.join("、"),
                    named.join("、")
                ),
                format!(
                    "{} holds more than one line reference ({}): which line the row is about is unclear; keep one",
                    cells.join(", "),
                    named.join(", ")
                ),
            ));
        }
        let found = references
            .first()
            .map(|(_, n)| *n)
            .filter(|n| (1..=lines).contains(n))
            .map(|n| n - 1);
        let index = match (found, status.is_empty()) {
            (Some(index), _) => index,
            (None, true) => return Ok(None),
            (None, false) => bail!(
                "holds no reference of a line of the {year} bank file ({}{year}-0001 to {}): it matches no unpaid line",
                gufen_core::bank::REFERENCE_PREFIX,
                gufen_core::bank::line_reference(year, lines.saturating_sub(1))
            ),
        };
        if status.is_empty() {
            bail!(
                "the status cell {} is empty",
                sheet.place(row, Some(self.status))
            );
        }
        let key = header_key(status);
        let paid = if self.success.contains(&key) {
            true
        } else if self.failure.contains(&key) {
            false
        } else {
            let cell = sheet.place(row, Some(self.status));
            let (success, failure) = &self.known;
            bail!(t(
                lang,
                format!(
                    "状态单元格 {cell} 的“{status}”既不是成功（{}）也不是失败（{}）：请在模板的 [result] 中把它列入 success 或 failure；把已付的一笔当作失败会重复付款",
                    success.join("、"),
                    failure.join("、")
                ),
                format!(
                    "the status {status:?} in {cell} is neither a success ({}) nor a failure ({}): list it in the template's [result] success or failure; a paid line taken for a failure would be paid twice",
                    success.join(", "),
                    failure.join(", ")
                ),
            ));
        };
        let cell = |column: Option<usize>| {
            column
                .map(|c| halfwidth(row.cell(c)))
                .filter(|text| !text.is_empty())
        };
        let amount_fen = match cell(self.amount) {
            Some(text) => {
                let text = text.replace([',', '¥', '￥'], "");
                let fen = Fen::parse_yuan(&text).map_err(|e| {
                    anyhow!(
                        "the amount in {} is not yuan: {e}",
                        sheet.place(row, self.amount)
                    )
                })?;
                Some(fen.0)
            }
            None => None,
        };
        // The bank's texts are cleaned before they are stored or printed: banks quote the
        // account (or an ID) in a reason, and a line break or an overlong text would refuse
        // the whole file.
        let clean = |text: &str| Some(clean_bank_text(&halfwidth(text))).filter(|t| !t.is_empty());
        let reason = self
            .reason
            .and_then(|c| clean(row.cell(c)))
            .or_else(|| clean(status))
            .unwrap_or_else(|| status.to_string());
        Ok(Some(ResultLine {
            place: sheet.place(row, None),
            number: row.number,
            index,
            paid,
            bank_reference: cell(self.bank_reference)
                .map(|r| clean_bank_reference(&halfwidth(&r)))
                .filter(|r| !r.is_empty()),
            reason,
            amount_fen,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &str) -> Result<Template> {
        let template: Template = toml::from_str(text)?;
        template.check()?;
        Ok(template)
    }

    const CSV_TEMPLATE: &str = r#"
name = "test"
format = "csv"
encoding = "gbk"
[[columns]]
header = "户名"
field = "holder"
[[columns]]
header = "账号"
field = "account"
[[columns]]
header = "金额"
field = "yuan"
[[columns]]
header = "摘要"
field = "memo"
text = "{year}年分红 {ref}"
"#;

    #[test]
    fn a_template_without_a_reference_column_is_refused() {
        let without = CSV_TEMPLATE.replace("{year}年分红 {ref}", "{year}年分红");
        let error = template(&without).unwrap_err().to_string();
        assert!(error.contains("line reference"), "{error}");
        let unknown = CSV_TEMPLATE.replace("{year}", "{id}");
        let error = template(&unknown).unwrap_err().to_string();
        assert!(error.contains("unknown placeholder {id}"), "{error}");
    }

    #[test]
    fn a_status_listed_both_as_success_and_failure_refuses_the_template() {
        let both = format!("{CSV_TEMPLATE}\n[result]\nsuccess = [\"成功\", \"退回\"]\n");
        let error = template(&both).unwrap_err().to_string();
        assert!(error.contains("\"退回\" is both"), "{error}");
        let apart =
            format!("{CSV_TEMPLATE}\n[result]\nsuccess = [\"成功\"]\nfailure = [\"退回\"]\n");
        assert!(template(&apart).is_ok());
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            file: "result.xlsx".into(),
            workbook: true,
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    number: i as u64 + 1,
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                    numeric: vec![false; cells.len()],
                })
                .collect(),
            name: Some("Sheet1".into()),
            hidden: false,
        }
    }

    #[test]
    fn a_result_workbook_is_read_by_its_usual_headers_past_a_title() {
        let result = sheet(&[
            &["代发结果"],
            &[
                "账号",
                "金额（元）",
                "备注",
                "交易状态",
                "银行流水号",
                "失败原因",
            ],
            &[
                "6228480012345678",
                "2040.00",
                "GF2025-0002",
                "交易成功",
                "B01",
                "",
            ],
            &[
                "6228480012345679",
                "1,020.50",
                "GF2025-0001",
                "交易失败",
                "",
                "户名不符",
            ],
            &["合计", "3060.50", "", "", "", ""],
        ]);
        let (lines, problems) = ResultColumns::default()
            .read(&result, 2025, 2, Lang::En)
            .unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(lines.len(), 2, "the total row is passed over");
        assert_eq!((lines[0].index, lines[0].paid), (1, true));
        assert_eq!(lines[0].bank_reference.as_deref(), Some("B01"));
        assert_eq!(lines[0].amount_fen, Some(204_000));
        assert_eq!((lines[1].index, lines[1].paid), (0, false));
        assert_eq!(lines[1].reason, "户名不符");
        assert_eq!(lines[1].amount_fen, Some(102_050));
        assert_eq!(lines[1].place, "row 4");
        // A status beside no reference of the year's lines is refused, naming its place.
        let stray = sheet(&[
            &["备注", "交易状态"],
            &["GF2025-0003", "交易成功"],
            &["GF2024-0001", "交易成功"],
        ]);
        let (lines, problems) = ResultColumns::default()
            .read(&stray, 2025, 2, Lang::En)
            .unwrap();
        assert!(lines.is_empty());
        let numbers: Vec<u64> = problems.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [2, 3]);
        assert!(problems[0].1.starts_with("row 2: "), "{problems:?}");
    }

    #[test]
    fn a_gbk_batch_file_holds_the_lines_and_their_references() {
        let template = template(CSV_TEMPLATE).unwrap();
        let lines = [PayLine {
            reference: "GF2025-0001".into(),
            holder: "孙云".into(),
            bank: "农商银行".into(),
            account: "6228480012345678".into(),
            amount_fen: 204_000,
        }];
        let bytes = template
            .write(
                &Batch {
                    collective: "村",
                    year: 2025,
                    lines: &lines,
                },
                Lang::En,
            )
            .unwrap();
        let (text, _, errors) = encoding_rs::GBK.decode(&bytes);
        assert!(!errors);
        assert_eq!(
            text,
            "户名,账号,金额,摘要\r\n孙云,6228480012345678,2040.00,2025年分红 GF2025-0001\r\n"
        );
        let rare = [PayLine {
            holder: "𠀀".into(),
            ..lines[0].clone()
        }];
        let batch = Batch {
            collective: "村",
            year: 2025,
            lines: &rare,
        };
        assert!(template.write(&batch, Lang::En).is_err(), "not in GBK");
        // 䶮 has a two-byte GB18030 code (FE9F) that GBK readers reject: refused, naming the
        // line and its holder, as is every other line holding one.
        let rare = [
            PayLine {
                holder: "刘䶮".into(),
                ..lines[0].clone()
            },
            lines[0].clone(),
            PayLine {
                reference: "GF2025-0003".into(),
                holder: "王⺁".into(),
                ..lines[0].clone()
            },
        ];
        let batch = Batch {
            collective: "村",
            year: 2025,
            lines: &rare,
        };
        let error = template.write(&batch, Lang::En).unwrap_err().to_string();
        assert!(
            error.contains("GF2025-0001 (holder 刘䶮): the character '䶮' (U+4DAE) is not in GBK"),
            "{error}"
        );
        assert!(error.contains("GF2025-0003 (holder 王⺁)"), "{error}");
        assert_eq!(error.matches("is not in GBK").count(), 2, "{error}");
        for c in ['孙', '云', '，', 'A', '·', '瓛'] {
            assert!(in_strict_gbk(c), "{c}");
        }
        for c in ['䶮', '€', '\u{E000}', '𠀀', 'ǹ'] {
            assert!(!in_strict_gbk(c), "{c}");
        }
    }
}
