//! Trade uploads: a BACI or UN Comtrade CSV, as JSON or as `text/csv`, validated row by row
//! and stored as sent with its report.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use critmin_app::trade::TradeReport;
use critmin_store::{NewTradeDataset, Role};
use critmin_trade::ImportOptions;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::TradeEntry;
use crate::AppState;
use crate::auth::{Analyst, Authorized, Caller};
use crate::body::{JsonBody, name_field};
use crate::error::{ApiError, ErrorBody, ProblemRecord};

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

pub(crate) fn upload_view(s: critmin_store::TradeSummary) -> Result<TradeView, ApiError> {
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
pub(super) async fn list_trade(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TradeView>>, ApiError> {
    let mut views = state.trade.files.lock().unwrap_or_else(|p| p.into_inner()).clone();
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
pub(super) async fn upload_trade(
    State(state): State<AppState>,
    Authorized(key, _): Authorized<Analyst>,
    TradeBody(upload): TradeBody,
) -> Result<(StatusCode, Json<TradeView>), ApiError> {
    let name = name_field(&upload.name)?;
    let content = upload.content;
    let (imported, name, content) =
        crate::blocking(move || import_text(&name, &content).map(|i| (i, name, content))).await??;
    let report = TradeReport::of(&imported);
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
    state.trade.keep(
        &view.id,
        Arc::new(TradeEntry {
            view: view.clone(),
            table: imported.table,
        }),
    );
    tracing::info!(trade = %view.id, rows = view.report.rows, "trade file stored");
    Ok((StatusCode::CREATED, Json(view)))
}
