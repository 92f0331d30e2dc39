//! A country's dependence and a mineral's trade concentration over time from the shipped CEPII
//! BACI V202601 flows: `GET /api/v1/dependence/{country}` and `GET /api/v1/trend`, answering the
//! documents of `critmin_app::dependence` and `critmin_app::trend` (whose rows `critmin
//! dependence|trend --format json` prints).
//!
//! The flows are imported on the first request that needs them, not at start: a server that is
//! never asked pays nothing (start, probes and every other test stay instant), and the first
//! answer waits for the import once (~20 ms from a warm columnar cache, ~130 ms cold, release
//! build). Answers are kept in the response cache like the public-data reads: the shipped flows
//! do not change while the server runs.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Path, State};
use axum::response::Response;
use critmin_app::dependence::{DependenceDocument, DependenceQuery};
use critmin_app::trend::{TrendDocument, TrendQuery};
use critmin_trade::{CacheStatus, HsMap, TradeFlows, import_embedded};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::body::ApiQuery;
use crate::error::{ApiError, ErrorBody};
use crate::records;

/// The shipped flows and the HS map they are read with.
pub(super) struct ShippedFlows {
    /// Both parts (HS92 1995–2024, HS17 2024).
    pub(super) flows: TradeFlows,
    /// The shipped `data/hs_minerals.csv`.
    pub(super) map: HsMap,
}

/// The shipped flows once imported, and where their columnar cache is kept.
#[derive(Default)]
pub(super) struct ShippedSlot {
    /// `None`: parsed in memory, nothing written (tests, and a server without a cache home).
    cache_dir: Option<PathBuf>,
    /// Held during the import, so that concurrent first requests import once; left empty by a
    /// failed import, which the next request tries again.
    loaded: Mutex<Option<Arc<ShippedFlows>>>,
}

impl ShippedSlot {
    pub(super) fn new(cache_dir: Option<PathBuf>) -> ShippedSlot {
        ShippedSlot {
            cache_dir,
            loaded: Mutex::default(),
        }
    }

    /// The flows, imported on first use (blocking: call on the blocking pool).
    pub(super) fn get(&self) -> Result<Arc<ShippedFlows>, ApiError> {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(shipped) = loaded.as_ref() {
            return Ok(shipped.clone());
        }
        let started = Instant::now();
        let embedded = import_embedded(self.cache_dir.clone()).map_err(|e| ApiError::internal(&e))?;
        let cache: Vec<&str> = embedded
            .cache
            .iter()
            .map(|status| match status {
                CacheStatus::Hit(_) => "read from cache",
                CacheStatus::Built { .. } => "parsed, cache written",
                CacheStatus::NotWritten(_) => "parsed, cache not written",
                CacheStatus::Disabled => "parsed",
            })
            .collect();
        tracing::info!(
            seconds = started.elapsed().as_secs_f64(),
            cache = ?cache,
            "shipped trade flows imported"
        );
        let shipped = Arc::new(ShippedFlows {
            flows: embedded.flows,
            map: HsMap::embedded(),
        });
        *loaded = Some(shipped.clone());
        Ok(shipped)
    }
}

/// Filters of the dependence query (as `critmin dependence`'s flags).
#[derive(Debug, Deserialize, IntoParams)]
pub struct DependenceParams {
    /// Only this mineral (id or alias), e.g. graphite.
    pub mineral: Option<String>,
    /// Only this chain stage: mining, processing or manufacturing.
    pub stage: Option<String>,
    /// Only this year (not with `from`/`to`).
    pub year: Option<u16>,
    /// First year.
    pub from: Option<u16>,
    /// Last year.
    pub to: Option<u16>,
    /// Partner groups and/or ISO3 codes joined with `+` (msp, quad, g7, eu27, oecd, ipef,
    /// us-fta, us-cma, ira-fta, feoc). Default: msp.
    pub partners: Option<String>,
    /// Shares of `quantity` (contained tonnes, default) or `value` (USD).
    pub by: Option<String>,
}

/// A country's imports per (mineral, stage, year) from the shipped BACI flows: contained tonnes
/// and USD, suppliers and their shares, partner and FEOC shares, HHI of the sources, the change
/// from the year before. The rows are those of `critmin dependence --format json`.
#[utoipa::path(get, path = "/api/v1/dependence/{country}", tag = "trade",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-3 code of the importer, e.g. IND or USA"), DependenceParams),
    responses((status = 200, body = DependenceDocument), (status = 400, body = ErrorBody)))]
pub(super) async fn get_dependence(
    State(state): State<AppState>,
    Path(country): Path<String>,
    ApiQuery(q): ApiQuery<DependenceParams>,
) -> Result<Response, ApiError> {
    let query = DependenceQuery {
        country,
        mineral: q.mineral,
        stage: q.stage,
        year: q.year,
        from: q.from,
        to: q.to,
        partners: q.partners.unwrap_or_else(|| "msp".to_owned()),
        by: q.by.unwrap_or_else(|| "quantity".to_owned()),
    };
    let key = format!("dependence|{query:?}");
    crate::blocking(move || {
        state.cache.json(&key, || {
            let shipped = state.trade.shipped.get()?;
            critmin_app::dependence::dependence(&state.dataset, &shipped.flows, &shipped.map, &query)
                .map_err(records::field_error)
        })
    })
    .await?
}

/// Filters of the trend query (as `critmin trend`'s flags).
#[derive(Debug, Deserialize, IntoParams)]
pub struct TrendParams {
    /// Mineral id or alias, e.g. graphite. Required.
    pub mineral: Option<String>,
    /// Only this chain stage: mining, processing or manufacturing.
    pub stage: Option<String>,
    /// Whose shares: `exporter` (default) or `importer`.
    pub side: Option<String>,
    /// Shares of `value` (USD, default) or `quantity` (contained tonnes).
    pub by: Option<String>,
    /// Only this year (not with `from`/`to`).
    pub year: Option<u16>,
    /// First year.
    pub from: Option<u16>,
    /// Last year.
    pub to: Option<u16>,
}

/// Concentration of world trade in a mineral per (stage, year) from the shipped BACI flows: HHI,
/// top-3 share, top country, FEOC share. The rows are those of `critmin trend --format json`.
#[utoipa::path(get, path = "/api/v1/trend", tag = "trade", params(TrendParams),
    responses((status = 200, body = TrendDocument), (status = 400, body = ErrorBody)))]
pub(super) async fn get_trend(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<TrendParams>,
) -> Result<Response, ApiError> {
    let mineral = q
        .mineral
        .ok_or_else(|| ApiError::bad_param("mineral", "missing: expected a mineral id or alias such as graphite"))?;
    let query = TrendQuery {
        mineral,
        stage: q.stage,
        side: q.side.unwrap_or_else(|| "exporter".to_owned()),
        by: q.by.unwrap_or_else(|| "value".to_owned()),
        year: q.year,
        from: q.from,
        to: q.to,
    };
    let key = format!("trend|{query:?}");
    crate::blocking(move || {
        state.cache.json(&key, || {
            let shipped = state.trade.shipped.get()?;
            critmin_app::trend::trend(&state.dataset, &shipped.flows, &shipped.map, &query)
                .map_err(records::field_error)
        })
    })
    .await?
}
