//! Jobs: long computations run in the background, with progress and a stored result. The
//! store knows only kinds, JSON parameters and JSON results; the server's runner knows what
//! each kind computes.

use serde::{Deserialize, Serialize};

use crate::{Store, StoreError, now_ms, random_hex};

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Accepted, not started.
    Queued,
    /// Computing.
    Running,
    /// Finished; the result is stored.
    Succeeded,
    /// Stopped with an error (including a server stop while it ran).
    Failed,
}

impl JobStatus {
    /// The lowercase name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
        }
    }

    fn parse(s: String) -> Result<JobStatus, StoreError> {
        Ok(match s.as_str() {
            "queued" => JobStatus::Queued,
            "running" => JobStatus::Running,
            "succeeded" => JobStatus::Succeeded,
            "failed" => JobStatus::Failed,
            _ => {
                return Err(StoreError::Corrupt {
                    what: "jobs.status",
                    value: s,
                });
            }
        })
    }
}

/// One stored job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// Random id.
    pub id: String,
    /// What it computes (the runner's name for it).
    pub kind: String,
    /// Its parameters.
    pub params: serde_json::Value,
    /// Where it is.
    pub status: JobStatus,
    /// Units of work done so far.
    pub progress_done: i64,
    /// Units of work in all (0 while unknown).
    pub progress_total: i64,
    /// The result, once succeeded.
    pub result: Option<serde_json::Value>,
    /// Why it failed.
    pub error: Option<String>,
    /// Public id of the key that started it.
    pub created_by: String,
    /// Unix milliseconds.
    pub created_at_ms: i64,
    /// Unix milliseconds of the last change.
    pub updated_at_ms: i64,
}

type JobRow = (
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    String,
    i64,
    i64,
);

impl Store {
    /// Records a queued job and returns its id.
    pub async fn create_job(
        &self,
        kind: &str,
        params: &serde_json::Value,
        created_by: &str,
    ) -> Result<String, StoreError> {
        let id = random_hex(16)?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO jobs (id, kind, params_json, status, progress_done, progress_total, created_by, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, 'queued', 0, 0, $4, $5, $5)",
        )
        .bind(&id)
        .bind(kind)
        .bind(params.to_string())
        .bind(created_by)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// Marks a job running with `done` of `total` units done.
    pub async fn set_job_progress(&self, id: &str, done: i64, total: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET status = 'running', progress_done = $1, progress_total = $2, updated_at_ms = $3 \
             WHERE id = $4 AND status IN ('queued', 'running')",
        )
        .bind(done)
        .bind(total)
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores the result and marks the job succeeded (progress complete).
    pub async fn finish_job(&self, id: &str, result: &serde_json::Value) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET status = 'succeeded', result_json = $1, progress_done = progress_total, updated_at_ms = $2 \
             WHERE id = $3",
        )
        .bind(result.to_string())
        .bind(now_ms())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks the job failed with `error`.
    pub async fn fail_job(&self, id: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE jobs SET status = 'failed', error = $1, updated_at_ms = $2 WHERE id = $3")
            .bind(error)
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Jobs still queued or running belong to a process that stopped: mark them failed, so
    /// nobody waits on them forever. Called on connect; returns how many.
    pub async fn fail_interrupted_jobs(&self) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'failed', error = 'interrupted: the server stopped while the job ran; start it again', \
             updated_at_ms = $1 WHERE status IN ('queued', 'running')",
        )
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// One job.
    pub async fn get_job(&self, id: &str) -> Result<Option<JobRecord>, StoreError> {
        let row: Option<JobRow> = sqlx::query_as(
            "SELECT id, kind, params_json, status, progress_done, progress_total, result_json, error, created_by, \
             created_at_ms, updated_at_ms FROM jobs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(
            |(id, kind, params, status, done, total, result, error, created_by, created_at_ms, updated_at_ms)| {
                let json = |what, text: String| {
                    serde_json::from_str(&text).map_err(|_| StoreError::Corrupt { what, value: text })
                };
                Ok(JobRecord {
                    id,
                    kind,
                    params: json("jobs.params_json", params)?,
                    status: JobStatus::parse(status)?,
                    progress_done: done,
                    progress_total: total,
                    result: result.map(|r| json("jobs.result_json", r)).transpose()?,
                    error,
                    created_by,
                    created_at_ms,
                    updated_at_ms,
                })
            },
        )
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in [
            JobStatus::Queued,
            JobStatus::Running,
            JobStatus::Succeeded,
            JobStatus::Failed,
        ] {
            assert_eq!(JobStatus::parse(s.as_str().to_owned()).unwrap(), s);
        }
        assert!(JobStatus::parse("done".into()).is_err());
    }
}
