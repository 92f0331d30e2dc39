//! `critmin minerals`.

use anyhow::Result;
use critmin_model::Dataset;

use crate::output::{Format, Table, emit};

pub(crate) fn run(ds: &Dataset, format: Format) -> Result<()> {
    let records = critmin_app::catalog::mineral_summaries(ds);
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
