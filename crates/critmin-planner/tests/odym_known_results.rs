//! ODYM's published known results for its dynamic stock model, reproduced.
//!
//! Every expected number below is transcribed from `IndEcol/ODYM`,
//! `odym/modules/test/DSM_test_known_results.py` (commit 1b95c7b5), naming the array and the
//! test method it comes from. ODYM evaluates the survival function at age `m − c` (inflow at the
//! end of the year, [`Convention::End`]); it states no other convention, so every case runs with
//! that one. Tolerances follow the decimals ODYM asserts (`assert_array_almost_equal(…, 8)`
//! means |difference| < 1.5e-8).

use approx::assert_abs_diff_eq;
use critmin_planner::stock::{Convention, Lifetime, inflow_driven, stock_driven};

const INFLOW_1_TO_10: [f64; 10] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];

fn assert_series(actual: &[f64], expected: &[f64], epsilon: f64) {
    assert_eq!(actual.len(), expected.len());
    for (t, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!((a - e).abs() <= epsilon, "year {t}: {a} vs {e} (tolerance {epsilon})");
    }
}

/// `Stock_T_FixedLT`, `Outflow_T_FixedLT`, `StockChange_T_FixedLT`, `Stock_TC_FixedLT`,
/// `Outflow_TC_FixedLT` (test_inflow_driven_model_fixedLifetime).
#[test]
fn fixed_lifetime_inflow_driven() {
    let result = inflow_driven(&INFLOW_1_TO_10, Lifetime::Fixed { years: 5.0 }, Convention::End).unwrap();
    assert_series(
        &result.stock,
        &[1.0, 3.0, 6.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0],
        0.0,
    );
    assert_series(
        &result.outflow,
        &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        0.0,
    );
    assert_series(
        &result.stock_change(),
        &[1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0],
        0.0,
    );
    let cohorts = result.cohort_stock();
    assert_series(&cohorts[5], &[0.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.0, 0.0, 0.0, 0.0], 0.0);
    assert_series(&cohorts[9], &[0.0, 0.0, 0.0, 0.0, 0.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.0);
    let outflows = result.cohort_outflow();
    assert_series(&outflows[5], &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0);
    assert_series(&outflows[9], &[0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0);
}

/// test_stock_driven_model_fixedLifetime: the stock 1, 3, …, 40 gives back the inflow 1..10.
#[test]
fn fixed_lifetime_stock_driven() {
    let stock = [1.0, 3.0, 6.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0];
    let result = stock_driven(&stock, Lifetime::Fixed { years: 5.0 }, Convention::End).unwrap();
    assert_series(&result.inflow, &INFLOW_1_TO_10, 1e-12);
    assert_series(
        &result.outflow,
        &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        1e-12,
    );
}

/// test_inflow_driven_model_fixedLifetime_0 and test_inflow_driven_model_normallyDistrLifetime_0:
/// a zero lifetime keeps nothing in stock and everything flows out in the year it came in.
#[test]
fn zero_lifetime_border_cases() {
    for lifetime in [Lifetime::Fixed { years: 0.0 }, Lifetime::Normal { mean: 0.0, sd: 1.5 }] {
        let result = inflow_driven(&INFLOW_1_TO_10, lifetime, Convention::End).unwrap();
        assert_series(&result.stock, &[0.0; 10], 0.0);
        assert_series(&result.outflow, &INFLOW_1_TO_10, 0.0);
    }
}

const STOCK_T_NORM: [f64; 10] = [
    0.99957094,
    2.9953115,
    5.96830193,
    9.85008113,
    14.4793678,
    19.60865447,
    24.99043368,
    30.46342411,
    35.95916467,
    41.45873561,
];

/// `Stock_T_NormLT`, `Outflow_T_NormLT`, `StockChange_T_NormLT` and rows of `Stock_TC_NormLT` /
/// `Outflow_TC_NormLT` (test_inflow_driven_model_normallyDistLifetime; normal, mean 5, sd 1.5).
#[test]
fn normal_lifetime_inflow_driven() {
    let result = inflow_driven(
        &INFLOW_1_TO_10,
        Lifetime::Normal { mean: 5.0, sd: 1.5 },
        Convention::End,
    )
    .unwrap();
    // ODYM's total-stock figures are printed to 8 significant digits.
    assert_series(&result.stock, &STOCK_T_NORM, 1e-7);
    let outflow = [
        4.29060333e-04,
        4.25944090e-03,
        2.70095728e-02,
        1.18220793e-01,
        3.70713330e-01,
        8.70713330e-01,
        1.61822079e+00,
        2.52700957e+00,
        3.50425944e+00,
        4.50042906e+00,
    ];
    assert_series(&result.outflow, &outflow, 1.5e-8);
    let change = [
        0.99957094, 1.99574056, 2.97299043, 3.88177921, 4.62928667, 5.12928667, 5.38177921, 5.47299043, 5.49574056,
        5.49957094,
    ];
    assert_series(&result.stock_change(), &change, 1.5e-8);
    let cohorts = result.cohort_stock();
    let row_5 = [
        5.0e-01, 1.49501492, 2.72636634, 3.90899947, 4.98084810, 5.99742564, 0.0, 0.0, 0.0, 0.0,
    ];
    assert_series(&cohorts[5], &row_5, 1.5e-8);
    let row_9 = [
        3.83038057e-03,
        4.55002639e-02,
        2.73633659e-01,
        1.00997015,
        2.5,
        4.48504477,
        6.36152146,
        7.81799894,
        8.96552657,
        9.99570940,
    ];
    assert_series(&cohorts[9], &row_9, 1.5e-8);
    let outflow_row_9 = [
        1.89197514e-02,
        1.36922176e-01,
        4.83843953e-01,
        9.90029850e-01,
        1.23753731e+00,
        9.67687907e-01,
        4.79227614e-01,
        1.51358011e-01,
        3.06118821e-02,
        4.29060333e-03,
    ];
    assert_series(&result.cohort_outflow()[9], &outflow_row_9, 1.5e-8);
}

/// test_stock_driven_model_normallyDistLifetime: `Stock_T_NormLT` gives back the inflow 1..10
/// (to the precision of the printed stock).
#[test]
fn normal_lifetime_stock_driven() {
    let result = stock_driven(&STOCK_T_NORM, Lifetime::Normal { mean: 5.0, sd: 1.5 }, Convention::End).unwrap();
    assert_series(&result.inflow, &INFLOW_1_TO_10, 1e-7);
}

/// `Stock_T_WeibullLT`, `Outflow_T_WeibullLT`, `StockChange_T_WeibullLT`, rows of
/// `Stock_TC_WeibullLT` and `Outflow_TC_WeibullLT` (test_inflow_driven_model_WeibullDistLifetime;
/// Weibull shape 1.2, scale 1; ODYM computed these in Excel).
#[test]
fn weibull_lifetime_inflow_and_stock_driven() {
    let lifetime = Lifetime::Weibull { shape: 1.2, scale: 1.0 };
    let result = inflow_driven(&INFLOW_1_TO_10, lifetime, Convention::End).unwrap();
    let stock = [
        1.0,
        2.367879441,
        3.836279069,
        5.328499576,
        6.825822547,
        8.324154666,
        9.822673522,
        11.321225,
        12.8197819,
        14.31833966,
    ];
    assert_series(&result.stock, &stock, 1.5e-8);
    let outflow = [
        0.0,
        0.632120559,
        1.531600372,
        2.507779493,
        3.502677029,
        4.50166788,
        5.501481144,
        6.501448519,
        7.5014431,
        8.501442241,
    ];
    assert_series(&result.outflow, &outflow, 1.5e-9);
    let change = [
        1.0,
        1.367879441,
        1.468399628,
        1.492220507,
        1.497322971,
        1.49833212,
        1.498518856,
        1.498551481,
        1.4985569,
        1.498557759,
    ];
    assert_series(&result.stock_change(), &change, 1.5e-9);
    let row_9 = [
        8.59762e-07,
        1.08366e-05,
        9.78769e-05,
        0.000746944,
        0.005045743,
        0.030614786,
        0.166746152,
        0.804161493,
        3.310914971,
        10.0,
    ];
    // Excel printed the small entries to 6 significant digits.
    assert_series(&result.cohort_stock()[9], &row_9, 1e-9);
    let outflow_row_4 = [
        0.018718414,
        0.153398615,
        0.802077764,
        2.528482235,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ];
    assert_series(&result.cohort_outflow()[4], &outflow_row_4, 1.5e-9);

    // test_stock_driven_model_WeibullDistLifetime: the stock gives back the inflow.
    let back = stock_driven(&stock, lifetime, Convention::End).unwrap();
    assert_series(&back.inflow, &INFLOW_1_TO_10, 1.5e-8);
}

/// test_stock_from_inflow_LogNormalDistLifetime: lognormal lifetime with mean 20 and standard
/// deviation 20 (of the lifetime itself), inflow for 20 years then zero; ODYM's Excel reference
/// for the stock in year 60 is `LN_Stock_Reference_2060 = 5.8693165260386`, asserted to 9
/// decimals.
#[test]
fn lognormal_lifetime_stock_in_year_60() {
    let mut inflow = vec![0.0; 300];
    let first = [
        1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 2.0, 3.0, 5.0, 6.0, 7.0, 1.0, 2.0, 4.0, 5.0, 6.0, 7.0, 3.0,
    ];
    inflow[..20].copy_from_slice(&first);
    let result = inflow_driven(&inflow, Lifetime::LogNormal { mean: 20.0, sd: 20.0 }, Convention::End).unwrap();
    assert_abs_diff_eq!(result.stock[60], 5.8693165260386, epsilon = 1.5e-9);
}
