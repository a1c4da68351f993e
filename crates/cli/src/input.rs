//! Reading the files accountants bring, as tables of text cells: CSV in UTF-8 (with or without a
//! byte order mark), in GBK/GB18030 (what Excel and WPS save as "CSV (逗号分隔)" on Chinese
//! Windows) or in UTF-16 (Excel's "Unicode 文本", tab-separated), and workbooks (XLSX, XLS,
//! ODS; every worksheet, the reader choosing one). Every row keeps its place in the file so that an error can name it:
//! `line 7` of a CSV, cell `B7` of a sheet.

use anyhow::{anyhow, bail, Context, Result};
use clap::ValueEnum;
use std::path::Path;

/// How a CSV file's bytes are read (`--encoding`); workbooks carry their own.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 when the bytes are UTF-8 (or begin with a UTF-8 or UTF-16 byte order mark), else
    /// GB18030 (which includes GBK and GB2312).
    #[default]
    Auto,
    Utf8,
    /// GBK, read as GB18030, the standard that includes it.
    Gbk,
    Gb18030,
}

/// A file read as rows of text cells: a CSV file, or one sheet of a workbook.
#[derive(Debug)]
pub struct Sheet {
    /// The file as messages name it (with the sheet's name when a workbook has several).
    pub file: String,
    /// Whether it is a workbook (cells are named `B7`) rather than CSV (`line 7`).
    pub workbook: bool,
    /// The rows that have at least one non-empty cell, in order.
    pub rows: Vec<Row>,
    /// A workbook sheet's name (None for CSV).
    pub name: Option<String>,
    /// Whether the workbook hides the sheet.
    pub hidden: bool,
}

/// One row: its 1-based line (CSV) or row number (workbook) and its cells, trimmed.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u64,
    pub cells: Vec<String>,
    /// Per cell: whether a workbook stored it as a number (an 18-digit ID typed into a number
    /// cell has lost its last digits; the reader of the column says so).
    pub numeric: Vec<bool>,
}

impl Row {
    /// The cell at `column`, or "" past the row's end.
    pub fn cell(&self, column: usize) -> &str {
        self.cells.get(column).map_or("", String::as_str)
    }

    /// Whether the cell at `column` was a number in a workbook.
    pub fn is_numeric(&self, column: usize) -> bool {
        self.numeric.get(column).copied().unwrap_or(false)
    }
}

impl Sheet {
    /// Where a row, or one of its cells, is: `line 7` / `line 7, column 3` of a CSV, `row 7` /
    /// `B7` of a workbook.
    pub fn place(&self, row: &Row, column: Option<usize>) -> String {
        match (self.workbook, column) {
            (true, Some(column)) => format!("{}{}", column_letters(column), row.number),
            (true, None) => format!("row {}", row.number),
            (false, Some(column)) => format!("line {}, column {}", row.number, column + 1),
            (false, None) => format!("line {}", row.number),
        }
    }
}

/// The sheet a file's rows are read from when no header tells them apart: a CSV file's only
/// one, or a workbook's first visible sheet with any row (a hidden sheet is never read).
pub fn first_visible(sheets: Vec<Sheet>, file: &str, what: &str) -> Result<Sheet> {
    sheets
        .into_iter()
        .find(|sheet| !sheet.hidden && !sheet.rows.is_empty())
        .ok_or_else(|| anyhow!("{what} {file} has no visible sheet with rows"))
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
pub fn column_letters(column: usize) -> String {
    let mut n = column + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// Reads the file at `path` (`what` names it in errors: "roster", "bank file"): a CSV file's
/// one sheet, or every sheet of a workbook.
pub fn read(path: &Path, what: &str, encoding: Encoding) -> Result<Vec<Sheet>> {
    use std::io::Read;
    let cannot_read = || format!("cannot read {what} {}", path.display());
    let file = std::fs::File::open(path).with_context(cannot_read)?;
    let too_large = || {
        anyhow!(
            "{what} {} is larger than {} MiB, the most gufen reads; a roster, bank account file or payment file of a village is far smaller",
            path.display(),
            FILE_BYTES_MAX / (1024 * 1024)
        )
    };
    if file.metadata().with_context(cannot_read)?.len() > FILE_BYTES_MAX {
        return Err(too_large());
    }
    // Read at most one byte past the limit, should the file grow (or not say its size).
    let mut bytes = Vec::new();
    file.take(FILE_BYTES_MAX + 1)
        .read_to_end(&mut bytes)
        .with_context(cannot_read)?;
    if bytes.len() as u64 > FILE_BYTES_MAX {
        return Err(too_large());
    }
    parse(bytes, &path.display().to_string(), what, encoding)
}

/// The largest file read (64 MiB): the roster of 600 members is under 100 KiB as CSV or XLSX,
/// so this leaves room for the largest villages while a file of gigabytes, or a device, is
/// refused before it is read into memory.
pub const FILE_BYTES_MAX: u64 = 64 * 1024 * 1024;

/// The most rows a workbook sheet may reach (its last row with a value): Excel allows
/// 1,048,576, but a village's roster or bank file has hundreds to tens of thousands of rows.
/// With `SHEET_COLUMNS_MAX` it bounds the cells built (a row is built as wide as its last
/// cell), so that a small file naming a far cell cannot ask for billions of cells.
pub const SHEET_ROWS_MAX: u32 = 100_000;

/// The most columns a workbook sheet may reach (its last column with a value, `CV`): a
/// roster has about a dozen columns; Excel allows 16,384.
pub const SHEET_COLUMNS_MAX: u32 = 100;

/// Reads a file's bytes: a workbook when they are one (a ZIP, as XLSX and ODS are, or an OLE
/// compound file, as XLS is), else CSV.
pub fn parse(bytes: Vec<u8>, file: &str, what: &str, encoding: Encoding) -> Result<Vec<Sheet>> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        parse_workbook(bytes, file, what)
    } else {
        Ok(vec![parse_csv(&bytes, file, what, encoding)?])
    }
}

/// The text of a CSV file's bytes in `encoding`.
pub fn decode(bytes: &[u8], file: &str, what: &str, encoding: Encoding) -> Result<String> {
    let utf8 = |bytes: &[u8]| -> Result<String> {
        String::from_utf8(bytes.to_vec()).map_err(|e| {
            anyhow!(
                "{what} {file} is not UTF-8 (byte {}); give --encoding gbk if it was saved as \"CSV (逗号分隔)\" on Chinese Windows",
                e.utf8_error().valid_up_to()
            )
        })
    };
    let gb18030 = |bytes: &[u8]| -> Result<String> {
        let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            bail!("{what} {file} is neither UTF-8 nor GBK/GB18030 text; save it from Excel or WPS as CSV, or give the workbook itself");
        }
        Ok(text.into_owned())
    };
    let text = match encoding {
        Encoding::Utf8 => utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))?,
        Encoding::Gbk | Encoding::Gb18030 => gb18030(bytes)?,
        Encoding::Auto => {
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                utf8(rest)?
            } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
                let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
                if had_errors {
                    bail!("{what} {file} begins as UTF-16 text but is not");
                }
                text.into_owned()
            } else if let Ok(text) = std::str::from_utf8(bytes) {
                text.to_string()
            } else {
                gb18030(bytes)?
            }
        }
    };
    Ok(text.strip_prefix('\u{FEFF}').unwrap_or(&text).to_string())
}

/// How many lines the delimiter is chosen from.
const DELIMITER_LINES: usize = 10;

/// The delimiter of a text file: a tab when a line among the first ones holds tabs (outside
/// quotes) and no commas, and no line holds commas and no tabs (Excel's "Unicode 文本", whose
/// title line may hold neither); a comma otherwise. A line holding both says nothing.
fn delimiter(text: &str) -> u8 {
    let (mut tabs, mut commas) = (false, false);
    for line in text.lines().take(DELIMITER_LINES) {
        let (mut tab, mut comma, mut quoted) = (false, false, false);
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                '\t' if !quoted => tab = true,
                ',' if !quoted => comma = true,
                _ => {}
            }
        }
        tabs |= tab && !comma;
        commas |= comma && !tab;
    }
    if tabs && !commas {
        b'\t'
    } else {
        b','
    }
}

/// CSV: comma-separated, or tab-separated as `delimiter` finds (Excel's "Unicode 文本").
pub fn parse_csv(bytes: &[u8], file: &str, what: &str, encoding: Encoding) -> Result<Sheet> {
    // Line ends as Windows (CRLF) and old Mac Excel (CR) write them become LF, so that a row's
    // line is the number of LFs before it, plus one.
    let text = decode(bytes, file, what, encoding)?
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let delimiter = delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter_map(|(at, byte)| (byte == b'\n').then_some(at))
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{what} {file} is not valid CSV"))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        // The line is counted from where the record's text begins: the reader's own line count
        // and its offset both start at the blank lines it passed over before the record.
        let number = record.position().map_or(0, |p| {
            let mut start = p.byte() as usize;
            while text.as_bytes().get(start) == Some(&b'\n') {
                start += 1;
            }
            newlines.partition_point(|&at| at < start) as u64 + 1
        });
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        rows.push(Row {
            number,
            numeric: vec![false; cells.len()],
            cells,
        });
    }
    Ok(Sheet {
        file: file.to_string(),
        workbook: false,
        rows,
        name: None,
        hidden: false,
    })
}

/// Every worksheet of a workbook, in order, each with its name and whether it is hidden (chart
/// sheets, which hold no cells, are left out). Which one is read is the reader's choice
/// (`roster`). Hidden rows are read as any other: calamine does not tell them. A cell with a
/// value beyond `SHEET_ROWS_MAX` or `SHEET_COLUMNS_MAX` refuses the file. XLSX cells are read
/// one by one, so the refusal comes before any grid is built; XLS and ODS are read by calamine
/// as whole grids (see docs/import.md).
pub fn parse_workbook(bytes: Vec<u8>, file: &str, what: &str) -> Result<Vec<Sheet>> {
    use calamine::{Reader, SheetType, SheetVisible};
    let mut workbook =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            anyhow!("{what} {file} is not a workbook gufen can read (XLSX, XLS, ODS): {e}")
        })?;
    let metadata: Vec<calamine::Sheet> = workbook
        .sheets_metadata()
        .iter()
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .cloned()
        .collect();
    if metadata.is_empty() {
        bail!("{what} {file} has no sheet");
    }
    let several = metadata.len() > 1;
    let mut sheets = Vec::with_capacity(metadata.len());
    for sheet in metadata {
        let cells = match &mut workbook {
            calamine::Sheets::Xlsx(xlsx) => xlsx_cells(xlsx, &sheet.name, file, what)?,
            _ => {
                let range = workbook.worksheet_range(&sheet.name).map_err(|e| {
                    anyhow!(
                        "{what} {file}: its sheet {} cannot be read: {e}",
                        sheet.name
                    )
                })?;
                let mut cells = Vec::new();
                for (row, column, value) in range.used_cells() {
                    let (row, column) = (
                        u32::try_from(row).unwrap_or(u32::MAX),
                        u32::try_from(column).unwrap_or(u32::MAX),
                    );
                    let (row, column) = range.start().map_or((row, column), |(top, left)| {
                        (row.saturating_add(top), column.saturating_add(left))
                    });
                    if *value != calamine::Data::Empty {
                        within_limits(row, column, file, what, &sheet.name)?;
                        cells.push((row, column, cell_text(value)));
                    }
                }
                cells
            }
        };
        sheets.push(Sheet {
            file: if several {
                format!("{file} [{}]", sheet.name)
            } else {
                file.to_string()
            },
            workbook: true,
            rows: cell_rows(cells),
            hidden: sheet.visible != SheetVisible::Visible,
            name: Some(sheet.name),
        });
    }
    Ok(sheets)
}

/// A cell with a value: its 0-based row and column, its text and whether it was a number.
type SheetCell = (u32, u32, (String, bool));

/// The cells with a value of an XLSX worksheet, read one by one from the sheet's XML, each
/// checked against the limits before the next is read.
fn xlsx_cells<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut calamine::Xlsx<RS>,
    sheet: &str,
    file: &str,
    what: &str,
) -> Result<Vec<SheetCell>> {
    let cannot_read =
        |e: calamine::XlsxError| anyhow!("{what} {file}: its sheet {sheet} cannot be read: {e}");
    let mut reader = match xlsx.worksheet_cells_reader(sheet) {
        Ok(reader) => reader,
        // As calamine's own range reading: a sheet of another kind (a dialog sheet) is empty.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(cannot_read(e)),
    };
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(cannot_read)? {
        let (row, column) = cell.get_position();
        let value = calamine::Data::from(cell.get_value().clone());
        if value != calamine::Data::Empty {
            within_limits(row, column, file, what, sheet)?;
            cells.push((row, column, cell_text(&value)));
        }
    }
    Ok(cells)
}

/// Refuses a cell (0-based `row`, `column`) past `SHEET_ROWS_MAX` or `SHEET_COLUMNS_MAX`.
fn within_limits(row: u32, column: u32, file: &str, what: &str, sheet: &str) -> Result<()> {
    if row >= SHEET_ROWS_MAX || column >= SHEET_COLUMNS_MAX {
        bail!(
            "{what} {file}: its sheet {sheet} has a value in cell {}{}, beyond the {} rows and {} columns (A to {}) gufen reads; delete what lies beyond the table",
            column_letters(column as usize),
            u64::from(row) + 1,
            SHEET_ROWS_MAX,
            SHEET_COLUMNS_MAX,
            column_letters(SHEET_COLUMNS_MAX as usize - 1),
        );
    }
    Ok(())
}

/// A cell's text, and whether the workbook stored it as a number.
fn cell_text(cell: &calamine::Data) -> (String, bool) {
    use calamine::Data;
    match cell {
        Data::Empty => (String::new(), false),
        Data::String(s) => (s.trim().to_string(), false),
        Data::Int(i) => (i.to_string(), true),
        Data::Float(f) => (float_text(*f), true),
        Data::Bool(b) => (b.to_string(), false),
        Data::DateTime(_) | Data::DateTimeIso(_) => (
            calamine::DataType::as_date(cell)
                .map(|d| d.to_string())
                .unwrap_or_else(|| cell.to_string()),
            false,
        ),
        Data::DurationIso(s) => (s.clone(), false),
        Data::Error(e) => (format!("#{e:?}"), false),
    }
}

/// A sheet's rows that hold a value, numbered as the sheet numbers them, from its cells with a
/// value (0-based row and column, in any order).
fn cell_rows(mut cells: Vec<SheetCell>) -> Vec<Row> {
    cells.sort_by_key(|&(row, column, _)| (row, column));
    let mut rows: Vec<Row> = Vec::new();
    for (row, column, (text, number)) in cells {
        if text.is_empty() {
            continue;
        }
        let number_of_row = u64::from(row) + 1;
        if rows.last().map(|last| last.number) != Some(number_of_row) {
            rows.push(Row {
                number: number_of_row,
                cells: Vec::new(),
                numeric: Vec::new(),
            });
        }
        let last = rows.last_mut().expect("a row was just pushed");
        let column = column as usize;
        if last.cells.len() <= column {
            last.cells.resize(column + 1, String::new());
            last.numeric.resize(column + 1, false);
        }
        last.cells[column] = text;
        last.numeric[column] = number;
    }
    rows
}

/// A number cell as text: whole numbers without a decimal point (`12`, not `12.0`); others as
/// Excel shows them in general format.
fn float_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Full-width ASCII (`０-９`, `Ａ-Ｚ`, `，` …, as a Chinese input method types them) and the
/// ideographic space as their ASCII forms, trimmed: for the cells that hold numbers, IDs,
/// codes and amounts. Names are not passed through it.
pub fn halfwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_letter_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn gbk_is_detected_and_utf8_kept() {
        let (gbk, _, _) = encoding_rs::GBK.encode("身份证号,姓名\n1,孙\n");
        let sheet = parse_csv(&gbk, "f.csv", "roster", Encoding::Auto).unwrap();
        assert_eq!(sheet.rows[0].cells, ["身份证号", "姓名"]);
        assert_eq!(sheet.rows[1].cells, ["1", "孙"]);
        let sheet = parse_csv(
            "\u{FEFF}身份证号,姓名\n".as_bytes(),
            "f.csv",
            "roster",
            Encoding::Auto,
        )
        .unwrap();
        assert_eq!(sheet.rows[0].cells, ["身份证号", "姓名"]);
        // Read as UTF-8 when told, GBK bytes are refused with the way out named.
        let error = parse_csv(&gbk, "f.csv", "roster", Encoding::Utf8).unwrap_err();
        assert!(error.to_string().contains("--encoding gbk"), "{error}");
    }

    #[test]
    fn utf16_tab_separated_text_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "户号\t姓名\r\n00001\t孙\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let sheet = parse_csv(&bytes, "f.txt", "roster", Encoding::Auto).unwrap();
        assert_eq!(sheet.rows[1].cells, ["00001", "孙"]);
        assert_eq!(sheet.place(&sheet.rows[1], Some(1)), "line 2, column 2");
    }

    #[test]
    fn rows_are_named_by_their_line_whatever_the_line_ends() {
        for text in [
            "a,b\r\n1,2\r\n\r\n3,4\r\n",
            "a,b\n1,2\n\n3,4\n",
            "a,b\r1,2\r\r3,4\r",
        ] {
            let sheet = parse_csv(text.as_bytes(), "f.csv", "roster", Encoding::Auto).unwrap();
            let lines: Vec<u64> = sheet.rows.iter().map(|row| row.number).collect();
            assert_eq!(lines, [1, 2, 4], "{text:?}");
        }
    }

    #[test]
    fn the_delimiter_is_chosen_from_the_first_lines_holding_one() {
        // A title line without tabs above tab-separated rows.
        assert_eq!(delimiter("成员名册\n身份证号\t姓名\n1\t孙\n"), b'\t');
        // A comma inside quotes, or beside a tab, says nothing.
        assert_eq!(delimiter("\"a,b\"\tc\nx\ty,z\n"), b'\t');
        // Commas on any line make it comma-separated; so does a file with neither.
        assert_eq!(delimiter("a\tb\nc,d\n"), b',');
        assert_eq!(delimiter("成员名册\n"), b',');
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "成员名册\r\n户号\t姓名\r\n00001\t孙\r\n".encode_utf16() {
            bytes.extend(unit.to_le_bytes());
        }
        let sheet = parse_csv(&bytes, "f.txt", "roster", Encoding::Auto).unwrap();
        assert_eq!(sheet.rows[2].cells, ["00001", "孙"]);
    }

    #[test]
    fn full_width_forms_become_ascii() {
        assert_eq!(halfwidth("　４１０１８３Ｘ　"), "410183X");
        assert_eq!(halfwidth("孙"), "孙");
    }
}
