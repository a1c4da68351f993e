//! Pins the hash tiles: tlog-tiles paths against the C2SP spec's examples, the tile layout
//! against tessera's 15-entry test log (SHA-256), and, for blake3, incremental building against
//! building at once and tile-backed roots and proofs against in-memory ones, with read counts.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::convert::Infallible;

use gufen_ledger::merkle::{
    consistency_proof, inclusion_proof, root, verify_consistency, verify_inclusion, Blake3Hasher,
    LeafHashes, MerkleHasher,
};
use gufen_ledger::tiles::{
    entries_path, tile_path, tile_width, TileBuilder, TileError, TileNodes, TileRead, TileWrite,
};
use sha2::{Digest, Sha256};

type H32 = [u8; 32];

struct Sha256Hasher;

impl MerkleHasher for Sha256Hasher {
    type Output = H32;
    fn empty(&self) -> H32 {
        Sha256::digest(b"").into()
    }
    fn leaf(&self, data: &[u8]) -> H32 {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(data);
        h.finalize().into()
    }
    fn node(&self, left: &H32, right: &H32) -> H32 {
        let mut h = Sha256::new();
        h.update([1u8]);
        h.update(left);
        h.update(right);
        h.finalize().into()
    }
}

/// Tiles in memory, counting reads.
#[derive(Default, Clone, PartialEq, Debug)]
struct Tiles {
    map: BTreeMap<(u8, u64), Vec<H32>>,
    reads: Cell<usize>,
}

impl Tiles {
    fn write(&mut self, writes: Vec<TileWrite>) {
        for (level, index, hashes) in writes {
            self.map.insert((level, index), hashes);
        }
    }
}

impl TileRead for Tiles {
    type Error = String;
    fn tile(&self, level: u8, index: u64) -> Result<Vec<H32>, String> {
        self.reads.set(self.reads.get() + 1);
        self.map
            .get(&(level, index))
            .cloned()
            .ok_or_else(|| format!("no tile {level}/{index}"))
    }
}

/// A store that holds nothing: building from size 0 must not read.
struct NoTiles;

impl TileRead for NoTiles {
    type Error = Infallible;
    fn tile(&self, level: u8, index: u64) -> Result<Vec<H32>, Infallible> {
        panic!("read tile {level}/{index} from an empty tree")
    }
}

fn b64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        (match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {s}"),
        }) as u32
    };
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let pad = chunk.iter().filter(|&&c| c == b'=').count();
        let n = chunk[..4 - pad]
            .iter()
            .fold(0u32, |n, &c| (n << 6) | val(c))
            << (6 * pad as u32);
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    out
}

#[test]
fn paths_follow_the_spec_examples() {
    // "index 1234067 will be encoded as x001/x234/067"
    assert_eq!(tile_path(0, 1_234_067, 256), "tile/0/x001/x234/067");
    assert_eq!(tile_path(2, 1_234_067, 256), "tile/2/x001/x234/067");
    assert_eq!(tile_path(0, 0, 256), "tile/0/000");
    assert_eq!(tile_path(1, 999, 256), "tile/1/999");
    assert_eq!(tile_path(1, 1000, 256), "tile/1/x001/000");
    assert_eq!(tile_path(3, 1_000_000, 1), "tile/3/x001/x000/000.p/1");
    assert_eq!(
        tile_path(0, u64::MAX, 255),
        "tile/0/x018/x446/x744/x073/x709/x551/615.p/255"
    );
    // The tessera test log's partial tile and bundle (see tessera_testdata_log).
    assert_eq!(tile_path(0, 0, 15), "tile/0/000.p/15");
    assert_eq!(entries_path(0, 15), "tile/entries/000.p/15");
    assert_eq!(entries_path(1_234_067, 256), "tile/entries/x001/x234/067");
    assert_eq!(entries_path(5, 112), "tile/entries/005.p/112");
}

#[test]
#[should_panic(expected = "tile width 0")]
fn an_empty_tile_has_no_path() {
    tile_path(0, 0, 0);
}

#[test]
#[should_panic(expected = "tile width 257")]
fn a_tile_wider_than_256_has_no_path() {
    entries_path(0, 257);
}

fn checkpoints() -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(include_str!(
        "../../../fixtures/vectors/tlog-checkpoint.json"
    ))
    .unwrap();
    v["tessera_testdata_log"].clone()
}

#[test]
fn tessera_testdata_log() {
    let log = checkpoints();
    let entries: Vec<String> = log["entries_ascii"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(entries.len(), 15);
    let leaves: Vec<H32> = entries
        .iter()
        .map(|e| Sha256Hasher.leaf(e.as_bytes()))
        .collect();

    // The entry bundle: each entry as a big-endian u16 length and its bytes.
    let bundle: Vec<u8> = entries
        .iter()
        .flat_map(|e| [&(e.len() as u16).to_be_bytes()[..], e.as_bytes()].concat())
        .collect();
    assert_eq!(
        hex::encode(bundle),
        log["entry_bundle_hex"].as_str().unwrap()
    );

    // All at once: one partial level-0 tile, byte for byte.
    let builder = TileBuilder::new(Sha256Hasher);
    let writes = builder.append(&NoTiles, 0, &leaves).unwrap();
    assert_eq!(writes.len(), 1);
    let (level, index, ref tile) = writes[0];
    assert_eq!((level, index, tile.len()), (0, 0, 15));
    assert_eq!(
        tile_path(level, index, tile.len() as u16),
        "tile/0/000.p/15"
    );
    assert_eq!(
        hex::encode(tile.concat()),
        log["level0_tile_hex"].as_str().unwrap()
    );

    // One entry at a time, checking the root of every size through the tiles.
    let checkpoints = log["checkpoints"].as_array().unwrap();
    assert_eq!(checkpoints.len(), 16);
    let mut tiles = Tiles::default();
    for (size, checkpoint) in checkpoints.iter().enumerate() {
        assert_eq!(checkpoint["size"].as_u64().unwrap(), size as u64);
        if size > 0 {
            let writes = builder
                .append(&tiles, size as u64 - 1, &leaves[size - 1..size])
                .unwrap();
            tiles.write(writes);
        }
        let want = b64(checkpoint["root_b64"].as_str().unwrap());
        let nodes = TileNodes::new(&tiles, Sha256Hasher, size as u64);
        let got = root(&Sha256Hasher, &nodes, size as u64).unwrap();
        assert_eq!(got.to_vec(), want, "root of size {size}");
        // The size-15 tile serves every older root too: hashes past a size are not read.
        let latest = TileNodes::new(&tiles, Sha256Hasher, 15);
        if size == 15 {
            for (older, c) in checkpoints.iter().enumerate() {
                let got = root(&Sha256Hasher, &latest, older as u64).unwrap();
                assert_eq!(got.to_vec(), b64(c["root_b64"].as_str().unwrap()));
            }
        }
    }
    assert_eq!(tiles.map.len(), 1);
    assert_eq!(tiles.map[&(0, 0)], writes[0].2);
}

/// splitmix64: a small deterministic generator so the tests need no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn blake3_leaves(n: u64) -> Vec<H32> {
    (0..n)
        .map(|i| Blake3Hasher.leaf(&i.to_le_bytes()))
        .collect()
}

fn built_at_once(leaves: &[H32]) -> Tiles {
    let mut tiles = Tiles::default();
    tiles.write(
        TileBuilder::new(Blake3Hasher)
            .append(&NoTiles, 0, leaves)
            .unwrap(),
    );
    tiles
}

/// (level, index, width) of every stored tile.
fn shape(tiles: &Tiles) -> Vec<(u8, u64, usize)> {
    tiles
        .map
        .iter()
        .map(|(&(l, i), t)| (l, i, t.len()))
        .collect()
}

#[test]
fn the_spec_examples_of_which_tiles_a_tree_has() {
    // "a tree of size 70,000 will be represented by 273 full level 0 tiles, one partial level 0
    // tile of width 112, one full level 1 tile, one partial level 1 tile of width 17, and one
    // partial level 2 tile of width 1."
    let tiles = built_at_once(&blake3_leaves(70_000));
    let mut want: Vec<(u8, u64, usize)> = (0..273).map(|i| (0, i, 256)).collect();
    want.extend([(0, 273, 112), (1, 0, 256), (1, 1, 17), (2, 0, 1)]);
    assert_eq!(shape(&tiles), want);
    for &(level, index, width) in &want {
        assert_eq!(tile_width(70_000, level, index), width as u16);
    }
    assert_eq!(tile_width(70_000, 0, 274), 0);
    assert_eq!(tile_width(70_000, 3, 0), 0);
    // "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile
    // of width 1."
    let tiles = built_at_once(&blake3_leaves(256));
    assert_eq!(shape(&tiles), vec![(0, 0, 256), (1, 0, 1)]);
    assert_eq!(tile_width(256, 1, 0), 1);
    assert_eq!(tile_width(u64::MAX, 7, 0), 255);
    assert_eq!(tile_width(0, 0, 0), 0);
}

#[test]
fn incremental_appends_equal_building_at_once() {
    const SIZE: u64 = 70_000; // past 65,536: level-2 tiles appear
    let leaves = blake3_leaves(SIZE);
    let at_once = built_at_once(&leaves);
    let memory = LeafHashes::new(&Blake3Hasher, &leaves);
    let builder = TileBuilder::new(Blake3Hasher);
    let mut rng = Rng(0x7469_6c65);
    let mut tiles = Tiles::default();
    let mut size = 0u64;
    let mut appends = 0;
    while size < SIZE {
        // Mostly small appends (one record at a time), some batches, a few large imports.
        let max = match rng.below(10) {
            0..=5 => 3,
            6..=8 => 600,
            _ => 5_000,
        };
        let n = (1 + rng.below(max)).min(SIZE - size);
        let new = &leaves[size as usize..(size + n) as usize];
        let before = tiles.reads.get();
        let writes = builder.append(&tiles, size, new).unwrap();
        // At most one read per level: the partial tile being extended.
        assert!(tiles.reads.get() - before <= 3);
        for (level, index, hashes) in &writes {
            assert_eq!(
                hashes.len() as u16,
                tile_width(size + n, *level, *index),
                "tile {level}/{index} after growing {size} -> {}",
                size + n
            );
        }
        tiles.write(writes);
        size += n;
        appends += 1;
        let nodes = TileNodes::new(&tiles, Blake3Hasher, size);
        assert_eq!(
            root(&Blake3Hasher, &nodes, size).unwrap(),
            root(&Blake3Hasher, &memory, size).unwrap(),
            "root of {size}"
        );
    }
    assert!(appends > 100, "{appends} appends");
    tiles.reads.set(0);
    assert_eq!(tiles, at_once);

    // Then a 100,000-record import in one append.
    let more = blake3_leaves(SIZE + 100_000);
    tiles.write(
        builder
            .append(&tiles, SIZE, &more[SIZE as usize..])
            .unwrap(),
    );
    tiles.reads.set(0);
    assert_eq!(tiles, built_at_once(&more));
}

#[test]
fn hashes_left_past_the_tree_size_are_ignored() {
    let leaves = blake3_leaves(1000);
    let builder = TileBuilder::new(Blake3Hasher);
    // A crashed append of leaves 600.. with different contents wrote its tiles, then the size
    // stayed at 600.
    let mut tiles = built_at_once(&leaves[..600]);
    let junk = blake3_leaves(2000);
    tiles.write(builder.append(&tiles, 600, &junk[1000..1400]).unwrap());
    tiles.write(builder.append(&tiles, 600, &leaves[600..]).unwrap());
    let clean = built_at_once(&leaves);
    assert_eq!(shape(&tiles), shape(&clean));
    assert_eq!(tiles.map, clean.map);

    // The other way round, a tile shorter than the size says is an error, not a guess.
    let mut short = built_at_once(&leaves[..600]);
    short.map.get_mut(&(0, 2)).unwrap().truncate(50);
    assert_eq!(
        builder.append(&short, 600, &leaves[600..601]),
        Err(TileError::Short {
            level: 0,
            index: 2,
            have: 50,
            need: 88
        })
    );
    let nodes = TileNodes::new(&short, Blake3Hasher, 600);
    assert!(matches!(
        root(&Blake3Hasher, &nodes, 600),
        Err(gufen_ledger::merkle::ProofError::Node {
            source: TileError::Short { .. },
            ..
        })
    ));
    let whole = built_at_once(&leaves[..600]);
    let nodes = TileNodes::new(&whole, Blake3Hasher, 600);
    assert!(matches!(
        root(&Blake3Hasher, &nodes, 601),
        Err(gufen_ledger::merkle::ProofError::Node {
            source: TileError::OutsideTree { size: 600, .. },
            ..
        })
    ));
    short.map.remove(&(1, 0));
    let err = root(
        &Blake3Hasher,
        &TileNodes::new(&short, Blake3Hasher, 600),
        512,
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "reading tree node at level 9 index 0: reading tile 1/0: no tile 1/0"
    );
}

#[test]
fn roots_and_proofs_through_tiles_equal_in_memory_with_few_reads() {
    const SIZE: u64 = 70_000;
    let h = Blake3Hasher;
    let leaves = blake3_leaves(SIZE);
    let memory = LeafHashes::new(&h, &leaves);
    let tiles = built_at_once(&leaves);
    let nodes = TileNodes::new(&tiles, h, SIZE);
    let mut rng = Rng(0x0070_726f_6f66);
    let mut sizes = vec![1, 2, 255, 256, 257, 65_535, 65_536, 65_537, SIZE];
    sizes.extend((0..20).map(|_| 1 + rng.below(SIZE)));
    for &size in &sizes {
        if size == SIZE {
            // The worst case named above, through tiles and in memory.
            let proof = consistency_proof(&h, &nodes, 65_536, SIZE).unwrap();
            assert_eq!(proof, consistency_proof(&h, &memory, 65_536, SIZE).unwrap());
            assert_eq!(proof.len(), 1);
        }
        tiles.reads.set(0);
        let r = root(&h, &nodes, size).unwrap();
        assert_eq!(r, root(&h, &memory, size).unwrap(), "root of {size}");
        // One read per perfect subtree the size splits into.
        assert!(tiles.reads.get() <= size.count_ones() as usize);

        for _ in 0..20 {
            let index = rng.below(size);
            tiles.reads.set(0);
            let proof = inclusion_proof(&h, &nodes, index, size).unwrap();
            let reads = tiles.reads.get();
            assert_eq!(proof, inclusion_proof(&h, &memory, index, size).unwrap());
            assert!(
                reads <= 2 * proof.len(),
                "{reads} reads for {} hashes",
                proof.len()
            );
            verify_inclusion(&h, index, size, &leaves[index as usize], &proof, &r).unwrap();

            let size1 = 1 + rng.below(size);
            tiles.reads.set(0);
            let proof = consistency_proof(&h, &nodes, size1, size).unwrap();
            let reads = tiles.reads.get();
            assert_eq!(proof, consistency_proof(&h, &memory, size1, size).unwrap());
            // A short consistency proof can still need a long right border, e.g. 65,536 ->
            // 70,000 is one hash over six perfect subtrees: bounded by the tree's height.
            let height = (64 - size.leading_zeros()) as usize;
            assert!(
                reads <= proof.len() + height && reads <= 2 * height,
                "{reads} reads for {} hashes ({size1} -> {size})",
                proof.len()
            );
            let r1 = root(&h, &memory, size1).unwrap();
            verify_consistency(&h, size1, size, &proof, &r1, &r).unwrap();
        }
    }
}
