//! The error every use case returns for bad input: which field, and what was expected.

use critmin_metrics::PartnerSetError;
use critmin_model::Unresolved;

/// A request field whose value cannot be used. `field` is the request's own name for it
/// (`mineral`, `country`, `partners`, `caps[1].country`); each shell shows it its own way (a
/// flag, a query parameter, a JSON path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field, as the request names it.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl FieldError {
    /// An error on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A name the dataset does not know, on `field`.
    pub fn unresolved(field: impl Into<String>, error: &Unresolved) -> FieldError {
        FieldError::new(field, error.to_string())
    }

    /// A partner definition that does not parse, on `field`.
    pub fn partners(field: impl Into<String>, error: &PartnerSetError) -> FieldError {
        FieldError::new(field, error.to_string())
    }
}
