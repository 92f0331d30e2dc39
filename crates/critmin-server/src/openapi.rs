//! The OpenAPI document of `/api/v1` (`GET /api/v1/openapi.json`): each feature describes its
//! own routes (its `Api`); this module adds the title, the security schemes and the job
//! request schema built from the registered job kinds.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::security::{ApiKey as ApiKeyScheme, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref};
use utoipa::{Modify, OpenApi};

use crate::AppState;
use crate::error::{ApiError, ErrorBody, ProblemRecord};

/// The route of the document.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(openapi_json))
}

/// The OpenAPI document of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(title = "critmin API", description = "Critical-mineral supply chains: supply shares, concentration, exposure, imported datasets, jobs, shocks, Monte Carlo runs, trade metrics, projects, outlooks, optimizer runs and the chain-of-custody ledger. Reads of the public dataset need no key; writes need `Authorization: Bearer KEY` (create keys with `critmin keys create`)."),
    components(schemas(ErrorBody, ProblemRecord)),
    modifiers(&SecurityAddon)
)]
pub struct ApiDoc;

struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKeyScheme::Header(ApiKeyValue::new("x-api-key"))),
        );
    }
}

/// The OpenAPI document; a server built without the optimizer says so in its description.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in [
        crate::datasets::Api::openapi(),
        crate::keys::Api::openapi(),
        crate::jobs::Api::openapi(),
        crate::ledger::Api::openapi(),
        crate::stress::Api::openapi(),
        crate::trade::Api::openapi(),
        crate::planner::Api::openapi(),
    ] {
        doc.merge(part);
    }
    job_request(&mut doc);
    if !cfg!(feature = "solver") {
        let description = doc.info.description.get_or_insert_with(String::new);
        description.push_str(" Optimizer: ");
        description.push_str(crate::planner::NO_SOLVER);
        description.push_str("; they answer 501.");
    }
    doc
}

/// The `JobRequest` schema, one of the registered kinds, as the body of `POST /api/v1/jobs`.
fn job_request(doc: &mut utoipa::openapi::OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert("JobRequest".into(), crate::JOB_KINDS.request_schema().into());
    let post = doc
        .paths
        .paths
        .get_mut("/api/v1/jobs")
        .and_then(|item| item.post.as_mut());
    if let Some(post) = post {
        let body = RequestBodyBuilder::new()
            .description(Some("A job request: `kind` and the fields of that kind"))
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("JobRequest")))
                    .build(),
            )
            .required(Some(utoipa::openapi::Required::True))
            .build();
        post.request_body = Some(body);
    }
}

async fn openapi_json(State(state): State<AppState>) -> Result<Response, ApiError> {
    state.cache.json("openapi", || Ok(openapi_document()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document says whether optimize jobs are available, and the optimize job's fields are
    /// documented either way (the request is the same; only the answer differs).
    #[test]
    fn openapi_says_whether_the_optimizer_is_built_in() {
        let doc = openapi_document();
        let description = doc.info.description.unwrap_or_default();
        assert_eq!(
            description.contains(crate::planner::NO_SOLVER),
            !cfg!(feature = "solver"),
            "{description}"
        );
        let json = openapi_document().to_json().unwrap();
        assert!(
            json.contains("risk_scenarios"),
            "the optimize job's fields are documented"
        );
    }

    /// `POST /api/v1/jobs` takes the `JobRequest` schema, one of every registered kind.
    #[test]
    fn the_job_request_names_every_registered_kind() {
        let json: serde_json::Value = serde_json::from_str(&openapi_document().to_json().unwrap()).unwrap();
        let body = &json["paths"]["/api/v1/jobs"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body["$ref"], "#/components/schemas/JobRequest");
        let kinds: Vec<&str> = json["components"]["schemas"]["JobRequest"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["allOf"][0]["properties"]["kind"]["enum"][0].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["concentration-overview", "shock", "risk", "optimize"]);
    }

    /// Every `$ref` points at a schema the document defines (shared types from critmin-app
    /// bring the types they hold).
    #[test]
    fn every_reference_resolves() {
        fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                        out.push(r);
                    }
                    map.values().for_each(|v| refs(v, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let json: serde_json::Value = serde_json::from_str(&openapi_document().to_json().unwrap()).unwrap();
        let mut found = Vec::new();
        refs(&json, &mut found);
        let dangling: Vec<&str> = found
            .into_iter()
            .filter(|r| {
                let name = r.trim_start_matches("#/components/schemas/");
                json["components"]["schemas"].get(name).is_none()
            })
            .collect();
        assert!(dangling.is_empty(), "references without a schema: {dangling:?}");
        for name in [
            "PortfolioSpec",
            "CapSpec",
            "FloorSpec",
            "ProjectRow",
            "StockSpec",
            "ShockSpec",
            "RiskSpec",
            "NetworkSpec",
            "ShockDocument",
            "NodeRecord",
            "RiskDocument",
            "RiskParameters",
        ] {
            assert!(
                json["components"]["schemas"].get(name).is_some(),
                "{name} is documented"
            );
        }
    }

    fn property_names(schema: &serde_json::Value) -> Vec<String> {
        let properties = schema["properties"].as_object().expect("an object schema");
        properties.keys().cloned().collect()
    }

    /// The shock and risk requests and documents are described by their own fields, in every
    /// place they appear (jobs, scenarios, the shock endpoint), not as a bare object.
    #[test]
    fn stress_requests_and_documents_are_described_by_their_fields() {
        let json: serde_json::Value = serde_json::from_str(&openapi_document().to_json().unwrap()).unwrap();
        let schemas = &json["components"]["schemas"];
        let shock_spec = property_names(&schemas["ShockSpec"]);
        for field in ["mineral", "scenario", "cuts", "bans", "stockpile_days", "network"] {
            assert!(
                shock_spec.iter().any(|f| f == field),
                "ShockSpec has {field}: {shock_spec:?}"
            );
        }
        assert_eq!(
            schemas["ShockSpec"]["properties"]["network"]["oneOf"][0]["$ref"],
            "#/components/schemas/NetworkSpec"
        );
        assert_eq!(schemas["RiskSpec"]["properties"]["scenarios"]["default"], 10_000);
        let kinds = json["components"]["schemas"]["JobRequest"]["oneOf"].as_array().unwrap();
        let fields_of = |kind: &str| {
            kinds
                .iter()
                .find(|k| k["allOf"][0]["properties"]["kind"]["enum"][0] == kind)
                .map(|k| k["allOf"][1]["$ref"].clone())
        };
        assert_eq!(fields_of("shock"), Some("#/components/schemas/ShockSpec".into()));
        assert_eq!(fields_of("risk"), Some("#/components/schemas/RiskSpec".into()));
        let shock = &json["paths"]["/api/v1/shocks"]["post"];
        assert_eq!(
            shock["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ShockSpec"
        );
        assert_eq!(
            shock["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ShockDocument"
        );
        assert_eq!(
            schemas["ScenarioUpload"]["properties"]["spec"]["$ref"],
            "#/components/schemas/ShockSpec"
        );
        for holder in ["SavedScenario", "ScenarioRun"] {
            assert_eq!(
                schemas[holder]["properties"]["result"]["$ref"], "#/components/schemas/ShockDocument",
                "{holder}"
            );
        }
    }

    /// `RiskParameters` is serialized by hand: its schema names exactly the keys it writes.
    #[test]
    fn the_risk_parameters_schema_names_the_serialized_keys() {
        let json: serde_json::Value = serde_json::from_str(&openapi_document().to_json().unwrap()).unwrap();
        let documented = property_names(&json["components"]["schemas"]["RiskParameters"]);
        let written = serde_json::to_value(critmin_app::stress::RiskParameters(Default::default())).unwrap();
        let mut written: Vec<String> = written.as_object().unwrap().keys().cloned().collect();
        let mut documented_sorted = documented.clone();
        documented_sorted.sort();
        written.sort();
        assert_eq!(documented_sorted, written);
        assert_eq!(documented.len(), 11);
        assert_eq!(
            json["components"]["schemas"]["RiskDocument"]["properties"]["parameters"]["$ref"],
            "#/components/schemas/RiskParameters"
        );
    }
}
