//! Synthetic BACI-format trade data for tests and benchmarks (no real BACI file can be
//! downloaded here).
//!
//! Shape: every non-historical country of the shipped BACI code table exports and imports;
//! exporter, importer and product popularity follow Zipf laws over seeded permutations
//! (exponents 1.2, 1.0 and 0.7), so a few countries carry most rows and value; values are
//! log-normal (σ = 2) scaled by the exporter's size; quantities are value over a per-product
//! log-normal price, with 2 % left as `NA` as in real BACI; products are the mapped mineral
//! codes plus random six-digit codes across chapters 01–97 (leading zeros included). Rows are
//! sorted by (t, i, j, k) and unique, as BACI's are.
//!
//! Determinism: each (year, exporter) block draws from its own xoshiro256++ stream seeded from
//! (seed, year, exporter), so the bytes depend on the seed and options only — not on the number
//! of threads.

use std::collections::BTreeSet;
use std::io::Write;
use std::ops::RangeInclusive;
use std::path::Path;

use rand_core::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;

use crate::codes::CountryTable;
use crate::hs::HsMap;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// Number of data rows.
    pub rows: u64,
    /// Seed of every random draw.
    pub seed: u64,
    /// Years covered (rows are split evenly across them).
    pub years: RangeInclusive<u16>,
    /// Number of distinct HS6 products (the mapped mineral codes included).
    pub products: usize,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            rows: 100_000,
            seed: 1,
            years: 2015..=2024,
            products: 5_000,
        }
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// More rows than distinct (t, i, j, k) combinations the options allow.
    #[error(
        "{rows} rows do not fit: at most {capacity} distinct rows for these years and {products} products; raise --products or the year range"
    )]
    TooManyRows {
        /// Requested.
        rows: u64,
        /// Maximum.
        capacity: u64,
        /// Products asked for.
        products: usize,
    },
    /// Fewer products than the mapped mineral codes, or an empty year range.
    #[error("invalid options: {0}")]
    Invalid(String),
    /// Writing failed.
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

/// The largest share of an exporter's (importer, product) pairs it trades in one year.
const MAX_FILL: f64 = 0.5;
const MISSING_QUANTITY: f64 = 0.02;

struct Plan {
    countries: Vec<u16>,
    products: Vec<u32>,
    exporter_weight: Vec<f64>,
    importer_cdf: Vec<f64>,
    product_cdf: Vec<f64>,
    product_price: Vec<f64>,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    // Box–Muller; 1 − u keeps the logarithm finite.
    let u = 1.0 - uniform(rng);
    let w = uniform(rng);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * w).cos()
}

fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    ((uniform(rng) * n as f64) as usize).min(n - 1)
}

fn shuffled(rng: &mut Xoshiro256PlusPlus, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        v.swap(i, below(rng, i + 1));
    }
    v
}

/// Zipf weights `1 / (rank + 1)^s` over a random permutation.
fn zipf(rng: &mut Xoshiro256PlusPlus, n: usize, s: f64) -> Vec<f64> {
    let rank = shuffled(rng, n);
    (0..n).map(|i| 1.0 / ((rank[i] + 1) as f64).powf(s)).collect()
}

fn cdf(weights: &[f64]) -> Vec<f64> {
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect()
}

fn pick(cdf: &[f64], u: f64) -> usize {
    cdf.partition_point(|&c| c < u).min(cdf.len() - 1)
}

fn plan(options: &GenerateOptions) -> Result<Plan, GenerateError> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(splitmix(options.seed));
    let table = CountryTable::embedded();
    let countries: Vec<u16> = table
        .countries()
        .iter()
        .filter(|c| !c.historical)
        .map(|c| c.code)
        .collect();
    let mut products: BTreeSet<u32> = HsMap::embedded().rows().iter().map(|r| r.hs6).collect();
    if options.products < products.len() {
        return Err(GenerateError::Invalid(format!(
            "--products must be at least {} (the mapped mineral codes)",
            products.len()
        )));
    }
    if options.products > 900_000 {
        return Err(GenerateError::Invalid("--products must be at most 900000".into()));
    }
    while products.len() < options.products {
        let chapter = 1 + below(&mut rng, 97) as u32;
        // Low headings and subheadings are more common, as in the nomenclature.
        let heading = 1 + (uniform(&mut rng).powi(2) * 90.0) as u32;
        let sub = 10 + below(&mut rng, 90) as u32;
        products.insert(chapter * 10_000 + heading * 100 + sub);
    }
    let products: Vec<u32> = products.into_iter().collect();
    let exporter_weight = zipf(&mut rng, countries.len(), 1.2);
    let importer_cdf = cdf(&zipf(&mut rng, countries.len(), 1.0));
    let product_cdf = cdf(&zipf(&mut rng, products.len(), 0.7));
    let product_price = (0..products.len()).map(|_| (1.5 * normal(&mut rng)).exp()).collect();
    Ok(Plan {
        countries,
        products,
        exporter_weight,
        importer_cdf,
        product_cdf,
        product_price,
    })
}

/// Splits `total` over `weights` by largest remainder, with each share at most `cap`.
fn apportion(total: u64, weights: &[f64], cap: u64) -> Vec<u64> {
    let mut out = vec![0u64; weights.len()];
    let mut open: Vec<usize> = (0..weights.len()).collect();
    let mut left = total;
    while left > 0 && !open.is_empty() {
        let w: f64 = open.iter().map(|&i| weights[i]).sum();
        let quotas: Vec<f64> = open.iter().map(|&i| left as f64 * weights[i] / w).collect();
        let mut given = 0u64;
        let mut rest: Vec<(f64, usize)> = Vec::new();
        for (n, &i) in open.iter().enumerate() {
            let q = quotas[n].floor() as u64;
            let q = q.min(cap - out[i]);
            out[i] += q;
            given += q;
            rest.push((quotas[n] - quotas[n].floor(), i));
        }
        let mut remaining = left - given;
        rest.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in &rest {
            if remaining == 0 {
                break;
            }
            if out[i] < cap {
                out[i] += 1;
                remaining -= 1;
            }
        }
        left = remaining;
        open.retain(|&i| out[i] < cap);
    }
    out
}

fn push_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Writes `x` with three decimals (`x` ≥ 0.001 after rounding).
fn push_milli(out: &mut Vec<u8>, x: f64) {
    let milli = ((x * 1000.0).round() as u64).max(1);
    push_uint(out, milli / 1000);
    out.push(b'.');
    let frac = milli % 1000;
    out.extend_from_slice(&[
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ]);
}

fn block(plan: &Plan, seed: u64, year: u16, exporter: usize, rows: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows as usize * 40);
    if rows == 0 {
        return out;
    }
    let mut rng =
        Xoshiro256PlusPlus::seed_from_u64(splitmix(seed ^ splitmix((u64::from(year) << 32) | exporter as u64)));
    let n_countries = plan.countries.len();
    let n_products = plan.products.len();
    let draw = |rng: &mut Xoshiro256PlusPlus| -> u64 {
        let importer = loop {
            let i = if uniform(rng) < 0.5 {
                pick(&plan.importer_cdf, uniform(rng))
            } else {
                below(rng, n_countries)
            };
            if i != exporter {
                break i;
            }
        };
        let product = if uniform(rng) < 0.5 {
            pick(&plan.product_cdf, uniform(rng))
        } else {
            below(rng, n_products)
        };
        (importer * n_products + product) as u64
    };
    let mut keys: Vec<u64> = (0..rows).map(|_| draw(&mut rng)).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut rounds = 0;
    while (keys.len() as u64) < rows && rounds < 64 {
        let missing = rows - keys.len() as u64;
        keys.extend((0..missing).map(|_| draw(&mut rng)));
        keys.sort_unstable();
        keys.dedup();
        rounds += 1;
    }
    if (keys.len() as u64) < rows {
        // Rare: fill deterministically with the first unused pairs.
        let have: BTreeSet<u64> = keys.iter().copied().collect();
        let extra: Vec<u64> = (0..(n_countries * n_products) as u64)
            .filter(|k| (*k as usize / n_products) != exporter && !have.contains(k))
            .take((rows - keys.len() as u64) as usize)
            .collect();
        keys.extend(extra);
        keys.sort_unstable();
    }
    let size = (1.0 + 200.0 * plan.exporter_weight[exporter]).ln() + 1.0;
    for key in keys {
        let importer = key as usize / n_products;
        let product = key as usize % n_products;
        let value = (0.5 + 2.0 * normal(&mut rng)).exp() * size;
        push_uint(&mut out, u64::from(year));
        out.push(b',');
        push_uint(&mut out, u64::from(plan.countries[exporter]));
        out.push(b',');
        push_uint(&mut out, u64::from(plan.countries[importer]));
        out.push(b',');
        let code = plan.products[product];
        let mut digits = [b'0'; 6];
        let mut c = code;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (c % 10) as u8;
            c /= 10;
        }
        out.extend_from_slice(&digits);
        out.push(b',');
        push_milli(&mut out, value);
        out.push(b',');
        if uniform(&mut rng) < MISSING_QUANTITY {
            out.extend_from_slice(b"NA");
        } else {
            let quantity = value / plan.product_price[product] * (0.3 * normal(&mut rng)).exp();
            push_milli(&mut out, quantity);
        }
        out.push(b'\n');
    }
    out
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSummary {
    /// Data rows.
    pub rows: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Countries that trade.
    pub countries: usize,
    /// Distinct products.
    pub products: usize,
}

/// Writes a BACI-format CSV (header `t,i,j,k,v,q`) to `out`.
pub fn generate<W: Write>(options: &GenerateOptions, mut out: W) -> Result<GenerateSummary, GenerateError> {
    if options.years.is_empty() {
        return Err(GenerateError::Invalid("the year range is empty".into()));
    }
    let plan = plan(options)?;
    let years: Vec<u16> = options.years.clone().collect();
    let n_countries = plan.countries.len() as u64;
    let cap = ((n_countries - 1) as f64 * plan.products.len() as f64 * MAX_FILL) as u64;
    let capacity = cap * n_countries * years.len() as u64;
    if options.rows > capacity {
        return Err(GenerateError::TooManyRows {
            rows: options.rows,
            capacity,
            products: plan.products.len(),
        });
    }
    out.write_all(b"t,i,j,k,v,q\n")?;
    let mut bytes = 12u64;
    let per_year = options.rows / years.len() as u64;
    let extra = options.rows % years.len() as u64;
    for (n, &year) in years.iter().enumerate() {
        let year_rows = per_year + u64::from((n as u64) < extra);
        let counts = apportion(year_rows, &plan.exporter_weight, cap);
        // Exporters in code order, as BACI sorts them; blocks generated in parallel batches.
        let mut order: Vec<usize> = (0..plan.countries.len()).collect();
        order.sort_by_key(|&e| plan.countries[e]);
        for batch in order.chunks(16) {
            let texts: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|&e| block(&plan, options.seed, year, e, counts[e]))
                .collect();
            for t in texts {
                bytes += t.len() as u64;
                out.write_all(&t)?;
            }
        }
    }
    out.flush()?;
    Ok(GenerateSummary {
        rows: options.rows,
        bytes,
        countries: plan.countries.len(),
        products: plan.products.len(),
    })
}

/// Writes the CSV to `path` through a temporary file renamed into place.
pub fn generate_file(options: &GenerateOptions, path: &Path) -> Result<GenerateSummary, GenerateError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    let summary = generate(options, std::io::BufWriter::with_capacity(1 << 20, tmp.as_file()))?;
    // A temporary file is private (0600); the data set is an ordinary output file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| GenerateError::Io(e.error))?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportionment_sums_and_respects_the_cap() {
        let w = [10.0, 1.0, 1.0, 0.5];
        let a = apportion(100, &w, 40);
        assert_eq!(a.iter().sum::<u64>(), 100);
        assert!(a.iter().all(|&x| x <= 40));
        assert_eq!(a[0], 40);
    }

    #[test]
    fn milli_formatting() {
        let mut v = Vec::new();
        push_milli(&mut v, 12.3456);
        v.push(b' ');
        push_milli(&mut v, 0.0001);
        assert_eq!(String::from_utf8(v).unwrap(), "12.346 0.001");
    }
}
