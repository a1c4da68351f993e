//! Reading CSV files people bring: a roster (id,name,household[,class,units]) and a bank's
//! payment file (id,ref). UTF-8 with or without BOM; an optional header row whose first cell is
//! `id`. Rows keep their line numbers so every refused row can be named.

use anyhow::{bail, Context, Result};
use gufen_core::RosterRow;
use std::path::Path;

/// The non-empty records of a CSV file with their 1-based line numbers; each must have one of
/// `widths` columns (`expected` describes them for the error).
fn records(
    bytes: Vec<u8>,
    file: &str,
    what: &str,
    widths: &[usize],
    expected: &str,
) -> Result<Lines<csv::StringRecord>> {
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{what} {file} is not UTF-8 (byte {}); save it as UTF-8 CSV",
            e.utf8_error().valid_up_to()
        )
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{what} {file} is not valid CSV"))?;
        let line = record.position().map_or(0, |p| p.line());
        if index == 0 && record.get(0).is_some_and(|f| f.eq_ignore_ascii_case("id")) {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        if !widths.contains(&record.len()) {
            problems.push(format!(
                "line {line}: expected {expected}, found {} columns",
                record.len()
            ));
            continue;
        }
        rows.push(record);
        lines.push(line);
    }
    if !problems.is_empty() {
        bail!(
            "{} row(s) refused; nothing was written\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
    Ok((rows, lines))
}

/// Rows read from a file, with the 1-based line number of each.
pub type Lines<T> = (Vec<T>, Vec<u64>);

/// The bytes of the file at `path`, the error naming it as `what`.
fn file_bytes(path: &Path, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// Roster rows with their 1-based line numbers in the file.
pub fn read(path: &Path) -> Result<Lines<RosterRow>> {
    parse(file_bytes(path, "roster")?, &path.display().to_string())
}

/// Roster rows read from the bytes of a file named `file` (in messages).
pub fn parse(bytes: Vec<u8>, file: &str) -> Result<Lines<RosterRow>> {
    let (records, lines) = records(
        bytes,
        file,
        "roster",
        &[3, 5],
        "3 columns (id,name,household) or 5 (…,class,units)",
    )?;
    let rows = records
        .iter()
        .map(|record| {
            let field = |i: usize| record.get(i).unwrap_or("").to_string();
            RosterRow {
                id: field(0),
                name: field(1),
                household: field(2),
                class: field(3),
                units: field(4),
            }
        })
        .collect();
    Ok((rows, lines))
}

/// Payment rows (id, bank reference) with their line numbers; IDs are parsed by the caller.
pub fn read_payments(path: &Path) -> Result<Lines<(String, String)>> {
    parse_payments(
        file_bytes(path, "payment file")?,
        &path.display().to_string(),
    )
}

/// Payment rows read from the bytes of a file named `file` (in messages).
pub fn parse_payments(bytes: Vec<u8>, file: &str) -> Result<Lines<(String, String)>> {
    let (records, lines) = records(bytes, file, "payment file", &[2], "2 columns (id,ref)")?;
    let rows = records
        .iter()
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect();
    Ok((rows, lines))
}
