//! Criterion benches: one propagation (the hot loop) and a Monte Carlo batch, on the pooled
//! cobalt network of the embedded data and on a synthetic 200-country trade network.
#![allow(missing_docs)]

use std::collections::BTreeSet;

use criterion::{Criterion, criterion_group, criterion_main};
use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId};
use critmin_network::{Draws, MonteCarlo, Network, PooledOptions, RiskParams, pooled_market};

/// A deterministic 200-country, two-stage trade network (60 miners, 40 refiners, 200 consumers).
fn synthetic() -> Network {
    let code = |i: usize| -> CountryCode {
        let b = [
            b'A' + (i / 26 / 26 % 26) as u8,
            b'A' + (i / 26 % 26) as u8,
            b'A' + (i % 26) as u8,
        ];
        CountryCode::from_bytes(b).unwrap()
    };
    let mut flows = Vec::new();
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let flow = |e: usize, i: usize, stage, t| MineralFlow {
        year: 2024,
        exporter: code(e),
        importer: code(i),
        mineral: MineralId("cobalt".into()),
        stage,
        contained_tonnes: t,
        value_kusd: 0.0,
        lumped: false,
    };
    for m in 0..60 {
        for r in 100..140 {
            if m != r {
                flows.push(flow(m, r, ChainStage::Mining, 1.0 + 1000.0 * next().powi(3)));
            }
        }
    }
    for r in 100..140 {
        for c in 0..200 {
            if c != r {
                flows.push(flow(r, c, ChainStage::Processing, 1.0 + 100.0 * next().powi(3)));
            }
        }
    }
    Network::from_flows(&flows, &MineralId("cobalt".into()), 2024).unwrap()
}

fn bench(c: &mut Criterion) {
    let ds = critmin_data::load_embedded().unwrap();
    let cobalt = pooled_market(&ds, &MineralId("cobalt".into()), &PooledOptions::default()).unwrap();
    let networks = [("cobalt-pooled", cobalt), ("synthetic-200", synthetic())];
    for (name, net) in &networks {
        let params = RiskParams {
            scenarios: 2048,
            seed: 1,
            stockpile_days: 20.0,
            ..RiskParams::default()
        };
        let mc = MonteCarlo::new(net, params, &|_| Some(5.0), &BTreeSet::new()).unwrap();
        let mut ws = mc.workspace();
        let mut draws = Draws::default();
        let mut i = 0u64;
        c.bench_function(
            &format!("propagate one scenario ({name}, {} edges)", net.edges.len()),
            |b| {
                b.iter(|| {
                    i += 1;
                    mc.run_one(i, &mut draws, &mut ws)
                })
            },
        );
        c.bench_function(&format!("monte carlo 2048 scenarios ({name})"), |b| {
            b.iter(|| mc.run(&|_| {}))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
