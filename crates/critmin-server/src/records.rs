//! What the API returns, built from the dataset with `critmin-metrics` only. Field names
//! match the CLI's `--format json` records, so scripts can move between the two.

use critmin_metrics::{
    METHODS_VERSION, PartnerSet, SeriesFilter, SupplyShares, concentration_overview, country_exposure, governance_hhi,
};
use critmin_model::{CountryCode, Dataset, Group, Mineral, Series, StageId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// One mineral and the series available for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MineralRecord {
    /// Id used in URLs (`lithium`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Element symbol(s).
    pub element: String,
    /// Other names accepted wherever a mineral is named.
    pub aliases: Vec<String>,
    /// Critical lists it is on.
    pub critical_lists: Vec<String>,
    /// The series with data: stage, year, source and unit.
    pub series: Vec<SeriesRef>,
}

/// A series key with its unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesRef {
    /// Stage id as the source names it (`mine`, `refined`, ...).
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Source edition code.
    pub source: String,
    /// Unit of the values.
    pub unit: String,
}

/// One series' concentration (same fields as `critmin concentration --format json`).
#[derive(Debug, Clone, Serialize, ToSchema)]
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
#[derive(Debug, Serialize, ToSchema)]
pub struct ConcentrationDocument {
    /// One record per series.
    pub series: Vec<ConcentrationRecord>,
    /// Series left out, with the reason.
    pub left_out: Vec<String>,
}

/// One country's share in a series.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareRecord {
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

/// Country shares of one series (same fields as `critmin supply --format json`).
#[derive(Debug, Serialize, ToSchema)]
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

/// One mineral (and one stage of it) in a country's exposure.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExposureRecord {
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
#[derive(Debug, Serialize, ToSchema)]
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
    ds.mineral(name).ok_or_else(|| {
        let ids: Vec<&str> = ds.minerals.iter().map(|m| m.id.as_str()).collect();
        ApiError::bad_param(
            param,
            format!("unknown mineral `{name}`; expected one of: {}", ids.join(", ")),
        )
    })
}

/// Resolves an ISO3 country code (case-insensitive); 400 naming the parameter otherwise.
pub fn country(ds: &Dataset, param: &str, code: &str) -> Result<CountryCode, ApiError> {
    let parsed: Option<CountryCode> = code.to_ascii_uppercase().parse().ok();
    parsed
        .filter(|c| ds.country(*c).is_some() && !c.is_pseudo())
        .ok_or_else(|| {
            ApiError::bad_param(
                param,
                format!("unknown country `{code}`; expected an ISO 3166-1 alpha-3 code such as IND or USA"),
            )
        })
}

/// Parses `quad+msp+CHL` into a partner set; 400 naming the parameter otherwise.
pub fn partners(ds: &Dataset, text: &str) -> Result<PartnerSet, ApiError> {
    let mut groups = Vec::new();
    let mut countries = Vec::new();
    for part in text.split(['+', ',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<Group>() {
            Ok(g) => groups.push(g),
            Err(group_err) => match country(ds, "partners", part) {
                Ok(c) if part.len() == 3 => countries.push(c),
                _ => {
                    return Err(ApiError::bad_param(
                        "partners",
                        format!("{group_err}, or an ISO3 country code"),
                    ));
                }
            },
        }
    }
    if groups.is_empty() && countries.is_empty() {
        return Err(ApiError::bad_param(
            "partners",
            "needs at least one group or country code, e.g. msp",
        ));
    }
    Ok(PartnerSet::from_groups(groups).with_countries(countries))
}

/// Every mineral with its series.
pub fn minerals(ds: &Dataset) -> Vec<MineralRecord> {
    ds.minerals
        .iter()
        .map(|m| MineralRecord {
            id: m.id.to_string(),
            name: m.name.clone(),
            element: m.element.clone(),
            aliases: m.aliases.clone(),
            critical_lists: m.critical_lists.clone(),
            series: ds
                .find_series(Some(&m.id), None, None, None)
                .map(|s| SeriesRef {
                    stage: s.key.stage.to_string(),
                    year: s.key.year,
                    source: s.key.source.to_string(),
                    unit: s.unit.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The concentration of every series matching `filter`.
pub fn concentration(ds: &Dataset, filter: &SeriesFilter) -> ConcentrationDocument {
    let (rows, failed) = concentration_overview(ds, filter);
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
    ConcentrationDocument { series, left_out }
}

/// The series `critmin supply` would pick: the given stage, else mine production when the
/// mineral has it, else its latest non-capacity stage; the source naming the most countries.
pub fn select_series<'a>(
    ds: &'a Dataset,
    mineral: &Mineral,
    stage: Option<&str>,
    year: Option<u16>,
    source: Option<&str>,
) -> Result<&'a Series, ApiError> {
    let mine = StageId("mine".into());
    let stage = match stage {
        Some(s) => Some(StageId(s.to_owned())),
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
    key.and_then(|k| ds.series.iter().find(|s| s.key == k)).ok_or_else(|| {
        let available: Vec<String> = ds
            .find_series(Some(&mineral.id), None, None, None)
            .map(|s| format!("stage={}&year={}&source={}", s.key.stage, s.key.year, s.key.source))
            .collect();
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "no_series",
            format!(
                "no series for {} with those filters; available: {}",
                mineral.id,
                available.join("; ")
            ),
        )
    })
}

/// Country shares of one series.
pub fn supply(ds: &Dataset, series: &Series) -> Result<SupplyDocument, ApiError> {
    let shares = SupplyShares::from_series(series).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "not_computable",
            e.to_string(),
        )
    })?;
    let conc = shares.concentration();
    let name = |c: CountryCode| ds.country(c).map_or_else(String::new, |c| c.name.clone());
    let row_note = |code| {
        series
            .countries
            .iter()
            .find(|r| r.country == code)
            .map_or_else(String::new, |r| r.note.clone())
    };
    let mut records: Vec<ShareRecord> = shares
        .named
        .iter()
        .enumerate()
        .map(|(i, s)| ShareRecord {
            rank: Some(i + 1),
            country: s.country.to_string(),
            country_name: name(s.country),
            value: Some(s.value),
            share: Some(s.share),
            note: row_note(s.country),
        })
        .collect();
    for code in &shares.missing {
        records.push(ShareRecord {
            rank: None,
            country: code.to_string(),
            country_name: name(*code),
            value: None,
            share: None,
            note: row_note(*code),
        });
    }
    if let Some(row) = &series.residual {
        records.push(ShareRecord {
            rank: None,
            country: "ROW".into(),
            country_name: "Rest of world (source residual)".into(),
            value: row.value,
            share: shares.residual_share,
            note: row.note.clone(),
        });
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

/// A country's exposure with the partner definition `partners_label`.
pub fn exposure(ds: &Dataset, country: CountryCode, partners: &PartnerSet, partners_label: &str) -> ExposureDocument {
    let exposure = country_exposure(ds, country, partners);
    let mut records = Vec::new();
    for m in &exposure.minerals {
        let rel = m.reliance;
        let base = || ExposureRecord {
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
    ExposureDocument {
        country: country.to_string(),
        country_name: ds
            .country(country)
            .map_or_else(|| country.to_string(), |c| c.name.clone()),
        partners: partners_label.to_owned(),
        records,
    }
}
