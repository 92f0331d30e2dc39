//! Per-element mass balance, in exact integers: the contained element (µg = grams × ppm) that
//! enters a transformation or a recycling against what leaves it. The ledger's state checks it
//! before accepting an entry, and an export bundle's verifier checks it again offline.

use std::collections::{BTreeMap, BTreeSet};

use super::Rejection;
use crate::entry::{Feed, FieldError, Grade, LotId, LotSpec, LotUse, PPM};
use crate::provenance::LotGraph;

/// Largest per-element imbalance a transformation may declare: 20 % (processing losses above
/// this are a different process and must be declared as separate outputs, e.g. tailings).
pub const MAX_TOLERANCE_PPM: u32 = 200_000;

/// Adds the element contained in `mass_g` grams at `grades` to `mass`, per element, in µg.
fn add_contained(mass: &mut BTreeMap<String, u128>, mass_g: u64, grades: &[Grade]) {
    for g in grades {
        *mass.entry(g.element.clone()).or_insert(0) += u128::from(mass_g) * u128::from(g.ppm);
    }
}

/// Contained mass per element of the quantities taken from lots (at the grades their lots
/// declared) and of outside feed. The error names an input lot that `graph` does not hold.
pub(crate) fn input_contained<'u>(
    graph: &LotGraph,
    uses: &'u [LotUse],
    feed: &[Feed],
) -> Result<BTreeMap<String, u128>, &'u LotId> {
    let mut mass = BTreeMap::new();
    for u in uses {
        let spec = graph.spec(&u.lot).ok_or(&u.lot)?;
        add_contained(&mut mass, u.mass_g, &spec.grades);
    }
    for f in feed {
        add_contained(&mut mass, f.mass_g, &f.grades);
    }
    Ok(mass)
}

/// Per element, |in − out| · 10^6 ≤ tolerance · in (exact integers).
pub(crate) fn check_balance(
    input: &BTreeMap<String, u128>,
    outputs: &[LotSpec],
    tolerance_ppm: u32,
) -> Result<(), Rejection> {
    if tolerance_ppm > MAX_TOLERANCE_PPM {
        return Err(Rejection::Field(FieldError::new(
            "tolerance_ppm",
            format!("{tolerance_ppm}: at most {MAX_TOLERANCE_PPM} ppm"),
        )));
    }
    let mut output: BTreeMap<String, u128> = BTreeMap::new();
    for o in outputs {
        add_contained(&mut output, o.mass_g, &o.grades);
    }
    let elements: BTreeSet<&String> = input.keys().chain(output.keys()).collect();
    for e in elements {
        let i = input.get(e).copied().unwrap_or(0);
        let o = output.get(e).copied().unwrap_or(0);
        let diff = i.abs_diff(o);
        if diff.saturating_mul(u128::from(PPM)) > i.saturating_mul(u128::from(tolerance_ppm)) {
            return Err(Rejection::MassBalance {
                element: e.clone(),
                input_ug: i,
                output_ug: o,
                tolerance_ppm,
            });
        }
    }
    Ok(())
}
