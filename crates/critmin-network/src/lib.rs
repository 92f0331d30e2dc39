//! The stage network of a mineral and what happens to it under shocks.
//!
//! - [`network`]: the (country, stage) network with contained-tonne edges, built from trade
//!   flows ([`Network::from_flows`], the [`critmin_model::MineralFlow`] contract) or, without
//!   them, from the embedded production data ([`pooled_market`], a documented pooled-market
//!   estimate), with a consumption layer whose every figure names its basis
//!   ([`ConsumptionBasis`]; US consumption from the USGS salient files in [`consumption`]).
//! - [`shock`] and [`propagate`]: capacity cuts and export restrictions (by destination: all,
//!   a country, a group), propagated by proportional trade allocation with reserves (Marchand
//!   et al. 2016; Burkholz & Schweitzer 2019), stage by stage, to a fixed point, with an
//!   exact mass balance (lost supply = shortfalls + stock drawn).
//! - [`trade`]: the network on real trade ([`trade_network`]): bilateral flows plus each
//!   country's production kept at home, so its use is production − net exports.
//! - [`scenario`]: the named historical scenarios shipped as data, validated with line numbers.
//! - [`disruption`]: the disruption model (its parameters, [`RiskParams`], checked in one
//!   place; per-country cut and restriction probabilities from governance and restriction
//!   history; the random draws of each scenario) and [`DisruptionSampler`], the same draws
//!   without a network, for the planner's CVaR scenarios.
//! - [`montecarlo`]: those disruptions propagated through the network, streamed into
//!   per-country mean shortfall, VaR95, CVaR95, exceedance probability and source
//!   contributions; identical whatever the number of threads.
//!
//! Requests as data (the CLI's flags, the server's JSON) and the documents of their results
//! live in `critmin-app`; this crate takes and returns its own types only.
//!
//! Invariants: a network's node output and input are the sums of its edges (mass-balanced by
//! construction); after any propagation, lost supply equals shortfall plus stock drawn within
//! floating-point rounding (reported as `mass_balance_error`). Boundary: no IO beyond the
//! compiled-in data files, no printing, no serialization; depends on `critmin-model` (and on
//! `critmin-data` only for its problem type).

pub mod consumption;
pub mod disruption;
pub mod flows;
pub mod montecarlo;
pub mod network;
pub mod pooled;
pub mod propagate;
pub mod scenario;
pub mod shock;
pub mod trade;

pub use disruption::{DisruptionSampler, Draws, RiskParams, SourceRisk};
pub use flows::parse_flows;
pub use montecarlo::{ConsumerRisk, MonteCarlo, RiskResult};
pub use network::{ConsumptionBasis, Edge, Layer, LayerKind, Network, Node};
pub use pooled::{PooledOptions, pooled_market};
pub use propagate::{Convergence, Outcome, Workspace, propagate};
pub use scenario::{ScenarioKind, ScenarioRow, Scenarios, parse_scenarios};
pub use shock::{
    Cut, Destination, NodeResult, Restriction, Shock, ShockResult, apply_shock, producing_node, run_shock,
};
pub use trade::{StageProduction, trade_network};

/// Why a network could not be built or a shock not applied.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// The data needed are missing.
    #[error("{0}")]
    NoData(String),
    /// The network is malformed.
    #[error("malformed network: {0}")]
    Structure(String),
    /// The shock does not fit the network, or one of its figures is out of range.
    #[error("{0}")]
    Shock(String),
    /// A Monte Carlo parameter is out of range (named as its request field).
    #[error(transparent)]
    Parameter(#[from] critmin_model::FieldError),
}
