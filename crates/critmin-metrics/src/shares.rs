//! Supply shares of one [`Series`]: which total they are shares of, the named countries'
//! shares, the uncovered remainder, and data-quality notes.
//!
//! Rules (project DESIGN, "Data"; `data/SOURCES.md` §1):
//! - `WLD` is never a supplier and `ROW` is never a named supplier.
//! - Missing values stay missing: a country listed without a value is left out of the shares
//!   and named in a note, never counted as zero. Published zeros are real zeros and are kept.
//! - The denominator is the published world total when it can be one, otherwise the sum of
//!   the rows; the choice is recorded in [`TotalBasis`].

use std::fmt;

use critmin_model::{CountryCode, Qualifier, Series, SeriesKey, SeriesRow};

use crate::concentration::Concentration;

/// What the shares are shares of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TotalBasis {
    /// The source's published world total (`WLD`).
    PublishedWorld,
    /// The sum of every row with a value: named countries plus the source's residual `ROW`.
    SumOfRows,
}

impl TotalBasis {
    /// The basis with this [`id`](TotalBasis::id), for renderers that receive documents.
    pub fn from_id(id: &str) -> Option<TotalBasis> {
        [TotalBasis::PublishedWorld, TotalBasis::SumOfRows]
            .into_iter()
            .find(|b| b.id() == id)
    }

    /// Short identifier (`published-world`, `sum-of-rows`).
    ///
    /// Formula: none (a stable label for scripts and output). Source: this crate.
    pub fn id(self) -> &'static str {
        match self {
            TotalBasis::PublishedWorld => "published-world",
            TotalBasis::SumOfRows => "sum-of-rows",
        }
    }
}

impl fmt::Display for TotalBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TotalBasis::PublishedWorld => "published world total",
            TotalBasis::SumOfRows => "sum of rows",
        })
    }
}

/// The kind of a [`QualityNote`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QualityNoteKind {
    /// The published world total is smaller than the sum of the named countries by more than
    /// rounding, so it cannot be the denominator; the sum of rows is used instead.
    WorldBelowNamedRows,
    /// The published world total is smaller than the sum of the named countries, but within
    /// rounding; the sum of rows is used so that shares add up to at most 1.
    WorldBelowNamedRowsWithinRounding,
    /// The published world total and the sum of all rows (named + `ROW`) disagree by more
    /// than rounding.
    WorldDiffersFromRows,
    /// A `WLD` row is present but has no value (or a value ≤ 0); the sum of rows is used.
    WorldUnusable,
    /// Countries (or `ROW`) are listed without a value (e.g. USGS "W", withheld).
    MissingValues,
    /// A row carries a bound (`>`/`<`) or another qualifier.
    Qualified,
    /// Neither a world total nor a residual is published: shares are of the listed countries
    /// only.
    ListedCountriesOnly,
    /// A world total is published but no residual: part of the total is not covered by the
    /// named countries.
    RemainderNotCovered,
}

impl QualityNoteKind {
    /// Short identifier, stable for scripts.
    ///
    /// Formula: none (a stable label for scripts and output). Source: this crate.
    pub fn id(self) -> &'static str {
        match self {
            QualityNoteKind::WorldBelowNamedRows => "world-below-named-rows",
            QualityNoteKind::WorldBelowNamedRowsWithinRounding => "world-below-named-rows-within-rounding",
            QualityNoteKind::WorldDiffersFromRows => "world-differs-from-rows",
            QualityNoteKind::WorldUnusable => "world-unusable",
            QualityNoteKind::MissingValues => "missing-values",
            QualityNoteKind::Qualified => "qualified",
            QualityNoteKind::ListedCountriesOnly => "listed-countries-only",
            QualityNoteKind::RemainderNotCovered => "remainder-not-covered",
        }
    }
}

/// A data-quality note attached to a result: a kind to match on and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityNote {
    /// What the note is about.
    pub kind: QualityNoteKind,
    /// Human-readable explanation, with the numbers involved.
    pub message: String,
}

impl fmt::Display for QualityNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One named country's share.
#[derive(Debug, Clone, PartialEq)]
pub struct CountryShare {
    /// Country (never `WLD` or `ROW`).
    pub country: CountryCode,
    /// The published figure, in the series' unit.
    pub value: f64,
    /// `value / total`, a fraction in [0, 1].
    pub share: f64,
}

/// Why shares cannot be computed for a series.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SharesError {
    /// A row's value is NaN, infinite or negative.
    #[error("{country}: value {value} is not a finite number ≥ 0 (at {provenance})")]
    InvalidValue {
        /// Row's country (or `WLD`/`ROW`).
        country: CountryCode,
        /// The offending value.
        value: f64,
        /// Where the row came from.
        provenance: String,
    },
    /// `WLD` or `ROW` appears among the named countries (the series is malformed).
    #[error("pseudo-code {0} appears among the named countries of the series")]
    PseudoCodeAmongCountries(CountryCode),
    /// The values add up to more than the largest finite number.
    #[error("the values add up to more than the largest finite number")]
    TotalNotFinite,
    /// No row has a value > 0, so there is no total to take shares of.
    #[error("no row of {mineral} {stage} {year} ({source_code}) has a value > 0: no total to take shares of")]
    NoPositiveTotal {
        /// Mineral id.
        mineral: String,
        /// Stage id.
        stage: String,
        /// Year.
        year: u16,
        /// Source code.
        source_code: String,
    },
}

/// Shares of each named country in one series, with the basis of the total, the remainder and
/// data-quality notes.
///
/// Invariants (checked by property tests): every share is in [0, 1];
/// `Σ named shares + remainder = 1` (to 1e-9); `named` is sorted by share descending, ties by
/// country code.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyShares {
    /// The series the shares come from (mineral, stage, year, source).
    pub key: SeriesKey,
    /// Unit of every value.
    pub unit: String,
    /// What the total is.
    pub basis: TotalBasis,
    /// The denominator, in `unit`.
    pub total: f64,
    /// The published world total, when present with a value.
    pub published_world: Option<f64>,
    /// Sum of all rows with a value (named countries + `ROW`).
    pub sum_of_rows: f64,
    /// Named countries with a value, by share descending (ties by code). Zeros are kept.
    pub named: Vec<CountryShare>,
    /// Named countries listed without a value, in code order. Not in `named`.
    pub missing: Vec<CountryCode>,
    /// `ROW / total` when the source publishes a residual with a value (for display; with a
    /// published world total that disagrees with the rows it can differ from `remainder`).
    pub residual_share: Option<f64>,
    /// Uncovered remainder `r = max(0, 1 − Σ named shares)`: the residual row plus any gap.
    pub remainder: f64,
    /// Data-quality notes, in a stable order.
    pub notes: Vec<QualityNote>,
}

/// Rounding half-unit of a row, made safe: a non-finite or negative rounding counts as 0
/// (which makes the rounding checks stricter, never looser).
fn rounding_of(row: &SeriesRow) -> f64 {
    if row.rounding.is_finite() && row.rounding > 0.0 {
        row.rounding
    } else {
        0.0
    }
}

/// The value of a row, checked; `Ok(None)` when missing.
fn value_of(row: &SeriesRow) -> Result<Option<f64>, SharesError> {
    match row.value {
        None => Ok(None),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        Some(v) => Err(SharesError::InvalidValue {
            country: row.country,
            value: v,
            provenance: row.provenance.to_string(),
        }),
    }
}

/// Formats a quantity without floating-point noise: integers without decimals, others with
/// at most six decimals and no trailing zeros.
pub(crate) fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let rounded = x.round();
    if (x - rounded).abs() <= 1e-9 * x.abs().max(1.0) {
        return format!("{rounded:.0}");
    }
    let s = format!("{x:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Signed relative difference `(b − a) / a` in percent, one decimal (`+2.6%`).
fn fmt_rel(a: f64, b: f64) -> String {
    if a == 0.0 {
        return "n/a".to_owned();
    }
    format!("{:+.1}%", (b - a) / a * 100.0)
}

impl SupplyShares {
    /// Shares of the named countries of `series`.
    ///
    /// Formulas:
    /// - `named_sum = Σ v_c` over named countries with a value; `sum_of_rows = named_sum +
    ///   v_ROW` (when `ROW` has a value).
    /// - Total: the published world total `W` if `W > 0` and `W ≥ named_sum`
    ///   ([`TotalBasis::PublishedWorld`]); otherwise `sum_of_rows`
    ///   ([`TotalBasis::SumOfRows`]). A world total below the named sum cannot be a
    ///   denominator (shares would add up to more than 1): the fallback is noted, as beyond or
    ///   within rounding.
    /// - Rounding tolerance of a comparison = `rounding(WLD) + Σ rounding(row)` over the rows
    ///   summed (each row's half-unit of its last significant digit, set by the loader).
    /// - `share_c = v_c / total`; `remainder = max(0, 1 − Σ share_c)`;
    ///   `residual_share = v_ROW / total`.
    ///
    /// Notes: world total vs sum of all rows beyond rounding (both numbers and the relative
    /// difference); countries listed without a value (named); qualifiers on rows; no `WLD`
    /// and no `ROW` (shares of the listed countries only: concentration is exact on the listed
    /// set but may overstate true shares); `WLD` without `ROW` (the remainder is not covered
    /// by named countries).
    ///
    /// Errors: a value that is negative or not finite; `WLD`/`ROW` among the named countries;
    /// no row with a value > 0.
    ///
    /// Source: project DESIGN ("Data": missing is not zero, `WLD` is never a supplier, `ROW`
    /// is shown and bounds are stated) and `data/SOURCES.md` §1 (conventions for `WLD`, `ROW`,
    /// empty values and qualifiers).
    pub fn from_series(series: &Series) -> Result<SupplyShares, SharesError> {
        // Named rows.
        let mut named_values: Vec<(CountryCode, f64)> = Vec::with_capacity(series.countries.len());
        let mut missing: Vec<CountryCode> = Vec::new();
        let mut named_sum = 0.0;
        let mut named_rounding = 0.0;
        for row in &series.countries {
            if row.country.is_pseudo() {
                return Err(SharesError::PseudoCodeAmongCountries(row.country));
            }
            match value_of(row)? {
                Some(v) => {
                    named_values.push((row.country, v));
                    named_sum += v;
                    named_rounding += rounding_of(row);
                }
                None => missing.push(row.country),
            }
        }
        missing.sort();

        // Residual and world rows.
        let residual_value = match &series.residual {
            Some(row) => value_of(row)?,
            None => None,
        };
        let world_value = match &series.world {
            Some(row) => value_of(row)?,
            None => None,
        };
        let world_rounding = series.world.as_ref().map_or(0.0, rounding_of);
        let residual_rounding = series.residual.as_ref().map_or(0.0, rounding_of);

        let sum_of_rows = named_sum + residual_value.unwrap_or(0.0);
        let rows_rounding = named_rounding + residual_value.map_or(0.0, |_| residual_rounding);

        let mut notes = Vec::new();

        // Choose the total.
        let usable_world = world_value.filter(|&w| w > 0.0);
        if series.world.is_some() && usable_world.is_none() {
            notes.push(QualityNote {
                kind: QualityNoteKind::WorldUnusable,
                message: match world_value {
                    None => "world total (WLD) is listed without a value; shares use the sum of rows".to_owned(),
                    Some(w) => format!(
                        "published world total {} cannot be a denominator; shares use the sum of rows",
                        fmt_num(w)
                    ),
                },
            });
        }
        let (basis, total) = match usable_world {
            Some(w) if w >= named_sum => (TotalBasis::PublishedWorld, w),
            Some(w) => {
                let beyond = named_sum - w > world_rounding + named_rounding;
                let (kind, how) = if beyond {
                    (QualityNoteKind::WorldBelowNamedRows, "by more than rounding")
                } else {
                    (QualityNoteKind::WorldBelowNamedRowsWithinRounding, "within rounding")
                };
                notes.push(QualityNote {
                    kind,
                    message: format!(
                        "published world total {} is smaller than the sum of named countries {} ({}) {how}; \
                         it cannot be the denominator, shares use the sum of rows {}",
                        fmt_num(w),
                        fmt_num(named_sum),
                        fmt_rel(w, named_sum),
                        fmt_num(sum_of_rows),
                    ),
                });
                (TotalBasis::SumOfRows, sum_of_rows)
            }
            None => (TotalBasis::SumOfRows, sum_of_rows),
        };

        if !total.is_finite() {
            return Err(SharesError::TotalNotFinite);
        }
        if total <= 0.0 {
            return Err(SharesError::NoPositiveTotal {
                mineral: series.key.mineral.to_string(),
                stage: series.key.stage.to_string(),
                year: series.key.year,
                source_code: series.key.source.to_string(),
            });
        }

        // World total against the sum of all rows (only meaningful with a residual; without
        // one the gap is reported as the uncovered remainder below).
        if let (Some(w), Some(_)) = (usable_world, residual_value)
            && basis == TotalBasis::PublishedWorld
            && (w - sum_of_rows).abs() > world_rounding + rows_rounding
        {
            notes.push(QualityNote {
                kind: QualityNoteKind::WorldDiffersFromRows,
                message: format!(
                    "published world total {} differs from the sum of rows {} ({}) by more than rounding",
                    fmt_num(w),
                    fmt_num(sum_of_rows),
                    fmt_rel(w, sum_of_rows),
                ),
            });
        }

        // Shares.
        let mut named: Vec<CountryShare> = named_values
            .into_iter()
            .map(|(country, value)| CountryShare {
                country,
                value,
                share: (value / total).clamp(0.0, 1.0),
            })
            .collect();
        named.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.country.cmp(&b.country)));
        let named_share_sum: f64 = named.iter().map(|c| c.share).sum();
        let remainder = (1.0 - named_share_sum).max(0.0);
        let residual_share = residual_value.map(|v| (v / total).clamp(0.0, 1.0));

        // Missing values.
        let residual_missing = series.residual.is_some() && residual_value.is_none();
        if !missing.is_empty() || residual_missing {
            let mut names: Vec<String> = missing.iter().map(|c| c.to_string()).collect();
            if residual_missing {
                names.push("ROW (rest of world)".to_owned());
            }
            notes.push(QualityNote {
                kind: QualityNoteKind::MissingValues,
                message: format!(
                    "listed without a value (e.g. USGS \"W\", withheld), left out of the shares, not \
                     counted as zero: {}",
                    names.join(", ")
                ),
            });
        }

        // Qualifiers, in row order: WLD, named countries, ROW.
        let qualified: Vec<String> = series
            .world
            .iter()
            .chain(series.countries.iter())
            .chain(series.residual.iter())
            .filter_map(|row| {
                let q = row.qualifier.as_ref()?;
                let value = row.value.map_or_else(|| "(no value)".to_owned(), fmt_num);
                Some(match q {
                    Qualifier::GreaterThan => {
                        format!("{} >{value} (lower bound: the true figure is larger)", row.country)
                    }
                    Qualifier::LessThan => {
                        format!("{} <{value} (upper bound: the true figure is smaller)", row.country)
                    }
                    other => format!("{} {value} (qualifier '{}')", row.country, other.as_str()),
                })
            })
            .collect();
        if !qualified.is_empty() {
            notes.push(QualityNote {
                kind: QualityNoteKind::Qualified,
                message: format!("qualified figures: {}", qualified.join("; ")),
            });
        }

        // Coverage.
        match (usable_world, residual_value) {
            (None, None) => notes.push(QualityNote {
                kind: QualityNoteKind::ListedCountriesOnly,
                message: "no world total and no rest-of-world row: shares are of the listed countries \
                          only; concentration is exact on the listed set but may overstate true shares"
                    .to_owned(),
            }),
            (Some(w), None) if basis == TotalBasis::PublishedWorld && remainder > 0.0 => {
                notes.push(QualityNote {
                    kind: QualityNoteKind::RemainderNotCovered,
                    message: format!(
                        "no rest-of-world row: {:.1}% of the published world total {} ({} {}) is not \
                         covered by named countries",
                        remainder * 100.0,
                        fmt_num(w),
                        fmt_num(w - named_sum),
                        series.unit,
                    ),
                });
            }
            _ => {}
        }

        Ok(SupplyShares {
            key: series.key.clone(),
            unit: series.unit.clone(),
            basis,
            total,
            published_world: world_value,
            sum_of_rows,
            named,
            missing,
            residual_share,
            remainder,
            notes,
        })
    }

    /// Concentration of the named countries' shares with the remainder as the unknown part.
    ///
    /// Formula: [`Concentration::new`] with `s_i` = the named shares and `r` =
    /// [`remainder`](Self::remainder): `hhi = 10,000·Σ s_i²` (lower bound),
    /// `hhi_upper = hhi + 10,000·r²` (remainder as one supplier).
    ///
    /// Source: as [`Concentration::new`] (Herfindahl–Hirschman index; DOJ/FTC 2010 §5.3;
    /// project DESIGN for the residual bounds).
    pub fn concentration(&self) -> Concentration {
        let shares: Vec<f64> = self.named.iter().map(|c| c.share).collect();
        Concentration::from_valid(&shares, self.remainder)
    }

    /// The share of `country` (0 when it is named with a zero; `None` when it is not named
    /// with a value).
    ///
    /// Formula: `v_country / total`. Source: as [`SupplyShares::from_series`].
    pub fn share_of(&self, country: CountryCode) -> Option<f64> {
        self.named.iter().find(|c| c.country == country).map(|c| c.share)
    }

    /// Whether a note of this kind is attached.
    ///
    /// Formula: `∃ note ∈ notes : note.kind = kind`. Source: as [`SupplyShares::from_series`].
    pub fn has_note(&self, kind: QualityNoteKind) -> bool {
        self.notes.iter().any(|n| n.kind == kind)
    }
}

#[cfg(test)]
mod tests;
