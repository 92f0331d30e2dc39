//! Concentration of every series matching a filter (`critmin concentration`,
//! `GET /api/v1/concentration`).

use critmin_metrics::{METHODS_VERSION, SeriesFilter, concentration_overview, governance_hhi};
use critmin_model::{Dataset, StageId};
use serde::Serialize;

use crate::FieldError;

/// Which series to cover; every part optional.
#[derive(Debug, Clone, Default)]
pub struct ConcentrationQuery {
    /// Mineral id or alias (field `mineral`).
    pub mineral: Option<String>,
    /// Stage id.
    pub stage: Option<String>,
    /// Year.
    pub year: Option<u16>,
    /// Source edition code.
    pub source: Option<String>,
}

/// One series' concentration. `hhi` is the lower bound (the source's residual and any
/// uncovered part left out), `hhi_upper` counts it as one supplier.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConcentrationRecord {
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Chain stage (`reserves`, `mining`, `processing`, `manufacturing`).
    pub chain_stage: String,
    /// True when the series measures capacity, not output.
    pub capacity: bool,
    /// Year.
    pub year: u16,
    /// Source edition code.
    pub source: String,
    /// Unit of the values.
    pub unit: String,
    /// HHI (0–10,000), lower bound: the residual and any uncovered part left out.
    pub hhi: f64,
    /// HHI upper bound: the uncovered part counted as one supplier.
    pub hhi_upper: f64,
    /// DOJ/FTC band of the lower bound.
    pub band: String,
    /// Share of the three largest suppliers (fraction).
    pub top3_share: f64,
    /// Largest supplier (ISO3).
    pub top_country: Option<String>,
    /// Its share (fraction).
    pub top_share: f64,
    /// Share of FEOC-covered nations (fraction).
    pub feoc_share: f64,
    /// Number of named suppliers.
    pub n_suppliers: usize,
    /// Effective number of suppliers (10,000 / HHI upper).
    pub effective_suppliers_lower: Option<f64>,
    /// Effective number of suppliers (10,000 / HHI lower).
    pub effective_suppliers_upper: Option<f64>,
    /// Governance-weighted HHI, lower bound (0–10; WGI risk, 10 = weakest).
    pub hhi_wgi: f64,
    /// Governance-weighted HHI, upper bound.
    pub hhi_wgi_upper: f64,
    /// Share not attributed to a named supplier (fraction).
    pub uncovered_share: f64,
    /// Total the shares are of, in the unit.
    pub total: f64,
    /// What the total is (`published_world_total` or `sum_of_rows`).
    pub total_basis: String,
    /// Version of the methods.
    pub method_version: String,
    /// Data-quality notes, joined by `; `.
    pub notes: String,
}

/// Concentration of the matching series, and those that could not be computed.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConcentrationDocument {
    /// One record per series.
    pub series: Vec<ConcentrationRecord>,
    /// Series left out, with the reason (`mineral stage year source: why`).
    pub left_out: Vec<String>,
}

/// The concentration of every series the query matches.
pub fn concentration(ds: &Dataset, query: &ConcentrationQuery) -> Result<ConcentrationDocument, FieldError> {
    let mineral = query
        .mineral
        .as_deref()
        .map(|m| ds.resolve_mineral(m).map_err(|e| FieldError::unresolved("mineral", &e)))
        .transpose()?;
    let filter = SeriesFilter {
        mineral: mineral.map(|m| m.id.clone()),
        stage: query.stage.clone().map(StageId),
        year: query.year,
        source: query.source.clone(),
    };
    let (rows, failed) = concentration_overview(ds, &filter);
    let series = rows
        .iter()
        .map(|c| {
            let k = &c.series.key;
            let wgi = governance_hhi(&c.shares, ds);
            ConcentrationRecord {
                mineral: k.mineral.to_string(),
                stage: k.stage.to_string(),
                chain_stage: c.chain_stage.map_or("", |s| s.id()).to_owned(),
                capacity: c.capacity,
                year: k.year,
                source: k.source.to_string(),
                unit: c.series.unit.clone(),
                hhi: c.concentration.hhi,
                hhi_upper: c.concentration.hhi_upper,
                band: c.concentration.band_lower().map_or("", |b| b.id()).to_owned(),
                top3_share: c.concentration.top3_share,
                top_country: c.shares.named.first().map(|s| s.country.to_string()),
                top_share: c.concentration.top_share,
                feoc_share: c.feoc_share,
                n_suppliers: c.concentration.n_suppliers,
                effective_suppliers_lower: c.concentration.effective_suppliers_lower,
                effective_suppliers_upper: c.concentration.effective_suppliers_upper,
                hhi_wgi: wgi.lower,
                hhi_wgi_upper: wgi.upper,
                uncovered_share: c.shares.remainder,
                total: c.shares.total,
                total_basis: c.shares.basis.id().to_owned(),
                method_version: METHODS_VERSION.to_owned(),
                notes: c
                    .shares
                    .notes
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            }
        })
        .collect();
    let left_out = failed
        .iter()
        .map(|(k, why)| format!("{} {} {} {}: {why}", k.mineral, k.stage, k.year, k.source))
        .collect();
    Ok(ConcentrationDocument { series, left_out })
}
