//! Imported datasets: the uploaded CSV files and the validation report that accepted them.

use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, now_ms, random_hex};

/// A dataset to store. The caller has validated it; the report says what validation found.
#[derive(Debug, Clone)]
pub struct NewDataset {
    /// Name given by the user.
    pub name: String,
    /// The uploaded files as JSON (name and content of each).
    pub files: serde_json::Value,
    /// The validation report as JSON.
    pub report: serde_json::Value,
}

/// One stored dataset without its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// Random id.
    pub id: String,
    /// Name given by the user.
    pub name: String,
    /// Public id of the key that imported it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
}

/// One stored dataset with its files and report.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetRecord {
    /// Id, name, author, time.
    pub summary: DatasetSummary,
    /// The uploaded files as JSON.
    pub files: serde_json::Value,
    /// The validation report as JSON.
    pub report: serde_json::Value,
}

fn parse_json(what: &'static str, text: String) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(&text).map_err(|_| StoreError::Corrupt { what, value: text })
}

impl Store {
    /// Stores a dataset (one statement: all or nothing) and returns its summary.
    pub async fn insert_dataset(&self, created_by: &str, new: &NewDataset) -> Result<DatasetSummary, StoreError> {
        let summary = DatasetSummary {
            id: random_hex(16)?,
            name: new.name.clone(),
            created_by: created_by.to_owned(),
            created_at_ms: now_ms(),
        };
        sqlx::query(
            "INSERT INTO datasets (id, name, created_by, created_at_ms, files_json, report_json) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&summary.id)
        .bind(&summary.name)
        .bind(&summary.created_by)
        .bind(summary.created_at_ms)
        .bind(new.files.to_string())
        .bind(new.report.to_string())
        .execute(&self.pool)
        .await?;
        Ok(summary)
    }

    /// Every stored dataset, oldest first.
    pub async fn list_datasets(&self) -> Result<Vec<DatasetSummary>, StoreError> {
        let rows: Vec<(String, String, String, i64)> =
            sqlx::query_as("SELECT id, name, created_by, created_at_ms FROM datasets ORDER BY created_at_ms, id")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, created_by, created_at_ms)| DatasetSummary {
                id,
                name,
                created_by,
                created_at_ms,
            })
            .collect())
    }

    /// How many datasets are stored.
    pub async fn count_datasets(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM datasets")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    /// One dataset with its files and report.
    pub async fn get_dataset(&self, id: &str) -> Result<Option<DatasetRecord>, StoreError> {
        let row: Option<(String, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT id, name, created_by, created_at_ms, files_json, report_json FROM datasets WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, name, created_by, created_at_ms, files, report)| {
            Ok(DatasetRecord {
                summary: DatasetSummary {
                    id,
                    name,
                    created_by,
                    created_at_ms,
                },
                files: parse_json("datasets.files_json", files)?,
                report: parse_json("datasets.report_json", report)?,
            })
        })
        .transpose()
    }
}
