//! Import reliance: the USGS net import reliance (percent of apparent consumption) and the EU
//! import reliance of the JRC criticality method.

/// Why an import-reliance figure cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RelianceError {
    /// An input is NaN or infinite.
    #[error("{field} = {value} is not a finite number")]
    NotFinite {
        /// Name of the input.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// Production, imports or exports is negative.
    #[error("{field} = {value} is negative; flows are quantities ≥ 0")]
    Negative {
        /// Name of the input.
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// Apparent consumption (given or computed) is zero or negative: reliance is undefined.
    #[error(
        "apparent consumption = {0} is not > 0: reliance is undefined (check that exports and stock \
         changes do not exceed production plus imports)"
    )]
    NonPositiveConsumption(f64),
}

fn finite(field: &'static str, value: f64) -> Result<f64, RelianceError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(RelianceError::NotFinite { field, value })
    }
}

fn flow(field: &'static str, value: f64) -> Result<f64, RelianceError> {
    let v = finite(field, value)?;
    if v < 0.0 {
        Err(RelianceError::Negative { field, value })
    } else {
        Ok(v)
    }
}

/// Inputs of the USGS net import reliance, all in one unit (e.g. t of contained metal) for one
/// country, commodity form and year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NirInputs {
    /// Domestic production (primary, plus secondary where the source counts it), ≥ 0.
    pub production: f64,
    /// Imports, ≥ 0.
    pub imports: f64,
    /// Exports, ≥ 0.
    pub exports: f64,
    /// Change in government and industry stocks over the year: positive when stocks increased,
    /// negative when they were drawn down.
    pub stock_change: f64,
    /// Published apparent consumption, when the caller has it. It is then used as the
    /// denominator (USGS apparent consumption sometimes includes items outside the simple
    /// balance, e.g. secondary production or unreported stocks).
    pub apparent_consumption: Option<f64>,
}

/// A net import reliance figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NetImportReliance {
    /// Net importer (or balanced): NIR ≥ 0, in percent of apparent consumption. Above 100 only
    /// when a published apparent consumption is smaller than net imports, which signals
    /// inconsistent inputs; the raw value is kept.
    Percent(f64),
    /// Net exporter (USGS prints "E"): the raw, negative NIR in percent.
    NetExporter {
        /// The raw NIR in percent (< 0).
        percent: f64,
    },
}

impl NetImportReliance {
    /// The raw NIR in percent, negative for a net exporter.
    ///
    /// Formula: as [`net_import_reliance`]. Source: USGS Mineral Commodity Summaries 2025.
    pub fn percent(&self) -> f64 {
        match *self {
            NetImportReliance::Percent(p) | NetImportReliance::NetExporter { percent: p } => p,
        }
    }

    /// Whether the country is a net exporter (USGS "E").
    ///
    /// Formula: `NIR < 0`. Source: USGS Mineral Commodity Summaries 2025 ("E" = net exporter).
    pub fn is_net_exporter(&self) -> bool {
        matches!(self, NetImportReliance::NetExporter { .. })
    }

    /// Whether the figure exceeds 100 %, which only inconsistent inputs can produce.
    ///
    /// Formula: `NIR > 100`; with a computed AC and production ≥ 0, `NIR ≤ 100` always, so only a
    /// published AC below net imports can trigger it. Source: as [`net_import_reliance`].
    pub fn exceeds_100(&self) -> bool {
        matches!(self, NetImportReliance::Percent(p) if *p > 100.0)
    }
}

/// USGS net import reliance, in percent of apparent consumption.
///
/// Formula: `NIR = (imports − exports − Δstocks) / AC × 100`, with Δstocks the change in
/// government and industry stocks (positive = stocks increased) and apparent consumption
/// `AC = production + imports − exports − Δstocks` unless a published AC is given (then that
/// is the denominator). A negative NIR means a net exporter ([`NetImportReliance::NetExporter`],
/// USGS "E").
///
/// Errors: a non-finite input; negative production, imports or exports; AC ≤ 0.
///
/// Source: U.S. Geological Survey (2025), *Mineral Commodity Summaries 2025*,
/// doi:10.3133/mcs2025 — introduction/appendix definitions of net import reliance and
/// apparent consumption ("imports − exports ± adjustments for government and industry stock
/// changes"; verify the wording against the MCS 2025 appendix).
pub fn net_import_reliance(inputs: &NirInputs) -> Result<NetImportReliance, RelianceError> {
    let production = flow("production", inputs.production)?;
    let imports = flow("imports", inputs.imports)?;
    let exports = flow("exports", inputs.exports)?;
    let stock_change = finite("stock_change", inputs.stock_change)?;
    let net = imports - exports - stock_change;
    let ac = match inputs.apparent_consumption {
        Some(ac) => finite("apparent_consumption", ac)?,
        None => production + net,
    };
    if !ac.is_finite() {
        return Err(RelianceError::NotFinite {
            field: "apparent_consumption",
            value: ac,
        });
    }
    if ac <= 0.0 {
        return Err(RelianceError::NonPositiveConsumption(ac));
    }
    let percent = net / ac * 100.0;
    if !percent.is_finite() {
        return Err(RelianceError::NotFinite {
            field: "net import reliance",
            value: percent,
        });
    }
    Ok(if percent < 0.0 {
        NetImportReliance::NetExporter { percent }
    } else {
        NetImportReliance::Percent(percent)
    })
}

/// EU import reliance of the JRC criticality method, a fraction in [0, 1].
///
/// Formula: `IR = (import − export) / (domestic production + import − export)`, bounded to
/// [0, 1] (a net exporter gets 0).
///
/// Errors: a non-finite or negative input; a denominator ≤ 0 (exports exceed production plus
/// imports).
///
/// Source: Blengini, G. A. et al. (2017), *Methodology for establishing the EU list of critical
/// raw materials — Guidelines*, EUR 28654 EN, Publications Office of the EU,
/// doi:10.2760/73303 (supply risk, import reliance).
pub fn eu_import_reliance(domestic_production: f64, imports: f64, exports: f64) -> Result<f64, RelianceError> {
    let p = flow("domestic_production", domestic_production)?;
    let i = flow("imports", imports)?;
    let e = flow("exports", exports)?;
    let denominator = p + i - e;
    if !denominator.is_finite() {
        return Err(RelianceError::NotFinite {
            field: "apparent consumption",
            value: denominator,
        });
    }
    if denominator <= 0.0 {
        return Err(RelianceError::NonPositiveConsumption(denominator));
    }
    Ok(((i - e) / denominator).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn inputs(production: f64, imports: f64, exports: f64, stock_change: f64) -> NirInputs {
        NirInputs {
            production,
            imports,
            exports,
            stock_change,
            apparent_consumption: None,
        }
    }

    #[test]
    fn nir_hand_examples() {
        // P 20, I 100, E 10, stocks +10: AC = 100, net = 80 → 80 %.
        let nir = net_import_reliance(&inputs(20.0, 100.0, 10.0, 10.0)).unwrap();
        assert!(matches!(nir, NetImportReliance::Percent(_)));
        assert_relative_eq!(nir.percent(), 80.0, epsilon = 1e-12);
        // Stock draw-down of 10 adds to consumption: AC = 120, net = 100 → 83.33 %.
        let nir = net_import_reliance(&inputs(20.0, 100.0, 10.0, -10.0)).unwrap();
        assert_relative_eq!(nir.percent(), 100.0 / 1.2, epsilon = 1e-12);
        // No production: 100 %.
        let nir = net_import_reliance(&inputs(0.0, 50.0, 0.0, 0.0)).unwrap();
        assert_relative_eq!(nir.percent(), 100.0);
        assert!(!nir.exceeds_100());
        // Self-sufficient, no trade: 0 %.
        let nir = net_import_reliance(&inputs(10.0, 0.0, 0.0, 0.0)).unwrap();
        assert!(!nir.is_net_exporter());
        assert_relative_eq!(nir.percent(), 0.0);
    }

    #[test]
    fn net_exporter() {
        // P 100, I 10, E 50: AC 60, net −40 → −66.7 %, "E".
        let nir = net_import_reliance(&inputs(100.0, 10.0, 50.0, 0.0)).unwrap();
        assert!(nir.is_net_exporter());
        assert_relative_eq!(nir.percent(), -40.0 / 60.0 * 100.0, epsilon = 1e-12);
    }

    #[test]
    fn published_apparent_consumption_is_the_denominator() {
        let mut i = inputs(20.0, 100.0, 10.0, 10.0);
        i.apparent_consumption = Some(160.0);
        assert_relative_eq!(net_import_reliance(&i).unwrap().percent(), 50.0);
        // A published AC below net imports gives > 100 %, kept raw and flagged.
        i.apparent_consumption = Some(40.0);
        let nir = net_import_reliance(&i).unwrap();
        assert_relative_eq!(nir.percent(), 200.0);
        assert!(nir.exceeds_100());
    }

    #[test]
    fn nir_errors() {
        assert!(matches!(
            net_import_reliance(&inputs(-1.0, 1.0, 0.0, 0.0)),
            Err(RelianceError::Negative {
                field: "production",
                ..
            })
        ));
        assert!(matches!(
            net_import_reliance(&inputs(1.0, f64::NAN, 0.0, 0.0)),
            Err(RelianceError::NotFinite { field: "imports", .. })
        ));
        assert!(matches!(
            net_import_reliance(&inputs(1.0, 1.0, -2.0, 0.0)),
            Err(RelianceError::Negative { field: "exports", .. })
        ));
        assert!(matches!(
            net_import_reliance(&inputs(1.0, 1.0, 0.0, f64::INFINITY)),
            Err(RelianceError::NotFinite {
                field: "stock_change",
                ..
            })
        ));
        // Exports exceed production + imports: AC < 0.
        assert!(matches!(
            net_import_reliance(&inputs(1.0, 1.0, 5.0, 0.0)),
            Err(RelianceError::NonPositiveConsumption(_))
        ));
        assert!(matches!(
            net_import_reliance(&inputs(0.0, 0.0, 0.0, 0.0)),
            Err(RelianceError::NonPositiveConsumption(_))
        ));
        let mut i = inputs(1.0, 1.0, 0.0, 0.0);
        i.apparent_consumption = Some(0.0);
        assert!(matches!(
            net_import_reliance(&i),
            Err(RelianceError::NonPositiveConsumption(_))
        ));
        i.apparent_consumption = Some(f64::NAN);
        assert!(matches!(net_import_reliance(&i), Err(RelianceError::NotFinite { .. })));
        // Overflow in the balance.
        assert!(net_import_reliance(&inputs(f64::MAX, f64::MAX, 0.0, 0.0)).is_err());
    }

    #[test]
    fn eu_ir_hand_examples() {
        // P 10, I 100, E 20 → 80 / 90.
        assert_relative_eq!(
            eu_import_reliance(10.0, 100.0, 20.0).unwrap(),
            80.0 / 90.0,
            epsilon = 1e-12
        );
        assert_relative_eq!(eu_import_reliance(0.0, 5.0, 0.0).unwrap(), 1.0);
        // Net exporter is bounded at 0.
        assert_relative_eq!(eu_import_reliance(100.0, 10.0, 50.0).unwrap(), 0.0);
        assert!(matches!(
            eu_import_reliance(0.0, 1.0, 2.0),
            Err(RelianceError::NonPositiveConsumption(_))
        ));
        assert!(matches!(
            eu_import_reliance(-1.0, 1.0, 0.0),
            Err(RelianceError::Negative { .. })
        ));
        assert!(matches!(
            eu_import_reliance(1.0, f64::NAN, 0.0),
            Err(RelianceError::NotFinite { .. })
        ));
    }

    proptest! {
        #[test]
        fn computed_nir_at_most_100_and_eu_ir_in_unit_interval(
            p in 0.0..1e6f64, i in 0.0..1e6f64, e in 0.0..1e6f64, ds in -1e5..1e5f64,
        ) {
            match net_import_reliance(&inputs(p, i, e, ds)) {
                Ok(nir) => prop_assert!(nir.percent() <= 100.0 + 1e-9),
                Err(err) => prop_assert!(matches!(err, RelianceError::NonPositiveConsumption(_))),
            }
            match eu_import_reliance(p, i, e) {
                Ok(ir) => prop_assert!((0.0..=1.0).contains(&ir)),
                Err(err) => prop_assert!(matches!(err, RelianceError::NonPositiveConsumption(_))),
            }
        }
    }
}
