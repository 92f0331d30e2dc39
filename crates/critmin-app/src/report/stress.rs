//! The "stress tests" section: the named historical scenarios' impact on the chosen
//! countries (India and the US by default) and the Monte Carlo supply-at-risk table, both on
//! the pooled-market networks of `critmin-network`.

use critmin_model::{CountryCode, Dataset, MineralId};
use critmin_network::{
    Convergence, MonteCarlo, PooledOptions, RiskParams, Scenarios, montecarlo::BINS, pooled_market, run_shock,
};

/// Scenarios per mineral in the report's supply-at-risk table.
pub const REPORT_RISK_SCENARIOS: u64 = 4000;
/// Seed of the report's Monte Carlo runs.
pub const REPORT_RISK_SEED: u64 = 1;

/// One country's result under one named scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct StressRow {
    /// Scenario name.
    pub scenario: String,
    /// Mineral id.
    pub mineral: String,
    /// Data year and source of the network.
    pub network: String,
    /// What the scenario does (`CHN processing → all, 50 %`).
    pub shock: String,
    /// Start date and short source.
    pub source: String,
    /// Country.
    pub country: String,
    /// Shortfall, percent of consumption.
    pub shortfall_pct: f64,
    /// Shortfall, tonnes.
    pub shortfall_t: f64,
    /// Consumption, tonnes.
    pub consumption_t: f64,
    /// Consumption basis label.
    pub basis: String,
}

/// One country's supply at risk for one mineral.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskRow {
    /// Mineral id.
    pub mineral: String,
    /// Country.
    pub country: String,
    /// Mean shortfall, percent of consumption.
    pub mean_pct: f64,
    /// VaR95, percent.
    pub var95_pct: f64,
    /// CVaR95, percent.
    pub cvar95_pct: f64,
    /// P(shortfall > 10 %).
    pub p_exceed: f64,
    /// Largest contributors to the mean shortfall.
    pub top_sources: String,
    /// Consumption basis label.
    pub basis: String,
}

/// The section's content.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StressTests {
    /// Monte Carlo scenarios per mineral.
    pub risk_scenarios: u64,
    /// Seed of the Monte Carlo runs.
    pub risk_seed: u64,
    /// Bins of the shortfall histogram the VaR and CVaR are read from.
    pub histogram_bins: usize,
    /// Named-scenario rows.
    pub scenarios: Vec<StressRow>,
    /// Supply-at-risk rows.
    pub risk: Vec<RiskRow>,
    /// Scenario parts that could not run, and why.
    pub left_out: Vec<String>,
    /// Full citations of the scenarios used.
    pub citations: Vec<String>,
}

/// Runs the named scenarios and the Monte Carlo for `countries` on the embedded data.
pub fn build_stress_tests(ds: &Dataset, countries: &[CountryCode]) -> StressTests {
    let mut out = StressTests {
        risk_scenarios: REPORT_RISK_SCENARIOS,
        risk_seed: REPORT_RISK_SEED,
        histogram_bins: BINS,
        ..StressTests::default()
    };
    let Ok(scenarios) = Scenarios::embedded() else {
        out.left_out.push("the embedded scenarios.csv did not validate".into());
        return out;
    };
    let opts = PooledOptions {
        usgs_us_consumption: true,
        nominal: countries.to_vec(),
        ..Default::default()
    };
    let in_group = |c, g| ds.in_group(c, g);
    let mut minerals: Vec<String> = Vec::new();
    for name in scenarios.names() {
        for mineral in scenarios.minerals_of(name) {
            let net = match pooled_market(ds, &MineralId(mineral.into()), &opts) {
                Ok(n) => n,
                Err(e) => {
                    out.left_out.push(format!("{name} / {mineral}: {e}"));
                    continue;
                }
            };
            let rows: Vec<_> = scenarios.rows_of(name).filter(|r| r.mineral == mineral).collect();
            let shock = scenarios.shock(name, mineral, None);
            let result = match run_shock(&net, &shock, 0.0, 0.0, Convergence::default(), &in_group) {
                Ok(r) => r,
                Err(e) => {
                    out.left_out.push(format!("{name} / {mineral}: {e}"));
                    continue;
                }
            };
            let describe = rows
                .iter()
                .map(|r| {
                    format!(
                        "{} {} → {}, {:.0} %",
                        r.country,
                        r.stage,
                        r.destination,
                        100.0 * r.severity
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            if let Some(r) = rows.first() {
                let c = format!("{} ({}): {}", r.scenario, r.start, r.citation);
                if !out.citations.contains(&c) {
                    out.citations.push(c);
                }
            }
            let network = net
                .layers
                .iter()
                .filter(|l| l.kind != critmin_network::LayerKind::Consumption)
                .map(|l| l.source.clone())
                .collect::<Vec<_>>()
                .join(" → ");
            for &country in countries {
                let Some(n) = result
                    .nodes
                    .iter()
                    .find(|n| n.country == country && n.stage == critmin_network::LayerKind::Consumption)
                else {
                    continue;
                };
                out.scenarios.push(StressRow {
                    scenario: name.to_owned(),
                    mineral: mineral.to_owned(),
                    network: network.clone(),
                    shock: describe.clone(),
                    source: rows
                        .first()
                        .map(|r| format!("{}, {}", r.source, r.start))
                        .unwrap_or_default(),
                    country: country.to_string(),
                    shortfall_pct: n.shortfall_pct.unwrap_or(0.0),
                    shortfall_t: n.shortfall,
                    consumption_t: n.baseline_input,
                    basis: n.basis.as_ref().map_or_else(String::new, |b| b.label().to_owned()),
                });
            }
            if !minerals.iter().any(|m| m == mineral) {
                minerals.push(mineral.to_owned());
            }
        }
    }
    let history = scenarios.restricting_countries();
    for mineral in &minerals {
        let Ok(net) = pooled_market(ds, &MineralId(mineral.clone()), &opts) else {
            continue;
        };
        let params = RiskParams {
            scenarios: REPORT_RISK_SCENARIOS,
            seed: REPORT_RISK_SEED,
            ..RiskParams::default()
        };
        let governance = |c: CountryCode| ds.governance_risk(c, net.year).map(|(_, r)| r);
        let Ok(mc) = MonteCarlo::new(&net, params, &governance, &history) else {
            continue;
        };
        let result = mc.run(&|_| {});
        for &country in countries {
            let Some(c) = result.consumers.iter().find(|c| c.country == country) else {
                continue;
            };
            let top = if c.mean_shortfall > 0.0 {
                c.contributions
                    .iter()
                    .take(3)
                    .map(|(s, v)| format!("{s} {:.0} %", 100.0 * v / c.mean_shortfall))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                String::new()
            };
            out.risk.push(RiskRow {
                mineral: mineral.clone(),
                country: country.to_string(),
                mean_pct: c.mean_shortfall_pct,
                var95_pct: c.var95_pct,
                cvar95_pct: c.cvar95_pct,
                p_exceed: c.p_exceed,
                top_sources: top,
                basis: c.basis.as_ref().map_or_else(String::new, |b| b.label().to_owned()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stress_tests_cover_india_and_the_us_with_their_basis() {
        let ds = critmin_data::load_embedded().unwrap();
        let s = build_stress_tests(&ds, &[CountryCode::INDIA, CountryCode::USA]);
        let cobalt_us = s
            .scenarios
            .iter()
            .find(|r| r.scenario == "drc-cobalt-2025" && r.country == "USA")
            .unwrap();
        assert_eq!(cobalt_us.basis, "usgs-salient");
        assert!(cobalt_us.shortfall_pct > 0.0 && cobalt_us.shortfall_pct <= 100.0);
        let cobalt_in = s
            .scenarios
            .iter()
            .find(|r| r.scenario == "drc-cobalt-2025" && r.country == "IND")
            .unwrap();
        assert_eq!(cobalt_in.basis, "nominal");
        assert!(s.left_out.iter().any(|l| l.contains("germanium")), "{:?}", s.left_out);
        for mineral in ["gallium", "cobalt", "nickel", "antimony"] {
            assert!(
                s.risk.iter().any(|r| r.mineral == mineral && r.country == "USA"),
                "{mineral}"
            );
        }
    }
}
