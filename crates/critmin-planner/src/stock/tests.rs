use super::*;
use approx::assert_abs_diff_eq;
use proptest::prelude::*;

#[test]
fn lifetime_text_round_trips_and_rejects_nonsense() {
    for text in ["fixed:5", "normal:5:1.5", "lognormal:20:20", "weibull:1.2:1"] {
        let lifetime: Lifetime = text.parse().unwrap();
        assert_eq!(lifetime.to_string(), text);
    }
    for bad in [
        "fixed",
        "fixed:-1",
        "normal:5",
        "normal:5:0",
        "weibull:0:1",
        "gamma:1:2",
        "fixed:x",
    ] {
        assert!(bad.parse::<Lifetime>().is_err(), "{bad}");
    }
}

#[test]
fn conventions_shift_the_age() {
    let lifetime = Lifetime::Fixed { years: 5.0 };
    let end = inflow_driven(&[1.0; 8], lifetime, Convention::End).unwrap();
    let start = inflow_driven(&[1.0; 8], lifetime, Convention::Start).unwrap();
    // End: a cohort is counted in the stock for 5 year-ends; start: for 4.
    assert_abs_diff_eq!(end.stock[7], 5.0);
    assert_abs_diff_eq!(start.stock[7], 4.0);
}

#[test]
fn secondary_supply_multiplies_the_rates() {
    let result = inflow_driven(
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        Lifetime::Fixed { years: 5.0 },
        Convention::End,
    )
    .unwrap();
    let secondary = result.secondary_supply(0.5, 0.8).unwrap();
    assert_abs_diff_eq!(secondary[5], 0.4);
    assert_abs_diff_eq!(secondary[6], 0.8);
    assert!(result.secondary_supply(1.5, 0.8).is_err());
}

#[test]
fn stock_driven_cannot_start_without_first_year_survival() {
    let err = stock_driven(&[1.0, 2.0], Lifetime::Fixed { years: 0.0 }, Convention::End).unwrap_err();
    assert!(matches!(err, StockError::NoFirstYearSurvival(_)));
}

#[test]
fn batch_equals_one_by_one() {
    let years = 12;
    let inflow: Vec<f64> = (0..5 * years).map(|k| ((k * 7) % 11) as f64).collect();
    let lifetime = Lifetime::Normal { mean: 4.0, sd: 1.5 };
    let (stock, outflow) = inflow_driven_batch(&inflow, years, lifetime, Convention::Middle).unwrap();
    for d in 0..5 {
        let one = inflow_driven(&inflow[d * years..(d + 1) * years], lifetime, Convention::Middle).unwrap();
        for t in 0..years {
            assert_abs_diff_eq!(stock[d * years + t], one.stock[t], epsilon = 1e-12);
            assert_abs_diff_eq!(outflow[d * years + t], one.outflow[t], epsilon = 1e-12);
        }
    }
    assert!(inflow_driven_batch(&inflow[..7], years, lifetime, Convention::Middle).is_err());
}

fn any_lifetime() -> impl Strategy<Value = Lifetime> {
    prop_oneof![
        (0.0..30.0f64).prop_map(|years| Lifetime::Fixed { years }),
        (0.5..30.0f64, 0.1..10.0f64).prop_map(|(mean, sd)| Lifetime::Normal { mean, sd }),
        (0.5..30.0f64, 0.1..20.0f64).prop_map(|(mean, sd)| Lifetime::LogNormal { mean, sd }),
        (0.3..5.0f64, 0.5..30.0f64).prop_map(|(shape, scale)| Lifetime::Weibull { shape, scale }),
    ]
}

fn any_convention() -> impl Strategy<Value = Convention> {
    prop_oneof![Just(Convention::Start), Just(Convention::Middle), Just(Convention::End)]
}

proptest! {
    /// Mass balance: inflow − outflow = Δstock, every year; the stock never exceeds the
    /// cumulative inflow and outflow is never negative (survival never rises with age).
    #[test]
    fn inflow_driven_mass_balance(
        inflow in proptest::collection::vec(0.0..1000.0f64, 1..60),
        lifetime in any_lifetime(),
        convention in any_convention(),
    ) {
        let result = inflow_driven(&inflow, lifetime, convention).unwrap();
        let change = result.stock_change();
        let mut cumulative = 0.0;
        for t in 0..inflow.len() {
            cumulative += inflow[t];
            prop_assert!((inflow[t] - result.outflow[t] - change[t]).abs() <= 1e-9 * (1.0 + cumulative));
            prop_assert!(result.stock[t] <= cumulative + 1e-9 * (1.0 + cumulative));
            prop_assert!(result.outflow[t] >= -1e-9 * (1.0 + cumulative));
        }
    }

    /// The stock-driven model inverts the inflow-driven one.
    #[test]
    fn stock_driven_recovers_the_inflow(
        inflow in proptest::collection::vec(0.0..1000.0f64, 1..40),
        mean in 2.0..20.0f64,
        sd in 0.5..5.0f64,
    ) {
        let lifetime = Lifetime::Weibull { shape: sd, scale: mean };
        let forward = inflow_driven(&inflow, lifetime, Convention::Middle).unwrap();
        let back = stock_driven(&forward.stock, lifetime, Convention::Middle).unwrap();
        for t in 0..inflow.len() {
            prop_assert!((back.inflow[t] - inflow[t]).abs() <= 1e-6 * (1.0 + inflow.iter().sum::<f64>()));
            let change = back.stock_change();
            prop_assert!((back.inflow[t] - back.outflow[t] - change[t]).abs() <= 1e-6 * (1.0 + inflow.iter().sum::<f64>()));
        }
    }
}
