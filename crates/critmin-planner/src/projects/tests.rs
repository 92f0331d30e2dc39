use super::*;

#[test]
fn embedded_defaults_cover_every_status() {
    let defaults = StatusDefaults::parse(STATUS_DEFAULTS_FILE, STATUS_DEFAULTS_TEXT).unwrap();
    for status in ProjectStatus::ALL {
        let row = defaults.get(status).unwrap();
        assert!((0.0..=1.0).contains(&row.probability));
        assert!(!row.lead_time_source.is_empty());
    }
    // Later stages are never less likely to produce nor further away.
    for pair in defaults.rows.windows(2) {
        assert!(pair[0].probability <= pair[1].probability);
        assert!(pair[0].lead_time_years >= pair[1].lead_time_years);
    }
}

#[test]
fn ramp_and_risked_output() {
    let project = Project {
        id: "p".into(),
        name: "p".into(),
        mineral: MineralId("lithium".into()),
        stage: StageId("mine".into()),
        country: CountryCode::INDIA,
        operator: String::new(),
        owners: vec![],
        partners: vec![],
        status: ProjectStatus::Feasibility,
        capacity_t: Some(1000.0),
        start_year: 2030,
        ramp_up_years: 4,
        capex_usd: None,
        unit_cost_usd_per_t: None,
        offtake_premium_usd_per_t: None,
        offtakes: vec![Offtake {
            buyer: CountryCode::USA,
            share: 0.25,
            from_year: 2031,
            to_year: 2035,
        }],
        probability: 0.5,
        probability_is_default: true,
        source: String::new(),
    };
    assert_eq!(project.risked_output(2029), Some(0.0));
    assert_eq!(project.risked_output(2030), Some(125.0));
    assert_eq!(project.risked_output(2040), Some(500.0));
    assert!((project.committed_share(2032) - 0.25).abs() < 1e-12);
    assert!(project.committed_share(2036).abs() < 1e-12);
}
