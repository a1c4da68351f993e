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
        push(&mut out, entry);
    }
    out
}

/// Appends one entry, framed, to a bundle being built.
pub fn push(out: &mut Vec<u8>, entry: &[u8]) {
    let len = u32::try_from(entry.len()).expect("a record is below 4 GiB");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(entry);
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

/// Where an audit bundle's files are read from: a directory ([`Directory`]), or a mirror of one in
/// object storage (the binary's S3 reader). Paths are the bundle's own, relative to its root:
/// `checkpoint`, `charter.toml`, `tile/0/000.p/5`, `tile/entries/000`.
///
/// What is read is not trusted: the audit and the witness check every byte they use, so a
/// source can make them fail, never pass.
pub trait BundleFiles {
    /// Reads the file at `relative` into `buf` (cleared first); false when there is none.
    fn read(&self, relative: &str, buf: &mut Vec<u8>) -> std::io::Result<bool>;
    /// The file at `relative` as a finding names it: a path, or a URL.
    fn name(&self, relative: &str) -> String;
}

impl<T: BundleFiles + ?Sized> BundleFiles for &T {
    fn read(&self, relative: &str, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        (**self).read(relative, buf)
    }
    fn name(&self, relative: &str) -> String {
        (**self).name(relative)
    }
}

/// An audit bundle directory, as `gufen export` writes it (or a mirror copied to disk).
#[derive(Debug, Clone)]
pub struct Directory(pub std::path::PathBuf);

impl BundleFiles for Directory {
    fn read(&self, relative: &str, buf: &mut Vec<u8>) -> std::io::Result<bool> {
        use std::io::Read as _;
        buf.clear();
        let path = self.0.join(relative);
        let mut file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        file.read_to_end(buf)?;
        Ok(true)
    }
    fn name(&self, relative: &str) -> String {
        self.0.join(relative).display().to_string()
    }
}

/// Tiles already read, by (level, index).
type TilesRead = std::collections::HashMap<(u8, u64), Vec<[u8; 32]>>;

/// The hash tiles of an audit bundle (a directory or a mirror), read at their tlog-tiles paths
/// for a tree of `size` records. A proof reads the same tile for several nodes, so each tile is
/// read once and kept.
pub struct BundleTiles<F> {
    pub files: F,
    pub size: u64,
    read: std::cell::RefCell<TilesRead>,
}

impl<F: BundleFiles> BundleTiles<F> {
    pub fn new(files: F, size: u64) -> BundleTiles<F> {
        BundleTiles {
            files,
            size,
            read: Default::default(),
        }
    }
}

impl<F: BundleFiles> crate::tiles::TileRead for BundleTiles<F> {
    type Error = std::io::Error;
    fn tile(&self, level: u8, index: u64) -> Result<Vec<[u8; 32]>, std::io::Error> {
        let width = crate::tiles::tile_width(self.size, level, index);
        if width == 0 {
            return Ok(Vec::new());
        }
        if let Some(tile) = self.read.borrow().get(&(level, index)) {
            return Ok(tile.clone());
        }
        let relative = crate::tiles::tile_path(level, index, width);
        let mut bytes = Vec::new();
        if !self.files.read(&relative, &mut bytes)? {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{} is missing", self.files.name(&relative)),
            ));
        }
        if bytes.len() != 32 * usize::from(width) {
            return Err(std::io::Error::other(format!(
                "{} is {} bytes, not {} hashes",
                self.files.name(&relative),
                bytes.len(),
                width
            )));
        }
        let tile: Vec<[u8; 32]> = bytes
            .chunks_exact(32)
            .map(|c| c.try_into().expect("32 bytes"))
            .collect();
        self.read.borrow_mut().insert((level, index), tile.clone());
        Ok(tile)
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
