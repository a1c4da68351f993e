//! Merkle tree over record hashes: RFC 9162 §2.1 tree shape with a pluggable hash; the ledger
//! uses blake3 with leaf prefix 0x00 and node prefix 0x01.

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

/// MTH(D[n]) by the recursive definition of RFC 9162 §2.1.1 (the reference the builder must equal).
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
