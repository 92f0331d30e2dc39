//! Dynamic stock model by cohort (the recycling supply of the outlook).
//!
//! A cohort is the inflow of one year. Its share still in use `m − c` years later is the
//! survival function `sf(age)` of the product lifetime. Because the lifetime here does not
//! depend on the cohort or the year, the survival function is one vector over ages and the
//! model is a convolution:
//!
//! * inflow-driven: `stock[m] = Σ_{c ≤ m} inflow[c] · sf(age(m, c))`,
//! * stock-driven: `inflow[m] = (stock[m] − Σ_{c < m} inflow[c] · sf(age(m, c))) / sf(age(m, m))`,
//! * outflow by mass balance: `outflow[m] = inflow[m] − (stock[m] − stock[m−1])`, so
//!   `inflow − outflow = Δstock` holds to rounding in every year (property-tested),
//! * secondary supply = outflow × collection rate × recovery rate.
//!
//! Time is O(T²) per dimension and memory O(T): the T×T cohort matrix is built only by
//! [`StockResult::cohort_stock`] when the caller asks for it.
//!
//! **Discretisation convention.** Inflow of year `c` enters at one point of that year, and
//! stocks are read at the end of year `m` ([`Convention`]): at the start (age = m − c + 1), in
//! the middle (age = m − c + 0.5) or at the end (age = m − c). ODYM's `DynamicStockModel`
//! evaluates `sf(m − c)` (its known results in `odym/modules/test/DSM_test_known_results.py`
//! are reproduced in this crate's tests with [`Convention::End`]); flodym's `LifetimeModel`
//! names the same three options `inflow_at = "start" | "middle" | "end"` and defaults to middle.
//!
//! **Lifetimes** ([`Lifetime`]): fixed (the cohort leaves when its age reaches the lifetime),
//! normal (`sf = 1 − Φ((age − mean)/sd)`, not truncated at zero, as in ODYM and flodym),
//! lognormal given the mean and standard deviation of the lifetime itself (converted to the
//! parameters of the underlying normal: `σ² = ln(1 + sd²/mean²)`, `μ = ln(mean) − σ²/2`), and
//! Weibull (`sf = exp(−(age/scale)^shape)`). A lifetime whose mean is zero means the material
//! leaves in the year it enters (ODYM's border case: `sf = 0`).

use std::fmt;
use std::str::FromStr;

/// Errors of the stock model: inputs that cannot give a meaningful stock.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StockError {
    /// A lifetime parameter is out of range.
    #[error("lifetime {what}: expected {expected}")]
    BadLifetime {
        /// Which parameter.
        what: &'static str,
        /// What was expected.
        expected: &'static str,
    },
    /// The lifetime text could not be read.
    #[error(
        "lifetime `{0}`: expected fixed:YEARS, normal:MEAN:SD, lognormal:MEAN:SD or weibull:SHAPE:SCALE (numbers > 0)"
    )]
    LifetimeSyntax(String),
    /// A rate is outside [0, 1].
    #[error("{what} rate {value}: expected a number between 0 and 1")]
    BadRate {
        /// Which rate.
        what: &'static str,
        /// The value.
        value: f64,
    },
    /// A flow or stock value is not finite.
    #[error("{what} value {value} in year index {index}: expected a finite number")]
    NotFinite {
        /// Which series.
        what: &'static str,
        /// Position in the series.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The stock-driven model cannot start: nothing of a new cohort survives to the end of its
    /// first year, so no inflow can build the stock.
    #[error(
        "stock-driven model: the share of a cohort surviving its first year is {0}; with this lifetime and convention no inflow can build a stock"
    )]
    NoFirstYearSurvival(f64),
    /// The inflow and stock arrays of a batch do not have the declared shape.
    #[error("batch of {dims} dimension(s) × {years} year(s) needs {expected} values, found {found}")]
    BatchShape {
        /// Number of dimensions.
        dims: usize,
        /// Number of years.
        years: usize,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
}

/// A product lifetime distribution (in years).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lifetime {
    /// Every item lasts exactly this long.
    Fixed {
        /// Lifetime in years (≥ 0).
        years: f64,
    },
    /// Normal distribution (not truncated at zero).
    Normal {
        /// Mean lifetime (≥ 0).
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Lognormal distribution given by the mean and standard deviation of the lifetime itself.
    LogNormal {
        /// Mean lifetime (> 0).
        mean: f64,
        /// Standard deviation of the lifetime (> 0).
        sd: f64,
    },
    /// Weibull distribution.
    Weibull {
        /// Shape parameter k (> 0).
        shape: f64,
        /// Scale parameter λ in years (> 0).
        scale: f64,
    },
}

impl Lifetime {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), StockError> {
        let bad = |what, expected| Err(StockError::BadLifetime { what, expected });
        match *self {
            Lifetime::Fixed { years } if !(years.is_finite() && years >= 0.0) => bad("years", "a number ≥ 0"),
            Lifetime::Normal { mean, sd } | Lifetime::LogNormal { mean, sd } => {
                if !(mean.is_finite() && mean >= 0.0) {
                    bad("mean", "a number ≥ 0")
                } else if !(sd.is_finite() && sd > 0.0) {
                    bad("standard deviation", "a number > 0")
                } else {
                    Ok(())
                }
            }
            Lifetime::Weibull { shape, scale } => {
                if !(shape.is_finite() && shape > 0.0) {
                    bad("shape", "a number > 0")
                } else if !(scale.is_finite() && scale > 0.0) {
                    bad("scale", "a number > 0")
                } else {
                    Ok(())
                }
            }
            Lifetime::Fixed { .. } => Ok(()),
        }
    }

    /// Share of a cohort still in use at `age` years (after the convention's offset).
    pub fn survival(&self, age: f64) -> f64 {
        match *self {
            Lifetime::Fixed { years } => {
                if age < years {
                    1.0
                } else {
                    0.0
                }
            }
            Lifetime::Normal { mean, sd } => {
                if mean == 0.0 {
                    return 0.0;
                }
                0.5 * libm::erfc((age - mean) / (sd * std::f64::consts::SQRT_2))
            }
            Lifetime::LogNormal { mean, sd } => {
                if mean == 0.0 {
                    return 0.0;
                }
                if age <= 0.0 {
                    return 1.0;
                }
                let sigma2 = (1.0 + (sd * sd) / (mean * mean)).ln();
                let mu = mean.ln() - sigma2 / 2.0;
                0.5 * libm::erfc((age.ln() - mu) / (sigma2.sqrt() * std::f64::consts::SQRT_2))
            }
            Lifetime::Weibull { shape, scale } => {
                if age <= 0.0 {
                    1.0
                } else {
                    (-(age / scale).powf(shape)).exp()
                }
            }
        }
    }

    /// The survival function over ages `0..years` under `convention`: `sf[k]` is the share of
    /// a cohort still in stock at the end of the `k`-th year after the year it entered.
    pub fn survival_curve(&self, years: usize, convention: Convention) -> Vec<f64> {
        let offset = convention.age_offset();
        (0..years).map(|k| self.survival(k as f64 + offset)).collect()
    }
}

impl FromStr for Lifetime {
    type Err = StockError;

    /// Reads `fixed:YEARS`, `normal:MEAN:SD`, `lognormal:MEAN:SD` or `weibull:SHAPE:SCALE`.
    fn from_str(text: &str) -> Result<Lifetime, StockError> {
        let syntax = || StockError::LifetimeSyntax(text.to_owned());
        let mut parts = text.trim().split(':');
        let kind = parts.next().unwrap_or("").to_ascii_lowercase();
        let numbers: Vec<f64> = parts
            .map(|p| p.trim().parse::<f64>().map_err(|_| syntax()))
            .collect::<Result<_, _>>()?;
        let lifetime = match (kind.as_str(), numbers.as_slice()) {
            ("fixed", [years]) => Lifetime::Fixed { years: *years },
            ("normal", [mean, sd]) => Lifetime::Normal { mean: *mean, sd: *sd },
            ("lognormal", [mean, sd]) => Lifetime::LogNormal { mean: *mean, sd: *sd },
            ("weibull", [shape, scale]) => Lifetime::Weibull {
                shape: *shape,
                scale: *scale,
            },
            _ => return Err(syntax()),
        };
        lifetime.validate()?;
        Ok(lifetime)
    }
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lifetime::Fixed { years } => write!(f, "fixed:{years}"),
            Lifetime::Normal { mean, sd } => write!(f, "normal:{mean}:{sd}"),
            Lifetime::LogNormal { mean, sd } => write!(f, "lognormal:{mean}:{sd}"),
            Lifetime::Weibull { shape, scale } => write!(f, "weibull:{shape}:{scale}"),
        }
    }
}

/// When in its year a cohort's inflow enters the stock (stocks are read at the end of each
/// year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Convention {
    /// Inflow at the start of the year: a cohort is `m − c + 1` years old at the end of year `m`.
    Start,
    /// Inflow in the middle of the year: age `m − c + 0.5` (flodym's default).
    Middle,
    /// Inflow at the end of the year: age `m − c` (ODYM's `DynamicStockModel`).
    #[default]
    End,
}

impl Convention {
    /// Age of a cohort at the end of its own inflow year.
    pub fn age_offset(self) -> f64 {
        match self {
            Convention::Start => 1.0,
            Convention::Middle => 0.5,
            Convention::End => 0.0,
        }
    }

    /// The option's name: `start`, `middle` or `end`.
    pub fn name(self) -> &'static str {
        match self {
            Convention::Start => "start",
            Convention::Middle => "middle",
            Convention::End => "end",
        }
    }
}

impl FromStr for Convention {
    type Err = String;

    fn from_str(text: &str) -> Result<Convention, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "start" => Ok(Convention::Start),
            "middle" => Ok(Convention::Middle),
            "end" => Ok(Convention::End),
            other => Err(format!("convention `{other}`: expected start, middle or end")),
        }
    }
}

/// The yearly series of one stock model run.
#[derive(Debug, Clone, PartialEq)]
pub struct StockResult {
    /// Inflow per year (given, or computed by the stock-driven model).
    pub inflow: Vec<f64>,
    /// Stock at the end of each year.
    pub stock: Vec<f64>,
    /// Outflow per year (end-of-life material), by mass balance.
    pub outflow: Vec<f64>,
    /// The survival curve used (`sf[age]`).
    pub survival: Vec<f64>,
}

impl StockResult {
    /// Stock change per year (`stock[0]` for the first year: the model starts from zero).
    pub fn stock_change(&self) -> Vec<f64> {
        let mut previous = 0.0;
        self.stock
            .iter()
            .map(|&s| {
                let change = s - previous;
                previous = s;
                change
            })
            .collect()
    }

    /// The year × cohort stock matrix (row = year, column = cohort), only when asked for:
    /// it takes O(T²) memory.
    pub fn cohort_stock(&self) -> Vec<Vec<f64>> {
        let years = self.inflow.len();
        (0..years)
            .map(|m| {
                (0..years)
                    .map(|c| {
                        if c <= m {
                            self.inflow[c] * self.survival[m - c]
                        } else {
                            0.0
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// The year × cohort outflow matrix: what each cohort loses in each year (its inflow minus
    /// what survives, in its first year).
    pub fn cohort_outflow(&self) -> Vec<Vec<f64>> {
        let years = self.inflow.len();
        (0..years)
            .map(|m| {
                (0..years)
                    .map(|c| {
                        if c > m {
                            0.0
                        } else if c == m {
                            self.inflow[c] * (1.0 - self.survival[0])
                        } else {
                            self.inflow[c] * (self.survival[m - c - 1] - self.survival[m - c])
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Secondary (recycled) supply per year: outflow × collection rate × recovery rate.
    pub fn secondary_supply(&self, collection: f64, recovery: f64) -> Result<Vec<f64>, StockError> {
        check_rate("collection", collection)?;
        check_rate("recovery", recovery)?;
        Ok(self.outflow.iter().map(|o| o * collection * recovery).collect())
    }
}

fn check_rate(what: &'static str, value: f64) -> Result<(), StockError> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(StockError::BadRate { what, value })
    }
}

fn check_finite(what: &'static str, values: &[f64]) -> Result<(), StockError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(StockError::NotFinite {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Inflow-driven model: the stock and outflow that an inflow series builds.
pub fn inflow_driven(inflow: &[f64], lifetime: Lifetime, convention: Convention) -> Result<StockResult, StockError> {
    lifetime.validate()?;
    check_finite("inflow", inflow)?;
    let survival = lifetime.survival_curve(inflow.len(), convention);
    let mut stock = vec![0.0; inflow.len()];
    let mut outflow = vec![0.0; inflow.len()];
    convolve_stock(inflow, &survival, &mut stock);
    outflow_by_balance(inflow, &stock, &mut outflow);
    Ok(StockResult {
        inflow: inflow.to_vec(),
        stock,
        outflow,
        survival,
    })
}

/// Stock-driven model: the inflow needed each year to hold the given stock, and the outflow.
/// Inflows can come out negative when the stock falls faster than its cohorts retire; they are
/// returned as computed (ODYM's behaviour without its "negative inflow correction").
pub fn stock_driven(stock: &[f64], lifetime: Lifetime, convention: Convention) -> Result<StockResult, StockError> {
    lifetime.validate()?;
    check_finite("stock", stock)?;
    let survival = lifetime.survival_curve(stock.len(), convention);
    let mut inflow = vec![0.0; stock.len()];
    let mut outflow = vec![0.0; stock.len()];
    inflow_for_stock(stock, &survival, &mut inflow)?;
    outflow_by_balance(&inflow, stock, &mut outflow);
    Ok(StockResult {
        inflow,
        stock: stock.to_vec(),
        outflow,
        survival,
    })
}

/// `stock[m] = Σ_{c ≤ m} inflow[c] · sf[m − c]`, written into `stock`.
fn convolve_stock(inflow: &[f64], survival: &[f64], stock: &mut [f64]) {
    for (m, slot) in stock.iter_mut().enumerate() {
        *slot = inflow[..=m]
            .iter()
            .zip(survival[..=m].iter().rev())
            .map(|(i, s)| i * s)
            .sum();
    }
}

fn inflow_for_stock(stock: &[f64], survival: &[f64], inflow: &mut [f64]) -> Result<(), StockError> {
    let first = survival.first().copied().unwrap_or(1.0);
    if stock.is_empty() {
        return Ok(());
    }
    if first <= 0.0 {
        return Err(StockError::NoFirstYearSurvival(first));
    }
    for m in 0..stock.len() {
        let surviving: f64 = inflow[..m]
            .iter()
            .zip(survival[1..=m].iter().rev())
            .map(|(i, s)| i * s)
            .sum();
        inflow[m] = (stock[m] - surviving) / first;
    }
    Ok(())
}

fn outflow_by_balance(inflow: &[f64], stock: &[f64], outflow: &mut [f64]) {
    let mut previous = 0.0;
    for ((o, i), s) in outflow.iter_mut().zip(inflow).zip(stock) {
        *o = i - (s - previous);
        previous = *s;
    }
}

/// Stock and outflow of many independent dimensions (e.g. products × regions) that share one
/// lifetime and convention. `inflow` is dimension-major: dimension `d`, year `t` at
/// `d * years + t`. Returns `(stock, outflow)` in the same layout. The dimensions are split
/// across the available cores; the result does not depend on the number of threads.
pub fn inflow_driven_batch(
    inflow: &[f64],
    years: usize,
    lifetime: Lifetime,
    convention: Convention,
) -> Result<(Vec<f64>, Vec<f64>), StockError> {
    lifetime.validate()?;
    let dims = inflow.len().checked_div(years).unwrap_or(0);
    if years == 0 || dims * years != inflow.len() {
        return Err(StockError::BatchShape {
            dims,
            years,
            expected: dims * years,
            found: inflow.len(),
        });
    }
    check_finite("inflow", inflow)?;
    let survival = lifetime.survival_curve(years, convention);
    let mut stock = vec![0.0; inflow.len()];
    let mut outflow = vec![0.0; inflow.len()];
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(dims.max(1));
    let dims_per_thread = dims.div_ceil(threads);
    let chunk = dims_per_thread * years;
    std::thread::scope(|scope| {
        for ((i_chunk, s_chunk), o_chunk) in inflow
            .chunks(chunk)
            .zip(stock.chunks_mut(chunk))
            .zip(outflow.chunks_mut(chunk))
        {
            let survival = &survival;
            scope.spawn(move || {
                for ((i, s), o) in i_chunk
                    .chunks(years)
                    .zip(s_chunk.chunks_mut(years))
                    .zip(o_chunk.chunks_mut(years))
                {
                    convolve_stock(i, survival, s);
                    outflow_by_balance(i, s, o);
                }
            });
        }
    });
    Ok((stock, outflow))
}

#[cfg(test)]
mod tests;
