//! The use-case layer: what a user can ask critmin and the documents it answers with.
//!
//! Every shell (CLI, HTTP server, report) turns its input into a request here and prints or
//! returns the document it gets back; none builds a result of its own. A document printed by
//! `critmin X --format json` and answered by the matching endpoint is built by the same function
//! from the same types.
//!
//! Modules so far: [`field`] (the one error that names the field at fault), [`catalog`]
//! (minerals and their series), [`concentration`], [`supply`], [`exposure`], [`recycle`] (the
//! stock model) and `portfolio` (the CVaR join and the optimizer's records; the builders from a
//! solution need the `solver` feature) and [`report`] (the report's document: tables, stress tests,
//! outlook and portfolio, rendered by `critmin-report`). The network and
//! planner request specs move here next (see ARCHITECTURE.md).

pub mod catalog;
pub mod concentration;
pub mod exposure;
pub mod field;
pub mod portfolio;
pub mod recycle;
pub mod report;
pub mod supply;

pub use field::FieldError;
