//! Errors as JSON: `{"error": {"status": 400, "code": "invalid_body", "message": "...",
//! "field": "files[0].name"}}`. Every non-2xx answer of the API has this shape; a rejected
//! import adds its data problems ([`ProblemRecord`]).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// HTTP status code, repeated for clients that only see the body.
    pub status: u16,
    /// Stable machine-readable code (`unauthorized`, `forbidden`, `invalid_body`, ...).
    pub code: &'static str,
    /// What to fix, for people.
    pub message: String,
    /// Path of the offending field in the request body (`files[0].name`), when one is to blame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Data problems (file, line, column, value, expected) when an import is rejected.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ProblemRecord>,
}

/// One data problem found by validation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProblemRecord {
    /// File name as uploaded.
    pub file: String,
    /// Line (1 = header).
    pub line: u64,
    /// Column name.
    pub column: Option<String>,
    /// Value found.
    pub value: Option<String>,
    /// What was expected.
    pub expected: String,
    /// The whole message (`file:line: column c: value v: expected …`).
    pub message: String,
}

impl From<&critmin_data::Problem> for ProblemRecord {
    fn from(p: &critmin_data::Problem) -> ProblemRecord {
        ProblemRecord {
            file: p.file.clone(),
            line: p.line,
            column: p.column.clone(),
            value: p.value.clone(),
            expected: p.expected.clone(),
            message: p.to_string(),
        }
    }
}

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    detail: ErrorDetail,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            detail: ErrorDetail {
                status: status.as_u16(),
                code,
                message: message.into(),
                field: None,
                problems: Vec::new(),
            },
        }
    }

    /// Names the field of the body that is wrong.
    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.detail.field = Some(field.into());
        self
    }

    /// Attaches data problems.
    pub fn with_problems(mut self, problems: Vec<ProblemRecord>) -> ApiError {
        self.detail.problems = problems;
        self
    }

    /// 404 for a missing item.
    pub fn not_found(what: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    /// 400 for a bad query parameter.
    pub fn bad_param(name: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "invalid_parameter", message).with_field(name)
    }

    /// 500 for a store failure; the cause goes to the log, not to the client.
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; the server log has the cause",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message, for people.
    pub fn message(&self) -> &str {
        &self.detail.message
    }

    /// The path of the body field at fault, if any.
    pub fn field(&self) -> Option<&str> {
        self.detail.field.as_deref()
    }
}

impl From<critmin_store::StoreError> for ApiError {
    fn from(e: critmin_store::StoreError) -> ApiError {
        ApiError::internal(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { error: self.detail })).into_response()
    }
}
