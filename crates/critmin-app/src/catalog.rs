//! The minerals critmin knows, with the series the data has for each.

use critmin_model::Dataset;
use serde::Serialize;

/// One mineral and the series available for it (`GET /api/v1/minerals`).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MineralRecord {
    /// Id used in URLs (`lithium`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Element symbol(s).
    pub element: String,
    /// Other names accepted wherever a mineral is named.
    pub aliases: Vec<String>,
    /// Critical lists it is on.
    pub critical_lists: Vec<String>,
    /// The series with data: stage, year, source and unit.
    pub series: Vec<SeriesRef>,
}

/// A series key with its unit.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesRef {
    /// Stage id as the source names it (`mine`, `refined`, ...).
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Source edition code.
    pub source: String,
    /// Unit of the values.
    pub unit: String,
}

/// One mineral in one flat row (`critmin minerals`): lists joined by `; `, list membership as
/// flags, so that it reads as a table or a CSV line.
#[derive(Debug, Serialize)]
pub struct MineralSummary {
    /// Id (`lithium`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Element symbol(s).
    pub element: String,
    /// Other accepted names, joined by `; `.
    pub aliases: String,
    /// `stage (unit)` pairs with data, joined by `; `.
    pub stages: String,
    /// Years with data, joined by `; `.
    pub years: String,
    /// Source editions with data, joined by `; `.
    pub sources: String,
    /// Critical lists it is on, joined by `; `.
    pub critical_lists: String,
    /// On India's 2023 list.
    pub in_india_2023: bool,
    /// On the US 2022 list.
    pub in_us_2022: bool,
    /// On the EU 2023 list.
    pub in_eu_2023: bool,
}

/// Every mineral with its series.
pub fn minerals(ds: &Dataset) -> Vec<MineralRecord> {
    ds.minerals
        .iter()
        .map(|m| MineralRecord {
            id: m.id.to_string(),
            name: m.name.clone(),
            element: m.element.clone(),
            aliases: m.aliases.clone(),
            critical_lists: m.critical_lists.clone(),
            series: ds
                .find_series(Some(&m.id), None, None, None)
                .map(|s| SeriesRef {
                    stage: s.key.stage.to_string(),
                    year: s.key.year,
                    source: s.key.source.to_string(),
                    unit: s.unit.clone(),
                })
                .collect(),
        })
        .collect()
}

/// Every mineral as one flat row.
pub fn mineral_summaries(ds: &Dataset) -> Vec<MineralSummary> {
    ds.minerals
        .iter()
        .map(|m| {
            let series: Vec<_> = ds.find_series(Some(&m.id), None, None, None).collect();
            let mut stages: Vec<String> = series.iter().map(|s| format!("{} ({})", s.key.stage, s.unit)).collect();
            stages.sort();
            stages.dedup();
            let mut years: Vec<u16> = series.iter().map(|s| s.key.year).collect();
            years.sort_unstable();
            years.dedup();
            let mut sources: Vec<&str> = series.iter().map(|s| s.key.source.as_str()).collect();
            sources.sort_unstable();
            sources.dedup();
            let on = |id: &str| m.critical_lists.iter().any(|l| l == id);
            MineralSummary {
                id: m.id.to_string(),
                name: m.name.clone(),
                element: m.element.clone(),
                aliases: m.aliases.join("; "),
                stages: stages.join("; "),
                years: years.iter().map(u16::to_string).collect::<Vec<_>>().join("; "),
                sources: sources.join("; "),
                critical_lists: m.critical_lists.join("; "),
                in_india_2023: on("IN-2023"),
                in_us_2022: on("US-2022"),
                in_eu_2023: on("EU-2023"),
            }
        })
        .collect()
}
