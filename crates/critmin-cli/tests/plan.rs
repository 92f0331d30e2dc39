//! CLI tests of the planner commands: `recycle stock`, `projects list|import`,
//! `plan outlook` and `plan optimize`, run on the real binary in a temporary directory.

mod support;

use support::critmin;

fn numbers(value: &serde_json::Value) -> Vec<f64> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

fn assert_close(actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!((a - e).abs() <= tolerance, "{actual:?} vs {expected:?}");
    }
}

/// ODYM's known result (`DSM_test_known_results.py`, fixed lifetime 5, inflow 1..10).
#[test]
fn recycle_stock_reproduces_odym_fixed_lifetime() {
    let dir = tempfile::tempdir().unwrap();
    let run = critmin(
        dir.path(),
        &[
            "recycle",
            "stock",
            "--inflow",
            "1,2,3,4,5,6,7,8,9,10",
            "--lifetime",
            "fixed:5",
            "--format",
            "json",
        ],
    )
    .success();
    let json = run.json();
    assert_close(
        &numbers(&json["stock"]),
        &[1.0, 3.0, 6.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0],
        0.0,
    );
    assert_close(
        &numbers(&json["outflow"]),
        &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        0.0,
    );
    assert_eq!(json["convention"], "end");
}

#[test]
fn recycle_stock_options_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    // Start convention: a fixed 5-year lifetime keeps a cohort for 4 year-ends.
    let json = critmin(
        dir.path(),
        &[
            "recycle",
            "stock",
            "--inflow",
            "1,1,1,1,1,1",
            "--lifetime",
            "fixed:5",
            "--convention",
            "start",
            "--collection",
            "0.5",
            "--recovery",
            "0.8",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    assert_close(&numbers(&json["stock"]), &[1.0, 2.0, 3.0, 4.0, 4.0, 4.0], 1e-12);
    assert_close(
        &numbers(&json["secondary_supply"]),
        &[0.0, 0.0, 0.0, 0.0, 0.4, 0.4],
        1e-12,
    );
    // Stock-driven: the stock 1, 3, 6 gives back the inflow 1, 2, 3.
    let json = critmin(
        dir.path(),
        &[
            "recycle",
            "stock",
            "--stock",
            "1,3,6",
            "--lifetime",
            "weibull:1.2:1",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    assert_eq!(json["model"], "stock-driven");
    let table = critmin(
        dir.path(),
        &["recycle", "stock", "--inflow", "1,2", "--lifetime", "normal:5:1.5"],
    )
    .success();
    assert!(
        table.stdout.contains("inflow at the end of the year"),
        "{}",
        table.stdout
    );
    let bad = critmin(
        dir.path(),
        &["recycle", "stock", "--inflow", "1,2", "--lifetime", "gamma:1:2"],
    )
    .fails_with(1);
    assert!(bad.stderr.contains("expected fixed:YEARS"), "{}", bad.stderr);
    let bad = critmin(
        dir.path(),
        &[
            "recycle",
            "stock",
            "--inflow",
            "1",
            "--lifetime",
            "fixed:5",
            "--convention",
            "later",
        ],
    )
    .fails_with(1);
    assert!(bad.stderr.contains("expected start, middle or end"), "{}", bad.stderr);
}

#[test]
fn projects_list_shows_india_pipeline_without_inventing_capacity() {
    let dir = tempfile::tempdir().unwrap();
    let json = critmin(dir.path(), &["projects", "list", "--format", "json"])
        .success()
        .json();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 43);
    assert!(
        rows.iter()
            .all(|r| r["capacity_t"].is_null() && r["capacity_note"] == "capacity not published")
    );
    let lithium = critmin(
        dir.path(),
        &["projects", "list", "--mineral", "lithium", "--format", "json"],
    )
    .success()
    .json();
    assert!(lithium.as_array().unwrap().iter().any(|r| r["id"] == "IN-003"));
    let table = critmin(dir.path(), &["projects", "list", "--examples"]).success();
    assert!(table.stdout.contains("EX-LI-01"), "{}", table.stdout);
}

#[test]
fn projects_import_validates_and_stores() {
    let dir = tempfile::tempdir().unwrap();
    let header = "id,name,mineral,stage,country,operator,owner_countries,partner_countries,status,capacity_t,start_year,ramp_up_years,capex_usd,unit_cost_usd_per_t,offtake_premium_usd_per_t,offtakes,probability,lead_time_years,as_of_year,source";
    let good = format!("{header}\nQ1,Quarry,lithium,mine,AUS,Op,AUS,,feasibility,5000,2029,1,1e8,,1000,,,,2025,test\n");
    let bad = format!("{header}\nQ2,Quarry,lithium,mine,AUS,Op,AUS,,feasibility,lots,2029,1,,,,,,,2025,test\n");
    std::fs::write(dir.path().join("good.csv"), good).unwrap();
    std::fs::write(dir.path().join("bad.csv"), bad).unwrap();
    let run = critmin(
        dir.path(),
        &["projects", "import", "good.csv", "bad.csv", "--into", "store"],
    )
    .fails_with(1);
    assert!(
        run.stderr.contains("bad.csv:2: column `capacity_t`: value `lots`"),
        "{}",
        run.stderr
    );
    assert!(
        !dir.path().join("store/projects").exists(),
        "nothing is imported when a file is bad"
    );
    critmin(dir.path(), &["projects", "import", "good.csv", "--into", "store"]).success();
    assert!(dir.path().join("store/projects/good.csv").is_file());
    // The stored projects are read back through --data.
    let json = critmin(
        dir.path(),
        &[
            "--data",
            "store",
            "projects",
            "list",
            "--mineral",
            "lithium",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    assert!(json.as_array().unwrap().iter().any(|r| r["id"] == "Q1"));
}

#[test]
fn plan_outlook_balances_supply_against_iea_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let json = critmin(
        dir.path(),
        &[
            "plan",
            "outlook",
            "--mineral",
            "lithium",
            "--scenario",
            "STEPS",
            "--from",
            "2030",
            "--to",
            "2030",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    // The same document as GET /api/v1/outlook: years, each with its balance per scenario.
    let years = json["years"].as_array().unwrap();
    assert_eq!(years.len(), 1);
    let year = &years[0];
    let balance = year["balance"].as_array().unwrap();
    assert_eq!(balance.len(), 1);
    let row = &balance[0];
    assert_eq!(row["scenario"], "STEPS");
    // IEA STEPS 2030 lithium demand: 455.487 kt, in the supply unit (t).
    assert!(
        (row["demand"].as_f64().unwrap() - 455_487.242_925_808).abs() < 1e-3,
        "{row}"
    );
    let deficit = row["deficit"].as_f64().unwrap();
    let total = year["total"].as_f64().unwrap();
    assert!((deficit - (row["demand"].as_f64().unwrap() - total)).abs() < 1e-6);
    assert!(year["location_mix"]["hhi"].as_f64().unwrap() > 0.0);
    let bad = critmin(
        dir.path(),
        &["plan", "outlook", "--mineral", "lithium", "--scenario", "XYZ"],
    )
    .fails_with(1);
    assert!(bad.stderr.contains("no demand scenario `XYZ`"), "{}", bad.stderr);
}

#[test]
fn plan_optimize_reports_portfolio_gap_time_and_shadow_prices() {
    let dir = tempfile::tempdir().unwrap();
    let json = critmin(
        dir.path(),
        &[
            "plan",
            "optimize",
            "--buyer",
            "USA+IND",
            "--budget",
            "1e8",
            "--requirement-t",
            "10000",
            "--cap",
            "0.3",
            "--partner-floor",
            "msp:0.5",
            "--examples",
            "--write-mps",
            "model.mps",
            "--format",
            "json",
        ],
    )
    .success()
    .json();
    assert_eq!(json["status"], "optimal");
    assert!(json["mip_gap"].as_f64().unwrap() <= 1e-4);
    assert!(json["solve_seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(json["members"], serde_json::json!(["IND", "USA"]));
    // Every supplier's share respects the 30 % cap.
    for s in json["shares"].as_array().unwrap() {
        assert!(s["value"].as_f64().unwrap() <= 0.3 + 1e-6, "{s}");
    }
    let names: Vec<&str> = json["shadow_prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["constraint"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"budget") && names.contains(&"cap_CHN") && names.contains(&"floor_msp"));
    let mps = std::fs::read_to_string(dir.path().join("model.mps")).unwrap();
    assert!(mps.starts_with("NAME critmin_portfolio_USA_IND") && mps.ends_with("ENDATA\n"));
}

#[test]
fn plan_optimize_explains_infeasibility() {
    let dir = tempfile::tempdir().unwrap();
    let run = critmin(
        dir.path(),
        &[
            "plan",
            "optimize",
            "--buyer",
            "IND",
            "--budget",
            "0",
            "--requirement-t",
            "10000",
            "--partner-floor",
            "quad:0.95",
        ],
    )
    .fails_with(1);
    assert!(
        run.stderr.contains("no portfolio meets every constraint"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("floor_quad"), "{}", run.stderr);
}

/// With Monte Carlo scenarios the optimizer minimises the CVaR of the shortfall: one column
/// and one row per scenario (plus η), the same answer for the same seed, and a refused level
/// outside (0, 1).
#[test]
fn plan_optimize_minimises_cvar_over_monte_carlo_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "plan",
        "optimize",
        "--buyer",
        "USA+IND",
        "--budget",
        "2e9",
        "--requirement-t",
        "20000",
        "--cap",
        "0.5",
        "--examples",
        "--format",
        "json",
    ];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        critmin(dir.path(), &args).success().json()
    };
    let expected = with(&[]);
    let cvar = with(&["--risk-scenarios", "500", "--seed", "3"]);
    let again = with(&["--risk-scenarios", "500", "--seed", "3"]);
    assert_eq!(expected["risk_measure"], "expected shortfall");
    assert!(
        cvar["risk_measure"].as_str().unwrap().starts_with("CVaR 95%"),
        "{}",
        cvar["risk_measure"]
    );
    assert_eq!(cvar["status"], "optimal");
    assert_eq!(cvar["chosen"], again["chosen"]);
    assert_eq!(cvar["risk_t"], again["risk_t"]);
    let columns = |d: &serde_json::Value| d["model_size"][0].as_u64().unwrap();
    assert_eq!(columns(&cvar), columns(&expected) + 501);
    assert!(cvar["risk_t"].as_f64().unwrap() > 0.0);
    let note = cvar["notes"].as_array().unwrap().last().unwrap().as_str().unwrap();
    assert!(note.contains("500 disruption scenarios (seed 3"), "{note}");
    for s in cvar["shares"].as_array().unwrap() {
        assert!(s["value"].as_f64().unwrap() <= 0.5 + 1e-6, "{s}");
    }

    let mut args = base.to_vec();
    args.extend_from_slice(&["--risk-scenarios", "10", "--cvar-alpha", "1"]);
    let bad = critmin(dir.path(), &args).fails_with(1);
    assert!(
        bad.stderr
            .contains("--cvar-alpha: 1: expected a level strictly between 0 and 1"),
        "{}",
        bad.stderr
    );
}
