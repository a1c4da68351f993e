//! A self-contained, printable A4 HTML paper of the document.

use crate::cli::Lang;
use crate::document::Layout;
use anyhow::{bail, Result};
use std::io::Write;

pub fn write(_out: &mut impl Write, _layout: &Layout, _lang: Lang) -> Result<()> {
    bail!("--format html is not available yet")
}
