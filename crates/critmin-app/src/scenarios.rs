//! The rows of the named shock scenarios (`critmin shock --list`, `GET /api/v1/scenarios`).

use critmin_network::ScenarioRow;
use serde::Serialize;

/// One row of a named scenario. `scenario` and `line` are given when the row stands alone (the
/// CLI's list); under its scenario (the API) they are left out.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScenarioRowRecord {
    /// Scenario name (standalone rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Mineral id.
    pub mineral: String,
    /// `cut` or `ban`.
    pub kind: &'static str,
    /// Country imposing or suffering it.
    pub country: String,
    /// Stage.
    pub stage: String,
    /// Destination of a restriction (`all`, ISO3 or a group).
    pub destination: String,
    /// Severity, 0–1.
    pub severity: f64,
    /// Start date.
    pub start: String,
    /// Short source.
    pub source: String,
    /// Full citation.
    pub citation: String,
    /// Why this severity.
    pub note: String,
    /// Line in the scenario file (standalone rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl ScenarioRowRecord {
    /// The row under its scenario.
    pub fn of(r: &ScenarioRow) -> ScenarioRowRecord {
        ScenarioRowRecord {
            scenario: None,
            mineral: r.mineral.clone(),
            kind: r.kind.as_str(),
            country: r.country.to_string(),
            stage: r.stage.to_string(),
            destination: r.destination.to_string(),
            severity: r.severity,
            start: r.start.clone(),
            source: r.source.clone(),
            citation: r.citation.clone(),
            note: r.note.clone(),
            line: None,
        }
    }

    /// The row standing alone: with its scenario's name and its line.
    pub fn standalone(r: &ScenarioRow) -> ScenarioRowRecord {
        ScenarioRowRecord {
            scenario: Some(r.scenario.clone()),
            line: Some(r.line),
            ..ScenarioRowRecord::of(r)
        }
    }
}

#[cfg(test)]
mod tests {
    use critmin_network::Scenarios;

    use super::*;

    #[test]
    fn a_row_names_its_scenario_and_line_only_when_it_stands_alone() {
        let scenarios = Scenarios::embedded().unwrap();
        let row = &scenarios.rows[0];
        let under = serde_json::to_value(ScenarioRowRecord::of(row)).unwrap();
        assert!(!under.as_object().unwrap().contains_key("scenario"));
        assert!(!under.as_object().unwrap().contains_key("line"));
        let alone = serde_json::to_value(ScenarioRowRecord::standalone(row)).unwrap();
        assert_eq!(alone["scenario"], row.scenario.as_str());
        assert_eq!(alone["line"], row.line);
        assert_eq!(alone["mineral"], under["mineral"]);
    }
}
