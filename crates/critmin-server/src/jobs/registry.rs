//! The kinds of job, each registered by the feature that computes it (a [`JobKind`] constant
//! listed in `lib.rs`): the runner and the routes find a kind by its name and never match on
//! it, so a new job is a new constant, not a new arm.

use std::future::Future;
use std::pin::Pin;

use axum::http::StatusCode;
use critmin_store::Store;
use serde::de::DeserializeOwned;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{AllOfBuilder, RefOr};

use crate::AppState;
use crate::error::ApiError;

/// A boxed future, as a kind's `start` and `keep` return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// `progress(done, total)`, callable from any thread (a Monte Carlo reports from rayon's
/// workers).
pub type ProgressFn<'a> = &'a (dyn Fn(i64, i64) + Send + Sync);

/// The computation of a started job, run on the blocking pool.
pub type Compute = Box<dyn FnOnce(ProgressFn<'_>) -> Result<serde_json::Value, String> + Send>;

/// What a job keeps besides its result (an optimize job's portfolio); it gets the job and
/// the result, and returns the result to store.
pub type Keep =
    Box<dyn FnOnce(Store, JobOwner, serde_json::Value) -> BoxFuture<'static, Result<serde_json::Value, String>> + Send>;

/// The job a [`Keep`] runs for.
#[derive(Debug, Clone)]
pub struct JobOwner {
    /// The job's id.
    pub job_id: String,
    /// Public id of the key that started it (it owns what the job stores).
    pub created_by: String,
}

/// A checked request, ready to run.
pub struct Started {
    /// The request as the job's `params` show it (besides `kind`): everything it computes from.
    pub params: serde_json::Value,
    /// The computation.
    pub compute: Compute,
    /// What to store besides the result, if anything.
    pub keep: Option<Keep>,
}

/// A kind of job.
pub struct JobKind {
    /// The request's `kind` and the stored name.
    pub name: &'static str,
    /// What it computes, for the OpenAPI document.
    pub description: &'static str,
    /// The request's fields besides `kind`, for the OpenAPI document.
    pub schema: fn() -> RefOr<Schema>,
    /// Reads the request's fields (the body without `kind`), checks them (400 naming the field)
    /// and resolves what the job needs, before anything is stored.
    pub start: for<'a> fn(&'a AppState, serde_json::Value) -> BoxFuture<'a, Result<Started, ApiError>>,
}

impl std::fmt::Debug for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobKind")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Every kind of job the server runs.
#[derive(Debug, Clone, Copy)]
pub struct JobRegistry(pub &'static [&'static JobKind]);

impl JobRegistry {
    /// The kind a request names in `kind`, and the request's other fields; a missing or unknown
    /// kind is a 400 worded as serde words a bad enum tag.
    pub fn kind_of(&self, mut body: serde_json::Value) -> Result<(&'static JobKind, serde_json::Value), ApiError> {
        let invalid = |message: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", message);
        let Some(fields) = body.as_object_mut() else {
            return Err(invalid("field `.`: invalid type: expected a job request object".into()));
        };
        let name = match fields.remove("kind") {
            None => return Err(invalid("field `.`: missing field `kind`".into())),
            Some(serde_json::Value::String(name)) => name,
            Some(other) => {
                return Err(
                    invalid(format!("field `kind`: invalid type: {other}, expected a string")).with_field("kind"),
                );
            }
        };
        match self.0.iter().find(|k| k.name == name) {
            Some(kind) => Ok((kind, body)),
            None => Err(invalid(format!(
                "field `.`: unknown variant `{name}`, expected one of {}",
                self.0
                    .iter()
                    .map(|k| format!("`{}`", k.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The OpenAPI schema of a job request: one of the kinds, each its `kind` and its fields.
    pub fn request_schema(&self) -> Schema {
        let mut one_of = OneOfBuilder::new();
        for kind in self.0 {
            let tag = ObjectBuilder::new()
                .property(
                    "kind",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some([kind.name])),
                )
                .required("kind");
            one_of = one_of.item(
                AllOfBuilder::new()
                    .item(tag)
                    .item((kind.schema)())
                    .description(Some(kind.description)),
            );
        }
        Schema::OneOf(one_of.build())
    }
}

/// The job's params as stored: `kind` and the request's fields.
pub(crate) fn tagged(kind: &str, params: serde_json::Value) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert("kind".into(), kind.into());
    if let serde_json::Value::Object(fields) = params {
        map.extend(fields);
    }
    serde_json::Value::Object(map)
}

/// Reads a request's fields as `T`, naming the field at fault (`scenarios`, `caps[1].country`).
pub fn read<T: DeserializeOwned>(fields: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(fields).map_err(|e| {
        let path = e.path().to_string();
        let message = format!("field `{path}`: {}", e.into_inner());
        let err = ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", message);
        if path == "." { err } else { err.with_field(path) }
    })
}

/// Serializes a job's result document.
pub fn result<T: serde::Serialize>(doc: &T) -> Result<serde_json::Value, String> {
    serde_json::to_value(doc).map_err(|e| e.to_string())
}
