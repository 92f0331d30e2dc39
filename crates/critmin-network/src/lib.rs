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
//! - [`scenario`]: the named historical scenarios shipped as data, validated with line numbers.
//! - [`montecarlo`]: random disruptions from governance and restriction history, streamed
//!   into per-country mean shortfall, VaR95, CVaR95, exceedance probability and source
//!   contributions; identical whatever the number of threads.
//! - [`spec`]: shock and Monte Carlo requests as data (the CLI's flags, the server's JSON),
//!   parsed into this crate's types with errors naming the field, and the JSON documents of
//!   their results; the crate's only serialization.
//!
//! Invariants: a network's node output and input are the sums of its edges (mass-balanced by
//! construction); after any propagation, lost supply equals shortfall plus stock drawn within
//! floating-point rounding (reported as `mass_balance_error`). Boundary: no IO beyond the
//! compiled-in data files, no printing, serialization only in [`spec`]; depends on `critmin-model` (and on
//! `critmin-data` only for its problem type).

pub mod consumption;
pub mod flows;
pub mod montecarlo;
pub mod network;
pub mod pooled;
pub mod propagate;
pub mod scenario;
pub mod shock;
pub mod spec;

pub use flows::parse_flows;
pub use montecarlo::{ConsumerRisk, DisruptionSampler, Draws, MonteCarlo, RiskParams, RiskResult, SourceRisk};
pub use network::{ConsumptionBasis, Edge, Layer, LayerKind, Network, Node};
pub use pooled::{PooledOptions, pooled_market};
pub use propagate::{Convergence, Outcome, Workspace, propagate};
pub use scenario::{ScenarioKind, ScenarioRow, Scenarios, parse_scenarios};
pub use shock::{Cut, Destination, NodeResult, Restriction, Shock, ShockResult, apply_shock, run_shock};
pub use spec::{NetworkSpec, RiskSpec, ShockSpec, SpecError};

/// Why a network could not be built or a shock not applied.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// The data needed are missing.
    #[error("{0}")]
    NoData(String),
    /// The network is malformed.
    #[error("malformed network: {0}")]
    Structure(String),
    /// The shock does not fit the network, or a parameter is out of range.
    #[error("{0}")]
    Shock(String),
}
