//! Appends per second with signature verification, every rule check and fsync: in batches of
//! 256 (group commit, one fsync per batch) and one at a time (one fsync per entry); plus the
//! offline verification of an export bundle. Run with `cargo bench -p critmin-ledger` (or
//! `bench/ledger` for the summary figures).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use critmin_ledger::entry::{Grade, LotSpec, Payload, Signer};
use critmin_ledger::store::FileStore;
use critmin_ledger::{Ledger, LotId, OrgId, Role, SignedEntry};
use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

const ORIGIN: &str = "bench-log";
const TS: i64 = 1_780_272_000;
const MEMBERS: usize = 8;

fn key(name: &str) -> SigningKey {
    SigningKey::from_bytes(&Sha256::digest(name.as_bytes()).into())
}

/// Registrations, then `n` extraction entries spread over the members.
fn entries(n: usize) -> (Vec<SignedEntry>, Vec<SignedEntry>) {
    let mut op = Signer::new(ORIGIN, "operator", key("operator"), 0);
    let mut setup = Vec::new();
    let register = |op: &mut Signer, org: &str, role: Role| {
        op.sign(
            Payload::RegisterOrg {
                org: OrgId(org.into()),
                role,
                name: org.into(),
                country: "AUS".parse().unwrap(),
                key: key(org).verifying_key().to_bytes(),
            },
            TS,
        )
    };
    setup.push(register(&mut op, "operator", Role::Operator));
    let mut members: Vec<Signer> = (0..MEMBERS)
        .map(|i| {
            let org = format!("m{i}");
            setup.push(register(&mut op, &org, Role::Member));
            Signer::new(ORIGIN, &org, key(&org), 0)
        })
        .collect();
    let work = (0..n)
        .map(|i| {
            let s = &mut members[i % MEMBERS];
            let lot = LotSpec {
                id: LotId(format!("lot-{i}")),
                form: "ore".into(),
                mass_g: 1_000 + i as u64,
                grades: vec![Grade {
                    element: "cobalt".into(),
                    ppm: 10_000,
                }],
                country: "AUS".parse().unwrap(),
            };
            s.sign(
                Payload::Extract {
                    lot,
                    site: "pit".into(),
                },
                TS,
            )
        })
        .collect();
    (setup, work)
}

fn fresh(setup: &[SignedEntry]) -> (tempfile::TempDir, Ledger<FileStore>) {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap();
    for r in ledger.append_batch(setup.to_vec()).unwrap() {
        r.unwrap();
    }
    (dir, ledger)
}

fn appends(c: &mut Criterion) {
    let mut g = c.benchmark_group("ledger appends (verify + rules + fsync)");
    g.sample_size(10);
    let (setup, work) = entries(4096);
    g.throughput(Throughput::Elements(work.len() as u64));
    g.bench_function("batches of 256", |b| {
        b.iter_batched(
            || (fresh(&setup), work.clone()),
            |((_dir, mut ledger), work)| {
                let mut it = work.into_iter().peekable();
                while it.peek().is_some() {
                    let batch: Vec<_> = it.by_ref().take(256).collect();
                    for r in ledger.append_batch(batch).unwrap() {
                        r.unwrap();
                    }
                }
            },
            BatchSize::PerIteration,
        )
    });
    let single: Vec<_> = work[..64].to_vec();
    g.throughput(Throughput::Elements(single.len() as u64));
    g.bench_function("one at a time", |b| {
        b.iter_batched(
            || (fresh(&setup), single.clone()),
            |((_dir, mut ledger), work)| {
                for e in work {
                    ledger.append(e).unwrap();
                }
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn reopen(c: &mut Criterion) {
    let (setup, work) = entries(4096);
    let (dir, mut ledger) = fresh(&setup);
    for r in ledger.append_batch(work).unwrap() {
        r.unwrap();
    }
    drop(ledger);
    let mut g = c.benchmark_group("ledger reopen (decode + verify + replay 4,105 entries)");
    g.sample_size(10);
    g.throughput(Throughput::Elements(4105));
    g.bench_function("open", |b| {
        b.iter(|| Ledger::open(FileStore::open(dir.path()).unwrap()).unwrap().size())
    });
    g.finish();
}

criterion_group!(benches, appends, reopen);
criterion_main!(benches);
