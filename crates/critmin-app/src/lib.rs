//! The use-case layer: what a user can ask critmin and the documents it answers with.
//!
//! Every shell (CLI, HTTP server, report) turns its input into a request here and prints or
//! returns the document it gets back; none builds a result of its own. A document printed by
//! `critmin X --format json` and answered by the matching endpoint is built by the same function
//! from the same types.
//!
//! [`editions`] imports a published edition of a source (USGS MCS) into critmin's tables.
//!
//! Modules: [`field`] (the one error that names the field at fault, and the resolvers of
//! minerals, countries and partner groups), [`catalog`] (minerals and their series),
//! [`concentration`], [`supply`], [`exposure`], [`dependence`] and [`trend`] (a country's
//! sourcing and world-trade concentration from real bilateral flows, sharing [`trade_flows`]),
//! [`editions`] (a published USGS edition into critmin's tables), [`outlook`] (the risked supply outlook), [`projects`] (the project listing), [`scenarios`] (the named shocks' rows), [`trade`] (a trade file's import report), [`stress`] (shock and Monte Carlo requests and
//! documents), [`plan`] (the planner's requests: portfolio, outlook, stock model, inline
//! projects), [`recycle`] (the stock model's document), [`ledger`] (requests to the chain-of-custody ledger and its share rows) and [`portfolio`] (the CVaR join and
//! the optimizer's records; the builders from a solution need the `solver` feature) and
//! [`report`] (the report's document: tables, stress tests, outlook and portfolio, rendered by
//! `critmin-report`).

pub mod catalog;
pub mod concentration;
pub mod dependence;
pub mod editions;
pub mod exposure;
pub mod field;
pub mod ledger;
pub mod outlook;
pub mod plan;
pub mod portfolio;
pub mod projects;
pub mod recycle;
pub mod report;
pub mod scenarios;
pub mod stress;
pub mod supply;
pub mod trade;
pub mod trade_flows;
pub mod trend;

pub use field::FieldError;
