//! Merkle tree hashing exactly as RFC 9162 §2.1, with inclusion and consistency proofs.
//!
//! - Leaf hash `H(0x00 ‖ entry)`, node hash `H(0x01 ‖ left ‖ right)`, empty tree `H("")`, with
//!   `H` = SHA-256; a tree of `n > 1` leaves splits at `k`, the largest power of two strictly
//!   smaller than `n` (§2.1.1).
//! - [`MerkleTree`] keeps every complete aligned subtree hash, so the root of any prefix and the
//!   proofs of §2.1.3.1 (`PATH`) and §2.1.4.1 (`PROOF`/`SUBPROOF`) cost O(log² n) hashes at most.
//! - [`verify_inclusion`] and [`verify_consistency`] are the verification algorithms of
//!   §2.1.3.2 and §2.1.4.2, step by step.
//!
//! The crate is written for critmin rather than borrowed: general Merkle crates (rs_merkle) do
//! not separate leaf and node hashes, which RFC 9162 requires to rule out second-preimage
//! forgeries.

pub mod case;

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// Why a proof does not verify, or cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is not below tree size {size}")]
    IndexOutOfRange {
        /// The leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The first tree is larger than the second.
    #[error("first size {first} is greater than second size {second}")]
    SizesReversed {
        /// Size of the first tree.
        first: u64,
        /// Size of the second tree.
        second: u64,
    },
    /// A consistency proof from the empty tree proves nothing (RFC 9162 §2.1.4).
    #[error("consistency from the empty tree (to size {second}) is meaningless")]
    FromEmptyTree {
        /// Size of the second tree.
        second: u64,
    },
    /// The proof has a wrong number of hashes for the sizes given.
    #[error("proof has the wrong length for these sizes")]
    WrongLength,
    /// The proof was expected empty (equal sizes) but is not.
    #[error("proof must be empty when both sizes are equal")]
    NotEmpty,
    /// The recomputed root differs from the expected root.
    #[error("computed root does not match the expected root")]
    RootMismatch,
    /// The recomputed first root differs from the expected first root.
    #[error("computed first root does not match the expected first root")]
    FirstRootMismatch,
    /// The tree does not hold as many leaves as asked for.
    #[error("tree has {have} leaves, {want} asked for")]
    TreeTooSmall {
        /// Leaves in the tree.
        have: u64,
        /// Leaves asked for.
        want: u64,
    },
}

/// SHA-256 of the empty string: the root of the empty tree (RFC 9162 §2.1.1).
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The leaf hash `H(0x00 ‖ entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// The interior node hash `H(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly smaller than `n` (`n ≥ 2`).
pub fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// An append-only Merkle tree over leaf hashes.
///
/// `levels[h][i]` is the hash of the complete subtree of `2^h` leaves starting at leaf `i·2^h`;
/// only complete subtrees are stored, so the tree takes about two hashes per leaf.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    levels: Vec<Vec<Hash>>,
}

impl MerkleTree {
    /// The empty tree.
    pub fn new() -> MerkleTree {
        MerkleTree::default()
    }

    /// Number of leaves.
    pub fn len(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// Whether the tree has no leaf.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Option<Hash> {
        self.levels.first()?.get(usize::try_from(index).ok()?).copied()
    }

    /// Appends an entry (hashed as a leaf) and returns its index.
    pub fn push_entry(&mut self, entry: &[u8]) -> u64 {
        self.push_leaf_hash(leaf_hash(entry))
    }

    /// Appends a leaf hash and returns its index.
    pub fn push_leaf_hash(&mut self, leaf: Hash) -> u64 {
        let index = self.len();
        let mut hash = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(hash);
            let len = self.levels[level].len();
            if len % 2 == 1 {
                break;
            }
            hash = node_hash(&self.levels[level][len - 2], &self.levels[level][len - 1]);
            level += 1;
        }
        index
    }

    /// Removes every leaf from `size` on (used when a batch is abandoned).
    pub fn truncate(&mut self, size: u64) {
        for (h, level) in self.levels.iter_mut().enumerate() {
            level.truncate((size >> h) as usize);
        }
    }

    /// MTH of leaves `[start, start + len)`; `len ≥ 1` and the range must be inside the tree.
    fn subtree(&self, start: u64, len: u64) -> Hash {
        if len.is_power_of_two() && start.is_multiple_of(len) {
            let h = len.trailing_zeros() as usize;
            return self.levels[h][(start >> h) as usize];
        }
        let k = split_point(len);
        node_hash(&self.subtree(start, k), &self.subtree(start + k, len - k))
    }

    fn check_size(&self, size: u64) -> Result<(), ProofError> {
        if size > self.len() {
            return Err(ProofError::TreeTooSmall {
                have: self.len(),
                want: size,
            });
        }
        Ok(())
    }

    /// Root hash of the first `size` leaves.
    pub fn root_at(&self, size: u64) -> Result<Hash, ProofError> {
        self.check_size(size)?;
        Ok(if size == 0 { empty_root() } else { self.subtree(0, size) })
    }

    /// Root hash of the whole tree.
    pub fn root(&self) -> Hash {
        self.root_at(self.len()).expect("own size is in range")
    }

    /// Inclusion proof of leaf `index` in the tree of the first `size` leaves (§2.1.3.1 `PATH`).
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size(size)?;
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size });
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof);
        Ok(proof)
    }

    /// `PATH(m, D[start:start+n])`, appended to `out` in RFC order (leaf side first).
    fn path(&self, m: u64, start: u64, n: u64, out: &mut Vec<Hash>) {
        if n == 1 {
            return;
        }
        let k = split_point(n);
        if m < k {
            self.path(m, start, k, out);
            out.push(self.subtree(start + k, n - k));
        } else {
            self.path(m - k, start + k, n - k, out);
            out.push(self.subtree(start, k));
        }
    }

    /// Consistency proof between the trees of the first `first` and `second` leaves
    /// (§2.1.4.1 `PROOF`); empty when `first` is 0 or equals `second`.
    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Hash>, ProofError> {
        self.check_size(second)?;
        if first > second {
            return Err(ProofError::SizesReversed { first, second });
        }
        let mut proof = Vec::new();
        if first > 0 && first < second {
            self.subproof(first, 0, second, true, &mut proof);
        }
        Ok(proof)
    }

    /// `SUBPROOF(m, D[start:start+n], b)`.
    fn subproof(&self, m: u64, start: u64, n: u64, b: bool, out: &mut Vec<Hash>) {
        if m == n {
            if !b {
                out.push(self.subtree(start, n));
            }
            return;
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, k, b, out);
            out.push(self.subtree(start + k, n - k));
        } else {
            self.subproof(m - k, start + k, n - k, false, out);
            out.push(self.subtree(start, k));
        }
    }
}

/// Verifies that `leaf` is at `index` in the tree of `size` leaves with root `root`
/// (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    // Step 1.
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // Steps 2–3.
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    // Step 4.
    for p in proof {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies that the tree of `first` leaves with root `first_root` is a prefix of the tree of
/// `second` leaves with root `second_root` (RFC 9162 §2.1.4.2).
///
/// Equal sizes need an empty proof and equal roots; consistency from the empty tree (even to
/// the empty tree) is rejected as meaningless, as the public test vectors expect.
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizesReversed { first, second });
    }
    if first == 0 {
        return Err(ProofError::FromEmptyTree { second });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::NotEmpty);
        }
        return if first_root == second_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    // Step 1.
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    // Step 2: a power-of-two first tree is itself a node of the second; its root starts the path.
    let mut path: Vec<&Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        path.push(first_root);
    }
    path.extend(proof.iter());
    // Steps 3–4.
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 5.
    let (mut fr, mut sr) = (*path[0], *path[0]);
    // Step 6.
    for c in &path[1..] {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    // Step 7.
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *first_root {
        return Err(ProofError::FirstRootMismatch);
    }
    if sr != *second_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(h: &Hash) -> String {
        h.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn empty_tree_root_is_sha256_of_nothing() {
        assert_eq!(
            hex(&MerkleTree::new().root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn leaf_and_node_hashes_are_domain_separated() {
        // RFC 6962 test vector: the leaf hash of the empty entry.
        assert_eq!(
            hex(&leaf_hash(b"")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        let a = leaf_hash(b"a");
        let mut concat = vec![0u8];
        concat.extend_from_slice(&a);
        concat.extend_from_slice(&a);
        assert_ne!(node_hash(&a, &a), leaf_hash(&concat[1..]));
    }

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(1025), 1024);
    }

    #[test]
    fn truncate_restores_an_earlier_root() {
        let mut t = MerkleTree::new();
        for i in 0..13u8 {
            t.push_entry(&[i]);
        }
        let root7 = t.root_at(7).unwrap();
        t.truncate(7);
        assert_eq!(t.len(), 7);
        assert_eq!(t.root(), root7);
        t.push_entry(&[7]);
        let mut fresh = MerkleTree::new();
        for i in 0..8u8 {
            fresh.push_entry(&[i]);
        }
        assert_eq!(t.root(), fresh.root());
    }

    #[test]
    fn proofs_against_sizes_beyond_the_tree_are_refused() {
        let mut t = MerkleTree::new();
        t.push_entry(b"x");
        assert_eq!(
            t.inclusion_proof(0, 2),
            Err(ProofError::TreeTooSmall { have: 1, want: 2 })
        );
        assert_eq!(
            t.consistency_proof(1, 2),
            Err(ProofError::TreeTooSmall { have: 1, want: 2 })
        );
        assert_eq!(
            t.consistency_proof(1, 0),
            Err(ProofError::SizesReversed { first: 1, second: 0 })
        );
        assert_eq!(
            t.inclusion_proof(1, 1),
            Err(ProofError::IndexOutOfRange { index: 1, size: 1 })
        );
    }
}
