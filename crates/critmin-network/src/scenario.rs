//! Named historical scenarios, shipped as data (`data/scenarios.csv`) and validated like the
//! core loaders: every problem names file, line, column, value and what was expected, and a
//! file with any problem yields nothing.
//!
//! One row per shock component; the rows sharing a `scenario` name form the scenario. A row
//! is a capacity cut (`kind = cut`, `severity` = fraction of output lost) or an export
//! restriction (`kind = ban`, `severity` = fraction of the affected exports withheld, to
//! `destination` = `all`, an ISO3 code or a group id). Severities of licence regimes are
//! modelling assumptions, said so in each row's note and overridable on the command line.

use std::collections::BTreeSet;

use critmin_data::{CsvTable, LoadError};
use critmin_model::{CountryCode, Problem};

use crate::network::LayerKind;
use crate::shock::{Cut, Destination, Restriction, Shock};

/// Name of the embedded scenario file.
pub const SCENARIO_FILE: &str = "scenarios.csv";
const SCENARIO_TEXT: &str = critmin_data::tables::SCENARIOS.text;
const COLUMNS: [&str; 11] = [
    "scenario",
    "mineral",
    "kind",
    "country",
    "stage",
    "destination",
    "severity",
    "start",
    "source",
    "citation",
    "note",
];

/// Capacity cut or export restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioKind {
    /// Capacity cut.
    Cut,
    /// Export restriction.
    Ban,
}

impl ScenarioKind {
    /// The word of the scenario file's `kind` column (`cut`, `ban`).
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioKind::Cut => "cut",
            ScenarioKind::Ban => "ban",
        }
    }
}

/// One validated row of the scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    /// Scenario name.
    pub scenario: String,
    /// Mineral id.
    pub mineral: String,
    /// Cut or restriction.
    pub kind: ScenarioKind,
    /// Country imposing (or suffering) it.
    pub country: CountryCode,
    /// Stage.
    pub stage: LayerKind,
    /// Destination of a restriction (`All` for cuts).
    pub destination: Destination,
    /// Severity, 0–1.
    pub severity: f64,
    /// Start date, `YYYY-MM-DD`.
    pub start: String,
    /// Short source.
    pub source: String,
    /// Full citation.
    pub citation: String,
    /// Why this severity, and caveats.
    pub note: String,
    /// Line in the file.
    pub line: u64,
}

/// The scenario rows of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenarios {
    /// File name.
    pub file: String,
    /// Rows in file order.
    pub rows: Vec<ScenarioRow>,
}

impl Scenarios {
    /// The embedded scenarios.
    pub fn embedded() -> Result<Scenarios, LoadError> {
        parse_scenarios(SCENARIO_FILE, SCENARIO_TEXT)
    }

    /// Scenario names in file order.
    pub fn names(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.rows
            .iter()
            .map(|r| r.scenario.as_str())
            .filter(|n| seen.insert(*n))
            .collect()
    }

    /// Rows of scenario `name`.
    pub fn rows_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ScenarioRow> + 'a {
        self.rows.iter().filter(move |r| r.scenario.eq_ignore_ascii_case(name))
    }

    /// Minerals of scenario `name`, in file order.
    pub fn minerals_of(&self, name: &str) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.rows
            .iter()
            .filter(|r| r.scenario.eq_ignore_ascii_case(name))
            .map(|r| r.mineral.as_str())
            .filter(|m| seen.insert(*m))
            .collect()
    }

    /// The shock of scenario `name` on `mineral`; `severity` overrides every row's severity.
    pub fn shock(&self, name: &str, mineral: &str, severity: Option<f64>) -> Shock {
        let mut shock = Shock::default();
        for r in self.rows_of(name).filter(|r| r.mineral.eq_ignore_ascii_case(mineral)) {
            let s = severity.unwrap_or(r.severity);
            match r.kind {
                ScenarioKind::Cut => shock.cuts.push(Cut {
                    country: r.country,
                    stage: r.stage,
                    fraction: s,
                }),
                ScenarioKind::Ban => shock.restrictions.push(Restriction {
                    country: r.country,
                    stage: r.stage,
                    destination: r.destination,
                    severity: s,
                }),
            }
        }
        shock
    }

    /// Countries that imposed an export restriction in any scenario (restriction history).
    pub fn restricting_countries(&self) -> BTreeSet<CountryCode> {
        self.rows
            .iter()
            .filter(|r| r.kind == ScenarioKind::Ban)
            .map(|r| r.country)
            .collect()
    }
}

fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!((num(0..4), num(5..7), num(8..10)), (Some(y), Some(m), Some(d)) if (1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
}

/// Parses and validates a scenario file; `file` names it in messages.
pub fn parse_scenarios(file: &str, text: &str) -> Result<Scenarios, LoadError> {
    let mut problems = Vec::new();
    let table = CsvTable::parse(file, text, &mut problems);
    let Some(columns) = table.fixed_columns(&COLUMNS, &mut problems) else {
        return Err(LoadError::Invalid(problems));
    };
    let mut rows = Vec::new();
    table.each_row(&columns, &mut problems, |row| {
        let line = row.line;
        let before = row.problem_count();
        let scenario = row.cell(0);
        if scenario.is_empty()
            || !scenario
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            row.problem(0, "a name of lower-case letters, digits and `-`");
        }
        let mineral = row.cell(1);
        if mineral.is_empty() {
            row.problem(1, "a mineral id");
        }
        let kind = match row.cell(2) {
            "cut" => Some(ScenarioKind::Cut),
            "ban" => Some(ScenarioKind::Ban),
            _ => {
                row.problem(2, "`cut` or `ban`");
                None
            }
        };
        let country = match row.cell(3).parse::<CountryCode>() {
            Ok(c) if !c.is_pseudo() => Some(c),
            _ => {
                row.problem(3, "an ISO 3166-1 alpha-3 code (upper case)");
                None
            }
        };
        let stage = match LayerKind::from_id(row.cell(4)) {
            Some(s @ LayerKind::Stage(_)) => Some(s),
            _ => {
                row.problem(4, "`mining`, `processing` or `manufacturing`");
                None
            }
        };
        let destination = row.parse(5, str::parse::<Destination>);
        if kind == Some(ScenarioKind::Cut) && destination.is_some_and(|d| d != Destination::All) {
            row.problem(5, "`all` for a capacity cut");
        }
        let severity = row.parse(6, |c| match c.parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) && v > 0.0 => Ok(v),
            _ => Err("a fraction greater than 0 and at most 1".to_owned()),
        });
        if !valid_date(row.cell(7)) {
            row.problem(7, "a date YYYY-MM-DD");
        }
        for i in [8, 9] {
            if row.cell(i).is_empty() {
                row.problem(i, "a non-empty text");
            }
        }
        if row.problem_count() == before
            && let (Some(kind), Some(country), Some(stage), Some(destination), Some(severity)) =
                (kind, country, stage, destination, severity)
        {
            rows.push(ScenarioRow {
                scenario: scenario.to_owned(),
                mineral: mineral.to_owned(),
                kind,
                country,
                stage,
                destination,
                severity,
                start: row.cell(7).to_owned(),
                source: row.cell(8).to_owned(),
                citation: row.cell(9).to_owned(),
                note: row.cell(10).to_owned(),
                line,
            });
        }
    });
    if rows.is_empty() && problems.is_empty() {
        problems.push(Problem {
            file: file.to_owned(),
            line: 0,
            column: None,
            value: None,
            expected: "at least one scenario row".to_owned(),
        });
    }
    if problems.is_empty() {
        Ok(Scenarios {
            file: file.to_owned(),
            rows,
        })
    } else {
        Err(LoadError::Invalid(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_scenarios_cover_the_named_events() {
        let s = Scenarios::embedded().unwrap();
        for name in [
            "china-gallium-germanium-2023",
            "china-graphite-2023",
            "china-antimony-2024",
            "china-rare-earths-2025",
            "indonesia-nickel-ore-2020",
            "drc-cobalt-2025",
        ] {
            assert!(s.rows_of(name).count() > 0, "{name}");
        }
        assert_eq!(s.minerals_of("china-gallium-germanium-2023"), ["gallium", "germanium"]);
        assert!(s.restricting_countries().contains(&CountryCode::CHINA));
    }

    #[test]
    fn bad_files_are_refused_whole_with_lines() {
        let header = COLUMNS.join(",");
        let wrong_header = parse_scenarios("s.csv", "scenario,mineral\nx,y\n").unwrap_err();
        assert_eq!(wrong_header.problems()[0].line, 1);
        let text = format!(
            "{header}\nok,cobalt,ban,COD,mining,all,0.5,2025-02-22,src,cite,\nragged,cobalt\n\
             Bad Name,cobalt,cut,COD,mining,quad,0,2025-02-30x,src,cite,\n"
        );
        let err = parse_scenarios("s.csv", &text).unwrap_err();
        let msgs: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            msgs,
            [
                "s.csv:3: 11 fields as in the header, found 2",
                "s.csv:4: column `scenario`: value `Bad Name`: a name of lower-case letters, digits and `-`",
                "s.csv:4: column `destination`: value `quad`: `all` for a capacity cut",
                "s.csv:4: column `severity`: value `0`: a fraction greater than 0 and at most 1",
                "s.csv:4: column `start`: value `2025-02-30x`: a date YYYY-MM-DD",
            ]
        );
    }
}
