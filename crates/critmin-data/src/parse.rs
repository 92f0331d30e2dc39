//! Cell parsers shared by the table readers. Each returns `Err(expected)` with the words for
//! the problem message.

/// A required non-negative quantity, or empty (missing, never zero).
pub(crate) fn quantity(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    match number(cell) {
        Ok(v) if v < 0.0 => Err("a non-negative quantity (quantities cannot be negative)".to_owned()),
        Ok(v) => Ok(Some(v)),
        Err(e) => Err(e),
    }
}

/// A finite decimal number (sign allowed).
pub(crate) fn number(cell: &str) -> Result<f64, String> {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("a decimal number such as 1234 or 12.5 (no thousands separators, units or words)".to_owned()),
    }
}

/// An optional finite number.
pub(crate) fn optional_number(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        Ok(None)
    } else {
        number(cell).map(Some)
    }
}

/// A four-digit year between 1900 and 2100.
pub(crate) fn year(cell: &str) -> Result<u16, String> {
    match cell.parse::<u16>() {
        Ok(y) if (1900..=2100).contains(&y) => Ok(y),
        _ => Err("a year between 1900 and 2100".to_owned()),
    }
}

/// `true` or `false`.
pub(crate) fn boolean(cell: &str) -> Result<bool, String> {
    match cell {
        "true" | "TRUE" | "True" => Ok(true),
        "false" | "FALSE" | "False" => Ok(false),
        _ => Err("`true` or `false`".to_owned()),
    }
}

/// A lower-case identifier: letters, digits and `_`, starting with a letter.
pub(crate) fn identifier(cell: &str) -> Result<&str, String> {
    let ok = cell.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && cell
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(cell)
    } else {
        Err("a lower-case identifier of letters, digits and `_`".to_owned())
    }
}

/// Half a unit of the last significant digit of a number as written: how far rounding alone
/// can have moved it. Trailing zeros of an integer are taken as rounding (`130000000` →
/// 5,000,000), which is the cautious reading of USGS's rounded world totals.
pub(crate) fn rounding_half_unit(cell: &str) -> f64 {
    let digits = cell.trim_start_matches(['+', '-']);
    if digits.contains(['e', 'E']) {
        return 0.0;
    }
    if let Some((_, frac)) = digits.split_once('.') {
        return 0.5 * 10f64.powi(-(frac.len() as i32));
    }
    let trailing_zeros = digits.len() - digits.trim_end_matches('0').len();
    if trailing_zeros == digits.len() {
        return 0.5; // "0"
    }
    0.5 * 10f64.powi(trailing_zeros as i32)
}

/// The source code of a `source` cell: its first word (`USGS-MCS2025 World Data (...)` →
/// `USGS-MCS2025`).
pub(crate) fn source_code(cell: &str) -> Result<&str, String> {
    let code = cell.split_whitespace().next().unwrap_or("");
    let ok = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(code)
    } else {
        Err("a source starting with a short edition code such as `USGS-MCS2025`".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_close(got: f64, want: f64) {
        assert!((got - want).abs() <= want * 1e-12, "{got} != {want}");
    }

    #[test]
    fn rounding_reads_the_last_significant_digit() {
        assert_close(rounding_half_unit("3861"), 0.5);
        assert_close(rounding_half_unit("3483.7"), 0.05);
        assert_close(rounding_half_unit("1860"), 5.0);
        assert_close(rounding_half_unit("130000000"), 5_000_000.0);
        assert_close(rounding_half_unit("0"), 0.5);
        assert_close(rounding_half_unit("0.0"), 0.05);
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity(""), Ok(None));
        assert_eq!(quantity("12.5"), Ok(Some(12.5)));
        assert!(quantity("-1").unwrap_err().contains("negative"));
        assert!(quantity("1,200").is_err());
        assert!(quantity("NaN").is_err());
        assert!(quantity("inf").is_err());
        assert!(quantity("W").is_err());
    }

    #[test]
    fn source_codes() {
        assert_eq!(source_code("USGS-MCS2025 World Data (x)"), Ok("USGS-MCS2025"));
        assert!(source_code("").is_err());
        assert!(source_code("(bad)").is_err());
    }
}
