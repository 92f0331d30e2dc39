//! Observations grouped into series, and the rule that series from different files are never
//! added together.

use std::collections::BTreeMap;

use critmin_model::{CountryCode, ObservationTable, Series, SeriesKey, SeriesRow};

use crate::problem::Problem;

/// Groups each table's rows into series, then reconciles series that appear in several
/// tables: identical copies are kept once (both files named), differing ones are a problem,
/// because series from different files are never added together.
pub(crate) fn build_series(tables: &[ObservationTable], problems: &mut Vec<Problem>) -> Vec<Series> {
    let mut all: BTreeMap<SeriesKey, Series> = BTreeMap::new();
    for table in tables {
        let mut own: BTreeMap<SeriesKey, Series> = BTreeMap::new();
        for obs in &table.observations {
            let key = SeriesKey {
                mineral: obs.mineral.clone(),
                stage: obs.stage.clone(),
                year: obs.year,
                source: obs.source.clone(),
            };
            let series = own.entry(key.clone()).or_insert_with(|| Series {
                key,
                unit: obs.unit.clone(),
                source_detail: obs.source_detail.clone(),
                tables: vec![table.name.clone()],
                countries: Vec::new(),
                world: None,
                residual: None,
            });
            let row = SeriesRow {
                country: obs.country,
                value: obs.value,
                rounding: obs.rounding,
                qualifier: obs.qualifier.clone(),
                note: obs.note.clone(),
                provenance: obs.provenance.clone(),
            };
            match obs.country {
                CountryCode::WORLD => series.world = Some(row),
                CountryCode::REST_OF_WORLD => series.residual = Some(row),
                _ => series.countries.push(row),
            }
        }
        for (key, series) in own {
            match all.get_mut(&key) {
                None => {
                    all.insert(key, series);
                }
                Some(existing) if same_figures(existing, &series) => existing.tables.extend(series.tables),
                Some(existing) => {
                    let line = series
                        .countries
                        .first()
                        .or(series.world.as_ref())
                        .map_or(0, |r| r.provenance.line);
                    problems.push(Problem::line(
                        &table.name,
                        line,
                        format!(
                            "series {} {} {} {} is also in {} with different figures; series from different files are never added: replace that file (same name in the data directory) or use another source code",
                            key.mineral, key.stage, key.year, key.source, existing.tables.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    all.into_values().collect()
}

fn same_figures(a: &Series, b: &Series) -> bool {
    let rows = |s: &Series| {
        let mut v: Vec<(CountryCode, Option<u64>)> = s
            .countries
            .iter()
            .chain(s.world.iter())
            .chain(s.residual.iter())
            .map(|r| (r.country, r.value.map(f64::to_bits)))
            .collect();
        v.sort();
        v
    };
    a.unit == b.unit && rows(a) == rows(b)
}
