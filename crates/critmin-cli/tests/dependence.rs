//! `critmin dependence` and `critmin trend` end to end: the real binary on the shipped BACI
//! V202601 flows (cold run builds the cache, warm run reads it) and on a user's `--trade` file;
//! `critmin serve`'s `/api/v1/dependence` and `/api/v1/trend` against the commands.

mod support;

use std::path::Path;

use critmin_server::test_client::Client;
use support::{Server, as_f64, as_str, critmin, data_path, records, tmp};

/// The shipped HS map restricted to natural graphite in flakes (250410), so that figures are
/// those of `tools/trade/golden_expected.txt` for that code.
fn graphite_flake_map(dir: &Path) -> String {
    let text = std::fs::read_to_string(data_path("hs_minerals.csv")).unwrap();
    let kept: String = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.starts_with("250410,"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let path = dir.join("graphite_250410.csv");
    std::fs::write(&path, kept).unwrap();
    path.display().to_string()
}

fn share_of(row: &serde_json::Value, country: &str) -> f64 {
    let suppliers = records(&row["suppliers"]);
    let s = suppliers
        .iter()
        .find(|s| as_str(&s["country"], "country") == country)
        .unwrap_or_else(|| panic!("{country} among {suppliers:?}"));
    as_f64(&s["share"], "share")
}

#[test]
fn india_graphite_from_the_shipped_flows_cold_then_warm() {
    let dir = tmp();
    let cache = dir.path().join("cache").display().to_string();
    let map = graphite_flake_map(dir.path());
    let args = [
        "dependence",
        "--country",
        "IND",
        "--mineral",
        "graphite",
        "--from",
        "2022",
        "--to",
        "2024",
        "--hs-map",
        &map,
        "--cache",
        &cache,
        "--format",
        "json",
    ];
    let cold = critmin(dir.path(), &args).success();
    assert!(cold.stderr.contains("cache written"), "{}", cold.stderr);
    let warm = critmin(dir.path(), &args).success();
    assert!(warm.stderr.contains("read from cache"), "{}", warm.stderr);
    assert_eq!(cold.stdout, warm.stdout, "the cache gives the same answer as the parse");
    let json = warm.json();
    let rows = records(&json);
    assert_eq!(
        rows.iter().map(|r| r["year"].as_u64().unwrap()).collect::<Vec<_>>(),
        [2022, 2023, 2024]
    );
    // Golden: India 250410 by quantity, CHN 52.00 % in 2023, 17.87 % in 2024 (MDG first, 34.42 %).
    let (y2023, y2024) = (&rows[1], &rows[2]);
    assert!((share_of(y2023, "CHN") - 0.5200).abs() < 5e-5);
    assert_eq!(as_str(&y2024["suppliers"][0]["country"], "top"), "MDG");
    assert!((share_of(y2024, "MDG") - 0.3442).abs() < 5e-5);
    assert!((share_of(y2024, "CHN") - 0.1787).abs() < 5e-5);
    // Imports: 55,310.603 gross t at the assumed 95 % C, and 38,439.584 kUSD.
    assert!((as_f64(&y2024["imports_t"], "t") - 55_310.603 * 0.95).abs() < 0.01);
    assert!((as_f64(&y2024["imports_usd"], "usd") - 38_439_584.0).abs() < 1.0);
    assert_eq!(y2024["importer"], "IND");
    assert_eq!(y2024["basis"], "quantity");
    assert!((as_f64(&y2024["feoc_share"], "feoc") - share_of(y2024, "CHN")).abs() < 1e-3);
    assert_eq!(y2024["change"]["previous_year"], 2023);
    let flags: Vec<&str> = records(&y2024["flags"]).iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(flags, ["assumed_factor"]);

    // The table marks the assumed tonnes next to the figure and says why.
    let table = critmin(dir.path(), &args[..args.len() - 2]).success();
    assert!(table.stdout.contains("52,545*"), "{}", table.stdout);
    assert!(
        table.stdout.contains("* contained tonnes from an assumed grade"),
        "{}",
        table.stdout
    );
}

#[test]
fn trend_gives_the_golden_exporter_hhi_and_csv_rows() {
    let dir = tmp();
    let cache = dir.path().join("cache").display().to_string();
    let map = graphite_flake_map(dir.path());
    let run = critmin(
        dir.path(),
        &[
            "trend",
            "--mineral",
            "graphite",
            "--from",
            "2023",
            "--to",
            "2024",
            "--hs-map",
            &map,
            "--cache",
            &cache,
            "--format",
            "json",
        ],
    )
    .success();
    let json = run.json();
    let rows = records(&json);
    assert_eq!(rows.len(), 2);
    // Golden: 250410 exporter HHI by value 3272.9 (2023) and 2674.5 (2024), China first.
    assert!((as_f64(&rows[0]["hhi"], "hhi") - 3272.9).abs() < 0.05);
    assert!((as_f64(&rows[1]["hhi"], "hhi") - 2674.5).abs() < 0.05);
    assert_eq!(rows[1]["top_country"], "CHN");
    assert!((as_f64(&rows[1]["top3_share"], "top3") - (0.4891 + 0.1100 + 0.0830)).abs() < 2e-4);
    let csv = critmin(
        dir.path(),
        &[
            "trend",
            "--mineral",
            "graphite",
            "--year",
            "2024",
            "--hs-map",
            &map,
            "--cache",
            &cache,
            "--format",
            "csv",
        ],
    )
    .success();
    let mut lines = csv.stdout.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("mineral,stage,year,side,basis,hs_codes")
    );
    assert!(
        lines.next().unwrap().contains("CHN:0.4891;MDG:0.1100;MOZ:0.0830"),
        "{}",
        csv.stdout
    );
}

#[test]
fn a_user_trade_file_replaces_the_shipped_flows() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("mine.csv"),
        "t,i,j,k,v,q\n2023,156,699,283691,60,10\n2023,152,699,283691,40,30\n2024,152,699,283691,50,20\n",
    )
    .unwrap();
    let run = critmin(
        dir.path(),
        &[
            "dependence",
            "--country",
            "IND",
            "--trade",
            "mine.csv",
            "--no-cache",
            "--by",
            "value",
            "--format",
            "json",
        ],
    )
    .success();
    let json = run.json();
    let rows = records(&json);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["mineral"], "lithium");
    assert!((share_of(&rows[0], "CHN") - 0.6).abs() < 1e-12);
    assert!((as_f64(&rows[0]["hhi"], "hhi") - 5200.0).abs() < 1e-9);
    // 2024 against 2023: value 50 vs 100 thousand USD.
    assert!((as_f64(&rows[1]["change"]["imports_usd"], "change") + 0.5).abs() < 1e-12);
    assert!((as_f64(&rows[1]["imports_t"], "t") - 20.0 * 0.1879).abs() < 1e-9);
}

#[test]
fn bad_fields_are_named() {
    let dir = tmp();
    let run = critmin(dir.path(), &["dependence", "--country", "XXX", "--no-cache"]).fails_with(1);
    assert!(run.stderr.contains("--country:"), "{}", run.stderr);
    let run = critmin(
        dir.path(),
        &["trend", "--mineral", "graphite", "--side", "both", "--no-cache"],
    )
    .fails_with(2);
    assert!(run.stderr.contains("--side"), "{}", run.stderr);
    let run = critmin(
        dir.path(),
        &[
            "trend",
            "--mineral",
            "graphite",
            "--from",
            "2024",
            "--to",
            "2020",
            "--no-cache",
        ],
    )
    .fails_with(1);
    assert!(run.stderr.contains("--from:"), "{}", run.stderr);
}

/// `critmin serve` answers `/api/v1/dependence/{country}` and `/api/v1/trend` with documents
/// whose rows are what the commands print for the same request, importing the shipped flows on
/// the first request through the cache the commands read (`$XDG_CACHE_HOME/critmin/trade`, a
/// temporary directory here).
#[test]
fn the_server_answers_what_the_commands_print() {
    let dir = tmp();
    let db = format!("sqlite:{}", dir.path().join("critmin.db").display());
    let server = Server::start(dir.path(), &db, &[]);
    let client = Client::new(server.addr);
    let cache = dir.path().join("cache/critmin/trade");
    assert!(!cache.exists(), "nothing is imported at start");
    let cache_arg = cache.display().to_string();
    for (path, args) in [
        (
            "/api/v1/dependence/IND?mineral=graphite&from=2022&to=2024&partners=quad&by=value",
            &[
                "dependence",
                "--country",
                "IND",
                "--mineral",
                "graphite",
                "--from",
                "2022",
                "--to",
                "2024",
                "--partners",
                "quad",
                "--by",
                "value",
            ][..],
        ),
        (
            "/api/v1/trend?mineral=cobalt&stage=processing&side=importer&year=2024",
            &[
                "trend",
                "--mineral",
                "cobalt",
                "--stage",
                "processing",
                "--side",
                "importer",
                "--year",
                "2024",
            ][..],
        ),
    ] {
        let answer = client.get(path, None).unwrap();
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let args: Vec<&str> = args
            .iter()
            .copied()
            .chain(["--cache", &cache_arg, "--format", "json"])
            .collect();
        let printed = critmin(dir.path(), &args).success();
        assert!(
            printed.stderr.contains("read from cache"),
            "the server wrote the cache the command reads: {}",
            printed.stderr
        );
        assert_eq!(
            answer.json()["rows"],
            printed.json(),
            "{path} against critmin {}",
            args.join(" ")
        );
    }
    let answer = client.get("/api/v1/dependence/IND?stage=smelting", None).unwrap();
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.json()["error"]["field"], "stage");
}
