//! A workbook (XLSX) of the document, one sheet: the layout's first line as a bold title, the
//! other lines and the labelled fields (label, value) as rows above the table, then each table
//! with a bold header row (the first table's frozen and filtered). A document without a table
//! is a two-column sheet of labels and values. Cells are typed by the table's columns and the
//! fields' kinds (`Layout::field_typed`): words
//! and codes are text (a household `00001`, an ID, a reference keep every character), counts
//! and units are numbers, yuan are numbers shown with two decimals, dates are date cells shown
//! as yyyy-mm-dd (so they sort and filter as dates), instants (a record's time, RFC 3339 in
//! UTC in text) are date-times in China Standard Time shown as yyyy-mm-dd hh:mm:ss, their
//! header saying `(UTC+8)`. A text cell that begins with `=` is text,
//! never a formula.

use super::cells::{fen, is_decimal};
use crate::document::{Block, Column, Layout, Table};
use anyhow::Result;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use std::io::Write;

/// The widest a column is made, in characters: longer cells wrap or are cut on screen.
const COLUMN_WIDTH_MAX: usize = 60;
/// The font size of the title row (the body is Excel's 11).
const TITLE_FONT_SIZE: f64 = 14.0;

pub fn write(out: &mut impl Write, layout: &Layout) -> Result<()> {
    out.write_all(&workbook(layout)?)?;
    Ok(())
}

/// The formats a sheet uses.
struct Formats {
    title: Format,
    bold: Format,
    money: Format,
    date: Format,
    date_time: Format,
}

fn workbook(layout: &Layout) -> Result<Vec<u8>> {
    let formats = Formats {
        title: Format::new().set_bold().set_font_size(TITLE_FONT_SIZE),
        bold: Format::new().set_bold(),
        money: Format::new().set_num_format("0.00"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        date_time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let title = match layout.blocks.first() {
        Some(Block::Line(title)) => Some(title),
        _ => None,
    };
    if let Some(title) = layout.sheet.as_ref().or(title) {
        let name = sheet_name(title);
        // `History` is a name Excel keeps for itself.
        if !name.is_empty() && !name.eq_ignore_ascii_case("history") {
            sheet.set_name(name)?;
        }
    }
    let mut widths: Vec<usize> = Vec::new();
    let mut note = |column: usize, text: &str| {
        if widths.len() <= column {
            widths.resize(column + 1, 0);
        }
        widths[column] = widths[column].max(super::text::width(text));
    };
    let mut row: u32 = 0;
    let mut filtered = false;
    for (index, block) in layout.blocks.iter().enumerate() {
        match block {
            // Lines are left out of the widths: they run on over the empty cells beside them.
            Block::Line(text) if index == 0 => {
                sheet.write_string_with_format(row, 0, text, &formats.title)?;
                row += 1;
            }
            Block::Line(text) => {
                sheet.write_string(row, 0, text)?;
                row += 1;
            }
            Block::Fields(fields) => {
                for (label, value, kind) in fields.typed() {
                    sheet.write_string_with_format(row, 0, label, &formats.bold)?;
                    write_cell(sheet, row, 1, kind, value, &formats)?;
                    note(0, label);
                    note(1, value);
                    row += 1;
                }
            }
            // The parts of a printed paper (a seal box, signature lines) have no cells.
            Block::Paper(_) => {}
            Block::Table(table) => {
                if row > 0 {
                    row += 1; // a blank row between the heading and the table
                }
                let header = row;
                row = write_table(sheet, row, table, &formats, &mut note)?;
                if !filtered && !table.headers.is_empty() {
                    let last_column = u16::try_from(table.headers.len() - 1)?;
                    sheet.set_freeze_panes(header + 1, 0)?;
                    // The filter spans the table's rows but its totals, which stay below it.
                    let last_row = (row - 1).saturating_sub(table.total_rows as u32);
                    sheet.autofilter(header, 0, header.max(last_row), last_column)?;
                    filtered = true;
                }
                row += 1; // a blank row after it
            }
        }
    }
    for (column, width) in widths.iter().enumerate() {
        let width = (width + 2).min(COLUMN_WIDTH_MAX);
        sheet.set_column_width(u16::try_from(column)?, width as f64)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Writes `table` from `row` on: its header, then its rows. Returns the row after it.
fn write_table(
    sheet: &mut Worksheet,
    mut row: u32,
    table: &Table,
    formats: &Formats,
    note: &mut impl FnMut(usize, &str),
) -> Result<u32> {
    for (column, (header, kind)) in table.headers.iter().zip(&table.columns).enumerate() {
        // The text shows the instant in UTC (`…Z`); the cell holds no zone, so the header names it.
        let header = match kind {
            Column::Instant => format!("{header} (UTC+8)"),
            _ => header.clone(),
        };
        sheet.write_string_with_format(row, u16::try_from(column)?, &header, &formats.bold)?;
        note(column, &header);
    }
    row += 1;
    for cells in &table.rows {
        for (column, (text, kind)) in cells.iter().zip(&table.columns).enumerate() {
            write_cell(sheet, row, u16::try_from(column)?, *kind, text, formats)?;
            note(column, text);
        }
        row += 1;
    }
    Ok(row)
}

/// One cell, typed by its column; a cell that is not what its column holds (a total row's
/// label, an empty cell) is written as text, or not at all when empty.
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    kind: Column,
    text: &str,
    formats: &Formats,
) -> Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    match kind {
        Column::Number if is_decimal(text) => {
            sheet.write_number(row, column, text.parse::<f64>()?)?;
        }
        Column::Money => match fen(text) {
            Some(fen) => {
                let yuan = super::cells::yuan_cell(fen);
                sheet.write_number_with_format(row, column, yuan, &formats.money)?;
            }
            None => {
                sheet.write_string(row, column, text)?;
            }
        },
        Column::Date => match excel_date(text) {
            Some(date) => {
                sheet.write_date_with_format(row, column, &date, &formats.date)?;
            }
            None => {
                sheet.write_string(row, column, text)?;
            }
        },
        Column::Instant => match excel_china_time(text) {
            Some(time) => {
                sheet.write_datetime_with_format(row, column, &time, &formats.date_time)?;
            }
            None => {
                sheet.write_string(row, column, text)?;
            }
        },
        Column::Number | Column::Text | Column::Code => {
            sheet.write_string(row, column, text)?;
        }
    }
    Ok(())
}

/// A `YYYY-MM-DD` date as a workbook date (years 1900 to 9999, what a workbook can hold).
fn excel_date(text: &str) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let (year, month, day) = (
        u16::try_from(date.year()).ok()?,
        u8::try_from(date.month()).ok()?,
        u8::try_from(date.day()).ok()?,
    );
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// An RFC 3339 instant as a workbook date-time in China Standard Time (UTC+8), to the second.
fn excel_china_time(text: &str) -> Option<ExcelDateTime> {
    use chrono::{Datelike, Timelike};
    const CHINA_SECONDS_EAST: i32 = 8 * 3600;
    let china = chrono::FixedOffset::east_opt(CHINA_SECONDS_EAST)?;
    let time = chrono::DateTime::parse_from_rfc3339(text)
        .ok()?
        .with_timezone(&china);
    ExcelDateTime::from_ymd(
        u16::try_from(time.year()).ok()?,
        u8::try_from(time.month()).ok()?,
        u8::try_from(time.day()).ok()?,
    )
    .ok()?
    .and_hms(
        u16::try_from(time.hour()).ok()?,
        u8::try_from(time.minute()).ok()?,
        time.second(),
    )
    .ok()
}

/// The sheet's name from the title: its first line, before any bracket (the collective's
/// code), at most 31 characters (a workbook's limit). The characters a sheet name cannot hold
/// are replaced by their full-width forms, never dropped: a masked ID keeps its `*` as `＊`.
fn sheet_name(title: &str) -> String {
    let first_line = title.lines().next().unwrap_or_default();
    let head = first_line.split(['(', '（']).next().unwrap_or_default();
    let kept: String = head
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            ':' => '：',
            '*' => '＊',
            '?' => '？',
            '/' => '／',
            '\\' => '＼',
            // A name may not begin or end with an apostrophe.
            '\'' => '’',
            c => c,
        })
        .take(31)
        .collect();
    kept.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::sheet_name;

    #[test]
    fn sheet_names_hold_no_forbidden_characters() {
        assert_eq!(sheet_name("a/b: [c]*?\\"), "a／b： ［c］＊？＼");
        assert_eq!(
            sheet_name("410183******0053 的记录"),
            "410183＊＊＊＊＊＊0053 的记录"
        );
        assert_eq!(
            sheet_name("gufen/N2410183MF0000001Y/blake3\n1806\n"),
            "gufen／N2410183MF0000001Y／blake3"
        );
        assert_eq!(sheet_name(&"村".repeat(40)).chars().count(), 31);
        assert_eq!(sheet_name("'x'"), "’x’");
        assert_eq!(
            sheet_name("溱水村股份经济合作社 股东名册（N2410183MF0000001Y）"),
            "溱水村股份经济合作社 股东名册"
        );
    }
}
