//! Cell parsers for the planner's tables (projects, pipeline, demand, status defaults), for
//! [`Row::parse`](crate::Row::parse). Each returns `Err(expected)` with the words of the
//! problem message.

/// A finite number ≥ 0.
pub fn non_negative(cell: &str) -> Result<f64, String> {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err("a non-negative decimal number such as 1234 or 12.5 (no separators, units or words)".to_owned()),
    }
}

/// An empty cell (missing) or a finite number ≥ 0.
pub fn optional_non_negative(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        Ok(None)
    } else {
        non_negative(cell).map(Some)
    }
}

/// A share in [0, 1], or empty.
pub fn optional_share(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(Some(v)),
        _ => Err("a share between 0 and 1 (e.g. 0.35), or empty".to_owned()),
    }
}

/// A year between 1900 and 2100, or empty.
pub fn optional_year(cell: &str) -> Result<Option<u16>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<u16>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(Some(y)),
        _ => Err("a year between 1900 and 2100, or empty".to_owned()),
    }
}
