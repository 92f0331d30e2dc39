//! Domain types of critmin: what a mineral, a value-chain stage, a country and its policy
//! groups, and an observation with its provenance *are*.
//!
//! This crate owns the vocabulary every other crate speaks. It holds no parsing, no IO, no
//! serialization and no formulas: loaders live in `critmin-data`, formulas in
//! `critmin-metrics`.
//!
//! Invariants kept here:
//! - A [`CountryCode`] is three ASCII upper-case letters; `WLD` (the source's world total) and
//!   `ROW` (the source's residual) are pseudo-codes and never count as suppliers.
//! - A [`Series`] groups the observations of one (mineral, stage, year, source); all its rows
//!   share one unit, and missing values stay `None` (never zero).
//! - A [`Dataset`] is only built from fully validated tables (see `critmin-data`).

mod country;
mod dataset;
mod field;
mod mineral;
mod observation;
mod problem;
mod trade;

pub use country::{Country, CountryCode, CountryCodeError, Group, GroupSet, ParseGroupError};
pub use dataset::{
    CriticalList, Dataset, GovernanceRecord, ImportRelianceRecord, ObservationTable, Series, SeriesKey, SeriesRow,
    Unresolved,
};
pub use field::FieldError;
pub use mineral::{ChainStage, Mineral, MineralId, Stage, StageId};
pub use observation::{Observation, Provenance, Qualifier, SourceCode};
pub use problem::Problem;
pub use trade::MineralFlow;
