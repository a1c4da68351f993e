//! The variants of an enum as serde (and so bincode) sees them: their names in declaration
//! order, each name's position being its variant index on the wire. Tests check tables that
//! must name every variant (golden records, docs/format.md, the CLI's label table) against it,
//! so a new variant cannot be forgotten. Pure: it only asks the enum's derived `Deserialize`.

use serde::de::{DeserializeOwned, Visitor};

/// A deserializer that only records the variant names an enum's derived `Deserialize` passes
/// to `deserialize_enum`: the enum's variants in declaration order, each name's position being
/// its variant index on the wire.
struct VariantNames<'a>(&'a mut Option<&'static [&'static str]>);

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not an enum")
    }
}

impl std::error::Error for Stop {}

impl serde::de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> serde::Deserializer<'de> for VariantNames<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = Some(variants);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
        ignored_any
    }
}

/// The variants of `T` in declaration order (index = position).
pub fn variant_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names = None;
    let _ = T::deserialize(VariantNames(&mut names));
    names.expect("the type is an enum")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{HukouKind, LifeEvent};

    #[test]
    fn names_come_in_declaration_order() {
        assert_eq!(variant_names::<HukouKind>(), ["Urban", "Rural"]);
        assert_eq!(variant_names::<LifeEvent>().len(), LifeEvent::ALL.len());
    }
}
