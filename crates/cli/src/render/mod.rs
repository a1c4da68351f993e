//! The renderers: one per format, each printing any `Document`. Text and CSV print the
//! document's layout in the chosen language; JSON prints its data. HTML and XLSX renderers
//! belong here beside them, as one more arm of `render`.

mod csv;
mod json;
mod text;

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
    }
}
