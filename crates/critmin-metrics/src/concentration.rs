//! Concentration of supply on plain numbers: HHI, top-k share, effective number of suppliers,
//! the lower/upper HHI bounds implied by an uncovered remainder, and the DOJ/FTC bands.
//!
//! Shares are fractions of a total (0.25 = 25 %). HHI is reported on the 0–10,000 scale.

use std::fmt;

/// How far the sum of a set of shares (plus a remainder) may exceed 1 before the input is
/// rejected as not being shares of one total. Covers floating-point error and the rounding of
/// shares published to a few decimals.
pub const SHARE_SUM_TOLERANCE: f64 = 1e-6;

/// Why a set of numbers is not a valid set of shares.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShareError {
    /// A share is NaN or infinite.
    #[error("share #{index} is not a finite number ({value})")]
    NotFinite {
        /// Position of the share in the input.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A share is below 0 or above 1 (percent given instead of a fraction?).
    #[error("share #{index} = {value} is outside [0, 1]; shares are fractions (0.25 = 25 %), not percent")]
    OutOfRange {
        /// Position of the share in the input.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// The uncovered remainder is negative or not finite.
    #[error("remainder {0} is not a finite number ≥ 0")]
    InvalidRemainder(f64),
    /// The shares (plus the remainder) add up to more than 1.
    #[error("shares add up to {0}, more than 1: they are not shares of one total")]
    SumAboveOne(f64),
}

/// Checks that every share is finite and in [0, 1] and that together with `remainder` they add
/// up to at most 1 (+ [`SHARE_SUM_TOLERANCE`]); returns the sum of the shares.
fn validate(shares: &[f64], remainder: f64) -> Result<f64, ShareError> {
    let mut sum = 0.0;
    for (index, &value) in shares.iter().enumerate() {
        if !value.is_finite() {
            return Err(ShareError::NotFinite { index, value });
        }
        if !(0.0..=1.0).contains(&value) {
            return Err(ShareError::OutOfRange { index, value });
        }
        sum += value;
    }
    if !remainder.is_finite() || remainder < 0.0 {
        return Err(ShareError::InvalidRemainder(remainder));
    }
    if sum + remainder > 1.0 + SHARE_SUM_TOLERANCE {
        return Err(ShareError::SumAboveOne(sum + remainder));
    }
    Ok(sum)
}

/// Σ s² without validation (callers have validated).
fn sum_of_squares(shares: &[f64]) -> f64 {
    shares.iter().map(|s| s * s).sum()
}

/// Herfindahl–Hirschman index on the 0–10,000 scale.
///
/// Formula: `HHI = 10,000 · Σ_i s_i²`, with `s_i` the suppliers' shares as fractions of one
/// total (equivalently `Σ (100·s_i)²` with shares in percent). An empty slice gives 0.
///
/// Errors: a share that is not finite or outside [0, 1], or shares adding up to more than
/// 1 + [`SHARE_SUM_TOLERANCE`].
///
/// Source: Herfindahl (1950), Hirschman (1945); scale and use as in the U.S. DOJ/FTC
/// Horizontal Merger Guidelines (2010), §5.3.
pub fn hhi(shares: &[f64]) -> Result<f64, ShareError> {
    validate(shares, 0.0)?;
    Ok(10_000.0 * sum_of_squares(shares))
}

/// Share of the `k` largest suppliers (the concentration ratio CR_k), as a fraction.
///
/// Formula: `CR_k = Σ_{i ≤ k} s_(i)` with `s_(1) ≥ s_(2) ≥ …` the shares in descending order.
/// The input may be in any order (it is sorted here); `k = 0` gives 0 and `k` larger than the
/// number of shares gives their sum.
///
/// Errors: as for [`hhi`].
///
/// Source: the k-firm concentration ratio (e.g. OECD Glossary of Statistical Terms,
/// "concentration ratio"); k = 3 is the IEA headline metric (IEA, Global Critical Minerals
/// Outlook 2024).
pub fn top_k_share(shares: &[f64], k: usize) -> Result<f64, ShareError> {
    validate(shares, 0.0)?;
    Ok(top_k_unchecked(shares, k))
}

fn top_k_unchecked(shares: &[f64], k: usize) -> f64 {
    let mut sorted = shares.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    sorted.iter().take(k).sum()
}

/// Effective number of suppliers ("numbers equivalent" of the HHI): the number of equal-sized
/// suppliers that would give the same HHI.
///
/// Formula: `N_eff = 10,000 / HHI` (HHI on the 0–10,000 scale).
/// Returns `None` when the HHI is not finite or not > 0 (no identified supplier: the number is
/// unbounded or undefined).
///
/// Source: Adelman, M. A. (1969), "Comment on the 'H' concentration measure as a
/// numbers-equivalent", Review of Economics and Statistics 51(1): 99–101.
pub fn effective_number(hhi_0_10000: f64) -> Option<f64> {
    (hhi_0_10000.is_finite() && hhi_0_10000 > 0.0).then(|| 10_000.0 / hhi_0_10000)
}

/// Interpretation band of an HHI (0–10,000 scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConcentrationBand {
    /// HHI below 1,500.
    Unconcentrated,
    /// HHI from 1,500 to 2,500 (both included).
    Moderate,
    /// HHI above 2,500.
    High,
}

impl ConcentrationBand {
    /// Lower edge of [`ConcentrationBand::Moderate`].
    pub const MODERATE_FROM: f64 = 1_500.0;
    /// Upper edge of [`ConcentrationBand::Moderate`]; above it is [`ConcentrationBand::High`].
    pub const HIGH_ABOVE: f64 = 2_500.0;

    /// The band of an HHI on the 0–10,000 scale.
    ///
    /// Formula: `HHI < 1,500` → unconcentrated; `1,500 ≤ HHI ≤ 2,500` → moderately
    /// concentrated; `HHI > 2,500` → highly concentrated. Returns `None` for a NaN HHI.
    ///
    /// Source: U.S. DOJ/FTC Horizontal Merger Guidelines (2010), §5.3 (used here for
    /// interpretation only, not as a legal test; the 2023 Merger Guidelines use 1,000/1,800).
    pub fn from_hhi(hhi_0_10000: f64) -> Option<ConcentrationBand> {
        if hhi_0_10000.is_nan() {
            None
        } else if hhi_0_10000 < Self::MODERATE_FROM {
            Some(ConcentrationBand::Unconcentrated)
        } else if hhi_0_10000 <= Self::HIGH_ABOVE {
            Some(ConcentrationBand::Moderate)
        } else {
            Some(ConcentrationBand::High)
        }
    }

    /// Short identifier (`unconcentrated`, `moderate`, `high`).
    ///
    /// Formula: none (a stable label for scripts and output). Source: this crate.
    pub fn id(self) -> &'static str {
        match self {
            ConcentrationBand::Unconcentrated => "unconcentrated",
            ConcentrationBand::Moderate => "moderate",
            ConcentrationBand::High => "high",
        }
    }
}

impl fmt::Display for ConcentrationBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConcentrationBand::Unconcentrated => "unconcentrated (HHI < 1,500)",
            ConcentrationBand::Moderate => "moderately concentrated (HHI 1,500–2,500)",
            ConcentrationBand::High => "highly concentrated (HHI > 2,500)",
        })
    }
}

/// Concentration of a supply split into named suppliers plus an uncovered remainder.
///
/// The remainder `r` is the part of the total that no named supplier accounts for (the
/// source's "rest of world" row, withheld figures, or a gap between the world total and the
/// rows). Its split among suppliers is unknown, so the HHI is given as a pair of bounds:
///
/// - [`hhi`](Self::hhi), the **lower bound**: the remainder is taken as infinitely many
///   infinitesimal suppliers and contributes 0: `10,000 · Σ s_i²`.
/// - [`hhi_upper`](Self::hhi_upper), the **upper bound**: the remainder is taken as one
///   supplier: `10,000 · (Σ s_i² + r²)`.
///
/// The true HHI lies between them as long as the remainder belongs to suppliers other than
/// the named ones (if part of it is in fact a named supplier's unreported output, the true HHI
/// can exceed the upper bound). With `r = 0` both are equal and exact.
#[derive(Debug, Clone, PartialEq)]
pub struct Concentration {
    /// Lower-bound HHI (0–10,000): remainder contributes 0.
    pub hhi: f64,
    /// Upper-bound HHI (0–10,000): remainder counted as one supplier.
    pub hhi_upper: f64,
    /// Largest named share (0 when there is none).
    pub top_share: f64,
    /// Sum of the three largest named shares (the remainder is never part of it).
    pub top3_share: f64,
    /// Effective number of suppliers from the upper-bound HHI (`10,000 / hhi_upper`): the
    /// lower bound on the effective number. `None` when `hhi_upper` is 0 (no supply at all).
    pub effective_suppliers_lower: Option<f64>,
    /// Effective number of suppliers from the lower-bound HHI (`10,000 / hhi`): the upper bound
    /// on the effective number. `None` when `hhi` is 0 (only a remainder: unbounded).
    pub effective_suppliers_upper: Option<f64>,
    /// Named suppliers with a share > 0.
    pub n_suppliers: usize,
    /// The uncovered remainder `r`, as a fraction of the total.
    pub remainder: f64,
}

impl Concentration {
    /// Concentration of named-supplier shares `named` (fractions of one total) plus an
    /// uncovered remainder `remainder` (normally `1 − Σ named`).
    ///
    /// Formulas: `hhi = 10,000 · Σ s_i²`; `hhi_upper = hhi + 10,000 · r²`;
    /// `top3_share = CR_3` over named suppliers; `effective_suppliers_lower = 10,000 /
    /// hhi_upper`; `effective_suppliers_upper = 10,000 / hhi`; `n_suppliers = #{i : s_i > 0}`.
    ///
    /// Errors: a share not finite or outside [0, 1], a negative or non-finite remainder, or
    /// `Σ s_i + r > 1 + SHARE_SUM_TOLERANCE`.
    ///
    /// Source: HHI and bands as in [`hhi`]; the residual bounds follow the project DESIGN
    /// ("ROW … concentration figures say whether they treat it as one supplier (upper bound)
    /// or leave it out (lower bound)").
    pub fn new(named: &[f64], remainder: f64) -> Result<Concentration, ShareError> {
        validate(named, remainder)?;
        Ok(Concentration::from_valid(named, remainder))
    }

    /// Same as [`Concentration::new`] for inputs already known to be valid.
    pub(crate) fn from_valid(named: &[f64], remainder: f64) -> Concentration {
        let hhi = 10_000.0 * sum_of_squares(named);
        let hhi_upper = hhi + 10_000.0 * remainder * remainder;
        Concentration {
            hhi,
            hhi_upper,
            top_share: top_k_unchecked(named, 1),
            top3_share: top_k_unchecked(named, 3),
            effective_suppliers_lower: effective_number(hhi_upper),
            effective_suppliers_upper: effective_number(hhi),
            n_suppliers: named.iter().filter(|&&s| s > 0.0).count(),
            remainder,
        }
    }

    /// DOJ/FTC band of the lower-bound HHI (`None` only for a NaN HHI, which valid input
    /// cannot produce).
    ///
    /// Formula and source: [`ConcentrationBand::from_hhi`] applied to [`Self::hhi`].
    pub fn band_lower(&self) -> Option<ConcentrationBand> {
        ConcentrationBand::from_hhi(self.hhi)
    }

    /// DOJ/FTC band of the upper-bound HHI.
    ///
    /// Formula and source: [`ConcentrationBand::from_hhi`] applied to [`Self::hhi_upper`].
    pub fn band_upper(&self) -> Option<ConcentrationBand> {
        ConcentrationBand::from_hhi(self.hhi_upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    #[test]
    fn hhi_hand_examples() {
        assert_relative_eq!(hhi(&[0.5, 0.3, 0.2]).unwrap(), 3_800.0, epsilon = 1e-9);
        assert_relative_eq!(hhi(&[0.5, 0.5]).unwrap(), 5_000.0, epsilon = 1e-9);
        assert_relative_eq!(hhi(&[1.0]).unwrap(), 10_000.0, epsilon = 1e-9);
        assert_relative_eq!(hhi(&[0.25; 4]).unwrap(), 2_500.0, epsilon = 1e-9);
        assert_relative_eq!(hhi(&[]).unwrap(), 0.0);
    }

    #[test]
    fn hhi_rejects_bad_shares() {
        assert!(matches!(
            hhi(&[0.5, f64::NAN]),
            Err(ShareError::NotFinite { index: 1, .. })
        ));
        assert!(matches!(
            hhi(&[f64::INFINITY]),
            Err(ShareError::NotFinite { index: 0, .. })
        ));
        assert!(matches!(
            hhi(&[-0.1, 0.5]),
            Err(ShareError::OutOfRange { index: 0, .. })
        ));
        // Percent instead of fractions.
        assert!(matches!(
            hhi(&[50.0, 30.0, 20.0]),
            Err(ShareError::OutOfRange { index: 0, .. })
        ));
        assert!(matches!(hhi(&[0.7, 0.6]), Err(ShareError::SumAboveOne(_))));
        let msg = hhi(&[50.0]).unwrap_err().to_string();
        assert!(msg.contains("fractions"), "{msg}");
    }

    #[test]
    fn top_k_any_order() {
        let s = [0.2, 0.5, 0.1, 0.2];
        assert_relative_eq!(top_k_share(&s, 0).unwrap(), 0.0);
        assert_relative_eq!(top_k_share(&s, 1).unwrap(), 0.5);
        assert_relative_eq!(top_k_share(&s, 3).unwrap(), 0.9, epsilon = 1e-12);
        assert_relative_eq!(top_k_share(&s, 10).unwrap(), 1.0, epsilon = 1e-12);
        assert!(top_k_share(&[f64::NAN], 1).is_err());
    }

    #[test]
    fn effective_number_examples() {
        assert_relative_eq!(effective_number(5_000.0).unwrap(), 2.0);
        assert_relative_eq!(effective_number(10_000.0).unwrap(), 1.0);
        assert_relative_eq!(effective_number(3_800.0).unwrap(), 2.631_578_947_368_421);
        assert_eq!(effective_number(0.0), None);
        assert_eq!(effective_number(-1.0), None);
        assert_eq!(effective_number(f64::NAN), None);
        assert_eq!(effective_number(f64::INFINITY), None);
    }

    #[test]
    fn bands_at_edges() {
        use ConcentrationBand::*;
        assert_eq!(ConcentrationBand::from_hhi(0.0), Some(Unconcentrated));
        assert_eq!(ConcentrationBand::from_hhi(1_499.99), Some(Unconcentrated));
        assert_eq!(ConcentrationBand::from_hhi(1_500.0), Some(Moderate));
        assert_eq!(ConcentrationBand::from_hhi(2_500.0), Some(Moderate));
        assert_eq!(ConcentrationBand::from_hhi(2_500.01), Some(High));
        assert_eq!(ConcentrationBand::from_hhi(10_000.0), Some(High));
        assert_eq!(ConcentrationBand::from_hhi(f64::NAN), None);
        assert_eq!(High.id(), "high");
        assert!(Moderate.to_string().contains("1,500"));
    }

    #[test]
    fn concentration_with_remainder_bounds() {
        let c = Concentration::new(&[0.6], 0.4).unwrap();
        assert_relative_eq!(c.hhi, 3_600.0, epsilon = 1e-9);
        assert_relative_eq!(c.hhi_upper, 5_200.0, epsilon = 1e-9);
        assert_relative_eq!(c.top_share, 0.6);
        assert_relative_eq!(c.top3_share, 0.6);
        assert_eq!(c.n_suppliers, 1);
        assert_relative_eq!(c.effective_suppliers_lower.unwrap(), 10_000.0 / 5_200.0);
        assert_relative_eq!(c.effective_suppliers_upper.unwrap(), 10_000.0 / 3_600.0);
        assert_eq!(c.band_lower(), Some(ConcentrationBand::High));
        assert_eq!(c.band_upper(), Some(ConcentrationBand::High));
    }

    #[test]
    fn concentration_exact_without_remainder() {
        let c = Concentration::new(&[0.5, 0.3, 0.2, 0.0], 0.0).unwrap();
        assert_relative_eq!(c.hhi, 3_800.0, epsilon = 1e-9);
        assert_relative_eq!(c.hhi_upper, c.hhi);
        assert_relative_eq!(c.top3_share, 1.0, epsilon = 1e-12);
        assert_eq!(c.n_suppliers, 3);
    }

    #[test]
    fn concentration_only_remainder_and_empty() {
        let c = Concentration::new(&[], 1.0).unwrap();
        assert_relative_eq!(c.hhi, 0.0);
        assert_relative_eq!(c.hhi_upper, 10_000.0);
        assert_eq!(c.effective_suppliers_upper, None);
        assert_relative_eq!(c.effective_suppliers_lower.unwrap(), 1.0);
        assert_relative_eq!(c.top_share, 0.0);
        assert_eq!(c.n_suppliers, 0);

        let empty = Concentration::new(&[], 0.0).unwrap();
        assert_eq!(empty.effective_suppliers_lower, None);
        assert_eq!(empty.effective_suppliers_upper, None);
    }

    #[test]
    fn concentration_rejects_bad_remainder() {
        assert!(matches!(
            Concentration::new(&[0.5], -0.1),
            Err(ShareError::InvalidRemainder(_))
        ));
        assert!(matches!(
            Concentration::new(&[0.5], f64::NAN),
            Err(ShareError::InvalidRemainder(_))
        ));
        assert!(matches!(
            Concentration::new(&[0.5], 0.6),
            Err(ShareError::SumAboveOne(_))
        ));
    }

    /// Shares of one total: n raw positive weights normalised to sum to 1.
    fn full_shares() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(0.0..1_000.0f64, 1..30).prop_filter_map("zero total", |w| {
            let total: f64 = w.iter().sum();
            (total > 0.0).then(|| w.iter().map(|x| x / total).collect())
        })
    }

    proptest! {
        #[test]
        fn hhi_between_one_over_n_and_10000(shares in full_shares()) {
            let h = hhi(&shares).unwrap();
            let n = shares.iter().filter(|&&s| s > 0.0).count() as f64;
            prop_assert!(h >= 10_000.0 / n - 1e-6, "hhi {h} < 10000/{n}");
            prop_assert!(h <= 10_000.0 + 1e-6);
        }

        #[test]
        fn bounds_are_ordered(shares in full_shares(), cut in 0usize..30) {
            // Move the tail of the list into the remainder.
            let cut = cut.min(shares.len());
            let (named, rest) = shares.split_at(cut);
            let r: f64 = rest.iter().sum();
            let c = Concentration::new(named, r).unwrap();
            prop_assert!(c.hhi <= c.hhi_upper);
            prop_assert!(c.hhi_upper <= 10_000.0 + 1e-6);
            // The true HHI of the full split lies between the bounds.
            let truth = hhi(&shares).unwrap();
            prop_assert!(c.hhi <= truth + 1e-6 && truth <= c.hhi_upper + 1e-6);
            if let (Some(lo), Some(hi)) = (c.effective_suppliers_lower, c.effective_suppliers_upper) {
                prop_assert!(lo <= hi + 1e-9);
            }
            prop_assert!(c.top_share <= c.top3_share + 1e-12);
        }
    }
}
