//! Merkle tree over record hashes: RFC 9162 §2.1 tree shape with a pluggable hash; the ledger
//! uses blake3 with leaf prefix 0x00 and node prefix 0x01, and its leaves are the 32-byte record
//! hashes (leaf hash = H(0x00 ‖ record_hash)).
//!
//! Besides roots, this module makes and checks RFC 9162 inclusion and consistency proofs. Proof
//! generation reads the tree through a [`NodeSource`] (perfect subtree hashes), so the same code
//! runs over leaf hashes in memory ([`LeafHashes`]) or over stored hash tiles
//! ([`crate::tiles::TileNodes`]). The hash is a parameter so that the published SHA-256 vectors
//! can pin the exact proof bytes the blake3 ledger produces in the same shape.

/// The hash function of a tree: empty root, leaf and interior node.
pub trait MerkleHasher {
    type Output: Copy + PartialEq + std::fmt::Debug;
    fn empty(&self) -> Self::Output;
    fn leaf(&self, data: &[u8]) -> Self::Output;
    fn node(&self, left: &Self::Output, right: &Self::Output) -> Self::Output;
}

/// blake3 with RFC 9162's domain separation: leaf = H(0x00 ‖ d), node = H(0x01 ‖ l ‖ r).
#[derive(Debug, Clone, Copy, Default)]
pub struct Blake3Hasher;

impl MerkleHasher for Blake3Hasher {
    type Output = [u8; 32];
    fn empty(&self) -> [u8; 32] {
        *blake3::hash(b"").as_bytes()
    }
    fn leaf(&self, data: &[u8]) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(&[0x00]);
        h.update(data);
        *h.finalize().as_bytes()
    }
    fn node(&self, left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(&[0x01]);
        h.update(left);
        h.update(right);
        *h.finalize().as_bytes()
    }
}

/// Builds the root leaf by leaf in O(log n) memory: a stack of perfect subtrees.
pub struct MerkleBuilder<H: MerkleHasher> {
    hasher: H,
    /// (height, hash) of perfect subtrees, left to right, strictly decreasing heights.
    stack: Vec<(u32, H::Output)>,
    leaves: u64,
}

impl<H: MerkleHasher> MerkleBuilder<H> {
    pub fn new(hasher: H) -> Self {
        MerkleBuilder {
            hasher,
            stack: Vec::new(),
            leaves: 0,
        }
    }

    pub fn push(&mut self, data: &[u8]) {
        let mut entry = (0u32, self.hasher.leaf(data));
        while let Some(&(height, left)) = self.stack.last() {
            if height != entry.0 {
                break;
            }
            self.stack.pop();
            entry = (height + 1, self.hasher.node(&left, &entry.1));
        }
        self.stack.push(entry);
        self.leaves += 1;
    }

    pub fn leaves(&self) -> u64 {
        self.leaves
    }

    /// MTH of the leaves so far: the perfect subtrees folded from the right, as RFC 9162's
    /// split at the largest power of two below n does.
    pub fn root(&self) -> H::Output {
        let mut iter = self.stack.iter().rev();
        match iter.next() {
            None => self.hasher.empty(),
            Some(&(_, last)) => iter.fold(last, |acc, (_, left)| self.hasher.node(left, &acc)),
        }
    }
}

/// `MTH(D[n])` by the recursive definition of RFC 9162 §2.1.1 (the reference the builder must equal).
pub fn root_recursive<H: MerkleHasher>(hasher: &H, leaves: &[&[u8]]) -> H::Output {
    match leaves.len() {
        0 => hasher.empty(),
        1 => hasher.leaf(leaves[0]),
        n => {
            let k = largest_power_of_two_below(n);
            let left = root_recursive(hasher, &leaves[..k]);
            let right = root_recursive(hasher, &leaves[k..]);
            hasher.node(&left, &right)
        }
    }
}

/// The largest power of two strictly less than n (n ≥ 2).
fn largest_power_of_two_below(n: usize) -> usize {
    assert!(n >= 2);
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

// ---------------------------------------------------------------------------------------------
// RFC 9162 proofs
// ---------------------------------------------------------------------------------------------

/// Where proofs get their hashes from: the hash of the *perfect* subtree of height `level`
/// covering leaves `[index·2^level, (index+1)·2^level)`.
///
/// Every hash an RFC 9162 proof or root needs can be assembled from O(log n) such nodes, so a
/// store only has to answer this one question (from memory, from hash tiles, from a database)
/// and the proof code stays the same. A source should return an error, not a guess, for a
/// node it does not hold: a wrong hash here becomes a wrong proof.
pub trait NodeSource<T> {
    type Error;
    fn node(&self, level: u8, index: u64) -> Result<T, Self::Error>;
}

/// An in-memory [`NodeSource`] over a slice of leaf hashes, for tests and small trees.
///
/// Every level of perfect nodes is computed once in [`LeafHashes::new`] (about n extra hashes),
/// so each later `node` call is a lookup and proving all n leaves of a tree stays O(n log n).
#[derive(Debug, Clone)]
pub struct LeafHashes<'a, T> {
    leaves: &'a [T],
    /// `upper[l - 1][i]` = node (l, i) for l ≥ 1; only nodes whose leaves all exist.
    upper: Vec<Vec<T>>,
}

impl<'a, T: Copy> LeafHashes<'a, T> {
    /// `leaves` are leaf hashes (already `hasher.leaf(..)`-ed), in tree order.
    pub fn new<H: MerkleHasher<Output = T>>(hasher: &H, leaves: &'a [T]) -> Self {
        let mut upper: Vec<Vec<T>> = Vec::new();
        let mut below: &[T] = leaves;
        loop {
            let level: Vec<T> = below
                .chunks_exact(2)
                .map(|pair| hasher.node(&pair[0], &pair[1]))
                .collect();
            if level.is_empty() {
                break;
            }
            upper.push(level);
            below = upper.last().map_or(&[][..], |v| v.as_slice());
        }
        LeafHashes { leaves, upper }
    }

    /// The number of leaves: the largest tree size this source can prove.
    pub fn len(&self) -> u64 {
        self.leaves.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }
}

/// A node that a [`LeafHashes`] does not hold: some of its leaves are past the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no node at level {level} index {index} in a tree of {leaves} leaf hashes")]
pub struct NodeOutOfRange {
    pub level: u8,
    pub index: u64,
    pub leaves: u64,
}

impl<T: Copy> NodeSource<T> for LeafHashes<'_, T> {
    type Error = NodeOutOfRange;
    fn node(&self, level: u8, index: u64) -> Result<T, NodeOutOfRange> {
        let row = match level {
            0 => Some(self.leaves),
            l => self.upper.get(usize::from(l) - 1).map(|v| v.as_slice()),
        };
        usize::try_from(index)
            .ok()
            .and_then(|i| row.and_then(|r| r.get(i)))
            .copied()
            .ok_or(NodeOutOfRange {
                level,
                index,
                leaves: self.len(),
            })
    }
}

/// Why a proof could not be made or did not verify.
///
/// `E` is the [`NodeSource`]'s error; verification reads no source, so its errors are
/// `ProofError` (= `ProofError<Infallible>`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError<E = std::convert::Infallible> {
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("a consistency proof needs a non-empty first tree (size1 = 0)")]
    EmptyFirstTree,
    #[error("the first tree (size {size1}) is larger than the second (size {size2})")]
    SizesReversed { size1: u64, size2: u64 },
    #[error("the proof has {got} hashes; this index and size need exactly {want}")]
    WrongProofLength { got: usize, want: usize },
    #[error("the inclusion proof does not lead to the given root")]
    RootMismatch,
    #[error("the consistency proof does not lead to the first root")]
    FirstRootMismatch,
    #[error("the consistency proof does not lead to the second root")]
    SecondRootMismatch,
    #[error("equal tree sizes but different roots")]
    EqualSizesDifferentRoots,
    #[error("leaf range {lo}..{hi} ends before it starts")]
    BadRange { lo: u64, hi: u64 },
    #[error("reading tree node at level {level} index {index}: {source}")]
    Node { level: u8, index: u64, source: E },
}

fn read_node<T, S: NodeSource<T>>(
    source: &S,
    level: u8,
    index: u64,
) -> Result<T, ProofError<S::Error>> {
    source
        .node(level, index)
        .map_err(|source| ProofError::Node {
            level,
            index,
            source,
        })
}

/// The largest power of two strictly less than n (n ≥ 2): RFC 9162's split point k.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// `MTH(D[lo:hi])`: the RFC 9162 tree hash of the leaves `lo..hi` (the empty-tree hash when
/// `lo == hi`).
///
/// Splits at the largest power of two below `hi − lo` as RFC 9162 does. A perfect range aligned
/// to its own size is read as one node, and every range an RFC proof asks for decomposes into
/// such ranges, so proofs and roots read O(log n) nodes. Other ranges are still hashed
/// correctly, just with more reads.
pub fn subtree_hash<H, S>(
    hasher: &H,
    source: &S,
    lo: u64,
    hi: u64,
) -> Result<H::Output, ProofError<S::Error>>
where
    H: MerkleHasher,
    S: NodeSource<H::Output>,
{
    if lo > hi {
        return Err(ProofError::BadRange { lo, hi });
    }
    let n = hi - lo;
    if n == 0 {
        return Ok(hasher.empty());
    }
    if n.is_power_of_two() && lo & (n - 1) == 0 {
        let level = n.trailing_zeros() as u8;
        return read_node(source, level, lo >> level);
    }
    let k = split_point(n);
    let left = subtree_hash(hasher, source, lo, lo + k)?;
    let right = subtree_hash(hasher, source, lo + k, hi)?;
    Ok(hasher.node(&left, &right))
}

/// MTH of the first `size` leaves: the root a checkpoint at `size` signs.
pub fn root<H, S>(hasher: &H, source: &S, size: u64) -> Result<H::Output, ProofError<S::Error>>
where
    H: MerkleHasher,
    S: NodeSource<H::Output>,
{
    subtree_hash(hasher, source, 0, size)
}

/// The RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf `index` in the tree of the first
/// `size` leaves, nearest sibling first.
///
/// `index ≥ size` is an error (so is any size for an empty tree).
pub fn inclusion_proof<H, S>(
    hasher: &H,
    source: &S,
    index: u64,
    size: u64,
) -> Result<Vec<H::Output>, ProofError<S::Error>>
where
    H: MerkleHasher,
    S: NodeSource<H::Output>,
{
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // PATH(m, D[lo:hi]) walked from the top; siblings found top-down, emitted bottom-up.
    let (mut lo, mut hi) = (0u64, size);
    let mut path = Vec::new();
    while hi - lo > 1 {
        let k = split_point(hi - lo);
        if index < lo + k {
            path.push(subtree_hash(hasher, source, lo + k, hi)?);
            hi = lo + k;
        } else {
            path.push(subtree_hash(hasher, source, lo, lo + k)?);
            lo += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// The RFC 9162 §2.1.4.1 consistency proof from the tree of the first `size1` leaves to the tree
/// of the first `size2`.
///
/// Conventions (the same ones [`verify_consistency`] enforces): `size1 = 0` is an error (there
/// is nothing to be consistent with, and RFC 9162 defines no proof for it); `size1 > size2` is
/// an error; `size1 = size2` gives the empty proof.
pub fn consistency_proof<H, S>(
    hasher: &H,
    source: &S,
    size1: u64,
    size2: u64,
) -> Result<Vec<H::Output>, ProofError<S::Error>>
where
    H: MerkleHasher,
    S: NodeSource<H::Output>,
{
    if size1 == 0 {
        return Err(ProofError::EmptyFirstTree);
    }
    if size1 > size2 {
        return Err(ProofError::SizesReversed { size1, size2 });
    }
    // SUBPROOF(m, D[lo:hi], b), with m counted from 0 (so the old tree is D[0:size1]).
    let (mut lo, mut hi) = (0u64, size2);
    let mut whole_old_tree = true; // b: the current subtree is still MTH(D[0:size1])'s own root
    let mut proof = Vec::new();
    while size1 < hi {
        let k = split_point(hi - lo);
        if size1 <= lo + k {
            proof.push(subtree_hash(hasher, source, lo + k, hi)?);
            hi = lo + k;
        } else {
            proof.push(subtree_hash(hasher, source, lo, lo + k)?);
            lo += k;
            whole_old_tree = false;
        }
    }
    // Now hi == size1: D[lo:hi] is a subtree of the old tree.
    if !whole_old_tree {
        proof.push(subtree_hash(hasher, source, lo, hi)?);
    }
    proof.reverse();
    Ok(proof)
}

/// How an inclusion proof for (index, size) splits: `inner` hashes below the point where the
/// leaf's path leaves the perfect part of the tree, then `border` left siblings along the right
/// border. RFC 9162's verification loop does the same walk bit by bit; counting it up front lets
/// a proof of the wrong length be refused before any hashing.
fn inclusion_shape(index: u64, size: u64) -> (usize, usize) {
    let inner = (64 - (index ^ (size - 1)).leading_zeros()) as usize;
    let border = (index.checked_shr(inner as u32).unwrap_or(0)).count_ones() as usize;
    (inner, border)
}

fn chain_inner<H: MerkleHasher>(
    hasher: &H,
    seed: H::Output,
    proof: &[H::Output],
    index: u64,
) -> H::Output {
    proof.iter().enumerate().fold(seed, |acc, (i, p)| {
        if (index >> i) & 1 == 0 {
            hasher.node(&acc, p)
        } else {
            hasher.node(p, &acc)
        }
    })
}

/// Like [`chain_inner`] but only the steps where the running hash is the right child: what
/// the first tree's root sees of the same path.
fn chain_inner_right<H: MerkleHasher>(
    hasher: &H,
    seed: H::Output,
    proof: &[H::Output],
    index: u64,
) -> H::Output {
    proof.iter().enumerate().fold(seed, |acc, (i, p)| {
        if (index >> i) & 1 == 1 {
            hasher.node(p, &acc)
        } else {
            acc
        }
    })
}

fn chain_border_right<H: MerkleHasher>(
    hasher: &H,
    seed: H::Output,
    proof: &[H::Output],
) -> H::Output {
    proof.iter().fold(seed, |acc, p| hasher.node(p, &acc))
}

/// The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1–4), for callers that look
/// the root up afterwards. `leaf_hash` is the leaf's hash, not its data.
///
/// `index ≥ size` and a proof of the wrong length are errors.
pub fn root_from_inclusion_proof<H: MerkleHasher>(
    hasher: &H,
    index: u64,
    size: u64,
    leaf_hash: &H::Output,
    proof: &[H::Output],
) -> Result<H::Output, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (inner, border) = inclusion_shape(index, size);
    if proof.len() != inner + border {
        return Err(ProofError::WrongProofLength {
            got: proof.len(),
            want: inner + border,
        });
    }
    let r = chain_inner(hasher, *leaf_hash, &proof[..inner], index);
    Ok(chain_border_right(hasher, r, &proof[inner..]))
}

/// Verifies that `leaf_hash` is leaf `index` of the tree of `size` leaves whose root is `root`
/// (RFC 9162 §2.1.3.2). `leaf_hash` is already hashed (`hasher.leaf(data)`).
///
/// Conventions: `index ≥ size` is an error (so nothing is in the empty tree); a proof of the
/// wrong length for (index, size) is an error, not just a mismatch.
pub fn verify_inclusion<H: MerkleHasher>(
    hasher: &H,
    index: u64,
    size: u64,
    leaf_hash: &H::Output,
    proof: &[H::Output],
    root: &H::Output,
) -> Result<(), ProofError> {
    if root_from_inclusion_proof(hasher, index, size, leaf_hash, proof)? == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Verifies that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2`
/// leaves with root `root2` (RFC 9162 §2.1.4.2).
///
/// Conventions (shared with the transparency-dev test probes): `size1 = 0` is an error even when
/// `size2 = 0`, because an empty tree proves nothing and RFC 9162 defines no proof for it;
/// `size1 = size2 > 0` needs an empty proof and `root1 = root2`; `size1 > size2` is an error;
/// a proof of the wrong length is an error.
pub fn verify_consistency<H: MerkleHasher>(
    hasher: &H,
    size1: u64,
    size2: u64,
    proof: &[H::Output],
    root1: &H::Output,
    root2: &H::Output,
) -> Result<(), ProofError> {
    if size1 == 0 {
        return Err(ProofError::EmptyFirstTree);
    }
    if size1 > size2 {
        return Err(ProofError::SizesReversed { size1, size2 });
    }
    if size1 == size2 {
        if !proof.is_empty() {
            return Err(ProofError::WrongProofLength {
                got: proof.len(),
                want: 0,
            });
        }
        return if root1 == root2 {
            Ok(())
        } else {
            Err(ProofError::EqualSizesDifferentRoots)
        };
    }
    // The proof is the tail of leaf size1−1's inclusion proof in the second tree, starting at
    // the level of the largest perfect subtree the first tree ends with (2^shift leaves). When
    // the first tree is that perfect subtree itself, its root is the seed and is not sent.
    let (inner, border) = inclusion_shape(size1 - 1, size2);
    let shift = size1.trailing_zeros() as usize;
    let inner = inner - shift; // size1 < size2, so the paths part above level `shift`
    let (seed, rest) = if size1 == 1u64 << shift {
        (*root1, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => {
                return Err(ProofError::WrongProofLength {
                    got: 0,
                    want: 1 + inner + border,
                })
            }
        }
    };
    if rest.len() != inner + border {
        return Err(ProofError::WrongProofLength {
            got: proof.len(),
            want: proof.len() - rest.len() + inner + border,
        });
    }
    let mask = (size1 - 1) >> shift;
    let (inner_part, border_part) = rest.split_at(inner);
    let h1 = chain_inner_right(hasher, seed, inner_part, mask);
    let h1 = chain_border_right(hasher, h1, border_part);
    if h1 != *root1 {
        return Err(ProofError::FirstRootMismatch);
    }
    let h2 = chain_inner(hasher, seed, inner_part, mask);
    let h2 = chain_border_right(hasher, h2, border_part);
    if h2 != *root2 {
        return Err(ProofError::SecondRootMismatch);
    }
    Ok(())
}
