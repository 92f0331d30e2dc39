//! Hand-made series and datasets for the unit tests.

use std::sync::Arc;

use critmin_model::{
    Country, CountryCode, Dataset, GovernanceRecord, Group, GroupSet, MineralId, Provenance, Series, SeriesKey,
    SeriesRow, SourceCode, StageId,
};
use proptest::prelude::*;

/// Parses a code known to be valid in the test.
pub(crate) fn code(s: &str) -> CountryCode {
    s.parse().unwrap()
}

/// Codes used by generated series, in a fixed order (mix of FEOC, Quad, MSP and others).
const CODES: [&str; 12] = [
    "CHN", "AUS", "USA", "IND", "RUS", "JPN", "CAN", "BRA", "ZAF", "COD", "IDN", "CHL",
];

/// The `i`-th test code.
pub(crate) fn nth_code(i: usize) -> String {
    CODES[i % CODES.len()].to_owned()
}

/// A row with no rounding and no qualifier.
pub(crate) fn row(country: &str, value: Option<f64>) -> SeriesRow {
    SeriesRow {
        country: code(country),
        value,
        rounding: 0.0,
        qualifier: None,
        note: String::new(),
        provenance: Provenance {
            file: Arc::from("test.csv"),
            line: 2,
        },
    }
}

/// A lithium/mine/2024 series with the given named rows, residual and world rows.
pub(crate) fn series(named: &[(&str, Option<f64>)], residual: Option<SeriesRow>, world: Option<SeriesRow>) -> Series {
    Series {
        key: SeriesKey {
            mineral: MineralId("lithium".to_owned()),
            stage: StageId("mine".to_owned()),
            year: 2024,
            source: SourceCode("TEST".to_owned()),
        },
        unit: "t Li content".to_owned(),
        source_detail: "test".to_owned(),
        tables: vec!["test.csv".to_owned()],
        countries: named.iter().map(|(c, v)| row(c, *v)).collect(),
        world,
        residual,
    }
}

fn country(c: &str, groups: &[Group]) -> Country {
    Country {
        code: code(c),
        iso2: String::new(),
        name: c.to_owned(),
        un_region: String::new(),
        continent: String::new(),
        groups: groups.iter().copied().collect::<GroupSet>(),
        oecd_accession_year: None,
        note: String::new(),
    }
}

/// A governance record with a risk score.
pub(crate) fn gov(c: &str, year: u16, risk: Option<f64>) -> GovernanceRecord {
    GovernanceRecord {
        country: code(c),
        year,
        estimates: [None; 6],
        mean: None,
        n_dims: 0,
        risk_0_10: risk,
        source: String::new(),
        note: String::new(),
    }
}

/// A dataset with the test countries, their groups (simplified) and governance scores for
/// some of them (CHN 6.0 in 2023, AUS 1.0 in 2022, USA 2.0 in 2023, RUS 8.0 in 2023,
/// COD 9.0 in 2021; none for the others).
pub(crate) fn dataset() -> Dataset {
    use Group::*;
    let countries = vec![
        country("CHN", &[Feoc]),
        country("RUS", &[Feoc]),
        country("AUS", &[Quad, Msp, G7, Oecd, UsFta]),
        country("USA", &[Quad, Msp, G7, Oecd]),
        country("IND", &[Quad, Msp]),
        country("JPN", &[Quad, Msp, G7, Oecd, UsCma]),
        country("CAN", &[Msp, G7, Oecd, UsFta]),
        country("BRA", &[]),
        country("ZAF", &[]),
        country("COD", &[]),
        country("IDN", &[Ipef]),
        country("CHL", &[Oecd, UsFta]),
    ];
    let governance = vec![
        gov("CHN", 2023, Some(6.0)),
        gov("AUS", 2022, Some(1.0)),
        gov("USA", 2023, Some(2.0)),
        gov("RUS", 2023, Some(8.0)),
        gov("COD", 2021, Some(9.0)),
    ];
    Dataset::from_parts(countries, vec![], vec![], vec![], vec![], vec![], governance, vec![])
}

/// A random series: up to 12 named rows (some missing, some zero), optional ROW and WLD,
/// WLD drawn around the sum of rows so that every branch is reached.
pub(crate) fn arb_series() -> impl Strategy<Value = Series> {
    let named = prop::collection::vec(
        (
            prop::option::weighted(0.85, 0.0..1_000.0f64),
            0.0..0.5f64,
            any::<bool>(),
        ),
        0..12,
    );
    (
        named,
        prop::option::of(0.0..500.0f64),
        prop::option::of(0.0..2.0f64),
        0.0..5.0f64,
    )
        .prop_map(|(named, residual, world_factor, world_rounding)| {
            let countries: Vec<(String, Option<f64>)> = named
                .iter()
                .enumerate()
                .map(|(i, (v, _, zero))| {
                    let name = nth_code(i);
                    (name, if *zero && i % 3 == 0 { Some(0.0) } else { *v })
                })
                .collect();
            let refs: Vec<(&str, Option<f64>)> = countries.iter().map(|(c, v)| (c.as_str(), *v)).collect();
            let sum: f64 = refs.iter().filter_map(|(_, v)| *v).sum::<f64>() + residual.unwrap_or(0.0);
            let mut s = series(
                &refs,
                residual.map(|r| row("ROW", Some(r))),
                world_factor.map(|f| row("WLD", Some(sum * f))),
            );
            for (r, (_, rounding, _)) in s.countries.iter_mut().zip(&named) {
                r.rounding = *rounding;
            }
            if let Some(w) = s.world.as_mut() {
                w.rounding = world_rounding;
            }
            s
        })
}
