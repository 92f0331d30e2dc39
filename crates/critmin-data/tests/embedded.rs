//! The embedded dataset loads cleanly and follows the conventions of SOURCES.md.

use critmin_data::load_embedded;
use critmin_model::{CountryCode, MineralId, StageId};

#[test]
fn embedded_dataset_loads_without_problems() {
    let ds = match load_embedded() {
        Ok(ds) => ds,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(ds.countries.len(), 252);
    assert_eq!(ds.governance.len(), 1065);
    assert_eq!(ds.import_reliance.len(), 231);
    let rows: usize = ds.tables.iter().map(|t| t.observations.len()).sum();
    assert_eq!(rows, 582 + 308 + 373 + 85, "every observation row of the four files");
    assert_eq!(ds.critical_lists.len(), 3);
}

#[test]
fn iea_refined_series_present_in_two_files_is_kept_once() {
    let ds = load_embedded().unwrap();
    let cobalt = MineralId("cobalt".into());
    let refined = StageId("refined".into());
    let found: Vec<_> = ds
        .find_series(Some(&cobalt), Some(&refined), Some(2024), Some("IEA-CMD-2025"))
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].tables,
        vec!["refining.csv".to_owned(), "iea_supply_2024.csv".to_owned()]
    );
    let copper = MineralId("copper".into());
    let copper_refined: Vec<_> = ds
        .find_series(Some(&copper), Some(&refined), Some(2024), None)
        .collect();
    assert_eq!(
        copper_refined.len(),
        1,
        "IEA copper refining lives only in iea_supply_2024.csv"
    );
    assert_eq!(copper_refined[0].tables, vec!["iea_supply_2024.csv".to_owned()]);
}

#[test]
fn world_and_residual_are_never_listed_as_countries() {
    let ds = load_embedded().unwrap();
    for s in &ds.series {
        assert!(s.countries.iter().all(|r| !r.country.is_pseudo()), "{:?}", s.key);
    }
    let lithium = MineralId("lithium".into());
    let mine = StageId("mine".into());
    let li = ds
        .find_series(Some(&lithium), Some(&mine), Some(2024), Some("USGS-MCS2025"))
        .next()
        .unwrap();
    let usa = li.countries.iter().find(|r| r.country == CountryCode::USA).unwrap();
    assert_eq!(usa.value, None, "US lithium is withheld (W): missing, not zero");
    assert!(li.world.is_some());
}

#[test]
fn critical_list_membership_follows_the_explicit_mapping() {
    let ds = load_embedded().unwrap();
    let lists = |id: &str| ds.mineral(id).unwrap().critical_lists.clone();
    assert_eq!(lists("lithium"), vec!["US-2022", "EU-2023", "IN-2023"]);
    assert_eq!(lists("graphite_natural"), vec!["US-2022", "EU-2023", "IN-2023"]);
    assert_eq!(lists("copper"), vec!["EU-2023", "IN-2023"]);
    assert!(lists("titanium_dioxide_pigment").is_empty());
    assert_eq!(ds.mineral("chromite").unwrap().id.as_str(), "chromium");
}

#[test]
fn governance_scores_follow_their_formula() {
    let ds = load_embedded().unwrap();
    let (year, risk) = ds.governance_risk(CountryCode::INDIA, 2023).unwrap();
    assert_eq!(year, 2023);
    assert!((0.0..=10.0).contains(&risk));
}
