//! EU JRC supply risk (SR) of the EU criticality assessment (2017 methodology, used for the
//! 2017, 2020 and 2023 lists).
//!
//! Economic importance (EI) is not computed here: a material is critical when SR ≥ 1.0 **and**
//! EI ≥ 2.8, so [`SupplyRisk::above_sr_threshold`] alone does not make a material critical.

use critmin_model::CountryCode;

/// Supply-risk threshold of the EU criticality assessment: SR ≥ 1.0 (Blengini et al. 2017).
pub const SR_CRITICAL_THRESHOLD: f64 = 1.0;

/// Economic-importance threshold of the EU criticality assessment: EI ≥ 2.8 (Blengini et al.
/// 2017). EI is not computed by critmin-metrics.
pub const EI_CRITICAL_THRESHOLD: f64 = 2.8;

/// A supply mix entry: `(country, share as a fraction, WGI governance risk on 0–10)`.
pub type MixEntry = (CountryCode, f64, f64);

/// Why the supply risk cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SupplyRiskError {
    /// A parameter is outside its range or not finite.
    #[error("{name} = {value} is outside {expected}")]
    ParamOutOfRange {
        /// Parameter name.
        name: &'static str,
        /// The offending value.
        value: f64,
        /// The accepted range.
        expected: &'static str,
    },
    /// A share is outside [0, 1] or not finite.
    #[error("{mix} mix: share of {country} = {share} is not in [0, 1] (shares are fractions)")]
    ShareOutOfRange {
        /// Which mix (`global` or `sourcing`).
        mix: &'static str,
        /// Country.
        country: CountryCode,
        /// The offending share.
        share: f64,
    },
    /// A governance score is outside [0, 10] or not finite.
    #[error("{mix} mix: WGI risk of {country} = {wgi} is not in [0, 10]")]
    GovernanceOutOfRange {
        /// Which mix.
        mix: &'static str,
        /// Country.
        country: CountryCode,
        /// The offending score.
        wgi: f64,
    },
    /// A country appears twice in a mix.
    #[error("{mix} mix: {country} appears more than once")]
    DuplicateCountry {
        /// Which mix.
        mix: &'static str,
        /// Country.
        country: CountryCode,
    },
    /// The shares of a mix add up to more than 1.
    #[error("{mix} mix: shares add up to {sum}, more than 1")]
    MixSumAboveOne {
        /// Which mix.
        mix: &'static str,
        /// Sum of the shares.
        sum: f64,
    },
    /// A mix has no supply at all (empty or all shares 0).
    #[error("{mix} mix is empty (no share > 0): supply risk would be 0 for lack of data")]
    EmptyMix {
        /// Which mix.
        mix: &'static str,
    },
    /// A trade factor is not finite or not > 0.
    #[error("trade factor of {country} = {value} is not a finite number > 0")]
    InvalidTradeFactor {
        /// Country.
        country: CountryCode,
        /// The offending value.
        value: f64,
    },
    /// A country has two trade factors.
    #[error("trade factor of {0} given more than once")]
    DuplicateTradeFactor(CountryCode),
}

/// Every input of the supply risk that the dataset lacks, with its default. The defaults are
/// echoed in [`SupplyRisk`] so that a result always states what it assumed.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyRiskParams {
    /// EU import reliance IR in [0, 1] (see [`crate::reliance::eu_import_reliance`]).
    /// Default [`Self::DEFAULT_IMPORT_RELIANCE`] = 1.0: fully import-dependent, the
    /// conservative choice (the global and the sourcing mix then weigh ½ each; while the
    /// sourcing mix defaults to the global mix, IR has no effect on SR).
    pub import_reliance: f64,
    /// End-of-life recycling input rate EOL_RIR in [0, 1]. Default 0.0: no recycling credit.
    pub eol_rir: f64,
    /// Substitution index SI_SR in [0, 1] (1 = no substitutes). Default 1.0: no substitutes.
    pub substitution_index_sr: f64,
    /// Trade factors t_c per country (> 0); countries not listed get
    /// [`Self::DEFAULT_TRADE_FACTOR`] = 1.0. The JRC uses 0.8 for countries with an EU trade
    /// agreement in force and values above 1 (up to 1.2) for export restrictions (taxes,
    /// quotas, prohibitions) — verify the step values in Blengini et al. 2017 before use.
    pub trade_factors: Vec<(CountryCode, f64)>,
    /// The EU sourcing mix (domestic production + imports), as `(country, share, WGI 0–10)`.
    /// Default `None`: the global supply mix is used for both terms.
    pub sourcing_mix: Option<Vec<MixEntry>>,
}

impl SupplyRiskParams {
    /// Default import reliance (fully import-dependent).
    pub const DEFAULT_IMPORT_RELIANCE: f64 = 1.0;
    /// Default end-of-life recycling input rate (no recycling credit).
    pub const DEFAULT_EOL_RIR: f64 = 0.0;
    /// Default substitution index (no substitutes).
    pub const DEFAULT_SUBSTITUTION_INDEX_SR: f64 = 1.0;
    /// Default trade factor (no trade agreement, no export restriction).
    pub const DEFAULT_TRADE_FACTOR: f64 = 1.0;

    /// The trade factor used for `country`: its listed value, else 1.0.
    ///
    /// Formula: `t_c` from [`Self::trade_factors`], default 1.0. Source: Blengini et al. 2017
    /// (trade parameter of HHI_WGI,t).
    pub fn trade_factor(&self, country: CountryCode) -> f64 {
        self.trade_factors
            .iter()
            .find(|(c, _)| *c == country)
            .map_or(Self::DEFAULT_TRADE_FACTOR, |&(_, t)| t)
    }

    /// Names of the parameters left at their default, for stating assumptions with a result.
    ///
    /// Formula: a parameter is "default" when it equals its `DEFAULT_*` constant (within
    /// `f64::EPSILON`), or the list/option is empty. Source: project DESIGN ("Inputs that the
    /// dataset lacks are parameters with a stated default, never silent constants").
    pub fn defaulted(&self) -> Vec<&'static str> {
        let same = |a: f64, b: f64| (a - b).abs() <= f64::EPSILON;
        let mut out = Vec::new();
        if same(self.import_reliance, Self::DEFAULT_IMPORT_RELIANCE) {
            out.push("import_reliance");
        }
        if same(self.eol_rir, Self::DEFAULT_EOL_RIR) {
            out.push("eol_rir");
        }
        if same(self.substitution_index_sr, Self::DEFAULT_SUBSTITUTION_INDEX_SR) {
            out.push("substitution_index_sr");
        }
        if self.trade_factors.is_empty() {
            out.push("trade_factors");
        }
        if self.sourcing_mix.is_none() {
            out.push("sourcing_mix");
        }
        out
    }
}

impl Default for SupplyRiskParams {
    fn default() -> Self {
        SupplyRiskParams {
            import_reliance: Self::DEFAULT_IMPORT_RELIANCE,
            eol_rir: Self::DEFAULT_EOL_RIR,
            substitution_index_sr: Self::DEFAULT_SUBSTITUTION_INDEX_SR,
            trade_factors: Vec::new(),
            sourcing_mix: None,
        }
    }
}

/// An EU JRC supply-risk result with every assumption it used.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyRisk {
    /// SR.
    pub value: f64,
    /// HHI_WGI,t of the global supply mix (0–10 when all t_c = 1).
    pub hhi_wgi_t_global: f64,
    /// HHI_WGI,t of the EU sourcing mix (equal to the global one when no sourcing mix is given).
    pub hhi_wgi_t_sourcing: f64,
    /// Whether the global mix stood in for the EU sourcing mix.
    pub sourcing_is_global_mix: bool,
    /// The parameters used (defaults included).
    pub params: SupplyRiskParams,
    /// Names of the parameters left at their default.
    pub defaulted: Vec<&'static str>,
    /// `value ≥ SR_CRITICAL_THRESHOLD`. Criticality also needs EI ≥ 2.8, not computed here.
    pub above_sr_threshold: bool,
}

fn check_unit(name: &'static str, value: f64) -> Result<f64, SupplyRiskError> {
    if value.is_finite() && (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(SupplyRiskError::ParamOutOfRange {
            name,
            value,
            expected: "[0, 1]",
        })
    }
}

fn check_trade_factors(factors: &[(CountryCode, f64)]) -> Result<(), SupplyRiskError> {
    for (i, &(country, value)) in factors.iter().enumerate() {
        if !value.is_finite() || value <= 0.0 {
            return Err(SupplyRiskError::InvalidTradeFactor { country, value });
        }
        if factors[..i].iter().any(|(c, _)| *c == country) {
            return Err(SupplyRiskError::DuplicateTradeFactor(country));
        }
    }
    Ok(())
}

fn hhi_wgi_t_checked(
    mix_name: &'static str,
    mix: &[MixEntry],
    params: &SupplyRiskParams,
) -> Result<f64, SupplyRiskError> {
    let mut sum = 0.0;
    let mut value = 0.0;
    for (i, &(country, share, wgi)) in mix.iter().enumerate() {
        if !share.is_finite() || !(0.0..=1.0).contains(&share) {
            return Err(SupplyRiskError::ShareOutOfRange {
                mix: mix_name,
                country,
                share,
            });
        }
        if !wgi.is_finite() || !(0.0..=10.0).contains(&wgi) {
            return Err(SupplyRiskError::GovernanceOutOfRange {
                mix: mix_name,
                country,
                wgi,
            });
        }
        if mix[..i].iter().any(|(c, _, _)| *c == country) {
            return Err(SupplyRiskError::DuplicateCountry { mix: mix_name, country });
        }
        sum += share;
        value += share * share * wgi * params.trade_factor(country);
    }
    if sum > 1.0 + crate::concentration::SHARE_SUM_TOLERANCE {
        return Err(SupplyRiskError::MixSumAboveOne { mix: mix_name, sum });
    }
    if sum <= 0.0 {
        return Err(SupplyRiskError::EmptyMix { mix: mix_name });
    }
    Ok(value)
}

/// Governance- and trade-weighted HHI of a supply mix.
///
/// Formula: `HHI_WGI,t = Σ_c s_c² · WGI_c · t_c`, with `s_c` fraction shares, `WGI_c` the WGI
/// governance risk on 0–10 (10 = weakest) and `t_c` the trade factor
/// ([`SupplyRiskParams::trade_factor`]); 0–10 when every `t_c = 1`. Shares may add up to less
/// than 1 (an incomplete mix gives a lower bound).
///
/// Errors: shares outside [0, 1] or adding up to more than 1 (+1e-6), WGI outside [0, 10],
/// a duplicate country, an empty mix, an invalid or duplicate trade factor.
///
/// Source: Blengini, G. A. et al. (2017), *Methodology for establishing the EU list of
/// critical raw materials — Guidelines*, EUR 28654 EN, doi:10.2760/73303.
pub fn hhi_wgi_t(mix: &[MixEntry], trade_factors: &[(CountryCode, f64)]) -> Result<f64, SupplyRiskError> {
    check_trade_factors(trade_factors)?;
    let params = SupplyRiskParams {
        trade_factors: trade_factors.to_vec(),
        ..SupplyRiskParams::default()
    };
    hhi_wgi_t_checked("supply", mix, &params)
}

/// EU JRC supply risk.
///
/// Formula:
/// `SR = [HHI_WGI,t(GS) · IR/2 + HHI_WGI,t(EU sourcing) · (1 − IR/2)] · (1 − EOL_RIR) · SI_SR`,
/// with `HHI_WGI,t = Σ_c s_c² · WGI_c · t_c` ([`hhi_wgi_t`]), GS the global supply mix
/// (`global_mix`), EU sourcing the mix of EU domestic production plus imports
/// ([`SupplyRiskParams::sourcing_mix`], default: the global mix), IR the EU import reliance,
/// EOL_RIR the end-of-life recycling input rate and SI_SR the substitution index. The same
/// trade factors apply to both mixes. Every input the dataset lacks comes from `params`, and
/// the result echoes them and names those left at default.
///
/// A material is critical when SR ≥ [`SR_CRITICAL_THRESHOLD`] (1.0) and EI ≥
/// [`EI_CRITICAL_THRESHOLD`] (2.8); EI is not computed here.
///
/// Errors: IR, EOL_RIR or SI_SR outside [0, 1]; invalid mixes or trade factors (see
/// [`hhi_wgi_t`]).
///
/// Source: Blengini, G. A. et al. (2017), *Methodology for establishing the EU list of
/// critical raw materials — Guidelines*, EUR 28654 EN, Publications Office of the EU,
/// doi:10.2760/73303; project DESIGN ("Criticality indices").
pub fn supply_risk(global_mix: &[MixEntry], params: &SupplyRiskParams) -> Result<SupplyRisk, SupplyRiskError> {
    let ir = check_unit("import_reliance", params.import_reliance)?;
    let eol = check_unit("eol_rir", params.eol_rir)?;
    let si = check_unit("substitution_index_sr", params.substitution_index_sr)?;
    check_trade_factors(&params.trade_factors)?;
    let global = hhi_wgi_t_checked("global", global_mix, params)?;
    let (sourcing, sourcing_is_global_mix) = match &params.sourcing_mix {
        Some(mix) => (hhi_wgi_t_checked("sourcing", mix, params)?, false),
        None => (global, true),
    };
    let value = (global * ir / 2.0 + sourcing * (1.0 - ir / 2.0)) * (1.0 - eol) * si;
    Ok(SupplyRisk {
        value,
        hhi_wgi_t_global: global,
        hhi_wgi_t_sourcing: sourcing,
        sourcing_is_global_mix,
        params: params.clone(),
        defaulted: params.defaulted(),
        above_sr_threshold: value >= SR_CRITICAL_THRESHOLD,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::code;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn global() -> Vec<MixEntry> {
        // CHN 0.6 (WGI 6), AUS 0.3 (1), COD 0.1 (9).
        vec![
            (code("CHN"), 0.6, 6.0),
            (code("AUS"), 0.3, 1.0),
            (code("COD"), 0.1, 9.0),
        ]
    }

    #[test]
    fn hhi_wgi_t_hand_example() {
        // 0.36·6 + 0.09·1 + 0.01·9 = 2.16 + 0.09 + 0.09 = 2.34
        assert_relative_eq!(hhi_wgi_t(&global(), &[]).unwrap(), 2.34, epsilon = 1e-12);
        // Trade agreement with AUS (0.8), export restriction in CHN (1.2):
        // 0.36·6·1.2 + 0.09·1·0.8 + 0.09 = 2.592 + 0.072 + 0.09 = 2.754
        let t = [(code("CHN"), 1.2), (code("AUS"), 0.8)];
        assert_relative_eq!(hhi_wgi_t(&global(), &t).unwrap(), 2.754, epsilon = 1e-12);
    }

    #[test]
    fn defaults_are_echoed() {
        let sr = supply_risk(&global(), &SupplyRiskParams::default()).unwrap();
        // IR = 1, same mix both terms: SR = HHI_WGI = 2.34.
        assert_relative_eq!(sr.value, 2.34, epsilon = 1e-12);
        assert!(sr.sourcing_is_global_mix);
        assert!(sr.above_sr_threshold);
        assert_eq!(
            sr.defaulted,
            vec![
                "import_reliance",
                "eol_rir",
                "substitution_index_sr",
                "trade_factors",
                "sourcing_mix"
            ]
        );
        assert_relative_eq!(sr.params.import_reliance, 1.0);
        assert_relative_eq!(sr.params.eol_rir, 0.0);
        assert_relative_eq!(sr.params.substitution_index_sr, 1.0);
        assert!(sr.params.trade_factors.is_empty() && sr.params.sourcing_mix.is_none());
    }

    #[test]
    fn full_formula_hand_example() {
        // Sourcing mix: AUS 0.5 (1), CHN 0.5 (6): 0.25 + 1.5 = 1.75.
        let params = SupplyRiskParams {
            import_reliance: 0.6,
            eol_rir: 0.1,
            substitution_index_sr: 0.9,
            trade_factors: vec![],
            sourcing_mix: Some(vec![(code("AUS"), 0.5, 1.0), (code("CHN"), 0.5, 6.0)]),
        };
        let sr = supply_risk(&global(), &params).unwrap();
        assert_relative_eq!(sr.hhi_wgi_t_sourcing, 1.75, epsilon = 1e-12);
        // [2.34·0.3 + 1.75·0.7]·0.9·0.9 = (0.702 + 1.225)·0.81 = 1.56087
        assert_relative_eq!(sr.value, 1.560_87, epsilon = 1e-12);
        assert!(!sr.sourcing_is_global_mix);
        assert_eq!(sr.defaulted, vec!["trade_factors"]);
    }

    #[test]
    fn below_threshold() {
        let mix = [(code("AUS"), 0.5, 1.0), (code("CAN"), 0.5, 1.0)];
        let sr = supply_risk(&mix, &SupplyRiskParams::default()).unwrap();
        assert_relative_eq!(sr.value, 0.5, epsilon = 1e-12);
        assert!(!sr.above_sr_threshold);
    }

    #[test]
    fn errors() {
        let bad = |p: SupplyRiskParams| supply_risk(&global(), &p).unwrap_err();
        assert!(matches!(
            bad(SupplyRiskParams {
                import_reliance: 1.5,
                ..Default::default()
            }),
            SupplyRiskError::ParamOutOfRange {
                name: "import_reliance",
                ..
            }
        ));
        assert!(matches!(
            bad(SupplyRiskParams {
                eol_rir: f64::NAN,
                ..Default::default()
            }),
            SupplyRiskError::ParamOutOfRange { name: "eol_rir", .. }
        ));
        assert!(matches!(
            bad(SupplyRiskParams {
                substitution_index_sr: -0.1,
                ..Default::default()
            }),
            SupplyRiskError::ParamOutOfRange {
                name: "substitution_index_sr",
                ..
            }
        ));
        assert!(matches!(
            bad(SupplyRiskParams {
                trade_factors: vec![(code("CHN"), 0.0)],
                ..Default::default()
            }),
            SupplyRiskError::InvalidTradeFactor { .. }
        ));
        assert!(matches!(
            bad(SupplyRiskParams {
                trade_factors: vec![(code("CHN"), 1.1), (code("CHN"), 1.2)],
                ..Default::default()
            }),
            SupplyRiskError::DuplicateTradeFactor(_)
        ));
        assert!(matches!(
            bad(SupplyRiskParams {
                sourcing_mix: Some(vec![]),
                ..Default::default()
            }),
            SupplyRiskError::EmptyMix { mix: "sourcing" }
        ));
        let p = SupplyRiskParams::default();
        assert!(matches!(
            supply_risk(&[(code("CHN"), 60.0, 6.0)], &p),
            Err(SupplyRiskError::ShareOutOfRange { mix: "global", .. })
        ));
        assert!(matches!(
            supply_risk(&[(code("CHN"), 0.6, 60.0)], &p),
            Err(SupplyRiskError::GovernanceOutOfRange { .. })
        ));
        assert!(matches!(
            supply_risk(&[(code("CHN"), 0.6, 6.0), (code("AUS"), 0.6, 1.0)], &p),
            Err(SupplyRiskError::MixSumAboveOne { .. })
        ));
        assert!(matches!(
            supply_risk(&[(code("CHN"), 0.3, 6.0), (code("CHN"), 0.3, 6.0)], &p),
            Err(SupplyRiskError::DuplicateCountry { .. })
        ));
        assert!(matches!(
            supply_risk(&[], &p),
            Err(SupplyRiskError::EmptyMix { mix: "global" })
        ));
        assert!(matches!(
            supply_risk(&[(code("CHN"), 0.0, 6.0)], &p),
            Err(SupplyRiskError::EmptyMix { .. })
        ));
    }

    proptest! {
        #[test]
        fn sr_bounded_and_monotone_in_recycling(
            weights in prop::collection::vec((0.01..10.0f64, 0.0..=10.0f64), 1..8),
            ir in 0.0..=1.0f64,
            eol in 0.0..=1.0f64,
            si in 0.0..=1.0f64,
        ) {
            let total: f64 = weights.iter().map(|(w, _)| w).sum();
            let mix: Vec<MixEntry> = weights
                .iter()
                .enumerate()
                .map(|(i, &(w, g))| (code(&crate::test_support::nth_code(i)), w / total, g))
                .collect();
            let p = SupplyRiskParams { import_reliance: ir, eol_rir: eol, substitution_index_sr: si, ..Default::default() };
            let sr = supply_risk(&mix, &p).unwrap();
            prop_assert!(sr.value >= 0.0 && sr.value <= 10.0 + 1e-9);
            let no_recycling = supply_risk(&mix, &SupplyRiskParams { eol_rir: 0.0, ..p.clone() }).unwrap();
            prop_assert!(sr.value <= no_recycling.value + 1e-12);
        }
    }
}
