//! Country shares of one series (`critmin supply`, `GET /api/v1/supply`).

use critmin_metrics::SupplyShares;
use critmin_model::{CountryCode, Dataset, Series, SeriesKey, StageId};
use serde::Serialize;

use crate::FieldError;

/// Which series: a mineral, and optionally its stage, year and source.
#[derive(Debug, Clone)]
pub struct SupplyQuery {
    /// Mineral id or alias (field `mineral`).
    pub mineral: String,
    /// Stage id. Default: mine production when the mineral has it, else its latest
    /// non-capacity stage.
    pub stage: Option<String>,
    /// Year. Default: the latest.
    pub year: Option<u16>,
    /// Source edition code. Default: the source naming the most countries.
    pub source: Option<String>,
}

/// Why no supply document could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SupplyError {
    /// A field of the query is invalid.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// No series matches; `available` lists the mineral's series (each shell shows them as the
    /// flags or parameters that would select them).
    #[error("no series for {mineral} with those filters")]
    NoSeries {
        /// Mineral id.
        mineral: String,
        /// Every series of the mineral.
        available: Vec<SeriesKey>,
    },
    /// The series exists but its shares cannot be computed.
    #[error("{0}")]
    NotComputable(String),
}

/// One country's share in a series. The series key fields repeat the document's when the row
/// stands alone (the CLI's rows and CSV); in the HTTP document they are left out.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRecord {
    /// Mineral id (standalone rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mineral: Option<String>,
    /// Stage id (standalone rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// Year (standalone rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Source edition code (standalone rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Unit (standalone rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Rank among named suppliers (1 = largest); none for missing values and the residual.
    pub rank: Option<usize>,
    /// ISO3, or `ROW` for the source's residual.
    pub country: String,
    /// Country name.
    pub country_name: String,
    /// Published value in the unit; none when withheld.
    pub value: Option<f64>,
    /// Share of the total (fraction).
    pub share: Option<f64>,
    /// Source note of the row.
    pub note: String,
}

/// Country shares of one series, with the basis of the total and data-quality notes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplyDocument {
    /// Mineral id.
    pub mineral: String,
    /// Stage id.
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Source edition code.
    pub source: String,
    /// Edition, table and column.
    pub source_detail: String,
    /// Data files it was read from.
    pub files: Vec<String>,
    /// Unit of the values.
    pub unit: String,
    /// Total the shares are of.
    pub total: f64,
    /// What the total is.
    pub total_basis: String,
    /// Published world total, when the source gives one.
    pub published_world_total: Option<f64>,
    /// Sum of the country rows.
    pub sum_of_rows: f64,
    /// Share of the source's residual row.
    pub residual_share: Option<f64>,
    /// Share not attributed to a named supplier.
    pub uncovered_share: f64,
    /// HHI lower bound.
    pub hhi: f64,
    /// HHI upper bound.
    pub hhi_upper: f64,
    /// Top-3 share.
    pub top3_share: f64,
    /// Shares, largest first, then missing values and the residual.
    pub shares: Vec<ShareRecord>,
    /// Data-quality notes.
    pub notes: Vec<String>,
}

impl SupplyDocument {
    /// The same document with the series key repeated in every share row, so that each row
    /// stands alone (the CLI's output and CSV).
    pub fn with_standalone_rows(mut self) -> SupplyDocument {
        for row in &mut self.shares {
            row.mineral = Some(self.mineral.clone());
            row.stage = Some(self.stage.clone());
            row.year = Some(self.year);
            row.source = Some(self.source.clone());
            row.unit = Some(self.unit.clone());
        }
        self
    }
}

/// The series a supply query selects: the given stage, else mine production when the mineral
/// has it, else its latest non-capacity stage; the source naming the most countries.
pub fn select_series<'a>(ds: &'a Dataset, query: &SupplyQuery) -> Result<&'a Series, SupplyError> {
    let mineral = ds
        .resolve_mineral(&query.mineral)
        .map_err(|e| FieldError::unresolved("mineral", &e))?;
    let (year, source) = (query.year, query.source.as_deref());
    let mine = StageId("mine".into());
    let stage = match &query.stage {
        Some(s) => Some(StageId(s.clone())),
        // Mine production is the usual question; fall back to whatever the mineral has.
        None if ds
            .find_series(Some(&mineral.id), Some(&mine), year, source)
            .next()
            .is_some() =>
        {
            Some(mine)
        }
        None => None,
    };
    // `preferred_series` ties its result to every argument; find the same series by key.
    let key = ds
        .preferred_series(&mineral.id, stage.as_ref(), None, year, source)
        .map(|s| s.key.clone());
    key.and_then(|k| ds.series.iter().find(|s| s.key == k))
        .ok_or_else(|| SupplyError::NoSeries {
            mineral: mineral.id.to_string(),
            available: ds
                .find_series(Some(&mineral.id), None, None, None)
                .map(|s| s.key.clone())
                .collect(),
        })
}

/// Country shares of the series the query selects.
pub fn supply(ds: &Dataset, query: &SupplyQuery) -> Result<SupplyDocument, SupplyError> {
    series_supply(ds, select_series(ds, query)?)
}

/// Country shares of one series of `ds`.
pub fn series_supply(ds: &Dataset, series: &Series) -> Result<SupplyDocument, SupplyError> {
    let shares = SupplyShares::from_series(series).map_err(|e| SupplyError::NotComputable(e.to_string()))?;
    let conc = shares.concentration();
    let name = |c: CountryCode| ds.country(c).map_or_else(String::new, |c| c.name.clone());
    let row_note = |code| {
        series
            .countries
            .iter()
            .find(|r| r.country == code)
            .map_or_else(String::new, |r| r.note.clone())
    };
    let row = |rank, country: String, country_name, value, share, note| ShareRecord {
        mineral: None,
        stage: None,
        year: None,
        source: None,
        unit: None,
        rank,
        country,
        country_name,
        value,
        share,
        note,
    };
    let mut records: Vec<ShareRecord> = shares
        .named
        .iter()
        .enumerate()
        .map(|(i, s)| {
            row(
                Some(i + 1),
                s.country.to_string(),
                name(s.country),
                Some(s.value),
                Some(s.share),
                row_note(s.country),
            )
        })
        .collect();
    for code in &shares.missing {
        records.push(row(None, code.to_string(), name(*code), None, None, row_note(*code)));
    }
    if let Some(residual) = &series.residual {
        records.push(row(
            None,
            "ROW".into(),
            "Rest of world (source residual)".into(),
            residual.value,
            shares.residual_share,
            residual.note.clone(),
        ));
    }
    Ok(SupplyDocument {
        mineral: series.key.mineral.to_string(),
        stage: series.key.stage.to_string(),
        year: series.key.year,
        source: series.key.source.to_string(),
        source_detail: series.source_detail.clone(),
        files: series.tables.clone(),
        unit: series.unit.clone(),
        total: shares.total,
        total_basis: shares.basis.id().to_owned(),
        published_world_total: shares.published_world,
        sum_of_rows: shares.sum_of_rows,
        residual_share: shares.residual_share,
        uncovered_share: shares.remainder,
        hhi: conc.hhi,
        hhi_upper: conc.hhi_upper,
        top3_share: conc.top3_share,
        shares: records,
        notes: shares.notes.iter().map(ToString::to_string).collect(),
    })
}
