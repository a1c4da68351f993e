//! Text for a terminal: lines, `label: value` fields, and tables aligned by display width
//! (East Asian wide characters take two columns).

use super::Rows;
use crate::document::{Block, Layout, Paper, Table};
use anyhow::Result;
use std::io::Write;

pub fn write(out: &mut impl Write, layout: &Layout) -> Result<()> {
    write_with(out, layout, None)
}

/// Prints `layout` with the rows of `rows` in its first table, before the table's own rows:
/// `rows` is called twice, once for the columns' widths and once to print.
pub fn write_streamed(out: &mut impl Write, layout: &Layout, rows: &mut Rows) -> Result<()> {
    write_with(out, layout, Some(rows))
}

fn write_with(out: &mut impl Write, layout: &Layout, mut rows: Option<&mut Rows>) -> Result<()> {
    for block in &layout.blocks {
        match block {
            Block::Line(text) => writeln!(out, "{text}")?,
            Block::Fields(fields) => {
                for (label, value) in fields {
                    writeln!(out, "{label}: {value}")?;
                }
            }
            Block::Table(table) => write_table(out, table, rows.take())?,
            Block::Paper(part) => write_paper(out, part)?,
        }
    }
    Ok(())
}

/// A paper's part as a line of text: what a terminal can show of it.
fn write_paper(out: &mut impl Write, part: &Paper) -> Result<()> {
    match part {
        Paper::Title(text) | Paper::Heading(text) | Paper::Note(text) => writeln!(out, "{text}")?,
        Paper::PageBreak => writeln!(out)?,
        Paper::Seal(caption) => writeln!(out, "[{caption}]")?,
        Paper::Signatures(labels) => {
            let lines: Vec<String> = labels.iter().map(|l| format!("{l}: ________")).collect();
            writeln!(out, "{}", lines.join("    "))?;
        }
        Paper::FillIn(label) => writeln!(out, "{label} ________________")?,
        Paper::Qr { text, caption } => writeln!(out, "{caption}: {text}")?,
        Paper::SignTable(table) => write_table(out, table, None)?,
    }
    Ok(())
}

/// Display width in a terminal.
pub(super) fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let cp = c as u32;
            let wide = (0x1100..=0x115F).contains(&cp)
                || (0x2E80..=0xA4CF).contains(&cp)
                || (0xAC00..=0xD7A3).contains(&cp)
                || (0xF900..=0xFAFF).contains(&cp)
                || (0xFE30..=0xFE4F).contains(&cp)
                || (0xFF00..=0xFF60).contains(&cp)
                || (0xFFE0..=0xFFE6).contains(&cp)
                || (0x20000..=0x3FFFD).contains(&cp);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The table, with the rows of `streamed` (when given) before its own.
fn write_table(out: &mut impl Write, table: &Table, mut streamed: Option<&mut Rows>) -> Result<()> {
    let mut widths: Vec<usize> = table.headers.iter().map(|h| width(h)).collect();
    let mut widen = |row: &[String]| {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(cell));
        }
    };
    if let Some(rows) = streamed.as_deref_mut() {
        rows(&mut |row| {
            widen(row);
            Ok(())
        })?;
    }
    for row in &table.rows {
        widen(row);
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                let pad = " ".repeat(widths[i] - width(cell));
                if table.right_aligned[i] {
                    format!("{pad}{cell}")
                } else {
                    format!("{cell}{pad}")
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&table.headers))?;
    if let Some(rows) = streamed {
        rows(&mut |row| Ok(writeln!(out, "{}", line(row))?))?;
    }
    for row in &table.rows {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}
