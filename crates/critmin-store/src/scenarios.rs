//! Saved custom shocks (the request as JSON, who saved it and when) and the results of their
//! runs; and uploaded bilateral trade files with their validation report. The store keeps
//! what it is given: the server validates a scenario by running it and a trade file by
//! importing it before anything is written.

use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, now_ms, random_hex};

fn parse_json(what: &'static str, text: String) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(&text).map_err(|_| StoreError::Corrupt { what, value: text })
}

/// A scenario to save.
#[derive(Debug, Clone)]
pub struct NewScenario {
    /// Name given by the user.
    pub name: String,
    /// Mineral id it applies to.
    pub mineral: String,
    /// The shock request as JSON.
    pub spec: serde_json::Value,
}

/// A saved scenario without its request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSummary {
    /// Random id.
    pub id: String,
    /// Name given by the user.
    pub name: String,
    /// Mineral id.
    pub mineral: String,
    /// Public id of the key that saved it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// A saved scenario with its request.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRecord {
    /// Id, name, mineral, author, time.
    pub summary: ScenarioSummary,
    /// The shock request as JSON.
    pub spec: serde_json::Value,
}

/// One stored run of a saved scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioResult {
    /// Random id.
    pub id: String,
    /// The scenario.
    pub scenario_id: String,
    /// The result document as JSON.
    pub result: serde_json::Value,
    /// Public id of the key that ran it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// An uploaded trade file to store.
#[derive(Debug, Clone)]
pub struct NewTradeDataset {
    /// Name given by the user.
    pub name: String,
    /// `baci` or `comtrade-imports` / `comtrade-exports`.
    pub source: String,
    /// The CSV text as uploaded.
    pub content: String,
    /// The validation report as JSON.
    pub report: serde_json::Value,
}

/// A stored trade file without its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TradeSummary {
    /// Random id.
    pub id: String,
    /// Name given by the user.
    pub name: String,
    /// Format of the file.
    pub source: String,
    /// Public id of the key that uploaded it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// The validation report.
    pub report: serde_json::Value,
}

type ScenarioRow = (String, String, String, String, i64);
type TradeRow = (String, String, String, String, i64, String);

impl Store {
    /// Saves a scenario together with the result of the run that validated it (one
    /// transaction: both or neither). Returns the summary and the result's id.
    pub async fn insert_scenario(
        &self,
        created_by: &str,
        new: &NewScenario,
        result: &serde_json::Value,
    ) -> Result<(ScenarioSummary, String), StoreError> {
        let summary = ScenarioSummary {
            id: random_hex(16)?,
            name: new.name.clone(),
            mineral: new.mineral.clone(),
            created_by: created_by.to_owned(),
            created_at_ms: now_ms(),
        };
        let result_id = random_hex(16)?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO scenarios (id, name, mineral, spec_json, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&summary.id)
        .bind(&summary.name)
        .bind(&summary.mineral)
        .bind(new.spec.to_string())
        .bind(&summary.created_by)
        .bind(summary.created_at_ms)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO scenario_results (id, scenario_id, result_json, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&result_id)
        .bind(&summary.id)
        .bind(result.to_string())
        .bind(&summary.created_by)
        .bind(summary.created_at_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((summary, result_id))
    }

    /// Every saved scenario, oldest first.
    pub async fn list_scenarios(&self) -> Result<Vec<ScenarioSummary>, StoreError> {
        let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "SELECT id, name, mineral, created_by, created_at_ms FROM scenarios ORDER BY created_at_ms, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, mineral, created_by, created_at_ms)| ScenarioSummary {
                id,
                name,
                mineral,
                created_by,
                created_at_ms,
            })
            .collect())
    }

    /// How many scenarios are saved.
    pub async fn count_scenarios(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM scenarios")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// One saved scenario with its request.
    pub async fn get_scenario(&self, id: &str) -> Result<Option<ScenarioRecord>, StoreError> {
        let row: Option<(String, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT id, name, mineral, created_by, created_at_ms, spec_json FROM scenarios WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, name, mineral, created_by, created_at_ms, spec)| {
            Ok(ScenarioRecord {
                summary: ScenarioSummary {
                    id,
                    name,
                    mineral,
                    created_by,
                    created_at_ms,
                },
                spec: parse_json("scenarios.spec_json", spec)?,
            })
        })
        .transpose()
    }

    /// Stores the result of a run of a saved scenario; returns its id. Fails (storing
    /// nothing) when the scenario or the key does not exist.
    pub async fn insert_scenario_result(
        &self,
        scenario_id: &str,
        created_by: &str,
        result: &serde_json::Value,
    ) -> Result<ScenarioResult, StoreError> {
        let stored = ScenarioResult {
            id: random_hex(16)?,
            scenario_id: scenario_id.to_owned(),
            result: result.clone(),
            created_by: created_by.to_owned(),
            created_at_ms: now_ms(),
        };
        sqlx::query(
            "INSERT INTO scenario_results (id, scenario_id, result_json, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&stored.id)
        .bind(&stored.scenario_id)
        .bind(result.to_string())
        .bind(&stored.created_by)
        .bind(stored.created_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(stored)
    }

    /// The stored runs of a scenario, oldest first.
    pub async fn list_scenario_results(&self, scenario_id: &str) -> Result<Vec<ScenarioResult>, StoreError> {
        let rows: Vec<ScenarioRow> = sqlx::query_as(
            "SELECT id, scenario_id, result_json, created_by, created_at_ms FROM scenario_results \
             WHERE scenario_id = $1 ORDER BY created_at_ms, id",
        )
        .bind(scenario_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, scenario_id, result, created_by, created_at_ms)| {
                Ok(ScenarioResult {
                    id,
                    scenario_id,
                    result: parse_json("scenario_results.result_json", result)?,
                    created_by,
                    created_at_ms,
                })
            })
            .collect()
    }

    /// How many scenario results are stored.
    pub async fn count_scenario_results(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM scenario_results")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// Stores an uploaded trade file (one statement) and returns its summary.
    pub async fn insert_trade(&self, created_by: &str, new: &NewTradeDataset) -> Result<TradeSummary, StoreError> {
        let summary = TradeSummary {
            id: random_hex(16)?,
            name: new.name.clone(),
            source: new.source.clone(),
            created_by: created_by.to_owned(),
            created_at_ms: now_ms(),
            report: new.report.clone(),
        };
        sqlx::query(
            "INSERT INTO trade_datasets (id, name, source, content, report_json, created_by, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&summary.id)
        .bind(&summary.name)
        .bind(&summary.source)
        .bind(&new.content)
        .bind(new.report.to_string())
        .bind(&summary.created_by)
        .bind(summary.created_at_ms)
        .execute(&self.pool)
        .await?;
        Ok(summary)
    }

    /// Every stored trade file without its content, oldest first.
    pub async fn list_trade(&self) -> Result<Vec<TradeSummary>, StoreError> {
        let rows: Vec<TradeRow> = sqlx::query_as(
            "SELECT id, name, source, created_by, created_at_ms, report_json FROM trade_datasets ORDER BY created_at_ms, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, source, created_by, created_at_ms, report)| {
                Ok(TradeSummary {
                    id,
                    name,
                    source,
                    created_by,
                    created_at_ms,
                    report: parse_json("trade_datasets.report_json", report)?,
                })
            })
            .collect()
    }

    /// One stored trade file: its summary and content.
    pub async fn get_trade(&self, id: &str) -> Result<Option<(TradeSummary, String)>, StoreError> {
        let row: Option<(String, String, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT id, name, source, created_by, created_at_ms, report_json, content FROM trade_datasets WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, name, source, created_by, created_at_ms, report, content)| {
            Ok((
                TradeSummary {
                    id,
                    name,
                    source,
                    created_by,
                    created_at_ms,
                    report: parse_json("trade_datasets.report_json", report)?,
                },
                content,
            ))
        })
        .transpose()
    }

    /// How many trade files are stored.
    pub async fn count_trade(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM trade_datasets")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
