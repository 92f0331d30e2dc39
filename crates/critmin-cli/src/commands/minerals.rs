//! `critmin minerals`.

use anyhow::Result;
use critmin_model::Dataset;
use serde::Serialize;

use crate::output::{Format, Table, emit};

#[derive(Serialize)]
struct MineralRecord {
    id: String,
    name: String,
    element: String,
    aliases: String,
    /// `stage (unit)` pairs with data, joined by `; `.
    stages: String,
    years: String,
    sources: String,
    critical_lists: String,
    in_india_2023: bool,
    in_us_2022: bool,
    in_eu_2023: bool,
}

pub(crate) fn run(ds: &Dataset, format: Format) -> Result<()> {
    let records: Vec<MineralRecord> = ds
        .minerals
        .iter()
        .map(|m| {
            let series: Vec<_> = ds.find_series(Some(&m.id), None, None, None).collect();
            let mut stages: Vec<String> = series.iter().map(|s| format!("{} ({})", s.key.stage, s.unit)).collect();
            stages.dedup();
            stages.sort();
            stages.dedup();
            let mut years: Vec<u16> = series.iter().map(|s| s.key.year).collect();
            years.sort_unstable();
            years.dedup();
            let mut sources: Vec<&str> = series.iter().map(|s| s.key.source.as_str()).collect();
            sources.sort_unstable();
            sources.dedup();
            let on = |id: &str| m.critical_lists.iter().any(|l| l == id);
            MineralRecord {
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
        .collect();
    emit(format, &records, || {
        let mut t = Table::new(&["mineral", "name", "IN", "US", "EU", "stages (unit)", "years"]);
        let tick = |b: bool| if b { "✓" } else { "" }.to_owned();
        for r in &records {
            t.row(vec![
                r.id.clone(),
                r.name.clone(),
                tick(r.in_india_2023),
                tick(r.in_us_2022),
                tick(r.in_eu_2023),
                r.stages.clone(),
                r.years.clone(),
            ]);
        }
        t.footer.push(
            "IN = India 2023 list (Ministry of Mines), US = USGS 2022 list (87 FR 10381), EU = CRMA Annex II (2023)."
                .into(),
        );
        t
    })
}
