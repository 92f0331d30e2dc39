//! Demand outlook: demand per mineral and year under named scenarios.
//!
//! Shipped scenarios come from the IEA Critical Minerals Data Explorer extract kept in
//! `data/raw/iea/iea_cm_data_explorer_2025_extract.json` (see `data/SOURCES.md`): the 2024 base
//! and the STEPS (stated policies), APS (announced pledges) and NZE (net zero emissions by
//! 2050) totals for 2030, 2035, 2040, 2045 and 2050, in kt of contained mineral, with the
//! clean-technology share of each figure. Every point carries its provenance (file and JSON
//! path). The same extract holds IEA's projected supply by stage for 2030–2040, read by
//! [`iea_supply_projection`].
//!
//! User scenarios by country come from CSV ([`parse_user_demand`]).
//!
//! **Interpolation** ([`DemandScenario::value_at`]) is linear between the two nearest
//! published years; nothing is extrapolated before the first or after the last published year
//! (`None`), and a published year returns its figure exactly.

use critmin_data::{CsvTable, LoadError, cells};
use critmin_model::{CountryCode, Dataset, MineralId};
use serde_json::Value;

/// Path of the raw IEA extract inside the repository.
pub const IEA_EXTRACT_FILE: &str = "data/raw/iea/iea_cm_data_explorer_2025_extract.json";
const IEA_EXTRACT_TEXT: &str = critmin_data::tables::IEA_EXTRACT_2025.text;

/// The source line for IEA figures (the dataset's licence asks for attribution).
pub const IEA_SOURCE: &str = "IEA (2025), Critical Minerals Dataset (Critical Minerals Data Explorer), CC BY 4.0";

/// IEA's mineral names in the extract and the critmin mineral ids they map to. The extract's
/// "Rare Earth Elements" are IEA's magnet rare earths (Nd, Pr, Dy, Tb), critmin's
/// `rare_earths_magnet`; its graphite demand includes synthetic graphite, while the supply
/// series are natural graphite (mined) and battery-grade graphite (refined).
pub const IEA_MINERALS: [(&str, &str); 6] = [
    ("Copper", "copper"),
    ("Cobalt", "cobalt"),
    ("Lithium", "lithium"),
    ("Nickel", "nickel"),
    ("Graphite", "graphite"),
    ("Rare Earth Elements", "rare_earths_magnet"),
];

/// IEA scenario names in the extract.
pub const IEA_SCENARIOS: [&str; 3] = ["STEPS", "APS", "NZE"];

/// Errors reading demand data.
#[derive(Debug, thiserror::Error)]
pub enum DemandError {
    /// The IEA extract does not have the expected shape.
    #[error("{file}: {path}: expected {expected}")]
    Extract {
        /// File.
        file: &'static str,
        /// JSON path.
        path: String,
        /// What was expected.
        expected: String,
    },
    /// A user file is invalid.
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// One published (or user-given) demand figure.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    /// Year.
    pub year: u16,
    /// Demand in the scenario's unit.
    pub value: f64,
    /// Share of the demand from clean-energy technologies, when published.
    pub clean_share: Option<f64>,
    /// Where the figure comes from (file and JSON path, or file and line).
    pub provenance: String,
}

/// Demand of one mineral in one region under one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandScenario {
    /// Scenario name (`STEPS`, `APS`, `NZE` or the user's).
    pub scenario: String,
    /// Mineral.
    pub mineral: MineralId,
    /// Region: `WLD` for the world, or a country.
    pub region: CountryCode,
    /// Unit of the values (kt for IEA).
    pub unit: String,
    /// Source.
    pub source: String,
    /// Points sorted by year.
    pub points: Vec<DemandPoint>,
}

impl DemandScenario {
    /// Demand in `year`, interpolated linearly between the nearest published years; `None`
    /// outside the published range (no extrapolation).
    pub fn value_at(&self, year: u16) -> Option<f64> {
        let after = self.points.iter().position(|p| p.year >= year)?;
        let high = &self.points[after];
        if high.year == year {
            return Some(high.value);
        }
        let low = self.points.get(after.checked_sub(1)?)?;
        let t = f64::from(year - low.year) / f64::from(high.year - low.year);
        Some(low.value + t * (high.value - low.value))
    }

    /// First and last published year.
    pub fn years(&self) -> Option<(u16, u16)> {
        Some((self.points.first()?.year, self.points.last()?.year))
    }
}

fn extract() -> Result<Value, DemandError> {
    serde_json::from_str(IEA_EXTRACT_TEXT).map_err(|e| DemandError::Extract {
        file: IEA_EXTRACT_FILE,
        path: String::new(),
        expected: format!("valid JSON ({e})"),
    })
}

fn number_at(root: &Value, path: &[&str]) -> Result<f64, DemandError> {
    let mut node = root;
    for key in path {
        node = node.get(key).ok_or_else(|| missing(path))?;
    }
    node.as_f64().ok_or_else(|| missing(path))
}

fn missing(path: &[&str]) -> DemandError {
    DemandError::Extract {
        file: IEA_EXTRACT_FILE,
        path: path.join("."),
        expected: "a number".to_owned(),
    }
}

/// Published scenario years of a `{ "2024": x, "STEPS": { "2030": … } }` node, sorted.
fn scenario_years(root: &Value, path: &[&str]) -> Vec<String> {
    let mut node = root;
    for key in path {
        match node.get(key) {
            Some(n) => node = n,
            None => return Vec::new(),
        }
    }
    let mut years: Vec<String> = node
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    years.sort();
    years
}

/// The IEA demand scenarios (world) for every mapped mineral: STEPS, APS and NZE, each starting
/// from the shared 2024 base year.
pub fn iea_demand() -> Result<Vec<DemandScenario>, DemandError> {
    let root = extract()?;
    let mut scenarios = Vec::new();
    for (iea_name, id) in IEA_MINERALS {
        for scenario in IEA_SCENARIOS {
            let base_path = ["totalDemand", iea_name, "totalDemand", "2024"];
            let share_path = ["totalDemand", iea_name, "cleanShare", "2024"];
            let mut points = vec![DemandPoint {
                year: 2024,
                value: number_at(&root, &base_path)?,
                clean_share: number_at(&root, &share_path).ok(),
                provenance: format!("{IEA_EXTRACT_FILE}: {}", base_path.join(".")),
            }];
            for year in scenario_years(&root, &["totalDemand", iea_name, "totalDemand", scenario]) {
                let path = ["totalDemand", iea_name, "totalDemand", scenario, year.as_str()];
                let share = ["totalDemand", iea_name, "cleanShare", scenario, year.as_str()];
                let y: u16 = year.parse().map_err(|_| DemandError::Extract {
                    file: IEA_EXTRACT_FILE,
                    path: path.join("."),
                    expected: "a year as the key".to_owned(),
                })?;
                points.push(DemandPoint {
                    year: y,
                    value: number_at(&root, &path)?,
                    clean_share: number_at(&root, &share).ok(),
                    provenance: format!("{IEA_EXTRACT_FILE}: {}", path.join(".")),
                });
            }
            points.sort_by_key(|p| p.year);
            scenarios.push(DemandScenario {
                scenario: scenario.to_owned(),
                mineral: MineralId(id.to_owned()),
                region: CountryCode::WORLD,
                unit: "kt".to_owned(),
                source: IEA_SOURCE.to_owned(),
                points,
            });
        }
    }
    Ok(scenarios)
}

/// IEA's projected supply (its base case from existing and announced projects) for a mineral
/// and stage (`mining` or `refining` in the extract; critmin's `mine` / `refined`): world totals
/// by year, in kt, with provenance.
pub fn iea_supply_projection(mineral: &MineralId, stage: &str) -> Result<Vec<DemandPoint>, DemandError> {
    let root = extract()?;
    let Some((iea_name, _)) = IEA_MINERALS.iter().find(|(_, id)| *id == mineral.as_str()) else {
        return Ok(Vec::new());
    };
    let iea_stage = match stage {
        "mine" | "mining" => "mining",
        "refined" | "refining" | "refinery" => "refining",
        _ => return Ok(Vec::new()),
    };
    let mut points = Vec::new();
    for year in scenario_years(&root, &["supply", iea_name, iea_stage, "total"]) {
        let path = ["supply", iea_name, iea_stage, "total", year.as_str()];
        if let Ok(y) = year.parse::<u16>() {
            points.push(DemandPoint {
                year: y,
                value: number_at(&root, &path)?,
                clean_share: None,
                provenance: format!("{IEA_EXTRACT_FILE}: {}", path.join(".")),
            });
        }
    }
    points.sort_by_key(|p| p.year);
    Ok(points)
}

/// Columns of a user demand file.
pub const USER_DEMAND_COLUMNS: [&str; 7] = ["scenario", "country", "mineral", "year", "value", "unit", "source"];

/// Reads user demand scenarios (columns [`USER_DEMAND_COLUMNS`]; `country` is ISO3 or `WLD`).
/// Rows group into one scenario per (scenario, country, mineral); the unit must be the same
/// within a group and a year may appear once.
pub fn parse_user_demand(file: &str, text: &str, dataset: &Dataset) -> Result<Vec<DemandScenario>, LoadError> {
    let mut problems = Vec::new();
    let table = CsvTable::parse(file, text, &mut problems);
    let mut scenarios: Vec<DemandScenario> = Vec::new();
    if let Some(columns) = table.columns(&USER_DEMAND_COLUMNS, &mut problems) {
        table.each_row(&columns, &mut problems, |row| {
            let before = row.problem_count();
            let scenario = row.cell(0).to_owned();
            if scenario.is_empty() {
                row.problem(0, "a scenario name");
            }
            let region = row.parse(1, |c| {
                let code: CountryCode = c.parse().map_err(|_| "an ISO3 country code or WLD".to_owned())?;
                if code == CountryCode::WORLD || (!code.is_pseudo() && dataset.country(code).is_some()) {
                    Ok(code)
                } else {
                    Err("a country code listed in countries.csv, or WLD for the world".to_owned())
                }
            });
            let mineral = row.parse(2, |c| {
                dataset
                    .mineral(c)
                    .map(|m| m.id.clone())
                    .ok_or_else(|| "a mineral id or alias from minerals.csv".to_owned())
            });
            let year = row.parse(3, |c| {
                cells::optional_year(c).and_then(|y| y.ok_or_else(|| "a year between 1900 and 2100".to_owned()))
            });
            let value = row.parse(4, cells::non_negative);
            let unit = row.cell(5).to_owned();
            if unit.is_empty() {
                row.problem(5, "a unit such as kt or t");
            }
            if row.problem_count() > before {
                return;
            }
            let (Some(region), Some(mineral), Some(year), Some(value)) = (region, mineral, year, value) else {
                return;
            };
            let index = match scenarios
                .iter()
                .position(|s| s.scenario == scenario && s.region == region && s.mineral == mineral)
            {
                Some(i) => i,
                None => {
                    scenarios.push(DemandScenario {
                        scenario: scenario.clone(),
                        mineral,
                        region,
                        unit: unit.clone(),
                        source: row.cell(6).to_owned(),
                        points: Vec::new(),
                    });
                    scenarios.len() - 1
                }
            };
            let group = &mut scenarios[index];
            if group.unit != unit {
                row.problem(5, format!("the unit of the rest of this scenario (`{}`)", group.unit));
                return;
            }
            if group.points.iter().any(|p| p.year == year) {
                row.problem(3, "each year once per scenario, country and mineral");
                return;
            }
            group.points.push(DemandPoint {
                year,
                value,
                clean_share: None,
                provenance: format!("{file}:{}", row.line),
            });
        });
    }
    for s in &mut scenarios {
        s.points.sort_by_key(|p| p.year);
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(LoadError::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn iea_lithium_steps_matches_the_extract_and_interpolates_linearly() {
        let all = iea_demand().unwrap();
        assert_eq!(all.len(), 18);
        let steps = all
            .iter()
            .find(|s| s.mineral.as_str() == "lithium" && s.scenario == "STEPS")
            .unwrap();
        assert_eq!(steps.years(), Some((2024, 2050)));
        assert_abs_diff_eq!(steps.value_at(2024).unwrap(), 205.0);
        assert_abs_diff_eq!(steps.value_at(2030).unwrap(), 455.48724292580795);
        // 2032 is 2/5 of the way from 2030 to 2035.
        let expected = 455.48724292580795 + 0.4 * (694.5927922562004 - 455.48724292580795);
        assert_abs_diff_eq!(steps.value_at(2032).unwrap(), expected, epsilon = 1e-9);
        assert_eq!(steps.value_at(2023), None);
        assert_eq!(steps.value_at(2051), None);
        assert!(
            steps.points[1]
                .provenance
                .ends_with("totalDemand.Lithium.totalDemand.STEPS.2030")
        );
        assert!((steps.points[1].clean_share.unwrap() - 0.8095177323331969).abs() < 1e-12);
    }

    #[test]
    fn iea_supply_projection_reads_totals() {
        let points = iea_supply_projection(&MineralId("lithium".into()), "mine").unwrap();
        let years: Vec<u16> = points.iter().map(|p| p.year).collect();
        assert_eq!(years, vec![2024, 2030, 2035, 2040]);
        assert_abs_diff_eq!(points[0].value, 255.4479525024);
    }
}
