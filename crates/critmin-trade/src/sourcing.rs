//! Where a country's imports of each mineral come from, year by year, and how concentrated world
//! trade in it is: both on [`TradeFlows`], one HS revision per (mineral, stage).

use std::collections::{BTreeMap, BTreeSet};

use critmin_model::{ChainStage, MineralId};

use crate::flows::{Selection, TradeFlag, TradeFlows, select};
use crate::hhi::{Basis, Side};
use crate::hs::{HsMap, HsRevision};

/// Which (mineral, stage, year) rows to build.
#[derive(Debug, Clone, Default)]
pub struct FlowFilter {
    /// Only this mineral.
    pub mineral: Option<MineralId>,
    /// Only this stage.
    pub stage: Option<ChainStage>,
    /// Only these years (inclusive); all when `None`.
    pub years: Option<(u16, u16)>,
}

impl FlowFilter {
    fn keeps(&self, mineral: &MineralId, stage: ChainStage) -> bool {
        self.mineral.as_ref().is_none_or(|m| m == mineral) && self.stage.is_none_or(|s| s == stage)
    }

    fn keeps_year(&self, year: u16) -> bool {
        self.years.is_none_or(|(from, to)| (from..=to).contains(&year))
    }
}

/// The change of a row from the year before (same mineral, stage and importer).
#[derive(Debug, Clone, PartialEq)]
pub struct YearChange {
    /// The year before.
    pub previous_year: u16,
    /// Relative change of contained tonnes (`None` when the year before had none).
    pub imports_tonnes: Option<f64>,
    /// Relative change of value.
    pub imports_value: Option<f64>,
    /// Change of the largest supplier's share, in share points (fraction).
    pub top_share: Option<f64>,
    /// Change of the partner share.
    pub partner_share: Option<f64>,
    /// Change of the FEOC share.
    pub feoc_share: Option<f64>,
    /// Change of the HHI.
    pub hhi: Option<f64>,
}

/// One importer's sourcing of one mineral at one stage in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourcing {
    /// Year.
    pub year: u16,
    /// Mineral.
    pub mineral: MineralId,
    /// Chain stage of the traded forms.
    pub stage: ChainStage,
    /// HS revision of the part read.
    pub revision: HsRevision,
    /// Codes with rows for the importer that year.
    pub hs_codes: Vec<u32>,
    /// Contained tonnes, `Σ q · factor` over the rows with a quantity.
    pub imports_tonnes: f64,
    /// Value in thousand USD, every row.
    pub imports_value_kusd: f64,
    /// Basis of the shares.
    pub basis: Basis,
    /// Suppliers (numeric codes) and their shares, largest first (ties by code).
    pub suppliers: Vec<(u16, f64)>,
    /// Share from the partner group.
    pub partner_share: Option<f64>,
    /// Share from FEOC-covered nations.
    pub feoc_share: Option<f64>,
    /// HHI of the supplier shares, 0–10,000.
    pub hhi: Option<f64>,
    /// Rows read.
    pub rows: u64,
    /// Rows without a quantity (out of tonnes, and of the shares on the quantity basis).
    pub rows_missing_quantity: u64,
    /// Their value, thousand USD.
    pub value_missing_quantity_kusd: f64,
    /// Known limits of the data used.
    pub flags: BTreeSet<TradeFlag>,
    /// Change from the year before, when there is a row for it.
    pub change: Option<YearChange>,
}

#[derive(Default)]
struct Acc {
    by_country: BTreeMap<u16, f64>,
    codes: BTreeSet<u32>,
    flags: BTreeSet<TradeFlag>,
    value: f64,
    tonnes: f64,
    rows: u64,
    missing: u64,
    missing_value: f64,
}

/// The amount of a row on the basis (`None` when it has no quantity on the quantity basis).
fn amount(basis: Basis, value: f64, quantity: f64, factor: f64) -> Option<f64> {
    match basis {
        Basis::Value => Some(value),
        Basis::Quantity if quantity.is_nan() => None,
        Basis::Quantity => Some(quantity * factor),
    }
}

/// Visits the rows of every selected (mineral, stage): `visit(mineral, stage, year, revision,
/// product, row)` with the row's table.
fn for_each_row(
    flows: &TradeFlows,
    selections: &BTreeMap<(MineralId, ChainStage), Selection>,
    filter: &FlowFilter,
    mut visit: impl FnMut(&(MineralId, ChainStage), &Selection, u16, u32, &crate::TradeTable, usize),
) {
    for (key, selection) in selections.iter().filter(|(k, _)| filter.keeps(&k.0, k.1)) {
        let table = &flows.parts[selection.part].table;
        for (g, group) in table.groups().iter().enumerate() {
            if !selection.products.contains_key(&group.product) {
                continue;
            }
            for r in table.rows(g) {
                visit(key, selection, group.year, group.product, table, r);
            }
        }
    }
}

/// Shares of `by_country` sorted largest first (ties by code), with the total.
fn shares(by_country: &BTreeMap<u16, f64>) -> (Vec<(u16, f64)>, f64) {
    let total: f64 = by_country.values().sum();
    if total <= 0.0 {
        return (Vec::new(), total);
    }
    let mut out: Vec<(u16, f64)> = by_country
        .iter()
        .filter(|(_, x)| **x > 0.0)
        .map(|(c, x)| (*c, x / total))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    (out, total)
}

fn hhi(shares: &[(u16, f64)]) -> Option<f64> {
    (!shares.is_empty()).then(|| (10_000.0 * shares.iter().map(|(_, s)| s * s).sum::<f64>()).min(10_000.0))
}

fn share_where(shares: &[(u16, f64)], f: &dyn Fn(u16) -> bool) -> Option<f64> {
    // A fold from +0.0: an empty `sum` of floats is -0.0, which prints as "-0.0%".
    (!shares.is_empty()).then(|| shares.iter().filter(|(c, _)| f(*c)).fold(0.0, |sum, (_, s)| sum + s))
}

/// An importer's sourcing per (mineral, stage, year) from real flows.
///
/// Formula: for each supplier `c`, `x_c = Σ v` (value basis) or `Σ q · factor` (quantity
/// basis, contained tonnes; rows without `q` left out and counted) over the importer's rows of
/// the codes selected for the (mineral, stage) (so cobalt's 282200 and 810510 are summed);
/// shares `s_c = x_c / Σ x`, `HHI = 10,000 · Σ s_c²`, partner share `Σ_{c ∈ partners} s_c`,
/// FEOC share likewise. `importer_codes` are the importer's numeric codes; its own re-imports
/// are not counted as a supplier. Rows of the year before the first kept year are read too, so
/// every kept row can carry its [`YearChange`].
pub fn country_sourcing(
    flows: &TradeFlows,
    map: &HsMap,
    importer_codes: &[u16],
    basis: Basis,
    filter: &FlowFilter,
    is_partner: &dyn Fn(u16) -> bool,
    is_feoc: &dyn Fn(u16) -> bool,
) -> Vec<Sourcing> {
    let selections = select(flows, map);
    let mut accs: BTreeMap<(MineralId, ChainStage, u16), (HsRevision, Acc)> = BTreeMap::new();
    let mut wider = filter.clone();
    wider.years = filter.years.map(|(from, to)| (from.saturating_sub(1), to));
    for_each_row(flows, &selections, &wider, |key, selection, year, product, table, r| {
        if !wider.keeps_year(year) || !importer_codes.contains(&table.importers()[r]) {
            return;
        }
        let exporter = table.exporters()[r];
        if importer_codes.contains(&exporter) {
            return;
        }
        let mapping = &selection.products[&product];
        let revision = flows.parts[selection.part].revision;
        let (_, acc) = accs
            .entry((key.0.clone(), key.1, year))
            .or_insert_with(|| (revision, Acc::default()));
        let (v, q) = (table.values()[r], table.quantities()[r]);
        acc.codes.insert(product);
        TradeFlag::of_code(mapping, year, Some(importer_codes), &mut acc.flags);
        acc.rows += 1;
        acc.value += v;
        if q.is_nan() {
            acc.missing += 1;
            acc.missing_value += v;
        } else {
            acc.tonnes += q * mapping.factor;
        }
        if let Some(x) = amount(basis, v, q, mapping.factor) {
            *acc.by_country.entry(exporter).or_insert(0.0) += x;
        }
    });
    let mut rows: Vec<Sourcing> = accs
        .into_iter()
        .map(|((mineral, stage, year), (revision, acc))| {
            let (suppliers, _) = shares(&acc.by_country);
            Sourcing {
                year,
                mineral,
                stage,
                revision,
                hs_codes: acc.codes.into_iter().collect(),
                imports_tonnes: acc.tonnes,
                imports_value_kusd: acc.value,
                basis,
                partner_share: share_where(&suppliers, is_partner),
                feoc_share: share_where(&suppliers, is_feoc),
                hhi: hhi(&suppliers),
                suppliers,
                rows: acc.rows,
                rows_missing_quantity: acc.missing,
                value_missing_quantity_kusd: acc.missing_value,
                flags: acc.flags,
                change: None,
            }
        })
        .collect();
    // Rows are sorted by (mineral, stage, year): the year before is the previous row, if any.
    let changes: Vec<Option<YearChange>> = (0..rows.len())
        .map(|i| {
            let now = &rows[i];
            let before = i
                .checked_sub(1)
                .map(|j| &rows[j])
                .filter(|b| b.mineral == now.mineral && b.stage == now.stage && b.year + 1 == now.year)?;
            Some(change(before, now))
        })
        .collect();
    for (row, change) in rows.iter_mut().zip(changes) {
        row.change = change;
    }
    rows.retain(|r| filter.keeps_year(r.year));
    rows
}

fn change(before: &Sourcing, now: &Sourcing) -> YearChange {
    let relative = |b: f64, n: f64| (b > 0.0).then(|| n / b - 1.0);
    let diff = |b: Option<f64>, n: Option<f64>| Some(n? - b?);
    let top = |s: &Sourcing| s.suppliers.first().map(|(_, x)| *x);
    YearChange {
        previous_year: before.year,
        imports_tonnes: relative(before.imports_tonnes, now.imports_tonnes),
        imports_value: relative(before.imports_value_kusd, now.imports_value_kusd),
        top_share: diff(top(before), top(now)),
        partner_share: diff(before.partner_share, now.partner_share),
        feoc_share: diff(before.feoc_share, now.feoc_share),
        hhi: diff(before.hhi, now.hhi),
    }
}

/// Concentration of world trade in one mineral at one stage in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct WorldConcentration {
    /// Year.
    pub year: u16,
    /// Mineral.
    pub mineral: MineralId,
    /// Chain stage.
    pub stage: ChainStage,
    /// HS revision of the part read.
    pub revision: HsRevision,
    /// Codes with rows that year.
    pub hs_codes: Vec<u32>,
    /// Exporters' or importers' shares.
    pub side: Side,
    /// Basis of the shares.
    pub basis: Basis,
    /// World trade on the basis: thousand USD, or contained tonnes.
    pub total: f64,
    /// Countries with a positive amount.
    pub n_countries: u32,
    /// HHI, 0–10,000.
    pub hhi: Option<f64>,
    /// The three largest countries and their shares, largest first.
    pub top3: Vec<(u16, f64)>,
    /// Their summed share.
    pub top3_share: Option<f64>,
    /// Share of FEOC-covered nations.
    pub feoc_share: Option<f64>,
    /// Rows read.
    pub rows: u64,
    /// Rows without a quantity (out of the shares on the quantity basis).
    pub rows_missing_quantity: u64,
    /// Known limits of the data used.
    pub flags: BTreeSet<TradeFlag>,
}

/// Concentration of world trade per (mineral, stage, year) on one side.
///
/// Formula: for each country `c` on the side, `x_c = Σ v` or `Σ q · factor` over every row of
/// the selected codes (a country's trade with itself, if any, included); `s_c = x_c / Σ x`;
/// `HHI = 10,000 · Σ s_c²`; top-3 share = the sum of the three largest `s_c`; FEOC share
/// `Σ_{c FEOC} s_c`. On the exporter side and value basis, one code and year, this is the
/// exporter HHI of [`crate::product_concentration`].
pub fn world_concentration(
    flows: &TradeFlows,
    map: &HsMap,
    side: Side,
    basis: Basis,
    filter: &FlowFilter,
    is_feoc: &dyn Fn(u16) -> bool,
) -> Vec<WorldConcentration> {
    let selections = select(flows, map);
    let mut accs: BTreeMap<(MineralId, ChainStage, u16), (HsRevision, Acc)> = BTreeMap::new();
    for_each_row(flows, &selections, filter, |key, selection, year, product, table, r| {
        if !filter.keeps_year(year) {
            return;
        }
        let mapping = &selection.products[&product];
        let revision = flows.parts[selection.part].revision;
        let (_, acc) = accs
            .entry((key.0.clone(), key.1, year))
            .or_insert_with(|| (revision, Acc::default()));
        let (v, q) = (table.values()[r], table.quantities()[r]);
        if acc.codes.insert(product) {
            // Every importer's imports are in a world total.
            TradeFlag::of_code(mapping, year, None, &mut acc.flags);
        }
        acc.rows += 1;
        if q.is_nan() {
            acc.missing += 1;
        }
        let country = match side {
            Side::Exporter => table.exporters()[r],
            Side::Importer => table.importers()[r],
        };
        if let Some(x) = amount(basis, v, q, mapping.factor) {
            *acc.by_country.entry(country).or_insert(0.0) += x;
        }
    });
    accs.into_iter()
        .map(|((mineral, stage, year), (revision, acc))| {
            let (all, total) = shares(&acc.by_country);
            let top3: Vec<(u16, f64)> = all.iter().take(3).copied().collect();
            WorldConcentration {
                year,
                mineral,
                stage,
                revision,
                hs_codes: acc.codes.into_iter().collect(),
                side,
                basis,
                total,
                n_countries: all.len() as u32,
                hhi: hhi(&all),
                top3_share: (!top3.is_empty()).then(|| top3.iter().map(|(_, s)| s).sum()),
                top3,
                feoc_share: share_where(&all, is_feoc),
                rows: acc.rows,
                rows_missing_quantity: acc.missing,
                flags: acc.flags,
            }
        })
        .collect()
}

/// The contained-tonne flows of one year, every (mineral, stage) read from the part and codes
/// [`country_sourcing`] reads it from (one HS revision per mineral and stage): the input of a
/// stage network built on real trade.
///
/// Formula: per (mineral, stage, exporter, importer), `contained_tonnes = Σ q · factor` and
/// `value_kusd = Σ v` over the rows of the selected codes; `lumped` when any code is lumped.
/// Rows without a quantity, with a partner lacking an ISO3 code, or from a country to itself
/// (re-imports) are left out and counted in the [`FlowExtraction`].
pub fn year_flows(flows: &TradeFlows, map: &HsMap, mineral: Option<&MineralId>, year: u16) -> crate::FlowExtraction {
    let selections = select(flows, map);
    let filter = FlowFilter {
        mineral: mineral.cloned(),
        stage: None,
        years: Some((year, year)),
    };
    type Key = (
        MineralId,
        ChainStage,
        critmin_model::CountryCode,
        critmin_model::CountryCode,
    );
    let mut by_key: BTreeMap<Key, (f64, f64, bool)> = BTreeMap::new();
    let (mut used, mut missing, mut no_iso) = (0u64, 0u64, 0u64);
    for_each_row(
        flows,
        &selections,
        &filter,
        |key, selection, row_year, product, table, r| {
            if row_year != year {
                return;
            }
            let q = table.quantities()[r];
            if q.is_nan() {
                missing += 1;
                return;
            }
            let countries = table.countries();
            let (Some(exporter), Some(importer)) = (
                countries.iso3(table.exporters()[r]),
                countries.iso3(table.importers()[r]),
            ) else {
                no_iso += 1;
                return;
            };
            if exporter == importer {
                return;
            }
            used += 1;
            let mapping = &selection.products[&product];
            let entry = by_key
                .entry((key.0.clone(), key.1, exporter, importer))
                .or_insert((0.0, 0.0, false));
            entry.0 += q * mapping.factor;
            entry.1 += table.values()[r];
            entry.2 |= mapping.lumped;
        },
    );
    crate::FlowExtraction {
        flows: by_key
            .into_iter()
            .map(
                |((mineral, stage, exporter, importer), (tonnes, value, lumped))| critmin_model::MineralFlow {
                    year,
                    exporter,
                    importer,
                    mineral,
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

/// The latest year with a row in any part.
pub fn latest_year(flows: &TradeFlows) -> Option<u16> {
    flows
        .parts
        .iter()
        .flat_map(|p| p.table.groups().iter().map(|g| g.year))
        .max()
}
