//! The error every use case returns for bad input: `critmin_model::FieldError`, re-exported
//! here for the shells, and the resolvers that name the field when a name is unknown: every
//! request resolves minerals, countries and partner groups through these.

use critmin_metrics::PartnerSet;
pub use critmin_model::FieldError;
use critmin_model::{CountryCode, Dataset, MineralId};

/// A mineral by id or alias ([`Dataset::resolve_mineral`]), naming `field` when unknown.
pub fn resolve_mineral(ds: &Dataset, field: &str, text: &str) -> Result<MineralId, FieldError> {
    ds.resolve_mineral(text)
        .map(|m| m.id.clone())
        .map_err(|e| FieldError::unresolved(field, &e))
}

/// A country of the dataset by ISO3 code ([`Dataset::resolve_country`]), naming `field`.
pub fn resolve_country(ds: &Dataset, field: &str, text: &str) -> Result<CountryCode, FieldError> {
    ds.resolve_country(text).map_err(|e| FieldError::unresolved(field, &e))
}

/// Partner groups and/or ISO3 codes ([`PartnerSet::parse`]), naming `field` when invalid.
pub fn parse_partners(ds: &Dataset, field: &str, text: &str) -> Result<PartnerSet, FieldError> {
    PartnerSet::parse(ds, text).map_err(|e| FieldError::new(field, e.to_string()))
}
