//! Properties of provenance over random transformation graphs: every composition sums to
//! exactly 1, and agrees with a plain floating-point recomputation of the proportional rule.

mod common;

use std::collections::HashMap;

use common::*;
use critmin_ledger::entry::{CustodyModel, Payload};
use critmin_ledger::provenance::{provenance, to_f64};
use critmin_ledger::store::MemoryStore;
use critmin_ledger::{Ledger, LotId};
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

const COUNTRIES: [&str; 5] = ["AUS", "COD", "IDN", "CHL", "ARG"];

#[derive(Debug, Clone)]
struct Plan {
    mines: Vec<(usize, u64, u32)>,
    steps: Vec<Vec<(usize, u8)>>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        prop::collection::vec((0..COUNTRIES.len(), 100_000u64..2_000_000, 10_000u32..300_000), 1..6),
        prop::collection::vec(prop::collection::vec((any::<usize>(), 1u8..=100), 1..4), 0..8),
    )
        .prop_map(|(mines, steps)| Plan { mines, steps })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn compositions_sum_to_one_and_match_a_float_recomputation(plan in plan()) {
        let mut ledger = Ledger::open(MemoryStore::default()).unwrap();
        let mut chain = setup(&mut ledger);
        // Reference: lot -> (country -> share), contained grams, remaining grams.
        let mut reference: HashMap<String, HashMap<&str, f64>> = HashMap::new();
        let mut lots: Vec<(String, u64, u32)> = Vec::new(); // id, remaining g, ppm
        for (i, (c, mass, ppm)) in plan.mines.iter().enumerate() {
            let id = format!("ore-{i}");
            let e = chain.mine_au.sign(Payload::Extract { lot: lot(&id, "ore", *mass, *ppm, COUNTRIES[*c]), site: "pit".into() }, TS);
            accept(&mut ledger, e);
            reference.insert(id.clone(), HashMap::from([(COUNTRIES[*c], 1.0)]));
            lots.push((id, *mass, *ppm));
        }
        for (s, picks) in plan.steps.iter().enumerate() {
            let mut inputs = Vec::new();
            let mut used = Vec::new();
            for (pick, percent) in picks {
                let k = pick % lots.len();
                if used.contains(&k) || lots[k].1 < 100 { continue; }
                used.push(k);
                let take = (lots[k].1 * u64::from(*percent) / 100).max(1);
                inputs.push((k, take));
            }
            if inputs.is_empty() { continue; }
            let contained: u128 = inputs.iter().map(|(k, g)| u128::from(*g) * u128::from(lots[*k].2)).sum();
            // A pure-cobalt output holding the input's contained cobalt, to the gram.
            // At least 100 g contained, so dropping the fraction of a gram stays within 1 %.
            let out_g = (contained / 1_000_000) as u64;
            if out_g < 100 { continue; }
            let id = format!("mix-{s}");
            let e = chain.mine_au.sign(Payload::Transform {
                inputs: inputs.iter().map(|(k, g)| uses(&lots[*k].0, *g)).collect(),
                outputs: vec![lot(&id, "metal", out_g, 1_000_000, "AUS")],
                tolerance_ppm: 10_000,
                model: CustodyModel::MassBalance,
                credits: vec![],
            }, TS);
            accept(&mut ledger, e);
            let mut mix: HashMap<&str, f64> = HashMap::new();
            for (k, g) in &inputs {
                let w = (*g as f64 * f64::from(lots[*k].2)) / contained as f64;
                for (c, share) in &reference[&lots[*k].0] {
                    *mix.entry(c).or_default() += w * share;
                }
                lots[*k].1 -= g;
            }
            reference.insert(id.clone(), mix);
            lots.push((id, out_g, 1_000_000));
        }
        let graph = ledger.state().graph();
        for (id, want) in &reference {
            let p = provenance(graph, &LotId(id.clone())).unwrap();
            let total = p[0].composition.values().fold(BigRational::from_integer(BigInt::from(0)), |a, s| a + s);
            prop_assert_eq!(total, BigRational::from_integer(BigInt::from(1)));
            for (c, share) in p[0].by_country() {
                let expected = want.get(c.as_str()).copied().unwrap_or(0.0);
                prop_assert!((to_f64(&share) - expected).abs() < 1e-9, "{}: {} {} vs {}", id, c, to_f64(&share), expected);
            }
        }
    }
}
