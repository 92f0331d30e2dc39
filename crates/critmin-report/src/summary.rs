//! The short terminal summary printed by `critmin report`.

use std::fmt::Write;

use crate::build::Report;

impl Report {
    /// A few lines for the terminal: findings, the most concentrated stages, and each
    /// country's most exposed minerals.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "critmin report — {} minerals, {} mappable series",
            self.heat.len(),
            self.maps.len()
        );
        for f in &self.findings {
            let _ = writeln!(s, "  • {f}");
        }
        let mut cells: Vec<(&str, &crate::HeatCell)> = self
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
        for (code, name, _, rows) in &self.exposures {
            let mut most: Vec<&crate::ExposureRow> = rows
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
                "  {name} ({code}): reliance ≥ 50% for {}",
                if exposed.is_empty() {
                    "none with a figure".to_owned()
                } else {
                    exposed.join(", ")
                }
            );
        }
        s
    }
}
