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
mod tests {
    use super::*;
    use crate::test_support::{arb_series, code, row, series};
    use approx::assert_relative_eq;
    use critmin_model::Qualifier;
    use proptest::prelude::*;

    #[test]
    fn published_world_is_the_denominator() {
        let s = series(
            &[("CHN", Some(50.0)), ("AUS", Some(30.0)), ("USA", None)],
            Some(row("ROW", Some(20.0))),
            Some(row("WLD", Some(100.0))),
        );
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_eq!(sh.basis, TotalBasis::PublishedWorld);
        assert_relative_eq!(sh.total, 100.0);
        assert_eq!(sh.named.len(), 2);
        assert_eq!(sh.named[0].country, code("CHN"));
        assert_relative_eq!(sh.named[0].share, 0.5);
        assert_relative_eq!(sh.named[1].share, 0.3);
        assert_relative_eq!(sh.remainder, 0.2, epsilon = 1e-12);
        assert_relative_eq!(sh.residual_share.unwrap(), 0.2);
        assert_eq!(sh.missing, vec![code("USA")]);
        assert!(sh.has_note(QualityNoteKind::MissingValues));
        assert!(!sh.has_note(QualityNoteKind::WorldDiffersFromRows));
        let note = sh
            .notes
            .iter()
            .find(|n| n.kind == QualityNoteKind::MissingValues)
            .unwrap();
        assert!(note.to_string().contains("USA"), "{note}");

        let c = sh.concentration();
        assert_relative_eq!(c.hhi, 3_400.0, epsilon = 1e-9);
        assert_relative_eq!(c.hhi_upper, 3_800.0, epsilon = 1e-9);
        assert_relative_eq!(c.top3_share, 0.8, epsilon = 1e-12);
        assert_relative_eq!(sh.share_of(code("AUS")).unwrap(), 0.3);
        assert_eq!(sh.share_of(code("USA")), None);
    }

    #[test]
    fn world_differs_from_rows_note_gives_both_numbers() {
        // The brief's example: WLD 3861 vs rows 3961.
        let mut s = series(
            &[("CHN", Some(3000.0)), ("AUS", Some(661.0))],
            Some(row("ROW", Some(300.0))),
            Some(row("WLD", Some(3861.0))),
        );
        for r in &mut s.countries {
            r.rounding = 0.5;
        }
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_eq!(sh.basis, TotalBasis::PublishedWorld);
        let note = sh
            .notes
            .iter()
            .find(|n| n.kind == QualityNoteKind::WorldDiffersFromRows)
            .expect("note");
        assert_eq!(
            note.message,
            "published world total 3861 differs from the sum of rows 3961 (+2.6%) by more than rounding"
        );
        // Σ named = 3661 ≤ 3861: shares of WLD; remainder 200/3861.
        assert_relative_eq!(sh.remainder, 200.0 / 3861.0, epsilon = 1e-12);
        assert_relative_eq!(sh.residual_share.unwrap(), 300.0 / 3861.0, epsilon = 1e-12);
    }

    #[test]
    fn disagreement_within_rounding_gives_no_note() {
        let mut s = series(
            &[("CHN", Some(60.0)), ("AUS", Some(30.0))],
            Some(row("ROW", Some(9.0))),
            Some(row("WLD", Some(100.0))),
        );
        // WLD rounded to the nearest 10 (half-unit 5): 99 vs 100 is rounding.
        if let Some(w) = s.world.as_mut() {
            w.rounding = 5.0;
        }
        let sh = SupplyShares::from_series(&s).unwrap();
        assert!(!sh.has_note(QualityNoteKind::WorldDiffersFromRows), "{:?}", sh.notes);
        assert_relative_eq!(sh.remainder, 0.1, epsilon = 1e-12);
    }

    #[test]
    fn world_below_named_rows_falls_back_to_sum_of_rows() {
        let s = series(
            &[("CHN", Some(70.0)), ("AUS", Some(40.0))],
            Some(row("ROW", Some(10.0))),
            Some(row("WLD", Some(100.0))),
        );
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_eq!(sh.basis, TotalBasis::SumOfRows);
        assert_relative_eq!(sh.total, 120.0);
        assert!(sh.has_note(QualityNoteKind::WorldBelowNamedRows));
        assert!(!sh.has_note(QualityNoteKind::WorldDiffersFromRows));
        let note = sh
            .notes
            .iter()
            .find(|n| n.kind == QualityNoteKind::WorldBelowNamedRows)
            .unwrap();
        assert!(note.message.contains("100") && note.message.contains("110"), "{note}");
        assert_relative_eq!(sh.named[0].share, 70.0 / 120.0);
        let sum: f64 = sh.named.iter().map(|c| c.share).sum();
        assert_relative_eq!(sum + sh.remainder, 1.0, epsilon = 1e-12);
        assert_relative_eq!(sh.remainder, 10.0 / 120.0, epsilon = 1e-12);
    }

    #[test]
    fn world_below_named_rows_within_rounding_also_falls_back() {
        let mut s = series(
            &[("CHN", Some(60.2)), ("AUS", Some(40.1))],
            None,
            Some(row("WLD", Some(100.0))),
        );
        if let Some(w) = s.world.as_mut() {
            w.rounding = 0.5;
        }
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_eq!(sh.basis, TotalBasis::SumOfRows);
        assert!(sh.has_note(QualityNoteKind::WorldBelowNamedRowsWithinRounding));
        assert!(!sh.has_note(QualityNoteKind::WorldBelowNamedRows));
        assert_relative_eq!(sh.remainder, 0.0, epsilon = 1e-12);
    }

    #[test]
    fn no_world_no_residual_shares_of_listed_countries() {
        let s = series(&[("CHN", Some(3.0)), ("AUS", Some(1.0))], None, None);
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_eq!(sh.basis, TotalBasis::SumOfRows);
        assert_relative_eq!(sh.named[0].share, 0.75);
        assert_relative_eq!(sh.remainder, 0.0);
        assert_eq!(sh.residual_share, None);
        assert!(sh.has_note(QualityNoteKind::ListedCountriesOnly));
        let c = sh.concentration();
        assert_relative_eq!(c.hhi, c.hhi_upper);
        assert_relative_eq!(c.hhi, 6_250.0, epsilon = 1e-9);
    }

    #[test]
    fn world_without_residual_leaves_an_uncovered_remainder() {
        let s = series(&[("CHN", Some(60.0))], None, Some(row("WLD", Some(100.0))));
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_eq!(sh.basis, TotalBasis::PublishedWorld);
        assert_relative_eq!(sh.remainder, 0.4, epsilon = 1e-12);
        let note = sh
            .notes
            .iter()
            .find(|n| n.kind == QualityNoteKind::RemainderNotCovered)
            .unwrap();
        assert!(
            note.message.contains("40.0%") && note.message.contains("not covered"),
            "{note}"
        );
        let c = sh.concentration();
        assert_relative_eq!(c.hhi, 3_600.0, epsilon = 1e-9);
        assert_relative_eq!(c.hhi_upper, 5_200.0, epsilon = 1e-9);
    }

    #[test]
    fn world_without_value_is_noted_and_sum_used() {
        let s = series(
            &[("CHN", Some(1.0)), ("AUS", Some(1.0))],
            Some(row("ROW", Some(2.0))),
            Some(row("WLD", None)),
        );
        let sh = SupplyShares::from_series(&s).unwrap();
        assert_eq!(sh.basis, TotalBasis::SumOfRows);
        assert!(sh.has_note(QualityNoteKind::WorldUnusable));
        assert!(!sh.has_note(QualityNoteKind::ListedCountriesOnly));
        assert_relative_eq!(sh.total, 4.0);
        assert_relative_eq!(sh.remainder, 0.5);
        let zero_world = series(&[("CHN", Some(1.0))], None, Some(row("WLD", Some(0.0))));
        let sh = SupplyShares::from_series(&zero_world).unwrap();
        assert!(sh.has_note(QualityNoteKind::WorldUnusable));
        assert!(sh.has_note(QualityNoteKind::ListedCountriesOnly));
    }

    #[test]
    fn zeros_are_kept_and_ties_sorted_by_code() {
        let s = series(
            &[
                ("ZAF", Some(25.0)),
                ("AUS", Some(25.0)),
                ("CAN", Some(0.0)),
                ("BRA", Some(50.0)),
            ],
            None,
            None,
        );
        let sh = SupplyShares::from_series(&s).unwrap();
        let order: Vec<String> = sh.named.iter().map(|c| c.country.to_string()).collect();
        assert_eq!(order, ["BRA", "AUS", "ZAF", "CAN"]);
        assert_relative_eq!(sh.named[3].share, 0.0);
        assert_eq!(sh.concentration().n_suppliers, 3);
    }

    #[test]
    fn qualifiers_are_noted() {
        let mut s = series(
            &[("CHN", Some(10.0)), ("USA", Some(5.0))],
            None,
            Some(row("WLD", Some(20.0))),
        );
        s.countries[1].qualifier = Some(Qualifier::LessThan);
        if let Some(w) = s.world.as_mut() {
            w.qualifier = Some(Qualifier::GreaterThan);
        }
        let sh = SupplyShares::from_series(&s).unwrap();
        let note = sh.notes.iter().find(|n| n.kind == QualityNoteKind::Qualified).unwrap();
        assert!(
            note.message.contains("WLD >20") && note.message.contains("USA <5"),
            "{note}"
        );
    }

    #[test]
    fn residual_without_value_is_named_as_missing() {
        let s = series(&[("CHN", Some(10.0))], Some(row("ROW", None)), None);
        let sh = SupplyShares::from_series(&s).unwrap();
        assert!(sh.has_note(QualityNoteKind::ListedCountriesOnly));
        let note = sh
            .notes
            .iter()
            .find(|n| n.kind == QualityNoteKind::MissingValues)
            .unwrap();
        assert!(note.message.contains("ROW"), "{note}");
        assert!(sh.missing.is_empty());
    }

    #[test]
    fn errors_on_bad_input() {
        let neg = series(&[("CHN", Some(-1.0))], None, None);
        assert!(matches!(
            SupplyShares::from_series(&neg),
            Err(SharesError::InvalidValue { value, .. }) if value < 0.0
        ));
        let nan = series(&[("CHN", Some(1.0))], Some(row("ROW", Some(f64::NAN))), None);
        assert!(matches!(
            SupplyShares::from_series(&nan),
            Err(SharesError::InvalidValue { .. })
        ));
        let inf_world = series(&[("CHN", Some(1.0))], None, Some(row("WLD", Some(f64::INFINITY))));
        assert!(matches!(
            SupplyShares::from_series(&inf_world),
            Err(SharesError::InvalidValue { .. })
        ));
        let empty = series(&[], None, None);
        let err = SupplyShares::from_series(&empty).unwrap_err();
        assert!(matches!(err, SharesError::NoPositiveTotal { .. }));
        assert!(err.to_string().contains("lithium"), "{err}");
        let all_missing = series(&[("CHN", None)], None, Some(row("WLD", None)));
        assert!(matches!(
            SupplyShares::from_series(&all_missing),
            Err(SharesError::NoPositiveTotal { .. })
        ));
        let all_zero = series(&[("CHN", Some(0.0))], Some(row("ROW", Some(0.0))), None);
        assert!(matches!(
            SupplyShares::from_series(&all_zero),
            Err(SharesError::NoPositiveTotal { .. })
        ));
        let mut pseudo = series(&[("CHN", Some(1.0))], None, None);
        pseudo.countries.push(row("WLD", Some(1.0)));
        assert!(matches!(
            SupplyShares::from_series(&pseudo),
            Err(SharesError::PseudoCodeAmongCountries(c)) if c == CountryCode::WORLD
        ));
    }

    #[test]
    fn fmt_num_has_no_float_noise() {
        assert_eq!(fmt_num(3861.0), "3861");
        assert_eq!(fmt_num(0.1 + 0.2), "0.3");
        assert_eq!(fmt_num(1.25), "1.25");
        assert_eq!(fmt_num(130_000_000.0), "130000000");
    }

    proptest! {
        #[test]
        fn share_invariants(s in arb_series()) {
            match SupplyShares::from_series(&s) {
                Err(SharesError::NoPositiveTotal { .. }) => {
                    let any_positive = s.countries.iter().chain(s.residual.iter())
                        .any(|r| r.value.is_some_and(|v| v > 0.0));
                    prop_assert!(!any_positive);
                }
                Err(e) => prop_assert!(false, "unexpected error {e}"),
                Ok(sh) => {
                    let mut sum = 0.0;
                    for c in &sh.named {
                        prop_assert!((0.0..=1.0).contains(&c.share));
                        sum += c.share;
                    }
                    prop_assert!(sum <= 1.0 + 1e-9, "named shares add up to {sum}");
                    prop_assert!((sum + sh.remainder - 1.0).abs() <= 1e-9);
                    prop_assert!((0.0..=1.0).contains(&sh.remainder));
                    if let Some(r) = sh.residual_share {
                        prop_assert!((0.0..=1.0).contains(&r));
                    }
                    if sh.basis == TotalBasis::SumOfRows && sh.residual_share.is_none() {
                        prop_assert!(sh.remainder <= 1e-9);
                    }
                    for w in sh.named.windows(2) {
                        let order = w[1].share.total_cmp(&w[0].share).then(w[0].country.cmp(&w[1].country));
                        prop_assert_eq!(order, std::cmp::Ordering::Less);
                    }
                    let c = sh.concentration();
                    prop_assert!(c.hhi <= c.hhi_upper);
                    prop_assert!(c.hhi_upper <= 10_000.0 * (1.0 + 1e-9));
                    if sh.remainder <= 1e-12 && c.n_suppliers > 0 {
                        prop_assert!(c.hhi >= 10_000.0 / c.n_suppliers as f64 - 1e-6);
                    }
                    if let (Some(lo), Some(hi)) = (c.effective_suppliers_lower, c.effective_suppliers_upper) {
                        prop_assert!(lo <= hi * (1.0 + 1e-12));
                    }
                }
            }
        }
    }
}
