//! The documents the public-data endpoints return come from `critmin-app` (the same types the
//! CLI prints); this module maps the use cases' errors to HTTP and keeps the upload records.

use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, Mineral};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

pub use critmin_app::catalog::{MineralRecord, SeriesRef};
pub use critmin_app::concentration::{ConcentrationDocument, ConcentrationQuery, ConcentrationRecord};
pub use critmin_app::exposure::{ExposureDocument, ExposureQuery, ExposureRecord};
pub use critmin_app::supply::{ShareRecord, SupplyDocument, SupplyError, SupplyQuery};

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

/// Resolves a mineral id or alias; 400 naming the parameter otherwise.
pub fn mineral<'a>(ds: &'a Dataset, param: &str, name: &str) -> Result<&'a Mineral, ApiError> {
    ds.resolve_mineral(name)
        .map_err(|e| ApiError::bad_param(param, e.to_string()))
}

/// Resolves an ISO3 country code (case-insensitive); 400 naming the parameter otherwise.
pub fn country(ds: &Dataset, param: &str, code: &str) -> Result<CountryCode, ApiError> {
    ds.resolve_country(code)
        .map_err(|e| ApiError::bad_param(param, e.to_string()))
}

/// Parses `quad+msp+CHL` into a partner set; 400 naming the parameter otherwise.
pub fn partners(ds: &Dataset, text: &str) -> Result<PartnerSet, ApiError> {
    PartnerSet::parse(ds, text).map_err(|e| ApiError::bad_param("partners", e.to_string()))
}

/// A use case's field error as a 400 naming the parameter.
pub fn field_error(e: critmin_app::FieldError) -> ApiError {
    ApiError::bad_param(&e.field, e.message)
}

/// A supply use case's error: 400 for a bad parameter, 404 when no series matches (listing the
/// query strings that would select one), 422 when the shares cannot be computed.
pub fn supply_error(e: SupplyError) -> ApiError {
    match e {
        SupplyError::Field(e) => field_error(e),
        SupplyError::NoSeries { mineral, available } => {
            let available: Vec<String> = available
                .iter()
                .map(|k| format!("stage={}&year={}&source={}", k.stage, k.year, k.source))
                .collect();
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "no_series",
                format!(
                    "no series for {mineral} with those filters; available: {}",
                    available.join("; ")
                ),
            )
        }
        SupplyError::NotComputable(message) => {
            ApiError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "not_computable", message)
        }
    }
}
