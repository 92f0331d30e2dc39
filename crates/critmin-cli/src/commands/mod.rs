//! One module per subcommand.

pub(crate) mod concentration;
pub(crate) mod data;
pub(crate) mod dependence;
pub(crate) mod exposure;
pub(crate) mod keys;
pub(crate) mod ledger;
pub(crate) mod minerals;
pub(crate) mod plan;
pub(crate) mod projects;
pub(crate) mod recycle;
pub(crate) mod report;
pub(crate) mod risk;
pub(crate) mod serve;
pub(crate) mod shock;
pub(crate) mod supply;
pub(crate) mod trade;
pub(crate) mod trend;

use anyhow::Result;
use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, Mineral};

/// Resolves a mineral name given on the command line (id or alias).
pub(crate) fn mineral<'a>(ds: &'a Dataset, name: &str) -> Result<&'a Mineral> {
    Ok(ds.resolve_mineral(name)?)
}

/// Resolves a country code given on the command line (case-insensitive).
pub(crate) fn country(ds: &Dataset, code: &str) -> Result<CountryCode> {
    Ok(ds.resolve_country(code)?)
}

/// Parses `--partners` (`quad+msp+CHL`) into a partner set.
pub(crate) fn partners(ds: &Dataset, text: &str) -> Result<PartnerSet> {
    PartnerSet::parse(ds, text).map_err(|e| anyhow::anyhow!("--partners: {e}"))
}
