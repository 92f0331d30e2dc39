//! Proof generation and verification per second on a tree of 2^20 + 12,345 leaves (not a power
//! of two, so the right edge of the tree is recomputed as in a live log). Run with
//! `cargo bench -p critmin-merkle` (or `bench/ledger` for the summary figures).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use critmin_merkle::{MerkleTree, verify_consistency, verify_inclusion};

const LEAVES: u64 = (1 << 20) + 12_345;
const BATCH: u64 = 1_000;

fn tree() -> MerkleTree {
    let mut t = MerkleTree::new();
    for i in 0..LEAVES {
        t.push_entry(&i.to_le_bytes());
    }
    t
}

fn proofs(c: &mut Criterion) {
    let t = tree();
    let size = t.len();
    let root = t.root();
    // Spread the indices over the whole tree with a fixed stride (no RNG needed).
    let indices: Vec<u64> = (0..BATCH).map(|i| (i * 1_048_573) % size).collect();
    let inclusion: Vec<_> = indices
        .iter()
        .map(|&i| (i, t.leaf(i).unwrap(), t.inclusion_proof(i, size).unwrap()))
        .collect();
    let firsts: Vec<u64> = indices.iter().map(|&i| i.max(1)).collect();
    let consistency: Vec<_> = firsts
        .iter()
        .map(|&m| (m, t.root_at(m).unwrap(), t.consistency_proof(m, size).unwrap()))
        .collect();

    let mut g = c.benchmark_group("merkle proofs (1,060,921 leaves)");
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function(BenchmarkId::new("generate", "inclusion"), |b| {
        b.iter(|| {
            indices
                .iter()
                .map(|&i| t.inclusion_proof(i, size).unwrap().len())
                .sum::<usize>()
        })
    });
    g.bench_function(BenchmarkId::new("verify", "inclusion"), |b| {
        b.iter(|| {
            for (i, leaf, proof) in &inclusion {
                verify_inclusion(*i, size, leaf, proof, &root).unwrap();
            }
        })
    });
    g.bench_function(BenchmarkId::new("generate", "consistency"), |b| {
        b.iter(|| {
            firsts
                .iter()
                .map(|&m| t.consistency_proof(m, size).unwrap().len())
                .sum::<usize>()
        })
    });
    g.bench_function(BenchmarkId::new("verify", "consistency"), |b| {
        b.iter(|| {
            for (m, first_root, proof) in &consistency {
                verify_consistency(*m, size, first_root, &root, proof).unwrap();
            }
        })
    });
    g.finish();
}

criterion_group!(benches, proofs);
criterion_main!(benches);
