//! Pins the Merkle tree: the RFC 9162 shape against the published RFC 6962 SHA-256 vectors
//! (same generic code, SHA-256 hasher), the blake3 tree against a hand-computed small tree, and
//! RFC 9162 inclusion and consistency proofs against the transparency-dev tables and probes,
//! two real logs (CT Argon 2020, Sigstore Rekor v2) and a blake3 round-trip property.

use gufen_ledger::merkle::{
    consistency_proof, inclusion_proof, root, root_recursive, subtree_hash, verify_consistency,
    verify_inclusion, Blake3Hasher, LeafHashes, MerkleBuilder, MerkleHasher, NodeOutOfRange,
    ProofError,
};
use sha2::{Digest, Sha256};

struct Sha256Hasher;

impl MerkleHasher for Sha256Hasher {
    type Output = [u8; 32];
    fn empty(&self) -> [u8; 32] {
        Sha256::digest(b"").into()
    }
    fn leaf(&self, data: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([0u8]);
        h.update(data);
        h.finalize().into()
    }
    fn node(&self, left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update([1u8]);
        h.update(left);
        h.update(right);
        h.finalize().into()
    }
}

fn vectors() -> serde_json::Value {
    serde_json::from_str(include_str!(
        "../../../fixtures/vectors/merkle-rfc6962-sha256.json"
    ))
    .unwrap()
}

#[test]
fn rfc6962_reference_roots_for_every_size() {
    let v = vectors();
    let leaves: Vec<Vec<u8>> = v["reference_tree"]["leaf_inputs_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| hex::decode(h.as_str().unwrap()).unwrap())
        .collect();
    let roots = v["reference_tree"]["root_hex_by_tree_size"]
        .as_array()
        .unwrap();
    assert_eq!(roots.len(), 9);
    for (size, want) in roots.iter().enumerate() {
        let mut builder = MerkleBuilder::new(Sha256Hasher);
        for leaf in &leaves[..size] {
            builder.push(leaf);
        }
        let slices: Vec<&[u8]> = leaves[..size].iter().map(|l| l.as_slice()).collect();
        let want = want.as_str().unwrap();
        assert_eq!(
            hex::encode(builder.root()),
            want,
            "streaming root of size {size}"
        );
        assert_eq!(
            hex::encode(root_recursive(&Sha256Hasher, &slices)),
            want,
            "recursive root of size {size}"
        );
    }
}

#[test]
fn rfc6962_hasher_vectors() {
    for vector in vectors()["hasher_vectors"].as_array().unwrap() {
        // Two vectors give their hash only in base64; the hex ones cover the same functions.
        let Some(want) = vector["want_hex"].as_str() else {
            continue;
        };
        match vector["kind"].as_str().unwrap() {
            "empty_root" => assert_eq!(hex::encode(Sha256Hasher.empty()), want),
            "leaf" => {
                let input = hex::decode(vector["input_hex"].as_str().unwrap()).unwrap();
                assert_eq!(hex::encode(Sha256Hasher.leaf(&input)), want);
            }
            _ => {} // node vectors with non-32-byte children exercise a raw function we do not have
        }
    }
}

#[test]
fn blake3_tree_of_three_by_hand() {
    // MTH(a, b, c) = node(node(leaf(a), leaf(b)), leaf(c)), each with its RFC 9162 prefix byte.
    let leaf = |d: &[u8]| *blake3::hash(&[&[0u8][..], d].concat()).as_bytes();
    let node = |l: [u8; 32], r: [u8; 32]| *blake3::hash(&[&[1u8][..], &l, &r].concat()).as_bytes();
    let expected = node(node(leaf(b"a"), leaf(b"b")), leaf(b"c"));
    let mut builder = MerkleBuilder::new(Blake3Hasher);
    for d in [b"a", b"b", b"c"] {
        builder.push(d);
    }
    assert_eq!(builder.root(), expected);
    assert_eq!(
        MerkleBuilder::new(Blake3Hasher).root(),
        *blake3::hash(b"").as_bytes()
    );
}

#[test]
fn streaming_equals_recursive_for_many_sizes() {
    let data: Vec<Vec<u8>> = (0u32..70).map(|i| i.to_le_bytes().to_vec()).collect();
    for size in 0..data.len() {
        let mut builder = MerkleBuilder::new(Blake3Hasher);
        data[..size].iter().for_each(|d| builder.push(d));
        let slices: Vec<&[u8]> = data[..size].iter().map(|d| d.as_slice()).collect();
        assert_eq!(
            builder.root(),
            root_recursive(&Blake3Hasher, &slices),
            "size {size}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Proofs
// ---------------------------------------------------------------------------------------------

type H32 = [u8; 32];

fn real_logs() -> serde_json::Value {
    serde_json::from_str(include_str!(
        "../../../fixtures/vectors/merkle-real-logs-sha256.json"
    ))
    .unwrap()
}

/// Standard base64 (RFC 4648 §4, padded), as the vector files use; None for anything else.
fn b64(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let bytes = s.as_bytes();
    if bytes.len() & 3 != 0 {
        return None;
    }
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | val(c)?;
        }
        n <<= 6 * pad as u32;
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    Some(out)
}

/// A 32-byte hash from base64, or None when it is absent, empty or any other length: the
/// proof API takes `[u8; 32]`, so such a value cannot reach it and the probe counts as rejected.
fn b64_hash(v: &serde_json::Value) -> Option<H32> {
    b64(v.as_str()?)?.try_into().ok()
}

fn b64_hashes(v: &serde_json::Value) -> Option<Vec<H32>> {
    match v {
        serde_json::Value::Null => Some(Vec::new()), // null means an empty proof
        v => v.as_array()?.iter().map(b64_hash).collect(),
    }
}

fn hex_hash(v: &serde_json::Value) -> H32 {
    hex::decode(v.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

fn hex_hashes(v: &serde_json::Value) -> Vec<H32> {
    v.as_array().unwrap().iter().map(hex_hash).collect()
}

fn reference_leaf_hashes() -> Vec<H32> {
    vectors()["reference_tree"]["leaf_inputs_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| Sha256Hasher.leaf(&hex::decode(h.as_str().unwrap()).unwrap()))
        .collect()
}

#[test]
fn reference_tree_nodes_and_roots_through_a_node_source() {
    let v = vectors();
    let leaves = reference_leaf_hashes();
    let source = LeafHashes::new(&Sha256Hasher, &leaves);
    for (level, row) in v["reference_tree"]["node_hashes_hex_by_level"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (index, want) in hex_hashes(row).into_iter().enumerate() {
            let got = subtree_hash(
                &Sha256Hasher,
                &source,
                (index as u64) << level,
                (index as u64 + 1) << level,
            )
            .unwrap();
            assert_eq!(got, want, "node level {level} index {index}");
        }
    }
    for (size, want) in hex_hashes(&v["reference_tree"]["root_hex_by_tree_size"])
        .into_iter()
        .enumerate()
    {
        assert_eq!(root(&Sha256Hasher, &source, size as u64).unwrap(), want);
    }
    assert!(matches!(
        root(&Sha256Hasher, &source, 9),
        Err(ProofError::Node {
            source: NodeOutOfRange { .. },
            ..
        })
    ));
}

#[test]
fn rfc6962_inclusion_proofs_generate_and_verify() {
    let v = vectors();
    let leaves = reference_leaf_hashes();
    let source = LeafHashes::new(&Sha256Hasher, &leaves);
    let cases = v["inclusion_proofs"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let index = case["leaf_index"].as_u64().unwrap();
        let size = case["tree_size"].as_u64().unwrap();
        let want = hex_hashes(&case["proof_hex"]);
        let leaf = hex_hash(&case["leaf_hash_hex"]);
        let root_hash = hex_hash(&case["root_hex"]);
        let proof = inclusion_proof(&Sha256Hasher, &source, index, size).unwrap();
        assert_eq!(proof, want, "inclusion proof of {index} in {size}");
        assert_eq!(root(&Sha256Hasher, &source, size).unwrap(), root_hash);
        verify_inclusion(&Sha256Hasher, index, size, &leaf, &proof, &root_hash).unwrap();
    }
}

#[test]
fn rfc6962_consistency_proofs_generate_and_verify() {
    let v = vectors();
    let leaves = reference_leaf_hashes();
    let source = LeafHashes::new(&Sha256Hasher, &leaves);
    let cases = v["consistency_proofs"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let size1 = case["size1"].as_u64().unwrap();
        let size2 = case["size2"].as_u64().unwrap();
        let want = hex_hashes(&case["proof_hex"]);
        let (root1, root2) = (hex_hash(&case["root1_hex"]), hex_hash(&case["root2_hex"]));
        let proof = consistency_proof(&Sha256Hasher, &source, size1, size2).unwrap();
        assert_eq!(proof, want, "consistency proof {size1} -> {size2}");
        verify_consistency(&Sha256Hasher, size1, size2, &proof, &root1, &root2).unwrap();
    }
}

/// Probes whose expectation gufen does not share, by file, with the reason.
const PROBE_DIVERGENCES: &[&str] = &[
    // root1 = root2 = "don't care 2" (12 bytes) and size1 = size2 = 1. transparency-dev compares
    // the bytes and accepts; gufen's roots are [u8; 32], so a 12-byte root is refused when the
    // probe is converted, as the vectors' README asks for non-32-byte hashes.
    "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
];

#[test]
fn rfc6962_inclusion_probes() {
    let probes = vectors()["inclusion_probes"].as_array().unwrap().clone();
    assert_eq!(probes.len(), 98);
    let mut accepted = 0;
    for p in &probes {
        let want_err = p["wantErr"].as_bool().unwrap();
        let index = p["leafIdx"].as_u64().unwrap();
        let size = p["treeSize"].as_u64().unwrap();
        // Conversion is part of verification: a hash that is not 32 bytes is rejected here.
        let converted = (|| {
            Some((
                b64_hash(&p["leafHash"])?,
                b64_hash(&p["root"])?,
                b64_hashes(&p["proof"])?,
            ))
        })();
        let result = match converted {
            None => Err(None),
            Some((leaf, root_hash, proof)) => {
                verify_inclusion(&Sha256Hasher, index, size, &leaf, &proof, &root_hash)
                    .map_err(Some)
            }
        };
        assert_eq!(result.is_err(), want_err, "{}: {:?}", p["file"], result);
        accepted += usize::from(result.is_ok());
    }
    assert_eq!(accepted, 6);
}

#[test]
fn rfc6962_consistency_probes() {
    let probes = vectors()["consistency_probes"].as_array().unwrap().clone();
    assert_eq!(probes.len(), 98);
    let mut accepted = 0;
    for p in &probes {
        let file = p["file"].as_str().unwrap();
        let want_err = p["wantErr"].as_bool().unwrap() || PROBE_DIVERGENCES.contains(&file);
        let size1 = p["size1"].as_u64().unwrap();
        let size2 = p["size2"].as_u64().unwrap();
        let converted = (|| {
            Some((
                b64_hash(&p["root1"])?,
                b64_hash(&p["root2"])?,
                b64_hashes(&p["proof"])?,
            ))
        })();
        let result = match converted {
            None => Err(None),
            Some((root1, root2, proof)) => {
                verify_consistency(&Sha256Hasher, size1, size2, &proof, &root1, &root2)
                    .map_err(Some)
            }
        };
        assert_eq!(result.is_err(), want_err, "{file}: {result:?}");
        accepted += usize::from(result.is_ok());
    }
    assert_eq!(accepted, 5);
}

#[test]
fn ct_argon2020_inclusion_and_consistency_with_64_bit_sizes() {
    let v = real_logs();
    let ct = &v["ct_argon2020"];
    let leaf = Sha256Hasher.leaf(&b64(ct["leaf_input_b64"].as_str().unwrap()).unwrap());
    let index = ct["leaf_index"].as_u64().unwrap();
    let size = ct["sth"]["tree_size"].as_u64().unwrap();
    let sth_root = b64_hash(&ct["sth"]["sha256_root_hash"]).unwrap();
    let path = b64_hashes(&ct["audit_path_b64"]).unwrap();
    assert_eq!(path.len(), 30);
    verify_inclusion(&Sha256Hasher, index, size, &leaf, &path, &sth_root).unwrap();

    let c = &ct["consistency"];
    let (size1, size2) = (c["size1"].as_u64().unwrap(), c["size2"].as_u64().unwrap());
    assert_eq!(size2, size);
    let root1 = b64_hash(&c["root1_b64"]).unwrap();
    let root2 = b64_hash(&c["root2_b64"]).unwrap();
    let proof = b64_hashes(&c["proof_b64"]).unwrap();
    assert_eq!(proof.len(), 30);
    verify_consistency(&Sha256Hasher, size1, size2, &proof, &root1, &root2).unwrap();

    // The same proofs must not stretch to another index, a tree of another shape or a changed
    // hash. (Size + 1 would verify: the path of leaf 10000 has the same shape in both trees,
    // and it is the signed root, not the size, that binds the proof.)
    assert!(verify_inclusion(&Sha256Hasher, index + 1, size, &leaf, &path, &sth_root).is_err());
    assert!(matches!(
        verify_inclusion(&Sha256Hasher, index, size / 2, &leaf, &path, &sth_root),
        Err(ProofError::WrongProofLength { got: 30, want: 29 })
    ));
    assert!(verify_consistency(&Sha256Hasher, size1 + 1, size2, &proof, &root1, &root2).is_err());
    let mut bent = proof.clone();
    bent[29][0] ^= 1;
    assert!(verify_consistency(&Sha256Hasher, size1, size2, &bent, &root1, &root2).is_err());
}

#[test]
fn rekor_v2_staging_inclusion() {
    let v = real_logs();
    let entries = v["rekor_v2_staging"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 9);
    for e in entries {
        let body = b64(e["canonicalizedBody"].as_str().unwrap()).unwrap();
        let leaf = Sha256Hasher.leaf(&body);
        let index: u64 = e["logIndex"].as_str().unwrap().parse().unwrap();
        let size: u64 = e["treeSize"].as_str().unwrap().parse().unwrap();
        let root_hash = b64_hash(&e["rootHash"]).unwrap();
        let proof = b64_hashes(&e["hashes"]).unwrap();
        assert!(e["expected"]["inclusion_verifies"].as_bool().unwrap());
        verify_inclusion(&Sha256Hasher, index, size, &leaf, &proof, &root_hash)
            .unwrap_or_else(|err| panic!("{}: {err}", e["bundle"]));
    }
}

#[test]
fn proof_conventions_and_messages() {
    let leaves = reference_leaf_hashes();
    let source = LeafHashes::new(&Sha256Hasher, &leaves);
    let h = Sha256Hasher;
    let r = root(&h, &source, 8).unwrap();
    let r5 = root(&h, &source, 5).unwrap();
    assert_eq!(
        inclusion_proof(&h, &source, 8, 8),
        Err(ProofError::IndexOutOfRange { index: 8, size: 8 })
    );
    assert!(inclusion_proof(&h, &source, 0, 0).is_err());
    assert_eq!(
        consistency_proof(&h, &source, 0, 8),
        Err(ProofError::EmptyFirstTree)
    );
    assert_eq!(
        consistency_proof(&h, &source, 6, 5),
        Err(ProofError::SizesReversed { size1: 6, size2: 5 })
    );
    assert_eq!(consistency_proof(&h, &source, 8, 8), Ok(vec![]));
    assert_eq!(
        verify_consistency(&h, 0, 0, &[], &r, &r),
        Err(ProofError::EmptyFirstTree)
    );
    assert_eq!(verify_consistency(&h, 8, 8, &[], &r, &r), Ok(()));
    assert_eq!(
        verify_consistency(&h, 8, 8, &[], &r, &r5),
        Err(ProofError::EqualSizesDifferentRoots)
    );
    assert_eq!(
        verify_consistency(&h, 8, 8, &[r], &r, &r),
        Err(ProofError::WrongProofLength { got: 1, want: 0 })
    );
    let proof = inclusion_proof(&h, &source, 3, 8).unwrap();
    assert_eq!(
        verify_inclusion(&h, 3, 8, &leaves[3], &proof[..2], &r),
        Err(ProofError::WrongProofLength { got: 2, want: 3 })
    );
    assert_eq!(
        verify_inclusion(&h, 3, 8, &leaves[4], &proof, &r),
        Err(ProofError::RootMismatch)
    );
    let proof = consistency_proof(&h, &source, 5, 8).unwrap();
    assert_eq!(
        verify_consistency(&h, 5, 8, &proof, &r, &r),
        Err(ProofError::FirstRootMismatch)
    );
    assert_eq!(
        verify_consistency(&h, 5, 8, &proof, &r5, &r5),
        Err(ProofError::SecondRootMismatch)
    );
    assert_eq!(
        ProofError::<NodeOutOfRange>::IndexOutOfRange { index: 8, size: 8 }.to_string(),
        "leaf index 8 is not in a tree of size 8"
    );
    assert_eq!(
        ProofError::Node {
            level: 3,
            index: 1,
            source: NodeOutOfRange {
                level: 3,
                index: 1,
                leaves: 8
            }
        }
        .to_string(),
        "reading tree node at level 3 index 1: no node at level 3 index 1 in a tree of 8 leaf hashes"
    );
}

/// splitmix64: a small deterministic generator so the property tests need no extra crate.
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

/// Every proof in trees of random sizes ≤ 2000 (plus the edges around powers of two)
/// verifies, and flipping one random bit of any one proof hash makes it fail.
#[test]
fn blake3_every_proof_verifies_and_every_flipped_bit_fails() {
    let h = Blake3Hasher;
    let mut rng = Rng(0x6775_6665_6e21);
    let all = blake3_leaves(2000);
    let source = LeafHashes::new(&h, &all);
    let mut builder = MerkleBuilder::new(h);
    let mut roots = vec![h.empty()];
    for leaf in 0..2000u64 {
        builder.push(&leaf.to_le_bytes());
        roots.push(builder.root());
    }
    let mut sizes = vec![
        1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 1023, 1024, 1025, 2000,
    ];
    sizes.extend((0..6).map(|_| 1 + rng.below(2000)));
    for &size in &sizes {
        let size_root = root(&h, &source, size).unwrap();
        assert_eq!(size_root, roots[size as usize], "root of {size}");
        for index in 0..size {
            let mut proof = inclusion_proof(&h, &source, index, size).unwrap();
            let leaf = &all[index as usize];
            verify_inclusion(&h, index, size, leaf, &proof, &size_root).unwrap();
            for i in 0..proof.len() {
                let bit = rng.below(256) as usize;
                proof[i][bit / 8] ^= 1 << (bit % 8);
                assert_eq!(
                    verify_inclusion(&h, index, size, leaf, &proof, &size_root),
                    Err(ProofError::RootMismatch),
                    "inclusion {index} in {size}, hash {i} bit {bit}"
                );
                proof[i][bit / 8] ^= 1 << (bit % 8);
            }
        }
        for size1 in 1..=size {
            let root1 = &roots[size1 as usize];
            let mut proof = consistency_proof(&h, &source, size1, size).unwrap();
            verify_consistency(&h, size1, size, &proof, root1, &size_root).unwrap();
            for i in 0..proof.len() {
                let bit = rng.below(256) as usize;
                proof[i][bit / 8] ^= 1 << (bit % 8);
                assert!(
                    verify_consistency(&h, size1, size, &proof, root1, &size_root).is_err(),
                    "consistency {size1} -> {size}, hash {i} bit {bit}"
                );
                proof[i][bit / 8] ^= 1 << (bit % 8);
            }
        }
    }
}

#[test]
fn subtree_hash_of_unaligned_ranges_is_still_mth() {
    let data: Vec<Vec<u8>> = (0u32..40).map(|i| i.to_le_bytes().to_vec()).collect();
    let leaves: Vec<H32> = data.iter().map(|d| Blake3Hasher.leaf(d)).collect();
    let source = LeafHashes::new(&Blake3Hasher, &leaves);
    for (lo, hi) in [(3, 11), (5, 6), (1, 33), (7, 7), (13, 40)] {
        let slices: Vec<&[u8]> = data[lo..hi].iter().map(|d| d.as_slice()).collect();
        assert_eq!(
            subtree_hash(&Blake3Hasher, &source, lo as u64, hi as u64).unwrap(),
            root_recursive(&Blake3Hasher, &slices),
            "{lo}..{hi}"
        );
    }
    assert_eq!(
        subtree_hash(&Blake3Hasher, &source, 5, 4),
        Err(ProofError::BadRange { lo: 5, hi: 4 })
    );
}
