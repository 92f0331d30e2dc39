//! Concentration of world trade in a mineral year by year (`critmin trend`): HHI, top-3 share,
//! the top country and the FEOC share, on the exporters' or the importers' side.

use critmin_model::{Dataset, Group};
use critmin_trade::{FlowFilter, HsMap, Side, TradeFlows, WorldConcentration, hs6_text, world_concentration};
use serde::Serialize;

use crate::FieldError;
use crate::field::resolve_mineral;
use crate::trade_flows::{
    CountryShare, FlagNote, basis_id, country_shares, flag_ids, flag_notes, iso3, joined_shares, parse_basis,
    parse_stage, sources, year_range,
};

/// Which mineral, which side, which years.
#[derive(Debug, Clone)]
pub struct TrendQuery {
    /// Mineral id or alias (field `mineral`).
    pub mineral: String,
    /// Only this chain stage (field `stage`).
    pub stage: Option<String>,
    /// `exporter` or `importer` (field `side`).
    pub side: String,
    /// `value` or `quantity` (field `by`).
    pub by: String,
    /// Only this year (field `year`).
    pub year: Option<u16>,
    /// First year (field `from`).
    pub from: Option<u16>,
    /// Last year (field `to`).
    pub to: Option<u16>,
}

impl TrendQuery {
    /// Every stage and year of `mineral`, exporters' side, by value.
    pub fn new(mineral: &str) -> TrendQuery {
        TrendQuery {
            mineral: mineral.to_owned(),
            stage: None,
            side: "exporter".to_owned(),
            by: "value".to_owned(),
            year: None,
            from: None,
            to: None,
        }
    }
}

/// One (mineral, stage, year) of world trade.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendRecord {
    /// Mineral id.
    pub mineral: String,
    /// Chain stage of the traded forms.
    pub stage: String,
    /// Year.
    pub year: u16,
    /// `exporter` or `importer` shares.
    pub side: String,
    /// `value` or `quantity`.
    pub basis: String,
    /// HS6 codes read (one HS revision).
    pub hs_codes: Vec<String>,
    /// Their HS revision.
    pub hs_revision: String,
    /// World trade on the basis: USD (value) or contained tonnes (quantity; built on an assumed
    /// grade when `flags` holds `assumed_factor`).
    pub world_total: f64,
    /// Countries with a positive amount.
    pub n_countries: u32,
    /// HHI, 0–10,000.
    pub hhi: Option<f64>,
    /// Summed share of the three largest.
    pub top3_share: Option<f64>,
    /// The largest country.
    pub top_country: Option<String>,
    /// Its share.
    pub top_share: Option<f64>,
    /// The three largest with their shares, largest first.
    pub top3: Vec<CountryShare>,
    /// Share of FEOC-covered nations.
    pub feoc_share: Option<f64>,
    /// Trade rows read.
    pub rows: u64,
    /// Rows without a quantity (out of quantity shares).
    pub rows_missing_q: u64,
    /// Known limits of the data this row is built on.
    pub flags: Vec<String>,
}

/// A mineral's trade concentration over time.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendDocument {
    /// Mineral id.
    pub mineral: String,
    /// Mineral name.
    pub mineral_name: String,
    /// `exporter` or `importer`.
    pub side: String,
    /// `value` or `quantity`.
    pub basis: String,
    /// The trade files read, in order of preference (one HS revision per mineral and stage).
    pub trade: Vec<String>,
    /// One row per (stage, year).
    pub rows: Vec<TrendRecord>,
    /// What each flag in the rows means.
    pub flags: Vec<FlagNote>,
}

/// A trend row flattened for CSV.
#[derive(Debug, Clone, Serialize)]
pub struct TrendCsvRow {
    /// Mineral id.
    pub mineral: String,
    /// Chain stage.
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Side.
    pub side: String,
    /// Basis.
    pub basis: String,
    /// HS6 codes, `;`-joined.
    pub hs_codes: String,
    /// HS revision.
    pub hs_revision: String,
    /// World total (USD or contained tonnes).
    pub world_total: f64,
    /// Countries.
    pub n_countries: u32,
    /// HHI.
    pub hhi: Option<f64>,
    /// Top-3 share.
    pub top3_share: Option<f64>,
    /// `ISO3:share` of the three largest.
    pub top3: String,
    /// FEOC share.
    pub feoc_share: Option<f64>,
    /// Flags, `;`-joined.
    pub flags: String,
}

impl TrendDocument {
    /// The rows flattened for CSV.
    pub fn csv_rows(&self) -> Vec<TrendCsvRow> {
        self.rows
            .iter()
            .map(|r| TrendCsvRow {
                mineral: r.mineral.clone(),
                stage: r.stage.clone(),
                year: r.year,
                side: r.side.clone(),
                basis: r.basis.clone(),
                hs_codes: r.hs_codes.join(";"),
                hs_revision: r.hs_revision.clone(),
                world_total: r.world_total,
                n_countries: r.n_countries,
                hhi: r.hhi,
                top3_share: r.top3_share,
                top3: joined_shares(&r.top3),
                feoc_share: r.feoc_share,
                flags: r.flags.join(";"),
            })
            .collect()
    }
}

fn parse_side(text: &str) -> Result<Side, FieldError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "exporter" => Ok(Side::Exporter),
        "importer" => Ok(Side::Importer),
        other => Err(FieldError::new(
            "side",
            format!("`{other}`: expected `exporter` or `importer`"),
        )),
    }
}

/// The mineral's world-trade concentration per stage and year on `flows`.
pub fn trend(ds: &Dataset, flows: &TradeFlows, map: &HsMap, query: &TrendQuery) -> Result<TrendDocument, FieldError> {
    let mineral = resolve_mineral(ds, "mineral", &query.mineral)?;
    let side = parse_side(&query.side)?;
    let basis = parse_basis("by", &query.by)?;
    let filter = FlowFilter {
        mineral: Some(mineral.clone()),
        stage: query.stage.as_deref().map(|s| parse_stage("stage", s)).transpose()?,
        years: year_range(query.year, query.from, query.to)?,
    };
    let is_feoc = |c: u16| iso3(flows, c).is_some_and(|iso| ds.in_group(iso, Group::Feoc));
    let results = world_concentration(flows, map, side, basis, &filter, &is_feoc);
    let flags = flag_notes(results.iter().map(|r| &r.flags));
    Ok(TrendDocument {
        mineral_name: ds
            .mineral(mineral.as_str())
            .map_or_else(|| mineral.to_string(), |m| m.name.clone()),
        mineral: mineral.to_string(),
        side: side_id(side).to_owned(),
        basis: basis_id(basis).to_owned(),
        trade: sources(flows),
        rows: results.iter().map(|r| record(flows, r)).collect(),
        flags,
    })
}

fn side_id(side: Side) -> &'static str {
    match side {
        Side::Exporter => "exporter",
        Side::Importer => "importer",
    }
}

fn record(flows: &TradeFlows, r: &WorldConcentration) -> TrendRecord {
    let top3 = country_shares(flows, &r.top3);
    TrendRecord {
        mineral: r.mineral.to_string(),
        stage: r.stage.id().to_owned(),
        year: r.year,
        side: side_id(r.side).to_owned(),
        basis: basis_id(r.basis).to_owned(),
        hs_codes: r.hs_codes.iter().map(|c| hs6_text(*c)).collect(),
        hs_revision: r.revision.id().to_owned(),
        world_total: match r.basis {
            critmin_trade::Basis::Value => r.total * 1000.0,
            critmin_trade::Basis::Quantity => r.total,
        },
        n_countries: r.n_countries,
        hhi: r.hhi,
        top3_share: r.top3_share,
        top_country: top3.first().map(|s| s.country.clone()),
        top_share: top3.first().map(|s| s.share),
        top3,
        feoc_share: r.feoc_share,
        rows: r.rows,
        rows_missing_q: r.rows_missing_quantity,
        flags: flag_ids(&r.flags),
    }
}
