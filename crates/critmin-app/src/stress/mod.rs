//! Stress tests of a mineral's supply network as requests and documents: a deterministic
//! shock ([`ShockSpec`] → [`ShockDocument`]) and a Monte Carlo supply-at-risk run
//! ([`RiskSpec`] → [`RiskDocument`]), both on the network a [`NetworkSpec`] chooses. The CLI
//! builds the specs from its flags and the server reads them from JSON; every error is a
//! [`FieldError`](crate::FieldError) naming the field (`cuts[1]`, `network.consumption[0]`,
//! `p_cut_base`), and both print the same documents.

pub mod network;
pub mod risk;
pub mod risk_document;
pub mod shock;
pub mod shock_document;

pub use network::{NetworkBuilt, NetworkData, NetworkSpec, POOLED_BASIS, TradeYear, stage_production, trade_network};
pub use risk::{MAX_SCENARIOS, PreparedRisk, RiskSpec};
pub use risk_document::{Contribution, RiskDocument, RiskParameters, RiskRecord, SourceRecord, top_sources};
pub use shock::{ResolvedShock, ShockRun, ShockSpec, parse_ban, parse_cut};
pub use shock_document::{NodeRecord, ShockDocument, describe_ban, describe_cut};
