//! Governance-weighted concentration: HHI_WGI = Σ s_i² · g_i, with bounds for the uncovered
//! remainder and for suppliers that have no governance score.

use critmin_model::{CountryCode, Dataset};

use crate::shares::SupplyShares;

/// The worst governance risk score (weakest governance) on the 0–10 scale.
pub const WORST_GOVERNANCE_RISK: f64 = 10.0;

/// Governance risk score on the 0–10 scale from the mean of the six World Governance
/// Indicators estimates (10 = weakest governance = highest risk).
///
/// Formula: `g = clamp((2.5 − mean₆) · 2, 0, 10)`; WGI estimates lie about in −2.5..2.5.
/// Returns `None` for a non-finite mean.
///
/// Source: World Bank, Worldwide Governance Indicators, 2024 update (Kaufmann & Kraay);
/// rescaling as in the EU JRC methodology (Blengini et al. 2017, EUR 28654 EN,
/// doi:10.2760/73303) and the project's `data/SOURCES.md` (derived column `wgi_risk_0_10`).
pub fn risk_0_10_from_wgi_mean(mean_of_six: f64) -> Option<f64> {
    mean_of_six
        .is_finite()
        .then(|| ((2.5 - mean_of_six) * 2.0).clamp(0.0, WORST_GOVERNANCE_RISK))
}

/// A named supplier with the governance score used for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredShare {
    /// Country.
    pub country: CountryCode,
    /// Its supply share (fraction).
    pub share: f64,
    /// Governance risk, 0–10 (10 = weakest).
    pub risk_0_10: f64,
    /// Year of the governance score used (may differ from the series year; see
    /// [`Dataset::governance_risk`]).
    pub score_year: u16,
}

/// Governance-weighted HHI of one series' shares, as a pair of bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct GovernanceHhi {
    /// Year for which scores were requested (the series year).
    pub year: u16,
    /// Lower bound, 0–10: `Σ s_i² · g_i` over named countries with a score; the remainder and
    /// unscored countries contribute 0.
    pub lower: f64,
    /// Upper bound, 0–10: the lower bound plus `10 · Σ s_u²` over unscored named countries
    /// (scored as the worst, 10) plus `10 · r²` (the remainder as one supplier with the worst
    /// score).
    pub upper: f64,
    /// Named countries with a score, in the order of the shares (largest first).
    pub scored: Vec<ScoredShare>,
    /// Named countries without a governance score, in the order of the shares.
    pub unscored: Vec<CountryCode>,
    /// The uncovered remainder `r` of the shares.
    pub remainder: f64,
    /// Distinct years of the scores used, ascending.
    pub score_years: Vec<u16>,
}

impl GovernanceHhi {
    /// The scored suppliers as `(country, share, risk_0_10)` triples, the input shape of
    /// [`crate::supply_risk::supply_risk`] (unscored countries and the remainder are left
    /// out, so an HHI computed from it is a lower bound).
    ///
    /// Formula: none (a projection of [`Self::scored`]). Source: as [`governance_hhi`].
    pub fn as_mix(&self) -> Vec<(CountryCode, f64, f64)> {
        self.scored.iter().map(|s| (s.country, s.share, s.risk_0_10)).collect()
    }
}

/// Governance-weighted HHI of `shares`, with scores looked up in `dataset` for the series
/// year (or the nearest year [`Dataset::governance_risk`] finds).
///
/// Formula: `HHI_WGI = Σ_i s_i² · g_i`, `s_i` fraction shares, `g_i` ∈ [0, 10] the WGI-based
/// risk score (10 = weakest), so the result lies in [0, 10].
/// - `lower` = the sum over named countries with a score (remainder and unscored → 0);
/// - `upper` = `lower + 10 · Σ_unscored s_u² + 10 · r²` (unscored countries and the remainder,
///   as one supplier, at the worst score). A score outside [0, 10] is clamped into it; a NaN
///   score counts as missing.
///
/// Source: EU JRC criticality methodology, Blengini et al. (2017), *Methodology for
/// establishing the EU list of critical raw materials*, EUR 28654 EN, doi:10.2760/73303
/// (HHI_WGI without the trade factor); project DESIGN ("Governance-weighted concentration").
pub fn governance_hhi(shares: &SupplyShares, dataset: &Dataset) -> GovernanceHhi {
    let year = shares.key.year;
    let mut lower = 0.0;
    let mut unscored_sq = 0.0;
    let mut scored = Vec::new();
    let mut unscored = Vec::new();
    for c in &shares.named {
        match dataset.governance_risk(c.country, year) {
            Some((score_year, g)) if !g.is_nan() => {
                let g = g.clamp(0.0, WORST_GOVERNANCE_RISK);
                lower += c.share * c.share * g;
                scored.push(ScoredShare {
                    country: c.country,
                    share: c.share,
                    risk_0_10: g,
                    score_year,
                });
            }
            _ => {
                unscored_sq += c.share * c.share;
                unscored.push(c.country);
            }
        }
    }
    let r = shares.remainder;
    let upper = lower + WORST_GOVERNANCE_RISK * (unscored_sq + r * r);
    let mut score_years: Vec<u16> = scored.iter().map(|s| s.score_year).collect();
    score_years.sort_unstable();
    score_years.dedup();
    GovernanceHhi {
        year,
        lower,
        upper,
        scored,
        unscored,
        remainder: r,
        score_years,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{arb_series, code, dataset, row, series};
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    #[test]
    fn wgi_rescaling() {
        assert_relative_eq!(risk_0_10_from_wgi_mean(2.5).unwrap(), 0.0);
        assert_relative_eq!(risk_0_10_from_wgi_mean(0.0).unwrap(), 5.0);
        assert_relative_eq!(risk_0_10_from_wgi_mean(-2.5).unwrap(), 10.0);
        assert_relative_eq!(risk_0_10_from_wgi_mean(1.14).unwrap(), 2.72, epsilon = 1e-12);
        assert_relative_eq!(risk_0_10_from_wgi_mean(3.0).unwrap(), 0.0);
        assert_relative_eq!(risk_0_10_from_wgi_mean(-3.0).unwrap(), 10.0);
        assert_eq!(risk_0_10_from_wgi_mean(f64::NAN), None);
    }

    #[test]
    fn hand_example_with_unscored_and_remainder() {
        // CHN 0.5 (g 6), AUS 0.2 (g 1, from 2022), BRA 0.1 (no score), ROW 0.2.
        let s = series(
            &[("CHN", Some(50.0)), ("AUS", Some(20.0)), ("BRA", Some(10.0))],
            Some(row("ROW", Some(20.0))),
            None,
        );
        let sh = SupplyShares::from_series(&s).unwrap();
        let g = governance_hhi(&sh, &dataset());
        // lower = 0.25·6 + 0.04·1 = 1.54
        assert_relative_eq!(g.lower, 1.54, epsilon = 1e-12);
        // upper = 1.54 + 10·0.01 + 10·0.04 = 2.04
        assert_relative_eq!(g.upper, 2.04, epsilon = 1e-12);
        assert_eq!(g.unscored, vec![code("BRA")]);
        assert_eq!(g.score_years, vec![2022, 2023]);
        assert_eq!(g.year, 2024);
        let mix = g.as_mix();
        assert_eq!(mix.len(), 2);
        assert_eq!(mix[0].0, code("CHN"));
        assert_relative_eq!(mix[0].2, 6.0);
    }

    #[test]
    fn all_scored_no_remainder_is_exact() {
        let s = series(&[("CHN", Some(1.0)), ("USA", Some(1.0))], None, None);
        let sh = SupplyShares::from_series(&s).unwrap();
        let g = governance_hhi(&sh, &dataset());
        // 0.25·6 + 0.25·2 = 2.0
        assert_relative_eq!(g.lower, 2.0, epsilon = 1e-12);
        assert_relative_eq!(g.upper, g.lower);
        assert!(g.unscored.is_empty());
    }

    proptest! {
        #[test]
        fn bounds_ordered_and_in_range(s in arb_series()) {
            if let Ok(sh) = SupplyShares::from_series(&s) {
                let g = governance_hhi(&sh, &dataset());
                prop_assert!(g.lower >= 0.0);
                prop_assert!(g.lower <= g.upper);
                prop_assert!(g.upper <= 10.0 * (1.0 + 1e-9));
                // Every score is at most 10, so HHI_WGI ≤ 10 · Σ s² (+ 10 · r²) = hhi_upper / 1,000.
                let c = sh.concentration();
                prop_assert!(g.upper <= c.hhi_upper / 1_000.0 + 1e-9);
            }
        }
    }
}
