//! Projects as both shells list them (`critmin projects list`, `GET /api/v1/projects`): a row
//! of India's published pipeline, or a project read from a file or the store.

use critmin_planner::pipeline::PipelineEntry;
use critmin_planner::projects::Project;
use serde::Serialize;

/// One project. The cost and import fields are the API's: `None` leaves the field out (the
/// CLI's listing), `Some(None)` is a null.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectRecord {
    /// Where it comes from (`india_pipeline`, `stored`; the CLI names the file).
    pub origin: String,
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Mineral id (projects) or the pipeline's free-text minerals.
    pub mineral: String,
    /// Stage id (projects).
    pub stage: Option<String>,
    /// ISO3 of the location (projects) or the pipeline's free-text location.
    pub location: String,
    /// Owners `ISO3:share;…` (projects) or the pipeline's counterparty.
    pub owners: String,
    /// Status.
    pub status: String,
    /// Capacity in tonnes contained per year; absent when not published (never zero).
    pub capacity_t: Option<f64>,
    /// `published`, or why there is no capacity.
    pub capacity_note: String,
    /// First year of production (projects).
    pub start_year: Option<u16>,
    /// Probability of reaching production (projects).
    pub probability: Option<f64>,
    /// Capex in USD (projects; API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub capex_usd: Option<Option<f64>>,
    /// Offtake premium in USD per tonne (projects; API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<f64>))]
    pub offtake_premium_usd_per_t: Option<Option<f64>>,
    /// The pipeline's published quantity (blocks, premium, budget), with its unit.
    pub published_quantity: Option<f64>,
    /// Unit of the published quantity.
    pub published_unit: Option<String>,
    /// Source.
    pub source: String,
    /// Id of the import (stored projects; API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub import_id: Option<Option<String>>,
    /// Public id of the key that imported it (stored projects; API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub created_by: Option<Option<String>>,
    /// Unix milliseconds (stored projects; API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub created_at_ms: Option<Option<i64>>,
}

impl ProjectRecord {
    /// A row of India's pipeline (origin `india_pipeline`): no capacity is ever published.
    pub fn pipeline(e: PipelineEntry) -> ProjectRecord {
        ProjectRecord {
            origin: "india_pipeline".into(),
            id: e.id,
            name: e.item,
            mineral: e.minerals,
            stage: None,
            location: e.location,
            owners: e.counterparty,
            status: e.status,
            capacity_t: None,
            capacity_note: e.capacity.label().into(),
            start_year: None,
            probability: None,
            capex_usd: Some(None),
            offtake_premium_usd_per_t: Some(None),
            published_quantity: e.quantity,
            published_unit: Some(e.unit),
            source: e.source,
            import_id: Some(None),
            created_by: Some(None),
            created_at_ms: Some(None),
        }
    }

    /// A project (origin `stored`, no import yet: see [`ProjectRecord::imported`]).
    pub fn project(p: &Project) -> ProjectRecord {
        ProjectRecord {
            origin: "stored".into(),
            id: p.id.clone(),
            name: p.name.clone(),
            mineral: p.mineral.to_string(),
            stage: Some(p.stage.to_string()),
            location: p.country.to_string(),
            owners: p
                .owners
                .iter()
                .map(|(c, s)| format!("{c}:{s}"))
                .collect::<Vec<_>>()
                .join(";"),
            status: p.status.to_string(),
            capacity_t: p.capacity_t,
            capacity_note: if p.capacity_t.is_some() {
                "published".into()
            } else {
                "capacity not published".into()
            },
            start_year: Some(p.start_year),
            probability: Some(p.probability),
            capex_usd: Some(p.capex_usd),
            offtake_premium_usd_per_t: Some(p.offtake_premium_usd_per_t),
            published_quantity: None,
            published_unit: None,
            source: p.source.clone(),
            import_id: Some(None),
            created_by: Some(None),
            created_at_ms: Some(None),
        }
    }

    /// The same record with the import it was stored by.
    pub fn imported(self, import_id: &str, created_by: &str, created_at_ms: i64) -> ProjectRecord {
        ProjectRecord {
            import_id: Some(Some(import_id.to_owned())),
            created_by: Some(Some(created_by.to_owned())),
            created_at_ms: Some(Some(created_at_ms)),
            ..self
        }
    }

    /// The record as the CLI lists it: its own origin label, the API's cost and import fields
    /// left out, and an absent stage or unit written as an empty text (as in its CSV).
    pub fn listed(self, origin: &str) -> ProjectRecord {
        ProjectRecord {
            origin: origin.to_owned(),
            stage: Some(self.stage.unwrap_or_default()),
            capex_usd: None,
            offtake_premium_usd_per_t: None,
            published_unit: Some(self.published_unit.unwrap_or_default()),
            import_id: None,
            created_by: None,
            created_at_ms: None,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use critmin_planner::pipeline::india_pipeline;
    use critmin_planner::projects::example_projects;

    use super::*;

    /// The API gives every field (null when absent); the CLI's listing leaves the API's fields
    /// out and writes an absent stage or unit as empty text.
    #[test]
    fn the_api_record_and_the_cli_listing() {
        let entry = india_pipeline().unwrap().remove(0);
        let api = serde_json::to_value(ProjectRecord::pipeline(entry.clone())).unwrap();
        assert_eq!(api["origin"], "india_pipeline");
        assert!(api["stage"].is_null() && api["capex_usd"].is_null() && api["import_id"].is_null());
        assert!(api.as_object().unwrap().contains_key("created_at_ms"));
        let listed = serde_json::to_value(ProjectRecord::pipeline(entry).listed("india_pipeline.csv")).unwrap();
        assert_eq!(listed["origin"], "india_pipeline.csv");
        assert_eq!(listed["stage"], "");
        for key in [
            "capex_usd",
            "offtake_premium_usd_per_t",
            "import_id",
            "created_by",
            "created_at_ms",
        ] {
            assert!(!listed.as_object().unwrap().contains_key(key), "{key} in {listed}");
        }

        let ds = critmin_data::load_embedded().unwrap();
        let project = example_projects(&ds).unwrap().remove(0);
        let stored = serde_json::to_value(ProjectRecord::project(&project).imported("imp-1", "key-1", 7)).unwrap();
        assert_eq!(stored["stage"], project.stage.to_string());
        assert_eq!(
            (&stored["import_id"], &stored["created_at_ms"]),
            (&"imp-1".into(), &7.into())
        );
        assert!(stored["published_unit"].is_null());
        let listed = serde_json::to_value(ProjectRecord::project(&project).listed("example")).unwrap();
        assert_eq!(listed["published_unit"], "");
    }
}
