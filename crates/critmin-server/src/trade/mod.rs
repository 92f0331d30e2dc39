//! Bilateral trade through the API: the shipped CEPII BACI flows (`/api/v1/dependence/{country}`
//! and `/api/v1/trend`, the documents of `critmin dependence|trend`; [`flows`]), and uploads
//! (JSON or `text/csv`) and files given to `critmin serve --trade FILE`, with their HHI and
//! dependence rows (`critmin_trade::rows`, the rows `critmin trade … --format json` prints).
//!
//! Who may do what: uploading needs an analyst key, reading uploads a viewer key, like stored
//! datasets. Files given on the command line (ids `file-1`, `file-2`, …) are the operator's
//! and public.
//!
//! Storage: an upload is kept in the store as sent (table `trade_datasets`, with its
//! validation report) and imported again on first use after a restart; a `--trade` file is
//! imported through the columnar cache keyed by file identity (`critmin_trade::cache`) and
//! kept in memory. Imported tables are held in memory by id (at most [`MAX_TABLES`] uploads).
//! The shipped flows are imported on first use through the columnar cache in the directory the
//! state was made with ([`TradeState::with_cache_dir`]; none by default: parsed in memory).

mod flows;
mod metrics;
mod upload;

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use critmin_app::trade::TradeReport;
use critmin_store::Role;
use critmin_trade::{ImportOptions, TradeTable};
use utoipa::OpenApi;

use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;

pub use flows::{DependenceParams, TrendParams};
pub use metrics::{DependenceQuery, HhiQuery};
use upload::upload_view;
pub use upload::{TradeBody, TradeUpload, TradeView, import_text};

/// Uploaded trade tables kept in memory at once.
pub const MAX_TABLES: usize = 16;

/// The imported trade tables: the shipped flows, the command line's files and the uploads in use.
#[derive(Default)]
pub struct TradeState {
    tables: Mutex<HashMap<String, Arc<TradeEntry>>>,
    files: Mutex<Vec<TradeView>>,
    shipped: flows::ShippedSlot,
}

impl std::fmt::Debug for TradeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TradeState").finish_non_exhaustive()
    }
}

/// An imported trade table and how it is listed.
pub struct TradeEntry {
    /// As listed.
    pub view: TradeView,
    /// The table (every column).
    pub table: TradeTable,
}

impl TradeState {
    /// No table yet; the shipped flows will be imported through the columnar cache in
    /// `cache_dir` (`None`: parsed in memory, nothing written).
    pub fn with_cache_dir(cache_dir: Option<PathBuf>) -> TradeState {
        TradeState {
            shipped: flows::ShippedSlot::new(cache_dir),
            ..TradeState::default()
        }
    }

    /// Keeps an imported upload in memory while fewer than [`MAX_TABLES`] uploads are held.
    fn keep(&self, id: &str, entry: Arc<TradeEntry>) {
        let files = self.files.lock().unwrap_or_else(|p| p.into_inner()).len();
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        if tables.len() < MAX_TABLES + files {
            tables.insert(id.to_owned(), entry);
        }
    }
}

/// The trade routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/trade", get(upload::list_trade).post(upload::upload_trade))
        .route("/api/v1/trade/{id}/hhi", get(metrics::trade_hhi))
        .route("/api/v1/trade/{id}/dependence", get(metrics::trade_dependence))
        .route("/api/v1/dependence/{country}", get(flows::get_dependence))
        .route("/api/v1/trend", get(flows::get_trend))
}

/// The OpenAPI part of the trade routes.
#[derive(OpenApi)]
#[openapi(
    paths(
        upload::list_trade,
        upload::upload_trade,
        metrics::trade_hhi,
        metrics::trade_dependence,
        flows::get_dependence,
        flows::get_trend
    ),
    components(schemas(TradeView))
)]
pub struct Api;

/// Imports a trade file given on the command line through the columnar cache in
/// `cache_dir` (keyed by file identity) and serves it as `file-N`; returns the id.
pub fn add_trade_file(state: &AppState, path: &FsPath, cache_dir: Option<PathBuf>) -> Result<String, String> {
    let options = ImportOptions {
        cache_dir,
        ..ImportOptions::default()
    };
    let imported = critmin_trade::import(path, &options).map_err(|e| e.to_string())?;
    let mut files = state.trade.files.lock().unwrap_or_else(|p| p.into_inner());
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
        report: TradeReport::of(&imported),
    };
    files.push(view.clone());
    drop(files);
    state.trade.tables.lock().unwrap_or_else(|p| p.into_inner()).insert(
        id.clone(),
        Arc::new(TradeEntry {
            view,
            table: imported.table,
        }),
    );
    Ok(id)
}

/// The imported table of a trade id: a command-line file (public), or an upload (role viewer
/// or higher) imported again from the store when it is not in memory.
pub(crate) async fn trade_table(state: &AppState, caller: &Caller, id: &str) -> Result<Arc<TradeEntry>, ApiError> {
    if !id.starts_with("file-") {
        caller.require(Role::Viewer)?;
    }
    if let Some(entry) = state.trade.tables.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
        return Ok(entry.clone());
    }
    let (summary, content) = state
        .store
        .get_trade(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no trade file {id}")))?;
    let view = upload_view(summary)?;
    let name = view.name.clone();
    let imported = crate::blocking(move || import_text(&name, &content)).await??;
    let entry = Arc::new(TradeEntry {
        view,
        table: imported.table,
    });
    state.trade.keep(id, entry.clone());
    Ok(entry)
}
