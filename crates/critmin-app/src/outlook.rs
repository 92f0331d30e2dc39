//! The risked supply outlook of a mineral and stage against demand, as both shells answer it
//! (`critmin plan outlook`, `GET /api/v1/outlook`, the `/outlook` page): one nested document,
//! and its flat rows for tables and CSV.

use critmin_planner::outlook::{CountrySupply, MixConcentration, Outlook};
use serde::{Deserialize, Serialize};

/// Concentration of a supply mix.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MixRecord {
    /// HHI (0–10,000), lower bound (the residual left out).
    pub hhi: f64,
    /// HHI upper bound (the residual as one country).
    pub hhi_upper: f64,
    /// Share of the three largest named countries.
    pub top3_share: f64,
    /// Share from partners.
    pub partner_share: f64,
    /// Share from FEOC-covered countries.
    pub feoc_share: f64,
}

impl From<&MixConcentration> for MixRecord {
    fn from(m: &MixConcentration) -> MixRecord {
        MixRecord {
            hhi: m.hhi,
            hhi_upper: m.hhi_upper,
            top3_share: m.top3_share,
            partner_share: m.partner_share,
            feoc_share: m.feoc_share,
        }
    }
}

/// A quantity by country.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryQuantity {
    /// ISO3 (`ROW` for the source's residual).
    pub country: String,
    /// Quantity in the outlook's unit.
    pub quantity: f64,
}

fn quantities(list: &[CountrySupply]) -> Vec<CountryQuantity> {
    list.iter()
        .map(|c| CountryQuantity {
            country: c.country.to_string(),
            quantity: c.quantity,
        })
        .collect()
}

/// Demand of one scenario in one year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BalanceRecord {
    /// Scenario.
    pub scenario: String,
    /// Demand in the outlook's unit (absent outside the published years: never extrapolated).
    pub demand: Option<f64>,
    /// Demand − risked supply (positive = shortfall).
    pub deficit: Option<f64>,
}

/// One year of the outlook.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutlookYearRecord {
    /// Year.
    pub year: u16,
    /// Current supply held (named countries + residual).
    pub current: f64,
    /// Risked output of projects.
    pub projects: f64,
    /// Secondary supply.
    pub secondary: f64,
    /// Total risked supply.
    pub total: f64,
    /// Demand by scenario.
    pub balance: Vec<BalanceRecord>,
    /// Concentration of the mix by location.
    pub location_mix: MixRecord,
    /// Concentration of the mix by ownership.
    pub ownership_mix: MixRecord,
    /// Supply by location, largest first.
    pub by_location: Vec<CountryQuantity>,
    /// Supply by ownership, largest first.
    pub by_ownership: Vec<CountryQuantity>,
}

/// The risked supply outlook of a mineral and stage against demand.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutlookDocument {
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Unit of every quantity.
    pub unit: String,
    /// Source and year of the current supply.
    pub current_source: String,
    /// Projects counted.
    pub projects_counted: Vec<String>,
    /// Projects without a published capacity (not counted).
    pub projects_without_capacity: Vec<String>,
    /// Demand scenarios balanced.
    pub scenarios: Vec<String>,
    /// Scenarios not balanced, and why.
    pub scenarios_skipped: Vec<String>,
    /// Years.
    pub years: Vec<OutlookYearRecord>,
    /// Conventions used.
    pub assumptions: Vec<String>,
}

/// The outlook as a record.
pub fn outlook_document(o: &Outlook) -> OutlookDocument {
    OutlookDocument {
        mineral: o.mineral.to_string(),
        stage: o.stage.to_string(),
        unit: o.unit.clone(),
        current_source: o.current_source.clone(),
        projects_counted: o.projects_counted.clone(),
        projects_without_capacity: o.projects_without_capacity.clone(),
        scenarios: o.scenarios.clone(),
        scenarios_skipped: o.scenarios_skipped.clone(),
        years: o
            .years
            .iter()
            .map(|y| OutlookYearRecord {
                year: y.year,
                current: y.current,
                projects: y.projects,
                secondary: y.secondary,
                total: y.total,
                balance: y
                    .balance
                    .iter()
                    .map(|(scenario, demand, deficit)| BalanceRecord {
                        scenario: scenario.clone(),
                        demand: *demand,
                        deficit: *deficit,
                    })
                    .collect(),
                location_mix: (&y.location_mix).into(),
                ownership_mix: (&y.ownership_mix).into(),
                by_location: quantities(&y.by_location),
                by_ownership: quantities(&y.by_ownership),
            })
            .collect(),
        assumptions: o.assumptions.iter().map(|a| (*a).to_owned()).collect(),
    }
}

/// One (year, scenario) row of the outlook, flat, for tables and CSV.
#[derive(Debug, Clone, Serialize)]
pub struct OutlookRecord {
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Unit of every quantity.
    pub unit: String,
    /// Current supply held.
    pub current: f64,
    /// Risked output of projects.
    pub projects: f64,
    /// Secondary supply.
    pub secondary: f64,
    /// Total risked supply.
    pub total: f64,
    /// Demand scenario (none when the year has no demand).
    pub scenario: Option<String>,
    /// Demand (absent outside the published years).
    pub demand: Option<f64>,
    /// Demand − risked supply.
    pub deficit: Option<f64>,
    /// HHI of the mix by location.
    pub hhi_location: f64,
    /// Top-3 share by location.
    pub top3_location: f64,
    /// Partner share by location.
    pub partner_share_location: f64,
    /// FEOC share by location.
    pub feoc_share_location: f64,
    /// HHI of the mix by ownership.
    pub hhi_ownership: f64,
    /// Top-3 share by ownership.
    pub top3_ownership: f64,
    /// Partner share by ownership.
    pub partner_share_ownership: f64,
    /// FEOC share by ownership.
    pub feoc_share_ownership: f64,
    /// Source and year of the current supply.
    pub current_source: String,
}

impl OutlookDocument {
    /// One row per (year, scenario) — a year without demand scenarios keeps one row with none —
    /// for tables and CSV.
    pub fn flat_rows(&self) -> Vec<OutlookRecord> {
        let mut records = Vec::new();
        for y in &self.years {
            let row = |scenario: Option<String>, demand: Option<f64>, deficit: Option<f64>| OutlookRecord {
                mineral: self.mineral.clone(),
                stage: self.stage.clone(),
                year: y.year,
                unit: self.unit.clone(),
                current: y.current,
                projects: y.projects,
                secondary: y.secondary,
                total: y.total,
                scenario,
                demand,
                deficit,
                hhi_location: y.location_mix.hhi,
                top3_location: y.location_mix.top3_share,
                partner_share_location: y.location_mix.partner_share,
                feoc_share_location: y.location_mix.feoc_share,
                hhi_ownership: y.ownership_mix.hhi,
                top3_ownership: y.ownership_mix.top3_share,
                partner_share_ownership: y.ownership_mix.partner_share,
                feoc_share_ownership: y.ownership_mix.feoc_share,
                current_source: self.current_source.clone(),
            };
            if y.balance.is_empty() {
                records.push(row(None, None, None));
            }
            for b in &y.balance {
                records.push(row(Some(b.scenario.clone()), b.demand, b.deficit));
            }
        }
        records
    }
}
