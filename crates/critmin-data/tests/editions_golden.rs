//! The edition importers against the raw USGS releases in `data/raw/`: golden figures of MCS
//! 2026 read by hand from `MCS2026_Commodities_Data.csv` (each with its line), the US 2025
//! critical-minerals list, US net import reliance, and the MCS 2025 round trip against the
//! embedded 2025 tables (world data and US reliance).

mod editions_support;

use std::collections::BTreeMap;

use critmin_data::editions::{ImportedEdition, ImportedRow, critical_lists_csv, format_value, observations_csv};
use editions_support::{import, raw};

const COMMODITIES: &str = "MCS2026_Commodities_Data.csv";
const TABLE6: &str = "MCS2026_T6_Critical_Minerals_End_Use.csv";

fn mcs2026() -> ImportedEdition {
    let commodities = raw("usgs_mcs2026/MCS2026_Commodities_Data.csv");
    let table6 = raw("usgs_mcs2026/MCS2026_T6_Critical_Minerals_End_Use.csv");
    import(&[(COMMODITIES, &commodities), (TABLE6, &table6)]).unwrap_or_else(|p| panic!("{p:#?}"))
}

fn rows<'e>(edition: &'e ImportedEdition, mineral: &str, stage: &str) -> Vec<&'e ImportedRow> {
    edition
        .production
        .iter()
        .chain(&edition.reserves)
        .chain(&edition.refining)
        .filter(|r| r.mineral == mineral && r.stage == stage)
        .collect()
}

fn one<'e>(edition: &'e ImportedEdition, mineral: &str, stage: &str, country: &str, year: u16) -> &'e ImportedRow {
    let found: Vec<_> = rows(edition, mineral, stage)
        .into_iter()
        .filter(|r| r.country_iso3 == country && r.year == year)
        .collect();
    assert_eq!(found.len(), 1, "{mineral} {stage} {country} {year}: {found:?}");
    found[0]
}

/// One mineral's golden figures: (value, line) pairs as printed in the release.
struct Golden {
    mineral: &'static str,
    stage: &'static str,
    world_2024: (f64, u64),
    world_2025: (f64, u64),
    /// Reserves series, world reserves 2025, line, and whether USGS prints it as a lower bound.
    reserves: Option<(&'static str, f64, u64, bool)>,
    /// The three largest producers of 2025 (ROW excluded): code, value, line, share of the
    /// world total in percent (one decimal).
    top3: [(&'static str, f64, u64, f64); 3],
}

const GOLDEN: &[Golden] = &[
    Golden {
        mineral: "cobalt",
        stage: "mine",
        world_2024: (302_000.0, 1863),
        world_2025: (310_000.0, 1877),
        reserves: Some(("cobalt", 12_000_000.0, 1891, false)),
        top3: [
            ("COD", 230_000.0, 1868, 74.2),
            ("IDN", 44_000.0, 1870, 14.2),
            ("RUS", 7_700.0, 1874, 2.5),
        ],
    },
    Golden {
        mineral: "lithium",
        stage: "mine",
        world_2024: (222_000.0, 4247),
        world_2025: (290_000.0, 4259),
        reserves: Some(("lithium", 37_000_000.0, 4271, false)),
        top3: [
            ("AUS", 92_000.0, 4250, 31.7),
            ("CHN", 62_000.0, 4254, 21.4),
            ("CHL", 56_000.0, 4253, 19.3),
        ],
    },
    Golden {
        mineral: "nickel",
        stage: "mine",
        world_2024: (3_710_000.0, 5060),
        world_2025: (3_900_000.0, 5071),
        reserves: Some(("nickel", 140_000_000.0, 5082, true)),
        top3: [
            ("IDN", 2_600_000.0, 5066, 66.7),
            ("PHL", 270_000.0, 5068, 6.9),
            ("RUS", 200_000.0, 5069, 5.1),
        ],
    },
    Golden {
        mineral: "graphite_natural",
        stage: "mine",
        world_2024: (1_550_000.0, 2982),
        world_2025: (1_800_000.0, 3002),
        reserves: Some(("graphite_natural", 310_000_000.0, 3022, false)),
        top3: [
            ("CHN", 1_400_000.0, 2987, 77.8),
            ("MDG", 80_000.0, 2992, 4.4),
            ("TZA", 75_000.0, 2998, 4.2),
        ],
    },
    Golden {
        mineral: "rare_earths",
        stage: "mine",
        world_2024: (380_000.0, 6088),
        world_2025: (390_000.0, 6106),
        reserves: Some(("rare_earths", 85_000_000.0, 6124, true)),
        top3: [
            ("CHN", 270_000.0, 6094, 69.2),
            ("USA", 51_000.0, 6089, 13.1),
            ("AUS", 29_000.0, 6090, 7.4),
        ],
    },
    Golden {
        // Gallium is a by-product: USGS publishes primary (low-purity) production, no reserves.
        mineral: "gallium",
        stage: "primary_production",
        world_2024: (848_000.0, 2555),
        world_2025: (900_000.0, 2561),
        reserves: None,
        top3: [
            ("CHN", 900_000.0, 2557, 100.0),
            ("RUS", 6_000.0, 2559, 0.7),
            ("JPN", 3_000.0, 2558, 0.3),
        ],
    },
    Golden {
        mineral: "tungsten",
        stage: "mine",
        world_2024: (82_000.0, 8219),
        world_2025: (85_000.0, 8233),
        reserves: Some(("tungsten", 4_700_000.0, 8247, true)),
        top3: [
            ("CHN", 67_000.0, 8224, 78.8),
            ("VNM", 3_000.0, 8231, 3.5),
            ("KAZ", 2_400.0, 8225, 2.8),
        ],
    },
    Golden {
        mineral: "antimony",
        stage: "mine",
        world_2024: (119_000.0, 431),
        world_2025: (110_000.0, 449),
        reserves: Some(("antimony", 2_000_000.0, 467, true)),
        top3: [
            ("CHN", 40_000.0, 437, 36.4),
            ("RUS", 32_000.0, 445, 29.1),
            ("TJK", 22_000.0, 446, 20.0),
        ],
    },
    Golden {
        mineral: "copper",
        stage: "mine",
        world_2024: (23_000.0, 2009),
        world_2025: (23_000.0, 2028),
        reserves: Some(("copper", 980_000.0, 2085, false)),
        top3: [
            ("CHL", 5_300.0, 2013, 23.0),
            ("COD", 3_200.0, 2015, 13.9),
            ("PER", 2_700.0, 2023, 11.7),
        ],
    },
    Golden {
        mineral: "manganese",
        stage: "mine",
        world_2024: (18_700.0, 4608),
        world_2025: (20_000.0, 4619),
        reserves: Some(("manganese", 1_700_000.0, 4630, false)),
        top3: [
            ("ZAF", 7_600.0, 4617, 38.0),
            ("GAB", 5_000.0, 4614, 25.0),
            ("GHA", 2_000.0, 4615, 10.0),
        ],
    },
    Golden {
        // Platinum production has its own rows; reserves are given for all PGMs together.
        mineral: "platinum",
        stage: "mine",
        world_2024: (179_000.0, 5706),
        world_2025: (170_000.0, 5713),
        reserves: Some(("pgm", 76_000_000.0, 5720, true)),
        top3: [
            ("ZAF", 120_000.0, 5710, 70.6),
            ("RUS", 20_000.0, 5709, 11.8),
            ("ZWE", 18_000.0, 5711, 10.6),
        ],
    },
];

#[test]
fn mcs2026_world_production_reserves_and_top_three_shares_are_the_published_figures() {
    let edition = mcs2026();
    assert_eq!(edition.edition, "USGS-MCS2026");
    for g in GOLDEN {
        for (year, (value, line)) in [(2024, g.world_2024), (2025, g.world_2025)] {
            let world = one(&edition, g.mineral, g.stage, "WLD", year);
            assert_eq!(
                (world.value, world.line),
                (Some(value), line),
                "{} world {year}",
                g.mineral
            );
            assert_eq!(world.file, COMMODITIES);
        }
        match g.reserves {
            Some((mineral, value, line, bound)) => {
                let world = one(&edition, mineral, "reserves", "WLD", 2025);
                assert_eq!((world.value, world.line), (Some(value), line), "{mineral} reserves");
                assert_eq!(world.note.contains("qualifier:>"), bound, "{mineral}: {}", world.note);
            }
            None => assert!(rows(&edition, g.mineral, "reserves").is_empty(), "{}", g.mineral),
        }
        let mut producers: Vec<&ImportedRow> = rows(&edition, g.mineral, g.stage)
            .into_iter()
            .filter(|r| r.year == 2025 && r.value.is_some() && !matches!(r.country_iso3.as_str(), "WLD" | "ROW"))
            .collect();
        producers.sort_by(|a, b| b.value.partial_cmp(&a.value).unwrap_or(std::cmp::Ordering::Equal));
        let world = g.world_2025.0;
        let top3: Vec<(&str, f64, u64, f64)> = producers
            .iter()
            .take(3)
            .map(|r| {
                let v = r.value.unwrap_or(f64::NAN);
                (r.country_iso3.as_str(), v, r.line, (1000.0 * v / world).round() / 10.0)
            })
            .collect();
        assert_eq!(top3, g.top3.to_vec(), "{} top three of 2025", g.mineral);
    }
}

#[test]
fn mcs2026_revisions_flags_and_gaps_are_read_as_published() {
    let edition = mcs2026();
    // MCS 2025 estimated DRC cobalt 2024 at 220,000 t; MCS 2026 revised it (line 1854).
    let drc = one(&edition, "cobalt", "mine", "COD", 2024);
    assert_eq!((drc.value, drc.line), (Some(226_000.0), 1854));
    // Withheld US lithium: missing with the flag in the note, never zero (line 4248).
    let us = one(&edition, "lithium", "mine", "USA", 2025);
    assert_eq!((us.value, us.line), (None, 4248));
    assert!(us.note.contains("W: withheld"), "{}", us.note);
    // Indonesia nickel 2025e: 2.6 Mt (line 5066).
    assert_eq!(one(&edition, "nickel", "mine", "IDN", 2025).value, Some(2_600_000.0));
    // Germanium: MCS 2026 publishes no world production table (it is flagged critical).
    assert!(
        edition
            .production
            .iter()
            .chain(&edition.refining)
            .all(|r| r.mineral != "germanium")
    );
    assert!(edition.critical_flags.iter().any(|f| f.commodity == "Germanium"));
    // The yttrium row with shifted cells is listed as not imported, with its line.
    assert!(
        edition
            .skipped
            .iter()
            .any(|s| s.line == 8533 && s.reason.contains("Notes cell missing"))
    );
    // Every row names the release and its labels.
    for row in edition
        .production
        .iter()
        .chain(&edition.reserves)
        .chain(&edition.refining)
    {
        assert!(
            row.source.starts_with("USGS-MCS2026 Commodities Data (Commodity='"),
            "{}",
            row.source
        );
        assert!(row.line > 1);
    }
}

#[test]
fn mcs2026_gives_series_for_minerals_the_embedded_tables_lack() {
    let edition = mcs2026();
    let with_2025_production = |mineral: &str| {
        edition
            .production
            .iter()
            .chain(&edition.refining)
            .any(|r| r.mineral == mineral && r.year == 2025 && r.value.is_some())
    };
    for mineral in [
        "beryllium",
        "fluorspar",
        "magnesium",
        "potash",
        "strontium",
        "zirconium_concentrates",
        "lead",
        "silver",
        "rhenium",
        "barite",
        "arsenic",
        "selenium",
    ] {
        assert!(with_2025_production(mineral), "{mineral}");
    }
}

/// The commodity labels flagged `Is critical mineral 2025` that are not a Table 6 name, with
/// the list member(s) they stand for (read from the chapter titles and Table 6's notes).
const FLAGGED_AS: &[(&str, &[&str])] = &[
    ("Alumina", &["aluminum"]),
    ("Bauxite", &["aluminum"]),
    ("Graphite (Natural)", &["graphite"]),
    ("Magnesium Metal", &["magnesium"]),
    ("Niobium (Columbium)", &["niobium"]),
    (
        "Platinum-Group Metals",
        &["iridium", "palladium", "platinum", "rhodium", "ruthenium"],
    ),
    (
        "Rare Earths",
        &[
            "cerium",
            "europium",
            "gadolinium",
            "lanthanum",
            "neodymium",
            "praseodymium",
            "samarium",
        ],
    ),
    (
        "Rare Earths (Heavy)",
        &["dysprosium", "erbium", "holmium", "lutetium", "terbium", "ytterbium"],
    ),
    ("TiO2 Pigment", &["titanium"]),
    ("TiO2 pigment", &["titanium"]),
    ("Tio2 Pigment", &["titanium"]),
    ("Titanium Mineral Concentrates", &["titanium"]),
    ("Titanium Sponge Metal", &["titanium"]),
    ("Titanium sponge metal", &["titanium"]),
    ("Zirconium And Hafnium", &["zirconium", "hafnium"]),
];

#[test]
fn the_us_2025_list_has_sixty_members_and_agrees_with_the_critical_flags() {
    let edition = mcs2026();
    let members: Vec<&str> = edition.critical_lists.iter().map(|e| e.mineral.as_str()).collect();
    assert_eq!(members.len(), 60);
    assert!(
        edition
            .critical_lists
            .iter()
            .all(|e| e.list == "US-2025" && e.file == TABLE6)
    );
    for expected in [
        "metallurgical_coal",
        "phosphate_rock",
        "uranium",
        "thulium",
        "ytterbium",
        "zirconium",
    ] {
        assert!(members.contains(&expected), "{expected}");
    }
    // Every label flagged critical in the commodities file is a member or stands for members.
    let mut covered: Vec<&str> = Vec::new();
    for flag in &edition.critical_flags {
        let as_member = flag.commodity.to_lowercase().replace(' ', "_");
        match FLAGGED_AS.iter().find(|(label, _)| *label == flag.commodity) {
            Some((_, names)) => covered.extend(names.iter()),
            None => {
                assert!(
                    members.contains(&as_member.as_str()),
                    "{} (line {})",
                    flag.commodity,
                    flag.line
                );
                covered.extend(members.iter().copied().filter(|m| *m == as_member));
            }
        }
    }
    assert_eq!(edition.critical_flags.len(), 68);
    // The members no row of the commodities file is flagged for: Table 6 says metallurgical coal
    // and uranium have no chapter and thulium is in the Rare Earths chapter.
    let unflagged: Vec<&str> = members.iter().copied().filter(|m| !covered.contains(m)).collect();
    assert_eq!(unflagged, ["metallurgical_coal", "thulium", "uranium"]);
    let csv = critical_lists_csv(&edition.critical_lists);
    assert!(csv.starts_with("list,mineral,source\nUS-2025,aluminum,"));
    assert_eq!(csv.lines().count(), 61);
}

/// The rows of the embedded 2025 tables the MCS 2025 import does not reproduce, each with why.
/// Every value and unit of every other row is the same.
const KNOWN_2025_DIFFERENCES: &[(&str, &str, &str, &str, &str, &str)] = &[
    // (table, mineral, stage, country, year, reason)
    ("refining.csv", "germanium", "refinery", "BEL", "2023", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "BEL", "2024", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "CAN", "2023", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "CAN", "2024", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "CHN", "2023", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "CHN", "2024", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "DEU", "2023", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "DEU", "2024", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "ROW", "2023", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "ROW", "2024", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "RUS", "2023", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "RUS", "2024", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "WLD", "2023", GERMANIUM),
    ("refining.csv", "germanium", "refinery", "WLD", "2024", GERMANIUM),
    (
        "reserves.csv",
        "molybdenum",
        "reserves",
        "PRK",
        "2024",
        "blank cell whose RESERVE_NOTES reads `NA (Reserve data is thousand metric tons).`, a \
            sentence and not a flag; the compiler kept it as NA",
    ),
];
const GERMANIUM: &str = "USGS lists germanium refiners with every cell blank; the compiler kept the producer list \
    as blank rows, the importer makes rows only from cells with a number or a flag (and for \
    the US and India)";

#[test]
fn mcs2025_import_reproduces_the_embedded_2025_tables_but_for_the_listed_rows() {
    let world = raw("usgs_mcs2025/MCS2025_World_Data.csv");
    let edition = import(&[("MCS2025_World_Data.csv", &world)]).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(edition.edition, "USGS-MCS2025");
    type Key = (String, String, String, String, String);
    let mut differences: Vec<(String, String, String, String, String)> = Vec::new();
    for (name, rows) in edition.tables() {
        let embedded = critmin_data::embedded_file(name).map_or("", |f| f.text);
        let mut compiled: BTreeMap<Key, (String, String)> = BTreeMap::new();
        let mut reader = csv::Reader::from_reader(embedded.as_bytes());
        for record in reader.records().map_while(Result::ok) {
            if record[6].starts_with("USGS-MCS2025") {
                let key = (
                    name.to_owned(),
                    record[0].into(),
                    record[1].into(),
                    record[2].into(),
                    record[3].into(),
                );
                compiled.insert(key, (record[4].into(), record[5].into()));
            }
        }
        let imported: BTreeMap<Key, (String, String)> = rows
            .iter()
            .map(|r| {
                let key = (
                    name.to_owned(),
                    r.mineral.clone(),
                    r.stage.clone(),
                    r.country_iso3.clone(),
                    r.year.to_string(),
                );
                (key, (r.value.map(format_value).unwrap_or_default(), r.unit.clone()))
            })
            .collect();
        for (key, value) in &compiled {
            if imported.get(key) != Some(value) {
                differences.push(key.clone());
            }
        }
        for key in imported.keys() {
            if !compiled.contains_key(key) {
                differences.push(key.clone());
            }
        }
        // The written table has the embedded shape.
        assert!(observations_csv(rows).starts_with("mineral,stage,country_iso3,year,value,unit,source,note\n"));
    }
    let known: Vec<(String, String, String, String, String)> = KNOWN_2025_DIFFERENCES
        .iter()
        .map(|(t, m, s, c, y, _)| {
            (
                (*t).to_owned(),
                (*m).to_owned(),
                (*s).to_owned(),
                (*c).to_owned(),
                (*y).to_owned(),
            )
        })
        .collect();
    differences.sort();
    let mut known_sorted = known.clone();
    known_sorted.sort();
    assert_eq!(differences, known_sorted);
    assert_eq!(edition.production.len(), 582);
}

/// US net import reliance 2025 in the commodities file (value as printed, line) and in Fig. 2
/// of the same release (`MCS2026_Fig2_Net_Import_Reliance.csv`, label and value): they agree.
const RELIANCE_2025: &[(&str, &str, u64, &str, &str)] = &[
    // (mineral id, value as printed, line, Fig. 2 label, Fig. 2 value)
    ("antimony", "91", 395, "ANTIMONY, metal and oxide", "91"),
    ("cesium", "100", 1414, "CESIUM", "100"),
    ("cobalt", "79", 1844, "COBALT", "79"),
    ("gallium", "100", 2544, "GALLIUM", "100"),
    ("germanium", ">50", 2791, "GERMANIUM", ">50"),
    ("graphite_natural", "100", 2957, "GRAPHITE (NATURAL)", "100"),
    ("lithium", ">50", 4232, "LITHIUM", ">50"),
    ("manganese", "100", 4578, "MANGANESE", "100"),
    ("nickel", "41", 5040, "NICKEL", "41"),
    ("platinum", "89", 5675, "PLATINUM", "89"),
    ("rare_earths", "67", 6064, "RARE EARTHS, compounds and metals", "67"),
    ("tungsten", ">50", 8200, "TUNGSTEN", ">50"),
    ("zinc", "73", 8676, "ZINC, refined", "73"),
];

#[test]
fn mcs2026_us_net_import_reliance_is_read_with_bounds_and_exporters() {
    let edition = mcs2026();
    let figure2 = String::from_utf8(raw("usgs_mcs2026/MCS2026_Fig2_Net_Import_Reliance.csv")).expect("Fig. 2 is UTF-8");
    for (mineral, printed, line, label, fig2_value) in RELIANCE_2025 {
        let found: Vec<_> = edition
            .import_reliance
            .iter()
            .filter(|r| r.mineral == *mineral && r.year == 2025)
            .collect();
        assert_eq!(found.len(), 1, "{mineral}");
        let row = found[0];
        let read = format!("{}{}", row.qualifier, row.value.map(format_value).unwrap_or_default());
        assert_eq!((read.as_str(), row.line), (*printed, *line), "{mineral}");
        assert_eq!(printed, fig2_value, "{mineral}");
        let fig2_line = if label.contains(',') {
            format!("\"{label}\",{fig2_value},")
        } else {
            format!(",{label},{fig2_value},")
        };
        assert!(figure2.contains(&fig2_line), "{mineral}: {fig2_line}");
    }
    // Net exporters: qualifier E and no number (rare-earth concentrates, line 6065).
    let concentrate = edition
        .import_reliance
        .iter()
        .find(|r| r.mineral == "rare_earths_concentrate" && r.year == 2025)
        .expect("rare-earth concentrates");
    assert_eq!(
        (concentrate.value, concentrate.qualifier.as_str(), concentrate.line),
        (None, "E", 6065)
    );
    // Five years (2021–2025) for the minerals with a salient table.
    let cobalt_years: Vec<u16> = edition
        .import_reliance
        .iter()
        .filter(|r| r.mineral == "cobalt")
        .map(|r| r.year)
        .collect();
    assert_eq!(cobalt_years, [2021, 2022, 2023, 2024, 2025]);
    assert!(
        critmin_data::editions::import_reliance_csv(&edition.import_reliance)
            .starts_with("country_iso3,mineral,year,metric,value,qualifier,major_import_sources,source,note\n")
    );
}

fn mcs2025_files() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/raw/usgs_mcs2025");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| {
                    n.ends_with("_salient.csv")
                        || n == "MCS2025_Fig2_Net_Import_Reliance.csv"
                        || n == "MCS2025_World_Data.csv"
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|n| (n.clone(), raw(&format!("usgs_mcs2025/{n}"))))
        .collect()
}

#[test]
fn mcs2025_reliance_reproduces_the_embedded_us_rows() {
    let files = mcs2025_files();
    let given: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let edition = import(&given).unwrap_or_else(|p| panic!("{p:#?}"));
    let embedded = critmin_data::embedded_file("import_reliance.csv").map_or("", |f| f.text);
    let mut compiled: BTreeMap<(String, String), (String, String, String)> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(embedded.as_bytes());
    for record in reader.records().map_while(Result::ok) {
        if &record[0] == "USA" {
            compiled.insert(
                (record[1].into(), record[2].into()),
                (record[4].into(), record[5].into(), record[6].into()),
            );
        }
    }
    let imported: BTreeMap<(String, String), (String, String, String)> = edition
        .import_reliance
        .iter()
        .map(|r| {
            (
                (r.mineral.clone(), r.year.to_string()),
                (
                    r.value.map(format_value).unwrap_or_default(),
                    r.qualifier.clone(),
                    r.major_import_sources.clone(),
                ),
            )
        })
        .collect();
    let mut differences = Vec::new();
    for (key, value) in &compiled {
        if imported.get(key) != Some(value) {
            differences.push(format!("{key:?}: compiled {value:?}, imported {:?}", imported.get(key)));
        }
    }
    for (key, value) in &imported {
        if !compiled.contains_key(key) {
            differences.push(format!("{key:?}: only imported {value:?}"));
        }
    }
    assert_eq!(differences, Vec::<String>::new());
    assert_eq!((compiled.len(), imported.len()), (211, 211));
    // The salient 2024 figures Fig. 2 also gives are listed as not imported, all equal.
    let superseded: Vec<_> = edition
        .skipped
        .iter()
        .filter(|s| s.reason.contains("Fig. 2 gives"))
        .collect();
    assert!(!superseded.is_empty() && superseded.iter().all(|s| s.reason.ends_with("(the same figure)")));
}

#[test]
fn mcs2026_revises_the_2024_figures_of_mcs2025() {
    let world = raw("usgs_mcs2025/MCS2025_World_Data.csv");
    let mcs2025 = import(&[("MCS2025_World_Data.csv", &world)]).unwrap_or_else(|p| panic!("{p:#?}"));
    let revised = critmin_data::editions::revisions::revisions(&mcs2025, &mcs2026());
    let drc = revised
        .iter()
        .find(|r| r.mineral == "cobalt" && r.stage == "mine" && r.country_iso3 == "COD" && r.year == 2024)
        .expect("DRC cobalt 2024 revised");
    assert_eq!((drc.from, drc.to), (Some(220_000.0), Some(226_000.0)));
    assert_eq!(drc.to_at, (COMMODITIES.to_owned(), 1854));
    assert!(drc.unit_from.is_none());
    // Only 2024 is in both editions (production 2023–2024e, reserves 2024 vs 2025).
    assert!(revised.iter().all(|r| r.year == 2024));
    assert_eq!(revised.len(), 347);
    let units: Vec<String> = revised
        .iter()
        .filter(|r| r.unit_from.is_some())
        .map(|r| format!("{} {} {}", r.mineral, r.stage, r.country_iso3))
        .collect();
    assert_eq!(units, Vec::<String>::new());
}
