//! The `concentration-overview` job: the concentration of every series (optionally of one
//! source or year), on the public dataset or on a stored one; progress counts minerals.

use critmin_app::concentration::{ConcentrationDocument, ConcentrationQuery, concentration};
use serde::{Deserialize, Serialize};
use utoipa::{PartialSchema, ToSchema};

use crate::AppState;
use crate::error::ApiError;
use crate::jobs::{BoxFuture, JobKind, Started, read, result};

/// The request of a `concentration-overview` job.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverviewRequest {
    /// Id of a stored dataset; the public dataset when absent.
    #[serde(default)]
    pub dataset: Option<String>,
    /// Only this source edition.
    #[serde(default)]
    pub source: Option<String>,
    /// Only this year.
    #[serde(default)]
    pub year: Option<u16>,
}

/// The `concentration-overview` job kind.
pub const CONCENTRATION_OVERVIEW: JobKind = JobKind {
    name: "concentration-overview",
    description: "The concentration of every series (optionally of one source or year), on the public dataset or on a stored dataset; progress counts minerals.",
    schema: OverviewRequest::schema,
    start,
};

fn start(state: &AppState, fields: serde_json::Value) -> BoxFuture<'_, Result<Started, ApiError>> {
    Box::pin(async move {
        let request: OverviewRequest = read(fields)?;
        let dataset = super::dataset_for(state, request.dataset.as_deref()).await?;
        let params = serde_json::to_value(&request).map_err(|e| ApiError::internal(&e))?;
        Ok(Started {
            params,
            compute: Box::new(move |progress| {
                let total = dataset.minerals.len() as i64;
                let mut series = Vec::new();
                let mut left_out = Vec::new();
                progress(0, total);
                for (i, mineral) in dataset.minerals.iter().enumerate() {
                    let query = ConcentrationQuery {
                        mineral: Some(mineral.id.to_string()),
                        stage: None,
                        year: request.year,
                        source: request.source.clone(),
                    };
                    let doc = concentration(&dataset, &query).map_err(|e| e.to_string())?;
                    series.extend(doc.series);
                    left_out.extend(doc.left_out);
                    progress(i as i64 + 1, total);
                }
                result(&ConcentrationDocument { series, left_out })
            }),
            keep: None,
        })
    })
}
