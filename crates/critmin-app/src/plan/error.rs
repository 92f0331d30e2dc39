//! Why a planner request cannot be composed: a field at fault, every problem of inline
//! project rows, or embedded data that could not be read.

use critmin_data::Problem;

use crate::FieldError;

/// A request that cannot be composed, naming the field at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ComposeError {
    /// A field of the request is wrong; its path is `caps[0].max_share` and the like.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// Project rows are invalid: every problem, each with the field it names
    /// (`projects[1].capacity_t`) and the problem as the validator gave it.
    #[error("{} invalid project row(s): {}", problems.len(), problems.iter().map(|(f, p)| format!("{f}: {}", p.expected)).collect::<Vec<_>>().join("; "))]
    Projects {
        /// (field, problem), in row order.
        problems: Vec<(String, Problem)>,
    },
    /// The embedded data could not be read (not the caller's fault).
    #[error("embedded data: {0}")]
    Data(String),
}

impl ComposeError {
    /// A field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ComposeError {
        ComposeError::Invalid(FieldError::new(field, message))
    }

    /// The path of the (first) field at fault, when the caller is to blame.
    pub fn field(&self) -> Option<&str> {
        match self {
            ComposeError::Invalid(e) => Some(&e.field),
            ComposeError::Projects { problems } => problems.first().map(|(f, _)| f.as_str()),
            ComposeError::Data(_) => None,
        }
    }
}
