//! The imported bilateral table, kept as columns grouped by (year, product).
//!
//! Rows are stored sorted by (year, product) — stable, so file order is kept within a group —
//! with the year and product held once per group. A row is then 20 bytes (exporter and importer
//! codes, value, quantity) whatever the width of the CSV line. Grouping once at import makes every
//! per-(year, product) metric one sequential pass.

use std::ops::Range;

use crate::codes::CountryTable;

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

    /// Groups the rows by (year, product) with a stable counting sort over a dense key when the
    /// key space is small (the usual case: tens of years × a few thousand codes), and a stable
    /// comparison sort otherwise.
    pub(crate) fn into_table(self, source: TradeSource, countries: CountryTable) -> TradeTable {
        let n = self.len();
        let mut products: Vec<u32> = self.product.clone();
        products.sort_unstable();
        products.dedup();
        let (min_year, max_year) = match (self.year.iter().min(), self.year.iter().max()) {
            (Some(a), Some(b)) => (*a, *b),
            _ => (0, 0),
        };
        let years = usize::from(max_year - min_year) + 1;
        let key_space = years * products.len().max(1);
        // Dense product index, by binary search over the sorted codes (cheap: a few thousand).
        let product_index = |p: u32| products.binary_search(&p).unwrap_or(0);
        let mut order: Vec<u32> = Vec::new();
        let mut out_groups: Vec<ProductYear> = Vec::new();
        let mut starts: Vec<u64> = Vec::new();
        if n > 0 && key_space <= (n * 4).max(1 << 16) && key_space < (1 << 28) {
            let keys: Vec<u32> = (0..n)
                .map(|r| ((usize::from(self.year[r] - min_year)) * products.len() + product_index(self.product[r])) as u32)
                .collect();
            let mut counts = vec![0u64; key_space + 1];
            for &k in &keys {
                counts[k as usize + 1] += 1;
            }
            for i in 1..counts.len() {
                counts[i] += counts[i - 1];
            }
            for (key, window) in counts.windows(2).enumerate() {
                if window[1] > window[0] {
                    out_groups.push(ProductYear {
                        year: min_year + (key / products.len()) as u16,
                        product: products[key % products.len()],
                    });
                    starts.push(window[0]);
                }
            }
            starts.push(n as u64);
            order = vec![0u32; n];
            let mut next = counts;
            for (r, &k) in keys.iter().enumerate() {
                let slot = &mut next[k as usize];
                order[*slot as usize] = r as u32;
                *slot += 1;
            }
        } else if n > 0 {
            order = (0..n as u32).collect();
            order.sort_by_key(|&r| (self.year[r as usize], self.product[r as usize]));
            let mut last: Option<ProductYear> = None;
            for (pos, &r) in order.iter().enumerate() {
                let g = ProductYear {
                    year: self.year[r as usize],
                    product: self.product[r as usize],
                };
                if last != Some(g) {
                    out_groups.push(g);
                    starts.push(pos as u64);
                    last = Some(g);
                }
            }
            starts.push(n as u64);
        } else {
            starts.push(0);
        }
        let gather_u16 = |col: &[u16]| order.iter().map(|&r| col[r as usize]).collect::<Vec<u16>>();
        let gather_f64 = |col: &[f64]| order.iter().map(|&r| col[r as usize]).collect::<Vec<f64>>();
        TradeTable {
            source,
            countries,
            groups: out_groups,
            starts,
            exporter: gather_u16(&self.exporter),
            importer: gather_u16(&self.importer),
            value: gather_f64(&self.value),
            quantity: gather_f64(&self.quantity),
        }
    }
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
        self.value.len()
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
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

    /// Number of rows without a quantity.
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

    /// Resident size of the kept columns, bytes.
    pub fn column_bytes(&self) -> usize {
        self.len() * 20 + self.groups.len() * 14
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
                ProductYear { year: 2020, product: 10121 },
                ProductYear { year: 2020, product: 260500 },
                ProductYear { year: 2021, product: 260500 },
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
        let rows = [(2000, 4, 8, 999999, 1.0), (1900, 4, 8, 100000, 2.0), (2000, 4, 8, 100000, 3.0)];
        let t = raw(&rows).into_table(TradeSource::Baci, CountryTable::embedded());
        assert_eq!(t.values(), &[2.0, 3.0, 1.0]);
        assert_eq!(t.groups().len(), 3);
    }
}
