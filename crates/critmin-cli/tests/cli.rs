//! End-to-end tests of the `critmin` binary: every test runs the real executable
//! (`CARGO_BIN_EXE_critmin`) in a fresh temporary directory and checks exit status, stdout and
//! stderr. The golden tests compare our figures with the raw published sources kept under
//! `data/raw/` and `data/production.csv`, read independently here.

mod support;

use std::path::{Path, PathBuf};

use support::{as_f64, as_str, critmin, critmin_with, data_path, records, tmp};

use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Help and usage
// ---------------------------------------------------------------------------------------------

#[test]
fn every_subcommand_has_help_naming_its_options() {
    let dir = tmp();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--help"],
            &[
                "Usage: critmin",
                "minerals",
                "supply",
                "concentration",
                "exposure",
                "report",
                "data",
                "--data <DIR>",
                "CRITMIN_DATA",
                "--version",
            ],
        ),
        (
            &["minerals", "--help"],
            &["Usage: critmin minerals", "--format", "table", "json", "csv"],
        ),
        (
            &["supply", "--help"],
            &[
                "Usage: critmin supply",
                "<MINERAL>",
                "--stage",
                "--year",
                "--source",
                "--format",
            ],
        ),
        (
            &["concentration", "--help"],
            &[
                "Usage: critmin concentration",
                "--source",
                "--year",
                "--mineral",
                "--stage",
                "--format",
            ],
        ),
        (
            &["exposure", "--help"],
            &[
                "Usage: critmin exposure",
                "--country",
                "--partners",
                "--format",
                "msp",
                "quad",
            ],
        ),
        (
            &["report", "--help"],
            &[
                "Usage: critmin report",
                "--country",
                "--partners",
                "--out",
                "critmin-report.html",
            ],
        ),
        (
            &["data", "--help"],
            &["Usage: critmin data", "check", "import", "export"],
        ),
        (&["data", "check", "--help"], &["Usage: critmin data check", "--data"]),
        (
            &["data", "import", "--help"],
            &["Usage: critmin data import", "<FILES>", "--into", "critmin-data"],
        ),
        (&["data", "export", "--help"], &["Usage: critmin data export", "<DIR>"]),
    ];
    for (args, expected) in cases {
        let run = critmin(dir.path(), args).success();
        for e in *expected {
            assert!(
                run.stdout.contains(e),
                "`critmin {}` help lacks {e:?}:\n{}",
                args.join(" "),
                run.stdout
            );
        }
        assert!(
            run.stderr.is_empty(),
            "`critmin {}` wrote to stderr: {}",
            args.join(" "),
            run.stderr
        );
    }
}

#[test]
fn version_and_usage_errors() {
    let dir = tmp();
    let run = critmin(dir.path(), &["--version"]).success();
    assert_eq!(run.stdout.trim(), format!("critmin {}", env!("CARGO_PKG_VERSION")));
    // Usage errors are clap's: exit status 2 and a usage line, distinct from data errors (1).
    let run = critmin(dir.path(), &["supply"]).fails_with(2);
    assert!(run.stderr.contains("<MINERAL>"), "{}", run.stderr);
    let run = critmin(dir.path(), &["concentration", "--format", "xml"]).fails_with(2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
    critmin(dir.path(), &["no-such-command"]).fails_with(2);
}

// ---------------------------------------------------------------------------------------------
// minerals
// ---------------------------------------------------------------------------------------------

#[test]
fn minerals_json_lists_lithium_on_all_three_critical_lists() {
    let dir = tmp();
    let doc = critmin(dir.path(), &["minerals", "--format", "json"]).success().json();
    let all = records(&doc);
    assert!(all.len() >= 30, "only {} minerals", all.len());
    let lithium = all.iter().find(|m| m["id"] == "lithium").expect("lithium is listed");
    assert_eq!(lithium["name"], "Lithium");
    for list in ["in_india_2023", "in_us_2022", "in_eu_2023"] {
        assert_eq!(lithium[list], Value::Bool(true), "lithium {list}: {lithium}");
    }
    let stages = as_str(&lithium["stages"], "lithium stages");
    assert!(stages.contains("mine"), "{stages}");
    let sources = as_str(&lithium["sources"], "lithium sources");
    assert!(
        sources.contains("USGS-MCS2025") && sources.contains("IEA-CMD-2025"),
        "{sources}"
    );
    // Ids are unique.
    let mut ids: Vec<&str> = all.iter().map(|m| as_str(&m["id"], "id")).collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate mineral ids");
}

// ---------------------------------------------------------------------------------------------
// concentration: golden test against the raw IEA extract
// ---------------------------------------------------------------------------------------------

/// IEA mineral name in the raw extract → our mineral id.
const IEA_MINERALS: [(&str, &str); 6] = [
    ("Copper", "copper"),
    ("Cobalt", "cobalt"),
    ("Lithium", "lithium"),
    ("Nickel", "nickel"),
    ("Graphite", "graphite"),
    ("Rare Earth Elements", "rare_earths_magnet"),
];
/// IEA supply key → our stage id.
const IEA_STAGES: [(&str, &str); 2] = [("mining", "mine"), ("refining", "refined")];

/// The fields issue 2 requires of every `critmin concentration` record, in output order.
const REQUIRED_CONCENTRATION_FIELDS: [&str; 12] = [
    "mineral",
    "stage",
    "year",
    "source",
    "unit",
    "hhi",
    "hhi_upper",
    "top3_share",
    "top_country",
    "top_share",
    "feoc_share",
    "n_suppliers",
];

fn iea_raw() -> Value {
    let path = data_path("raw/iea/iea_cm_data_explorer_2025_extract.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the raw IEA extract is JSON")
}

fn iea_concentration(dir: &Path) -> Vec<Value> {
    let doc = critmin(dir, &["concentration", "--source", "IEA-CMD-2025", "--format", "json"])
        .success()
        .json();
    records(&doc).clone()
}

fn find_record<'a>(recs: &'a [Value], mineral: &str, stage: &str, year: u64) -> &'a Value {
    let found: Vec<&Value> = recs
        .iter()
        .filter(|r| r["mineral"] == mineral && r["stage"] == stage && r["year"].as_u64() == Some(year))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one record for {mineral} {stage} {year}, found {}",
        found.len()
    );
    found[0]
}

#[test]
fn concentration_top3_matches_the_raw_iea_extract() {
    let dir = tmp();
    let raw = iea_raw();
    let ours = iea_concentration(dir.path());
    let mut checked = 0;
    let mut report = Vec::new();
    for (iea_name, mineral) in IEA_MINERALS {
        for (iea_stage, stage) in IEA_STAGES {
            let published = &raw["supply"][iea_name][iea_stage]["top3Share"]["2024"];
            let published = as_f64(published, &format!("IEA {iea_name} {iea_stage} top3Share 2024"));
            let rec = find_record(&ours, mineral, stage, 2024);
            let got = as_f64(&rec["top3_share"], "top3_share");
            let diff = (got - published).abs();
            report.push(format!(
                "{mineral} {stage}: ours {got:.6} IEA {published:.6} diff {diff:.2e}"
            ));
            assert!(
                diff <= 0.001,
                "top-3 share off by more than 0.1 pp:\n{}",
                report.join("\n")
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 12);
}

#[test]
fn concentration_top_supplier_and_total_match_the_raw_iea_extract() {
    let dir = tmp();
    let raw = iea_raw();
    let ours = iea_concentration(dir.path());
    let iso3 = |name: &str| match name {
        "Chile" => "CHL",
        "China" => "CHN",
        "Democratic Republic of Congo" => "COD",
        "Australia" => "AUS",
        "Indonesia" => "IDN",
        other => panic!("add {other:?} to the IEA name → ISO3 map of this test"),
    };
    for (iea_name, mineral) in IEA_MINERALS {
        for (iea_stage, stage) in IEA_STAGES {
            let series = &raw["supply"][iea_name][iea_stage];
            let total = as_f64(&series["total"]["2024"], "IEA total 2024");
            // The extract carries note strings as "countries" with null values: skip them.
            let (top_name, top_value) = series["countries"]
                .as_object()
                .expect("IEA countries object")
                .iter()
                .filter(|(name, _)| name.as_str() != "Rest of world")
                .filter_map(|(name, v)| v["2024"].as_f64().map(|x| (name.as_str(), x)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .expect("at least one IEA country");
            let rec = find_record(&ours, mineral, stage, 2024);
            assert_eq!(
                as_str(&rec["top_country"], "top_country"),
                iso3(top_name),
                "{mineral} {stage}"
            );
            let got = as_f64(&rec["top_share"], "top_share");
            assert!(
                (got - top_value / total).abs() <= 0.001,
                "{mineral} {stage} top share {got} vs IEA {}",
                top_value / total
            );
            let our_total = as_f64(&rec["total"], "total");
            assert!(
                (our_total - total).abs() <= 1e-4 * total,
                "{mineral} {stage} total {our_total} vs IEA {total}"
            );
            assert_eq!(rec["total_basis"], "published-world", "{mineral} {stage}");
        }
    }
}

#[test]
fn concentration_records_are_complete_and_bounded() {
    let dir = tmp();
    let ours = iea_concentration(dir.path());
    assert!(ours.len() >= 12, "{} IEA records", ours.len());
    let fields = REQUIRED_CONCENTRATION_FIELDS;
    for r in &ours {
        let id = format!("{} {} {}", r["mineral"], r["stage"], r["year"]);
        let obj = r.as_object().expect("a record is an object");
        for f in fields {
            assert!(obj.contains_key(f), "{id} lacks field {f}: {r}");
        }
        assert_eq!(r["source"], "IEA-CMD-2025", "{id}");
        assert!(!as_str(&r["unit"], "unit").is_empty(), "{id}: empty unit");
        let hhi = as_f64(&r["hhi"], "hhi");
        let upper = as_f64(&r["hhi_upper"], "hhi_upper");
        assert!(
            0.0 <= hhi && hhi <= upper && upper <= 10_000.0,
            "{id}: HHI bounds {hhi} .. {upper}"
        );
        let top3 = as_f64(&r["top3_share"], "top3_share");
        let top = as_f64(&r["top_share"], "top_share");
        let feoc = as_f64(&r["feoc_share"], "feoc_share");
        assert!(0.0 < top && top <= top3 && top3 <= 1.0, "{id}: top {top}, top-3 {top3}");
        assert!((0.0..=1.0).contains(&feoc), "{id}: FEOC share {feoc}");
        // The lower-bound HHI includes the top supplier's squared share.
        assert!(
            hhi + 1e-6 >= top * top * 10_000.0,
            "{id}: HHI {hhi} below top share² {top}"
        );
        let n = r["n_suppliers"]
            .as_u64()
            .unwrap_or_else(|| panic!("{id}: n_suppliers {}", r["n_suppliers"]));
        assert!(n >= 3, "{id}: {n} suppliers");
    }
}

#[test]
fn concentration_csv_has_a_header_and_one_line_per_record() {
    let dir = tmp();
    let csv_run = critmin(dir.path(), &["concentration", "--format", "csv"]).success();
    let json_doc = critmin(dir.path(), &["concentration", "--format", "json"])
        .success()
        .json();
    let json_records = records(&json_doc);
    let first_line = csv_run.stdout.lines().next().expect("a header line");
    assert!(first_line.starts_with("mineral,stage,"), "header: {first_line}");
    // The key columns come in this order (the header also holds `chain_stage` and `capacity`
    // between `stage` and `year`, so it is checked as an ordered subsequence).
    let header: Vec<&str> = first_line.split(',').collect();
    let mut last = None;
    for col in REQUIRED_CONCENTRATION_FIELDS {
        let at = header
            .iter()
            .position(|h| *h == col)
            .unwrap_or_else(|| panic!("header lacks {col}: {first_line}"));
        assert!(last.is_none_or(|l| at > l), "column {col} out of order: {first_line}");
        last = Some(at);
    }
    assert!(first_line.contains("source,unit,hhi,hhi_upper"), "header: {first_line}");
    // No field holds a newline, so lines and records coincide.
    assert_eq!(
        csv_run.stdout.lines().count(),
        json_records.len() + 1,
        "CSV lines vs JSON records"
    );

    let mut reader = csv::Reader::from_reader(csv_run.stdout.as_bytes());
    let headers = reader.headers().expect("CSV headers").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (im, is, iy, isrc, ih, ihu) = (
        col("mineral"),
        col("stage"),
        col("year"),
        col("source"),
        col("hhi"),
        col("hhi_upper"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV record")).collect();
    assert_eq!(rows.len(), json_records.len());
    for (row, rec) in rows.iter().zip(json_records) {
        assert_eq!(row.len(), headers.len(), "ragged CSV row {row:?}");
        assert_eq!(&row[im], as_str(&rec["mineral"], "mineral"));
        assert_eq!(&row[is], as_str(&rec["stage"], "stage"));
        assert_eq!(row[iy].parse::<u64>().ok(), rec["year"].as_u64());
        assert_eq!(&row[isrc], as_str(&rec["source"], "source"));
        let hhi: f64 = row[ih].parse().expect("numeric hhi");
        let upper: f64 = row[ihu].parse().expect("numeric hhi_upper");
        assert!(
            (hhi - as_f64(&rec["hhi"], "hhi")).abs() < 1e-6
                && (upper - as_f64(&rec["hhi_upper"], "hhi_upper")).abs() < 1e-6
        );
        assert!(0.0 <= hhi && hhi <= upper && upper <= 10_000.0, "{row:?}");
    }
}

#[test]
fn concentration_with_an_unknown_source_lists_the_sources() {
    let dir = tmp();
    let run = critmin(
        dir.path(),
        &["concentration", "--source", "NOPE-1999", "--format", "json"],
    )
    .fails_with(1);
    assert!(
        run.stderr.contains("USGS-MCS2025") && run.stderr.contains("IEA-CMD-2025"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

// ---------------------------------------------------------------------------------------------
// supply: golden test against USGS MCS 2025 rows of data/production.csv
// ---------------------------------------------------------------------------------------------

/// The `value` of the production.csv row for (mineral, stage, country, year).
fn production_value(mineral: &str, stage: &str, country: &str, year: &str) -> f64 {
    let path = data_path("production.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let headers = reader.headers().expect("production.csv header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("production.csv has no column {name}"))
    };
    let (im, is, ic, iy, iv, isrc) = (
        col("mineral"),
        col("stage"),
        col("country_iso3"),
        col("year"),
        col("value"),
        col("source"),
    );
    let hits: Vec<f64> = reader
        .records()
        .map(|r| r.expect("a production.csv record"))
        .filter(|r| {
            &r[im] == mineral
                && &r[is] == stage
                && &r[ic] == country
                && &r[iy] == year
                && r[isrc].starts_with("USGS-MCS2025")
        })
        .map(|r| {
            r[iv]
                .parse()
                .unwrap_or_else(|_| panic!("value {:?} of {mineral} {stage} {country} {year}", &r[iv]))
        })
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one production.csv row for {mineral} {stage} {country} {year}"
    );
    hits[0]
}

#[test]
fn supply_cobalt_share_is_drc_over_the_published_usgs_world_total() {
    let dir = tmp();
    let cod = production_value("cobalt", "mine", "COD", "2024");
    let world = production_value("cobalt", "mine", "WLD", "2024");
    // MCS 2025: DRC 220,000 t of a world 290,000 t (2024 estimates).
    assert!(
        (cod - 220_000.0).abs() < 1.0 && (world - 290_000.0).abs() < 1.0,
        "production.csv COD {cod}, WLD {world}"
    );

    let doc = critmin(
        dir.path(),
        &[
            "supply",
            "cobalt",
            "--stage",
            "mine",
            "--year",
            "2024",
            "--source",
            "USGS-MCS2025",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    assert_eq!(doc["mineral"], "cobalt");
    assert_eq!(doc["stage"], "mine");
    assert_eq!(doc["year"], 2024);
    assert_eq!(doc["source"], "USGS-MCS2025");
    assert_eq!(doc["total_basis"], "published-world");
    assert!((as_f64(&doc["published_world_total"], "published_world_total") - world).abs() < 1e-9);
    assert!((as_f64(&doc["total"], "total") - world).abs() < 1e-9);

    let shares = records(&doc["shares"]);
    let drc = shares.iter().find(|s| s["country"] == "COD").expect("a COD row");
    assert_eq!(drc["rank"], 1, "DRC is the largest producer: {drc}");
    assert!((as_f64(&drc["value"], "value") - cod).abs() < 1e-9);
    let share = as_f64(&drc["share"], "share");
    assert!(
        (share - cod / world).abs() < 1e-9,
        "DRC share {share}, expected {}",
        cod / world
    );
    assert!((share - 0.7586).abs() < 0.001, "DRC share {share} is not about 76%");
    // Named shares never exceed the whole.
    let named: f64 = shares.iter().filter_map(|s| s["share"].as_f64()).sum();
    assert!(named <= 1.0 + 1e-9, "shares sum to {named}");
}

#[test]
fn supply_of_an_unknown_mineral_lists_the_valid_ids() {
    let dir = tmp();
    let minerals = critmin(dir.path(), &["minerals", "--format", "json"]).success().json();
    let run = critmin(dir.path(), &["supply", "unobtainium"]).fails_with(1);
    assert!(run.stderr.contains("unobtainium"), "{}", run.stderr);
    for m in records(&minerals) {
        let id = as_str(&m["id"], "id");
        assert!(run.stderr.contains(id), "the error does not list {id}: {}", run.stderr);
    }
    assert!(run.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// exposure
// ---------------------------------------------------------------------------------------------

fn exposure(dir: &Path, country: &str) -> Vec<Value> {
    let doc = critmin(dir, &["exposure", "--country", country, "--format", "json"])
        .success()
        .json();
    records(&doc).clone()
}

fn rows_for<'a>(recs: &'a [Value], mineral: &str) -> Vec<&'a Value> {
    let rows: Vec<&Value> = recs.iter().filter(|r| r["mineral"] == mineral).collect();
    assert!(!rows.is_empty(), "no exposure rows for {mineral}");
    rows
}

#[test]
fn exposure_usa_carries_usgs_net_import_reliance_and_stage_shares() {
    let dir = tmp();
    let recs = exposure(dir.path(), "USA");
    assert!(recs.iter().all(|r| r["country"] == "USA" && r["partners"] == "msp"));
    // USGS MCS 2025 net import reliance, 2024: cobalt 76%, gallium 100%.
    for (mineral, pct) in [("cobalt", 76.0), ("gallium", 100.0)] {
        for r in rows_for(&recs, mineral) {
            assert_eq!(r["import_reliance_pct"].as_f64(), Some(pct), "{mineral}: {r}");
            assert_eq!(r["import_reliance_year"], 2024, "{mineral}: {r}");
            assert_eq!(r["import_reliance_metric"], "net_import_reliance_pct", "{mineral}: {r}");
        }
    }
    let cobalt = rows_for(&recs, "cobalt");
    let mine = cobalt
        .iter()
        .find(|r| r["stage"] == "mine")
        .expect("a cobalt mine-stage row");
    let hhi = as_f64(&mine["hhi"], "hhi");
    assert!(
        hhi > 2500.0 && hhi <= as_f64(&mine["hhi_upper"], "hhi_upper") && hhi <= 10_000.0,
        "{mine}"
    );
    assert_eq!(mine["top_country"], "COD");
    let mut sum = 0.0;
    for f in ["domestic_share", "partner_share", "feoc_share", "uncovered_share"] {
        let v = as_f64(&mine[f], f);
        assert!((0.0..=1.0).contains(&v), "cobalt mine {f} = {v}");
        sum += v;
    }
    assert!(
        sum <= 1.0 + 1e-9,
        "cobalt mine: domestic + partner + FEOC + uncovered = {sum}"
    );
    // Russia (FEOC-covered) mines 3% of 2024 cobalt: the FEOC share is at least that.
    assert!(as_f64(&mine["feoc_share"], "feoc_share") >= 0.029, "{mine}");
}

#[test]
fn exposure_india_shows_full_lithium_import_dependence() {
    let dir = tmp();
    let recs = exposure(dir.path(), "IND");
    assert!(recs.iter().all(|r| r["country"] == "IND"));
    for r in rows_for(&recs, "lithium") {
        assert_eq!(r["import_reliance_pct"].as_f64(), Some(100.0), "{r}");
    }
    // Lower-case codes are accepted.
    let lower = exposure(dir.path(), "ind");
    assert_eq!(lower.len(), recs.len());
}

#[test]
fn exposure_rejects_unknown_countries_and_partner_groups() {
    let dir = tmp();
    let run = critmin(dir.path(), &["exposure", "--country", "XXX"]).fails_with(1);
    assert!(run.stderr.contains("XXX"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    // Pseudo-codes are not countries.
    critmin(dir.path(), &["exposure", "--country", "WLD"]).fails_with(1);

    let run = critmin(dir.path(), &["exposure", "--country", "USA", "--partners", "nato"]).fails_with(1);
    assert!(run.stderr.contains("nato"), "{}", run.stderr);
    for group in ["msp", "quad", "g7", "eu27", "oecd", "ipef", "us-fta"] {
        assert!(
            run.stderr.contains(group),
            "the error does not list {group}: {}",
            run.stderr
        );
    }
    // Groups and ISO3 codes combine.
    critmin(
        dir.path(),
        &[
            "exposure",
            "--country",
            "USA",
            "--partners",
            "quad+ARG+CHL",
            "--format",
            "json",
        ],
    )
    .success();
}

// ---------------------------------------------------------------------------------------------
// report
// ---------------------------------------------------------------------------------------------

#[test]
fn report_writes_a_self_contained_html_file_and_a_summary() {
    let dir = tmp();
    let run = critmin(dir.path(), &["report", "--out", "r.html"]).success();
    let path = dir.path().join("r.html");
    assert!(path.is_file(), "r.html was not written");
    assert!(
        !dir.path().join("r.html.tmp").exists(),
        "the temporary file was left behind"
    );
    let html = std::fs::read_to_string(&path).expect("reading r.html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80.min(html.len())]);
    assert!(html.trim_end().ends_with("</html>"));
    for needle in [
        "<svg",
        "id=\"heat\"",
        "id=\"exposure\"",
        "id=\"map\"",
        "id=\"sources\"",
        "India",
        "United States",
        "Sources",
        "<script",
    ] {
        assert!(html.contains(needle), "the report lacks {needle:?}");
    }
    // Self-contained: nothing is loaded over the network.
    for bad in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "url(http",
        "@import",
        "<script src",
        "<link rel=\"stylesheet\"",
    ] {
        assert!(!html.contains(bad), "the report loads a remote resource: {bad:?}");
    }
    let allowed = "http://www.w3.org/2000/svg";
    for (i, _) in html.match_indices("http://").chain(html.match_indices("https://")) {
        let context = &html[i.saturating_sub(20)..(i + 60).min(html.len())];
        assert!(
            html[i..].starts_with(allowed) && html[..i].ends_with("xmlns=\""),
            "unexpected URL in the report: …{context}…"
        );
    }
    // The terminal summary.
    for needle in [
        "critmin report",
        "Most concentrated",
        "India (IND)",
        "United States (USA)",
        "Report written to r.html",
    ] {
        assert!(
            run.stdout.contains(needle),
            "the summary lacks {needle:?}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn report_rejects_an_unknown_country() {
    let dir = tmp();
    let run = critmin(dir.path(), &["report", "--out", "r.html", "--country", "IND,QQQ"]).fails_with(1);
    assert!(run.stderr.contains("QQQ"), "{}", run.stderr);
    assert!(
        !dir.path().join("r.html").exists(),
        "a report was written despite the error"
    );
}

// ---------------------------------------------------------------------------------------------
// data import / check / export
// ---------------------------------------------------------------------------------------------

const HEADER: &str = "mineral,stage,country_iso3,year,value,unit,source,note\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("writing a test file");
    path
}

#[test]
fn data_import_copies_a_valid_file_and_the_overlay_uses_it() {
    let dir = tmp();
    let text = format!(
        "{HEADER}lithium,mine,AUS,2024,60,t Li content,ACME-2025 survey,\nlithium,mine,CHL,2024,40,t Li content,ACME-2025 survey,\n"
    );
    write(dir.path(), "file.csv", &text);
    let run = critmin(dir.path(), &["data", "import", "file.csv", "--into", "dd"]).success();
    assert!(run.stdout.contains("dd"), "{}", run.stdout);
    let copied = dir.path().join("dd").join("file.csv");
    assert_eq!(std::fs::read_to_string(&copied).expect("dd/file.csv exists"), text);

    let check_shares = |doc: &Value| {
        assert_eq!(doc["source"], "ACME-2025");
        assert_eq!(doc["total_basis"], "sum-of-rows");
        let shares = records(&doc["shares"]);
        let share = |c: &str| {
            shares
                .iter()
                .find(|s| s["country"] == c)
                .and_then(|s| s["share"].as_f64())
        };
        assert!(share("AUS").is_some_and(|s| (s - 0.6).abs() < 1e-9), "{doc}");
        assert!(share("CHL").is_some_and(|s| (s - 0.4).abs() < 1e-9), "{doc}");
        assert!((as_f64(&doc["hhi"], "hhi") - 5200.0).abs() < 1e-6, "{doc}");
    };
    let args = [
        "--data",
        "dd",
        "supply",
        "lithium",
        "--source",
        "ACME-2025",
        "--format",
        "json",
    ];
    check_shares(&critmin(dir.path(), &args).success().json());
    // The same through the environment variable.
    let doc = critmin_with(dir.path(), &args[2..], &[("CRITMIN_DATA", "dd")])
        .success()
        .json();
    check_shares(&doc);
    // Without the overlay the series does not exist.
    critmin(dir.path(), &args[2..]).fails_with(1);

    let run = critmin(dir.path(), &["--data", "dd", "data", "check"]).success();
    assert!(
        run.stdout.starts_with("ok:") && run.stdout.contains("file.csv"),
        "{}",
        run.stdout
    );

    // A bad file dropped into the directory makes the check fail and names it.
    write(
        &dir.path().join("dd"),
        "bad.csv",
        &format!("{HEADER}lithium,mine,AUS,2024,-5,t Li content,OTHER-2025 survey,\n"),
    );
    let run = critmin(dir.path(), &["--data", "dd", "data", "check"]).fails_with(1);
    assert!(
        run.stderr.contains("bad.csv:2") && run.stderr.contains("-5"),
        "{}",
        run.stderr
    );
    // ... and every command that loads the directory refuses it.
    critmin(dir.path(), &args).fails_with(1);
}

#[test]
fn data_import_rejects_an_invalid_file_and_copies_nothing() {
    let dir = tmp();
    write(
        dir.path(),
        "bad.csv",
        &format!(
            "{HEADER}lithium,mine,AUS,2024,-60,t Li content,ACME-2025 survey,\nlithium,mine,QQQ,2024,40,t Li content,ACME-2025 survey,\n"
        ),
    );
    let run = critmin(dir.path(), &["data", "import", "bad.csv", "--into", "dd"]).fails_with(1);
    // Negative value: file, line, column and value are named.
    for needle in ["bad.csv:2", "`value`", "-60"] {
        assert!(run.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", run.stderr);
    }
    // Unknown country: idem.
    for needle in ["bad.csv:3", "`country_iso3`", "QQQ"] {
        assert!(run.stderr.contains(needle), "stderr lacks {needle:?}:\n{}", run.stderr);
    }
    assert!(
        !dir.path().join("dd").exists(),
        "the target directory was created despite the errors"
    );

    // Into an existing directory: the valid file stays, the bad one is not copied.
    write(
        dir.path(),
        "good.csv",
        &format!("{HEADER}nickel,mine,IDN,2024,10,t Ni content,GOOD-2025 survey,\n"),
    );
    critmin(dir.path(), &["data", "import", "good.csv", "--into", "dd"]).success();
    critmin(dir.path(), &["data", "import", "bad.csv", "--into", "dd"]).fails_with(1);
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("dd"))
        .expect("listing dd")
        .map(|e| e.expect("a dir entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["good.csv"], "dd holds {names:?}");
}

#[test]
fn data_import_rejects_a_file_of_unknown_shape() {
    let dir = tmp();
    write(dir.path(), "x.csv", "foo,bar\n1,2\n");
    let run = critmin(dir.path(), &["data", "import", "x.csv", "--into", "dd"]).fails_with(1);
    assert!(run.stderr.contains("x.csv:1"), "{}", run.stderr);
    assert!(!dir.path().join("dd").exists());
    let run = critmin(dir.path(), &["data", "import", "missing.csv", "--into", "dd"]).fails_with(1);
    assert!(run.stderr.contains("missing.csv"), "{}", run.stderr);
}

#[test]
fn data_check_and_export_round_trip() {
    let dir = tmp();
    let run = critmin(dir.path(), &["data", "check"]).success();
    assert!(run.stdout.starts_with("ok:"), "{}", run.stdout);

    let run = critmin(dir.path(), &["data", "export", "ex"]).success();
    for f in ["production.csv", "countries.csv", "iea_supply_2024.csv", "SOURCES.md"] {
        assert!(dir.path().join("ex").join(f).is_file(), "export lacks {f}");
        assert!(run.stdout.contains(f), "{}", run.stdout);
    }
    // Exported files reproduce the embedded dataset exactly.
    let embedded = critmin(dir.path(), &["data", "check"]).success().stdout;
    let exported = critmin(dir.path(), &["--data", "ex", "data", "check"]).success().stdout;
    assert_eq!(embedded.lines().next(), exported.lines().next());
    // A second export skips existing files rather than overwriting them.
    let run = critmin(dir.path(), &["data", "export", "ex"]).success();
    assert!(run.stderr.contains("skipped"), "{}", run.stderr);
    assert!(!run.stdout.contains("wrote"), "{}", run.stdout);
}

#[test]
fn data_import_refuses_files_a_data_directory_would_not_read() {
    let dir = tmp();
    let text = format!("{HEADER}lithium,mine,AUS,2024,60,t Li content,ACME-2025 survey,\n");
    write(dir.path(), "file.txt", &text);
    let run = critmin(dir.path(), &["data", "import", "file.txt", "--into", "dd"]).fails_with(1);
    assert!(
        run.stderr.contains("file.txt") && run.stderr.contains(".csv"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("dd").exists(), "nothing may be written");
}

#[test]
fn data_import_defaults_to_the_data_directory_in_use() {
    let dir = tmp();
    let text = format!(
        "{HEADER}lithium,mine,AUS,2024,60,t Li content,ACME-2025 survey,\nlithium,mine,CHL,2024,40,t Li content,ACME-2025 survey,\n"
    );
    write(dir.path(), "file.csv", &text);
    critmin_with(
        dir.path(),
        &["data", "import", "file.csv"],
        &[("CRITMIN_DATA", "envdd")],
    )
    .success();
    assert!(dir.path().join("envdd/file.csv").is_file());
    assert!(!dir.path().join("critmin-data").exists());
    let doc = critmin_with(
        dir.path(),
        &["supply", "lithium", "--source", "ACME-2025", "--format", "json"],
        &[("CRITMIN_DATA", "envdd")],
    )
    .success()
    .json();
    assert_eq!(doc["source"], "ACME-2025");
}

#[test]
fn exposure_needs_a_partner_group_or_country() {
    let dir = tmp();
    let run = critmin(dir.path(), &["exposure", "--country", "IND", "--partners", ""]).fails_with(1);
    assert!(run.stderr.contains("--partners"), "{}", run.stderr);
    critmin(
        dir.path(),
        &[
            "exposure",
            "--country",
            "IND",
            "--partners",
            "quad+CHL",
            "--format",
            "json",
        ],
    )
    .success();
}
