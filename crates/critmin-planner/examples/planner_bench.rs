//! Driver for `bench/planner`: times critmin on the same inputs the Python peers get.
//!
//! * `planner_bench stock DIR` writes `DIR/inflow.f64` (101 years × 4,000 dimensions,
//!   dimension-major, little-endian f64), runs the inflow-driven stock model (normal lifetime,
//!   mean 12, sd 4, inflow in the middle of the year) and writes `DIR/stock.f64` and
//!   `DIR/outflow.f64`; prints the best wall time of 20 runs in seconds.
//! * `planner_bench portfolio N DIR` writes the generated N-project portfolio as
//!   `DIR/portfolio_N.mps`, solves it to a 1 % gap and prints `seconds objective gap`.
#![allow(missing_docs)]

use std::path::Path;
use std::time::Instant;

use critmin_planner::stock::{Convention, Lifetime, inflow_driven_batch};
use critmin_planner::synthetic::inflow_matrix;

fn write_f64(path: &Path, values: &[f64]) -> std::io::Result<()> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("stock") => {
            let dir = Path::new(args.get(2).ok_or("usage: planner_bench stock DIR")?);
            let years = 101;
            let inflow = inflow_matrix(4_000, years, 1);
            write_f64(&dir.join("inflow.f64"), &inflow)?;
            let lifetime = Lifetime::Normal { mean: 12.0, sd: 4.0 };
            let mut best = f64::INFINITY;
            let mut result = None;
            for _ in 0..20 {
                let started = Instant::now();
                let r = inflow_driven_batch(&inflow, years, lifetime, Convention::Middle)?;
                best = best.min(started.elapsed().as_secs_f64());
                result = Some(r);
            }
            let (stock, outflow) = result.ok_or("no run")?;
            write_f64(&dir.join("stock.f64"), &stock)?;
            write_f64(&dir.join("outflow.f64"), &outflow)?;
            println!("{best:.6}");
        }
        #[cfg(feature = "solver")]
        Some("portfolio") => {
            use critmin_planner::mps::to_mps;
            use critmin_planner::optimize::{SolveOptions, optimize};
            use critmin_planner::portfolio::build_model;
            use critmin_planner::synthetic::portfolio_problem;
            let n: usize = args.get(2).ok_or("usage: planner_bench portfolio N DIR")?.parse()?;
            let dir = Path::new(args.get(3).ok_or("usage: planner_bench portfolio N DIR")?);
            let problem = portfolio_problem(n, 42);
            std::fs::write(dir.join(format!("portfolio_{n}.mps")), to_mps(&build_model(&problem)))?;
            let options = SolveOptions {
                time_limit_s: Some(300.0),
                mip_rel_gap: 0.01,
            };
            let solution = optimize(&problem, &options)?;
            println!(
                "{:.6} {:.6} {:.6}",
                solution.solve_seconds, solution.objective_usd, solution.mip_gap
            );
        }
        _ => return Err("usage: planner_bench stock DIR | planner_bench portfolio N DIR".into()),
    }
    Ok(())
}
