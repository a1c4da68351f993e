//! Entry bundles: up to 256 consecutive records, each exactly as stored, as the audit bundle
//! (C2SP tlog-tiles layout) carries them at `tile/entries/...`.
//!
//! C2SP frames each entry with a big-endian uint16 length, so an entry holds at most 65,535
//! bytes. A gufen record can be far larger (a distribution draft carries every holder's line:
//! several megabytes for 100,000 holders), so gufen's bundles use their own framing, named
//! `gufen-entries/v1` in docs/audit.md: each entry is a big-endian **uint32** length followed by
//! that many bytes. Everything else in the layout (paths, widths, hash tiles, checkpoint) is
//! tlog-tiles as written.

use crate::record::RECORD_BYTES_MAX;

/// Entries in a full bundle (the tile width).
pub const BUNDLE_ENTRIES: usize = 256;
/// The framing's name, as docs/audit.md gives it.
pub const FRAMING: &str = "gufen-entries/v1";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    #[error("entry {index} of the bundle is cut short: its length prefix says {wanted} bytes, {left} are left")]
    Truncated {
        index: usize,
        wanted: usize,
        left: usize,
    },
    #[error("entry {index} of the bundle is {len} bytes, above the limit of {RECORD_BYTES_MAX}")]
    TooLarge { index: usize, len: usize },
    #[error("the bundle holds more than {BUNDLE_ENTRIES} entries")]
    TooMany,
}

/// The bundle of `entries` in `gufen-entries/v1` framing.
pub fn encode<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        let len = u32::try_from(entry.len()).expect("a record is below 4 GiB");
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(entry);
    }
    out
}

/// The entries of a bundle, borrowed from `bytes`; every byte must belong to an entry.
pub fn decode(bytes: &[u8]) -> Result<Vec<&[u8]>, BundleError> {
    let mut entries = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let index = entries.len();
        if index == BUNDLE_ENTRIES {
            return Err(BundleError::TooMany);
        }
        let Some((prefix, after)) = rest.split_first_chunk::<4>() else {
            return Err(BundleError::Truncated {
                index,
                wanted: 4,
                left: rest.len(),
            });
        };
        let len = u32::from_be_bytes(*prefix) as usize;
        if len > RECORD_BYTES_MAX {
            return Err(BundleError::TooLarge { index, len });
        }
        if after.len() < len {
            return Err(BundleError::Truncated {
                index,
                wanted: len,
                left: after.len(),
            });
        }
        let (entry, next) = after.split_at(len);
        entries.push(entry);
        rest = next;
    }
    Ok(entries)
}

/// The hash tiles of an audit bundle directory (or a mirror of one), read as files at their
/// tlog-tiles paths for a tree of `size` records.
pub struct DirTiles {
    pub root: std::path::PathBuf,
    pub size: u64,
}

impl crate::tiles::TileRead for DirTiles {
    type Error = std::io::Error;
    fn tile(&self, level: u8, index: u64) -> Result<Vec<[u8; 32]>, std::io::Error> {
        let width = crate::tiles::tile_width(self.size, level, index);
        if width == 0 {
            return Ok(Vec::new());
        }
        let path = self.root.join(crate::tiles::tile_path(level, index, width));
        let bytes = std::fs::read(&path)?;
        if bytes.len() != 32 * usize::from(width) {
            return Err(std::io::Error::other(format!(
                "{} is {} bytes, not {} hashes",
                path.display(),
                bytes.len(),
                width
            )));
        }
        Ok(bytes
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32 bytes"))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let big = vec![7u8; 70_000];
        let entries: Vec<&[u8]> = vec![b"", b"one", &big];
        let bytes = encode(entries.iter().copied());
        assert_eq!(&bytes[..4], &[0, 0, 0, 0]);
        assert_eq!(&bytes[4..8], &[0, 0, 0, 3]);
        assert_eq!(decode(&bytes).unwrap(), entries);
        assert!(matches!(
            decode(&bytes[..bytes.len() - 1]),
            Err(BundleError::Truncated { index: 2, .. })
        ));
        assert!(matches!(
            decode(&bytes[..6]),
            Err(BundleError::Truncated { index: 1, .. })
        ));
        let many = encode(std::iter::repeat_n(&b"x"[..], BUNDLE_ENTRIES + 1));
        assert_eq!(decode(&many), Err(BundleError::TooMany));
        let huge = (u32::MAX).to_be_bytes();
        assert!(matches!(decode(&huge), Err(BundleError::TooLarge { .. })));
    }
}
