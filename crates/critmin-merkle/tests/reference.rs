//! Generated proofs against a literal, recursive transcription of RFC 9162 §2.1 (MTH, PATH,
//! PROOF/SUBPROOF on lists of entries), for every tree size up to 1,024: every root, every
//! inclusion and consistency pair exhaustively up to 160 leaves, and for larger sizes a
//! property test plus the first, last and a seeded sample of positions of every size. Every
//! generated proof must also verify, and fail once any of its hashes is altered.

use critmin_merkle::{Hash, MerkleTree, verify_consistency, verify_inclusion};
use proptest::prelude::*;
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

const MAX: usize = 1024;
const EXHAUSTIVE: usize = 160;

fn sha(parts: &[&[u8]]) -> Hash {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// MTH(D[n]) as written in §2.1.1.
fn mth(d: &[Vec<u8>]) -> Hash {
    match d.len() {
        0 => sha(&[]),
        1 => sha(&[&[0], &d[0]]),
        n => {
            let k = largest_power_of_two_below(n);
            sha(&[&[1], &mth(&d[..k]), &mth(&d[k..])])
        }
    }
}

fn largest_power_of_two_below(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// PATH(m, D[n]) as written in §2.1.3.1.
fn path(m: usize, d: &[Vec<u8>]) -> Vec<Hash> {
    let n = d.len();
    if n == 1 {
        return vec![];
    }
    let k = largest_power_of_two_below(n);
    if m < k {
        let mut p = path(m, &d[..k]);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = path(m - k, &d[k..]);
        p.push(mth(&d[..k]));
        p
    }
}

/// SUBPROOF(m, D[n], b) as written in §2.1.4.1.
fn subproof(m: usize, d: &[Vec<u8>], b: bool) -> Vec<Hash> {
    let n = d.len();
    if m == n {
        return if b { vec![] } else { vec![mth(d)] };
    }
    let k = largest_power_of_two_below(n);
    if m <= k {
        let mut p = subproof(m, &d[..k], b);
        p.push(mth(&d[k..]));
        p
    } else {
        let mut p = subproof(m - k, &d[k..], false);
        p.push(mth(&d[..k]));
        p
    }
}

fn entries(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
}

fn tree(d: &[Vec<u8>]) -> MerkleTree {
    let mut t = MerkleTree::new();
    for e in d {
        t.push_entry(e);
    }
    t
}

fn check_inclusion(t: &MerkleTree, d: &[Vec<u8>], m: usize, n: usize) {
    let proof = t.inclusion_proof(m as u64, n as u64).unwrap();
    assert_eq!(proof, path(m, &d[..n]), "inclusion proof of leaf {m} in size {n}");
    let root = t.root_at(n as u64).unwrap();
    let leaf = t.leaf(m as u64).unwrap();
    verify_inclusion(m as u64, n as u64, &leaf, &proof, &root).unwrap();
    for i in 0..proof.len() {
        let mut bad = proof.clone();
        bad[i][0] ^= 1;
        assert!(verify_inclusion(m as u64, n as u64, &leaf, &bad, &root).is_err());
    }
}

fn check_consistency(t: &MerkleTree, d: &[Vec<u8>], m: usize, n: usize) {
    let proof = t.consistency_proof(m as u64, n as u64).unwrap();
    let want = if m == n { vec![] } else { subproof(m, &d[..n], true) };
    assert_eq!(proof, want, "consistency proof {m} -> {n}");
    let (r1, r2) = (t.root_at(m as u64).unwrap(), t.root_at(n as u64).unwrap());
    verify_consistency(m as u64, n as u64, &r1, &r2, &proof).unwrap();
    for i in 0..proof.len() {
        let mut bad = proof.clone();
        bad[i][0] ^= 1;
        assert!(verify_consistency(m as u64, n as u64, &r1, &r2, &bad).is_err());
    }
}

#[test]
fn every_root_up_to_1024_matches_the_reference() {
    let d = entries(MAX);
    let t = tree(&d);
    for n in 0..=MAX {
        assert_eq!(t.root_at(n as u64).unwrap(), mth(&d[..n]), "root of size {n}");
    }
}

#[test]
fn every_proof_up_to_160_leaves_matches_the_reference() {
    let d = entries(EXHAUSTIVE);
    let t = tree(&d);
    for n in 1..=EXHAUSTIVE {
        for m in 0..n {
            check_inclusion(&t, &d, m, n);
        }
        for m in 1..=n {
            check_consistency(&t, &d, m, n);
        }
    }
}

#[test]
fn edge_and_sampled_positions_of_every_size_up_to_1024_match_the_reference() {
    let d = entries(MAX);
    let t = tree(&d);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(9162);
    for n in EXHAUSTIVE + 1..=MAX {
        let sample = (rng.next_u64() % n as u64) as usize;
        for m in [0, n / 2, n - 1, sample] {
            check_inclusion(&t, &d, m, n);
        }
        for m in [1, n / 2, n - 1, n, sample.max(1)] {
            check_consistency(&t, &d, m, n);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_pairs_up_to_1024_match_the_reference(n in 1usize..=MAX, a in any::<u64>(), b in any::<u64>()) {
        let d = entries(n);
        let t = tree(&d);
        check_inclusion(&t, &d, (a % n as u64) as usize, n);
        check_consistency(&t, &d, 1 + (b % n as u64) as usize, n);
    }
}
