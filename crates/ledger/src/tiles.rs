//! The Merkle tree stored as hash tiles, in the shape of C2SP tlog-tiles
//! (<https://c2sp.org/tlog-tiles>).
//!
//! A tile at tile-level `L`, index `N` holds the hashes of tree level `8·L`, nodes
//! `[N·256, N·256 + w)`: level-0 tiles hold leaf hashes, and each hash in a level-`L` tile
//! (`L ≥ 1`) is the root of one *full* level-`L−1` tile. A tile is partial (`w < 256`) only at
//! the right edge of the tree; a tree of size `s` has `floor(s / 256^L) mod 256` hashes in its
//! partial tile at level `L`.
//!
//! Why tiles: every node a root or an RFC 9162 proof needs is inside one tile, so [`TileNodes`]
//! answers each node with one tile read and proofs cost O(log n) reads however large the log
//! grows; tiles only ever grow at the right edge, so an append rewrites at most one partial
//! tile per level ([`TileBuilder`]); and the same bytes can be served to tlog-tiles clients at
//! the paths [`tile_path`] gives.
//!
//! The spec fixes SHA-256; gufen's tiles hold blake3 hashes from [`crate::merkle::Blake3Hasher`]
//! in the same layout (level-0 hashes are `leaf(record_hash)`). Everything here is generic over the hasher, which is how the tests check
//! the layout against tlog-tiles logs built with SHA-256.
//!
//! **Entries past the tree size.** An append writes its tiles before the new tree size is
//! recorded; a crash in between leaves stored tiles holding hashes beyond the recorded size.
//! Whoever reads a stored tile must therefore trust only the first [`tile_width`] hashes for the
//! tree size it works with and ignore (or truncate) the rest. [`TileBuilder`] and [`TileNodes`]
//! do so themselves; anything serving tiles must cut them to that width too.

use crate::merkle::{MerkleHasher, NodeSource};

/// Tree levels per tile: a tile is a subtree of height 8.
pub const TILE_HEIGHT: u8 = 8;

/// Hashes in a full tile (2^[`TILE_HEIGHT`]).
pub const TILE_WIDTH: u16 = 256;

const WIDTH: usize = TILE_WIDTH as usize;

/// A tile to store: (tile-level, tile index, the tile's hashes, full or partial).
pub type TileWrite = (u8, u64, Vec<[u8; 32]>);

/// `<N>` of a tlog-tiles path: 3-digit groups, every group but the last prefixed with `x`
/// (1234067 → `x001/x234/067`), so a directory never has the same name as a file.
fn index_path(index: u64) -> String {
    let mut path = format!("{:03}", index % 1000);
    let mut rest = index / 1000;
    while rest > 0 {
        path = format!("x{:03}/{path}", rest % 1000);
        rest /= 1000;
    }
    path
}

/// The `.p/<W>` suffix of a partial tile, none for a full one.
///
/// # Panics
/// If `width` is 0 or above 256: no such tile exists (tlog-tiles never serves empty tiles), so
/// asking for its path is a bug in the caller, not a data error.
fn width_suffix(width: u16) -> String {
    assert!(
        (1..=TILE_WIDTH).contains(&width),
        "tile width {width} is not in 1..=256"
    );
    if width == TILE_WIDTH {
        String::new()
    } else {
        format!(".p/{width}")
    }
}

/// The tlog-tiles path of a hash tile, e.g. `tile/0/x001/x234/067` (full) or `tile/1/000.p/17`
/// (partial, 17 hashes).
///
/// # Panics
/// If `width` is 0 or above 256 (see [`tile_width`] for the width a tree size implies).
pub fn tile_path(level: u8, index: u64, width: u16) -> String {
    format!("tile/{level}/{}{}", index_path(index), width_suffix(width))
}

/// The tlog-tiles path of an entry bundle (the entries behind level-0 tile `index`), e.g.
/// `tile/entries/000.p/15`.
///
/// # Panics
/// If `width` is 0 or above 256.
pub fn entries_path(index: u64, width: u16) -> String {
    format!("tile/entries/{}{}", index_path(index), width_suffix(width))
}

/// How many hashes tile (`level`, `index`) holds in a tree of `size` leaves: 256 for a full
/// tile, 1..=255 for the partial tile at the right edge, 0 for a tile the tree does not have.
pub fn tile_width(size: u64, level: u8, index: u64) -> u16 {
    let entries = entries_at(size, level);
    let full = entries / WIDTH as u64;
    if index < full {
        TILE_WIDTH
    } else if index == full {
        (entries % WIDTH as u64) as u16
    } else {
        0
    }
}

/// Hashes a tree of `size` leaves has at tile-level `level`: its nodes of height 8·level.
fn entries_at(size: u64, level: u8) -> u64 {
    size.checked_shr(u32::from(level) * u32::from(TILE_HEIGHT))
        .unwrap_or(0)
}

/// Read access to stored tiles.
pub trait TileRead {
    type Error;
    /// The stored hashes of tile (`level`, `index`), full or partial, as stored: it may hold
    /// hashes past the tree size the caller works with (see the module documentation), which
    /// the caller ignores.
    fn tile(&self, level: u8, index: u64) -> Result<Vec<[u8; 32]>, Self::Error>;
}

impl<T: TileRead + ?Sized> TileRead for &T {
    type Error = T::Error;
    fn tile(&self, level: u8, index: u64) -> Result<Vec<[u8; 32]>, T::Error> {
        (**self).tile(level, index)
    }
}

/// What can go wrong reading or extending tiles. `E` is the [`TileRead`]'s error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError<E> {
    #[error("reading tile {level}/{index}: {source}")]
    Read { level: u8, index: u64, source: E },
    #[error("tile {level}/{index} holds {have} hashes but the tree needs {need}")]
    Short {
        level: u8,
        index: u64,
        have: usize,
        need: usize,
    },
    #[error("no node at height {height} index {index} in a tree of size {size}")]
    OutsideTree { height: u8, index: u64, size: u64 },
    #[error("a tree of size {size} cannot take {added} more leaves")]
    SizeOverflow { size: u64, added: usize },
}

fn read_tile<R: TileRead>(
    reader: &R,
    level: u8,
    index: u64,
    need: usize,
) -> Result<Vec<[u8; 32]>, TileError<R::Error>> {
    let mut tile = reader
        .tile(level, index)
        .map_err(|source| TileError::Read {
            level,
            index,
            source,
        })?;
    if tile.len() < need {
        return Err(TileError::Short {
            level,
            index,
            have: tile.len(),
            need,
        });
    }
    tile.truncate(need);
    Ok(tile)
}

/// The root of a perfect subtree given its bottom row (a power-of-two number of hashes).
fn hash_up<H: MerkleHasher<Output = [u8; 32]>>(hasher: &H, row: &[[u8; 32]]) -> [u8; 32] {
    debug_assert!(row.len().is_power_of_two());
    let mut level: Vec<[u8; 32]> = row.to_vec();
    while level.len() > 1 {
        level = level
            .chunks_exact(2)
            .map(|pair| hasher.node(&pair[0], &pair[1]))
            .collect();
    }
    level.first().copied().unwrap_or_else(|| hasher.empty())
}

/// A [`NodeSource`] over stored tiles, for roots and proofs of any tree size up to `size`.
///
/// Node (h, i) lies in one tile: with L = h / 8 and r = h % 8 it is the root of the tile-level-L
/// hashes `[i·2^r, (i+1)·2^r)`, all in tile `(i·2^r) / 256`, hashed up r levels. So every node
/// costs one tile read and at most 255 hashes, and a root or proof O(log n) tile reads.
///
/// `size` is the tree size the stored tiles are known to cover; nodes beyond it are refused
/// rather than computed from whatever a crashed append left past the end.
#[derive(Debug, Clone)]
pub struct TileNodes<R, H> {
    reader: R,
    hasher: H,
    size: u64,
}

impl<R: TileRead, H: MerkleHasher<Output = [u8; 32]>> TileNodes<R, H> {
    pub fn new(reader: R, hasher: H, size: u64) -> Self {
        TileNodes {
            reader,
            hasher,
            size,
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn reader(&self) -> &R {
        &self.reader
    }
}

impl<R: TileRead, H: MerkleHasher<Output = [u8; 32]>> NodeSource<[u8; 32]> for TileNodes<R, H> {
    type Error = TileError<R::Error>;

    fn node(&self, height: u8, index: u64) -> Result<[u8; 32], Self::Error> {
        let outside = TileError::OutsideTree {
            height,
            index,
            size: self.size,
        };
        // The node's last leaf must be inside the tree: (index + 1)·2^height ≤ size.
        let end = index
            .checked_add(1)
            .and_then(|n| n.checked_mul(1u64.checked_shl(u32::from(height))?));
        match end {
            Some(end) if end <= self.size => {}
            _ => return Err(outside),
        }
        let level = height / TILE_HEIGHT;
        let rise = height % TILE_HEIGHT;
        let first = index << rise; // cannot overflow: first·2^(8·level) < size
        let tile_index = first / WIDTH as u64;
        let offset = (first % WIDTH as u64) as usize;
        let count = 1usize << rise;
        let tile = read_tile(&self.reader, level, tile_index, offset + count)?;
        Ok(hash_up(&self.hasher, &tile[offset..]))
    }
}

/// Extends stored tiles when leaves are appended.
///
/// Appending leaves changes only the right edge: level-0 tiles gain the leaf hashes, and each
/// level-L tile that becomes full appends its root to the tile at level L+1. So an append reads
/// at most one stored tile per level (the partial one it extends) and returns every tile that
/// changed. Appending in any number of steps gives the same tiles as appending everything at
/// once.
#[derive(Debug, Clone, Copy, Default)]
pub struct TileBuilder<H> {
    hasher: H,
}

impl<H: MerkleHasher<Output = [u8; 32]>> TileBuilder<H> {
    pub fn new(hasher: H) -> Self {
        TileBuilder { hasher }
    }

    /// The tiles that change when `leaf_hashes` (already `hasher.leaf(..)`-ed) are appended to a
    /// tree of `size` leaves, as (level, index, new contents), lowest level first.
    ///
    /// `tiles` must hold the tiles of the tree at `size`; only the partial tile at each level
    /// whose hash count changes is read, and hashes it holds past `size` are dropped (see the
    /// module documentation). The caller writes every returned tile, replacing the stored one,
    /// and only then records the new size `size + leaf_hashes.len()`.
    pub fn append<R: TileRead>(
        &self,
        tiles: &R,
        size: u64,
        leaf_hashes: &[[u8; 32]],
    ) -> Result<Vec<TileWrite>, TileError<R::Error>> {
        let new_size = u64::try_from(leaf_hashes.len())
            .ok()
            .and_then(|added| size.checked_add(added));
        if new_size.is_none() {
            return Err(TileError::SizeOverflow {
                size,
                added: leaf_hashes.len(),
            });
        }

        let mut writes = Vec::new();
        // New hashes at the current tile-level: leaf hashes, then roots of newly full tiles.
        let mut new_hashes: Vec<[u8; 32]> = leaf_hashes.to_vec();
        let mut level: u8 = 0;
        while !new_hashes.is_empty() {
            let old_count = entries_at(size, level);
            let first_tile = old_count / WIDTH as u64;
            let kept = (old_count % WIDTH as u64) as usize;
            let mut row = if kept > 0 {
                read_tile(tiles, level, first_tile, kept)?
            } else {
                Vec::new()
            };
            row.append(&mut new_hashes);
            // `row` starts at a tile boundary; every full chunk is a tile that just became full
            // (the first one was partial before, or new), so its root goes one level up.
            for (tile_index, chunk) in (first_tile..).zip(row.chunks(WIDTH)) {
                if chunk.len() == WIDTH {
                    new_hashes.push(hash_up(&self.hasher, chunk));
                }
                writes.push((level, tile_index, chunk.to_vec()));
            }
            // A level-7 tile never fills (256 of them would be 2^64 leaves), so this ends.
            level += 1;
        }
        Ok(writes)
    }
}
