//! Projects inline in a request: one project as a JSON object with the columns of a project
//! CSV file ([`ProjectRow`]), validated by the same rules as a file
//! ([`critmin_planner::projects::parse_projects`]), each problem named as its field
//! (`projects[1].capacity_t`).

use std::fmt::Write as _;

use critmin_data::{LoadError, Problem};
use critmin_model::Dataset;
use critmin_planner::projects::{PROJECT_COLUMNS, Project, StatusDefaults, parse_projects};
use serde::{Deserialize, Serialize};

use super::error::ComposeError;

/// One project as a JSON object with the columns of a project CSV file
/// ([`PROJECT_COLUMNS`]); numbers may be given as numbers or text, and an absent or null
/// cell is an empty one. Validated by the same rules as a file ([`parse_projects`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectRow {
    pub id: Cell,
    #[serde(default)]
    pub name: Cell,
    pub mineral: Cell,
    pub stage: Cell,
    pub country: Cell,
    #[serde(default)]
    pub operator: Cell,
    #[serde(default)]
    pub owner_countries: Cell,
    #[serde(default)]
    pub partner_countries: Cell,
    pub status: Cell,
    #[serde(default)]
    pub capacity_t: Cell,
    #[serde(default)]
    pub start_year: Cell,
    #[serde(default)]
    pub ramp_up_years: Cell,
    #[serde(default)]
    pub capex_usd: Cell,
    #[serde(default)]
    pub unit_cost_usd_per_t: Cell,
    #[serde(default)]
    pub offtake_premium_usd_per_t: Cell,
    #[serde(default)]
    pub offtakes: Cell,
    #[serde(default)]
    pub probability: Cell,
    #[serde(default)]
    pub lead_time_years: Cell,
    #[serde(default)]
    pub as_of_year: Cell,
    #[serde(default)]
    pub source: Cell,
}

/// A cell of a [`ProjectRow`]: text, a number (kept as written) or null (empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cell(pub String);

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell(s.to_owned())
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, a number or null")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cell, E> {
                if v.contains(['\n', '\r']) {
                    return Err(E::custom("a cell cannot contain a line break"));
                }
                Ok(Cell(v.to_owned()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Cell, E> {
                Ok(Cell(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Cell, E> {
                Ok(Cell::default())
            }
            fn visit_none<E>(self) -> Result<Cell, E> {
                Ok(Cell::default())
            }
        }
        d.deserialize_any(V)
    }
}

impl ProjectRow {
    fn cells(&self) -> [&str; 20] {
        [
            &self.id.0,
            &self.name.0,
            &self.mineral.0,
            &self.stage.0,
            &self.country.0,
            &self.operator.0,
            &self.owner_countries.0,
            &self.partner_countries.0,
            &self.status.0,
            &self.capacity_t.0,
            &self.start_year.0,
            &self.ramp_up_years.0,
            &self.capex_usd.0,
            &self.unit_cost_usd_per_t.0,
            &self.offtake_premium_usd_per_t.0,
            &self.offtakes.0,
            &self.probability.0,
            &self.lead_time_years.0,
            &self.as_of_year.0,
            &self.source.0,
        ]
    }
}

/// The CSV text of `rows` (header [`PROJECT_COLUMNS`], one line per row, in order).
pub fn rows_to_csv(rows: &[ProjectRow]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(PROJECT_COLUMNS);
    for r in rows {
        let _ = writer.write_record(r.cells());
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The rows of project CSV text (header [`PROJECT_COLUMNS`]) as [`ProjectRow`]s, for a
/// caller that holds validated text (a stored project) and wants to pass it on inline.
pub fn rows_from_csv(text: &str) -> Result<Vec<ProjectRow>, ComposeError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .deserialize()
        .map(|r| r.map_err(|e| ComposeError::Data(format!("project CSV: {e}"))))
        .collect()
}

/// The field a project-file problem names: `{prefix}[row].{column}` (rows count from 0 after
/// the header), `{prefix}[row]` for a whole row, `{prefix}` for the whole file.
pub fn problem_field(prefix: &str, problem: &Problem) -> String {
    let mut field = prefix.to_owned();
    if problem.line >= 2 {
        let _ = write!(field, "[{}]", problem.line - 2);
        if let Some(c) = &problem.column {
            let _ = write!(field, ".{c}");
        }
    } else if let Some(c) = &problem.column {
        let _ = write!(field, ".{c}");
    }
    field
}

/// Validates project CSV text like `critmin projects import` (every problem, or the projects),
/// naming each problem's field under `prefix`.
pub fn parse_project_text(prefix: &str, file: &str, text: &str, ds: &Dataset) -> Result<Vec<Project>, ComposeError> {
    match parse_projects(file, text, ds, &StatusDefaults::embedded()) {
        Ok(p) => Ok(p),
        Err(LoadError::Invalid(problems)) => Err(ComposeError::Projects {
            problems: problems.into_iter().map(|p| (problem_field(prefix, &p), p)).collect(),
        }),
        Err(e) => Err(ComposeError::Data(e.to_string())),
    }
}

/// Validates JSON project rows by the rules of a project file; problems name
/// `{prefix}[i].column`.
pub fn parse_project_rows(prefix: &str, rows: &[ProjectRow], ds: &Dataset) -> Result<Vec<Project>, ComposeError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    parse_project_text(prefix, prefix, &rows_to_csv(rows), ds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_rows_are_validated_like_a_file_and_name_row_and_column() {
        let ds = critmin_data::load_embedded().unwrap();
        let good = ProjectRow {
            id: "P1".into(),
            name: "A mine".into(),
            mineral: "lithium".into(),
            stage: "mine".into(),
            country: "AUS".into(),
            status: "feasibility".into(),
            capacity_t: "1000".into(),
            start_year: "2027".into(),
            source: "test".into(),
            ..ProjectRow::default()
        };
        let mut bad = good.clone();
        bad.id = "P2".into();
        bad.capacity_t = "lots".into();
        let projects = parse_project_rows("projects", std::slice::from_ref(&good), &ds).unwrap();
        assert_eq!(projects[0].capacity_t, Some(1000.0));
        let e = parse_project_rows("projects", &[good, bad], &ds).unwrap_err();
        assert_eq!(e.field(), Some("projects[1].capacity_t"));
        let ComposeError::Projects { problems } = e else {
            panic!()
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].1.line, 3);
    }
}
