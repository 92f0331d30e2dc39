//! The critmin server: a versioned JSON API under `/api/v1` (OpenAPI document at
//! `/api/v1/openapi.json`, generated from the handlers with utoipa), health and readiness
//! probes, and a server-rendered dashboard at `/` (inline SVG, no script or style from the
//! network), all on axum and tokio.
//!
//! Safety: reads of the public dataset need no key; every write needs an API key whose role
//! allows it ([`auth`]); bodies over [`ServerConfig::body_limit`] get 413 from the
//! `Content-Length` alone or as soon as the streamed body passes the limit; a body that does not
//! arrive within [`ServerConfig::body_timeout`] gets 408 and every request is cut at
//! [`ServerConfig::request_timeout`]; malformed JSON gets a 400 naming the field. Checks run
//! before the store is touched, and each write is one statement, so a rejected request
//! changes nothing. Writes run in their own task: a client that disconnects cannot cancel a
//! write half-way, and a graceful shutdown waits for them.
//!
//! One folder per feature ([`datasets`], [`stress`], [`trade`], [`planner`], [`ledger`]), each
//! its routes, their OpenAPI part and the mapping of requests and answers to `critmin-app` and
//! the libraries. Long computations are jobs ([`jobs`]): `POST /api/v1/jobs` answers 202 with
//! a status URL; the job reports progress and, when done, a result URL. A feature adds a job
//! by registering a [`jobs::JobKind`] in [`JOB_KINDS`], and its routes to [`router`].
//!
//! Boundary: HTTP, JSON and HTML only; formulas come from `critmin-metrics`, validation from
//! `critmin-data`, persistence from `critmin-store`.

pub mod auth;
pub mod body;
mod cache;
pub mod dashboard;
pub mod datasets;
pub mod error;
pub mod jobs;
pub mod keys;
pub mod ledger;
pub mod openapi;
pub mod planner;
pub mod records;
pub mod stress;
#[cfg(feature = "test-support")]
pub mod test_client;
pub mod trade;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use critmin_model::Dataset;
use critmin_store::Store;
use tower_http::trace::TraceLayer;

pub use cache::ResponseCache;

/// Every kind of job the server runs, each registered by its feature.
pub const JOB_KINDS: jobs::JobRegistry = jobs::JobRegistry(&[
    &datasets::CONCENTRATION_OVERVIEW,
    &stress::SHOCK_JOB,
    &stress::RISK_JOB,
    &planner::OPTIMIZE_JOB,
]);

/// Limits of the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Time a client has to send its body.
    pub body_timeout: Duration,
    /// Time after which any request is answered 408.
    pub request_timeout: Duration,
    /// Time a client has to send its request line and headers; the connection is closed after.
    pub header_timeout: Duration,
    /// How long a graceful shutdown waits for in-flight requests before dropping them.
    pub shutdown_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: 4 * 1024 * 1024,
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The public dataset (embedded, or with the `--data` overlay).
    pub dataset: Arc<Dataset>,
    /// Where user creations are kept.
    pub store: Store,
    /// Limits.
    pub config: Arc<ServerConfig>,
    /// Serialized answers of the public read endpoints (the dataset never changes while the
    /// server runs).
    pub cache: Arc<ResponseCache>,
    /// Server-rendered dashboard pages, by URL.
    pub pages: Arc<ResponseCache>,
    /// Stored datasets already rebuilt from their files, by id (at most 16).
    pub stored: Arc<std::sync::Mutex<std::collections::HashMap<String, Arc<Dataset>>>>,
    /// The report's heat table and sources, for the dashboard; built on first use.
    pub report: Arc<std::sync::OnceLock<critmin_app::report::HeatTable>>,
    /// The chain-of-custody ledger, when the server keeps one ([`AppState::with_ledger`]).
    pub ledger: Option<Arc<ledger::LedgerService>>,
    /// The named scenarios ([`stress`]).
    pub stress: Arc<stress::StressState>,
    /// Imported trade tables ([`trade`]).
    pub trade: Arc<trade::TradeState>,
    /// The kinds of job ([`JOB_KINDS`]).
    pub jobs: jobs::JobRegistry,
}

impl AppState {
    /// State over a dataset and a store.
    pub fn new(dataset: Dataset, store: Store, config: ServerConfig) -> AppState {
        AppState {
            dataset: Arc::new(dataset),
            store,
            config: Arc::new(config),
            cache: Arc::new(ResponseCache::new(4096)),
            pages: Arc::new(ResponseCache::new(512)),
            report: Arc::new(std::sync::OnceLock::new()),
            stored: Arc::default(),
            ledger: None,
            stress: Arc::default(),
            trade: Arc::default(),
            jobs: JOB_KINDS,
        }
    }

    /// The same state with the shipped trade flows imported (on first use) through the columnar
    /// cache in `cache_dir`; call before adding `--trade` files. Without it they are parsed in
    /// memory and nothing is written.
    pub fn with_trade_cache(mut self, cache_dir: Option<std::path::PathBuf>) -> AppState {
        self.trade = Arc::new(trade::TradeState::with_cache_dir(cache_dir));
        self
    }

    /// The same state with the ledger's routes served from `ledger`.
    pub fn with_ledger(mut self, ledger: ledger::LedgerService) -> AppState {
        self.ledger = Some(Arc::new(ledger));
        self
    }
}

/// The whole application: API, probes and dashboard.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(openapi::routes())
        .merge(datasets::routes())
        .merge(keys::routes())
        .merge(jobs::routes())
        .merge(dashboard::routes())
        .merge(ledger::routes())
        .merge(stress::routes())
        .merge(trade::routes())
        .merge(planner::routes())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), reject_large_bodies))
        .layer(middleware::from_fn_with_state(state.clone(), request_deadline))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves `router(state)` on `listener` until `shutdown` resolves, then stops accepting, lets
/// in-flight requests (and the writes they started) finish within
/// [`ServerConfig::shutdown_grace`], marks this process's unfinished jobs failed, and closes the
/// store.
///
/// The accept loop is hyper's own (not `axum::serve`) so that connections get a timer: a
/// client that does not finish its headers within [`ServerConfig::header_timeout`] is
/// disconnected, and an idle keep-alive connection cannot hold a shutdown open.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let store = state.store.clone();
    let config = state.config.clone();
    let app = router(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %e, "accepting a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(config.header_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.shutdown_grace) => {
            tracing::warn!("in-flight requests did not finish within the shutdown grace period; dropping them");
        }
    }
    match store.fail_interrupted_jobs().await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(jobs = n, "jobs still running at shutdown were marked failed"),
        Err(e) => tracing::error!(error = %e, "marking unfinished jobs at shutdown"),
    }
    store.close().await;
    Ok(())
}

/// Runs `f` on the blocking pool; a panic there is a 500.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, error::ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| error::ApiError::internal(&e))
}

/// 413 from the `Content-Length` header alone, before any of the body is read.
async fn reject_large_bodies(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > state.config.body_limit as u64) {
        let mut response = body::too_large(state.config.body_limit).into_response();
        // The unread body stays on the connection: tell the client it will be closed.
        response
            .headers_mut()
            .insert(header::CONNECTION, header::HeaderValue::from_static("close"));
        return response;
    }
    next.run(req).await
}

/// Answers 408 (as JSON) when a request takes longer than [`ServerConfig::request_timeout`].
/// Writes run in their own task, so a request cut here cannot leave half a write behind.
async fn request_deadline(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = state.config.request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => error::ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!("the request took longer than {} s", limit.as_secs()),
        )
        .into_response(),
    }
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the store answers.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response()
        }
    }
}

async fn not_found(req: Request) -> error::ApiError {
    error::ApiError::not_found(format!("no route for {} {}", req.method(), req.uri().path()))
}
