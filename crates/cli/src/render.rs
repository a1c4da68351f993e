//! Rendering: aligned text tables (CJK-aware), CSV that Excel opens (UTF-8 with BOM), JSON, and
//! the zh/en labels of every user-facing document.

use crate::cli::{Format, Lang};
use anyhow::Result;
use std::io::Write;

/// A label in the document's language: Chinese by default, English with `--lang en`.
pub fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Display width in a terminal: East Asian wide characters take two columns.
fn width(text: &str) -> usize {
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

/// A table: a header row and data rows of text; numeric columns are right-aligned.
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub right_aligned: Vec<bool>,
}

impl Table {
    pub fn new(headers: Vec<&str>, right_aligned: Vec<bool>) -> Self {
        assert_eq!(headers.len(), right_aligned.len());
        Table {
            headers: headers.into_iter().map(String::from).collect(),
            rows: Vec::new(),
            right_aligned,
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        assert_eq!(
            row.len(),
            self.headers.len(),
            "every row has one cell per column"
        );
        self.rows.push(row);
    }

    pub fn text(&self, out: &mut impl Write) -> Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let line = |cells: &[String]| -> String {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = " ".repeat(widths[i] - width(c));
                    if self.right_aligned[i] {
                        format!("{pad}{c}")
                    } else {
                        format!("{c}{pad}")
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        writeln!(out, "{}", line(&self.headers))?;
        for row in &self.rows {
            writeln!(out, "{}", line(row))?;
        }
        Ok(())
    }

    /// CSV with a UTF-8 byte order mark, so that Excel reads the Chinese text correctly.
    pub fn csv(&self, out: &mut impl Write) -> Result<()> {
        out.write_all("\u{FEFF}".as_bytes())?;
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(&self.headers)?;
        for row in &self.rows {
            writer.write_record(row)?;
        }
        writer.flush()?;
        Ok(())
    }

    pub fn write(&self, format: Format, out: &mut impl Write) -> Result<()> {
        match format {
            Format::Csv => self.csv(out),
            _ => self.text(out),
        }
    }
}

pub fn json(out: &mut impl Write, value: &serde_json::Value) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

pub fn hex_short(hash: &[u8]) -> String {
    gufen_ledger::record::hex(&hash[..6])
}
