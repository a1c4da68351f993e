//! JSON: the document's data as one pretty-printed JSON value, keys in sorted order.

use anyhow::Result;
use serde::Serialize;
use std::io::Write;

pub fn write(out: &mut impl Write, document: &impl Serialize) -> Result<()> {
    // Through a `Value`, whose objects keep their keys sorted: the output does not depend on
    // the order of a struct's fields.
    let value = serde_json::to_value(document)?;
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(())
}
