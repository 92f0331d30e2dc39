//! The result of a deterministic shock as both shells print it: per country and stage, with
//! its totals and mass balance (`critmin shock --format json`, `POST /api/v1/shocks`).

use critmin_network::{Cut, Restriction};
use serde::{Deserialize, Serialize};

use super::shock::ShockRun;

/// One node of a shock result, as both shells print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeRecord {
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// Stage (`mining`, `processing`, `manufacturing`, `consumption`).
    pub stage: String,
    /// ISO3 code (or `ROW`).
    pub country: String,
    /// Baseline input (consumers: consumption), tonnes.
    pub baseline_input_t: f64,
    /// Input received after the shock, tonnes.
    pub received_t: f64,
    /// Stock drawn, tonnes.
    pub stock_drawn_t: f64,
    /// Shortfall, tonnes.
    pub shortfall_t: f64,
    /// Shortfall, percent of the baseline input.
    pub shortfall_pct: Option<f64>,
    /// Baseline output, tonnes.
    pub baseline_output_t: f64,
    /// Output after the shock, tonnes.
    pub output_t: f64,
    /// Supply it could not sell, tonnes.
    pub unsold_t: f64,
    /// Headroom used, tonnes.
    pub headroom_used_t: f64,
    /// Basis of a consumer's consumption figure.
    pub consumption_basis: Option<String>,
    /// Re-sourcing iterations of the whole propagation.
    pub iterations: u32,
    /// Mass-balance error of the whole propagation.
    pub mass_balance_error: f64,
}

/// The result of a deterministic shock, per country and stage, with its totals and mass
/// balance: `critmin shock --format json` and `POST /api/v1/shocks` answer this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShockDocument {
    /// Mineral id.
    pub mineral: String,
    /// Data year.
    pub year: u16,
    /// The network's basis (`trade BACI V202601 2024`, `pooled-market estimate`), when the
    /// request chose one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Named scenario, when one was used.
    pub scenario: Option<String>,
    /// Cuts applied, `ISO3:STAGE:FRACTION`.
    pub cuts: Vec<String>,
    /// Restrictions applied, `ISO3:STAGE:DEST:SEVERITY`.
    pub restrictions: Vec<String>,
    /// Stockpile days.
    pub stockpile_days: f64,
    /// Mine headroom.
    pub spare_capacity: f64,
    /// Re-sourcing iterations.
    pub iterations: u32,
    /// Whether every layer converged.
    pub converged: bool,
    /// Convergence tolerance.
    pub tolerance: f64,
    /// Iteration cap per stage.
    pub max_iterations_per_stage: u32,
    /// Supply lost, tonnes.
    pub lost_supply_t: f64,
    /// Shortfalls, tonnes.
    pub shortfall_t: f64,
    /// Stock drawn, tonnes.
    pub stock_drawn_t: f64,
    /// Headroom used, tonnes.
    pub headroom_used_t: f64,
    /// |lost supply − (shortfall + stock drawn)| / total baseline flow.
    pub mass_balance_error: f64,
    /// Each layer with its source and unit.
    pub layers: Vec<String>,
    /// Notes on the network's data.
    pub notes: Vec<String>,
    /// Nodes with a baseline input, layer by layer.
    pub nodes: Vec<NodeRecord>,
}

/// `ISO3:STAGE:FRACTION` of a cut.
pub fn describe_cut(c: &Cut) -> String {
    format!("{}:{}:{}", c.country, c.stage, c.fraction)
}

/// `ISO3:STAGE:DEST:SEVERITY` of a restriction.
pub fn describe_ban(r: &Restriction) -> String {
    format!("{}:{}:{}:{}", r.country, r.stage, r.destination, r.severity)
}

impl ShockDocument {
    /// The document of a run.
    pub fn new(run: &ShockRun) -> ShockDocument {
        let result = &run.result;
        let o = result.outcome;
        let nodes = result
            .nodes
            .iter()
            .filter(|n| n.baseline_input > 0.0)
            .map(|n| NodeRecord {
                mineral: result.mineral.to_string(),
                year: result.year,
                stage: n.stage.to_string(),
                country: n.country.to_string(),
                baseline_input_t: n.baseline_input,
                received_t: n.received,
                stock_drawn_t: n.stock_drawn,
                shortfall_t: n.shortfall,
                shortfall_pct: n.shortfall_pct,
                baseline_output_t: n.baseline_output,
                output_t: n.output,
                unsold_t: n.stranded,
                headroom_used_t: n.headroom_used,
                consumption_basis: n.basis.as_ref().map(ToString::to_string),
                iterations: o.iterations,
                mass_balance_error: o.mass_balance_error,
            })
            .collect();
        ShockDocument {
            mineral: result.mineral.to_string(),
            year: result.year,
            basis: run.basis.clone(),
            scenario: run.request.scenario.clone(),
            cuts: run.request.shock.cuts.iter().map(describe_cut).collect(),
            restrictions: run.request.shock.restrictions.iter().map(describe_ban).collect(),
            stockpile_days: run.request.stockpile_days,
            spare_capacity: run.request.spare_capacity,
            iterations: o.iterations,
            converged: o.converged,
            tolerance: run.convergence.tolerance,
            max_iterations_per_stage: run.convergence.max_iterations,
            lost_supply_t: o.lost_supply,
            shortfall_t: o.shortfall,
            stock_drawn_t: o.stock_drawn,
            headroom_used_t: o.headroom_used,
            mass_balance_error: o.mass_balance_error,
            layers: run
                .network
                .layers
                .iter()
                .map(|l| format!("{}: {} ({})", l.kind, l.source, l.source_unit))
                .collect(),
            notes: run.network.notes.clone(),
            nodes,
        }
    }
}
