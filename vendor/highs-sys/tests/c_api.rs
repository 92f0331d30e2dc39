//! The vendored build links and answers through the C API: the version compiled in, and a small
//! LP whose optimum and duals are known by hand.

use std::ffi::CStr;

use highs_sys::*;

#[test]
fn version_is_the_vendored_release() {
    // SAFETY: Highs_version returns a pointer to a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(Highs_version()) }.to_str().unwrap();
    let expected = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/HiGHS/Version.txt")).unwrap();
    let part = |name: &str| {
        expected
            .lines()
            .find_map(|l| l.strip_prefix(&format!("HIGHS_{name}=")))
            .unwrap()
            .trim()
            .to_string()
    };
    assert_eq!(
        version,
        format!("{}.{}.{}", part("MAJOR"), part("MINOR"), part("PATCH"))
    );
}

/// max x + y  s.t.  x + 2y <= 4,  3x + y <= 6,  x, y >= 0.
/// Optimum x = 8/5, y = 6/5, objective 14/5; row duals 2/5 and 1/5 (solve y'A = c on the two
/// binding rows: [1 3; 2 1] y = [1; 1]).
#[test]
fn small_lp_optimum_and_duals() {
    let (cost, lower, upper) = ([1.0, 1.0], [0.0, 0.0], [f64::INFINITY, f64::INFINITY]);
    let (row_lower, row_upper) = ([-f64::INFINITY, -f64::INFINITY], [4.0, 6.0]);
    // Column-wise: column x has 1 (row 0) and 3 (row 1); column y has 2 and 1.
    let (start, index, value) = ([0, 2], [0, 1, 0, 1], [1.0, 3.0, 2.0, 1.0]);
    let (mut col_value, mut col_dual) = ([0.0; 2], [0.0; 2]);
    let (mut row_value, mut row_dual) = ([0.0; 2], [0.0; 2]);
    let (mut col_basis, mut row_basis, mut model_status) = ([0; 2], [0; 2], 0);
    // SAFETY: every pointer is to an array of the length the C API reads for 2 columns, 2 rows
    // and 4 nonzeros, alive for the whole call.
    let status = unsafe {
        Highs_lpCall(
            2,
            2,
            4,
            MATRIX_FORMAT_COLUMN_WISE,
            OBJECTIVE_SENSE_MAXIMIZE,
            0.0,
            cost.as_ptr(),
            lower.as_ptr(),
            upper.as_ptr(),
            row_lower.as_ptr(),
            row_upper.as_ptr(),
            start.as_ptr(),
            index.as_ptr(),
            value.as_ptr(),
            col_value.as_mut_ptr(),
            col_dual.as_mut_ptr(),
            row_value.as_mut_ptr(),
            row_dual.as_mut_ptr(),
            col_basis.as_mut_ptr(),
            row_basis.as_mut_ptr(),
            &mut model_status,
        )
    };
    assert_eq!(status, STATUS_OK);
    assert_eq!(model_status, MODEL_STATUS_OPTIMAL);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(col_value[0], 1.6) && close(col_value[1], 1.2), "{col_value:?}");
    assert!(close(row_value[0], 4.0) && close(row_value[1], 6.0), "{row_value:?}");
    assert!(close(row_dual[0], 0.4) && close(row_dual[1], 0.2), "{row_dual:?}");
}
