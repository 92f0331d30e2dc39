//! Golden tests on the embedded data against published figures: the IEA's own top-3 shares,
//! USGS MCS 2025 country shares, and USGS net import reliance recomputed from the salient
//! statistics. Expected values are read from the raw published files kept under `data/raw/`
//! wherever they exist there, so a test cannot drift from its source.

use std::collections::HashMap;
use std::path::PathBuf;

use approx::assert_abs_diff_eq;
use critmin_metrics::{NetImportReliance, NirInputs, QualityNoteKind, SupplyShares, TotalBasis, net_import_reliance};
use critmin_model::{CountryCode, Dataset, MineralId, StageId};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn dataset() -> Dataset {
    critmin_data::load_embedded().expect("embedded data loads")
}

fn shares(ds: &Dataset, mineral: &str, stage: &str, year: u16, source: &str) -> SupplyShares {
    let (m, s) = (MineralId(mineral.into()), StageId(stage.into()));
    let series = ds
        .find_series(Some(&m), Some(&s), Some(year), Some(source))
        .next()
        .unwrap_or_else(|| panic!("no series {mineral} {stage} {year} {source}"));
    SupplyShares::from_series(series).unwrap()
}

#[test]
fn iea_top3_shares_2024_match_the_published_extract() {
    let path = data_dir().join("raw/iea/iea_cm_data_explorer_2025_extract.json");
    let raw: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let ds = dataset();
    let minerals = [
        ("Copper", "copper"),
        ("Cobalt", "cobalt"),
        ("Lithium", "lithium"),
        ("Nickel", "nickel"),
        ("Graphite", "graphite"),
        ("Rare Earth Elements", "rare_earths_magnet"),
    ];
    let mut checked = 0;
    for (iea_name, id) in minerals {
        for (iea_stage, stage) in [("mining", "mine"), ("refining", "refined")] {
            let published = raw["supply"][iea_name][iea_stage]["top3Share"]["2024"]
                .as_f64()
                .unwrap();
            let ours = shares(&ds, id, stage, 2024, "IEA-CMD-2025");
            assert_eq!(ours.basis, TotalBasis::PublishedWorld, "{id} {stage}");
            let top3 = ours.concentration().top3_share;
            assert!(
                (top3 - published).abs() <= 0.001,
                "{id} {stage}: ours {top3:.4}, IEA {published:.4} (more than 0.1 pp apart)"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

#[test]
fn iea_nickel_refining_flags_its_inconsistent_total() {
    let ds = dataset();
    let ni = shares(&ds, "nickel", "refined", 2024, "IEA-CMD-2025");
    assert!(ni.has_note(QualityNoteKind::WorldDiffersFromRows), "{:?}", ni.notes);
    assert_abs_diff_eq!(ni.total, 3483.7, epsilon = 1e-9);
    let cobalt = shares(&ds, "cobalt", "refined", 2024, "IEA-CMD-2025");
    assert!(
        !cobalt.has_note(QualityNoteKind::WorldDiffersFromRows),
        "{:?}",
        cobalt.notes
    );
}

#[test]
fn usgs_cobalt_mine_share_of_the_drc_2024() {
    // USGS MCS 2025: Congo (Kinshasa) 220,000 t of a world total of 290,000 t (2024e).
    let ds = dataset();
    let co = shares(&ds, "cobalt", "mine", 2024, "USGS-MCS2025");
    assert_eq!(co.basis, TotalBasis::PublishedWorld);
    assert_abs_diff_eq!(co.total, 290_000.0);
    assert_eq!(co.named[0].country, "COD".parse::<CountryCode>().unwrap());
    assert_abs_diff_eq!(co.named[0].share, 220_000.0 / 290_000.0, epsilon = 1e-12);
    assert_abs_diff_eq!(co.named[0].share, 0.7586, epsilon = 1e-4);
}

#[test]
fn usgs_lithium_keeps_the_withheld_us_figure_missing() {
    let ds = dataset();
    let li = shares(&ds, "lithium", "mine", 2024, "USGS-MCS2025");
    assert!(li.missing.contains(&CountryCode::USA));
    assert!(li.has_note(QualityNoteKind::MissingValues));
    assert!(li.named.iter().all(|s| s.country != CountryCode::USA));
}

#[test]
fn published_us_net_import_reliance_matches_the_usgs_figure_2_file() {
    let ds = dataset();
    let text =
        std::fs::read_to_string(data_dir().join("raw/usgs_mcs2025/MCS2025_Fig2_Net_Import_Reliance.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let published: HashMap<String, String> = rdr
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[2].to_owned(), r[3].to_owned()))
        .collect();
    for (mineral, usgs_label, expected) in [
        ("cobalt", "COBALT, metal, oxides, and salts", 76.0),
        ("gallium", "GALLIUM, metal", 100.0),
    ] {
        assert_abs_diff_eq!(published[usgs_label].parse::<f64>().unwrap(), expected);
        let m = ds.mineral(mineral).unwrap();
        let rec = ds
            .import_reliance_for(CountryCode::USA, m)
            .find(|r| r.year == 2024 && r.metric == "net_import_reliance_pct")
            .unwrap();
        assert_eq!(rec.value, Some(expected), "{mineral}");
    }
}

/// The US salient statistics of one commodity: per year, each numeric cell by column name.
fn salient(file: &str) -> Vec<(u16, HashMap<String, f64>)> {
    let text = std::fs::read_to_string(data_dir().join("raw/usgs_mcs2025").join(file)).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let values = headers
                .iter()
                .zip(rec.iter())
                .filter_map(|(h, v)| Some((h.to_owned(), v.parse::<f64>().ok()?)))
                .collect();
            (rec[2].parse().unwrap(), values)
        })
        .collect()
}

#[test]
fn net_import_reliance_recomputed_from_usgs_salient_statistics() {
    // USGS rounds its inputs to two or three significant figures, so the recomputed figure is
    // checked to within one percentage point of the published one.
    let mut checked = 0;
    // Cobalt: imports and exports of metal, oxides and salts, with the change in industry
    // and LME stocks, and the published apparent consumption as the denominator.
    let cobalt = salient("mcs2025-cobal_salient.csv");
    for pair in cobalt.windows(2) {
        let ((_, before), (year, v)) = (&pair[0], &pair[1]);
        let stocks = |y: &HashMap<String, f64>| y["Stocks_Industry_t"] + y["Stocks_LME_t"];
        let nir = net_import_reliance(&NirInputs {
            production: v["USprod_Secondary_t"],
            imports: v["Imports_t"],
            exports: v["Exports_t"],
            stock_change: stocks(v) - stocks(before),
            apparent_consumption: Some(v["Consump_Apparent_t"]),
        })
        .unwrap();
        assert!(
            (nir.percent() - v["NIR_pct"]).abs() <= 1.0,
            "cobalt {year}: {} vs {}",
            nir.percent(),
            v["NIR_pct"]
        );
        checked += 1;
    }
    // Copper: refined imports and exports, with the change in refined stocks.
    let copper = salient("mcs2025-coppe_salient.csv");
    for pair in copper.windows(2) {
        let ((_, before), (year, v)) = (&pair[0], &pair[1]);
        let nir = net_import_reliance(&NirInputs {
            production: v["USprod_Refinery-primary_kt"] + v["USprod_Refinery-secondary_kt"],
            imports: v["Imports_Refined_kt"],
            exports: v["Exports_Refined_kt"],
            stock_change: v["Stocks_kt"] - before["Stocks_kt"],
            apparent_consumption: Some(v["Consump_Apparent_kt"]),
        })
        .unwrap();
        assert!(matches!(nir, NetImportReliance::Percent(_)));
        assert!(
            (nir.percent() - v["NIR_pct"]).abs() <= 1.0,
            "copper {year}: {} vs {}",
            nir.percent(),
            v["NIR_pct"]
        );
        checked += 1;
    }
    assert_eq!(
        checked, 8,
        "four years of each commodity (the first year has no earlier stocks)"
    );
}
