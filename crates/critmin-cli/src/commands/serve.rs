//! `critmin serve`: the HTTP API and the dashboard.

use std::time::Duration;

use anyhow::{Context, Result};
use critmin_model::Dataset;
use critmin_server::{AppState, ServerConfig};
use critmin_store::{DEFAULT_DB_URL, Store};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (`127.0.0.1:0` picks a free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    bind: String,
    /// Database: `sqlite:PATH` (created if missing) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, default_value = DEFAULT_DB_URL, env = "CRITMIN_DB", value_name = "URL")]
    db: String,
    /// Largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, default_value_t = 4 * 1024 * 1024, value_name = "BYTES")]
    body_limit: usize,
    /// Seconds a client has to send its request body (slower ones get 408).
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    body_timeout: u64,
    /// Keep the chain-of-custody ledger in the database and serve `/api/v1/ledger` and
    /// `/ledger`: FILE holds the log operator's signing key (hex, as `critmin ledger init`
    /// writes it to DIR/keys/operator.key), which signs a checkpoint after every append.
    #[arg(long, value_name = "FILE")]
    ledger_key: Option<std::path::PathBuf>,
    /// Serve a CEPII BACI or UN Comtrade file's trade metrics (`/api/v1/trade/file-N/...`,
    /// public): imported at start through the columnar cache (`$XDG_CACHE_HOME/critmin/trade`),
    /// as by `critmin trade`. Repeat for several files.
    #[arg(long, value_name = "FILE")]
    trade: Vec<std::path::PathBuf>,
}

/// Reads an ed25519 secret key written as hex.
fn read_ledger_key(path: &std::path::Path) -> Result<ed25519_dalek::SigningKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let bytes: [u8; 32] = critmin_ledger::entry::from_hex(text.trim())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow::anyhow!("{}: expected a secret key as 64 hex digits", path.display()))?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&bytes))
}

pub(crate) fn run(dataset: Dataset, args: &Args) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let store = Store::connect(&args.db)
            .await
            .with_context(|| format!("opening the database {}", args.db))?;
        // The shipped trade flows (`/api/v1/dependence`, `/api/v1/trend`) share the CLI's cache.
        let mut state = AppState::new(dataset, store.clone(), ServerConfig::default())
            .with_trade_cache(critmin_trade::default_cache_dir());
        if let Some(path) = &args.ledger_key {
            let key = read_ledger_key(path)?;
            // A writer killed a moment ago may still hold the log's lock until its database
            // session ends (PostgreSQL notices the dead connection shortly): wait a little.
            let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
            let ledger = loop {
                match critmin_server::ledger::LedgerService::open(&store, Some(key.clone())).await {
                    Err(critmin_server::ledger::LedgerOpenError::Store(critmin_ledger::store::StoreError::Locked(
                        _,
                    ))) if tokio::time::Instant::now() < deadline => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    other => break other.with_context(|| format!("opening the ledger in {}", args.db))?,
                }
            };
            tracing::info!(
                entries = ledger.size(),
                "serving the ledger at /api/v1/ledger and /ledger"
            );
            state = state.with_ledger(ledger);
        }
        let listener = tokio::net::TcpListener::bind(&args.bind)
            .await
            .with_context(|| format!("listening on {}", args.bind))?;
        let addr = listener.local_addr()?;
        let config = ServerConfig {
            body_limit: args.body_limit,
            body_timeout: Duration::from_secs(args.body_timeout),
            ..ServerConfig::default()
        };
        state.config = std::sync::Arc::new(config);
        for path in &args.trade {
            let id = critmin_server::trade::add_trade_file(&state, path, critmin_trade::default_cache_dir())
                .map_err(|e| anyhow::anyhow!("--trade {}: {e}", path.display()))?;
            tracing::info!(file = %path.display(), %id, "trade file imported");
        }
        // The first stdout line says where to connect (tests and scripts read it).
        println!("listening on http://{addr}");
        tracing::info!(%addr, db = %args.db, "serving the API at /api/v1 and the dashboard at /");
        critmin_server::serve(listener, state, shutdown_signal())
            .await
            .context("serving")?;
        tracing::info!("stopped after finishing in-flight requests");
        Ok(())
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}
