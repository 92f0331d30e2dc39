use super::*;

#[test]
fn model_has_one_column_per_option_and_named_rows() {
    let problem = PortfolioProblem {
        buyer: "IND".into(),
        requirement_t: 100.0,
        market: vec![MarketSource {
            country: CountryCode::CHINA,
            available_t: 100.0,
            risk: 0.2,
        }],
        candidates: vec![Candidate {
            id: "p1".into(),
            country: "AUS".parse().unwrap(),
            deliverable_t: 50.0,
            capex_usd: Some(10.0),
            offtake_premium_usd_per_t: Some(1.0),
            risk: 0.05,
        }],
        budget_usd: 20.0,
        caps: vec![Cap {
            country: None,
            max_share: 0.65,
        }],
        floors: vec![],
        value_of_shortfall_usd_per_t: 1.0,
        scenarios: None,
    };
    problem.validate().unwrap();
    let model = build_model(&problem);
    let names: Vec<&str> = model.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["y_CHN", "x_p1", "t_p1", "u_unmet"]);
    let rows: Vec<&str> = model.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(rows, ["requirement", "budget", "cap_AUS", "cap_CHN", "one_option_p1"]);
}
