//! Exposure and overview on the embedded data: the headline reliance picked per mineral, the
//! stages a country depends on, and the series that have no concentration.

use approx::assert_abs_diff_eq;
use critmin_metrics::{NotComputable, PartnerSet, SeriesFilter, concentration_overview, country_exposure};
use critmin_model::{ChainStage, CountryCode, Group};

#[test]
fn us_and_india_exposure_on_the_embedded_data() {
    let ds = critmin_data::load_embedded().unwrap();
    let msp = PartnerSet::from_groups([Group::Msp]);

    let us = country_exposure(&ds, CountryCode::USA, &msp);
    let cobalt = us.minerals.iter().find(|m| m.mineral.id.as_str() == "cobalt").unwrap();
    let headline = cobalt.reliance.unwrap();
    assert_eq!(
        (headline.metric.as_str(), headline.year, headline.value),
        ("net_import_reliance_pct", 2024, Some(76.0))
    );
    let stages: Vec<ChainStage> = cobalt.stages.iter().map(|s| s.chain_stage).collect();
    assert_eq!(stages, [ChainStage::Mining, ChainStage::Processing]);
    for s in &cobalt.stages {
        let l = &s.lens;
        let total = l.domestic_share + l.partner_share + l.feoc_class_share + l.other_share + l.unattributed_share;
        assert_abs_diff_eq!(total, 1.0, epsilon = 1e-9);
    }
    // Processing of cobalt is China's (IEA 2024 refined: 78 %); the FEOC share says so.
    let refined = &cobalt.stages[1];
    assert_eq!(refined.supply.series.key.stage.as_str(), "refined");
    assert!(refined.lens.feoc_share > 0.75, "{}", refined.lens.feoc_share);

    // Rare earths: the id's own record (80 %) wins over the alias `rare_earths_concentrate` (E).
    let ree = us
        .minerals
        .iter()
        .find(|m| m.mineral.id.as_str() == "rare_earths")
        .unwrap();
    assert_eq!(ree.reliance.unwrap().commodity, "rare_earths");

    let india = country_exposure(&ds, CountryCode::INDIA, &PartnerSet::from_groups([Group::Quad]));
    let lithium = india
        .minerals
        .iter()
        .find(|m| m.mineral.id.as_str() == "lithium")
        .unwrap();
    assert_eq!(lithium.reliance.unwrap().value, Some(100.0));
    // Australia (a Quad partner) leads lithium mining.
    assert!(lithium.stages[0].lens.partner_share > 0.3);
    let manganese = india
        .minerals
        .iter()
        .find(|m| m.mineral.id.as_str() == "manganese")
        .unwrap();
    assert_eq!(manganese.reliance.unwrap().metric, "self_sufficiency_pct");
}

#[test]
fn series_without_country_figures_are_left_out_with_the_reason() {
    let ds = critmin_data::load_embedded().unwrap();
    let (ok, failed) = concentration_overview(&ds, &SeriesFilter::default());
    assert!(ok.len() > 90);
    let reason = |mineral: &str| {
        failed
            .iter()
            .find(|(k, _)| k.mineral.as_str() == mineral)
            .map(|(_, why)| why)
    };
    assert!(matches!(reason("germanium"), Some(NotComputable::Shares(_))));
    assert!(matches!(
        reason("titanium_ilmenite_plus_rutile"),
        Some(NotComputable::NoCountryFigures)
    ));
    assert!(ok.iter().all(|c| !c.shares.named.is_empty()));
}
