//! `critmin trade ...` end to end: the real binary on hand-made and generated BACI files.

mod support;

use std::path::Path;

use support::{as_f64, as_str, critmin, records, tmp};

const SMALL: &str = "t,i,j,k,v,q
2022,156,699,283691,60,10
2022,36,699,283691,30,5
2022,152,699,283691,10,NA
2022,156,842,283691,100,20
2022,699,842,850760,50,2
2023,156,699,283691,80,16
";

fn cache_arg(dir: &Path) -> String {
    dir.join("cache").display().to_string()
}

#[test]
fn hhi_prints_one_record_per_year_and_product() {
    let dir = tmp();
    std::fs::write(dir.path().join("small.csv"), SMALL).unwrap();
    let cache = cache_arg(dir.path());
    let run = critmin(
        dir.path(),
        &["trade", "hhi", "small.csv", "--cache", &cache, "--format", "json"],
    )
    .success();
    let json = run.json();
    let rows = records(&json);
    assert_eq!(rows.len(), 3);
    let li = rows
        .iter()
        .find(|r| as_str(&r["k"], "k") == "283691" && r["t"] == 2022)
        .expect("2022 lithium carbonate");
    assert!((as_f64(&li["hhi"], "hhi") - 6650.0).abs() < 1e-6);
    assert_eq!(as_str(&li["top_country"], "top"), "CHN");
    assert_eq!(as_str(&li["minerals"], "minerals"), "lithium");
    assert_eq!(li["lumped"], false);
    let cells = rows.iter().find(|r| as_str(&r["k"], "k") == "850760").unwrap();
    assert_eq!(cells["lumped"], true);
    assert!(run.stderr.contains("cache written"), "{}", run.stderr);

    // Second run reads the cache; CSV has the t, k, hhi columns.
    let run = critmin(
        dir.path(),
        &["trade", "hhi", "small.csv", "--cache", &cache, "--format", "csv"],
    )
    .success();
    assert!(run.stderr.contains("read from cache"), "{}", run.stderr);
    let header = run.stdout.lines().next().unwrap();
    assert!(
        header.starts_with("t,k,side,basis,hhi,n_countries,top_country,top_share,total"),
        "{header}"
    );
    assert!(
        run.stdout.contains("\n2022,283691,exporter,value,6650"),
        "{}",
        run.stdout
    );

    // Quantity basis and importer side.
    let run = critmin(
        dir.path(),
        &[
            "trade",
            "hhi",
            "small.csv",
            "--no-cache",
            "--by",
            "quantity",
            "--side",
            "importer",
            "--product",
            "283691",
            "--year",
            "2022",
            "--format",
            "json",
        ],
    )
    .success();
    let json = run.json();
    let rows = records(&json);
    assert_eq!(rows.len(), 1);
    // Importers by quantity: IND 15 t (CHL row has no q), USA 20 t.
    let expected = 10_000.0 * (15.0f64.powi(2) + 20.0f64.powi(2)) / 35.0f64.powi(2);
    assert!((as_f64(&rows[0]["hhi"], "hhi") - expected).abs() < 1e-6);
    assert_eq!(rows[0]["rows_missing_q"], 1);

    // The terminal table names the lumped code.
    let run = critmin(dir.path(), &["trade", "hhi", "small.csv", "--no-cache"]).success();
    assert!(run.stdout.contains("(lumped code)"), "{}", run.stdout);
}

#[test]
fn bad_files_fail_with_line_numbers_and_leave_no_cache() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("bad.csv"),
        "t,i,j,k,v,q\n2022,156,699,283691,60,10\n2022,156,699,28369,60,10\n2022,156,699,283691,-1,1\n",
    )
    .unwrap();
    let cache = cache_arg(dir.path());
    let run = critmin(dir.path(), &["trade", "hhi", "bad.csv", "--cache", &cache]).fails_with(1);
    assert!(
        run.stderr.contains("2 bad row(s); nothing was imported"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("bad.csv:3: column `k`: value `28369`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("bad.csv:4: column `v`: value `-1`"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let cached = std::fs::read_dir(dir.path().join("cache")).map_or(0, |d| d.count());
    assert_eq!(cached, 0);

    critmin(dir.path(), &["trade", "hhi", "missing.csv", "--no-cache"]).fails_with(1);
    let run = critmin(
        dir.path(),
        &[
            "trade",
            "generate",
            "--rows",
            "10",
            "--out",
            "g.csv",
            "--years",
            "2024-2020",
        ],
    )
    .fails_with(2);
    assert!(run.stderr.contains("expected a year"), "{}", run.stderr);
}

#[test]
fn generate_is_deterministic_and_imports() {
    let dir = tmp();
    critmin(
        dir.path(),
        &[
            "trade",
            "generate",
            "--rows",
            "5000",
            "--seed",
            "3",
            "--out",
            "a.csv",
            "--years",
            "2021-2022",
            "--products",
            "200",
        ],
    )
    .success();
    critmin(
        dir.path(),
        &[
            "trade",
            "generate",
            "--rows",
            "5000",
            "--seed",
            "3",
            "--out",
            "b.csv",
            "--years",
            "2021-2022",
            "--products",
            "200",
        ],
    )
    .success();
    let a = std::fs::read(dir.path().join("a.csv")).unwrap();
    assert_eq!(a, std::fs::read(dir.path().join("b.csv")).unwrap());
    assert!(a.starts_with(b"t,i,j,k,v,q\n2021,"));
    let run = critmin(
        dir.path(),
        &["trade", "import", "a.csv", "--no-cache", "--format", "json"],
    )
    .success();
    let json = run.json();
    let summary = &records(&json)[0];
    assert_eq!(summary["rows"], 5000);
    assert_eq!(as_str(&summary["years"], "years"), "2021-2022");
    assert_eq!(as_str(&summary["source"], "source"), "baci");
}

#[test]
fn dependence_per_mineral_and_stage() {
    let dir = tmp();
    std::fs::write(dir.path().join("small.csv"), SMALL).unwrap();
    let run = critmin(
        dir.path(),
        &[
            "trade",
            "dependence",
            "small.csv",
            "--no-cache",
            "--importer",
            "IND",
            "--partners",
            "msp",
            "--format",
            "json",
        ],
    )
    .success();
    let json = run.json();
    let rows = records(&json);
    assert_eq!(rows.len(), 2);
    let r = &rows[0];
    assert_eq!(r["year"], 2022);
    assert_eq!(as_str(&r["mineral"], "mineral"), "lithium");
    assert_eq!(as_str(&r["stage"], "stage"), "processing");
    assert_eq!(as_str(&r["top_supplier"], "top"), "CHN");
    assert!((as_f64(&r["top_share"], "top share") - 0.6).abs() < 1e-12);
    // AUS is an MSP member, CHL is not; CHN is FEOC-covered.
    assert!((as_f64(&r["partner_share"], "partner share") - 0.3).abs() < 1e-12);
    assert!((as_f64(&r["feoc_share"], "feoc share") - 0.6).abs() < 1e-12);
    assert!((as_f64(&r["contained_t"], "contained") - 15.0 * 0.1879).abs() < 1e-9);

    let run = critmin(
        dir.path(),
        &[
            "trade",
            "dependence",
            "small.csv",
            "--no-cache",
            "--importer",
            "USA",
            "--by",
            "quantity",
        ],
    )
    .success();
    assert!(run.stdout.contains("850760 (lumped)"), "{}", run.stdout);
    let run = critmin(
        dir.path(),
        &["trade", "dependence", "small.csv", "--no-cache", "--importer", "XYZ"],
    )
    .fails_with(1);
    assert!(run.stderr.contains("--importer XYZ"), "{}", run.stderr);
}

#[test]
fn flows_are_contained_tonnes() {
    let dir = tmp();
    std::fs::write(dir.path().join("small.csv"), SMALL).unwrap();
    let run = critmin(
        dir.path(),
        &[
            "trade",
            "flows",
            "small.csv",
            "--no-cache",
            "--mineral",
            "nickel",
            "--format",
            "json",
        ],
    )
    .success();
    let json = run.json();
    let rows = records(&json);
    assert_eq!(rows.len(), 1);
    assert_eq!(as_str(&rows[0]["exporter"], "exporter"), "IND");
    assert_eq!(as_str(&rows[0]["stage"], "stage"), "manufacturing");
    assert_eq!(rows[0]["lumped"], true);
    assert!((as_f64(&rows[0]["contained_tonnes"], "t") - 0.218).abs() < 1e-9);
    assert!(run.stderr.contains("1 rows without quantity"), "{}", run.stderr);
}

#[test]
fn a_user_code_file_replaces_the_shipped_table() {
    let dir = tmp();
    std::fs::write(dir.path().join("small.csv"), SMALL).unwrap();
    // BACI's V2024+ header; Chile (152) is not listed, so its row is rejected.
    std::fs::write(
        dir.path().join("codes.csv"),
        "country_code,country_name,country_iso2,country_iso3\n156,China,CN,CHN\n36,Australia,AU,AUS\n699,India,IN,IND\n842,USA,US,USA\n",
    )
    .unwrap();
    let run = critmin(
        dir.path(),
        &["trade", "hhi", "small.csv", "--no-cache", "--codes", "codes.csv"],
    )
    .fails_with(1);
    assert!(
        run.stderr.contains("small.csv:4: column `i`: value `152`"),
        "{}",
        run.stderr
    );
    std::fs::write(dir.path().join("bad_codes.csv"), "country_code,country_iso3\nxx,CHN\n").unwrap();
    let run = critmin(
        dir.path(),
        &["trade", "hhi", "small.csv", "--no-cache", "--codes", "bad_codes.csv"],
    )
    .fails_with(1);
    assert!(
        run.stderr
            .contains("bad_codes.csv:2: column `country_code`: value `xx`"),
        "{}",
        run.stderr
    );
}
