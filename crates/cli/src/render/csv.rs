//! CSV that Excel opens (UTF-8 with a byte order mark). A document with tables prints its
//! tables; one without (a charter, one member, a write's outcome) prints two columns, label
//! and value, its lines as rows of their own.
//!
//! A spreadsheet reads a cell that begins with `=`, `+`, `-` or `@` (or a tab or a carriage
//! return before one) as a formula, so a member named `=HYPERLINK(…)` would run on the
//! accountant's machine (CSV injection). Every such cell is written with a leading `'`, which
//! Excel and LibreOffice take as "text follows" (the OWASP rule); the cells of number and
//! money columns that are genuine numbers (`-12.34`) are left as they are, so they stay numbers.

use super::cells::{is_decimal, is_digits};
use super::Rows;
use crate::document::{Block, Column, Layout};
use anyhow::Result;
use std::io::Write;

pub fn write(out: &mut impl Write, layout: &Layout) -> Result<()> {
    write_with(out, layout, None)
}

/// Prints `layout` with the rows of `rows` in its first table, before the table's own rows.
pub fn write_streamed(out: &mut impl Write, layout: &Layout, rows: &mut Rows) -> Result<()> {
    write_with(out, layout, Some(rows))
}

fn write_with(
    out: &mut impl Write,
    layout: &Layout,
    mut streamed: Option<&mut Rows>,
) -> Result<()> {
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
    let tables: Vec<_> = layout
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Table(table) => Some(table),
            _ => None,
        })
        .collect();
    if tables.is_empty() {
        for block in &layout.blocks {
            match block {
                Block::Line(text) => {
                    writer.write_record([cell(Column::Text, text), String::new()])?
                }
                Block::Fields(fields) => {
                    for (label, value) in fields {
                        writer.write_record([cell(Column::Text, label), field_value(value)])?;
                    }
                }
                Block::Table(_) => unreachable!("a document without tables"),
                // The parts of a printed paper (a seal box, signature lines) have no cells.
                Block::Paper(_) => {}
            }
        }
    }
    for table in tables {
        let headers = table.headers.iter().map(|h| cell(Column::Text, h));
        writer.write_record(headers.collect::<Vec<_>>())?;
        if let Some(rows) = streamed.take() {
            rows(&mut |row| {
                let cells = row
                    .iter()
                    .zip(&table.columns)
                    .map(|(text, column)| cell(*column, text));
                Ok(writer.write_record(cells.collect::<Vec<_>>())?)
            })?;
        }
        for row in &table.rows {
            let cells = row
                .iter()
                .zip(&table.columns)
                .map(|(text, column)| cell(*column, text));
            writer.write_record(cells.collect::<Vec<_>>())?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// The cell as written for a spreadsheet to read back as it was meant.
fn cell(column: Column, text: &str) -> String {
    match column {
        Column::Number | Column::Money if is_decimal(text) => text.to_string(),
        // A code of digits alone (a household `00001`, a numeric reference): Excel would read
        // it as a number and drop its leading zeros (or round one of more than 15 digits).
        // `="00001"` is a formula whose value is the text between its quotes. Only a cell of
        // ASCII digits alone is written so, so nothing but digits ever stands inside the quotes
        // and no text from a user can become a formula this way.
        Column::Code if is_digits(text) => format!("=\"{text}\""),
        _ if reads_as_formula(text) => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// A labelled field's value. Fields are not typed, so only a value of digits that a spreadsheet
/// would spoil as a number (a leading zero, as in household `00001`, or more than 15 digits) is
/// kept as a code; other values are text.
fn field_value(value: &str) -> String {
    let spoiled = value.len() > 15 || (value.len() > 1 && value.starts_with('0'));
    if is_digits(value) && spoiled {
        cell(Column::Code, value)
    } else {
        cell(Column::Text, value)
    }
}

/// Whether a spreadsheet would take `text` for a formula. The full-width forms are included:
/// a spreadsheet set for Chinese input may take them for their ASCII forms. A lone `-` (the
/// placeholder for "none") is no formula and stays as it is.
fn reads_as_formula(text: &str) -> bool {
    text != "-"
        && text.starts_with([
            '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
        ])
}

#[cfg(test)]
mod tests {
    use super::{cell, field_value};
    use crate::document::Column;

    #[test]
    fn formulas_are_neutralised_and_numbers_and_codes_kept() {
        for (column, text, written) in [
            (Column::Text, "=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            (Column::Text, "+1", "'+1"),
            (Column::Text, "-2", "'-2"),
            (Column::Text, "@SUM(A1)", "'@SUM(A1)"),
            (Column::Text, "\tx", "'\tx"),
            (Column::Text, "\rx", "'\rx"),
            (Column::Text, "＝1+1", "'＝1+1"),
            (Column::Text, "-", "-"),
            (Column::Text, "王秀英", "王秀英"),
            (Column::Text, "00001", "00001"),
            (Column::Money, "-12.34", "-12.34"),
            (Column::Money, "7650.00", "7650.00"),
            (Column::Money, "-1+2", "'-1+2"),
            (Column::Number, "-2", "-2"),
            (Column::Number, "+2", "'+2"),
            (Column::Number, "合计", "合计"),
            (Column::Code, "00001", "=\"00001\""),
            (Column::Code, "001", "=\"001\""),
            (Column::Code, "-001", "'-001"),
            (Column::Code, "=\"1\"&A1", "'=\"1\"&A1"),
            (Column::Code, "360426********0071", "360426********0071"),
            (Column::Date, "2026-01-05", "2026-01-05"),
        ] {
            assert_eq!(cell(column, text), written, "{column:?} {text:?}");
        }
        for (value, written) in [
            ("00001", "=\"00001\""),
            ("1234567890123456", "=\"1234567890123456\""),
            ("600", "600"),
            ("0", "0"),
            ("-5", "'-5"),
            ("=1", "'=1"),
        ] {
            assert_eq!(field_value(value), written, "{value:?}");
        }
    }
}
