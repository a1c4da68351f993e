//! Reading a roster CSV: columns id,name,household[,class,units]; UTF-8 with or without BOM; an
//! optional header row. Rows keep their line numbers so every refused row can be named.

use anyhow::{bail, Context, Result};
use gufen_core::RosterRow;
use std::path::Path;

/// Rows with their 1-based line numbers in the file.
pub fn read(path: &Path) -> Result<(Vec<RosterRow>, Vec<u64>)> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read roster {}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "roster {} is not UTF-8 (byte {}); save it as UTF-8 CSV",
            path.display(),
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
        let record =
            record.with_context(|| format!("roster {} is not valid CSV", path.display()))?;
        let line = record.position().map_or(0, |p| p.line());
        if index == 0 && record.get(0).is_some_and(|f| f.eq_ignore_ascii_case("id")) {
            continue;
        }
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != 3 && record.len() != 5 {
            problems.push(format!("line {line}: expected 3 columns (id,name,household) or 5 (…,class,units), found {}", record.len()));
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        rows.push(RosterRow {
            id: field(0),
            name: field(1),
            household: field(2),
            class: field(3),
            units: field(4),
        });
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
