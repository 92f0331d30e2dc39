//! Numbers as people read them on every page.

use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_locale_core::locale;

/// A share (fraction) as a percent with one decimal: `0.4567` → `45.7%`.
pub fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Like [`pct`], but a positive share below 0.05 % reads `<0.1%` rather than `0.0%`.
pub fn pct_small(share: f64) -> String {
    if share > 0.0 && share < 0.001 {
        "<0.1%".to_owned()
    } else {
        pct(share)
    }
}

/// A quantity with thousands separators: no decimals from 100 up, one from 1, three below;
/// zero is `0`.
pub fn thousands(v: f64) -> String {
    if v.abs() < 1e-12 {
        return "0".to_owned();
    }
    let decimals = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 1.0 {
        1
    } else {
        3
    };
    let text = format!("{v:.decimals$}");
    // Grouped by thousands in English (CLDR, through ICU4X); `NaN` and `inf` stay as they are.
    let english = DecimalFormatter::try_new(locale!("en").into(), Default::default()).ok();
    english
        .zip(text.parse::<Decimal>().ok())
        .map_or(text, |(en, number)| en.format_to_string(&number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(12.34), "12.3");
        assert_eq!(thousands(-1500.0), "-1,500");
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(-0.0004), "-0.000");
        assert_eq!(thousands(999.6), "1,000");
        assert_eq!(thousands(1e21), "1,000,000,000,000,000,000,000");
        assert_eq!(thousands(f64::NAN), "NaN");
        assert_eq!(thousands(f64::NEG_INFINITY), "-inf");
        assert_eq!(pct(0.4567), "45.7%");
        assert_eq!(pct_small(0.0004), "<0.1%");
        assert_eq!(pct_small(0.0), "0.0%");
    }
}
