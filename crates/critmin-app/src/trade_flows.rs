//! What the real-trade use cases (`dependence`, `trend`) share: the basis and
//! stage fields, the year range, and the notes of the data flags their rows carry.

use std::collections::BTreeSet;

use critmin_model::{ChainStage, CountryCode};
use critmin_trade::{Basis, TradeFlag, TradeFlows};
use serde::Serialize;

use crate::FieldError;

/// First and last year a trade query may ask for (BACI starts in 1995; Comtrade in 1962).
const YEARS: std::ops::RangeInclusive<u16> = 1962..=2100;

/// `quantity` or `value`, naming `field` otherwise.
pub fn parse_basis(field: &str, text: &str) -> Result<Basis, FieldError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "quantity" => Ok(Basis::Quantity),
        "value" => Ok(Basis::Value),
        other => Err(FieldError::new(
            field,
            format!("`{other}`: expected `quantity` (contained tonnes) or `value` (USD)"),
        )),
    }
}

/// The id of a basis as printed.
pub fn basis_id(basis: Basis) -> &'static str {
    match basis {
        Basis::Quantity => "quantity",
        Basis::Value => "value",
    }
}

/// A chain stage by id (`mining`, `processing`, `manufacturing`), naming `field` otherwise.
pub fn parse_stage(field: &str, text: &str) -> Result<ChainStage, FieldError> {
    ChainStage::from_id(text.trim().to_ascii_lowercase().as_str()).ok_or_else(|| {
        FieldError::new(
            field,
            format!("`{text}`: expected a chain stage: mining, processing or manufacturing"),
        )
    })
}

/// The years asked for: one `year`, or `from`..=`to` (either end open), or all (`None`).
pub fn year_range(year: Option<u16>, from: Option<u16>, to: Option<u16>) -> Result<Option<(u16, u16)>, FieldError> {
    let check = |field: &str, y: u16| {
        if YEARS.contains(&y) {
            Ok(y)
        } else {
            Err(FieldError::new(
                field,
                format!("{y}: expected a year from {} to {}", YEARS.start(), YEARS.end()),
            ))
        }
    };
    match (year, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(FieldError::new(
            "year",
            "give either a year or a from/to range, not both",
        )),
        (Some(y), None, None) => check("year", y).map(|y| Some((y, y))),
        (None, None, None) => Ok(None),
        (None, from, to) => {
            let from = from.map(|y| check("from", y)).transpose()?.unwrap_or(*YEARS.start());
            let to = to.map(|y| check("to", y)).transpose()?.unwrap_or(*YEARS.end());
            if from > to {
                return Err(FieldError::new("from", format!("{from} is after to = {to}")));
            }
            Ok(Some((from, to)))
        }
    }
}

/// A data flag and what it means.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagNote {
    /// Flag id, as in the rows' `flags`.
    pub id: String,
    /// What it means for the figures.
    pub note: String,
}

/// The notes of the flags in `flags`, in flag order.
pub fn flag_notes<'a>(flags: impl IntoIterator<Item = &'a BTreeSet<TradeFlag>>) -> Vec<FlagNote> {
    let all: BTreeSet<TradeFlag> = flags.into_iter().flatten().copied().collect();
    all.into_iter()
        .map(|f| FlagNote {
            id: f.id().to_owned(),
            note: f.note().to_owned(),
        })
        .collect()
}

/// The ids of a row's flags.
pub fn flag_ids(flags: &BTreeSet<TradeFlag>) -> Vec<String> {
    flags.iter().map(|f| f.id().to_owned()).collect()
}

/// A trade country's label: its ISO3 code from the first part that knows it, else `#code`.
pub fn country_label(flows: &TradeFlows, code: u16) -> String {
    iso3(flows, code).map_or_else(|| format!("#{code}"), |iso| iso.to_string())
}

/// The ISO3 code of a trade country, from the first part that knows it.
pub fn iso3(flows: &TradeFlows, code: u16) -> Option<CountryCode> {
    flows.parts.iter().find_map(|p| p.table.countries().iso3(code))
}

/// The labels of the trade parts read.
pub fn sources(flows: &TradeFlows) -> Vec<String> {
    flows.parts.iter().map(|p| p.label.clone()).collect()
}

/// A `{country, share}` pair.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryShare {
    /// ISO3 code (`#490` for a trade area without one, e.g. "Other Asia, nes").
    pub country: String,
    /// Share in [0, 1].
    pub share: f64,
}

/// The pairs as `{country, share}`.
pub fn country_shares(flows: &TradeFlows, shares: &[(u16, f64)]) -> Vec<CountryShare> {
    shares
        .iter()
        .map(|(c, s)| CountryShare {
            country: country_label(flows, *c),
            share: *s,
        })
        .collect()
}

/// `CHN:0.5200;MDG:0.3272` for a flat (CSV) row.
pub fn joined_shares(shares: &[CountryShare]) -> String {
    shares
        .iter()
        .map(|s| format!("{}:{:.4}", s.country, s.share))
        .collect::<Vec<_>>()
        .join(";")
}
