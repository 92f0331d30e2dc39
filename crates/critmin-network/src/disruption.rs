//! The disruption model of the Monte Carlo: its parameters, the yearly cut and restriction
//! probabilities of each supplying country, and the random draws of every scenario. It needs
//! no network, so the planner's CVaR scenarios ([`DisruptionSampler`]) and the network runs of
//! `montecarlo` draw the same disruptions.
//!
//! **Disruptions.** Every scenario draws, for each supplying country in code order, whether
//! it suffers a capacity cut (all its producing nodes) and whether it restricts exports (to
//! every foreign buyer, all its producing nodes), each with a random severity uniform in
//! [`RiskParams::severity_min`, `RiskParams::severity_max`]. Default probabilities per year:
//! - cut: `p_cut_base + p_cut_governance × g/10` = 2 % + 3 % × g/10,
//! - restriction: `p_ban_base + p_ban_governance × g/10 + p_ban_history × h`
//!   = 0 % + 1 % × g/10 + 10 % × h,
//!
//! with g the WGI governance risk (0–10, 10 = weakest; `default_governance_risk` = 5 when a
//! country has none, e.g. `ROW`) and h = 1 when the country imposed a restriction in the
//! named scenarios (restriction history). These are documented defaults for exploration,
//! not calibrated frequencies; every one is a parameter.
//!
//! **Reproducibility.** Scenario i uses its own xoshiro256++ generator seeded from
//! SplitMix64(seed, i) and always draws four numbers per country, so its disruptions depend
//! only on (seed, i).

use std::collections::BTreeSet;

use critmin_model::{CountryCode, FieldError};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use crate::NetworkError;
use crate::propagate::Convergence;

/// Parameters of a Monte Carlo run, the one definition of them: every request (the CLI's
/// flags, the server's JSON) ends up here and is checked by [`RiskParams::check`]. See the
/// module documentation for the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskParams {
    /// Number of scenarios.
    pub scenarios: u64,
    /// Seed.
    pub seed: u64,
    /// Base yearly probability of a capacity cut.
    pub p_cut_base: f64,
    /// Added probability of a cut at the weakest governance (g = 10).
    pub p_cut_governance: f64,
    /// Base yearly probability of an export restriction.
    pub p_ban_base: f64,
    /// Added probability of a restriction at the weakest governance.
    pub p_ban_governance: f64,
    /// Added probability of a restriction for a country with restriction history.
    pub p_ban_history: f64,
    /// Governance risk assumed for a country without WGI data.
    pub default_governance_risk: f64,
    /// Smallest severity drawn.
    pub severity_min: f64,
    /// Largest severity drawn.
    pub severity_max: f64,
    /// Shortfall fraction whose exceedance probability is reported.
    pub threshold: f64,
    /// Stockpile days at every buyer.
    pub stockpile_days: f64,
    /// Headroom of every mine, as a fraction of its baseline output (0 = running at capacity).
    pub spare_capacity: f64,
    /// Re-sourcing convergence.
    pub convergence: Convergence,
}

impl Default for RiskParams {
    fn default() -> Self {
        RiskParams {
            scenarios: 10_000,
            seed: 1,
            p_cut_base: 0.02,
            p_cut_governance: 0.03,
            p_ban_base: 0.0,
            p_ban_governance: 0.01,
            p_ban_history: 0.10,
            default_governance_risk: 5.0,
            severity_min: 0.25,
            severity_max: 1.0,
            threshold: 0.10,
            stockpile_days: 0.0,
            spare_capacity: 0.0,
            convergence: Convergence::default(),
        }
    }
}

impl RiskParams {
    /// Checks every parameter, naming the first one out of range as its request field
    /// (`p_cut_base`, `severity_min`, ...). The number of scenarios is the caller's limit.
    pub fn check(&self) -> Result<(), FieldError> {
        for (name, v) in [
            ("threshold", self.threshold),
            ("p_cut_base", self.p_cut_base),
            ("p_cut_governance", self.p_cut_governance),
            ("p_ban_base", self.p_ban_base),
            ("p_ban_governance", self.p_ban_governance),
            ("p_ban_history", self.p_ban_history),
            ("severity_min", self.severity_min),
            ("severity_max", self.severity_max),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(FieldError::new(
                    name,
                    format!("{v}: expected a fraction between 0 and 1"),
                ));
            }
        }
        if self.severity_min > self.severity_max {
            return Err(FieldError::new(
                "severity_min",
                format!("{} is above severity_max {}", self.severity_min, self.severity_max),
            ));
        }
        if !(0.0..=10.0).contains(&self.default_governance_risk) {
            return Err(FieldError::new(
                "default_governance_risk",
                format!("{}: expected 0 to 10", self.default_governance_risk),
            ));
        }
        non_negative("stockpile_days", self.stockpile_days, "a number of days")?;
        non_negative("spare_capacity", self.spare_capacity, "a fraction")?;
        Ok(())
    }
}

/// `v` when it is a finite number ≥ 0; else an error naming `field` (`what` says what it is).
pub fn non_negative(field: &str, v: f64, what: &str) -> Result<f64, FieldError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(FieldError::new(field, format!("{v}: expected {what} ≥ 0")))
    }
}

/// The disruption probabilities of one supplying country.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRisk {
    /// Country.
    pub country: CountryCode,
    /// WGI governance risk used (0–10), `None` when the default was used.
    pub governance_risk: Option<f64>,
    /// Restriction history.
    pub history: bool,
    /// Yearly probability of a capacity cut.
    pub p_cut: f64,
    /// Yearly probability of an export restriction.
    pub p_ban: f64,
}

/// Draws of one scenario: per source, cut severity and restriction severity (0 = none).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draws {
    /// Cut severity per source (in the order of the run's or the sampler's sources).
    pub cut: Vec<f64>,
    /// Restriction severity per source.
    pub ban: Vec<f64>,
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

impl SourceRisk {
    /// The probabilities of `country` under `params`: governance risk from `governance` (the
    /// default when it has none), restriction history from `history`.
    pub fn new(
        country: CountryCode,
        params: &RiskParams,
        governance: &dyn Fn(CountryCode) -> Option<f64>,
        history: &BTreeSet<CountryCode>,
    ) -> SourceRisk {
        let g = governance(country);
        let gr = g.unwrap_or(params.default_governance_risk) / 10.0;
        let h = history.contains(&country);
        SourceRisk {
            country,
            governance_risk: g,
            history: h,
            p_cut: (params.p_cut_base + params.p_cut_governance * gr).min(1.0),
            p_ban: (params.p_ban_base + params.p_ban_governance * gr + if h { params.p_ban_history } else { 0.0 })
                .min(1.0),
        }
    }
}

/// Scenario `index`'s draws over `sources`, in their order: four uniform numbers per source
/// from a generator seeded by (seed, index) alone.
pub(crate) fn draw_into(params: &RiskParams, sources: &[SourceRisk], index: u64, draws: &mut Draws) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(splitmix64(params.seed ^ splitmix64(index)));
    draws.cut.resize(sources.len(), 0.0);
    draws.ban.resize(sources.len(), 0.0);
    let span = params.severity_max - params.severity_min;
    for (i, s) in sources.iter().enumerate() {
        let (u_cut, s_cut, u_ban, s_ban) = (unit(&mut rng), unit(&mut rng), unit(&mut rng), unit(&mut rng));
        draws.cut[i] = if u_cut < s.p_cut {
            params.severity_min + span * s_cut
        } else {
            0.0
        };
        draws.ban[i] = if u_ban < s.p_ban {
            params.severity_min + span * s_ban
        } else {
            0.0
        };
    }
}

/// The disruption model of the Monte Carlo without a network: scenarios of the share of
/// supply a buyer loses from each of a list of countries. This is what the diversification
/// optimizer of `critmin-planner` takes as CVaR scenarios.
///
/// The draws are those of a network run (`MonteCarlo::draw`): with the same parameters and the same
/// countries in the same order, scenario i disrupts the same countries with the same
/// severities. Countries appended after a network's supplying countries do not change the
/// draws of the ones before (each source consumes four numbers in order).
///
/// A buyer loses `cut` of a member country's supply (an export restriction does not apply at
/// home) and `1 − (1 − cut)(1 − restriction)` of a foreign country's. This is the direct loss,
/// before any re-sourcing: the optimizer decides the sourcing itself.
#[derive(Debug, Clone)]
pub struct DisruptionSampler {
    params: RiskParams,
    sources: Vec<SourceRisk>,
}

impl DisruptionSampler {
    /// Probabilities for `countries` (kept in the order given; duplicates are an error).
    pub fn new(
        params: RiskParams,
        countries: &[CountryCode],
        governance: &dyn Fn(CountryCode) -> Option<f64>,
        history: &BTreeSet<CountryCode>,
    ) -> Result<DisruptionSampler, NetworkError> {
        params.check()?;
        let mut seen = BTreeSet::new();
        if let Some(dup) = countries.iter().find(|c| !seen.insert(**c)) {
            return Err(NetworkError::Shock(format!(
                "country {dup} listed twice for the disruption draws"
            )));
        }
        let sources = countries
            .iter()
            .map(|&c| SourceRisk::new(c, &params, governance, history))
            .collect();
        Ok(DisruptionSampler { params, sources })
    }

    /// The countries and their probabilities, in draw order.
    pub fn sources(&self) -> &[SourceRisk] {
        &self.sources
    }

    /// The draws of scenario `index`.
    pub fn draw(&self, index: u64, draws: &mut Draws) {
        draw_into(&self.params, &self.sources, index, draws);
    }

    /// Share of each source's supply (0–1, in [`Self::sources`] order) that a buyer made of
    /// `members` loses in each of the first `params.scenarios` scenarios.
    pub fn supply_lost(&self, members: &[CountryCode]) -> Vec<Vec<f64>> {
        let mut draws = Draws::default();
        (0..self.params.scenarios)
            .map(|index| {
                self.draw(index, &mut draws);
                self.sources
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        if members.contains(&s.country) {
                            draws.cut[i]
                        } else {
                            1.0 - (1.0 - draws.cut[i]) * (1.0 - draws.ban[i])
                        }
                    })
                    .collect()
            })
            .collect()
    }
}
