//! Stress tests and trade metrics through the API: named and saved shock scenarios, a
//! deterministic shock endpoint, the computations behind the `shock` and `risk` jobs, and
//! bilateral trade files (uploaded, or given to `critmin serve --trade FILE`) with their HHI
//! and dependence rows.
//!
//! Requests are parsed by `critmin_app::stress` (the same path as the CLI's `shock` and
//! `risk`); a request it refuses gets a 400 naming the field. Answers are the library's own
//! documents (`ShockDocument`, `RiskDocument`, `HhiRow`, `DependenceRow`), so the API and
//! `critmin … --format json` give the same numbers.
//!
//! Who may do what: the named scenarios, `POST /api/v1/shocks` and a run of a named scenario
//! are public computations (no key, nothing stored). Saving a scenario, running a saved one
//! (its result is stored) and uploading a trade file need an analyst key; reading saved
//! scenarios and uploaded trade files needs a viewer key, like stored datasets. Trade files
//! given on the command line (`--trade FILE`, ids `file-1`, `file-2`, …) are the operator's and
//! public.
//!
//! Storage of trade: an upload is kept in the store as sent (table `trade_datasets`, with its
//! validation report) and imported again on first use after a restart; a `--trade` file is
//! imported through the columnar cache keyed by file identity (`critmin_trade::cache`) and
//! kept in memory. Imported tables are held in memory by id (at most [`MAX_TABLES`] uploads).

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use critmin_app::FieldError as SpecError;
use critmin_app::stress::{RiskDocument, RiskSpec, ShockDocument, ShockSpec};
use critmin_model::{CountryCode, Dataset};
use critmin_network::{MonteCarlo, Scenarios};
use critmin_store::{NewScenario, NewTradeDataset, Role};
use critmin_trade::{
    Basis, DependenceRow, HhiFilter, HhiRow, HsMap, HsRevision, ImportOptions, Side, TradeTable, dependence_rows,
    hhi_rows, parse_products, product_concentration,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Analyst, Authorized, Caller};
use crate::body::{ApiQuery, JsonBody};
use crate::error::{ApiError, ErrorBody};
use crate::records::{self, ProblemRecord};

/// Uploaded trade tables kept in memory at once.
pub const MAX_TABLES: usize = 16;

/// What the stress routes share: the named scenarios and the imported trade tables.
#[derive(Default)]
pub struct StressState {
    scenarios: OnceLock<Result<Scenarios, String>>,
    tables: Mutex<HashMap<String, Arc<TradeEntry>>>,
    files: Mutex<Vec<TradeView>>,
}

impl std::fmt::Debug for StressState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StressState").finish_non_exhaustive()
    }
}

/// An imported trade table and how it is listed.
pub struct TradeEntry {
    /// As listed.
    pub view: TradeView,
    /// The table (every column).
    pub table: TradeTable,
}

impl StressState {
    /// Keeps an imported upload in memory while fewer than [`MAX_TABLES`] uploads are held.
    fn keep(&self, id: &str, entry: Arc<TradeEntry>) {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner()).len();
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        if tables.len() < MAX_TABLES + files {
            tables.insert(id.to_owned(), entry);
        }
    }

    /// The embedded named scenarios (validated once).
    pub fn scenarios(&self) -> Result<&Scenarios, ApiError> {
        self.scenarios
            .get_or_init(|| Scenarios::embedded().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ApiError::internal(e))
    }
}

/// The stress routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/scenarios", get(list_scenarios).post(create_scenario))
        .route("/api/v1/scenarios/{id}", get(get_scenario))
        .route("/api/v1/scenarios/{id}/run", post(run_scenario))
        .route("/api/v1/shocks", post(create_shock))
        .route("/api/v1/trade", get(list_trade).post(upload_trade))
        .route("/api/v1/trade/{id}/hhi", get(trade_hhi))
        .route("/api/v1/trade/{id}/dependence", get(trade_dependence))
}

/// A spec error as a 400 naming the field under `prefix` (`spec.cuts[0]`).
pub fn spec_error(prefix: &str, e: SpecError) -> ApiError {
    let field = if prefix.is_empty() {
        e.field.clone()
    } else {
        format!("{prefix}.{}", e.field)
    };
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid_body",
        format!("field `{field}`: {}", e.message),
    )
    .with_field(field)
}

/// Runs a shock on the public dataset (blocking; call on the blocking pool).
pub fn shock_document(ds: &Dataset, scenarios: &Scenarios, spec: &ShockSpec) -> Result<ShockDocument, SpecError> {
    spec.run(ds, scenarios, None).map(|run| ShockDocument::new(&run))
}

/// Runs a Monte Carlo on the current rayon pool; `progress(done, total)` is called after each
/// batch of scenarios, from whichever thread finished it.
pub fn risk_document(
    ds: &Dataset,
    scenarios: &Scenarios,
    spec: &RiskSpec,
    progress: &(dyn Fn(i64, i64) + Send + Sync),
) -> Result<RiskDocument, SpecError> {
    let prepared = spec.prepare(ds, scenarios, None)?;
    let net = &prepared.network;
    let governance = |c: CountryCode| ds.governance_risk(c, net.year).map(|(_, r)| r);
    let mc = MonteCarlo::new(net, prepared.params.clone(), &governance, &prepared.history).map_err(|e| SpecError {
        field: "scenarios".into(),
        message: e.to_string(),
    })?;
    let total = i64::try_from(prepared.params.scenarios).unwrap_or(i64::MAX);
    progress(0, total);
    let result = mc.run(&|done| progress(i64::try_from(done).unwrap_or(i64::MAX), total));
    Ok(RiskDocument::new(
        &result,
        net,
        prepared.focus,
        rayon::current_num_threads(),
    ))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::internal(&e))
}

/// Runs a shock spec on the blocking pool; 400 naming `prefix.field` when it is refused.
async fn run_shock_spec(state: &AppState, prefix: &'static str, spec: ShockSpec) -> Result<ShockDocument, ApiError> {
    let ds = state.dataset.clone();
    let stress = state.stress.clone();
    blocking(move || {
        let scenarios = stress.scenarios()?;
        shock_document(&ds, scenarios, &spec).map_err(|e| spec_error(prefix, e))
    })
    .await?
}

/// Checks a `shock` or `risk` job request before it is stored (400 naming the field); the
/// job runs on the public dataset, which is returned.
pub(crate) async fn validate_job(
    state: &AppState,
    request: &crate::jobs::JobRequest,
) -> Result<Arc<Dataset>, ApiError> {
    let ds = state.dataset.clone();
    let stress = state.stress.clone();
    let request = request.clone();
    let checked = ds.clone();
    blocking(move || {
        let scenarios = stress.scenarios()?;
        match &request {
            crate::jobs::JobRequest::Shock(spec) => spec.resolve(&checked, scenarios).map(|_| ()),
            crate::jobs::JobRequest::Risk(spec) => spec.prepare(&checked, scenarios, None).map(|_| ()),
            crate::jobs::JobRequest::ConcentrationOverview { .. } | crate::jobs::JobRequest::Optimize(_) => Ok(()),
        }
        .map_err(|e| spec_error("", e))
    })
    .await??;
    Ok(ds)
}

// ---------------------------------------------------------------------------------------
// Scenarios

/// One row of a named scenario.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScenarioRowView {
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
}

/// A named historical scenario shipped with critmin (`data/scenarios.csv`).
#[derive(Debug, Serialize, ToSchema)]
pub struct NamedScenarioView {
    /// Name, used as its id.
    pub name: String,
    /// Minerals it covers.
    pub minerals: Vec<String>,
    /// Its rows.
    pub rows: Vec<ScenarioRowView>,
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
    #[schema(value_type = Option<Object>)]
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
    /// The shock document.
    #[schema(value_type = Object)]
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
    let rows: Vec<ScenarioRowView> = scenarios
        .rows_of(name)
        .map(|r| ScenarioRowView {
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
        })
        .collect();
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
pub async fn list_scenarios(State(state): State<AppState>, caller: Caller) -> Result<Json<ScenarioList>, ApiError> {
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
    #[schema(value_type = Object)]
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
    #[schema(value_type = Object)]
    pub result: ShockDocument,
}

fn check_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "field `name`: expected 1–200 characters",
        )
        .with_field("name"));
    }
    Ok(name)
}

/// Saves a custom shock (role analyst or higher). It is validated by running it: a shock that
/// cannot run is refused with a 400 naming the field (`spec.cuts[0]`) and nothing is stored;
/// otherwise the scenario and that first result are stored together.
#[utoipa::path(post, path = "/api/v1/scenarios", tag = "stress", security(("bearer" = [])),
    request_body = ScenarioUpload,
    responses((status = 201, body = SavedScenario), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn create_scenario(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    JsonBody(upload): JsonBody<ScenarioUpload>,
) -> Result<(StatusCode, Json<SavedScenario>), ApiError> {
    let name = check_name(&upload.name)?;
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
pub async fn get_scenario(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
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
    #[schema(value_type = Object)]
    pub result: ShockDocument,
}

/// Runs a scenario. A named one is a public computation (no key, nothing stored, 200); a
/// saved one needs role analyst or higher and its result is stored (201).
#[utoipa::path(post, path = "/api/v1/scenarios/{id}/run", tag = "stress", security((), ("bearer" = [])),
    params(("id" = String, Path, description = "A named scenario or a saved scenario's id"), RunQuery),
    responses((status = 200, body = ScenarioRun), (status = 201, body = ScenarioRun), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn run_scenario(
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
    request_body(content = Object, description = "A shock request (see above)"),
    responses((status = 200, description = "The shock document (as `critmin shock --format json`)", body = Object),
        (status = 400, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub async fn create_shock(
    State(state): State<AppState>,
    JsonBody(spec): JsonBody<ShockSpec>,
) -> Result<Json<ShockDocument>, ApiError> {
    run_shock_spec(&state, "", spec).await.map(Json)
}

// ---------------------------------------------------------------------------------------
// Trade

/// A trade file as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TradeView {
    /// Id (`file-N` for files given to `critmin serve --trade`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Format (`baci`, `comtrade-imports`, `comtrade-exports`).
    pub source: String,
    /// `upload` (stored) or `file` (given on the command line).
    pub origin: &'static str,
    /// Public id of the key that uploaded it (uploads only).
    pub created_by: Option<String>,
    /// Unix milliseconds of the upload (uploads only).
    pub created_at_ms: Option<i64>,
    /// The validation report.
    pub report: TradeReport,
}

/// What validation found in an accepted trade file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TradeReport {
    /// Always true for an accepted file (a file with problems is refused with 422).
    pub valid: bool,
    /// Data rows.
    pub rows: usize,
    /// (year, product) groups.
    pub groups: usize,
    /// Years covered (`2021-2022`).
    pub years: String,
    /// Distinct HS6 products.
    pub products: usize,
    /// Rows without a quantity.
    pub rows_missing_q: usize,
    /// Comtrade rows left out on purpose (aggregates, other flows), by reason.
    pub skipped: Vec<String>,
}

fn report_of(import: &critmin_trade::Import) -> TradeReport {
    let t = &import.table;
    let years = t.years();
    TradeReport {
        valid: true,
        rows: t.len(),
        groups: t.groups().len(),
        years: match (years.first(), years.last()) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => String::new(),
        },
        products: t.product_count(),
        rows_missing_q: t.rows_missing_quantity(),
        skipped: import
            .skipped
            .by_reason
            .iter()
            .map(|(why, n)| format!("{n} {why}"))
            .collect(),
    }
}

/// Imports uploaded CSV text: every row validated; problems name the upload's file name and
/// line. No cache is written (the store keeps the upload).
pub fn import_text(name: &str, content: &str) -> Result<critmin_trade::Import, ApiError> {
    let dir = tempfile::tempdir().map_err(|e| ApiError::internal(&e))?;
    let path = dir.path().join("upload.csv");
    std::fs::write(&path, content).map_err(|e| ApiError::internal(&e))?;
    let shown = path.display().to_string();
    let options = ImportOptions {
        cache_dir: None,
        ..ImportOptions::default()
    };
    critmin_trade::import(&path, &options).map_err(|e| match e {
        critmin_trade::ImportError::Invalid { problems, bad_rows } => {
            let problems: Vec<ProblemRecord> = problems
                .into_iter()
                .map(|mut p| {
                    if p.file == shown {
                        name.clone_into(&mut p.file);
                    }
                    ProblemRecord::from(&p)
                })
                .collect();
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_data",
                format!("{bad_rows} bad row(s); nothing was stored"),
            )
            .with_problems(problems)
        }
        other => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_data", other.to_string()),
    })
}

/// Imports a trade file given on the command line through the columnar cache in
/// `cache_dir` (keyed by file identity) and serves it as `file-N`; returns the id.
pub fn add_trade_file(state: &AppState, path: &FsPath, cache_dir: Option<PathBuf>) -> Result<String, String> {
    let options = ImportOptions {
        cache_dir,
        ..ImportOptions::default()
    };
    let imported = critmin_trade::import(path, &options).map_err(|e| e.to_string())?;
    let mut files = state.stress.files.lock().unwrap_or_else(|p| p.into_inner());
    let id = format!("file-{}", files.len() + 1);
    let view = TradeView {
        id: id.clone(),
        name: path
            .file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned()),
        source: imported.table.source().id().to_owned(),
        origin: "file",
        created_by: None,
        created_at_ms: None,
        report: report_of(&imported),
    };
    files.push(view.clone());
    drop(files);
    state.stress.tables.lock().unwrap_or_else(|p| p.into_inner()).insert(
        id.clone(),
        Arc::new(TradeEntry {
            view,
            table: imported.table,
        }),
    );
    Ok(id)
}

fn upload_view(s: critmin_store::TradeSummary) -> Result<TradeView, ApiError> {
    Ok(TradeView {
        id: s.id,
        name: s.name,
        source: s.source,
        origin: "upload",
        created_by: Some(s.created_by),
        created_at_ms: Some(s.created_at_ms),
        report: serde_json::from_value(s.report).map_err(|e| ApiError::internal(&e))?,
    })
}

/// Trade files: those given on the command line, and the uploads for a key with role viewer
/// or higher.
#[utoipa::path(get, path = "/api/v1/trade", tag = "trade",
    responses((status = 200, body = [TradeView]), (status = 401, body = ErrorBody)))]
pub async fn list_trade(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<TradeView>>, ApiError> {
    let mut views = state.stress.files.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if caller.require(Role::Viewer).is_ok() {
        for s in state.store.list_trade().await? {
            views.push(upload_view(s)?);
        }
    }
    Ok(Json(views))
}

/// A trade file upload: a BACI (`t,i,j,k,v,q`) or UN Comtrade CSV as text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TradeUpload {
    /// A name (1–200 characters); problems are reported under it.
    pub name: String,
    /// The CSV text.
    pub content: String,
}

/// The body of a trade upload: JSON ([`TradeUpload`]), or the CSV itself with
/// `Content-Type: text/csv` and the name in the query (`?name=baci.csv`). Both are read within
/// the body limit and the body timeout.
#[derive(Debug)]
pub struct TradeBody(pub TradeUpload);

/// Query of a `text/csv` upload.
#[derive(Debug, Deserialize)]
struct CsvQuery {
    name: Option<String>,
}

impl axum::extract::FromRequest<AppState> for TradeBody {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, ApiError> {
        let is_csv = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"));
        if !is_csv {
            return JsonBody::<TradeUpload>::from_request(req, state)
                .await
                .map(|JsonBody(u)| TradeBody(u));
        }
        let query = req.uri().query().unwrap_or("").to_owned();
        let q: CsvQuery =
            serde_urlencoded::from_str(&query).map_err(|e| ApiError::bad_param("name", format!("query: {e}")))?;
        let bytes =
            crate::body::read_limited(req.into_body(), state.config.body_limit, state.config.body_timeout).await?;
        let content = String::from_utf8(bytes.to_vec()).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("the CSV is not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            )
            .with_field("content")
        })?;
        Ok(TradeBody(TradeUpload {
            name: q.name.unwrap_or_else(|| "upload.csv".to_owned()),
            content,
        }))
    }
}

/// Uploads a BACI or UN Comtrade CSV (role analyst or higher, within the body limit), as JSON
/// (`{"name", "content"}`) or as the CSV itself (`Content-Type: text/csv`, `?name=FILE`).
/// Every row is validated; on any problem the answer is 422 with the problems (file, line,
/// column, value, expected) and nothing is stored.
#[utoipa::path(post, path = "/api/v1/trade", tag = "trade", security(("bearer" = [])), request_body = TradeUpload,
    responses((status = 201, body = TradeView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_trade(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    TradeBody(upload): TradeBody,
) -> Result<(StatusCode, Json<TradeView>), ApiError> {
    let name = check_name(&upload.name)?;
    let content = upload.content;
    let (imported, name, content) =
        blocking(move || import_text(&name, &content).map(|i| (i, name, content))).await??;
    let report = report_of(&imported);
    let new = NewTradeDataset {
        name,
        source: imported.table.source().id().to_owned(),
        content,
        report: serde_json::to_value(&report).map_err(|e| ApiError::internal(&e))?,
    };
    let store = state.store.clone();
    let summary = tokio::spawn(async move { store.insert_trade(&key.id, &new).await })
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let view = upload_view(summary)?;
    state.stress.keep(
        &view.id,
        Arc::new(TradeEntry {
            view: view.clone(),
            table: imported.table,
        }),
    );
    tracing::info!(trade = %view.id, rows = view.report.rows, "trade file stored");
    Ok((StatusCode::CREATED, Json(view)))
}

/// The imported table of a trade id: a command-line file (public), or an upload (role viewer
/// or higher) imported again from the store when it is not in memory.
async fn trade_table(state: &AppState, caller: &Caller, id: &str) -> Result<Arc<TradeEntry>, ApiError> {
    if !id.starts_with("file-") {
        caller.require(Role::Viewer)?;
    }
    if let Some(entry) = state.stress.tables.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
        return Ok(entry.clone());
    }
    let (summary, content) = state
        .store
        .get_trade(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no trade file {id}")))?;
    let view = upload_view(summary)?;
    let name = view.name.clone();
    let imported = blocking(move || import_text(&name, &content)).await??;
    let entry = Arc::new(TradeEntry {
        view,
        table: imported.table,
    });
    state.stress.keep(id, entry.clone());
    Ok(entry)
}

fn basis_of(by: Option<&str>) -> Result<Basis, ApiError> {
    match by.unwrap_or("value") {
        "value" => Ok(Basis::Value),
        "quantity" => Ok(Basis::Quantity),
        other => Err(ApiError::bad_param(
            "by",
            format!("`{other}`: expected value or quantity"),
        )),
    }
}

fn revision_of(text: Option<&str>) -> Result<HsRevision, ApiError> {
    match text.unwrap_or("hs2022") {
        "hs2022" => Ok(HsRevision::Hs2022),
        "hs2017" => Ok(HsRevision::Hs2017),
        other => Err(ApiError::bad_param(
            "hs_revision",
            format!("`{other}`: expected hs2022 or hs2017"),
        )),
    }
}

/// Filters of the HHI query (as `critmin trade hhi`).
#[derive(Debug, Deserialize, IntoParams)]
pub struct HhiQuery {
    /// Shares of `value` (default) or `quantity`.
    pub by: Option<String>,
    /// Whose shares: `exporter` (default) or `importer`.
    pub side: Option<String>,
    /// Only this year.
    pub t: Option<u16>,
    /// Only these HS6 codes, comma-separated.
    pub k: Option<String>,
    /// Only the codes mapped to a mineral.
    pub minerals_only: Option<bool>,
    /// HS revision of the file for the mineral map: `hs2022` (default) or `hs2017`.
    pub hs_revision: Option<String>,
}

/// HHI per (year, product) of a trade file: the rows of `critmin trade hhi --format json`.
#[utoipa::path(get, path = "/api/v1/trade/{id}/hhi", tag = "trade", params(("id" = String, Path), HhiQuery),
    responses((status = 200, description = "HHI rows", body = [Object]), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn trade_hhi(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HhiQuery>,
) -> Result<Json<Vec<HhiRow>>, ApiError> {
    let basis = basis_of(q.by.as_deref())?;
    let side = match q.side.as_deref().unwrap_or("exporter") {
        "exporter" => Side::Exporter,
        "importer" => Side::Importer,
        other => {
            return Err(ApiError::bad_param(
                "side",
                format!("`{other}`: expected exporter or importer"),
            ));
        }
    };
    let revision = revision_of(q.hs_revision.as_deref())?;
    let products: Vec<&str> = q.k.as_deref().map_or_else(Vec::new, |k| k.split(',').collect());
    let filter = HhiFilter {
        products: parse_products(&products).map_err(|e| ApiError::bad_param("k", e.message))?,
        year: q.t,
        minerals_only: q.minerals_only.unwrap_or(false),
    };
    let entry = trade_table(&state, &caller, &id).await?;
    let rows = blocking(move || {
        let results = product_concentration(&entry.table, side, basis);
        hhi_rows(
            results,
            entry.table.countries(),
            &HsMap::embedded(),
            revision,
            side,
            basis,
            &filter,
        )
    })
    .await?;
    Ok(Json(rows))
}

/// Filters of the dependence query (as `critmin trade dependence`).
#[derive(Debug, Deserialize, IntoParams)]
pub struct DependenceQuery {
    /// The importing country: ISO3 (IND) or its numeric trade code (699). Required.
    pub importer: Option<String>,
    /// Only this mineral.
    pub mineral: Option<String>,
    /// Partner groups and/or ISO3 codes joined with `+` (default msp).
    pub partners: Option<String>,
    /// Shares of `value` (default) or `quantity` (contained tonnes).
    pub by: Option<String>,
    /// HS revision of the file: `hs2022` (default) or `hs2017`.
    pub hs_revision: Option<String>,
}

/// An importer's dependence per (year, mineral, stage): the rows of `critmin trade
/// dependence --format json`.
#[utoipa::path(get, path = "/api/v1/trade/{id}/dependence", tag = "trade", params(("id" = String, Path), DependenceQuery),
    responses((status = 200, description = "Dependence rows", body = [Object]), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn trade_dependence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DependenceQuery>,
) -> Result<Json<Vec<DependenceRow>>, ApiError> {
    let ds = state.dataset.clone();
    let importer = q
        .importer
        .clone()
        .ok_or_else(|| ApiError::bad_param("importer", "missing: expected an ISO3 code such as IND"))?;
    let mineral = q
        .mineral
        .as_deref()
        .map(|m| records::mineral(&ds, "mineral", m).map(|m| m.id.clone()))
        .transpose()?;
    let partners = records::partners(&ds, q.partners.as_deref().unwrap_or("msp"))?;
    let basis = basis_of(q.by.as_deref())?;
    let revision = revision_of(q.hs_revision.as_deref())?;
    let entry = trade_table(&state, &caller, &id).await?;
    let rows = blocking(move || {
        dependence_rows(
            &entry.table,
            &HsMap::embedded(),
            revision,
            &ds,
            &importer,
            &partners,
            basis,
            mineral.as_ref(),
        )
    })
    .await?
    .map_err(|e| ApiError::bad_param(e.field, e.to_string()))?;
    Ok(Json(rows))
}
