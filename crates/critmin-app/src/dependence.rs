//! A country's dependence from real bilateral flows (`critmin dependence`): per (mineral, stage,
//! year), its imports, its suppliers and their shares, the partner and FEOC shares, the HHI of
//! its sources and the change from the year before.

use critmin_model::{Dataset, Group};
use critmin_trade::{Basis, FlowFilter, HsMap, Sourcing, TradeFlows, country_sourcing, hs6_text};
use serde::Serialize;

use crate::FieldError;
use crate::field::{parse_partners, resolve_country, resolve_mineral};
use crate::trade_flows::{
    CountryShare, FlagNote, basis_id, country_shares, flag_ids, flag_notes, iso3, joined_shares, parse_basis,
    parse_stage, sources, year_range,
};

/// Whose dependence, on what, and how it is measured.
#[derive(Debug, Clone)]
pub struct DependenceQuery {
    /// ISO3 code of the importer (field `country`).
    pub country: String,
    /// Only this mineral (field `mineral`; id or alias).
    pub mineral: Option<String>,
    /// Only this chain stage (field `stage`).
    pub stage: Option<String>,
    /// Only this year (field `year`).
    pub year: Option<u16>,
    /// First year (field `from`).
    pub from: Option<u16>,
    /// Last year (field `to`).
    pub to: Option<u16>,
    /// Partner groups and/or ISO3 codes joined by `+` (field `partners`).
    pub partners: String,
    /// `quantity` (contained tonnes) or `value` (field `by`).
    pub by: String,
}

impl DependenceQuery {
    /// Every mineral and year for `country`, MSP partners, by quantity.
    pub fn new(country: &str) -> DependenceQuery {
        DependenceQuery {
            country: country.to_owned(),
            mineral: None,
            stage: None,
            year: None,
            from: None,
            to: None,
            partners: "msp".to_owned(),
            by: "quantity".to_owned(),
        }
    }
}

/// The change of a row from the year before.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DependenceChange {
    /// The year compared with.
    pub previous_year: u16,
    /// Relative change of contained tonnes (0.1 = +10 %; absent when the year before had none).
    pub imports_t: Option<f64>,
    /// Relative change of value.
    pub imports_usd: Option<f64>,
    /// Change of the largest supplier's share (fraction points).
    pub top_share: Option<f64>,
    /// Change of the partner share.
    pub partner_share: Option<f64>,
    /// Change of the FEOC share.
    pub feoc_share: Option<f64>,
    /// Change of the HHI.
    pub hhi: Option<f64>,
}

/// One (mineral, stage, year) of the importer's sourcing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DependenceRecord {
    /// Mineral id.
    pub mineral: String,
    /// Chain stage of the traded forms.
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Importer, ISO3.
    pub importer: String,
    /// HS6 codes read (one HS revision).
    pub hs_codes: Vec<String>,
    /// Their HS revision.
    pub hs_revision: String,
    /// Imports in contained tonnes (`q × factor`; rows without a quantity left out). Built on an
    /// assumed grade when `flags` holds `assumed_factor`.
    pub imports_t: f64,
    /// Imports in current USD (`v × 1000`), every row.
    pub imports_usd: f64,
    /// `quantity` (shares of contained tonnes) or `value` (shares of USD).
    pub basis: String,
    /// Suppliers and their shares on the basis, largest first.
    pub suppliers: Vec<CountryShare>,
    /// Share from the partner group.
    pub partner_share: Option<f64>,
    /// Share from FEOC-covered nations.
    pub feoc_share: Option<f64>,
    /// HHI of the import sources, 0–10,000.
    pub hhi: Option<f64>,
    /// Change from the year before (absent when there were no imports that year).
    pub change: Option<DependenceChange>,
    /// Trade rows read.
    pub rows: u64,
    /// Rows without a quantity: out of `imports_t` and of quantity shares, counted here.
    pub rows_missing_q: u64,
    /// Their value, USD.
    pub value_missing_q_usd: f64,
    /// Known limits of the data this row is built on (see the document's `flags`).
    pub flags: Vec<String>,
}

/// A country's dependence from real flows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DependenceDocument {
    /// Importer, ISO3.
    pub country: String,
    /// Its name.
    pub country_name: String,
    /// Partner definition.
    pub partners: String,
    /// Basis of the shares.
    pub basis: String,
    /// The trade files read, in order of preference (one HS revision per mineral and stage).
    pub trade: Vec<String>,
    /// One row per (mineral, stage, year), sorted so.
    pub rows: Vec<DependenceRecord>,
    /// What each flag in the rows means.
    pub flags: Vec<FlagNote>,
}

/// A dependence row flattened for CSV: suppliers as `ISO3:share;...`, flags `;`-joined.
#[derive(Debug, Clone, Serialize)]
pub struct DependenceCsvRow {
    /// Mineral id.
    pub mineral: String,
    /// Chain stage.
    pub stage: String,
    /// Year.
    pub year: u16,
    /// Importer.
    pub importer: String,
    /// HS6 codes, `;`-joined.
    pub hs_codes: String,
    /// HS revision.
    pub hs_revision: String,
    /// Contained tonnes.
    pub imports_t: f64,
    /// USD.
    pub imports_usd: f64,
    /// Basis.
    pub basis: String,
    /// `ISO3:share` largest first.
    pub suppliers: String,
    /// Partner share.
    pub partner_share: Option<f64>,
    /// FEOC share.
    pub feoc_share: Option<f64>,
    /// HHI.
    pub hhi: Option<f64>,
    /// The year compared with.
    pub previous_year: Option<u16>,
    /// Relative change of tonnes.
    pub imports_t_change: Option<f64>,
    /// Relative change of USD.
    pub imports_usd_change: Option<f64>,
    /// Change of the top share.
    pub top_share_change: Option<f64>,
    /// Change of the HHI.
    pub hhi_change: Option<f64>,
    /// Rows without a quantity.
    pub rows_missing_q: u64,
    /// Flags, `;`-joined.
    pub flags: String,
}

impl DependenceDocument {
    /// The rows flattened for CSV.
    pub fn csv_rows(&self) -> Vec<DependenceCsvRow> {
        self.rows
            .iter()
            .map(|r| DependenceCsvRow {
                mineral: r.mineral.clone(),
                stage: r.stage.clone(),
                year: r.year,
                importer: r.importer.clone(),
                hs_codes: r.hs_codes.join(";"),
                hs_revision: r.hs_revision.clone(),
                imports_t: r.imports_t,
                imports_usd: r.imports_usd,
                basis: r.basis.clone(),
                suppliers: joined_shares(&r.suppliers),
                partner_share: r.partner_share,
                feoc_share: r.feoc_share,
                hhi: r.hhi,
                previous_year: r.change.as_ref().map(|c| c.previous_year),
                imports_t_change: r.change.as_ref().and_then(|c| c.imports_t),
                imports_usd_change: r.change.as_ref().and_then(|c| c.imports_usd),
                top_share_change: r.change.as_ref().and_then(|c| c.top_share),
                hhi_change: r.change.as_ref().and_then(|c| c.hhi),
                rows_missing_q: r.rows_missing_q,
                flags: r.flags.join(";"),
            })
            .collect()
    }
}

/// The importer's dependence on `flows` (HS codes mapped through `map`).
pub fn dependence(
    ds: &Dataset,
    flows: &TradeFlows,
    map: &HsMap,
    query: &DependenceQuery,
) -> Result<DependenceDocument, FieldError> {
    let country = resolve_country(ds, "country", &query.country)?;
    let partners = parse_partners(ds, "partners", &query.partners)?;
    let basis = parse_basis("by", &query.by)?;
    let filter = FlowFilter {
        mineral: query
            .mineral
            .as_deref()
            .map(|m| resolve_mineral(ds, "mineral", m))
            .transpose()?,
        stage: query.stage.as_deref().map(|s| parse_stage("stage", s)).transpose()?,
        years: year_range(query.year, query.from, query.to)?,
    };
    let mut codes: Vec<u16> = flows
        .parts
        .iter()
        .flat_map(|p| p.table.countries().codes_for(country))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if codes.is_empty() {
        return Err(FieldError::new(
            "country",
            format!("{country}: no numeric code of the trade files' country table maps to it"),
        ));
    }
    let is_partner = |c: u16| iso3(flows, c).is_some_and(|iso| partners.contains(iso, ds));
    let is_feoc = |c: u16| iso3(flows, c).is_some_and(|iso| ds.in_group(iso, Group::Feoc));
    let results = country_sourcing(flows, map, &codes, basis, &filter, &is_partner, &is_feoc);
    let flags = flag_notes(results.iter().map(|r| &r.flags));
    let rows = results.iter().map(|r| record(flows, &country.to_string(), r)).collect();
    Ok(DependenceDocument {
        country: country.to_string(),
        country_name: ds
            .country(country)
            .map_or_else(|| country.to_string(), |c| c.name.clone()),
        partners: partners.to_string(),
        basis: basis_id(basis).to_owned(),
        trade: sources(flows),
        rows,
        flags,
    })
}

fn record(flows: &TradeFlows, importer: &str, r: &Sourcing) -> DependenceRecord {
    DependenceRecord {
        mineral: r.mineral.to_string(),
        stage: r.stage.id().to_owned(),
        year: r.year,
        importer: importer.to_owned(),
        hs_codes: r.hs_codes.iter().map(|c| hs6_text(*c)).collect(),
        hs_revision: r.revision.id().to_owned(),
        imports_t: r.imports_tonnes,
        imports_usd: r.imports_value_kusd * 1000.0,
        basis: basis_id(r.basis).to_owned(),
        suppliers: country_shares(flows, &r.suppliers),
        partner_share: r.partner_share,
        feoc_share: r.feoc_share,
        hhi: r.hhi,
        change: r.change.as_ref().map(|c| DependenceChange {
            previous_year: c.previous_year,
            imports_t: c.imports_tonnes,
            imports_usd: c.imports_value,
            top_share: c.top_share,
            partner_share: c.partner_share,
            feoc_share: c.feoc_share,
            hhi: c.hhi,
        }),
        rows: r.rows,
        rows_missing_q: r.rows_missing_quantity,
        value_missing_q_usd: r.value_missing_quantity_kusd * 1000.0,
        flags: flag_ids(&r.flags),
    }
}

/// The basis a document's shares are of, for a reader.
pub fn basis_note(basis: Basis) -> &'static str {
    match basis {
        Basis::Quantity => {
            "shares of contained tonnes (rows without a quantity left out and counted); tonnes from an assumed grade \
             are flagged assumed_factor"
        }
        Basis::Value => "shares of import value in current USD (BACI FOB values)",
    }
}
