//! Criterion benches of the trade kernels: parse + group, and exporter HHI on a grouped table.

use criterion::{Criterion, criterion_group, criterion_main};
use critmin_trade::{Basis, GenerateOptions, ImportOptions, Side, generate, import, product_concentration};

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("baci.csv");
    let options = GenerateOptions {
        rows: 200_000,
        seed: 7,
        years: 2020..=2022,
        products: 2_000,
    };
    let mut bytes = Vec::new();
    generate(&options, &mut bytes).expect("generating");
    std::fs::write(&path, &bytes).expect("writing");
    c.bench_function("import 200k rows (parse + group, no cache)", |b| {
        b.iter(|| import(&path, &ImportOptions::default()).expect("import"))
    });
    let table = import(&path, &ImportOptions::default()).expect("import").table;
    c.bench_function("exporter HHI per (year, product), 200k rows", |b| {
        b.iter(|| product_concentration(&table, Side::Exporter, Basis::Value))
    });
}

criterion_group!(trade, benches);
criterion_main!(trade);
