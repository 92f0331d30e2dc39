//! The `shock` and `risk` jobs, on the public dataset: a request is checked against the
//! dataset before the job is stored (400 naming the field), then computed on the blocking pool.

use critmin_app::FieldError as SpecError;
use critmin_app::stress::{RiskSpec, ShockSpec};
use critmin_model::Dataset;
use critmin_network::Scenarios;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Ref, RefOr};

use super::{risk_document, shock_document, spec_error};
use crate::AppState;
use crate::error::ApiError;
use crate::jobs::{BoxFuture, JobKind, ProgressFn, Started, read, result};

/// The `shock` job kind.
pub const SHOCK_JOB: JobKind = JobKind {
    name: "shock",
    description: "A deterministic shock on the public dataset (fields as `POST /api/v1/shocks`); the result is a `ShockDocument`.",
    schema: shock_spec_schema,
    start: start_shock,
};

/// The `risk` job kind.
pub const RISK_JOB: JobKind = JobKind {
    name: "risk",
    description: "A Monte Carlo supply-at-risk run on the public dataset (fields as `critmin risk`: `mineral`, `scenarios` ≤ 1,000,000, `seed`, `country`, `threshold`, probability overrides, `network`); progress counts scenarios; the result is a `RiskDocument`.",
    schema: risk_spec_schema,
    start: start_risk,
};

/// The fields of a shock job: the `ShockSpec` schema.
fn shock_spec_schema() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name("ShockSpec"))
}

/// The fields of a risk job: the `RiskSpec` schema.
fn risk_spec_schema() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name("RiskSpec"))
}

fn start_shock(state: &AppState, fields: serde_json::Value) -> BoxFuture<'_, Result<Started, ApiError>> {
    Box::pin(start(
        state,
        fields,
        |spec: &ShockSpec, ds, scenarios| spec.resolve(ds, scenarios).map(|_| ()),
        |spec, ds, scenarios, progress| {
            progress(0, 1);
            let doc = shock_document(ds, scenarios, spec).map_err(|e| e.to_string())?;
            progress(1, 1);
            result(&doc)
        },
    ))
}

fn start_risk(state: &AppState, fields: serde_json::Value) -> BoxFuture<'_, Result<Started, ApiError>> {
    Box::pin(start(
        state,
        fields,
        |spec: &RiskSpec, ds, scenarios| spec.prepare(ds, scenarios, None).map(|_| ()),
        |spec, ds, scenarios, progress| {
            result(&risk_document(ds, scenarios, spec, progress).map_err(|e| e.to_string())?)
        },
    ))
}

/// Reads a spec, checks it against the public dataset and the named scenarios on the blocking
/// pool (400 naming the field), and starts a job that computes it there.
async fn start<S>(
    state: &AppState,
    fields: serde_json::Value,
    check: fn(&S, &Dataset, &Scenarios) -> Result<(), SpecError>,
    compute: fn(&S, &Dataset, &Scenarios, ProgressFn<'_>) -> Result<serde_json::Value, String>,
) -> Result<Started, ApiError>
where
    S: DeserializeOwned + Serialize + Clone + Send + Sync + 'static,
{
    let spec: S = read(fields)?;
    let (ds, stress, checked) = (state.dataset.clone(), state.stress.clone(), spec.clone());
    crate::blocking(move || {
        let scenarios = stress.scenarios()?;
        check(&checked, &ds, scenarios).map_err(|e| spec_error("", e))
    })
    .await??;
    let params = serde_json::to_value(&spec).map_err(|e| ApiError::internal(&e))?;
    let (ds, stress) = (state.dataset.clone(), state.stress.clone());
    Ok(Started {
        params,
        compute: Box::new(move |progress| {
            let scenarios = stress.scenarios().map_err(|e| e.message().to_owned())?;
            compute(&spec, &ds, scenarios, progress)
        }),
        keep: None,
    })
}
