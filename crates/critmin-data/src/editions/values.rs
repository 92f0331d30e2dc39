//! The `Value` cells of the USGS releases: numbers as printed (thousands separators), bounds,
//! ranges, and the flags USGS prints instead of a number. A flag is never a number: the value
//! is missing and the note says which flag it was.

/// What a published value cell says.
#[derive(Debug, Clone, PartialEq)]
pub enum Published {
    /// A number.
    Number(f64),
    /// A bound as printed, e.g. `>1,200,000` (`'>'`, 1 200 000).
    Bound(char, f64),
    /// No number: the flag or words as printed and what they mean.
    Missing(String),
}

/// USGS flags and words that stand where a number would be, with their meaning
/// (MCS "Explanation of abbreviations and symbols" and the release's own notes).
const FLAGS: &[(&str, &str)] = &[
    ("W", "W: withheld to avoid disclosing company proprietary data"),
    ("NA", "NA: not available"),
    ("E", "E: net exporter"),
    ("XX", "XX: not applicable"),
    ("—", "—: zero"),
    ("--", "--: zero"),
    ("s", "s: less than 1/2 unit"),
    ("Less than ½ unit", "less than 1/2 unit"),
    ("Less than 1/2 unit", "less than 1/2 unit"),
    ("Small", "Small (words, not a number)"),
    ("Very small", "Very small (words, not a number)"),
    ("Moderate", "Moderate (words, not a number)"),
    ("Moderate to large", "Moderate to large (words, not a number)"),
    ("Large", "Large (words, not a number)"),
    ("Included in World total", "included in the world total"),
];

/// What a value cell should look like, for problem messages.
pub const EXPECTED_VALUE: &str = "a number as USGS prints it (1234, 1,234 or 12.5), \
    a bound such as >50 or <1,000, a range such as 330 - 390, \
    or a USGS flag (W, NA, E, XX, —, s, Small, Large, ...)";

/// A number as USGS prints it: digits with optional thousands separators in groups of three,
/// an optional decimal part and sign. `1,2,3` is not one.
pub fn number(cell: &str) -> Option<f64> {
    let unsigned = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let grouped = groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits(g)) || !grouped || fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let plain: String = cell.chars().filter(|&c| c != ',').collect();
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads a value cell (already trimmed of spaces and no-break spaces); `None` when it is none
/// of the published forms.
pub fn published(cell: &str) -> Option<Published> {
    if let Some(v) = number(cell) {
        return Some(Published::Number(v));
    }
    if let Some(&(_, meaning)) = FLAGS.iter().find(|(flag, _)| *flag == cell) {
        return Some(Published::Missing(meaning.to_owned()));
    }
    for bound in ['>', '<'] {
        if let Some(v) = cell.strip_prefix(bound).and_then(number) {
            return Some(Published::Bound(bound, v));
        }
    }
    let range = cell
        .split_once(" - ")
        .or_else(|| cell.split_once('–'))
        .filter(|(low, high)| number(low.trim()).is_some() && number(high.trim()).is_some());
    range.map(|(low, high)| {
        Published::Missing(format!(
            "range {} to {} as published (no single number)",
            low.trim(),
            high.trim()
        ))
    })
}

/// Trims spaces and no-break spaces (the release has `68\u{a0}`).
pub fn trim(cell: &str) -> &str {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_printed_and_nothing_else() {
        assert_eq!(number("226,000"), Some(226_000.0));
        assert_eq!(number("12,000,000"), Some(12_000_000.0));
        assert_eq!(number("0.5"), Some(0.5));
        assert_eq!(number("981"), Some(981.0));
        for bad in [
            "1,2,3", "12,00", ",123", "1,", "", "1.2.3", "1e5", "W", "1 000", "NaN", "inf",
        ] {
            assert_eq!(number(bad), None, "{bad}");
        }
    }

    #[test]
    fn flags_bounds_and_ranges_are_not_numbers() {
        assert_eq!(published(">1,200,000"), Some(Published::Bound('>', 1_200_000.0)));
        assert!(matches!(published("W"), Some(Published::Missing(m)) if m.starts_with("W: withheld")));
        assert!(matches!(published("10,000 - 15,000"), Some(Published::Missing(m)) if m.contains("10,000 to 15,000")));
        assert!(matches!(published("500–17,000"), Some(Published::Missing(_))));
        assert_eq!(published("?1"), None);
        assert_eq!(published("1,2,3"), None);
        assert_eq!(trim(" 68\u{a0}"), "68");
    }
}
