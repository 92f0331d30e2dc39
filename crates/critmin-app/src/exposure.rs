//! A country's exposure across minerals (`critmin exposure`, `GET /api/v1/exposure/{country}`).

use critmin_metrics::{PartnerSet, country_exposure};
use critmin_model::Dataset;
use serde::Serialize;

use crate::FieldError;

/// Whose exposure, and who counts as a partner.
#[derive(Debug, Clone)]
pub struct ExposureQuery {
    /// ISO3 code of the importing country (field `country`).
    pub country: String,
    /// Partner groups and/or ISO3 codes joined by `+` (field `partners`), e.g. `msp` or
    /// `quad+CHL`.
    pub partners: String,
}

/// One mineral (and one stage of it) in a country's exposure. `country` and `partners` repeat
/// the document's when the record stands alone (the CLI's rows and CSV); in the HTTP document
/// they are left out.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExposureRecord {
    /// ISO3 of the importing country (standalone records only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Partner definition used (standalone records only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partners: Option<String>,
    /// Mineral id.
    pub mineral: String,
    /// Mineral name.
    pub mineral_name: String,
    /// Import reliance in percent.
    pub import_reliance_pct: Option<f64>,
    /// Qualifier of the reliance figure (`>`, `<`, `E`, ...).
    pub import_reliance_qualifier: Option<String>,
    /// Which reliance measure.
    pub import_reliance_metric: Option<String>,
    /// Year of the reliance figure.
    pub import_reliance_year: Option<u16>,
    /// Major import sources, as published.
    pub major_import_sources: Option<String>,
    /// Chain stage.
    pub chain_stage: Option<String>,
    /// Stage id.
    pub stage: Option<String>,
    /// Year of the supply series.
    pub year: Option<u16>,
    /// Source of the supply series.
    pub source: Option<String>,
    /// HHI lower bound.
    pub hhi: Option<f64>,
    /// HHI upper bound.
    pub hhi_upper: Option<f64>,
    /// Largest supplier.
    pub top_country: Option<String>,
    /// Its share.
    pub top_share: Option<f64>,
    /// The country's own share of world supply.
    pub domestic_share: Option<f64>,
    /// Partners' share.
    pub partner_share: Option<f64>,
    /// FEOC-covered share.
    pub feoc_share: Option<f64>,
    /// Share not attributed.
    pub uncovered_share: Option<f64>,
}

/// A country's exposure across minerals.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExposureDocument {
    /// ISO3.
    pub country: String,
    /// Country name.
    pub country_name: String,
    /// Partner definition used.
    pub partners: String,
    /// One record per mineral and stage.
    pub records: Vec<ExposureRecord>,
}

impl ExposureDocument {
    /// The records with the country and partner definition repeated in each, so that each
    /// stands alone (the CLI's output and CSV).
    pub fn standalone_records(&self) -> Vec<ExposureRecord> {
        self.records
            .iter()
            .map(|r| ExposureRecord {
                country: Some(self.country.clone()),
                partners: Some(self.partners.clone()),
                ..r.clone()
            })
            .collect()
    }
}

/// The country's exposure: import reliance, stage concentration, domestic, partner and FEOC
/// shares, for every mineral.
pub fn exposure(ds: &Dataset, query: &ExposureQuery) -> Result<ExposureDocument, FieldError> {
    let country = ds
        .resolve_country(&query.country)
        .map_err(|e| FieldError::unresolved("country", &e))?;
    let partners = PartnerSet::parse(ds, &query.partners).map_err(|e| FieldError::new("partners", e.to_string()))?;
    let exposure = country_exposure(ds, country, &partners);
    let mut records = Vec::new();
    for m in &exposure.minerals {
        let rel = m.reliance;
        let base = || ExposureRecord {
            country: None,
            partners: None,
            mineral: m.mineral.id.to_string(),
            mineral_name: m.mineral.name.clone(),
            import_reliance_pct: rel.and_then(|r| r.value),
            import_reliance_qualifier: rel.and_then(|r| r.qualifier.as_ref()).map(|q| q.as_str().to_owned()),
            import_reliance_metric: rel.map(|r| r.metric.clone()),
            import_reliance_year: rel.map(|r| r.year),
            major_import_sources: rel.map(|r| r.major_import_sources.join("; ")).filter(|s| !s.is_empty()),
            chain_stage: None,
            stage: None,
            year: None,
            source: None,
            hhi: None,
            hhi_upper: None,
            top_country: None,
            top_share: None,
            domestic_share: None,
            partner_share: None,
            feoc_share: None,
            uncovered_share: None,
        };
        if m.stages.is_empty() {
            records.push(base());
        }
        for s in &m.stages {
            let k = &s.supply.series.key;
            records.push(ExposureRecord {
                chain_stage: Some(s.chain_stage.id().to_owned()),
                stage: Some(k.stage.to_string()),
                year: Some(k.year),
                source: Some(k.source.to_string()),
                hhi: Some(s.supply.concentration.hhi),
                hhi_upper: Some(s.supply.concentration.hhi_upper),
                top_country: s.supply.shares.named.first().map(|c| c.country.to_string()),
                top_share: Some(s.supply.concentration.top_share),
                domestic_share: Some(s.lens.domestic_share),
                partner_share: Some(s.lens.partner_share),
                feoc_share: Some(s.lens.feoc_share),
                uncovered_share: Some(s.lens.unattributed_share),
                ..base()
            });
        }
    }
    Ok(ExposureDocument {
        country: country.to_string(),
        country_name: ds
            .country(country)
            .map_or_else(|| country.to_string(), |c| c.name.clone()),
        partners: query.partners.clone(),
        records,
    })
}
