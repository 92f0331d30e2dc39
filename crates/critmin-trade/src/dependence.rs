//! From HS6 trade to minerals: an importer's dependence per (year, mineral, stage), and the
//! bilateral contained-tonne flows the stage network consumes ([`MineralFlow`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use critmin_model::{ChainStage, CountryCode, MineralFlow, MineralId};

use crate::hhi::Basis;
use crate::hs::{HsMap, HsMapping, HsRevision};
use crate::table::TradeTable;

/// One importer's sourcing of one mineral at one chain stage in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependence {
    /// Year.
    pub year: u16,
    /// Mineral.
    pub mineral: MineralId,
    /// Chain stage of the traded forms.
    pub stage: ChainStage,
    /// HS6 codes that contributed.
    pub hs_codes: Vec<u32>,
    /// `true` when one of those codes lumps several materials (tonnage is an upper bound).
    pub lumped: bool,
    /// Imported value, thousands of USD (all rows).
    pub value_kusd: f64,
    /// Imported contained tonnes (rows with a quantity).
    pub contained_tonnes: f64,
    /// Basis of the shares below.
    pub basis: Basis,
    /// Suppliers with a positive amount on the basis.
    pub n_suppliers: u32,
    /// Largest supplier (numeric code) and its share in [0, 1].
    pub top_supplier: Option<(u16, f64)>,
    /// Share of the partner group in [0, 1].
    pub partner_share: Option<f64>,
    /// Share of FEOC-covered nations in [0, 1].
    pub feoc_share: Option<f64>,
    /// HHI of the suppliers' shares, 0–10,000.
    pub hhi: Option<f64>,
    /// Rows used.
    pub rows: u64,
    /// Rows without a quantity (left out of tonnes, and out of the shares on the quantity
    /// basis).
    pub rows_missing_quantity: u64,
}

#[derive(Default)]
struct Acc {
    by_supplier: BTreeMap<u16, f64>,
    codes: BTreeSet<u32>,
    lumped: bool,
    value: f64,
    tonnes: f64,
    rows: u64,
    missing: u64,
}

fn mappings_by_product(table: &TradeTable, map: &HsMap, revision: HsRevision) -> HashMap<u32, Vec<HsMapping>> {
    let mut out: HashMap<u32, Vec<HsMapping>> = HashMap::new();
    for g in table.groups() {
        if let std::collections::hash_map::Entry::Vacant(slot) = out.entry(g.product) {
            slot.insert(map.lookup(g.product, revision).cloned().collect());
        }
    }
    out.retain(|_, rows| !rows.is_empty());
    out
}

/// An importer's dependence on its suppliers per (year, mineral, chain stage), after mapping HS6
/// codes through `map`.
///
/// Formula: for each supplier `c`, `x_c = Σ v` (value basis) or `Σ q · factor` (quantity
/// basis, contained tonnes) over the importer's rows of the mapped codes; shares
/// `s_c = x_c / Σ x`; top-supplier dependence `max s_c`; partner dependence
/// `Σ_{c ∈ partners} s_c`; `HHI = 10,000 · Σ s_c²`. `importer_codes` holds the numeric codes of
/// the importer (several when a country has a historical code too). Rows are visited in table
/// order, so results do not depend on threads.
pub fn importer_dependence(
    table: &TradeTable,
    map: &HsMap,
    revision: HsRevision,
    importer_codes: &[u16],
    basis: Basis,
    is_partner: &dyn Fn(u16) -> bool,
    is_feoc: &dyn Fn(u16) -> bool,
) -> Vec<Dependence> {
    let mappings = mappings_by_product(table, map, revision);
    let mut accs: BTreeMap<(u16, String, ChainStage), Acc> = BTreeMap::new();
    for (g, group) in table.groups().iter().enumerate() {
        let Some(rows) = mappings.get(&group.product) else {
            continue;
        };
        for r in table.rows(g) {
            if !importer_codes.contains(&table.importers()[r]) {
                continue;
            }
            let q = table.quantities()[r];
            let v = table.values()[r];
            for m in rows {
                let acc = accs.entry((group.year, m.mineral.0.clone(), m.stage)).or_default();
                acc.codes.insert(group.product);
                acc.lumped |= m.lumped;
                acc.rows += 1;
                acc.value += v;
                if q.is_nan() {
                    acc.missing += 1;
                } else {
                    acc.tonnes += q * m.factor;
                }
                let x = match basis {
                    Basis::Value => v,
                    Basis::Quantity if q.is_nan() => continue,
                    Basis::Quantity => q * m.factor,
                };
                *acc.by_supplier.entry(table.exporters()[r]).or_insert(0.0) += x;
            }
        }
    }
    accs.into_iter()
        .map(|((year, mineral, stage), acc)| {
            let total: f64 = acc.by_supplier.values().sum();
            let defined = total > 0.0;
            let share = |x: f64| x / total;
            let positive = acc.by_supplier.iter().filter(|(_, x)| **x > 0.0);
            let top = positive
                .clone()
                .fold(None, |best: Option<(u16, f64)>, (&c, &x)| match best {
                    Some((_, b)) if b >= x => best,
                    _ => Some((c, x)),
                });
            let sum_where =
                |f: &dyn Fn(u16) -> bool| positive.clone().filter(|(c, _)| f(**c)).map(|(_, x)| *x).sum::<f64>();
            Dependence {
                year,
                mineral: MineralId(mineral),
                stage,
                hs_codes: acc.codes.into_iter().collect(),
                lumped: acc.lumped,
                value_kusd: acc.value,
                contained_tonnes: acc.tonnes,
                basis,
                n_suppliers: positive.clone().count() as u32,
                top_supplier: top.filter(|_| defined).map(|(c, x)| (c, share(x))),
                partner_share: defined.then(|| share(sum_where(is_partner))),
                feoc_share: defined.then(|| share(sum_where(is_feoc))),
                hhi: defined.then(|| {
                    (10_000.0 * positive.clone().map(|(_, x)| share(*x) * share(*x)).sum::<f64>()).min(10_000.0)
                }),
                rows: acc.rows,
                rows_missing_quantity: acc.missing,
            }
        })
        .collect()
}

/// The mineral flows of a table and what could not become one.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowExtraction {
    /// Flows, sorted by (year, mineral, stage, exporter, importer).
    pub flows: Vec<MineralFlow>,
    /// Table rows that contributed (a row mapped to several minerals counts once).
    pub rows_used: u64,
    /// Mapped rows left out because they have no quantity (no contained tonnage can be stated).
    pub rows_missing_quantity: u64,
    /// Mapped rows left out because the exporter or importer has no ISO3 code (e.g. BACI 490
    /// "Other Asia, nes").
    pub rows_without_iso3: u64,
}

/// (year, mineral, stage, exporter, importer).
type FlowKey = (u16, String, ChainStage, CountryCode, CountryCode);

/// Turns a table into bilateral contained-tonne flows per (year, exporter, importer, mineral,
/// stage), summing the HS6 codes that map to the same mineral and stage.
///
/// Formula: `contained_tonnes = Σ q · factor`, `value_kusd = Σ v` over the rows of the mapped
/// codes; `lumped` is true when any contributing code is lumped. Rows without a quantity are
/// left out whole (value included) and counted, so value and tonnage describe the same rows.
pub fn mineral_flows(table: &TradeTable, map: &HsMap, revision: HsRevision) -> FlowExtraction {
    let mappings = mappings_by_product(table, map, revision);
    let countries = table.countries();
    let mut flows: BTreeMap<FlowKey, (f64, f64, bool)> = BTreeMap::new();
    let (mut used, mut missing, mut no_iso) = (0u64, 0u64, 0u64);
    for (g, group) in table.groups().iter().enumerate() {
        let Some(rows) = mappings.get(&group.product) else {
            continue;
        };
        for r in table.rows(g) {
            let q = table.quantities()[r];
            if q.is_nan() {
                missing += 1;
                continue;
            }
            let (Some(exporter), Some(importer)) = (
                countries.iso3(table.exporters()[r]),
                countries.iso3(table.importers()[r]),
            ) else {
                no_iso += 1;
                continue;
            };
            used += 1;
            for m in rows {
                let entry = flows
                    .entry((group.year, m.mineral.0.clone(), m.stage, exporter, importer))
                    .or_insert((0.0, 0.0, false));
                entry.0 += q * m.factor;
                entry.1 += table.values()[r];
                entry.2 |= m.lumped;
            }
        }
    }
    FlowExtraction {
        flows: flows
            .into_iter()
            .map(
                |((year, mineral, stage, exporter, importer), (tonnes, value, lumped))| MineralFlow {
                    year,
                    exporter,
                    importer,
                    mineral: MineralId(mineral),
                    stage,
                    contained_tonnes: tonnes,
                    value_kusd: value,
                    lumped,
                },
            )
            .collect(),
        rows_used: used,
        rows_missing_quantity: missing,
        rows_without_iso3: no_iso,
    }
}
