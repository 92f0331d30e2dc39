//! GeoPolRisk: the import-based geopolitical supply risk of a raw material for one country.

use critmin_model::CountryCode;

/// Why GeoPolRisk cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoPolRiskError {
    /// The HHI is not a fraction in [0, 1] (pass `hhi_0_10000 / 10,000`).
    #[error("HHI = {0} is not in [0, 1]; GeoPolRisk takes the HHI as a fraction (HHI_0_10000 / 10,000)")]
    HhiOutOfRange(f64),
    /// Domestic production is negative or not finite.
    #[error("domestic production = {0} is not a finite number ≥ 0")]
    InvalidProduction(f64),
    /// An import quantity is negative or not finite.
    #[error("imports from {country} = {value} is not a finite number ≥ 0")]
    InvalidImports {
        /// Exporting country.
        country: CountryCode,
        /// The offending value.
        value: f64,
    },
    /// A governance instability score is outside [0, 1] or not finite.
    #[error("instability of {country} = {value} is not in [0, 1] (pass the 0–10 WGI risk / 10)")]
    InvalidInstability {
        /// Exporting country.
        country: CountryCode,
        /// The offending value.
        value: f64,
    },
    /// Neither imports nor domestic production: the weighted trade average is undefined.
    #[error("no imports and no domestic production: the weighted trade average is undefined")]
    NoSupply,
}

/// A GeoPolRisk result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPolRisk {
    /// `HHI × WTA`, in [0, 1].
    pub value: f64,
    /// The import-share-weighted governance instability (weighted trade average), in [0, 1].
    pub wta: f64,
    /// The HHI used (fraction of global production).
    pub hhi: f64,
    /// Total imports `Σ F_i`.
    pub total_imports: f64,
    /// Domestic production `P`.
    pub domestic_production: f64,
}

/// Governance instability on 0–1 from the WGI risk score on 0–10.
///
/// Formula: `g = risk_0_10 / 10`, clamped to [0, 1]; `None` for a non-finite input.
/// Source: as [`geopolrisk`] (instability scaled to 0–1); project DESIGN.
pub fn instability_from_risk_0_10(risk_0_10: f64) -> Option<f64> {
    risk_0_10.is_finite().then(|| (risk_0_10 / 10.0).clamp(0.0, 1.0))
}

/// GeoPolRisk of a raw material for an importing country.
///
/// Formula: `GeoPolRisk = HHI × WTA`, `WTA = Σ_i F_i · g_i / (Σ_i F_i + P)`, with `HHI` the
/// concentration of global production as a fraction (0–1, i.e. the 0–10,000 HHI / 10,000),
/// `F_i` the imports from country `i`, `g_i` its governance instability in [0, 1], and `P`
/// the domestic production (which dilutes the import risk). `imports` holds
/// `(country, F_i, g_i)`.
///
/// The original papers score `g_i` with the WGI "Political Stability and Absence of Violence"
/// indicator; critmin passes whatever 0–1 score the caller gives, by default the six-indicator
/// WGI risk / 10 ([`instability_from_risk_0_10`]). Which HHI to pass (lower bound, upper
/// bound) is the caller's choice and should be stated with the result.
///
/// Errors: HHI outside [0, 1]; negative or non-finite imports or production; `g_i` outside
/// [0, 1]; `Σ F_i + P = 0`.
///
/// Source: Gemechu, E. D., Helbig, C., Sonnemann, G., Thorenz, A., Tuma, A. (2016),
/// "Import-based indicator for the geopolitical supply risk of raw materials in life cycle
/// sustainability assessments", Journal of Industrial Ecology 20(1): 154–165,
/// doi:10.1111/jiec.12279; Helbig, C. et al. (2016), Journal of Cleaner Production 137:
/// 1170–1178 (domestic production as a risk-mitigating term in the denominator);
/// Santillán-Saldivar, J. et al. (2021), Resources, Conservation and Recycling 164: 105108,
/// doi:10.1016/j.resconrec.2020.105108 (recycling extension, not modelled here); the
/// `geopolrisk-py` library documentation, Equation 1 (akoyamp/geopolrisk-py, `docs/background.rst`).
pub fn geopolrisk(
    hhi_fraction: f64,
    imports: &[(CountryCode, f64, f64)],
    domestic_production: f64,
) -> Result<GeoPolRisk, GeoPolRiskError> {
    if !hhi_fraction.is_finite() || !(0.0..=1.0).contains(&hhi_fraction) {
        return Err(GeoPolRiskError::HhiOutOfRange(hhi_fraction));
    }
    if !domestic_production.is_finite() || domestic_production < 0.0 {
        return Err(GeoPolRiskError::InvalidProduction(domestic_production));
    }
    let mut total_imports = 0.0;
    let mut weighted = 0.0;
    for &(country, f, g) in imports {
        if !f.is_finite() || f < 0.0 {
            return Err(GeoPolRiskError::InvalidImports { country, value: f });
        }
        if !g.is_finite() || !(0.0..=1.0).contains(&g) {
            return Err(GeoPolRiskError::InvalidInstability { country, value: g });
        }
        total_imports += f;
        weighted += f * g;
    }
    let denominator = total_imports + domestic_production;
    if !denominator.is_finite() {
        return Err(GeoPolRiskError::InvalidProduction(denominator));
    }
    if denominator <= 0.0 {
        return Err(GeoPolRiskError::NoSupply);
    }
    let wta = (weighted / denominator).clamp(0.0, 1.0);
    Ok(GeoPolRisk {
        value: hhi_fraction * wta,
        wta,
        hhi: hhi_fraction,
        total_imports,
        domestic_production,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::code;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    #[test]
    fn hand_example() {
        // HHI 0.38; imports 60 from CHN (g 0.6), 40 from AUS (g 0.1); P = 100.
        // WTA = (36 + 4) / 200 = 0.2; GeoPolRisk = 0.076.
        let r = geopolrisk(0.38, &[(code("CHN"), 60.0, 0.6), (code("AUS"), 40.0, 0.1)], 100.0).unwrap();
        assert_relative_eq!(r.wta, 0.2, epsilon = 1e-12);
        assert_relative_eq!(r.value, 0.076, epsilon = 1e-12);
        assert_relative_eq!(r.total_imports, 100.0);
        // Without domestic production WTA is the import-weighted mean instability.
        let r = geopolrisk(0.38, &[(code("CHN"), 60.0, 0.6), (code("AUS"), 40.0, 0.1)], 0.0).unwrap();
        assert_relative_eq!(r.wta, 0.4, epsilon = 1e-12);
        // Domestic supply only: no import risk.
        let r = geopolrisk(0.5, &[], 10.0).unwrap();
        assert_relative_eq!(r.value, 0.0);
    }

    #[test]
    fn instability_scaling() {
        assert_relative_eq!(instability_from_risk_0_10(6.0).unwrap(), 0.6);
        assert_relative_eq!(instability_from_risk_0_10(12.0).unwrap(), 1.0);
        assert_eq!(instability_from_risk_0_10(f64::NAN), None);
    }

    #[test]
    fn errors() {
        let chn = code("CHN");
        assert!(matches!(
            geopolrisk(3_800.0, &[], 1.0),
            Err(GeoPolRiskError::HhiOutOfRange(_))
        ));
        assert!(matches!(
            geopolrisk(f64::NAN, &[], 1.0),
            Err(GeoPolRiskError::HhiOutOfRange(_))
        ));
        assert!(matches!(
            geopolrisk(0.5, &[], -1.0),
            Err(GeoPolRiskError::InvalidProduction(_))
        ));
        assert!(matches!(
            geopolrisk(0.5, &[(chn, -1.0, 0.5)], 1.0),
            Err(GeoPolRiskError::InvalidImports { .. })
        ));
        assert!(matches!(
            geopolrisk(0.5, &[(chn, 1.0, 6.0)], 1.0),
            Err(GeoPolRiskError::InvalidInstability { .. })
        ));
        assert!(matches!(
            geopolrisk(0.5, &[(chn, 0.0, 0.5)], 0.0),
            Err(GeoPolRiskError::NoSupply)
        ));
        assert!(geopolrisk(0.5, &[(chn, f64::MAX, 0.5)], f64::MAX).is_err());
    }

    proptest! {
        #[test]
        fn wta_and_value_in_unit_interval(
            hhi in 0.0..=1.0f64,
            flows in prop::collection::vec((0.0..1e6f64, 0.0..=1.0f64), 0..10),
            p in 0.0..1e6f64,
        ) {
            let imports: Vec<_> = flows.iter().map(|&(f, g)| (code("CHN"), f, g)).collect();
            if let Ok(r) = geopolrisk(hhi, &imports, p) {
                prop_assert!((0.0..=1.0).contains(&r.wta));
                prop_assert!(r.value <= hhi + 1e-12);
            }
        }
    }
}
