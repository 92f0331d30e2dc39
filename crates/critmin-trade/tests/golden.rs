//! Golden figures of the shipped BACI V202601 flows: every figure of
//! `tools/trade/golden_expected.txt` (India's and the US's suppliers of graphite 250410, rare
//! earths 284690, lithium carbonate 283691, cobalt 282200 and 282200+810510 in 2022–2024, by
//! value and by quantity; exporter HHI for five (code, year) pairs), computed there by
//! `tools/trade/golden.py` straight from the rows with the standard library, checked here
//! against `country_sourcing` and `world_concentration` on the embedded flows.
//!
//! The file's quantities are gross tonnes; ours are contained tonnes (`q · factor`), so they are
//! compared after dividing by the code's factor (every code of a section has the same factor).
//! Quantity shares within codes of one factor do not depend on it.

use std::path::PathBuf;

use critmin_trade::{
    Basis, EmbeddedFlows, FlowFilter, HsMap, Side, Sourcing, TradeFlag, country_sourcing, import_embedded,
    world_concentration,
};

fn golden_text() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools/trade/golden_expected.txt");
    std::fs::read_to_string(path).expect("tools/trade/golden_expected.txt")
}

/// The shipped HS map restricted to `codes`, so that a (mineral, stage) is exactly those codes.
fn map_of(codes: &[&str]) -> HsMap {
    let text: String = critmin_trade::EMBEDDED_HS_MAP
        .lines()
        .enumerate()
        .filter(|(i, line)| *i == 0 || codes.iter().any(|c| line.starts_with(&format!("{c},"))))
        .map(|(_, line)| format!("{line}\n"))
        .collect();
    HsMap::parse("hs_minerals.csv (restricted)", &text).expect("restricted map")
}

fn flows() -> EmbeddedFlows {
    import_embedded(None).expect("the shipped flows import")
}

/// `1,234.5` → 1234.5.
fn number(text: &str) -> f64 {
    text.trim()
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("number `{text}`"))
}

/// The value after `label` up to the next space or `;`.
fn field(line: &str, label: &str) -> f64 {
    let rest = &line[line.find(label).unwrap_or_else(|| panic!("`{label}` in `{line}`")) + label.len()..];
    number(rest.split([' ', ';']).next().unwrap_or(""))
}

/// The count after `label`.
fn count(line: &str, label: &str) -> u64 {
    let rest = &line[line.find(label).unwrap_or_else(|| panic!("`{label}` in `{line}`")) + label.len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("count after `{label}` in `{line}`"))
}

/// `CHN China (156) 38.09%, MDG ... (450) 30.57%` → [(156, 38.09), (450, 30.57)].
fn ranked(text: &str) -> Vec<(u16, f64)> {
    text.split("%,")
        .map(|item| {
            let open = item.rfind('(').expect("(");
            let close = item.rfind(')').expect(")");
            let code = item[open + 1..close].parse().expect("code");
            let share = number(item[close + 1..].trim().trim_end_matches('%'));
            (code, share)
        })
        .collect()
}

fn check_shares(what: &str, row: &Sourcing, expected: &[(u16, f64)]) {
    let got: Vec<(u16, f64)> = row
        .suppliers
        .iter()
        .take(expected.len())
        .map(|(c, s)| (*c, s * 100.0))
        .collect();
    assert_eq!(got.len(), expected.len(), "{what}: {got:?}");
    for ((gc, gs), (ec, es)) in got.iter().zip(expected) {
        assert_eq!(gc, ec, "{what}: supplier order {got:?} vs {expected:?}");
        assert!((gs - es).abs() <= 0.005 + 1e-9, "{what}: {gc} {gs:.4}% vs {es}%");
    }
}

#[test]
fn importers_suppliers_match_the_golden_file() {
    let embedded = flows();
    let text = golden_text();
    let mut importer: Option<u16> = None;
    let mut codes: Vec<String> = Vec::new();
    let mut current: Option<(Sourcing, Sourcing, f64)> = None;
    let mut checked = 0;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("## Importer ") {
            let open = rest.rfind('(').expect("importer code");
            importer = Some(rest[open + 1..rest.len() - 1].parse().expect("importer code"));
        } else if line.starts_with("## ") {
            importer = None;
        } else if let Some(rest) = line.strip_prefix("### ") {
            codes = rest
                .split(' ')
                .next()
                .unwrap_or("")
                .split('+')
                .map(str::to_owned)
                .collect();
        } else if let (Some(imp), Some((year, rest))) = (importer, line.split_once(": imports v = ")) {
            let year: u16 = year.parse().expect("year");
            let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
            let map = map_of(&code_refs);
            let factor = map.rows()[0].factor;
            assert!(
                map.rows().iter().all(|r| (r.factor - factor).abs() < 1e-12),
                "one factor per section"
            );
            let filter = FlowFilter {
                years: Some((year, year)),
                ..FlowFilter::default()
            };
            let run = |basis| {
                let rows = country_sourcing(&embedded.flows, &map, &[imp], basis, &filter, &|_| false, &|c| c == 156);
                assert_eq!(rows.len(), 1, "{imp} {codes:?} {year}: one (mineral, stage) row");
                rows.into_iter().next().expect("row")
            };
            let (by_value, by_quantity) = (run(Basis::Value), run(Basis::Quantity));
            let what = format!("{imp} {codes:?} {year}");
            let v = number(rest.split(" kUSD").next().unwrap_or(""));
            assert!(
                (by_value.imports_value_kusd - v).abs() < 5e-4,
                "{what}: v {}",
                by_value.imports_value_kusd
            );
            let q = field(line, "q = ");
            assert!(
                (by_value.imports_tonnes / factor - q).abs() < 5e-3,
                "{what}: q {}",
                by_value.imports_tonnes
            );
            assert_eq!(by_value.rows, count(line, "rows = "), "{what}: rows");
            assert_eq!(
                by_value.suppliers.len() as u64,
                count(line, "exporters = "),
                "{what}: exporters"
            );
            assert_eq!(
                by_value.rows_missing_quantity,
                count(line, "q missing: "),
                "{what}: q missing"
            );
            let missing_value = number(line.rsplit(", ").next().unwrap_or("").trim_end_matches(" kUSD"));
            assert!(
                (by_value.value_missing_quantity_kusd - missing_value).abs() < 5e-4,
                "{what}: missing value"
            );
            if codes.len() == 2 {
                assert!(by_value.flags.contains(&TradeFlag::CobaltCodesSummed), "{what}: flags");
                assert_eq!(by_value.hs_codes, vec![282200, 810510], "{what}: both codes read");
            }
            current = Some((by_value, by_quantity, factor));
        } else if let (Some(rest), Some((by_value, _, _))) = (line.trim().strip_prefix("by value:"), &current) {
            check_shares("by value", by_value, &ranked(rest.trim()));
            checked += 1;
        } else if let (Some(rest), Some((_, by_quantity, _))) = (line.trim().strip_prefix("by quantity:"), &current) {
            check_shares("by quantity", by_quantity, &ranked(rest.trim()));
            checked += 1;
        }
    }
    // 2 importers × 5 sections × 3 years × 2 bases.
    assert_eq!(checked, 60);
}

#[test]
fn exporter_hhi_matches_the_golden_file() {
    let embedded = flows();
    let text = golden_text();
    let mut checked = 0;
    for line in text.lines().filter(|l| l.contains(": HHI = ")) {
        let mut head = line.split(' ');
        let code = head.next().expect("code");
        let year: u16 = head.next().expect("year").trim_end_matches(':').parse().expect("year");
        let filter = FlowFilter {
            years: Some((year, year)),
            ..FlowFilter::default()
        };
        let rows = world_concentration(
            &embedded.flows,
            &map_of(&[code]),
            Side::Exporter,
            Basis::Value,
            &filter,
            &|c| c == 156,
        );
        assert_eq!(rows.len(), 1, "{code} {year}");
        let row = &rows[0];
        let what = format!("{code} {year}");
        assert!(
            (row.hhi.expect("hhi") - field(line, "HHI = ")).abs() < 0.05,
            "{what}: {:?}",
            row.hhi
        );
        assert!(
            (row.total - field(line, "world exports v = ")).abs() < 5e-3,
            "{what}: total"
        );
        assert_eq!(row.n_countries as u64, count(line, "exporters = "), "{what}");
        let top = ranked(line.split("top: ").nth(1).expect("top"));
        for ((gc, gs), (ec, es)) in row.top3.iter().zip(&top) {
            assert_eq!(gc, ec, "{what}");
            assert!((gs * 100.0 - es).abs() <= 0.005 + 1e-9, "{what}: {gs} vs {es}");
        }
        let top3: f64 = top.iter().map(|(_, s)| s).sum();
        assert!(
            (row.top3_share.expect("top3") * 100.0 - top3).abs() < 0.02,
            "{what}: top-3"
        );
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn china_copper_concentrate_imports_of_2021_and_2022_are_flagged() {
    let embedded = flows();
    let map = map_of(&["260300"]);
    let rows = country_sourcing(
        &embedded.flows,
        &map,
        &[156],
        Basis::Quantity,
        &FlowFilter {
            years: Some((2020, 2023)),
            ..FlowFilter::default()
        },
        &|_| false,
        &|_| false,
    );
    let flagged: Vec<u16> = rows
        .iter()
        .filter(|r| r.flags.contains(&TradeFlag::ChinaCopperConcentrateLow))
        .map(|r| r.year)
        .collect();
    assert_eq!(flagged, vec![2021, 2022]);
    assert!(rows.iter().all(|r| r.flags.contains(&TradeFlag::AssumedFactor)));
    // 2021 reads 2020 for its change: 17.05 Mt gross in 2021 (SOURCES.md §5.4).
    let y2021 = rows.iter().find(|r| r.year == 2021).expect("2021");
    assert!(
        (y2021.imports_tonnes / 0.26 / 1e6 - 17.05).abs() < 0.01,
        "{}",
        y2021.imports_tonnes
    );
    assert_eq!(y2021.change.as_ref().map(|c| c.previous_year), Some(2020));
}

#[test]
fn refined_codes_come_from_the_hs17_file_and_shared_codes_never_do() {
    let embedded = flows();
    let map = HsMap::embedded();
    let filter = FlowFilter {
        years: Some((2024, 2024)),
        ..FlowFilter::default()
    };
    let rows = world_concentration(&embedded.flows, &map, Side::Exporter, Basis::Value, &filter, &|_| false);
    let nickel = rows
        .iter()
        .find(|r| r.mineral.as_str() == "nickel" && r.stage == critmin_model::ChainStage::Processing)
        .expect("nickel processing from HS17 750210");
    assert_eq!(nickel.revision, critmin_trade::HsRevision::Hs2017);
    assert_eq!(nickel.hs_codes, vec![750210]);
    let graphite = rows
        .iter()
        .find(|r| r.mineral.as_str() == "graphite" && r.stage == critmin_model::ChainStage::Mining)
        .expect("graphite mining");
    assert_eq!(graphite.revision, critmin_trade::HsRevision::Hs1992);
    // Nobody is FEOC here: every share is +0, never -0 (which would print as "-0.0%").
    assert!(rows.iter().all(|r| r.feoc_share.is_some_and(|s| s.to_bits() == 0)));
}

#[test]
fn the_cache_is_built_once_and_then_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = import_embedded(Some(dir.path().to_owned())).expect("cold");
    assert!(
        first
            .cache
            .iter()
            .all(|c| matches!(c, critmin_trade::CacheStatus::Built { .. })),
        "{:?}",
        first.cache
    );
    let second = import_embedded(Some(dir.path().to_owned())).expect("warm");
    assert!(
        second
            .cache
            .iter()
            .all(|c| matches!(c, critmin_trade::CacheStatus::Hit(_))),
        "{:?}",
        second.cache
    );
    assert_eq!(first.flows.parts[0].table.len(), 736_617);
    assert_eq!(second.flows.parts[0].table.len(), 736_617);
    assert_eq!(second.flows.parts[1].table.len(), 21_723);
    assert_eq!(
        first.flows.parts[0].table.quantities().len(),
        second.flows.parts[0].table.quantities().len()
    );
}

#[test]
fn png_to_north_korea_copper_concentrate_tonnages_are_flagged_in_world_trade() {
    let embedded = flows();
    let rows = world_concentration(
        &embedded.flows,
        &map_of(&["260300"]),
        Side::Importer,
        Basis::Quantity,
        &FlowFilter {
            years: Some((2018, 2023)),
            ..FlowFilter::default()
        },
        &|_| false,
    );
    let flagged: Vec<u16> = rows
        .iter()
        .filter(|r| r.flags.contains(&TradeFlag::PngPrkCopperConcentrateQuantity))
        .map(|r| r.year)
        .collect();
    assert_eq!(flagged, vec![2019, 2020, 2021, 2022]);
    // 2021: North Korea (408) "imports" 20.8 Mt gross from Papua New Guinea, more than China.
    let y2021 = rows.iter().find(|r| r.year == 2021).expect("2021");
    assert_eq!(y2021.top3[0].0, 408);
}
