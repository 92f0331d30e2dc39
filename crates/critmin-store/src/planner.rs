//! The planner's stored shapes: projects users import (the validated CSV row of each, so
//! they are read back through the same validator) and portfolios (optimizer results, an
//! infeasible run stored with its explanation).
//!
//! An import is one transaction: every project or none. One request holds at most
//! [`MAX_PROJECTS_PER_REQUEST`] projects; a project id is unique among stored projects.

use serde::{Deserialize, Serialize};
use sqlx::AssertSqlSafe;

use crate::{Store, StoreError, now_ms, random_hex};

/// Most projects one import may hold.
pub const MAX_PROJECTS_PER_REQUEST: usize = 1000;

/// Why projects were not stored. Nothing of a refused import is kept.
#[derive(Debug, thiserror::Error)]
pub enum PlannerStoreError {
    /// The import holds no project.
    #[error("the import holds no project")]
    Empty,
    /// The import holds more projects than one request may.
    #[error("{count} projects in one import: at most {max}")]
    TooManyProjects {
        /// Projects in the request.
        count: usize,
        /// The cap ([`MAX_PROJECTS_PER_REQUEST`]).
        max: usize,
    },
    /// A project id is already stored, or given twice in the import.
    #[error("project id `{id}` is already used (position {index} of the import)")]
    DuplicateId {
        /// The id.
        id: String,
        /// Position in the import (from 0).
        index: usize,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PlannerStoreError {
    fn from(e: sqlx::Error) -> PlannerStoreError {
        PlannerStoreError::Store(StoreError::Database(e))
    }
}

/// A validated project to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProject {
    /// The project's own id (unique among stored projects).
    pub id: String,
    /// Name.
    pub name: String,
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Location (ISO3).
    pub country: String,
    /// The validated CSV text of this one project (header and row).
    pub csv: String,
}

/// A stored project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredProject {
    /// The project's own id.
    pub id: String,
    /// Id of the import it came with.
    pub import_id: String,
    /// Name.
    pub name: String,
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Location (ISO3).
    pub country: String,
    /// The validated CSV text (header and row).
    pub csv: String,
    /// Public id of the key that imported it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// An optimizer result to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPortfolio {
    /// The job that computed it, if any.
    pub job_id: Option<String>,
    /// Buyer label.
    pub buyer: String,
    /// Mineral id.
    pub mineral: String,
    /// `optimal`, `time_limit` or `infeasible`.
    pub status: String,
    /// The request as given (JSON).
    pub spec: serde_json::Value,
    /// The solution, or the violations of an infeasible problem (JSON).
    pub result: serde_json::Value,
    /// Why there is no portfolio (infeasible runs).
    pub explanation: Option<String>,
}

/// A stored portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioRecord {
    /// Random id.
    pub id: String,
    /// Fields as given.
    pub new: NewPortfolio,
    /// Public id of the key that asked for it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

type ProjectRow = (String, String, String, String, String, String, String, String, i64);
type PortfolioRow = (
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
);

const PROJECT_COLUMNS: &str = "id, import_id, name, mineral, stage, country, csv_text, created_by, created_at_ms";
const PORTFOLIO_COLUMNS: &str =
    "id, job_id, buyer, mineral, status, spec_json, result_json, explanation, created_by, created_at_ms";

fn project(row: ProjectRow) -> StoredProject {
    let (id, import_id, name, mineral, stage, country, csv, created_by, created_at_ms) = row;
    StoredProject {
        id,
        import_id,
        name,
        mineral,
        stage,
        country,
        csv,
        created_by,
        created_at_ms,
    }
}

fn portfolio(row: PortfolioRow) -> Result<PortfolioRecord, StoreError> {
    let (id, job_id, buyer, mineral, status, spec, result, explanation, created_by, created_at_ms) = row;
    let json = |what, text: String| serde_json::from_str(&text).map_err(|_| StoreError::Corrupt { what, value: text });
    Ok(PortfolioRecord {
        id,
        new: NewPortfolio {
            job_id,
            buyer,
            mineral,
            status,
            spec: json("portfolios.spec_json", spec)?,
            result: json("portfolios.result_json", result)?,
            explanation,
        },
        created_by,
        created_at_ms,
    })
}

impl Store {
    /// Stores the projects of one import in one transaction (all or none) and returns the
    /// import's id. Refused, with nothing stored: an empty import, more than
    /// [`MAX_PROJECTS_PER_REQUEST`] projects, an id given twice or already stored.
    pub async fn insert_projects(
        &self,
        created_by: &str,
        projects: &[NewProject],
    ) -> Result<String, PlannerStoreError> {
        if projects.is_empty() {
            return Err(PlannerStoreError::Empty);
        }
        if projects.len() > MAX_PROJECTS_PER_REQUEST {
            return Err(PlannerStoreError::TooManyProjects {
                count: projects.len(),
                max: MAX_PROJECTS_PER_REQUEST,
            });
        }
        let mut seen = std::collections::HashSet::new();
        for (index, p) in projects.iter().enumerate() {
            if !seen.insert(p.id.as_str()) {
                return Err(PlannerStoreError::DuplicateId {
                    id: p.id.clone(),
                    index,
                });
            }
        }
        let import_id = random_hex(16)?;
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        for (index, p) in projects.iter().enumerate() {
            let inserted = sqlx::query(
                "INSERT INTO projects (id, import_id, name, mineral, stage, country, csv_text, created_by, created_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&p.id)
            .bind(&import_id)
            .bind(&p.name)
            .bind(&p.mineral)
            .bind(&p.stage)
            .bind(&p.country)
            .bind(&p.csv)
            .bind(created_by)
            .bind(now)
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {}
                // Already stored (by an earlier import or a concurrent one): the primary key
                // refuses it and the transaction rolls back. Inserting first (no read before)
                // takes SQLite's write lock at once, so concurrent imports queue, not fail.
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(PlannerStoreError::DuplicateId {
                        id: p.id.clone(),
                        index,
                    });
                }
                Err(e) => return Err(e.into()),
            }
        }
        tx.commit().await?;
        Ok(import_id)
    }

    /// Every stored project, oldest first.
    pub async fn list_projects(&self) -> Result<Vec<StoredProject>, StoreError> {
        let rows: Vec<ProjectRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {PROJECT_COLUMNS} FROM projects ORDER BY created_at_ms, import_id, id"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(project).collect())
    }

    /// One stored project.
    pub async fn get_project(&self, id: &str) -> Result<Option<StoredProject>, StoreError> {
        let row: Option<ProjectRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {PROJECT_COLUMNS} FROM projects WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(project))
    }

    /// How many projects are stored.
    pub async fn count_projects(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM projects")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Stores an optimizer result (one statement).
    pub async fn insert_portfolio(&self, created_by: &str, new: &NewPortfolio) -> Result<PortfolioRecord, StoreError> {
        let record = PortfolioRecord {
            id: random_hex(16)?,
            new: new.clone(),
            created_by: created_by.to_owned(),
            created_at_ms: now_ms(),
        };
        sqlx::query(
            "INSERT INTO portfolios (id, job_id, buyer, mineral, status, spec_json, result_json, explanation, created_by, \
             created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&record.id)
        .bind(&new.job_id)
        .bind(&new.buyer)
        .bind(&new.mineral)
        .bind(&new.status)
        .bind(new.spec.to_string())
        .bind(new.result.to_string())
        .bind(&new.explanation)
        .bind(created_by)
        .bind(record.created_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(record)
    }

    /// The latest `limit` portfolios, newest first.
    pub async fn list_portfolios(&self, limit: i64) -> Result<Vec<PortfolioRecord>, StoreError> {
        let rows: Vec<PortfolioRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {PORTFOLIO_COLUMNS} FROM portfolios ORDER BY created_at_ms DESC, id DESC LIMIT $1"
        )))
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(portfolio).collect()
    }

    /// One portfolio.
    pub async fn get_portfolio(&self, id: &str) -> Result<Option<PortfolioRecord>, StoreError> {
        let row: Option<PortfolioRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {PORTFOLIO_COLUMNS} FROM portfolios WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(portfolio).transpose()
    }

    /// The portfolio a job saved, if any.
    pub async fn portfolio_of_job(&self, job_id: &str) -> Result<Option<PortfolioRecord>, StoreError> {
        let row: Option<PortfolioRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {PORTFOLIO_COLUMNS} FROM portfolios WHERE job_id = $1"
        )))
        .bind(job_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(portfolio).transpose()
    }
}
