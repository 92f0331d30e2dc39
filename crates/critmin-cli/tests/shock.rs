//! `critmin shock` and `critmin risk` end to end: the real binary in a temporary directory.

mod support;

use support::{as_f64, as_str, critmin, critmin_with, records, tmp};

/// Every named scenario, on every mineral it covers that the embedded data can build, runs
/// through the CLI with an exact mass balance and a stated consumption basis for India and
/// the US.
#[test]
fn every_named_scenario_runs_end_to_end() {
    let dir = tmp();
    let list = critmin(dir.path(), &["shock", "--list", "--format", "json"])
        .success()
        .json();
    let rows = records(&list);
    assert!(rows.len() >= 8);
    let mut seen = std::collections::BTreeSet::new();
    for row in rows {
        let name = as_str(&row["scenario"], "scenario");
        let mineral = as_str(&row["mineral"], "mineral");
        assert!(!as_str(&row["citation"], "citation").is_empty());
        assert!(!as_str(&row["start"], "start").is_empty());
        if !seen.insert((name.to_owned(), mineral.to_owned())) {
            continue;
        }
        let run = critmin(
            dir.path(),
            &[
                "shock",
                "--scenario",
                name,
                "--mineral",
                mineral,
                "--stockpile-days",
                "30",
                "--format",
                "json",
            ],
        );
        if mineral == "germanium" {
            // USGS MCS 2025 publishes no country figures for germanium.
            let run = run.fails_with(1);
            assert!(
                run.stderr.contains("no production series of germanium"),
                "{}",
                run.stderr
            );
            continue;
        }
        let doc = run.success().json();
        assert!(
            as_f64(&doc["mass_balance_error"], "mass_balance_error") <= 1e-9,
            "{name}"
        );
        assert!(as_f64(&doc["lost_supply_t"], "lost") > 0.0, "{name}");
        assert!(doc["iterations"].as_u64().is_some());
        let nodes = records(&doc["nodes"]);
        for country in ["IND", "USA"] {
            let node = nodes
                .iter()
                .find(|n| n["country"] == country && n["stage"] == "consumption")
                .unwrap_or_else(|| panic!("{name}: no consumption row for {country}"));
            assert!(node["consumption_basis"].is_string(), "{name}/{country}");
            let pct = as_f64(&node["shortfall_pct"], "shortfall_pct");
            assert!((0.0..=100.0).contains(&pct), "{name}/{country}: {pct}");
        }
    }
    assert!(seen.len() >= 7);
}

#[test]
fn cuts_and_bans_in_every_format() {
    let dir = tmp();
    let args = [
        "shock",
        "--mineral",
        "cobalt",
        "--cut",
        "COD:mining:0.5",
        "--ban",
        "CHN:processing:USA",
    ];
    let table = critmin(dir.path(), &args).success();
    assert!(table.stdout.contains("mass_balance_error"), "{}", table.stdout);
    assert!(table.stdout.contains("usgs-salient"), "{}", table.stdout);
    let mut csv_args = args.to_vec();
    csv_args.extend(["--format", "csv"]);
    let csv = critmin(dir.path(), &csv_args).success();
    let header = csv.stdout.lines().next().unwrap();
    for col in [
        "stage",
        "country",
        "shortfall_t",
        "shortfall_pct",
        "consumption_basis",
        "iterations",
        "mass_balance_error",
    ] {
        assert!(header.split(',').any(|h| h == col), "{col} missing from {header}");
    }
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let doc = critmin(dir.path(), &json_args).success().json();
    let usa = records(&doc["nodes"])
        .iter()
        .find(|n| n["country"] == "USA" && n["stage"] == "consumption")
        .cloned()
        .unwrap();
    // The US buys refined cobalt from China in the pool, so a Chinese ban on the US hurts it
    // more than the average consumer.
    assert!(as_f64(&usa["shortfall_pct"], "pct") > 0.0);
    assert!(as_str(&usa["consumption_basis"], "basis").contains("mcs2025-cobal_salient.csv"));
    // A group destination works too.
    critmin(
        dir.path(),
        &["shock", "--mineral", "cobalt", "--ban", "COD:mining:feoc:0.8"],
    )
    .success();
    // Mine headroom lets buyers re-source: less shortfall, balance kept net of the extra output.
    let base = ["shock", "--scenario", "drc-cobalt-2025", "--format", "json"];
    let tight = critmin(dir.path(), &base).success().json();
    let mut loose_args = base.to_vec();
    loose_args.extend(["--spare-capacity", "0.2"]);
    let loose = critmin(dir.path(), &loose_args).success().json();
    assert!(as_f64(&loose["headroom_used_t"], "headroom") > 0.0);
    assert!(as_f64(&loose["shortfall_t"], "loose") < as_f64(&tight["shortfall_t"], "tight"));
    assert!(as_f64(&loose["mass_balance_error"], "mbe") <= 1e-9);
}

#[test]
fn bad_shock_input_is_refused_with_a_reason() {
    let dir = tmp();
    let cases: [(&[&str], &str); 5] = [
        (
            &["shock", "--mineral", "cobalt", "--cut", "COD:smelting:0.5"],
            "expected mining, processing or manufacturing",
        ),
        (
            &["shock", "--mineral", "cobalt", "--cut", "COD:mining:1.5"],
            "expected a fraction between 0 and 1",
        ),
        (
            &["shock", "--mineral", "cobalt", "--ban", "XXX:mining"],
            "unknown country `XXX`",
        ),
        (
            &["shock", "--scenario", "no-such-thing"],
            "unknown scenario `no-such-thing`",
        ),
        (
            &["shock", "--mineral", "cobalt", "--ban", "USA:mining"],
            "USA has no mining node",
        ),
    ];
    for (args, message) in cases {
        let run = critmin(dir.path(), args).fails_with(1);
        assert!(run.stderr.contains(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn bad_scenario_files_are_rejected_with_line_numbers() {
    let dir = tmp();
    let path = dir.path().join("scenarios.csv");
    std::fs::write(
        &path,
        "scenario,mineral,kind,country,stage,destination,severity,start,source,citation,note\n\
         ok-one,cobalt,ban,COD,mining,all,0.5,2025-02-22,src,cite,\n\
         bad,cobalt,embargo,COD,mining,all,1.5,2025-13-01,src,,\n",
    )
    .unwrap();
    let file = path.display().to_string();
    let run = critmin(dir.path(), &["shock", "--list", "--scenario-file", &file]).fails_with(1);
    for expected in [
        format!("{file}:3: column `kind`: value `embargo`: `cut` or `ban`"),
        format!("{file}:3: column `severity`: value `1.5`"),
        format!("{file}:3: column `start`: value `2025-13-01`: a date YYYY-MM-DD"),
        format!("{file}:3: column `citation`: value ``: a non-empty text"),
    ] {
        assert!(
            run.stderr.contains(&expected),
            "missing `{expected}` in:\n{}",
            run.stderr
        );
    }
    assert!(!run.stderr.contains(":2:"), "{}", run.stderr);
}

#[test]
fn risk_is_reproducible_and_independent_of_threads() {
    let dir = tmp();
    let run = |threads: &str| {
        critmin(
            dir.path(),
            &[
                "risk",
                "--mineral",
                "cobalt",
                "--scenarios",
                "2000",
                "--seed",
                "5",
                "--threads",
                threads,
                "--country",
                "IND",
                "--format",
                "json",
            ],
        )
        .success()
        .json()
    };
    let one = run("1");
    let mut two = run("2");
    assert_eq!(one["threads"], 1);
    two["threads"] = one["threads"].clone();
    assert_eq!(one, two);
    let consumers = records(&one["consumers"]);
    let usa = consumers.iter().find(|c| c["country"] == "USA").unwrap();
    let mean = as_f64(&usa["mean_shortfall_pct"], "mean");
    let cvar = as_f64(&usa["cvar95_pct"], "cvar");
    assert!(mean > 0.0 && cvar >= mean, "{usa}");
    let p = as_f64(&usa["p_exceed"], "p");
    assert!((0.0..=1.0).contains(&p));
    assert!(one["focus"][1].as_array().is_some_and(|c| !c.is_empty()));
    assert!(as_f64(&one["max_mass_balance_error"], "mbe") <= 1e-9);
    // Table output names the histogram resolution and no progress bar leaks into a pipe.
    let table = critmin(dir.path(), &["risk", "--mineral", "nickel", "--scenarios", "500"]).success();
    assert!(table.stdout.contains("1000-bin histogram"), "{}", table.stdout);
    assert!(table.stderr.is_empty(), "{}", table.stderr);
}

/// `--trade` builds the network from a BACI file through the trade cache: DRC ore to China,
/// Chinese cobalt oxides to India and the US. Cutting all DRC mining takes all of China's
/// refining input and, proportionally, all of India's and the US's consumption.
#[test]
fn shock_on_a_baci_file_goes_through_the_trade_cache() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("small.csv"),
        "t,i,j,k,v,q\n2023,180,156,260500,5000,1000\n2023,156,842,282200,800,50\n2023,156,699,282200,800,50\n",
    )
    .unwrap();
    let cache = dir.path().join("xdg-cache");
    let cache_env = cache.to_str().unwrap();
    let args = [
        "shock",
        "--mineral",
        "cobalt",
        "--trade",
        "small.csv",
        "--cut",
        "COD:mining:1",
        "--format",
        "json",
    ];
    let first = critmin_with(dir.path(), &args, &[("XDG_CACHE_HOME", cache_env)]).success();
    assert!(first.stderr.contains("cache written"), "{}", first.stderr);
    let second = critmin_with(dir.path(), &args, &[("XDG_CACHE_HOME", cache_env)]).success();
    assert!(second.stderr.contains("read from cache"), "{}", second.stderr);
    assert_eq!(first.stdout, second.stdout);

    let doc = first.json();
    assert!(as_f64(&doc["mass_balance_error"], "mass_balance_error") <= 1e-9);
    let nodes = records(&doc["nodes"]);
    let node = |country: &str, stage: &str| {
        nodes
            .iter()
            .find(|n| n["country"] == country && n["stage"] == stage)
            .unwrap_or_else(|| panic!("no {country}/{stage} row in {doc}"))
    };
    let china = node("CHN", "processing");
    assert!((as_f64(&china["shortfall_pct"], "pct") - 100.0).abs() < 1e-9);
    for country in ["IND", "USA"] {
        let consumer = node(country, "consumption");
        assert!(
            (as_f64(&consumer["shortfall_pct"], "pct") - 100.0).abs() < 1e-9,
            "{country}"
        );
        // 50 t of oxide at the HS map's cobalt factor is the same contained tonnage for both.
        assert!(
            (as_f64(&consumer["shortfall_t"], "t") - as_f64(&node("USA", "consumption")["shortfall_t"], "t")).abs()
                < 1e-9
        );
    }

    let both = critmin(
        dir.path(),
        &[
            "shock",
            "--mineral",
            "cobalt",
            "--trade",
            "small.csv",
            "--flows",
            "f.csv",
            "--cut",
            "COD:mining:1",
        ],
    )
    .fails_with(2);
    assert!(both.stderr.contains("cannot be used with"), "{}", both.stderr);
}
