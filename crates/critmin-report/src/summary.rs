//! The short terminal summary printed by `critmin report`.

use std::fmt::Write;

use critmin_app::report::{ExposureRow, HeatCell, Report};

/// A few lines for the terminal: findings, the most concentrated stages, and each
/// country's most exposed minerals.
pub fn summary(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "critmin report — {} minerals, {} mappable series",
        report.heat.len(),
        report.maps.len()
    );
    for f in &report.findings {
        let _ = writeln!(s, "  • {f}");
    }
    let mut cells: Vec<(&str, &HeatCell)> = report
        .heat
        .iter()
        .flat_map(|r| r.cells[1..].iter().flatten().map(move |c| (r.name.as_str(), c)))
        .collect();
    cells.sort_by(|a, b| b.1.hhi.total_cmp(&a.1.hhi));
    let _ = writeln!(s, "  Most concentrated mining/processing stages (HHI, lower bound):");
    for (name, c) in cells.iter().take(5) {
        let top = c
            .top
            .as_ref()
            .map_or(String::new(), |(code, share)| format!(", {code} {:.0}%", share * 100.0));
        let _ = writeln!(s, "    {name:<40} {:>6.0}  ({}{top})", c.hhi, c.label);
    }
    for exposure in &report.exposures {
        let mut most: Vec<&ExposureRow> = exposure
            .rows
            .iter()
            .filter(|r| r.reliance_pct.is_some_and(|p| p >= 50.0))
            .collect();
        most.sort_by(|a, b| b.reliance_pct.unwrap_or(0.0).total_cmp(&a.reliance_pct.unwrap_or(0.0)));
        let exposed: Vec<String> = most
            .iter()
            .take(8)
            .map(|r| format!("{} {}", r.name, r.reliance))
            .collect();
        let _ = writeln!(
            s,
            "  {} ({}): reliance ≥ 50% for {}",
            exposure.name,
            exposure.code,
            if exposed.is_empty() {
                "none with a figure".to_owned()
            } else {
                exposed.join(", ")
            }
        );
    }
    s
}
