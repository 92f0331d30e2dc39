//! The imported bilateral table, kept as columns grouped by (year, product).
//!
//! Rows are stored sorted by (year, product) — stable, so file order is kept within a group —
//! with the year and product held once per group. A row is then 20 bytes (exporter and importer
//! codes, value, quantity) whatever the width of the CSV line. Grouping once at import makes every
//! per-(year, product) metric one sequential pass.

use std::ops::Range;

use crate::codes::CountryTable;

/// Which row columns to load (the group columns are always loaded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// Exporter codes.
    pub exporter: bool,
    /// Importer codes.
    pub importer: bool,
    /// Values.
    pub value: bool,
    /// Quantities.
    pub quantity: bool,
}

impl Columns {
    /// Every column.
    pub const ALL: Columns = Columns {
        exporter: true,
        importer: true,
        value: true,
        quantity: true,
    };
}

/// Which file format the rows came from (part of the cache key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeSource {
    /// CEPII BACI: reconciled flows, exporter `i`, importer `j`.
    Baci,
    /// UN Comtrade bulk CSV, keeping the flows reported as imports (`flowCode` M: the reporter
    /// is the importer) or as exports (X: the reporter is the exporter).
    Comtrade(ComtradeFlow),
}

/// Which reported flow of a Comtrade file to keep: importer- and exporter-reported figures
/// describe the same shipments twice, so one import keeps one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComtradeFlow {
    /// `flowCode` M: value as declared by the importer (CIF).
    Imports,
    /// `flowCode` X: value as declared by the exporter (FOB).
    Exports,
}

impl TradeSource {
    /// Short identifier (`baci`, `comtrade-imports`, `comtrade-exports`).
    pub fn id(self) -> &'static str {
        match self {
            TradeSource::Baci => "baci",
            TradeSource::Comtrade(ComtradeFlow::Imports) => "comtrade-imports",
            TradeSource::Comtrade(ComtradeFlow::Exports) => "comtrade-exports",
        }
    }
}

/// One (year, product) group of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductYear {
    /// Year `t`.
    pub year: u16,
    /// HS6 code `k` as a number (`10121` is `010121`; see [`hs6_text`]).
    pub product: u32,
}

/// The six-digit text of an HS6 code kept as a number (leading zeros restored).
pub fn hs6_text(product: u32) -> String {
    format!("{product:06}")
}

/// Rows as parsed, in file order, before grouping.
#[derive(Debug, Default, Clone)]
pub(crate) struct RawColumns {
    pub(crate) year: Vec<u16>,
    pub(crate) exporter: Vec<u16>,
    pub(crate) importer: Vec<u16>,
    pub(crate) product: Vec<u32>,
    pub(crate) value: Vec<f64>,
    pub(crate) quantity: Vec<f64>,
}

impl RawColumns {
    pub(crate) fn len(&self) -> usize {
        self.year.len()
    }

    pub(crate) fn clear(&mut self) {
        self.year.clear();
        self.exporter.clear();
        self.importer.clear();
        self.product.clear();
        self.value.clear();
        self.quantity.clear();
    }

    pub(crate) fn append(&mut self, other: &RawColumns) {
        self.year.extend_from_slice(&other.year);
        self.exporter.extend_from_slice(&other.exporter);
        self.importer.extend_from_slice(&other.importer);
        self.product.extend_from_slice(&other.product);
        self.value.extend_from_slice(&other.value);
        self.quantity.extend_from_slice(&other.quantity);
    }

    /// Groups the rows by (year, product); see [`group_chunks`].
    #[cfg(test)]
    pub(crate) fn into_table(self, source: TradeSource, countries: CountryTable) -> TradeTable {
        group_chunks(vec![self], source, countries)
    }
}

/// Largest HS6 code plus one (codes have six digits).
const PRODUCT_SPACE: usize = 1_000_000;

/// Groups rows parsed in chunks (in file order) by (year, product) into a [`TradeTable`].
///
/// The usual key space is small (tens of years × a few thousand codes), so this is a stable
/// counting sort: one pass marks the products present, one counts rows per (year, product) key,
/// one scatters the four kept columns straight from the chunks into place. When the key space
/// would be too large for a dense count (a century of years × every code), a stable comparison
/// sort gives the same order.
pub(crate) fn group_chunks(chunks: Vec<RawColumns>, source: TradeSource, countries: CountryTable) -> TradeTable {
    let n: usize = chunks.iter().map(RawColumns::len).sum();
    let mut present = vec![false; PRODUCT_SPACE];
    let (mut min_year, mut max_year) = (u16::MAX, 0u16);
    for c in &chunks {
        for &p in &c.product {
            present[p as usize] = true;
        }
        for &y in &c.year {
            min_year = min_year.min(y);
            max_year = max_year.max(y);
        }
    }
    let mut products: Vec<u32> = Vec::new();
    let mut rank = vec![0u32; PRODUCT_SPACE];
    for (p, &here) in present.iter().enumerate() {
        if here {
            rank[p] = products.len() as u32;
            products.push(p as u32);
        }
    }
    drop(present);
    let years = if n == 0 {
        0
    } else {
        usize::from(max_year - min_year) + 1
    };
    let key_space = years * products.len();
    let mut table = TradeTable {
        source,
        countries,
        groups: Vec::new(),
        starts: Vec::new(),
        exporter: Vec::new(),
        importer: Vec::new(),
        value: Vec::new(),
        quantity: Vec::new(),
    };
    if n == 0 {
        table.starts.push(0);
        return table;
    }
    let dense = key_space <= (n * 4).max(1 << 20) && key_space < (1 << 27);
    if !dense {
        let mut all = RawColumns::default();
        for c in &chunks {
            all.append(c);
        }
        drop(chunks);
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&r| (all.year[r as usize], all.product[r as usize]));
        let mut last: Option<ProductYear> = None;
        for (pos, &r) in order.iter().enumerate() {
            let g = ProductYear {
                year: all.year[r as usize],
                product: all.product[r as usize],
            };
            if last != Some(g) {
                table.groups.push(g);
                table.starts.push(pos as u64);
                last = Some(g);
            }
        }
        table.starts.push(n as u64);
        table.exporter = order.iter().map(|&r| all.exporter[r as usize]).collect();
        table.importer = order.iter().map(|&r| all.importer[r as usize]).collect();
        table.value = order.iter().map(|&r| all.value[r as usize]).collect();
        table.quantity = order.iter().map(|&r| all.quantity[r as usize]).collect();
        return table;
    }
    let width = products.len();
    let key = |y: u16, p: u32| usize::from(y - min_year) * width + rank[p as usize] as usize;
    let mut next = vec![0u64; key_space + 1];
    for c in &chunks {
        for (&y, &p) in c.year.iter().zip(&c.product) {
            next[key(y, p) + 1] += 1;
        }
    }
    for i in 1..next.len() {
        next[i] += next[i - 1];
    }
    for (k, window) in next.windows(2).enumerate() {
        if window[1] > window[0] {
            table.groups.push(ProductYear {
                year: min_year + (k / width) as u16,
                product: products[k % width],
            });
            table.starts.push(window[0]);
        }
    }
    table.starts.push(n as u64);
    table.exporter = vec![0; n];
    table.importer = vec![0; n];
    table.value = vec![0.0; n];
    table.quantity = vec![0.0; n];
    for c in chunks {
        for r in 0..c.len() {
            let slot = &mut next[key(c.year[r], c.product[r])];
            let pos = *slot as usize;
            *slot += 1;
            table.exporter[pos] = c.exporter[r];
            table.importer[pos] = c.importer[r];
            table.value[pos] = c.value[r];
            table.quantity[pos] = c.quantity[r];
        }
    }
    table
}

/// An imported bilateral trade table: rows grouped by (year, product), each with exporter,
/// importer, value (thousands of current USD) and quantity (metric tonnes, NaN when missing).
///
/// Invariants: groups are sorted by (year, product) and non-empty; `starts` has one more entry
/// than `groups`, starts at 0 and ends at the row count; every country code is in `countries`;
/// values are finite and ≥ 0; quantities are finite and ≥ 0 or NaN (missing).
#[derive(Debug, Clone)]
pub struct TradeTable {
    pub(crate) source: TradeSource,
    pub(crate) countries: CountryTable,
    pub(crate) groups: Vec<ProductYear>,
    pub(crate) starts: Vec<u64>,
    pub(crate) exporter: Vec<u16>,
    pub(crate) importer: Vec<u16>,
    pub(crate) value: Vec<f64>,
    pub(crate) quantity: Vec<f64>,
}

impl TradeTable {
    /// The file format the rows came from.
    pub fn source(&self) -> TradeSource {
        self.source
    }

    /// The country code table the rows were validated against.
    pub fn countries(&self) -> &CountryTable {
        &self.countries
    }

    /// The (year, product) groups, sorted.
    pub fn groups(&self) -> &[ProductYear] {
        &self.groups
    }

    /// Row range of group `g` (an index into [`TradeTable::groups`]).
    pub fn rows(&self, g: usize) -> Range<usize> {
        self.starts[g] as usize..self.starts[g + 1] as usize
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0) as usize
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Exporter code of every row.
    pub fn exporters(&self) -> &[u16] {
        &self.exporter
    }

    /// Importer code of every row.
    pub fn importers(&self) -> &[u16] {
        &self.importer
    }

    /// Value of every row, thousands of current USD.
    pub fn values(&self) -> &[f64] {
        &self.value
    }

    /// Quantity of every row, metric tonnes; NaN where the file had none.
    pub fn quantities(&self) -> &[f64] {
        &self.quantity
    }

    /// Number of rows without a quantity (0 when quantities were not loaded).
    pub fn rows_missing_quantity(&self) -> usize {
        self.quantity.iter().filter(|q| q.is_nan()).count()
    }

    /// Distinct years, ascending.
    pub fn years(&self) -> Vec<u16> {
        let mut years: Vec<u16> = self.groups.iter().map(|g| g.year).collect();
        years.dedup();
        years
    }

    /// Number of distinct products.
    pub fn product_count(&self) -> usize {
        let mut products: Vec<u32> = self.groups.iter().map(|g| g.product).collect();
        products.sort_unstable();
        products.dedup();
        products.len()
    }

    /// Resident size of the loaded columns, bytes.
    pub fn column_bytes(&self) -> usize {
        self.exporter.len() * 2
            + self.importer.len() * 2
            + self.value.len() * 8
            + self.quantity.len() * 8
            + self.groups.len() * 14
    }

    /// Drops the row columns not asked for (they read as empty slices afterwards).
    pub(crate) fn keep_columns(&mut self, columns: Columns) {
        for (keep, column) in [
            (columns.exporter, &mut self.exporter),
            (columns.importer, &mut self.importer),
        ] {
            if !keep {
                *column = Vec::new();
            }
        }
        for (keep, column) in [(columns.value, &mut self.value), (columns.quantity, &mut self.quantity)] {
            if !keep {
                *column = Vec::new();
            }
        }
    }

    /// Which row columns are loaded (an import may ask for fewer than all).
    pub fn loaded_columns(&self) -> Columns {
        let n = self.len();
        Columns {
            exporter: self.exporter.len() == n,
            importer: self.importer.len() == n,
            value: self.value.len() == n,
            quantity: self.quantity.len() == n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(rows: &[(u16, u16, u16, u32, f64)]) -> RawColumns {
        let mut r = RawColumns::default();
        for &(t, i, j, k, v) in rows {
            r.year.push(t);
            r.exporter.push(i);
            r.importer.push(j);
            r.product.push(k);
            r.value.push(v);
            r.quantity.push(f64::NAN);
        }
        r
    }

    #[test]
    fn grouping_is_stable_and_sorted() {
        let rows = [
            (2021, 4, 8, 260500, 1.0),
            (2020, 4, 8, 10121, 2.0),
            (2021, 8, 4, 260500, 3.0),
            (2020, 12, 4, 10121, 4.0),
            (2020, 8, 12, 260500, 5.0),
        ];
        let t = raw(&rows).into_table(TradeSource::Baci, CountryTable::embedded());
        assert_eq!(
            t.groups(),
            &[
                ProductYear {
                    year: 2020,
                    product: 10121
                },
                ProductYear {
                    year: 2020,
                    product: 260500
                },
                ProductYear {
                    year: 2021,
                    product: 260500
                },
            ]
        );
        assert_eq!(t.values(), &[2.0, 4.0, 5.0, 1.0, 3.0]);
        assert_eq!(t.rows(2), 3..5);
        assert_eq!(hs6_text(t.groups()[0].product), "010121");
        assert_eq!(t.years(), vec![2020, 2021]);
    }

    #[test]
    fn distant_years_and_codes_group_correctly() {
        // 100 years apart and distinct products: key space far larger than the rows.
        let rows = [
            (2000, 4, 8, 999999, 1.0),
            (1900, 4, 8, 100000, 2.0),
            (2000, 4, 8, 100000, 3.0),
        ];
        let t = raw(&rows).into_table(TradeSource::Baci, CountryTable::embedded());
        assert_eq!(t.values(), &[2.0, 3.0, 1.0]);
        assert_eq!(t.groups().len(), 3);
    }
}
