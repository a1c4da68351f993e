//! CSV that Excel opens (UTF-8 with a byte order mark): the document's tables. A document
//! without a table (a charter, one member, a write's outcome) prints as text.

use crate::document::{Block, Layout};
use anyhow::Result;
use std::io::Write;

pub fn write(out: &mut impl Write, layout: &Layout) -> Result<()> {
    let tables: Vec<_> = layout
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Table(table) => Some(table),
            _ => None,
        })
        .collect();
    if tables.is_empty() {
        return super::text::write(out, layout);
    }
    out.write_all("\u{FEFF}".as_bytes())?;
    let mut writer = csv::Writer::from_writer(out);
    for table in tables {
        writer.write_record(&table.headers)?;
        for row in &table.rows {
            writer.write_record(row)?;
        }
    }
    writer.flush()?;
    Ok(())
}
