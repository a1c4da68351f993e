//! A workbook (XLSX) of the document's tables.

use crate::document::Layout;
use anyhow::{bail, Result};
use std::io::Write;

pub fn write(_out: &mut impl Write, _layout: &Layout) -> Result<()> {
    bail!("--format xlsx is not available yet")
}
