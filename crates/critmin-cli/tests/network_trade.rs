//! `critmin shock|risk --network trade|pooled [--year]` through the binary: the shipped BACI
//! V202601 flows become the network, the document names its basis, and a full Chinese ban on
//! processed rare earths takes from India and the US China's share of their imports as
//! `critmin dependence` gives it for the same year.

mod support;

use support::{as_f64, as_str, critmin_with, records, tmp};

#[test]
fn a_chinese_rare_earth_ban_on_real_trade_matches_dependence() {
    let dir = tmp();
    let cache = dir.path().join("xdg").display().to_string();
    let env = [("XDG_CACHE_HOME", cache.as_str())];
    let shock = critmin_with(
        dir.path(),
        &[
            "shock",
            "--mineral",
            "rare_earths",
            "--ban",
            "CHN:processing",
            "--network",
            "trade",
            "--format",
            "json",
        ],
        &env,
    )
    .success()
    .json();
    assert_eq!(as_str(&shock["basis"], "basis"), "trade BACI V202601 2024");
    assert_eq!(shock["year"], 2024);
    for importer in ["IND", "USA"] {
        let dependence = critmin_with(
            dir.path(),
            &[
                "dependence",
                "--country",
                importer,
                "--mineral",
                "rare_earths",
                "--stage",
                "processing",
                "--year",
                "2024",
                "--format",
                "json",
            ],
            &env,
        )
        .success()
        .json();
        let row = &records(&dependence)[0];
        let imports = as_f64(&row["imports_t"], "imports_t");
        let china = records(&row["suppliers"])
            .iter()
            .find(|s| as_str(&s["country"], "country") == "CHN")
            .map_or(0.0, |s| as_f64(&s["share"], "share"));
        let node = records(&shock["nodes"])
            .iter()
            .find(|n| as_str(&n["country"], "country") == importer && as_str(&n["stage"], "stage") == "consumption")
            .unwrap();
        let shortfall = as_f64(&node["shortfall_t"], "shortfall_t");
        println!(
            "{importer}: China {:.1} % of imports ({imports:.0} t, critmin dependence); shortfall {shortfall:.0} t = {:.1} %",
            100.0 * china,
            100.0 * shortfall / imports
        );
        // No stockpile, no headroom: nothing can replace the Chinese tonnage.
        assert!((shortfall / imports - china).abs() <= 0.02);
    }
}

#[test]
fn the_basis_is_named_only_when_a_network_is_chosen() {
    let dir = tmp();
    let cache = dir.path().join("xdg").display().to_string();
    let env = [("XDG_CACHE_HOME", cache.as_str())];
    let args = |network: Option<&'static str>| {
        let mut a = vec!["shock", "--scenario", "drc-cobalt-2025", "--format", "json"];
        if let Some(n) = network {
            a.extend(["--network", n]);
        }
        a
    };
    let unnamed = critmin_with(dir.path(), &args(None), &env).success().json();
    assert!(unnamed.get("basis").is_none(), "today's document is unchanged");
    let pooled = critmin_with(dir.path(), &args(Some("pooled")), &env).success().json();
    assert_eq!(as_str(&pooled["basis"], "basis"), "pooled-market estimate");
    assert_eq!(pooled["nodes"], unnamed["nodes"]);
    let risk = critmin_with(
        dir.path(),
        &[
            "risk",
            "--mineral",
            "rare_earths",
            "--network",
            "trade",
            "--year",
            "2023",
            "--scenarios",
            "200",
            "--format",
            "json",
        ],
        &env,
    )
    .success()
    .json();
    assert_eq!(as_str(&risk["basis"], "basis"), "trade BACI V202601 2023");
    let early = critmin_with(
        dir.path(),
        &[
            "shock",
            "--mineral",
            "rare_earths",
            "--ban",
            "CHN:processing",
            "--network",
            "trade",
            "--year",
            "1990",
        ],
        &env,
    )
    .fails_with(1);
    assert!(early.stderr.contains("--year: 1990"), "{}", early.stderr);
}
