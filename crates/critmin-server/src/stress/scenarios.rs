//! Named and saved shock scenarios, their runs, and the public shock endpoint.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use critmin_app::scenarios::ScenarioRowRecord;
use critmin_app::stress::ShockDocument;
use critmin_app::stress::ShockSpec;
use critmin_store::{NewScenario, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::run_shock_spec;
use crate::AppState;
use crate::auth::{Analyst, Authorized, Caller};
use crate::body::{ApiQuery, JsonBody, name_field};
use crate::error::{ApiError, ErrorBody};
use critmin_network::Scenarios;

/// A named historical scenario shipped with critmin (`data/scenarios.csv`).
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedScenarioView {
    /// Name, used as its id.
    pub name: String,
    /// Minerals it covers.
    pub minerals: Vec<String>,
    /// Its rows.
    pub rows: Vec<ScenarioRowRecord>,
    /// Run it here (no key needed).
    pub run_url: String,
}

/// A saved custom shock.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedScenarioView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Mineral id.
    pub mineral: String,
    /// Public id of the key that saved it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Its URL.
    pub url: String,
    /// The request (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ShockSpec>)]
    pub spec: Option<serde_json::Value>,
    /// Its stored runs, oldest first (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<ScenarioResultView>>,
}

/// A stored run of a saved scenario.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioResultView {
    /// Id.
    pub id: String,
    /// Public id of the key that ran it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The shock document, as stored.
    #[schema(value_type = ShockDocument)]
    pub result: serde_json::Value,
}

/// Named and saved scenarios.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioList {
    /// The named scenarios.
    pub named: Vec<NamedScenarioView>,
    /// Saved scenarios (listed for a key with role viewer or higher; empty otherwise).
    pub saved: Vec<SavedScenarioView>,
}

fn named_view(scenarios: &Scenarios, name: &str) -> NamedScenarioView {
    let rows: Vec<ScenarioRowRecord> = scenarios.rows_of(name).map(ScenarioRowRecord::of).collect();
    // The name as written in the file (lookups ignore case).
    let name = scenarios.rows_of(name).next().map_or(name, |r| r.scenario.as_str());
    NamedScenarioView {
        name: name.to_owned(),
        minerals: scenarios.minerals_of(name).into_iter().map(str::to_owned).collect(),
        rows,
        run_url: format!("/api/v1/scenarios/{name}/run"),
    }
}

fn saved_view(s: critmin_store::ScenarioSummary) -> SavedScenarioView {
    SavedScenarioView {
        url: format!("/api/v1/scenarios/{}", s.id),
        id: s.id,
        name: s.name,
        mineral: s.mineral,
        created_by: s.created_by,
        created_at_ms: s.created_at_ms,
        spec: None,
        results: None,
    }
}

/// The named scenarios, and the saved ones for a key with role viewer or higher.
#[utoipa::path(get, path = "/api/v1/scenarios", tag = "stress",
    responses((status = 200, body = ScenarioList), (status = 401, body = ErrorBody)))]
pub(super) async fn list_scenarios(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ScenarioList>, ApiError> {
    let scenarios = state.stress.scenarios()?;
    let named = scenarios
        .names()
        .into_iter()
        .map(|n| named_view(scenarios, n))
        .collect();
    let saved = if caller.require(Role::Viewer).is_ok() {
        state
            .store
            .list_scenarios()
            .await?
            .into_iter()
            .map(saved_view)
            .collect()
    } else {
        Vec::new()
    };
    Ok(Json(ScenarioList { named, saved }))
}

/// A custom shock to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioUpload {
    /// A name (1–200 characters).
    pub name: String,
    /// The shock, as for `POST /api/v1/shocks`.
    pub spec: ShockSpec,
}

/// A saved scenario with the result of the run that validated it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedScenario {
    /// The scenario.
    pub scenario: SavedScenarioView,
    /// Id of the stored result.
    pub result_id: String,
    /// The shock document.
    pub result: ShockDocument,
}

/// Saves a custom shock (role analyst or higher). It is validated by running it: a shock that
/// cannot run is refused with a 400 naming the field (`spec.cuts[0]`) and nothing is stored;
/// otherwise the scenario and that first result are stored together.
#[utoipa::path(post, path = "/api/v1/scenarios", tag = "stress", security(("bearer" = [])),
    request_body = ScenarioUpload,
    responses((status = 201, body = SavedScenario), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(super) async fn create_scenario(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    JsonBody(upload): JsonBody<ScenarioUpload>,
) -> Result<(StatusCode, Json<SavedScenario>), ApiError> {
    let name = name_field(&upload.name)?;
    let spec_json = serde_json::to_value(&upload.spec).map_err(|e| ApiError::internal(&e))?;
    let doc = run_shock_spec(&state, "spec", upload.spec).await?;
    let result = serde_json::to_value(&doc).map_err(|e| ApiError::internal(&e))?;
    let new = NewScenario {
        name,
        mineral: doc.mineral.clone(),
        spec: spec_json.clone(),
    };
    let store = state.store.clone();
    // Its own task: a client that goes away cannot cancel the transaction half-way.
    let (summary, result_id) = tokio::spawn(async move { store.insert_scenario(&key.id, &new, &result).await })
        .await
        .map_err(|e| ApiError::internal(&e))??;
    tracing::info!(scenario = %summary.id, by = %summary.created_by, "scenario saved");
    Ok((
        StatusCode::CREATED,
        Json(SavedScenario {
            scenario: SavedScenarioView {
                spec: Some(spec_json),
                ..saved_view(summary)
            },
            result_id,
            result: doc,
        }),
    ))
}

/// A named scenario (public) or a saved one with its runs (role viewer or higher).
#[utoipa::path(get, path = "/api/v1/scenarios/{id}", tag = "stress",
    params(("id" = String, Path, description = "A named scenario (drc-cobalt-2025) or a saved scenario's id")),
    responses((status = 200, description = "A NamedScenarioView or a SavedScenarioView"), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(super) async fn get_scenario(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let scenarios = state.stress.scenarios()?;
    if scenarios.rows_of(&id).next().is_some() {
        return Ok(Json(named_view(scenarios, &id)).into_response());
    }
    caller.require(Role::Viewer)?;
    let record = state
        .store
        .get_scenario(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no scenario {id}")))?;
    let results = state
        .store
        .list_scenario_results(&id)
        .await?
        .into_iter()
        .map(|r| ScenarioResultView {
            id: r.id,
            created_by: r.created_by,
            created_at_ms: r.created_at_ms,
            result: r.result,
        })
        .collect();
    Ok(Json(SavedScenarioView {
        spec: Some(record.spec),
        results: Some(results),
        ..saved_view(record.summary)
    })
    .into_response())
}

/// Which mineral a named scenario runs on.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RunQuery {
    /// Mineral id or alias (needed when the named scenario covers several).
    pub mineral: Option<String>,
}

/// A run of a scenario.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioRun {
    /// Id of the stored result (saved scenarios only).
    pub result_id: Option<String>,
    /// The shock document.
    pub result: ShockDocument,
}

/// Runs a scenario. A named one is a public computation (no key, nothing stored, 200); a
/// saved one needs role analyst or higher and its result is stored (201).
#[utoipa::path(post, path = "/api/v1/scenarios/{id}/run", tag = "stress", security((), ("bearer" = [])),
    params(("id" = String, Path, description = "A named scenario or a saved scenario's id"), RunQuery),
    responses((status = 200, body = ScenarioRun), (status = 201, body = ScenarioRun), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn run_scenario(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<RunQuery>,
) -> Result<(StatusCode, Json<ScenarioRun>), ApiError> {
    let scenarios = state.stress.scenarios()?;
    if scenarios.rows_of(&id).next().is_some() {
        let spec = ShockSpec {
            scenario: Some(id),
            mineral: q.mineral,
            ..ShockSpec::default()
        };
        let result = run_shock_spec(&state, "", spec).await?;
        return Ok((
            StatusCode::OK,
            Json(ScenarioRun {
                result_id: None,
                result,
            }),
        ));
    }
    let key = caller.require(Role::Analyst)?.clone();
    let record = state
        .store
        .get_scenario(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no scenario {id}")))?;
    let spec: ShockSpec = serde_json::from_value(record.spec).map_err(|e| ApiError::internal(&e))?;
    let result = run_shock_spec(&state, "spec", spec).await?;
    let value = serde_json::to_value(&result).map_err(|e| ApiError::internal(&e))?;
    let store = state.store.clone();
    let stored = tokio::spawn(async move { store.insert_scenario_result(&id, &key.id, &value).await })
        .await
        .map_err(|e| ApiError::internal(&e))??;
    Ok((
        StatusCode::CREATED,
        Json(ScenarioRun {
            result_id: Some(stored.id),
            result,
        }),
    ))
}

/// A deterministic shock (no key needed; nothing stored): the shortfall of every country at
/// every stage, with the mass balance. Fields as `critmin shock`: `mineral`, `scenario`,
/// `severity`, `cuts` (`ISO3:STAGE:FRACTION`), `bans` (`ISO3:STAGE[:DEST[:SEVERITY]]`),
/// `stockpile_days`, `spare_capacity`, `countries`, `network` (`source`, `year`,
/// `consumption` as `ISO3:TONNES`).
#[utoipa::path(post, path = "/api/v1/shocks", tag = "stress",
    request_body(content = ShockSpec, description = "A shock request (see above)"),
    responses((status = 200, description = "The shock document (as `critmin shock --format json`)", body = ShockDocument),
        (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(super) async fn create_shock(
    State(state): State<AppState>,
    JsonBody(spec): JsonBody<ShockSpec>,
) -> Result<Json<ShockDocument>, ApiError> {
    run_shock_spec(&state, "", spec).await.map(Json)
}
