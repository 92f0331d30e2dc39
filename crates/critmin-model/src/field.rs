//! The one error every request type returns for bad input: which field, and what was expected.

use crate::Unresolved;

/// A request field whose value cannot be used. `field` is the request's own path for it
/// (`mineral`, `cuts[0]`, `caps[1].country`, `network.consumption[1]`); each shell shows it its
/// own way (a flag, a query parameter, a JSON path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// Path of the field at fault.
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
}
