//! Persistence for critmin: what users create through the server — imported datasets with
//! their validation reports, API keys (stored only as hashes) and jobs (long computations with
//! progress and a result) — in one SQLite file by default or in PostgreSQL.
//!
//! One code path for both engines: sqlx's `Any` driver with runtime queries (`$1` placeholders
//! work on both), and one set of migrations written in SQL both accept (TEXT and BIGINT only,
//! random text ids, times as unix milliseconds, JSON as text). The migrations run on
//! [`Store::connect`].
//!
//! Durability: on SQLite every connection uses WAL with `synchronous=FULL`, so a write whose
//! call returned is on disk and survives the process being killed; PostgreSQL commits are
//! durable by default. Every write is one statement or one transaction: a failed call leaves
//! nothing behind.
//!
//! Boundary: knows SQL and the stored shapes; knows nothing of HTTP, CSV validation or
//! metrics (reports and results arrive as JSON values).
//!
//! Later capabilities (saved scenarios, plans, projects, the ledger) add a migration file and a
//! module here; jobs already carry any kind with JSON parameters and results.

mod datasets;
mod jobs;
mod keys;
pub mod ledger;
mod planner;
mod scenarios;
#[cfg(feature = "test-postgres")]
pub mod test_postgres;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor, SqlSafeStr};

pub use datasets::{DatasetRecord, DatasetSummary, NewDataset};
pub use jobs::{JobRecord, JobStatus};
pub use keys::{ApiKey, CreatedKey, Role};
pub use ledger::SqlLogStore;
pub use planner::{
    MAX_PROJECTS_PER_REQUEST, NewPortfolio, NewProject, PlannerStoreError, PortfolioRecord, StoredProject,
};
pub use scenarios::{NewScenario, NewTradeDataset, ScenarioRecord, ScenarioResult, ScenarioSummary, TradeSummary};

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DB_URL: &str = "sqlite:critmin.db";

/// The migrations, in order; each runs once per database, on both engines.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "scenarios", include_str!("../migrations/0002_scenarios.sql")),
    (3, "planner", include_str!("../migrations/0003_planner.sql")),
    (4, "ledger", include_str!("../migrations/0004_ledger.sql")),
];

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names an engine other than `sqlite:` or `postgres://`.
    #[error("unsupported database URL {0:?}: expected sqlite:PATH or postgres://USER@HOST:PORT/DB")]
    UnsupportedUrl(String),
    /// The database could not be reached or a statement failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed or the database holds migrations this build does not know.
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value does not have the expected shape (the database was edited by hand).
    #[error("stored {what} {value:?} is not valid")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// The value found.
        value: String,
    },
    /// The operating system's random source failed.
    #[error("random source: {0}")]
    Random(String),
}

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The engine a URL names.
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }
}

/// A connection pool with the schema migrated.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects to `url` (`sqlite:PATH`, created if missing, or `postgres://…`), runs the
    /// pending migrations and marks jobs left running by a previous process as failed.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; FULL syncs the WAL on
                        // every commit, so an acknowledged write survives a crash; writers
                        // wait for the lock instead of failing at once.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let store = Store { pool, backend };
        store.migrate().await?;
        store.fail_interrupted_jobs().await?;
        Ok(store)
    }

    /// Runs the migrations not yet applied (idempotent).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, name, sql)| {
                Migration::new(version, name.into(), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect();
        Migrator::with_migrations(migrations).run(&self.pool).await?;
        Ok(())
    }

    /// The engine behind this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Answers when the database accepts a query (for the readiness probe).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The names of the tables the migrations created (for tests that compare engines).
    pub async fn table_names(&self) -> Result<Vec<String>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
            }
        };
        let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Every (table, column) pair of the schema, sorted (for tests that compare engines).
    pub async fn column_names(&self) -> Result<Vec<(String, String)>, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
            }
            Backend::Postgres => {
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_schema = 'public'"
            }
        };
        let mut rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(&self.pool).await?;
        rows.sort();
        Ok(rows)
    }

    /// Waits for the pool's connections to close (after a graceful shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Milliseconds since the Unix epoch.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `n` bytes from the operating system's random source, as lowercase hex.
fn random_hex(n: usize) -> Result<String, StoreError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

/// Lowercase hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

impl FromStr for Backend {
    type Err = StoreError;
    fn from_str(url: &str) -> Result<Backend, StoreError> {
        Backend::of_url(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_engine() {
        assert_eq!(Backend::of_url("sqlite:critmin.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("postgres://u@h:5432/db").unwrap(), Backend::Postgres);
        assert!(matches!(
            Backend::of_url("mysql://x"),
            Err(StoreError::UnsupportedUrl(_))
        ));
    }

    #[test]
    fn hex_is_lowercase_and_two_digits_per_byte() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(random_hex(16).unwrap().len(), 32);
    }
}
