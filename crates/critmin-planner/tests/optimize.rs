//! The optimizer on small instances whose optimum is worked out by hand.
#![cfg(feature = "solver")]

use approx::assert_abs_diff_eq;
use critmin_model::CountryCode;
use critmin_planner::optimize::{OptimizeError, SolveOptions, SolveStatus, optimize};
use critmin_planner::portfolio::{Candidate, Cap, Floor, MarketSource, PortfolioProblem, ScenarioShortfalls};

fn code(s: &str) -> CountryCode {
    s.parse().unwrap()
}

fn china_market() -> Vec<MarketSource> {
    vec![MarketSource {
        country: CountryCode::CHINA,
        available_t: 100.0,
        risk: 0.2,
    }]
}

fn offtake(id: &str, country: &str, tonnes: f64, premium: f64, risk: f64) -> Candidate {
    Candidate {
        id: id.into(),
        country: code(country),
        deliverable_t: tonnes,
        capex_usd: None,
        offtake_premium_usd_per_t: Some(premium),
        risk,
    }
}

fn shadow(solution: &critmin_planner::optimize::PortfolioSolution, name: &str) -> f64 {
    solution
        .shadow_prices
        .iter()
        .find(|s| s.constraint == name)
        .map(|s| s.per_unit)
        .unwrap()
}

/// A 65 % cap forces the buyer to back a project.
///
/// Requirement 100 t; China offers 100 t with a 20 % disruption risk; value of shortfall
/// 100 USD/t, so a Chinese tonne costs 20 USD of expected shortfall. Project A (Australia,
/// 40 t, capex 1,000, risk 5 %) and B (Canada, 40 t, capex 3,000, risk 5 %); budget 5,000.
/// With the cap China may give 65 t at most, so 35 t must come from elsewhere:
/// * back A: 1,000 + 0.05·100·40 = 1,200, China 60 t: 0.2·100·60 = 1,200 → 2,400;
/// * back B instead: 3,000 + 200 + 1,200 = 4,400;
/// * back nothing, leave 35 t unmet: 35·100 + 65·20 = 4,800.
///
/// Optimum: back A, buy 60 t from China, objective 2,400 USD, expected shortfall 14 t.
#[test]
fn cap_forces_backing_the_cheaper_project() {
    let problem = PortfolioProblem {
        buyer: "IND".into(),
        requirement_t: 100.0,
        market: china_market(),
        candidates: vec![
            Candidate {
                id: "A".into(),
                country: code("AUS"),
                deliverable_t: 40.0,
                capex_usd: Some(1_000.0),
                offtake_premium_usd_per_t: None,
                risk: 0.05,
            },
            Candidate {
                id: "B".into(),
                country: code("CAN"),
                deliverable_t: 40.0,
                capex_usd: Some(3_000.0),
                offtake_premium_usd_per_t: None,
                risk: 0.05,
            },
        ],
        budget_usd: 5_000.0,
        caps: vec![Cap {
            country: None,
            max_share: 0.65,
        }],
        floors: vec![],
        value_of_shortfall_usd_per_t: 100.0,
        scenarios: None,
    };
    let solution = optimize(&problem, &SolveOptions::default()).unwrap();
    assert_eq!(solution.status, SolveStatus::Optimal);
    assert_abs_diff_eq!(solution.objective_usd, 2_400.0, epsilon = 1e-6);
    assert_eq!(solution.chosen.len(), 1);
    assert_eq!(solution.chosen[0].id, "A");
    assert_eq!(solution.chosen[0].action, "back");
    assert_abs_diff_eq!(solution.market[0].1, 60.0, epsilon = 1e-6);
    assert_abs_diff_eq!(solution.risk_t, 14.0, epsilon = 1e-6);
    assert_abs_diff_eq!(solution.cost_usd, 1_000.0, epsilon = 1e-6);
    assert!(solution.mip_gap <= 1e-4);
    // Without the cap, backing A costs 1,200 and saves only 40·20 = 800: nothing is backed.
    let uncapped = PortfolioProblem {
        caps: vec![],
        ..problem
    };
    let solution = optimize(&uncapped, &SolveOptions::default()).unwrap();
    assert!(solution.chosen.is_empty());
    assert_abs_diff_eq!(solution.objective_usd, 2_000.0, epsilon = 1e-6);
}

/// Shadow prices of a binding budget and a binding cap.
///
/// Requirement 100 t; China 100 t at risk 0.2 (20 USD/t of expected shortfall at 100 USD/t);
/// an offtake in Australia, risk 0, premium 5 USD/t, up to 50 t; budget 100 USD buys 20 t.
/// * No cap: a tonne moved from China to the offtake saves 20 − 5 = 15 USD, so the budget is
///   spent: 20 t offtake, 80 t China, objective 80·20 + 100 = 1,700. One more USD buys 0.2 t
///   more and saves 0.2·15 = 3 USD: budget shadow price −3 USD per USD.
/// * Cap 65 %: China 65 t, offtake 20 t, 15 t unmet: 65·20 + 100 + 15·100 = 2,900. One more
///   tonne of cap replaces an unmet tonne by a Chinese one: −(100 − 20) = −80 USD/t; one more
///   USD of budget replaces 0.2 unmet tonne by offtake: −0.2·(100 − 5) = −19 USD per USD.
#[test]
fn shadow_prices_of_budget_and_cap() {
    let mut problem = PortfolioProblem {
        buyer: "USA".into(),
        requirement_t: 100.0,
        market: china_market(),
        candidates: vec![offtake("C", "AUS", 50.0, 5.0, 0.0)],
        budget_usd: 100.0,
        caps: vec![],
        floors: vec![],
        value_of_shortfall_usd_per_t: 100.0,
        scenarios: None,
    };
    let solution = optimize(&problem, &SolveOptions::default()).unwrap();
    assert_abs_diff_eq!(solution.objective_usd, 1_700.0, epsilon = 1e-6);
    assert_abs_diff_eq!(shadow(&solution, "budget"), -3.0, epsilon = 1e-6);

    problem.caps.push(Cap {
        country: Some(CountryCode::CHINA),
        max_share: 0.65,
    });
    let solution = optimize(&problem, &SolveOptions::default()).unwrap();
    assert_abs_diff_eq!(solution.objective_usd, 2_900.0, epsilon = 1e-6);
    assert_abs_diff_eq!(solution.unmet_t, 15.0, epsilon = 1e-6);
    assert_abs_diff_eq!(shadow(&solution, "budget"), -19.0, epsilon = 1e-6);
    assert_abs_diff_eq!(shadow(&solution, "cap_CHN"), -80.0, epsilon = 1e-6);
    let cap = solution
        .shadow_prices
        .iter()
        .find(|s| s.constraint == "cap_CHN")
        .unwrap();
    assert!(cap.binding);
    // Per percentage point of a 100 t requirement: one tonne.
    assert_abs_diff_eq!(cap.per_percentage_point.unwrap(), -80.0, epsilon = 1e-6);
}

/// An impossible partner floor is explained, not just refused.
///
/// Same market and offtake; a floor of 50 % from Australia needs 50 t, but 100 USD buys only
/// 20 t. The elastic re-solve weighs each slack by its right-hand side: relaxing the floor by
/// 30 t costs 30/50 = 0.6, relaxing the budget by the 150 USD that 30 t more would need costs
/// 150/100 = 1.5 (and any mix lies in between), so the floor is the constraint reported, short
/// by 30 t.
#[test]
fn infeasible_floor_is_explained() {
    let problem = PortfolioProblem {
        buyer: "IND".into(),
        requirement_t: 100.0,
        market: china_market(),
        candidates: vec![offtake("C", "AUS", 50.0, 5.0, 0.0)],
        budget_usd: 100.0,
        caps: vec![],
        floors: vec![Floor {
            name: "AUS".into(),
            countries: vec![code("AUS")],
            min_share: 0.5,
        }],
        value_of_shortfall_usd_per_t: 100.0,
        scenarios: None,
    };
    let err = optimize(&problem, &SolveOptions::default()).unwrap_err();
    let OptimizeError::Infeasible(violations) = &err else {
        panic!("expected an explained infeasibility, got {err}");
    };
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].constraint, "floor_AUS");
    assert_abs_diff_eq!(violations[0].amount, 30.0, epsilon = 1e-6);
    let message = err.to_string();
    assert!(message.contains("floor_AUS"), "{message}");
    assert!(message.contains("cannot supply 50.0 %"), "{message}");
}

/// CVaR over scenarios replaces the expected shortfall when a Monte Carlo is plugged in.
///
/// Two equally likely scenarios: China loses everything, or nothing is lost. At α = 0.5 the
/// CVaR is the loss of the worst scenario, i.e. the Chinese tonnes plus the unmet tonnes. With
/// a large budget the buyer takes the whole 50 t offtake (5 USD/t) and 50 t from China:
/// objective 100·50 + 5·50 = 5,250 USD, CVaR 50 t.
#[test]
fn cvar_over_scenarios() {
    let problem = PortfolioProblem {
        buyer: "USA+IND".into(),
        requirement_t: 100.0,
        market: china_market(),
        candidates: vec![offtake("C", "AUS", 50.0, 5.0, 0.0)],
        budget_usd: 1e6,
        caps: vec![],
        floors: vec![],
        value_of_shortfall_usd_per_t: 100.0,
        scenarios: Some(ScenarioShortfalls {
            countries: vec![CountryCode::CHINA, code("AUS")],
            loss: vec![vec![1.0, 0.0], vec![0.0, 0.0]],
            alpha: 0.5,
        }),
    };
    let solution = optimize(&problem, &SolveOptions::default()).unwrap();
    assert_abs_diff_eq!(solution.objective_usd, 5_250.0, epsilon = 1e-6);
    assert_abs_diff_eq!(solution.risk_t, 50.0, epsilon = 1e-6);
    assert!(solution.risk_measure.starts_with("CVaR"));
}

#[test]
fn bad_numbers_are_refused_before_solving() {
    let problem = PortfolioProblem {
        buyer: "IND".into(),
        requirement_t: -1.0,
        market: china_market(),
        candidates: vec![],
        budget_usd: 0.0,
        caps: vec![],
        floors: vec![],
        value_of_shortfall_usd_per_t: 1.0,
        scenarios: None,
    };
    assert!(matches!(
        optimize(&problem, &SolveOptions::default()),
        Err(OptimizeError::Problem(_))
    ));
}
