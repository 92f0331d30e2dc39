//! Writes a [`LinearModel`] in free MPS format, so the same model can be solved by another
//! solver (the benchmark hands it to HiGHS from Python) or inspected.
//!
//! Free MPS: sections `NAME`, `ROWS` (`N` objective, `L`/`G`/`E` rows), `COLUMNS` (integer
//! columns between `MARKER INTORG`/`INTEND`), `RHS`, `RANGES` (rows with two finite bounds),
//! `BOUNDS`, `ENDATA`. Names contain no spaces. The objective is minimised.

use std::fmt::Write as _;

use crate::portfolio::LinearModel;

/// The model as free-format MPS text.
pub fn to_mps(model: &LinearModel) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail; the results are ignored deliberately.
    let _ = writeln!(out, "NAME {}", model.name);
    out.push_str("ROWS\n N obj\n");
    for row in &model.rows {
        let kind = row_kind(row.lower, row.upper);
        let _ = writeln!(out, " {kind} {}", row.name);
    }
    out.push_str("COLUMNS\n");
    let mut by_column: Vec<Vec<(usize, f64)>> = vec![Vec::new(); model.columns.len()];
    for (r, row) in model.rows.iter().enumerate() {
        for &(c, v) in &row.coefficients {
            if let Some(list) = by_column.get_mut(c) {
                list.push((r, v));
            }
        }
    }
    let mut in_integer = false;
    let mut marker = 0;
    for (c, column) in model.columns.iter().enumerate() {
        if column.integer != in_integer {
            let kind = if column.integer { "INTORG" } else { "INTEND" };
            let _ = writeln!(out, " MARKER{marker} 'MARKER' '{kind}'");
            marker += 1;
            in_integer = column.integer;
        }
        let _ = writeln!(out, " {} obj {}", column.name, num(column.cost));
        for &(r, v) in &by_column[c] {
            let _ = writeln!(out, " {} {} {}", column.name, model.rows[r].name, num(v));
        }
    }
    if in_integer {
        let _ = writeln!(out, " MARKER{marker} 'MARKER' 'INTEND'");
    }
    out.push_str("RHS\n");
    for row in &model.rows {
        let rhs = match row_kind(row.lower, row.upper) {
            "G" => row.lower,
            "L" | "E" => row.upper,
            _ => 0.0,
        };
        if rhs != 0.0 {
            let _ = writeln!(out, " rhs {} {}", row.name, num(rhs));
        }
    }
    let ranged: Vec<_> = model
        .rows
        .iter()
        .filter(|r| r.lower.is_finite() && r.upper.is_finite() && r.lower < r.upper)
        .collect();
    if !ranged.is_empty() {
        out.push_str("RANGES\n");
        for row in ranged {
            let _ = writeln!(out, " rng {} {}", row.name, num(row.upper - row.lower));
        }
    }
    out.push_str("BOUNDS\n");
    for column in &model.columns {
        let name = &column.name;
        match (column.lower.is_finite(), column.upper.is_finite()) {
            (false, false) => {
                let _ = writeln!(out, " FR bnd {name}");
            }
            (false, true) => {
                let _ = writeln!(out, " MI bnd {name}");
                let _ = writeln!(out, " UP bnd {name} {}", num(column.upper));
            }
            (true, upper_finite) => {
                if column.lower != 0.0 || column.integer {
                    let _ = writeln!(out, " LO bnd {name} {}", num(column.lower));
                }
                if upper_finite {
                    let _ = writeln!(out, " UP bnd {name} {}", num(column.upper));
                } else if column.integer {
                    let _ = writeln!(out, " PL bnd {name}");
                }
            }
        }
    }
    out.push_str("ENDATA\n");
    out
}

/// `L` (≤), `G` (≥), `E` (=), or `G` for a ranged row (the range adds the upper side).
// An equality row is one whose two bounds were set to the same number: exact comparison is
// the meaning here, not a rounding hazard.
#[allow(clippy::float_cmp)]
fn row_kind(lower: f64, upper: f64) -> &'static str {
    match (lower.is_finite(), upper.is_finite()) {
        (true, true) if lower == upper => "E",
        (true, _) => "G",
        (false, true) => "L",
        (false, false) => "N",
    }
}

/// A number in full precision (Rust's shortest round-trip form).
fn num(v: f64) -> String {
    format!("{v:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfolio::{Column, ColumnKind, Row, RowGroup};

    #[test]
    fn writes_sections_markers_and_bounds() {
        let model = LinearModel {
            name: "tiny".into(),
            columns: vec![
                Column {
                    name: "y".into(),
                    cost: 0.5,
                    lower: 0.0,
                    upper: 10.0,
                    integer: false,
                    kind: ColumnKind::Market(0),
                },
                Column {
                    name: "x".into(),
                    cost: 3.0,
                    lower: 0.0,
                    upper: 1.0,
                    integer: true,
                    kind: ColumnKind::Back(0),
                },
            ],
            rows: vec![
                Row {
                    name: "need".into(),
                    group: RowGroup::Requirement,
                    coefficients: vec![(0, 1.0), (1, 4.0)],
                    lower: 5.0,
                    upper: f64::INFINITY,
                },
                Row {
                    name: "money".into(),
                    group: RowGroup::Budget,
                    coefficients: vec![(1, 3.0)],
                    lower: f64::NEG_INFINITY,
                    upper: 2.0,
                },
            ],
        };
        let text = to_mps(&model);
        let expected = "NAME tiny\nROWS\n N obj\n G need\n L money\nCOLUMNS\n y obj 0.5\n y need 1.0\n \
                        MARKER0 'MARKER' 'INTORG'\n x obj 3.0\n x need 4.0\n x money 3.0\n MARKER1 'MARKER' 'INTEND'\n\
                        RHS\n rhs need 5.0\n rhs money 2.0\nBOUNDS\n UP bnd y 10.0\n LO bnd x 0.0\n UP bnd x 1.0\nENDATA\n";
        assert_eq!(text, expected);
    }
}
