//! The stream index: which records belong to a stream (its own records) or concern the person a
//! stream names. One entry per stream per append, keyed `stream ‖ 0x00 ‖ first seq (u64 BE)`,
//! whose value is the stream's count of own records through this entry (u64 BE) followed by
//! each of the append's records in the stream, in seq order, as a LEB128 varint of
//! `(seq − previous seq) << 1 | own` (the previous seq of the first is the key's, so its
//! delta is 0).
//!
//! Stores written before kept one entry a record, with the same key: an own record's value was
//! its stream version (8 bytes), a record that only concerns the person an empty value. Both are
//! still read as such; nothing rewrites them.

use std::collections::BTreeMap;

pub(super) fn index_key(stream: &str, seq: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(stream.len() + 9);
    key.extend_from_slice(stream.as_bytes());
    key.push(0);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

/// An index entry read back: the stream's count of own records through it, when it says (an
/// older store's entry for a record that only concerns the person does not), and its seqs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub count: Option<u64>,
    pub seqs: Vec<u64>,
}

/// Decodes the entry whose key names `first`.
pub(super) fn decode(first: u64, value: &[u8]) -> Result<Entry, String> {
    match value.len() {
        0 => {
            return Ok(Entry {
                count: None,
                seqs: vec![first],
            })
        }
        8 => {
            let version = u64::from_be_bytes(value.try_into().expect("8 bytes"));
            return Ok(Entry {
                count: Some(version.saturating_add(1)),
                seqs: vec![first],
            });
        }
        len if len < 8 => return Err(format!("the index entry of record {first} is malformed")),
        _ => {}
    }
    let count = u64::from_be_bytes(value[..8].try_into().expect("8 bytes"));
    let mut seqs = Vec::new();
    let mut rest = &value[8..];
    let mut seq = first;
    while !rest.is_empty() {
        let (item, after) = varint(rest)
            .ok_or_else(|| format!("the index entry of record {first} is malformed"))?;
        rest = after;
        let delta = item >> 1;
        if seqs.is_empty() {
            if delta != 0 {
                return Err(format!(
                    "the index entry of record {first} does not start at it"
                ));
            }
        } else if delta == 0 {
            return Err(format!(
                "the index entry of record {first} names a record twice"
            ));
        }
        seq = seq
            .checked_add(delta)
            .ok_or_else(|| format!("the index entry of record {first} is malformed"))?;
        seqs.push(seq);
    }
    Ok(Entry {
        count: Some(count),
        seqs,
    })
}

fn varint(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A stream's count of own records before an append, and the append's records in it (seq, own).
type StreamEntry = (u64, Vec<(u64, bool)>);

/// One append's entries, gathered stream by stream.
#[derive(Default)]
pub(super) struct Gathered {
    streams: BTreeMap<String, StreamEntry>,
}

impl Gathered {
    /// The stream's count of own records so far in this append (`before` gives it for a
    /// stream not yet seen), which is the version of its next own record.
    pub fn version(
        &mut self,
        stream: &str,
        before: impl FnOnce() -> Result<u64, super::LedgerError>,
    ) -> Result<u64, super::LedgerError> {
        let (count, items) = self.entry(stream, before)?;
        Ok(*count + items.iter().filter(|(_, own)| *own).count() as u64)
    }

    /// Record `seq` in `stream`, its own (`own`) or concerning the person it names.
    pub fn push(
        &mut self,
        stream: &str,
        seq: u64,
        own: bool,
        before: impl FnOnce() -> Result<u64, super::LedgerError>,
    ) -> Result<(), super::LedgerError> {
        self.entry(stream, before)?.1.push((seq, own));
        Ok(())
    }

    fn entry(
        &mut self,
        stream: &str,
        before: impl FnOnce() -> Result<u64, super::LedgerError>,
    ) -> Result<&mut StreamEntry, super::LedgerError> {
        if !self.streams.contains_key(stream) {
            self.streams
                .insert(stream.to_string(), (before()?, Vec::new()));
        }
        Ok(self.streams.get_mut(stream).expect("just inserted"))
    }

    /// The entries, in key order.
    pub fn into_entries(self) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> {
        self.streams.into_iter().map(|(stream, (before, items))| {
            let first = items.first().expect("a gathered stream has a record").0;
            let own = items.iter().filter(|(_, own)| *own).count() as u64;
            let mut value = Vec::with_capacity(8 + items.len() * 2);
            value.extend_from_slice(&(before + own).to_be_bytes());
            let mut previous = first;
            for (seq, own) in items {
                push_varint(&mut value, ((seq - previous) << 1) | u64::from(own));
                previous = seq;
            }
            (index_key(&stream, first), value)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(before: u64, items: &[(u64, bool)]) -> (Vec<u8>, Vec<u8>) {
        let mut gathered = Gathered::default();
        for (seq, own) in items {
            gathered
                .push("person/1", *seq, *own, || Ok(before))
                .unwrap();
        }
        gathered.into_entries().next().unwrap()
    }

    #[test]
    fn an_entry_reads_back_its_seqs_and_count() {
        let (key, value) = written(3, &[(10, true), (11, false), (300, true), (70_000, true)]);
        assert_eq!(key, index_key("person/1", 10));
        assert_eq!(
            decode(10, &value).unwrap(),
            Entry {
                count: Some(6),
                seqs: vec![10, 11, 300, 70_000]
            }
        );
        // A stream only mentioned keeps its count.
        let (_, value) = written(2, &[(5, false)]);
        assert_eq!(decode(5, &value).unwrap().count, Some(2));
    }

    #[test]
    fn entries_of_older_stores_read_as_one_record_each() {
        assert_eq!(
            decode(7, &[]).unwrap(),
            Entry {
                count: None,
                seqs: vec![7]
            }
        );
        assert_eq!(
            decode(7, &4u64.to_be_bytes()).unwrap(),
            Entry {
                count: Some(5),
                seqs: vec![7]
            }
        );
    }

    #[test]
    fn malformed_entries_are_refused() {
        let (_, value) = written(0, &[(10, true), (12, true)]);
        assert!(
            decode(10, &value[..value.len() - 1]).is_ok(),
            "one record fewer is well formed"
        );
        let mut cut = value.clone();
        *cut.last_mut().unwrap() |= 0x80;
        assert!(decode(10, &cut).is_err(), "a varint cut short");
        assert!(decode(10, &[1, 2, 3]).is_err());
        let mut twice = 0u64.to_be_bytes().to_vec();
        twice.extend_from_slice(&[1, 1]);
        assert!(decode(10, &twice).is_err(), "a record named twice");
        let mut late = 0u64.to_be_bytes().to_vec();
        late.push(4);
        assert!(
            decode(10, &late).is_err(),
            "an entry not starting at its key"
        );
    }
}
