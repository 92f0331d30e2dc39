//! The documents the public-data endpoints return come from `critmin-app` (the same types the
//! CLI prints); this module re-exports them and maps the use cases' errors and the names in a
//! query (mineral, country, partners) to HTTP answers.

use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, Mineral};

use crate::error::ApiError;
pub use crate::error::ProblemRecord;

pub use critmin_app::catalog::{MineralRecord, SeriesRef};
pub use critmin_app::concentration::{ConcentrationDocument, ConcentrationQuery, ConcentrationRecord};
pub use critmin_app::exposure::{ExposureDocument, ExposureQuery, ExposureRecord};
pub use critmin_app::supply::{ShareRecord, SupplyDocument, SupplyError, SupplyQuery};

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
