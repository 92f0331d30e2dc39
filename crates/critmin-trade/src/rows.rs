//! The rows `critmin trade hhi` and `critmin trade dependence` print and the server's
//! `/api/v1/trade/{id}/hhi` and `/dependence` answer: one builder, so both shells give the
//! same rows for the same file and filters. The row types are the crate's serialization edge.

use critmin_metrics::PartnerSet;
use critmin_model::{CountryCode, Dataset, Group, MineralId};
use serde::Serialize;

use crate::codes::CountryTable;
use crate::dependence::importer_dependence;
use crate::hhi::{Basis, ProductConcentration, Side};
use crate::hs::{HsMap, HsRevision};
use crate::table::{TradeTable, hs6_text};

/// A query parameter that cannot be used, and its name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {message}")]
pub struct QueryError {
    /// Parameter name (`importer`, `product`).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// Which HHI rows to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HhiFilter {
    /// Only these HS6 codes (all when empty).
    pub products: Vec<u32>,
    /// Only this year.
    pub year: Option<u16>,
    /// Only codes the HS map maps to a mineral.
    pub minerals_only: bool,
}

/// Parses six-digit HS codes.
pub fn parse_products<S: AsRef<str>>(codes: &[S]) -> Result<Vec<u32>, QueryError> {
    codes
        .iter()
        .map(|p| {
            let p = p.as_ref().trim();
            match p.parse::<u32>() {
                Ok(code) if p.len() == 6 => Ok(code),
                _ => Err(QueryError {
                    field: "product",
                    message: format!("`{p}`: expected a six-digit HS code such as 283691"),
                }),
            }
        })
        .collect()
}

/// One (year, product) HHI row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HhiRow {
    /// Year.
    pub t: u16,
    /// HS6 code, six digits.
    pub k: String,
    /// `exporter` or `importer` shares.
    pub side: &'static str,
    /// `value` or `quantity`.
    pub basis: &'static str,
    /// HHI on 0–10,000 (absent without any positive flow).
    pub hhi: Option<f64>,
    /// Countries with a positive flow.
    pub n_countries: u32,
    /// The largest country.
    pub top_country: Option<String>,
    /// Its share.
    pub top_share: Option<f64>,
    /// Total value (thousand USD) or quantity (tonnes).
    pub total: f64,
    /// Rows of the group.
    pub rows: u64,
    /// Rows without a quantity.
    pub rows_missing_q: u64,
    /// Minerals the code maps to, `;`-joined.
    pub minerals: String,
    /// Whether a mapping is lumped (the code covers other materials too).
    pub lumped: bool,
}

/// The HHI rows of `results` (from [`crate::product_concentration`] or the cache) kept by
/// `filter`, with country labels from `countries` and minerals from `map`.
#[allow(clippy::too_many_arguments)]
pub fn hhi_rows(
    results: Vec<ProductConcentration>,
    countries: &CountryTable,
    map: &HsMap,
    revision: HsRevision,
    side: Side,
    basis: Basis,
    filter: &HhiFilter,
) -> Vec<HhiRow> {
    results
        .into_iter()
        .filter(|r| filter.products.is_empty() || filter.products.contains(&r.group.product))
        .filter(|r| filter.year.is_none_or(|y| y == r.group.year))
        .filter_map(|r| {
            let mapped: Vec<_> = map.lookup(r.group.product, revision).collect();
            if filter.minerals_only && mapped.is_empty() {
                return None;
            }
            Some(HhiRow {
                t: r.group.year,
                k: hs6_text(r.group.product),
                side: match side {
                    Side::Exporter => "exporter",
                    Side::Importer => "importer",
                },
                basis: match basis {
                    Basis::Value => "value",
                    Basis::Quantity => "quantity",
                },
                hhi: r.hhi,
                n_countries: r.n_countries,
                top_country: r.top.map(|(c, _)| countries.label(c)),
                top_share: r.top.map(|(_, s)| s),
                total: r.total,
                rows: r.rows,
                rows_missing_q: r.rows_missing_quantity,
                minerals: mapped.iter().map(|m| m.mineral.as_str()).collect::<Vec<_>>().join(";"),
                lumped: mapped.iter().any(|m| m.lumped),
            })
        })
        .collect()
}

/// The numeric trade codes of an importer given as ISO3 or as a number, and its label.
pub fn importer_codes(table: &TradeTable, text: &str) -> Result<(Vec<u16>, String), QueryError> {
    let err = |message: String| QueryError {
        field: "importer",
        message,
    };
    let countries = table.countries();
    if let Ok(code) = text.trim().parse::<u16>() {
        if countries.contains(code) {
            return Ok((vec![code], countries.label(code)));
        }
        return Err(err(format!(
            "{text}: not a code of the country table ({})",
            countries.source
        )));
    }
    let iso: CountryCode = text.trim().to_ascii_uppercase().parse().map_err(|_| {
        err(format!(
            "`{text}`: expected an ISO3 code such as IND or a numeric code such as 699"
        ))
    })?;
    let codes = countries.codes_for(iso);
    if codes.is_empty() {
        return Err(err(format!(
            "{iso}: no numeric code of the country table ({}) maps to it",
            countries.source
        )));
    }
    Ok((codes, iso.to_string()))
}

/// One (year, mineral, stage) row of an importer's dependence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DependenceRow {
    /// Year.
    pub year: u16,
    /// Importer (ISO3 or the table's label).
    pub importer: String,
    /// Mineral id.
    pub mineral: String,
    /// Chain stage id.
    pub stage: &'static str,
    /// HS6 codes, `;`-joined.
    pub hs_codes: String,
    /// Whether a code is lumped.
    pub lumped: bool,
    /// `value` or `contained_tonnes`.
    pub basis: &'static str,
    /// Imports, thousand USD.
    pub value_kusd: f64,
    /// Imports, contained tonnes.
    pub contained_t: f64,
    /// Suppliers with a positive flow.
    pub n_suppliers: u32,
    /// The largest supplier.
    pub top_supplier: Option<String>,
    /// Its share.
    pub top_share: Option<f64>,
    /// The partner definition.
    pub partners: String,
    /// Share from partners.
    pub partner_share: Option<f64>,
    /// Share from FEOC-covered countries.
    pub feoc_share: Option<f64>,
    /// Supplier HHI, 0–10,000.
    pub hhi: Option<f64>,
    /// Rows used.
    pub rows: u64,
    /// Rows without a quantity.
    pub rows_missing_q: u64,
}

/// An importer's dependence per (year, mineral, stage), optionally for one mineral.
#[allow(clippy::too_many_arguments)]
pub fn dependence_rows(
    table: &TradeTable,
    map: &HsMap,
    revision: HsRevision,
    ds: &Dataset,
    importer: &str,
    partners: &PartnerSet,
    basis: Basis,
    mineral: Option<&MineralId>,
) -> Result<Vec<DependenceRow>, QueryError> {
    let (codes, importer) = importer_codes(table, importer)?;
    let countries = table.countries();
    let is_partner = |c: u16| countries.iso3(c).is_some_and(|iso| partners.contains(iso, ds));
    let is_feoc = |c: u16| countries.iso3(c).is_some_and(|iso| ds.in_group(iso, Group::Feoc));
    let results = importer_dependence(table, map, revision, &codes, basis, &is_partner, &is_feoc);
    Ok(results
        .into_iter()
        .filter(|d| mineral.is_none_or(|m| *m == d.mineral))
        .map(|d| DependenceRow {
            year: d.year,
            importer: importer.clone(),
            mineral: d.mineral.to_string(),
            stage: d.stage.id(),
            hs_codes: d.hs_codes.iter().map(|c| hs6_text(*c)).collect::<Vec<_>>().join(";"),
            lumped: d.lumped,
            basis: match basis {
                Basis::Value => "value",
                Basis::Quantity => "contained_tonnes",
            },
            value_kusd: d.value_kusd,
            contained_t: d.contained_tonnes,
            n_suppliers: d.n_suppliers,
            top_supplier: d.top_supplier.map(|(c, _)| countries.label(c)),
            top_share: d.top_supplier.map(|(_, s)| s),
            partners: partners.to_string(),
            partner_share: d.partner_share,
            feoc_share: d.feoc_share,
            hhi: d.hhi,
            rows: d.rows,
            rows_missing_q: d.rows_missing_quantity,
        })
        .collect())
}
