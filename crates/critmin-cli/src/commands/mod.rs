//! One module per subcommand.

pub(crate) mod concentration;
pub(crate) mod data;
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

use anyhow::{Result, bail};
use critmin_model::{CountryCode, Dataset, Mineral};

/// Resolves a mineral name given on the command line (id or alias).
pub(crate) fn mineral<'a>(ds: &'a Dataset, name: &str) -> Result<&'a Mineral> {
    match ds.mineral(name) {
        Some(m) => Ok(m),
        None => {
            let ids: Vec<&str> = ds.minerals.iter().map(|m| m.id.as_str()).collect();
            bail!("unknown mineral `{name}`; expected one of: {}", ids.join(", "))
        }
    }
}

/// Resolves a country code given on the command line (case-insensitive).
pub(crate) fn country(ds: &Dataset, code: &str) -> Result<CountryCode> {
    let parsed: Option<CountryCode> = code.to_ascii_uppercase().parse().ok();
    match parsed.filter(|c| ds.country(*c).is_some() && !c.is_pseudo()) {
        Some(c) => Ok(c),
        None => bail!("unknown country `{code}`; expected an ISO 3166-1 alpha-3 code such as IND or USA"),
    }
}
