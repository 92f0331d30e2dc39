//! Seeded synthetic inputs for benchmarks: portfolio problems of a given size and inflow
//! matrices for the stock model. Deterministic for a seed (xoshiro256++), independent of the
//! machine. They are generated data, never shown as results.

use critmin_model::CountryCode;
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use crate::portfolio::{Candidate, Cap, Floor, MarketSource, PortfolioProblem};

/// Supplier countries used by the generator (real codes, so the output reads naturally).
const COUNTRIES: [&str; 20] = [
    "AUS", "ARG", "BOL", "BRA", "CAN", "CHL", "CHN", "COD", "FIN", "IDN", "IND", "MEX", "MOZ", "NAM", "PER", "PHL",
    "PRT", "USA", "ZAF", "ZWE",
];
/// The synthetic partner group of the floor.
const PARTNERS: [&str; 8] = ["AUS", "ARG", "BRA", "CAN", "CHL", "FIN", "PRT", "USA"];

fn uniform(rng: &mut Xoshiro256PlusPlus, low: f64, high: f64) -> f64 {
    // 53 random bits → [0, 1).
    let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    low + unit * (high - low)
}

fn code(text: &str) -> CountryCode {
    text.parse().unwrap_or(CountryCode::REST_OF_WORLD)
}

/// A portfolio problem with `projects` candidates: 12 market countries, a 40 % cap on every
/// country, a 30 % partner floor, and a budget of a quarter of the candidates' total capex.
pub fn portfolio_problem(projects: usize, seed: u64) -> PortfolioProblem {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let requirement_t = 100_000.0;
    let risks: Vec<f64> = COUNTRIES.iter().map(|_| uniform(&mut rng, 0.005, 0.2)).collect();
    let weights: Vec<f64> = (0..12).map(|_| uniform(&mut rng, 0.1, 1.0)).collect();
    let total: f64 = weights.iter().sum();
    let market = weights
        .iter()
        .enumerate()
        .map(|(i, w)| MarketSource {
            country: code(COUNTRIES[i]),
            available_t: requirement_t * w / total,
            risk: risks[i],
        })
        .collect();
    let mut candidates = Vec::with_capacity(projects);
    let mut total_capex = 0.0;
    for j in 0..projects {
        let k = (rng.next_u64() % COUNTRIES.len() as u64) as usize;
        let capex = uniform(&mut rng, 5e7, 8e8);
        total_capex += capex;
        let offtake = rng.next_u64() % 2 == 0;
        candidates.push(Candidate {
            id: format!("S{j:04}"),
            country: code(COUNTRIES[k]),
            deliverable_t: uniform(&mut rng, 300.0, 8_000.0),
            capex_usd: Some(capex),
            offtake_premium_usd_per_t: offtake.then(|| uniform(&mut rng, 500.0, 6_000.0)),
            risk: risks[k],
        });
    }
    PortfolioProblem {
        buyer: format!("synthetic-{projects}"),
        requirement_t,
        market,
        candidates,
        budget_usd: total_capex / 4.0,
        caps: vec![Cap {
            country: None,
            max_share: 0.4,
        }],
        floors: vec![Floor {
            name: "partners".into(),
            countries: PARTNERS.iter().map(|c| code(c)).collect(),
            min_share: 0.3,
        }],
        value_of_shortfall_usd_per_t: 50_000.0,
        scenarios: None,
    }
}

/// An inflow matrix of `dims` dimensions × `years` years (dimension-major), each dimension a
/// noisy growth curve.
pub fn inflow_matrix(dims: usize, years: usize, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut values = Vec::with_capacity(dims * years);
    for _ in 0..dims {
        let level = uniform(&mut rng, 10.0, 1_000.0);
        let growth = uniform(&mut rng, 0.0, 0.04);
        for t in 0..years {
            let noise = uniform(&mut rng, 0.9, 1.1);
            values.push(level * (1.0 + growth).powi(t as i32) * noise);
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_are_deterministic_and_valid() {
        let a = portfolio_problem(30, 7);
        assert_eq!(a, portfolio_problem(30, 7));
        assert_ne!(a, portfolio_problem(30, 8));
        a.validate().unwrap();
        assert_eq!(a.candidates.len(), 30);
        let m = inflow_matrix(3, 5, 1);
        assert_eq!(m.len(), 15);
        assert!(m.iter().all(|v| *v > 0.0));
    }
}
