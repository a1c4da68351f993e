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
