//! Import end to end: hand-made BACI and Comtrade files (good and bad), zipped input, the cache
//! (hit, stale, corrupted, truncated), HHI and dependence checked by hand, generator
//! determinism, and property tests.

use std::io::Write;
use std::path::{Path, PathBuf};

use approx::assert_relative_eq;
use critmin_model::{ChainStage, CountryCode};
use critmin_trade::{
    Basis, CacheStatus, ComtradeFlow, GenerateOptions, HsMap, HsRevision, ImportError, ImportOptions, Side, TradeTable,
    generate, import, importer_dependence, mineral_flows, product_concentration,
};
use proptest::prelude::*;

/// Lithium carbonate (283691) into India and the US, and lithium-ion cells from India.
const SMALL: &str = "t,i,j,k,v,q
2022,156,699,283691,60,10
2022,36,699,283691,30,5
2022,152,699,283691,10,NA
2022,156,842,283691,100,20
2022,699,842,850760,50,2
2023,156,699,283691,80,16
";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn cached(dir: &Path) -> ImportOptions {
    ImportOptions {
        cache_dir: Some(dir.join("cache")),
        ..ImportOptions::default()
    }
}

fn cache_files(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("cache")).map_or(0, |d| d.count())
}

fn group_index(table: &TradeTable, year: u16, product: u32) -> usize {
    table
        .groups()
        .iter()
        .position(|g| g.year == year && g.product == product)
        .unwrap()
}

#[test]
fn hhi_by_hand_on_a_small_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "small.csv", SMALL);
    let table = import(&path, &ImportOptions::default()).unwrap().table;
    assert_eq!(table.len(), 6);
    assert_eq!(table.years(), vec![2022, 2023]);
    let by_value = product_concentration(&table, Side::Exporter, Basis::Value);
    let g = group_index(&table, 2022, 283691);
    // CHN 160, AUS 30, CHL 10 of 200: 10,000 × (0.8² + 0.15² + 0.05²) = 6,650.
    assert_relative_eq!(by_value[g].hhi.unwrap(), 6650.0, max_relative = 1e-12);
    assert_eq!(by_value[g].n_countries, 3);
    assert_eq!(by_value[g].top.map(|(c, _)| c), Some(156));
    assert_relative_eq!(by_value[g].top.unwrap().1, 0.8);
    assert_relative_eq!(by_value[g].total, 200.0);
    // Quantity: CHN 30 t, AUS 5 t; the CHL row has no quantity and is counted.
    let by_quantity = product_concentration(&table, Side::Exporter, Basis::Quantity);
    assert_relative_eq!(
        by_quantity[g].hhi.unwrap(),
        10_000.0 * (900.0 + 25.0) / 1225.0,
        max_relative = 1e-12
    );
    assert_eq!(by_quantity[g].rows_missing_quantity, 1);
    assert_eq!(by_quantity[g].rows, 3);
    // Importers: IND 100, USA 100.
    let importers = product_concentration(&table, Side::Importer, Basis::Value);
    assert_relative_eq!(importers[g].hhi.unwrap(), 5000.0, max_relative = 1e-12);
    // A single supplier is a monopoly.
    let g23 = group_index(&table, 2023, 283691);
    assert_relative_eq!(by_value[g23].hhi.unwrap(), 10_000.0);
}

#[test]
fn dependence_and_flows_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "small.csv", SMALL);
    let table = import(&path, &ImportOptions::default()).unwrap().table;
    let map = HsMap::embedded();
    let countries = table.countries().clone();
    let msp = [CountryCode::USA, CountryCode::INDIA, "AUS".parse().unwrap()];
    let is_partner = |c: u16| countries.iso3(c).is_some_and(|i| msp.contains(&i));
    let is_feoc = |c: u16| countries.iso3(c) == Some(CountryCode::CHINA);
    let deps = importer_dependence(
        &table,
        &map,
        HsRevision::Hs2022,
        &[699],
        Basis::Value,
        &is_partner,
        &is_feoc,
    );
    let d = deps
        .iter()
        .find(|d| d.year == 2022 && d.mineral.as_str() == "lithium")
        .unwrap();
    assert_eq!(d.stage, ChainStage::Processing);
    assert_eq!(d.hs_codes, vec![283691]);
    assert!(!d.lumped);
    assert_relative_eq!(d.value_kusd, 100.0);
    assert_relative_eq!(d.contained_tonnes, 15.0 * 0.1879, max_relative = 1e-12);
    assert_eq!(d.top_supplier.map(|(c, _)| c), Some(156));
    assert_relative_eq!(d.top_supplier.unwrap().1, 0.6);
    assert_relative_eq!(d.partner_share.unwrap(), 0.3);
    assert_relative_eq!(d.feoc_share.unwrap(), 0.6);
    assert_eq!(d.rows_missing_quantity, 1);
    assert_eq!(deps.len(), 2, "2022 and 2023, one mineral and stage each");

    let flows = mineral_flows(&table, &map, HsRevision::Hs2022);
    assert_eq!(flows.rows_missing_quantity, 1);
    let find = |exp: &str, imp: &str, mineral: &str| {
        flows
            .flows
            .iter()
            .find(|f| {
                f.year == 2022
                    && f.exporter.as_str() == exp
                    && f.importer.as_str() == imp
                    && f.mineral.as_str() == mineral
            })
            .unwrap()
    };
    let chn_ind = find("CHN", "IND", "lithium");
    assert_relative_eq!(chn_ind.contained_tonnes, 10.0 * 0.1879, max_relative = 1e-12);
    assert_relative_eq!(chn_ind.value_kusd, 60.0);
    assert!(!chn_ind.lumped);
    // Cells carry five minerals, each flagged as lumped, at the manufacturing stage.
    let cells: Vec<_> = flows.flows.iter().filter(|f| f.exporter.as_str() == "IND").collect();
    assert_eq!(cells.len(), 5);
    assert!(cells.iter().all(|f| f.lumped && f.stage == ChainStage::Manufacturing));
    assert_relative_eq!(
        find("IND", "USA", "nickel").contained_tonnes,
        2.0 * 0.109,
        max_relative = 1e-12
    );
}

fn shown(err: &ImportError, dir: &Path) -> Vec<String> {
    match err {
        ImportError::Invalid { problems, .. } => problems
            .iter()
            .map(|p| p.to_string().replace(&format!("{}/", dir.display()), ""))
            .collect(),
        other => panic!("expected invalid rows, got {other}"),
    }
}

#[test]
fn bad_baci_rows_are_reported_by_line_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad.csv",
        "t,i,j,k,v,q
2022,156,699,283691,60,10
2022,156,699,28369,60,10
2022,156,999,283691,60,10
2022,156,699,283691,-5,10
1850,156,699,283691,5,10
2022,156,699,283691,5,abc
2022,156,699,283691,5
2022,156,699,283691,inf,1
",
    );
    let err = import(&path, &cached(dir.path())).unwrap_err();
    assert_eq!(
        shown(&err, dir.path()),
        [
            "bad.csv:3: column `k`: value `28369`: an HS6 product code of exactly six digits, leading zeros kept (e.g. 010121)",
            "bad.csv:4: column `j`: value `999`: a numeric country code listed in the country code table",
            "bad.csv:5: column `v`: value `-5`: a finite number ≥ 0 (thousands of current USD)",
            "bad.csv:6: column `t`: value `1850`: a year from 1962 to 2100",
            "bad.csv:7: column `q`: value `abc`: a finite number ≥ 0 (metric tonnes), or empty / NA when missing",
            "bad.csv:8: value `2022,156,699,283691,5`: 6 comma-separated fields t,i,j,k,v,q; found 5",
            "bad.csv:9: column `v`: value `inf`: a finite number ≥ 0 (thousands of current USD)",
        ]
    );
    assert!(err.to_string().starts_with("7 bad row(s); nothing was imported:"));
    assert_eq!(cache_files(dir.path()), 0, "no cache for a failed import");

    let not_trade = write(dir.path(), "other.csv", "a,b,c\n1,2,3\n");
    let err = import(&not_trade, &ImportOptions::default()).unwrap_err();
    assert!(shown(&err, dir.path())[0].starts_with("other.csv:1: value `a,b,c`: a BACI header"));
}

#[test]
fn bad_rows_far_into_a_large_file_get_their_absolute_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("t,i,j,k,v,q\n");
    for n in 0..300_000u32 {
        text.push_str(&format!("2020,4,8,{:06},{}.25,1\n", 100_000 + n % 5000, n));
    }
    text.push_str("2020,4,8,ABCDEF,1,1\n");
    let path = write(dir.path(), "long.csv", &text);
    let err = import(&path, &ImportOptions::default()).unwrap_err();
    assert_eq!(
        shown(&err, dir.path()),
        [
            "long.csv:300002: column `k`: value `ABCDEF`: an HS6 product code of exactly six digits, leading zeros kept (e.g. 010121)"
        ]
    );
}

const COMTRADE_HEADER: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";

/// One Comtrade line with the given cells and the rest at their totals / empty.
fn comtrade_row(cells: &[(&str, &str)]) -> String {
    COMTRADE_HEADER
        .split(',')
        .map(|h| {
            cells.iter().find(|(c, _)| *c == h).map_or(
                match h {
                    "partner2Code" | "motCode" => "0",
                    "customsCode" => "C00",
                    "typeCode" => "C",
                    "freqCode" => "A",
                    _ => "",
                },
                |(_, v)| *v,
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn comtrade_imports_keep_one_flow_and_skip_aggregates() {
    let dir = tempfile::tempdir().unwrap();
    let row = |reporter: &str, flow: &str, partner: &str, cmd: &str, value: &str, wgt: &str, extra: &[(&str, &str)]| {
        let mut cells = vec![
            ("refYear", "2022"),
            ("reporterCode", reporter),
            ("flowCode", flow),
            ("partnerCode", partner),
            ("cmdCode", cmd),
            ("primaryValue", value),
            ("netWgt", wgt),
        ];
        cells.extend_from_slice(extra);
        comtrade_row(&cells)
    };
    let text = [
        COMTRADE_HEADER.to_owned(),
        row("699", "M", "156", "283691", "60000", "10000", &[]),
        row("699", "M", "0", "283691", "90000", "15000", &[]),
        row("156", "X", "699", "283691", "61000", "10000", &[]),
        row("699", "M", "36", "2836", "30000", "5000", &[]),
        row("699", "M", "36", "283691", "30000", "5000", &[("motCode", "2100")]),
        row("699", "M", "899", "283691", "1000", "100", &[]),
        row("699", "M", "36", "283691", "30000", "", &[]),
    ]
    .join("\n");
    let path = write(dir.path(), "comtrade.csv", &text);
    let imported = import(&path, &ImportOptions::default()).unwrap();
    let t = &imported.table;
    assert_eq!(t.len(), 2);
    assert_eq!(t.exporters(), &[156, 36]);
    assert_eq!(t.importers(), &[699, 699]);
    assert_relative_eq!(t.values()[0], 60.0);
    assert_relative_eq!(t.quantities()[0], 10.0);
    assert!(t.quantities()[1].is_nan());
    assert_eq!(imported.skipped.total(), 5);
    assert_eq!(imported.skipped.by_reason["partner World (0)"], 1);
    // Exporter-reported flows instead.
    let exports = ImportOptions {
        comtrade_flow: ComtradeFlow::Exports,
        ..ImportOptions::default()
    };
    let t = import(&path, &exports).unwrap().table;
    assert_eq!((t.exporters(), t.importers()), (&[156u16][..], &[699u16][..]));

    // Tab-separated works the same.
    let tsv = write(dir.path(), "comtrade.tsv", &text.replace(',', "\t"));
    assert_eq!(import(&tsv, &ImportOptions::default()).unwrap().table.len(), 2);

    let bad = [
        COMTRADE_HEADER.to_owned(),
        row("12345", "M", "156", "283691", "1", "1", &[]),
        row("699", "M", "156", "28369X", "1", "1", &[]),
        row("699", "M", "156", "283691", "-3", "1", &[]),
    ]
    .join("\n");
    let bad_path = write(dir.path(), "bad_comtrade.csv", &bad);
    let err = import(&bad_path, &cached(dir.path())).unwrap_err();
    assert_eq!(
        shown(&err, dir.path()),
        [
            "bad_comtrade.csv:2: column `reporterCode`: value `12345`: a numeric country code listed in the country code table",
            "bad_comtrade.csv:3: column `cmdCode`: value `28369X`: a six-digit HS code (or TOTAL / a 2- or 4-digit aggregate, which are skipped)",
            "bad_comtrade.csv:4: column `primaryValue`: value `-3`: a finite number ≥ 0 (US dollars)",
        ]
    );
    assert_eq!(cache_files(dir.path()), 0);
}

fn zip_with(path: &Path, entries: &[(&str, &str)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, text) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn zipped_baci_reads_like_the_plain_file_and_uses_its_code_file() {
    let dir = tempfile::tempdir().unwrap();
    let plain = import(&write(dir.path(), "small.csv", SMALL), &ImportOptions::default())
        .unwrap()
        .table;
    let zipped = dir.path().join("BACI_HS22_V202501.zip");
    zip_with(
        &zipped,
        &[("Readme.txt", "readme"), ("BACI_HS22_Y2022_V202501.csv", SMALL)],
    );
    let from_zip = import(&zipped, &ImportOptions::default()).unwrap().table;
    assert_eq!(from_zip.values(), plain.values());
    assert_eq!(from_zip.groups(), plain.groups());

    // BACI's own code file inside the archive replaces the shipped table: here it lacks 152
    // (Chile), so the Chilean row is rejected, named by archive and entry.
    let codes = "country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n36,Australia,AU,AUS\n699,India,IN,IND\n842,USA,US,USA\n";
    let with_codes = dir.path().join("with_codes.zip");
    zip_with(
        &with_codes,
        &[
            ("BACI_HS22_Y2022_V202501.csv", SMALL),
            ("country_codes_V202501.csv", codes),
        ],
    );
    let err = import(&with_codes, &ImportOptions::default()).unwrap_err();
    assert_eq!(
        shown(&err, dir.path()),
        [
            "with_codes.zip:BACI_HS22_Y2022_V202501.csv:4: column `i`: value `152`: a numeric country code listed in the country code table"
        ]
    );
    let ignore_archive_codes = ImportOptions {
        use_archive_codes: false,
        ..ImportOptions::default()
    };
    assert_eq!(import(&with_codes, &ignore_archive_codes).unwrap().table.len(), 6);

    let empty = dir.path().join("empty.zip");
    zip_with(&empty, &[("Readme.txt", "nothing")]);
    assert!(matches!(
        import(&empty, &ImportOptions::default()),
        Err(ImportError::Archive { .. })
    ));
}

fn same_table(a: &TradeTable, b: &TradeTable) {
    assert_eq!(a.groups(), b.groups());
    assert_eq!(a.exporters(), b.exporters());
    assert_eq!(a.importers(), b.importers());
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(a.values()), bits(b.values()));
    assert_eq!(bits(a.quantities()), bits(b.quantities()));
}

#[test]
fn cache_hit_stale_and_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "small.csv", SMALL);
    let options = cached(dir.path());
    let first = import(&path, &options).unwrap();
    let CacheStatus::Built { path: cache_path, .. } = &first.cache else {
        panic!("expected a built cache, got {:?}", first.cache)
    };
    let second = import(&path, &options).unwrap();
    assert!(matches!(second.cache, CacheStatus::Hit(_)), "{:?}", second.cache);
    same_table(&first.table, &second.table);

    // Flip one byte in the middle of the columns: the checksum catches it and the file is
    // parsed again.
    let mut bytes = std::fs::read(cache_path).unwrap();
    let middle = bytes.len() - 20;
    bytes[middle] ^= 0x40;
    std::fs::write(cache_path, &bytes).unwrap();
    let third = import(&path, &options).unwrap();
    match &third.cache {
        CacheStatus::Built { previous, .. } => assert!(previous.describe().contains("checksum"), "{previous:?}"),
        other => panic!("expected a rebuilt cache, got {other:?}"),
    }
    same_table(&first.table, &third.table);

    // Truncated.
    let bytes = std::fs::read(cache_path).unwrap();
    std::fs::write(cache_path, &bytes[..bytes.len() / 2]).unwrap();
    let fourth = import(&path, &options).unwrap();
    assert!(matches!(fourth.cache, CacheStatus::Built { .. }), "{:?}", fourth.cache);
    same_table(&first.table, &fourth.table);

    // Changing the file (same size, new content) makes a new key: the old cache is not used.
    let changed = SMALL.replace("2022,156,699,283691,60,10", "2022,156,699,283691,70,10");
    std::fs::write(&path, changed).unwrap();
    let fifth = import(&path, &options).unwrap();
    assert!(matches!(fifth.cache, CacheStatus::Built { .. }), "{:?}", fifth.cache);
    assert_relative_eq!(fifth.table.values().iter().sum::<f64>(), 340.0);

    // A cache file under the right name but for another input is stale.
    let key = critmin_trade::file_identity(&path, &options).unwrap();
    let target = key.path_in(&dir.path().join("cache"));
    let other = write(dir.path(), "other.csv", SMALL);
    let other_key = critmin_trade::file_identity(&other, &options).unwrap();
    import(&other, &options).unwrap();
    std::fs::copy(other_key.path_in(&dir.path().join("cache")), &target).unwrap();
    match import(&path, &options).unwrap().cache {
        CacheStatus::Built { previous, .. } => assert_eq!(previous, critmin_trade::cache::CacheRejection::Stale),
        other => panic!("expected a stale cache, got {other:?}"),
    }
}

#[test]
fn generator_is_deterministic_and_its_output_imports() {
    let options = GenerateOptions {
        rows: 20_000,
        seed: 11,
        years: 2021..=2022,
        products: 300,
    };
    let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
    generate(&options, &mut a).unwrap();
    generate(&options, &mut b).unwrap();
    generate(
        &GenerateOptions {
            seed: 12,
            ..options.clone()
        },
        &mut c,
    )
    .unwrap();
    assert_eq!(a, b, "same seed, same bytes");
    assert_ne!(a, c, "another seed, other bytes");
    // Same bytes with one thread.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let mut single = Vec::new();
    pool.install(|| generate(&options, &mut single).unwrap());
    assert_eq!(a, single);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.csv");
    std::fs::write(&path, &a).unwrap();
    let table = import(&path, &ImportOptions::default()).unwrap().table;
    assert_eq!(table.len(), 20_000);
    assert_eq!(table.years(), vec![2021, 2022]);
    assert!(table.product_count() > 250);
    let missing = table.rows_missing_quantity() as f64 / 20_000.0;
    assert!((0.01..0.03).contains(&missing), "share of NA quantities {missing}");
    // Unique (t, i, j, k) rows, as in BACI.
    let mut keys: Vec<(u16, u32, u16, u16)> = Vec::new();
    for (g, group) in table.groups().iter().enumerate() {
        for r in table.rows(g) {
            keys.push((group.year, group.product, table.exporters()[r], table.importers()[r]));
        }
    }
    keys.sort_unstable();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n);
    // Heavy tail: the largest exporter carries far more than an equal share of the value.
    let mut by_exporter = std::collections::HashMap::new();
    for (r, &e) in table.exporters().iter().enumerate() {
        *by_exporter.entry(e).or_insert(0.0) += table.values()[r];
    }
    let total: f64 = by_exporter.values().sum();
    let top = by_exporter.values().copied().fold(0.0, f64::max);
    assert!(
        top / total > 5.0 / by_exporter.len() as f64,
        "top exporter share {}",
        top / total
    );
}

/// (year offset, exporter index, importer index, product, value, quantity) of a random row.
type RandomRow = (u16, u16, u16, u32, u32, Option<u32>);

fn csv_of(rows: &[RandomRow]) -> String {
    let codes = [4u16, 8, 12, 156, 699, 842, 36, 152];
    let mut text = String::from("t,i,j,k,v,q\n");
    for &(t, i, j, k, v, q) in rows {
        let q = q.map_or("NA".to_owned(), |q| format!("{}.5", q));
        text.push_str(&format!(
            "{},{},{},{:06},{}.125,{}\n",
            2020 + t % 3,
            codes[usize::from(i) % codes.len()],
            codes[usize::from(j) % codes.len()],
            k % 20 * 7,
            v,
            q
        ));
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn hhi_is_bounded_and_cache_agrees_with_parsing(
        rows in prop::collection::vec((0u16..3, 0u16..8, 0u16..8, 0u32..40, 0u32..1000, prop::option::of(0u32..100)), 1..200)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "p.csv", &csv_of(&rows));
        let options = cached(dir.path());
        let parsed = import(&path, &options).unwrap();
        let from_cache = import(&path, &options).unwrap();
        prop_assert!(matches!(from_cache.cache, CacheStatus::Hit(_)));
        for side in [Side::Exporter, Side::Importer] {
            for basis in [Basis::Value, Basis::Quantity] {
                let a = product_concentration(&parsed.table, side, basis);
                let b = product_concentration(&from_cache.table, side, basis);
                prop_assert_eq!(&a, &b);
                let (streamed, _) = critmin_trade::cached_concentration(&path, &options, side, basis).unwrap();
                prop_assert_eq!(&a, &streamed);
                for r in &a {
                    if let Some(h) = r.hhi {
                        let n = f64::from(r.n_countries);
                        prop_assert!(h <= 10_000.0 + 1e-9 && h >= 10_000.0 / n - 1e-6, "hhi {} with {} countries", h, n);
                    }
                }
            }
        }
    }
}

#[test]
fn a_cache_hit_reads_only_the_columns_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "small.csv", SMALL);
    let full = import(&path, &cached(dir.path())).unwrap();
    let narrow_options = ImportOptions {
        columns: critmin_trade::needed_columns(Side::Exporter, Basis::Value),
        ..cached(dir.path())
    };
    let narrow = import(&path, &narrow_options).unwrap();
    assert!(matches!(narrow.cache, CacheStatus::Hit(_)));
    let loaded = narrow.table.loaded_columns();
    assert!(loaded.exporter && loaded.value && !loaded.importer && !loaded.quantity);
    assert!(narrow.table.column_bytes() < full.table.column_bytes());
    assert_eq!(
        product_concentration(&narrow.table, Side::Exporter, Basis::Value),
        product_concentration(&full.table, Side::Exporter, Basis::Value)
    );
    // Parsing (no cache) gives the same narrow table.
    let parsed = import(
        &path,
        &ImportOptions {
            cache_dir: None,
            ..narrow_options.clone()
        },
    )
    .unwrap();
    assert_eq!(parsed.table.loaded_columns(), loaded);

    // Damage the quantity column (the last bytes before the end): a reader of exporters and
    // values does not read it, a reader of everything sees the damage and parses again.
    let CacheStatus::Hit(cache_path) = &narrow.cache else {
        unreachable!()
    };
    let mut bytes = std::fs::read(cache_path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(cache_path, &bytes).unwrap();
    assert!(matches!(
        import(&path, &narrow_options).unwrap().cache,
        CacheStatus::Hit(_)
    ));
    match import(&path, &cached(dir.path())).unwrap().cache {
        CacheStatus::Built { previous, .. } => {
            assert!(
                previous.describe().contains("checksum mismatch in column quantities"),
                "{previous:?}"
            )
        }
        other => panic!("expected a rebuilt cache, got {other:?}"),
    }
}
