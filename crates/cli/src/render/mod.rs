//! The renderers: one per format, each printing any `Document`. Text and CSV print the
//! document's layout in the chosen language; JSON prints its data; XLSX writes the layout's
//! tables as a workbook; HTML lays it out as a printable A4 paper.

pub mod cells;
mod csv;
mod html;
mod json;
mod text;
mod xlsx;

use crate::cli::{Format, Lang};
use crate::document::Document;
use anyhow::Result;
use std::io::Write;

/// Rows produced on demand: `each` is called with every row in order, as often as a renderer
/// needs them (text twice: the columns' widths, then the lines).
pub type Rows<'a> = dyn FnMut(&mut dyn FnMut(&[String]) -> Result<()>) -> Result<()> + 'a;

pub use json::write_streamed as json_streamed;
pub use json::Items;

/// Prints, in text or CSV, `layout` with the rows of `rows` in its first table before the
/// table's own rows (a total): a table of many lines that is never whole in memory.
pub fn layout_streamed(
    out: &mut impl Write,
    format: Format,
    layout: &crate::document::Layout,
    rows: &mut Rows,
) -> Result<()> {
    match format {
        Format::Text => text::write_streamed(out, layout, rows),
        Format::Csv => csv::write_streamed(out, layout, rows),
        Format::Json | Format::Xlsx | Format::Html => {
            unreachable!("only text and CSV print a layout as it streams")
        }
    }
}

/// Prints `document` in `format` (and, for text and CSV, in `lang`).
pub fn render(
    out: &mut impl Write,
    format: Format,
    lang: Lang,
    document: &impl Document,
) -> Result<()> {
    match format {
        Format::Text => text::write(out, &document.layout(lang)),
        Format::Csv => csv::write(out, &document.layout(lang)),
        Format::Json => json::write(out, document),
        Format::Xlsx => xlsx::write(out, &document.layout(lang)),
        Format::Html => html::write(out, &document.paper(lang), lang),
    }
}
