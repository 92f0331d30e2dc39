//! The colours of every page, with the class edges they stand for.

/// Share bins of a supply map (lower edges, fractions) and their colours (sequential blues).
pub const SHARE_BINS: [f64; 6] = [0.0, 0.01, 0.05, 0.10, 0.25, 0.50];
/// Colours of [`SHARE_BINS`].
pub const SHARE_COLOURS: [&str; 6] = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
/// A country the source does not list.
pub const NO_DATA: &str = "#ececec";
/// A country listed with its value withheld.
pub const WITHHELD: &str = "#bdbdbd";
/// HHI classes (lower edges); the DOJ/FTC thresholds 1,500 and 2,500 are class edges.
pub const HHI_EDGES: [f64; 6] = [0.0, 1000.0, 1500.0, 2500.0, 5000.0, 7500.0];
/// Colours of [`HHI_EDGES`].
pub const HHI_COLOURS: [&str; 6] = ["#edf8e9", "#c7e9c0", "#fee391", "#fdae6b", "#f16913", "#a63603"];
/// Shortfall bins (lower edges, percent of consumption) and their colours (sequential oranges).
pub const SHORTFALL_BINS: [f64; 6] = [0.0, 1.0, 5.0, 10.0, 25.0, 50.0];
/// Colours of [`SHORTFALL_BINS`].
pub const SHORTFALL_COLOURS: [&str; 6] = ["#fee6ce", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];
/// No shortfall at all (pale green).
pub const NO_SHORTFALL: &str = "#e5f5e0";
/// FEOC-covered suppliers.
pub const FEOC: &str = "#c0392b";
/// Other named suppliers.
pub const OTHER: &str = "#3182bd";
/// Partners.
pub const PARTNER: &str = "#31a354";
/// Domestic supply.
pub const DOMESTIC: &str = "#756bb1";
/// The rest (smaller suppliers, residual, uncovered).
pub const REST: &str = "#bdbdbd";
/// Demand scenarios in order (STEPS, APS, NZE).
pub const SCENARIOS: [&str; 3] = ["#1b6ca8", "#e07b00", "#2a9d4b"];
/// Supply in a supply–demand chart.
pub const SUPPLY: &str = "#16324f";
/// Mining supply line in a projection.
pub const SUPPLY_MINING: &str = "#555";
/// Refining supply line in a projection.
pub const SUPPLY_REFINING: &str = "#b02a6b";
/// Categories without an order of their own (origin countries), in order of size.
pub const CATEGORIES: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];

/// The colour of the bin `value` falls in (`edges` ascending, lower edges).
pub fn binned(value: f64, edges: &[f64], colours: &[&'static str]) -> &'static str {
    colours[edges.iter().rposition(|&e| value >= e).unwrap_or(0)]
}

/// The map colour of a share.
pub fn share_colour(share: f64) -> &'static str {
    binned(share, &SHARE_BINS, &SHARE_COLOURS)
}

/// The colour of an HHI, and whether it is dark enough to need white text.
pub fn hhi_colour(hhi: f64) -> (&'static str, bool) {
    let i = HHI_EDGES.iter().rposition(|&e| hhi >= e).unwrap_or(0);
    (HHI_COLOURS[i], i >= 4)
}

/// The map colour of a shortfall in percent of consumption.
pub fn shortfall_colour(pct: f64) -> &'static str {
    if pct <= 0.0 {
        return NO_SHORTFALL;
    }
    binned(pct, &SHORTFALL_BINS, &SHORTFALL_COLOURS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_follow_the_bins() {
        assert_eq!(share_colour(0.0), SHARE_COLOURS[0]);
        assert_eq!(share_colour(0.6), SHARE_COLOURS[5]);
        assert_eq!(hhi_colour(2000.0), (HHI_COLOURS[2], false));
        assert_eq!(hhi_colour(2499.0).0, HHI_COLOURS[2]);
        assert_eq!(hhi_colour(2500.0).0, HHI_COLOURS[3]);
        assert_eq!(hhi_colour(8000.0), (HHI_COLOURS[5], true));
        assert_eq!(shortfall_colour(0.0), NO_SHORTFALL);
        assert_eq!(shortfall_colour(0.5), SHORTFALL_COLOURS[0]);
        assert_eq!(shortfall_colour(64.0), SHORTFALL_COLOURS[5]);
    }
}
