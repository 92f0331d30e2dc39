//! Concentration of each (year, product) market: exporter or importer HHI.

use rayon::prelude::*;

use crate::codes::MAX_COUNTRY_CODE;
use crate::table::Columns;
use crate::table::{ProductYear, TradeTable};

/// Whose shares: the exporters' (supply concentration) or the importers' (demand
/// concentration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Shares of exporters `i`.
    Exporter,
    /// Shares of importers `j`.
    Importer,
}

/// What the shares are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// Traded value `v`.
    Value,
    /// Traded quantity `q`; rows without a quantity are left out and counted.
    Quantity,
}

/// The concentration of one (year, product) market.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductConcentration {
    /// Year and HS6 product.
    pub group: ProductYear,
    /// HHI on 0–10,000; `None` when the total is zero (no share defined).
    pub hhi: Option<f64>,
    /// Countries with a positive total on this side.
    pub n_countries: u32,
    /// The largest country (numeric code) and its share in [0, 1].
    pub top: Option<(u16, f64)>,
    /// Sum over the rows used (thousands of USD, or tonnes).
    pub total: f64,
    /// Rows used.
    pub rows: u64,
    /// Rows left out for lack of a quantity (always 0 on the value basis).
    pub rows_missing_quantity: u64,
}

/// The row columns [`product_concentration`] reads for a side and a basis.
pub fn needed_columns(side: Side, basis: Basis) -> Columns {
    Columns {
        exporter: side == Side::Exporter,
        importer: side == Side::Importer,
        value: basis == Basis::Value,
        quantity: basis == Basis::Quantity,
    }
}

/// Scratch space reused across groups: one accumulator per possible country code plus the
/// list of codes touched, so a group costs its own rows, not the code space.
pub(crate) struct Scratch {
    sums: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<u16>,
}

impl Scratch {
    pub(crate) fn new() -> Scratch {
        Scratch {
            sums: vec![0.0; usize::from(MAX_COUNTRY_CODE) + 1],
            seen: vec![false; usize::from(MAX_COUNTRY_CODE) + 1],
            touched: Vec::with_capacity(256),
        }
    }
}

/// HHI of every (year, product) group, in group order.
///
/// Formula: with `x_c = Σ v` (or `Σ q`) over the group's rows of country `c` on the chosen
/// side and `X = Σ_c x_c`, `s_c = x_c / X` and `HHI = 10,000 · Σ_c s_c²` (0–10,000 scale;
/// Herfindahl 1950, Hirschman 1945; US DOJ/FTC Merger Guidelines 2023 for the scale). A country
/// with `x_c = 0` is not counted in `n_countries`. Groups are computed in parallel, each
/// sequentially in row order, so the result does not depend on the number of threads.
///
/// # Panics
///
/// When the table was imported without the columns this needs (see [`needed_columns`]).
pub fn product_concentration(table: &TradeTable, side: Side, basis: Basis) -> Vec<ProductConcentration> {
    let needed = needed_columns(side, basis);
    let loaded = table.loaded_columns();
    assert!(
        (!needed.exporter || loaded.exporter)
            && (!needed.importer || loaded.importer)
            && (!needed.value || loaded.value)
            && (!needed.quantity || loaded.quantity),
        "product_concentration needs the columns {needed:?}; the table has {loaded:?}"
    );
    let codes = match side {
        Side::Exporter => table.exporters(),
        Side::Importer => table.importers(),
    };
    let amounts = match basis {
        Basis::Value => table.values(),
        Basis::Quantity => table.quantities(),
    };
    (0..table.groups().len())
        .into_par_iter()
        .with_min_len(64)
        .map_init(Scratch::new, |scratch, g| {
            let rows = table.rows(g);
            group_concentration(scratch, table.groups()[g], &codes[rows.clone()], &amounts[rows])
        })
        .collect()
}

/// The concentration of one group from its rows' country codes and amounts (value, or
/// quantity with NaN for missing). The formula is [`product_concentration`]'s.
pub(crate) fn group_concentration(
    scratch: &mut Scratch,
    group: ProductYear,
    codes: &[u16],
    amounts: &[f64],
) -> ProductConcentration {
    let mut missing = 0u64;
    let mut used = 0u64;
    for (&c, &x) in codes.iter().zip(amounts) {
        if x.is_nan() {
            missing += 1;
            continue;
        }
        used += 1;
        if !std::mem::replace(&mut scratch.seen[usize::from(c)], true) {
            scratch.touched.push(c);
        }
        scratch.sums[usize::from(c)] += x;
    }
    let total: f64 = scratch.touched.iter().map(|&c| scratch.sums[usize::from(c)]).sum();
    let mut sum_sq = 0.0;
    let mut n = 0u32;
    let mut top: Option<(u16, f64)> = None;
    for &c in &scratch.touched {
        let x = scratch.sums[usize::from(c)];
        scratch.sums[usize::from(c)] = 0.0;
        scratch.seen[usize::from(c)] = false;
        if x > 0.0 {
            n += 1;
            sum_sq += x * x;
            if top.is_none_or(|(_, best)| x > best) {
                top = Some((c, x));
            }
        }
    }
    scratch.touched.clear();
    let defined = total > 0.0;
    ProductConcentration {
        group,
        hhi: defined.then(|| (10_000.0 * sum_sq / (total * total)).min(10_000.0)),
        n_countries: n,
        top: top.filter(|_| defined).map(|(c, x)| (c, x / total)),
        total,
        rows: used,
        rows_missing_quantity: missing,
    }
}
