//! JSON: the document's data as one pretty-printed JSON value, keys in sorted order.

use anyhow::{anyhow, bail, Result};
use serde::ser::{Error as _, SerializeMap as _, SerializeSeq as _};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::io::Write;

pub fn write(out: &mut impl Write, document: &impl Serialize) -> Result<()> {
    // Through a `Value`, whose objects keep their keys sorted: the output does not depend on
    // the order of a struct's fields.
    let value = serde_json::to_value(document)?;
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(())
}

/// Items produced on demand: `each` is called with every item in order.
pub type Items<'a, T> = dyn FnMut(&mut dyn FnMut(&T) -> Result<()>) -> Result<()> + 'a;

/// Prints what `write` prints of the document whose list `field` holds the items of `items`,
/// without the whole document in memory: `frame` is the document with that list empty, and each
/// item goes through a `Value` of its own, so keys are sorted exactly as `write` sorts them.
pub fn write_streamed<T: Serialize>(
    out: &mut impl Write,
    frame: &impl Serialize,
    field: &str,
    items: &mut Items<T>,
) -> Result<()> {
    let Value::Object(map) = serde_json::to_value(frame)? else {
        bail!("a streamed document is a JSON object");
    };
    assert!(
        matches!(map.get(field), Some(Value::Array(list)) if list.is_empty()),
        "the frame holds the streamed list `{field}` empty"
    );
    let failure = RefCell::new(None);
    let document = Streamed {
        map: &map,
        field,
        items: RefCell::new(items),
        failure: &failure,
    };
    let written = document.serialize(&mut serde_json::Serializer::pretty(&mut *out));
    if let Some(error) = failure.into_inner() {
        return Err(error);
    }
    written?;
    writeln!(out)?;
    Ok(())
}

/// The frame's entries in order, the streamed list in its place.
struct Streamed<'a, 'b, T> {
    map: &'a Map<String, Value>,
    field: &'a str,
    items: RefCell<&'a mut Items<'b, T>>,
    /// Why the items stopped (a read of the store failed), when they did.
    failure: &'a RefCell<Option<anyhow::Error>>,
}

impl<T: Serialize> Serialize for Streamed<'_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.map.len()))?;
        for (key, value) in self.map {
            if key == self.field {
                map.serialize_entry(key, &List(self))?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

struct List<'a, 'b, 'c, T>(&'a Streamed<'b, 'c, T>);

impl<T: Serialize> Serialize for List<'_, '_, '_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut refused = None;
        let mut items = self.0.items.borrow_mut();
        let produced = items(&mut |item| {
            let value = serde_json::to_value(item)?;
            seq.serialize_element(&value).map_err(|error| {
                refused = Some(error);
                anyhow!("the JSON writer failed")
            })
        });
        if let Some(error) = refused {
            return Err(error);
        }
        if let Err(error) = produced {
            *self.0.failure.borrow_mut() = Some(error);
            return Err(S::Error::custom("the items stopped"));
        }
        seq.end()
    }
}
