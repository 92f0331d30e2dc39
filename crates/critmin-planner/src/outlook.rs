//! Risked supply outlook: per mineral, stage and year, current supply plus each project's
//! capacity × probability (after its lead time and ramp-up), plus secondary supply; balanced
//! against each demand scenario; and the concentration of the future supply mix (HHI, top-3,
//! partner share, FEOC share), by location and by ownership.
//!
//! Conventions, stated in every result ([`Outlook::assumptions`]):
//! * current supply is the latest published series of the mineral and stage (its source and
//!   year are carried), held at that level in later years (no depletion or closure is modelled);
//! * existing output is owned by its host country (the dataset has no ownership of existing
//!   mines); a project's output is split by its owners' equity shares, and any unattributed
//!   share stays with the host country;
//! * projects without a published capacity add nothing and are listed;
//! * the source's residual (`ROW`) is one block: concentration is given as the lower bound
//!   (residual left out) as in `critmin-metrics`;
//! * demand and supply are balanced only when their units agree (`kt` vs `kt …`; project
//!   tonnes are converted to kt).

use std::collections::BTreeMap;

use critmin_metrics::concentration::Concentration;
use critmin_metrics::partner::PartnerSet;
use critmin_model::{CountryCode, Dataset, Group, MineralId, StageId};

use crate::demand::DemandScenario;
use crate::projects::Project;

/// Errors building an outlook.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutlookError {
    /// No supply series for the mineral and stage.
    #[error("no supply series for mineral `{mineral}` at stage `{stage}`; see `critmin supply` for what exists")]
    NoSupply {
        /// Mineral.
        mineral: String,
        /// Stage.
        stage: String,
    },
    /// The year range is empty.
    #[error("year range {from}–{to} is empty")]
    Years {
        /// First year.
        from: u16,
        /// Last year.
        to: u16,
    },
}

/// What the outlook is asked for.
#[derive(Debug, Clone)]
pub struct OutlookRequest<'a> {
    /// Mineral.
    pub mineral: MineralId,
    /// Stage (`mine`, `refined`, …).
    pub stage: StageId,
    /// First year.
    pub from_year: u16,
    /// Last year (inclusive).
    pub to_year: u16,
    /// Candidate and committed projects (others' minerals and stages are ignored).
    pub projects: &'a [Project],
    /// Secondary supply by year, in tonnes, and the country where it is recovered.
    pub secondary: Option<(CountryCode, &'a [(u16, f64)])>,
    /// Demand scenarios (those of other minerals are ignored).
    pub demand: &'a [DemandScenario],
    /// Partner set for the partner share.
    pub partners: PartnerSet,
}

/// Supply of one country in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct CountrySupply {
    /// Country (or `ROW` for the source's residual).
    pub country: CountryCode,
    /// Quantity in the outlook's unit.
    pub quantity: f64,
}

/// Concentration of a supply mix.
#[derive(Debug, Clone, PartialEq)]
pub struct MixConcentration {
    /// HHI (0–10,000), residual left out (lower bound).
    pub hhi: f64,
    /// HHI with the residual as one supplier (upper bound).
    pub hhi_upper: f64,
    /// Share of the three largest named suppliers.
    pub top3_share: f64,
    /// Share of partner countries.
    pub partner_share: f64,
    /// Share of FEOC-covered countries.
    pub feoc_share: f64,
}

/// Supply and balance of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlookYear {
    /// Year.
    pub year: u16,
    /// Current (existing) supply.
    pub current: f64,
    /// Risked project supply added.
    pub projects: f64,
    /// Secondary supply.
    pub secondary: f64,
    /// Total risked supply.
    pub total: f64,
    /// By location.
    pub by_location: Vec<CountrySupply>,
    /// By ownership.
    pub by_ownership: Vec<CountrySupply>,
    /// Concentration by location.
    pub location_mix: MixConcentration,
    /// Concentration by ownership.
    pub ownership_mix: MixConcentration,
    /// Demand minus supply per scenario (`None` outside the published demand years); positive
    /// means a deficit.
    pub balance: Vec<(String, Option<f64>, Option<f64>)>,
}

/// The outlook of one mineral and stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    /// Mineral.
    pub mineral: MineralId,
    /// Stage.
    pub stage: StageId,
    /// Unit of every quantity.
    pub unit: String,
    /// Source and year of the current supply.
    pub current_source: String,
    /// Year of the current supply.
    pub current_year: u16,
    /// Projects counted (id, risked output in the last year).
    pub projects_counted: Vec<String>,
    /// Projects of this mineral and stage without a published capacity.
    pub projects_without_capacity: Vec<String>,
    /// Demand scenarios balanced (name, unit, source), and those skipped with the reason.
    pub scenarios: Vec<String>,
    /// Scenarios not balanced, with why.
    pub scenarios_skipped: Vec<String>,
    /// Years.
    pub years: Vec<OutlookYear>,
    /// The conventions used.
    pub assumptions: Vec<&'static str>,
}

/// Conventions of the outlook, for display with every result.
pub const ASSUMPTIONS: [&str; 5] = [
    "current supply is the latest published series, held at that level (no depletion or closure modelled)",
    "existing output is attributed to its host country for ownership (no ownership data for existing mines)",
    "project output = capacity × probability × ramp-up fraction; unattributed equity stays with the host country",
    "projects without a published capacity add nothing and are listed",
    "concentration: HHI lower bound (the source's residual left out); top-3 among named countries",
];

/// Factor that converts tonnes into `unit` (`Some(0.001)` for kt units, `Some(1)` for t), or
/// `None` when the unit is not a tonnage.
pub fn tonnes_to_unit(unit: &str) -> Option<f64> {
    let head = unit.split_whitespace().next().unwrap_or("");
    match head {
        "kt" => Some(0.001),
        "t" => Some(1.0),
        "Mt" => Some(1e-6),
        _ => None,
    }
}

/// Builds the outlook.
pub fn outlook(dataset: &Dataset, request: &OutlookRequest<'_>) -> Result<Outlook, OutlookError> {
    if request.from_year > request.to_year {
        return Err(OutlookError::Years {
            from: request.from_year,
            to: request.to_year,
        });
    }
    let series = dataset
        .preferred_series(&request.mineral, Some(&request.stage), None, None, None)
        .ok_or_else(|| OutlookError::NoSupply {
            mineral: request.mineral.to_string(),
            stage: request.stage.to_string(),
        })?;
    let unit = series.unit.clone();
    let factor = tonnes_to_unit(&unit);
    let mut current: BTreeMap<CountryCode, f64> = BTreeMap::new();
    for row in &series.countries {
        if let Some(v) = row.value {
            current.insert(row.country, v);
        }
    }
    let named_sum: f64 = current.values().sum();
    let residual = match (&series.residual, &series.world) {
        (Some(r), _) if r.value.is_some() => r.value.unwrap_or(0.0),
        (_, Some(w)) => w.value.map_or(0.0, |w| (w - named_sum).max(0.0)),
        _ => 0.0,
    };
    let relevant: Vec<&Project> = request
        .projects
        .iter()
        .filter(|p| p.mineral == request.mineral && p.stage == request.stage)
        .collect();
    let projects_without_capacity = relevant
        .iter()
        .filter(|p| p.capacity_t.is_none())
        .map(|p| p.id.clone())
        .collect();
    let mut projects_counted = Vec::new();
    if factor.is_some() {
        projects_counted = relevant
            .iter()
            .filter(|p| p.capacity_t.is_some())
            .map(|p| p.id.clone())
            .collect();
    }
    let demand: Vec<&DemandScenario> = request.demand.iter().filter(|d| d.mineral == request.mineral).collect();
    let mut scenarios = Vec::new();
    let mut scenarios_skipped = Vec::new();
    let mut balanced: Vec<(&DemandScenario, f64)> = Vec::new();
    for d in demand {
        let label = format!("{} ({}, {})", d.scenario, d.region, d.source);
        match (tonnes_to_unit(&d.unit), factor) {
            (Some(demand_factor), Some(supply_factor)) if d.region == CountryCode::WORLD => {
                // Convert demand into the supply unit: value / demand_factor = tonnes.
                balanced.push((d, supply_factor / demand_factor));
                scenarios.push(label);
            }
            (_, _) if d.region != CountryCode::WORLD => scenarios_skipped.push(format!(
                "{label}: a country scenario is not balanced against world supply"
            )),
            _ => scenarios_skipped.push(format!("{label}: units differ (`{}` vs `{unit}`)", d.unit)),
        }
    }
    let mut years = Vec::new();
    for year in request.from_year..=request.to_year {
        let mut location = current.clone();
        let mut ownership = current.clone();
        let mut project_total = 0.0;
        if let Some(f) = factor {
            for p in &relevant {
                let Some(output) = p.risked_output(year) else { continue };
                let q = output * f;
                if q <= 0.0 {
                    continue;
                }
                project_total += q;
                *location.entry(p.country).or_default() += q;
                let mut attributed = 0.0;
                for (owner, share) in &p.owners {
                    *ownership.entry(*owner).or_default() += q * share;
                    attributed += share;
                }
                *ownership.entry(p.country).or_default() += q * (1.0 - attributed).max(0.0);
            }
        }
        let mut secondary = 0.0;
        if let (Some((country, series)), Some(f)) = (request.secondary, factor) {
            secondary = series.iter().filter(|(y, _)| *y == year).map(|(_, t)| t * f).sum();
            if secondary > 0.0 {
                *location.entry(country).or_default() += secondary;
                *ownership.entry(country).or_default() += secondary;
            }
        }
        let total = named_sum + residual + project_total + secondary;
        let balance = balanced
            .iter()
            .map(|(d, conv)| {
                let demand = d.value_at(year).map(|v| v * conv);
                (d.scenario.clone(), demand, demand.map(|v| v - total))
            })
            .collect();
        years.push(OutlookYear {
            year,
            current: named_sum + residual,
            projects: project_total,
            secondary,
            total,
            location_mix: mix(dataset, &location, residual, total, &request.partners),
            ownership_mix: mix(dataset, &ownership, residual, total, &request.partners),
            by_location: to_list(&location, residual),
            by_ownership: to_list(&ownership, residual),
            balance,
        });
    }
    Ok(Outlook {
        mineral: request.mineral.clone(),
        stage: request.stage.clone(),
        unit,
        current_source: format!("{} {}", series.key.source, series.key.year),
        current_year: series.key.year,
        projects_counted,
        projects_without_capacity,
        scenarios,
        scenarios_skipped,
        years,
        assumptions: ASSUMPTIONS.to_vec(),
    })
}

fn to_list(by_country: &BTreeMap<CountryCode, f64>, residual: f64) -> Vec<CountrySupply> {
    let mut list: Vec<CountrySupply> = by_country
        .iter()
        .map(|(&country, &quantity)| CountrySupply { country, quantity })
        .collect();
    list.sort_by(|a, b| b.quantity.total_cmp(&a.quantity).then(a.country.cmp(&b.country)));
    if residual > 0.0 {
        list.push(CountrySupply {
            country: CountryCode::REST_OF_WORLD,
            quantity: residual,
        });
    }
    list
}

/// Concentration of a mix given by country quantities plus a residual, as shares of `total`.
pub fn mix(
    dataset: &Dataset,
    by_country: &BTreeMap<CountryCode, f64>,
    residual: f64,
    total: f64,
    partners: &PartnerSet,
) -> MixConcentration {
    if total <= 0.0 {
        return MixConcentration {
            hhi: 0.0,
            hhi_upper: 0.0,
            top3_share: 0.0,
            partner_share: 0.0,
            feoc_share: 0.0,
        };
    }
    let shares: Vec<f64> = by_country.values().map(|q| (q / total).clamp(0.0, 1.0)).collect();
    let named: f64 = shares.iter().sum();
    let remainder = (residual / total).clamp(0.0, (1.0 - named).max(0.0));
    let concentration = Concentration::new(&shares, remainder).unwrap_or_else(|_| {
        // Rounding can push the sum a hair above 1; rescale rather than fail.
        let scale = 1.0 / (named + remainder);
        let rescaled: Vec<f64> = shares.iter().map(|s| s * scale).collect();
        Concentration::new(&rescaled, remainder * scale).unwrap_or(Concentration {
            hhi: 0.0,
            hhi_upper: 0.0,
            top_share: 0.0,
            top3_share: 0.0,
            effective_suppliers_lower: None,
            effective_suppliers_upper: None,
            n_suppliers: 0,
            remainder: 0.0,
        })
    });
    let share_where = |pred: &dyn Fn(CountryCode) -> bool| {
        by_country
            .iter()
            .filter(|(c, _)| pred(**c))
            .map(|(_, q)| q / total)
            .sum::<f64>()
    };
    MixConcentration {
        hhi: concentration.hhi,
        hhi_upper: concentration.hhi_upper,
        top3_share: concentration.top3_share,
        partner_share: share_where(&|c| partners.contains(c, dataset)),
        feoc_share: share_where(&|c| dataset.in_group(c, Group::Feoc)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::projects::{Offtake, ProjectStatus};
    use approx::assert_abs_diff_eq;

    fn project(country: &str, owners: Vec<(CountryCode, f64)>, capacity: Option<f64>) -> Project {
        Project {
            id: format!("p-{country}"),
            name: String::new(),
            mineral: MineralId("lithium".into()),
            stage: StageId("mine".into()),
            country: country.parse().unwrap(),
            operator: String::new(),
            owners,
            partners: vec![],
            status: ProjectStatus::UnderConstruction,
            capacity_t: capacity,
            start_year: 2027,
            ramp_up_years: 2,
            capex_usd: None,
            unit_cost_usd_per_t: None,
            offtake_premium_usd_per_t: None,
            offtakes: Vec::<Offtake>::new(),
            probability: 0.5,
            probability_is_default: false,
            source: String::new(),
        }
    }

    #[test]
    fn projects_add_risked_supply_by_location_and_ownership() {
        let dataset = critmin_data::load_embedded().unwrap();
        let projects = vec![
            project("ARG", vec![(CountryCode::INDIA, 1.0)], Some(20_000.0)),
            project("AUS", vec![], None),
        ];
        let demand = crate::demand::iea_demand().unwrap();
        let request = OutlookRequest {
            mineral: MineralId("lithium".into()),
            stage: StageId("mine".into()),
            from_year: 2026,
            to_year: 2030,
            projects: &projects,
            secondary: None,
            demand: &demand,
            partners: PartnerSet::from_groups([Group::Msp]),
        };
        let result = outlook(&dataset, &request).unwrap();
        assert_eq!(result.projects_without_capacity, vec!["p-AUS".to_owned()]);
        let y2026 = &result.years[0];
        let y2028 = &result.years[2];
        assert_abs_diff_eq!(y2026.projects, 0.0);
        // 20,000 t × 0.5 × full ramp in the second year = 10,000 t, in the series' unit.
        let expected = 10_000.0 * tonnes_to_unit(&result.unit).unwrap();
        assert_abs_diff_eq!(y2028.projects, expected, epsilon = 1e-9);
        assert_abs_diff_eq!(y2028.total - y2026.total, expected, epsilon = 1e-9);
        let india_owned = y2028
            .by_ownership
            .iter()
            .find(|c| c.country == CountryCode::INDIA)
            .map(|c| c.quantity)
            .unwrap();
        assert_abs_diff_eq!(india_owned, expected, epsilon = 1e-9);
        assert!(y2028.location_mix.hhi > 0.0 && y2028.location_mix.hhi <= 10_000.0);
        // Three IEA scenarios balanced in kt; demand known for 2030, not for 2026 and 2024 < 2026.
        assert_eq!(result.scenarios.len(), 3);
        let last = result.years.last().unwrap();
        assert!(last.balance.iter().all(|(_, d, b)| d.is_some() && b.is_some()));
    }
}
