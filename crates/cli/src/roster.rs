//! The rows of the files people bring, read through `input` (CSV in UTF-8, GBK/GB18030 or
//! UTF-16; XLSX, XLS, ODS): a roster (`member import`: id, name, household[, class, units]) and
//! a bank's payment file (`distribution pay --file`: id, ref). A header row is recognised by the
//! alias table below, in English or Chinese, its columns in any order; without one the columns
//! are positional. Every row keeps its place (`line 7` of a CSV, cell `B7` of a workbook) so
//! that every refused row can be named with its column. docs/import.md documents all of it.

use crate::cli::Lang;
use crate::input::{self, Encoding, Row, Sheet};
use crate::labels::t;
use anyhow::{bail, Result};
use gufen_core::error::RowViolation;
use gufen_core::{Charter, PersonId, RosterRow};
use std::path::Path;

/// A column gufen reads from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Id,
    Name,
    Household,
    Class,
    Units,
    /// A bank payment's transaction reference.
    Reference,
    /// The bank an account is at (开户行).
    Bank,
    /// A bank account's number.
    Account,
    /// The name an account is held in (户名), which may differ from the person's.
    Holder,
}

impl Field {
    /// The column's English name, as a header row or docs/import.md spell it.
    pub fn key(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Name => "name",
            Field::Household => "household",
            Field::Class => "class",
            Field::Units => "units",
            Field::Reference => "ref",
            Field::Bank => "bank",
            Field::Account => "account",
            Field::Holder => "holder",
        }
    }
}

/// The header names each column is recognised by (compared after `header_key`: full-width forms
/// made ASCII, spaces and `*` removed, ASCII lower-cased). docs/import.md prints this table.
pub const ALIASES: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &[
            "id",
            "身份证号",
            "身份证号码",
            "证件号码",
            "公民身份号码",
            "身份证",
            "证件号",
        ],
    ),
    (Field::Name, &["name", "姓名", "名字"]),
    (
        Field::Household,
        &["household", "户号", "户编号", "户籍编号"],
    ),
    (
        Field::Class,
        &["class", "股种", "股份类别", "股权类别", "类别"],
    ),
    (Field::Units, &["units", "股数", "份额", "股份数", "持股数"]),
    (
        Field::Reference,
        &[
            "ref",
            "reference",
            "银行流水号",
            "流水号",
            "交易流水号",
            "参考号",
        ],
    ),
    (
        Field::Bank,
        &["bank", "开户行", "开户银行", "银行", "开户网点"],
    ),
    (
        Field::Account,
        &[
            "account",
            "账号",
            "银行账号",
            "卡号",
            "银行卡号",
            "账户号码",
        ],
    ),
    (Field::Holder, &["holder", "户名", "账户名", "账户名称"]),
];

/// Header names of columns read past in any file (docs/import.md lists them with the reason):
/// a row's serial number and remarks, which spreadsheets kept by hand often carry; sex, age and
/// birth date, which gufen reads from the ID itself; ethnicity and a phone number, which gufen
/// does not keep; and the relation to the head of the household, which a roster does not
/// record (households are kept by their number). Any other unknown header refuses the file.
pub const IGNORED: &[&str] = &[
    "序号",
    "备注",
    "no",
    "no.",
    "remark",
    "remarks",
    "note",
    "notes",
    "性别",
    "sex",
    "gender",
    "年龄",
    "age",
    "出生日期",
    "出生年月",
    "出生年月日",
    "birthdate",
    "dateofbirth",
    "民族",
    "ethnicity",
    "与户主关系",
    "与户主的关系",
    "户主关系",
    "relation",
    "联系电话",
    "电话",
    "电话号码",
    "手机",
    "手机号",
    "手机号码",
    "phone",
    "tel",
];

/// How many rows a header row may be looked for in: rows above it (a title such as
/// 某某村股份经济合作社成员名册, a line such as 填报单位：… 填报日期：…) are skipped.
const HEADER_ROWS_SEARCHED: usize = 8;

/// How the first cell of a row below the data begins when the row is a footer rather than a
/// person: a total (合计), or the names and date of who drew up and checked the sheet.
const FOOTER_WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "制表",
    "审核",
    "填表",
    "填报",
    "日期",
    "负责人",
    "经办人",
];

/// A header cell as the alias table compares it.
pub fn header_key(cell: &str) -> String {
    input::halfwidth(cell)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The column a header cell names, if the alias table knows it.
pub fn field_of_header(cell: &str) -> Option<Field> {
    let key = header_key(cell);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(field, _)| *field)
}

/// Whether a header cell names a column that is read past.
fn ignored_header(cell: &str) -> bool {
    IGNORED.contains(&header_key(cell).as_str())
}

/// What a kind of file holds.
struct Kind {
    /// Its name in messages, English and Chinese.
    what: (&'static str, &'static str),
    /// The columns a header must have.
    required: &'static [Field],
    /// Columns a header may have; read past (`ignored`) or read.
    optional: &'static [Field],
    /// Columns of a header that are accepted and not read.
    ignored: &'static [Field],
    /// The widths a row of a file without a header may have, as columns in order.
    positional: &'static [&'static [Field]],
    /// Those widths in words (kept as before header rows were read).
    expected: &'static str,
}

const ROSTER: Kind = Kind {
    what: ("roster", "名册"),
    required: &[Field::Id, Field::Name, Field::Household],
    optional: &[Field::Class, Field::Units],
    ignored: &[],
    positional: &[
        &[Field::Id, Field::Name, Field::Household],
        &[
            Field::Id,
            Field::Name,
            Field::Household,
            Field::Class,
            Field::Units,
        ],
    ],
    expected: "3 columns (id,name,household) or 5 (…,class,units)",
};

const PAYMENTS: Kind = Kind {
    what: ("payment file", "付款文件"),
    required: &[Field::Id, Field::Reference],
    // A bank's file names the payee beside the ID; the ID decides, the name is read past.
    optional: &[Field::Name],
    ignored: &[Field::Name],
    positional: &[&[Field::Id, Field::Reference]],
    expected: "2 columns (id,ref)",
};

const BANK_ACCOUNTS: Kind = Kind {
    what: ("bank account file", "银行账户文件"),
    required: &[Field::Id, Field::Bank, Field::Account],
    // The person's name (姓名) is read to catch a misaligned row; the holder's (户名) is stored.
    optional: &[Field::Name, Field::Holder],
    ignored: &[],
    positional: &[
        &[Field::Id, Field::Bank, Field::Account],
        &[Field::Id, Field::Bank, Field::Account, Field::Holder],
    ],
    expected: "3 columns (id,bank,account) or 4 (…,holder)",
};

/// Where each column is and how the file names it.
#[derive(Debug, Clone)]
struct Column {
    field: Field,
    index: usize,
    header: String,
}

/// Rows read from a file, each with its place.
#[derive(Debug)]
pub struct Located<T> {
    pub rows: Vec<T>,
    /// The file as messages name it.
    pub file: String,
    workbook: bool,
    /// The row number (CSV line, workbook row) of each row.
    numbers: Vec<u64>,
    columns: Vec<Column>,
}

impl<T> Located<T> {
    /// Where row `index`'s `field` is: `line 7` of a CSV (as refused rows have always been
    /// named), cell `B7` of a workbook.
    pub fn place(&self, index: usize, field: Field) -> String {
        let number = self.numbers.get(index).copied().unwrap_or(0);
        if self.workbook {
            format!("{}{number}", input::column_letters(self.column(field)))
        } else {
            format!("line {number}")
        }
    }

    /// The 1-based row numbers (CSV lines, workbook rows) of the rows.
    #[cfg(test)]
    pub fn numbers(&self) -> &[u64] {
        &self.numbers
    }

    /// The header the file gives `field` (its English name in a file without a header).
    pub fn header(&self, field: Field) -> &str {
        self.columns
            .iter()
            .find(|c| c.field == field)
            .map_or(field.key(), |c| c.header.as_str())
    }

    fn column(&self, field: Field) -> usize {
        self.columns
            .iter()
            .find(|c| c.field == field)
            .map_or(0, |c| c.index)
    }

    /// A refused row as listed: its place, the rule and message, and the column (`[身份证号]`);
    /// `extra` is added to the message.
    pub fn describe(&self, violation: &RowViolation, extra: &str) -> String {
        let field = violation_field(violation);
        format!(
            "{}: {}: {}{extra} [{}]",
            self.place(violation.row, field),
            violation.rule,
            self.message(violation, field),
            self.header(field)
        )
    }

    /// A violation's message with the other row it names (`row 2`, counted among the data rows)
    /// named by its place in the file, as the refused row is: `line 3`, `B3`.
    fn message(&self, violation: &RowViolation, field: Field) -> String {
        let message = violation.message.as_str();
        let Some(other) = violation.other_row else {
            return message.to_string();
        };
        match message.strip_suffix(&format!("row {}", other + 1)) {
            Some(head) if other < self.numbers.len() => {
                format!("{head}{}", self.place(other, field))
            }
            _ => message.to_string(),
        }
    }
}

/// The column a row's rule violation is about, read from how the core words it ("name …",
/// "household …", "units: …", "share class …", "payment reference …"); the ID column otherwise,
/// as the row's person is what the rest concern.
pub fn violation_field(violation: &RowViolation) -> Field {
    // A free-text refusal names its rule first (`R16: name holds a citizen ID number`).
    let message = violation.message.as_str();
    let message = message.strip_prefix("R16: ").unwrap_or(message);
    if message.starts_with("name ") {
        Field::Name
    } else if message.starts_with("household ") {
        Field::Household
    } else if message.starts_with("units") {
        Field::Units
    } else if message.starts_with("share class") {
        Field::Class
    } else if message.starts_with("payment reference") {
        Field::Reference
    } else if message.starts_with("the account number") {
        Field::Account
    } else if message.starts_with("bank name") {
        Field::Bank
    } else if message.starts_with("account holder name") {
        Field::Holder
    } else {
        Field::Id
    }
}

/// Roster rows read from the file at `path` (from the workbook's sheet named `sheet`, or the
/// one `choose` finds).
pub fn read(
    path: &Path,
    encoding: Encoding,
    sheet: Option<&str>,
    lang: Lang,
) -> Result<Located<RosterRow>> {
    let file = path.display().to_string();
    let sheets = input::read(path, ROSTER.what.0, encoding)?;
    parse(&choose(sheets, &file, sheet, &ROSTER, lang)?, lang)
}

/// Roster rows read from a sheet.
pub fn parse(sheet: &Sheet, lang: Lang) -> Result<Located<RosterRow>> {
    let table = table(sheet, &ROSTER, lang)?;
    let rows = table
        .cells
        .iter()
        .map(|cells| RosterRow {
            id: cells.get(Field::Id),
            name: cells.get(Field::Name),
            household: cells.get(Field::Household),
            class: cells.get(Field::Class),
            units: cells.get(Field::Units),
        })
        .collect();
    Ok(table.located(rows))
}

/// Roster rows read from the bytes of a file named `file` (in messages).
#[cfg(test)]
pub fn parse_bytes(bytes: Vec<u8>, file: &str, lang: Lang) -> Result<Located<RosterRow>> {
    let sheets = input::parse(bytes, file, ROSTER.what.0, Encoding::Auto)?;
    parse(&choose(sheets, file, None, &ROSTER, lang)?, lang)
}

/// Payment rows (id, bank reference) read from the file at `path`; IDs are parsed by
/// `payments`.
pub fn read_payments(
    path: &Path,
    encoding: Encoding,
    sheet: Option<&str>,
    lang: Lang,
) -> Result<Located<(String, String)>> {
    let file = path.display().to_string();
    let sheets = input::read(path, PAYMENTS.what.0, encoding)?;
    parse_payments(&choose(sheets, &file, sheet, &PAYMENTS, lang)?, lang)
}

/// Payment rows read from a sheet.
pub fn parse_payments(sheet: &Sheet, lang: Lang) -> Result<Located<(String, String)>> {
    let table = table(sheet, &PAYMENTS, lang)?;
    let rows = table
        .cells
        .iter()
        .map(|cells| (cells.get(Field::Id), cells.get(Field::Reference)))
        .collect();
    Ok(table.located(rows))
}

/// Payment rows read from the bytes of a file named `file` (in messages).
#[cfg(test)]
pub fn parse_payments_bytes(
    bytes: Vec<u8>,
    file: &str,
    lang: Lang,
) -> Result<Located<(String, String)>> {
    let sheets = input::parse(bytes, file, PAYMENTS.what.0, Encoding::Auto)?;
    parse_payments(&choose(sheets, file, None, &PAYMENTS, lang)?, lang)
}

/// The payments with their IDs parsed; every row whose ID is refused is listed.
pub fn payments(located: Located<(String, String)>) -> Result<Located<(PersonId, String)>> {
    let mut parsed = Vec::with_capacity(located.rows.len());
    let mut problems = Vec::new();
    for (index, (id, reference)) in located.rows.iter().enumerate() {
        match PersonId::parse(id) {
            Ok(person) => parsed.push((person, reference.clone())),
            Err(e) => problems.push(format!(
                "{}: {e} [{}]",
                located.place(index, Field::Id),
                located.header(Field::Id)
            )),
        }
    }
    refuse(&located.file, problems)?;
    Ok(Located {
        rows: parsed,
        file: located.file,
        workbook: located.workbook,
        numbers: located.numbers,
        columns: located.columns,
    })
}

/// One row of a bank account file, as read: the cells of its columns (empty where the file has
/// no such column).
#[derive(Debug, Clone)]
pub struct AccountCells {
    pub id: String,
    /// The person's name (姓名), checked against the ledger's: a different one is a row out
    /// of line.
    pub name: String,
    pub bank: String,
    pub account: String,
    pub holder: String,
}

/// Bank account rows read from the file at `path` (`member bank-import`), by the rules rosters
/// are read by: a header row found past titles, footers and read-past columns skipped, unknown
/// or repeated columns refused by name.
pub fn read_bank_accounts(
    path: &Path,
    encoding: Encoding,
    sheet: Option<&str>,
    lang: Lang,
) -> Result<Located<AccountCells>> {
    let file = path.display().to_string();
    let sheets = input::read(path, BANK_ACCOUNTS.what.0, encoding)?;
    parse_bank_accounts(&choose(sheets, &file, sheet, &BANK_ACCOUNTS, lang)?, lang)
}

/// Bank account rows read from a sheet.
pub fn parse_bank_accounts(sheet: &Sheet, lang: Lang) -> Result<Located<AccountCells>> {
    let table = table(sheet, &BANK_ACCOUNTS, lang)?;
    let rows = table
        .cells
        .iter()
        .map(|cells| AccountCells {
            id: cells.get(Field::Id),
            name: cells.get(Field::Name),
            bank: cells.get(Field::Bank),
            account: cells.get(Field::Account),
            holder: cells.get(Field::Holder),
        })
        .collect();
    Ok(table.located(rows))
}

/// Resolves each row's share class given by its charter name (`人口股`) or by its code in
/// another case (`Basic`) to its code; a class the charter does not know is left for the core
/// to refuse (R6), so that it is listed with every other refused row.
pub fn resolve_classes(rows: &mut [RosterRow], charter: &Charter) {
    for row in rows {
        let class = row.class.as_str();
        if class.is_empty() || charter.class(class).is_some() {
            continue;
        }
        // The cell was made half-width (full-width brackets of 集体积累股（原始积累贡献） became
        // ASCII ones); the charter's name is compared made half-width too.
        let key = input::halfwidth(class);
        let found = charter
            .classes
            .iter()
            .find(|c| input::halfwidth(&c.name) == key)
            .or_else(|| {
                charter
                    .classes
                    .iter()
                    .find(|c| c.code.eq_ignore_ascii_case(class))
            });
        if let Some(found) = found {
            row.class = found.code.clone();
        }
    }
}

/// The charter's classes as an unknown class is answered: `basic (人口股), labor (农龄股)`.
pub fn class_list(charter: &Charter) -> String {
    charter
        .classes
        .iter()
        .map(|c| format!("{} ({})", c.code, c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The refused row's extra words when its class is not the charter's: the charter's classes.
pub fn unknown_class_note(violation: &RowViolation, charter: &Charter, lang: Lang) -> String {
    if violation_field(violation) == Field::Class {
        format!(
            "{}{}",
            t(
                lang,
                "；章程中的股种（代码或名称均可）：",
                "; the charter's classes (by code or name): "
            ),
            class_list(charter)
        )
    } else {
        String::new()
    }
}

/// One data row's cells by column.
struct Cells(Vec<(Field, String)>);

impl Cells {
    fn get(&self, field: Field) -> String {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map_or_else(String::new, |(_, v)| v.clone())
    }
}

/// A file's data rows with the columns they were read by.
struct Table<'a> {
    sheet: &'a Sheet,
    columns: Vec<Column>,
    rows: Vec<&'a Row>,
    cells: Vec<Cells>,
}

impl Table<'_> {
    fn located<T>(self, rows: Vec<T>) -> Located<T> {
        Located {
            rows,
            file: self.sheet.file.clone(),
            workbook: self.sheet.workbook,
            numbers: self.rows.iter().map(|r| r.number).collect(),
            columns: self.columns,
        }
    }
}

/// Refuses the file when any row was refused, listing every one.
fn refuse(file: &str, problems: Vec<String>) -> Result<()> {
    if !problems.is_empty() {
        bail!(
            "{} row(s) of {file} refused; nothing was written\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok(())
}

/// The width of a row: up to its last non-empty cell.
fn width(row: &Row) -> usize {
    row.cells
        .iter()
        .rposition(|c| !c.is_empty())
        .map_or(0, |last| last + 1)
}

/// Whether a row's text holds a digit (a data row's ID does; a header row does not).
fn holds_digit(row: &Row) -> bool {
    row.cells
        .iter()
        .any(|c| input::halfwidth(c).chars().any(|ch| ch.is_ascii_digit()))
}

/// Whether a cell holds what looks like a citizen ID (15 or more digits, an X allowed): the rows
/// a header is looked for in end at the first one holding one.
fn looks_like_id(cell: &str) -> bool {
    let id = id_text(cell);
    id.len() >= 15
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || c.eq_ignore_ascii_case(&'x'))
}

/// The rows a header row is looked for in: the first ones, up to the first holding an ID.
fn header_candidates(sheet: &Sheet) -> impl Iterator<Item = (usize, &Row)> {
    sheet
        .rows
        .iter()
        .take(HEADER_ROWS_SEARCHED)
        .take_while(|row| !row.cells.iter().any(|c| looks_like_id(c)))
        .enumerate()
}

/// Whether a header cell names a column of `kind`.
fn names_column(cell: &str, kind: &Kind) -> bool {
    field_of_header(cell).is_some_and(|f| kind.required.contains(&f) || kind.optional.contains(&f))
}

/// The index of the row that is plainly `kind`'s header: the first (within the first rows) in
/// which every non-empty cell names a column of `kind` or a column read past, and which names
/// every required column. Rows above it (titles, 填报单位：…) are skipped.
fn recognised_header(sheet: &Sheet, kind: &Kind) -> Option<usize> {
    header_candidates(sheet)
        .find(|(_, row)| {
            row.cells
                .iter()
                .all(|c| c.is_empty() || names_column(c, kind) || ignored_header(c))
                && kind
                    .required
                    .iter()
                    .all(|f| row.cells.iter().any(|c| field_of_header(c) == Some(*f)))
        })
        .map(|(index, _)| index)
}

/// The index of the first row (within the first rows) naming any column of `kind`: a header with
/// problems (an unknown column, a missing one), refused by name.
fn named_header(sheet: &Sheet, kind: &Kind) -> Option<usize> {
    header_candidates(sheet)
        .find(|(_, row)| row.cells.iter().any(|c| names_column(c, kind)))
        .map(|(index, _)| index)
}

/// The index of the header row among the sheet's rows, if there is one: the row
/// `recognised_header` finds; else the first naming a column (refused by its problems); else
/// the first row when it holds no digit at all (a header of names gufen does not know, which
/// is then refused by name rather than read as a person).
fn header_index(sheet: &Sheet, kind: &Kind) -> Option<usize> {
    if let Some(index) = recognised_header(sheet, kind).or_else(|| named_header(sheet, kind)) {
        return Some(index);
    }
    match sheet.rows.first() {
        Some(first) if !holds_digit(first) => Some(0),
        _ => None,
    }
}

/// The sheet of a workbook to read: the one named by `--sheet`; else the first visible sheet
/// with a header row of `kind` (or rows of IDs without a header); else the first visible sheet
/// naming one of its columns (to be refused by its header's problems); else the only visible
/// sheet holding anything when it begins as a table does. A file of one sheet (CSV) is that
/// sheet. Otherwise refused, naming the sheets found.
fn choose(
    sheets: Vec<Sheet>,
    file: &str,
    wanted: Option<&str>,
    kind: &Kind,
    lang: Lang,
) -> Result<Sheet> {
    let what = t(lang, kind.what.1, kind.what.0);
    let list = |sheets: &[Sheet]| -> String {
        sheets
            .iter()
            .map(|sheet| {
                let name = sheet.name.clone().unwrap_or_default();
                match (sheet.hidden, sheet.rows.is_empty()) {
                    (true, _) => t(lang, format!("{name}（隐藏）"), format!("{name} (hidden)")),
                    (false, true) => t(lang, format!("{name}（空）"), format!("{name} (empty)")),
                    (false, false) => name,
                }
            })
            .collect::<Vec<_>>()
            .join(t(lang, "、", ", "))
    };
    let workbook = sheets.first().is_some_and(|sheet| sheet.workbook);
    if let Some(wanted) = wanted {
        if !workbook {
            bail!(t(
                lang,
                format!("--sheet 指定工作簿中的工作表；{what} {file} 是文本文件"),
                format!("--sheet names a sheet of a workbook; {what} {file} is a text file"),
            ));
        }
        let found = sheets
            .iter()
            .position(|sheet| sheet.name.as_deref().map(str::trim) == Some(wanted.trim()));
        return match found {
            Some(index) => Ok(sheets.into_iter().nth(index).expect("found")),
            None => bail!(t(
                lang,
                format!(
                    "{what} {file} 中没有名为“{wanted}”的工作表；工作表：{}",
                    list(&sheets)
                ),
                format!(
                    "{what} {file} has no sheet named {wanted:?}; sheets: {}",
                    list(&sheets)
                ),
            )),
        };
    }
    if sheets.len() == 1 {
        return Ok(sheets.into_iter().next().expect("one sheet"));
    }
    let readable = |sheet: &Sheet| !sheet.hidden && !sheet.rows.is_empty();
    let positional = |sheet: &Sheet| {
        header_index(sheet, kind).is_none()
            && sheet
                .rows
                .first()
                .is_some_and(|row| looks_like_id(row.cell(0)))
    };
    let found = sheets
        .iter()
        .position(|s| readable(s) && (recognised_header(s, kind).is_some() || positional(s)))
        .or_else(|| {
            sheets
                .iter()
                .position(|s| readable(s) && named_header(s, kind).is_some())
        })
        .or_else(|| {
            // The one sheet holding anything, when its first rows look like a table's header
            // (more than one cell) rather than a page of instructions: refused by its header.
            let mut readable = sheets.iter().enumerate().filter(|(_, s)| readable(s));
            match (readable.next(), readable.next()) {
                (Some((index, sheet)), None) => header_index(sheet, kind)
                    .filter(|&header| width(&sheet.rows[header]) > 1)
                    .map(|_| index),
                _ => None,
            }
        });
    match found {
        Some(index) => Ok(sheets.into_iter().nth(index).expect("found")),
        None => {
            let required: Vec<&str> = kind.required.iter().map(|f| f.key()).collect();
            bail!(t(
                lang,
                format!(
                    "{what} {file} 中没有一张可见的工作表带有可读的表头（须有 {} 列）；工作表：{}；请用 --sheet 指定要读取的工作表",
                    required.join("、"),
                    list(&sheets)
                ),
                format!(
                    "{what} {file}: no visible sheet has a header row gufen reads (with the columns {}); sheets: {}; choose one with --sheet NAME",
                    required.join(", "),
                    list(&sheets)
                ),
            ))
        }
    }
}

/// The columns a header row names; every problem with it listed.
fn header_columns(sheet: &Sheet, row: &Row, kind: &Kind, lang: Lang) -> Result<Vec<Column>> {
    let what = t(lang, kind.what.1, kind.what.0);
    let mut columns: Vec<Column> = Vec::new();
    let mut problems = Vec::new();
    let known: Vec<&str> = kind
        .required
        .iter()
        .chain(kind.optional)
        .map(|f| f.key())
        .collect();
    for (index, cell) in row.cells.iter().enumerate() {
        let place = sheet.place(row, Some(index));
        if cell.is_empty() {
            continue;
        }
        let field = field_of_header(cell)
            .filter(|f| kind.required.contains(f) || kind.optional.contains(f));
        match field {
            Some(field) => {
                if let Some(first) = columns.iter().find(|c| c.field == field) {
                    problems.push(t(
                        lang,
                        format!(
                            "{place}（{cell}）：与 {}（{}）重复，都是 {} 列",
                            crate::messages::place(lang, &sheet.place(row, Some(first.index))),
                            first.header,
                            field.key()
                        ),
                        format!(
                            "{place} ({cell}): a second {} column; the first is {} ({})",
                            field.key(),
                            sheet.place(row, Some(first.index)),
                            first.header
                        ),
                    ));
                } else {
                    columns.push(Column {
                        field,
                        index,
                        header: cell.clone(),
                    });
                }
            }
            None if ignored_header(cell) => {}
            None => problems.push(t(
                lang,
                format!(
                    "{place}（{cell}）：{what}中没有这一列；请删除该列，或按 docs/import.md 的表头别名改名（可读的列：{}）",
                    known.join("、")
                ),
                format!(
                    "{place} ({cell}): not a column of a {what}; delete the column or name it as docs/import.md lists (columns read: {})",
                    known.join(", ")
                ),
            )),
        }
    }
    for field in kind.required {
        if !columns.iter().any(|c| c.field == *field) {
            problems.push(t(
                lang,
                format!(
                    "{}：表头没有 {} 列（{}）",
                    sheet.place(row, None),
                    field.key(),
                    aliases(*field).join("、")
                ),
                format!(
                    "{}: the header row has no {} column ({})",
                    sheet.place(row, None),
                    field.key(),
                    aliases(*field).join(", ")
                ),
            ));
        }
    }
    let has = |field: Field| columns.iter().any(|c| c.field == field);
    if kind.optional.contains(&Field::Units) && has(Field::Class) != has(Field::Units) {
        problems.push(t(
            lang,
            format!(
                "{}：股种（class）与股数（units）两列须同时给出",
                sheet.place(row, None)
            ),
            format!(
                "{}: a class column needs a units column and a units column a class column",
                sheet.place(row, None)
            ),
        ));
    }
    refuse(&sheet.file, problems)?;
    columns.retain(|c| !kind.ignored.contains(&c.field));
    Ok(columns)
}

/// The header names of `field`.
fn aliases(field: Field) -> &'static [&'static str] {
    ALIASES
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(&[], |(_, names)| names)
}

/// A sheet's data rows read by `kind`'s columns, every refused row listed.
fn table<'a>(sheet: &'a Sheet, kind: &Kind, lang: Lang) -> Result<Table<'a>> {
    let header = header_index(sheet, kind);
    let (columns, data) = match header {
        Some(index) => (
            header_columns(sheet, &sheet.rows[index], kind, lang)?,
            &sheet.rows[index + 1..],
        ),
        None => {
            let widest = kind
                .positional
                .last()
                .expect("a kind has positional columns");
            let columns = widest
                .iter()
                .enumerate()
                .map(|(index, field)| Column {
                    field: *field,
                    index,
                    header: field.key().to_string(),
                })
                .collect();
            (columns, &sheet.rows[..])
        }
    };
    let mut rows = Vec::with_capacity(data.len());
    let mut cells = Vec::with_capacity(data.len());
    let mut problems = Vec::new();
    let id_column = columns
        .iter()
        .find(|c| c.field == Field::Id)
        .map(|c| c.index);
    for row in data {
        if footer(row, id_column) {
            continue;
        }
        // A CSV row's width is its fields as written (as before header rows were read); a
        // workbook's rows are as wide as the sheet, so theirs ends at their last value.
        let found = if sheet.workbook {
            width(row)
        } else {
            row.cells.len()
        };
        let problem = match header {
            // Without a header a row has one of the positional widths.
            None => (!kind.positional.iter().any(|p| p.len() == found)).then(|| {
                format!(
                    "{}: expected {}, found {found} columns",
                    sheet.place(row, None),
                    kind.expected
                )
            }),
            // Under a header a value past the header's last column sits under no header.
            Some(index) if width(row) > width(&sheet.rows[index]) => {
                let place = sheet.place(row, Some(width(row) - 1));
                Some(t(
                    lang,
                    format!("{place}：该值上方没有表头"),
                    format!("{place}: a value under no header"),
                ))
            }
            // A CSV row may stop early only where the columns left are optional (a roster row
            // without class and units).
            Some(_) if !sheet.workbook && found < width_needed(&columns, kind) => Some(format!(
                "{}: expected at least {} columns under the header, found {found} columns",
                sheet.place(row, None),
                width_needed(&columns, kind)
            )),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            problems.push(problem);
            continue;
        }
        let mut row_problems = Vec::new();
        let mut values = Vec::with_capacity(columns.len());
        for column in &columns {
            let text = row.cell(column.index);
            if row.is_numeric(column.index) && numeric_refused(column.field, text) {
                row_problems.push(t(
                    lang,
                    format!(
                        "{}（{}）：该单元格存成了数字，数字只保留 15 位有效数字，其余各位已丢失；请把这一列设置为文本格式后重新输入",
                        sheet.place(row, Some(column.index)),
                        column.header
                    ),
                    format!(
                        "{} ({}): the cell is stored as a number, which keeps 15 significant digits and has lost the rest; format the column as text (文本) and type it again",
                        sheet.place(row, Some(column.index)),
                        column.header
                    ),
                ));
                continue;
            }
            let value = match column.field {
                Field::Name => text.trim().to_string(),
                Field::Id => id_text(text),
                Field::Household => unwrapped(&input::halfwidth(text)).to_string(),
                Field::Reference => reference_text(text),
                Field::Bank | Field::Holder => text.trim().to_string(),
                Field::Account => unwrapped(&input::halfwidth(text)).to_string(),
                Field::Class | Field::Units => input::halfwidth(text),
            };
            values.push((column.field, value));
        }
        // A row holding nothing gufen reads (a serial number or a remark alone) is blank.
        if row_problems.is_empty() && values.iter().all(|(_, value)| value.is_empty()) {
            continue;
        }
        let no_id = values.iter().any(|(f, v)| *f == Field::Id && v.is_empty());
        if let Some(column) = columns.iter().find(|c| c.field == Field::Id) {
            if row_problems.is_empty() && no_id {
                let place = sheet.place(row, Some(column.index));
                row_problems.push(t(
                    lang,
                    format!("{place}（{}）：该行没有身份证号", column.header),
                    format!("{place} ({}): row has no ID", column.header),
                ));
            }
        }
        if row_problems.is_empty() {
            rows.push(row);
            cells.push(Cells(values));
        } else {
            problems.extend(row_problems);
        }
    }
    refuse(&sheet.file, problems)?;
    Ok(Table {
        sheet,
        columns,
        rows,
        cells,
    })
}

/// A cell's text without the marks a spreadsheet leaves on text typed as such: Excel's `'`
/// typed before digits to keep them text, and the `="…"` form some tools export.
fn unwrapped(text: &str) -> &str {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix("=\"").and_then(|t| t.strip_suffix('"')) {
        return inner.trim();
    }
    text.strip_prefix('\'').unwrap_or(text).trim()
}

/// An ID cell as its ID: made half-width, unwrapped, and without the spaces (ASCII or
/// ideographic) typed to group its digits (`410183 19610202 1014`).
fn id_text(text: &str) -> String {
    unwrapped(&input::halfwidth(text))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A bank reference cell as its reference: made half-width and unwrapped; a reference of digits
/// alone loses the spaces grouping them.
fn reference_text(text: &str) -> String {
    let text = unwrapped(&input::halfwidth(text)).to_string();
    if text
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace())
    {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        text
    }
}

/// Whether a row is a footer below the data (合计…, 制表人：…, 日期：…): its first non-empty cell
/// begins with a footer word, and its ID cell is empty or is that cell.
fn footer(row: &Row, id_column: Option<usize>) -> bool {
    let Some(first) = row.cells.iter().position(|c| !c.trim().is_empty()) else {
        return false;
    };
    let key = header_key(&row.cells[first]);
    FOOTER_WORDS.iter().any(|word| key.starts_with(word))
        && id_column.is_none_or(|id| id == first || row.cell(id).trim().is_empty())
}

/// The width a row under the header must reach: past its last required column.
fn width_needed(columns: &[Column], kind: &Kind) -> usize {
    columns
        .iter()
        .filter(|c| kind.required.contains(&c.field))
        .map(|c| c.index + 1)
        .max()
        .unwrap_or(0)
}

/// Whether a workbook's number cell cannot be read in this column: an ID (a number keeps 15
/// significant digits; an 18-digit ID has lost its last ones, and one ending in X cannot be a
/// number), or a bank reference of more digits than a number keeps.
fn numeric_refused(field: Field, text: &str) -> bool {
    match field {
        Field::Id => true,
        Field::Reference | Field::Account => text.chars().filter(char::is_ascii_digit).count() > 15,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(header: &str, expected: Option<Field>) {
        assert_eq!(field_of_header(header), expected, "{header}");
    }

    #[test]
    fn every_alias_the_docs_promise_is_recognised() {
        for name in [
            "身份证号",
            "证件号码",
            "公民身份号码",
            "身份证号码",
            "身份证",
            "id",
            "ID",
        ] {
            check(name, Some(Field::Id));
        }
        for name in ["姓名", "名字", "name", "Name"] {
            check(name, Some(Field::Name));
        }
        for name in ["户号", "户编号", "户籍编号", "household"] {
            check(name, Some(Field::Household));
        }
        for name in ["股种", "股份类别", "股权类别", "类别", "class"] {
            check(name, Some(Field::Class));
        }
        for name in ["股数", "份额", "股份数", "持股数", "units"] {
            check(name, Some(Field::Units));
        }
        for name in [
            "银行流水号",
            "流水号",
            "交易流水号",
            "参考号",
            "ref",
            "reference",
        ] {
            check(name, Some(Field::Reference));
        }
    }

    #[test]
    fn headers_are_compared_without_spaces_marks_or_full_width_forms() {
        check(" 身份证号 ", Some(Field::Id));
        check("姓　名", Some(Field::Name));
        check("*户号", Some(Field::Household));
        check("ＩＤ", Some(Field::Id));
        check("UNITS", Some(Field::Units));
        check("身份证号2", None);
        check("股数（万股）", None);
        check("备注", None);
        assert!(ignored_header("备注") && ignored_header("序号") && ignored_header("No."));
    }

    #[test]
    fn no_alias_names_two_columns() {
        let mut seen = std::collections::BTreeMap::new();
        for (field, names) in ALIASES {
            for name in *names {
                assert_eq!(header_key(name), *name, "{name} is written as compared");
                if let Some(other) = seen.insert(*name, *field) {
                    panic!("{name} names both {other:?} and {field:?}");
                }
                assert!(!IGNORED.contains(name), "{name} is both read and ignored");
            }
        }
    }

    fn sheet(text: &str) -> Sheet {
        input::parse_csv(text.as_bytes(), "f.csv", "roster", Encoding::Auto).unwrap()
    }

    const A: &str = "410183195202210053";

    #[test]
    fn columns_are_read_by_their_header_in_any_order() {
        let read = parse(
            &sheet(&format!(
                "序号,股数,户号,姓名,身份证号,股种\n1,１.5,００００１,孙云 ,{A},basic\n"
            )),
            Lang::En,
        )
        .unwrap();
        assert_eq!(
            read.rows,
            [RosterRow {
                id: A.into(),
                name: "孙云".into(),
                household: "00001".into(),
                class: "basic".into(),
                units: "1.5".into(),
            }]
        );
        assert_eq!(read.numbers(), [2]);
        assert_eq!(read.header(Field::Id), "身份证号");
    }

    #[test]
    fn a_file_without_a_header_is_positional_and_titles_above_a_header_are_skipped() {
        let read = parse(&sheet(&format!("{A},孙云,00001\n")), Lang::En).unwrap();
        assert_eq!(read.rows[0].household, "00001");
        let read = parse(
            &sheet(&format!(
                "溱水村成员名册\n姓名,身份证号,户号\n孙云,{A},00001\n"
            )),
            Lang::En,
        )
        .unwrap();
        assert_eq!(read.rows[0].id, A);
        assert_eq!(read.numbers(), [3]);
    }

    #[test]
    fn header_problems_are_all_named() {
        let error = parse(
            &sheet(&format!("身份证号,姓名,银行账号,身份证\n{A},孙云,1,2\n")),
            Lang::En,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("line 1, column 3 (银行账号): not a column of a roster"),
            "{error}"
        );
        assert!(
            error.contains("a second id column; the first is line 1, column 1"),
            "{error}"
        );
        assert!(error.contains("no household column"), "{error}");
        let error = parse(
            &sheet(&format!("id,name,household,class\n{A},孙云,1,basic\n")),
            Lang::En,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("a class column needs a units column"),
            "{error}"
        );
        // A first row with no digit and no known name is a header, refused by name.
        let error = parse(&sheet(&format!("证件,名称,户\n{A},孙云,1\n")), Lang::En)
            .unwrap_err()
            .to_string();
        assert!(error.contains("(证件): not a column"), "{error}");
    }

    #[test]
    fn rows_under_a_header_are_checked_against_it() {
        let error = parse(
            &sheet(&format!("id,name,household\n{A},孙云\n{A},孙云,1,extra\n")),
            Lang::En,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("line 2: expected at least 3 columns under the header, found 2 columns"),
            "{error}"
        );
        assert!(
            error.contains("line 3, column 4: a value under no header"),
            "{error}"
        );
        // Class and units may be left off a row's end.
        let read = parse(
            &sheet(&format!("id,name,household,class,units\n{A},孙云,1\n")),
            Lang::En,
        )
        .unwrap();
        assert_eq!(read.rows[0].units, "");
    }

    #[test]
    fn text_markers_and_spaces_are_taken_off_ids() {
        assert_eq!(id_text("'410183 19520221 0053"), A);
        assert_eq!(id_text("=\"410183\u{3000}195202210053\""), A);
        assert_eq!(id_text("＇４１０１８３１９５２０２２１００５３"), A);
        assert_eq!(unwrapped("'00001"), "00001");
        assert_eq!(reference_text("2026 0201 0001"), "202602010001");
        assert_eq!(reference_text("BK 1"), "BK 1");
    }

    #[test]
    fn a_header_is_found_below_a_title_and_a_subtitle() {
        let text = format!(
            "溱水村成员名册\n填报单位：溱水村,,填报日期：2017-12-31\n序号,姓名,性别,身份证号,户号\n1,孙云,男,{A},1\n"
        );
        let read = parse(&sheet(&text), Lang::En).unwrap();
        assert_eq!(read.rows[0].id, A);
        assert_eq!(read.numbers(), [4]);
        // A header naming an unknown column below a title is still refused by that column.
        let text = format!("溱水村成员名册\n填报单位：溱水村,,填报日期\n身份证号,姓名,户号,银行账号\n{A},孙云,1,2\n");
        let error = parse(&sheet(&text), Lang::En).unwrap_err().to_string();
        assert!(
            error.contains("line 3, column 4 (银行账号): not a column"),
            "{error}"
        );
    }

    #[test]
    fn footers_are_skipped_and_rows_of_serial_numbers_alone_are_blank() {
        let text = format!("序号,身份证号,姓名,户号\n1,{A},孙云,1\n2,,,\n合计,,,1\n制表人：张三,,日期：2017-12-31\n");
        let read = parse(&sheet(&text), Lang::En).unwrap();
        assert_eq!(read.rows.len(), 1);
        let text = format!("序号,身份证号,姓名,户号\n1,{A},孙云,1\n2,,孙娟,1\n");
        let error = parse(&sheet(&text), Lang::En).unwrap_err().to_string();
        assert!(
            error.contains("line 3, column 2 (身份证号): row has no ID"),
            "{error}"
        );
    }

    #[test]
    fn a_payment_file_reads_past_the_payees_name() {
        let read = parse_payments(
            &sheet(&format!("姓名,流水号,身份证号\n孙云,ＢＫ１,{A}\n")),
            Lang::En,
        )
        .unwrap();
        assert_eq!(read.rows, [(A.to_string(), "BK1".to_string())]);
    }

    #[test]
    fn a_violation_is_placed_in_its_column() {
        let read = parse(
            &sheet(&format!("姓名,身份证号,户号\n孙云,{A},1\n")),
            Lang::En,
        )
        .unwrap();
        let violation = |message: &str| RowViolation {
            row: 0,
            rule: gufen_core::error::Rule::Input,
            message: message.into(),
            other_row: None,
        };
        assert_eq!(
            read.describe(&violation("name must not be empty"), ""),
            "line 2: input: name must not be empty [姓名]"
        );
        assert_eq!(
            read.describe(&violation("is already a member"), ""),
            "line 2: input: is already a member [身份证号]"
        );
        assert_eq!(
            read.describe(&violation("R16: name holds a citizen ID number"), ""),
            "line 2: input: R16: name holds a citizen ID number [姓名]"
        );
    }
}
