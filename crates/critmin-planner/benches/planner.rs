//! Criterion benches of the planner: the stock model on 101 years × 4,000 dimensions, and the
//! optimizer on generated portfolios of 30 and 100 projects (to a 1 % gap). The peer
//! comparison (flodym, highspy) is `bench/planner`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use critmin_planner::stock::{Convention, Lifetime, inflow_driven_batch};
use critmin_planner::synthetic::inflow_matrix;

fn stock(c: &mut Criterion) {
    let years = 101;
    let inflow = inflow_matrix(4_000, years, 1);
    let lifetime = Lifetime::Normal { mean: 12.0, sd: 4.0 };
    c.bench_function("stock model inflow-driven 101 years x 4000 dims", |b| {
        b.iter(|| inflow_driven_batch(black_box(&inflow), years, lifetime, Convention::Middle).unwrap())
    });
}

#[cfg(feature = "solver")]
fn optimizer(c: &mut Criterion) {
    let mut group = c.benchmark_group("portfolio MILP to 1% gap");
    group.sample_size(10);
    for n in [30, 100] {
        let problem = critmin_planner::synthetic::portfolio_problem(n, 42);
        let options = critmin_planner::optimize::SolveOptions {
            time_limit_s: Some(60.0),
            mip_rel_gap: 0.01,
        };
        group.bench_function(format!("{n} projects"), |b| {
            b.iter(|| critmin_planner::optimize::optimize(black_box(&problem), &options).unwrap())
        });
    }
    group.finish();
}

#[cfg(not(feature = "solver"))]
fn optimizer(_: &mut Criterion) {}

criterion_group!(benches, stock, optimizer);
criterion_main!(benches);
